#include "search/segment.hpp"

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/rbbi.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace ecrm::search {

namespace {

// ICU's break iterators and Snowball's stemmers keep state: one of each per thread.
icu::BreakIterator& word_breaker() {
  thread_local std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> made(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !made) {
      throw std::runtime_error(std::string("ICU word break iterator: ") + u_errorName(status));
    }
    return made;
  }();
  return *breaker;
}

class Stemmer {
 public:
  Stemmer() : stemmer_(sb_stemmer_new("english", "UTF_8")) {
    if (stemmer_ == nullptr) throw std::runtime_error("Snowball English stemmer unavailable");
  }
  ~Stemmer() { sb_stemmer_delete(stemmer_); }
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  std::string stem(const std::string& word) {
    const sb_symbol* out = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (out == nullptr) return word;
    return std::string(reinterpret_cast<const char*>(out),
                       static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
  }

 private:
  sb_stemmer* stemmer_;
};

Stemmer& stemmer() {
  thread_local Stemmer one;
  return one;
}

bool is_cjk_code_point(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) && (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA ||
                               script == USCRIPT_KATAKANA || script == USCRIPT_HANGUL);
}

// The first code point of valid UTF-8 `text` (U_SENTINEL when there is none).
UChar32 first_code_point(std::string_view text) {
  if (text.empty()) return U_SENTINEL;
  int32_t at = 0;
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), at, static_cast<int32_t>(text.size()), c);
  return c;
}

// Byte offsets of each code point of `text` (within it), and its size at the end.
std::vector<std::size_t> char_offsets(std::string_view text) {
  std::vector<std::size_t> out;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto size = static_cast<int32_t>(text.size());
  int32_t at = 0;
  while (at < size) {
    out.push_back(static_cast<std::size_t>(at));
    UChar32 c = 0;
    U8_NEXT(bytes, at, size, c);
  }
  out.push_back(text.size());
  return out;
}

bool all_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) { return (ch & 0x80) == 0; });
}

// A Latin (or other alphabetic) word as indexed: NFKC case-folded, diacritics removed,
// apostrophes and quotes dropped, stemmed when it has letters.
std::string latin_term(std::string_view piece) {
  std::string folded;
  if (all_ascii(piece)) {
    folded.reserve(piece.size());
    for (char ch : piece) folded.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
  } else {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) return std::string(piece);
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(piece.data(), static_cast<int32_t>(piece.size())));
    icu::UnicodeString decomposed = nfd->normalize(casefold->normalize(text, status), status);
    icu::UnicodeString bare;
    for (int32_t i = 0; i < decomposed.length();) {
      const UChar32 c = decomposed.char32At(i);
      if (u_charType(c) != U_NON_SPACING_MARK) bare.append(c);
      i += U16_LENGTH(c);
    }
    icu::UnicodeString composed = nfc->normalize(bare, status);
    if (U_FAILURE(status)) return std::string(piece);
    composed.toUTF8String(folded);
  }
  std::string clean;
  clean.reserve(folded.size());
  bool letters = false;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    const char ch = folded[i];
    if (ch == '\'' || ch == '"' || ch == '\\') continue;
    if (folded.compare(i, 3, "\xE2\x80\x99") == 0) {  // ’
      i += 2;
      continue;
    }
    if ((ch >= 'a' && ch <= 'z') || (ch & 0x80) != 0) letters = true;
    clean.push_back(ch);
  }
  if (!letters || clean.size() > 64) return clean;
  return stemmer().stem(clean);
}

enum class PieceKind { kOther, kHan, kKana, kHangul };

struct Piece {
  std::size_t begin;
  std::size_t end;
  PieceKind kind;
};

