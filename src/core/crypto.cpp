#include "core/crypto.hpp"

#include <openssl/sha.h>
#include <sodium.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace ecrm {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::string sha256_hex(std::string_view data) {
  // OpenSSL's, not libsodium's: it uses the CPU's SHA instructions (a message's content digest
  // took four times as long through libsodium's portable code).
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex(SHA256_DIGEST_LENGTH * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
  hex.resize(hex.size() - 1);
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

}  // namespace ecrm

namespace ecrm {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Appends the base64 of `data` in `alphabet` (RFC 4648), '='-padded when `pad`; with `line` > 0,
// in lines of that many characters (a multiple of 4), each ended by CRLF, the last one too. A
// table lookup per character: libsodium's encoder is written to take the same time whatever the
// data (for secrets), several times slower, and message bodies are not secret from the relay.
void append_base64(std::string& out, std::string_view data, const char* alphabet, bool pad,
                   std::size_t line) {
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t whole = data.size() / 3 * 3;
  const std::size_t groups_per_line = line / 4;
  // The whole groups written in place: their length is known.
  const std::size_t groups = whole / 3;
  const std::size_t breaks = groups_per_line ? groups / groups_per_line : 0;
  const std::size_t first = out.size();
  out.resize(first + groups * 4 + breaks * 2);
  char* to = out.data() + first;
  std::size_t in_line = 0;
  for (std::size_t i = 0; i < whole; i += 3) {
    const std::uint32_t n =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *to++ = alphabet[n >> 18];
    *to++ = alphabet[(n >> 12) & 63];
    *to++ = alphabet[(n >> 6) & 63];
    *to++ = alphabet[n & 63];
    if (groups_per_line && ++in_line == groups_per_line) {
      *to++ = '\r';
      *to++ = '\n';
      in_line = 0;
    }
  }
  const std::size_t left = data.size() - whole;
  if (left > 0) {
    std::uint32_t n = std::uint32_t{in[whole]} << 16;
    if (left == 2) n |= std::uint32_t{in[whole + 1]} << 8;
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    if (left == 2) {
      out += alphabet[(n >> 6) & 63];
    } else if (pad) {
      out += '=';
    }
    if (pad) out += '=';
    ++in_line;
  }
  if (groups_per_line && in_line > 0) out += "\r\n";
}

}  // namespace

std::string base64url_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  append_base64(out, data, kBase64Url, false, 0);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace ecrm

namespace ecrm {

std::string base64_mime(std::string_view data) {
  const std::size_t encoded = (data.size() + 2) / 3 * 4;
  std::string out;
  out.reserve(encoded + (encoded / 76 + 1) * 2);
  append_base64(out, data, kBase64, true, 76);
  return out;
}

std::string sign(std::string_view key, std::string_view data) {
  // crypto_auth (HMAC-SHA-512-256) under the SHA-256 of `key`, with the keyed state (the key's
  // hash and both pads hashed, three of the five SHA compressions a short MAC costs) kept per
  // thread for the last key: a message's links are all signed under the shop's one secret.
  struct Keyed {
    bool ready = false;
    std::string key;
    crypto_auth_hmacsha512256_state state;
  };
  thread_local Keyed keyed;
  if (!keyed.ready || keyed.key != key) {
    unsigned char k[crypto_auth_hmacsha512256_KEYBYTES];
    crypto_hash_sha256(k, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha512256_init(&keyed.state, k, sizeof k);
    sodium_memzero(k, sizeof k);
    keyed.key.assign(key);
    keyed.ready = true;
  }
  crypto_auth_hmacsha512256_state state = keyed.state;
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size());
  unsigned char mac[crypto_auth_hmacsha512256_BYTES];
  crypto_auth_hmacsha512256_final(&state, mac);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), 16));
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof mac);
  for (unsigned char b : mac) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace ecrm
