// `ecrm search learn-words`: learns the shop's own Chinese words (CJK n-grams ICU splits that are
// frequent, cohesive and free) from its texts, and stores them for the segmenter
// (search_words; every process that opens the database afterwards segments with them).
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "core/time.hpp"
#include "search/fulltext.hpp"
#include "search/segment.hpp"

namespace ecrm::cli {
namespace {

// The shop's texts people write, by capability; a table a database does not have is skipped.
constexpr std::string_view kTextSources[] = {
    "SELECT subject FROM tickets ORDER BY id DESC LIMIT $1",
    "SELECT content FROM interactions WHERE direction = 'inbound' ORDER BY id DESC LIMIT $1",
    "SELECT body FROM community_posts ORDER BY id DESC LIMIT $1",
    "SELECT body FROM product_reviews ORDER BY id DESC LIMIT $1",
    "SELECT text FROM social_mentions ORDER BY id DESC LIMIT $1",
};

struct LearnArgs {
  std::string db;
  std::vector<std::string> files;
  bool no_db_texts = false;
  std::int64_t limit = 200000;
  search::LearnOptions options;
  bool dry_run = false;
};

int run_learn(const LearnArgs& args) {
  auto db = open_and_migrate(resolve_db_url(args.db));
  if (!db) return kExitFailure;
  std::vector<std::string> texts;
  for (const std::string& path : args.files) {
    std::ifstream in(path);
    if (!in) {
      std::cerr << "ecrm search learn-words: cannot read " << path << "\n";
      return kExitBadInput;
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) texts.push_back(std::move(line));
    }
  }
  auto lease = db->acquire();
  if (!lease.ok()) {
    std::cerr << "ecrm search learn-words: " << lease.error().message << "\n";
    return kExitFailure;
  }
  if (!args.no_db_texts) {
    for (std::string_view sql : kTextSources) {
      std::vector<std::string> rows;
      auto read = (*lease)->query(sql, {args.limit}, [&](const storage::RowView& row) {
        rows.push_back(row.get_string(0));
      });
      if (!read.ok()) continue;  // a capability this database does not have
      for (std::string& text : rows) texts.push_back(std::move(text));
    }
  }
  // Learn against the seed list alone, so that a word learned before is found again.
  const search::Segmenter seed;
  const std::vector<search::LearnedWord> words = search::learn_words(texts, seed, args.options);
  std::cout << "texts: " << texts.size() << ", words learned: " << words.size() << "\n";
  for (const auto& word : words) {
    std::cout << word.word << "\t" << word.count << "\t" << std::fixed << std::setprecision(2)
              << word.cohesion << "\t" << word.entropy << "\n";
  }
  if (args.dry_run) return kExitOk;
  auto stored = storage::with_transaction<bool>(
      *db, storage::TxMode::kWrite, [&](storage::Connection& c) -> Result<bool> {
        ECRM_RETURN_IF_ERROR(search::store_learned_words(c, words, now_ms()));
        return true;
      });
  if (!stored.ok()) {
    std::cerr << "ecrm search learn-words: " << stored.error().message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

const CommandRegistration kSearch{
    540, [](CLI::App& app) {
      auto* cmd = app.add_subcommand("search", "The search layer's maintenance");
      cmd->require_subcommand(1);
      auto args = std::make_shared<LearnArgs>();
      auto* learn = cmd->add_subcommand(
          "learn-words",
          "Learn the shop's own Chinese words from its texts (tickets, inbound messages, community "
          "posts, reviews, social mentions and --file) for word segmentation and full-text search");
      add_db_option(*learn, &args->db);
      learn->add_option("--file", args->files, "A text file to learn from too: one text a line");
      learn->add_flag("--no-db-texts", args->no_db_texts, "Learn from the files only");
      learn->add_option("--limit", args->limit, "The newest texts read of each kind")
          ->check(CLI::Range(std::int64_t{1}, std::int64_t{10000000}))
          ->capture_default_str();
      learn->add_option("--min-count", args->options.min_count, "Occurrences a word needs")
          ->check(CLI::Range(std::int64_t{2}, std::int64_t{1000000}))
          ->capture_default_str();
      learn->add_option("--min-cohesion", args->options.min_cohesion,
                        "Pointwise mutual information at a word's weakest split point")
          ->capture_default_str();
      learn->add_option("--min-entropy", args->options.min_entropy,
                        "Entropy of a word's neighbours on each side (nats)")
          ->capture_default_str();
      learn->add_option("--max-words", args->options.max_words, "The most words kept")
          ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
          ->capture_default_str();
      learn->add_flag("--dry-run", args->dry_run, "Print the words without storing them");
      learn->callback([args] { exit_code() = run_learn(*args); });
    }};

}  // namespace
}  // namespace ecrm::cli
