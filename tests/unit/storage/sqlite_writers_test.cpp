// SQLite's writers within one process queue on the database's write gate: a writer waits for the
// one before it instead of sleeping in the busy handler, and fails as a locked database would
// when it cannot have the lock within the busy timeout. Also the slow-statement log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>
#include <utility>

#include "core/crypto.hpp"
#include "storage/database.hpp"

namespace ecrm::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Captures what is logged from construction to text() (or destruction, if a test stops early),
// then puts the previous logger back.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>(
        "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)));
  }
  ~LogCapture() { restore(); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  // Stops capturing; what was logged.
  std::string text() {
    restore();
    return out_.str();
  }

 private:
  void restore() {
    if (previous_) spdlog::set_default_logger(std::exchange(previous_, nullptr));
  }
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

class SqliteWriters : public ::testing::Test {
 protected:
  void open(const DatabaseOptions& options = {}) {
    path_ = std::filesystem::temp_directory_path() / ("ecrm-writers-" + random_token(8) + ".db");
    auto opened = open_database("sqlite:" + path_.string(), options);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE(
        (*lease)->execute_script("CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT)").ok());
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix, ec);
    }
  }
  std::int64_t rows() {
    auto lease = db_->acquire();
    return (*lease)->query_int("SELECT COUNT(*) FROM log").value().value_or(-1);
  }

  std::filesystem::path path_;
  std::unique_ptr<Database> db_;
};

// A write outside a transaction waits for an open write transaction and lands after it.
TEST_F(SqliteWriters, AWriteOutsideATransactionWaitsForTheOpenOneAndLandsAfterIt) {
  open();
  auto holder = db_->acquire();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE((*holder)->begin(TxMode::kWrite).ok());
  ASSERT_TRUE((*holder)->execute("INSERT INTO log (who) VALUES ('first')", {}).ok());

  std::atomic<bool> done{false};
  Status second;
  std::thread writer([&] {
    auto lease = db_->acquire();
    auto r = (*lease)->execute("INSERT INTO log (who) VALUES ('second')", {});
    if (!r.ok()) second = std::move(r).error();
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(done.load()) << "the second writer did not wait for the open transaction";
  ASSERT_TRUE((*holder)->commit().ok());
  writer.join();
  ASSERT_TRUE(second.ok()) << second.error().message;

  auto lease = db_->acquire();
  std::vector<std::string> order;
  ASSERT_TRUE((*lease)
                  ->query("SELECT who FROM log ORDER BY id", {},
                          [&](const RowView& row) { order.push_back(row.get_string(0)); })
                  .ok());
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second"}));
}

// A read transaction that starts writing holds the lock until it ends, like a write one.
TEST_F(SqliteWriters, AReadTransactionThatWritesHoldsTheLockUntilItEnds) {
  open();
  auto holder = db_->acquire();
  ASSERT_TRUE((*holder)->begin(TxMode::kRead).ok());
  ASSERT_TRUE((*holder)->execute("INSERT INTO log (who) VALUES ('reader')", {}).ok());
  std::atomic<bool> done{false};
  std::thread writer([&] {
    auto ok = with_transaction(*db_, TxMode::kWrite, [](Connection& c) -> Status {
      auto r = c.execute("INSERT INTO log (who) VALUES ('writer')", {});
      if (!r.ok()) return std::move(r).error();
      return {};
    });
    EXPECT_TRUE(ok.ok()) << ok.error().message;
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(done.load());
  ASSERT_TRUE((*holder)->rollback().ok());
  writer.join();
  EXPECT_EQ(rows(), 1);  // the writer's row; the reader's was rolled back
}

// A thread that holds the lock through one connection and writes through another cannot have
// it: the second write fails after the busy timeout instead of waiting forever, and the lock is
// free again once the first transaction ends.
TEST_F(SqliteWriters, ASecondWriterOnTheSameThreadFailsAfterTheBusyTimeout) {
  open(DatabaseOptions{.busy_timeout_ms = 200});
  auto holder = db_->acquire();
  ASSERT_TRUE((*holder)->begin(TxMode::kWrite).ok());
  {
    auto other = db_->acquire();
    auto r = (*other)->execute("INSERT INTO log (who) VALUES ('blocked')", {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable);
    EXPECT_NE(r.error().message.find("locked"), std::string::npos) << r.error().message;
    // Reads do not need the lock.
    EXPECT_EQ((*other)->query_int("SELECT COUNT(*) FROM log").value().value_or(-1), 0);
  }
  ASSERT_TRUE((*holder)->commit().ok());
  auto again = db_->acquire();
  EXPECT_TRUE((*again)->execute("INSERT INTO log (who) VALUES ('later')", {}).ok());
  EXPECT_EQ(rows(), 1);
}

// A failed statement, a failed commit's rollback and a connection dropped mid-transaction all
// leave the lock free.
TEST_F(SqliteWriters, ErrorsAndAbandonedTransactionsLeaveTheLockFree) {
  open(DatabaseOptions{.busy_timeout_ms = 200});
  {
    auto lease = db_->acquire();
    auto bad = (*lease)->execute("INSERT INTO log (id, who) VALUES (1, 'a'), (1, 'b')", {});
    EXPECT_FALSE(bad.ok());
  }
  {
    auto lease = db_->acquire();
    ASSERT_TRUE((*lease)->begin(TxMode::kWrite).ok());
    ASSERT_TRUE((*lease)->execute("INSERT INTO log (who) VALUES ('abandoned')", {}).ok());
  }  // the pool rolls the lease back
  auto status = with_transaction(*db_, TxMode::kWrite, [](Connection& c) -> Status {
    auto r = c.execute("INSERT INTO log (who) VALUES ('kept')", {});
    if (!r.ok()) return std::move(r).error();
    return {};
  });
  EXPECT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(rows(), 1);
}

// Many threads writing in and out of transactions: every write lands, none waits out the timeout.
TEST_F(SqliteWriters, ManyWritersAllLand) {
  open(DatabaseOptions{.max_connections = 16});
  constexpr int kThreads = 8, kRows = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRows; ++i) {
        Status status;
        if (i % 2 == 0) {
          auto lease = db_->acquire();
          auto r = (*lease)->execute("INSERT INTO log (who) VALUES ($1)", {std::to_string(t)});
          if (!r.ok()) status = std::move(r).error();
        } else {
          status = with_transaction(*db_, TxMode::kWrite, [&](Connection& c) -> Status {
            auto r = c.execute("INSERT INTO log (who) VALUES ($1)", {std::to_string(t)});
            if (!r.ok()) return std::move(r).error();
            return {};
          });
        }
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows(), kThreads * kRows);
}

TEST_F(SqliteWriters, TheSlowStatementLogNamesTheStatementButNotItsParameters) {
  open(DatabaseOptions{.slow_statement_ms = 1});
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  {
    auto lease = db_->acquire();
    // About a million rows: well over a millisecond.
    auto n = (*lease)->query_int(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)\n"
        "   SELECT COUNT(*) FROM n WHERE i <> $2",
        {std::int64_t{1000000}, std::string("secret-value")});
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->value_or(0), 1000000);
  }
  spdlog::set_default_logger(previous);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("slow statement:"));
  EXPECT_THAT(text,
              HasSubstr("1 rows: WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                        "WHERE i < $1) SELECT COUNT(*) FROM n WHERE i <> $2"));
  EXPECT_THAT(text, Not(HasSubstr("secret-value")));

  // Off by default.
  std::ostringstream quiet;
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "quiet", std::make_shared<spdlog::sinks::ostream_sink_mt>(quiet)));
  {
    TearDown();
    open();
    auto lease = db_->acquire();
    ASSERT_TRUE((*lease)
                    ->query_int("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                "WHERE i < 1000000) SELECT COUNT(*) FROM n")
                    .ok());
  }
  spdlog::set_default_logger(previous);
  EXPECT_EQ(quiet.str().find("slow statement"), std::string::npos) << quiet.str();
}

