// A direct connection to a test server's database, opened on first use: for arranging what the
// API cannot (moving a record's time back) and for checking what the server stored.
#pragma once

#include <memory>
#include <stdexcept>

#include "harness.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {

class ServerDatabase {
 public:
  storage::Connection& connection(const ServerProcess& server) {
    if (!db_) {
      auto db = storage::open_database(server.db_url());
      if (!db.ok()) throw std::runtime_error(db.error().message);
      db_ = std::move(*db);
    }
    if (!lease_) {
      auto lease = db_->acquire();
      if (!lease.ok()) throw std::runtime_error(lease.error().message);
      lease_ = std::make_unique<storage::Lease>(std::move(*lease));
    }
    return **lease_;
  }
  // Closes the connection (before the server goes, or to see other connections' commits anew).
  void close() {
    lease_.reset();
    db_.reset();
  }

 private:
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::Lease> lease_;
};

}  // namespace ecrm::testing
