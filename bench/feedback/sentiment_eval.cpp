// Accuracy of the shipped sentiment scorer on labelled texts, per category, beside the
// majority-class baseline. See README.md in this folder.
//
//   bench_feedback_sentiment_eval [--category-column NAME] [--only A,B] [--errors N] FILE...
//
// --errors N prints the first N texts scored wrongly to standard error (for building the
// lexicon: look only at the categories it is built from).
//
// Each FILE is a CSV with a header holding `label` (1 positive, 0 negative) and `review` or
// `text`; a `cat` column (or --category-column) splits it into categories, else the file's name
// is the category. A text scored neutral counts as wrong.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/csv.hpp"
#include "feedback/sentiment.hpp"

namespace {

struct Tally {
  long texts = 0;
  long positive = 0;  // labelled positive
  long correct = 0;
  long neutral = 0;   // scored neutral
};

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

void print_row(const std::string& name, const Tally& t) {
  const double n = static_cast<double>(t.texts);
  const double majority = static_cast<double>(std::max(t.positive, t.texts - t.positive)) / n;
  std::printf("%-24s %8ld %9.1f%% %9.1f%% %8.1f%%\n", name.c_str(), t.texts, 100.0 * t.correct / n,
              100.0 * majority, 100.0 * t.neutral / n);
}

}  // namespace

int main(int argc, char** argv) {
  std::string category_column = "cat";
  std::set<std::string> only;
  long show_errors = 0;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--category-column" && i + 1 < argc) {
      category_column = argv[++i];
    } else if (arg == "--errors" && i + 1 < argc) {
      show_errors = std::stol(argv[++i]);
    } else if (arg == "--only" && i + 1 < argc) {
      std::stringstream list(argv[++i]);
      for (std::string item; std::getline(list, item, ',');) only.insert(item);
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: bench_feedback_sentiment_eval [--only CATS] FILE...\n";
    return 2;
  }
  const auto& scorer = ecrm::feedback::SentimentScorer::shared();
  std::map<std::string, Tally> by_category;
  Tally all;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << path << ": cannot open\n";
      return 1;
    }
    ecrm::CsvReader reader(in);
    std::vector<std::string> fields;
    auto header_read = reader.next(fields);
    if (!header_read.ok() || !*header_read) {
      std::cerr << path << ": no header\n";
      return 1;
    }
    const ecrm::CsvHeader header(fields);
    const auto label_col = header.find("label");
    auto text_col = header.find("review");
    if (!text_col) text_col = header.find("text");
    const auto cat_col = header.find(category_column);
    if (!label_col || !text_col) {
      std::cerr << path << ": needs label and review (or text) columns\n";
      return 1;
    }
    while (true) {
      auto more = reader.next(fields);
      if (!more.ok()) {
        std::cerr << path << ": " << more.error().message << "\n";
        return 1;
      }
      if (!*more) break;
      if (fields.size() <= std::max(*label_col, *text_col)) continue;
      const std::string category = cat_col ? fields[*cat_col] : base_name(path);
      if (!only.empty() && !only.contains(category)) continue;
      const bool positive = fields[*label_col] == "1";
      const auto sentiment = scorer.score(fields[*text_col]);
      const bool correct =
          positive ? sentiment.polarity == ecrm::feedback::Polarity::kPositive
                   : sentiment.polarity == ecrm::feedback::Polarity::kNegative;
      if (!correct && show_errors > 0) {
        --show_errors;
        std::cerr << (positive ? "+ " : "- ") << sentiment.score << " " << fields[*text_col] << "\n";
      }
      for (Tally* t : {&by_category[category], &all}) {
        ++t->texts;
        t->positive += positive ? 1 : 0;
        t->correct += correct ? 1 : 0;
        t->neutral += sentiment.polarity == ecrm::feedback::Polarity::kNeutral ? 1 : 0;
      }
    }
  }
  std::printf("%-24s %8s %10s %10s %9s\n", "category", "texts", "accuracy", "majority", "neutral");
  for (const auto& [name, tally] : by_category) print_row(name, tally);
  print_row("all", all);
  return 0;
}
