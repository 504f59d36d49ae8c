// Whole-database copies: a backup taken while the database serves, restored into an empty
// database, and the integrity checks of the storage itself.
//
// SQLite: SQLite's online backup API copies every page inside one read transaction, so the copy
// is the database as of the moment that transaction began, while writers go on (WAL). The copy is
// a single self-contained file (rollback journal, not WAL).
// PostgreSQL: `pg_dump --format=custom` (one snapshot, taken while serving) and `pg_restore`, run
// as child processes from PATH; the client tools must be of the server's major version or newer.
//
// A backup file is written beside its final name and renamed into place once complete, so an
// interrupted backup never leaves a file that looks whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/url.hpp"

namespace ecrm::storage {

struct BackupReport {
  Backend backend = Backend::kSqlite;
  int schema_version = 0;   // the highest migration the copy records
  std::int64_t bytes = 0;   // size of the backup file
  std::int64_t millis = 0;  // time taken
};

// Copies the database at `url` into `file` (replaced if it exists).
Result<BackupReport> backup_database(const std::string& url, const std::string& file);

// Restores `file` into the database at `url`, which must be empty (no tables of its own).
// Refuses (kConflict) a non-empty target and a copy whose schema is newer than `known_version`
// (the highest migration this binary has); the caller then applies newer migrations.
Result<BackupReport> restore_database(const std::string& url, const std::string& file,
                                      int known_version);

// The storage engine's own checks: SQLite's `integrity_check` and `foreign_key_check`
// (PostgreSQL enforces foreign keys as it writes and has no cheap whole-database check). Each
// problem is one line naming where it is; an empty list means none was found.
Result<std::vector<std::string>> check_storage(Connection& connection);

}  // namespace ecrm::storage
