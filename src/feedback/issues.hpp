// Key phrases of customers' texts: what they complain about and what they praise.
//
// Each text is cut into sentences and clauses; each clause is scored (SentimentScorer) and each
// sentence segmented into words (search::Segmenter: Latin words stemmed, Chinese shop words kept
// whole). The candidate phrases of a clause are its content words (not stop words, numbers,
// single Chinese characters, or the lexicon's sentiment words and modifiers: "battery", not
// "bad") and pairs of adjacent words of which at least one is such a word and neither a stop
// word ("battery life", "电池 发热"). An occurrence counts towards complaints when its clause is
// negative (weight 1 + 2|score|: "价格贵，但是质量好" complains of the price and praises the
// quality), or neutral in a negative sentence (else text; weight 0.5), towards praise likewise;
// each text counts once per phrase (its heaviest occurrence).
//
// The result groups phrases: the same stem is already one key ("batteries", "battery"); a
// phrase containing a group's head phrase or contained in it (a pair holding the word, 锂电池
// holding 电池) and near duplicates of any member (one edit apart, for Latin keys of five
// characters or more: "colour", "color") join that heavier group. A group's count is the texts of its heaviest phrase plus those of its near
// duplicates (a text holding "battery life" mostly holds "battery" too, so contained phrases
// add no texts); its examples are quotes of its phrases' first texts (each text's heaviest sentence).
//
// Memory is bounded: at most `max_phrases` phrases are tracked; past that, the lightest half
// is dropped (lossy counting: a phrase dropped early and frequent later is undercounted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "feedback/sentiment.hpp"

namespace ecrm::search {
class Segmenter;
}

namespace ecrm::feedback {

// One sentence of one text, as an example of a phrase.
struct Quote {
  std::string id;     // the text's id
  std::string quote;  // the sentence, cut at max_quote_bytes (on a character boundary) with "…"
};

struct Issue {
  std::string phrase;  // as customers wrote it most often (words joined as written)
  std::int64_t count = 0;  // texts mentioning it
  double weight = 0;       // the sum of its texts' weights (see above); the ranking
  std::vector<Quote> examples;
  // Of `count`, the texts added with period 0 (a recent window) and period 1 (the window
  // before), counted like `count`; 0 when the texts came without periods.
  std::int64_t recent = 0;
  std::int64_t previous = 0;
};

struct PhraseOptions {
  std::size_t max_examples = 3;      // per phrase
  std::size_t max_quote_bytes = 240;
  std::size_t max_phrases = 200000;  // tracked at once
  std::int64_t min_count = 2;        // texts a group needs to be reported
};

class PhraseMiner {
 public:
  // The scorer and the segmenter must outlive the miner.
  PhraseMiner(const SentimentScorer& scorer, const search::Segmenter& segmenter,
              PhraseOptions options = {});
  ~PhraseMiner();
  PhraseMiner(const PhraseMiner&) = delete;
  PhraseMiner& operator=(const PhraseMiner&) = delete;
  PhraseMiner(PhraseMiner&&) = default;

  // Reads one text and returns its sentiment (of the whole text). `period` 0 or 1 counts it in
  // Issue::recent or Issue::previous; any other value in neither. Not thread-safe.
  Sentiment add(std::string_view id, std::string_view text, int period = -1);

  // The top complaints (issues) and the top praised aspects, heaviest first, at most `limit`.
  std::vector<Issue> complaints(std::size_t limit) const;
  std::vector<Issue> praise(std::size_t limit) const;

  std::int64_t texts() const { return texts_; }
  // How many phrases are tracked now (at most max_phrases after each add()).
  std::size_t tracked() const { return phrases_.size(); }

 private:
  struct Side {
    double weight = 0;
    std::int64_t count = 0;
    std::int64_t last_text = -1;  // the text last counted
    double last_weight = 0;       // its weight so far
    std::int64_t recent = 0;      // texts of period 0
    std::int64_t previous = 0;    // texts of period 1
    std::vector<Quote> examples;
  };
  struct Phrase {
    std::unordered_map<std::string, std::int64_t> surfaces;  // as written -> occurrences
    Side complaint;
    Side praise;
  };
  enum class Which { kComplaint, kPraise };

  void count(const std::string& key, std::string_view surface, Which which, double weight,
             std::string_view id, std::string_view sentence);
  void prune();
  std::vector<Issue> top(Which which, std::size_t limit) const;

  const SentimentScorer& scorer_;
  const search::Segmenter& segmenter_;
  PhraseOptions options_;
  std::unordered_set<std::string> stopwords_;
  std::unordered_map<std::string, Phrase> phrases_;
  std::int64_t texts_ = 0;
  int period_ = -1;  // of the text being added
};

// Splits `text` into sentences (ending at 。！？.!?; and line breaks), trimmed, empty ones
// dropped.
std::vector<std::string_view> sentences(std::string_view text);

// `text` cut to at most `max_bytes` bytes on a character boundary, "…" appended when cut.
std::string cut_quote(std::string_view text, std::size_t max_bytes);

}  // namespace ecrm::feedback
