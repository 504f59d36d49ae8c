// Event batches on two web nodes of one database: a tracking snippet or a shop's server that
// retries a batch on another node (after a timeout, behind a load balancer) may reach both at
// the same moment. Each event must be stored once, and the two answers must add up: every event
// accepted by one node and reported as a duplicate by the other.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "cluster.hpp"
#include "harness.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdminEmail = "owner@example.com";
constexpr const char* kAdminPassword = "Owner-pass-1234";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(EventBatches, TheSameBatchSentToBothNodesAtOnceIsStoredOnce) {
  ScratchDatabase database;
  const std::map<std::string, std::string> env = {{"ECRM_ADMIN_EMAIL", kAdminEmail},
                                                  {"ECRM_ADMIN_PASSWORD", kAdminPassword}};
  Node a("a", database.url(), {"--no-worker"}, env);
  Node b("b", database.url(), {"--no-worker"}, env);

  HttpClient admin(a.base_url());
  auto login = admin.send_json("POST", "/api/v1/auth/login",
                               json::object{{"email", kAdminEmail}, {"password", kAdminPassword}});
  ASSERT_EQ(login.status, 200) << login.body;
  admin.csrf_token = std::string(login.json().at("csrf_token").as_string());
  auto created = admin.send_json("POST", "/api/v1/write-keys", json::object{{"name", "shop"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string key(created.json().at("key").as_string());

  constexpr int kRounds = 20;
  constexpr int kEvents = 40;
  int accepted = 0;
  int duplicates = 0;
  for (int round = 0; round < kRounds; ++round) {
    json::array events;
    for (int i = 0; i < kEvents; ++i) {
      events.push_back(json::object{
          {"event_id", "twice-" + std::to_string(round) + "-" + std::to_string(i)},
          {"type", i % 3 == 0 ? "page_view" : "product_view"},
          {"anonymous_id", "visitor-" + std::to_string(i % 5)},
          {"ts", now_ms()},
          {"properties", i % 3 == 0 ? json::object{{"url", "https://shop.example/"}}
                                    : json::object{{"sku", "SKU-" + std::to_string(i)}}}});
    }
    const std::string body = json::serialize(json::object{{"events", events}});
    HttpResult answers[2];
    auto send = [&](const Node& node, HttpResult& out) {
      HttpClient client(node.base_url());
      out = client.request("POST", "/api/v1/events?key=" + key, body,
                           {"Content-Type: text/plain",
                            "User-Agent: Mozilla/5.0 (X11; Linux) Firefox/120"});
    };
    std::thread to_a([&] { send(a, answers[0]); });
    std::thread to_b([&] { send(b, answers[1]); });
    to_a.join();
    to_b.join();
    int round_accepted = 0;
    for (const auto& answer : answers) {
      ASSERT_EQ(answer.status, 200) << answer.body << "\n" << a.log() << b.log();
      round_accepted += static_cast<int>(answer.json().at("accepted").as_int64());
      duplicates += static_cast<int>(answer.json().at("duplicates").as_int64());
    }
    EXPECT_EQ(round_accepted, kEvents) << "round " << round;
    accepted += round_accepted;
  }
  EXPECT_EQ(accepted, kRounds * kEvents);
  EXPECT_EQ(duplicates, kRounds * kEvents);

  // Stored once each, straight from the database.
  auto db = storage::open_database(database.url(), storage::DatabaseOptions{});
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto lease = (*db)->acquire();
  ASSERT_TRUE(lease.ok()) << lease.error().message;
  std::int64_t rows = -1;
  std::int64_t distinct = -1;
  auto read = (*lease)->query(
      "SELECT COUNT(*), COUNT(DISTINCT event_id) FROM events WHERE event_id LIKE 'twice-%'", {},
      [&](const storage::RowView& row) {
        rows = row.get_int(0);
        distinct = row.get_int(1);
      });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(rows, kRounds * kEvents);
  EXPECT_EQ(distinct, kRounds * kEvents);
}

}  // namespace
}  // namespace ecrm::testing
