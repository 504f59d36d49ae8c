// `ecrm rfm`: RFM scores, segments and loyalty tiers of the customers in a transactions CSV.
#include <iostream>
#include <optional>
#include <string>

#include "analytics/files.hpp"
#include "analytics/json_output.hpp"
#include "analytics/reports.hpp"
#include "analytics/rfm.hpp"
#include "cli/command.hpp"
#include "core/csv.hpp"
#include "core/time.hpp"

namespace ecrm::cli {
namespace {

namespace an = ecrm::analytics;

struct RfmArgs {
  std::string transactions_path;
  std::string as_of;
  bool summary = false;
  int threads = 0;
};

int fail(const std::string& message) {
  std::cerr << "ecrm rfm: " << message << "\n";
  return kExitBadInput;
}

int run(const RfmArgs& args) {
  std::optional<std::int32_t> as_of;
  if (!args.as_of.empty()) {
    const std::optional<UnixMs> ms = parse_date(args.as_of);
    if (!ms) return fail("--as-of must be YYYY-MM-DD");
    as_of = static_cast<std::int32_t>(*ms / kMsPerDay);
  }
  auto table = an::read_transactions_file(args.transactions_path);
  if (!table.ok()) return fail(args.transactions_path + ": " + table.error().message);
  const std::int32_t day = as_of.value_or(table->last_day);
  an::RfmOptions options;
  options.threads = args.threads;
  const an::RfmRows rows = an::compute_rfm(table->columns(), day, options);
  if (args.summary) {
    boost::json::object report = an::rfm_summary_json(rows);
    if (as_of || !table->day.empty()) {
      report["as_of"] = format_date(static_cast<UnixMs>(day) * kMsPerDay);
    } else {
      report["as_of"] = nullptr;  // no orders and no --as-of: there is no date to report
    }
    an::JsonFormat format;
    format.money_keys = {"revenue"};
    an::write_json(std::cout, report, format);
    return kExitOk;
  }
  std::ios::sync_with_stdio(false);
  CsvWriter writer(std::cout);
  writer.write_row(
      {"customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment", "tier"});
  for (const an::RfmRow& row : rows) {
    writer.write_row({table->customer_id[row.customer], std::to_string(row.recency_days),
                      std::to_string(row.frequency), an::format_minor(row.monetary_minor),
                      std::to_string(row.r), std::to_string(row.f), std::to_string(row.m),
                      std::string(an::to_string(row.segment)),
                      std::string(an::to_string(row.tier))});
  }
  std::cout.flush();
  return kExitOk;
}

const CommandRegistration kRfm{
    410, [](CLI::App& app) {
      auto args = std::make_shared<RfmArgs>();
      auto* cmd = app.add_subcommand(
          "rfm", "RFM scores, segments and loyalty tiers per customer from a transactions CSV");
      cmd->add_option("--transactions", args->transactions_path, "CSV with customer_id,date,amount")
          ->required();
      cmd->add_option("--as-of", args->as_of,
                      "Score as of this day (YYYY-MM-DD); later orders are ignored (default: the "
                      "last date in the file)");
      cmd->add_flag("--summary", args->summary,
                    "Print a JSON summary (customers, revenue, Pareto, tiers, segments) instead");
      cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
          ->check(CLI::NonNegativeNumber);
      cmd->callback([args] { exit_code() = run(*args); });
    }};

}  // namespace
}  // namespace ecrm::cli
