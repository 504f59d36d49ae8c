// The invalidation bus (storage/invalidation.hpp): topics reach their handlers; a published
// message reaches a follower on another pool of the same database only if its transaction
// commits; a lost PostgreSQL connection (SQLite: pruned rows) drops everything and following
// goes on.
#include "storage/invalidation.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/crypto.hpp"
#include "storage/migrations.hpp"
#include "test_database.hpp"

namespace ecrm::storage {
namespace {

using namespace std::chrono_literals;

TEST(InvalidationBus, DeliversEachMessageToItsTopicsHandlers) {
  InvalidationBus bus;
  std::vector<std::string> keys, sessions;
  int user_calls = 0;
  bus.subscribe("apikey", [&](std::string_view key) { keys.emplace_back(key); });
  bus.subscribe("apikey",
                [&](std::string_view key) { keys.emplace_back("second " + std::string(key)); });
  bus.subscribe("session", [&](std::string_view key) { sessions.emplace_back(key); });
  bus.subscribe("user", [&](std::string_view) { ++user_calls; });

  bus.deliver("apikey:42");
  bus.deliver("session:ab:cd");  // only the first colon separates
  bus.deliver("reclist:7");      // nobody follows it
  EXPECT_EQ(keys, (std::vector<std::string>{"42", "second 42"}));
  EXPECT_EQ(sessions, (std::vector<std::string>{"ab:cd"}));
  EXPECT_EQ(user_calls, 0);

  bus.deliver("session");  // the whole topic: an empty key
  EXPECT_EQ(sessions.back(), "");
  bus.deliver_all();
  EXPECT_EQ(user_calls, 1);
  EXPECT_EQ(keys.back(), "second ");
  EXPECT_EQ(bus.delivered(), 4u);
  EXPECT_EQ(bus.resets(), 1u);
}

// Collects the keys of one topic, thread-safely.
struct Heard {
  std::mutex mutex;
  std::vector<std::string> keys;
  int resets = 0;
  void add(std::string_view key) {
    std::lock_guard lock(mutex);
    if (key.empty()) {
      ++resets;
    } else {
      keys.emplace_back(key);
    }
  }
  bool has(const std::string& key) {
    std::lock_guard lock(mutex);
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
  int reset_count() {
    std::lock_guard lock(mutex);
    return resets;
  }
  // Waits up to `limit` for `key`; the time it took, or nullopt.
  std::optional<std::chrono::milliseconds> wait_for(const std::string& key,
                                                    std::chrono::milliseconds limit = 3s) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
      if (has(key)) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
      }
      std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
  }
};

class InvalidationFollowing : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (test_pg_url().empty()) GTEST_SKIP() << "ECRM_TEST_PG_URL not set";
      url_ = test_pg_url();  // NOTIFY needs no table: the cluster's database is enough
    } else {
      path_ = std::filesystem::temp_directory_path() / ("ecrm-inval-" + random_token(8) + ".db");
      url_ = "sqlite:" + path_.string();
    }
    // Two pools on one database: the writer's and the follower's, as two processes would have.
    auto writer = open_database(url_);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    writer_ = std::move(writer).value();
    if (GetParam() == "sqlite") {
      auto migrated = migrate(*writer_, embedded_migrations());
      ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    }
    auto reader = open_database(url_);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    reader_ = std::move(reader).value();
    bus_.subscribe("apikey", [this](std::string_view key) { heard_.add(key); });
    // The follower's PostgreSQL connection gets a name of its own: the test ends it, and only it.
    application_name_ = "ecrm_inval_test_" + random_token(6);
    std::string follower_url = url_;
    if (GetParam() == "postgresql") {
      follower_url += (url_.find('?') == std::string::npos ? "?" : "&");
      follower_url += "application_name=" + application_name_;
    }
    follower_ = std::make_unique<InvalidationFollower>(
        follower_url, *reader_, bus_,
        InvalidationFollowerOptions{.poll_interval = 50ms, .reconnect_delay = 100ms});
    ASSERT_TRUE(follower_->start().ok());
  }

  void TearDown() override {
    follower_.reset();
    reader_.reset();
    writer_.reset();
    if (!path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path_.string() + suffix);
    }
  }

  Status publish(const std::string& key, bool commit = true) {
    auto lease = writer_->acquire();
    if (!lease.ok()) return std::move(lease).error();
    ECRM_RETURN_IF_ERROR((*lease)->begin(TxMode::kWrite));
    ECRM_RETURN_IF_ERROR(publish_invalidation(**lease, topics::kApiKey, key));
    return commit ? (*lease)->commit() : (*lease)->rollback();
  }

  std::string url_;
  std::string application_name_;
  std::filesystem::path path_;
  std::unique_ptr<Database> writer_;
  std::unique_ptr<Database> reader_;
  InvalidationBus bus_;
  Heard heard_;
  std::unique_ptr<InvalidationFollower> follower_;
};

