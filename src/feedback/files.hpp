// `ecrm feedback analyze`: the engine over a CSV file of texts, written as JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "feedback/issues.hpp"

namespace ecrm::feedback {

struct AnalyzeOptions {
  std::size_t issues = 20;  // the top complaints written
  PhraseOptions phrases;
};

// Reads the CSV at `path` (a header holding `id` and `text`; other columns are ignored; every
// row as wide as the header; ids not empty) and writes
//   {"texts": n, "items": [{"id", "sentiment", "score"}...],
//    "issues": [{"phrase", "count", "examples": [{"id", "quote"}...]}...]}
// one item per line, as each text is read. The file is read twice: first checked whole, so a
// bad file is an error naming its line ("line 7: ...", kInvalidArgument) before anything is
// written; then analysed. Memory is bounded by the phrase table, not by the file's length.
// Returns the number of texts.
Result<std::int64_t> analyze_csv(const std::string& path, std::ostream& out,
                                 const AnalyzeOptions& options = {});

// A JSON string literal of `text`: quoted, escaped, invalid UTF-8 replaced by U+FFFD.
std::string json_string(std::string_view text);

// A score as people write it: at most three decimals, no exponent, no trailing zeros ("0.514",
// "-0.05", "0", "1").
std::string format_score(double score);

}  // namespace ecrm::feedback
