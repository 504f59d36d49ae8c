// JSON for people: Boost.JSON values written with readable numbers (fixed notation, a sensible
// number of digits, never "5.13E-1") and two-space indentation.
#pragma once

#include <boost/json/value.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ecrm::analytics {

struct JsonFormat {
  int significant_digits = 7;           // for doubles
  int max_decimals = 10;                // doubles below 1e-10 print as 0
  std::vector<std::string> money_keys;  // doubles under these keys print with exactly 2 decimals
};

// `value` in fixed notation with `significant` significant digits but at most `max_decimals`
// decimals, trailing zeros removed ("0.2425", "-9582.429", "12", "0"). NaN and infinities
// give "null".
std::string format_decimal(double value, int significant, int max_decimals);

// Writes `value` followed by a newline.
void write_json(std::ostream& out, const boost::json::value& value, const JsonFormat& format = {});

}  // namespace ecrm::analytics
