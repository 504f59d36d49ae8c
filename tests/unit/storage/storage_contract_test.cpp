// One contract suite for both storage backends. SQLite runs always; PostgreSQL runs when
// ECRM_TEST_PG_URL names a server (ctest sets it from the cluster it starts).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/crypto.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "test_database.hpp"

namespace ecrm::storage {
namespace {

class StorageContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && test_pg_url().empty()) {
      GTEST_SKIP() << "ECRM_TEST_PG_URL not set";
    }
    auto opened = database_.open(GetParam(), "t");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = &database_.db();
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    auto created = (*lease)->execute_script(adapt_ddl(
        db_->backend(),
        "CREATE TABLE kv (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v BIGINT, d DOUBLE PRECISION);"
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent(id));"));
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  void TearDown() override {
    db_ = nullptr;
    database_.close();
  }

  TestDatabase database_;
  Database* db_ = nullptr;
};

TEST_P(StorageContract, BindsParametersByNumberInAnyOrder) {
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  auto& c = **lease;
  auto inserted = c.execute("INSERT INTO kv (v, k, d) VALUES ($2, $1, $3)",
                            {std::string("alpha"), std::int64_t{42}, 0.5});
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(*inserted, 1);
  ASSERT_TRUE(c.execute("INSERT INTO kv (k, v) VALUES ($1, $2)", {std::string("beta"), kNull}).ok());

  std::vector<std::tuple<std::string, std::optional<std::int64_t>, double>> rows;
  auto status = c.query("SELECT k, v, d FROM kv WHERE k = $1 OR k = $2 ORDER BY k",
                        {std::string("beta"), std::string("alpha")}, [&](const RowView& row) {
                          rows.emplace_back(row.get_string(0), row.get_optional_int(1),
                                            row.get_double(2));
                        });
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<0>(rows[0]), "alpha");
  EXPECT_EQ(std::get<1>(rows[0]), 42);
  EXPECT_DOUBLE_EQ(std::get<2>(rows[0]), 0.5);
  EXPECT_EQ(std::get<1>(rows[1]), std::nullopt);

  auto same_twice = c.query_int("SELECT COUNT(*) FROM kv WHERE k = $1 OR v = $2 OR k = $1",
                                {std::string("alpha"), std::int64_t{-1}});
  ASSERT_TRUE(same_twice.ok()) << same_twice.error().message;
  EXPECT_EQ(*same_twice, 1);
}

TEST_P(StorageContract, TextIsStoredVerbatimNotInterpretedAsSql) {
  auto lease = db_->acquire();
  auto& c = **lease;
  std::string hostile = "x'); DROP TABLE kv; --\xe4\xb8\xad\xe6\x96\x87";
  ASSERT_TRUE(c.execute("INSERT INTO kv (k) VALUES ($1)", {hostile}).ok());
  std::string back;
  ASSERT_TRUE(c.query("SELECT k FROM kv", {}, [&](const RowView& r) { back = r.get_string(0); }).ok());
  EXPECT_EQ(back, hostile);
}

TEST_P(StorageContract, ReturningGivesGeneratedIds) {
  auto lease = db_->acquire();
  auto& c = **lease;
  auto first = c.query_int("INSERT INTO kv (k) VALUES ($1) RETURNING id", {std::string("a")});
  auto second = c.query_int("INSERT INTO kv (k) VALUES ($1) RETURNING id", {std::string("b")});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_GT(**second, **first);
}

