#include "recommend/browse_poller.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace ecrm::recommend {

ActivityCursor::ActivityCursor(std::int64_t start, UnixMs grace_ms)
    : low_(start), high_(start), grace_ms_(grace_ms) {}

std::vector<std::int64_t> ActivityCursor::take(std::span<const ActivityRow> rows, UnixMs now) {
  std::vector<std::int64_t> customers;
  for (const ActivityRow& row : rows) {
    if (row.id <= low_) continue;
    if (!handled_.emplace(row.id, now).second) continue;
    high_ = std::max(high_, row.id);
    if (std::find(customers.begin(), customers.end(), row.customer_id) == customers.end()) {
      customers.push_back(row.customer_id);
    }
  }
  return customers;
}

void ActivityCursor::expire(UnixMs now) {
  marks_.emplace_back(now, high_);
  // The newest mark at least grace old: everything at or below its high() was read long enough.
  std::int64_t low = low_;
  while (!marks_.empty() && now - marks_.front().first >= grace_ms_) {
    low = std::max(low, marks_.front().second);
    marks_.pop_front();
  }
  low_ = low;
  handled_.erase(handled_.begin(), handled_.upper_bound(low_));
}

BrowsePoller::BrowsePoller(storage::Database& db, std::function<void(std::int64_t)> on_customer,
                           BrowsePollerOptions options)
    : db_(db), on_customer_(std::move(on_customer)), options_(options) {}

BrowsePoller::~BrowsePoller() { stop(); }

Status BrowsePoller::start() {
  if (thread_.joinable()) return {};
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto last, repo_.last_event_id(*lease));
    cursor_ = ActivityCursor(last, options_.grace_ms);
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    name_this_thread("browse-poller");
    loop();
  });
  return {};
}

void BrowsePoller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<bool> BrowsePoller::poll_once() {
  std::vector<std::int64_t> customers;
  bool full = false;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    const UnixMs now = now_ms();
    ECRM_ASSIGN_OR_RETURN(auto rows,
                          repo_.activity_after(*lease, cursor_.high(), options_.batch));
    full = static_cast<int>(rows.size()) >= options_.batch;
    customers = cursor_.take(rows, now);
    if (cursor_.low() < cursor_.high()) {
      ECRM_ASSIGN_OR_RETURN(auto count,
                            repo_.count_activity(*lease, cursor_.low(), cursor_.high()));
      if (count > static_cast<std::int64_t>(cursor_.handled())) {
        ECRM_ASSIGN_OR_RETURN(auto late,
                              repo_.activity_between(*lease, cursor_.low(), cursor_.high()));
        for (std::int64_t customer : cursor_.take(late, now)) {
          if (std::find(customers.begin(), customers.end(), customer) == customers.end()) {
            customers.push_back(customer);
          }
        }
      }
    }
    cursor_.expire(now);
  }
  for (std::int64_t customer : customers) on_customer_(customer);
  return full;
}

void BrowsePoller::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto more = poll_once();
    if (!more.ok()) {
      spdlog::warn("recommend: polling the events log for views failed: {}",
                   more.error().message);
    }
    lock.lock();
    if (more.ok() && *more) continue;
    wake_.wait_for(lock, options_.interval, [&] { return stopping_; });
  }
}

}  // namespace ecrm::recommend
