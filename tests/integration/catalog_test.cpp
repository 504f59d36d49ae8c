// /api/v1/categories and /api/v1/products over real HTTP.
#include <set>

#include "crm_support.hpp"

namespace ecrm::testing {

namespace {

namespace json = boost::json;

class Catalog : public CrmApi {};

TEST_F(Catalog, CategoriesFormATreeWithUniqueSlugs) {
  auto electronics = post("/api/v1/categories", json::object{{"name", "Electronics & Photo"}});
  ASSERT_EQ(electronics.status, 201) << electronics.body;
  EXPECT_EQ(electronics.json().at("slug").as_string(), "electronics-photo");
  EXPECT_TRUE(electronics.json().at("parent_id").is_null());
  std::int64_t root = electronics.json().at("id").as_int64();

  std::int64_t cameras =
      create("/api/v1/categories", json::object{{"name", "Cameras"}, {"parent_id", root}});
  std::int64_t lenses =
      create("/api/v1/categories",
             json::object{{"name", "Lenses"}, {"slug", "camera-lenses"}, {"parent_id", cameras}});
  auto chinese = post("/api/v1/categories", json::object{{"name", "婴儿用品"}});
  ASSERT_EQ(chinese.status, 201) << chinese.body;
  EXPECT_EQ(chinese.json().at("slug").as_string(), "婴儿用品");

  expect_error(post("/api/v1/categories", json::object{{"name", "Cameras"}}), 409, "slug_taken",
               "slug");
  expect_error(post("/api/v1/categories", json::object{{"slug", "x"}}), 400, "required", "name");
  expect_error(post("/api/v1/categories", json::object{{"name", "X"}, {"slug", "Bad Slug"}}), 400,
               "", "slug");
  expect_error(post("/api/v1/categories", json::object{{"name", "X"}, {"parent_id", 987654}}), 422,
               "unknown_category", "parent_id");
  expect_error(post("/api/v1/categories", json::object{{"name", 5}}), 400, "", "name");

  // Children of a parent, and the top level.
  auto children = get("/api/v1/categories?parent=" + std::to_string(cameras));
  ASSERT_EQ(children.status, 200) << children.body;
  ASSERT_EQ(children.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(children.json().at("items").at(0).at("id").as_int64(), lenses);
  auto top = all_pages("/api/v1/categories?parent=0&limit=1");
  for (const auto& c : top) EXPECT_TRUE(c.at("parent_id").is_null()) << c;

  // Moving a category under its own descendant would make a cycle.
  expect_error(patch(id_path("/api/v1/categories", root), json::object{{"parent_id", lenses}}), 422,
               "category_cycle", "parent_id");
  expect_error(patch(id_path("/api/v1/categories", root), json::object{{"parent_id", root}}), 422,
               "category_cycle", "parent_id");
  auto moved = patch(id_path("/api/v1/categories", lenses),
                     json::object{{"parent_id", root}, {"name", "Lenses & Filters"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json().at("parent_id").as_int64(), root);
  EXPECT_EQ(moved.json().at("name").as_string(), "Lenses & Filters");
  auto to_top = patch(id_path("/api/v1/categories", lenses), json::object{{"parent_id", nullptr}});
  ASSERT_EQ(to_top.status, 200) << to_top.body;
  EXPECT_TRUE(to_top.json().at("parent_id").is_null());

  // Only empty categories can be deleted.
  expect_error(del(id_path("/api/v1/categories", root)), 409, "category_in_use");
  EXPECT_EQ(del(id_path("/api/v1/categories", lenses)).status, 204);
  expect_error(get(id_path("/api/v1/categories", lenses)), 404);
  expect_error(patch("/api/v1/categories/999999", json::object{{"name", "x"}}), 404);
}

TEST_F(Catalog, ProductCrudWithValidationNamingTheField) {
  std::int64_t books = create("/api/v1/categories", json::object{{"name", "Books"}});
  json::object request{{"sku", "BK-001"},   {"name", "The C++ Book"}, {"category_id", books},
                       {"brand", "Press"},  {"price", 4999},          {"cost", 2500},
                       {"currency", "eur"}, {"stock_on_hand", 12},    {"line", "C++ Book"},
                       {"version", 2}};
  auto created = post("/api/v1/products", request);
  ASSERT_EQ(created.status, 201) << created.body;
  auto product = created.json();
  std::int64_t id = product.at("id").as_int64();
  EXPECT_EQ(product.at("sku").as_string(), "BK-001");
  EXPECT_EQ(product.at("price").as_int64(), 4999);
  EXPECT_EQ(product.at("cost").as_int64(), 2500);
  EXPECT_EQ(product.at("currency").as_string(), "EUR");
  EXPECT_EQ(product.at("version").as_int64(), 2);
  EXPECT_EQ(product.at("active").as_bool(), true);
  EXPECT_EQ(product.at("consumable").as_bool(), false);
  EXPECT_EQ(product.at("price_tier").as_string(), "mid");  // alone in its category
  EXPECT_EQ(get(id_path("/api/v1/products", id)).json(), product);

  expect_error(post("/api/v1/products", request), 409, "sku_taken", "sku");
  auto bad = [&](json::object changes, const std::string& field, long status = 400) {
    json::object body{{"sku", "BK-NEW"}, {"name", "New"}, {"price", 100}};
    for (const auto& [key, value] : changes) body[key] = value;
    expect_error(post("/api/v1/products", body), status, "", field);
  };
  bad({{"price", -1}}, "price");
  bad({{"price", "12.50"}}, "price");
  bad({{"price", nullptr}}, "price");
  bad({{"sku", ""}}, "sku");
  bad({{"name", nullptr}}, "name");
  bad({{"currency", "EURO"}}, "currency");
  bad({{"cost", -5}}, "cost");
  bad({{"version", 0}}, "version");
  bad({{"active", "yes"}}, "active");
  bad({{"repurchase_days", 30}}, "repurchase_days");  // not consumable
  bad({{"consumable", true}, {"repurchase_days", 0}}, "repurchase_days");
  bad({{"category_id", 424242}}, "category_id", 422);
  expect_error(get("/api/v1/products/424242"), 404);
  expect_error(get("/api/v1/products/abc"), 404);
  expect_error(patch("/api/v1/products/424242", json::object{{"price", 1}}), 404);

  auto patched = patch(id_path("/api/v1/products", id), json::object{{"price", 3999},
                                                                     {"cost", nullptr},
                                                                     {"active", false},
                                                                     {"consumable", true},
                                                                     {"repurchase_days", 90}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json().at("price").as_int64(), 3999);
  EXPECT_TRUE(patched.json().at("cost").is_null());
  EXPECT_EQ(patched.json().at("active").as_bool(), false);
  EXPECT_EQ(patched.json().at("repurchase_days").as_int64(), 90);
  EXPECT_EQ(patched.json().at("sku").as_string(), "BK-001");
  EXPECT_GE(patched.json().at("updated_at").as_int64(), product.at("updated_at").as_int64());

  std::int64_t other =
      create("/api/v1/products", json::object{{"sku", "BK-002"}, {"name", "Other"}, {"price", 1}});
  expect_error(patch(id_path("/api/v1/products", other), json::object{{"sku", "BK-001"}}), 409,
               "sku_taken", "sku");
  expect_error(patch(id_path("/api/v1/products", other), json::object{{"name", ""}}), 400, "",
               "name");
  auto uncategorised =
      patch(id_path("/api/v1/products", id), json::object{{"category_id", nullptr}});
  ASSERT_EQ(uncategorised.status, 200) << uncategorised.body;
  EXPECT_TRUE(uncategorised.json().at("category_id").is_null());
}

TEST_F(Catalog, PriceTiersAreTercilesWithinTheCategory) {
  std::int64_t cameras = create("/api/v1/categories", json::object{{"name", "Tier cameras"}});
  std::int64_t phones = create("/api/v1/categories", json::object{{"name", "Tier phones"}});
  auto product = [&](const std::string& sku, std::int64_t price, std::int64_t category) {
    return create(
        "/api/v1/products",
        json::object{{"sku", sku}, {"name", sku}, {"price", price}, {"category_id", category}});
  };
  auto tier = [&](std::int64_t id) {
    return std::string(get(id_path("/api/v1/products", id)).json().at("price_tier").as_string());
  };
  std::int64_t cheap = product("CAM-1", 20000, cameras);
  EXPECT_EQ(tier(cheap), "mid");
  std::int64_t dear = product("CAM-3", 150000, cameras);
  EXPECT_EQ(tier(cheap), "budget");
  EXPECT_EQ(tier(dear), "premium");
  std::int64_t middle = product("CAM-2", 60000, cameras);
  EXPECT_EQ(tier(cheap), "budget");
  EXPECT_EQ(tier(middle), "mid");
  EXPECT_EQ(tier(dear), "premium");
  // Another category's prices do not move these tiers.
  std::int64_t phone = product("PH-1", 10, phones);
  EXPECT_EQ(tier(phone), "mid");
  EXPECT_EQ(tier(cheap), "budget");

  // A price change re-ranks the category.
  ASSERT_EQ(patch(id_path("/api/v1/products", cheap), json::object{{"price", 900000}}).status, 200);
  EXPECT_EQ(tier(cheap), "premium");
  EXPECT_EQ(tier(middle), "budget");
  EXPECT_EQ(tier(dear), "mid");
  // An inactive product stops counting for the others but keeps a tier of its own.
  ASSERT_EQ(patch(id_path("/api/v1/products", cheap), json::object{{"active", false}}).status, 200);
  EXPECT_EQ(tier(middle), "budget");
  EXPECT_EQ(tier(dear), "premium");
  EXPECT_EQ(tier(cheap), "premium");
  // Moving a product re-ranks both categories.
  ASSERT_EQ(patch(id_path("/api/v1/products", dear), json::object{{"category_id", phones}}).status,
            200);
  EXPECT_EQ(tier(middle), "mid");
  EXPECT_EQ(tier(dear), "premium");
  EXPECT_EQ(tier(phone), "budget");

  auto premium = get("/api/v1/products?tier=premium&category=" + std::to_string(phones));
  ASSERT_EQ(premium.status, 200) << premium.body;
  ASSERT_EQ(premium.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(premium.json().at("items").at(0).at("id").as_int64(), dear);
  expect_error(get("/api/v1/products?tier=luxury"), 400, "", "tier");
}

TEST_F(Catalog, ProductListFiltersAndPages) {
  std::int64_t home = create("/api/v1/categories", json::object{{"name", "Home theatre"}});
  std::int64_t speakers =
      create("/api/v1/categories", json::object{{"name", "Speakers"}, {"parent_id", home}});
  std::set<std::int64_t> created;
  for (int i = 0; i < 5; ++i) {
    created.insert(
        create("/api/v1/products", json::object{{"sku", "SPK-" + std::to_string(i)},
                                                {"name", "Soundbar 10" + std::to_string(i) + "%"},
                                                {"brand", i % 2 ? "Acme" : "Sonic"},
                                                {"price", 10000 + i},
                                                {"category_id", speakers},
                                                {"line", "Soundbar"},
                                                {"version", i + 1},
                                                {"active", i != 4}}));
  }
  std::int64_t receiver =
      create("/api/v1/products",
             json::object{
                 {"sku", "RCV-1"}, {"name", "Receiver"}, {"price", 50000}, {"category_id", home}});
  int pages = 0;
  auto subtree =
      all_pages("/api/v1/products?category=" + std::to_string(home) + "&limit=2", &pages);
  EXPECT_EQ(subtree.size(), 6u);
  EXPECT_GE(pages, 3);
  std::set<std::int64_t> seen;
  for (const auto& p : subtree) EXPECT_TRUE(seen.insert(p.at("id").as_int64()).second);
  EXPECT_TRUE(seen.count(receiver));

  EXPECT_EQ(all_pages("/api/v1/products?category=" + std::to_string(speakers)).size(), 5u);
  EXPECT_EQ(all_pages("/api/v1/products?q=SOUNDBAR&active=true").size(), 4u);
  EXPECT_EQ(all_pages("/api/v1/products?q=spk-3").size(), 1u);
  EXPECT_EQ(all_pages("/api/v1/products?brand=acme&category=" + std::to_string(speakers)).size(),
            2u);
  EXPECT_EQ(all_pages("/api/v1/products?active=false&category=" + std::to_string(home)).size(), 1u);
  // LIKE wildcards in q are taken literally.
  EXPECT_EQ(all_pages("/api/v1/products?q=102%25").size(), 1u);
  EXPECT_EQ(all_pages("/api/v1/products?q=%25%25%25").size(), 0u);
  // Versions of one line.
  auto line = all_pages("/api/v1/products?line=Soundbar");
  ASSERT_EQ(line.size(), 5u);
  EXPECT_EQ(line.at(4).at("version").as_int64(), 5);

  expect_error(get("/api/v1/products?category=abc"), 400, "", "category");
  expect_error(get("/api/v1/products?active=maybe"), 400, "", "active");
  expect_error(get("/api/v1/products?limit=100000"), 400, "", "limit");
  expect_error(get("/api/v1/products?cursor=garbage"), 400, "", "cursor");
}

TEST_F(Catalog, RolesAndScopesGuardWrites) {
  auto analyst = staff("catalog-analyst@example.com", "analyst");
  EXPECT_EQ(analyst->get("/api/v1/products").status, 200);
  expect_error(analyst->send_json("POST", "/api/v1/products",
                                  json::object{{"sku", "NOPE"}, {"name", "n"}, {"price", 1}}),
               403, "forbidden_role");

  auto key = post("/api/v1/api-keys", json::object{{"name", "catalog reader"},
                                                   {"scopes", json::array{"catalog:read"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  std::string bearer = "Authorization: Bearer " + std::string(key.json().at("key").as_string());
  HttpClient api(server_->base_url());
  EXPECT_EQ(api.get("/api/v1/categories", {bearer}).status, 200);
  expect_error(api.request("POST", "/api/v1/categories", R"({"name":"Via key"})", {bearer}), 403,
               "missing_scope");
}

TEST_F(Catalog, WritesAreAudited) {
  std::int64_t id =
      create("/api/v1/products", json::object{{"sku", "AUD-1"}, {"name", "Audited"}, {"price", 5}});
  ASSERT_EQ(patch(id_path("/api/v1/products", id), json::object{{"stock_on_hand", 3}}).status, 200);
  auto audit = get("/api/v1/audit?limit=10");
  ASSERT_EQ(audit.status, 200) << audit.body;
  int found = 0;
  auto body = audit.json();
  for (const auto& item : body.at("items").as_array()) {
    if (item.at("entity").as_string() == "product" &&
        item.at("entity_id").as_string() == std::to_string(id)) {
      ++found;
    }
  }
  EXPECT_EQ(found, 2) << audit.body;
}

}  // namespace
}  // namespace ecrm::testing
