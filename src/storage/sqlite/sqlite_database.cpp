#include "storage/sqlite/sqlite_database.hpp"

#include "storage/pool.hpp"
#include "storage/slow_log.hpp"
#include "storage/sqlite/write_gate.hpp"

#include <sqlite3.h>

#include <chrono>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ecrm::storage {
namespace {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  int primary = rc & 0xff;
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (primary) {
    case SQLITE_CONSTRAINT:
      return Error::conflict(message, {}, "constraint_violation");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable(message);
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return Error::invalid(message);
    default:
      return Error::internal(message);
  }
}

class SqliteRow final : public RowView {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int column_count() const override { return sqlite3_column_count(stmt_); }
  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::int64_t get_int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double get_double(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string_view get_text(int column) const override {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  sqlite3_stmt* stmt_;
};

// The statement that opens a write transaction. Writers of one process queue on the database's
// WriteGate (write_gate.hpp) first; one that cannot have it within the busy timeout fails as
// SQLITE_BUSY would (kUnavailable, "database is locked").
constexpr std::string_view kBeginWrite = "BEGIN IMMEDIATE";

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::shared_ptr<WriteGate> gate, int busy_timeout_ms,
                   int slow_statement_ms)
      : db_(db),
        gate_(std::move(gate)),
        busy_timeout_(busy_timeout_ms),
        slow_statement_ms_(slow_statement_ms) {}
  ~SqliteConnection() override {
    for (auto& [sql, prepared] : statements_) sqlite3_finalize(prepared.stmt);
    sqlite3_close_v2(db_);
    if (holds_gate_) gate_->release();
  }

  Backend backend() const override { return Backend::kSqlite; }

  Status query(std::string_view sql, std::span<const Value> params,
               const RowCallback& on_row) override {
    const SlowStatementTimer timer(slow_statement_ms_, sql);
    auto stmt = prepare(sql, params);
    if (!stmt.ok()) return std::move(stmt).error();
    if (!holds_gate_ && sqlite3_stmt_readonly(*stmt) == 0) {
      if (auto status = enter_gate(sql); !status.ok()) {
        sqlite3_clear_bindings(*stmt);
        return status;
      }
    }
    if (gate_begun_ && sql != kBeginWrite) {
      // A transaction's BEGIN says nothing of it: its first statement does.
      gate_first_ += "; ";
      gate_first_ += sql;
      gate_begun_ = false;
    }
    SqliteRow row(*stmt);
    std::int64_t rows = 0;
    while (true) {
      int rc = sqlite3_step(*stmt);
      if (rc == SQLITE_ROW) {
        ++rows;
        if (on_row) on_row(row);
        continue;
      }
      Status status;
      if (rc != SQLITE_DONE) status = sqlite_error(db_, rc, "query failed");
      sqlite3_reset(*stmt);
      sqlite3_clear_bindings(*stmt);
      leave_gate_if_done();
      timer.finish(rows);
      return status;
    }
  }

  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params) override {
    auto status = query(sql, params, nullptr);
    if (!status.ok()) return std::move(status).error();
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  // A script may write anywhere in it: it runs as a writer.
  Status execute_script(std::string_view sql) override {
    if (!holds_gate_) ECRM_RETURN_IF_ERROR(enter_gate(sql));
    Status status = configure(sql);
    leave_gate_if_done();
    return status;
  }

  // Runs `sql` (the connection's pragmas) outside the gate: a thread that holds the gate with
  // another connection may be opening this one.
  Status configure(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string what = message ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      Error error = sqlite_error(nullptr, rc, "script failed");
      error.message = "script failed: " + what;
      return error;
    }
    return {};
  }

  Status begin(TxMode mode) override {
    if (mode == TxMode::kWrite && !holds_gate_) ECRM_RETURN_IF_ERROR(enter_gate(kBeginWrite));
    auto result = execute(mode == TxMode::kWrite ? kBeginWrite : "BEGIN DEFERRED", {});
    if (!result.ok()) return std::move(result).error();  // the gate was left
    return {};
  }
  Status commit() override {
    auto result = execute("COMMIT", {});
    if (!result.ok()) return std::move(result).error();
    return {};
  }
  Status rollback() override {
    if (sqlite3_get_autocommit(db_)) return {};
    auto result = execute("ROLLBACK", {});
    if (!result.ok()) return std::move(result).error();
    return {};
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  Status ping() override {
    auto result = execute("SELECT 1", {});
    if (!result.ok()) return std::move(result).error();
    return {};
  }

 private:
  // `sql` is the statement that wants the lock: with the slow-statement log on, a write that
  // holds the lock that long, or waited that long for it, is logged with its transaction's first
  // statement when it leaves (the lock's queue is not a statement's time).
  Status enter_gate(std::string_view sql) {
    const bool timed = slow_statement_ms_ > 0;
    using Clock = std::chrono::steady_clock;
    const Clock::time_point asked = timed ? Clock::now() : Clock::time_point{};
    if (!gate_->acquire(busy_timeout_)) {
      return Error::unavailable("database is locked: another writer held it for " +
                                std::to_string(busy_timeout_.count()) + " ms");
    }
    holds_gate_ = true;
    if (timed) {
      gate_entered_ = Clock::now();
      gate_waited_ms_ = std::chrono::duration<double, std::milli>(gate_entered_ - asked).count();
      gate_first_.assign(sql);
      gate_begun_ = sql == kBeginWrite;
    }
    return {};
  }
  // Leaves the gate once no transaction is open any more (after a write outside a transaction,
  // a COMMIT or ROLLBACK, or a failed BEGIN).
  void leave_gate_if_done() {
    if (holds_gate_ && sqlite3_get_autocommit(db_) != 0) {
      holds_gate_ = false;
      gate_->release();
      if (slow_statement_ms_ > 0) {
        const double held =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                      gate_entered_)
                .count();
        if (held >= slow_statement_ms_) {
          report_slow_write_lock(held, gate_waited_ms_, gate_first_);
        } else if (gate_waited_ms_ >= slow_statement_ms_) {
          report_slow_write_wait(gate_waited_ms_, gate_first_);
        }
      }
    }
  }

  // Returns the cached prepared statement for `sql` with `params` bound. Placeholders are `$N`
  // and are bound by name, so a statement may use them in any order or more than once. The
  // name-to-value mapping is worked out once, when the statement is prepared.
  Result<sqlite3_stmt*> prepare(std::string_view sql, std::span<const Value> params) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      Prepared prepared;
      int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &prepared.stmt, nullptr);
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "prepare failed");
      int count = sqlite3_bind_parameter_count(prepared.stmt);
      for (int i = 1; i <= count; ++i) {
        const char* name = sqlite3_bind_parameter_name(prepared.stmt, i);
        std::size_t index = 0;
        if (name == nullptr || name[0] != '$' ||
            std::from_chars(name + 1, name + std::char_traits<char>::length(name), index).ec !=
                std::errc{} ||
            index == 0) {
          sqlite3_finalize(prepared.stmt);
          return Error::internal("statement parameter " + std::string(name ? name : "?") +
                                 " is not of the form $N");
        }
        prepared.value_index.push_back(index - 1);
      }
      it = statements_.emplace(std::string(sql), std::move(prepared)).first;
    }
    sqlite3_stmt* stmt = it->second.stmt;
    const auto& value_index = it->second.value_index;
    for (std::size_t i = 0; i < value_index.size(); ++i) {
      if (value_index[i] >= params.size()) {
        sqlite3_clear_bindings(stmt);
        return Error::internal("statement parameter $" + std::to_string(value_index[i] + 1) +
                               " has no bound value");
      }
      const Value& value = params[value_index[i]];
      const int column = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(value)) {
        rc = sqlite3_bind_null(stmt, column);
      } else if (const auto* v = std::get_if<std::int64_t>(&value)) {
        rc = sqlite3_bind_int64(stmt, column, *v);
      } else if (const auto* d = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(stmt, column, *d);
      } else {
        const auto& s = std::get<std::string>(value);
        // Not copied: `params` outlives the statement's use (query() clears the bindings
        // before it returns).
        rc = sqlite3_bind_text64(stmt, column, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(stmt);
        return sqlite_error(db_, rc, "bind failed");
      }
    }
    return stmt;
  }

  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<std::size_t> value_index;  // per SQLite parameter (1-based - 1): which value
  };
  // Finds statements by string_view without building a std::string per call.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  sqlite3* db_;
  std::shared_ptr<WriteGate> gate_;
  std::chrono::milliseconds busy_timeout_;
  bool holds_gate_ = false;
  int slow_statement_ms_;
  // With the slow-statement log on: when the gate was asked for and entered, and by what.
  std::chrono::steady_clock::time_point gate_entered_;
  double gate_waited_ms_ = 0;
  std::string gate_first_;
  bool gate_begun_ = false;  // gate_first_ is a BEGIN so far
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> statements_;
};

