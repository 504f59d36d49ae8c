// Row parsing for imports: times, layouts, order grouping and the errors each bad cell
// gives (with its line and column).
#include <gtest/gtest.h>

#include "exchange/rows.hpp"

namespace ecrm::exchange {
namespace {

using Row = std::vector<std::string>;

TEST(TimeText, AcceptsIsoDatesAndShopifyTimes) {
  EXPECT_EQ(*parse_time_text("2026-04-01T02:00:00Z"), 1775008800000);
  EXPECT_EQ(*parse_time_text("2026-04-01 10:00:00 +0800"), 1775008800000);
  EXPECT_EQ(*parse_time_text("2026-03-31 22:00:00 -0400"), 1775008800000);
  EXPECT_EQ(*parse_time_text("2026-04-01"), 1775001600000);
  EXPECT_FALSE(parse_time_text("01/04/2026").has_value());
  EXPECT_FALSE(parse_time_text("2026-02-30").has_value());
}

TEST(Layouts, AreDetectedFromTheHeader) {
  EXPECT_EQ(detect_format(Entity::kCustomers, {"First Name", "Last Name", "Email"}), Format::kShopify);
  EXPECT_EQ(detect_format(Entity::kCustomers, {"external_id", "name", "email"}), Format::kEcrm);
  EXPECT_EQ(detect_format(Entity::kOrders, {"Name", "Email", "Lineitem quantity"}), Format::kShopify);
  EXPECT_EQ(detect_format(Entity::kOrders, {"external_id", "sku"}), Format::kEcrm);
  EXPECT_EQ(detect_format(Entity::kProducts, {"\xEF\xBB\xBFHandle", "Variant SKU"}), Format::kShopify);
}

TEST(CustomerRowsTest, MapsColumnsAndNamesTheBadOne) {
  auto rows = CustomerRows::bind({"external_id", "name", "email", "tags", "anniversaries",
                                  "employee_count", "email_consent"},
                                 Format::kEcrm);
  ASSERT_TRUE(rows.ok());
  auto good = rows->parse({"C1", "Ann", "ann@x.test", "vip, parent", "wedding:2015-06-20", "12", "yes"}, 2);
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(*good->input.external_id, "C1");
  EXPECT_EQ(good->input.tags->size(), 2u);
  EXPECT_EQ((*good->input.anniversaries)[0].kind, "wedding");
  EXPECT_EQ(**good->input.employee_count, 12);
  EXPECT_TRUE((*good->input.consent->email)->granted);
  EXPECT_FALSE(good->input.consent->sms.has_value());  // no sms column: left alone

  auto bad_count = rows->parse({"C2", "Bo", "", "", "", "many", ""}, 7);
  ASSERT_FALSE(bad_count.ok());
  EXPECT_EQ(bad_count.error().field, "employee_count");
  EXPECT_NE(bad_count.error().message.find("line 7"), std::string::npos);
  auto bad_consent = rows->parse({"C2", "Bo", "", "", "", "", "maybe"}, 8);
  ASSERT_FALSE(bad_consent.ok());
  EXPECT_EQ(bad_consent.error().field, "email_consent");
  auto no_key = rows->parse({"", "Nobody", "", "", "", "", ""}, 9);
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.error().field, "external_id");

  auto missing = CustomerRows::bind({"name", "city"}, Format::kEcrm);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("line 1"), std::string::npos);
}

TEST(OrderRowsTest, GroupsConsecutiveRowsIntoOrders) {
  auto rows = OrderRows::bind({"external_id", "customer_external_id", "placed_at", "status",
                               "status_at", "sku", "quantity", "unit_price"},
                              Format::kEcrm);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  std::vector<RowError> errors;
  EXPECT_FALSE(rows->add({"O1", "C1", "2026-01-01T00:00:00Z", "shipped", "2026-01-02", "A", "2", "100"}, 2, errors));
  EXPECT_FALSE(rows->add({"O1", "C1", "2026-01-01T00:00:00Z", "shipped", "2026-01-02", "B", "1", "50"}, 3, errors));
  auto first = rows->add({"O2", "C2", "2026-01-03T00:00:00Z", "", "", "A", "1", "100"}, 4, errors);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->external_id, "O1");
  EXPECT_EQ(first->lines.size(), 2u);
  EXPECT_EQ(first->status, orders::OrderStatus::kShipped);
  ASSERT_EQ(first->history.size(), 1u);
  EXPECT_EQ(first->history[0].second, 1767312000000);  // 2026-01-02
  // A bad line marks its order bad and is reported with its own line.
  EXPECT_FALSE(rows->add({"O2", "C2", "2026-01-03T00:00:00Z", "", "", "B", "0", "100"}, 5, errors));
  auto second = rows->finish();
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 5);
  EXPECT_EQ(errors[0].field, "quantity");
  // A status time before the order was placed is refused.
  auto early = rows->add({"O3", "C3", "2026-01-05T00:00:00Z", "paid", "2026-01-04T00:00:00Z", "A", "1", "1"}, 6, errors);
  EXPECT_FALSE(early.has_value());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[1].field, "status_at");
}

TEST(OrderRowsTest, ReadsShopifyOrdersFromTheirFirstRow) {
  Row header = {"Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
                "Currency", "Shipping", "Taxes", "Discount Amount", "Created at", "Lineitem quantity",
                "Lineitem name", "Lineitem price", "Lineitem sku", "Cancelled at", "Source"};
  auto rows = OrderRows::bind(header, Format::kShopify);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  std::vector<RowError> errors;
  rows->add({"#1", "a@x.test", "paid", "2026-04-01 10:05:00 +0800", "fulfilled", "2026-04-02 09:00:00 +0800",
             "EUR", "4.90", "1.20", "2.00", "2026-04-01 10:00:00 +0800", "2", "Tea", "3.50", "T-1", "", "iphone"},
            2, errors);
  rows->add({"#1", "a@x.test", "", "", "", "", "", "", "", "", "", "1", "Cup", "12.00", "", "", ""}, 3, errors);
  auto order = rows->finish();
  ASSERT_TRUE(order.has_value());
  EXPECT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_EQ(order->currency, "EUR");
  EXPECT_EQ(order->shipping, 490);
  EXPECT_EQ(order->tax, 120);
  EXPECT_EQ(order->discount, 200);
  EXPECT_EQ(order->channel, orders::Channel::kApp);
  EXPECT_EQ(order->status, orders::OrderStatus::kShipped);
  ASSERT_EQ(order->lines.size(), 2u);
  EXPECT_EQ(order->lines[1].unit_price, 1200);
  EXPECT_EQ(order->lines[1].sku, "");  // named by its title: the importer derives a SKU
  EXPECT_EQ(order->lines[1].name, "Cup");
}

}  // namespace
}  // namespace ecrm::exchange
