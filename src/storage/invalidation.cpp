#include "storage/invalidation.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <cerrno>

#include "core/time.hpp"
#include "storage/url.hpp"
#include "core/thread_name.hpp"

namespace ecrm::storage {

namespace {

constexpr std::string_view kNotify = "SELECT pg_notify('ecrm_invalidate', $1)";
constexpr std::string_view kInsertMessage =
    "INSERT INTO cache_invalidations (message, at) VALUES ($1, $2)";
// The oldest rows first (seq follows time), a few at a time: each writer deletes what it finds
// expired among them, so the table stays ten minutes long without a scan of it per write.
constexpr std::string_view kPruneMessages =
    "DELETE FROM cache_invalidations WHERE seq IN "
    "(SELECT seq FROM cache_invalidations ORDER BY seq LIMIT 64) AND at < $1";
constexpr std::string_view kLastSeq =
    "SELECT seq FROM sqlite_sequence WHERE name = 'cache_invalidations'";
constexpr std::string_view kMessagesAfter =
    "SELECT seq, message FROM cache_invalidations WHERE seq > $1 ORDER BY seq LIMIT 1000";
constexpr const char* kListen = "LISTEN ecrm_invalidate";

constexpr UnixMs kKeepMessagesMs = 10 * 60 * 1000;
constexpr int kReadBatch = 1000;

std::string message_of(std::string_view topic, std::string_view key) {
  std::string message(topic);
  if (!key.empty()) {
    message += ':';
    message += key;
  }
  return message;
}

}  // namespace

Status publish_invalidation(Connection& c, std::string_view topic, std::string_view key) {
  const std::string one(key);
  return publish_invalidations(c, topic, std::span<const std::string>(&one, 1));
}

Status publish_invalidations(Connection& c, std::string_view topic,
                             std::span<const std::string> keys) {
  if (c.backend() == Backend::kPostgres) {
    for (const std::string& key : keys) {
      ECRM_RETURN_IF_ERROR(
          c.query(kNotify, {Value(message_of(topic, key))}, [](const RowView&) {}));
    }
    return {};
  }
  if (keys.empty()) return {};
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(done(c.execute(kPruneMessages, {Value(now - kKeepMessagesMs)})));
  for (const std::string& key : keys) {
    ECRM_RETURN_IF_ERROR(
        done(c.execute(kInsertMessage, {Value(message_of(topic, key)), Value(now)})));
  }
  return {};
}

void InvalidationBus::subscribe(std::string topic, Handler handler) {
  std::lock_guard lock(mutex_);
  handlers_.emplace(std::move(topic), std::move(handler));
}

void InvalidationBus::deliver(std::string_view message) {
  std::string_view topic = message;
  std::string_view key;
  if (auto colon = message.find(':'); colon != std::string_view::npos) {
    topic = message.substr(0, colon);
    key = message.substr(colon + 1);
  }
  ++delivered_;
  std::lock_guard lock(mutex_);
  auto [begin, end] = handlers_.equal_range(topic);
  for (auto it = begin; it != end; ++it) it->second(key);
}

void InvalidationBus::deliver_all() {
  ++resets_;
  std::lock_guard lock(mutex_);
  for (auto& [topic, handler] : handlers_) handler({});
}

InvalidationFollower::InvalidationFollower(std::string url, Database& db, InvalidationBus& bus,
                                           InvalidationFollowerOptions options)
    : url_(std::move(url)), db_(db), bus_(bus), options_(options) {}

InvalidationFollower::~InvalidationFollower() { stop(); }

Status InvalidationFollower::start() {
  if (thread_.joinable()) return {};
  ECRM_ASSIGN_OR_RETURN(auto parsed, parse_database_url(url_));
  backend_ = parsed.backend;
  location_ = std::move(parsed.location);
  stopping_ = false;
  ready_ = false;
  thread_ = std::thread([this] {
    name_this_thread("invalidations");
    if (backend_ == Backend::kPostgres) {
      run_postgres();
    } else {
      run_sqlite();
    }
  });
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::seconds(10), [this] { return ready_; });
  return {};
}

