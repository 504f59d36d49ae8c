// The pure parts of recommendations from the events log: how a product reference in an event
// resolves against the catalogue, the browse poller's watermark, and the public form of a
// recommendation the tracking snippet shows.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http/wire.hpp"
#include "recommend/browse_poller.hpp"
#include "recommend/event_views.hpp"
#include "recommend/service.hpp"

namespace ecrm::recommend {
namespace {

namespace json = boost::json;

TEST(ProductRefs, SkuFirstThenTheCataloguesId) {
  EXPECT_EQ(parse_product_id("42"), 42);
  EXPECT_EQ(parse_product_id("007"), 7);
  for (const char* bad : {"", "-1", "+1", "4 2", "42x", "1e3", "1234567890123456789"}) {
    EXPECT_FALSE(parse_product_id(bad)) << bad;
  }
  ProductRefs refs;
  refs.add(1, "CAM-1");
  refs.add(2, "17");  // a SKU that looks like an id
  refs.add(17, "LENS-17");
  EXPECT_EQ(refs.find("CAM-1"), 1);
  EXPECT_EQ(refs.find("17"), 2);  // the SKU wins over product 17
  EXPECT_EQ(refs.find("1"), 1);   // no such SKU: product id 1
  EXPECT_FALSE(refs.find("99"));  // no such SKU nor product
  EXPECT_FALSE(refs.find("cam-1"));
  EXPECT_FALSE(refs.find(""));
}

std::vector<ActivityRow> rows(std::initializer_list<std::pair<std::int64_t, std::int64_t>> list) {
  std::vector<ActivityRow> out;
  for (auto [id, customer] : list) out.push_back({id, customer});
  return out;
}

TEST(ActivityCursor, HandsOutEachRowsCustomerOnceInOrder) {
  ActivityCursor cursor(100, 30'000);
  auto first = rows({{101, 7}, {103, 9}, {104, 7}});
  EXPECT_EQ(cursor.take(first, 1'000), (std::vector<std::int64_t>{7, 9}));
  EXPECT_EQ(cursor.high(), 104);
  EXPECT_EQ(cursor.low(), 100);
  EXPECT_EQ(cursor.handled(), 3u);
  // Re-reading the same rows hands out nothing; a row that committed late (102) is handed out.
  auto again = rows({{101, 7}, {102, 5}, {103, 9}, {104, 7}});
  EXPECT_EQ(cursor.take(again, 2'000), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(cursor.handled(), 4u);
  EXPECT_EQ(cursor.high(), 104);
}

TEST(ActivityCursor, ForgetsRowsAfterTheGrace) {
  ActivityCursor cursor(0, 30'000);
  auto a = rows({{1, 1}, {2, 2}});
  cursor.take(a, 0);
  cursor.expire(0);
  EXPECT_EQ(cursor.low(), 0);  // just read: kept
  auto b = rows({{5, 3}});
  cursor.take(b, 10'000);
  cursor.expire(10'000);
  EXPECT_EQ(cursor.low(), 0);
  cursor.expire(30'000);  // the mark of time 0 (high 2) is now grace old
  EXPECT_EQ(cursor.low(), 2);
  EXPECT_EQ(cursor.handled(), 1u);  // only 5 is remembered
  // A row at or below low() is done, whatever it is.
  auto late = rows({{2, 2}, {3, 8}});
  EXPECT_EQ(cursor.take(late, 31'000), (std::vector<std::int64_t>{8}));
  cursor.expire(40'000);  // mark of 10'000 (high 5)
  EXPECT_EQ(cursor.low(), 5);
  EXPECT_EQ(cursor.handled(), 0u);
  auto old = rows({{4, 4}});
  EXPECT_TRUE(cursor.take(old, 41'000).empty());
}

TEST(PublicItem, ReasonsNameProductsButNoCountsOrPeople) {
  RecommendedItem item{9,
                       "TNT-1",
                       "Trail Tent",
                       19900,
                       "EUR",
                       0.9,
                       ReasonView{.kind = ReasonKind::kAlsoBought,
                                  .products = {{3, "BAG-1", "Sleeping Bag"}},
                                  .count = 42,
                                  .similarity = 0.8,
                                  .viewed_count = 2,
                                  .seed_viewed = true}};
  const PublicItem shown = public_item(item);
  EXPECT_EQ(shown.sku, "TNT-1");
  EXPECT_EQ(shown.name, "Trail Tent");
  EXPECT_EQ(shown.price, 19900);
  EXPECT_EQ(shown.currency, "EUR");
  EXPECT_EQ(shown.reason.kind, ReasonKind::kAlsoBought);
  EXPECT_EQ(shown.reason.product_names, std::vector<std::string>{"Sleeping Bag"});
  EXPECT_TRUE(shown.reason.viewed);
  // Only the kind, the names and whether the visitor viewed cross to the shop's pages.
  EXPECT_EQ(json::serialize(wire::to_json(shown)),
            R"({"sku":"TNT-1","name":"Trail Tent","price":19900,"currency":"EUR",)"
            R"("reason":{"kind":"also_bought","product_names":["Sleeping Bag"],"viewed":true}})");

  item.reason = ReasonView{.kind = ReasonKind::kClass,
                           .products = {{3, "BAG-1", "Sleeping Bag"}},
                           .count = 4,
                           .class_label = "tier:premium"};
  const std::string cls = json::serialize(wire::to_json(public_item(item)));
  EXPECT_EQ(cls.find("premium"), std::string::npos) << cls;
  EXPECT_FALSE(public_item(item).reason.viewed);
}

}  // namespace
}  // namespace ecrm::recommend
