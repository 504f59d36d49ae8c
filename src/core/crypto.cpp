#include "core/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>
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

// Appends OpenSSL's base64 of `data` (RFC 4648, '='-padded, no line breaks): a table lookup per
// character. libsodium's encoder takes the same time whatever the data, as secrets need, which
// costs several times more, and message bodies are not secret from the relay.
void append_base64(std::string& out, std::string_view data) {
  constexpr std::size_t kChunk = std::size_t{3} << 20;  // a multiple of 3 that fits an int
  for (std::size_t at = 0; at < data.size(); at += kChunk) {
    const std::size_t size = std::min(kChunk, data.size() - at);
    const std::size_t first = out.size();
    out.resize(first + (size + 2) / 3 * 4 + 1);  // EVP_EncodeBlock ends with a NUL
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + first),
                                        reinterpret_cast<const unsigned char*>(data.data() + at),
                                        static_cast<int>(size));
    out.resize(first + static_cast<std::size_t>(written));
  }
}

}  // namespace

std::string base64url_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4 + 1);
  append_base64(out, data);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& ch : out) {
    if (ch == '+') ch = '-';
    else if (ch == '/') ch = '_';
  }
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
  // Lines of 76 characters (57 bytes), each ended by CRLF, the last one too.
  constexpr std::size_t kLineBytes = 57;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4 + (data.size() / kLineBytes + 1) * 2 + 1);
  for (std::size_t at = 0; at < data.size(); at += kLineBytes) {
    append_base64(out, data.substr(at, kLineBytes));
    out += "\r\n";
  }
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
