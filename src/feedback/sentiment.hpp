// Lexicon-based sentiment of a customer's text, in Chinese and English (and both mixed).
//
// A text is read left to right as tokens: Latin words (lower-cased; a sentiment word is also
// found under its plain form without -s, -ed, -ing, -ly) and, inside runs of Chinese
// characters, the longest lexicon entry starting at each character. Sentiment words carry a
// weight from -3 to 3; modifiers change the next sentiment word of the same clause, at most a
// few tokens later: a negator flips it (weakened: "not bad" is mildly positive, "没有问题"
// praise), a degree adverb scales it ("非常好", "very good"), a degree adverb after a negator
// softens it ("不太好", "not very good" are mildly negative). A contrast ("但是", "but") halves
// what came before and weighs what follows one and a half times. Clauses end at punctuation.
// The sum S becomes score = S / sqrt(S² + 4), in (-1, 1).
//
// The shipped lexicons live in src/feedback/lexicon/ (their README says how they were made and
// under which licence) and are compiled into the binary.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.hpp"

namespace ecrm::feedback {

enum class Polarity { kNegative, kNeutral, kPositive };

// "negative" | "neutral" | "positive".
std::string_view to_string(Polarity polarity);

struct Sentiment {
  Polarity polarity = Polarity::kNeutral;
  double score = 0;  // -1..1
};

// A score whose size is below this is neutral.
inline constexpr double kNeutralBand = 0.1;

// The text of one lexicon file, with a name for error messages.
struct LexiconText {
  std::string_view name;
  std::string_view text;
};

class SentimentScorer {
 public:
  // Builds a scorer. Each of `words` holds lines "term<TAB>weight" (for a term in several, the
  // earlier text wins); `modifiers` holds lines "term<TAB>kind<TAB>factor" with kind negator,
  // degree, contrast or plain. Lines starting with '#' and blank lines are skipped. A malformed
  // line is a kInvalidArgument error naming the text and the line.
  static Result<SentimentScorer> build(std::span<const LexiconText> words,
                                       const LexiconText& modifiers);

  // The scorer over the shipped lexicons, built once on first use.
  static const SentimentScorer& shared();

  // The sentiment of a UTF-8 text. Invalid UTF-8 is skipped byte by byte; an empty text or one
  // without sentiment words is neutral with score 0. Thread-safe.
  Sentiment score(std::string_view utf8) const;

  // Whether `term` is a sentiment word or modifier of the lexicon (Latin words lower-cased, also
  // under their plain form): such words are opinions, never the aspect a text is about.
  bool holds(std::string_view term) const;

  // How many terms the lexicon holds.
  std::size_t size() const { return entries_.size(); }

 private:
  enum class Kind : unsigned char { kWord, kNegator, kDegree, kContrast, kPlain };
  struct Entry {
    Kind kind = Kind::kWord;
    float value = 0;  // the weight of a word, the factor of a degree adverb
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  const Entry* find(std::string_view term) const;
  const Entry* find_latin(std::string_view word) const;

  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::size_t max_cjk_chars_ = 1;
};

// The shipped lexicon files, as compiled in.
std::string_view lexicon_en();
std::string_view lexicon_zh();
std::string_view lexicon_zh_learned();
std::string_view lexicon_modifiers();
std::string_view lexicon_stopwords();

}  // namespace ecrm::feedback
