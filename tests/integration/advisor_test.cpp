// The advisor over HTTP on the test backend: a questionnaire's answers give the advised
// products, best first, with reasons built from the answers (expected values computed by hand
// from the fixture's rules below); the customer's history (bought before: not advised) and
// recommendations (one point more); reasons in the customer's language; answers kept on the
// customer and naming the version they answered; bad answers and definitions refused naming
// the field with nothing stored; who may define, take and read; conversion of advice to orders.
//
// The fixture: cameras (category C) Starter 300.00, Travel 600.00, Pro 1200.00, Sold-out travel
// 550.00 (no stock); lenses (category L) Zoom 400.00, Prime 250.00; a Tripod 50.00 without a
// category; all EUR. Questions:
//   use (required):    travel  -> C +3, Travel camera +2;   studio -> L +2, Tripod +4
//   budget (required): low     -> price_max 700.00;          high   -> price_min 700.00
//   extras (optional, several): lens -> L +1, Travel camera +1; tripod -> Tripod +2
#include <set>

#include "core/time.hpp"
#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDayMs = 86'400'000;

struct Shop {
  std::int64_t cameras = 0, lenses = 0;
  std::int64_t starter = 0, travel = 0, pro = 0, sold_out = 0, zoom = 0, prime = 0, tripod = 0;
};

class Advisor : public PortalBase {
 protected:
  // The catalog, made once per suite.
  const Shop& shop() {
    if (shop_.cameras != 0) return shop_;
    shop_.cameras = create("/api/v1/categories",
                           json::object{{"name", "Advisor Cameras"}, {"slug", "advisor-cameras"}});
    shop_.lenses = create("/api/v1/categories",
                          json::object{{"name", "Advisor Lenses"}, {"slug", "advisor-lenses"}});
    auto product = [&](const std::string& sku, const std::string& name, std::int64_t category,
                       std::int64_t price, std::int64_t stock) {
      json::object body{{"sku", sku},
                        {"name", name},
                        {"price", price},
                        {"currency", "EUR"},
                        {"stock_on_hand", stock}};
      if (category != 0) body["category_id"] = category;
      return create("/api/v1/products", body);
    };
    shop_.starter = product("ADV-STARTER", "Starter Camera", shop_.cameras, 30000, 5);
    shop_.travel = product("ADV-TRAVEL", "Travel Camera", shop_.cameras, 60000, 5);
    shop_.pro = product("ADV-PRO", "Pro Camera", shop_.cameras, 120000, 5);
    shop_.sold_out = product("ADV-SOLDOUT", "Sold-out Travel Camera", shop_.cameras, 55000, 0);
    shop_.zoom = product("ADV-ZOOM", "Zoom Lens", shop_.lenses, 40000, 5);
    shop_.prime = product("ADV-PRIME", "Prime Lens", shop_.lenses, 25000, 3);
    shop_.tripod = product("ADV-TRIPOD", "Tripod", 0, 5000, 10);
    return shop_;
  }

  json::object definition(const std::string& name, const std::string& travel_label = "Travel") {
    const Shop& s = shop();
    auto cat = [](std::int64_t id, std::int64_t score) {
      return json::object{{"category_id", id}, {"score", score}};
    };
    auto prod = [](std::int64_t id, std::int64_t score) {
      return json::object{{"product_id", id}, {"score", score}};
    };
    return json::object{
        {"name", name},
        {"currency", "EUR"},
        {"questions",
         json::array{
             json::object{
                 {"key", "use"},
                 {"text", "What will you use it for?"},
                 {"text_zh", "您主要用它做什么？"},
                 {"options",
                  json::array{json::object{{"key", "travel"},
                                           {"label", travel_label},
                                           {"label_zh", "旅行"},
                                           {"categories", json::array{cat(s.cameras, 3)}},
                                           {"products", json::array{prod(s.travel, 2)}}},
                              json::object{{"key", "studio"},
                                           {"label", "Studio portraits"},
                                           {"categories", json::array{cat(s.lenses, 2)}},
                                           {"products", json::array{prod(s.tripod, 4)}}}}}},
             json::object{{"key", "budget"},
                          {"text", "What is your budget?"},
                          {"text_zh", "您的预算是多少？"},
                          {"options", json::array{json::object{{"key", "low"},
                                                               {"label", "Up to 700 EUR"},
                                                               {"price_max", 70000}},
                                                  json::object{{"key", "high"},
                                                               {"label", "Over 700 EUR"},
                                                               {"price_min", 70000}}}}},
             json::object{
                 {"key", "extras"},
                 {"text", "Which extras do you want?"},
                 {"text_zh", "您想要哪些配件？"},
                 {"required", false},
                 {"multiple", true},
                 {"options",
                  json::array{json::object{{"key", "lens"},
                                           {"label", "A second lens"},
                                           {"label_zh", "第二支镜头"},
                                           {"categories", json::array{cat(s.lenses, 1)}},
                                           {"products", json::array{prod(s.travel, 1)}}},
                              json::object{{"key", "tripod"},
                                           {"label", "A tripod"},
                                           {"label_zh", "三脚架"},
                                           {"products", json::array{prod(s.tripod, 2)}}}}}}}}};
  }

