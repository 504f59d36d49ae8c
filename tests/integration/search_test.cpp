// Customer search over real HTTP (SQLite FTS5 trigram / PostgreSQL pg_trgm): what staff type,
// ranking, writes showing at once, merged and erased customers never found, and the query plans
// of the list's common filter combinations.
#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "catalog/repo.hpp"
#include "crm_support.hpp"
#include "customers/repo.hpp"
#include "orders/repo.hpp"
#include "search/index.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

// PostgreSQL: ǂ (U+01C2), the letter the trigram indexes see a field's start as (migration 0022).
const std::string kTrigramStart = "\xC7\x82";

// PostgreSQL: the "Index Cond" of each scan of the index named `index` in an EXPLAIN `plan`.
std::vector<std::string> index_conditions(const std::string& plan, const std::string& index) {
  std::vector<std::string> out;
  std::istringstream lines(plan);
  std::string line;
  bool scan = false;
  const std::string scan_of = "Bitmap Index Scan on " + index;
  while (std::getline(lines, line)) {
    const auto at = line.find(scan_of);
    const auto end = at == std::string::npos ? at : at + scan_of.size();
    if (end != std::string::npos && (end == line.size() || line[end] == ' ')) {
      scan = true;
    } else if (scan && line.find("Index Cond:") != std::string::npos) {
      out.push_back(line);
      scan = false;
    } else if (line.find("->") != std::string::npos) {
      scan = false;
    }
  }
  return out;
}

class Search : public CrmApi {
 protected:
  // A connection of the test's own to the server's database; the pool lives as long as the test.
  storage::Lease connect() {
    if (!own_db_) {
      auto db = storage::open_database(server_->db_url());
      if (!db.ok()) throw std::runtime_error("cannot open the database: " + db.error().message);
      own_db_ = std::move(*db);
    }
    auto lease = own_db_->acquire();
    if (!lease.ok()) throw std::runtime_error("cannot connect: " + lease.error().message);
    return std::move(*lease);
  }
  std::int64_t customer(const json::object& body) { return create("/api/v1/customers", body); }

