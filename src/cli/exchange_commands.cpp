// `ecrm import ENTITY FILE` and `ecrm export ENTITY`: CSV in and out of the database, with
// ecrm's or Shopify's columns (src/exchange/rows.hpp).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "catalog/service.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "customers/service.hpp"
#include "exchange/exporter.hpp"
#include "exchange/importer.hpp"

namespace ecrm::cli {
namespace {

struct ImportCommandOptions {
  std::string db;
  std::string entity;
  std::string file;
  std::string format = "auto";
  bool dry_run = false;
  bool skip_bad = false;
  int batch_size = 10000;
  bool quiet = false;
};

std::string human_bytes(std::uint64_t n) {
  char text[32];
  if (n >= (1ull << 20)) {
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(n) / (1 << 20));
  } else {
    std::snprintf(text, sizeof text, "%.0f KB", static_cast<double>(n) / 1024);
  }
  return text;
}

int run_import(const ImportCommandOptions& o) {
  auto entity = wire::parse_enum<exchange::Entity>(o.entity);
  if (!entity) {
    std::cerr << "ecrm import: ENTITY must be customers, products or orders\n";
    return kExitBadInput;
  }
  auto format = wire::parse_enum<exchange::Format>(o.format);
  if (!format) {
    std::cerr << "ecrm import: --format must be auto, ecrm or shopify\n";
    return kExitBadInput;
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(o.file, ec);
  if (ec) {
    std::cerr << "ecrm import: cannot read " << o.file << ": " << ec.message() << "\n";
    return kExitBadInput;
  }
  auto db = open_and_migrate(resolve_db_url(o.db));
  if (!db) return kExitFailure;
  customers::CustomerService customer_service(*db);
  catalog::CatalogService catalog_service(*db);
  exchange::Importer importer(*db, customer_service, catalog_service);

  exchange::ImportOptions options;
  options.entity = *entity;
  options.format = *format;
  options.dry_run = o.dry_run;
  options.skip_bad = o.skip_bad;
  options.batch_size = o.batch_size;
  options.bytes_total = size;
  options.actor = "cli";
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last = std::chrono::steady_clock::now() - std::chrono::seconds(10);
  auto started = std::chrono::steady_clock::now();
  if (!o.quiet) {
    options.on_progress = [&](const exchange::ImportProgress& p) {
      auto now = std::chrono::steady_clock::now();
      bool done = p.bytes_done >= p.bytes_total;
      if (!done && now - last < std::chrono::milliseconds(tty ? 200 : 5000)) return;
      last = now;
      double seconds = std::chrono::duration<double>(now - started).count();
      int percent = p.bytes_total ? static_cast<int>(100.0 * static_cast<double>(p.bytes_done) /
                                                     static_cast<double>(p.bytes_total))
                                  : 0;
      std::fprintf(stderr, "%s%s: %3d%%  %s of %s  %lld rows  %.1fs%s", tty ? "\r" : "",
                   p.phase.c_str(), percent, human_bytes(p.bytes_done).c_str(),
                   human_bytes(p.bytes_total).c_str(), static_cast<long long>(p.rows_read),
                   seconds, tty ? "   " : "\n");
      if (tty && done) std::fputc('\n', stderr);
    };
  }
  auto report = importer.run(
      [&]() -> Result<std::unique_ptr<std::istream>> {
        auto in = std::make_unique<std::ifstream>(o.file, std::ios::binary);
        if (!*in) return Error::unavailable("cannot open " + o.file);
        return std::unique_ptr<std::istream>(std::move(in));
      },
      options);
  if (!report.ok()) {
    std::cerr << "ecrm import: " << o.file << ": " << report.error().message << "\n";
    return report.error().kind == ErrorKind::kInvalidArgument ? kExitBadInput : kExitFailure;
  }
  for (const auto& e : report->errors) {
    std::cerr << o.file << ":" << e.line << ": " << (e.field.empty() ? "" : e.field + ": ")
              << e.message << "\n";
  }
  if (report->bad_rows > static_cast<std::int64_t>(report->errors.size())) {
    std::cerr << "… and " << report->bad_rows - static_cast<std::int64_t>(report->errors.size())
              << " more bad rows\n";
  }
  for (const auto& w : report->warnings) std::cerr << "warning: " << w << "\n";
  std::printf("%s %s (%s): %lld rows, %lld %s; %s. %.2fs\n",
              o.dry_run ? "checked" : "imported", o.entity.c_str(),
              std::string(wire::enum_name(report->format)).c_str(),
              static_cast<long long>(report->rows_read), static_cast<long long>(report->records),
              o.entity.c_str(), report->message.c_str(), report->seconds);
  if (report->bad_rows > 0 && !o.skip_bad) return kExitBadInput;
  return kExitOk;
}

struct ExportCommandOptions {
  std::string db;
  std::string entity;
  std::string out;
};

int run_export(const ExportCommandOptions& o) {
  auto entity = wire::parse_enum<exchange::Entity>(o.entity);
  if (!entity) {
    std::cerr << "ecrm export: ENTITY must be customers, products or orders\n";
    return kExitBadInput;
  }
  auto db = open_and_migrate(resolve_db_url(o.db));
  if (!db) return kExitFailure;
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!o.out.empty() && o.out != "-") {
    file.open(o.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "ecrm export: cannot write " << o.out << "\n";
      return kExitFailure;
    }
    out = &file;
  }
  auto started = std::chrono::steady_clock::now();
  exchange::Exporter exporter(*db);
  auto rows = exporter.run(*entity, [out](std::string_view text) {
    out->write(text.data(), static_cast<std::streamsize>(text.size()));
    return static_cast<bool>(*out);
  });
  out->flush();
  if (!rows.ok()) {
    std::cerr << "ecrm export: " << rows.error().message << "\n";
    return kExitFailure;
  }
  if (out != &std::cout) {
    std::fprintf(stderr, "exported %lld %s rows to %s in %.2fs\n", static_cast<long long>(*rows),
                 o.entity.c_str(), o.out.c_str(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return kExitOk;
}

const CommandRegistration kImport{40, [](CLI::App& app) {
  auto options = std::make_shared<ImportCommandOptions>();
  auto* cmd = app.add_subcommand(
      "import", "Import customers, products or orders from a CSV file (ecrm's or Shopify's columns)");
  add_db_option(*cmd, &options->db);
  cmd->add_option("entity", options->entity, "customers, products or orders")->required();
  cmd->add_option("file", options->file, "The CSV file")->required();
  cmd->add_option("--format", options->format, "auto, ecrm or shopify")->capture_default_str();
  cmd->add_flag("--dry-run", options->dry_run, "Validate every row and store nothing");
  cmd->add_flag("--skip-bad", options->skip_bad,
                "Import the good rows and list the bad ones (default: one bad row imports nothing)");
  cmd->add_option("--batch-size", options->batch_size, "Records per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--quiet", options->quiet, "No progress display");
  cmd->callback([options] { exit_code() = run_import(*options); });
}};

const CommandRegistration kExport{41, [](CLI::App& app) {
  auto options = std::make_shared<ExportCommandOptions>();
  auto* cmd = app.add_subcommand("export", "Export customers, products or orders as CSV");
  add_db_option(*cmd, &options->db);
  cmd->add_option("entity", options->entity, "customers, products or orders")->required();
  cmd->add_option("--out,-o", options->out, "Output file (default: standard output)");
  cmd->callback([options] { exit_code() = run_export(*options); });
}};

}  // namespace
}  // namespace ecrm::cli