  std::int64_t questionnaire(const std::string& name) {
    return create("/api/v1/advisor", definition(name));
  }

  static json::array answers(std::initializer_list<std::pair<std::string, json::array>> list) {
    json::array out;
    for (const auto& [q, options] : list) {
      out.push_back(json::object{{"question", q}, {"options", options}});
    }
    return out;
  }

  static std::vector<std::int64_t> product_ids(const json::value& advice) {
    std::vector<std::int64_t> out;
    for (const auto& p : advice.at("products").as_array()) {
      out.push_back(p.at("product_id").as_int64());
    }
    return out;
  }

  std::int64_t count(const std::string& sql, std::int64_t id) {
    auto n = connection().query_int(sql, {id});
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(0) : -1;
  }
  std::int64_t submissions(std::int64_t questionnaire_id) {
    return count("SELECT COUNT(*) FROM advisor_submissions WHERE questionnaire_id = $1",
                 questionnaire_id);
  }

  // A customer signed in to the portal, speaking `language`.
  std::int64_t portal_customer(const std::string& name, const std::string& email,
                               const std::string& language) {
    return create("/api/v1/customers",
                  json::object{{"name", name}, {"email", email}, {"language", language}});
  }

  json::object order_of(std::int64_t customer_id, std::int64_t product_id,
                        std::optional<std::int64_t> placed_at = {}) {
    json::object body{
        {"customer_id", customer_id},
        {"lines", json::array{json::object{{"product_id", product_id}, {"quantity", 1}}}}};
    if (placed_at) body["placed_at"] = format_iso8601(*placed_at);
    auto r = post("/api/v1/orders", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }

  inline static Shop shop_;
};

TEST_F(Advisor, AnswersGiveTheAdvisedProductsBestFirstWithReasons) {
  const Shop& s = shop();
  const auto q = questionnaire("Camera advisor");
  ASSERT_NE(q, 0);
  // Travel, up to 700.00, a second lens and a tripod. Scores: Travel camera 3 + 2 + 1 = 6,
  // Starter 3, Tripod 2, Zoom 1, Prime 1 (Pro is over the budget, the sold-out one has no
  // stock); ties by id.
  auto r = post(
      id_path("/api/v1/advisor", q) + "/answers",
      json::object{
          {"answers",
           answers({{"use", {"travel"}}, {"budget", {"low"}}, {"extras", {"lens", "tripod"}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto advice = r.json();
  EXPECT_EQ(product_ids(advice),
            (std::vector<std::int64_t>{s.travel, s.starter, s.tripod, s.zoom, s.prime}));
  const auto& products = advice.at("products").as_array();
  std::vector<std::int64_t> scores;
  for (const auto& p : products) scores.push_back(p.at("score").as_int64());
  EXPECT_EQ(scores, (std::vector<std::int64_t>{6, 3, 2, 1, 1}));
  EXPECT_EQ(str(products[0].at("reason")),
            "Because you chose “Travel” for “What will you use it for?” and “A second lens” for "
            "“Which extras do you want?”, and your budget is up to 700.00 EUR.");
  EXPECT_EQ(str(products[1].at("reason")),
            "Because you chose “Travel” for “What will you use it for?” and your budget is up to "
            "700.00 EUR.");
  EXPECT_EQ(str(products[2].at("reason")),
            "Because you chose “A tripod” for “Which extras do you want?” and your budget is up "
            "to 700.00 EUR.");
  EXPECT_EQ(products[0].at("price").as_int64(), 60000);
  EXPECT_EQ(str(products[0].at("sku")), "ADV-TRAVEL");
  EXPECT_EQ(str(advice.at("language")), "en");
  EXPECT_TRUE(advice.at("customer_id").is_null());
  EXPECT_EQ(advice.at("version").as_int64(), 1);

  // A limit, and a budget above 700.00 for studio work: every studio product is cheaper, so
  // nothing is advised.
  auto limited = post(
      id_path("/api/v1/advisor", q) + "/answers",
      json::object{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})}, {"limit", 1}});
  ASSERT_EQ(limited.status, 201) << limited.body;
  EXPECT_EQ(product_ids(limited.json()), (std::vector<std::int64_t>{s.travel}));
  auto none = post(id_path("/api/v1/advisor", q) + "/answers",
                   json::object{{"answers", answers({{"use", {"studio"}}, {"budget", {"high"}}})}});
  ASSERT_EQ(none.status, 201) << none.body;
  EXPECT_TRUE(none.json().at("products").as_array().empty());

  // An anonymous visitor reads the questions and answers them through the public routes.
  HttpClient visitor(server_->base_url());
  auto questions = visitor.get(id_path("/api/v1/advisor", q) + "/questions");
  ASSERT_EQ(questions.status, 200) << questions.body;
  const auto question_list = questions.json();
  ASSERT_EQ(question_list.at("questions").as_array().size(), 3u);
  // Stored with their defaults said: required unless said otherwise, single choice.
  EXPECT_EQ(question_list.at("questions").at(0).at("required"), json::value(true));
  EXPECT_EQ(question_list.at("questions").at(0).at("multiple"), json::value(false));
  EXPECT_EQ(question_list.at("questions").at(2).at("required"), json::value(false));
  EXPECT_EQ(question_list.at("questions").at(2).at("multiple"), json::value(true));
  auto anonymous = visitor.send_json(
      "POST", id_path("/api/v1/advisor", q) + "/visitor-answers",
      json::object{{"answers", answers({{"use", {"studio"}}, {"budget", {"low"}}})},
                   {"language", "zh-CN"}});
  ASSERT_EQ(anonymous.status, 201) << anonymous.body;
  // Studio, up to 700.00: Tripod 4, Zoom 2, Prime 2.
  EXPECT_EQ(product_ids(anonymous.json()), (std::vector<std::int64_t>{s.tripod, s.zoom, s.prime}));
  EXPECT_EQ(str(anonymous.json().at("products").at(1).at("reason")),
            "因为您在“您主要用它做什么？”选择了“Studio portraits”，预算不超过700.00 EUR。");
  // A visitor names no customer.
  const auto someone = customer("Someone Else", "advisor.someone@example.com");
  expect_error(visitor.send_json(
                   "POST", id_path("/api/v1/advisor", q) + "/visitor-answers",
                   json::object{{"answers", answers({{"use", {"studio"}}, {"budget", {"low"}}})},
                                {"customer_id", someone}}),
               400, "not_allowed", "customer_id");
  EXPECT_EQ(submissions(q), 4);
  expect_error(visitor.get("/api/v1/advisor/999999/questions"), 404);

  // Staff try answers out: the same advice and reasons, stored nowhere.
  auto preview = post(
      id_path("/api/v1/advisor", q) + "/preview",
      json::object{
          {"answers",
           answers({{"use", {"travel"}}, {"budget", {"low"}}, {"extras", {"lens", "tripod"}}})}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(product_ids(preview.json()), product_ids(advice));
  EXPECT_EQ(preview.json().at("products").at(0).at("reason"), products[0].at("reason"));
  EXPECT_EQ(submissions(q), 4);
  expect_error(post(id_path("/api/v1/advisor", q) + "/preview",
                    json::object{{"answers", answers({{"use", {"space"}}, {"budget", {"low"}}})}}),
               400, "", "answers[0].options[0]");
  expect_error(visitor.send_json("POST", id_path("/api/v1/advisor", q) + "/preview",
                                 json::object{{"answers", json::array{}}}),
               401);
}

TEST_F(Advisor, CustomersHistoryRecommendationsLanguageAndAnswersOnTheProfile) {
  const Shop& s = shop();
  const auto q = questionnaire("Portal advisor");
  const auto id = portal_customer("Li Hua", "advisor.lihua@example.com", "zh-CN");
  // Bought the Starter camera before; the Zoom lens is on the stored recommendation list (a
  // build far ahead, so the incremental update after the order does not replace it).
  order_of(id, s.starter);
  auto stored = connection().execute(
      "INSERT INTO customer_recommendations (customer_id, build_id, computed_at, source, items) "
      "VALUES ($1, 1000000000, $2, 'rebuild', $3) ON CONFLICT (customer_id) DO UPDATE SET "
      "build_id = excluded.build_id, computed_at = excluded.computed_at, items = excluded.items",
      {id, now_ms(),
       json::serialize(json::array{json::object{{"product_id", s.zoom}, {"score", 0.5}}})});
  ASSERT_TRUE(stored.ok()) << stored.error().message;

  auto portal = portal_client("advisor.lihua@example.com");
  auto read = portal->get(id_path("/api/v1/portal/advisor", q));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(str(read.json().at("name")), "Portal advisor");
  // The questionnaires the portal offers include it.
  auto offered = portal->get("/api/v1/portal/advisor");
  ASSERT_EQ(offered.status, 200) << offered.body;
  bool listed = false;
  const auto offered_body = offered.json();
  for (const auto& item : offered_body.at("items").as_array()) {
    if (item.at("id").as_int64() == q) listed = true;
  }
  EXPECT_TRUE(listed) << offered.body;
  // Travel, up to 700.00, a second lens: Travel camera 3 + 2 + 1 = 6, Zoom 1 + 1 (recommended)
  // = 2, Prime 1; the Starter camera was bought already.
  auto r = portal->send_json(
      "POST", id_path("/api/v1/portal/advisor", q) + "/answers",
      json::object{
          {"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}, {"extras", {"lens"}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto advice = r.json();
  EXPECT_EQ(product_ids(advice), (std::vector<std::int64_t>{s.travel, s.zoom, s.prime}));
  EXPECT_EQ(advice.at("customer_id").as_int64(), id);
  EXPECT_EQ(str(advice.at("language")), "zh-CN");
  EXPECT_EQ(advice.at("products").at(1).at("score").as_int64(), 2);
  EXPECT_EQ(str(advice.at("products").at(0).at("reason")),
            "因为您在“您主要用它做什么？”选择了“旅行”，在“您想要哪些配件？”选择了“第二支镜头”，"
            "预算不超过700.00 EUR。");
  EXPECT_EQ(str(advice.at("products").at(1).at("reason")),
            "因为您在“您想要哪些配件？”选择了“第二支镜头”，预算不超过700.00 EUR。"
            "这也是为您推荐的商品。");
  // English when asked.
  auto en = portal->send_json(
      "POST", id_path("/api/v1/portal/advisor", q) + "/answers",
      json::object{
          {"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}, {"extras", {"lens"}}})},
          {"language", "en"}});
  ASSERT_EQ(en.status, 201) << en.body;
  EXPECT_EQ(str(en.json().at("products").at(1).at("reason")),
            "Because you chose “A second lens” for “Which extras do you want?” and your budget "
            "is up to 700.00 EUR. It is also among your recommendations.");

  // A new version: earlier answers keep naming version 1 and their reasons.
  auto changed = put(id_path("/api/v1/advisor", q), definition("Portal advisor", "Trips"));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json().at("version").as_int64(), 2);
  auto v2 = post(id_path("/api/v1/advisor", q) + "/answers",
                 json::object{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})},
                              {"customer_id", id},
                              {"language", "en"}});
  ASSERT_EQ(v2.status, 201) << v2.body;
  EXPECT_EQ(v2.json().at("version").as_int64(), 2);
  EXPECT_EQ(str(v2.json().at("products").at(0).at("reason")),
            "Because you chose “Trips” for “What will you use it for?” and your budget is up to "
            "700.00 EUR.");

  // Staff read the answers on the customer, newest first.
  auto kept = get(id_path("/api/v1/customers", id) + "/advisor");
  ASSERT_EQ(kept.status, 200) << kept.body;
  const auto kept_body = kept.json();
  const auto& items = kept_body.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].at("version").as_int64(), 2);
  EXPECT_EQ(items[2].at("version").as_int64(), 1);
  EXPECT_EQ(items[2].at("answers"), json::parse(R"([{"question":"use","options":["travel"]},)"
                                                R"({"question":"budget","options":["low"]},)"
                                                R"({"question":"extras","options":["lens"]}])"));
  EXPECT_EQ(product_ids(items[2]), (std::vector<std::int64_t>{s.travel, s.zoom, s.prime}));
  EXPECT_EQ(items[2].at("products").at(0).at("reason"), advice.at("products").at(0).at("reason"));
  expect_error(get("/api/v1/customers/999999/advisor"), 404);
}

TEST_F(Advisor, BadAnswersAndDefinitionsAreRefusedNamingTheFieldAndStoreNothing) {
  const auto q = questionnaire("Strict advisor");
  const std::string path = id_path("/api/v1/advisor", q) + "/answers";
  expect_error(
      post(path, json::object{{"answers", answers({{"use", {"travel"}}, {"budget", {"cheap"}}})}}),
      400, "unknown_option", "answers[1].options[0]");
  expect_error(post(path, json::object{{"answers", answers({{"use", {"travel"}}})}}), 400,
               "required", "answers.budget");
  expect_error(post(path, json::object{{"answers", answers({{"use", {"travel"}},
                                                            {"budget", {"low"}},
                                                            {"colour", {"red"}}})}}),
               400, "unknown_question", "answers[2].question");
  expect_error(post(path, json::object{{"answers", answers({{"use", {"travel", "studio"}},
                                                            {"budget", {"low"}}})}}),
               400, "single_choice", "answers[0].options");
  expect_error(
      post(path, json::object{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})},
                              {"customer_id", 999999}}),
      400, "unknown_customer", "customer_id");
  expect_error(
      post(path, json::object{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})},
                              {"language", "fr"}}),
      400, "unknown_language", "language");
  expect_error(post(path, json::object{{"answers", "travel"}}), 400, {}, "answers");
  expect_error(post("/api/v1/advisor/999999/answers",
                    json::object{{"answers", answers({{"use", {"travel"}}})}}),
               404);
  EXPECT_EQ(submissions(q), 0);

  // Definitions: an unknown category, a repeated option key, an upside-down price range.
  auto bad = definition("Broken");
  bad["questions"].as_array()[0].as_object()["options"].as_array()[1].as_object()["categories"] =
      json::array{json::object{{"category_id", 999999}, {"score", 1}}};
  expect_error(post("/api/v1/advisor", bad), 400, "unknown_category",
               "questions[0].options[1].categories[0].category_id");
  auto twice = definition("Broken");
  twice["questions"].as_array()[1].as_object()["options"].as_array()[1].as_object()["key"] = "low";
  expect_error(post("/api/v1/advisor", twice), 400, "duplicate_key", "questions[1].options[1].key");
  auto range = definition("Broken");
  range["questions"].as_array()[1].as_object()["options"].as_array()[0].as_object()["price_min"] =
      90000;
  expect_error(put(id_path("/api/v1/advisor", q), range), 400, "invalid_range",
               "questions[1].options[0].price_min");
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM advisor_questionnaires WHERE name = 'Broken' AND id > $1", 0), 0);
  auto unchanged = get(id_path("/api/v1/advisor", q));
  ASSERT_EQ(unchanged.status, 200);
  EXPECT_EQ(unchanged.json().at("version").as_int64(), 1);
}

