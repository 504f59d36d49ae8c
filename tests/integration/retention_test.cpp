// Data retention: the event log ages into daily counts (POST /api/v1/events/age, and daily on the
// worker) that the traffic overview keeps counting, and the audit log is append-only in the
// database itself, whatever connects to it.
#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "crm_support.hpp"
#include "server_database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kOldDay = 1'072'915'200'000;  // 2004-01-01, far past any retention

class Retention : public CrmApi {
 protected:
  static void TearDownTestSuite() {
    database_.close();
    CrmApi::TearDownTestSuite();
  }

  storage::Connection& connection() { return database_.connection(*server_); }

  // Sends `events` as the snippet does, with a new write key; expects every one accepted.
  void ingest(const json::array& events) {
    auto key = post("/api/v1/write-keys", json::object{{"name", "shop"}});
    ASSERT_EQ(key.status, 201) << key.body;
    HttpClient snippet(server_->base_url());
    auto r = snippet.request(
        "POST", "/api/v1/events?key=" + std::string(key.json().at("key").as_string()),
        json::serialize(json::object{{"events", events}}), {"Content-Type: text/plain"});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("accepted").as_int64(), static_cast<std::int64_t>(events.size())) << r.body;
  }
  static json::object event(const std::string& id, const std::string& type,
                            const std::string& visitor, std::int64_t ts,
                            json::object properties = {}) {
    return json::object{{"event_id", id}, {"type", type},       {"anonymous_id", visitor},
                        {"ts", ts},       {"properties", std::move(properties)}};
  }
  // The overview's count of `type` events in [from, from + a day).
  std::int64_t overview_count(std::int64_t from, const std::string& type) {
    auto r = get("/api/v1/traffic/overview?from=" + std::to_string(from) +
                 "&to=" + std::to_string(from + kDay));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    for (const auto& t : body.at("event_types").as_array()) {
      if (t.at("name").as_string() == type) return t.at("count").as_int64();
    }
    return 0;
  }

  inline static ServerDatabase database_;
};

