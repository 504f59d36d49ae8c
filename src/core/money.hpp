// Money is an integer count of a currency's minor units (cents; yen have none, dinars three).
// This is the one place that knows how many: text for people, CSV files and amounts read from
// text all go through it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ecrm {

// Decimal digits of `currency`'s minor unit (ISO 4217): 0 for JPY, KRW…, 3 for BHD, KWD…, else 2.
int currency_exponent(std::string_view currency);

// "1234.50 USD", "-3.05 EUR", "1200 JPY"; without the code when `currency` is empty.
std::string format_money(std::int64_t minor, std::string_view currency);

// "1234.5", "1,234.50" (thousands separators are skipped), "-3" -> minor units of `currency`.
// kInvalidArgument (no field) with code "not_an_amount", or "too_many_decimals" when it has
// more decimals than the currency allows.
Result<std::int64_t> parse_money(std::string_view text, std::string_view currency);

}  // namespace ecrm
