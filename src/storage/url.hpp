// What a database URL names: "sqlite:PATH" (also sqlite://PATH) a SQLite file, "postgresql://…"
// or "postgres://…" a libpq connection URI.
#pragma once

#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::storage {

struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  std::string location;  // the SQLite file's path, or the whole PostgreSQL URI
};

// kInvalidArgument (field "db") for an unknown scheme or a SQLite URL without a path.
Result<DatabaseUrl> parse_database_url(const std::string& url);

}  // namespace ecrm::storage
