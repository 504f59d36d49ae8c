// `ecrm rules`: association rules from a basket file, for analysts.
//
//   ecrm rules --baskets FILE | --transactions FILE.csv
//              [--min-support S] [--min-confidence C] [--max-len K] [--format json|csv]
//
// --baskets reads the "groceries" layout (one basket per line, items separated by commas, no
// header); --transactions reads a CSV with a header and columns order_id,item. Defaults: minimum
// support 0.01 (1% of transactions), minimum confidence 0.5, itemsets of at most 10 items, JSON.
// Both thresholds are inclusive and exact. Bad input exits 2 with "line N: ..." on stderr.
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "recommend/files.hpp"
#include "recommend/fraction.hpp"
#include "recommend/itemsets.hpp"
#include "recommend/render.hpp"

namespace ecrm::cli {
namespace {

namespace rec = ecrm::recommend;

struct RulesArgs {
  std::string baskets;
  std::string transactions;
  std::string min_support = "0.01";
  std::string min_confidence = "0.5";
  long long max_len = 10;
  std::string format = "json";
};

int fail(const std::string& message) {
  std::cerr << "ecrm rules: " << message << "\n";
  return kExitBadInput;
}

int run_rules(const RulesArgs& args) {
  if (args.baskets.empty() == args.transactions.empty()) {
    return fail("give exactly one of --baskets FILE or --transactions FILE.csv");
  }
  rec::RuleOptions options;
  auto support = rec::parse_fraction(args.min_support);
  if (!support.ok()) return fail("--min-support: " + support.error().message);
  auto confidence = rec::parse_fraction(args.min_confidence);
  if (!confidence.ok()) return fail("--min-confidence: " + confidence.error().message);
  if (args.max_len < 1) return fail("--max-len must be at least 1");
  options.min_support = *support;
  options.min_confidence = *confidence;
  options.max_length = static_cast<std::size_t>(args.max_len);
  if (auto valid = rec::validate(options); !valid.ok()) {
    return fail(
        "--" +
        std::string(valid.error().field == "min_support" ? "min-support" : "min-confidence") +
        " must be between 0 and 1");
  }

  const std::string& path = args.baskets.empty() ? args.transactions : args.baskets;
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open '" + path + "'");
  auto file = args.baskets.empty() ? rec::read_order_items(in) : rec::read_baskets(in);
  if (!file.ok()) return fail(path + ": " + file.error().message);
  if (in.bad()) return fail("cannot read '" + path + "'");

  rec::RuleSet rules = rec::mine_rules(file->transactions, options);
  if (args.format == "csv") {
    rec::write_rules_csv(std::cout, rules, file->items);
  } else {
    rec::write_rules_json(std::cout, rules, file->items);
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailure;
}

const CommandRegistration kRules{
    510, [](CLI::App& app) {
      auto args = std::make_shared<RulesArgs>();
      auto* cmd = app.add_subcommand(
          "rules", "Association rules X => {y} (FP-growth) from a basket or order-lines file");
      auto* baskets = cmd->add_option(
          "--baskets", args->baskets,
          "Basket file: one transaction per line, items separated by commas, no header");
      auto* transactions = cmd->add_option("--transactions", args->transactions,
                                           "CSV with a header and columns order_id,item");
      baskets->excludes(transactions);
      cmd->add_option("--min-support", args->min_support,
                      "Minimum support, a fraction of transactions (inclusive)")
          ->capture_default_str();
      cmd->add_option("--min-confidence", args->min_confidence, "Minimum confidence (inclusive)")
          ->capture_default_str();
      cmd->add_option("--max-len", args->max_len, "Longest itemset X ∪ {y}")->capture_default_str();
      cmd->add_option("--format", args->format, "Output format")
          ->check(CLI::IsMember({"json", "csv"}))
          ->capture_default_str();
      cmd->callback([args] { exit_code() = run_rules(*args); });
    }};

}  // namespace
}  // namespace ecrm::cli
