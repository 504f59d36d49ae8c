#include "feedback/issues.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "feedback/utf8.hpp"
#include "search/segment.hpp"

namespace ecrm::feedback {
namespace {

// An occurrence in a neutral clause of a negative (positive) sentence or text counts this much
// towards complaints (praise).
constexpr double kNeutralClause = 0.5;

std::string_view trim_space(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  // Full-width spaces (U+3000) too.
  while (s.starts_with("\xE3\x80\x80")) s.remove_prefix(3);
  while (s.ends_with("\xE3\x80\x80")) s.remove_suffix(3);
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += utf8::decode(s, i).length) ++n;
  return n;
}

bool is_number(std::string_view s) {
  bool digit = false;
  for (const char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '.' && c != ',' && c != '%') {
      return false;
    }
  }
  return digit;
}

// Levenshtein distance over bytes, stopping early once it exceeds `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > limit) return limit + 1;
  std::vector<std::size_t> row(a.size() + 1);
  for (std::size_t i = 0; i <= a.size(); ++i) row[i] = i;
  for (std::size_t j = 1; j <= b.size(); ++j) {
    std::size_t diagonal = row[0];
    row[0] = j;
    std::size_t best = row[0];
    for (std::size_t i = 1; i <= a.size(); ++i) {
      const std::size_t above = row[i];
      row[i] = std::min({row[i] + 1, row[i - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
      best = std::min(best, row[i]);
    }
    if (best > limit) return limit + 1;
  }
  return row[a.size()];
}

// Whether `key` holds `part` as one of its space-separated words, or, for Chinese, as a
// substring of at least two characters.
bool contains(std::string_view key, std::string_view part) {
  if (part.size() >= key.size()) return false;
  std::size_t at = key.find(part);
  while (at != std::string_view::npos) {
    const bool cjk = utf8::is_cjk(utf8::decode(part, 0).value);
    const bool starts = at == 0 || key[at - 1] == ' ';
    const bool ends = at + part.size() == key.size() || key[at + part.size()] == ' ';
    if (cjk ? char_count(part) >= 2 : (starts && ends)) return true;
    at = key.find(part, at + 1);
  }
  return false;
}

bool near_duplicate(std::string_view a, std::string_view b) {
  if (utf8::is_cjk(utf8::decode(a, 0).value) || utf8::is_cjk(utf8::decode(b, 0).value)) {
    return false;  // one character apart is another word in Chinese
  }
  if (std::min(a.size(), b.size()) < 5) return false;
  return edit_distance(a, b, 1) <= 1;
}

}  // namespace

std::vector<std::string_view> sentences(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const utf8::CodePoint cp = utf8::decode(text, i);
    i += cp.length;
    if (utf8::ends_sentence(cp.value)) {
      const std::string_view sentence = trim_space(text.substr(start, i - start));
      if (!sentence.empty()) out.push_back(sentence);
      start = i;
    }
  }
  const std::string_view rest = trim_space(text.substr(start));
  if (!rest.empty()) out.push_back(rest);
  return out;
}

std::string cut_quote(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t next = i + utf8::decode(text, i).length;
    if (next > max_bytes) break;
    end = next;
    i = next;
  }
  std::string out(trim_space(text.substr(0, end)));
  out += "\xE2\x80\xA6";  // …
  return out;
}

PhraseMiner::PhraseMiner(const SentimentScorer& scorer, const search::Segmenter& segmenter,
                         PhraseOptions options)
    : scorer_(scorer),
      segmenter_(segmenter),
      options_(options),
      periods_(std::min(options.periods, kMaxPeriods)) {
  const std::string_view text = lexicon_stopwords();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    std::size_t at = 0;
    while (at < line.size()) {
      const std::size_t space = std::min(line.find(' ', at), line.size());
      if (space > at) stopwords_.emplace(line.substr(at, space - at));
      at = space + 1;
    }
  }
}

PhraseMiner::~PhraseMiner() = default;

Sentiment PhraseMiner::add(std::string_view id, std::string_view text, int period) {
  const MinedText mined = analyse(text);
  replay(id, mined, period);
  return mined.sentiment;
}

void PhraseMiner::replay(std::string_view id, const MinedText& mined, int period) {
  ++texts_;
  period_ = period;
  for (const MinedText::Occurrence& o : mined.occurrences) {
    count(o.key, o.surface, o.complaint ? Which::kComplaint : Which::kPraise, o.weight, id,
          mined.quotes[o.quote]);
  }
  if (phrases_.size() > options_.max_phrases) prune();
}

