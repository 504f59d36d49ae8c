// `ecrm recommend`: the recommendation engines on files.
//
//   ecrm recommend evaluate --transactions FILE.csv [--k 10] [--min-support 0.001]
//        [--min-confidence 0.1] [--max-len 3] [--neighbours 20] [--threads N]
//        [--tag CATEGORY=TAG]...
//
// FILE.csv has a header with columns customer_id,order_id,date,item (optionally category, price,
// tier, which add the class method). Each customer's last order is held out and every method is
// scored on it against the popularity baseline; the metrics are printed as JSON (see
// recommend/evaluate.hpp for the protocol). Bad input exits 2 with "line N: ..." on stderr.
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "recommend/evaluate.hpp"
#include "recommend/files.hpp"
#include "recommend/fraction.hpp"
#include "recommend/render.hpp"

namespace ecrm::cli {
namespace {

namespace rec = ecrm::recommend;

struct EvaluateArgs {
  std::string transactions;
  long long k = 10;
  std::string min_support = "0.001";
  std::string min_confidence = "0.1";
  long long max_len = 3;
  long long neighbours = 20;
  long long threads = 0;
  std::vector<std::string> tags;
};

int fail(const std::string& message) {
  std::cerr << "ecrm recommend evaluate: " << message << "\n";
  return kExitBadInput;
}

int run_evaluate(const EvaluateArgs& args) {
  rec::EvaluationOptions options;
  if (args.k < 1) return fail("--k must be at least 1");
  if (args.max_len < 1) return fail("--max-len must be at least 1");
  if (args.neighbours < 1) return fail("--neighbours must be at least 1");
  if (args.threads < 0) return fail("--threads must not be negative");
  auto support = rec::parse_fraction(args.min_support);
  if (!support.ok()) return fail("--min-support: " + support.error().message);
  auto confidence = rec::parse_fraction(args.min_confidence);
  if (!confidence.ok()) return fail("--min-confidence: " + confidence.error().message);
  options.k = static_cast<std::size_t>(args.k);
  options.rules = {*support, *confidence, static_cast<std::size_t>(args.max_len)};
  if (auto valid = rec::validate(options.rules); !valid.ok()) {
    return fail(
        "--" +
        std::string(valid.error().field == "min_support" ? "min-support" : "min-confidence") +
        " must be between 0 and 1");
  }
  options.similarity.top_k = static_cast<std::size_t>(args.neighbours);
  options.similarity.threads = static_cast<unsigned>(args.threads);
  for (const std::string& tag : args.tags) {
    auto eq = tag.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == tag.size()) {
      return fail("--tag expects CATEGORY=TAG, got '" + tag + "'");
    }
    options.tag_rules.push_back({tag.substr(0, eq), tag.substr(eq + 1)});
  }

  std::ifstream in(args.transactions, std::ios::binary);
  if (!in) return fail("cannot open '" + args.transactions + "'");
  auto file = rec::read_customer_orders(in);
  if (!file.ok()) return fail(args.transactions + ": " + file.error().message);
  if (in.bad()) return fail("cannot read '" + args.transactions + "'");

  rec::EvaluationReport report = rec::evaluate(file->customer_ids.size(), file->items.size(),
                                               file->orders, file->catalog, options);
  rec::write_evaluation_json(std::cout, report);
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailure;
}

const CommandRegistration kRecommend{
    520, [](CLI::App& app) {
      auto* cmd = app.add_subcommand("recommend", "Recommendation engines on files");
      cmd->require_subcommand(1);
      auto args = std::make_shared<EvaluateArgs>();
      auto* evaluate = cmd->add_subcommand(
          "evaluate", "Offline evaluation: hold out each customer's last order, score each method");
      evaluate
          ->add_option("--transactions", args->transactions,
                       "CSV with a header and columns customer_id,order_id,date,item "
                       "(optional: category, price, tier)")
          ->required();
      evaluate->add_option("--k", args->k, "List length (metrics @k)")->capture_default_str();
      evaluate->add_option("--min-support", args->min_support, "Rules method: minimum support")
          ->capture_default_str();
      evaluate
          ->add_option("--min-confidence", args->min_confidence, "Rules method: minimum confidence")
          ->capture_default_str();
      evaluate->add_option("--max-len", args->max_len, "Rules method: longest itemset")
          ->capture_default_str();
      evaluate->add_option("--neighbours", args->neighbours, "Item-item: neighbours kept per item")
          ->capture_default_str();
      evaluate->add_option("--threads", args->threads, "Item-item: threads (0: all cores)")
          ->capture_default_str();
      evaluate->add_option(
          "--tag", args->tags,
          "Class method: CATEGORY=TAG, buyers in CATEGORY get the tag (repeatable)");
      evaluate->callback([args] { exit_code() = run_evaluate(*args); });
    }};

}  // namespace
}  // namespace ecrm::cli