TEST_P(InvalidationFollowing, ACommittedMessageArrivesAndARolledBackOneNever) {
  std::string rolled_back = "rolled-back-" + random_token(6);
  std::string committed = "committed-" + random_token(6);
  ASSERT_TRUE(publish(rolled_back, false).ok());
  ASSERT_TRUE(publish(committed).ok());
  auto took = heard_.wait_for(committed);
  ASSERT_TRUE(took) << "a committed message did not arrive within 3 s";
  std::cout << "[ latency  ] " << GetParam() << ": " << took->count() << " ms\n";
  EXPECT_LT(took->count(), 1000);
  // Both were written before the committed one was heard: the rolled-back one would be here.
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(heard_.has(rolled_back));
}

TEST_P(InvalidationFollowing, AMessageOutsideATransactionArrivesToo) {
  std::string key = "autocommit-" + random_token(6);
  auto lease = writer_->acquire();
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(publish_invalidation(**lease, topics::kApiKey, key).ok());
  EXPECT_TRUE(heard_.wait_for(key));
}

TEST_P(InvalidationFollowing, MissedMessagesDropEverythingAndFollowingGoesOn) {
  int resets_before = heard_.reset_count();
  auto lease = writer_->acquire();
  ASSERT_TRUE(lease.ok());
  if (GetParam() == "postgresql") {
    // The follower's connection is ended by the server, as a restart or a network cut would.
    auto ended = (*lease)->query_int(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = $1",
        {Value(application_name_)});
    ASSERT_TRUE(ended.ok()) << ended.error().message;
    ASSERT_GE(ended->value_or(0), 1);
  } else {
    // Rows this process never read were pruned: the next row it reads is not the next number.
    auto skipped = (*lease)->execute(
        "INSERT INTO cache_invalidations (seq, message, at) "
        "VALUES ((SELECT COALESCE(MAX(seq), 0) + 5 FROM cache_invalidations), 'apikey:gap', 0)");
    ASSERT_TRUE(skipped.ok()) << skipped.error().message;
  }
  auto start = std::chrono::steady_clock::now();
  while (heard_.reset_count() == resets_before && std::chrono::steady_clock::now() - start < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GT(heard_.reset_count(), resets_before) << "missed messages did not drop everything";
  std::string after = "after-" + random_token(6);
  // After reconnecting, a new message is heard again (publish until it is: the LISTEN may not be
  // back yet when the first is sent).
  bool arrived = false;
  for (int attempt = 0; attempt < 30 && !arrived; ++attempt) {
    ASSERT_TRUE(publish(after).ok());
    arrived = heard_.wait_for(after, 200ms).has_value();
  }
  EXPECT_TRUE(arrived);
}

// SQLite: writers delete the rows older than ten minutes, oldest first, a few per write, and
// keep the newer ones.
TEST_P(InvalidationFollowing, WritersPruneExpiredRowsOldestFirst) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "PostgreSQL keeps no rows";
  auto lease = writer_->acquire();
  ASSERT_TRUE(lease.ok());
  const auto count = [&](const char* where) {
    return (*lease)
        ->query_int(std::string("SELECT COUNT(*) FROM cache_invalidations WHERE ") + where)
        .value()
        .value_or(-1);
  };
  ASSERT_TRUE((*lease)
                  ->execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                            "WHERE i < 150) INSERT INTO cache_invalidations (message, at) "
                            "SELECT 'apikey:expired', 1000 FROM n")
                  .ok());
  ASSERT_EQ(count("at = 1000"), 150);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(publish("fresh-" + std::to_string(i)).ok());
  EXPECT_EQ(count("at = 1000"), 0) << "three writes leave expired rows";
  EXPECT_EQ(count("message LIKE 'apikey:fresh-%'"), 3);
}

TEST_P(InvalidationFollowing, StopIsPrompt) {
  auto start = std::chrono::steady_clock::now();
  follower_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

INSTANTIATE_TEST_SUITE_P(Backends, InvalidationFollowing, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ecrm::storage
