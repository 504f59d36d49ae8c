// Words of a text, for full-text search and text mining, in Chinese and English alike.
//
// Word boundaries come from ICU's word break iterator (its dictionary segments Chinese and
// Japanese). ICU splits many shop words into characters (退货 -> 退|货, 客服 -> 客|服, 性价比高 ->
// 性|价|比高), so each run of Han text is segmented again with a domain word list: the
// segmentation of the run with the fewest words, where a domain word counts as slightly less
// than one word and ICU's own pieces as one, so domain words win over ICU's splits and ICU's
// words win over single characters. The list is the shipped seed (words.zh.txt, compiled in)
// plus the words learned from the shop's own texts (learn_words, stored in search_words by
// `ecrm search learn-words`, installed with Segmenter::install by every process that opens the
// database: cli/app_setup.cpp).
//
// Latin words are NFKC case-folded, stripped of diacritics and stemmed with Snowball's English
// stemmer ("batteries" and "battery" are both "batteri"); numbers are kept as written; CJK words
// are kept as they are. Spaces, punctuation, symbols and invalid UTF-8 are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ecrm::search {

struct Word {
  std::string text;       // the term as indexed: Latin lowercased and stemmed, digits kept, CJK as is
  std::size_t begin = 0;  // byte offsets of the word in the input
  std::size_t end = 0;
  bool cjk = false;  // a Han/Kana/Hangul word
};

// The fallback tokens of full-text search: a run of adjacent CJK characters is also indexed as
// its character bigrams, each written as this marker (U+01C2, a letter to both FTS5's unicode61
// tokenizer and PostgreSQL's parser) followed by the two characters, so a Chinese query word is
// found inside a sentence however the sentence was segmented (see fulltext.hpp).
inline constexpr std::string_view kBigramMarker = "\xC7\x82";

class Segmenter {
 public:
  // A segmenter whose domain words are the seed list and `learned`. Words of one character or of
  // more than kMaxWordChars characters, and words that are not all CJK, are ignored.
  explicit Segmenter(const std::vector<std::string>& learned = {});

  // The segmenter every caller shares: the seed list and the words last installed.
  // Thread-safe; the reference stays valid for the life of the process.
  static const Segmenter& shared();
  // Makes shared() answer with the seed list and `learned` from now on (earlier segmenters stay
  // alive for callers holding them). Thread-safe.
  static void install(const std::vector<std::string>& learned);

  // The words of `utf8` in text order; punctuation and spaces dropped. Never throws on any input.
  std::vector<Word> words(std::string_view utf8) const;

  // The indexed document of `utf8`: the words' text joined by single spaces, then, for the
  // fallback, the character bigrams of its CJK runs (kBigramMarker + two characters each, in
  // text order, separated by spaces). Text mining wants words(), not this.
  std::string terms(std::string_view utf8) const;

  // The words' text of `utf8` joined by single spaces (no bigrams).
  std::string words_text(std::string_view utf8) const;

  // Whether `word` is one of this segmenter's domain words.
  bool is_domain_word(std::string_view word) const;
  std::size_t domain_word_count() const { return domain_.size(); }

  static constexpr std::size_t kMaxWordChars = 8;

 private:
  // Looked up by string_view, without making a string of each candidate.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> domain_;
};

// The shipped seed list of Chinese domain words (words.zh.txt): words separated by spaces or
// line ends, '#' comments.
std::string_view seed_words_text();

// The number of Unicode code points of valid UTF-8 `text`.
std::size_t count_chars(std::string_view text);

// A word found by learn_words.
struct LearnedWord {
  std::string word;
  std::int64_t count = 0;  // occurrences in the texts
  double cohesion = 0;     // the smallest pointwise mutual information over its split points
  double entropy = 0;      // the smaller of its left and right neighbour entropies
};

struct LearnOptions {
  std::int64_t min_count = 5;    // occurrences needed
  double min_cohesion = 3.0;     // PMI (natural log) at the weakest split point
  double min_entropy = 1.0;      // neighbour entropy (nats) on each side; text edges count as
                                 // distinct neighbours
  std::size_t max_words = 2000;  // the best words kept, by count
};

// Candidate domain words of `texts`: CJK n-grams of 2–4 characters inside Han runs that the
// current segmentation (`segmenter`) does not already give as one word, occurring at least
// min_count times, cohesive (every split point's PMI >= min_cohesion) and free (varied
// neighbours on both sides: entropy >= min_entropy). An n-gram contained in a longer accepted
// one of the same count is dropped. Most frequent first, then by text.
std::vector<LearnedWord> learn_words(const std::vector<std::string>& texts,
                                     const Segmenter& segmenter, const LearnOptions& options = {});

}  // namespace ecrm::search
