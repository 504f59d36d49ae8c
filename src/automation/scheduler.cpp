#include "automation/scheduler.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "http/wire.hpp"
#include "core/thread_name.hpp"

namespace ecrm::automation {

namespace {

constexpr std::string_view kLastRun = "SELECT max(day) FROM automation_runs";
constexpr std::string_view kRecordRun =
    "INSERT INTO automation_runs (day, summary, at) VALUES ($1, $2, $3) "
    "ON CONFLICT (day) DO UPDATE SET summary = excluded.summary, at = excluded.at";

}  // namespace

Result<std::string> local_date(const std::string& time_zone, UnixMs at) {
  try {
    const date::time_zone* zone =
        time_zone.empty() ? date::current_zone() : date::locate_zone(time_zone);
    const auto local = zone->to_local(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at)));
    return date::format("%F", date::floor<date::days>(local));
  } catch (const std::exception& e) {
    return Error::invalid("unknown time zone '" + time_zone + "': " + e.what(), "time_zone");
  }
}

DailyScheduler::DailyScheduler(storage::Database& db, AutomationService& automation,
                               SchedulerOptions options)
    : db_(db), automation_(automation), options_(std::move(options)) {}

DailyScheduler::~DailyScheduler() { stop(); }

Status DailyScheduler::start() {
  if (auto zone = local_date(options_.time_zone, now_ms()); !zone.ok()) return std::move(zone).error();
  if (thread_.joinable()) return {};
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("automation");
    UnixMs last_check = 0;
    for (;;) {
      const UnixMs now = now_ms();
      if (now - last_check >= options_.check_every_s * 1000LL) {
        last_check = now;
        if (auto ran = tick(now); !ran.ok()) {
          spdlog::warn("automation: the daily run failed: {}", ran.error().message);
        }
      }
      if (auto worked = work(now_ms()); !worked.ok()) {
        spdlog::warn("automation: the flow worker failed: {}", worked.error().message);
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(options_.work_every_ms),
                         [&] { return stopping_; })) {
        return;
      }
    }
  });
  return {};
}

void DailyScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status DailyScheduler::work(UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto summary, automation_.work(now));
  ECRM_ASSIGN_OR_RETURN(int campaigns, automation_.send_due_campaigns(now));
  if ((summary.advanced > 0 || summary.enrolled > 0 || campaigns > 0) && on_work_) on_work_();
  return {};
}

Result<bool> DailyScheduler::tick(UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto today, local_date(options_.time_zone, now));
  std::optional<std::string> last;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(lease->query(kLastRun, {}, [&](const storage::RowView& row) {
      if (!row.is_null(0)) last = row.get_string(0);
    }));
  }
  if (last && *last >= today) return false;
  ECRM_ASSIGN_OR_RETURN(auto summary, automation_.run_date(today));
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(storage::done(lease->execute(
        kRecordRun, {today, boost::json::serialize(wire::to_json(summary)), now})));
  }
  spdlog::info("automation: ran the flows of {}: {} enrolled, {} queued", today, summary.enrolled,
               summary.queued);
  if (on_run_) on_run_(summary);
  return true;
}

}  // namespace ecrm::automation
