// The SLA engine: business time in the shop's time zone, and the due times, pauses and breaches
// of a ticket's targets. Pure functions over values (no database, no clock): the service reads
// the business hours and the policy, and stores what these compute on the ticket.
//
// Business time is counted in milliseconds over the open spans of the shop's week, in its IANA
// time zone (date/tz.h over the system's tzdata: a day that springs forward or falls back is
// as long as the wall clock says, never a fixed offset). A span "22:00"-"06:00" runs overnight
// into the next day (it belongs to the day it starts on: that day's holiday closes it); "24:00"
// ends a span at midnight. A holiday closes the whole day.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "service/model.hpp"

namespace date {
class time_zone;
}

namespace ecrm::service {

inline constexpr UnixMs kMsPerMinute = 60'000;

// An open span of a day: minutes after local midnight, from < to (to up to 2 × 1440 for a span
// that runs overnight).
struct OpenSpan {
  int from = 0;
  int to = 0;
};

class BusinessCalendar {
 public:
  // Always open, in UTC (no business hours configured).
  BusinessCalendar();

  // Checks and compiles business hours: a known IANA zone (field "timezone"), weekday keys
  // mon..sun ("week.<day>"), spans of two HH:MM times that are not equal and do not overlap
  // ("week.<day>[i]"), holidays as YYYY-MM-DD ("holidays[i]"); at least one open span. 400
  // (kInvalidArgument) naming the field otherwise.
  static Result<BusinessCalendar> make(const BusinessHoursInput& input);

  // The moment `business_ms` of open time after `start` have passed (start itself if 0;
  // otherwise the end of the last business millisecond: a target due at closing is due then,
  // not at the next opening). nullopt when the calendar has no such time within ten years.
  std::optional<UnixMs> add(UnixMs start, UnixMs business_ms) const;

  // Open time between `from` and `to` (0 when to <= from).
  UnixMs between(UnixMs from, UnixMs to) const;

  // True when `at` is inside an open span.
  bool is_open(UnixMs at) const;

  const std::string& time_zone_name() const { return zone_name_; }

 private:
  // Calls `visit(begin, end)` for the open intervals (UTC ms) that end after `from`, in time
  // order, starting with the day before `from`'s local day; stops when visit returns false or
  // after `max_days` days.
  template <typename Visit>
  void walk(UnixMs from, int max_days, Visit visit) const;

  const date::time_zone* zone_ = nullptr;  // nullptr: UTC, always open
  std::string zone_name_ = "UTC";
  std::array<std::vector<OpenSpan>, 7> week_;  // Sunday = 0, as date::weekday
  std::vector<std::int32_t> holidays_;          // days since the epoch (local), sorted
  bool always_open_ = true;
};

// A policy's targets in business minutes.
struct SlaTargets {
  std::optional<std::int64_t> first_response_minutes;
  std::optional<std::int64_t> next_response_minutes;
  std::optional<std::int64_t> resolution_minutes;
};

// The due times of a ticket's targets, unix ms.
struct SlaClock {
  std::optional<UnixMs> first_response_due;
  std::optional<UnixMs> next_response_due;
  std::optional<UnixMs> resolution_due;
  std::optional<UnixMs> first_response_at;
  std::optional<UnixMs> paused_at;  // the resolution clock stopped (pending) since
  bool solved = false;
};

// Due times of a ticket opened at `opened_at` under `targets`.
SlaClock start_clock(const BusinessCalendar& calendar, const SlaTargets& targets,
                     UnixMs opened_at);

// The resolution clock stops (the ticket went pending at `at`); no effect when already paused.
void pause(SlaClock& clock, UnixMs at);
// The resolution clock runs again at `at`: the resolution due time moves later by the business
// time the clock was stopped.
void resume(SlaClock& clock, const BusinessCalendar& calendar, UnixMs at);

// The next response target after a customer's message at `at` (when there is such a target and
// the first response was given); cleared by the agent's next public reply.
void customer_wrote(SlaClock& clock, const BusinessCalendar& calendar, const SlaTargets& targets,
                    UnixMs at);
// A public agent reply at `at`: the first response when it is the first, and meets the next
// response target.
void agent_replied(SlaClock& clock, UnixMs at);

// Targets not met by `now`, in SlaTarget order: the first response when none was given by its
// due time (or it was given late), the next response when its due time passed, the resolution
// when the clock runs and its due time passed (or it was solved late: `solved_at`).
std::vector<SlaTarget> breached_targets(const SlaClock& clock, UnixMs now,
                                        std::optional<UnixMs> solved_at = std::nullopt);
// Targets still running that fall due by `now + within` (and are not yet late).
std::vector<SlaTarget> due_soon(const SlaClock& clock, UnixMs now, UnixMs within);
// The earliest due time of a target still running (nullopt when none), for the breaching view.
std::optional<UnixMs> next_due(const SlaClock& clock);

// The first policy (by position, then id) whose match fits: each given field equal.
const SlaPolicy* match_policy(const std::vector<SlaPolicy>& policies, Priority priority,
                              const std::string& category, const std::string& tier);

}  // namespace ecrm::service
