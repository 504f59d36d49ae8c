// Event batches on two web nodes of one database:
// - a tracking snippet or a shop's server that retries a batch on another node (after a timeout,
//   behind a load balancer) may reach both at the same moment. Each event must be stored once,
//   and the two answers must add up: every event accepted by one node and reported as a
//   duplicate by the other;
// - batches sent round-robin to both nodes while one is killed with SIGKILL: every batch that
//   was answered 200 is stored, each event exactly once.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <memory>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

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

// The event rows stored per event id, for ids starting with `prefix`.
std::map<std::string, std::int64_t> stored_events(const std::string& db_url,
                                                  const std::string& prefix) {
  std::map<std::string, std::int64_t> out;
  auto db = storage::open_database(db_url, storage::DatabaseOptions{});
  EXPECT_TRUE(db.ok()) << db.error().message;
  if (!db.ok()) return out;
  auto lease = (*db)->acquire();
  EXPECT_TRUE(lease.ok());
  if (!lease.ok()) return out;
  auto read = (*lease)->query(
      "SELECT event_id, COUNT(*) FROM events WHERE event_id LIKE $1 GROUP BY event_id",
      {prefix + "%"},
      [&](const storage::RowView& row) { out[row.get_string(0)] = row.get_int(1); });
  EXPECT_TRUE(read.ok()) << read.error().message;
  return out;
}

// Two web nodes on a new database, and a tracking write key made through node a.
class EventBatches : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::map<std::string, std::string> env = {{"ECRM_ADMIN_EMAIL", kAdminEmail},
                                                    {"ECRM_ADMIN_PASSWORD", kAdminPassword}};
    a_ = std::make_unique<Node>("a", database_.url(), std::vector<std::string>{"--no-worker"}, env);
    b_ = std::make_unique<Node>("b", database_.url(), std::vector<std::string>{"--no-worker"}, env);
    HttpClient admin(a_->base_url());
    auto login =
        admin.send_json("POST", "/api/v1/auth/login",
                        json::object{{"email", kAdminEmail}, {"password", kAdminPassword}});
    ASSERT_EQ(login.status, 200) << login.body;
    admin.csrf_token = std::string(login.json().at("csrf_token").as_string());
    auto created = admin.send_json("POST", "/api/v1/write-keys", json::object{{"name", "shop"}});
    ASSERT_EQ(created.status, 201) << created.body;
    key_ = std::string(created.json().at("key").as_string());
  }

  ScratchDatabase database_;
  std::unique_ptr<Node> a_;
  std::unique_ptr<Node> b_;
  std::string key_;
};

TEST_F(EventBatches, TheSameBatchSentToBothNodesAtOnceIsStoredOnce) {
  const Node& a = *a_;
  const Node& b = *b_;
  const std::string& key = key_;

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
      out = client.request(
          "POST", "/api/v1/events?key=" + key, body,
          {"Content-Type: text/plain", "User-Agent: Mozilla/5.0 (X11; Linux) Firefox/120"});
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
  const auto stored = stored_events(database_.url(), "twice-");
  EXPECT_EQ(stored.size(), static_cast<std::size_t>(kRounds * kEvents));
  for (const auto& [id, rows] : stored) EXPECT_EQ(rows, 1) << id;
}

TEST_F(EventBatches, BatchesAnswered200WhileANodeIsKilledAreStoredOnce) {
  const Node& a = *a_;
  Node& b = *b_;
  const std::string& key = key_;

  // Four senders, each alternating between the nodes, 25 events per batch, until 2 s after b
  // was killed.
  constexpr int kSenders = 4;
  constexpr int kEvents = 25;
  std::mutex mutex;
  std::vector<std::string> answered;  // batch names answered 200
  int refused = 0;                    // batches that got no answer (b killed) or not 200
  std::atomic<bool> stop{false};
  std::atomic<int> sent_to_b{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      for (int n = 0; !stop; ++n) {
        const std::string batch = "kill-" + std::to_string(s) + "-" + std::to_string(n);
        json::array events;
        for (int i = 0; i < kEvents; ++i) {
          events.push_back(
              json::object{{"event_id", batch + "-" + std::to_string(i)},
                           {"type", "page_view"},
                           {"anonymous_id", "v-" + std::to_string(s)},
                           {"ts", now_ms()},
                           {"properties", json::object{{"url", "https://x.example/"}}}});
        }
        const Node& node = n % 2 == 0 ? a : b;
        if (&node == &b) ++sent_to_b;
        HttpClient client(node.base_url());
        auto answer = client.request(
            "POST", "/api/v1/events?key=" + key, json::serialize(json::object{{"events", events}}),
            {"Content-Type: text/plain", "User-Agent: Mozilla/5.0 (X11; Linux) Firefox/120"});
        std::lock_guard lock(mutex);
        if (answer.status == 200) {
          answered.push_back(batch);
        } else {
          ++refused;
        }
      }
    });
  }
  // Kill b while batches are in flight to it.
  while (sent_to_b < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  b.kill_hard();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  stop = true;
  for (auto& t : senders) t.join();

  ASSERT_GT(refused, 0) << "no batch was lost with b: the kill came too late to test anything";
  ASSERT_GT(answered.size(), 40u);
  const auto stored = stored_events(database_.url(), "kill-");
  for (const auto& batch : answered) {
    for (int i = 0; i < kEvents; ++i) {
      const std::string id = batch + "-" + std::to_string(i);
      auto it = stored.find(id);
      ASSERT_TRUE(it != stored.end()) << id << " was answered 200 but is not stored";
      EXPECT_EQ(it->second, 1) << id;
    }
  }
  std::cout << "[ killed   ] " << answered.size() << " batches answered 200, " << refused
            << " not answered, " << stored.size() << " events stored\n";
}

}  // namespace
}  // namespace ecrm::testing