TEST_F(Advisor, WhoMayDefineTakeAndRead) {
  const auto q = questionnaire("Guarded advisor");
  const json::object body{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})}};
  // An API key without advisor scopes: refused.
  auto key = post("/api/v1/api-keys",
                  json::object{{"name", "no advisor"}, {"scopes", json::array{"customers:read"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  HttpClient with_key(server_->base_url());
  const std::string bearer = "Authorization: Bearer " + str(key.json().at("key"));
  expect_error(with_key.get("/api/v1/advisor", {bearer}), 403);
  expect_error(with_key.get(id_path("/api/v1/advisor", q) + "/report", {bearer}), 403);
  // Service reads but neither defines nor takes; analysts likewise.
  auto service = staff("advisor.service@example.com", "service");
  EXPECT_EQ(service->get(id_path("/api/v1/advisor", q)).status, 200);
  expect_error(service->send_json("POST", "/api/v1/advisor", definition("Nope")), 403);
  expect_error(service->send_json("POST", id_path("/api/v1/advisor", q) + "/answers", body), 403);
  auto analyst = staff("advisor.analyst@example.com", "analyst");
  EXPECT_EQ(analyst->get(id_path("/api/v1/advisor", q) + "/report").status, 200);
  expect_error(analyst->send_json("PUT", id_path("/api/v1/advisor", q), definition("Nope")), 403);
  auto marketing = staff("advisor.marketing@example.com", "marketing");
  EXPECT_EQ(marketing->send_json("POST", id_path("/api/v1/advisor", q) + "/answers", body).status,
            201);

  // A portal customer answers only for themselves: naming another customer is refused and
  // stores nothing; staff routes refuse the portal session.
  const auto me = portal_customer("Guard Me", "advisor.me@example.com", "en");
  const auto other = portal_customer("Guard Other", "advisor.other@example.com", "en");
  auto portal = portal_client("advisor.me@example.com");
  json::object for_other = body;
  for_other["customer_id"] = other;
  expect_error(
      portal->send_json("POST", id_path("/api/v1/portal/advisor", q) + "/answers", for_other), 403,
      "portal_forbidden");
  expect_error(portal->get(id_path("/api/v1/customers", other) + "/advisor"), 401);
  expect_error(portal->send_json("POST", id_path("/api/v1/advisor", q) + "/answers", for_other),
               401);
  EXPECT_EQ(count("SELECT COUNT(*) FROM advisor_submissions WHERE customer_id = $1", other), 0);
  json::object for_me = body;
  for_me["customer_id"] = me;
  auto own = portal->send_json("POST", id_path("/api/v1/portal/advisor", q) + "/answers", for_me);
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(own.json().at("customer_id").as_int64(), me);
  // Staff cookies are no portal credential.
  expect_error(client_->send_json("POST", id_path("/api/v1/portal/advisor", q) + "/answers", body),
               401);
}

TEST_F(Advisor, ConversionCountsOrdersOfAdvisedProductsWithinTheWindow) {
  const Shop& s = shop();
  const auto q = questionnaire("Converting advisor");
  const auto buyer = portal_customer("Conv Buyer", "advisor.buyer@example.com", "en");
  const auto idle = portal_customer("Conv Idle", "advisor.idle@example.com", "en");
  // An order of the Zoom lens before any advice: not a conversion.
  order_of(buyer, s.zoom, now_ms() - 2 * kDayMs);
  const json::object body{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})}};
  for (auto who : {buyer, idle}) {
    json::object b = body;
    b["customer_id"] = who;
    auto r = post(id_path("/api/v1/advisor", q) + "/answers", b);
    ASSERT_EQ(r.status, 201) << r.body;
    // Travel camera 5, Starter 3 (the buyer's Zoom lens is no camera).
    EXPECT_EQ(product_ids(r.json()), (std::vector<std::int64_t>{s.travel, s.starter}));
  }
  auto anonymous = post(id_path("/api/v1/advisor", q) + "/answers", body);
  ASSERT_EQ(anonymous.status, 201) << anonymous.body;

  auto report = [&](int days = 0) {
    auto r = get(id_path("/api/v1/advisor", q) + "/report" +
                 (days > 0 ? "?days=" + std::to_string(days) : ""));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  };
  auto before = report();
  EXPECT_EQ(before.at("submissions").as_int64(), 3);
  EXPECT_EQ(before.at("customer_submissions").as_int64(), 2);
  EXPECT_EQ(before.at("converted_submissions").as_int64(), 0);
  EXPECT_EQ(before.at("orders").as_int64(), 0);
  EXPECT_EQ(str(before.at("conversion_rate")), "0.0%");

  // The buyer orders the advised Travel camera, and the Pro camera that was not advised.
  order_of(buyer, s.travel);
  order_of(buyer, s.pro);
  auto after = report();
  EXPECT_EQ(after.at("days").as_int64(), 30);
  EXPECT_EQ(after.at("converted_submissions").as_int64(), 1);
  EXPECT_EQ(after.at("orders").as_int64(), 1);
  EXPECT_EQ(after.at("units").as_int64(), 1);
  EXPECT_EQ(after.at("revenue").as_int64(), 60000);
  EXPECT_EQ(str(after.at("currency")), "EUR");
  EXPECT_EQ(str(after.at("conversion_rate")), "50.0%");

  // An order that came later than the window: move the advice back 10 days, a 7-day window.
  ASSERT_TRUE(connection()
                  .execute("UPDATE advisor_submissions SET created_at = created_at - $1 "
                           "WHERE questionnaire_id = $2",
                           {10 * kDayMs, q})
                  .ok());
  EXPECT_EQ(report(7).at("converted_submissions").as_int64(), 0);
  EXPECT_EQ(report(30).at("converted_submissions").as_int64(), 1);
  expect_error(get(id_path("/api/v1/advisor", q) + "/report?days=0"), 400, {}, "days");
  expect_error(get("/api/v1/advisor/999999/report"), 404);
}

