// Configurable products (build to order) over HTTP on the test backend: staff store a
// computer's option groups, options and rules; the configurator prices a configuration as this
// test computes it and names every broken rule; an order of a configured line is checked and
// priced on the server, keeps its options as sold and takes their stock, while an invalid one
// stores nothing; each option's supplier sees its part of the line in the partner portal, and
// only that; and the shop's pages price and check a configuration with the snippet's write key.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kBase = 400000;
constexpr std::int64_t kI9 = 30000;
constexpr std::int64_t k64 = 25000;
constexpr std::int64_t kWifi = 2000;
constexpr std::int64_t kCompact = -1500;

class ConfigurableProducts : public PortalBase {
 protected:
  std::int64_t supplier(const std::string& name) {
    return create("/api/v1/partners", json::object{{"name", name}, {"kind", "supplier"}});
  }

  std::int64_t partner_user(std::int64_t partner_id, const std::string& email) {
    return create(id_path("/api/v1/partners", partner_id) + "/users",
                  json::object{{"email", email}, {"name", email}, {"role", "partner_admin"}});
  }

  // A client signed in to the partner portal as `user_id` through a link staff made.
  std::unique_ptr<HttpClient> partner_client(std::int64_t partner_id, std::int64_t user_id) {
    auto link = post(id_path("/api/v1/partners", partner_id) + "/users/" +
                         std::to_string(user_id) + "/sign-in-link",
                     json::object{});
    EXPECT_EQ(link.status, 201) << link.body;
    auto client = std::make_unique<HttpClient>(server_->base_url());
    if (link.status != 201) return client;
    auto r = client->send_json("POST", "/api/v1/portal/partner/session",
                               json::object{{"token", link.json().at("token")}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status == 200) client->csrf_token = str(r.json().at("csrf_token"));
    return client;
  }

  std::int64_t plain_product(const std::string& sku, std::int64_t price) {
    return create("/api/v1/products", json::object{{"sku", sku},
                                                   {"name", sku + " item"},
                                                   {"price", price},
                                                   {"currency", "EUR"},
                                                   {"stock_on_hand", 50}});
  }

  static json::object option(const std::string& sku, const std::string& name,
                             std::int64_t delta, std::int64_t stock,
                             std::optional<std::int64_t> supplier_id) {
    json::object o{{"sku", sku}, {"name", name}, {"price_delta", delta}, {"stock_on_hand", stock}};
    if (supplier_id) o["supplier_id"] = *supplier_id;
    return o;
  }

  // CPU (required): i5 +0, i9 +30000, from the CPU vendor; memory (required): 16 GB +0,
  // 64 GB +25000 (3 in stock), from the memory vendor; extras (any two): Wi-Fi +2000, compact
  // case -1500. 64 GB requires the i9; Wi-Fi excludes the compact case.
  json::object computer_input(std::int64_t cpu_vendor, std::int64_t memory_vendor,
                              const std::string& prefix) {
    return json::object{
        {"groups",
         json::array{
             json::object{{"key", "cpu"},
                          {"name", "CPU"},
                          {"name_zh", "处理器"},
                          {"required", true},
                          {"options", json::array{option(prefix + "-I5", "Core i5", 0, 10,
                                                         cpu_vendor),
                                                  option(prefix + "-I9", "Core i9", kI9, 10,
                                                         cpu_vendor)}}},
             json::object{{"key", "memory"},
                          {"name", "Memory"},
                          {"required", true},
                          {"options", json::array{option(prefix + "-16", "16 GB", 0, 10,
                                                         memory_vendor),
                                                  option(prefix + "-64", "64 GB", k64, 3,
                                                         memory_vendor)}}},
             json::object{
                 {"key", "extras"},
                 {"name", "Extras"},
                 {"multiple", true},
                 {"options",
                  json::array{option(prefix + "-WIFI", "Wi-Fi", kWifi, 10, std::nullopt),
                              option(prefix + "-CASE", "Compact case", kCompact, 10,
                                     std::nullopt)}}}}},
        {"rules", json::array{json::object{{"kind", "requires"},
                                           {"option", prefix + "-64"},
                                           {"targets", json::array{prefix + "-I9"}}},
                              json::object{{"kind", "excludes"},
                                           {"option", prefix + "-WIFI"},
                                           {"targets", json::array{prefix + "-CASE"}}}}}};
  }

  struct Computer {
    std::int64_t product = 0;
    std::int64_t cpu_vendor = 0;
    std::int64_t memory_vendor = 0;
    std::map<std::string, std::int64_t> option;  // by SKU suffix: I5, I9, 16, 64, WIFI, CASE
    std::map<std::string, std::int64_t> rule;    // requires, excludes
  };

  Computer computer(const std::string& prefix) {
    Computer c;
    c.cpu_vendor = supplier(prefix + " CPUs");
    c.memory_vendor = supplier(prefix + " Memory");
    c.product = plain_product(prefix + "-PC", kBase);
    auto r = put(id_path("/api/v1/products", c.product) + "/configuration",
                 computer_input(c.cpu_vendor, c.memory_vendor, prefix));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return c;
    read_ids(r.json().as_object(), prefix, c);
    return c;
  }

  static void read_ids(const json::object& config, const std::string& prefix, Computer& c) {
    for (const auto& g : config.at("groups").as_array()) {
      for (const auto& o : g.at("options").as_array()) {
        c.option[str(o.at("sku")).substr(prefix.size() + 1)] = o.at("id").as_int64();
      }
    }
    for (const auto& rule : config.at("rules").as_array()) {
      c.rule[str(rule.at("kind"))] = rule.at("id").as_int64();
    }
  }

  std::map<std::string, std::int64_t> stock_of(std::int64_t product) {
    std::map<std::string, std::int64_t> out;
    auto r = get(id_path("/api/v1/products", product) + "/configuration");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    const auto body = r.json();
    for (const auto& g : body.at("groups").as_array()) {
      for (const auto& o : g.at("options").as_array()) {
        out[str(o.at("sku"))] = o.at("stock_on_hand").as_int64();
      }
    }
    return out;
  }

  HttpResult configure(std::int64_t product, const json::array& options,
                       std::int64_t quantity = 1) {
    return post(id_path("/api/v1/products", product) + "/configure",
                json::object{{"options", options}, {"quantity", quantity}});
  }

  std::size_t orders_of(std::int64_t customer_id) {
    auto r = get("/api/v1/orders?customer=" + std::to_string(customer_id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("items").as_array().size() : 0;
  }

  static std::vector<std::string> problem_codes(const json::value& quote) {
    std::vector<std::string> out;
    for (const auto& p : quote.at("problems").as_array()) out.push_back(str(p.at("code")));
    return out;
  }
};

TEST_F(ConfigurableProducts, ConfigurationIsStoredWithStableIdsAndBadInputChangesNothing) {
  auto pc = computer("CFG");
  ASSERT_EQ(pc.option.size(), 6u);
  auto stored = get(id_path("/api/v1/products", pc.product) + "/configuration");
  ASSERT_EQ(stored.status, 200) << stored.body;
  const auto config = stored.json().as_object();
  EXPECT_EQ(config.at("base_price").as_int64(), kBase);
  ASSERT_EQ(config.at("groups").as_array().size(), 3u);
  const auto& cpu = config.at("groups").at(0).as_object();
  EXPECT_EQ(str(cpu.at("name_zh")), "处理器");
  EXPECT_TRUE(cpu.at("required").as_bool());
  EXPECT_EQ(cpu.at("max_choices").as_int64(), 1);
  const auto& extras = config.at("groups").at(2).as_object();
  EXPECT_EQ(extras.at("min_choices").as_int64(), 0);
  EXPECT_EQ(extras.at("max_choices").as_int64(), 2);
  EXPECT_EQ(cpu.at("options").at(1).at("supplier_id").as_int64(), pc.cpu_vendor);
  ASSERT_EQ(config.at("rules").as_array().size(), 2u);
  const auto& requires_rule = config.at("rules").at(0).as_object();
  EXPECT_EQ(requires_rule.at("option_id").as_int64(), pc.option["64"]);
  EXPECT_EQ(requires_rule.at("targets").at(0).as_int64(), pc.option["I9"]);

  // Stored again with a new price for the i9: options keep their ids.
  auto input = computer_input(pc.cpu_vendor, pc.memory_vendor, "CFG");
  input["groups"].as_array()[0].as_object()["options"].as_array()[1].as_object()["price_delta"] =
      31000;
  auto again = put(id_path("/api/v1/products", pc.product) + "/configuration", input);
  ASSERT_EQ(again.status, 200) << again.body;
  Computer after;
  read_ids(again.json().as_object(), "CFG", after);
  EXPECT_EQ(after.option, pc.option);
  EXPECT_EQ(again.json().at("groups").at(0).at("options").at(1).at("price_delta").as_int64(),
            31000);
  const auto before_bad = get(id_path("/api/v1/products", pc.product) + "/configuration").body;

  // Bad input: 4xx naming the field, and the stored configuration unchanged.
  auto negative = computer_input(pc.cpu_vendor, pc.memory_vendor, "CFG");
  negative["groups"].as_array()[1].as_object()["options"].as_array()[0].as_object()
      ["stock_on_hand"] = -1;
  expect_error(put(id_path("/api/v1/products", pc.product) + "/configuration", negative), 400, "",
               "groups[1].options[0].stock_on_hand");
  auto unknown_supplier = computer_input(pc.cpu_vendor, 99999999, "CFG");
  expect_error(put(id_path("/api/v1/products", pc.product) + "/configuration", unknown_supplier),
               422, "unknown_partner", "groups[1].options[0].supplier_id");
  auto unknown_rule = computer_input(pc.cpu_vendor, pc.memory_vendor, "CFG");
  unknown_rule["rules"].as_array()[0].as_object()["targets"] = json::array{"NO-SUCH-SKU"};
  expect_error(put(id_path("/api/v1/products", pc.product) + "/configuration", unknown_rule), 400,
               "unknown_option", "rules[0].targets[0]");
  auto duplicate = computer_input(pc.cpu_vendor, pc.memory_vendor, "CFG");
  duplicate["groups"].as_array()[2].as_object()["options"].as_array()[0].as_object()["sku"] =
      "CFG-I5";
  expect_error(put(id_path("/api/v1/products", pc.product) + "/configuration", duplicate), 400,
               "duplicate_sku", "groups[2].options[0].sku");
  EXPECT_EQ(get(id_path("/api/v1/products", pc.product) + "/configuration").body, before_bad);
  expect_error(put("/api/v1/products/99999999/configuration",
                   computer_input(pc.cpu_vendor, pc.memory_vendor, "CFG")),
               404);

  // A plain product has no groups.
  auto plain = plain_product("CFG-PLAIN", 1000);
  auto none = get(id_path("/api/v1/products", plain) + "/configuration");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.json().at("groups").as_array().empty());
}

TEST_F(ConfigurableProducts, ConfiguratorPricesAndNamesEveryBrokenRule) {
  auto pc = computer("QTE");
  ASSERT_EQ(pc.option.size(), 6u);
  auto valid = configure(pc.product, json::array{pc.option["I9"], pc.option["64"],
                                                 pc.option["WIFI"]},
                         2);
  ASSERT_EQ(valid.status, 200) << valid.body;
  const std::int64_t unit = kBase + kI9 + k64 + kWifi;
  EXPECT_TRUE(valid.json().at("valid").as_bool()) << valid.body;
  EXPECT_EQ(valid.json().at("unit_price").as_int64(), unit);
  EXPECT_EQ(valid.json().at("options_total").as_int64(), kI9 + k64 + kWifi);
  EXPECT_EQ(valid.json().at("total").as_int64(), unit * 2);
  EXPECT_EQ(str(valid.json().at("currency")), "EUR");

  auto cheap = configure(pc.product, json::array{pc.option["I5"], pc.option["16"],
                                                 pc.option["CASE"]});
  ASSERT_EQ(cheap.status, 200) << cheap.body;
  EXPECT_TRUE(cheap.json().at("valid").as_bool());
  EXPECT_EQ(cheap.json().at("unit_price").as_int64(), kBase + kCompact);

  // 64 GB without the i9: the requires rule, naming the option, its group and the rule.
  auto unmet = configure(pc.product, json::array{pc.option["I5"], pc.option["64"]});
  ASSERT_EQ(unmet.status, 200) << unmet.body;
  EXPECT_FALSE(unmet.json().at("valid").as_bool());
  EXPECT_EQ(problem_codes(unmet.json()), std::vector<std::string>{"requires_unmet"});
  const json::value problem = unmet.json().at("problems").at(0);
  EXPECT_EQ(problem.at("rule_id").as_int64(), pc.rule["requires"]);
  EXPECT_EQ(problem.at("option_id").as_int64(), pc.option["64"]);
  EXPECT_EQ(str(problem.at("field")), "options[1]");
  EXPECT_NE(str(problem.at("message")).find("Core i9"), std::string::npos) << unmet.body;

  // Wi-Fi with the compact case, no memory, more stock than there is.
  auto broken = configure(pc.product, json::array{pc.option["I9"], pc.option["WIFI"],
                                                  pc.option["CASE"]},
                          11);
  ASSERT_EQ(broken.status, 200) << broken.body;
  auto codes = problem_codes(broken.json());
  std::multiset<std::string> got(codes.begin(), codes.end());
  EXPECT_EQ(got, (std::multiset<std::string>{"out_of_stock", "out_of_stock", "out_of_stock",
                                             "group_required", "excludes_conflict"}))
      << broken.body;

  auto two_cpus = configure(pc.product, json::array{pc.option["I5"], pc.option["I9"],
                                                    pc.option["16"]});
  ASSERT_EQ(two_cpus.status, 200) << two_cpus.body;
  EXPECT_EQ(problem_codes(two_cpus.json()), std::vector<std::string>{"too_many_choices"});

  // An id that is no option of this product (another product's included) is a 422.
  auto other = computer("QTO");
  expect_error(configure(pc.product, json::array{pc.option["I5"], other.option["16"]}), 422,
               "unknown_option", "options[1]");
  expect_error(configure(pc.product, json::array{99999999}), 422, "unknown_option", "options[0]");
  expect_error(configure(pc.product, json::array{pc.option["I5"], pc.option["I5"]}), 400,
               "duplicate_option", "options[1]");
  expect_error(configure(99999999, json::array{}), 404);
}

TEST_F(ConfigurableProducts, OrderIsPricedOnTheServerKeepsItsOptionsAndTakesStock) {
  auto pc = computer("ORD");
  ASSERT_EQ(pc.option.size(), 6u);
  const auto buyer = customer("Configured Buyer", "configured.buyer@example.com");
  auto other = computer("ORX");
  const auto stock_before = stock_of(pc.product);
  auto order_with = [&](const json::array& options, std::int64_t quantity) {
    return post("/api/v1/orders",
                json::object{{"customer_id", buyer},
                             {"lines", json::array{json::object{{"product_id", pc.product},
                                                                {"quantity", quantity},
                                                                {"options", options}}}}});
  };

  // Invalid configurations: 422 naming the line's field and the rule; nothing stored.
  expect_error(order_with(json::array{pc.option["I5"], pc.option["64"]}, 1), 422,
               "requires_unmet", "lines[0].options[1]");
  expect_error(order_with(json::array{pc.option["16"]}, 1), 422, "group_required",
               "lines[0].options");
  expect_error(order_with(json::array{pc.option["I9"], pc.option["64"]}, 4), 422, "out_of_stock",
               "lines[0].options[1]");
  expect_error(order_with(json::array{pc.option["I5"], other.option["16"]}, 1), 422,
               "unknown_option", "lines[0].options[1]");
  expect_error(order_with(json::array{pc.option["I5"], 99999999}, 1), 422, "unknown_option",
               "lines[0].options[1]");
  // A price from the client is not taken.
  expect_error(
      post("/api/v1/orders",
           json::object{{"customer_id", buyer},
                        {"lines", json::array{json::object{
                                      {"product_id", pc.product},
                                      {"quantity", 1},
                                      {"unit_price", 1},
                                      {"options", json::array{pc.option["I5"], pc.option["16"]}}}}}}),
      422, "configured_price", "lines[0].unit_price");
  // Options for a product that has none.
  const auto plain = plain_product("ORD-PLAIN", 1000);
  expect_error(post("/api/v1/orders",
                    json::object{{"customer_id", buyer},
                                 {"lines", json::array{json::object{
                                               {"product_id", plain},
                                               {"quantity", 1},
                                               {"options", json::array{pc.option["I5"]}}}}}}),
               422, "not_configurable", "lines[0].options");
  EXPECT_EQ(orders_of(buyer), 0u);
  EXPECT_EQ(stock_of(pc.product), stock_before);

  // A valid one, priced as computed here.
  auto placed = order_with(json::array{pc.option["WIFI"], pc.option["I9"], pc.option["64"]}, 2);
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::int64_t unit = kBase + kI9 + k64 + kWifi;
  const auto order = placed.json().as_object();
  const auto& line = order.at("lines").at(0).as_object();
  EXPECT_EQ(line.at("unit_price").as_int64(), unit);
  EXPECT_EQ(line.at("line_total").as_int64(), unit * 2);
  EXPECT_EQ(order.at("total").as_int64(), unit * 2);
  ASSERT_EQ(line.at("options").as_array().size(), 3u);
  // In the order of the groups: CPU, memory, extras; a snapshot of what was sold.
  const auto& first = line.at("options").at(0).as_object();
  EXPECT_EQ(first.at("option_id").as_int64(), pc.option["I9"]);
  EXPECT_EQ(str(first.at("sku")), "ORD-I9");
  EXPECT_EQ(str(first.at("name")), "Core i9");
  EXPECT_EQ(str(first.at("group_key")), "cpu");
  EXPECT_EQ(str(first.at("group_name_zh")), "处理器");
  EXPECT_EQ(first.at("price_delta").as_int64(), kI9);
  EXPECT_EQ(first.at("supplier_id").as_int64(), pc.cpu_vendor);
  EXPECT_EQ(line.at("options").at(1).at("option_id").as_int64(), pc.option["64"]);
  EXPECT_EQ(line.at("options").at(2).at("option_id").as_int64(), pc.option["WIFI"]);

  // Stock taken: two of each chosen option, nothing of the others.
  auto stock_after = stock_of(pc.product);
  auto expected = stock_before;
  expected["ORD-I9"] -= 2;
  expected["ORD-64"] -= 2;
  expected["ORD-WIFI"] -= 2;
  EXPECT_EQ(stock_after, expected);

  // Only one 64 GB left: a second order of two is refused and takes nothing.
  expect_error(order_with(json::array{pc.option["I9"], pc.option["64"]}, 2), 422, "out_of_stock",
               "lines[0].options[1]");
  EXPECT_EQ(stock_of(pc.product), expected);
  EXPECT_EQ(orders_of(buyer), 1u);

  // The order keeps what was sold after the configuration changes.
  auto input = computer_input(pc.cpu_vendor, pc.memory_vendor, "ORD");
  input["groups"].as_array()[0].as_object()["options"].as_array()[1].as_object()["name"] =
      "Core i9 (new)";
  input["groups"].as_array()[0].as_object()["options"].as_array()[1].as_object()["price_delta"] =
      99000;
  ASSERT_EQ(put(id_path("/api/v1/products", pc.product) + "/configuration", input).status, 200);
  auto reread = get(id_path("/api/v1/orders", order.at("id").as_int64()));
  ASSERT_EQ(reread.status, 200) << reread.body;
  const json::value kept = reread.json().at("lines").at(0).at("options").at(0);
  EXPECT_EQ(str(kept.at("name")), "Core i9");
  EXPECT_EQ(kept.at("price_delta").as_int64(), kI9);
}

TEST_F(ConfigurableProducts, EachSupplierSeesOnlyItsPart) {
  auto pc = computer("PRT");
  ASSERT_EQ(pc.option.size(), 6u);
  // A plain line on the same order, supplied through a product link as before.
  const auto mouse_vendor = supplier("PRT Mice");
  const auto mouse = plain_product("PRT-MOUSE", 3000);
  ASSERT_EQ(post(id_path("/api/v1/partners", mouse_vendor) + "/products",
                 json::object{{"product_id", mouse},
                              {"cost", 1000},
                              {"currency", "EUR"},
                              {"lead_time_days", 2}})
                .status,
            201);
  const auto buyer = create("/api/v1/customers", json::object{{"name", "Parts Buyer"},
                                                              {"email", "parts.buyer@example.com"},
                                                              {"phone", "+86 138 0000 1111"},
                                                              {"city", "Suzhou"},
                                                              {"country", "CN"}});
  auto placed = post(
      "/api/v1/orders",
      json::object{
          {"customer_id", buyer},
          {"lines", json::array{json::object{{"product_id", pc.product},
                                             {"quantity", 2},
                                             {"options", json::array{pc.option["I9"],
                                                                     pc.option["64"],
                                                                     pc.option["WIFI"]}}},
                                json::object{{"product_id", mouse}, {"quantity", 1}}}}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const auto order_id = placed.json().at("id").as_int64();
  const auto pc_line = placed.json().at("lines").at(0).at("id").as_int64();
  const auto mouse_line = placed.json().at("lines").at(1).at("id").as_int64();

  auto cpu = partner_client(pc.cpu_vendor, partner_user(pc.cpu_vendor, "cpu@prt.example"));
  auto memory =
      partner_client(pc.memory_vendor, partner_user(pc.memory_vendor, "memory@prt.example"));
  auto mice = partner_client(mouse_vendor, partner_user(mouse_vendor, "mice@prt.example"));
  const std::string of_order = "/api/v1/portal/partner/lines?order_id=" + std::to_string(order_id);

  struct Seen {
    std::set<std::int64_t> lines;
    std::vector<std::string> part_skus;
  };
  auto seen = [&](HttpClient& client) {
    Seen out;
    auto r = client.get(of_order);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    EXPECT_EQ(r.body.find("parts.buyer@example.com"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("0000 1111"), std::string::npos) << r.body;
    const auto body = r.json();
    for (const auto& item : body.at("items").as_array()) {
      out.lines.insert(item.at("id").as_int64());
      EXPECT_EQ(str(item.at("delivery").at("city")), "Suzhou");
      for (const auto& part : item.at("parts").as_array()) {
        out.part_skus.push_back(str(part.at("sku")));
        EXPECT_EQ(part.at("quantity").as_int64(), 2);
      }
    }
    return out;
  };

  auto cpu_sees = seen(*cpu);
  EXPECT_EQ(cpu_sees.lines, std::set<std::int64_t>{pc_line});
  EXPECT_EQ(cpu_sees.part_skus, std::vector<std::string>{"PRT-I9"});
  auto memory_sees = seen(*memory);
  EXPECT_EQ(memory_sees.lines, std::set<std::int64_t>{pc_line});
  EXPECT_EQ(memory_sees.part_skus, std::vector<std::string>{"PRT-64"});
  auto mice_sees = seen(*mice);
  EXPECT_EQ(mice_sees.lines, std::set<std::int64_t>{mouse_line});
  EXPECT_TRUE(mice_sees.part_skus.empty());

  // The memory vendor's row names its part, not the computer or the CPU.
  auto row = memory->get(id_path("/api/v1/portal/partner/lines", pc_line));
  ASSERT_EQ(row.status, 200) << row.body;
  EXPECT_EQ(str(row.json().at("sku")), "PRT-64");
  EXPECT_EQ(row.body.find("PRT-I9"), std::string::npos) << row.body;
  EXPECT_EQ(row.body.find("Core i9"), std::string::npos) << row.body;
  EXPECT_EQ(memory->get(id_path("/api/v1/portal/partner/lines", mouse_line)).status, 404);
  EXPECT_EQ(mice->get(id_path("/api/v1/portal/partner/lines", pc_line)).status, 404);

  // Acknowledging its part keeps the memory vendor to its part; the CPU vendor's stays open.
  auto ack = memory->send_json(
      "POST", id_path("/api/v1/portal/partner/lines", pc_line) + "/acknowledge", json::object{});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(str(ack.json().at("state")), "acknowledged");
  EXPECT_EQ(ack.json().at("parts").as_array().size(), 1u);
  auto memory_after = seen(*memory);
  EXPECT_EQ(memory_after.lines, std::set<std::int64_t>{pc_line});
  EXPECT_EQ(memory_after.part_skus, std::vector<std::string>{"PRT-64"});
  auto cpu_row = cpu->get(id_path("/api/v1/portal/partner/lines", pc_line));
  ASSERT_EQ(cpu_row.status, 200) << cpu_row.body;
  EXPECT_EQ(str(cpu_row.json().at("state")), "open");

  // Staff see the same per partner.
  auto staff_view = get(id_path("/api/v1/partners", pc.cpu_vendor) + "/lines?order_id=" +
                        std::to_string(order_id));
  ASSERT_EQ(staff_view.status, 200) << staff_view.body;
  ASSERT_EQ(staff_view.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(str(staff_view.json().at("items").at(0).at("parts").at(0).at("sku")), "PRT-I9");
}

// A part-only supplier is scored on its parts, from the values computed here: the memory
// vendor (lead time 7 days, the default) supplies the memory and the Wi-Fi of a computer that
// another supplier assembles; it ships one order's parts late and another's on time, a third
// stays open. Two parts of one line are one line; the line's units and returns are its; its
// revenue is the parts' price deltas; its currency the orders'. The all-partners scorecards
// equal each partner's own, and the assembler's card does not move when the parts ship.
TEST_F(ConfigurableProducts, PartSuppliersAreScoredOnTheirParts) {
  const auto cpu_vendor = supplier("SCO CPUs");
  const auto memory_vendor = supplier("SCO Memory");
  const auto assembler = supplier("SCO Assembly");
  const auto pc_product = plain_product("SCO-PC", kBase);
  auto input = computer_input(cpu_vendor, memory_vendor, "SCO");
  input["groups"].as_array()[2].as_object()["options"].as_array()[0].as_object()["supplier_id"] =
      memory_vendor;  // Wi-Fi from the memory vendor too
  auto configured = put(id_path("/api/v1/products", pc_product) + "/configuration", input);
  ASSERT_EQ(configured.status, 200) << configured.body;
  Computer pc;
  pc.product = pc_product;
  read_ids(configured.json().as_object(), "SCO", pc);
  ASSERT_EQ(pc.option.size(), 6u);
  ASSERT_EQ(post(id_path("/api/v1/partners", assembler) + "/products",
                 json::object{{"product_id", pc.product},
                              {"cost", 250000},
                              {"currency", "EUR"},
                              {"lead_time_days", 3}})
                .status,
            201);
  const auto buyer = create("/api/v1/customers", json::object{{"name", "Score Buyer"},
                                                              {"email", "score.buyer@example.com"},
                                                              {"city", "Ningbo"},
                                                              {"country", "CN"}});
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  auto place = [&](std::int64_t quantity, const json::array& options, std::int64_t placed_at) {
    auto r = post("/api/v1/orders",
                  json::object{{"customer_id", buyer},
                               {"placed_at", placed_at},
                               {"lines", json::array{json::object{{"product_id", pc.product},
                                                                  {"quantity", quantity},
                                                                  {"options", options}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  };
  constexpr std::int64_t kDayMs = 86'400'000;
  const auto late =
      place(2, json::array{pc.option["I9"], pc.option["64"], pc.option["WIFI"]}, now - 9 * kDayMs);
  const auto on_time = place(1, json::array{pc.option["I9"], pc.option["64"]}, now - 2 * kDayMs);
  const auto unshipped = place(4, json::array{pc.option["I5"], pc.option["16"]}, now - kDayMs);
  ASSERT_FALSE(late.empty() || on_time.empty() || unshipped.empty());
  auto line_of = [](const json::object& order) {
    return order.at("lines").at(0).at("id").as_int64();
  };
  std::int64_t whole_revenue = 0;
  for (const auto* o : {&late, &on_time, &unshipped}) {
    whole_revenue += o->at("lines").at(0).at("line_total").as_int64();
  }

  auto card_of = [&](std::int64_t id) {
    auto r = get(id_path("/api/v1/partners", id) + "/scorecard");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  };
  // The assembler ships the on-time order's computer; its card, before the parts ship, does not
  // move when they do.
  auto assembly = partner_client(assembler, partner_user(assembler, "ops@sco-assembly.example"));
  auto shipped = assembly->send_json(
      "POST", id_path("/api/v1/portal/partner/lines", line_of(on_time)) + "/shipment",
      json::object{{"carrier", "SF"}, {"tracking_number", "SF100"}});
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  const auto assembly_lead =
      shipped.json().at("shipped_at").as_int64() - on_time.at("placed_at").as_int64();
  const auto before = card_of(assembler);
  ASSERT_FALSE(before.empty());

  // The memory vendor ships its parts of the late and the on-time order.
  auto memory = partner_client(memory_vendor, partner_user(memory_vendor, "memory@sco.example"));
  std::vector<std::int64_t> lead_ms;
  for (const auto* o : {&late, &on_time}) {
    auto r = memory->send_json(
        "POST", id_path("/api/v1/portal/partner/lines", line_of(*o)) + "/shipment",
        json::object{{"carrier", "SF"},
                     {"tracking_number", "SF2" + std::to_string(lead_ms.size())}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("promised_by").as_int64(), o->at("placed_at").as_int64() + 7 * kDayMs);
    lead_ms.push_back(r.json().at("shipped_at").as_int64() - o->at("placed_at").as_int64());
  }
  EXPECT_EQ(json::value(card_of(assembler)), json::value(before));
  // A defective computer of the late order: the line's returns are its part suppliers' too.
  auto returned = post(
      id_path("/api/v1/orders", late.at("id").as_int64()) + "/returns",
      json::object{
          {"reason", "defective"},
          {"lines", json::array{json::object{{"order_line_id", line_of(late)}, {"quantity", 1}}}}});
  ASSERT_EQ(returned.status, 201) << returned.body;

  // Computed here: 3 lines of 7 units; shipped 9 and 2 days after placing, 7 promised.
  const std::int64_t on_time_parts = std::count_if(
      lead_ms.begin(), lead_ms.end(), [](std::int64_t ms) { return ms <= 7 * kDayMs; });
  EXPECT_EQ(on_time_parts, 1);
  std::vector<std::int64_t> sorted = lead_ms;
  std::sort(sorted.begin(), sorted.end());
  auto days_at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return static_cast<double>(sorted[rank - 1]) / kDayMs;
  };
  const std::int64_t memory_revenue = 2 * (k64 + kWifi) + 1 * k64 + 4 * 0;
  auto portal_card = memory->get("/api/v1/portal/partner/scorecard");
  ASSERT_EQ(portal_card.status, 200) << portal_card.body;
  for (const auto& c : {card_of(memory_vendor), portal_card.json().as_object()}) {
    ASSERT_FALSE(c.empty());
    EXPECT_EQ(c.at("lines").as_int64(), 3);
    EXPECT_EQ(c.at("units").as_int64(), 7);
    EXPECT_EQ(c.at("shipped_lines").as_int64(), 2);
    EXPECT_EQ(c.at("on_time_lines").as_int64(), on_time_parts);
    EXPECT_NEAR(c.at("on_time_rate").to_number<double>(), 0.5, 1e-4);
    EXPECT_NEAR(c.at("lead_time_median_days").to_number<double>(), days_at(0.5), 1e-3);
    EXPECT_NEAR(c.at("lead_time_p90_days").to_number<double>(), days_at(0.9), 1e-3);
    EXPECT_EQ(c.at("returned_units").as_int64(), 1);
    EXPECT_EQ(c.at("defective_units").as_int64(), 1);
    EXPECT_NEAR(c.at("return_rate").to_number<double>(), 1.0 / 7.0, 1e-4);
    EXPECT_EQ(c.at("revenue").as_int64(), memory_revenue);
    EXPECT_EQ(c.at("cost").as_int64(), 0);
    EXPECT_EQ(c.at("margin").as_int64(), memory_revenue);
    EXPECT_EQ(str(c.at("currency")), "EUR");
  }
  // The CPU vendor: its parts of the three lines, none shipped.
  const auto cpu = card_of(cpu_vendor);
  ASSERT_FALSE(cpu.empty());
  EXPECT_EQ(cpu.at("lines").as_int64(), 3);
  EXPECT_EQ(cpu.at("shipped_lines").as_int64(), 0);
  EXPECT_EQ(cpu.at("revenue").as_int64(), 3 * kI9);
  EXPECT_EQ(str(cpu.at("currency")), "EUR");
  EXPECT_TRUE(cpu.at("lead_time_median_days").is_null());

  // The assembler: the whole lines, with its own figures.
  const auto after = card_of(assembler);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.at("lines").as_int64(), 3);
  EXPECT_EQ(after.at("units").as_int64(), 7);
  EXPECT_EQ(after.at("shipped_lines").as_int64(), 1);
  EXPECT_EQ(after.at("on_time_lines").as_int64(), assembly_lead <= 3 * kDayMs ? 1 : 0);
  EXPECT_NEAR(after.at("lead_time_median_days").to_number<double>(),
              static_cast<double>(assembly_lead) / kDayMs, 1e-3);
  EXPECT_EQ(after.at("revenue").as_int64(), whole_revenue);
  EXPECT_EQ(after.at("cost").as_int64(), 7 * 250000);
  EXPECT_EQ(after.at("returned_units").as_int64(), 1);

  // Every card of /partner-scorecards equals the partner's own.
  auto all = get("/api/v1/partner-scorecards");
  ASSERT_EQ(all.status, 200) << all.body;
  std::set<std::int64_t> seen;
  const auto all_body = all.json();
  for (const auto& item : all_body.at("items").as_array()) {
    const auto id = item.at("partner_id").as_int64();
    seen.insert(id);
    EXPECT_EQ(item, json::value(card_of(id))) << "partner " << id;
  }
  for (auto id : {cpu_vendor, memory_vendor, assembler}) EXPECT_TRUE(seen.contains(id)) << id;
}

// The shop's pages (the tracking snippet's ecrm.configure and ecrm.configurator) with the write
// key, no session: the same engine and answers as the staff route, without the suppliers.
TEST_F(ConfigurableProducts, ShopPricesAndChecksAConfigurationWithItsWriteKey) {
  auto pc = computer("SHP");
  ASSERT_EQ(pc.option.size(), 6u);
  auto created = post("/api/v1/write-keys", json::object{{"name", "configurator shop"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key = str(created.json().at("key"));
  HttpClient shop(server_->base_url());
  const std::string base = id_path("/api/v1/public/products", pc.product);
  auto quote = [&](const json::array& options, std::int64_t quantity = 1,
                   const std::string& with_key = "") {
    return shop.request("POST", base + "/configure?key=" + (with_key.empty() ? key : with_key),
                        json::serialize(json::object{{"options", options}, {"quantity", quantity}}),
                        {"Content-Type: text/plain", "Origin: https://shop.example"});
  };

  // The option groups as the shop's page shows them: no supplier.
  auto config = shop.get(base + "/configuration?key=" + key);
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(config.header("access-control-allow-origin"), "*");
  EXPECT_EQ(config.json().at("base_price").as_int64(), kBase);
  ASSERT_EQ(config.json().at("groups").as_array().size(), 3u);
  EXPECT_EQ(str(config.json().at("groups").at(0).at("options").at(1).at("sku")), "SHP-I9");
  EXPECT_TRUE(config.json().at("groups").at(0).at("options").at(1).at("supplier_id").is_null())
      << config.body;
  EXPECT_EQ(config.json().at("rules").as_array().size(), 2u);

  // A valid configuration priced as computed here, its options named, no supplier.
  auto valid = quote(json::array{pc.option["I9"], pc.option["64"], pc.option["WIFI"]}, 2);
  ASSERT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(valid.header("access-control-allow-origin"), "*");
  const std::int64_t unit = kBase + kI9 + k64 + kWifi;
  EXPECT_TRUE(valid.json().at("valid").as_bool()) << valid.body;
  EXPECT_EQ(str(valid.json().at("currency")), "EUR");
  EXPECT_EQ(valid.json().at("unit_price").as_int64(), unit);
  EXPECT_EQ(valid.json().at("total").as_int64(), unit * 2);
  ASSERT_EQ(valid.json().at("options").as_array().size(), 3u);
  std::vector<std::string> names;
  const json::value valid_body = valid.json();
  for (const auto& o : valid_body.at("options").as_array()) {
    names.push_back(str(o.at("name")));
    EXPECT_TRUE(o.at("supplier_id").is_null()) << valid.body;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Core i9", "64 GB", "Wi-Fi"}));
  EXPECT_TRUE(valid.json().at("problems").as_array().empty());
  // The staff route answers the same price.
  auto staff_quote = configure(pc.product, json::array{pc.option["I9"], pc.option["64"],
                                                      pc.option["WIFI"]},
                               2);
  ASSERT_EQ(staff_quote.status, 200) << staff_quote.body;
  EXPECT_EQ(staff_quote.json().at("total"), valid.json().at("total"));

  // Every broken rule named, with a message a shopper can read.
  auto broken = quote(json::array{pc.option["I5"], pc.option["64"], pc.option["WIFI"],
                                  pc.option["CASE"]});
  ASSERT_EQ(broken.status, 200) << broken.body;
  EXPECT_FALSE(broken.json().at("valid").as_bool());
  auto codes = problem_codes(broken.json());
  std::multiset<std::string> got(codes.begin(), codes.end());
  EXPECT_EQ(got, (std::multiset<std::string>{"requires_unmet", "excludes_conflict"})) << broken.body;
  const json::value broken_body = broken.json();
  for (const auto& p : broken_body.at("problems").as_array()) {
    const std::string message = str(p.at("message"));
    if (str(p.at("code")) == "requires_unmet") {
      EXPECT_EQ(p.at("rule_id").as_int64(), pc.rule["requires"]);
      EXPECT_EQ(str(p.at("field")), "options[1]");
      EXPECT_NE(message.find("64 GB"), std::string::npos) << message;
      EXPECT_NE(message.find("Core i9"), std::string::npos) << message;
    } else {
      EXPECT_EQ(p.at("rule_id").as_int64(), pc.rule["excludes"]);
      EXPECT_NE(message.find("Wi-Fi"), std::string::npos) << message;
      EXPECT_NE(message.find("Compact case"), std::string::npos) << message;
    }
  }

  // Unknown product or option: 4xx naming the field.
  auto other = computer("SHQ");
  expect_error(quote(json::array{pc.option["I5"], other.option["16"]}), 422, "unknown_option",
               "options[1]");
  expect_error(quote(json::array{99999999}), 422, "unknown_option", "options[0]");
  expect_error(quote(json::array{pc.option["I5"], pc.option["I5"]}), 400, "duplicate_option",
               "options[1]");
  expect_error(shop.request("POST", "/api/v1/public/products/99999999/configure?key=" + key,
                            R"({"options":[]})"),
               404, "", "id");
  expect_error(shop.get("/api/v1/public/products/99999999/configuration?key=" + key), 404, "",
               "id");
  expect_error(shop.request("POST", base + "/configure?key=" + key, R"({"options":"all"})"), 400,
               "", "options");
  expect_error(quote(json::array{pc.option["I5"]}, 0), 400, "", "quantity");
  // An inactive product is not the shop's to configure.
  ASSERT_EQ(patch(id_path("/api/v1/products", other.product), json::object{{"active", false}})
                .status,
            200);
  expect_error(shop.get(id_path("/api/v1/public/products", other.product) + "/configuration?key=" +
                        key),
               404, "", "id");

  // Without the write key, with a wrong or a revoked one: refused, the quote not given.
  auto none = shop.request("POST", base + "/configure",
                           json::serialize(json::object{{"options", json::array{pc.option["I5"]}}}));
  expect_error(none, 401);
  EXPECT_EQ(none.body.find("unit_price"), std::string::npos);
  expect_error(quote(json::array{pc.option["I5"]}, 1, "wk_not_a_key"), 401);
  expect_error(shop.get(base + "/configuration?key=wk_not_a_key"), 401);
  auto header_key = shop.get(base + "/configuration", {"X-Ecrm-Key: " + key});
  EXPECT_EQ(header_key.status, 200) << header_key.body;
  ASSERT_EQ(del(id_path("/api/v1/write-keys", created.json().at("id").as_int64())).status, 204);
  expect_error(quote(json::array{pc.option["I5"]}), 401);
  expect_error(shop.get(base + "/configuration", {"X-Ecrm-Key: " + key}), 401);

  // The pre-flight lets the shop's pages call it.
  auto preflight = shop.request("OPTIONS", base + "/configure", {},
                                {"Origin: https://shop.example",
                                 "Access-Control-Request-Method: POST"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "*");
  EXPECT_NE(preflight.header("access-control-allow-methods").find("POST"), std::string::npos);
}

TEST_F(ConfigurableProducts, AccessFollowsTheCatalogScopes) {
  auto pc = computer("ACC");
  ASSERT_EQ(pc.option.size(), 6u);
  auto analyst = staff("analyst@acc.example", "analyst");
  EXPECT_EQ(analyst->get(id_path("/api/v1/products", pc.product) + "/configuration").status, 200);
  auto quote = analyst->send_json("POST", id_path("/api/v1/products", pc.product) + "/configure",
                                  json::object{{"options", json::array{pc.option["I5"],
                                                                       pc.option["16"]}}});
  EXPECT_EQ(quote.status, 200) << quote.body;
  auto write = analyst->send_json("PUT", id_path("/api/v1/products", pc.product) + "/configuration",
                                  json::object{{"groups", json::array{}}});
  EXPECT_EQ(write.status, 403) << write.body;
  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get(id_path("/api/v1/products", pc.product) + "/configuration").status, 401);
}

}  // namespace
}  // namespace ecrm::testing
