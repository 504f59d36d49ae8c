// /api/v1/orders and /api/v1/returns over real HTTP, and what orders add to the customer record:
// merges moving them, the 360° timeline and summary, privacy export and erasure.
#include <algorithm>
#include <functional>
#include <set>
#include <thread>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Orders : public CrmApi {
 protected:
  void SetUp() override {
    CrmApi::SetUp();
    if (camera_ != 0) return;
    cameras_ = create("/api/v1/categories", json::object{{"name", "Cameras"}});
    books_ = create("/api/v1/categories", json::object{{"name", "Books"}});
    camera_ = create("/api/v1/products", json::object{{"sku", "CAM-100"},
                                                      {"name", "Camera 100"},
                                                      {"price", 45000},
                                                      {"currency", "EUR"},
                                                      {"category_id", cameras_}});
    lens_ = create("/api/v1/products", json::object{{"sku", "LENS-50"},
                                                    {"name", "Lens 50mm"},
                                                    {"price", 12000},
                                                    {"currency", "EUR"},
                                                    {"category_id", cameras_}});
    book_ = create("/api/v1/products", json::object{{"sku", "BOOK-1"},
                                                    {"name", "Photo Book"},
                                                    {"price", 2500},
                                                    {"currency", "EUR"},
                                                    {"category_id", books_}});
    dollar_ = create(
        "/api/v1/products",
        json::object{
            {"sku", "USD-1"}, {"name", "Imported thing"}, {"price", 999}, {"currency", "USD"}});
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    camera_ = 0;
  }

  std::int64_t customer(const std::string& name) {
    return create("/api/v1/customers", json::object{{"name", name}});
  }
  json::value order(json::object body) {
    auto r = post("/api/v1/orders", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  HttpResult set_status(std::int64_t id, json::object body) {
    return post(id_path("/api/v1/orders", id) + "/status", body);
  }
  static json::array line(std::int64_t product, std::int64_t quantity) {
    return json::array{json::object{{"product_id", product}, {"quantity", quantity}}};
  }

  inline static std::int64_t cameras_ = 0, books_ = 0;
  inline static std::int64_t camera_ = 0, lens_ = 0, book_ = 0, dollar_ = 0;
};

TEST_F(Orders, TotalsAreComputedFromTheLines) {
  std::int64_t c = customer("Olivia Order");
  auto o = order(json::object{
      {"customer_id", c},
      {"external_id", "WEB-1001"},
      {"channel", "app"},
      {"discount", 5000},
      {"shipping", 499},
      {"tax", 1200},
      {"lines",
       json::array{json::object{{"product_id", camera_}, {"quantity", 1}},
                   json::object{{"sku", "LENS-50"}, {"quantity", 2}, {"unit_price", 11000}},
                   json::object{{"product_id", book_}, {"quantity", 3}}}}});
  EXPECT_EQ(o.at("currency").as_string(), "EUR");
  EXPECT_EQ(o.at("subtotal").as_int64(), 45000 + 2 * 11000 + 3 * 2500);
  EXPECT_EQ(o.at("tax").as_int64(), 1200);
  EXPECT_EQ(o.at("total").as_int64(), 45000 + 22000 + 7500 - 5000 + 499 + 1200);
  EXPECT_EQ(o.at("item_count").as_int64(), 6);
  EXPECT_EQ(o.at("channel").as_string(), "app");
  EXPECT_EQ(o.at("status").as_string(), "placed");
  ASSERT_EQ(o.at("lines").as_array().size(), 3u);
  EXPECT_EQ(o.at("lines").at(1).at("sku").as_string(), "LENS-50");
  EXPECT_EQ(o.at("lines").at(1).at("line_total").as_int64(), 22000);
  ASSERT_EQ(o.at("history").as_array().size(), 1u);
  EXPECT_EQ(o.at("history").at(0).at("status").as_string(), "placed");
  EXPECT_EQ(o.at("history").at(0).at("actor").as_string(), kAdminEmail);
  EXPECT_EQ(o.at("next_statuses"), (json::array{"paid", "shipped", "cancelled"}));
  EXPECT_EQ(get(id_path("/api/v1/orders", o.at("id").as_int64())).json(), o);

  // A later price change does not touch the order.
  ASSERT_EQ(patch(id_path("/api/v1/products", book_), json::object{{"price", 2600}}).status, 200);
  EXPECT_EQ(get(id_path("/api/v1/orders", o.at("id").as_int64())).json().at("total"),
            o.at("total"));
  ASSERT_EQ(patch(id_path("/api/v1/products", book_), json::object{{"price", 2500}}).status, 200);

  expect_error(post("/api/v1/orders", json::object{{"customer_id", c},
                                                   {"external_id", "WEB-1001"},
                                                   {"lines", line(book_, 1)}}),
               409, "external_id_taken", "external_id");
  expect_error(get("/api/v1/orders/99999999"), 404);
}

TEST_F(Orders, ValidationErrorsNameTheField) {
  std::int64_t c = customer("Val Idation");
  auto bad = [&](json::object body, long status, const std::string& field,
                 const std::string& code = {}) {
    if (!body.contains("customer_id")) body["customer_id"] = c;
    if (!body.contains("lines")) body["lines"] = line(book_, 1);
    expect_error(post("/api/v1/orders", body), status, code, field);
  };
  bad({{"customer_id", nullptr}}, 400, "customer_id", "required");
  bad({{"customer_id", "seven"}}, 400, "customer_id");
  bad({{"lines", json::array{}}}, 400, "lines", "required");
  bad({{"lines", "many"}}, 400, "lines");
  bad({{"lines", json::array{5}}}, 400, "lines[0]");
  bad({{"lines", json::array{json::object{{"product_id", book_}}}}}, 400, "lines[0].quantity",
      "required");
  bad({{"lines", json::array{json::object{{"product_id", book_}, {"quantity", 1}},
                             json::object{{"product_id", book_}, {"quantity", 0}}}}},
      400, "lines[1].quantity");
  bad({{"lines", json::array{json::object{{"product_id", book_}, {"quantity", "2"}}}}}, 400,
      "lines[0].quantity");
  bad({{"lines", json::array{json::object{{"quantity", 1}}}}}, 400, "lines[0].product_id",
      "required");
  bad({{"lines",
        json::array{json::object{{"product_id", book_}, {"quantity", 1}, {"unit_price", -1}}}}},
      400, "lines[0].unit_price");
  bad({{"lines", line(424242, 1)}}, 422, "lines[0].product_id", "unknown_product");
  bad({{"lines", json::array{json::object{{"sku", "NOPE"}, {"quantity", 1}}}}}, 422, "lines[0].sku",
      "unknown_product");
  bad({{"lines", json::array{json::object{{"product_id", book_}, {"quantity", 1}},
                             json::object{{"product_id", dollar_}, {"quantity", 1}}}}},
      422, "lines[1].unit_price", "currency_mismatch");
  bad({{"customer_id", 88888888}}, 422, "customer_id", "unknown_customer");
  bad({{"channel", "carrier pigeon"}}, 400, "channel");
  bad({{"discount", 999999}}, 400, "discount");
  bad({{"shipping", -5}}, 400, "shipping");
  bad({{"currency", "EURO"}}, 400, "currency");
  bad({{"placed_at", "2999-01-01"}}, 400, "placed_at");
  bad({{"placed_at", "last week"}}, 400, "placed_at");
  // A product in another currency is fine with an explicit price.
  auto priced = post(
      "/api/v1/orders",
      json::object{{"customer_id", c},
                   {"currency", "EUR"},
                   {"lines", json::array{json::object{
                                 {"product_id", dollar_}, {"quantity", 2}, {"unit_price", 950}}}}});
  ASSERT_EQ(priced.status, 201) << priced.body;
  EXPECT_EQ(priced.json().at("total").as_int64(), 1900);
}

TEST_F(Orders, StatusLifeCycleIsEnforcedAndTrackable) {
  std::int64_t c = customer("Stan Status");
  auto o = order(json::object{
      {"customer_id", c}, {"lines", line(camera_, 1)}, {"placed_at", "2024-03-01T10:00:00Z"}});
  std::int64_t id = o.at("id").as_int64();
  expect_error(set_status(id, json::object{{"status", "delivered"}}), 409, "invalid_transition",
               "status");
  expect_error(set_status(id, json::object{{"status", "teleported"}}), 400, "", "status");
  expect_error(set_status(id, json::object{}), 400, "required", "status");
  expect_error(set_status(id, json::object{{"status", "paid"}, {"at", "2024-02-01"}}), 422, "",
               "at");
  auto paid = set_status(
      id, json::object{
              {"status", "paid"}, {"at", "2024-03-01T10:05:00Z"}, {"note", "card ending 4242"}});
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.json().at("status").as_string(), "paid");
  auto shipped = set_status(id, json::object{{"status", "shipped"},
                                             {"at", "2024-03-02T08:00:00Z"},
                                             {"carrier", "DHL"},
                                             {"tracking_number", "JD0123456789"}});
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(shipped.json().at("carrier").as_string(), "DHL");
  EXPECT_EQ(shipped.json().at("tracking_number").as_string(), "JD0123456789");
  expect_error(set_status(id, json::object{{"status", "paid"}}), 409, "invalid_transition");
  expect_error(set_status(id, json::object{{"status", "cancelled"}}), 409, "invalid_transition");
  ASSERT_EQ(set_status(id, json::object{{"status", "delivered"}}).status, 200);

  auto tracking = get(id_path("/api/v1/orders", id) + "/tracking");
  ASSERT_EQ(tracking.status, 200) << tracking.body;
  auto t = tracking.json();
  EXPECT_EQ(t.at("status").as_string(), "delivered");
  EXPECT_EQ(t.at("carrier").as_string(), "DHL");
  const auto& events = t.at("events").as_array();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events.at(0).at("status").as_string(), "placed");
  EXPECT_EQ(events.at(0).at("at").as_int64(), 1709287200000);
  EXPECT_EQ(events.at(2).at("status").as_string(), "shipped");
  EXPECT_EQ(events.at(2).at("tracking_number").as_string(), "JD0123456789");
  EXPECT_TRUE(events.at(1).at("carrier").is_null());
  EXPECT_EQ(tracking.body.find("4242"), std::string::npos) << "internal notes must not show";
  EXPECT_EQ(tracking.body.find(kAdminEmail), std::string::npos) << "staff must not show";
  // Staff see the notes in the full order.
  EXPECT_NE(get(id_path("/api/v1/orders", id)).body.find("card ending 4242"), std::string::npos);

  auto cancelled = order(json::object{{"customer_id", c}, {"lines", line(book_, 1)}});
  std::int64_t cancelled_id = cancelled.at("id").as_int64();
  ASSERT_EQ(set_status(cancelled_id, json::object{{"status", "cancelled"}}).status, 200);
  auto final_order = get(id_path("/api/v1/orders", cancelled_id)).json();
  EXPECT_TRUE(final_order.at("next_statuses").as_array().empty());
  expect_error(set_status(cancelled_id, json::object{{"status", "paid"}}), 409,
               "invalid_transition");
  expect_error(set_status(99999999, json::object{{"status", "paid"}}), 404);
  expect_error(get("/api/v1/orders/99999999/tracking"), 404);
}

