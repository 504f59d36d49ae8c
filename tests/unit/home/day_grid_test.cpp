// The spans of the shop's day in its time zone: midnights where the shop is, weeks across a
// clock change, and an unknown zone refused.
#include <gtest/gtest.h>

#include "home/service.hpp"

namespace ecrm::home {
namespace {

constexpr UnixMs kHour = 3'600'000;
constexpr UnixMs kMarch12 = 1'741'737'600'000;  // 2025-03-12T00:00:00Z

TEST(DayGrid, UtcDays) {
  const UnixMs at = kMarch12 + 15 * kHour;
  auto grid = day_grid("UTC", at);
  ASSERT_TRUE(grid.ok()) << grid.error().message;
  EXPECT_EQ(grid->spans.at, at);
  EXPECT_EQ(grid->spans.today_from, kMarch12);
  EXPECT_EQ(grid->spans.week_from, kMarch12 - 6 * kMsPerDay);
  EXPECT_EQ(grid->spans.last_week_from, kMarch12 - 13 * kMsPerDay);
  EXPECT_EQ(grid->spans.last_week_to, at - 7 * kMsPerDay);
  ASSERT_EQ(grid->midnights.size(), 15u);
  for (std::size_t i = 0; i < grid->midnights.size(); ++i) {
    EXPECT_EQ(grid->midnights[i], kMarch12 + (static_cast<UnixMs>(i) - 13) * kMsPerDay);
  }
}

TEST(DayGrid, TheShopsMidnight) {
  // 02:00 UTC is 10:00 in Shanghai: the day began at 16:00 UTC the day before.
  auto grid = day_grid("Asia/Shanghai", kMarch12 + 2 * kHour);
  ASSERT_TRUE(grid.ok()) << grid.error().message;
  EXPECT_EQ(grid->spans.today_from, kMarch12 - 8 * kHour);
  // 20:00 UTC on 12 March is 04:00 on 13 March there.
  grid = day_grid("Asia/Shanghai", kMarch12 + 20 * kHour);
  ASSERT_TRUE(grid.ok());
  EXPECT_EQ(grid->spans.today_from, kMarch12 + 16 * kHour);
}

TEST(DayGrid, WeeksAcrossAClockChange) {
  // New York moved its clocks forward on 9 March 2025: that day has 23 hours, and midnights
  // before it are at 05:00 UTC, after it at 04:00 UTC.
  auto grid = day_grid("America/New_York", kMarch12 + 15 * kHour);
  ASSERT_TRUE(grid.ok()) << grid.error().message;
  EXPECT_EQ(grid->spans.today_from, kMarch12 + 4 * kHour);
  EXPECT_EQ(grid->spans.week_from, kMarch12 - 6 * kMsPerDay + 5 * kHour);
  const auto& m = grid->midnights;
  // m[0] is 27 February: m[10] is 9 March.
  EXPECT_EQ(m[11] - m[10], 23 * kHour);
  EXPECT_EQ(m[10] - m[9], 24 * kHour);
  // Last week ends at the same time of day a week earlier (in UTC: seven days of hours).
  EXPECT_EQ(grid->spans.last_week_to, kMarch12 + 15 * kHour - 7 * kMsPerDay);
}

TEST(DayGrid, AnUnknownZoneIsRefused) {
  auto grid = day_grid("Mars/Olympus_Mons", kMarch12);
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(grid.error().field, "time_zone");
}

}  // namespace
}  // namespace ecrm::home
