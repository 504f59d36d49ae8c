#include "http/security.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ecrm::http {

namespace {

namespace ip = boost::asio::ip;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool has_header(const Response& response, std::string_view name) {
  return std::any_of(response.headers.begin(), response.headers.end(),
                     [name](const auto& header) { return iequals(header.first, name); });
}

// The last comma-separated item of `value`, trimmed.
std::string_view last_item(std::string_view value) {
  auto comma = value.rfind(',');
  return trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
}

// Parses an address; IPv4-mapped IPv6 addresses become IPv4.
std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::address(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
  }
  return address;
}

}  // namespace

void add_security_headers(Response& response) {
  const bool page = response.content_type.rfind("text/html", 0) == 0;
  auto add = [&response](std::string_view name, std::string_view value) {
    if (!has_header(response, name)) response.header(std::string(name), std::string(value));
  };
  add("X-Content-Type-Options", "nosniff");
  add("X-Frame-Options", "DENY");
  // A 304 has no content type, and its headers replace those of the copy the browser keeps:
  // the resource policy there would become the policy of a cached page.
  if (response.status == 304) return;
  add("Content-Security-Policy",
      page ? kPageContentSecurityPolicy : kResourceContentSecurityPolicy);
  add("Referrer-Policy", page ? "strict-origin-when-cross-origin" : "no-referrer");
}

std::optional<std::string> forwarded_client(const Headers& headers) {
  auto value = headers.get("x-forwarded-for");
  if (!value) return std::nullopt;
  auto address = parse_address(last_item(*value));
  if (!address) return std::nullopt;
  return address->to_string();
}

bool forwarded_https(const Headers& headers) {
  auto value = headers.get("x-forwarded-proto");
  return value && iequals(last_item(*value), "https");
}

void mark_cookies_secure(Response& response) {
  for (auto& [name, value] : response.headers) {
    if (!iequals(name, "set-cookie")) continue;
    bool secure = false;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semicolon = rest.find(';');
      std::string_view attribute = trim(rest.substr(0, semicolon));
      if (iequals(attribute, "secure")) secure = true;
      if (semicolon == std::string_view::npos) break;
      rest.remove_prefix(semicolon + 1);
    }
    if (!secure) value += "; Secure";
  }
}

Result<AddressList> AddressList::parse(std::string_view text) {
  AddressList list;
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    auto slash = item.find('/');
    auto address = parse_address(item.substr(0, slash));
    if (!address) {
      return Error::invalid("'" + std::string(item) + "' is not an address or a network", "",
                            "invalid_network");
    }
    Network network;
    network.v6 = address->is_v6();
    if (network.v6) {
      auto bytes = address->to_v6().to_bytes();
      std::copy(bytes.begin(), bytes.end(), network.bytes.begin());
    } else {
      auto bytes = address->to_v4().to_bytes();
      std::copy(bytes.begin(), bytes.end(), network.bytes.begin());
    }
    const int width = network.v6 ? 128 : 32;
    network.prefix = width;
    if (slash != std::string_view::npos) {
      std::string_view bits = item.substr(slash + 1);
      int prefix = -1;
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      if (ec != std::errc{} || end != bits.data() + bits.size() || prefix < 0 || prefix > width) {
        return Error::invalid("'" + std::string(item) + "' has a bad prefix length", "",
                              "invalid_network");
      }
      network.prefix = prefix;
    }
    list.networks_.push_back(network);
  }
  return list;
}

AddressList AddressList::loopback() { return std::move(parse("127.0.0.0/8,::1")).value(); }

bool AddressList::contains(std::string_view text) const {
  auto address = parse_address(text);
  if (!address) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (address->is_v6()) {
    auto v6 = address->to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), bytes.begin());
  } else {
    auto v4 = address->to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), bytes.begin());
  }
  for (const Network& network : networks_) {
    if (network.v6 != address->is_v6()) continue;
    int whole = network.prefix / 8;
    int rest = network.prefix % 8;
    if (!std::equal(bytes.begin(), bytes.begin() + whole, network.bytes.begin())) continue;
    if (rest != 0) {
      auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
      if ((bytes[whole] & mask) != (network.bytes[whole] & mask)) continue;
    }
    return true;
  }
  return false;
}

}  // namespace ecrm::http
