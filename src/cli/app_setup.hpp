// Start-up steps shared by subcommands that use the database.
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace ecrm::cli {

// Opens the database named by `url`, applies pending migrations and installs the secret key
// (cli/secrets.hpp), logging what it did. Prints a clear message and returns nullptr on failure.
std::unique_ptr<storage::Database> open_and_migrate(const std::string& url,
                                                    const storage::DatabaseOptions& options = {});

}  // namespace ecrm::cli
