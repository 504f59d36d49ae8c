#include "storage/database.hpp"
#include "storage/url.hpp"

#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace ecrm::storage {

std::string_view to_string(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgresql";
}

Result<std::optional<std::int64_t>> Connection::query_int(std::string_view sql,
                                                          std::initializer_list<Value> params) {
  std::optional<std::int64_t> value;
  bool first = true;
  auto status = query(sql, params, [&](const RowView& row) {
    if (first && row.column_count() > 0 && !row.is_null(0)) value = row.get_int(0);
    first = false;
  });
  if (!status.ok()) return std::move(status).error();
  return value;
}

Lease::Lease(Database* owner, std::unique_ptr<Connection> connection)
    : owner_(owner), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept
    : owner_(other.owner_), connection_(std::move(other.connection_)) {
  other.owner_ = nullptr;
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    connection_ = std::move(other.connection_);
    other.owner_ = nullptr;
  }
  return *this;
}

Lease::~Lease() { release(); }

void Lease::release() {
  if (connection_ && owner_) {
    if (connection_->in_transaction()) (void)connection_->rollback();
    owner_->give_back(std::move(connection_));
  }
  connection_.reset();
  owner_ = nullptr;
}

Result<Transaction> Transaction::begin(Connection& connection, TxMode mode) {
  ECRM_RETURN_IF_ERROR(connection.begin(mode));
  return Transaction(&connection);
}

Transaction::~Transaction() {
  if (connection_ && connection_->in_transaction()) (void)connection_->rollback();
}

Status Transaction::commit() {
  Connection* connection = connection_;
  connection_ = nullptr;
  auto status = connection->commit();
  if (!status.ok() && connection->in_transaction()) (void)connection->rollback();
  return status;
}

Status with_transaction(Database& db, TxMode mode, const std::function<Status(Connection&)>& body) {
  auto result = with_transaction<bool>(db, mode, [&](Connection& c) -> Result<bool> {
    auto status = body(c);
    if (!status.ok()) return std::move(status).error();
    return true;
  });
  if (!result.ok()) return std::move(result).error();
  return {};
}

Result<DatabaseUrl> parse_database_url(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // also accept sqlite://PATH
    if (path.empty()) return Error::invalid("sqlite URL needs a path: sqlite:PATH", "db");
    return DatabaseUrl{Backend::kSqlite, std::move(path)};
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return DatabaseUrl{Backend::kPostgres, url};
  }
  return Error::invalid("unknown database URL '" + url +
                            "': use sqlite:PATH or postgresql://USER@HOST:PORT/DB",
                        "db");
}

Result<std::unique_ptr<Database>> open_database(const std::string& url,
                                                const DatabaseOptions& options) {
  ECRM_ASSIGN_OR_RETURN(auto parsed, parse_database_url(url));
  if (parsed.backend == Backend::kSqlite) return open_sqlite(parsed.location, options);
  return open_postgres(parsed.location, options);
}

}  // namespace ecrm::storage
