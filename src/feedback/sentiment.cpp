#include "feedback/sentiment.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "feedback/utf8.hpp"

namespace ecrm::feedback {
namespace {

// A negated word counts this fraction of its weight, with the opposite sign.
constexpr double kNegation = 0.75;
// A degree adverb that follows a negator softens to this factor ("不太好").
constexpr double kSoftened = 0.6;
// A contrast halves what came before and weighs what follows this much.
constexpr double kBefore = 0.5;
constexpr double kAfter = 1.5;
// Modifiers reach a sentiment word across at most this much else: a Latin word or a lexicon
// entry counts 2, an unmatched Chinese character 1.
constexpr int kMaxGap = 6;
// score = S / sqrt(S² + kAlpha).
constexpr double kAlpha = 4;
// No Chinese lexicon entry is longer than this many characters.
constexpr std::size_t kMaxTermChars = 12;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    parts.push_back(trim(line.substr(start, tab == std::string_view::npos ? tab : tab - start)));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return parts;
}

std::optional<double> parse_number(std::string_view s) {
  // std::from_chars for double is in libstdc++ 11+, locale-independent.
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Lower-cases ASCII letters and writes the typographic apostrophe as '.
std::string fold_latin(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size();) {
    const utf8::CodePoint cp = utf8::decode(word, i);
    if (cp.value == 0x2019) {
      out.push_back('\'');
    } else if (cp.value >= 'A' && cp.value <= 'Z') {
      out.push_back(static_cast<char>(cp.value - 'A' + 'a'));
    } else {
      out.append(word.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += utf8::decode(s, i).length) ++n;
  return n;
}

}  // namespace

std::string_view to_string(Polarity polarity) {
  switch (polarity) {
    case Polarity::kNegative: return "negative";
    case Polarity::kNeutral: return "neutral";
    case Polarity::kPositive: return "positive";
  }
  return "neutral";
}

Result<SentimentScorer> SentimentScorer::build(std::span<const LexiconText> words,
                                               const LexiconText& modifiers) {
  SentimentScorer scorer;
  const auto add = [&scorer](std::string_view term, Entry entry) {
    std::string key = fold_latin(term);
    if (utf8::is_cjk(utf8::decode(key, 0).value)) {
      const std::size_t chars = count_chars(key);
      if (chars > kMaxTermChars) return false;
      if (chars > scorer.max_cjk_chars_) scorer.max_cjk_chars_ = chars;
    }
    scorer.entries_.try_emplace(std::move(key), entry);
    return true;
  };
  const auto each_line = [](const LexiconText& file, std::size_t columns,
                            auto&& handle) -> Result<bool> {
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start <= file.text.size()) {
      const std::size_t end = file.text.find('\n', start);
      const std::string_view line =
          file.text.substr(start, end == std::string_view::npos ? end : end - start);
      ++line_no;
      start = end == std::string_view::npos ? file.text.size() + 1 : end + 1;
      if (trim(line).empty() || line.front() == '#') continue;
      const std::vector<std::string_view> parts = split_tabs(line);
      const auto bad = [&](const std::string& why) {
        return Error::invalid(std::string(file.name) + " line " + std::to_string(line_no) + ": " +
                              why);
      };
      if (parts.size() != columns || parts[0].empty()) {
        return bad("expected " + std::to_string(columns) + " tab-separated columns");
      }
      if (auto error = handle(parts, bad)) return *error;
    }
    return true;
  };

  // Modifiers first: a modifier's kind wins over a sentiment weight for the same term.
  auto read_modifiers = each_line(
      modifiers, 3, [&](const std::vector<std::string_view>& parts, auto&& bad) -> std::optional<Error> {
        Entry entry;
        if (parts[1] == "negator") {
          entry.kind = Kind::kNegator;
        } else if (parts[1] == "degree") {
          entry.kind = Kind::kDegree;
        } else if (parts[1] == "contrast") {
          entry.kind = Kind::kContrast;
        } else if (parts[1] == "plain") {
          entry.kind = Kind::kPlain;
        } else {
          return bad("unknown kind '" + std::string(parts[1]) + "'");
        }
        const std::optional<double> factor = parse_number(parts[2]);
        if (!factor || *factor <= 0 || *factor > 5) return bad("factor must be in (0, 5]");
        entry.value = static_cast<float>(*factor);
        if (!add(parts[0], entry)) return bad("term too long");
        return std::nullopt;
      });
  if (!read_modifiers) return read_modifiers.error();
  for (const LexiconText& file : words) {
    auto read_words = each_line(
        file, 2, [&](const std::vector<std::string_view>& parts, auto&& bad) -> std::optional<Error> {
          const std::optional<double> weight = parse_number(parts[1]);
          if (!weight || std::abs(*weight) > 5) return bad("weight must be in [-5, 5]");
          if (!add(parts[0], Entry{Kind::kWord, static_cast<float>(*weight)})) {
            return bad("term too long");
          }
          return std::nullopt;
        });
    if (!read_words) return read_words.error();
  }
  return scorer;
}

const SentimentScorer& SentimentScorer::shared() {
  static const SentimentScorer scorer = [] {
    const LexiconText words[] = {{"zh.tsv", lexicon_zh()},
                                 {"en.tsv", lexicon_en()},
                                 {"zh.learned.tsv", lexicon_zh_learned()}};
    auto built = build(words, {"modifiers.tsv", lexicon_modifiers()});
    if (!built) throw std::logic_error("shipped sentiment lexicon: " + built.error().message);
    return std::move(built.value());
  }();
  return scorer;
}

const SentimentScorer::Entry* SentimentScorer::find(std::string_view term) const {
  const auto it = entries_.find(term);
  return it == entries_.end() ? nullptr : &it->second;
}

const SentimentScorer::Entry* SentimentScorer::find_latin(std::string_view word) const {
  if (const Entry* exact = find(word)) return exact;
  // The plain form of an inflected sentiment word: "disappoints", "worked", "crashing".
  const auto try_form = [&](std::string_view stem, std::string_view suffix) -> const Entry* {
    if (stem.size() < 3) return nullptr;
    std::string form(stem);
    form.append(suffix);
    const Entry* entry = find(form);
    return entry && entry->kind == Kind::kWord ? entry : nullptr;
  };
  const auto ends = [&](std::string_view suffix) { return word.ends_with(suffix); };
  const auto cut = [&](std::size_t n) { return word.substr(0, word.size() - n); };
  const Entry* entry = nullptr;
  if (!entry && ends("ies")) entry = try_form(cut(3), "y");
  if (!entry && ends("es")) entry = try_form(cut(2), "");
  if (!entry && ends("s")) entry = try_form(cut(1), "");
  if (!entry && ends("ed")) entry = try_form(cut(2), "");
  if (!entry && ends("ed")) entry = try_form(cut(1), "");
  if (!entry && ends("ing")) entry = try_form(cut(3), "");
  if (!entry && ends("ing")) entry = try_form(cut(3), "e");
  if (!entry && ends("ly")) entry = try_form(cut(2), "");
  return entry;
}

bool SentimentScorer::holds(std::string_view term) const {
  if (term.empty()) return false;
  if (utf8::is_cjk(utf8::decode(term, 0).value)) return find(term) != nullptr;
  return find_latin(fold_latin(term)) != nullptr;
}

Sentiment SentimentScorer::score(std::string_view text) const {
  double total = 0;
  double weight = 1;  // kAfter once a contrast was read
  bool negated = false;
  double degree = 1;
  int gap = 0;
  const auto reset = [&] {
    negated = false;
    degree = 1;
    gap = 0;
  };
  const auto skip = [&](int units) {
    if (negated || degree != 1) {
      gap += units;
      if (gap > kMaxGap) reset();
    }
  };
  const auto take = [&](const Entry& entry) {
    switch (entry.kind) {
      case Kind::kNegator:
        negated = !negated;
        gap = 0;
        break;
      case Kind::kDegree:
        degree *= negated && entry.value > 1 ? kSoftened : entry.value;
        gap = 0;
        break;
      case Kind::kContrast:
        total *= kBefore;
        weight = kAfter;
        reset();
        break;
      case Kind::kPlain:
        skip(2);
        break;
      case Kind::kWord: {
        double value = entry.value * degree;
        if (negated) value = -value * kNegation;
        total += value * weight;
        reset();
        break;
      }
    }
  };

  std::size_t offsets[kMaxTermChars + 1];
  std::size_t i = 0;
  while (i < text.size()) {
    const utf8::CodePoint cp = utf8::decode(text, i);
    if (utf8::is_word_char(cp.value) && cp.value != '\'' && cp.value != '-') {
      std::size_t end = i;
      while (end < text.size()) {
        const utf8::CodePoint next = utf8::decode(text, end);
        if (!utf8::is_word_char(next.value)) break;
        end += next.length;
      }
      std::string word = fold_latin(text.substr(i, end - i));
      while (!word.empty() && (word.back() == '\'' || word.back() == '-')) word.pop_back();
      if (const Entry* entry = find_latin(word)) {
        take(*entry);
      } else {
        skip(2);
      }
      i = end;
      continue;
    }
    if (utf8::is_cjk(cp.value)) {
      // The longest entry starting here, within this run of Chinese characters.
      std::size_t chars = 0;
      std::size_t at = i;
      offsets[0] = i;
      while (chars < max_cjk_chars_ && at < text.size()) {
        const utf8::CodePoint next = utf8::decode(text, at);
        if (!utf8::is_cjk(next.value)) break;
        at += next.length;
        offsets[++chars] = at;
      }
      const Entry* entry = nullptr;
      std::size_t taken = chars;
      for (; taken >= 1; --taken) {
        entry = find(text.substr(i, offsets[taken] - i));
        if (entry) break;
      }
      if (entry) {
        take(*entry);
        i = offsets[taken];
      } else {
        skip(1);
        i += cp.length;
      }
      continue;
    }
    if (utf8::ends_clause(cp.value)) reset();
    i += cp.length;
  }

  Sentiment result;
  result.score = total / std::sqrt(total * total + kAlpha);
  if (result.score >= kNeutralBand) {
    result.polarity = Polarity::kPositive;
  } else if (result.score <= -kNeutralBand) {
    result.polarity = Polarity::kNegative;
  }
  return result;
}

}  // namespace ecrm::feedback