TEST_F(Orders, ListFiltersAndPagesNewestFirst) {
  std::int64_t c = customer("Lisa List");
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto o = order(json::object{{"customer_id", c},
                                {"channel", i % 2 ? "store" : "web"},
                                {"placed_at", "2024-01-0" + std::to_string(i + 1)},
                                {"lines", line(book_, i + 1)}});
    ids.push_back(o.at("id").as_int64());
  }
  ASSERT_EQ(set_status(ids[0], json::object{{"status", "paid"}}).status, 200);
  int pages = 0;
  auto all = all_pages("/api/v1/orders?limit=2&customer=" + std::to_string(c), &pages);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(pages, 3);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].at("id").as_int64(), ids[4 - i]);
    EXPECT_FALSE(all[i].as_object().contains("lines"));
  }
  EXPECT_EQ(all_pages("/api/v1/orders?channel=store&customer=" + std::to_string(c)).size(), 2u);
  auto paid = all_pages("/api/v1/orders?status=paid&customer=" + std::to_string(c));
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid.at(0).at("id").as_int64(), ids[0]);
  auto range = all_pages("/api/v1/orders?placed_from=2024-01-02&placed_to=2024-01-04&customer=" +
                         std::to_string(c));
  ASSERT_EQ(range.size(), 2u);
  EXPECT_EQ(range.at(0).at("id").as_int64(), ids[2]);
  EXPECT_EQ(range.at(1).at("id").as_int64(), ids[1]);
  expect_error(get("/api/v1/orders?status=lost"), 400, "", "status");
  expect_error(get("/api/v1/orders?placed_from=soon"), 400, "", "placed_from");
  expect_error(get("/api/v1/orders?customer=x"), 400, "", "customer");
}

