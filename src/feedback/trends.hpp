// Trends of a product's feedback and when they call for an alert: pure functions over weekly
// counts, so the job that stores them and the tests share one rule.
//
// A week here is seven days ending at the job's run (week 0), the weeks before it 1, 2, ….
// An issue rises when week 0 holds at least `min_count` texts naming it and at least `ratio`
// times the average of the trailing weeks (a trailing average of zero: `min_count` is enough).
// Negative sentiment jumps when week 0 holds at least `min_texts` texts and its negative share
// is at least `negative_jump` above the share over the trailing weeks (which need a text: a
// product new this week has no share to jump from).
#pragma once

#include <cstdint>
#include <span>

#include "core/time.hpp"

namespace ecrm::feedback {

struct RiseOptions {
  std::int64_t min_count = 3;   // k: texts this week an issue needs
  double ratio = 2.0;           // r: times the trailing weekly average
  double negative_jump = 0.2;   // rise of the negative share (0..1) that is a jump
  std::int64_t min_texts = 5;   // texts this week a share needs
};

// The trailing weeks compared with week 0.
inline constexpr std::size_t kTrailingWeeks = 4;

// Whether counts[0] (this week) rises against counts[1..] (the trailing weeks).
bool issue_rising(std::span<const std::int64_t> counts, const RiseOptions& options);

struct WeekShare {
  std::int64_t texts = 0;
  std::int64_t negative = 0;
};

// Whether weeks[0]'s negative share jumps against the trailing weeks' (weeks[1..] together).
bool negative_jumped(std::span<const WeekShare> weeks, const RiseOptions& options);

// The start (00:00 UTC) of the day holding `at`, and of the week (from Monday) holding it.
UnixMs day_start(UnixMs at);
UnixMs week_start(UnixMs at);

}  // namespace ecrm::feedback
