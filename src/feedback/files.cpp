#include "feedback/files.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/csv.hpp"
#include "feedback/utf8.hpp"
#include "search/segment.hpp"

namespace ecrm::feedback {
namespace {

Result<std::ifstream> open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid("cannot read '" + path + "': " + std::strerror(errno), "file");
  return in;
}

struct Columns {
  std::size_t id = 0;
  std::size_t text = 0;
  std::size_t width = 0;
};

Result<Columns> read_header(CsvReader& reader) {
  std::vector<std::string> fields;
  ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
  if (!more) return csv_error(1, "empty file: expected a header line with id,text");
  const CsvHeader header(fields);
  Columns columns;
  ECRM_ASSIGN_OR_RETURN(columns.id, header.require("id"));
  ECRM_ASSIGN_OR_RETURN(columns.text, header.require("text"));
  columns.width = header.size();
  return columns;
}

// The next row, checked; false at the end of the file.
Result<bool> next_row(CsvReader& reader, const Columns& columns,
                      std::vector<std::string>& fields) {
  ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
  if (!more) return false;
  if (fields.size() != columns.width) {
    return csv_error(reader.line(), "expected " + std::to_string(columns.width) +
                                        " fields, found " + std::to_string(fields.size()));
  }
  if (fields[columns.id].empty()) return csv_error(reader.line(), "empty id", "id");
  return true;
}

void write_issue(std::ostream& out, const Issue& issue) {
  out << "{\"phrase\": " << json_string(issue.phrase) << ", \"count\": " << issue.count
      << ", \"examples\": [";
  for (std::size_t i = 0; i < issue.examples.size(); ++i) {
    if (i > 0) out << ", ";
    out << "{\"id\": " << json_string(issue.examples[i].id)
        << ", \"quote\": " << json_string(issue.examples[i].quote) << "}";
  }
  out << "]}";
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (std::size_t i = 0; i < text.size();) {
    const utf8::CodePoint cp = utf8::decode(text, i);
    const char32_t c = cp.value;
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
      out += buffer;
    } else if (c == 0xFFFD && cp.length == 1) {
      out += "\xEF\xBF\xBD";  // an invalid byte
    } else {
      out.append(text.substr(i, cp.length));
    }
    i += cp.length;
  }
  out.push_back('"');
  return out;
}

std::string format_score(double score) {
  if (!std::isfinite(score)) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", score);
  std::string out(buffer);
  while (!out.empty() && out.back() == '0') out.pop_back();
  if (!out.empty() && out.back() == '.') out.pop_back();
  if (out == "-0") out = "0";
  return out;
}

Result<std::int64_t> analyze_csv(const std::string& path, std::ostream& out,
                                 const AnalyzeOptions& options) {
  std::int64_t texts = 0;
  std::vector<std::string> fields;
  {
    ECRM_ASSIGN_OR_RETURN(std::ifstream in, open(path));
    CsvReader reader(in);
    ECRM_ASSIGN_OR_RETURN(Columns columns, read_header(reader));
    while (true) {
      ECRM_ASSIGN_OR_RETURN(bool more, next_row(reader, columns, fields));
      if (!more) break;
      ++texts;
    }
    if (in.bad()) return Error::invalid("cannot read '" + path + "'", "file");
  }

  ECRM_ASSIGN_OR_RETURN(std::ifstream in, open(path));
  CsvReader reader(in);
  ECRM_ASSIGN_OR_RETURN(Columns columns, read_header(reader));
  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared(), options.phrases);
  out << "{\"texts\": " << texts << ", \"items\": [";
  std::int64_t written = 0;
  while (written < texts) {
    ECRM_ASSIGN_OR_RETURN(bool more, next_row(reader, columns, fields));
    if (!more) break;  // the file shrank between the passes
    const Sentiment sentiment = miner.add(fields[columns.id], fields[columns.text]);
    out << (written == 0 ? "\n" : ",\n") << "{\"id\": " << json_string(fields[columns.id])
        << ", \"sentiment\": \"" << to_string(sentiment.polarity)
        << "\", \"score\": " << format_score(sentiment.score) << "}";
    ++written;
  }
  if (written != texts) {
    return Error::invalid("'" + path + "' changed while it was read", "file");
  }
  out << (written == 0 ? "" : "\n") << "],\n\"issues\": [";
  const std::vector<Issue> issues = miner.complaints(options.issues);
  for (std::size_t i = 0; i < issues.size(); ++i) {
    out << (i == 0 ? "\n" : ",\n");
    write_issue(out, issues[i]);
  }
  out << (issues.empty() ? "" : "\n") << "]}\n";
  return texts;
}

}  // namespace ecrm::feedback