// ICU's word pieces of `text`, punctuation and spaces dropped.
std::vector<Piece> icu_pieces(std::string_view text) {
  std::vector<Piece> out;
  if (text.empty() || text.size() > static_cast<std::size_t>(std::numeric_limits<int32_t>::max())) {
    return out;
  }
  UErrorCode status = U_ZERO_ERROR;
  UText* utext = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return out;
  icu::BreakIterator& breaker = word_breaker();
  breaker.setText(utext, status);
  if (U_FAILURE(status)) {
    utext_close(utext);
    return out;
  }
  int32_t begin = breaker.first();
  for (int32_t end = breaker.next(); end != icu::BreakIterator::DONE; begin = end, end = breaker.next()) {
    const int32_t rule = breaker.getRuleStatus();
    if (rule < UBRK_WORD_NONE_LIMIT || begin >= end) continue;
    const auto b = static_cast<std::size_t>(begin);
    const auto e = std::min(static_cast<std::size_t>(end), text.size());
    PieceKind kind = PieceKind::kOther;
    if (rule >= UBRK_WORD_IDEO && rule < UBRK_WORD_IDEO_LIMIT) {
      kind = PieceKind::kHan;
    } else if (rule >= UBRK_WORD_KANA && rule < UBRK_WORD_KANA_LIMIT) {
      kind = PieceKind::kKana;
    } else {
      UErrorCode script_status = U_ZERO_ERROR;
      const UChar32 c = first_code_point(text.substr(b, e - b));
      if (c >= 0 && uscript_getScript(c, &script_status) == USCRIPT_HANGUL) kind = PieceKind::kHangul;
    }
    // An IDEO piece of non-CJK characters (rare) is treated as other.
    if (kind == PieceKind::kHan && !is_cjk_code_point(first_code_point(text.substr(b, e - b)))) {
      kind = PieceKind::kOther;
    }
    out.push_back({b, e, kind});
  }
  // Detach the iterator from the text before closing it (the iterator outlives this call).
  breaker.setText(icu::UnicodeString());
  utext_close(utext);
  return out;
}

std::mutex install_mutex;
std::atomic<const Segmenter*> installed{nullptr};

}  // namespace

std::size_t count_chars(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

Segmenter::Segmenter(const std::vector<std::string>& learned) {
  auto add = [this](std::string_view word) {
    const std::size_t chars = count_chars(word);
    if (chars < 2 || chars > kMaxWordChars) return;
    const std::vector<std::size_t> offsets = char_offsets(word);
    if (offsets.size() != chars + 1) return;  // invalid UTF-8
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
      const UChar32 c = first_code_point(word.substr(offsets[i], offsets[i + 1] - offsets[i]));
      if (c < 0 || !is_cjk_code_point(c)) return;
    }
    domain_.emplace(word);
  };
  // The seed list: words separated by spaces or line ends; '#' comments to the end of the line.
  const std::string_view seed = seed_words_text();
  bool comment = false;
  std::size_t start = std::string_view::npos;
  for (std::size_t at = 0; at <= seed.size(); ++at) {
    const char ch = at < seed.size() ? seed[at] : '\n';
    const bool space = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    if (space || (ch == '#' && start == std::string_view::npos)) {
      if (start != std::string_view::npos && !comment) add(seed.substr(start, at - start));
      start = std::string_view::npos;
      if (ch == '#') comment = true;
      if (ch == '\n') comment = false;
    } else if (start == std::string_view::npos) {
      start = at;
    }
  }
  for (const std::string& word : learned) add(word);
}

const Segmenter& Segmenter::shared() {
  const Segmenter* current = installed.load(std::memory_order_acquire);
  if (current != nullptr) return *current;
  std::lock_guard lock(install_mutex);
  current = installed.load(std::memory_order_acquire);
  if (current == nullptr) {
    current = new Segmenter();  // lives as long as the process: callers keep references
    installed.store(current, std::memory_order_release);
  }
  return *current;
}

void Segmenter::install(const std::vector<std::string>& learned) {
  const Segmenter* made = new Segmenter(learned);  // never freed: see shared()
  std::lock_guard lock(install_mutex);
  installed.store(made, std::memory_order_release);
}

bool Segmenter::is_domain_word(std::string_view word) const {
  return domain_.find(word) != domain_.end();
}

