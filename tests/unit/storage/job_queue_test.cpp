// The jobs table's queue (storage/job_queue.hpp) on both backends: one active job per kind, one
// job per scheduled run, claims by threads at once each getting a different job or none, a lease
// renewed only by its owner, a job whose lease ran out taken over (its previous owner named), and
// a failed scheduled run queued again.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "core/crypto.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/migrations.hpp"
#include "test_database.hpp"

namespace ecrm::storage {
namespace {

class JobQueueContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql" && test_pg_url().empty()) {
      GTEST_SKIP() << "ECRM_TEST_PG_URL not set";
    }
    auto opened = database_.open(GetParam(), "j");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = &database_.db();
    const Migration* jobs = nullptr;
    for (const auto& m : embedded_migrations()) {
      if (m.name == "jobs") jobs = &m;
    }
    ASSERT_NE(jobs, nullptr);
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    auto created = (*lease)->execute_script(adapt_ddl(db_->backend(), jobs->sql));
    ASSERT_TRUE(created.ok()) << created.error().message;
    queue_ = std::make_unique<DbJobQueue>(*db_);
  }

  void TearDown() override {
    queue_.reset();
    db_ = nullptr;
    database_.close();
  }

  std::string state(std::int64_t id) {
    auto lease = db_->acquire();
    std::string out;
    std::vector<Value> params = {id};
    EXPECT_TRUE((*lease)
                    ->query("SELECT state FROM jobs WHERE id = $1", params,
                            [&](const RowView& row) { out = row.get_string(0); })
                    .ok());
    return out;
  }

  TestDatabase database_;
  Database* db_ = nullptr;
  std::unique_ptr<DbJobQueue> queue_;
};

TEST_P(JobQueueContract, OneActiveJobPerKindAndOnePerScheduledRun) {
  EXPECT_TRUE(*queue_->enqueue("a", "ann@example.com", std::nullopt, 1000));
  EXPECT_FALSE(*queue_->enqueue("a", "bob@example.com", std::nullopt, 1001));
  EXPECT_FALSE(*queue_->enqueue("a", "schedule", std::string("first"), 1002));
  EXPECT_TRUE(*queue_->enqueue("b", "schedule", std::string("first"), 1003));
  auto active = queue_->active("a");
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_FALSE((*active)->running);
  EXPECT_EQ((*active)->requested_by, "ann@example.com");

  auto claimed = queue_->claim("b", "w1", 2000, 5000);
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_TRUE(queue_->finish((*claimed)->id, "w1", true, "built", {}, 2500).ok());
  EXPECT_EQ(state((*claimed)->id), "done");
  EXPECT_FALSE(queue_->active("b")->has_value());
  // The same scheduled run is not queued twice, even after it finished; the next one is.
  EXPECT_FALSE(*queue_->enqueue("b", "schedule", std::string("first"), 3000));
  EXPECT_TRUE(*queue_->enqueue("b", "schedule", std::string("after 2500"), 3000));
}

TEST_P(JobQueueContract, ClaimsAtOnceEachGetADifferentJob) {
  constexpr int kJobs = 6;
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_TRUE(*queue_->enqueue("k" + std::to_string(i), "t", std::nullopt, 1000));
  }
  std::mutex mutex;
  std::multiset<std::int64_t> claimed;
  std::atomic<int> errors = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJobs; ++i) {
        auto job = queue_->claim("k" + std::to_string(i), "w" + std::to_string(t), 2000, 60000);
        if (!job.ok()) {
          ++errors;
        } else if (*job) {
          std::lock_guard lock(mutex);
          claimed.insert((*job)->id);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(),
            static_cast<std::size_t>(kJobs));
}

TEST_P(JobQueueContract, AnExpiredLeaseIsTakenOverAndOnlyItsHolderRenewsOrFinishes) {
  ASSERT_TRUE(*queue_->enqueue("a", "t", std::nullopt, 1000));
  auto first = queue_->claim("a", "w1", 2000, 4000);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->attempts, 1);
  EXPECT_EQ((*first)->previous_owner, "");
  // Held: nobody else gets it; renewed by its holder only.
  EXPECT_FALSE(queue_->claim("a", "w2", 3000, 5000)->has_value());
  EXPECT_TRUE(*queue_->renew((*first)->id, "w1", 3500, 6000));
  EXPECT_FALSE(*queue_->renew((*first)->id, "w2", 3500, 6000));
  EXPECT_FALSE(queue_->claim("a", "w2", 5000, 7000)->has_value());
  // w1 stops renewing (it died): after its lease the job is w2's, on a second attempt.
  auto second = queue_->claim("a", "w2", 6001, 9000);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->id, (*first)->id);
  EXPECT_EQ((*second)->attempts, 2);
  EXPECT_EQ((*second)->previous_owner, "w1");
  EXPECT_FALSE(*queue_->renew((*first)->id, "w1", 6500, 9000));
  ASSERT_TRUE(queue_->finish((*first)->id, "w1", true, "late", {}, 7000).ok());
  EXPECT_EQ(state((*first)->id), "running");  // w1's late finish changes nothing
  ASSERT_TRUE(queue_->finish((*second)->id, "w2", true, "built", {}, 7000).ok());
  EXPECT_EQ(state((*first)->id), "done");
  EXPECT_FALSE(queue_->claim("a", "w3", 99999, 999999)->has_value());
}

TEST_P(JobQueueContract, AFailedScheduledRunIsQueuedAgainAfterAWhile) {
  ASSERT_TRUE(*queue_->enqueue("a", "schedule", std::string("first"), 1000));
  auto job = queue_->claim("a", "w1", 2000, 4000);
  ASSERT_TRUE(job.ok() && job->has_value());
  ASSERT_TRUE(queue_->finish((*job)->id, "w1", false, {}, "disk full", 3000).ok());
  EXPECT_EQ(state((*job)->id), "failed");
  EXPECT_FALSE(*queue_->retry_failed("a", "first", 3000));  // not before the given time
  EXPECT_TRUE(*queue_->retry_failed("a", "first", 3001));
  EXPECT_EQ(state((*job)->id), "queued");
  EXPECT_FALSE(*queue_->retry_failed("a", "first", 9000));  // already queued
  auto again = queue_->claim("a", "w2", 4000, 6000);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->attempts, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobQueueContract, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ecrm::storage