void InvalidationFollower::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool InvalidationFollower::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void InvalidationFollower::run_postgres() {
  auto mark_ready = [this] {
    std::lock_guard lock(mutex_);
    ready_ = true;
    wake_.notify_all();
  };
  PGconn* conn = nullptr;
  bool warned = false;
  while (!stopping_) {
    if (conn == nullptr) {
      // Defaults the URI's own parameters override (later keywords win): a name to find this
      // connection by, a bounded connect, and TCP keepalives so a silently dropped connection
      // is noticed.
      const char* keywords[] = {
          "application_name",    "connect_timeout",  "keepalives", "keepalives_idle",
          "keepalives_interval", "keepalives_count", "dbname",     nullptr};
      const char* values[] = {"ecrm invalidation", "5",    "1", "10", "5", "3",
                              location_.c_str(),   nullptr};
      conn = PQconnectdbParams(keywords, values, 1);
      PGresult* listened = nullptr;
      bool ok = PQstatus(conn) == CONNECTION_OK;
      if (ok) {
        listened = PQexec(conn, kListen);
        ok = PQresultStatus(listened) == PGRES_COMMAND_OK;
      }
      if (!ok) {
        if (!warned) {
          spdlog::warn(
              "cache invalidation: cannot listen on PostgreSQL ({}); caches fall back "
              "to their TTL until it can",
              PQerrorMessage(conn));
          warned = true;
        }
        if (listened != nullptr) PQclear(listened);
        PQfinish(conn);
        conn = nullptr;
        mark_ready();
        pause(options_.reconnect_delay);
        continue;
      }
      PQclear(listened);
      if (warned) spdlog::info("cache invalidation: listening on PostgreSQL again");
      warned = false;
      // Anything written before the LISTEN took effect was not heard.
      bus_.deliver_all();
      mark_ready();
    }
    pollfd fd{PQsocket(conn), POLLIN, 0};
    int ready = ::poll(&fd, 1, static_cast<int>(options_.poll_interval.count()));
    bool lost = ready < 0 && errno != EINTR;
    if (ready > 0 && PQconsumeInput(conn) == 0) lost = true;
    while (PGnotify* note = PQnotifies(conn)) {
      bus_.deliver(note->extra);
      PQfreemem(note);
    }
    if (lost || PQstatus(conn) != CONNECTION_OK) {
      spdlog::warn("cache invalidation: lost the PostgreSQL connection ({}); reconnecting",
                   PQerrorMessage(conn));
      warned = true;
      PQfinish(conn);
      conn = nullptr;
      bus_.deliver_all();
      pause(options_.reconnect_delay);
    }
  }
  if (conn != nullptr) PQfinish(conn);
}

void InvalidationFollower::run_sqlite() {
  std::int64_t last = 0;
  bool known = false;  // `last` was read: otherwise everything may have been missed
  auto read_start = [&]() -> Status {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto seq, lease->query_int(kLastSeq));
    last = seq.value_or(0);
    known = true;
    return {};
  };
  if (auto status = read_start(); !status.ok()) {
    spdlog::warn("cache invalidation: cannot read cache_invalidations: {}", status.error().message);
  }
  {
    std::lock_guard lock(mutex_);
    ready_ = true;
    wake_.notify_all();
  }
  while (pause(options_.poll_interval)) {
    if (!known) {
      if (read_start().ok()) bus_.deliver_all();
      continue;
    }
    auto lease = db_.acquire();
    if (!lease.ok()) continue;
    for (;;) {
      std::vector<std::pair<std::int64_t, std::string>> messages;
      auto read = (*lease)->query(kMessagesAfter, {Value(last)}, [&](const RowView& row) {
        messages.emplace_back(row.get_int(0), row.get_string(1));
      });
      if (!read.ok()) break;  // busy: the next interval reads them
      // Sequence numbers are consecutive (AUTOINCREMENT, writers serialized): a gap means rows
      // were pruned before this process read them.
      if (!messages.empty() && messages.front().first != last + 1) bus_.deliver_all();
      for (auto& [seq, message] : messages) {
        bus_.deliver(message);
        last = seq;
      }
      if (static_cast<int>(messages.size()) < kReadBatch) break;
    }
  }
}

}  // namespace ecrm::storage
