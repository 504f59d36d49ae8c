// The pure parts of recommendations from the events log: how a product reference in an event
// resolves against the catalogue, the browse poller's watermark, and the public form of a
// recommendation the tracking snippet shows.
#include <gtest/gtest.h>

#include <boost/json.hpp>

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
  json::object seed{{"product_id", 3}, {"sku", "BAG-1"}, {"name", "Sleeping Bag"}};
  auto also = [&](bool viewed, int viewed_count) {
    return json::object{{"kind", "also_bought"}, {"text", "customers who bought … (42)"},
                        {"count", 42},          {"seed", seed},
                        {"seed_viewed", viewed}, {"viewed_count", viewed_count},
                        {"similarity", 0.8}};
  };
  EXPECT_EQ(public_reason(also(false, 0)), "Customers who bought Sleeping Bag also bought this");
  EXPECT_EQ(public_reason(also(true, 0)),
            "You viewed Sleeping Bag; customers who bought it also bought this");
  EXPECT_EQ(public_reason(also(true, 2)),
            "You viewed Sleeping Bag; customers who bought or viewed it also bought or viewed this");
  EXPECT_EQ(public_reason(also(false, 2)),
            "Customers who bought or viewed Sleeping Bag also bought or viewed this");
  json::object rule{{"kind", "rule"},
                    {"antecedent", json::array{json::object{{"name", "Tent"}},
                                               json::object{{"name", "Stove"}},
                                               json::object{{"name", "Bag"}}}},
                    {"support", 0.1}, {"confidence", 0.5}, {"lift", 2.0}, {"count", 9}};
  EXPECT_EQ(public_reason(rule), "Often bought together with Tent, Stove and Bag");
  json::object cls{{"kind", "class"}, {"class", "tier:premium"}, {"class_name", "premium buyer"},
                   {"evidence", seed}, {"count", 4}};
  EXPECT_EQ(public_reason(cls), "Popular with other premium buyers");
  EXPECT_EQ(public_reason(json::object{{"kind", "replenish"}, {"last_purchase_at", 1}}),
            "Due again: you buy this regularly");
  EXPECT_EQ(public_reason(json::object{{"kind", "popular"}, {"count", 120}}), "Best-seller");
  EXPECT_EQ(public_reason(json::object{}), "Best-seller");

  PublicItem item = public_item(json::object{{"product_id", 9},
                                             {"sku", "TNT-1"},
                                             {"name", "Trail Tent"},
                                             {"price", 19900},
                                             {"currency", "EUR"},
                                             {"score", 0.9},
                                             {"reason", also(true, 0)}});
  EXPECT_EQ(item.sku, "TNT-1");
  EXPECT_EQ(item.name, "Trail Tent");
  EXPECT_EQ(item.price, 19900);
  EXPECT_EQ(item.currency, "EUR");
  EXPECT_EQ(item.reason_kind, "also_bought");
  EXPECT_EQ(item.reason, "You viewed Sleeping Bag; customers who bought it also bought this");
  EXPECT_EQ(public_item(json::object{{"sku", "X"}}).reason_kind, "popular");
}

}  // namespace
}  // namespace ecrm::recommend