TEST_F(Orders, ReturnsCheckQuantitiesAndCloseTheOrder) {
  std::int64_t c = customer("Rita Return");
  auto o = order(
      json::object{{"customer_id", c},
                   {"lines", json::array{json::object{{"product_id", camera_}, {"quantity", 1}},
                                         json::object{{"product_id", book_}, {"quantity", 2}}}}});
  std::int64_t id = o.at("id").as_int64();
  std::int64_t camera_line = o.at("lines").at(0).at("id").as_int64();
  std::int64_t book_line = o.at("lines").at(1).at("id").as_int64();
  std::string returns = id_path("/api/v1/orders", id) + "/returns";
  json::object one_book{
      {"reason", "damaged"},
      {"lines", json::array{json::object{{"order_line_id", book_line}, {"quantity", 1}}}}};
  expect_error(post(returns, one_book), 409, "not_returnable");
  ASSERT_EQ(set_status(id, json::object{{"status", "shipped"}}).status, 200);
  ASSERT_EQ(set_status(id, json::object{{"status", "delivered"}}).status, 200);

  expect_error(post(returns, json::object{{"lines", one_book.at("lines")}}), 400, "required",
               "reason");
  expect_error(post(returns, json::object{{"reason", "meh"}, {"lines", one_book.at("lines")}}), 400,
               "", "reason");
  expect_error(post(returns, json::object{{"reason", "other"}, {"lines", json::array{}}}), 400,
               "required", "lines");
  expect_error(
      post(returns, json::object{{"reason", "other"},
                                 {"lines", json::array{json::object{{"order_line_id", 987654},
                                                                    {"quantity", 1}}}}}),
      422, "unknown_order_line", "lines[0].order_line_id");
  expect_error(
      post(returns, json::object{{"reason", "other"},
                                 {"lines", json::array{json::object{{"order_line_id", book_line},
                                                                    {"quantity", 3}}}}}),
      422, "quantity_exceeds_remaining", "lines[0].quantity");

  auto first = post(returns, one_book);
  ASSERT_EQ(first.status, 201) << first.body;
  std::int64_t first_id = first.json().at("id").as_int64();
  EXPECT_EQ(first.json().at("refund_amount").as_int64(), 2500);
  EXPECT_EQ(first.json().at("status").as_string(), "requested");
  EXPECT_EQ(first.json().at("customer_id").as_int64(), c);
  EXPECT_EQ(first.json().at("updated_at"), first.json().at("created_at"));
  EXPECT_EQ(get(id_path("/api/v1/orders", id))
                .json()
                .at("lines")
                .at(1)
                .at("returned_quantity")
                .as_int64(),
            1);
  // The same book twice more would be one too many while the first return stands.
  expect_error(
      post(returns, json::object{{"reason", "other"},
                                 {"lines", json::array{json::object{{"order_line_id", book_line},
                                                                    {"quantity", 2}}}}}),
      422, "quantity_exceeds_remaining", "lines[0].quantity");
  std::string first_status = "/api/v1/returns/" + std::to_string(first_id) + "/status";
  auto rejected = post(first_status, json::object{{"status", "rejected"}, {"note", "used"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_GE(rejected.json().at("updated_at").as_int64(), first.json().at("created_at").as_int64());
  expect_error(post(first_status, json::object{{"status", "refunded"}}), 409, "invalid_transition");
  expect_error(post(first_status, json::object{{"status", "lost"}}), 400, "", "status");

  auto all = post(
      returns,
      json::object{
          {"reason", "not_as_described"},
          {"lines", json::array{json::object{{"order_line_id", camera_line}, {"quantity", 1}},
                                json::object{{"order_line_id", book_line}, {"quantity", 2}}}}});
  ASSERT_EQ(all.status, 201) << all.body;
  std::int64_t all_id = all.json().at("id").as_int64();
  EXPECT_EQ(all.json().at("refund_amount").as_int64(), 45000 + 5000);
  std::string all_status = "/api/v1/returns/" + std::to_string(all_id) + "/status";
  ASSERT_EQ(post(all_status, json::object{{"status", "received"}}).status, 200);
  auto closed = get(id_path("/api/v1/orders", id)).json();
  EXPECT_EQ(closed.at("status").as_string(), "returned");
  EXPECT_EQ(closed.at("history").as_array().back().at("status").as_string(), "returned");
  auto refunded = post(all_status, json::object{{"status", "refunded"}});
  ASSERT_EQ(refunded.status, 200) << refunded.body;
  EXPECT_EQ(refunded.json().at("status").as_string(), "refunded");
  EXPECT_EQ(get(id_path("/api/v1/orders", id)).json().at("history").as_array().size(), 4u);

  auto listed = get(returns);
  ASSERT_EQ(listed.status, 200);
  auto listed_body = listed.json();
  ASSERT_EQ(listed_body.at("items").as_array().size(), 2u);
  EXPECT_EQ(listed_body.at("items").at(0).at("status").as_string(), "rejected");
  EXPECT_EQ(get("/api/v1/returns/" + std::to_string(all_id)).json().at("lines").as_array().size(),
            2u);
  expect_error(post(returns, one_book), 409, "not_returnable");
  expect_error(get("/api/v1/returns/99999999"), 404);
  expect_error(get("/api/v1/orders/99999999/returns"), 404);
}

TEST_F(Orders, ProductSalesSumOrdersUnitsAndReturns) {
  std::int64_t kettle = create(
      "/api/v1/products",
      json::object{
          {"sku", "KETTLE-SALES"}, {"name", "Sales Kettle"}, {"price", 3000}, {"currency", "EUR"}});
  std::string sales = id_path("/api/v1/products", kettle) + "/sales";
  auto none = get(sales);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.json().at("product_id").as_int64(), kettle);
  EXPECT_TRUE(none.json().at("items").as_array().empty());

  std::int64_t ann = customer("Sally Sales");
  std::int64_t bob = customer("Sam Sales");
  const std::int64_t t0 = 1'700'000'000'000;
  auto first = order(
      json::object{{"customer_id", ann},
                   {"placed_at", t0},
                   {"lines", json::array{json::object{{"product_id", kettle}, {"quantity", 2}},
                                         json::object{{"product_id", book_}, {"quantity", 1}}}}});
  order(json::object{
      {"customer_id", ann},
      {"placed_at", t0 + 1000},
      {"lines",
       json::array{json::object{{"product_id", kettle}, {"quantity", 1}, {"unit_price", 2500}}}}});
  auto later = order(
      json::object{{"customer_id", bob}, {"placed_at", t0 + 2000}, {"lines", line(kettle, 4)}});
  // A cancelled order counts for nothing.
  auto cancelled = order(
      json::object{{"customer_id", bob}, {"placed_at", t0 + 3000}, {"lines", line(kettle, 7)}});
  ASSERT_EQ(set_status(cancelled.at("id").as_int64(), json::object{{"status", "cancelled"}}).status,
            200);
  // One kettle of the first order comes back; a rejected return of the book does not count.
  std::int64_t first_id = first.at("id").as_int64();
  ASSERT_EQ(set_status(first_id, json::object{{"status", "shipped"}}).status, 200);
  std::string returns = id_path("/api/v1/orders", first_id) + "/returns";
  auto back =
      post(returns, json::object{{"reason", "damaged"},
                                 {"lines", json::array{json::object{
                                               {"order_line_id", first.at("lines").at(0).at("id")},
                                               {"quantity", 1}}}}});
  ASSERT_EQ(back.status, 201) << back.body;
  auto book_back =
      post(returns, json::object{{"reason", "other"},
                                 {"lines", json::array{json::object{
                                               {"order_line_id", first.at("lines").at(1).at("id")},
                                               {"quantity", 1}}}}});
  ASSERT_EQ(book_back.status, 201) << book_back.body;
  ASSERT_EQ(
      post("/api/v1/returns/" + std::to_string(book_back.json().at("id").as_int64()) + "/status",
           json::object{{"status", "rejected"}})
          .status,
      200);

  auto result = get(sales);
  ASSERT_EQ(result.status, 200) << result.body;
  auto items = result.json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << result.body;
  const auto& eur = items.at(0);
  EXPECT_EQ(eur.at("currency").as_string(), "EUR");
  EXPECT_EQ(eur.at("orders").as_int64(), 3);
  EXPECT_EQ(eur.at("customers").as_int64(), 2);
  EXPECT_EQ(eur.at("units").as_int64(), 2 + 1 + 4);
  EXPECT_EQ(eur.at("revenue").as_int64(), 2 * 3000 + 2500 + 4 * 3000);
  EXPECT_EQ(eur.at("returned_units").as_int64(), 1);
  EXPECT_EQ(eur.at("first_ordered_at").as_int64(), t0);
  EXPECT_EQ(eur.at("last_ordered_at").as_int64(), later.at("placed_at").as_int64());

  expect_error(get("/api/v1/products/99999999/sales"), 404);
  expect_error(get("/api/v1/products/abc/sales"), 404);
}

TEST_F(Orders, MergeMovesOrdersAndUndoMovesThemBack) {
  std::int64_t keep = customer("Merge Keeper");
  std::int64_t gone = customer("Merge Gone");
  std::int64_t keep_order =
      order(json::object{{"customer_id", keep}, {"lines", line(book_, 1)}}).at("id").as_int64();
  std::int64_t gone_order =
      order(json::object{{"customer_id", gone}, {"lines", line(lens_, 1)}}).at("id").as_int64();
  auto merged =
      post(id_path("/api/v1/customers", keep) + "/merge", json::object{{"other_id", gone}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(get(id_path("/api/v1/orders", gone_order)).json().at("customer_id").as_int64(), keep);
  EXPECT_EQ(all_pages("/api/v1/orders?customer=" + std::to_string(keep)).size(), 2u);
  EXPECT_EQ(
      get(id_path("/api/v1/customers", keep) + "/summary").json().at("order_count").as_int64(), 2);
  expect_error(
      post("/api/v1/orders", json::object{{"customer_id", gone}, {"lines", line(book_, 1)}}), 422,
      "customer_merged", "customer_id");
  // An order placed after the merge stays with the survivor on undo.
  std::int64_t later =
      order(json::object{{"customer_id", keep}, {"lines", line(book_, 2)}}).at("id").as_int64();
  auto undo = post("/api/v1/customers/merges/" +
                       std::to_string(merged.json().at("merge").at("id").as_int64()) + "/undo",
                   json::object{});
  ASSERT_EQ(undo.status, 200) << undo.body;
  EXPECT_EQ(get(id_path("/api/v1/orders", gone_order)).json().at("customer_id").as_int64(), gone);
  EXPECT_EQ(get(id_path("/api/v1/orders", keep_order)).json().at("customer_id").as_int64(), keep);
  EXPECT_EQ(get(id_path("/api/v1/orders", later)).json().at("customer_id").as_int64(), keep);
}

TEST_F(Orders, TimelineMergesOrdersStatusChangesAndReturnsNewestFirst) {
  std::int64_t c = customer("Tina Timeline");
  auto first = order(json::object{
      {"customer_id", c}, {"placed_at", "2024-05-01T09:00:00Z"}, {"lines", line(camera_, 1)}});
  std::int64_t first_id = first.at("id").as_int64();
  ASSERT_EQ(set_status(first_id, json::object{{"status", "shipped"},
                                              {"at", "2024-05-02T09:00:00Z"},
                                              {"carrier", "UPS"}})
                .status,
            200);
  ASSERT_EQ(
      set_status(first_id, json::object{{"status", "delivered"}, {"at", "2024-05-03T09:00:00Z"}})
          .status,
      200);
  auto second = order(json::object{
      {"customer_id", c}, {"placed_at", "2024-05-04T09:00:00Z"}, {"lines", line(book_, 2)}});
  auto ret = post(
      id_path("/api/v1/orders", first_id) + "/returns",
      json::object{{"reason", "defective"},
                   {"lines", json::array{json::object{
                                 {"order_line_id", first.at("lines").at(0).at("id").as_int64()},
                                 {"quantity", 1}}}}});
  ASSERT_EQ(ret.status, 201) << ret.body;

  auto timeline = get(id_path("/api/v1/customers", c) + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  auto body = timeline.json();
  const auto& items = body.at("items").as_array();
  std::vector<std::string> kinds;
  for (const auto& item : items) kinds.emplace_back(item.at("kind").as_string());
  // The return and the customer record were created just now; the orders are from 2024.
  ASSERT_EQ(kinds.size(), 6u) << timeline.body;
  EXPECT_TRUE((kinds[0] == "return.requested" && kinds[1] == "customer.created") ||
              (kinds[0] == "customer.created" && kinds[1] == "return.requested"))
      << timeline.body;
  EXPECT_EQ(kinds[2], "order.placed");
  EXPECT_EQ(items[2].at("data").at("order_id").as_int64(), second.at("id").as_int64());
  EXPECT_EQ(kinds[3], "order.delivered");
  EXPECT_EQ(kinds[4], "order.shipped");
  EXPECT_EQ(items[4].at("data").at("carrier").as_string(), "UPS");
  EXPECT_EQ(kinds[5], "order.placed");
  EXPECT_EQ(items[5].at("data").at("total").as_int64(), 45000);
  for (std::size_t i = 1; i < items.size(); ++i) {
    EXPECT_GE(items[i - 1].at("at").as_int64(), items[i].at("at").as_int64());
  }

  // Paging one entry at a time gives the same sequence.
  int pages = 0;
  auto paged = all_pages(id_path("/api/v1/customers", c) + "/timeline?limit=1", &pages);
  ASSERT_EQ(paged.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(paged[i].at("kind"), items[i].at("kind"));
    EXPECT_EQ(paged[i].at("id"), items[i].at("id"));
  }
  EXPECT_EQ(pages, static_cast<int>(items.size()) + 1);
}

TEST_F(Orders, SummaryOfLifetimeValue) {
  std::int64_t c = customer("Sam Summary");
  auto a = order(
      json::object{{"customer_id", c},
                   {"placed_at", "2023-01-10"},
                   {"lines", json::array{json::object{{"product_id", camera_}, {"quantity", 1}},
                                         json::object{{"product_id", book_}, {"quantity", 1}}}}});
  auto b = order(json::object{{"customer_id", c},
                              {"placed_at", "2023-06-10"},
                              {"lines", line(book_, 4)},
                              {"shipping", 500}});
  auto cancelled = order(
      json::object{{"customer_id", c}, {"placed_at", "2024-01-01"}, {"lines", line(lens_, 10)}});
  ASSERT_EQ(set_status(cancelled.at("id").as_int64(), json::object{{"status", "cancelled"}}).status,
            200);
  // Refund one book of order a.
  std::int64_t a_id = a.at("id").as_int64();
  ASSERT_EQ(set_status(a_id, json::object{{"status", "shipped"}}).status, 200);
  auto ret =
      post(id_path("/api/v1/orders", a_id) + "/returns",
           json::object{{"reason", "no_longer_needed"},
                        {"lines", json::array{json::object{
                                      {"order_line_id", a.at("lines").at(1).at("id").as_int64()},
                                      {"quantity", 1}}}}});
  ASSERT_EQ(ret.status, 201) << ret.body;
  ASSERT_EQ(post("/api/v1/returns/" + std::to_string(ret.json().at("id").as_int64()) + "/status",
                 json::object{{"status", "refunded"}})
                .status,
            200);

  auto summary = get(id_path("/api/v1/customers", c) + "/summary");
  ASSERT_EQ(summary.status, 200) << summary.body;
  auto s = summary.json();
  const std::int64_t revenue = (45000 + 2500) + (4 * 2500 + 500) - 2500;
  EXPECT_EQ(s.at("order_count").as_int64(), 2);
  EXPECT_EQ(s.at("lifetime_revenue").as_int64(), revenue);
  EXPECT_EQ(s.at("currency").as_string(), "EUR");
  EXPECT_EQ(s.at("average_order_value").as_int64(), revenue / 2);
  EXPECT_EQ(s.at("first_order_at").as_int64(), 1673308800000);  // 2023-01-10
  EXPECT_EQ(s.at("last_order_at").as_int64(), 1686355200000);   // 2023-06-10
  EXPECT_EQ(s.at("returns").as_int64(), 1);
  const auto& favourites = s.at("favourite_categories").as_array();
  ASSERT_EQ(favourites.size(), 2u) << summary.body;
  EXPECT_EQ(favourites.at(0).at("category_id").as_int64(), books_);
  EXPECT_EQ(favourites.at(0).at("quantity").as_int64(), 5);
  EXPECT_EQ(favourites.at(1).at("name").as_string(), "Cameras");
}

TEST_F(Orders, ErasureKeepsOrdersAnonymisedAndExportIncludesThem) {
  std::int64_t c = create("/api/v1/customers", json::object{{"name", "Paula Private"},
                                                            {"email", "paula@private.example"}});
  auto o = order(json::object{{"customer_id", c}, {"lines", line(book_, 1)}});
  std::int64_t id = o.at("id").as_int64();
  ASSERT_EQ(
      set_status(id, json::object{{"status", "paid"}, {"note", "Paula called, 555-0199"}}).status,
      200);
  auto exported = get(id_path("/api/v1/customers", c) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  auto data = exported.json();
  ASSERT_EQ(data.at("orders").as_array().size(), 1u);
  EXPECT_EQ(data.at("orders").at(0).at("id").as_int64(), id);
  EXPECT_TRUE(data.at("orders").at(0).at("returns").is_array());

  ASSERT_EQ(post(id_path("/api/v1/customers", c) + "/erase", json::object{}).status, 200);
  auto kept = get(id_path("/api/v1/orders", id));
  ASSERT_EQ(kept.status, 200);
  EXPECT_EQ(kept.json().at("total"), o.at("total"));
  EXPECT_EQ(kept.json().at("customer_id").as_int64(), c);
  EXPECT_EQ(kept.body.find("555-0199"), std::string::npos) << kept.body;
  EXPECT_EQ(get(id_path("/api/v1/customers", c) + "/summary").json().at("order_count").as_int64(),
            1);
  expect_error(post("/api/v1/orders", json::object{{"customer_id", c}, {"lines", line(book_, 1)}}),
               422, "customer_erased", "customer_id");
}

TEST_F(Orders, RolesGuardOrderWrites) {
  std::int64_t c = customer("Role Player");
  auto marketer = staff("orders-marketing@example.com", "marketing");
  EXPECT_EQ(marketer->get("/api/v1/orders").status, 200);
  expect_error(marketer->send_json("POST", "/api/v1/orders",
                                   json::object{{"customer_id", c}, {"lines", line(book_, 1)}}),
               403, "forbidden_role");
  auto seller = staff("orders-sales@example.com", "sales");
  EXPECT_EQ(seller
                ->send_json("POST", "/api/v1/orders",
                            json::object{{"customer_id", c}, {"lines", line(book_, 1)}})
                .status,
            201);
  auto key = post("/api/v1/api-keys",
                  json::object{{"name", "order reader"}, {"scopes", json::array{"orders:read"}}});
  ASSERT_EQ(key.status, 201);
  std::string bearer = "Authorization: Bearer " + std::string(key.json().at("key").as_string());
  HttpClient api(server_->base_url());
  EXPECT_EQ(api.get("/api/v1/orders", {bearer}).status, 200);
  expect_error(api.request("POST", "/api/v1/orders", "{}", {bearer}), 403, "missing_scope");
}

TEST_F(Orders, GarbageNeverCausesA500) {
  std::int64_t c = customer("Garbage Collector");
  auto o = order(json::object{{"customer_id", c}, {"lines", line(book_, 1)}});
  const std::string id = std::to_string(o.at("id").as_int64());
  const std::string cid = std::to_string(c);
  const std::vector<std::string> bodies = {
      "",
      "null",
      "[]",
      "\"s\"",
      "{",
      "{}",
      "{\"lines\":null}",
      "{\"lines\":[null,1,\"x\"]}",
      "{\"lines\":[{\"product_id\":-1,\"quantity\":9223372036854775807}]}",
      "{\"customer_id\":1e308}",
      "{\"price\":18446744073709551615}",
      "{\"consent\":[]}",
      "{\"consent\":{\"email\":5}}",
      "{\"anniversaries\":[{}]}",
      "{\"tags\":[1]}",
      "{\"attributes\":\"{}\"}",
      "{\"status\":null}",
      "{\"other_id\":0}",
      "{\"parent_id\":-5}",
      "{\"at\":-9223372036854775808}",
      std::string("\0\xff\xfe", 3),
      "{\"name\":\"" + std::string(5000, 'n') + "\"}"};
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/api/v1/categories"},
      {"PATCH", "/api/v1/categories/1"},
      {"POST", "/api/v1/products"},
      {"PATCH", "/api/v1/products/1"},
      {"POST", "/api/v1/customers"},
      {"PATCH", "/api/v1/customers/" + cid},
      {"POST", "/api/v1/customers/" + cid + "/merge"},
      {"POST", "/api/v1/orders"},
      {"POST", "/api/v1/orders/" + id + "/status"},
      {"POST", "/api/v1/orders/" + id + "/returns"},
      {"POST", "/api/v1/returns/1/status"}};
  for (const auto& [method, path] : routes) {
    for (const auto& body : bodies) {
      auto r = client_->request(
          method, path, body,
          {"Content-Type: application/json", "X-CSRF-Token: " + client_->csrf_token});
      EXPECT_GE(r.status, 200) << method << " " << path;
      EXPECT_LT(r.status, 500) << method << " " << path << " body " << body.substr(0, 60) << ": "
                               << r.body;
    }
  }
  for (const std::string& query : std::vector<std::string>{
           "/api/v1/customers?created_from=-1&created_to=99999999999999999999",
           "/api/v1/customers/" + cid + "/timeline?cursor=" + std::string(300, 'A'),
           "/api/v1/customers/duplicates?limit=abc", "/api/v1/orders?placed_from=2024-13-45",
           "/api/v1/products?category=-1&tier=", "/api/v1/customers?q=%00%ff"}) {
    auto r = get(query);
    EXPECT_LT(r.status, 500) << query << ": " << r.body;
  }
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(Orders, ConcurrentWritesCannotBreakTheRules) {
  auto key = post("/api/v1/api-keys", json::object{{"name", "race"}, {"scopes", json::array{"*"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string bearer =
      "Authorization: Bearer " + std::string(key.json().at("key").as_string());
  // Runs `n` requests at once, one client each, and returns their statuses.
  auto race = [&](int n, const std::function<std::pair<std::string, json::value>(int)>& request) {
    std::vector<long> statuses(n, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        HttpClient client(server_->base_url());
        auto [path, body] = request(i);
        statuses[i] = client.request("POST", path, json::serialize(body), {bearer}).status;
      });
    }
    for (auto& t : threads) t.join();
    return statuses;
  };
  auto count = [](const std::vector<long>& statuses, long status) {
    return std::count(statuses.begin(), statuses.end(), status);
  };

  // One order paid six times at once: exactly one wins, the rest see it paid already.
  std::int64_t c = customer("Racer");
  std::int64_t id =
      order(json::object{{"customer_id", c}, {"lines", line(book_, 3)}}).at("id").as_int64();
  auto paid = race(6, [&](int i) {
    return std::make_pair(
        id_path("/api/v1/orders", id) + "/status",
        json::value(json::object{{"status", "paid"}, {"note", std::to_string(i)}}));
  });
  EXPECT_EQ(count(paid, 200), 1);
  EXPECT_EQ(count(paid, 409), 5);
  auto stored = get(id_path("/api/v1/orders", id)).json();
  EXPECT_EQ(stored.at("history").as_array().size(), 2u);

  // Three books, six one-book returns at once: exactly three are accepted.
  std::int64_t shipped =
      order(json::object{{"customer_id", c}, {"lines", line(book_, 3)}}).at("id").as_int64();
  ASSERT_EQ(set_status(shipped, json::object{{"status", "shipped"}}).status, 200);
  std::int64_t line_id =
      get(id_path("/api/v1/orders", shipped)).json().at("lines").at(0).at("id").as_int64();
  auto returns = race(6, [&](int) {
    return std::make_pair(
        id_path("/api/v1/orders", shipped) + "/returns",
        json::value(json::object{
            {"reason", "other"},
            {"lines", json::array{json::object{{"order_line_id", line_id}, {"quantity", 1}}}}}));
  });
  EXPECT_EQ(count(returns, 201), 3);
  EXPECT_EQ(count(returns, 422), 3);

  // Two customers merged into each other at once: one merge, never a cycle.
  for (int round = 0; round < 3; ++round) {
    std::int64_t a = customer("Cross A");
    std::int64_t b = customer("Cross B");
    auto merges = race(2, [&](int i) {
      return std::make_pair(id_path("/api/v1/customers", i ? a : b) + "/merge",
                            json::value(json::object{{"other_id", i ? b : a}}));
    });
    EXPECT_EQ(count(merges, 200), 1);
    EXPECT_EQ(count(merges, 409), 1);
    auto ja = get(id_path("/api/v1/customers", a)).json();
    auto jb = get(id_path("/api/v1/customers", b)).json();
    EXPECT_NE(ja.at("merged_into").is_null(), jb.at("merged_into").is_null());
  }
}

}  // namespace
}  // namespace ecrm::testing
