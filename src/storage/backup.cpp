#include "storage/backup.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

extern char** environ;

namespace ecrm::storage {
namespace {

namespace fs = std::filesystem;

using Clock = std::chrono::steady_clock;

std::int64_t millis_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::int64_t file_size(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

// ---- SQLite ----------------------------------------------------------------------------------

using SqliteHandle = std::unique_ptr<sqlite3, int (*)(sqlite3*)>;

Result<SqliteHandle> open_file(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle handle(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) {
    return Error::unavailable("cannot open " + path + ": " +
                              (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 10'000);
  return handle;
}

Status exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return Error::internal(std::string(sql) + ": " + text);
  }
  return {};
}

// The first column of each row of `sql`, as text.
Result<std::vector<std::string>> column(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return Error::internal(std::string(sql) + ": " + sqlite3_errmsg(db));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  std::vector<std::string> out;
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error::internal(std::string(sql) + ": " + sqlite3_errmsg(db));
    const auto* text = sqlite3_column_text(raw, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  return out;
}

// The highest migration a SQLite file records; nullopt when it has no migrations table.
Result<std::optional<int>> sqlite_schema_version(sqlite3* db) {
  ECRM_ASSIGN_OR_RETURN(auto tables,
                        column(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"));
  if (tables.empty()) return std::optional<int>{};
  ECRM_ASSIGN_OR_RETURN(auto versions, column(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return std::optional<int>{versions.empty() ? 0 : std::stoi(versions.front())};
}

// Copies every page of `from` into `to` in one step, i.e. inside one read transaction on `from`:
// the copy is `from` as of that moment, whatever other connections write meanwhile.
Status copy_pages(sqlite3* from, sqlite3* to) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup) return Error::internal(std::string("backup: ") + sqlite3_errmsg(to));
  int rc = SQLITE_OK;
  for (int attempt = 0;; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_DONE) break;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 400) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      continue;
    }
    break;
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return Error::unavailable(std::string("backup: ") + sqlite3_errstr(rc));
  return {};
}

Result<BackupReport> backup_sqlite(const std::string& path, const std::string& file) {
  const auto start = Clock::now();
  if (!fs::exists(path)) return Error::not_found("no database at " + path);
  ECRM_ASSIGN_OR_RETURN(auto source, open_file(path, SQLITE_OPEN_READWRITE));
  const std::string partial = file + ".partial";
  fs::remove(partial);
  BackupReport report;
  {
    ECRM_ASSIGN_OR_RETURN(auto copy, open_file(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    if (auto copied = copy_pages(source.get(), copy.get()); !copied.ok()) {
      copy.reset();
      fs::remove(partial);
      return std::move(copied).error();
    }
    // One self-contained file: no WAL beside it.
    ECRM_RETURN_IF_ERROR(exec(copy.get(), "PRAGMA journal_mode = DELETE"));
    ECRM_ASSIGN_OR_RETURN(auto version, sqlite_schema_version(copy.get()));
    report.schema_version = version.value_or(0);
  }
  std::error_code ec;
  fs::rename(partial, file, ec);
  if (ec) return Error::unavailable("cannot write " + file + ": " + ec.message());
  report.backend = Backend::kSqlite;
  report.bytes = file_size(file);
  report.millis = millis_since(start);
  return report;
}

Result<BackupReport> restore_sqlite(const std::string& path, const std::string& file, int known_version) {
  const auto start = Clock::now();
  if (!fs::exists(file)) return Error::not_found("no backup at " + file);
  ECRM_ASSIGN_OR_RETURN(auto backup, open_file(file, SQLITE_OPEN_READONLY));
  auto checked = column(backup.get(), "PRAGMA quick_check");
  if (!checked.ok() || checked->size() != 1 || checked->front() != "ok") {
    return Error::invalid(file + " is not a readable SQLite database (or is damaged)", "from");
  }
  ECRM_ASSIGN_OR_RETURN(auto version, sqlite_schema_version(backup.get()));
  if (!version) return Error::invalid(file + " is not an ecrm backup: it has no schema_migrations table", "from");
  if (*version > known_version) {
    return Error::conflict("the backup's schema version " + std::to_string(*version) +
                           " is newer than this binary's (" + std::to_string(known_version) +
                           "): restore it with a newer ecrm");
  }
  if (fs::path parent = fs::path(path).parent_path(); !parent.empty()) fs::create_directories(parent);
  ECRM_ASSIGN_OR_RETURN(auto target, open_file(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  ECRM_ASSIGN_OR_RETURN(auto tables, column(target.get(),
                                            "SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name"));
  if (!tables.empty()) {
    return Error::conflict("the database at " + path + " is not empty (" + std::to_string(tables.size()) +
                           " tables, e.g. " + tables.front() + "): restore into a new database");
  }
  ECRM_RETURN_IF_ERROR(copy_pages(backup.get(), target.get()));
  BackupReport report;
  report.backend = Backend::kSqlite;
  report.schema_version = *version;
  report.bytes = file_size(file);
  report.millis = millis_since(start);
  return report;
}

// ---- PostgreSQL ------------------------------------------------------------------------------

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // standard output
  std::string errors;  // standard error
};

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs `args` (args[0] looked up in PATH) with standard output and error in temporary files.
Result<ProcessResult> run(const std::vector<std::string>& args) {
  const auto stamp = std::to_string(::getpid()) + "-" +
                     std::to_string(Clock::now().time_since_epoch().count());
  const std::string out_path = (fs::temp_directory_path() / ("ecrm-" + stamp + ".out")).string();
  const std::string err_path = (fs::temp_directory_path() / ("ecrm-" + stamp + ".err")).string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ProcessResult result;
  if (spawned != 0) {
    fs::remove(out_path);
    fs::remove(err_path);
    return Error::unavailable("cannot run " + args[0] + ": " + std::strerror(spawned) +
                              " (install the PostgreSQL client tools)");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.output = read_all(out_path);
  result.errors = read_all(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return result;
}

Status expect_success(const std::string& tool, const ProcessResult& result) {
  if (result.exit_code == 0) return {};
  std::string errors = result.errors;
  while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' ')) errors.pop_back();
  return Error::unavailable(tool + " failed (exit " + std::to_string(result.exit_code) + "): " + errors);
}

// The highest version among the rows of schema_migrations in a custom-format dump, read with
// pg_restore's data-only listing of that one table; nullopt when the dump has no such rows.
Result<std::optional<int>> dump_schema_version(const std::string& file) {
  ECRM_ASSIGN_OR_RETURN(auto listed, run({"pg_restore", "--data-only", "--table=schema_migrations",
                                          "--file=-", file}));
  if (listed.exit_code != 0) {
    return Error::invalid(file + " is not a PostgreSQL backup pg_restore can read: " + listed.errors, "from");
  }
  std::optional<int> version;
  std::istringstream lines(listed.output);
  bool in_copy = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("COPY ", 0) == 0 && line.find("schema_migrations") != std::string::npos) {
      in_copy = true;
      continue;
    }
    if (!in_copy) continue;
    if (line == "\\.") break;
    const auto tab = line.find('\t');
    try {
      const int v = std::stoi(line.substr(0, tab));
      if (!version || v > *version) version = v;
    } catch (const std::exception&) {
      return Error::invalid(file + ": unreadable schema_migrations row", "from");
    }
  }
  return version;
}

Result<BackupReport> backup_postgres(const std::string& url, const std::string& file) {
  const auto start = Clock::now();
  const std::string partial = file + ".partial";
  fs::remove(partial);
  ECRM_ASSIGN_OR_RETURN(auto dumped, run({"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                                          "--file=" + partial, "--dbname=" + url}));
  if (auto ok = expect_success("pg_dump", dumped); !ok.ok()) {
    fs::remove(partial);
    return std::move(ok).error();
  }
  ECRM_ASSIGN_OR_RETURN(auto version, dump_schema_version(partial));
  std::error_code ec;
  fs::rename(partial, file, ec);
  if (ec) return Error::unavailable("cannot write " + file + ": " + ec.message());
  BackupReport report;
  report.backend = Backend::kPostgres;
  report.schema_version = version.value_or(0);
  report.bytes = file_size(file);
  report.millis = millis_since(start);
  return report;
}

Result<BackupReport> restore_postgres(const std::string& url, const std::string& file, int known_version) {
  const auto start = Clock::now();
  if (!fs::exists(file)) return Error::not_found("no backup at " + file);
  ECRM_ASSIGN_OR_RETURN(auto version, dump_schema_version(file));
  if (!version) return Error::invalid(file + " is not an ecrm backup: it has no schema_migrations rows", "from");
  if (*version > known_version) {
    return Error::conflict("the backup's schema version " + std::to_string(*version) +
                           " is newer than this binary's (" + std::to_string(known_version) +
                           "): restore it with a newer ecrm");
  }
  {
    ECRM_ASSIGN_OR_RETURN(auto db, open_database(url, DatabaseOptions{.max_connections = 1}));
    ECRM_ASSIGN_OR_RETURN(auto lease, db->acquire());
    ECRM_ASSIGN_OR_RETURN(auto tables, lease->query_int(
                                           "SELECT COUNT(*) FROM pg_catalog.pg_tables "
                                           "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"));
    if (tables.value_or(0) > 0) {
      return Error::conflict("the database is not empty (" + std::to_string(*tables) +
                             " tables): restore into a new database");
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto restored, run({"pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                                            "--single-transaction", "--dbname=" + url, file}));
  ECRM_RETURN_IF_ERROR(expect_success("pg_restore", restored));
  BackupReport report;
  report.backend = Backend::kPostgres;
  report.schema_version = *version;
  report.bytes = file_size(file);
  report.millis = millis_since(start);
  return report;
}

}  // namespace

Result<BackupReport> backup_database(const std::string& url, const std::string& file) {
  ECRM_ASSIGN_OR_RETURN(auto parsed, parse_database_url(url));
  if (parsed.backend == Backend::kSqlite) return backup_sqlite(parsed.location, file);
  return backup_postgres(parsed.location, file);
}

Result<BackupReport> restore_database(const std::string& url, const std::string& file, int known_version) {
  ECRM_ASSIGN_OR_RETURN(auto parsed, parse_database_url(url));
  if (parsed.backend == Backend::kSqlite) return restore_sqlite(parsed.location, file, known_version);
  return restore_postgres(parsed.location, file, known_version);
}

Result<std::vector<std::string>> check_storage(Connection& connection) {
  std::vector<std::string> problems;
  if (connection.backend() != Backend::kSqlite) return problems;
  ECRM_RETURN_IF_ERROR(connection.query("PRAGMA integrity_check", {}, [&](const RowView& row) {
    const auto text = row.get_text(0);
    if (text != "ok") problems.push_back("integrity: " + std::string(text));
  }));
  ECRM_RETURN_IF_ERROR(connection.query("PRAGMA foreign_key_check", {}, [&](const RowView& row) {
    problems.push_back("foreign key: " + row.get_string(0) + " row " + row.get_string(1) +
                       " refers to a missing row of " + row.get_string(2));
  }));
  return problems;
}

}  // namespace ecrm::storage
