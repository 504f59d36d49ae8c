// SQLite backend: WAL journal, foreign keys on, a busy timeout, a page cache and memory map sized
// for analytics, one connection per thread (leased from a pool that opens them on demand).
#pragma once

#include <memory>
#include <string>

#include "storage/database.hpp"

namespace ecrm::storage {

// Opens (creating if needed) the database file at `path`, creating its parent directory.
Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, const DatabaseOptions& options);

}  // namespace ecrm::storage
