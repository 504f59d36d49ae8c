// The normalisations behind duplicate detection, and the timeline ordering.
#include <gtest/gtest.h>

#include <limits>

#include "customers/model.hpp"
#include "customers/service.hpp"

namespace ecrm::customers {
namespace {

TEST(Normalize, Email) {
  EXPECT_EQ(*normalize_email("  Li.Wei@Example.COM "), "li.wei@example.com");
  for (const char* bad :
       {"", "plain", "@example.com", "a@", "a@b", "a@b.", "a b@c.de", "a@b@c.de", "<a@b.de>"}) {
    auto result = normalize_email(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().field, "email");
  }
}

TEST(Normalize, Phone) {
  EXPECT_EQ(*normalize_phone("+86 138-0013-8000"), "8613800138000");
  EXPECT_EQ(*normalize_phone("0086 (138) 0013.8000"), "8613800138000");
  EXPECT_EQ(*normalize_phone("030 / 1234 567"), "0301234567");  // a single 0 stays
  for (const char* bad : {"1234", "call 555 1234", "123456789012345678901", "+"}) {
    auto result = normalize_phone(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().field, "phone");
  }
}

TEST(Normalize, NameKeyIgnoresOrderCaseAndPunctuation) {
  EXPECT_EQ(name_key("John Smith"), "john smith");
  EXPECT_EQ(name_key("Smith,  JOHN"), "john smith");
  EXPECT_EQ(name_key("王小明"), "王小明");
  EXPECT_EQ(name_key("  "), "");
}

TEST(Timeline, OrderIsNewestFirstThenSourceThenId) {
  TimelinePosition newer{2000, "order_status", 1};
  TimelinePosition older{1000, "return", 9};
  EXPECT_TRUE(timeline_before(newer, older));
  EXPECT_FALSE(timeline_before(older, newer));
  TimelinePosition same_time_return{2000, "return", 1};
  EXPECT_TRUE(timeline_before(same_time_return, newer));  // "return" > "order_status"
  // id bounds select exactly what comes after a position.
  EXPECT_EQ(newer.id_bound_for("order_status"), 1);
  EXPECT_EQ(newer.id_bound_for("customer"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(newer.id_bound_for("return"), 0);
}

}  // namespace
}  // namespace ecrm::customers
