// Idempotency-Key on POST over real HTTP: a retry gets the first answer and writes nothing twice
// (orders, customers, imports, event batches), the key with another request is refused naming the
// header, simultaneous duplicates write once, keys belong to their caller, malformed keys are 400.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "crm_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

class Idempotency : public CrmApi {
 protected:
  void SetUp() override {
    CrmApi::SetUp();
    if (product_ != 0) return;
    product_ = create("/api/v1/products", json::object{{"sku", "IDEM-1"},
                                                       {"name", "Retry-proof kettle"},
                                                       {"price", 3900},
                                                       {"currency", "EUR"}});
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    product_ = 0;
  }

  // POSTs `body` as JSON with the admin's session and `key`.
  HttpResult post_keyed(const std::string& path, const json::value& body, const std::string& key) {
    return client_->send_json("POST", path, body, {"Idempotency-Key: " + key});
  }
  json::object order_body(std::int64_t customer, std::int64_t quantity = 1) {
    return json::object{
        {"customer_id", customer},
        {"lines", json::array{json::object{{"product_id", product_}, {"quantity", quantity}}}}};
  }
  std::int64_t orders_of(std::int64_t customer) {
    return static_cast<std::int64_t>(
        all_pages("/api/v1/orders?customer=" + std::to_string(customer)).size());
  }
  std::string api_key(const json::array& scopes) {
    auto r = post("/api/v1/api-keys", json::object{{"name", "backend"}, {"scopes", scopes}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("key").as_string()) : std::string();
  }

  inline static std::int64_t product_ = 0;
};

TEST_F(Idempotency, RetriedOrderCreateReturnsTheFirstAnswerAndWritesOneOrder) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Rita Retry"}});
  auto first = post_keyed("/api/v1/orders", order_body(customer), "order-7f3a-0001");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("idempotent-replayed"), "");
  auto again = post_keyed("/api/v1/orders", order_body(customer), "order-7f3a-0001");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json().at("id"), first.json().at("id"));
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("content-type"), first.header("content-type"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(orders_of(customer), 1);

  // A new key is a new order.
  auto other = post_keyed("/api/v1/orders", order_body(customer), "order-7f3a-0002");
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_NE(other.json().at("id"), first.json().at("id"));
  EXPECT_EQ(orders_of(customer), 2);
  // Without a key nothing is remembered.
  ASSERT_EQ(post("/api/v1/orders", order_body(customer)).status, 201);
  ASSERT_EQ(post("/api/v1/orders", order_body(customer)).status, 201);
  EXPECT_EQ(orders_of(customer), 4);
}

TEST_F(Idempotency, ARetriedCustomerCreateWritesOneCustomer) {
  const json::object cora{{"name", "Cora Twice"}, {"email", "cora.twice@idem.test"}};
  auto first = post_keyed("/api/v1/customers", cora, "customer-cora-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post_keyed("/api/v1/customers", cora, "customer-cora-1");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json().at("id"), first.json().at("id"));
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(all_pages("/api/v1/customers?q=cora.twice@idem.test").size(), 1u);
}

TEST_F(Idempotency, TheLocationHeaderAndAnErrorAnswerAreReplayed) {
  // An import answers 202 with a Location: the retry names the same job, and one job exists.
  const std::string csv = "external_id,name,email\nIDEM-C1,Ivy Import,ivy@idem.test\n";
  auto import = [&] {
    return client_->request("POST", "/api/v1/import/customers", csv,
                            {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token,
                             "Idempotency-Key: import-ivy-1"});
  };
  auto first = import();
  ASSERT_EQ(first.status, 202) << first.body;
  ASSERT_FALSE(first.header("location").empty());
  auto again = import();
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(again.json().at("id"), first.json().at("id"));
  std::int64_t jobs = 0;
  for (const auto& job : all_pages("/api/v1/import/jobs")) {
    if (job.at("bytes_total").as_int64() == static_cast<std::int64_t>(csv.size())) ++jobs;
  }
  EXPECT_EQ(jobs, 1);

  // A 4xx answer is an answer: the retry gets it again without running.
  json::object bad_order = order_body(0);
  bad_order["customer_id"] = "seven";
  auto bad = post_keyed("/api/v1/orders", bad_order, "bad-order-1");
  expect_error(bad, 400, "", "customer_id");
  auto bad_again = post_keyed("/api/v1/orders", bad_order, "bad-order-1");
  EXPECT_EQ(bad_again.status, 400);
  EXPECT_EQ(bad_again.body, bad.body);
  EXPECT_EQ(bad_again.header("idempotent-replayed"), "true");
}

TEST_F(Idempotency, TheKeyWithAnotherRequestIsRefusedNamingTheHeader) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Mo Mismatch"}});
  ASSERT_EQ(post_keyed("/api/v1/orders", order_body(customer), "reuse-1").status, 201);
  // Another body, another path: 422 naming the header, nothing written.
  expect_error(post_keyed("/api/v1/orders", order_body(customer, 2), "reuse-1"), 422,
               "idempotency_key_reused", "Idempotency-Key");
  expect_error(post_keyed("/api/v1/customers", json::object{{"name", "Nobody"}}, "reuse-1"), 422,
               "idempotency_key_reused", "Idempotency-Key");
  EXPECT_EQ(orders_of(customer), 1);
  EXPECT_TRUE(all_pages("/api/v1/customers?q=Nobody").empty());
}

