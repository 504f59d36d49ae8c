// The jobs table (migrations/0049_jobs.sql) behind core/job_queue.hpp. A claim takes the oldest
// claimable row of a kind: on PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED, so that
// workers claiming at once each get a different row or none; on SQLite inside a write
// transaction (BEGIN IMMEDIATE), which serializes claims. Thread-safe; every call leases its
// own connection.
#pragma once

#include "core/job_queue.hpp"
#include "storage/database.hpp"

namespace ecrm::storage {

class DbJobQueue : public JobQueue {
 public:
  explicit DbJobQueue(Database& db) : db_(db) {}

  Result<bool> enqueue(std::string_view kind, std::string_view requested_by,
                       const std::optional<std::string>& schedule_key, UnixMs now) override;
  Result<bool> retry_failed(std::string_view kind, const std::string& schedule_key,
                            UnixMs failed_before) override;
  Result<std::optional<ClaimedJob>> claim(std::string_view kind, const std::string& owner,
                                          UnixMs now, UnixMs lease_until) override;
  Result<bool> renew(std::int64_t id, const std::string& owner, UnixMs now,
                     UnixMs lease_until) override;
  Status finish(std::int64_t id, const std::string& owner, bool ok, const std::string& result,
                const std::string& error, UnixMs now) override;
  Result<std::optional<ActiveJob>> active(std::string_view kind) override;

 private:
  Database& db_;
};

}  // namespace ecrm::storage
