// `ecrm backup --to FILE`, `ecrm restore --from FILE` and `ecrm check`: a copy of the whole
// database taken while it serves, restored into an empty database (then migrated to this
// binary's schema), and the checks that the storage and the app's own invariants hold.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "catalog/repo.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "customers/repo.hpp"
#include "orders/integrity.hpp"
#include "orders/repo.hpp"
#include "search/index.hpp"
#include "storage/backup.hpp"
#include "storage/migrations.hpp"
#include "storage/url.hpp"

namespace ecrm::cli {
namespace {

struct BackupOptions {
  std::string db;
  std::string file;
};

std::string megabytes(std::int64_t bytes) {
  const std::int64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

int known_version() { return storage::embedded_migrations().back().version; }

const CommandRegistration kBackup{70, [](CLI::App& app) {
  auto options = std::make_shared<BackupOptions>();
  auto* cmd = app.add_subcommand(
      "backup", "Copy the whole database into a file while it serves (SQLite: the online backup "
                "API; PostgreSQL: pg_dump's custom format)");
  add_db_option(*cmd, &options->db);
  cmd->add_option("--to", options->file, "The backup file (replaced if it exists)")->required();
  cmd->callback([options] {
    auto report = storage::backup_database(resolve_db_url(options->db), options->file);
    if (!report.ok()) {
      std::cerr << "ecrm: backup failed: " << report.error().message << "\n";
      exit_code() = kExitFailure;
      return;
    }
    std::cout << "backed up " << storage::to_string(report->backend) << " database (schema version "
              << report->schema_version << ") to " << options->file << ": " << megabytes(report->bytes)
              << " in " << report->millis << " ms\n";
  });
}};

const CommandRegistration kRestore{71, [](CLI::App& app) {
  auto options = std::make_shared<BackupOptions>();
  auto* cmd = app.add_subcommand(
      "restore", "Restore a backup into an empty database, then bring it to this binary's schema");
  add_db_option(*cmd, &options->db);
  cmd->add_option("--from", options->file, "The backup file")->required();
  cmd->callback([options] {
    const std::string url = resolve_db_url(options->db);
    auto report = storage::restore_database(url, options->file, known_version());
    if (!report.ok()) {
      std::cerr << "ecrm: restore refused: " << report.error().message << "\n";
      exit_code() = report.error().kind == ErrorKind::kInvalidArgument ||
                            report.error().kind == ErrorKind::kConflict ||
                            report.error().kind == ErrorKind::kNotFound
                        ? kExitBadInput
                        : kExitFailure;
      return;
    }
    // A backup of an older ecrm is brought up to this binary's schema.
    if (!open_and_migrate(url)) {
      exit_code() = kExitFailure;
      return;
    }
    std::cout << "restored " << options->file << " (schema version " << report->schema_version
              << ") into the " << storage::to_string(report->backend) << " database in " << report->millis
              << " ms; schema is at version " << known_version() << "\n";
  });
}};

struct CheckOptions {
  std::string db;
};

const CommandRegistration kCheck{72, [](CLI::App& app) {
  auto options = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand(
      "check",
      "Check the database: the storage's integrity and foreign keys, the schema version, "
      "the orders' totals and the search indexes; exits 1 when anything is wrong");
  add_db_option(*cmd, &options->db);
  cmd->callback([options] {
    const std::string url = resolve_db_url(options->db);
    if (auto parsed = storage::parse_database_url(url);
        parsed.ok() && parsed->backend == storage::Backend::kSqlite && !std::filesystem::exists(parsed->location)) {
      std::cerr << "ecrm: no database at " << parsed->location << "\n";
      exit_code() = kExitFailure;
      return;
    }
    auto db = storage::open_database(url, storage::DatabaseOptions{.max_connections = 1});
    if (!db.ok()) {
      std::cerr << "ecrm: " << db.error().message << "\n";
      exit_code() = kExitFailure;
      return;
    }
    auto lease = (*db)->acquire();
    if (!lease.ok()) {
      std::cerr << "ecrm: " << lease.error().message << "\n";
      exit_code() = kExitFailure;
      return;
    }
    std::vector<std::string> problems;
    auto report = [&](const std::string& what, Result<std::vector<std::string>> found) {
      if (!found.ok()) {
        problems.push_back(what + ": cannot check: " + found.error().message);
        return;
      }
      std::cout << what << ": " << (found->empty() ? "ok" : std::to_string(found->size()) + " problem(s)") << "\n";
      for (auto& p : *found) problems.push_back(std::move(p));
    };
    report("storage", storage::check_storage(**lease));
    {
      std::vector<std::string> schema;
      auto version = (*lease)->query_int("SELECT MAX(version) FROM schema_migrations");
      if (!version.ok()) {
        schema.push_back("schema: no schema_migrations table (" + version.error().message + ")");
      } else if (version->value_or(0) != known_version()) {
        schema.push_back("schema: version " + std::to_string(version->value_or(0)) + ", this binary's is " +
                         std::to_string(known_version()) + " (run ecrm migrate)");
      }
      report("schema", std::move(schema));
    }
    report("orders", orders::check_totals(**lease));
    {
      // Each search index against its table.
      std::vector<std::string> search;
      for (const auto* index :
           {&customers::kCustomerIndex, &orders::kOrderIndex, &catalog::kProductIndex}) {
        auto found = search::check_index(**lease, *index);
        if (!found.ok()) {
          search.push_back(std::string(index->table) + ": cannot check: " + found.error().message);
          continue;
        }
        for (auto& p : *found) search.push_back(std::move(p));
      }
      report("search", std::move(search));
    }
    for (const auto& p : problems) std::cout << "  " << p << "\n";
    if (!problems.empty()) {
      std::cout << problems.size() << " problem(s) found\n";
      exit_code() = kExitFailure;
      return;
    }
    std::cout << "no problems found\n";
  });
}};

}  // namespace
}  // namespace ecrm::cli
