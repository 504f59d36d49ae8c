// The stored-list text form: one item per line, so the first `limit` items are served uncut by a
// parser; checked against parsing the result back.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "recommend/service.hpp"

namespace ecrm::recommend {
namespace {

namespace json = boost::json;

TEST(ListText, FirstItemsCutsAtItemBoundaries) {
  json::array items;
  for (int i = 0; i < 5; ++i) {
    items.push_back(json::object{{"product_id", i}, {"name", "a,\nb \"q\" " + std::to_string(i)}});
  }
  const std::string text = serialize_list(items);
  EXPECT_EQ(json::parse(text), json::value(items));
  for (std::size_t limit = 0; limit <= 7; ++limit) {
    std::string buffer;
    const json::value cut = json::parse(first_items(text, limit, buffer));
    ASSERT_TRUE(cut.is_array());
    ASSERT_EQ(cut.as_array().size(), std::min<std::size_t>(limit, 5)) << limit;
    for (std::size_t i = 0; i < cut.as_array().size(); ++i) EXPECT_EQ(cut.as_array()[i], items[i]);
  }
}

TEST(ListText, EmptyAndMalformedTextGiveAnEmptyArray) {
  std::string buffer;
  EXPECT_EQ(first_items(serialize_list(json::array{}), 3, buffer), "[]");
  EXPECT_EQ(first_items("", 3, buffer), "[]");
  EXPECT_EQ(first_items("{}", 3, buffer), "[]");
}

}  // namespace
}  // namespace ecrm::recommend
