#include "core/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/crypto.hpp"

namespace ecrm {

namespace {

constexpr std::size_t kNonceBytes = crypto_secretbox_NONCEBYTES;
constexpr std::size_t kMacBytes = crypto_secretbox_MACBYTES;

std::unique_ptr<SecretBox>& installed() {
  static std::unique_ptr<SecretBox> box;
  return box;
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

bool is_sealed(std::string_view stored) { return stored.starts_with(kSealedPrefix); }

SecretBox::SecretBox(const Key& key, std::string source) : key_(key), source_(std::move(source)) {}

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

Result<std::unique_ptr<SecretBox>> SecretBox::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::invalid("cannot read the secret key file " + path, "secret_key_file");
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Key key{};
  const std::string_view hex = trimmed(content);
  std::size_t written = 0;
  if (hex.size() == 2 * kKeyBytes &&
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &written, nullptr) ==
          0 &&
      written == kKeyBytes) {
    // 64 hex characters
  } else if (content.size() == kKeyBytes) {
    std::memcpy(key.data(), content.data(), kKeyBytes);
  } else {
    sodium_memzero(content.data(), content.size());
    return Error::invalid("the secret key file " + path +
                              " must hold 64 hexadecimal characters (32 bytes), as `ecrm secrets "
                              "keygen` writes",
                          "secret_key_file");
  }
  sodium_memzero(content.data(), content.size());
  auto box = std::make_unique<SecretBox>(key, path);
  sodium_memzero(key.data(), key.size());
  return box;
}

Status SecretBox::create_key_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error::invalid("cannot create the secret key file " + path + ": " + std::strerror(errno),
                          "secret_key_file");
  }
  Key key{};
  randombytes_buf(key.data(), key.size());
  std::string hex(2 * kKeyBytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
  hex.back() = '\n';
  sodium_memzero(key.data(), key.size());
  const bool ok =
      ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  sodium_memzero(hex.data(), hex.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Error::internal("cannot write the secret key file " + path);
  }
  return {};
}

std::string SecretBox::seal(std::string_view plain) const {
  std::string packed(kNonceBytes + kMacBytes + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(packed.data());
  randombytes_buf(nonce, kNonceBytes);
  crypto_secretbox_easy(nonce + kNonceBytes, reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), nonce, key_.data());
  return std::string(kSealedPrefix) + base64url_encode(packed);
}

Result<std::string> SecretBox::open(std::string_view stored) const {
  if (!is_sealed(stored)) return std::string(stored);
  const auto packed = base64url_decode(stored.substr(kSealedPrefix.size()));
  if (!packed || packed->size() < kNonceBytes + kMacBytes) {
    return Error::internal("a sealed secret in the database is malformed");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(packed->data());
  std::string plain(packed->size() - kNonceBytes - kMacBytes, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 nonce + kNonceBytes, packed->size() - kNonceBytes, nonce,
                                 key_.data()) != 0) {
    return Error::internal("a secret in the database does not open with the key in " + source_ +
                           " (another key file, or the stored value was changed)");
  }
  return plain;
}

void install_secret_box(std::unique_ptr<SecretBox> box) { installed() = std::move(box); }

const SecretBox* installed_secret_box() { return installed().get(); }

std::string seal_secret(std::string_view plain) {
  const SecretBox* box = installed_secret_box();
  return box && !plain.empty() ? box->seal(plain) : std::string(plain);
}

Result<std::string> open_secret(std::string_view stored) {
  const SecretBox* box = installed_secret_box();
  if (box) return box->open(stored);
  if (is_sealed(stored)) {
    return Error::internal(
        "a secret in the database is sealed and no key file is given (--secret-key-file or "
        "ECRM_SECRET_KEY_FILE)");
  }
  return std::string(stored);
}

}  // namespace ecrm
