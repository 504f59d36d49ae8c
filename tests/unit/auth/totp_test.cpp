// The TOTP engine against RFC 6238's test vectors (Appendix B, SHA-1) and the base32 form
// authenticator apps read.
#include <gtest/gtest.h>

#include <string>

#include "auth/totp.hpp"
#include "core/crypto.hpp"

namespace ecrm::auth::totp {
namespace {

constexpr std::string_view kRfcKey = "12345678901234567890";

struct Vector {
  std::int64_t time;
  const char* code;  // 8 digits, as the RFC lists them
};

constexpr Vector kVectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(Totp, RfcVectorsInEightDigits) {
  for (const auto& v : kVectors) EXPECT_EQ(code_at(kRfcKey, v.time, 8), v.code) << v.time;
}

TEST(Totp, SixDigitCodeIsTheLastSixOfTheRfcValue) {
  for (const auto& v : kVectors) {
    EXPECT_EQ(code_at(kRfcKey, v.time), std::string(v.code).substr(2)) << v.time;
  }
}

TEST(Totp, AcceptsOneStepEitherSideAndNoFurther) {
  const std::int64_t now = 1111111111;  // step 37037037
  const std::int64_t step = step_of(now);
  EXPECT_EQ(step, 37037037);
  EXPECT_EQ(matching_step(kRfcKey, code_at_step(kRfcKey, step), now), step);
  EXPECT_EQ(matching_step(kRfcKey, code_at_step(kRfcKey, step - 1), now), step - 1);
  EXPECT_EQ(matching_step(kRfcKey, code_at_step(kRfcKey, step + 1), now), step + 1);
  EXPECT_EQ(matching_step(kRfcKey, code_at_step(kRfcKey, step - 2), now), std::nullopt);
  EXPECT_EQ(matching_step(kRfcKey, code_at_step(kRfcKey, step + 2), now), std::nullopt);
}

TEST(Totp, RefusesMalformedCodes) {
  const std::int64_t now = 59;
  EXPECT_EQ(matching_step(kRfcKey, "287082", now), 1);
  EXPECT_EQ(matching_step(kRfcKey, "94287082", now), std::nullopt);
  EXPECT_EQ(matching_step(kRfcKey, "28708", now), std::nullopt);
  EXPECT_EQ(matching_step(kRfcKey, "", now), std::nullopt);
  EXPECT_EQ(matching_step(kRfcKey, "abcdef", now), std::nullopt);
}

TEST(Totp, Base32RoundTripsAndMatchesRfc4648) {
  EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32_encode("f"), "MY");
  EXPECT_EQ(base32_encode(kRfcKey), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(base32_decode("mzxw 6ytb oi=="), "foobar");
  EXPECT_EQ(base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), std::string(kRfcKey));
  EXPECT_EQ(base32_decode("MZXW1"), std::nullopt);  // 1 is not in the alphabet
}

TEST(Totp, NewSecretsAreRandomAndFullLength) {
  init_crypto();
  const std::string a = new_secret();
  const std::string b = new_secret();
  EXPECT_EQ(a.size(), kSecretBytes);
  EXPECT_NE(a, b);
  EXPECT_EQ(base32_decode(base32_encode(a)), a);
}

TEST(Totp, OtpauthUriNamesIssuerAccountAndParameters) {
  EXPECT_EQ(otpauth_uri("ecrm Shop", "ann@example.com", "MZXW6YTBOI"),
            "otpauth://totp/ecrm%20Shop:ann@example.com?secret=MZXW6YTBOI&issuer=ecrm%20Shop"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace ecrm::auth::totp
