// The search layer's text model, shared by both backends.
//
// A searchable record (a customer, an order, a product, a post) is indexed as one document: the
// text of its fields, each written as  START START value END  and separated by spaces, with
// START = U+0002 and END = U+0003. Both indexes (SQLite's FTS5 trigram tokenizer and
// PostgreSQL's pg_trgm) match substrings, so the markers let one index answer three questions
// about a query q, in the order results are ranked:
//   exact      a field equal to q           START START q END
//   prefix     a field starting with q      START START q
//   substring  q anywhere                   q            (at least three characters)
// Queries of one or two characters have no trigram of their own: they match prefixes only, which
// the marker turns into an indexed trigram (START START q).
//
// Phone numbers are indexed as digits only, and a query that looks like a phone number (digits
// with spaces, '+', '-', '.', parentheses) is also matched by its digits, so "139-1234",
// "+86 139" and "1391234" all find "+86 139 1234 5678".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"

namespace ecrm::search {

inline constexpr char kStart = '\x02';
inline constexpr char kEnd = '\x03';
// Queries are cut to this many bytes (at a character boundary).
inline constexpr std::size_t kMaxQueryBytes = 200;

// ASCII letters lowered; every other byte kept (the indexes fold other scripts' case).
std::string fold(std::string_view text);
// The digits of `text`.
std::string digits_of(std::string_view text);

// Builds a document's text field by field.
class Document {
 public:
  // A field's text (trimmed, folded); empty values are skipped.
  Document& field(std::string_view value);
  // A phone number, indexed as its digits.
  Document& phone(std::string_view value);
  const std::string& text() const { return text_; }
  std::string release() { return std::move(text_); }

 private:
  std::string text_;
};

// A user's query, normalised once and matched by every index.
struct Query {
  std::string text;                    // folded, trimmed, inner whitespace collapsed, no markers
  std::optional<std::string> digits;   // when the query looks like a phone number (3+ digits)
  std::vector<std::string> words;      // the words of three or more characters, when several
  std::size_t characters = 0;          // of `text`, in code points

  bool empty() const { return text.empty(); }
  // Substring matching needs a trigram: three characters or more.
  bool substring_searchable() const { return characters >= 3; }
};
// Normalises `raw`; an empty Query when nothing searchable is left.
Query parse_query(std::string_view raw);

// How a record matched, best first.
enum class MatchRank { kExact, kPrefix, kSubstring };
ECRM_DESCRIBE_ENUM(MatchRank, kExact, kPrefix, kSubstring)
inline constexpr MatchRank kMatchRanks[] = {MatchRank::kExact, MatchRank::kPrefix,
                                            MatchRank::kSubstring};

// A piece of a highlighted field: matched or not.
struct Segment {
  std::string text;
  bool match = false;
};
ECRM_DESCRIBE(Segment, text, match)

// A field shown with the query's matches marked.
struct Highlight {
  std::string field;  // "name", "email", "phone", …
  std::vector<Segment> segments;
};
ECRM_DESCRIBE(Highlight, field, segments)

// Splits `value` into segments around the case-insensitive (ASCII) occurrences of the query's
// text, its words, or — for phone fields — its digits. nullopt when nothing matches.
std::optional<Highlight> highlight(std::string_view field, std::string_view value,
                                   const Query& query);
// The same for a phone number: digits are compared, the number is shown as written.
std::optional<Highlight> highlight_phone(std::string_view field, std::string_view value,
                                         const Query& query);

}  // namespace ecrm::search
