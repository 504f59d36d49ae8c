// A database of its own for one storage test, on either backend: a SQLite file in the temporary
// directory, or a schema of its own on the PostgreSQL server the suite was given (ctest runs tests
// in parallel against one cluster). PostgreSQL is named by ECRM_TEST_PG_URL_FILE (a file holding
// the URL; ctest compiles in the one its cluster writes) or ECRM_TEST_PG_URL.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "core/crypto.hpp"
#include "storage/database.hpp"

namespace ecrm::storage {

// The PostgreSQL server's URL, or "" when none was given.
inline std::string test_pg_url() {
  const char* file = std::getenv("ECRM_TEST_PG_URL_FILE");
#ifdef ECRM_TEST_PG_URL_FILE
  if (file == nullptr || *file == '\0') file = ECRM_TEST_PG_URL_FILE;
#endif
  if (file && *file) {
    std::ifstream in(file);
    std::string url;
    if (in >> url) return url;
  }
  const char* url = std::getenv("ECRM_TEST_PG_URL");
  return url ? url : "";
}

class TestDatabase {
 public:
  TestDatabase() = default;
  ~TestDatabase() { close(); }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Opens a new, empty database on `backend` ("sqlite" or "postgresql"); `prefix` names its file
  // or schema. Call test_pg_url() first to skip PostgreSQL when there is no server.
  Status open(const std::string& backend, const std::string& prefix) {
    if (backend == "postgresql") {
      ECRM_ASSIGN_OR_RETURN(admin_, open_database(test_pg_url()));
      schema_ = prefix + "_" + sha256_hex(random_token(8)).substr(0, 12);
      {
        ECRM_ASSIGN_OR_RETURN(auto lease, admin_->acquire());
        ECRM_RETURN_IF_ERROR(lease->execute_script("CREATE SCHEMA " + schema_));
      }
      std::string url = test_pg_url();
      url += (url.find('?') == std::string::npos ? "?" : "&");
      url += "options=-csearch_path%3D" + schema_;
      ECRM_ASSIGN_OR_RETURN(db_, open_database(url));
      return {};
    }
    path_ =
        std::filesystem::temp_directory_path() / ("ecrm-" + prefix + "-" + random_token(8) + ".db");
    ECRM_ASSIGN_OR_RETURN(db_, open_database("sqlite:" + path_.string()));
    return {};
  }

  Database& db() { return *db_; }

  // Closes the database and drops its schema or removes its files.
  void close() {
    db_.reset();
    if (admin_) {
      if (auto lease = admin_->acquire(); lease.ok()) {
        (void)(*lease)->execute_script("DROP SCHEMA " + schema_ + " CASCADE");
      }
      admin_.reset();
    }
    if (!path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path_.string() + suffix);
      }
      path_.clear();
    }
  }

 private:
  std::unique_ptr<Database> admin_;
  std::unique_ptr<Database> db_;
  std::filesystem::path path_;
  std::string schema_;
};

}  // namespace ecrm::storage
