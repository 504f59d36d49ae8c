#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/metrics.hpp"

namespace ecrm {
namespace {

class Crypto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }
};

TEST_F(Crypto, TokensAreUrlSafeAndDistinct) {
  std::string a = random_token(32), b = random_token(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST_F(Crypto, Sha256MatchesKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// RFC 4648's vectors, then every length up to 300 bytes of every byte value: the URL-safe form
// decodes back to the bytes, and the MIME form is the same digits in the standard alphabet, with
// padding, in lines of 76 characters each ended by CRLF.
TEST_F(Crypto, Base64MatchesTheRfcAndRoundTrips) {
  const std::pair<std::string, std::string> rfc[] = {{"", ""},
                                                     {"f", "Zg=="},
                                                     {"fo", "Zm8="},
                                                     {"foo", "Zm9v"},
                                                     {"foob", "Zm9vYg=="},
                                                     {"fooba", "Zm9vYmE="},
                                                     {"foobar", "Zm9vYmFy"}};
  for (const auto& [raw, encoded] : rfc) {
    EXPECT_EQ(base64_mime(raw), encoded.empty() ? "" : encoded + "\r\n") << raw;
    std::string unpadded = encoded.substr(0, encoded.find('='));
    EXPECT_EQ(base64url_encode(raw), unpadded) << raw;
  }
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64_mime("\xfb\xff\xbf"), "+/+/\r\n");
  for (std::size_t size = 0; size <= 300; ++size) {
    std::string raw(size, '\0');
    for (std::size_t i = 0; i < size; ++i) raw[i] = static_cast<char>((i * 37 + size) & 0xff);
    const std::string url = base64url_encode(raw);
    EXPECT_EQ(url.size(), (size * 4 + 2) / 3) << size;
    EXPECT_EQ(base64url_decode(url), raw) << size;
    const std::string mime = base64_mime(raw);
    std::string digits;
    std::size_t at = 0;
    while (at < mime.size()) {
      const std::size_t end = mime.find("\r\n", at);
      ASSERT_NE(end, std::string::npos) << size;
      EXPECT_LE(end - at, 76u) << size;
      if (end + 2 < mime.size()) EXPECT_EQ(end - at, 76u) << size;
      digits += mime.substr(at, end - at);
      at = end + 2;
    }
    EXPECT_EQ(digits.size(), (size + 2) / 3 * 4) << size;
    std::string as_url = digits.substr(0, digits.find('='));
    for (char& ch : as_url) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    EXPECT_EQ(as_url, url) << size;
  }
}

// Reference values: the first 16 bytes of HMAC-SHA-512 under the SHA-256 of the key, base64url
// (Python's hmac and hashlib). Signing under one key, then another, then the first again gives
// each key's own MAC: a link signed under a key stays valid whatever was signed before it.
TEST_F(Crypto, SignIsHmacSha512256UnderTheKeysHash) {
  EXPECT_EQ(sign("shop link secret", "open:42"), "1app0lu7EfqXnzerh9_yLQ");
  EXPECT_EQ(sign("another secret", "open:42"), "fSZbUNds6RdOdleHLFc6xg");
  EXPECT_EQ(sign("shop link secret", "click:42:https://shop.example/p/1"),
            "F4rMi8DHMRD_lb86ClGJYg");
  EXPECT_EQ(sign("shop link secret", "open:42"), "1app0lu7EfqXnzerh9_yLQ");
}

TEST_F(Crypto, PasswordHashIsArgon2idAndVerifies) {
  std::string hash = hash_password("S3cure-pass!");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "S3cure-pass!"));
  EXPECT_FALSE(verify_password(hash, "S3cure-pass?"));
  EXPECT_FALSE(verify_password("not a hash", "S3cure-pass!"));
}

// RFC 4231, test cases 1 and 2.
TEST_F(Crypto, HmacSha256MatchesTheRfcVectors) {
  init_crypto();
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Metrics, RendersCountersAndCumulativeHistogram) {
  MetricsRegistry registry;
  registry.counter("x_total", "Things", {{"route", "/a"}, {"status", "200"}}).inc(3);
  registry.counter("x_total", "Things", {{"route", "/a"}, {"status", "404"}}).inc();
  auto& h = registry.histogram("d_seconds", "Durations", {{"route", "/a"}});
  h.observe(0.0001);
  h.observe(0.003);
  h.observe(100);
  std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE x_total counter"), std::string::npos);
  EXPECT_NE(text.find("x_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{route=\"/a\",le=\"0.005\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_count{route=\"/a\"} 3\n"), std::string::npos) << text;
  EXPECT_EQ(registry.counter_total("x_total"), 4u);
  EXPECT_EQ(registry.counter_by_label("x_total", "status").at("404"), 1u);
}

}  // namespace
}  // namespace ecrm
