// /api/v1/customers over real HTTP: CRUD, search, duplicates, merge and undo, privacy.
#include <map>
#include <set>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Customers : public CrmApi {
 protected:
  std::int64_t customer(json::object body) { return create("/api/v1/customers", body); }
  json::value fetch(std::int64_t id) {
    auto r = get(id_path("/api/v1/customers", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  std::set<std::int64_t> ids(const std::string& path) {
    std::set<std::int64_t> out;
    for (const auto& item : all_pages(path)) out.insert(item.at("id").as_int64());
    return out;
  }
};

TEST_F(Customers, CreateGetAndPatchEveryField) {
  std::int64_t referrer = customer(json::object{{"name", "Referrer"}});
  json::object body{
      {"external_id", "shop-1001"},
      {"name", "  Li Wei "},
      {"email", "Li.Wei@Example.COM"},
      {"phone", "+86 138-0013-8000"},
      {"birthday", "1990-05-17"},
      {"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2015-06-20"}}}},
      {"gender", "female"},
      {"city", "Shanghai"},
      {"country", "CN"},
      {"language", "zh_CN"},
      {"type", "business"},
      {"company", "Wei Trading"},
      {"employee_count", 40},
      {"source", "search ad"},
      {"channel", "Web"},
      {"referred_by", referrer},
      {"tags", json::array{"vip", "b2b", "vip"}},
      {"attributes", json::object{{"shoe_size", 38}, {"newsletter", "weekly"}}},
      {"consent",
       json::object{{"email", json::object{{"granted", true}, {"how", "checkout"}}},
                    {"sms", json::object{{"granted", false}, {"at", "2024-01-02T03:04:05Z"}}}}}};
  auto created = post("/api/v1/customers", body);
  ASSERT_EQ(created.status, 201) << created.body;
  auto c = created.json();
  std::int64_t id = c.at("id").as_int64();
  EXPECT_EQ(c.at("name").as_string(), "Li Wei");
  EXPECT_EQ(c.at("email").as_string(), "Li.Wei@Example.COM");
  EXPECT_EQ(c.at("language").as_string(), "zh-CN");
  EXPECT_EQ(c.at("channel").as_string(), "web");
  EXPECT_EQ(c.at("type").as_string(), "business");
  EXPECT_EQ(c.at("employee_count").as_int64(), 40);
  EXPECT_EQ(c.at("referred_by").as_int64(), referrer);
  EXPECT_EQ(c.at("tags"), (json::array{"b2b", "vip"}));
  EXPECT_EQ(c.at("attributes").at("shoe_size").as_int64(), 38);
  EXPECT_EQ(c.at("anniversaries").at(0).at("kind").as_string(), "wedding");
  EXPECT_EQ(c.at("consent").at("email").at("granted").as_bool(), true);
  EXPECT_EQ(c.at("consent").at("email").at("how").as_string(), "checkout");
  EXPECT_GT(c.at("consent").at("email").at("at").as_int64(), 0);
  EXPECT_EQ(c.at("consent").at("sms").at("granted").as_bool(), false);
  EXPECT_EQ(c.at("consent").at("sms").at("at").as_int64(), 1704164645000);
  EXPECT_TRUE(c.at("consent").at("phone").at("granted").is_null());
  EXPECT_TRUE(c.at("merged_into").is_null());
  EXPECT_EQ(fetch(id), c);

  auto patched = patch(id_path("/api/v1/customers", id),
                       json::object{{"phone", nullptr},
                                    {"company", ""},
                                    {"employee_count", nullptr},
                                    {"tags", json::array{"loyal"}},
                                    {"consent", json::object{{"email", nullptr}}},
                                    {"gender", "unknown"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto p = patched.json();
  EXPECT_TRUE(p.at("phone").is_null());
  EXPECT_EQ(p.at("company").as_string(), "");
  EXPECT_TRUE(p.at("employee_count").is_null());
  EXPECT_TRUE(p.at("gender").is_null());
  EXPECT_EQ(p.at("tags"), (json::array{"loyal"}));
  EXPECT_TRUE(p.at("consent").at("email").at("granted").is_null());
  EXPECT_EQ(p.at("consent").at("sms").at("granted").as_bool(), false);  // untouched
  EXPECT_EQ(p.at("email").as_string(), "Li.Wei@Example.COM");           // untouched
  EXPECT_EQ(p.at("anniversaries").as_array().size(), 1u);               // untouched
  EXPECT_EQ(fetch(id), p);

  expect_error(post("/api/v1/customers", json::object{{"name", "X"}, {"external_id", "shop-1001"}}),
               409, "external_id_taken", "external_id");
  expect_error(get("/api/v1/customers/9999999"), 404);
  expect_error(patch("/api/v1/customers/9999999", json::object{{"name", "x"}}), 404);
}

TEST_F(Customers, ValidationErrorsNameTheField) {
  auto bad = [&](json::object body, const std::string& field, long status = 400) {
    if (!body.contains("name")) body["name"] = "Valid Name";
    expect_error(post("/api/v1/customers", body), status, "", field);
  };
  bad({{"name", ""}}, "name");
  bad({{"name", nullptr}, {"email", nullptr}}, "name");
  bad({{"email", "not-an-address"}}, "email");
  bad({{"email", "a@b"}}, "email");
  bad({{"email", 42}}, "email");
  bad({{"phone", "12"}}, "phone");
  bad({{"phone", "call me"}}, "phone");
  bad({{"birthday", "1990-02-30"}}, "birthday");
  bad({{"birthday", "2999-01-01"}}, "birthday");
  bad({{"birthday", "17.05.1990"}}, "birthday");
  bad({{"gender", "robot"}}, "gender");
  bad({{"type", "alien"}}, "type");
  bad({{"language", "english please"}}, "language");
  bad({{"employee_count", -1}}, "employee_count");
  bad({{"employee_count", "many"}}, "employee_count");
  bad({{"tags", "vip"}}, "tags");
  bad({{"tags", json::array{""}}}, "tags");
  bad({{"attributes", json::array{1}}}, "attributes");
  bad({{"consent", json::object{{"fax", json::object{{"granted", true}}}}}}, "consent.fax");
  bad({{"consent", json::object{{"email", json::object{{"how", "form"}}}}}},
      "consent.email.granted");
  bad({{"consent", json::object{{"sms", json::object{{"granted", true}, {"at", "yesterday"}}}}}},
      "consent.sms.at");
  bad({{"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "June"}}}}},
      "anniversaries[0].date");
  bad({{"anniversaries", json::array{json::object{{"date", "2015-06-20"}}}}},
      "anniversaries[0].kind");
  bad({{"name", std::string(201, 'n')}}, "name");
  bad({{"referred_by", 987654321}}, "referred_by", 422);
  std::int64_t id = customer(json::object{{"email", "only-email@example.com"}});
  expect_error(patch(id_path("/api/v1/customers", id), json::object{{"referred_by", id}}), 422, "",
               "referred_by");
  expect_error(patch(id_path("/api/v1/customers", id), json::object{{"email", ""}}), 400, "",
               "name");
}

TEST_F(Customers, SearchFiltersAndPagination) {
  const std::string tag = "search-tag";
  std::int64_t anna = customer(json::object{{"name", "Anna Müller"},
                                            {"email", "anna@mueller.example"},
                                            {"phone", "+49 30 1234 5678"},
                                            {"city", "Berlin"},
                                            {"tags", json::array{tag, "newsletter"}}});
  std::int64_t acme = customer(json::object{{"name", "Bob Builder"},
                                            {"company", "ACME Schools"},
                                            {"type", "education"},
                                            {"city", "berlin"},
                                            {"tags", json::array{tag}}});
  std::int64_t carl = customer(json::object{{"name", "Carl 50%_off"},
                                            {"email", "carl@example.org"},
                                            {"city", "Munich"},
                                            {"external_id", "EXT-CARL"}});
  EXPECT_EQ(ids("/api/v1/customers?q=ANNA"), (std::set<std::int64_t>{anna}));
  EXPECT_EQ(ids("/api/v1/customers?q=mueller.example"), (std::set<std::int64_t>{anna}));
  EXPECT_EQ(ids("/api/v1/customers?q=acme"), (std::set<std::int64_t>{acme}));
  EXPECT_EQ(ids("/api/v1/customers?q=1234%205678"), (std::set<std::int64_t>{anna}));
  EXPECT_EQ(ids("/api/v1/customers?q=EXT-CARL"), (std::set<std::int64_t>{carl}));
  EXPECT_EQ(ids("/api/v1/customers?q=50%25_"), (std::set<std::int64_t>{carl}));
  EXPECT_TRUE(ids("/api/v1/customers?q=_%25_%25_zz").empty());
  EXPECT_EQ(ids("/api/v1/customers?tag=" + tag), (std::set<std::int64_t>{anna, acme}));
  EXPECT_EQ(ids("/api/v1/customers?tag=" + tag + "&city=BERLIN&type=education"),
            (std::set<std::int64_t>{acme}));
  auto berlin = ids("/api/v1/customers?city=Berlin");
  EXPECT_TRUE(berlin.count(anna) && berlin.count(acme) && !berlin.count(carl));

  std::int64_t created_at = fetch(acme).at("created_at").as_int64();
  auto since = ids("/api/v1/customers?created_from=" + std::to_string(created_at));
  EXPECT_TRUE(since.count(acme) && since.count(carl));
  auto before = ids("/api/v1/customers?created_to=" + std::to_string(created_at));
  EXPECT_FALSE(before.count(acme));
  EXPECT_TRUE(ids("/api/v1/customers?created_from=2999-01-01").empty());

  int pages = 0;
  auto all = all_pages("/api/v1/customers?limit=2", &pages);
  std::set<std::int64_t> seen;
  for (const auto& c : all) EXPECT_TRUE(seen.insert(c.at("id").as_int64()).second);
  EXPECT_GE(seen.size(), 3u);
  EXPECT_GE(pages, 2);

  expect_error(get("/api/v1/customers?type=alien"), 400, "", "type");
  expect_error(get("/api/v1/customers?created_from=yesterday"), 400, "", "created_from");
  expect_error(get("/api/v1/customers?limit=0"), 400, "", "limit");
  expect_error(get("/api/v1/customers?cursor=xyz"), 400, "", "cursor");
}

TEST_F(Customers, DuplicatesByEmailPhoneAndNameCity) {
  std::int64_t a = customer(
      json::object{{"name", "Zhang San"}, {"email", "ZS@dup.example"}, {"city", "Beijing"}});
  std::int64_t b = customer(json::object{{"name", "Someone"}, {"email", " zs@DUP.example "}});
  std::int64_t c = customer(json::object{{"name", "Caller"}, {"phone", "0086 139 1111 2222"}});
  std::int64_t d = customer(json::object{{"name", "Caller Two"}, {"phone", "+86 (139) 1111-2222"}});
  std::int64_t e = customer(json::object{{"name", "san  ZHANG"}, {"city", "beijing "}});
  std::int64_t f = customer(json::object{{"name", "Zhang San"}, {"city", "Shanghai"}});

  auto r = get("/api/v1/customers/duplicates?customer=" + std::to_string(a));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  std::map<std::int64_t, json::array> reasons;
  for (const auto& item : body.at("items").as_array()) {
    std::int64_t x = item.at("a").at("id").as_int64();
    std::int64_t y = item.at("b").at("id").as_int64();
    EXPECT_LT(x, y);
    reasons[x == a ? y : x] = item.at("reasons").as_array();
  }
  EXPECT_EQ(reasons.size(), 2u) << r.body;
  EXPECT_EQ(reasons[b], (json::array{"email"}));
  EXPECT_EQ(reasons[e], (json::array{"name_city"}));
  EXPECT_FALSE(reasons.count(f));

  auto phone = get("/api/v1/customers/duplicates?customer=" + std::to_string(c));
  ASSERT_EQ(phone.status, 200) << phone.body;
  auto phone_body = phone.json();
  ASSERT_EQ(phone_body.at("items").as_array().size(), 1u) << phone.body;
  EXPECT_EQ(phone_body.at("items").at(0).at("b").at("id").as_int64(), d);
  EXPECT_EQ(phone_body.at("items").at(0).at("reasons"), (json::array{"phone"}));

  // Paging through every pair, one at a time, sees each pair once.
  int pages = 0;
  auto pairs = all_pages("/api/v1/customers/duplicates?limit=1", &pages);
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  for (const auto& p : pairs) {
    EXPECT_TRUE(seen.insert({p.at("a").at("id").as_int64(), p.at("b").at("id").as_int64()}).second);
  }
  EXPECT_TRUE(seen.count({a, b}) && seen.count({a, e}) && seen.count({c, d}));
  EXPECT_EQ(pages, static_cast<int>(seen.size()) + 1);
  expect_error(get("/api/v1/customers/duplicates?customer=99999999"), 404);
  expect_error(get("/api/v1/customers/duplicates?cursor=bad"), 400, "", "cursor");
}

TEST_F(Customers, MergeMovesDataAndUndoRestoresBoth) {
  std::int64_t referrer = customer(json::object{{"name", "Ref"}});
  std::int64_t survivor = customer(json::object{
      {"name", "Wang Fang"},
      {"email", "fang@merge.example"},
      {"tags", json::array{"vip"}},
      {"attributes", json::object{{"size", "M"}}},
      {"consent", json::object{{"email", json::object{{"granted", true}, {"at", "2020-01-01"}}}}}});
  std::int64_t other = customer(json::object{
      {"name", "Fang Wang"},
      {"email", "FANG@merge.example"},
      {"phone", "13912345678"},
      {"birthday", "1988-08-08"},
      {"city", "Hangzhou"},
      {"referred_by", referrer},
      {"tags", json::array{"app-user", "vip"}},
      {"attributes", json::object{{"size", "L"}, {"pet", "cat"}}},
      {"anniversaries", json::array{json::object{{"kind", "wedding"}, {"date", "2012-12-12"}}}},
      {"consent", json::object{{"email", json::object{{"granted", false}, {"at", "2023-05-01"}}},
                               {"sms", json::object{{"granted", true}, {"at", "2022-01-01"}}}}}});
  std::int64_t friend_of_other = customer(json::object{{"name", "Friend"}, {"referred_by", other}});
  json::value survivor_before = fetch(survivor);

  expect_error(
      post(id_path("/api/v1/customers", survivor) + "/merge", json::object{{"other_id", survivor}}),
      400, "", "other_id");
  expect_error(
      post(id_path("/api/v1/customers", survivor) + "/merge", json::object{{"other_id", 88888888}}),
      422, "unknown_customer", "other_id");
  expect_error(post(id_path("/api/v1/customers", survivor) + "/merge", json::object{}), 400,
               "required", "other_id");
  expect_error(post("/api/v1/customers/88888888/merge", json::object{{"other_id", other}}), 404);

  auto merged =
      post(id_path("/api/v1/customers", survivor) + "/merge", json::object{{"other_id", other}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto m = merged.json();
  std::int64_t merge_id = m.at("merge").at("id").as_int64();
  auto s = m.at("survivor");
  EXPECT_EQ(s.at("name").as_string(), "Wang Fang");            // kept
  EXPECT_EQ(s.at("email").as_string(), "fang@merge.example");  // kept
  EXPECT_EQ(s.at("phone").as_string(), "13912345678");         // filled
  EXPECT_EQ(s.at("birthday").as_string(), "1988-08-08");
  EXPECT_EQ(s.at("city").as_string(), "Hangzhou");
  EXPECT_EQ(s.at("referred_by").as_int64(), referrer);
  EXPECT_EQ(s.at("tags"), (json::array{"app-user", "vip"}));
  EXPECT_EQ(s.at("attributes"), (json::object{{"size", "M"}, {"pet", "cat"}}));
  EXPECT_EQ(s.at("anniversaries").as_array().size(), 1u);
  EXPECT_EQ(s.at("consent").at("email").at("granted").as_bool(), false);  // the newer decision
  EXPECT_EQ(s.at("consent").at("sms").at("granted").as_bool(), true);
  EXPECT_EQ(m.at("merged").at("merged_into").as_int64(), survivor);
  EXPECT_EQ(fetch(friend_of_other).at("referred_by").as_int64(), survivor);
  EXPECT_EQ(fetch(other).at("merged_into").as_int64(), survivor);
  EXPECT_EQ(fetch(survivor), s);

  // The merged customer is out of lists and duplicates, and cannot be edited or merged again.
  EXPECT_FALSE(ids("/api/v1/customers?q=merge.example").count(other));
  expect_error(patch(id_path("/api/v1/customers", other), json::object{{"name", "x"}}), 409,
               "customer_merged");
  expect_error(
      post(id_path("/api/v1/customers", referrer) + "/merge", json::object{{"other_id", other}}),
      409, "customer_merged", "other_id");
  auto history = get(id_path("/api/v1/customers", survivor) + "/merges");
  ASSERT_EQ(history.status, 200) << history.body;
  auto history_body = history.json();
  ASSERT_EQ(history_body.at("items").as_array().size(), 1u);
  EXPECT_TRUE(history_body.at("items").at(0).at("snapshot").at("changes").is_array());

  // A later edit of a field the merge filled survives the undo; the rest goes back.
  ASSERT_EQ(patch(id_path("/api/v1/customers", survivor), json::object{{"city", "Suzhou"}}).status,
            200);
  auto undone =
      post("/api/v1/customers/merges/" + std::to_string(merge_id) + "/undo", json::object{});
  ASSERT_EQ(undone.status, 200) << undone.body;
  auto restored = fetch(survivor);
  EXPECT_EQ(restored.at("city").as_string(), "Suzhou");
  EXPECT_TRUE(restored.at("phone").is_null());
  EXPECT_TRUE(restored.at("birthday").is_null());
  EXPECT_TRUE(restored.at("referred_by").is_null());
  EXPECT_EQ(restored.at("tags"), survivor_before.at("tags"));
  EXPECT_EQ(restored.at("attributes"), survivor_before.at("attributes"));
  EXPECT_EQ(restored.at("consent"), survivor_before.at("consent"));
  EXPECT_TRUE(restored.at("anniversaries").as_array().empty());
  auto back = fetch(other);
  EXPECT_TRUE(back.at("merged_into").is_null());
  EXPECT_EQ(back.at("phone").as_string(), "13912345678");
  EXPECT_EQ(fetch(friend_of_other).at("referred_by").as_int64(), other);
  EXPECT_EQ(patch(id_path("/api/v1/customers", other), json::object{{"name", "Fang W."}}).status,
            200);

  expect_error(
      post("/api/v1/customers/merges/" + std::to_string(merge_id) + "/undo", json::object{}), 409,
      "merge_undone");
  expect_error(post("/api/v1/customers/merges/77777777/undo", json::object{}), 404);
}

TEST_F(Customers, OnlyTheNewestMergeCanBeUndone) {
  std::int64_t a = customer(json::object{{"name", "Chain A"}});
  std::int64_t b = customer(json::object{{"name", "Chain B"}, {"phone", "5550001"}});
  std::int64_t c = customer(json::object{{"name", "Chain C"}, {"email", "c@chain.example"}});
  auto first = post(id_path("/api/v1/customers", a) + "/merge", json::object{{"other_id", b}});
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = post(id_path("/api/v1/customers", a) + "/merge", json::object{{"other_id", c}});
  ASSERT_EQ(second.status, 200) << second.body;
  std::string first_undo = "/api/v1/customers/merges/" +
                           std::to_string(first.json().at("merge").at("id").as_int64()) + "/undo";
  std::string second_undo = "/api/v1/customers/merges/" +
                            std::to_string(second.json().at("merge").at("id").as_int64()) + "/undo";
  expect_error(post(first_undo, json::object{}), 409, "later_merge");
  ASSERT_EQ(post(second_undo, json::object{}).status, 200);
  ASSERT_EQ(post(first_undo, json::object{}).status, 200);
  auto restored = fetch(a);
  EXPECT_TRUE(restored.at("phone").is_null());
  EXPECT_TRUE(restored.at("email").is_null());
}

TEST_F(Customers, PrivacyExportAndErase) {
  std::int64_t id = customer(json::object{{"name", "Erin Erase"},
                                          {"email", "erin@privacy.example"},
                                          {"phone", "+1 555 010 9999"},
                                          {"external_id", "ERIN-1"},
                                          {"city", "Oslo"},
                                          {"country", "NO"},
                                          {"tags", json::array{"gdpr"}},
                                          {"attributes", json::object{{"note", "allergic"}}}});
  std::int64_t twin =
      customer(json::object{{"name", "Erin Twin"}, {"email", "erin@privacy.example"}});
  auto merge = post(id_path("/api/v1/customers", id) + "/merge", json::object{{"other_id", twin}});
  ASSERT_EQ(merge.status, 200) << merge.body;
  std::int64_t merge_id = merge.json().at("merge").at("id").as_int64();

  auto exported = get(id_path("/api/v1/customers", id) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  auto data = exported.json();
  EXPECT_EQ(data.at("customer").at("email").as_string(), "erin@privacy.example");
  EXPECT_EQ(data.at("customer").at("attributes").at("note").as_string(), "allergic");
  EXPECT_EQ(data.at("merges").as_array().size(), 1u);
  EXPECT_NE(exported.header("content-disposition").find("attachment"), std::string::npos);

  auto erased = post(id_path("/api/v1/customers", id) + "/erase", json::object{});
  ASSERT_EQ(erased.status, 200) << erased.body;
  auto e = fetch(id);
  EXPECT_FALSE(e.at("erased_at").is_null());
  EXPECT_EQ(e.at("name").as_string(), "");
  EXPECT_TRUE(e.at("email").is_null());
  EXPECT_TRUE(e.at("phone").is_null());
  EXPECT_TRUE(e.at("external_id").is_null());
  EXPECT_EQ(e.at("city").as_string(), "");
  EXPECT_EQ(e.at("country").as_string(), "NO");
  EXPECT_TRUE(e.at("tags").as_array().empty());
  EXPECT_TRUE(e.at("attributes").as_object().empty());
  auto after = get(id_path("/api/v1/customers", id) + "/export");
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.body.find("erin@privacy.example"), std::string::npos) << after.body;
  EXPECT_EQ(after.body.find("allergic"), std::string::npos) << after.body;
  auto history = get(id_path("/api/v1/customers", id) + "/merges");
  EXPECT_EQ(history.body.find("erin@privacy.example"), std::string::npos) << history.body;

  EXPECT_TRUE(ids("/api/v1/customers?q=erin").empty());
  EXPECT_TRUE(ids("/api/v1/customers?q=ERIN-1").empty());
  expect_error(post(id_path("/api/v1/customers", id) + "/erase", json::object{}), 409,
               "already_erased");
  expect_error(patch(id_path("/api/v1/customers", id), json::object{{"name", "Back"}}), 409,
               "customer_erased");
  expect_error(
      post("/api/v1/customers/merges/" + std::to_string(merge_id) + "/undo", json::object{}), 409,
      "merge_not_reversible");
  // The external id is free again.
  EXPECT_GT(customer(json::object{{"name", "New Erin"}, {"external_id", "ERIN-1"}}), 0);
  expect_error(post("/api/v1/customers/99999999/erase", json::object{}), 404);
}

TEST_F(Customers, TimelineAndSummaryOfACustomerWithoutOrders) {
  std::int64_t id = customer(json::object{{"name", "Tim Line"}});
  std::int64_t other = customer(json::object{{"name", "Tim Other"}});
  ASSERT_EQ(
      post(id_path("/api/v1/customers", id) + "/merge", json::object{{"other_id", other}}).status,
      200);
  auto timeline = get(id_path("/api/v1/customers", id) + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  auto items = timeline.json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << timeline.body;
  EXPECT_EQ(items.at(0).at("kind").as_string(), "customer.merged");
  EXPECT_EQ(items.at(1).at("kind").as_string(), "customer.created");

  auto summary = get(id_path("/api/v1/customers", id) + "/summary");
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_EQ(summary.json().at("order_count").as_int64(), 0);
  EXPECT_EQ(summary.json().at("lifetime_revenue").as_int64(), 0);
  EXPECT_TRUE(summary.json().at("first_order_at").is_null());
  expect_error(get("/api/v1/customers/99999999/timeline"), 404);
  expect_error(get("/api/v1/customers/99999999/summary"), 404);
  expect_error(get(id_path("/api/v1/customers", id) + "/timeline?cursor=nope"), 400, "", "cursor");
}

TEST_F(Customers, RolesGuardWritesAndPrivacy) {
  std::int64_t id = customer(json::object{{"name", "Guarded"}});
  auto analyst = staff("cust-analyst@example.com", "analyst");
  EXPECT_EQ(analyst->get(id_path("/api/v1/customers", id)).status, 200);
  expect_error(
      analyst->send_json("PATCH", id_path("/api/v1/customers", id), json::object{{"name", "x"}}),
      403, "forbidden_role");
  expect_error(analyst->get(id_path("/api/v1/customers", id) + "/export"), 403);
  auto agent = staff("cust-service@example.com", "service");
  EXPECT_EQ(
      agent->send_json("PATCH", id_path("/api/v1/customers", id), json::object{{"city", "Paris"}})
          .status,
      200);
  EXPECT_EQ(agent->get(id_path("/api/v1/customers", id) + "/export").status, 200);
  expect_error(
      agent->send_json("POST", id_path("/api/v1/customers", id) + "/erase", json::object{}), 403,
      "forbidden_role");
  auto key = post("/api/v1/api-keys",
                  json::object{{"name", "crm reader"}, {"scopes", json::array{"customers:read"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  std::string bearer = "Authorization: Bearer " + std::string(key.json().at("key").as_string());
  HttpClient api(server_->base_url());
  EXPECT_EQ(api.get(id_path("/api/v1/customers", id), {bearer}).status, 200);
  expect_error(api.request("POST", "/api/v1/customers", R"({"name":"Via key"})", {bearer}), 403,
               "missing_scope");
  expect_error(api.get("/api/v1/products", {bearer}), 403, "missing_scope");
}

TEST_F(Customers, MergesAndErasuresAreAudited) {
  std::int64_t a = customer(json::object{{"name", "Audit A"}});
  std::int64_t b = customer(json::object{{"name", "Audit B"}});
  ASSERT_EQ(post(id_path("/api/v1/customers", a) + "/merge", json::object{{"other_id", b}}).status,
            200);
  ASSERT_EQ(post(id_path("/api/v1/customers", b) + "/erase", json::object{}).status, 200);
  auto audit = get("/api/v1/audit?limit=20");
  ASSERT_EQ(audit.status, 200);
  auto body = audit.json();
  bool merge_seen = false;
  bool erase_seen = false;
  for (const auto& item : body.at("items").as_array()) {
    const std::string action(item.at("action").as_string());
    if (action == "POST /api/v1/customers/{id}/merge" &&
        item.at("entity_id").as_string() == std::to_string(a)) {
      merge_seen = true;
      EXPECT_EQ(item.at("details").at("merged_id").as_int64(), b);
      EXPECT_EQ(item.at("actor").as_string(), kAdminEmail);
    }
    if (action == "POST /api/v1/customers/{id}/erase" &&
        item.at("entity_id").as_string() == std::to_string(b)) {
      erase_seen = true;
    }
  }
  EXPECT_TRUE(merge_seen) << audit.body;
  EXPECT_TRUE(erase_seen) << audit.body;
}

}  // namespace
}  // namespace ecrm::testing
