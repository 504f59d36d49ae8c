// Cross-process cache invalidation. Several `ecrm serve` processes may share one database, each
// keeping entries in memory (principals of sessions and API keys, recommendation lists). A write
// that makes such an entry wrong publishes a message naming it, in the writing transaction; every
// process follows the messages and drops the entry at once, so the caches' TTLs are only a
// fallback.
//
// A message is "topic:key" (`apikey:42`, `session:<token hash>`, `user:7`) or a bare "topic"
// meaning every entry of that topic. On PostgreSQL it is sent with NOTIFY on kInvalidationChannel
// and heard by a LISTEN on a dedicated connection; on SQLite it is a row of the
// cache_invalidations table (migration 0049) that each process reads on a short interval. Either
// way it is delivered only if the transaction commits, and also to the process that wrote it.
// When messages may have been missed (a lost connection, pruned rows) every topic is dropped.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::storage {

// The PostgreSQL channel every process LISTENs on.
inline constexpr std::string_view kInvalidationChannel = "ecrm_invalidate";

// The topics in use (a subscriber of another topic is fine; these are the shared names).
namespace topics {
inline constexpr std::string_view kApiKey = "apikey";    // key: the API key's id
inline constexpr std::string_view kSession = "session";  // key: sha256 hex of the session token
inline constexpr std::string_view kUser = "user";        // key: the user's id (role, disabled)
inline constexpr std::string_view kRecommendList = "reclist";    // key: the customer's id
inline constexpr std::string_view kRecommendBuild = "recbuild";  // no key: a build was published
inline constexpr std::string_view kWriteKey = "writekey";        // key: the tracking write key's id
inline constexpr std::string_view kSettings = "settings";  // key: which (e.g. messaging_rules)
}  // namespace topics

// Records, in `c`'s open transaction (or as its own statement outside one), that every process
// must drop the entries of `topic` named by `key` (every entry of the topic when `key` is empty).
// Errors are the connection's (kUnavailable when the database is busy or gone).
[[nodiscard]] Status publish_invalidation(Connection& c, std::string_view topic,
                                          std::string_view key = {});
// The same for several keys of one topic (SQLite: the expired rows are pruned once).
[[nodiscard]] Status publish_invalidations(Connection& c, std::string_view topic,
                                           std::span<const std::string> keys);

// Hands messages to the handlers subscribed to their topic. Thread-safe; handlers run on the
// delivering thread (the follower's) and must be quick and not throw.
class InvalidationBus {
 public:
  // `key` is the message's key, empty when every entry of the topic is to be dropped.
  using Handler = std::function<void(std::string_view key)>;

  // Adds `handler` for `topic`. Handlers are never removed: subscribe objects that outlive the
  // follower (stop the follower first).
  void subscribe(std::string topic, Handler handler);

  // Delivers one message ("topic:key" or "topic") to the handlers of its topic.
  void deliver(std::string_view message);
  // Calls every handler with an empty key: messages may have been missed.
  void deliver_all();

  // Messages delivered so far (tests and metrics), and how many deliver_all() calls.
  std::uint64_t delivered() const { return delivered_.load(); }
  std::uint64_t resets() const { return resets_.load(); }

 private:
  mutable std::mutex mutex_;
  std::multimap<std::string, Handler, std::less<>> handlers_;
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> resets_{0};
};

struct InvalidationFollowerOptions {
  // SQLite: how often the table is read. PostgreSQL: the longest wait for the socket, which bounds
  // how long stop() takes.
  std::chrono::milliseconds poll_interval{200};
  // PostgreSQL: the wait before connecting again after a lost or refused connection.
  std::chrono::milliseconds reconnect_delay{1000};
};

// Follows the messages of the database at `url` on its own thread and delivers them to `bus`.
// PostgreSQL: a dedicated libpq connection (not one of the pool's; application_name
// "ecrm invalidation" unless the URL names another) LISTENs; after a lost
// connection it connects again and delivers deliver_all(). SQLite: reads cache_invalidations
// through `db`'s pool. Never runs on the HTTP I/O threads.
class InvalidationFollower {
 public:
  InvalidationFollower(std::string url, Database& db, InvalidationBus& bus,
                       InvalidationFollowerOptions options = {});
  ~InvalidationFollower();
  InvalidationFollower(const InvalidationFollower&) = delete;
  InvalidationFollower& operator=(const InvalidationFollower&) = delete;

  // Starts the thread. kInvalidArgument for a URL of no known scheme. On PostgreSQL returns once
  // the first LISTEN is in place (or failed: it keeps trying in the background, and the error
  // is only logged), so writes after start() are heard.
  [[nodiscard]] Status start();
  // Ends the thread within about one poll interval. Idempotent.
  void stop();

 private:
  void run_postgres();
  void run_sqlite();
  // Waits up to `delay` or until stop(); false when stopping.
  bool pause(std::chrono::milliseconds delay);

  std::string url_;
  Database& db_;
  InvalidationBus& bus_;
  InvalidationFollowerOptions options_;
  Backend backend_ = Backend::kSqlite;
  std::string location_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool ready_ = false;  // the first LISTEN or read is done (or failed)
  std::thread thread_;
};

}  // namespace ecrm::storage
