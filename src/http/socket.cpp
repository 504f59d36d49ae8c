#include "http/socket.hpp"

#include <algorithm>
#include <cctype>

namespace ecrm::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// True when the comma-separated header value holds `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_socket_upgrade(const Request& request) {
  if (request.method != Method::kGet) return false;
  auto upgrade = request.headers.get("upgrade");
  auto connection = request.headers.get("connection");
  return upgrade && connection && has_token(*upgrade, "websocket") &&
         has_token(*connection, "upgrade");
}

bool same_origin(const Request& request) {
  auto origin = request.headers.get("origin");
  auto host = request.headers.get("host");
  if (!origin || !host || host->empty()) return false;
  std::string_view rest = *origin;
  auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view scheme = rest.substr(0, scheme_end);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return false;
  rest.remove_prefix(scheme_end + 3);
  if (rest.find('/') != std::string_view::npos) return false;
  if (iequals(rest, *host)) return true;
  // A default port may be written on one side only.
  std::string_view default_port = iequals(scheme, "https") ? ":443" : ":80";
  auto strip = [&](std::string_view text) {
    if (text.size() > default_port.size() &&
        text.substr(text.size() - default_port.size()) == default_port) {
      text.remove_suffix(default_port.size());
    }
    return text;
  };
  return iequals(strip(rest), strip(*host));
}

Result<Response> accept_socket(const Request& request, std::shared_ptr<SocketHandler> handler) {
  if (!is_socket_upgrade(request)) {
    return Error::invalid("this endpoint speaks WebSocket: send a GET with Upgrade: websocket",
                          "", "upgrade_required");
  }
  Response response;
  response.status = 101;
  response.content_type.clear();
  response.socket = std::move(handler);
  return response;
}

}  // namespace ecrm::http