std::vector<Word> Segmenter::words(std::string_view utf8) const {
  std::vector<Word> out;
  std::vector<Piece> pieces;
  try {
    pieces = icu_pieces(utf8);
  } catch (const std::runtime_error&) {
    return out;
  }
  for (std::size_t i = 0; i < pieces.size();) {
    const Piece& piece = pieces[i];
    if (piece.kind != PieceKind::kHan) {
      Word word;
      word.begin = piece.begin;
      word.end = piece.end;
      word.cjk = piece.kind != PieceKind::kOther;
      const std::string_view text = utf8.substr(piece.begin, piece.end - piece.begin);
      word.text = word.cjk ? std::string(text) : latin_term(text);
      if (!word.text.empty()) out.push_back(std::move(word));
      ++i;
      continue;
    }
    // A run of adjacent Han pieces, segmented again with the domain words.
    std::size_t last = i;
    while (last + 1 < pieces.size() && pieces[last + 1].kind == PieceKind::kHan &&
           pieces[last + 1].begin == pieces[last].end) {
      ++last;
    }
    const std::size_t run_begin = pieces[i].begin;
    const std::string_view run = utf8.substr(run_begin, pieces[last].end - run_begin);
    const std::vector<std::size_t> offsets = char_offsets(run);  // n + 1 entries
    const std::size_t n = offsets.size() - 1;
    // next_icu[k]: the char index of ICU's next boundary after char k when k is one, else 0.
    std::vector<std::size_t> next_icu(n + 1, 0);
    {
      std::size_t piece_index = i;
      for (std::size_t k = 0; k < n && piece_index <= last; ++k) {
        if (offsets[k] + run_begin == pieces[piece_index].begin) {
          std::size_t e = k + 1;
          while (e < n && offsets[e] + run_begin < pieces[piece_index].end) ++e;
          next_icu[k] = e;
          ++piece_index;
        }
      }
    }
    // Fewest words: ICU's piece or one character cost 100, a domain word 90.
    constexpr int kUnreachable = std::numeric_limits<int>::max();
    std::vector<int> cost(n + 1, kUnreachable);
    std::vector<std::size_t> from(n + 1, 0);
    cost[0] = 0;
    auto relax = [&](std::size_t a, std::size_t b, int step) {
      if (cost[a] != kUnreachable && cost[a] + step < cost[b]) {
        cost[b] = cost[a] + step;
        from[b] = a;
      }
    };
    for (std::size_t k = 0; k < n; ++k) {
      if (cost[k] == kUnreachable) continue;
      if (next_icu[k] > k) relax(k, next_icu[k], 100);
      relax(k, k + 1, 100);
      for (std::size_t len = 2; len <= kMaxWordChars && k + len <= n; ++len) {
        if (domain_.find(run.substr(offsets[k], offsets[k + len] - offsets[k])) != domain_.end()) {
          relax(k, k + len, 90);
        }
      }
    }
    std::vector<std::size_t> cuts;
    for (std::size_t k = n; k > 0; k = from[k]) cuts.push_back(k);
    std::size_t a = 0;
    for (auto it = cuts.rbegin(); it != cuts.rend(); ++it) {
      const std::size_t b = *it;
      Word word;
      word.begin = run_begin + offsets[a];
      word.end = run_begin + offsets[b];
      word.text = std::string(run.substr(offsets[a], offsets[b] - offsets[a]));
      word.cjk = true;
      out.push_back(std::move(word));
      a = b;
    }
    i = last + 1;
  }
  return out;
}

std::string Segmenter::words_text(std::string_view utf8) const {
  std::string out;
  for (const Word& word : words(utf8)) {
    if (!out.empty()) out.push_back(' ');
    out += word.text;
  }
  return out;
}

std::string Segmenter::terms(std::string_view utf8) const {
  const std::vector<Word> list = words(utf8);
  std::string out;
  for (const Word& word : list) {
    if (!out.empty()) out.push_back(' ');
    out += word.text;
  }
  // Bigrams of each run of adjacent CJK words.
  for (std::size_t i = 0; i < list.size();) {
    if (!list[i].cjk) {
      ++i;
      continue;
    }
    std::size_t last = i;
    while (last + 1 < list.size() && list[last + 1].cjk && list[last + 1].begin == list[last].end) ++last;
    const std::string_view run = utf8.substr(list[i].begin, list[last].end - list[i].begin);
    const std::vector<std::size_t> offsets = char_offsets(run);
    for (std::size_t k = 0; k + 2 < offsets.size(); ++k) {
      if (!out.empty()) out.push_back(' ');
      out += kBigramMarker;
      out += run.substr(offsets[k], offsets[k + 2] - offsets[k]);
    }
    i = last + 1;
  }
  return out;
}

