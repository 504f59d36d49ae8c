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

#include <array>
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
  // Of `count`, the texts added with each period 0..PhraseOptions::periods-1 (recent and
  // previous are the first two).
  std::vector<std::int64_t> periods;
};

// The most periods a miner counts texts in.
inline constexpr std::size_t kMaxPeriods = 8;

// What one text gives the phrase counts, read once (PhraseMiner::analyse) and added any number of
// times later without reading the text again (PhraseMiner::replay): its sentiment, the quotes
// (its sentences, cut) and each phrase occurrence in the order the text holds them.
struct MinedText {
  struct Occurrence {
    std::string key;       // the phrase's key (words as segmented, stemmed, space-separated)
    std::string surface;   // as written
    bool complaint = false;  // towards complaints, else praise
    double weight = 0;
    std::uint32_t quote = 0;  // index into quotes
  };
  Sentiment sentiment;
  std::vector<std::string> quotes;
  std::vector<Occurrence> occurrences;
};

struct PhraseOptions {
  std::size_t max_examples = 3;      // per phrase
  std::size_t max_quote_bytes = 240;
  std::size_t max_phrases = 200000;  // tracked at once
  std::int64_t min_count = 2;        // texts a group needs to be reported
  std::size_t periods = 2;           // periods texts are counted in (at most kMaxPeriods)
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
  // Issue::recent or Issue::previous, and any period below PhraseOptions::periods in
  // Issue::periods; any other value in none. Not thread-safe. The same as
  // replay(id, analyse(text), period).
  Sentiment add(std::string_view id, std::string_view text, int period = -1);

  // What `text` gives the counts, without counting it. Thread-safe (const).
  MinedText analyse(std::string_view text) const;
  // Counts a text read before by analyse() (of a miner with the same options), exactly as add()
  // would have counted it. Not thread-safe.
  void replay(std::string_view id, const MinedText& mined, int period = -1);

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
    std::array<std::int64_t, kMaxPeriods> periods{};  // texts per period
    std::vector<Quote> examples;
  };
  struct Phrase {
    std::unordered_map<std::string, std::int64_t> surfaces;  // as written -> occurrences
    Side complaint;
    Side praise;
  };
  enum class Which { kComplaint, kPraise };

  void count(const std::string& key, std::string_view surface, Which which, double weight,
             std::string_view id, const std::string& quote);
  void prune();
  std::vector<Issue> top(Which which, std::size_t limit) const;

  const SentimentScorer& scorer_;
  const search::Segmenter& segmenter_;
  PhraseOptions options_;
  std::size_t periods_ = 2;  // options_.periods, at most kMaxPeriods
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