TEST_P(StorageContract, ConstraintViolationsAreConflicts) {
  auto lease = db_->acquire();
  auto& c = **lease;
  ASSERT_TRUE(c.execute("INSERT INTO kv (k) VALUES ($1)", {std::string("dup")}).ok());
  auto dup = c.execute("INSERT INTO kv (k) VALUES ($1)", {std::string("dup")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
  auto orphan = c.execute("INSERT INTO child (parent_id) VALUES ($1)", {std::int64_t{999}});
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().kind, ErrorKind::kConflict);
  // The connection stays usable after an error.
  EXPECT_TRUE(c.execute("INSERT INTO kv (k) VALUES ($1)", {std::string("after")}).ok());
}

TEST_P(StorageContract, SyntaxErrorsAreInternalNotCrashes) {
  auto lease = db_->acquire();
  auto bad = (*lease)->execute("SELEC nonsense", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInternal);
  auto missing_param = (*lease)->execute("INSERT INTO kv (k) VALUES ($1)", {});
  EXPECT_FALSE(missing_param.ok());
}

TEST_P(StorageContract, TransactionsCommitAndRollBack) {
  auto status = with_transaction(*db_, TxMode::kWrite, [](Connection& c) -> Status {
    auto r = c.execute("INSERT INTO kv (k) VALUES ($1)", {std::string("kept")});
    if (!r.ok()) return std::move(r).error();
    return {};
  });
  ASSERT_TRUE(status.ok());
  auto failed = with_transaction(*db_, TxMode::kWrite, [](Connection& c) -> Status {
    auto r = c.execute("INSERT INTO kv (k) VALUES ($1)", {std::string("dropped")});
    if (!r.ok()) return std::move(r).error();
    return Error::unprocessable("business rule says no");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().kind, ErrorKind::kUnprocessable);
  {
    // A lease returned with an open transaction is rolled back.
    auto lease = db_->acquire();
    ASSERT_TRUE((*lease)->begin(TxMode::kWrite).ok());
    ASSERT_TRUE((*lease)->execute("INSERT INTO kv (k) VALUES ($1)", {std::string("abandoned")}).ok());
  }
  auto lease = db_->acquire();
  auto count = (*lease)->query_int("SELECT COUNT(*) FROM kv");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
}

TEST_P(StorageContract, ConcurrentWritersAllLand) {
  constexpr int kThreads = 4, kRows = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRows; ++i) {
        auto status = with_transaction(*db_, TxMode::kWrite, [&](Connection& c) -> Status {
          auto r = c.execute("INSERT INTO kv (k, v) VALUES ($1, $2)",
                             {std::to_string(t) + ":" + std::to_string(i), std::int64_t{i}});
          if (!r.ok()) return std::move(r).error();
          return {};
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto lease = db_->acquire();
  EXPECT_EQ(*(*lease)->query_int("SELECT COUNT(*) FROM kv"), kThreads * kRows);
}

TEST_P(StorageContract, MigrationsApplyOnceInOrder) {
  std::vector<Migration> migrations = {
      {1, "first", "CREATE TABLE m1 (id INTEGER PRIMARY KEY, name TEXT);"},
      {2, "second", "ALTER TABLE m1 ADD COLUMN extra BIGINT; INSERT INTO m1 (name) VALUES ('x');"},
  };
  auto report = migrate(*db_, migrations);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->applied, 2);
  EXPECT_EQ(report->current_version, 2);
  auto again = migrate(*db_, migrations);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0);

  migrations.push_back({3, "broken", "CREATE TABLE m3 (id INTEGER PRIMARY KEY); SELEC oops;"});
  auto broken = migrate(*db_, migrations);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("migration 3_broken failed"), std::string::npos);
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(*(*lease)->query_int("SELECT MAX(version) FROM schema_migrations"), 2);
  EXPECT_EQ(*(*lease)->query_int("SELECT COUNT(*) FROM m1"), 1);
  EXPECT_FALSE((*lease)->execute("SELECT * FROM m3", {}).ok()) << "failed migration must roll back";

  migrations.pop_back();
  migrations.pop_back();
  auto older_binary = migrate(*db_, migrations);
  ASSERT_FALSE(older_binary.ok());
  EXPECT_EQ(older_binary.error().kind, ErrorKind::kConflict);
}

TEST_P(StorageContract, AMigrationNumberedBelowTheRecordedOnesIsStillApplied) {
  // A database migrated by a build that had migrations 1 and 3 but not yet 2.
  std::vector<Migration> without_two = {
      {1, "first", "CREATE TABLE g1 (id INTEGER PRIMARY KEY);"},
      {3, "third", "CREATE TABLE g3 (id INTEGER PRIMARY KEY);"},
  };
  auto first = migrate(*db_, without_two);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->applied, 2);
  std::vector<Migration> all = {without_two[0], {2, "second", "CREATE TABLE g2 (id INTEGER PRIMARY KEY);"},
                                without_two[1]};
  auto second = migrate(*db_, all);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->applied, 1) << "only the missing one";
  EXPECT_EQ(second->current_version, 3);
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_TRUE((*lease)->execute("INSERT INTO g2 (id) VALUES (1)", {}).ok()) << "migration 2 made its table";
  EXPECT_EQ(*(*lease)->query_int("SELECT COUNT(*) FROM schema_migrations"), 3);
  auto again = migrate(*db_, all);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0);
}

TEST_P(StorageContract, ShippedMigrationsApply) {
  auto report = migrate(*db_, embedded_migrations());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->current_version, embedded_migrations().back().version);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(OpenDatabase, RejectsUnknownSchemes) {
  auto result = open_database("mysql://x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(result.error().field, "db");
}

TEST(OpenDatabase, UnreachablePostgresIsUnavailable) {
  auto result = open_database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable);
}

TEST(AdaptDdl, RewritesAutoNumberedKeysForPostgres) {
  EXPECT_EQ(adapt_ddl(Backend::kPostgres, "id INTEGER PRIMARY KEY, n INTEGER"),
            "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n INTEGER");
  EXPECT_EQ(adapt_ddl(Backend::kSqlite, "id INTEGER PRIMARY KEY"), "id INTEGER PRIMARY KEY");
}

TEST(AdaptDdl, KeepsOnlyTheSectionsOfTheBackend) {
  const std::string_view script =
      "CREATE TABLE t (x TEXT);\n"
      "-- backend: sqlite\n"
      "CREATE VIRTUAL TABLE f USING fts5(x);\n"
      "-- backend: postgresql\n"
      "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
      "-- backend: all\n"
      "CREATE INDEX t_x ON t (x);\n";
  EXPECT_EQ(adapt_ddl(Backend::kSqlite, script),
            "CREATE TABLE t (x TEXT);\nCREATE VIRTUAL TABLE f USING fts5(x);\n"
            "CREATE INDEX t_x ON t (x);\n");
  EXPECT_EQ(adapt_ddl(Backend::kPostgres, script),
            "CREATE TABLE t (x TEXT);\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
            "CREATE INDEX t_x ON t (x);\n");
}

}  // namespace
}  // namespace ecrm::storage
