// Streaming CSV (RFC 4180) reading and writing on top of libcsv. Memory stays constant however
// large the file: records are handed out one at a time with the physical line they started on,
// so every error can name its line.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace ecrm {

class CsvReader {
 public:
  // Reads from `in`, which must outlive the reader. Not thread-safe.
  explicit CsvReader(std::istream& in);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Stores the next record in `fields` and returns true, or returns false at the end of input.
  // Blank lines are skipped. A malformed record (e.g. an unterminated quote) is an
  // kInvalidArgument error whose message names the line.
  Result<bool> next(std::vector<std::string>& fields);

  // Physical line number (1-based) on which the record last returned by next() started.
  std::int64_t line() const { return record_line_; }

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
  std::istream& in_;
  std::int64_t physical_line_ = 0;
  std::int64_t record_line_ = 0;
  bool eof_ = false;
};

// Column positions by header name (exact match after trimming spaces and a UTF-8 BOM).
class CsvHeader {
 public:
  explicit CsvHeader(const std::vector<std::string>& names);
  std::optional<std::size_t> find(std::string_view name) const;
  // Position of a required column, or an error "missing column 'x'" naming the file's line 1.
  Result<std::size_t> require(std::string_view name) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Writes RFC 4180 records, quoting only the fields that need it.
class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void write_row(const std::vector<std::string>& fields);
  // Appends one field to the current row; end_row() terminates it.
  void field(std::string_view value);
  void end_row();

 private:
  std::ostream& out_;
  bool row_started_ = false;
};

// "line N: message" — the conventional prefix for a bad-file error.
Error csv_error(std::int64_t line, std::string message, std::string field = {});

}  // namespace ecrm
