#include "storage/pool.hpp"

#include <chrono>

#include "storage/slow_log.hpp"

namespace ecrm::storage {

Result<Lease> PooledDatabase::acquire() {
  std::unique_lock lock(mutex_);
  const auto asked = std::chrono::steady_clock::now();
  auto deadline = asked + std::chrono::milliseconds(options_.acquire_timeout_ms);
  bool waited = false;
  while (idle_.empty() && open_count_ >= options_.max_connections) {
    waited = true;
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_count_ >= options_.max_connections) {
      return Error::unavailable("no database connection available");
    }
  }
  if (waited && options_.slow_statement_ms > 0) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
    if (ms >= options_.slow_statement_ms) report_slow_connection_wait(ms, open_count_);
  }
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(connection));
  }
  ++open_count_;
  lock.unlock();
  auto connection = open_connection();
  if (!connection.ok()) {
    std::lock_guard relock(mutex_);
    --open_count_;
    available_.notify_one();
    return std::move(connection).error();
  }
  return Lease(this, std::move(connection).value());
}

void PooledDatabase::give_back(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (reusable(*connection)) {
    idle_.push_back(std::move(connection));
  } else {
    --open_count_;  // dropped; the next acquire opens a fresh one
  }
  available_.notify_one();
}

}  // namespace ecrm::storage