// A write transaction that holds the lock past the threshold is logged with its first statement
// and how long it waited: the writers queued behind it are held up that long, which no single
// statement's time shows.
TEST_F(SqliteWriters, AWriteTransactionHoldingTheLockLongIsLoggedWithItsFirstStatement) {
  open(DatabaseOptions{.slow_statement_ms = 50});
  LogCapture log;
  {
    auto lease = db_->acquire();
    ASSERT_TRUE((*lease)->begin(TxMode::kWrite).ok());
    ASSERT_TRUE((*lease)->execute("INSERT INTO log (who) VALUES ($1)", {std::string("x")}).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(80));  // work between statements
    ASSERT_TRUE((*lease)->commit().ok());
    // A quick one is not logged.
    ASSERT_TRUE((*lease)->begin(TxMode::kWrite).ok());
    ASSERT_TRUE((*lease)->execute("DELETE FROM log WHERE who = 'nobody'", {}).ok());
    ASSERT_TRUE((*lease)->commit().ok());
  }
  const std::string text = log.text();
  EXPECT_THAT(text, HasSubstr("slow write: held the write lock "));
  EXPECT_THAT(text, HasSubstr("from: BEGIN IMMEDIATE; INSERT INTO log (who) VALUES ($1)"));
  EXPECT_THAT(text, Not(HasSubstr("DELETE FROM log")));
  EXPECT_THAT(text, Not(HasSubstr("slow statement")));  // no statement was slow
}

// A writer that waited past the threshold for the lock is logged with its statement, and so is a
// caller that waited for a connection: neither wait is a statement's time, and either can hold up
// a request while every statement is quick.
TEST_F(SqliteWriters, WaitsForTheWriteLockAndForAConnectionAreLogged) {
  open(DatabaseOptions{.max_connections = 2, .slow_statement_ms = 50});
  LogCapture log;
  {
    auto holder = std::make_unique<Result<Lease>>(db_->acquire());
    ASSERT_TRUE(holder->ok());
    ASSERT_TRUE((**holder)->begin(TxMode::kWrite).ok());
    std::thread writer([&] {
      auto lease = db_->acquire();
      ASSERT_TRUE(lease.ok());
      EXPECT_TRUE((*lease)->execute("INSERT INTO log (who) VALUES ($1)", {std::string("w")}).ok());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    // Both connections are leased now: a third caller waits for one.
    std::thread third([&] {
      auto lease = db_->acquire();
      EXPECT_TRUE(lease.ok());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    ASSERT_TRUE((**holder)->commit().ok());
    holder.reset();  // the connection goes back to the pool
    writer.join();
    third.join();
  }
  const std::string text = log.text();
  EXPECT_THAT(text, HasSubstr("slow write: waited "));
  EXPECT_THAT(text, HasSubstr(" ms for the write lock, to run: INSERT INTO log (who) VALUES ($1)"));
  EXPECT_THAT(text, HasSubstr("slow connection: waited "));
  EXPECT_THAT(text, HasSubstr("(2 open, all in use)"));
}

}  // namespace
}  // namespace ecrm::storage
