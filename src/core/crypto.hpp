// Secrets and digests through libsodium (SHA-256 through OpenSSL's libcrypto). Call init_crypto()
// once at start-up.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ecrm {

// Initialises libsodium; throws std::runtime_error when the library cannot start.
void init_crypto();

// `bytes` cryptographically random bytes, encoded base64url without padding.
std::string random_token(std::size_t bytes = 32);

// Lower-case hex SHA-256 of `data`: used to store high-entropy secrets (session tokens, API keys)
// so that a database leak does not reveal them.
std::string sha256_hex(std::string_view data);

// Compares without leaking where the inputs differ through timing.
bool constant_time_equal(std::string_view a, std::string_view b);

// Argon2id password hashing (libsodium crypto_pwhash_str with its "interactive" limits). The
// returned string encodes the algorithm, limits and salt.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);

}  // namespace ecrm

namespace ecrm {
// base64url without padding, and back (nullopt for malformed input).
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

// Standard base64 with padding, in lines of 76 characters ended by CRLF (MIME bodies).
std::string base64_mime(std::string_view data);

// A keyed MAC of `data` (HMAC-SHA-512-256 under the SHA-256 of `key`), base64url: signs links
// that must not be forged (unsubscribe, click tracking). Check with constant_time_equal.
std::string sign(std::string_view key, std::string_view data);

// HMAC-SHA-256 of `data` under `key`, lower-case hex: what receivers of signed webhook calls
// check with any library.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
}  // namespace ecrm
