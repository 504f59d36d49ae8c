// SQLite's count of the memory it holds is off (open_sqlite): counting takes a process-wide mutex
// on every allocation, which the server's worker threads queued on.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>

#include "core/crypto.hpp"
#include "storage/database.hpp"

namespace ecrm::storage {
namespace {

TEST(SqliteMemory, TheLibraryDoesNotCountWhatItAllocates) {
  const auto path =
      std::filesystem::temp_directory_path() / ("ecrm-memory-" + random_token(8) + ".db");
  {
    auto db = open_database("sqlite:" + path.string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto lease = (*db)->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)
                    ->execute_script("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT NOT NULL); "
                                     "INSERT INTO t (text) VALUES ('one'), ('two');")
                    .ok());
    auto rows = (*lease)->query_int("SELECT count(*) FROM t", {});
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->value_or(0), 2);
    // With the count on, this connection and its table count about 100 kB (107,880 bytes here).
    EXPECT_EQ(sqlite3_memory_used(), 0);
    EXPECT_EQ(sqlite3_memory_highwater(0), 0);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

}  // namespace
}  // namespace ecrm::storage