std::vector<LearnedWord> learn_words(const std::vector<std::string>& texts,
                                     const Segmenter& segmenter, const LearnOptions& options) {
  struct Stat {
    std::int64_t count = 0;
    std::int64_t as_word = 0;  // occurrences the segmentation gives as one word
    std::int64_t left_edges = 0;
    std::int64_t right_edges = 0;
    std::unordered_map<std::string, std::int64_t> left;
    std::unordered_map<std::string, std::int64_t> right;
  };
  std::unordered_map<std::string, std::int64_t> unigrams;
  std::unordered_map<std::string, Stat> grams;  // 2–4 characters
  std::int64_t total_chars = 0;

  for (const std::string& text : texts) {
    const std::vector<Word> list = segmenter.words(text);
    for (std::size_t i = 0; i < list.size();) {
      const bool han = list[i].cjk && is_cjk_code_point(first_code_point(list[i].text));
      if (!han) {
        ++i;
        continue;
      }
      std::size_t last = i;
      while (last + 1 < list.size() && list[last + 1].cjk && list[last + 1].begin == list[last].end) {
        ++last;
      }
      const std::size_t run_begin = list[i].begin;
      const std::string_view run = std::string_view(text).substr(run_begin, list[last].end - run_begin);
      const std::vector<std::size_t> offsets = char_offsets(run);
      const std::size_t n = offsets.size() - 1;
      // Word boundaries (as char indexes) and the word starting at each boundary's end.
      std::vector<std::size_t> word_end(n + 1, 0);
      {
        std::size_t k = 0;
        for (std::size_t w = i; w <= last; ++w) {
          while (k < n && offsets[k] + run_begin < list[w].begin) ++k;
          std::size_t e = k;
          while (e < n && offsets[e] + run_begin < list[w].end) ++e;
          word_end[k] = e;
        }
      }
      auto chars = [&](std::size_t a, std::size_t b) {
        return std::string(run.substr(offsets[a], offsets[b] - offsets[a]));
      };
      total_chars += static_cast<std::int64_t>(n);
      for (std::size_t k = 0; k < n; ++k) {
        ++unigrams[chars(k, k + 1)];
        for (std::size_t len = 2; len <= 4 && k + len <= n; ++len) {
          Stat& stat = grams[chars(k, k + len)];
          ++stat.count;
          if (word_end[k] == k + len) ++stat.as_word;
          if (k == 0) {
            ++stat.left_edges;
          } else {
            ++stat.left[chars(k - 1, k)];
          }
          if (k + len == n) {
            ++stat.right_edges;
          } else {
            ++stat.right[chars(k + len, k + len + 1)];
          }
        }
      }
      i = last + 1;
    }
  }

  auto count_of = [&](const std::string& s) -> std::int64_t {
    if (count_chars(s) == 1) {
      auto it = unigrams.find(s);
      return it == unigrams.end() ? 0 : it->second;
    }
    auto it = grams.find(s);
    return it == grams.end() ? 0 : it->second.count;
  };
  auto entropy = [](const std::unordered_map<std::string, std::int64_t>& neighbours,
                    std::int64_t edges, std::int64_t total) {
    double h = 0;
    const auto n = static_cast<double>(total);
    for (const auto& [_, c] : neighbours) {
      const double p = static_cast<double>(c) / n;
      h -= p * std::log(p);
    }
    if (edges > 0) h += static_cast<double>(edges) * (std::log(n) / n);  // each edge distinct
    return h;
  };

  std::vector<LearnedWord> accepted;
  for (const auto& [gram, stat] : grams) {
    if (stat.count < options.min_count || stat.as_word * 2 >= stat.count) continue;
    const std::vector<std::size_t> offsets = char_offsets(gram);
    const std::size_t n = offsets.size() - 1;
    double cohesion = std::numeric_limits<double>::infinity();
    for (std::size_t k = 1; k < n; ++k) {
      const std::int64_t left = count_of(gram.substr(0, offsets[k]));
      const std::int64_t right = count_of(gram.substr(offsets[k]));
      if (left == 0 || right == 0) continue;
      const double pmi = std::log(static_cast<double>(stat.count) * static_cast<double>(total_chars) /
                                  (static_cast<double>(left) * static_cast<double>(right)));
      cohesion = std::min(cohesion, pmi);
    }
    if (!(cohesion >= options.min_cohesion) || std::isinf(cohesion)) continue;
    const double free = std::min(entropy(stat.left, stat.left_edges, stat.count),
                                 entropy(stat.right, stat.right_edges, stat.count));
    if (free < options.min_entropy) continue;
    accepted.push_back({gram, stat.count, cohesion, free});
  }
  // Drop an n-gram inside a longer accepted one that occurs (almost) as often.
  std::vector<LearnedWord> kept;
  for (const LearnedWord& word : accepted) {
    const bool inside = std::any_of(accepted.begin(), accepted.end(), [&](const LearnedWord& other) {
      return other.word.size() > word.word.size() && other.word.find(word.word) != std::string::npos &&
             other.count * 10 >= word.count * 9;
    });
    if (!inside) kept.push_back(word);
  }
  std::sort(kept.begin(), kept.end(), [](const LearnedWord& a, const LearnedWord& b) {
    return a.count != b.count ? a.count > b.count : a.word < b.word;
  });
  if (kept.size() > options.max_words) kept.resize(options.max_words);
  return kept;
}

}  // namespace ecrm::search
