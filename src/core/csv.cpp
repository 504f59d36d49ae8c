#include "core/csv.hpp"

#include <csv.h>

#include <stdexcept>

namespace ecrm {

struct CsvReader::Parser {
  csv_parser parser{};
  std::vector<std::string> current;
  std::vector<std::vector<std::string>> ready;  // completed records not yet returned
  std::vector<std::int64_t> ready_lines;
  std::int64_t start_line = 0;  // line of the record being parsed (0: none started)
  std::int64_t line = 0;        // physical line currently fed
  bool field_seen = false;

  static void on_field(void* data, std::size_t len, void* self_ptr) {
    auto* self = static_cast<Parser*>(self_ptr);
    if (self->start_line == 0) self->start_line = self->line;
    self->current.emplace_back(static_cast<const char*>(data), len);
  }
  static void on_record(int /*terminator*/, void* self_ptr) {
    auto* self = static_cast<Parser*>(self_ptr);
    self->ready.push_back(std::move(self->current));
    self->ready_lines.push_back(self->start_line == 0 ? self->line : self->start_line);
    self->current.clear();
    self->start_line = 0;
  }
};

CsvReader::CsvReader(std::istream& in) : parser_(std::make_unique<Parser>()), in_(in) {
  if (csv_init(&parser_->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    throw std::runtime_error("csv_init failed");
  }
}

CsvReader::~CsvReader() { csv_free(&parser_->parser); }

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  std::string buffer;
  while (parser_->ready.empty()) {
    if (eof_) return false;
    if (!std::getline(in_, buffer)) {
      eof_ = true;
      if (csv_fini(&parser_->parser, Parser::on_field, Parser::on_record, parser_.get()) != 0) {
        return csv_error(parser_->start_line ? parser_->start_line : physical_line_,
                         std::string("malformed CSV: ") +
                             csv_strerror(csv_error(&parser_->parser)));
      }
      continue;
    }
    ++physical_line_;
    parser_->line = physical_line_;
    if (!buffer.empty() && buffer.back() == '\r') buffer.pop_back();
    buffer.push_back('\n');
    std::size_t used = csv_parse(&parser_->parser, buffer.data(), buffer.size(), Parser::on_field,
                                 Parser::on_record, parser_.get());
    if (used != buffer.size()) {
      return csv_error(physical_line_, std::string("malformed CSV: ") +
                                           csv_strerror(csv_error(&parser_->parser)));
    }
  }
  fields = std::move(parser_->ready.front());
  record_line_ = parser_->ready_lines.front();
  parser_->ready.erase(parser_->ready.begin());
  parser_->ready_lines.erase(parser_->ready_lines.begin());
  return true;
}

namespace {
std::string trim_header(std::string_view name) {
  if (name.size() >= 3 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return std::string(name);
}
}  // namespace

CsvHeader::CsvHeader(const std::vector<std::string>& names) {
  names_.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    names_.push_back(trim_header(names[i]));
    index_.emplace(names_.back(), i);
  }
}

std::optional<std::size_t> CsvHeader::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Result<std::size_t> CsvHeader::require(std::string_view name) const {
  if (auto pos = find(name)) return *pos;
  return csv_error(1, "missing column '" + std::string(name) + "'", std::string(name));
}

void CsvWriter::field(std::string_view value) {
  if (row_started_) out_.put(',');
  row_started_ = true;
  bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                      (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) {
    out_.write(value.data(), static_cast<std::streamsize>(value.size()));
    return;
  }
  out_.put('"');
  for (char c : value) {
    if (c == '"') out_.put('"');
    out_.put(c);
  }
  out_.put('"');
}

void CsvWriter::end_row() {
  out_.put('\n');
  row_started_ = false;
}

void CsvWriter::write_row(const std::vector<std::string>& fields) {
  for (const auto& f : fields) field(f);
  end_row();
}

Error csv_error(std::int64_t line, std::string message, std::string field) {
  return Error::invalid("line " + std::to_string(line) + ": " + message, std::move(field),
                        "bad_csv");
}

}  // namespace ecrm
