// ModelWorker's customer refreshes: queued customers are refreshed in batches, and stopping does
// not wait for a backlog (a refresh is derived data that the next full build rewrites).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/model_worker.hpp"

namespace ecrm {
namespace {

ModelJob slow_refresh_job(std::atomic<int>& calls, std::atomic<int>& customers) {
  ModelJob job;
  job.kind = "test_build";
  job.log_name = "test";
  job.noun = "build";
  job.nothing_built_reason = "nothing";
  job.claim_holder = [] { return Result<std::optional<std::string>>(std::nullopt); };
  job.last_built_at = [] { return Result<std::optional<UnixMs>>(std::nullopt); };
  job.build = [](const std::string&) { return Result<std::string>(std::string("built")); };
  job.refresh = [&](std::span<const std::int64_t> ids) -> Status {
    ++calls;
    customers += static_cast<int>(ids.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return {};
  };
  return job;
}

TEST(ModelWorkerRefresh, QueuedCustomersAreRefreshedInBatches) {
  std::atomic<int> calls{0}, customers{0};
  ModelWorker worker(slow_refresh_job(calls, customers), ModelWorkerOptions{.schedule = false});
  for (std::int64_t id = 1; id <= 100; ++id) worker.customer_changed(id);
  worker.start();
  for (int i = 0; i < 200 && customers.load() < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.stop();
  EXPECT_EQ(customers.load(), 100);
  EXPECT_EQ(calls.load(), 2);  // 64 + 36
}

TEST(ModelWorkerRefresh, StoppingLeavesABacklogInsteadOfWorkingThroughIt) {
  std::atomic<int> calls{0}, customers{0};
  ModelWorker worker(slow_refresh_job(calls, customers), ModelWorkerOptions{.schedule = false});
  constexpr int kQueued = 64 * 200;  // 200 batches of 50 ms: 10 s to work through
  for (std::int64_t id = 1; id <= kQueued; ++id) worker.customer_changed(id);
  worker.start();
  while (calls.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  worker.stop();
  EXPECT_LT(calls.load(), 10);  // the batch under way, not the 200 queued
  EXPECT_LT(customers.load(), kQueued);
}

}  // namespace
}  // namespace ecrm
