#include "storage/postgres/postgres_database.hpp"

#include "storage/pool.hpp"
#include "storage/slow_log.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ecrm::storage {
namespace {

Error postgres_error(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string detail = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::string message = std::string(what) + ": " + detail;
  if (PQstatus(conn) != CONNECTION_OK) return Error::unavailable(message);
  std::string_view sqlstate = state ? state : "";
  if (sqlstate.substr(0, 2) == "23") return Error::conflict(message, {}, "constraint_violation");
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" ||
      sqlstate.substr(0, 2) == "08" || sqlstate.substr(0, 2) == "57") {
    return Error::unavailable(message);
  }
  if (sqlstate.substr(0, 2) == "22") return Error::invalid(message);
  return Error::internal(message);
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresRow final : public RowView {
 public:
  PostgresRow(const PGresult* result, int row) : result_(result), row_(row) {}
  int column_count() const override { return PQnfields(result_); }
  bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  std::int64_t get_int(int column) const override {
    std::string_view text = get_text(column);
    std::int64_t value = 0;
    if (text == "t") return 1;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  double get_double(int column) const override {
    if (is_null(column)) return 0.0;
    return std::strtod(PQgetvalue(result_, row_, column), nullptr);
  }
  std::string_view get_text(int column) const override {
    if (is_null(column)) return {};
    return {PQgetvalue(result_, row_, column),
            static_cast<std::size_t>(PQgetlength(result_, row_, column))};
  }

 private:
  const PGresult* result_;
  int row_;
};

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(PGconn* conn, int slow_statement_ms)
      : conn_(conn), slow_statement_ms_(slow_statement_ms) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Backend backend() const override { return Backend::kPostgres; }
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }

  Status query(std::string_view sql, std::span<const Value> params,
               const RowCallback& on_row) override {
    auto result = run(sql, params);
    if (!result.ok()) return std::move(result).error();
    if (on_row) {
      int rows = PQntuples(result->get());
      for (int i = 0; i < rows; ++i) on_row(PostgresRow(result->get(), i));
    }
    return {};
  }

  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params) override {
    auto result = run(sql, params);
    if (!result.ok()) return std::move(result).error();
    const char* tuples = PQcmdTuples(result->get());
    std::int64_t changed = 0;
    if (tuples && *tuples) changed = std::strtoll(tuples, nullptr, 10);
    return changed;
  }

  Status execute_script(std::string_view sql) override {
    std::string text(sql);
    ResultPtr result(PQexec(conn_, text.c_str()));
    auto status = PQresultStatus(result.get());
    // A script of comments alone (a migration with nothing for PostgreSQL) is an empty query:
    // nothing to do, as SQLite has it.
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
      return postgres_error(conn_, result.get(), "script failed");
    }
    return {};
  }

  Status begin(TxMode) override { return simple("BEGIN"); }
  Status commit() override { return simple("COMMIT"); }
  Status rollback() override {
    if (!in_transaction()) return {};
    return simple("ROLLBACK");
  }
  bool in_transaction() const override {
    auto state = PQtransactionStatus(conn_);
    return state == PQTRANS_INTRANS || state == PQTRANS_INERROR || state == PQTRANS_ACTIVE;
  }
  Status ping() override { return simple("SELECT 1"); }

 private:
  Status simple(const char* sql) {
    ResultPtr result(PQexec(conn_, sql));
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return postgres_error(conn_, result.get(), sql);
    }
    return {};
  }

  Result<ResultPtr> run(std::string_view sql, std::span<const Value> params) {
    std::string key(sql);
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      std::string name = "s" + std::to_string(statements_.size() + 1);
      ResultPtr prepared(PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr));
      if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        return postgres_error(conn_, prepared.get(), "prepare failed");
      }
      it = statements_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const Value& value = params[i];
      if (std::holds_alternative<std::monostate>(value)) continue;
      if (const auto* v = std::get_if<std::int64_t>(&value)) {
        text[i] = std::to_string(*v);
      } else if (const auto* d = std::get_if<double>(&value)) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        text[i].assign(buf, end);
      } else {
        text[i] = std::get<std::string>(value);
      }
      values[i] = text[i].c_str();
    }
    const SlowStatementTimer timer(slow_statement_ms_, sql);
    ResultPtr result(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                    values.data(), nullptr, nullptr, 0));
    auto status = PQresultStatus(result.get());
    timer.finish(status == PGRES_TUPLES_OK ? PQntuples(result.get()) : 0);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return postgres_error(conn_, result.get(), "query failed");
    }
    return result;
  }

  PGconn* conn_;
  int slow_statement_ms_;
  std::unordered_map<std::string, std::string> statements_;  // SQL -> prepared statement name
};

class PostgresDatabase final : public PooledDatabase {
 public:
  PostgresDatabase(std::string url, DatabaseOptions options)
      : PooledDatabase(options), url_(std::move(url)) {}

  Backend backend() const override { return Backend::kPostgres; }

 protected:
  Result<std::unique_ptr<Connection>> open_connection() override {
    PGconn* conn = PQconnectdb(url_.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn);
      while (!message.empty() && message.back() == '\n') message.pop_back();
      PQfinish(conn);
      return Error::unavailable("cannot connect to PostgreSQL: " + message);
    }
    auto connection = std::make_unique<PostgresConnection>(conn, options().slow_statement_ms);
    // Statements are prepared once per connection and live as long as it does, from an empty
    // database onwards: a generic plan chosen while a table was small (a sequential scan) would
    // stay as it grows. Custom plans look at the parameters and the current statistics.
    // Unless the server, the database or the role sets it, a random page read is priced near a
    // sequential one (random_page_cost 1.1 against the built-in 4, which prices a spinning
    // disk): a shop's working set is in memory or on SSD. At 4, reading a city's customers in id
    // order from its index (migration 0061) looked dearer than walking the whole table by id,
    // which took 3.6 times as long.
    ECRM_RETURN_IF_ERROR(connection->execute_script(
        "SET client_min_messages = warning; SET TIME ZONE 'UTC'; "
        "SET plan_cache_mode = force_custom_plan; "
        "SELECT set_config('random_page_cost', '1.1', false) FROM pg_settings "
        "WHERE name = 'random_page_cost' AND source = 'default';"));
    return std::unique_ptr<Connection>(std::move(connection));
  }

  bool reusable(const Connection& connection) const override {
    return !static_cast<const PostgresConnection&>(connection).broken();
  }

 private:
  std::string url_;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const std::string& url,
                                                const DatabaseOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(url, options);
  auto first = db->acquire();
  if (!first.ok()) return std::move(first).error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ecrm::storage
