#include "service/sla.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <exception>

namespace ecrm::service {

namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr int kMinutesPerDay = 1440;
constexpr int kTenYearsOfDays = 3660;

// "HH:MM" as minutes after midnight; "24:00" only when `end`.
std::optional<int> parse_hhmm(const std::string& text, bool end) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int mins = (text[3] - '0') * 10 + (text[4] - '0');
  if (mins > 59) return std::nullopt;
  if (hours == 24 && mins == 0 && end) return kMinutesPerDay;
  if (hours > 23) return std::nullopt;
  return hours * 60 + mins;
}

// date::weekday's c_encoding of a key of the week.
std::optional<unsigned> weekday_of(const std::string& key) {
  static const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (unsigned i = 0; i < 7; ++i) {
    if (key == kDays[i]) return i;
  }
  return std::nullopt;
}

}  // namespace

BusinessCalendar::BusinessCalendar() = default;

Result<BusinessCalendar> BusinessCalendar::make(const BusinessHoursInput& input) {
  BusinessCalendar out;
  try {
    out.zone_ = date::locate_zone(input.timezone);
  } catch (const std::exception&) {
    return Error::invalid("unknown time zone '" + input.timezone + "' (an IANA name such as "
                          "Asia/Shanghai)", "timezone");
  }
  out.zone_name_ = input.timezone;
  bool any = false;
  for (const auto& [key, spans] : input.week) {
    const std::string field = "week." + key;
    const auto day = weekday_of(key);
    if (!day) return Error::invalid("a day of the week is mon, tue, wed, thu, fri, sat or sun", field);
    std::vector<OpenSpan> parsed;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      const std::string span_field = field + "[" + std::to_string(i) + "]";
      const auto& span = spans[i];
      if (span.size() != 2) {
        return Error::invalid("a span is two times, [\"09:00\", \"18:00\"]", span_field);
      }
      const auto from = parse_hhmm(span[0], false);
      const auto to = parse_hhmm(span[1], true);
      if (!from) return Error::invalid("a time is HH:MM from 00:00 to 23:59", span_field + "[0]");
      if (!to) return Error::invalid("a time is HH:MM from 00:00 to 24:00", span_field + "[1]");
      if (*from == *to) return Error::invalid("a span must not be empty", span_field);
      // A span that ends before it starts runs overnight into the next day.
      parsed.push_back(OpenSpan{*from, *to > *from ? *to : *to + kMinutesPerDay});
    }
    std::sort(parsed.begin(), parsed.end(),
              [](const OpenSpan& a, const OpenSpan& b) { return a.from < b.from; });
    for (std::size_t i = 1; i < parsed.size(); ++i) {
      if (parsed[i].from < parsed[i - 1].to) {
        return Error::invalid("the spans of a day must not overlap", field);
      }
    }
    any = any || !parsed.empty();
    out.week_[*day] = std::move(parsed);
  }
  if (!any) return Error::invalid("at least one day needs open hours", "week");
  if (input.holidays) {
    for (std::size_t i = 0; i < input.holidays->size(); ++i) {
      const auto day = parse_date((*input.holidays)[i]);
      if (!day || (*input.holidays)[i].size() != 10) {
        return Error::invalid("a holiday is a date, YYYY-MM-DD",
                              "holidays[" + std::to_string(i) + "]");
      }
      out.holidays_.push_back(static_cast<std::int32_t>(*day / kMsPerDay));
    }
  }
  std::sort(out.holidays_.begin(), out.holidays_.end());
  out.holidays_.erase(std::unique(out.holidays_.begin(), out.holidays_.end()),
                      out.holidays_.end());
  out.always_open_ = false;
  return out;
}

template <typename Visit>
void BusinessCalendar::walk(UnixMs from, int max_days, Visit visit) const {
  const auto local = zone_->to_local(date::sys_time<milliseconds>(milliseconds(from)));
  const date::local_days first = date::floor<date::days>(local) - date::days(1);
  UnixMs last_end = from;  // intervals handed out so far end here: the next starts no earlier
  auto to_utc = [&](date::local_time<minutes> t, date::choose which) {
    return static_cast<UnixMs>(
        zone_->to_sys(t, which).time_since_epoch() / milliseconds(1));
  };
  for (int i = 0; i <= max_days + 1; ++i) {
    const date::local_days day = first + date::days(i);
    const auto day_number = static_cast<std::int32_t>(day.time_since_epoch().count());
    if (std::binary_search(holidays_.begin(), holidays_.end(), day_number)) continue;
    const unsigned weekday = date::weekday(day).c_encoding();
    for (const OpenSpan& span : week_[weekday]) {
      // A wall-clock time skipped by a spring-forward is the moment of the change; one repeated
      // by a fall-back opens at its first and closes at its second occurrence.
      UnixMs begin = to_utc(day + minutes(span.from), date::choose::earliest);
      const UnixMs end = to_utc(day + minutes(span.to), date::choose::latest);
      begin = std::max(begin, last_end);
      if (end <= begin) continue;
      last_end = end;
      if (!visit(begin, end)) return;
    }
  }
}

