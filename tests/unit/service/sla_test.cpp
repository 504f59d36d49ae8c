// The SLA engine: business time in the shop's zone across weekends, holidays, overnight spans
// and daylight-saving changes, and a ticket's due times through pauses, replies and breaches.
#include "service/sla.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace ecrm::service {
namespace {

UnixMs at(const char* iso) {
  auto parsed = parse_iso8601(iso);
  EXPECT_TRUE(parsed.has_value()) << iso;
  return parsed.value_or(0);
}

std::string iso(std::optional<UnixMs> ms) { return ms ? format_iso8601(*ms) : "none"; }

constexpr UnixMs kMinute = 60'000;
constexpr UnixMs kHour = 60 * kMinute;

BusinessCalendar make(const BusinessHoursInput& input) {
  auto made = BusinessCalendar::make(input);
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message + " " + made.error().field);
  return made.ok() ? *made : BusinessCalendar();
}

// Monday to Friday 09:00-18:00 in Shanghai (UTC+8, no daylight saving).
BusinessHoursInput shanghai_office(std::vector<std::string> holidays = {}) {
  BusinessHoursInput in;
  in.timezone = "Asia/Shanghai";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) in.week[day] = {{"09:00", "18:00"}};
  in.holidays = std::move(holidays);
  return in;
}

TEST(BusinessCalendar, AFridayEveningTargetFallsDueOnMondayMorning) {
  const auto cal = make(shanghai_office());
  // Friday 2026-10-09 17:00 in Shanghai: one business hour left that day, one more on Monday.
  const UnixMs friday_5pm = at("2026-10-09T17:00:00+08:00");
  EXPECT_EQ(iso(cal.add(friday_5pm, 120 * kMinute)), "2026-10-12T02:00:00.000Z");  // Mon 10:00
  // Exactly the rest of Friday: due at Friday's closing, not at Monday's opening.
  EXPECT_EQ(iso(cal.add(friday_5pm, 60 * kMinute)), "2026-10-09T10:00:00.000Z");
  // Opened on Saturday: the clock starts on Monday at 09:00.
  EXPECT_EQ(iso(cal.add(at("2026-10-10T12:00:00+08:00"), 30 * kMinute)),
            "2026-10-12T01:30:00.000Z");
  EXPECT_EQ(cal.between(friday_5pm, at("2026-10-12T10:00:00+08:00")), 2 * kHour);
  EXPECT_FALSE(cal.is_open(at("2026-10-10T12:00:00+08:00")));
  EXPECT_TRUE(cal.is_open(at("2026-10-12T09:00:00+08:00")));
  EXPECT_FALSE(cal.is_open(at("2026-10-12T18:00:00+08:00")));
}

TEST(BusinessCalendar, AHolidayIsSkippedLikeAWeekend) {
  const auto cal = make(shanghai_office({"2026-10-12"}));
  EXPECT_EQ(iso(cal.add(at("2026-10-09T17:00:00+08:00"), 120 * kMinute)),
            "2026-10-13T02:00:00.000Z");  // Tuesday 10:00
  // A week of holidays (National Day, 1 to 7 October 2026, and the working Saturday is not
  // configured): a target set on 30 September is due on 8 October.
  const auto golden_week = make(shanghai_office(
      {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}));
  EXPECT_EQ(iso(golden_week.add(at("2026-09-30T17:30:00+08:00"), 60 * kMinute)),
            "2026-10-08T01:30:00.000Z");  // Thursday 8 October 09:30
}

TEST(BusinessCalendar, DaylightSavingChangesFollowTheWallClock) {
  BusinessHoursInput in;
  in.timezone = "America/New_York";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) in.week[day] = {{"09:00", "17:00"}};
  const auto cal = make(in);
  // Friday 30 October 2026, 16:00 EDT (UTC-4); clocks fall back on Sunday 1 November, so Monday
  // 10:00 is EST (UTC-5): 15:00Z, not the 14:00Z a fixed offset would give.
  EXPECT_EQ(iso(cal.add(at("2026-10-30T20:00:00Z"), 120 * kMinute)), "2026-11-02T15:00:00.000Z");
  // Spring forward on Sunday 8 March 2026: Friday 16:30 EST + 60 min is Monday 09:30 EDT.
  EXPECT_EQ(iso(cal.add(at("2026-03-06T21:30:00Z"), 60 * kMinute)), "2026-03-09T13:30:00.000Z");

  // Open all day every day: the fall-back Sunday has 25 hours, the spring-forward one 23.
  BusinessHoursInput always;
  always.timezone = "America/New_York";
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    always.week[day] = {{"00:00", "24:00"}};
  }
  const auto all_day = make(always);
  EXPECT_EQ(all_day.between(at("2026-11-01T00:00:00-04:00"), at("2026-11-02T00:00:00-05:00")),
            25 * kHour);
  EXPECT_EQ(all_day.between(at("2026-03-08T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00")),
            23 * kHour);
}

