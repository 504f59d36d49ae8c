#include "feedback/trends.hpp"

namespace ecrm::feedback {

bool issue_rising(std::span<const std::int64_t> counts, const RiseOptions& options) {
  if (counts.empty() || counts[0] < options.min_count) return false;
  if (counts.size() == 1) return true;
  std::int64_t trailing = 0;
  for (std::size_t week = 1; week < counts.size(); ++week) trailing += counts[week];
  const double average = static_cast<double>(trailing) / static_cast<double>(counts.size() - 1);
  return static_cast<double>(counts[0]) >= options.ratio * average;
}

bool negative_jumped(std::span<const WeekShare> weeks, const RiseOptions& options) {
  if (weeks.size() < 2 || weeks[0].texts < options.min_texts) return false;
  std::int64_t texts = 0;
  std::int64_t negative = 0;
  for (std::size_t week = 1; week < weeks.size(); ++week) {
    texts += weeks[week].texts;
    negative += weeks[week].negative;
  }
  if (texts == 0) return false;
  const double now = static_cast<double>(weeks[0].negative) / static_cast<double>(weeks[0].texts);
  const double before = static_cast<double>(negative) / static_cast<double>(texts);
  // A small tolerance so that a jump of exactly the threshold counts despite rounding.
  return now - before >= options.negative_jump - 1e-9;
}

UnixMs day_start(UnixMs at) {
  UnixMs day = at / kMsPerDay;
  if (at < 0 && at % kMsPerDay != 0) --day;
  return day * kMsPerDay;
}

UnixMs week_start(UnixMs at) {
  const UnixMs day = day_start(at) / kMsPerDay;
  // 1970-01-01 was a Thursday: Monday is three days later in the cycle.
  const UnixMs weekday = ((day + 3) % 7 + 7) % 7;
  return (day - weekday) * kMsPerDay;
}

}  // namespace ecrm::feedback