MinedText PhraseMiner::analyse(std::string_view text) const {
  MinedText mined;
  const Sentiment whole = scorer_.score(text);
  const std::vector<std::string_view> parts = sentences(text);
  struct Clause {
    std::size_t end = 0;  // byte offset in the sentence
    double complaint = 0;
    double praise = 0;
  };
  std::vector<Clause> clauses;
  for (const std::string_view sentence : parts) {
    const Sentiment own = parts.size() == 1 ? whole : scorer_.score(sentence);
    // The sentence's clauses, each weighed by its own sentiment, else (neutral) by the
    // sentence's, else by the text's, at a lower weight.
    clauses.clear();
    for (std::size_t i = 0; i < sentence.size();) {
      const utf8::CodePoint cp = utf8::decode(sentence, i);
      i += cp.length;
      if (utf8::ends_clause(cp.value) || i == sentence.size()) {
        clauses.push_back({i});
      }
    }
    bool any = false;
    std::size_t clause_start = 0;
    for (Clause& clause : clauses) {
      const Sentiment local =
          clauses.size() == 1 ? own
                              : scorer_.score(sentence.substr(clause_start, clause.end - clause_start));
      clause_start = clause.end;
      if (local.polarity == Polarity::kNegative) {
        clause.complaint = 1 + 2 * std::abs(local.score);
      } else if (local.polarity == Polarity::kPositive) {
        clause.praise = 1 + 2 * std::abs(local.score);
      } else if (own.polarity != Polarity::kNeutral) {
        (own.polarity == Polarity::kNegative ? clause.complaint : clause.praise) = kNeutralClause;
      } else if (whole.polarity != Polarity::kNeutral) {
        (whole.polarity == Polarity::kNegative ? clause.complaint : clause.praise) = kNeutralClause;
      }
      any = any || clause.complaint > 0 || clause.praise > 0;
    }
    if (!any) continue;

    const std::vector<search::Word> words = segmenter_.words(sentence);
    // Per word: is it a content word (an aspect), or usable inside a pair?
    std::vector<char> aspect(words.size(), 0);
    std::vector<char> usable(words.size(), 0);
    std::vector<std::string> surface(words.size());
    std::vector<const Clause*> in(words.size(), nullptr);
    std::size_t c = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const search::Word& word = words[i];
      while (c + 1 < clauses.size() && word.begin >= clauses[c].end) ++c;
      in[i] = &clauses[c];
      surface[i] = lower_ascii(sentence.substr(word.begin, word.end - word.begin));
      if (stopwords_.contains(surface[i]) || is_number(surface[i])) continue;
      if (word.cjk ? char_count(surface[i]) < 2 : surface[i].size() < 2) continue;
      // A verb or adjective with 了 ("贵了", "花了") says what happened, not what about.
      if (word.cjk && surface[i].ends_with("\xE4\xBA\x86")) continue;
      usable[i] = 1;
      aspect[i] = scorer_.holds(surface[i]) ? 0 : 1;
    }
    // The sentence becomes a quote once something counts it.
    std::optional<std::uint32_t> quote;
    const auto record = [&](const Clause& clause, const std::string& key, std::string_view written) {
      if (clause.complaint <= 0 && clause.praise <= 0) return;
      if (!quote) {
        quote = static_cast<std::uint32_t>(mined.quotes.size());
        mined.quotes.push_back(cut_quote(sentence, options_.max_quote_bytes));
      }
      if (clause.complaint > 0) {
        mined.occurrences.push_back({key, std::string(written), true, clause.complaint, *quote});
      }
      if (clause.praise > 0) {
        mined.occurrences.push_back({key, std::string(written), false, clause.praise, *quote});
      }
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (aspect[i]) record(*in[i], words[i].text, surface[i]);
      if (i + 1 < words.size() && usable[i] && usable[i + 1] && (aspect[i] || aspect[i + 1]) &&
          in[i] == in[i + 1]) {
        const std::string_view gap =
            sentence.substr(words[i].end, words[i + 1].begin - words[i].end);
        if (gap.find_first_not_of(' ') != std::string_view::npos) continue;
        const bool cjk = words[i].cjk && words[i + 1].cjk;
        record(*in[i], words[i].text + " " + words[i + 1].text,
               cjk ? surface[i] + surface[i + 1] : surface[i] + " " + surface[i + 1]);
      }
    }
  }
  mined.sentiment = whole;
  return mined;
}

void PhraseMiner::count(const std::string& key, std::string_view surface, Which which,
                        double weight, std::string_view id, const std::string& quote) {
  Phrase& phrase = phrases_[key];
  auto& written = phrase.surfaces;
  if (const auto it = written.find(std::string(surface)); it != written.end()) {
    ++it->second;
  } else if (written.size() < 4) {
    written.emplace(surface, 1);
  }
  Side& side = which == Which::kComplaint ? phrase.complaint : phrase.praise;
  const std::int64_t text = texts_ - 1;
  if (side.last_text != text) {
    side.last_text = text;
    side.last_weight = weight;
    side.weight += weight;
    ++side.count;
    if (period_ >= 0 && static_cast<std::size_t>(period_) < periods_) ++side.periods[period_];
    if (side.examples.size() < options_.max_examples) {
      side.examples.push_back(Quote{std::string(id), quote});
    }
  } else if (weight > side.last_weight) {
    side.weight += weight - side.last_weight;
    side.last_weight = weight;
    // The text's quote is its heaviest sentence.
    if (!side.examples.empty() && side.examples.back().id == id) {
      side.examples.back().quote = quote;
    }
  }
}

