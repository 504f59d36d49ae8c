// A customer's long history, a page at a time: the 360° timeline and the customer's order list
// page through hundreds of entries (orders' status changes, returns, browsing events; ties in time
// within and across sources) with their cursors, each entry exactly once and in order; a merge
// moves the history with the orders. And every statement that serves such a page is a keyset read
// of an index: run by the real code against a database that asks for the plan of each query it
// is given (same parameters), the plans use the customer's (customer, time, id) indexes with the
// page's position as a range, without a sort and without a scan, on SQLite and PostgreSQL.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/time.hpp"
#include "crm_support.hpp"
#include "customers/service.hpp"
#include "events/customer_records.hpp"
#include "orders/customer_records.hpp"
#include "orders/service.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;
using storage::Backend;

constexpr int kOrders = 120;
constexpr int kEvents = 40;
constexpr std::int64_t kStart = 1'600'000'000'000;  // 2020-09-13
constexpr std::int64_t kHour = 3'600'000;
constexpr int kPage = 50;

// ---- Query plans of the statements the code runs -------------------------------------------

// One query the code ran, with its plan: SQLite's EXPLAIN QUERY PLAN details, or PostgreSQL's
// EXPLAIN lines.
struct CapturedPlan {
  std::string sql;
  std::vector<std::string> lines;

  std::string text() const {
    std::string out = sql + "\n";
    for (const auto& line : lines) out += "  " + line + "\n";
    return out;
  }
  bool has(std::string_view part) const {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return line.find(part) != line.npos; });
  }
};

// A connection that, before it runs a query, asks the database for that query's plan with the
// same parameters and records it.
class ExplainingConnection final : public storage::Connection {
 public:
  ExplainingConnection(storage::Lease inner, std::vector<CapturedPlan>& plans)
      : inner_(std::move(inner)), plans_(plans) {}

  Backend backend() const override { return inner_->backend(); }
  Status query(std::string_view sql, std::span<const storage::Value> params,
               const storage::RowCallback& on_row) override {
    if (sql.starts_with("SELECT")) {
      const bool sqlite = backend() == Backend::kSqlite;
      CapturedPlan plan{std::string(sql), {}};
      const std::string explain =
          std::string(sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + std::string(sql);
      ECRM_RETURN_IF_ERROR(inner_->query(explain, params, [&](const storage::RowView& row) {
        plan.lines.emplace_back(row.get_text(sqlite ? 3 : 0));
      }));
      plans_.push_back(std::move(plan));
    }
    return inner_->query(sql, params, on_row);
  }
  Result<std::int64_t> execute(std::string_view sql,
                               std::span<const storage::Value> params) override {
    return inner_->execute(sql, params);
  }
  Status execute_script(std::string_view sql) override { return inner_->execute_script(sql); }
  Status begin(storage::TxMode mode) override { return inner_->begin(mode); }
  Status commit() override { return inner_->commit(); }
  Status rollback() override { return inner_->rollback(); }
  bool in_transaction() const override { return inner_->in_transaction(); }
  Status ping() override { return inner_->ping(); }

 private:
  storage::Lease inner_;
  std::vector<CapturedPlan>& plans_;
};

// Lends ExplainingConnections over the connections of `inner`.
class ExplainingDatabase final : public storage::Database {
 public:
  explicit ExplainingDatabase(storage::Database& inner) : inner_(inner) {}
  Backend backend() const override { return inner_.backend(); }
  Result<storage::Lease> acquire() override {
    ECRM_ASSIGN_OR_RETURN(auto lease, inner_.acquire());
    return storage::Lease(this, std::make_unique<ExplainingConnection>(std::move(lease), plans));
  }

  std::vector<CapturedPlan> plans;

 protected:
  // Destroying the wrapper returns its connection to `inner`.
  void give_back(std::unique_ptr<storage::Connection>) override {}

