#include "cli/secrets.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <vector>

#include "core/secret_box.hpp"

namespace ecrm::cli {

namespace {

using storage::Connection;
using storage::RowView;

// Every column holding a secret the application reads back in clear. Digests (passwords, API
// keys, sessions, recovery codes) are not here: they are never read back.
struct SecretColumn {
  std::string_view name;    // for messages: table.column
  std::string_view select;  // (row key as text, stored value)
  std::string_view update;  // $1 the sealed value, $2 the row key, $3 the value read
};

constexpr std::array kSecretColumns{
    SecretColumn{
        "user_totp.secret", "SELECT CAST(user_id AS TEXT), secret FROM user_totp",
        "UPDATE user_totp SET secret = $1 WHERE CAST(user_id AS TEXT) = $2 AND secret = $3"},
    SecretColumn{
        "partner_webhooks.secret", "SELECT CAST(id AS TEXT), secret FROM partner_webhooks",
        "UPDATE partner_webhooks SET secret = $1 WHERE CAST(id AS TEXT) = $2 AND secret = $3"},
    SecretColumn{"automation_keys.secret", "SELECT name, secret FROM automation_keys",
                 "UPDATE automation_keys SET secret = $1 WHERE name = $2 AND secret = $3"},
    SecretColumn{
        "messaging_keys.secret", "SELECT CAST(id AS TEXT), secret FROM messaging_keys",
        "UPDATE messaging_keys SET secret = $1 WHERE CAST(id AS TEXT) = $2 AND secret = $3"},
    SecretColumn{"social_settings.inbound_secret",
                 "SELECT name, inbound_secret FROM social_settings",
                 "UPDATE social_settings SET inbound_secret = $1 WHERE name = $2 "
                 "AND inbound_secret = $3"},
    SecretColumn{
        "social_settings.reply_secret", "SELECT name, reply_secret FROM social_settings",
        "UPDATE social_settings SET reply_secret = $1 WHERE name = $2 AND reply_secret = $3"},
};

struct StoredSecret {
  const SecretColumn* column;
  std::string key, value;
};

}  // namespace

std::string& secret_key_file() {
  static std::string path;
  return path;
}

Result<int> install_secret_key(storage::Database& db) {
  const std::string& path = secret_key_file();
  if (path.empty()) {
    install_secret_box(nullptr);
  } else {
    ECRM_ASSIGN_OR_RETURN(auto box, SecretBox::from_file(path));
    install_secret_box(std::move(box));
  }
  return storage::with_transaction<int>(
      db, storage::TxMode::kWrite, [&](Connection& c) -> Result<int> {
        std::vector<StoredSecret> stored;
        for (const auto& column : kSecretColumns) {
          ECRM_RETURN_IF_ERROR(c.query(column.select, {}, [&](const RowView& row) {
            if (!row.get_text(1).empty())
              stored.push_back({&column, row.get_string(0), row.get_string(1)});
          }));
        }
        // Every sealed value must open before anything is written.
        for (const auto& s : stored) {
          if (!is_sealed(s.value)) continue;
          if (auto opened = open_secret(s.value); !opened.ok()) {
            return Error::invalid(std::string(s.column->name) + ": " + opened.error().message,
                                  "secret_key_file");
          }
        }
        if (installed_secret_box() == nullptr) return 0;
        int sealed = 0;
        for (const auto& s : stored) {
          if (is_sealed(s.value)) continue;
          ECRM_ASSIGN_OR_RETURN(
              auto changed, c.execute(s.column->update, {seal_secret(s.value), s.key, s.value}));
          sealed += static_cast<int>(changed);
        }
        return sealed;
      });
}

}  // namespace ecrm::cli
