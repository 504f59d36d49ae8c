// Security headers, what a trusted proxy reports, and address lists (http/security.hpp).
#include <gtest/gtest.h>

#include <string>

#include "http/security.hpp"

namespace ecrm::http {
namespace {

std::string header_of(const Response& response, std::string_view name) {
  std::string found;
  int count = 0;
  for (const auto& [n, v] : response.headers) {
    if (n == name) {
      found = v;
      ++count;
    }
  }
  EXPECT_LE(count, 1) << name << " is set more than once";
  return found;
}

TEST(SecurityHeaders, PagesGetThePagePolicyWithoutInlineScript) {
  Response page;
  page.content_type = "text/html; charset=utf-8";
  add_security_headers(page);
  std::string csp = header_of(page, "Content-Security-Policy");
  EXPECT_EQ(csp, kPageContentSecurityPolicy);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(header_of(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header_of(page, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header_of(page, "Referrer-Policy"), "strict-origin-when-cross-origin");
}

TEST(SecurityHeaders, EverythingElseGetsTheResourcePolicy) {
  for (std::string type : {"application/json", "text/javascript; charset=utf-8", "text/csv", ""}) {
    Response response;
    response.content_type = type;
    add_security_headers(response);
    EXPECT_EQ(header_of(response, "Content-Security-Policy"),
              "default-src 'none'; frame-ancestors 'none'")
        << type;
    EXPECT_EQ(header_of(response, "Referrer-Policy"), "no-referrer") << type;
    EXPECT_EQ(header_of(response, "X-Content-Type-Options"), "nosniff") << type;
  }
}

TEST(SecurityHeaders, AResponsesOwnHeaderIsKept) {
  Response response;
  response.content_type = "text/html";
  response.header("referrer-policy", "no-referrer");
  add_security_headers(response);
  EXPECT_EQ(header_of(response, "referrer-policy"), "no-referrer");
  EXPECT_EQ(header_of(response, "Referrer-Policy"), "");
}

TEST(SecurityHeaders, NotModifiedCarriesNoPolicy) {
  Response response;
  response.status = 304;
  response.content_type.clear();
  add_security_headers(response);
  EXPECT_EQ(header_of(response, "Content-Security-Policy"), "");
  EXPECT_EQ(header_of(response, "Referrer-Policy"), "");
  EXPECT_EQ(header_of(response, "X-Content-Type-Options"), "nosniff");
}

TEST(Forwarded, TheLastForwardedAddressIsTheClient) {
  Headers headers;
  headers.add("x-forwarded-for", "1.2.3.4, 203.0.113.9");
  EXPECT_EQ(forwarded_client(headers), "203.0.113.9");

  Headers mapped;
  mapped.add("x-forwarded-for", " ::ffff:198.51.100.7 ");
  EXPECT_EQ(forwarded_client(mapped), "198.51.100.7");

  Headers v6;
  v6.add("x-forwarded-for", "2001:db8::1");
  EXPECT_EQ(forwarded_client(v6), "2001:db8::1");

  for (std::string bad : {"", "nonsense", "1.2.3.4, ", "1.2.3.4, evil"}) {
    Headers h;
    h.add("x-forwarded-for", bad);
    EXPECT_EQ(forwarded_client(h), std::nullopt) << bad;
  }
  EXPECT_EQ(forwarded_client(Headers{}), std::nullopt);
}

TEST(Forwarded, HttpsOnlyWhenTheProxySaysSo) {
  Headers https;
  https.add("x-forwarded-proto", "HTTPS");
  EXPECT_TRUE(forwarded_https(https));
  Headers chain;
  chain.add("x-forwarded-proto", "https, http");
  EXPECT_FALSE(forwarded_https(chain));
  Headers http;
  http.add("x-forwarded-proto", "http");
  EXPECT_FALSE(forwarded_https(http));
  EXPECT_FALSE(forwarded_https(Headers{}));
}

TEST(Forwarded, CookiesBecomeSecureOnce) {
  Response response;
  response.header("Set-Cookie", "ecrm_session=abc; Path=/; HttpOnly; SameSite=Lax");
  response.header("Set-Cookie", "other=1; Secure; HttpOnly");
  response.header("Content-Type", "x");
  mark_cookies_secure(response);
  EXPECT_EQ(response.headers[0].second, "ecrm_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(response.headers[1].second, "other=1; Secure; HttpOnly");
  EXPECT_EQ(response.headers[2].second, "x");
}

TEST(AddressList, MatchesNetworksOfBothFamilies) {
  auto list = AddressList::parse(" 10.0.0.0/8 , 192.168.1.7, 2001:db8::/32,172.16.0.0/12");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_TRUE(list->contains("10.200.3.4"));
  EXPECT_TRUE(list->contains("192.168.1.7"));
  EXPECT_FALSE(list->contains("192.168.1.8"));
  EXPECT_TRUE(list->contains("172.31.255.255"));
  EXPECT_FALSE(list->contains("172.32.0.0"));
  EXPECT_TRUE(list->contains("2001:db8:ffff::1"));
  EXPECT_FALSE(list->contains("2001:db9::1"));
  EXPECT_TRUE(list->contains("::ffff:10.1.1.1"));
  EXPECT_FALSE(list->contains("not an address"));

  auto loopback = AddressList::loopback();
  EXPECT_TRUE(loopback.contains("127.0.0.1"));
  EXPECT_TRUE(loopback.contains("127.8.9.10"));
  EXPECT_TRUE(loopback.contains("::1"));
  EXPECT_TRUE(loopback.contains("::ffff:127.0.0.1"));
  EXPECT_FALSE(loopback.contains("203.0.113.1"));

  auto none = AddressList::parse("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(none->contains("127.0.0.1"));

  auto all = AddressList::parse("0.0.0.0/0");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->contains("8.8.8.8"));
  EXPECT_FALSE(all->contains("::1"));
}

TEST(AddressList, RefusesWhatIsNotANetwork) {
  for (std::string bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "::1/129", "example.com", "1.2.3.4/8x"}) {
    auto list = AddressList::parse(bad);
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_NE(list.error().message.find(bad), std::string::npos) << list.error().message;
  }
}

}  // namespace
}  // namespace ecrm::http
