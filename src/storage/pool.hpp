// The connection pool both backends share: connections are opened on demand up to a maximum,
// handed out one thread at a time, and taken back when their Lease ends. A backend supplies how
// to open a connection and whether a returned one is still usable.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/database.hpp"

namespace ecrm::storage {

class PooledDatabase : public Database {
 public:
  explicit PooledDatabase(DatabaseOptions options) : options_(options) {}

  Result<Lease> acquire() final;

 protected:
  // Opens a new connection (called without the pool's lock held).
  virtual Result<std::unique_ptr<Connection>> open_connection() = 0;
  // False for a connection that must be dropped instead of reused (e.g. a lost server link).
  virtual bool reusable(const Connection&) const { return true; }

  void give_back(std::unique_ptr<Connection> connection) final;

  const DatabaseOptions& options() const { return options_; }

 private:
  DatabaseOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_count_ = 0;
};

}  // namespace ecrm::storage
