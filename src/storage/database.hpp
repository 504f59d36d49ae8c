// The storage seam. Capabilities talk to SQL only through these interfaces; the SQLite and
// PostgreSQL backends implement them. SQL text is portable between the two: `$1`, `$2`, ...
// placeholders, `RETURNING`, `ON CONFLICT`, BIGINT unix-ms times, TEXT for JSON. Every statement is
// prepared once per connection and cached; parameters are always bound, never spliced into SQL.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace ecrm::storage {

enum class Backend { kSqlite, kPostgres };
std::string_view to_string(Backend backend);

// A bound parameter or a fetched value.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
inline const Value kNull{};

// One row of a result, valid only inside the row callback.
class RowView {
 public:
  virtual ~RowView() = default;
  virtual int column_count() const = 0;
  virtual bool is_null(int column) const = 0;
  // Integer value; 0 for NULL. Text columns holding digits are converted.
  virtual std::int64_t get_int(int column) const = 0;
  virtual double get_double(int column) const = 0;
  // Text value; empty for NULL. The view is valid until the callback returns.
  virtual std::string_view get_text(int column) const = 0;

  std::string get_string(int column) const { return std::string(get_text(column)); }
  std::optional<std::int64_t> get_optional_int(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_int(column);
  }
  std::optional<std::string> get_optional_string(int column) const {
    if (is_null(column)) return std::nullopt;
    return get_string(column);
  }
};

using RowCallback = std::function<void(const RowView&)>;

enum class TxMode {
  kRead,   // reads only (SQLite: BEGIN DEFERRED)
  kWrite,  // will write (SQLite: BEGIN IMMEDIATE, taking the write lock up front)
};

// One database session. Not thread-safe: a connection is used by one thread at a time (leased
// from Database::acquire()).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;

  // Runs one statement with bound parameters, calling `on_row` for each result row.
  // Driver errors become: kConflict (unique/foreign-key violation), kUnavailable (busy, locked,
  // connection lost), kInvalidArgument (value out of range / bad text for a typed column),
  // kInternal (anything else, e.g. SQL syntax).
  virtual Status query(std::string_view sql, std::span<const Value> params,
                       const RowCallback& on_row) = 0;

  // Runs one statement and returns the number of rows it changed.
  virtual Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params) = 0;

  // Runs a script of several statements without parameters (migrations).
  virtual Status execute_script(std::string_view sql) = 0;

  virtual Status begin(TxMode mode) = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;

  // True while a transaction begun with begin() is open.
  virtual bool in_transaction() const = 0;

  // Cheap liveness check (for /readyz).
  virtual Status ping() = 0;

  // Convenience forms.
  Status query(std::string_view sql, std::initializer_list<Value> params, const RowCallback& on_row) {
    return query(sql, std::span<const Value>(params.begin(), params.size()), on_row);
  }
  Result<std::int64_t> execute(std::string_view sql, std::initializer_list<Value> params = {}) {
    return execute(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // The first column of the first row as an integer; nullopt when there is no row or it is NULL.
  Result<std::optional<std::int64_t>> query_int(std::string_view sql,
                                                std::initializer_list<Value> params = {});
};

// The status of a write whose changed-row count does not matter:
// `return done(c.execute(kUpdate, {...}));`
inline Status done(Result<std::int64_t> result) {
  if (!result.ok()) return std::move(result).error();
  return {};
}

class Database;

// A connection on loan from a Database; returned to its pool when destroyed. An open
// transaction left behind is rolled back.
class Lease {
 public:
  Lease() = default;
  Lease(Database* owner, std::unique_ptr<Connection> connection);
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) noexcept;
  ~Lease();

  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  void release();
  Database* owner_ = nullptr;
  std::unique_ptr<Connection> connection_;
};

// A pool of connections to one database. Thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  virtual Backend backend() const = 0;

  // Borrows a connection, waiting up to the pool's acquire timeout; kUnavailable on timeout or
  // when a new connection cannot be opened.
  virtual Result<Lease> acquire() = 0;

 protected:
  friend class Lease;
  // Takes a connection back. Broken connections may be discarded.
  virtual void give_back(std::unique_ptr<Connection> connection) = 0;
};

struct DatabaseOptions {
  int max_connections = 16;
  int acquire_timeout_ms = 5000;
  int busy_timeout_ms = 5000;   // SQLite: wait this long on a locked database
  std::int64_t sqlite_cache_kib = 65536;
  std::int64_t sqlite_mmap_bytes = 268435456;
  // Statements that run this long or longer are logged with their text (0: none).
  int slow_statement_ms = 0;
};

// Opens a database from a URL: "sqlite:PATH" (creating the file and its directory) or
// "postgresql://…" / "postgres://…" (a libpq connection URI). kInvalidArgument for an unknown
// scheme, kUnavailable when the database cannot be reached.
Result<std::unique_ptr<Database>> open_database(const std::string& url,
                                                const DatabaseOptions& options = {});

// Runs `body` inside a transaction on a leased connection: commits when it returns OK, rolls
// back otherwise. Retries the whole body a few times when the database reports a transient
// conflict (kUnavailable: busy/serialization failure).
template <typename T>
Result<T> with_transaction(Database& db, TxMode mode,
                           const std::function<Result<T>(Connection&)>& body);
Status with_transaction(Database& db, TxMode mode, const std::function<Status(Connection&)>& body);

// Rolls back on scope exit unless commit() was called.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection, TxMode mode);
  Transaction(Transaction&& other) noexcept : connection_(other.connection_) {
    other.connection_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}
  Connection* connection_;
};

template <typename T>
Result<T> with_transaction(Database& db, TxMode mode,
                           const std::function<Result<T>(Connection&)>& body) {
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    auto lease = db.acquire();
    if (!lease.ok()) return std::move(lease).error();
    auto tx = Transaction::begin(**lease, mode);
    if (!tx.ok()) {
      if (attempt < kAttempts && tx.error().kind == ErrorKind::kUnavailable) continue;
      return std::move(tx).error();
    }
    Result<T> result = body(**lease);
    if (result.ok()) {
      auto committed = tx->commit();
      if (committed.ok()) return result;
      if (attempt < kAttempts && committed.error().kind == ErrorKind::kUnavailable) continue;
      return std::move(committed).error();
    }
    if (attempt < kAttempts && result.error().kind == ErrorKind::kUnavailable) continue;
    return result;
  }
}

}  // namespace ecrm::storage
