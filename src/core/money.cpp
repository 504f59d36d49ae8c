#include "core/money.hpp"

#include <limits>

namespace ecrm {

int currency_exponent(std::string_view currency) {
  static constexpr std::string_view kZero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF",
                                               "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
                                               "XAF", "XOF", "XPF"};
  static constexpr std::string_view kThree[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  for (auto c : kZero) if (c == currency) return 0;
  for (auto c : kThree) if (c == currency) return 3;
  return 2;
}

Result<std::int64_t> parse_money(std::string_view text, std::string_view currency) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  auto bad = [&] {
    return Error::invalid("'" + std::string(text) + "' is not an amount such as 19.99", "",
                          "not_an_amount");
  };
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return bad();
  const int exponent = currency_exponent(currency);
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  int fraction_digits = 0;
  bool seen_point = false, seen_digit = false;
  for (char ch : s) {
    if (ch == '.') {
      if (seen_point) return bad();
      seen_point = true;
      continue;
    }
    if (ch == ',' && !seen_point) continue;  // thousands separators
    if (ch < '0' || ch > '9') return bad();
    seen_digit = true;
    if (!seen_point) {
      if (__builtin_mul_overflow(whole, 10, &whole) || __builtin_add_overflow(whole, ch - '0', &whole)) {
        return bad();
      }
    } else {
      if (fraction_digits >= exponent) {
        if (ch != '0') {
          return Error::invalid("'" + std::string(text) + "' has more than " +
                                    std::to_string(exponent) + " decimals" +
                                    (currency.empty() ? "" : " (" + std::string(currency) + ")"),
                                "", "too_many_decimals");
        }
        continue;
      }
      fraction = fraction * 10 + (ch - '0');
      ++fraction_digits;
    }
  }
  if (!seen_digit) return bad();
  for (; fraction_digits < exponent; ++fraction_digits) fraction *= 10;
  std::int64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  std::int64_t value = 0;
  if (__builtin_mul_overflow(whole, scale, &value) || __builtin_add_overflow(value, fraction, &value)) {
    return bad();
  }
  return negative ? -value : value;
}

std::string format_money(std::int64_t minor, std::string_view currency) {
  const int exponent = currency_exponent(currency);
  std::string sign = minor < 0 ? "-" : "";
  std::uint64_t value = minor < 0 ? 0 - static_cast<std::uint64_t>(minor)
                                  : static_cast<std::uint64_t>(minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  std::string out = sign + std::to_string(value / scale);
  if (exponent > 0) {
    std::string fraction = std::to_string(value % scale);
    out += "." + std::string(static_cast<std::size_t>(exponent) - fraction.size(), '0') + fraction;
  }
  if (!currency.empty()) out += " " + std::string(currency);
  return out;
}

}  // namespace ecrm
