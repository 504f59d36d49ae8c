#include "search/text.hpp"

#include <algorithm>

namespace ecrm::search {

namespace {

bool is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f'; }
bool is_continuation(unsigned char ch) { return (ch & 0xC0) == 0x80; }

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return !is_continuation(static_cast<unsigned char>(ch));
  }));
}

// Characters a phone number is written with.
bool phone_like(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    return (ch >= '0' && ch <= '9') || ch == ' ' || ch == '+' || ch == '-' || ch == '.' ||
           ch == '(' || ch == ')';
  });
}

// The byte ranges of `needle`'s case-insensitive occurrences in `haystack` (both folded).
void find_all(std::string_view haystack, std::string_view needle,
              std::vector<std::pair<std::size_t, std::size_t>>& out) {
  if (needle.empty()) return;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    out.emplace_back(at, at + needle.size());
  }
}

// Segments of `value` with the byte ranges marked (ranges may overlap; they are merged).
Highlight segments_of(std::string_view field, std::string_view value,
                      std::vector<std::pair<std::size_t, std::size_t>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  Highlight h{std::string(field), {}};
  std::size_t at = 0;
  for (std::size_t i = 0; i < ranges.size();) {
    std::size_t begin = ranges[i].first;
    std::size_t end = ranges[i].second;
    for (++i; i < ranges.size() && ranges[i].first <= end; ++i) end = std::max(end, ranges[i].second);
    if (begin > at) h.segments.push_back({std::string(value.substr(at, begin - at)), false});
    h.segments.push_back({std::string(value.substr(begin, end - begin)), true});
    at = end;
  }
  if (at < value.size()) h.segments.push_back({std::string(value.substr(at)), false});
  return h;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string fold(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

std::string digits_of(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') out += ch;
  }
  return out;
}

Document& Document::field(std::string_view value) {
  value = trim(value);
  if (value.empty()) return *this;
  if (!text_.empty()) text_ += ' ';
  text_ += kStart;
  text_ += kStart;
  for (char ch : value) {
    // Markers and newlines inside a value would fake field boundaries.
    if (ch == kStart || ch == kEnd || ch == '\n' || ch == '\r') ch = ' ';
    text_ += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  text_ += kEnd;
  return *this;
}

Document& Document::phone(std::string_view value) { return field(digits_of(value)); }

Query parse_query(std::string_view raw) {
  Query q;
  // Fold, drop control characters, collapse whitespace.
  std::string text;
  bool space = false;
  for (char ch : raw) {
    const auto byte = static_cast<unsigned char>(ch);
    if (is_space(ch) || byte < 0x20 || byte == 0x7F) {
      space = !text.empty();
      continue;
    }
    if (space) text += ' ';
    space = false;
    text += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  if (text.size() > kMaxQueryBytes) {
    std::size_t cut = kMaxQueryBytes;
    while (cut > 0 && is_continuation(static_cast<unsigned char>(text[cut]))) --cut;
    text.resize(cut);
    while (!text.empty() && text.back() == ' ') text.pop_back();
  }
  q.text = std::move(text);
  q.characters = code_points(q.text);
  if (q.text.empty()) return q;
  if (phone_like(q.text)) {
    std::string digits = digits_of(q.text);
    if (digits.size() >= 3 && digits != q.text) q.digits = std::move(digits);
  }
  if (q.text.find(' ') != std::string::npos) {
    std::string_view rest = q.text;
    while (!rest.empty()) {
      const auto end = rest.find(' ');
      const std::string_view word = rest.substr(0, end);
      if (code_points(word) >= 3) q.words.emplace_back(word);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    if (q.words.size() < 2) q.words.clear();
  }
  return q;
}

std::optional<Highlight> highlight(std::string_view field, std::string_view value,
                                   const Query& query) {
  if (query.empty() || value.empty()) return std::nullopt;
  const std::string folded = fold(value);
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  if (query.substring_searchable()) {
    find_all(folded, query.text, ranges);
    for (const auto& word : query.words) find_all(folded, word, ranges);
  } else if (folded.starts_with(query.text)) {
    ranges.emplace_back(0, query.text.size());
  }
  if (ranges.empty()) return std::nullopt;
  return segments_of(field, value, std::move(ranges));
}

std::optional<Highlight> highlight_phone(std::string_view field, std::string_view value,
                                         const Query& query) {
  if (query.empty() || value.empty()) return std::nullopt;
  const std::string& wanted = query.digits ? *query.digits : query.text;
  if (wanted.empty() || digits_of(wanted) != wanted) return highlight(field, value, query);
  // Map the digits of `value` back to their byte positions, so that the number is shown as
  // written with its matching digits marked.
  std::string digits;
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] >= '0' && value[i] <= '9') {
      digits += value[i];
      at.push_back(i);
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> found;
  if (wanted.size() >= 3) {
    find_all(digits, wanted, found);
  } else if (digits.starts_with(wanted)) {
    found.emplace_back(0, wanted.size());
  }
  if (found.empty()) return std::nullopt;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& [begin, end] : found) ranges.emplace_back(at[begin], at[end - 1] + 1);
  return segments_of(field, value, std::move(ranges));
}

}  // namespace ecrm::search
