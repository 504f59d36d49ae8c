// What every response says to the browser about itself (security headers), what a reverse proxy
// in front of the server may tell about the client (X-Forwarded-For, X-Forwarded-Proto), and the
// address lists that restrict operational endpoints. Pure functions over plain values, so the
// server, the dispatcher and the tests share them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"

namespace ecrm::http {

// The Content-Security-Policy of HTML pages (the web UI, the portals, the unsubscribe and survey
// pages): scripts only from this origin and never inline; inline styles allowed (the server's
// small pages carry a <style>, Element Plus and ECharts set style attributes); images also from
// https: and data: (an e-mail template's preview shows its images); never framed.
inline constexpr std::string_view kPageContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
// Everything else (JSON, scripts, CSV, metrics) is never a document: nothing may load from it.
inline constexpr std::string_view kResourceContentSecurityPolicy =
    "default-src 'none'; frame-ancestors 'none'";

// Adds to `response` the security headers it does not set itself: Content-Security-Policy (the
// page policy for text/html, the resource policy otherwise), X-Content-Type-Options: nosniff,
// X-Frame-Options: DENY, and Referrer-Policy (strict-origin-when-cross-origin for pages,
// no-referrer otherwise); a 304 gets neither policy (its headers update the browser's stored
// copy, whose content type it does not say). A header the response already has (any case) is
// left as it is.
void add_security_headers(Response& response);

// The client address a trusted reverse proxy reports: the last valid address in the
// X-Forwarded-For header (the one the proxy in front of us appended; earlier entries come from
// the client and may be forged), normalized (an IPv4-mapped IPv6 address becomes IPv4).
// nullopt when the header is missing or holds no valid address.
std::optional<std::string> forwarded_client(const Headers& headers);

// True when a trusted reverse proxy says the client spoke HTTPS to it (X-Forwarded-Proto: https,
// the last value when the header lists several).
bool forwarded_https(const Headers& headers);

// Adds "; Secure" to every Set-Cookie header of `response` that lacks it.
void mark_cookies_secure(Response& response);

// A list of networks in CIDR notation ("127.0.0.0/8,::1/128"; a bare address is a /32 or /128).
class AddressList {
 public:
  // Parses a comma-separated list; spaces around items are ignored; an empty text is an empty
  // list (no address matches). Errors name the item that is not an address or a network.
  static Result<AddressList> parse(std::string_view text);
  // Loopback only: 127.0.0.0/8 and ::1.
  static AddressList loopback();

  // True when `address` (textual IPv4 or IPv6; an IPv4-mapped IPv6 address counts as IPv4)
  // lies in one of the networks. An unparsable address matches nothing.
  bool contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
    int prefix = 0;
  };
  std::vector<Network> networks_;
};

}  // namespace ecrm::http
