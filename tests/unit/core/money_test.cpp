#include "core/money.hpp"

#include <gtest/gtest.h>

namespace ecrm {
namespace {

TEST(Money, ReadsAmountsInTheCurrencyMinorUnit) {
  EXPECT_EQ(*parse_money("19.99", "USD"), 1999);
  EXPECT_EQ(*parse_money("19.9", "USD"), 1990);
  EXPECT_EQ(*parse_money("20", "USD"), 2000);
  EXPECT_EQ(*parse_money("1,234.50", "EUR"), 123450);
  EXPECT_EQ(*parse_money("500", "JPY"), 500);
  EXPECT_EQ(*parse_money("1.234", "KWD"), 1234);
  EXPECT_EQ(*parse_money("-5.00", "USD"), -500);
  EXPECT_EQ(*parse_money("3.00", "JPY"), 3);  // zeros beyond the minor unit are fine
  EXPECT_FALSE(parse_money("3.15", "JPY").ok());
  EXPECT_FALSE(parse_money("1.999", "USD").ok());
  EXPECT_FALSE(parse_money("abc", "USD").ok());
  EXPECT_FALSE(parse_money("", "USD").ok());
  EXPECT_FALSE(parse_money("1.2.3", "USD").ok());
}

TEST(Money, FormatsWithTheCurrencyMinorUnit) {
  EXPECT_EQ(format_money(123450, "USD"), "1234.50 USD");
  EXPECT_EQ(format_money(-305, "EUR"), "-3.05 EUR");
  EXPECT_EQ(format_money(1200, "JPY"), "1200 JPY");
  EXPECT_EQ(format_money(1234, "KWD"), "1.234 KWD");
  EXPECT_EQ(format_money(7, ""), "0.07");
  EXPECT_EQ(format_money(INT64_MIN, "USD"), "-92233720368547758.08 USD");
}

}  // namespace
}  // namespace ecrm