TEST_F(Idempotency, SimultaneousDuplicatesWriteOnce) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Connie Current"}});
  const std::string key = api_key(json::array{"orders:write", "orders:read"});
  ASSERT_FALSE(key.empty());
  const std::string body = json::serialize(order_body(customer));
  constexpr int kRequests = 8;
  std::vector<HttpResult> answers(kRequests);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(server_->base_url());
      ready.fetch_add(1);
      while (ready.load() < kRequests) std::this_thread::yield();
      answers[i] = client.request("POST", "/api/v1/orders", body,
                                  {"Content-Type: application/json", "Authorization: Bearer " + key,
                                   "Idempotency-Key: burst-1"});
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  int created = 0, in_progress = 0;
  for (const auto& answer : answers) {
    if (answer.status == 201) {
      ++created;
      ids.insert(json::serialize(answer.json().at("id")));
    } else {
      expect_error(answer, 409, "idempotency_key_in_progress", "Idempotency-Key");
      ++in_progress;
    }
  }
  EXPECT_EQ(created + in_progress, kRequests);
  EXPECT_GE(created, 1);
  EXPECT_EQ(ids.size(), 1u) << "every 201 names the same order";
  EXPECT_EQ(orders_of(customer), 1);
}

TEST_F(Idempotency, AKeyBelongsToItsCaller) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Petra Principal"}});
  const std::string key = api_key(json::array{"orders:write"});
  ASSERT_FALSE(key.empty());
  auto mine = post_keyed("/api/v1/orders", order_body(customer), "shared-key-1");
  ASSERT_EQ(mine.status, 201) << mine.body;
  HttpClient backend(server_->base_url());
  auto theirs = backend.request("POST", "/api/v1/orders", json::serialize(order_body(customer)),
                                {"Content-Type: application/json", "Authorization: Bearer " + key,
                                 "Idempotency-Key: shared-key-1"});
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  EXPECT_NE(theirs.json().at("id"), mine.json().at("id"));
  EXPECT_EQ(theirs.header("idempotent-replayed"), "");
  // Another staff user with the same key, too.
  auto sales = staff("sales.idem@example.com", "sales");
  auto hers = sales->send_json("POST", "/api/v1/orders", order_body(customer),
                               {"Idempotency-Key: shared-key-1"});
  ASSERT_EQ(hers.status, 201) << hers.body;
  EXPECT_NE(hers.json().at("id"), mine.json().at("id"));
  EXPECT_NE(hers.json().at("id"), theirs.json().at("id"));
  EXPECT_EQ(orders_of(customer), 3);
}