TEST_F(Retention, OldEventsAgeIntoDailyCountsThatTheOverviewKeepsCounting) {
  const std::int64_t t = kOldDay + 9 * 3'600'000;
  const json::object cart{{"sku", "RT-1"}, {"price", 1250}, {"quantity", 2}, {"currency", "EUR"}};
  ingest(json::array{event("rt-1", "page_view", "rt-a", t, {{"url", "https://shop.example/"}}),
                     event("rt-2", "page_view", "rt-a", t + 60'000, {{"url", "https://shop.example/x"}}),
                     event("rt-3", "page_view", "rt-b", t + 120'000, {{"url", "https://shop.example/"}}),
                     event("rt-4", "add_to_cart", "rt-b", t + 180'000, cart),
                     // The next day, and today: one more aged day, and an event that stays.
                     event("rt-5", "page_view", "rt-c", t + kDay, {{"url", "https://shop.example/"}}),
                     event("rt-6", "page_view", "rt-c", now_ms(), {{"url", "https://shop.example/"}})});
  EXPECT_EQ(overview_count(kOldDay, "page_view"), 3);

  expect_error(post("/api/v1/events/age", json::object{{"keep_days", 0}}), 400, "", "keep_days");
  expect_error(post("/api/v1/events/age", json::object{{"keep_days", "30"}}), 400, "", "keep_days");
  auto aged = post("/api/v1/events/age", json::object{{"keep_days", 30}});
  ASSERT_EQ(aged.status, 200) << aged.body;
  EXPECT_EQ(aged.json().at("events").as_int64(), 5) << aged.body;
  EXPECT_EQ(aged.json().at("days").as_int64(), 2) << aged.body;
  const std::int64_t before = aged.json().at("before").as_int64();
  EXPECT_EQ(before % kDay, 0) << "the cut is a UTC midnight: " << aged.body;
  EXPECT_LE(before, now_ms() - 30 * kDay);
  EXPECT_GT(before, now_ms() - 31 * kDay);

  // The raw rows are gone; the overview counts the old days from the daily totals.
  auto stats = get("/api/v1/events/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(stats.json().at("total").as_int64(), 1) << stats.body;
  EXPECT_EQ(stats.json().at("aged").as_int64(), 5) << stats.body;
  auto raw = connection().query_int("SELECT COUNT(*) FROM events WHERE ts < $1", {before});
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  EXPECT_EQ(raw->value_or(-1), 0);
  EXPECT_EQ(overview_count(kOldDay, "page_view"), 3);
  EXPECT_EQ(overview_count(kOldDay, "add_to_cart"), 1);
  EXPECT_EQ(overview_count(kOldDay + kDay, "page_view"), 1);
  EXPECT_EQ(overview_count(kOldDay - kDay, "page_view"), 0);

  // What each day's row holds.
  auto row = [&](const std::string& column, std::int64_t day, const std::string& type) {
    auto n = connection().query_int("SELECT " + column + " FROM event_daily WHERE day = $1 AND type = $2",
                                    {day, type});
    return n.ok() ? n->value_or(-1) : -2;
  };
  const std::int64_t day = kOldDay / kDay;
  EXPECT_EQ(row("events", day, "page_view"), 3);
  EXPECT_EQ(row("visitors", day, "page_view"), 2);
  EXPECT_EQ(row("events", day, "add_to_cart"), 1);
  EXPECT_EQ(row("value", day, "add_to_cart"), 2500);
  EXPECT_EQ(row("events", day + 1, "page_view"), 1);

  // Nothing is left to age, and the totals stay as they were.
  auto again = post("/api/v1/events/age", json::object{{"keep_days", 30}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("events").as_int64(), 0);
  EXPECT_EQ(row("events", day, "page_view"), 3);

  // Ageing is for those who administer tracking, and it is audited.
  auto analyst = staff("analyst@retention.test", "analyst");
  EXPECT_EQ(analyst->send_json("POST", "/api/v1/events/age", json::object{{"keep_days", 30}}).status, 403);
  auto audit = get("/api/v1/audit?limit=20");
  ASSERT_EQ(audit.status, 200) << audit.body;
  int ageings = 0;
  const auto audit_body = audit.json();
  for (const auto& item : audit_body.at("items").as_array()) {
    if (item.at("action").as_string() == "POST /api/v1/events/age" &&
        item.at("entity").as_string() == "event_log" && item.at("status").as_int64() == 200) {
      ++ageings;
    }
  }
  EXPECT_EQ(ageings, 2) << audit.body;
}

TEST_F(Retention, TheAuditLogIsAppendOnly) {
  ASSERT_EQ(post("/api/v1/customers", json::object{{"name", "Audited Ann"}}).status, 201);
  auto count = [&] {
    auto n = connection().query_int("SELECT COUNT(*) FROM audit_log");
    return n.ok() ? n->value_or(-1) : -2;
  };
  const std::int64_t rows = count();
  ASSERT_GT(rows, 0);
  for (const char* sql : {"UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log",
                          "DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)"}) {
    auto changed = connection().execute(sql);
    EXPECT_FALSE(changed.ok()) << sql;
    if (!changed.ok()) {
      EXPECT_NE(changed.error().message.find("append-only"), std::string::npos)
          << sql << ": " << changed.error().message;
    }
  }
  if (test_backend() == "postgresql") {
    EXPECT_FALSE(connection().execute("TRUNCATE audit_log").ok());
  }
  EXPECT_EQ(count(), rows);
  // Writes are still recorded.
  ASSERT_EQ(post("/api/v1/customers", json::object{{"name", "Audited Bob"}}).status, 201);
  EXPECT_EQ(count(), rows + 1);
}

}  // namespace
}  // namespace ecrm::testing
