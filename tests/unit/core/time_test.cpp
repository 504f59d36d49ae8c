#include "core/time.hpp"

#include <gtest/gtest.h>

namespace ecrm {
namespace {

TEST(Time, ParsesDatesAsUtcMidnight) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("1997-09-30"), days_from_civil(1997, 9, 30) * kMsPerDay);
  EXPECT_EQ(parse_date("2024-02-29"), 1709164800000);
}

TEST(Time, RejectsImpossibleOrMalformedDates) {
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "", "abcd-ef-gh",
                          "2024-01-01x", "2024/01/01"}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(Time, ParsesIso8601WithOffsetsAndFractions) {
  EXPECT_EQ(parse_iso8601("2024-03-01T12:34:56.789Z"), 1709296496789);
  EXPECT_EQ(parse_iso8601("2024-03-01T12:34:56.7Z"), 1709296496700);
  EXPECT_EQ(parse_iso8601("2024-03-01 12:34:56"), 1709296496000);
  EXPECT_EQ(parse_iso8601("2024-03-01T14:34:56+02:00"), 1709296496000);
  EXPECT_EQ(parse_iso8601("2024-03-01T07:34:56-0500"), 1709296496000);
  EXPECT_EQ(parse_iso8601("2024-03-01T12:34Z"), 1709296440000);
  EXPECT_FALSE(parse_iso8601("2024-03-01T25:00:00Z").has_value());
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:34:56.Z").has_value());
  EXPECT_FALSE(parse_iso8601("2024-03-01T12:34:56+2").has_value());
}

TEST(Time, FormatsRoundTrip) {
  for (UnixMs ms : {UnixMs{0}, UnixMs{1709296496789}, UnixMs{-86'400'001}, UnixMs{4102444799999}}) {
    EXPECT_EQ(parse_iso8601(format_iso8601(ms)), ms) << format_iso8601(ms);
  }
  EXPECT_EQ(format_date(1709296496789), "2024-03-01");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace ecrm