TEST(BusinessCalendar, AnOvernightSpanRunsIntoTheNextDay) {
  BusinessHoursInput in;
  in.timezone = "UTC";
  in.week["fri"] = {{"22:00", "06:00"}};  // Friday night shift only
  const auto cal = make(in);
  // Friday 23:00 + 5 h: Saturday 04:00, inside Friday's shift.
  EXPECT_EQ(iso(cal.add(at("2026-10-09T23:00:00Z"), 300 * kMinute)), "2026-10-10T04:00:00.000Z");
  // 8 h from Friday 23:00: 7 h left that night, then the next Friday's shift.
  EXPECT_EQ(iso(cal.add(at("2026-10-09T23:00:00Z"), 8 * kHour)), "2026-10-16T23:00:00.000Z");
  EXPECT_TRUE(cal.is_open(at("2026-10-10T05:59:00Z")));
  EXPECT_FALSE(cal.is_open(at("2026-10-10T06:00:00Z")));
  // A holiday on the Friday closes the shift that starts that night.
  in.holidays = std::vector<std::string>{"2026-10-16"};
  const auto with_holiday = make(in);
  EXPECT_EQ(iso(with_holiday.add(at("2026-10-09T23:00:00Z"), 8 * kHour)),
            "2026-10-23T23:00:00.000Z");
}

TEST(BusinessCalendar, BadHoursAreRefusedNamingTheField) {
  auto field_of = [](BusinessHoursInput in) {
    auto made = BusinessCalendar::make(in);
    return made.ok() ? std::string("accepted") : made.error().field;
  };
  auto in = shanghai_office();
  in.timezone = "Mars/Olympus";
  EXPECT_EQ(field_of(in), "timezone");
  in = shanghai_office();
  in.week["funday"] = {{"09:00", "10:00"}};
  EXPECT_EQ(field_of(in), "week.funday");
  in = shanghai_office();
  in.week["mon"] = {{"09:00", "25:00"}};
  EXPECT_EQ(field_of(in), "week.mon[0][1]");
  in = shanghai_office();
  in.week["mon"] = {{"09:00"}};
  EXPECT_EQ(field_of(in), "week.mon[0]");
  in = shanghai_office();
  in.week["mon"] = {{"09:00", "12:00"}, {"11:00", "18:00"}};
  EXPECT_EQ(field_of(in), "week.mon");
  in = shanghai_office();
  in.week["tue"] = {{"10:00", "10:00"}};
  EXPECT_EQ(field_of(in), "week.tue[0]");
  in = shanghai_office({"2026-10-01", "2026-02-30"});
  EXPECT_EQ(field_of(in), "holidays[1]");
  in = BusinessHoursInput{"UTC", {}, std::nullopt};
  EXPECT_EQ(field_of(in), "week");
  in.week["sat"] = {};
  EXPECT_EQ(field_of(in), "week");
}

TEST(SlaClock, PendingStopsTheResolutionClockAndResumeMovesItsDueTime) {
  const auto cal = make(shanghai_office());
  const SlaTargets targets{60, std::nullopt, 480};
  // Opened Monday 12 October 09:00: first response due 10:00, resolution 17:00.
  SlaClock clock = start_clock(cal, targets, at("2026-10-12T09:00:00+08:00"));
  EXPECT_EQ(iso(clock.first_response_due), "2026-10-12T02:00:00.000Z");
  EXPECT_EQ(iso(clock.resolution_due), "2026-10-12T09:00:00.000Z");
  agent_replied(clock, at("2026-10-12T09:30:00+08:00"));
  // Pending from Monday 11:00 to Tuesday 10:00: 7 + 1 business hours stopped.
  pause(clock, at("2026-10-12T11:00:00+08:00"));
  // While paused the resolution target is neither running nor breached, even past its time.
  EXPECT_EQ(next_due(clock), std::nullopt);
  EXPECT_TRUE(breached_targets(clock, at("2026-10-12T19:00:00+08:00")).empty());
  resume(clock, cal, at("2026-10-13T10:00:00+08:00"));
  EXPECT_FALSE(clock.paused_at.has_value());
  // Monday 17:00 + 8 business hours: Monday 17-18, Tuesday 09-16.
  EXPECT_EQ(iso(clock.resolution_due), "2026-10-13T08:00:00.000Z");
  EXPECT_EQ(iso(next_due(clock)), "2026-10-13T08:00:00.000Z");
  // A pause over a closed night stops nothing: the due time stays.
  pause(clock, at("2026-10-13T19:00:00+08:00"));
  resume(clock, cal, at("2026-10-14T08:00:00+08:00"));
  EXPECT_EQ(iso(clock.resolution_due), "2026-10-13T08:00:00.000Z");
}