  // The ids the customer list answers for `query` (URL-encoded by the caller), in order.
  std::vector<std::int64_t> found(const std::string& query) {
    auto r = get("/api/v1/customers?limit=200&q=" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::int64_t> out;
    if (r.status != 200) return out;
    const json::value body = r.json();
    EXPECT_TRUE(body.is_object() && body.as_object().contains("items")) << r.body;
    if (!body.is_object() || !body.as_object().contains("items")) return out;
    for (const auto& item : body.at("items").as_array()) out.push_back(item.at("id").as_int64());
    return out;
  }
  bool finds(const std::string& query, std::int64_t id) {
    auto ids = found(query);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
  // The ids the customer list answers for `query` one at a time, following its cursor (at most
  // ten pages).
  std::vector<std::int64_t> paged(const std::string& query) {
    std::vector<std::int64_t> out;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
      auto r = get("/api/v1/customers?limit=1&q=" + query +
                   (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      const json::value body = r.json();
      for (const auto& item : body.at("items").as_array()) out.push_back(item.at("id").as_int64());
      if (body.at("next_cursor").is_null()) break;
      cursor = std::string(body.at("next_cursor").as_string());
    }
    return out;
  }
  // The search box's customers group for `query`, one hit a kind; null when there is none.
  json::value box_customers(const std::string& query) {
    auto box = get("/api/v1/search?limit=1&q=" + query);
    EXPECT_EQ(box.status, 200) << box.body;
    if (box.status != 200) return nullptr;
    const json::value body = box.json();
    for (const auto& group : body.at("groups").as_array()) {
      if (group.at("kind").as_string() == "customers") return group;
    }
    return nullptr;
  }

 private:
  std::unique_ptr<storage::Database> own_db_;
};

TEST_F(Search, FindsWhatStaffType) {
  const std::int64_t nana = customer(json::object{{"name", "欧阳娜娜"},
                                                  {"email", "Nana.Ouyang@Example.com"},
                                                  {"phone", "+86 139 1234 5678"},
                                                  {"company", "Shenzhen Bright Lighting Co"},
                                                  {"external_id", "SHOP-77821"},
                                                  {"tags", json::array{"foodie", "night-owl"}}});
  const std::int64_t other = customer(json::object{{"name", "Someone Else"},
                                                   {"email", "else@example.org"},
                                                   {"phone", "+44 20 7946 0000"}});

  // A Chinese name: a fragment inside it (three characters) and its first characters.
  EXPECT_TRUE(finds("%E9%98%B3%E5%A8%9C%E5%A8%9C", nana));  // 阳娜娜
  EXPECT_TRUE(finds("%E6%AC%A7%E9%98%B3", nana));            // 欧阳
  EXPECT_TRUE(finds("%E6%AC%A7", nana));                     // 欧 (one character: a prefix)
  // An e-mail fragment, any case.
  EXPECT_TRUE(finds("ouyang%40exam", nana));
  EXPECT_TRUE(finds("NANA.OU", nana));
  // Phone digits typed three ways.
  EXPECT_TRUE(finds("139-1234", nana));
  EXPECT_TRUE(finds("%2B86%20139", nana));
  EXPECT_TRUE(finds("1391234", nana));
  // A company fragment, the external id, a tag.
  EXPECT_TRUE(finds("bright%20light", nana));
  EXPECT_TRUE(finds("shop-77821", nana));
  EXPECT_TRUE(finds("night-owl", nana));
  // And none of them finds the other customer.
  for (const char* q : {"%E9%98%B3%E5%A8%9C%E5%A8%9C", "ouyang", "139-1234", "bright", "77821"}) {
    EXPECT_FALSE(finds(q, other)) << q;
  }
  // Nothing matches: an empty page, not an error; markers and LIKE wildcards are plain text.
  EXPECT_TRUE(found("zzqqxx-no-such-thing").empty());
  EXPECT_FALSE(finds("%25%25%25", nana));
  EXPECT_FALSE(finds("%5F%5F%5F", nana));
  EXPECT_TRUE(found("%22%22%22").empty());
  // Words in another order, each a substring.
  EXPECT_TRUE(finds("lighting%20bright", nana));
}

TEST_F(Search, ExactMatchesComeFirstThenPrefixesThenSubstrings) {
  // Created in this order, so that id order alone would put the exact match last.
  const std::int64_t substring = customer(json::object{{"email", "xx.rank.me@example.com"}});
  const std::int64_t prefix = customer(json::object{{"email", "rank.me@example.com.cn"}});
  const std::int64_t exact = customer(json::object{{"email", "rank.me@example.com"}});
  auto ids = found("Rank.Me%40example.com");
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], exact);
  EXPECT_EQ(ids[1], prefix);
  EXPECT_EQ(ids[2], substring);

  // Paging across the ranks: one at a time, each exactly once, in the same order.
  EXPECT_EQ(paged("rank.me%40example.com"), ids);

  // The search box, one hit a kind: the exact match, though the prefix match comes first by id.
  const json::value group = box_customers("rank.me%40example.com");
  ASSERT_TRUE(group.is_object()) << "no customers group";
  const auto& hits = group.at("hits").as_array();
  ASSERT_EQ(hits.size(), 1u) << group;
  EXPECT_EQ(hits[0].at("id").as_int64(), exact) << group;
  EXPECT_EQ(hits[0].at("rank").as_string(), "exact") << group;
  EXPECT_TRUE(group.at("more").as_bool()) << group;
}

// SQLite reads the exact and prefix ranks of a query of digits from the index of number fields,
// the prefix rank only when few fields start with it and from the trigram index when many do
// (search::Reading): either way the answers are the same, ranked the same, and follow every
// write at once.
TEST_F(Search, PhoneNumbersAreRankedTheSameWhicheverIndexReadsThem) {
  // Created in this order, so that id order alone would put the exact match last.
  const std::int64_t substring =
      customer(json::object{{"name", "Sub String"}, {"company", "Shop 8613987654321 Ltd"}});
  const std::int64_t prefix =
      customer(json::object{{"name", "Pre Fix"}, {"external_id", "8613987654321-B"}});
  const std::int64_t exact =
      customer(json::object{{"name", "Ex Act"}, {"phone", "+86 139 8765 4321"}});
  // More customers whose phone numbers start with 86 137 00 than the narrow prefix allows.
  std::vector<std::int64_t> dense;
  for (int i = 0; i < search::kNarrowPrefixTerms + 6; ++i) {
    char phone[32];
    std::snprintf(phone, sizeof phone, "+86 137 0000 %04d", i);
    dense.push_back(customer(json::object{{"name", "Dense " + std::to_string(i)}, {"phone", phone}}));
  }

  auto lease = connect();
  storage::Connection& c = *lease;
  const bool sqlite = c.backend() == storage::Backend::kSqlite;
  auto reading = [&](const char* text) {
    auto how = search::reading(c, customers::kCustomerIndex, search::parse_query(text));
    EXPECT_TRUE(how.ok()) << text << ": " << how.error().message;
    return how.ok() ? std::pair{how->exact_from_numbers, how->prefix_from_numbers}
                    : std::pair{false, false};
  };
  EXPECT_EQ(reading("8613987654321"), std::pair(sqlite, sqlite));
  EXPECT_EQ(reading("+86 139 8765 4321"), std::pair(false, false)) << "not digits alone";
  EXPECT_EQ(reading("8613700"), std::pair(sqlite, false)) << "70 phone numbers start with it";
  EXPECT_EQ(reading("861370000001"), std::pair(sqlite, sqlite)) << "10 do";
  EXPECT_EQ(reading("rank"), std::pair(false, false)) << "not digits";
  EXPECT_EQ(reading("\xE7\x8E\x8B"), std::pair(false, false)) << "not ASCII";

  const std::vector<std::int64_t> ranked{exact, prefix, substring};
  EXPECT_EQ(found("%2B86%20139%208765%204321"), ranked);
  EXPECT_EQ(found("8613987654321"), ranked);
  // One at a time across the ranks, each exactly once.
  EXPECT_EQ(paged("8613987654321"), ranked);
  // The search box: the exact match first though it is the newest.
  const json::value group = box_customers("8613987654321");
  ASSERT_TRUE(group.is_object()) << "no customers group";
  ASSERT_EQ(group.at("hits").as_array().size(), 1u) << group;
  EXPECT_EQ(group.at("hits").at(0).at("id").as_int64(), exact) << group;
  EXPECT_EQ(group.at("hits").at(0).at("rank").as_string(), "exact") << group;

  // The dense prefix, read from the trigram index: all of them, in id order (the exact rank
  // read from the index of number fields has none). Typed with spaces, all from the trigram
  // index.
  EXPECT_EQ(found("8613700"), dense);
  EXPECT_EQ(found("%2B86%20137%2000"), dense);
  const std::vector<std::int64_t> ten(dense.begin(), dense.begin() + 10);
  EXPECT_EQ(found("861370000000"), ten);

  // A new number shows at once in both indexes; the old one is gone from the exact rank.
  ASSERT_EQ(patch("/api/v1/customers/" + std::to_string(exact),
                  json::object{{"phone", "+86 139 8765 0000"}})
                .status,
            200);
  EXPECT_EQ(found("8613987654321"), (std::vector<std::int64_t>{prefix, substring}));
  EXPECT_EQ(found("8613987650000"), std::vector<std::int64_t>{exact});
  EXPECT_EQ(found("861398765"), (std::vector<std::int64_t>{prefix, exact, substring}));
  // An erased customer's fields leave the index with the document.
  ASSERT_EQ(post("/api/v1/customers/" + std::to_string(exact) + "/erase", json::object{}).status,
            200);
  EXPECT_TRUE(found("8613987650000").empty());
  if (sqlite) {
    // FTS5 compares each index with its table's rows ('integrity-check' with rank 1).
    for (const char* fts : {"customers_numbers", "orders_numbers", "products_numbers"}) {
      auto checked = c.execute(std::string("INSERT INTO ") + fts + " (" + fts +
                               ", rank) VALUES ('integrity-check', 1)");
      EXPECT_TRUE(checked.ok()) << fts << ": " << checked.error().message;
    }
    auto term = [&](const std::string& digits) {
      auto docs = c.query_int("SELECT doc FROM customers_numbers_terms WHERE term = $1",
                              {std::string(2, search::kStart) + digits + search::kEnd});
      EXPECT_TRUE(docs.ok()) << docs.error().message;
      return docs.ok() ? docs->value_or(0) : -1;
    };
    EXPECT_EQ(term("8613987654321"), 0);
    EXPECT_EQ(term("8613987650000"), 0) << "erased";
    EXPECT_EQ(term("8613700000042"), 1);
  }
}

// PostgreSQL reads each rank either by walking the documents in id order or from the index
// (search::Shape), as a probe of the documents chooses: both give the same customers, ranked
// the same, page by page, and neither a merged nor an erased customer. (SQLite has one way;
// there the three readings are the same statements.)
TEST_F(Search, EveryShapeOfReadingFindsTheSame) {
  std::vector<std::int64_t> ids;
  ids.push_back(customer(json::object{{"name", "Shape Wang"}, {"email", "wang@shape.example"}}));
  ids.push_back(customer(json::object{{"name", "Wangshape Li"}, {"phone", "+86 139 1200 0001"}}));
  ids.push_back(customer(json::object{{"name", "Li Shapewang"}, {"company", "Shapewang Trading"}}));
  ids.push_back(customer(json::object{{"name", "\xE7\x8E\x8B\xE8\x8A\xB3 Shape"},
                                      {"phone", "139-1200-0002"}}));
  ids.push_back(customer(json::object{{"name", "Shape Zhao"}, {"tags", json::array{"shapetag"}}}));
  const std::int64_t merged =
      customer(json::object{{"name", "Shape Wang Twin"}, {"email", "twin@shape.example"}});
  const std::int64_t erased =
      customer(json::object{{"name", "Shape Wang Gone"}, {"phone", "+86 139 1200 0009"}});
  ASSERT_EQ(post("/api/v1/customers/" + std::to_string(ids[0]) + "/merge",
                 json::object{{"other_id", merged}})
                .status,
            200);
  ASSERT_EQ(post("/api/v1/customers/" + std::to_string(erased) + "/erase", json::object{}).status,
            200);

  auto lease = connect();
  storage::Connection& c = *lease;
  customers::CustomerRepo repo;
  using Found = std::vector<std::pair<std::int64_t, search::MatchRank>>;
  // The whole list, `limit` at a time, read in `shape` (or as the probe chooses).
  auto listed = [&](const std::string& text, int limit, std::optional<search::Shape> shape) {
    Found out;
    customers::ListPosition after;
    for (int page = 0; page < 20; ++page) {
      auto matches = repo.list(c, {.q = text}, after, limit, shape);
      EXPECT_TRUE(matches.ok()) << text << ": " << matches.error().message;
      if (!matches.ok() || matches->empty()) break;
      for (const auto& m : *matches) out.emplace_back(m.customer.id, m.rank);
      after = {matches->back().rank, matches->back().customer.id};
      if (static_cast<int>(matches->size()) < limit) break;
    }
    return out;
  };
  auto boxed = [&](const std::string& text, std::optional<search::Shape> shape) {
    Found out;
    auto found = search::ranked_ids(c, customers::kCustomerIndex, search::parse_query(text), 10,
                                    true, shape);
    EXPECT_TRUE(found.ok()) << text << ": " << found.error().message;
    if (found.ok()) {
      for (const auto& r : *found) out.emplace_back(r.id, r.rank);
    }
    return out;
  };
  const std::vector<std::string> queries = {
      "shape", "wang", "wangshape", "shapewang", "sh", "w", "139-1200", "+86 139 1200",
      "13912000", "wang@shape.example", "\xE7\x8E\x8B\xE8\x8A\xB3", "shapetag", "shape wang",
      "zzqx"};
  for (const auto& text : queries) {
    const Found walked = listed(text, 50, search::Shape::kWalk);
    EXPECT_EQ(listed(text, 50, search::Shape::kIndex), walked) << text;
    EXPECT_EQ(listed(text, 50, std::nullopt), walked) << text;
    EXPECT_EQ(listed(text, 1, search::Shape::kIndex), walked) << text << ", one a page";
    EXPECT_EQ(listed(text, 2, search::Shape::kWalk), walked) << text << ", two a page";
    EXPECT_EQ(boxed(text, search::Shape::kIndex), boxed(text, search::Shape::kWalk)) << text;
    for (const auto& [id, rank] : walked) {
      EXPECT_NE(id, merged) << text;
      EXPECT_NE(id, erased) << text;
    }
    for (const auto& [id, rank] : boxed(text, std::nullopt)) {
      EXPECT_NE(id, merged) << text;
      EXPECT_NE(id, erased) << text;
    }
  }
  // What the queries find, so that the comparisons above compare something: the exact e-mail
  // first, then the names starting with it, then the rest.
  const Found wang = listed("wang", 50, search::Shape::kWalk);
  ASSERT_GE(wang.size(), 3u);
  EXPECT_EQ(listed("wang@shape.example", 50, search::Shape::kIndex).at(0),
            std::pair(ids[0], search::MatchRank::kExact));
  EXPECT_EQ(listed("139-1200", 50, search::Shape::kIndex).size(), 2u);
  EXPECT_TRUE(listed("zzqx", 50, search::Shape::kIndex).empty());
}

TEST_F(Search, WritesShowAtOnceAndMergedOrErasedCustomersAreNeverFound) {
  const std::int64_t id = customer(json::object{{"name", "Before Rename"}, {"tags", json::array{"t1"}}});
  EXPECT_TRUE(finds("before", id));
  ASSERT_EQ(patch("/api/v1/customers/" + std::to_string(id),
                  json::object{{"name", "After Rename"}, {"tags", json::array{"glowworm"}}})
                .status,
            200);
  EXPECT_FALSE(finds("before", id));
  EXPECT_TRUE(finds("after%20ren", id));
  EXPECT_TRUE(finds("glowworm", id));
  EXPECT_FALSE(finds("t1", id));

  // A merge: the merged customer disappears, what the survivor gained is found on it.
  const std::int64_t survivor = customer(json::object{{"name", "Mergy Survivor"}});
  const std::int64_t merged = customer(
      json::object{{"name", "Mergy Twin"}, {"phone", "+86 137 5555 0101"}, {"tags", json::array{"mergetag"}}});
  ASSERT_EQ(post("/api/v1/customers/" + std::to_string(survivor) + "/merge",
                 json::object{{"other_id", merged}})
                .status,
            200);
  EXPECT_FALSE(finds("twin", merged));
  EXPECT_TRUE(finds("137-5555", survivor));
  EXPECT_TRUE(finds("mergetag", survivor));
  EXPECT_FALSE(finds("137-5555", merged));

  // Erasure: not by name, e-mail, phone or tag.
  const std::int64_t gone = customer(json::object{{"name", "Erasmus Forgotten"},
                                                  {"email", "erasmus@forget.example"},
                                                  {"phone", "+1 555 010 9999"},
                                                  {"tags", json::array{"erasetag"}}});
  EXPECT_TRUE(finds("erasmus", gone));
  ASSERT_EQ(post("/api/v1/customers/" + std::to_string(gone) + "/erase", json::object{}).status,
            200);
  for (const char* q : {"erasmus", "forget.example", "555-010", "erasetag", "forgotten"}) {
    EXPECT_FALSE(finds(q, gone)) << q;
  }
}

TEST_F(Search, CombinesWithFiltersAndRefusesBadInput) {
  const std::int64_t a = customer(json::object{
      {"name", "Filter Alpha"}, {"city", "Suzhou"}, {"type", "business"}, {"tags", json::array{"combo"}}});
  const std::int64_t b = customer(json::object{{"name", "Filter Beta"}, {"city", "Suzhou"}});
  const std::int64_t c = customer(json::object{{"name", "Filter Gamma"}, {"city", "Ningbo"}, {"tags", json::array{"combo"}}});
  auto ids = [&](const std::string& query) {
    auto r = get("/api/v1/customers?limit=100&" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::int64_t> out;
    const json::value body = r.json();
    for (const auto& item : body.at("items").as_array()) out.insert(item.at("id").as_int64());
    return out;
  };
  EXPECT_EQ(ids("q=filter&city=SUZHOU"), (std::set<std::int64_t>{a, b}));
  EXPECT_EQ(ids("q=filter&tag=combo"), (std::set<std::int64_t>{a, c}));
  EXPECT_EQ(ids("q=filter&tag=combo&city=suzhou&type=business"), (std::set<std::int64_t>{a}));
  EXPECT_EQ(ids("tag=combo&city=Suzhou"), (std::set<std::int64_t>{a}));
  EXPECT_EQ(ids("q=fi&city=ningbo"), (std::set<std::int64_t>{c}));

  expect_error(get("/api/v1/customers?q=" + std::string(201, 'x')), 400, "", "q");
  expect_error(get("/api/v1/customers?cursor=not-a-cursor"), 400, "", "cursor");
  expect_error(get("/api/v1/customers?type=alien"), 400, "", "type");
}

// The search box: customers, orders and products in one answer, ranked, highlighted, and only
// the groups the caller may read.
TEST_F(Search, TheSearchBoxFindsCustomersOrdersAndProducts) {
  const std::int64_t category = create("/api/v1/categories", json::object{{"name", "Quetzal Lamps"}});
  const std::int64_t lamp = create("/api/v1/products", json::object{{"sku", "QZ-LAMP-9"},
                                                                     {"name", "Zephyr Desk Lamp"},
                                                                     {"brand", "Lumosa"},
                                                                     {"category_id", category},
                                                                     {"price", 12900},
                                                                     {"currency", "CNY"}});
  const std::int64_t buyer = customer(json::object{{"name", "Zebulon Quill"},
                                                   {"email", "zebulon@quill.example"},
                                                   {"phone", "+86 135 0000 4242"}});
  auto placed = post("/api/v1/orders",
                     json::object{{"customer_id", buyer},
                                  {"external_id", "WEB-ZQ-5150"},
                                  {"lines", json::array{json::object{{"product_id", lamp},
                                                                     {"quantity", 1},
                                                                     {"unit_price", 12900}}}}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::int64_t order = placed.json().at("id").as_int64();

  // The ids of one group of the search box's answer for `q` (URL-encoded), in order.
  auto group = [&](const std::string& q, const std::string& kind,
                   HttpClient* as = nullptr, const std::vector<std::string>& headers = {}) {
    auto r = as ? as->get("/api/v1/search?q=" + q, headers) : get("/api/v1/search?q=" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    std::optional<std::vector<std::int64_t>> ids;
    if (r.status != 200) return ids;
    const json::value body = r.json();
    for (const auto& g : body.at("groups").as_array()) {
      if (g.at("kind").as_string() != kind) continue;
      ids.emplace();
      for (const auto& hit : g.at("hits").as_array()) ids->push_back(hit.at("id").as_int64());
    }
    return ids;
  };
  auto has = [](const std::optional<std::vector<std::int64_t>>& ids, std::int64_t id) {
    return ids && std::find(ids->begin(), ids->end(), id) != ids->end();
  };

  // Orders by number, external id, SKU, and their customer's name, e-mail and phone.
  EXPECT_TRUE(has(group("%23" + std::to_string(order), "orders"), order));
  EXPECT_TRUE(has(group("zq-5150", "orders"), order));
  EXPECT_TRUE(has(group("qz-lamp", "orders"), order));
  EXPECT_TRUE(has(group("zebulon", "orders"), order));
  EXPECT_TRUE(has(group("quill.example", "orders"), order));
  EXPECT_TRUE(has(group("135-0000", "orders"), order));
  // Products by name, SKU, brand and category; the customer by name.
  EXPECT_TRUE(has(group("zephyr", "products"), lamp));
  EXPECT_TRUE(has(group("qz-lamp-9", "products"), lamp));
  EXPECT_TRUE(has(group("lumosa", "products"), lamp));
  EXPECT_TRUE(has(group("quetzal", "products"), lamp));
  EXPECT_TRUE(has(group("zebulon", "customers"), buyer));

  // The hit marks what matched.
  {
    auto r = get("/api/v1/search?q=ZEBUL&limit=3");
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value body = r.json();
    EXPECT_EQ(body.at("query").as_string(), "zebul");
    const auto& first = body.at("groups").at(0);
    EXPECT_EQ(first.at("kind").as_string(), "customers");
    const auto& hit = first.at("hits").at(0);
    EXPECT_EQ(hit.at("id").as_int64(), buyer);
    EXPECT_EQ(hit.at("title").as_string(), "Zebulon Quill");
    EXPECT_EQ(hit.at("rank").as_string(), "prefix");
    EXPECT_EQ(hit.at("highlights").at(0),
              (json::value{{"field", "name"},
                           {"segments", json::array{json::object{{"text", "Zebul"}, {"match", true}},
                                                    json::object{{"text", "on Quill"}, {"match", false}}}}}));
  }

  // The order list's q: the same texts, newest first, with the order list's filters.
  auto listed = [&](const std::string& query) {
    auto r = get("/api/v1/orders?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::int64_t> ids;
    if (r.status != 200) return ids;
    const json::value body = r.json();
    for (const auto& item : body.at("items").as_array()) ids.push_back(item.at("id").as_int64());
    return ids;
  };
  EXPECT_EQ(listed("q=zebulon"), (std::vector<std::int64_t>{order}));
  EXPECT_EQ(listed("q=qz-lamp-9&status=placed"), (std::vector<std::int64_t>{order}));
  EXPECT_TRUE(listed("q=qz-lamp-9&status=shipped").empty());
  EXPECT_EQ(listed("q=%23" + std::to_string(order)), (std::vector<std::int64_t>{order}));
  EXPECT_EQ(listed("q=" + std::to_string(order) + "&customer=" + std::to_string(buyer)),
            (std::vector<std::int64_t>{order}));
  EXPECT_TRUE(listed("q=" + std::to_string(order) + "&customer=" + std::to_string(buyer + 1000000)).empty());

  // The product list's q: name, SKU, brand and category name, with the list's filters.
  for (const char* query : {"q=zephyr", "q=QZ-LAMP", "q=lumosa&active=true", "q=quetzal",
                            "q=ze"}) {
    auto r = get(std::string("/api/v1/products?") + query);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value body = r.json();
    ASSERT_EQ(body.at("items").as_array().size(), 1u) << query << ": " << r.body;
    EXPECT_EQ(body.at("items").at(0).at("id").as_int64(), lamp) << query;
  }
  EXPECT_TRUE(get("/api/v1/products?q=lumosa&active=false").json().at("items").as_array().empty());

  // A category renamed: its products are found by the new name at once.
  ASSERT_EQ(patch("/api/v1/categories/" + std::to_string(category),
                  json::object{{"name", "Xanadu Lights"}})
                .status,
            200);
  EXPECT_TRUE(has(group("xanadu", "products"), lamp));
  EXPECT_FALSE(has(group("quetzal", "products"), lamp));

  // Erased, the customer is found neither as a customer nor through the orders.
  ASSERT_EQ(post("/api/v1/customers/" + std::to_string(buyer) + "/erase", json::object{}).status,
            200);
  EXPECT_FALSE(has(group("zebulon", "customers"), buyer));
  EXPECT_FALSE(has(group("zebulon", "orders"), order));
  EXPECT_FALSE(has(group("135-0000", "orders"), order));
  EXPECT_TRUE(has(group("zq-5150", "orders"), order));  // the order itself is still there

  // A key that may read customers only gets the customers group.
  auto key = post("/api/v1/api-keys",
                  json::object{{"name", "search"}, {"scopes", json::array{"customers:read"}}});
  ASSERT_EQ(key.status, 201) << key.body;
  HttpClient bearer(server_->base_url());
  const std::vector<std::string> auth{"Authorization: Bearer " +
                                      std::string(key.json().at("key").as_string())};
  EXPECT_TRUE(group("lamp", "customers", &bearer, auth).has_value());
  EXPECT_FALSE(group("lamp", "orders", &bearer, auth).has_value());
  EXPECT_FALSE(group("lamp", "products", &bearer, auth).has_value());

  expect_error(get("/api/v1/search"), 400, "", "q");
  expect_error(get("/api/v1/search?q=%20%20"), 400, "", "q");
  expect_error(get("/api/v1/search?q=x&limit=0"), 400, "", "limit");
  HttpClient anonymous(server_->base_url());
  EXPECT_EQ(anonymous.get("/api/v1/search?q=lamp").status, 401);
}

// ǂ marks a field's start in PostgreSQL's trigram indexes (migration 0022). Written in a
// customer's own text it is a letter like any other: no field start, found as typed, and ranked
// as on SQLite.
TEST_F(Search, TheLetterMarkingFieldStartsIsPlainTextInTheText) {
  const std::int64_t inside = customer(json::object{{"name", "Q" + kTrigramStart + "zorblat Tester"}});
  const std::int64_t leading =
      customer(json::object{{"name", kTrigramStart + "Khomani Wanderer"}});
  const std::string letter = "%C7%82";  // ǂ, URL-encoded
  // How the search box ranks customer `id` for `q` (URL-encoded): empty when not found, the
  // ranks joined by ',' when found more than once.
  auto rank_of = [&](const std::string& q, std::int64_t id) {
    auto r = get("/api/v1/search?q=" + q + "&limit=20");
    EXPECT_EQ(r.status, 200) << r.body;
    std::string rank;
    if (r.status != 200) return rank;
    const json::value body = r.json();
    for (const auto& g : body.at("groups").as_array()) {
      if (g.at("kind").as_string() != "customers") continue;
      for (const auto& hit : g.at("hits").as_array()) {
        if (hit.at("id").as_int64() != id) continue;
        rank += (rank.empty() ? "" : ",") + std::string(hit.at("rank").as_string());
      }
    }
    return rank;
  };
  // "zorblat" starts no field of "Qǂzorblat Tester", nor "khomani" one of "ǂKhomani Wanderer".
  EXPECT_EQ(rank_of("zorblat", inside), "substring");
  EXPECT_EQ(rank_of("zo", inside), "");  // one or two characters: prefixes only
  EXPECT_EQ(rank_of("khomani", leading), "substring");
  EXPECT_EQ(rank_of("kh", leading), "");
  // Typed with the letter, as written.
  EXPECT_EQ(rank_of("q" + letter + "zorb", inside), "prefix");
  EXPECT_EQ(rank_of(letter + "zorblat", inside), "substring");
  EXPECT_EQ(rank_of(letter + "khomani", leading), "prefix");
  EXPECT_EQ(rank_of(letter + "khomani%20wanderer", leading), "exact");
  EXPECT_EQ(rank_of(letter, leading), "prefix");
  EXPECT_EQ(rank_of(letter, inside), "");
  EXPECT_EQ(found(letter), (std::vector<std::int64_t>{leading}));
  EXPECT_EQ(found(letter + "zorblat"), (std::vector<std::int64_t>{inside}));
  for (const std::string& q : {letter + letter + letter, letter + "%20" + letter}) {
    EXPECT_TRUE(found(q).empty()) << q;
    EXPECT_EQ(get("/api/v1/search?q=" + q).status, 200) << q;
    EXPECT_EQ(get("/api/v1/orders?q=" + q).status, 200) << q;
    EXPECT_EQ(get("/api/v1/products?q=" + q).status, 200) << q;
  }
}

// An import writes the search index once per batch (SQLite defers it to the batch's end): what
// it wrote is found, a row inserted and changed within one batch is found as it ended, and the
// index matches the table exactly afterwards.
TEST_F(Search, ImportedCustomersAndOrdersAreFoundAndTheIndexStaysWhole) {
  const std::int64_t before = customer(json::object{{"name", "Stored Before"},
                                                    {"email", "before@import.example"}});
  auto import = [&](const std::string& entity, const std::string& csv) {
    auto r = client_->request("POST", "/api/v1/import/" + entity, csv,
                              {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return std::string();
    const std::string job = "/api/v1/import/jobs/" + std::to_string(r.json().at("id").as_int64());
    for (int i = 0; i < 300; ++i) {
      auto body = get(job).json();
      auto status = std::string(body.at("status").as_string());
      if (status == "failed") ADD_FAILURE() << json::serialize(body);
      if (status != "queued" && status != "running") return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::string("timed out");
  };
  ASSERT_EQ(import("customers",
                   "external_id,name,email,phone,company\n"
                   "IMP-1,Quentin Importer,quentin@import.example,+86 139 5555 0101,Imported Lamps\n"
                   "IMP-2,\u8bf8\u845b\u4eae\u4eae,kongming@import.example,,\n"
                   "IMP-1,Quentin Renamed,quentin@import.example,+86 139 5555 0101,Imported Lamps\n"),
            "succeeded");
  ASSERT_EQ(import("products", "sku,name,category,price,currency\n"
                               "IMP-SKU-9,Imported lamp,Lighting,1000,CNY\n"),
            "succeeded");
  ASSERT_EQ(import("orders",
                   "external_id,customer_external_id,sku,quantity,unit_price,currency,status,"
                   "placed_at\n"
                   "IMP-ORD-77,IMP-2,IMP-SKU-9,1,1000,CNY,placed,2026-11-01T10:00:00Z\n"),
            "succeeded");

  const auto quentin = found("quentin%20renamed");
  ASSERT_EQ(quentin.size(), 1u);
  EXPECT_TRUE(found("quentin%20importer").empty()) << "the name the same batch replaced";
  EXPECT_TRUE(finds("1395555", quentin[0]));
  // The whole number: an exact match (on SQLite from the index of number fields, which the
  // import writes at the end of its batch like the trigram index).
  EXPECT_EQ(found("8613955550101"), quentin);
  EXPECT_EQ(found("%2B86%20139%205555%200101"), quentin);
  EXPECT_EQ(found("quentin%40import.example"), quentin);
  EXPECT_TRUE(finds("imported%20lam", quentin[0]));
  EXPECT_FALSE(found("%E8%AF%B8%E8%91%9B").empty());  // 诸葛
  EXPECT_TRUE(finds("before%40import", before));
  auto orders = get("/api/v1/orders?q=imp-ord-77");
  ASSERT_EQ(orders.status, 200) << orders.body;
  EXPECT_EQ(orders.json().at("items").as_array().size(), 1u) << orders.body;

  auto lease = connect();
  storage::Connection& c = *lease;
  auto left = c.query_int("SELECT count(*) FROM search_deferrals");
  ASSERT_TRUE(left.ok()) << left.error().message;
  EXPECT_EQ(left->value_or(-1), 0) << "a deferral outlived its import";
  // Each index holds what its table does (SQLite: FTS5's integrity-check of the trigram index
  // and of the index of number fields; PostgreSQL: the customers' side table of documents, which
  // the import wrote at the end of its batch).
  for (const auto* index : {&customers::kCustomerIndex, &orders::kOrderIndex}) {
    auto problems = search::check_index(c, *index);
    ASSERT_TRUE(problems.ok()) << problems.error().message;
    EXPECT_TRUE(problems->empty()) << index->table << ": " << problems->front();
  }
  // The deferral ended with the import's transactions: a customer written now is found at once.
  const std::int64_t after =
      customer(json::object{{"name", "Written After"}, {"email", "after@import.example"}});
  EXPECT_EQ(found("after%40import"), std::vector<std::int64_t>{after});
  if (c.backend() == storage::Backend::kSqlite) {
    // Quentin's number is one customer's field, once: the row the batch wrote twice was indexed
    // as it was at the end.
    auto entries = c.query_int("SELECT doc FROM customers_numbers_terms WHERE term = $1",
                               {std::string(2, search::kStart) + "8613955550101" + search::kEnd});
    ASSERT_TRUE(entries.ok()) << entries.error().message;
    EXPECT_EQ(entries->value_or(-1), 1);
  }
}

// A bulk writer's customers (search::defer_index .. flush_deferred in one transaction) are
// found as they are at its end, renamed or erased meanwhile; the deferral ends with the
// transaction; on PostgreSQL their documents are written at the flush, and another
// transaction's customer, being changed while the flush runs, is left to that transaction.
TEST_F(Search, BulkWritesIndexTheirCustomersOnceAtTheirEnd) {
  auto lease = connect();
  storage::Connection& c = *lease;
  const bool postgres = c.backend() == storage::Backend::kPostgres;
  customers::CustomerRepo repo;
  auto make = [](const std::string& name, const std::string& email) {
    customers::Customer x;
    x.name = name;
    x.email = email;
    x.created_at = x.updated_at = 1700000000000;
    return x;
  };
  auto documents = [&](std::int64_t id) {
    auto n = c.query_int("SELECT count(*) FROM customers_documents WHERE id = $1", {id});
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? n->value_or(-1) : -1;
  };
  const auto& index = customers::kCustomerIndex;

  ASSERT_TRUE(c.begin(storage::TxMode::kWrite).ok());
  ASSERT_TRUE(search::defer_index(c, index).ok());
  auto kept = repo.insert(c, make("Bulkwise Kept", "kept@bulk.example"));
  auto renamed = repo.insert(c, make("Bulkwise Before", "renamed@bulk.example"));
  auto erased = repo.insert(c, make("Bulkwise Erased", "erased@bulk.example"));
  ASSERT_TRUE(kept.ok() && renamed.ok() && erased.ok());
  // Deferred: no document yet (PostgreSQL's side table; SQLite's FTS5 rows are not readable).
  if (postgres) EXPECT_EQ(documents(*kept), 0) << "the insert was not deferred";
  auto x = repo.find(c, *renamed);
  ASSERT_TRUE(x.ok() && x->has_value());
  (*x)->name = "Bulkwise After";
  ASSERT_TRUE(repo.update(c, **x).ok());
  ASSERT_TRUE(
      c.execute("UPDATE customers SET erased_at = 1700000000001 WHERE id = $1", {*erased}).ok());
  ASSERT_TRUE(search::flush_deferred(c, index).ok());
  ASSERT_TRUE(c.commit().ok());
  if (postgres) {
    EXPECT_EQ(documents(*kept), 1);
    EXPECT_EQ(documents(*erased), 0);
    // The setting was the transaction's alone.
    auto left = c.query_int(
        "SELECT length(coalesce(current_setting('ecrm.customers_documents_after', true), ''))");
    ASSERT_TRUE(left.ok()) << left.error().message;
    EXPECT_EQ(left->value_or(-1), 0);
  }
  // A customer written next on the same connection, with no deferral, is indexed at once.
  auto next = repo.insert(c, make("Bulkwise Next", "next@bulk.example"));
  ASSERT_TRUE(next.ok()) << next.error().message;
  if (postgres) EXPECT_EQ(documents(*next), 1);
  // A flush without a deferral writes nothing and fails on nothing.
  EXPECT_TRUE(search::flush_deferred(c, index).ok());

  EXPECT_EQ(found("bulkwise%20kept"), std::vector<std::int64_t>{*kept});
  EXPECT_EQ(found("bulkwise%20after"), std::vector<std::int64_t>{*renamed});
  EXPECT_TRUE(found("bulkwise%20before").empty());
  EXPECT_TRUE(found("erased%40bulk").empty());
  EXPECT_EQ(found("next%40bulk"), std::vector<std::int64_t>{*next});

  if (postgres) {
    // Another transaction's customer above the mark, committed before the flush and renamed by
    // a third transaction still open while the flush runs: the flush leaves it alone (it
    // neither waits for that transaction nor writes back the name its snapshot holds).
    auto other = connect();
    ASSERT_TRUE(c.begin(storage::TxMode::kWrite).ok());
    ASSERT_TRUE(search::defer_index(c, index).ok());
    auto theirs = repo.insert(*other, make("Bulkwise Theirs", "theirs@bulk.example"));
    ASSERT_TRUE(theirs.ok()) << theirs.error().message;
    ASSERT_TRUE(other->begin(storage::TxMode::kWrite).ok());
    auto t = repo.find(*other, *theirs);
    ASSERT_TRUE(t.ok() && t->has_value());
    (*t)->name = "Bulkwise Changed";
    ASSERT_TRUE(repo.update(*other, **t).ok());
    std::thread committer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      EXPECT_TRUE(other->commit().ok());
    });
    ASSERT_TRUE(search::flush_deferred(c, index).ok());
    ASSERT_TRUE(c.commit().ok());
    committer.join();
    auto problems = search::check_index(c, index);
    ASSERT_TRUE(problems.ok()) << problems.error().message;
    EXPECT_TRUE(problems->empty()) << problems->front();
    EXPECT_EQ(found("bulkwise%20changed"), std::vector<std::int64_t>{*theirs});
  }
}

// The statements of the common filter combinations read through indexes: no full scan of the
// customers and no sort of their rows.
TEST_F(Search, CommonCombinationsAreServedFromIndexes) {
  auto lease = connect();
  storage::Connection& c = *lease;
  const bool sqlite = c.backend() == storage::Backend::kSqlite;
  // Plans are chosen by table sizes: give the planner a shop of 30,000 customers (a tenth of
  // them tagged, twenty cities, a few types) with an order each, and fresh statistics.
  const std::vector<storage::Value> markers{std::string(2, search::kStart),
                                            std::string(1, search::kEnd)};
  auto seeded = c.execute(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000) "
      "INSERT INTO customers (name, email, email_normalized, city, city_key, type, created_at, "
      "updated_at, search_text) "
      "SELECT 'Plan ' || CAST(i AS TEXT), 'p' || CAST(i AS TEXT) || '@plan.example', "
      "'p' || CAST(i AS TEXT) || '@plan.example', 'City ' || CAST(i % 20 AS TEXT), "
      "'city ' || CAST(i % 20 AS TEXT), CASE WHEN i % 7 = 0 THEN 'business' ELSE 'home' END, i, i, "
      "$1 || 'plan ' || CAST(i AS TEXT) || $2 || ' ' || $1 || 'p' || CAST(i AS TEXT) || "
      "'@plan.example' || $2 FROM n",
      markers);
  ASSERT_TRUE(seeded.ok()) << seeded.error().message;
  auto tagged = c.execute(
      "INSERT INTO customer_tags (customer_id, tag) SELECT id, 'foodie' FROM customers "
      "WHERE email LIKE '%@plan.example' AND id % 10 = 0");
  ASSERT_TRUE(tagged.ok()) << tagged.error().message;
  // As in a shop, the tag is a field of the document: with the default statistics the fields'
  // most common elements are then the tag alone (1% of the rows or more), and a field outside
  // them is estimated at 0.5% of the table (migration 0053).
  auto tag_fields = c.execute(
      "UPDATE customers SET search_text = search_text || ' ' || $1 || 'foodie' || $2 "
      "WHERE id IN (SELECT customer_id FROM customer_tags WHERE tag = 'foodie')",
      markers);
  ASSERT_TRUE(tag_fields.ok()) << tag_fields.error().message;
  auto ordered = c.execute(
      "INSERT INTO orders (external_id, customer_id, channel, status, currency, subtotal, total, "
      "placed_at, created_at, updated_at, search_text, search_customer) "
      "SELECT 'PLAN-' || CAST(id AS TEXT), id, 'web', 'placed', 'CNY', 100, 100, id, id, id, "
      "$1 || 'plan-' || CAST(id AS TEXT) || $2, search_text FROM customers "
      "WHERE email LIKE '%@plan.example'",
      markers);
  ASSERT_TRUE(ordered.ok()) << ordered.error().message;
  // PostgreSQL: VACUUM as well, as autovacuum does: until then the rows just written wait in the
  // GIN indexes' pending lists, whose size (up to 4 MB, emptied when full) every index scan's
  // estimate includes, and the plan would hang on how full they happen to be.
  ASSERT_TRUE(c.execute(sqlite ? "ANALYZE" : "VACUUM ANALYZE").ok());

  using customers::CustomerQuery;
  using search::MatchRank;
  struct Case {
    std::string name;
    CustomerQuery query;
    MatchRank rank = MatchRank::kExact;
  };
  auto q = [](const char* text) { return std::optional<std::string>(text); };
  std::vector<Case> cases = {
      {"first page", {}},
      {"text, exact", {.q = q("wang")}, MatchRank::kExact},
      {"text, prefix", {.q = q("wang")}, MatchRank::kPrefix},
      {"text, substring", {.q = q("wang")}, MatchRank::kSubstring},
      {"phone digits", {.q = q("139-12")}, MatchRank::kSubstring},
      {"one character", {.q = q("w")}, MatchRank::kPrefix},
      {"text and city", {.q = q("wang"), .city = q("City 3")}, MatchRank::kSubstring},
      {"text and tag", {.q = q("wang"), .tag = q("foodie")}, MatchRank::kSubstring},
      {"city", {.city = q("City 3")}},
      {"tag", {.tag = q("foodie")}},
      {"city and tag", {.tag = q("foodie"), .city = q("City 3")}},
      {"type", {.type = customers::CustomerType::kBusiness}},
      {"type and city", {.type = customers::CustomerType::kBusiness, .city = q("City 3")}},
      {"tier", {.tier = analytics::Tier::kVeryLoyal}},
      {"segment and type", {.type = customers::CustomerType::kBusiness, .segment = analytics::Segment::kAtRisk}},
  };
  auto explain = [&](const search::Sql& sql) {
    std::string plan;
    auto explained = c.query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql.text(),
                             sql.params(), [&](const storage::RowView& row) {
                               plan += row.get_string(row.column_count() - 1) + "\n";
                             });
    EXPECT_TRUE(explained.ok()) << explained.error().message;
    return plan;
  };
  // PostgreSQL: the plan reads the trigram index `index` (not only its fields' index) through
  // search_trigram_text(), the index's own expression, with `needle` in the condition.
  auto expect_trigram_scan = [&](const std::string& plan, const std::string& index,
                                 const std::string& needle, const std::string& name) {
    const std::vector<std::string> conditions = index_conditions(plan, index);
    EXPECT_FALSE(conditions.empty()) << name << "\n" << plan;
    bool has_needle = false;
    for (const std::string& condition : conditions) {
      // The function is inlined: its replace() of the marker by the letter is what shows.
      EXPECT_NE(condition.find("'" + kTrigramStart + "'::text"), std::string::npos)
          << name << "\n" << plan;
      has_needle = has_needle || condition.find("'%" + needle + "%'") != std::string::npos;
    }
    EXPECT_TRUE(has_needle) << name << ": no condition on " << needle << "\n" << plan;
  };
  // The order list's search: the orders' index, newest first without a sort.
  for (const orders::OrderQuery& query :
       {orders::OrderQuery{.q = q("wang")},
        orders::OrderQuery{.q = q("wang"), .status = orders::OrderStatus::kShipped}}) {
    const std::string plan = explain(orders::OrderRepo::search_sql(c.backend(), query));
    EXPECT_NE(plan.find("orders_search"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN o\n"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("Seq Scan on orders"), std::string::npos) << plan;
    if (!sqlite) expect_trigram_scan(plan, "orders_search", "wang", "order list");
  }
  // The search box's ranks over orders and products, as it runs them. The catalog is a handful
  // of products, which the planner rightly reads whole or in id order: those paths are switched
  // off for it, so that the plan shows whether the statement can use the index at all.
  for (MatchRank rank : {MatchRank::kPrefix, MatchRank::kSubstring}) {
    for (const char* text : {"wang", "w"}) {
      if (rank == MatchRank::kSubstring && std::string(text) == "w") continue;
      const search::Query query = search::parse_query(text);
      const std::string needle =
          rank == MatchRank::kSubstring ? std::string(text)
          : query.characters >= 3       ? kTrigramStart + text
                                        : kTrigramStart + kTrigramStart + text;
      const std::string name = std::string("search box, ") + text + ", " +
                               (rank == MatchRank::kPrefix ? "prefix" : "substring");
      const std::string orders_plan =
          explain(search::ranked_sql(c.backend(), orders::kOrderIndex, query, rank, 6, true));
      EXPECT_EQ(orders_plan.find("Seq Scan on orders"), std::string::npos) << name << "\n" << orders_plan;
      EXPECT_EQ(orders_plan.find("SCAN r\n"), std::string::npos) << name << "\n" << orders_plan;
      if (sqlite) continue;
      expect_trigram_scan(orders_plan, "orders_search", needle, name + " (orders)");
      ASSERT_TRUE(c.execute("SET enable_seqscan = off").ok());
      ASSERT_TRUE(c.execute("SET enable_indexscan = off").ok());
      const std::string products_plan =
          explain(search::ranked_sql(c.backend(), catalog::kProductIndex, query, rank, 6, false));
      ASSERT_TRUE(c.execute("RESET enable_seqscan").ok());
      ASSERT_TRUE(c.execute("RESET enable_indexscan").ok());
      expect_trigram_scan(products_plan, "products_search", needle, name + " (products)");
    }
  }
  // A first page's exact and prefix ranks read by one statement (the customer list and the search
  // box's ranks over orders): the search index in id order; on PostgreSQL its trigram index with
  // the letter marking a field's start in the condition.
  for (const char* text : {"wang", "w", "139-12"}) {
    const search::Query query = search::parse_query(text);
    ASSERT_TRUE(search::ranks_share_statement(query)) << text;
    const std::string typed = query.digits ? *query.digits : query.text;
    const std::string needle =
        query.characters >= 3 ? kTrigramStart + typed : kTrigramStart + kTrigramStart + typed;
    const std::string name = std::string("exact and prefix, ") + text;
    const std::string list_plan = explain(
        customers::CustomerRepo::exact_or_prefix_sql(c.backend(), {.q = q(text)}));
    const std::string orders_plan =
        explain(search::exact_or_prefix_sql(c.backend(), orders::kOrderIndex, query, 6, true));
    EXPECT_NE(list_plan.find("customers_search"), std::string::npos) << name << "\n" << list_plan;
    EXPECT_NE(orders_plan.find("orders_search"), std::string::npos) << name << "\n" << orders_plan;
    if (sqlite) {
      EXPECT_EQ(list_plan.find("SCAN c\n"), std::string::npos) << name << "\n" << list_plan;
      EXPECT_EQ(list_plan.find("TEMP B-TREE"), std::string::npos) << name << "\n" << list_plan;
      EXPECT_EQ(orders_plan.find("SCAN r\n"), std::string::npos) << name << "\n" << orders_plan;
      EXPECT_EQ(orders_plan.find("TEMP B-TREE"), std::string::npos) << name << "\n" << orders_plan;
    } else {
      EXPECT_EQ(list_plan.find("Seq Scan on customers"), std::string::npos) << name << "\n" << list_plan;
      EXPECT_EQ(orders_plan.find("Seq Scan on orders"), std::string::npos) << name << "\n" << orders_plan;
      expect_trigram_scan(list_plan, "customers_search", needle, name + " (customers)");
      expect_trigram_scan(orders_plan, "orders_search", needle, name + " (orders)");
    }
  }
  // SQLite: the ranks that search::reading gives to the index of number fields are read from it,
  // in id order, with the list's filters checked on the rows it yields.
  if (sqlite) {
    const search::Reading numbers{.exact_from_numbers = true, .prefix_from_numbers = true};
    const search::Query phone = search::parse_query("13912");
    using customers::CustomerRepo;
    const std::vector<std::pair<std::string, std::string>> plans = {
        {"list, exact",
         explain(CustomerRepo::list_sql(c.backend(), {.q = q("13912")}, MatchRank::kExact, numbers))},
        {"list, prefix",
         explain(CustomerRepo::list_sql(c.backend(), {.q = q("13912")}, MatchRank::kPrefix, numbers))},
        {"list, exact and prefix",
         explain(CustomerRepo::exact_or_prefix_sql(c.backend(), {.q = q("13912")}, numbers))},
        {"list with a city and a tag, exact and prefix",
         explain(CustomerRepo::exact_or_prefix_sql(
             c.backend(), {.q = q("13912"), .tag = q("foodie"), .city = q("City 3")}, numbers))},
        {"search box, orders, exact",
         explain(search::ranked_sql(c.backend(), orders::kOrderIndex, phone, MatchRank::kExact, 6,
                                    true, numbers))},
        {"search box, orders, exact and prefix",
         explain(search::exact_or_prefix_sql(c.backend(), orders::kOrderIndex, phone, 6, true,
                                             numbers))},
    };
    for (const auto& [name, plan] : plans) {
      EXPECT_NE(plan.find("_numbers VIRTUAL TABLE"), std::string::npos) << name << "\n" << plan;
      EXPECT_EQ(plan.find("_search VIRTUAL TABLE"), std::string::npos) << name << "\n" << plan;
      EXPECT_EQ(plan.find("SCAN c\n"), std::string::npos) << name << "\n" << plan;
      EXPECT_EQ(plan.find("SCAN r\n"), std::string::npos) << name << "\n" << plan;
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << name << "\n" << plan;
    }
  }
  // A Latin letter with case, or a Chinese name: the ranks are read one by one.
  EXPECT_FALSE(search::ranks_share_statement(search::parse_query("\xC3\x89mile")));
  EXPECT_FALSE(search::ranks_share_statement(search::parse_query("\xE7\x8E\x8B\xE8\x8A\xB3")));
  // PostgreSQL's exact rank for a field no customer has (most queries) reads the fields index,
  // not the documents (or the customers) in id order to the end of the table (the estimate comes
  // from the fields' 1,000-entry statistics: migration 0053).
  for (const char* text : {"w", "zzqx", "13912"}) {
    if (sqlite) break;
    const std::string plan = explain(customers::CustomerRepo::list_sql(
        c.backend(), {.q = q(text)}, MatchRank::kExact));
    // (The customers it finds are then read by id, from customers_pkey.)
    const auto scan = plan.find("Bitmap Index Scan on customers_search_fields");
    EXPECT_NE(scan, std::string::npos) << text << "\n" << plan;
    EXPECT_EQ(plan.find("Index Scan using customers_documents_pkey"), std::string::npos)
        << text << "\n" << plan;
    EXPECT_EQ(plan.find("Index Cond: (id > "), std::string::npos) << text << "\n" << plan;
    // The estimate, what decides between the index and the walk on a large table: a few rows,
    // not 0.5% of the 30,000 (150), which at 200,000 customers made the planner walk them all.
    if (scan == std::string::npos) continue;
    const auto rows = plan.find("rows=", scan);
    ASSERT_NE(rows, std::string::npos) << plan;
    EXPECT_LE(std::stol(plan.substr(rows + 5)), 30) << text << "\n" << plan;
  }
  // PostgreSQL: each shape reads as it says, whatever the estimates (search::Shape), and the
  // probe chooses it from the documents.
  if (!sqlite) {
    using search::Shape;
    const search::Reading walk = search::reading_in_shape(Shape::kWalk);
    const search::Reading index = search::reading_in_shape(Shape::kIndex);
    for (MatchRank rank : search::kMatchRanks) {
      const std::string walked =
          explain(customers::CustomerRepo::list_sql(c.backend(), {.q = q("wang")}, rank, walk));
      EXPECT_NE(walked.find("Index Scan using customers_documents_pkey"), std::string::npos)
          << walked;
      EXPECT_EQ(walked.find("customers_search"), std::string::npos) << walked;
      const std::string indexed =
          explain(customers::CustomerRepo::list_sql(c.backend(), {.q = q("wang")}, rank, index));
      EXPECT_NE(indexed.find(rank == MatchRank::kExact
                                 ? "Bitmap Index Scan on customers_search_fields"
                                 : "Bitmap Index Scan on customers_search"),
                std::string::npos)
          << indexed;
      EXPECT_EQ(indexed.find("Index Scan using customers_documents_pkey"), std::string::npos)
          << indexed;
      EXPECT_EQ(indexed.find("Index Cond: (id > "), std::string::npos) << indexed;
    }
    auto shapes = [&](const char* text) {
      auto how = search::reading(c, customers::kCustomerIndex, search::parse_query(text));
      EXPECT_TRUE(how.ok()) << text << ": " << how.error().message;
      return how.ok() ? how->shapes : search::Reading{}.shapes;
    };
    // Every customer's name starts with "plan"; no document holds "zzqx"; one e-mail starts with
    // p12345@.
    EXPECT_EQ(shapes("plan")[1], Shape::kWalk);
    EXPECT_EQ(shapes("zzqx"), (std::array{Shape::kIndex, Shape::kIndex, Shape::kIndex}));
    EXPECT_EQ(shapes("p12345@plan"), (std::array{Shape::kIndex, Shape::kIndex, Shape::kIndex}));
    // On a table larger than the probe's window the chosen shapes differ by query and by rank
    // (2345@plan, in p2345@, p12345@ and p22345@: every rank from the index, in one statement):
    // the pages stay the same as
    // walking gives them, the first and the one after it.
    customers::CustomerRepo repo;
    auto page = [&](const char* text, const customers::ListPosition& after,
                    std::optional<Shape> shape) {
      std::vector<std::pair<std::int64_t, MatchRank>> out;
      auto found = repo.list(c, {.q = q(text)}, after, 20, shape);
      EXPECT_TRUE(found.ok()) << text << ": " << found.error().message;
      if (found.ok()) {
        for (const auto& m : *found) out.emplace_back(m.customer.id, m.rank);
      }
      return out;
    };
    for (const char* text : {"2345@plan", "p12345@plan", "plan 12", "plan", "12345", "p1", "zzqx"}) {
      const auto first = page(text, {}, std::nullopt);
      EXPECT_EQ(first, page(text, {}, Shape::kWalk)) << text;
      if (first.empty()) continue;
      const customers::ListPosition next{first.back().second, first.back().first};
      EXPECT_EQ(page(text, next, std::nullopt), page(text, next, Shape::kWalk)) << text;
    }
    EXPECT_EQ(shapes("2345@plan"), (std::array{Shape::kIndex, Shape::kIndex, Shape::kIndex}));
    EXPECT_EQ(page("2345@plan", {}, std::nullopt).size(), 3u);
    EXPECT_EQ(page("plan 12", {}, std::nullopt).size(), 20u);
  }
  for (const auto& test : cases) {
    const search::Sql sql = customers::CustomerRepo::list_sql(c.backend(), test.query, test.rank);
    std::string plan;
    auto explained = c.query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + sql.text(),
                             sql.params(), [&](const storage::RowView& row) {
                               plan += row.get_string(row.column_count() - 1) + "\n";
                             });
    ASSERT_TRUE(explained.ok()) << test.name << ": " << explained.error().message;
    if (sqlite) {
      // "SCAN c" alone is a full scan of customers; "SCAN c USING INDEX"/"SCAN customers_search
      // VIRTUAL TABLE" read an index in order.
      EXPECT_EQ(plan.find("SCAN c\n"), std::string::npos) << test.name << "\n" << plan;
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << test.name << "\n" << plan;
    } else {
      EXPECT_EQ(plan.find("Seq Scan on customers"), std::string::npos) << test.name << "\n" << plan;
    }
    if (std::getenv("ECRM_TEST_SHOW_PLANS")) std::cout << test.name << "\n" << plan << "\n";
    if (test.query.q && test.rank != MatchRank::kExact) {
      EXPECT_NE(plan.find("customers_search"), std::string::npos) << test.name << "\n" << plan;
    }
    // PostgreSQL's prefix and substring ranks read the trigram index through its expression; a
    // prefix's condition holds the letter marking a field's start, so that only the rows with
    // such a field are read (not every row holding the word).
    if (!sqlite && test.query.q && test.rank != MatchRank::kExact) {
      const search::Query query = search::parse_query(*test.query.q);
      const std::string text = query.digits ? *query.digits : query.text;
      expect_trigram_scan(plan, "customers_search",
                          test.rank == MatchRank::kSubstring ? text
                          : query.characters >= 3            ? kTrigramStart + text
                                                             : kTrigramStart + kTrigramStart + text,
                          test.name);
    }
    // PostgreSQL's exact rank reads the fields' index, not every row holding the word.
    if (!sqlite && test.query.q && test.rank == MatchRank::kExact) {
      EXPECT_NE(plan.find("customers_search_fields"), std::string::npos) << test.name << "\n"
                                                                          << plan;
    }
    // PostgreSQL: the equality filters' indexes carry the id (migration 0061), so a city's or a
    // type's customers come out of them in the order the list pages in, with the tag's to merge.
    if (!sqlite && !test.query.q) {
      if ((test.query.city || test.query.type || test.query.tag) && !test.query.segment) {
        EXPECT_EQ(plan.find("Sort Key"), std::string::npos) << test.name << "\n" << plan;
      }
      if (test.query.city && !test.query.type) {
        EXPECT_NE(plan.find("Index Scan using customers_city"), std::string::npos)
            << test.name << "\n"
            << plan;
      }
      if (test.query.type && !test.query.city && !test.query.segment) {
        EXPECT_NE(plan.find("Index Scan using customers_type"), std::string::npos)
            << test.name << "\n"
            << plan;
      }
      if (test.query.tag) {
        EXPECT_NE(plan.find("customer_tags_tag"), std::string::npos) << test.name << "\n" << plan;
      }
    }
    // PostgreSQL's planner picks among the other indexes from the statistics; SQLite's path is
    // set by the statement (the search index, else tags, else city).
    if (!sqlite) continue;
    if (test.query.tag && !test.query.q) {
      EXPECT_NE(plan.find("customer_tags_tag"), std::string::npos) << test.name << "\n" << plan;
    }
    if (test.query.city && !test.query.tag && !test.query.q) {
      EXPECT_NE(plan.find("customers_city"), std::string::npos) << test.name << "\n" << plan;
    }
    if (test.query.tier) {
      EXPECT_NE(plan.find("customer_scores_tier"), std::string::npos) << test.name << "\n" << plan;
    }
    if (test.query.segment && !test.query.tier) {
      EXPECT_NE(plan.find("customer_scores_segment"), std::string::npos) << test.name << "\n" << plan;
    }
  }
}

}  // namespace
}  // namespace ecrm::testing
