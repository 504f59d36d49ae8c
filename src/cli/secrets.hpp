// The key that seals the secrets stored in the database (core/secret_box.hpp): every command that
// takes --db also takes --secret-key-file (or $ECRM_SECRET_KEY_FILE), and open_and_migrate
// installs it before anything reads a secret.
#pragma once

#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::cli {

// The key file named by --secret-key-file or $ECRM_SECRET_KEY_FILE ("" when none).
std::string& secret_key_file();

// Installs the key of secret_key_file() (none: secrets are stored in clear), checks that every
// sealed secret in `db` opens with it, and then seals the secrets still stored in clear; returns
// how many it sealed. On a key file that cannot be read, or a sealed secret that does not open
// (another key file, or no key file at all), an error naming the key file and nothing written.
[[nodiscard]] Result<int> install_secret_key(storage::Database& db);

}  // namespace ecrm::cli
