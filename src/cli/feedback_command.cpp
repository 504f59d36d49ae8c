// `ecrm feedback analyze FILE --format json`: sentiment per text and the top issues of a CSV of
// texts (columns id,text).
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "feedback/files.hpp"

namespace ecrm::cli {
namespace {

struct AnalyzeArgs {
  std::string path;
  std::string format = "json";
  std::size_t issues = 20;
  std::size_t examples = 3;
};

int run_analyze(const AnalyzeArgs& args) {
  std::ios::sync_with_stdio(false);
  feedback::AnalyzeOptions options;
  options.issues = args.issues;
  options.phrases.max_examples = args.examples;
  auto texts = feedback::analyze_csv(args.path, std::cout, options);
  if (!texts.ok()) {
    std::cout.flush();
    std::cerr << "ecrm feedback analyze: " << args.path << ": " << texts.error().message << "\n";
    return kExitBadInput;
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailure;
}

const CommandRegistration kFeedback{
    530, [](CLI::App& app) {
      auto* cmd = app.add_subcommand("feedback", "Feedback mining on files");
      cmd->require_subcommand(1);
      auto args = std::make_shared<AnalyzeArgs>();
      auto* analyze = cmd->add_subcommand(
          "analyze", "Sentiment of each text and the top issues (complaints) of a CSV of texts");
      analyze
          ->add_option("file", args->path,
                       "CSV with a header holding id and text (other columns are ignored)")
          ->required();
      analyze->add_option("--format", args->format, "Output format")
          ->check(CLI::IsMember({"json"}))
          ->capture_default_str();
      analyze->add_option("--issues", args->issues, "How many issues to list")
          ->check(CLI::Range(1, 1000))
          ->capture_default_str();
      analyze->add_option("--examples", args->examples, "Example quotes per issue")
          ->check(CLI::Range(0, 20))
          ->capture_default_str();
      analyze->callback([args] { exit_code() = run_analyze(*args); });
    }};

}  // namespace
}  // namespace ecrm::cli
