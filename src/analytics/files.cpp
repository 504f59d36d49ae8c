#include "analytics/files.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <unordered_map>

#include "core/money.hpp"

#include "analytics/json_output.hpp"
#include "core/csv.hpp"
#include "core/time.hpp"

namespace ecrm::analytics {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() > kMax) return "'" + std::string(text.substr(0, kMax)) + "…'";
  return "'" + std::string(text) + "'";
}

// A finite decimal number in plain or scientific notation.
std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Opens `path` for reading; an error names the path and the reason.
Result<std::ifstream> open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid("cannot read '" + path + "': " + std::strerror(errno), "file");
  return in;
}

// Reads the header line; an empty file is an error on line 1.
Result<CsvHeader> read_header(CsvReader& reader) {
  std::vector<std::string> fields;
  ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
  if (!more) return csv_error(1, "empty file: expected a header line");
  return CsvHeader(fields);
}

Status check_width(const CsvReader& reader, const std::vector<std::string>& fields,
                   std::size_t width) {
  if (fields.size() == width) return {};
  return csv_error(reader.line(), "expected " + std::to_string(width) + " fields, found " +
                                      std::to_string(fields.size()));
}

}  // namespace

Result<std::int64_t> parse_amount_minor(std::string_view text) {
  // Two decimals, as in the files' dollars; no thousands separators ("1,5" is refused).
  auto amount = text.find(',') == std::string_view::npos
                    ? parse_money(text, "")
                    : Result<std::int64_t>(Error::invalid("", "", "not_an_amount"));
  if (amount.ok()) return amount;
  if (amount.error().code == "too_many_decimals") {
    return Error::invalid("amount " + quoted(text) + " has more than 2 decimals", "amount");
  }
  return Error::invalid("bad amount " + quoted(text), "amount");
}

std::string format_minor(std::int64_t minor) { return format_money(minor, ""); }

Result<SummaryTable> read_summary(std::istream& in) {
  CsvReader reader(in);
  ECRM_ASSIGN_OR_RETURN(CsvHeader header, read_header(reader));
  ECRM_ASSIGN_OR_RETURN(std::size_t id_col, header.require("customer_id"));
  ECRM_ASSIGN_OR_RETURN(std::size_t x_col, header.require("frequency"));
  ECRM_ASSIGN_OR_RETURN(std::size_t tx_col, header.require("recency"));
  ECRM_ASSIGN_OR_RETURN(std::size_t T_col, header.require("T"));
  const std::optional<std::size_t> m_col = header.find("monetary_value");
  SummaryTable table;
  table.has_monetary = m_col.has_value();
  std::vector<std::string> fields;
  while (true) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    ECRM_RETURN_IF_ERROR(check_width(reader, fields, header.size()));
    const std::int64_t line = reader.line();
    auto number = [&](std::size_t col, const char* name) -> Result<double> {
      if (auto v = parse_number(fields[col])) return *v;
      return csv_error(
          line, std::string("bad number ") + quoted(fields[col]) + " in column '" + name + "'",
          name);
    };
    const std::string_view id = trim(fields[id_col]);
    if (id.empty()) return csv_error(line, "empty customer_id", "customer_id");
    ECRM_ASSIGN_OR_RETURN(double x, number(x_col, "frequency"));
    ECRM_ASSIGN_OR_RETURN(double t_x, number(tx_col, "recency"));
    ECRM_ASSIGN_OR_RETURN(double T, number(T_col, "T"));
    if (x < 0 || x != std::floor(x) || x > std::numeric_limits<std::int32_t>::max()) {
      return csv_error(line, "frequency must be a whole number >= 0, got " + quoted(fields[x_col]),
                       "frequency");
    }
    if (T < 0) return csv_error(line, "T must be >= 0", "T");
    if (t_x < 0 || t_x > T) return csv_error(line, "recency must be between 0 and T", "recency");
    if (x == 0 && t_x != 0) {
      return csv_error(line, "recency must be 0 when frequency is 0", "recency");
    }
    if (m_col) {
      ECRM_ASSIGN_OR_RETURN(double m, number(*m_col, "monetary_value"));
      if (m < 0) return csv_error(line, "monetary_value must be >= 0", "monetary_value");
      table.monetary_value.push_back(m);
    }
    table.customer_id.emplace_back(id);
    table.frequency.push_back(static_cast<std::int32_t>(x));
    table.recency.push_back(t_x);
    table.age.push_back(T);
  }
  return table;
}

Result<SummaryTable> read_summary_file(const std::string& path) {
  ECRM_ASSIGN_OR_RETURN(std::ifstream in, open(path));
  return read_summary(in);
}

Result<TransactionTable> read_transactions(std::istream& in) {
  CsvReader reader(in);
  ECRM_ASSIGN_OR_RETURN(CsvHeader header, read_header(reader));
  ECRM_ASSIGN_OR_RETURN(std::size_t id_col, header.require("customer_id"));
  ECRM_ASSIGN_OR_RETURN(std::size_t date_col, header.require("date"));
  ECRM_ASSIGN_OR_RETURN(std::size_t amount_col, header.require("amount"));
  TransactionTable table;
  std::unordered_map<std::string, std::uint32_t> index;
  std::vector<std::string> fields;
  bool any = false;
  while (true) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    ECRM_RETURN_IF_ERROR(check_width(reader, fields, header.size()));
    const std::int64_t line = reader.line();
    const std::string_view id = trim(fields[id_col]);
    if (id.empty()) return csv_error(line, "empty customer_id", "customer_id");
    const std::optional<UnixMs> ms = parse_iso8601(trim(fields[date_col]));
    if (!ms) {
      return csv_error(line, "bad date " + quoted(fields[date_col]) + " (expected YYYY-MM-DD)",
                       "date");
    }
    auto amount = parse_amount_minor(fields[amount_col]);
    if (!amount.ok()) return csv_error(line, amount.error().message, "amount");
    const std::int64_t days = (*ms >= 0 ? *ms : *ms - (kMsPerDay - 1)) / kMsPerDay;
    if (days < std::numeric_limits<std::int32_t>::min() / 2 ||
        days > std::numeric_limits<std::int32_t>::max() / 2) {
      return csv_error(line, "date out of range " + quoted(fields[date_col]), "date");
    }
    auto [it, inserted] =
        index.try_emplace(std::string(id), static_cast<std::uint32_t>(table.customer_id.size()));
    if (inserted) table.customer_id.emplace_back(id);
    table.customer.push_back(it->second);
    table.day.push_back(static_cast<std::int32_t>(days));
    table.amount_minor.push_back(*amount);
    table.last_day = any ? std::max(table.last_day, table.day.back()) : table.day.back();
    any = true;
  }
  return table;
}

Result<TransactionTable> read_transactions_file(const std::string& path) {
  ECRM_ASSIGN_OR_RETURN(std::ifstream in, open(path));
  return read_transactions(in);
}

void write_predictions(std::ostream& out, std::span<const std::string> customer_id,
                       std::span<const CustomerPrediction> predictions) {
  CsvWriter writer(out);
  writer.write_row({"customer_id", "p_alive", "expected_purchases", "expected_avg_value", "clv"});
  auto number = [](double v) { return std::isnan(v) ? std::string() : format_decimal(v, 10, 10); };
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    const CustomerPrediction& p = predictions[i];
    writer.write_row({customer_id[i], number(p.p_alive), number(p.expected_purchases),
                      number(p.expected_avg_value), number(p.clv)});
  }
}

}  // namespace ecrm::analytics