TEST(SlaClock, BreachesAndWarningsAreTheTargetsMissedOrDueSoon) {
  const auto cal = make(shanghai_office());
  const SlaTargets targets{60, 120, 480};
  const UnixMs opened = at("2026-10-12T09:00:00+08:00");
  SlaClock clock = start_clock(cal, targets, opened);
  // 09:40: the first response is due within 30 minutes; nothing is late.
  EXPECT_EQ(due_soon(clock, at("2026-10-12T09:40:00+08:00"), 30 * kMinute),
            std::vector<SlaTarget>{SlaTarget::kFirstResponse});
  EXPECT_TRUE(breached_targets(clock, at("2026-10-12T09:40:00+08:00")).empty());
  // 10:05: late.
  EXPECT_EQ(breached_targets(clock, at("2026-10-12T10:05:00+08:00")),
            std::vector<SlaTarget>{SlaTarget::kFirstResponse});
  // Answered at 10:10: still a miss afterwards, and no longer running.
  agent_replied(clock, at("2026-10-12T10:10:00+08:00"));
  EXPECT_EQ(breached_targets(clock, at("2026-10-12T11:00:00+08:00")),
            std::vector<SlaTarget>{SlaTarget::kFirstResponse});
  EXPECT_EQ(iso(next_due(clock)), "2026-10-12T09:00:00.000Z");  // the resolution, 17:00
  // The customer writes back at 16:30: the next response is due in 2 business hours (Tuesday
  // 09:30), and it runs first.
  customer_wrote(clock, cal, targets, at("2026-10-12T16:30:00+08:00"));
  EXPECT_EQ(iso(clock.next_response_due), "2026-10-13T01:30:00.000Z");
  EXPECT_EQ(iso(next_due(clock)), "2026-10-12T09:00:00.000Z");
  // Solved on Tuesday 09:00: the resolution was late, the next response was answered in time by
  // a reply at 09:00.
  agent_replied(clock, at("2026-10-13T09:00:00+08:00"));
  EXPECT_FALSE(clock.next_response_due.has_value());
  EXPECT_EQ(breached_targets(clock, at("2026-10-13T09:00:00+08:00"),
                             at("2026-10-13T09:00:00+08:00")),
            (std::vector<SlaTarget>{SlaTarget::kFirstResponse, SlaTarget::kResolution}));
  // Solved in time: only the first response missed.
  EXPECT_EQ(breached_targets(clock, at("2026-10-20T00:00:00Z"), at("2026-10-12T16:00:00+08:00")),
            std::vector<SlaTarget>{SlaTarget::kFirstResponse});
}

TEST(SlaPolicies, TheFirstMatchingPolicyByPositionApplies) {
  std::vector<SlaPolicy> policies(4);
  policies[0].id = 1;
  policies[0].position = 3;  // anything: last
  policies[1].id = 2;
  policies[1].position = 1;
  policies[1].match.priority = Priority::kHigh;
  policies[2].id = 3;
  policies[2].position = 2;
  policies[2].match.tier = "very_loyal";
  policies[3].id = 4;
  policies[3].position = 0;
  policies[3].match.priority = Priority::kUrgent;
  policies[3].active = false;
  auto id_of = [&](Priority p, const std::string& category, const std::string& tier) {
    const SlaPolicy* found = match_policy(policies, p, category, tier);
    return found ? found->id : 0;
  };
  EXPECT_EQ(id_of(Priority::kHigh, "", "very_loyal"), 2);
  EXPECT_EQ(id_of(Priority::kNormal, "", "very_loyal"), 3);
  EXPECT_EQ(id_of(Priority::kNormal, "", ""), 1);
  EXPECT_EQ(id_of(Priority::kUrgent, "", ""), 1);  // the urgent policy is off
  policies.erase(policies.begin());
  EXPECT_EQ(id_of(Priority::kLow, "", ""), 0);
}

}  // namespace
}  // namespace ecrm::service