TEST_F(Idempotency, ARetriedEventBatchIsStoredOnce) {
  auto created = post("/api/v1/write-keys", json::object{{"name", "idem shop"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string write_key(created.json().at("key").as_string());
  const std::string visitor = "idem-visitor-1";
  const std::int64_t ts = 1'600'000'000'000;
  json::array events;
  for (int i = 0; i < 3; ++i) {
    events.push_back(json::object{
        {"event_id", "idem-ev-" + std::to_string(i)},
        {"type", "page_view"},
        {"anonymous_id", visitor},
        {"ts", ts + i},
        {"properties", json::object{{"url", "https://shop.example/p/" + std::to_string(i)}}}});
  }
  const std::string body = json::serialize(json::object{{"events", events}});
  auto send = [&](const std::string& key) {
    HttpClient shop(server_->base_url());
    return shop.request("POST", "/api/v1/events?key=" + write_key, body,
                        {"Content-Type: text/plain", "Idempotency-Key: " + key});
  };
  auto first = send("batch-0001");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("accepted").as_int64(), 3);
  auto again = send("batch-0001");
  ASSERT_EQ(again.status, 200) << again.body;
  // The first answer, not a second run's (which would count three duplicates).
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.header("access-control-allow-origin"), "*");
  EXPECT_EQ(all_pages("/api/v1/events?anonymous_id=" + visitor).size(), 3u);

  // A server sending with an API key: its own keys, the same answer on a retry.
  const std::string api = api_key(json::array{"events:write"});
  ASSERT_FALSE(api.empty());
  json::array more{json::object{{"event_id", "idem-ev-api"},
                                {"type", "page_view"},
                                {"anonymous_id", visitor},
                                {"ts", ts + 10},
                                {"properties", json::object{{"url", "https://shop.example/"}}}}};
  const std::string more_body = json::serialize(json::object{{"events", more}});
  auto by_server = [&] {
    HttpClient server(server_->base_url());
    return server.request("POST", "/api/v1/events", more_body,
                          {"Content-Type: application/json", "Authorization: Bearer " + api,
                           "Idempotency-Key: batch-0001"});
  };
  auto api_first = by_server();
  ASSERT_EQ(api_first.status, 200) << api_first.body;
  EXPECT_EQ(api_first.json().at("accepted").as_int64(), 1);
  EXPECT_EQ(api_first.header("idempotent-replayed"), "");
  auto api_again = by_server();
  EXPECT_EQ(api_again.body, api_first.body);
  EXPECT_EQ(api_again.header("idempotent-replayed"), "true");
  EXPECT_EQ(all_pages("/api/v1/events?anonymous_id=" + visitor).size(), 4u);

  // A wrong write key is refused and not remembered.
  HttpClient stranger(server_->base_url());
  auto refused = stranger.request("POST", "/api/v1/events?key=wk_wrong", body,
                                  {"Content-Type: text/plain", "Idempotency-Key: batch-0002"});
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.header("idempotent-replayed"), "");
}

TEST_F(Idempotency, AMalformedKeyIs400NamingTheHeader) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Bea Badkey"}});
  for (const std::string& key : {std::string(256, 'k'), std::string("two words"),
                                 std::string("semi;colon"), std::string("caf\xc3\xa9")}) {
    SCOPED_TRACE(key);
    expect_error(post_keyed("/api/v1/orders", order_body(customer), key), 400,
                 "invalid_idempotency_key", "Idempotency-Key");
  }
  EXPECT_EQ(orders_of(customer), 0);
  // The longest key allowed, and every allowed character.
  EXPECT_EQ(post_keyed("/api/v1/orders", order_body(customer), std::string(255, 'k')).status, 201);
  EXPECT_EQ(post_keyed("/api/v1/orders", order_body(customer), "aZ09-_.:~+/=").status, 201);
  EXPECT_EQ(orders_of(customer), 2);
}

TEST_F(Idempotency, TheApiDocumentDeclaresTheHeaderOnPostRoutes) {
  auto doc = get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json::value body = doc.json();
  const auto& paths = body.at("paths").as_object();
  int posts = 0;
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.as_object()) {
      bool declared = false;
      if (const auto* params = op.as_object().if_contains("parameters")) {
        for (const auto& p : params->as_array()) {
          if (p.at("in") == "header" && p.at("name") == "Idempotency-Key") declared = true;
        }
      }
      EXPECT_EQ(declared, method == "post") << method << " " << path;
      if (method != "post") continue;
      ++posts;
      for (const char* status : {"400", "409", "422"}) {
        EXPECT_TRUE(op.at("responses").as_object().contains(status)) << path << " " << status;
      }
    }
  }
  EXPECT_GT(posts, 50);
}

}  // namespace
}  // namespace ecrm::testing
