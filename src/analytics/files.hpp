// The file side of the analytics engines: reading summaries and transactions from CSV into
// columns, and writing per-customer results. Everything here does I/O or parses text; the
// engines themselves stay pure. Errors are kInvalidArgument values whose message starts with
// "line N: " for a bad row (the header is line 1), so the CLI can print them as they are.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/bgnbd.hpp"
#include "analytics/clv.hpp"
#include "analytics/model.hpp"
#include "core/result.hpp"

namespace ecrm::analytics {

// Parses a decimal amount ("29.33", "-5", "+0.5", "12.300") into minor units (1/100) exactly,
// from the text, never through floating point. At most two non-zero fractional digits; no
// exponent, no thousands separators; surrounding spaces are ignored. Errors name no line.
Result<std::int64_t> parse_amount_minor(std::string_view text);

// "-12.30" for -1230: minor units as a decimal with two fractional digits.
std::string format_minor(std::int64_t minor);

// A per-customer (x, t_x, T[, m]) summary, as in the CDNOW summary file.
struct SummaryTable {
  std::vector<std::string> customer_id;
  std::vector<std::int32_t> frequency;
  std::vector<double> recency;
  std::vector<double> age;             // T
  std::vector<double> monetary_value;  // empty unless has_monetary
  bool has_monetary = false;

  SummaryView view() const { return {frequency, recency, age}; }
};

// Reads a CSV with the columns customer_id, frequency, recency, T and optionally monetary_value
// (any order, other columns ignored). frequency must be a whole number >= 0; recency and T
// numbers with 0 <= recency <= T, recency 0 when frequency is 0; monetary_value >= 0.
Result<SummaryTable> read_summary(std::istream& in);
// As read_summary, from a file; an unreadable file is an error naming the path.
Result<SummaryTable> read_summary_file(const std::string& path);

// Transactions as order columns plus the customer ids behind the dense indices.
struct TransactionTable {
  std::vector<std::string> customer_id;  // by dense index, in order of first appearance
  std::vector<std::uint32_t> customer;
  std::vector<std::int32_t> day;  // days since 1970-01-01 (UTC)
  std::vector<std::int64_t> amount_minor;
  std::int32_t last_day = 0;  // latest day in the file (0 if empty)

  OrderColumns columns() const { return {customer, day, amount_minor, customer_id.size()}; }
};

// Reads a CSV with the columns customer_id, date, amount. Dates are "YYYY-MM-DD" or ISO-8601
// date-times (taken as the UTC day); amounts as parse_amount_minor; customer ids non-empty.
Result<TransactionTable> read_transactions(std::istream& in);
Result<TransactionTable> read_transactions_file(const std::string& path);

// Writes "customer_id,p_alive,expected_purchases,expected_avg_value,clv" rows; value columns
// are empty where the prediction has NaN (no Gamma-Gamma model).
void write_predictions(std::ostream& out, std::span<const std::string> customer_id,
                       std::span<const CustomerPrediction> predictions);

}  // namespace ecrm::analytics
