// The inbox's ticket list on a shop of many tickets: every view and the common filters read their
// page from an index holding their filter and their order (no scan of the tickets, no walk of the
// primary key, no sort of a view's rows), and a view's pages, followed by their positions, give
// each ticket exactly once in order, ties in due time included. The statements are the ones
// ServiceRepo::list_tickets runs, captured with their parameters; their plans are asked of SQLite
// (EXPLAIN QUERY PLAN) and of PostgreSQL, both as planned for the values (a custom plan) and as
// planned once for any values (the generic plan a prepared statement switches to).
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "core/time.hpp"
#include "crm_support.hpp"
#include "service/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

using service::InboxView;
using service::ServiceRepo;
using service::Ticket;
using service::TicketPosition;
using service::TicketQuery;
using storage::Backend;
using storage::Value;

constexpr int kTickets = 40'000;
constexpr std::int64_t kHourMs = 3'600'000;

// A connection that passes everything to `inner` and keeps the last query with its parameters.
class RecordingConnection final : public storage::Connection {
 public:
  explicit RecordingConnection(storage::Connection& inner) : inner_(inner) {}

  Backend backend() const override { return inner_.backend(); }
  Status query(std::string_view sql, std::span<const Value> params,
               const storage::RowCallback& on_row) override {
    sql_ = std::string(sql);
    params_.assign(params.begin(), params.end());
    return inner_.query(sql, params, on_row);
  }
  Result<std::int64_t> execute(std::string_view sql, std::span<const Value> params) override {
    return inner_.execute(sql, params);
  }
  Status execute_script(std::string_view sql) override { return inner_.execute_script(sql); }
  Status begin(storage::TxMode mode) override { return inner_.begin(mode); }
  Status commit() override { return inner_.commit(); }
  Status rollback() override { return inner_.rollback(); }
  bool in_transaction() const override { return inner_.in_transaction(); }
  Status ping() override { return inner_.ping(); }

  const std::string& sql() const { return sql_; }
  const std::vector<Value>& params() const { return params_; }

 private:
  storage::Connection& inner_;
  std::string sql_;
  std::vector<Value> params_;
};

// A parameter written as an SQL literal (the list binds integers and short texts).
std::string literal(const Value& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::string out = "'";
    for (char ch : *s) out += ch == '\'' ? std::string("''") : std::string(1, ch);
    return out + "'";
  }
  return "NULL";
}

