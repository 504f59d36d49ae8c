#include "storage/pool.hpp"

#include <chrono>

namespace ecrm::storage {

Result<Lease> PooledDatabase::acquire() {
  std::unique_lock lock(mutex_);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_timeout_ms);
  while (idle_.empty() && open_count_ >= options_.max_connections) {
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_count_ >= options_.max_connections) {
      return Error::unavailable("no database connection available");
    }
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
