// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 6 digits, a 30 s
// step. Pure functions over a secret's raw bytes, plus the base32 form authenticator apps read
// and the otpauth:// URI they scan. No storage here; see service.hpp for replay protection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecrm::auth::totp {

inline constexpr int kDigits = 6;
inline constexpr std::int64_t kStepSeconds = 30;
inline constexpr std::size_t kSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

// RFC 4648 base32 without padding (upper case), and back: case, spaces and '=' are ignored;
// nullopt for any other character outside the alphabet.
std::string base32_encode(std::string_view bytes);
std::optional<std::string> base32_decode(std::string_view text);

// The step (counter) a Unix time in seconds falls in.
std::int64_t step_of(std::int64_t unix_seconds);

// The `digits`-digit code of `key` (raw bytes) for `step`, zero-padded (RFC 4226 section 5.3).
std::string code_at_step(std::string_view key, std::int64_t step, int digits = kDigits);
// The code at a Unix time in seconds.
std::string code_at(std::string_view key, std::int64_t unix_seconds, int digits = kDigits);

// The step within `tolerance` steps of `unix_seconds` whose code is `code` (compared in constant
// time), or nullopt. A caller refuses a step it already accepted to stop a code being replayed.
std::optional<std::int64_t> matching_step(std::string_view key, std::string_view code,
                                          std::int64_t unix_seconds, int tolerance = 1);

// A new secret of kSecretBytes random bytes (libsodium).
std::string new_secret();

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30, with
// the label and issuer percent-encoded.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32);

}  // namespace ecrm::auth::totp