void PhraseMiner::prune() {
  std::vector<double> weights;
  weights.reserve(phrases_.size());
  for (const auto& [key, phrase] : phrases_) {
    weights.push_back(phrase.complaint.weight + phrase.praise.weight);
  }
  const auto middle = weights.begin() + static_cast<std::ptrdiff_t>(weights.size() / 2);
  std::nth_element(weights.begin(), middle, weights.end());
  const double cut = *middle;
  std::size_t dropped = 0;
  for (auto it = phrases_.begin(); it != phrases_.end();) {
    if (it->second.complaint.weight + it->second.praise.weight <= cut &&
        dropped < phrases_.size() / 2) {
      it = phrases_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
}

std::vector<Issue> PhraseMiner::complaints(std::size_t limit) const {
  return top(Which::kComplaint, limit);
}

std::vector<Issue> PhraseMiner::praise(std::size_t limit) const {
  return top(Which::kPraise, limit);
}

std::vector<Issue> PhraseMiner::top(Which which, std::size_t limit) const {
  struct Candidate {
    const std::string* key;
    const Phrase* phrase;
    const Side* side;
  };
  std::vector<Candidate> candidates;
  for (const auto& [key, phrase] : phrases_) {
    const Side& side = which == Which::kComplaint ? phrase.complaint : phrase.praise;
    if (side.count > 0) candidates.push_back({&key, &phrase, &side});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.side->weight != b.side->weight) return a.side->weight > b.side->weight;
    if (a.side->count != b.side->count) return a.side->count > b.side->count;
    return *a.key < *b.key;
  });

  struct Group {
    std::vector<const Candidate*> members;
    Issue issue;
  };
  std::vector<Group> groups;
  // Groups are only looked at for the top of the list, plus a margin for what merges into them.
  const std::size_t horizon = std::max<std::size_t>(limit * 20, 200);
  for (std::size_t c = 0; c < candidates.size() && c < horizon; ++c) {
    const Candidate& candidate = candidates[c];
    Group* home = nullptr;
    bool duplicate = false;
    for (Group& group : groups) {
      // Containment is judged against the group's head only, so that a pair ("battery life")
      // does not bridge two aspects; spelling variants against every member.
      const std::string& head = *group.members.front()->key;
      if (contains(*candidate.key, head) || contains(head, *candidate.key)) {
        home = &group;
        break;
      }
      for (const Candidate* member : group.members) {
        if (near_duplicate(*candidate.key, *member->key)) {
          home = &group;
          duplicate = true;
          break;
        }
      }
      if (home) break;
    }
    if (!home) {
      groups.push_back({});
      home = &groups.back();
      const auto& written = candidate.phrase->surfaces;
      const auto best = std::max_element(written.begin(), written.end(), [](const auto& a,
                                                                            const auto& b) {
        return a.second != b.second ? a.second < b.second : a.first > b.first;
      });
      home->issue.phrase = best == written.end() ? *candidate.key : best->first;
      home->issue.count = candidate.side->count;
      home->issue.periods.assign(candidate.side->periods.begin(),
                                 candidate.side->periods.begin() + periods_);
    } else if (duplicate) {
      home->issue.count += candidate.side->count;
      for (std::size_t p = 0; p < periods_; ++p) home->issue.periods[p] += candidate.side->periods[p];
    }
    home->members.push_back(&candidate);
    home->issue.weight += candidate.side->weight;
    for (const Quote& quote : candidate.side->examples) {
      if (home->issue.examples.size() >= options_.max_examples) break;
      const bool seen = std::any_of(home->issue.examples.begin(), home->issue.examples.end(),
                                    [&](const Quote& q) { return q.id == quote.id; });
      if (!seen) home->issue.examples.push_back(quote);
    }
  }
  // Joining may reorder: rank the groups by their own weight.
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return a.issue.weight > b.issue.weight;
  });
  std::vector<Issue> out;
  for (Group& group : groups) {
    if (out.size() >= limit) break;
    if (group.issue.count < options_.min_count) continue;
    group.issue.recent = group.issue.periods.size() > 0 ? group.issue.periods[0] : 0;
    group.issue.previous = group.issue.periods.size() > 1 ? group.issue.periods[1] : 0;
    out.push_back(std::move(group.issue));
  }
  return out;
}

}  // namespace ecrm::feedback