TEST_F(Advisor, MergesMoveAnswersExportListsThemErasureUnlinksThem) {
  const auto q = questionnaire("Records advisor");
  const auto keep = portal_customer("Rec Keep", "advisor.keep@example.com", "en");
  const auto other = portal_customer("Rec Other", "advisor.recother@example.com", "en");
  auto r = post(id_path("/api/v1/advisor", q) + "/answers",
                json::object{{"answers", answers({{"use", {"travel"}}, {"budget", {"low"}}})},
                             {"customer_id", other}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto answered = r.json().at("id").as_int64();

  auto merged =
      post(id_path("/api/v1/customers", keep) + "/merge", json::object{{"other_id", other}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto kept = get(id_path("/api/v1/customers", keep) + "/advisor");
  ASSERT_EQ(kept.status, 200) << kept.body;
  const auto kept_body = kept.json();
  ASSERT_EQ(kept_body.at("items").as_array().size(), 1u);
  EXPECT_EQ(kept_body.at("items").at(0).at("id").as_int64(), answered);

  auto exported = get(id_path("/api/v1/customers", keep) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_NE(exported.body.find("\"advisor\""), std::string::npos) << exported.body;
  EXPECT_NE(exported.body.find("\"travel\""), std::string::npos) << exported.body;

  auto erased = post(id_path("/api/v1/customers", keep) + "/erase", json::object{});
  ASSERT_EQ(erased.status, 200) << erased.body;
  auto after = get(id_path("/api/v1/customers", keep) + "/advisor");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_TRUE(after.json().at("items").as_array().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM advisor_submissions WHERE id = $1 AND customer_id IS NULL "
                  "AND answers = '{\"answers\":[]}'",
                  answered),
            1);
  // The advice stays, counted as anonymous answers; the chosen options go with the answers.
  EXPECT_EQ(count("SELECT COUNT(*) FROM advisor_advice WHERE submission_id = $1", answered), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM advisor_answer_options WHERE submission_id = $1", answered),
            0);
}

// Advisor answers as a condition of the customer list and of a campaign's audience: each
// customer's latest answers to the questionnaire decide (a retaken questionnaire replaces the
// earlier choice), other questionnaires and anonymous answers never match, a merge carries the
// answers to the survivor, and conditions naming what the questionnaire lacks are refused
// naming the member.
TEST_F(Advisor, AnswersSelectCustomersInTheListAndCampaignAudiences) {
  const auto q = questionnaire("Segment advisor");
  const auto other_q = questionnaire("Segment advisor, other");
  auto person = [&](const std::string& name) {
    return create(
        "/api/v1/customers",
        json::object{{"name", name},
                     {"email", "advisor.seg." + name + "@example.com"},
                     {"consent", json::object{{"email", json::object{{"granted", true},
                                                                     {"how", "signup"}}}}}});
  };
  const auto ann = person("ann"), ben = person("ben"), cy = person("cy"), dee = person("dee"),
             eve = person("eve"), fay = person("fay"), gus = person("gus");
  auto take = [&](std::int64_t questionnaire_id, std::optional<std::int64_t> who, json::array a) {
    json::object body{{"answers", std::move(a)}};
    if (who) body["customer_id"] = *who;
    auto r = post(id_path("/api/v1/advisor", questionnaire_id) + "/answers", body);
    ASSERT_EQ(r.status, 201) << r.body;
  };
  take(q, ann, answers({{"use", {"travel"}}, {"budget", {"low"}}}));
  take(q, ben, answers({{"use", {"studio"}}, {"budget", {"high"}}}));
  // Cy chose travel, then took it again and chose studio: the latest answers count.
  take(q, cy, answers({{"use", {"travel"}}, {"budget", {"low"}}}));
  take(q, cy, answers({{"use", {"studio"}}, {"budget", {"low"}}}));
  take(q, dee,
       answers({{"use", {"travel"}}, {"budget", {"high"}}, {"extras", {"lens", "tripod"}}}));
  // Eve answered only the other questionnaire, Fay's answers go to Gus by a merge, and an
  // anonymous visitor's answers belong to nobody.
  take(other_q, eve, answers({{"use", {"travel"}}, {"budget", {"low"}}}));
  take(q, fay, answers({{"use", {"studio"}}, {"budget", {"low"}}, {"extras", {"tripod"}}}));
  take(q, std::nullopt, answers({{"use", {"travel"}}, {"budget", {"low"}}}));
  ASSERT_EQ(
      post(id_path("/api/v1/customers", gus) + "/merge", json::object{{"other_id", fay}}).status,
      200);

  const std::string qs = "advisor_questionnaire=" + std::to_string(q);
  auto listed = [&](const std::string& query) {
    std::set<std::int64_t> ids;
    auto r = get("/api/v1/customers?limit=500&" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    if (r.status != 200) return ids;
    const auto body = r.json();
    for (const auto& c : body.at("items").as_array()) ids.insert(c.at("id").as_int64());
    return ids;
  };
  using Ids = std::set<std::int64_t>;
  EXPECT_EQ(listed(qs), (Ids{ann, ben, cy, dee, gus}));
  EXPECT_EQ(listed(qs + "&advisor_question=use&advisor_answer=travel"), (Ids{ann, dee}));
  EXPECT_EQ(listed(qs + "&advisor_question=use&advisor_answer=studio"), (Ids{ben, cy, gus}));
  EXPECT_EQ(listed(qs + "&advisor_question=budget&advisor_answer=high"), (Ids{ben, dee}));
  // Any of several options; an optional question answered by some.
  EXPECT_EQ(listed(qs + "&advisor_question=extras&advisor_answer=tripod,%20lens"), (Ids{dee, gus}));
  EXPECT_EQ(listed(qs + "&advisor_question=extras"), (Ids{dee, gus}));
  EXPECT_EQ(listed(qs + "&advisor_question=extras&advisor_answer=lens"), (Ids{dee}));
  // With the list's other filters.
  EXPECT_EQ(listed(qs + "&advisor_question=use&advisor_answer=travel&q=advisor.seg.ann"),
            (Ids{ann}));
  EXPECT_EQ(listed("advisor_questionnaire=" + std::to_string(other_q)), (Ids{eve}));

  // A campaign's audience over the same condition counts the same customers.
  const json::object audience{
      {"advisor_questionnaire", q}, {"advisor_question", "use"}, {"advisor_answer", "studio"}};
  auto size = post("/api/v1/campaigns/audience", json::object{{"audience", audience}});
  ASSERT_EQ(size.status, 200) << size.body;
  EXPECT_EQ(size.json().at("matched").as_int64(), 3);
  EXPECT_EQ(size.json().at("reachable").as_int64(), 3);

  // What the questionnaire lacks, or a condition missing its parts, is refused naming it.
  expect_error(get("/api/v1/customers?advisor_question=use"), 400, "", "advisor_questionnaire");
  expect_error(get("/api/v1/customers?" + qs + "&advisor_answer=travel"), 400, "",
               "advisor_question");
  expect_error(get("/api/v1/customers?" + qs + "&advisor_question=colour"), 400, "unknown_question",
               "advisor_question");
  expect_error(get("/api/v1/customers?" + qs + "&advisor_question=use&advisor_answer=travel,space"),
               400, "unknown_option", "advisor_answer");
  expect_error(get("/api/v1/customers?" + qs + "&advisor_question=use&advisor_answer=travel,,"),
               400, "", "advisor_answer");
  expect_error(get("/api/v1/customers?advisor_questionnaire=999999"), 400, "unknown_questionnaire",
               "advisor_questionnaire");
  expect_error(get("/api/v1/customers?advisor_questionnaire=0"), 400, "", "advisor_questionnaire");
  expect_error(post("/api/v1/campaigns/audience",
                    json::object{{"audience", json::object{{"advisor_questionnaire", q},
                                                           {"advisor_question", "use"},
                                                           {"advisor_answer", "space"}}}}),
               400, "unknown_option", "audience.advisor_answer");
  auto made = post("/api/v1/campaigns",
                   json::object{{"name", "Bad audience"},
                                {"template_key", "win_back"},
                                {"audience", json::object{{"advisor_questionnaire", q},
                                                          {"advisor_answer", "travel"}}}});
  expect_error(made, 400, "", "audience.advisor_question");
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaigns WHERE name = 'Bad audience' AND $1 > 0", 1), 0);
}

}  // namespace
}  // namespace ecrm::testing
