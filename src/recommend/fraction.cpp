#include "recommend/fraction.hpp"

#include <numeric>
#include <string>

namespace ecrm::recommend {
namespace {

constexpr int kMaxDigits = 18;

std::uint64_t pow10(int exponent) {
  std::uint64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

Error bad(std::string_view text, std::string_view why) {
  std::string message = "'";
  message.append(text).append("' is not a valid number: ").append(why);
  return Error::invalid(std::move(message));
}

}  // namespace

Result<Fraction> parse_fraction(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  std::string digits;  // significand digits without the point
  int scale = 0;       // value = digits / 10^scale
  std::size_t pos = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (digits.empty() && c == '0') {
        if (seen_point) ++scale;
        continue;  // leading zero
      }
      digits.push_back(c);
      if (seen_point) ++scale;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return bad(text, "expected digits");
  if (pos < text.size()) {
    if (text[pos] != 'e' && text[pos] != 'E') return bad(text, "unexpected character");
    ++pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
    if (pos >= text.size()) return bad(text, "missing exponent");
    int exponent = 0;
    for (; pos < text.size(); ++pos) {
      char c = text[pos];
      if (c < '0' || c > '9') return bad(text, "unexpected character in exponent");
      if (exponent > 1000) return bad(text, "exponent out of range");
      exponent = exponent * 10 + (c - '0');
    }
    scale += negative ? exponent : -exponent;
  }
  if (digits.empty()) return Fraction{0, 1};
  while (digits.size() > 1 && digits.back() == '0') {
    digits.pop_back();
    --scale;
  }
  if (static_cast<int>(digits.size()) > kMaxDigits) return bad(text, "too many significant digits");
  std::uint64_t numerator = std::stoull(digits);
  if (scale < 0) {
    if (static_cast<int>(digits.size()) - scale > kMaxDigits) return bad(text, "too large");
    numerator *= pow10(-scale);
    scale = 0;
  }
  if (scale > kMaxDigits) return bad(text, "too small");
  std::uint64_t denominator = pow10(scale);
  std::uint64_t divisor = std::gcd(numerator, denominator);
  return Fraction{numerator / divisor, denominator / divisor};
}

bool at_least(std::uint64_t count, std::uint64_t total, Fraction threshold) {
  if (total == 0) total = 1;
  using Wide = unsigned __int128;
  return static_cast<Wide>(count) * threshold.denominator >=
         static_cast<Wide>(threshold.numerator) * total;
}

std::uint64_t min_count_for(Fraction threshold, std::uint64_t total) {
  using Wide = unsigned __int128;
  Wide product = static_cast<Wide>(threshold.numerator) * total;
  Wide count = (product + threshold.denominator - 1) / threshold.denominator;
  return static_cast<std::uint64_t>(count);
}

}  // namespace ecrm::recommend