class SqliteDatabase final : public PooledDatabase {
 public:
  SqliteDatabase(std::string path, DatabaseOptions options)
      : PooledDatabase(options), path_(std::move(path)) {}

  Backend backend() const override { return Backend::kSqlite; }

 protected:
  Result<std::unique_ptr<Connection>> open_connection() override {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      Error error = Error::unavailable("cannot open SQLite database '" + path_ +
                                       "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
      sqlite3_close_v2(db);
      return error;
    }
    sqlite3_busy_timeout(db, options().busy_timeout_ms);
    auto connection = std::make_unique<SqliteConnection>(db, gate_, options().busy_timeout_ms,
                                                         options().slow_statement_ms);
    std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                          "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                          "PRAGMA cache_size=-" + std::to_string(options().sqlite_cache_kib) + "; "
                          "PRAGMA mmap_size=" + std::to_string(options().sqlite_mmap_bytes) + ";";
    ECRM_RETURN_IF_ERROR(connection->configure(pragmas));
    return std::unique_ptr<Connection>(std::move(connection));
  }

 private:
  std::string path_;
  std::shared_ptr<WriteGate> gate_ = std::make_shared<WriteGate>();
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path,
                                              const DatabaseOptions& options) {
  // SQLite counts the memory it holds under one process-wide mutex, taken by every allocation,
  // and Debian's build has no lookaside memory (SQLITE_OMIT_LOOKASIDE): every small allocation
  // of every connection goes through it, and the worker threads queue on it. Nothing here reads
  // the counts (sqlite3_memory_used, a soft heap limit), so they are turned off. This works only
  // before the library's first use in the process; later, SQLite refuses it and keeps counting.
  static std::once_flag memory_counts;
  std::call_once(memory_counts, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      return Error::unavailable("cannot create directory '" + file.parent_path().string() +
                                "': " + ec.message());
    }
  }
  auto db = std::make_unique<SqliteDatabase>(path, options);
  // Open one connection now so that a bad path fails at start-up, not on the first request.
  auto first = db->acquire();
  if (!first.ok()) return std::move(first).error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ecrm::storage