 private:
  storage::Database& inner_;
};

// ---- The fixture: one customer with a long history among the demo shop's customers ----------

class History : public CrmApi {
 protected:
  void SetUp() override {
    CrmApi::SetUp();
    if (customer_ != 0) return;
    // Other customers with their orders, so that the history customer holds a small share of
    // each table (as in a real shop; the planners' choices depend on it).
    std::string output;
    ASSERT_EQ(server_->run_cli({"demo", "--customers", "3000", "--seed", "11"}, &output), 0)
        << output;
    auto products = get("/api/v1/products?limit=1");
    ASSERT_EQ(products.status, 200) << products.body;
    const std::int64_t product = products.json().at("items").at(0).at("id").as_int64();

    customer_ = create("/api/v1/customers",
                       json::object{{"name", "Hilda History"}, {"external_id", "HIST-1"}});
    ASSERT_NE(customer_, 0);
    // Orders an hour apart; every fifth is paid in the same millisecond it was placed (a tie
    // within the source), others later; two in three shipped, one in three delivered; a return
    // for every tenth.
    for (int k = 0; k < kOrders; ++k) {
      const std::int64_t placed = kStart + k * kHour;
      auto r = post("/api/v1/orders",
                    json::object{{"customer_id", customer_},
                                 {"placed_at", format_iso8601(placed)},
                                 {"lines", json::array{json::object{{"product_id", product},
                                                                    {"quantity", 1 + k % 3}}}}});
      ASSERT_EQ(r.status, 201) << r.body;
      auto o = r.json();
      const std::int64_t id = o.at("id").as_int64();
      order_ids_.insert(id);
      expected_.emplace(id, "order.placed");
      const std::int64_t paid = k % 5 == 0 ? placed : placed + 60'000;
      change(id, "paid", paid);
      if (k % 3 != 0) change(id, "shipped", placed + 20 * 60'000);
      if (k % 3 == 1) {
        change(id, "delivered", placed + 40 * 60'000);
        if (k % 10 == 1) {
          auto ret = post(
              id_path("/api/v1/orders", id) + "/returns",
              json::object{{"reason", "damaged"},
                           {"lines", json::array{json::object{
                                         {"order_line_id", o.at("lines").at(0).at("id").as_int64()},
                                         {"quantity", 1}}}}});
          ASSERT_EQ(ret.status, 201) << ret.body;
          returns_.insert(ret.json().at("id").as_int64());
        }
      }
    }
    // Browsing, identified as the customer: some events at the very millisecond an order was
    // placed (ties across sources).
    auto key = post("/api/v1/write-keys", json::object{{"name", "history"}});
    ASSERT_EQ(key.status, 201) << key.body;
    json::array events{json::object{{"event_id", "hist-identify"},
                                    {"type", "identify"},
                                    {"anonymous_id", "v-hist"},
                                    {"ts", kStart - kHour},
                                    {"properties", json::object{{"external_id", "HIST-1"}}}}};
    for (int i = 0; i < kEvents - 1; ++i) {
      events.push_back(json::object{
          {"event_id", "hist-" + std::to_string(i)},
          {"type", "page_view"},
          {"anonymous_id", "v-hist"},
          {"ts", kStart + 3 * i * kHour + (i % 2 == 0 ? 0 : 90'000)},
          {"properties", json::object{{"url", "https://shop.example/" + std::to_string(i)}}}});
    }
    HttpClient snippet(server_->base_url());
    auto sent = snippet.request(
        "POST", "/api/v1/events?key=" + std::string(key.json().at("key").as_string()),
        json::serialize(json::object{{"events", events}}), {"Content-Type: text/plain"});
    ASSERT_EQ(sent.status, 200) << sent.body;
    ASSERT_EQ(sent.json().at("accepted").as_int64(), kEvents) << sent.body;
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    customer_ = 0;
    order_ids_.clear();
    expected_.clear();
    returns_.clear();
  }

  void change(std::int64_t order, const std::string& status, std::int64_t at) {
    auto r = post(id_path("/api/v1/orders", order) + "/status",
                  json::object{{"status", status}, {"at", format_iso8601(at)}});
    ASSERT_EQ(r.status, 200) << r.body;
    expected_.emplace(order, "order." + status);
  }

  // The whole timeline through cursors, `limit` entries a page.
  json::array timeline(std::int64_t customer, int limit) {
    return all_pages(id_path("/api/v1/customers", customer) +
                     "/timeline?limit=" + std::to_string(limit));
  }

  // Expects `items` in strictly decreasing (at, source, id) order: newest first, each once.
  static void expect_timeline_order(const json::array& items) {
    for (std::size_t i = 1; i < items.size(); ++i) {
      const auto& a = items[i - 1];
      const auto& b = items[i];
      EXPECT_GT(std::make_tuple(a.at("at").as_int64(), std::string(a.at("source").as_string()),
                                a.at("id").as_int64()),
                std::make_tuple(b.at("at").as_int64(), std::string(b.at("source").as_string()),
                                b.at("id").as_int64()))
          << "entries " << i - 1 << " and " << i << ": " << json::serialize(a) << " "
          << json::serialize(b);
    }
  }

  inline static std::int64_t customer_ = 0;
  inline static std::set<std::int64_t> order_ids_;
  inline static std::multiset<std::pair<std::int64_t, std::string>> expected_;  // (order, kind)
  inline static std::set<std::int64_t> returns_;
};

TEST_F(History, TimelinePagesThroughTheWholeHistoryEachEntryOnceInOrder) {
  auto all = timeline(customer_, 7);
  const std::size_t total = 1 + expected_.size() + returns_.size() + kEvents;
  ASSERT_EQ(all.size(), total);
  expect_timeline_order(all);

  std::multiset<std::pair<std::int64_t, std::string>> changes;
  std::set<std::int64_t> returns;
  std::set<std::int64_t> events;
  int created = 0;
  for (const auto& e : all) {
    const std::string source(e.at("source").as_string());
    if (source == "order_status") {
      changes.emplace(e.at("data").at("order_id").as_int64(),
                      std::string(e.at("kind").as_string()));
    } else if (source == "return") {
      returns.insert(e.at("id").as_int64());
    } else if (source == "event") {
      events.insert(e.at("id").as_int64());
    } else if (source == "customer") {
      ++created;
    }
  }
  EXPECT_EQ(changes, expected_);
  EXPECT_EQ(returns, returns_);
  EXPECT_EQ(events.size(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(created, 1);

  // Another page size cuts the same sequence at other places (through runs of equal times).
  auto other = timeline(customer_, 50);
  ASSERT_EQ(other.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(other[i].at("source"), all[i].at("source")) << i;
    EXPECT_EQ(other[i].at("id"), all[i].at("id")) << i;
  }
}

TEST_F(History, CustomerOrdersPageThroughEveryOrderOnceNewestFirst) {
  auto all = all_pages("/api/v1/orders?limit=9&customer=" + std::to_string(customer_));
  ASSERT_EQ(all.size(), order_ids_.size());
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].at("customer_id").as_int64(), customer_);
    seen.insert(all[i].at("id").as_int64());
    if (i > 0) {
      EXPECT_GT(all[i - 1].at("id").as_int64(), all[i].at("id").as_int64());
    }
  }
  EXPECT_EQ(seen, order_ids_);
}

TEST_F(History, MergeMovesTheHistoryWithTheOrdersAndUndoMovesItBack) {
  const std::int64_t keep = create("/api/v1/customers", json::object{{"name", "Keeper"}});
  const std::int64_t gone = create("/api/v1/customers", json::object{{"name", "Gone"}});
  auto products = get("/api/v1/products?limit=1");
  const std::int64_t product = products.json().at("items").at(0).at("id").as_int64();
  auto r = post(
      "/api/v1/orders",
      json::object{{"customer_id", gone},
                   {"placed_at", format_iso8601(kStart)},
                   {"lines", json::array{json::object{{"product_id", product}, {"quantity", 2}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = r.json();
  const std::int64_t order = o.at("id").as_int64();
  ASSERT_EQ(post(id_path("/api/v1/orders", order) + "/status",
                 json::object{{"status", "shipped"}, {"at", format_iso8601(kStart + kHour)}})
                .status,
            200);
  ASSERT_EQ(post(id_path("/api/v1/orders", order) + "/status",
                 json::object{{"status", "delivered"}, {"at", format_iso8601(kStart + 2 * kHour)}})
                .status,
            200);
  auto ret =
      post(id_path("/api/v1/orders", order) + "/returns",
           json::object{{"reason", "other"},
                        {"lines", json::array{json::object{
                                      {"order_line_id", o.at("lines").at(0).at("id").as_int64()},
                                      {"quantity", 1}}}}});
  ASSERT_EQ(ret.status, 201) << ret.body;

  auto order_entries = [&](std::int64_t customer) {
    std::multiset<std::string> kinds;
    for (const auto& e : timeline(customer, 2)) {
      const std::string source(e.at("source").as_string());
      if (source == "order_status" || source == "return") kinds.emplace(e.at("kind").as_string());
    }
    return kinds;
  };
  const std::multiset<std::string> history{"order.placed", "order.shipped", "order.delivered",
                                           "return.requested"};
  EXPECT_EQ(order_entries(gone), history);
  EXPECT_TRUE(order_entries(keep).empty());

  auto merged =
      post(id_path("/api/v1/customers", keep) + "/merge", json::object{{"other_id", gone}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(order_entries(keep), history);
  EXPECT_TRUE(order_entries(gone).empty());

  auto undo = post("/api/v1/customers/merges/" +
                       std::to_string(merged.json().at("merge").at("id").as_int64()) + "/undo",
                   json::object{});
  ASSERT_EQ(undo.status, 200) << undo.body;
  EXPECT_EQ(order_entries(gone), history);
  EXPECT_TRUE(order_entries(keep).empty());
}

// Which index serves the reads of each history table, and how its range shows in the plans.
struct HistoryRead {
  std::string_view table;  // what the statement reads (main_table)
  std::string_view index;
  std::string_view sqlite_range;  // in SQLite's SEARCH line
  std::string_view pg_range;      // in PostgreSQL's Index Cond
};
constexpr HistoryRead kHistoryReads[] = {
    {"order_status_history", "order_status_history_customer", "(customer_id=? AND at<",
     "ROW(at, id) <"},
    {"returns", "returns_customer", "(customer_id=? AND created_at<", "ROW(created_at, id) <"},
    {"events", "events_customer", "(customer_id=? AND ts<", "ROW(ts, id) <"},
    {"orders", "orders_customer_id", "(customer_id=? AND id<", "(id <"},
};

// The table a statement reads at its own level (the first FROM outside parentheses).
std::string main_table(std::string_view sql) {
  int depth = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '(') {
      ++depth;
    } else if (sql[i] == ')') {
      --depth;
    } else if (depth == 0 && sql.substr(i).starts_with(" FROM ")) {
      std::string_view rest = sql.substr(i + 6);
      return std::string(rest.substr(0, rest.find(' ')));
    }
  }
  return {};
}

// PostgreSQL: the most rows a Sort node of the plan expects to sort; 0 without one.
std::int64_t largest_sort(const CapturedPlan& plan) {
  std::int64_t most = 0;
  for (const auto& line : plan.lines) {
    const auto sort = line.find("Sort  (cost=");
    if (sort == std::string::npos) continue;
    const auto rows = line.find(" rows=", sort);
    if (rows == std::string::npos) continue;
    most = std::max<std::int64_t>(most, std::stoll(line.substr(rows + 6)));
  }
  return most;
}

// The history read `plan` is, if it reads a history table.
const HistoryRead* history_read(const CapturedPlan& plan) {
  const std::string table = main_table(plan.sql);
  for (const auto& read : kHistoryReads) {
    if (read.table == table) return &read;
  }
  return nullptr;
}

TEST_F(History, EveryStatementOfAPageIsAKeysetReadOfAnIndexWithoutSortOrScan) {
  // The positions of a few pages: the first, one about 200 entries in, one near the end.
  auto all = timeline(customer_, 200);
  ASSERT_GT(all.size(), 300u);
  std::vector<std::optional<customers::TimelinePosition>> positions{std::nullopt};
  std::vector<std::size_t> sizes{kPage};  // of each page
  for (std::size_t at : {std::size_t{200}, all.size() - 20}) {
    const auto& e = all[at];
    positions.emplace_back(customers::TimelinePosition{
        e.at("at").as_int64(), std::string(e.at("source").as_string()), e.at("id").as_int64()});
    sizes.push_back(std::min<std::size_t>(kPage, all.size() - at - 1));
  }
  const std::vector<std::int64_t> ids(order_ids_.rbegin(), order_ids_.rend());
  const std::vector<std::optional<std::int64_t>> order_positions{std::nullopt, ids[30],
                                                                 ids[ids.size() - 10]};

  // One connection, so that a session setting holds for every lease below.
  auto opened = storage::open_database(server_->db_url(), {.max_connections = 1});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  storage::Database& db = **opened;
  if (db.backend() == Backend::kPostgres) {
    // Statistics as autovacuum keeps them; and since the tables of a test are small enough that
    // reading one whole really is cheaper than any index, sequential scans are priced out, so
    // that the plan shows which index path the planner takes (a sort, if it needs one, stays).
    auto lease = db.acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute_script("ANALYZE").ok());
  }
  ExplainingDatabase explaining(db);
  if (db.backend() == Backend::kPostgres) {
    auto lease = explaining.acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute_script("SET enable_seqscan = off").ok());
  }

  customers::CustomerService customers(explaining);
  orders::OrderCustomerRecords order_records;
  events::EventCustomerRecords event_records;
  events::VisitorCustomerRecords visitor_records;
  customers.attach(order_records);
  customers.attach(event_records);
  customers.attach(visitor_records);
  orders::OrderService orders(explaining);

  for (std::size_t i = 0; i < positions.size(); ++i) {
    auto page = customers.timeline(customer_, positions[i], kPage);
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_EQ(page->size(), sizes[i]);
  }
  for (const auto& position : order_positions) {
    orders::OrderQuery query;
    query.customer = customer_;
    auto page = orders.list(query, position, kPage);
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_FALSE(page->empty());
  }

  const bool sqlite = db.backend() == Backend::kSqlite;
  std::map<std::string_view, int> reads;  // by table
  for (const auto& plan : explaining.plans) {
    ASSERT_FALSE(plan.lines.empty()) << plan.sql;
    // No statement of a page reads a whole table.
    if (sqlite) {
      for (const auto& line : plan.lines) {
        EXPECT_FALSE(line.starts_with("SCAN ")) << plan.text();
      }
    } else {
      EXPECT_FALSE(plan.has("Seq Scan")) << plan.text();
    }
    const HistoryRead* read = history_read(plan);
    if (!read) continue;
    ++reads[read->table];
    // A history read walks its index from the page's position, already in the page's order.
    if (sqlite) {
      EXPECT_FALSE(plan.has("USE TEMP B-TREE")) << plan.text();
      EXPECT_TRUE(
          plan.has("INDEX " + std::string(read->index) + " " + std::string(read->sqlite_range)))
          << plan.text();
    } else {
      // PostgreSQL may read a range it expects to hold fewer rows than a page (a customer's few
      // returns, the last page) through a bitmap and sort those; never more than a page.
      EXPECT_LT(largest_sort(plan), kPage) << plan.text();
      EXPECT_TRUE(plan.has("Scan Backward using " + std::string(read->index) + " ") ||
                  plan.has("Bitmap Index Scan on " + std::string(read->index) + " "))
          << plan.text();
      EXPECT_TRUE(plan.has(read->pg_range)) << plan.text();
    }
  }
  // Each history read ran once a page.
  EXPECT_EQ(reads["order_status_history"], 3);
  EXPECT_EQ(reads["returns"], 3);
  EXPECT_EQ(reads["events"], 3);
  EXPECT_EQ(reads["orders"], 3);
}

}  // namespace
}  // namespace ecrm::testing
