// Time in ecrm is unix milliseconds (UTC) in an int64, everywhere: in memory, in the database and in
// the API. These helpers convert to and from the text forms people and files use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecrm {

using UnixMs = std::int64_t;

inline constexpr UnixMs kMsPerSecond = 1000;
inline constexpr UnixMs kMsPerDay = 86'400'000;

// Current wall-clock time.
UnixMs now_ms();

// "2024-03-01T12:34:56.789Z" (UTC, millisecond precision).
std::string format_iso8601(UnixMs ms);
// "2024-03-01" (UTC).
std::string format_date(UnixMs ms);

// Parses "YYYY-MM-DD" as midnight UTC. Returns nullopt on any malformed or impossible date.
std::optional<UnixMs> parse_date(std::string_view text);

// Parses ISO-8601 date-times: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" or
// "+HH:MM"/"-HH:MM" offset (no offset means UTC); a space may replace the "T".
std::optional<UnixMs> parse_iso8601(std::string_view text);

// Days since 1970-01-01 for a civil date, and back (proleptic Gregorian).
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

}  // namespace ecrm
