// SQLite's count of the memory it holds is off (open_sqlite): counting takes a process-wide mutex
// on every allocation, which the server's worker threads queued on.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "storage/database.hpp"
#include "test_database.hpp"

namespace ecrm::storage {
namespace {

TEST(SqliteMemory, TheLibraryDoesNotCountWhatItAllocates) {
  TestDatabase test;
  ASSERT_TRUE(test.open("sqlite", "memory").ok());
  auto lease = test.db().acquire();
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

}  // namespace
}  // namespace ecrm::storage
