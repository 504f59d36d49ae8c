#include "storage/job_queue.hpp"

namespace ecrm::storage {

namespace {

// The partial unique indexes on (kind) of active jobs and on (kind, schedule_key) make a
// second job of a kind, or a second run of one schedule key, a conflict that inserts nothing.
constexpr std::string_view kEnqueue =
    "INSERT INTO jobs (kind, state, requested_by, schedule_key, created_at) "
    "VALUES ($1, 'queued', $2, $3, $4) ON CONFLICT DO NOTHING";
constexpr std::string_view kRetryFailed =
    "UPDATE jobs SET state = 'queued', lease_owner = '', lease_until = NULL, error = '' "
    "WHERE kind = $1 AND schedule_key = $2 AND state = 'failed' AND finished_at < $3 "
    "AND NOT EXISTS (SELECT 1 FROM jobs a WHERE a.kind = $1 AND a.state IN ('queued', 'running'))";
constexpr std::string_view kPickSqlite =
    "SELECT id, lease_owner, state FROM jobs WHERE kind = $1 "
    "AND (state = 'queued' OR (state = 'running' AND lease_until < $2)) ORDER BY id LIMIT 1";
constexpr std::string_view kPickPostgres =
    "SELECT id, lease_owner, state FROM jobs WHERE kind = $1 "
    "AND (state = 'queued' OR (state = 'running' AND lease_until < $2)) ORDER BY id LIMIT 1 "
    "FOR UPDATE SKIP LOCKED";
constexpr std::string_view kTake =
    "UPDATE jobs SET state = 'running', lease_owner = $2, lease_until = $4, heartbeat_at = $3, "
    "attempts = attempts + 1, started_at = COALESCE(started_at, $3) WHERE id = $1";
constexpr std::string_view kAttempts = "SELECT attempts FROM jobs WHERE id = $1";
constexpr std::string_view kRenew =
    "UPDATE jobs SET lease_until = $4, heartbeat_at = $3, heartbeats = heartbeats + 1 "
    "WHERE id = $1 AND lease_owner = $2 AND state = 'running'";
constexpr std::string_view kFinish =
    "UPDATE jobs SET state = $3, finished_at = $4, lease_until = NULL, result = $5, error = $6 "
    "WHERE id = $1 AND lease_owner = $2 AND state = 'running'";
constexpr std::string_view kActive =
    "SELECT id, state, lease_owner, requested_by, attempts FROM jobs WHERE kind = $1 "
    "AND state IN ('queued', 'running') ORDER BY id DESC LIMIT 1";

Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : Value(); }

}  // namespace

Result<bool> DbJobQueue::enqueue(std::string_view kind, std::string_view requested_by,
                                 const std::optional<std::string>& schedule_key, UnixMs now) {
  return with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(auto added,
                          c.execute(kEnqueue, {std::string(kind), std::string(requested_by),
                                               opt(schedule_key), now}));
    return added == 1;
  });
}

Result<bool> DbJobQueue::retry_failed(std::string_view kind, const std::string& schedule_key,
                                      UnixMs failed_before) {
  return with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(
        auto changed, c.execute(kRetryFailed, {std::string(kind), schedule_key, failed_before}));
    return changed == 1;
  });
}

Result<std::optional<ClaimedJob>> DbJobQueue::claim(std::string_view kind, const std::string& owner,
                                                    UnixMs now, UnixMs lease_until) {
  using Out = std::optional<ClaimedJob>;
  return with_transaction<Out>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Out> {
    Out job;
    const auto pick = c.backend() == Backend::kPostgres ? kPickPostgres : kPickSqlite;
    ECRM_RETURN_IF_ERROR(c.query(pick, {std::string(kind), now}, [&](const RowView& row) {
      job = ClaimedJob{row.get_int(0), 0,
                       row.get_string(2) == "running" ? row.get_string(1) : std::string()};
    }));
    if (!job) return job;
    ECRM_RETURN_IF_ERROR(done(c.execute(kTake, {job->id, owner, now, lease_until})));
    ECRM_ASSIGN_OR_RETURN(auto attempts, c.query_int(kAttempts, {job->id}));
    job->attempts = attempts.value_or(1);
    return job;
  });
}

Result<bool> DbJobQueue::renew(std::int64_t id, const std::string& owner, UnixMs now,
                               UnixMs lease_until) {
  return with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kRenew, {id, owner, now, lease_until}));
    return changed == 1;
  });
}

Status DbJobQueue::finish(std::int64_t id, const std::string& owner, bool ok,
                          const std::string& result, const std::string& error, UnixMs now) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    return done(
        c.execute(kFinish, {id, owner, std::string(ok ? "done" : "failed"), now, result, error}));
  });
}

Result<std::optional<ActiveJob>> DbJobQueue::active(std::string_view kind) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<ActiveJob> out;
  ECRM_RETURN_IF_ERROR(lease->query(kActive, {std::string(kind)}, [&](const RowView& row) {
    out = ActiveJob{row.get_int(0), row.get_string(1) == "running", row.get_string(2),
                    row.get_string(3), row.get_int(4)};
  }));
  return out;
}

}  // namespace ecrm::storage
