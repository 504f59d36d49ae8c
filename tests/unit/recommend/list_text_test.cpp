// The stored-list text form: one item per line, so the first `limit` items are served uncut by a
// parser; checked against parsing the result back.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http/wire.hpp"
#include "recommend/service.hpp"

namespace ecrm::recommend {
namespace {

namespace json = boost::json;

TEST(ListText, FirstItemsCutsAtItemBoundaries) {
  std::vector<RecommendedItem> list;
  for (int i = 0; i < 5; ++i) {
    list.push_back({i, "S-" + std::to_string(i), "a,\nb \"q\" " + std::to_string(i), 100, "EUR",
                    0.5, ReasonView{.kind = ReasonKind::kPopular, .count = i}});
  }
  const json::array items = wire::to_json(list).as_array();
  const std::string text = serialize_list(list);
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
  EXPECT_EQ(first_items(serialize_list({}), 3, buffer), "[]");
  EXPECT_EQ(first_items("", 3, buffer), "[]");
  EXPECT_EQ(first_items("{}", 3, buffer), "[]");
}

// The route writes the stored text around the items without parsing it; the result is the
// described CustomerRecommendations.
TEST(ListText, TheCustomerListIsTheDescribedShape) {
  CustomerRecommendations expected{7, 3, 1234, ListSource::kIncremental};
  expected.classes.push_back({"tag:parent", InferredClassKind::kTag, {{1, "BOT-1", "Bottle"}}});
  for (int i = 0; i < 3; ++i) {
    expected.items.push_back({i, "S", "N", 100, "EUR", 0.25,
                              ReasonView{.kind = ReasonKind::kRule,
                                         .products = {{1, "BOT-1", "Bottle"}},
                                         .count = 6,
                                         .support = 0.5,
                                         .confidence = 0.75,
                                         .lift = 1.5}});
  }
  CustomerList list;
  list.list = std::make_shared<const StoredList>(
      StoredList{7, 3, 1234, "incremental", json::serialize(wire::to_json(expected.classes)),
                 serialize_list(expected.items)});
  expected.items.resize(2);
  EXPECT_EQ(json::parse(customer_list_json(7, list, 2)), wire::to_json(expected));

  CustomerList none;
  EXPECT_EQ(json::parse(customer_list_json(8, none, 2)), wire::to_json(CustomerRecommendations{8}));
  StoredBuild build;
  build.id = 4;
  build.built_at = 99;
  build.popular = serialize_list({expected.items[0]});
  CustomerList popular{nullptr, build};
  EXPECT_EQ(json::parse(customer_list_json(9, popular, 5)),
            wire::to_json(
                CustomerRecommendations{9, 4, 99, ListSource::kPopular, {}, {expected.items[0]}}));
}

}  // namespace
}  // namespace ecrm::recommend
