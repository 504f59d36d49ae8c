// Secrets the application must read back in clear (webhook signing secrets, TOTP secrets, social
// channel secrets) are stored sealed with a key from a file: libsodium's crypto_secretbox
// (XSalsa20-Poly1305), a random nonce per value, as the text "sb1:" + base64url(nonce ||
// ciphertext). Values stored before a key was configured stay readable in clear and are sealed
// when next written (or by `ecrm secrets seal`).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ecrm {

// The prefix of a sealed value; the version names the algorithm and the layout.
inline constexpr std::string_view kSealedPrefix = "sb1:";

// True when `stored` is a sealed value (it may still fail to open).
bool is_sealed(std::string_view stored);

class SecretBox {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  using Key = std::array<unsigned char, kKeyBytes>;

  // A box over `key`; `source` names where the key came from (the key file) in error messages.
  SecretBox(const Key& key, std::string source);
  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  // Reads the key from `path`: 64 hexadecimal characters (surrounding white space ignored) or
  // exactly 32 raw bytes. kInvalidArgument naming the file when it cannot be read or holds
  // anything else. The key is never part of a message.
  [[nodiscard]] static Result<std::unique_ptr<SecretBox>> from_file(const std::string& path);

  // Writes a new random key to `path` as hex, readable by its owner only (0600); fails, changing
  // nothing, when `path` exists.
  [[nodiscard]] static Status create_key_file(const std::string& path);

  // `plain` sealed under a fresh random nonce: "sb1:…".
  std::string seal(std::string_view plain) const;

  // The clear value of `stored`: a value not starting with "sb1:" is returned as it is (stored
  // before a key was configured). kInternal naming the key file when a sealed value does not open
  // (another key, or the text was changed). Never includes the value in the message.
  [[nodiscard]] Result<std::string> open(std::string_view stored) const;

  const std::string& source() const { return source_; }

 private:
  Key key_;
  std::string source_;
};

// The process-wide box, installed once at start-up by the command that opened the database
// (nullptr: no key file, secrets are stored in clear). Reads and writes of stored secrets go
// through seal_secret / open_secret below.
void install_secret_box(std::unique_ptr<SecretBox> box);
const SecretBox* installed_secret_box();

// `plain` sealed with the installed box, or `plain` itself when there is none or it is empty
// (an empty value means "not set" and stays readable as such).
std::string seal_secret(std::string_view plain);

// The clear value of `stored` (see SecretBox::open). A sealed value with no installed box is an
// error asking for the key file.
[[nodiscard]] Result<std::string> open_secret(std::string_view stored);

}  // namespace ecrm