class ServiceInbox : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    CrmApi::SetUpTestSuite();
    auto db = storage::open_database(server_->db_url());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db).release();
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
    CrmApi::TearDownTestSuite();
  }

  void SetUp() override {
    CrmApi::SetUp();
    if (seeded_) return;
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().message;
    storage::Connection& c = **lease;
    // The planners' choices depend on the tables' sizes: 2,000 customers, 20 agents in four
    // teams (bench_agents is what the benchmark's ticket generator assigns from) and 40,000
    // tickets over two years, most of them closed, written by the benchmark's own generator.
    ASSERT_TRUE(c.execute_script(
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                     "INSERT INTO customers (name, created_at, updated_at) "
                     "SELECT 'Inbox ' || CAST(i AS TEXT), i, i FROM n;"
                     "CREATE TABLE bench_agents (k INTEGER PRIMARY KEY, user_id BIGINT NOT NULL, "
                     "team TEXT NOT NULL);"
                     "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19) "
                     "INSERT INTO users (email, name, role, password_hash, created_at, updated_at) "
                     "SELECT 'inbox-agent' || CAST(i AS TEXT) || '@example.com', 'Agent', 'service', "
                     "'!', 1, 1 FROM n;"
                     "INSERT INTO bench_agents (k, user_id, team) SELECT CAST(substr(email, 12, "
                     "length(email) - 23) AS INTEGER), id, 'team ' || CAST(id % 4 AS TEXT) FROM users "
                     "WHERE email LIKE 'inbox-agent%@example.com';")
                    .ok());
    std::ifstream file(source_dir() + "/bench/service/inbox_tickets.sql");
    ASSERT_TRUE(file) << "bench/service/inbox_tickets.sql not found under " << source_dir();
    std::string generator, line;
    while (std::getline(file, line)) {
      if (line.starts_with("--")) continue;
      generator += line + "\n";
    }
    now_ = now_ms();
    auto replace = [&](const std::string& from, const std::string& to) {
      for (auto at = generator.find(from); at != std::string::npos; at = generator.find(from, at)) {
        generator.replace(at, from.size(), to);
      }
    };
    replace(":TICKETS", std::to_string(kTickets));
    replace(":NOW", std::to_string(now_));
    auto written = c.execute(generator, {});
    ASSERT_TRUE(written.ok()) << written.error().message;
    // The server's breach worker would settle the late tickets meanwhile (recomputing their due
    // times from their targets): the lists here are read from a fixed table. First nothing is
    // left for it to check (a check under way holds its ticket's row until it commits, and one
    // starting later finds nothing to do), then the ties are written.
    ASSERT_TRUE(c.execute("UPDATE tickets SET sla_check_at = NULL").ok());
    // Ties in due time across page boundaries: a dozen running tickets due at the same moment.
    auto tied = c.execute(
        "UPDATE tickets SET next_due_at = $1 WHERE id IN (SELECT id FROM tickets WHERE active = 1 "
        "AND next_due_at IS NOT NULL ORDER BY id LIMIT 12)",
        {Value(now_ - 60'000)});
    ASSERT_TRUE(tied.ok()) << tied.error().message;
    // PostgreSQL: VACUUM as autovacuum would (the visibility map and fresh statistics).
    ASSERT_TRUE(c.execute(c.backend() == Backend::kSqlite ? "ANALYZE" : "VACUUM ANALYZE").ok());
    auto agent = c.query_int("SELECT user_id FROM bench_agents WHERE k = 0");
    ASSERT_TRUE(agent.ok() && agent->has_value());
    agent_ = **agent;
    auto customer = c.query_int("SELECT customer_id FROM tickets ORDER BY id DESC LIMIT 1");
    ASSERT_TRUE(customer.ok() && customer->has_value());
    customer_ = **customer;
    seeded_ = true;
  }

  // The statement list_tickets runs for `q` (after `after`), with its parameters.
  struct Statement {
    std::string sql;
    std::vector<Value> params;
    std::vector<Ticket> page;
  };
  Statement list(storage::Connection& c, const TicketQuery& q,
                 const std::optional<TicketPosition>& after = std::nullopt, int limit = 50) {
    RecordingConnection recording(c);
    auto page = repo_.list_tickets(recording, q, agent_, now_ + kHourMs, after, limit);
    EXPECT_TRUE(page.ok()) << page.error().message;
    return {recording.sql(), recording.params(), page.ok() ? *page : std::vector<Ticket>{}};
  }

  // The plan of `s`, one line per row: SQLite's EXPLAIN QUERY PLAN details; PostgreSQL's EXPLAIN
  // of the statement prepared, planned for its values (custom) or for any values (generic).
  std::string plan(storage::Connection& c, const Statement& s, bool generic = false) {
    std::string out;
    if (c.backend() == Backend::kSqlite) {
      auto explained = c.query("EXPLAIN QUERY PLAN " + s.sql, s.params, [&](const storage::RowView& row) {
        out += row.get_string(3) + "\n";
      });
      EXPECT_TRUE(explained.ok()) << explained.error().message;
      return out;
    }
    std::string args;
    for (const Value& v : s.params) args += (args.empty() ? "" : ", ") + literal(v);
    auto prepared = c.execute_script("PREPARE inbox_list AS " + s.sql + "; SET plan_cache_mode = " +
                                     (generic ? "force_generic_plan" : "force_custom_plan"));
    EXPECT_TRUE(prepared.ok()) << prepared.error().message << "\n" << s.sql;
    auto explained = c.query("EXPLAIN EXECUTE inbox_list(" + args + ")", {},
                             [&](const storage::RowView& row) { out += row.get_string(0) + "\n"; });
    EXPECT_TRUE(explained.ok()) << explained.error().message;
    EXPECT_TRUE(c.execute_script("RESET plan_cache_mode; DEALLOCATE inbox_list").ok());
    return out;
  }

  // Reference: the ids a view holds, in its order, read with one plain statement.
  std::vector<std::int64_t> ids(storage::Connection& c, const std::string& sql,
                                const std::vector<Value>& params = {}) {
    std::vector<std::int64_t> out;
    auto read = c.query(sql, params, [&](const storage::RowView& row) { out.push_back(row.get_int(0)); });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  inline static storage::Database* db_ = nullptr;
  inline static bool seeded_ = false;
  inline static UnixMs now_ = 0;
  inline static std::int64_t agent_ = 0;
  inline static std::int64_t customer_ = 0;
  ServiceRepo repo_;
};

TEST_F(ServiceInbox, EveryViewReadsItsPageFromAnIndexInItsOrder) {
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  storage::Connection& c = **lease;
  const bool sqlite = c.backend() == Backend::kSqlite;
  auto other = c.query_int("SELECT user_id FROM bench_agents WHERE k = 5");
  ASSERT_TRUE(other.ok() && other->has_value());

  const std::vector<std::string> unassigned =
      sqlite ? std::vector<std::string>{"tickets_unassigned", "tickets_assignee"}
             : std::vector<std::string>{"tickets_unassigned"};
  struct Case {
    std::string name;
    TicketQuery query;
    std::vector<std::string> indexes;  // the page is read from one of these
    bool second_page = false;
    // PostgreSQL may read every row of an index range that holds exactly the filter (the rows it
    // expects to be about a page) by a bitmap, and sort those: each row read is on the page.
    bool may_sort = false;
    // PostgreSQL: the index walked backwards (newest first), whatever the rows expected.
    bool backward = false;
  };
  const std::vector<Case> cases = {
      {"mine", {.view = InboxView::kMine}, {"tickets_assignee"}},
            // SQLite takes `IS NULL` as fixing the column: (assignee_id, active, id) serves it too.
      {"unassigned", {.view = InboxView::kUnassigned}, unassigned},
      {"unassigned, page 2", {.view = InboxView::kUnassigned}, unassigned, true},
      {"breaching", {.view = InboxView::kBreaching}, {"tickets_due"}},
      {"breaching, page 2", {.view = InboxView::kBreaching}, {"tickets_due"}, true},
      {"all open", {.active = true}, {"tickets_active"}},
      {"all open, page 2", {.active = true}, {"tickets_active"}, true},
      // The channel filters the rows of the view's index.
      {"all open by channel", {.active = true, .channel = service::Channel::kChat}, {"tickets_active"}},
      {"unassigned by channel", {.view = InboxView::kUnassigned, .channel = service::Channel::kChat},
       unassigned},
      {"status and assignee",
       {.status = service::TicketStatus::kOpen, .assignee = **other},
       {"tickets_assignee_status"}, false, true},
      // A customer's tickets: never sorted, however many tickets the customer has.
      {"customer", {.customer_id = customer_}, {"tickets_customer"}, false, false, !sqlite},
      {"customer, page 2", {.customer_id = customer_}, {"tickets_customer"}, true, false, !sqlite},
  };
  for (const Case& test : cases) {
    Statement s = list(c, test.query);
    ASSERT_FALSE(s.page.empty()) << test.name;
    if (test.second_page) {
      // A customer has about 20 tickets: its pages are of 7.
      const int limit = test.query.customer_id ? 7 : 50;
      s = list(c, test.query, std::nullopt, limit);
      ASSERT_EQ(s.page.size(), static_cast<std::size_t>(limit))
          << test.name << ": the shop should fill a first page";
      const Ticket& last = s.page.back();
      const bool breaching = test.query.view == InboxView::kBreaching;
      s = list(c, test.query, TicketPosition{breaching ? last.next_due_at : std::nullopt, last.id},
               limit);
      EXPECT_FALSE(s.page.empty()) << test.name;
    }
    for (bool generic : sqlite ? std::vector<bool>{false} : std::vector<bool>{false, true}) {
      const std::string p = plan(c, s, generic);
      const std::string name = test.name + (sqlite ? "" : generic ? " (generic plan)" : " (custom plan)");
      EXPECT_TRUE(std::any_of(test.indexes.begin(), test.indexes.end(),
                              [&](const std::string& index) { return p.find(index + " ") != p.npos; }))
          << name << ": not read from " << test.indexes.front() << "\n" << s.sql << "\n" << p;
      if (sqlite) {
        // "SCAN tickets" alone reads every ticket (in rowid order: the primary key).
        EXPECT_EQ(p.find("SCAN tickets\n"), std::string::npos) << name << "\n" << p;
        EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << name << "\n" << p;
      } else {
        EXPECT_EQ(p.find("Seq Scan on tickets"), std::string::npos) << name << "\n" << p;
        EXPECT_EQ(p.find("tickets_pkey"), std::string::npos) << name << "\n" << p;
        if (test.backward) {
          EXPECT_NE(p.find("Index Scan Backward using " + test.indexes.front() + " "),
                    std::string::npos)
              << name << "\n" << p;
        }
        if (!test.may_sort) {
          EXPECT_EQ(p.find("Sort"), std::string::npos) << name << "\n" << p;
        }
      }
      // A later page of the breaching view starts its index range at the page's position.
      if (test.second_page && test.query.view == InboxView::kBreaching) {
        EXPECT_NE(p.find(sqlite ? "next_due_at>?" : "(ROW(next_due_at, id) > ROW("), std::string::npos)
            << name << "\n" << p;
      }
      if (std::getenv("ECRM_TEST_SHOW_PLANS")) std::cout << name << "\n" << s.sql << "\n" << p << "\n";
    }
  }
}

TEST_F(ServiceInbox, PagesFollowedByTheirPositionsGiveEveryTicketOnceInOrder) {
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  storage::Connection& c = **lease;
  const UnixMs until = now_ + kHourMs;
  // The customer with the most tickets (about 20 each): several pages of 7.
  auto most = c.query_int(
      "SELECT customer_id FROM tickets GROUP BY customer_id ORDER BY count(*) DESC, customer_id "
      "LIMIT 1");
  ASSERT_TRUE(most.ok() && most->has_value());
  const std::int64_t busiest = **most;
  struct Case {
    std::string name;
    TicketQuery query;
    std::vector<std::int64_t> expected;
  };
  const std::vector<Case> cases = {
      {"breaching",
       {.view = InboxView::kBreaching},
       ids(c, "SELECT id FROM tickets WHERE active = 1 AND next_due_at <= $1 ORDER BY next_due_at, id",
           {Value(until)})},
      {"unassigned",
       {.view = InboxView::kUnassigned},
       ids(c, "SELECT id FROM tickets WHERE assignee_id IS NULL AND active = 1 ORDER BY id DESC")},
      {"mine",
       {.view = InboxView::kMine},
       ids(c, "SELECT id FROM tickets WHERE assignee_id = $1 AND active = 1 ORDER BY id DESC",
           {Value(agent_)})},
      {"status and assignee",
       {.status = service::TicketStatus::kSolved, .assignee = agent_},
       ids(c, "SELECT id FROM tickets WHERE assignee_id = $1 AND status = 'solved' ORDER BY id DESC",
           {Value(agent_)})},
      {"customer",
       {.customer_id = busiest},
       ids(c, "SELECT id FROM tickets WHERE customer_id = $1 ORDER BY id DESC", {Value(busiest)})},
  };
  for (const Case& test : cases) {
    ASSERT_GT(test.expected.size(), 20u) << test.name << ": too few tickets to page through";
    std::vector<std::int64_t> got;
    std::optional<TicketPosition> after;
    for (int pages = 0; pages < 1000; ++pages) {
      const Statement s = list(c, test.query, after, 7);
      for (const Ticket& t : s.page) got.push_back(t.id);
      if (s.page.size() < 7) break;
      after = TicketPosition{test.query.view == InboxView::kBreaching ? s.page.back().next_due_at
                                                                      : std::nullopt,
                             s.page.back().id};
    }
    EXPECT_EQ(got, test.expected) << test.name;
  }
  // The tied due times fall across pages of 7: each of the dozen tickets is listed once.
  auto tied = c.query_int("SELECT count(*) FROM tickets WHERE next_due_at = $1", {Value(now_ - 60'000)});
  ASSERT_TRUE(tied.ok() && tied->has_value());
  EXPECT_GE(**tied, 12);
}

}  // namespace
}  // namespace ecrm::testing