std::optional<UnixMs> BusinessCalendar::add(UnixMs start, UnixMs business_ms) const {
  if (business_ms <= 0) return start;
  if (always_open_) return start + business_ms;
  std::optional<UnixMs> out;
  UnixMs remaining = business_ms;
  walk(start, kTenYearsOfDays, [&](UnixMs begin, UnixMs end) {
    if (end - begin >= remaining) {
      out = begin + remaining;
      return false;
    }
    remaining -= end - begin;
    return true;
  });
  return out;
}

UnixMs BusinessCalendar::between(UnixMs from, UnixMs to) const {
  if (to <= from) return 0;
  if (always_open_) return to - from;
  UnixMs total = 0;
  const int days = static_cast<int>((to - from) / kMsPerDay) + 2;
  walk(from, days, [&](UnixMs begin, UnixMs end) {
    if (begin >= to) return false;
    total += std::min(end, to) - begin;
    return true;
  });
  return total;
}

bool BusinessCalendar::is_open(UnixMs at) const {
  if (always_open_) return true;
  bool open = false;
  walk(at, 1, [&](UnixMs begin, UnixMs) {
    open = begin <= at;
    return false;
  });
  return open;
}

SlaClock start_clock(const BusinessCalendar& calendar, const SlaTargets& targets,
                     UnixMs opened_at) {
  SlaClock clock;
  if (targets.first_response_minutes) {
    clock.first_response_due = calendar.add(opened_at, *targets.first_response_minutes * kMsPerMinute);
  }
  if (targets.resolution_minutes) {
    clock.resolution_due = calendar.add(opened_at, *targets.resolution_minutes * kMsPerMinute);
  }
  return clock;
}

void pause(SlaClock& clock, UnixMs at) {
  if (!clock.paused_at) clock.paused_at = at;
}

void resume(SlaClock& clock, const BusinessCalendar& calendar, UnixMs at) {
  if (!clock.paused_at) return;
  if (clock.resolution_due) {
    const UnixMs stopped = calendar.between(*clock.paused_at, at);
    if (auto moved = calendar.add(*clock.resolution_due, stopped)) clock.resolution_due = *moved;
  }
  clock.paused_at.reset();
}

void customer_wrote(SlaClock& clock, const BusinessCalendar& calendar, const SlaTargets& targets,
                    UnixMs at) {
  if (!targets.next_response_minutes || !clock.first_response_at || clock.next_response_due) return;
  clock.next_response_due = calendar.add(at, *targets.next_response_minutes * kMsPerMinute);
}

void agent_replied(SlaClock& clock, UnixMs at) {
  if (!clock.first_response_at) clock.first_response_at = at;
  clock.next_response_due.reset();
}

std::vector<SlaTarget> breached_targets(const SlaClock& clock, UnixMs now,
                                        std::optional<UnixMs> solved_at) {
  std::vector<SlaTarget> out;
  if (clock.first_response_due) {
    const UnixMs answered = clock.first_response_at.value_or(now);
    if (answered > *clock.first_response_due) out.push_back(SlaTarget::kFirstResponse);
  }
  if (clock.next_response_due && now > *clock.next_response_due) {
    out.push_back(SlaTarget::kNextResponse);
  }
  if (clock.resolution_due) {
    const UnixMs until = solved_at ? *solved_at : clock.paused_at ? *clock.paused_at : now;
    if (until > *clock.resolution_due) out.push_back(SlaTarget::kResolution);
  }
  return out;
}

std::vector<SlaTarget> due_soon(const SlaClock& clock, UnixMs now, UnixMs within) {
  std::vector<SlaTarget> out;
  auto soon = [&](const std::optional<UnixMs>& due) {
    return due && *due >= now && *due <= now + within;
  };
  if (!clock.solved) {
    if (!clock.first_response_at && soon(clock.first_response_due)) {
      out.push_back(SlaTarget::kFirstResponse);
    }
    if (soon(clock.next_response_due)) out.push_back(SlaTarget::kNextResponse);
    if (!clock.paused_at && soon(clock.resolution_due)) out.push_back(SlaTarget::kResolution);
  }
  return out;
}

std::optional<UnixMs> next_due(const SlaClock& clock) {
  if (clock.solved) return std::nullopt;
  std::optional<UnixMs> out;
  auto take = [&](const std::optional<UnixMs>& due) {
    if (due && (!out || *due < *out)) out = *due;
  };
  if (!clock.first_response_at) take(clock.first_response_due);
  take(clock.next_response_due);
  if (!clock.paused_at) take(clock.resolution_due);
  return out;
}

const SlaPolicy* match_policy(const std::vector<SlaPolicy>& policies, Priority priority,
                              const std::string& category, const std::string& tier) {
  const SlaPolicy* best = nullptr;
  for (const SlaPolicy& p : policies) {
    if (!p.active) continue;
    if (p.match.priority && *p.match.priority != priority) continue;
    if (p.match.category && *p.match.category != category) continue;
    if (p.match.tier && *p.match.tier != tier) continue;
    if (!best || p.position < best->position || (p.position == best->position && p.id < best->id)) {
      best = &p;
    }
  }
  return best;
}

}  // namespace ecrm::service
