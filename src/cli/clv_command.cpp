// `ecrm clv`: fit BG/NBD and Gamma-Gamma on a summary or transactions file, print the fitted
// models as JSON, optionally write per-customer predictions.
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "analytics/clv.hpp"
#include "analytics/files.hpp"
#include "analytics/json_output.hpp"
#include "analytics/reports.hpp"
#include "analytics/summary.hpp"
#include "cli/command.hpp"
#include "core/time.hpp"

namespace ecrm::cli {
namespace {

namespace an = ecrm::analytics;

struct ClvArgs {
  std::string summary_path;
  std::string transactions_path;
  std::string calibration_end;
  std::string holdout_end;
  std::string period = "week";
  std::optional<double> predict;
  double discount_rate = 0.0;
  std::string out_path;
  int threads = 0;
};

int fail(int code, const std::string& message) {
  std::cerr << "ecrm clv: " << message << "\n";
  return code;
}

std::optional<std::int32_t> parse_day(const std::string& text) {
  const std::optional<UnixMs> ms = parse_date(text);
  if (!ms) return std::nullopt;
  return static_cast<std::int32_t>(*ms / kMsPerDay);
}

// The summary both input modes end in, with the customer ids of its rows.
struct Input {
  an::SummaryTable table;
  std::optional<an::CalibrationSummary> calibration;  // transactions mode
  an::Period period = an::Period::kWeek;
};

int run(const ClvArgs& args) {
  Input input;
  if (!args.summary_path.empty()) {
    auto table = an::read_summary_file(args.summary_path);
    if (!table.ok()) return fail(kExitBadInput, args.summary_path + ": " + table.error().message);
    input.table = std::move(table).value();
  } else {
    const std::optional<an::Period> period = an::parse_period(args.period);
    if (!period) return fail(kExitBadInput, "--period must be day, week or month");
    input.period = *period;
    const std::optional<std::int32_t> calibration_end = parse_day(args.calibration_end);
    if (!calibration_end) return fail(kExitBadInput, "--calibration-end must be YYYY-MM-DD");
    std::optional<std::int32_t> holdout_end;
    if (!args.holdout_end.empty()) {
      holdout_end = parse_day(args.holdout_end);
      if (!holdout_end) return fail(kExitBadInput, "--holdout-end must be YYYY-MM-DD");
      if (*holdout_end <= *calibration_end) {
        return fail(kExitBadInput, "--holdout-end must be after --calibration-end");
      }
    }
    auto transactions = an::read_transactions_file(args.transactions_path);
    if (!transactions.ok()) {
      return fail(kExitBadInput, args.transactions_path + ": " + transactions.error().message);
    }
    an::CalibrationSummary summary = an::build_calibration_summary(
        transactions->columns(), *calibration_end, *period, holdout_end);
    an::SummaryTable& table = input.table;
    table.has_monetary = true;
    for (std::size_t i = 0; i < summary.customer.size(); ++i) {
      table.customer_id.push_back(transactions->customer_id[summary.customer[i]]);
      table.monetary_value.push_back(summary.monetary_minor[i] / 100.0);
    }
    table.frequency = summary.frequency;
    table.recency = summary.recency;
    table.age = summary.age;
    input.calibration = std::move(summary);
  }

  an::FitOptions options;
  options.threads = args.threads;
  auto bgnbd = an::fit_bgnbd(input.table.view(), options);
  if (!bgnbd.ok()) {
    const bool bad = bgnbd.error().kind == ErrorKind::kInvalidArgument;
    return fail(bad ? kExitBadInput : kExitFailure, "BG/NBD: " + bgnbd.error().message);
  }
  boost::json::object report;
  report["bgnbd"] = an::to_json(*bgnbd);
  std::optional<an::GammaGammaParams> spend;
  if (input.table.has_monetary) {
    auto gg = an::fit_gamma_gamma(input.table.frequency, input.table.monetary_value, options);
    if (!gg.ok()) {
      const bool bad = gg.error().kind == ErrorKind::kInvalidArgument;
      return fail(bad ? kExitBadInput : kExitFailure, "Gamma-Gamma: " + gg.error().message);
    }
    report["gamma_gamma"] = an::to_json(*gg);
    spend = gg->params;
  }
  if (input.calibration) {
    report["period"] = an::to_string(input.period);
    if (input.calibration->holdout_length > 0) {
      report["holdout"] = an::to_json(an::holdout_report(*input.calibration, bgnbd->params));
    }
  }
  if (args.predict) {
    const auto predictions =
        an::predict_customers(bgnbd->params, spend, input.table.view(), input.table.monetary_value,
                              *args.predict, args.discount_rate, args.threads);
    double purchases = 0.0, clv = 0.0;
    for (const auto& p : predictions) {
      purchases += p.expected_purchases;
      clv += p.clv;
    }
    boost::json::object prediction{{"horizon", *args.predict},
                                   {"discount_rate", args.discount_rate},
                                   {"expected_purchases", purchases}};
    if (spend) prediction["clv"] = clv;
    report["prediction"] = std::move(prediction);
    if (!args.out_path.empty()) {
      std::ofstream out(args.out_path, std::ios::binary);
      if (!out) return fail(kExitFailure, "cannot write '" + args.out_path + "'");
      an::write_predictions(out, input.table.customer_id, predictions);
      out.flush();
      if (!out) return fail(kExitFailure, "cannot write '" + args.out_path + "'");
    }
  }
  an::write_json(std::cout, report);
  return kExitOk;
}

const CommandRegistration kClv{
    400, [](CLI::App& app) {
      auto args = std::make_shared<ClvArgs>();
      auto* cmd = app.add_subcommand(
          "clv", "Fit BG/NBD + Gamma-Gamma lifetime-value models on a summary or transactions CSV");
      auto* summary = cmd->add_option("--summary", args->summary_path,
                                      "CSV with customer_id,frequency,recency,T[,monetary_value]");
      auto* transactions = cmd->add_option("--transactions", args->transactions_path,
                                           "CSV with customer_id,date,amount");
      summary->excludes(transactions);
      auto* calibration = cmd->add_option("--calibration-end", args->calibration_end,
                                          "Last day of the calibration period (YYYY-MM-DD)");
      auto* period = cmd->add_option("--period", args->period,
                                     "Time unit of recency and T: day, week or month")
                         ->capture_default_str();
      auto* holdout = cmd->add_option("--holdout-end", args->holdout_end,
                                      "Last day of the holdout period: adds a holdout report");
      calibration->needs(transactions);
      transactions->needs(calibration);
      period->needs(transactions);
      holdout->needs(transactions);
      auto* predict = cmd->add_option("--predict", args->predict,
                                      "Prediction horizon in periods (the summary's time unit)")
                          ->check(CLI::PositiveNumber);
      cmd->add_option("--discount-rate", args->discount_rate,
                      "Discount rate per period for the CLV (default 0)")
          ->check(CLI::Range(0.0, 10.0))
          ->needs(predict);
      cmd->add_option("--out", args->out_path,
                      "Write per-customer predictions (p_alive, expected_purchases, "
                      "expected_avg_value, clv) to this CSV")
          ->needs(predict);
      cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
          ->check(CLI::NonNegativeNumber);
      cmd->callback([args, summary, transactions] {
        if (summary->count() == 0 && transactions->count() == 0) {
          exit_code() = fail(kExitBadInput, "one of --summary or --transactions is required");
          return;
        }
        exit_code() = run(*args);
      });
    }};

}  // namespace
}  // namespace ecrm::cli
