// Idempotency-Key: the SQL store on a migrated SQLite database (claims, answers, expiry, a
// first request that never answered), and the dispatcher running a keyed POST at most once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "core/crypto.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "http/context.hpp"
#include "http/dispatcher.hpp"
#include "http/idempotency.hpp"
#include "http/router.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace ecrm::http {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using State = IdempotencyStore::ClaimState;

class AnyCaller : public Authenticator {
 public:
  Result<Principal> authenticate(const Request& request) override {
    Principal p;
    if (!request.headers.get("authorization")) return p;
    p.kind = Principal::Kind::kApiKey;
    p.api_key_id = request.headers.get("authorization") == "Bearer two" ? 2 : 1;
    p.scopes = {"things:write"};
    return p;
  }
  std::optional<Result<Principal>> authenticate_cached(const Request&) override {
    return std::nullopt;
  }
};

class IdempotencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    init_crypto();
    path_ = fs::temp_directory_path() / ("ecrm-idempotency-" + random_token(8) + ".db");
    auto opened = storage::open_database("sqlite:" + path_.string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(opened).value().release();
    auto migrated = storage::migrate(*db_, storage::embedded_migrations());
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_.string() + suffix);
  }

  void SetUp() override {
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute("DELETE FROM idempotency_keys").ok());
    store_ = std::make_unique<SqlIdempotencyStore>(*db_);

    Route create;
    create.method = Method::kPost;
    create.pattern = "/api/v1/things";
    create.access = Access::needs("things:write");
    create.doc.summary = "test";
    create.handler = [this](RequestContext&) {
      ++calls_;
      Response response;
      response.status = status_;
      response.body = R"({"id":)" + std::to_string(calls_) + "}";
      response.header("Location", "/api/v1/things/" + std::to_string(calls_));
      if (set_cookie_) response.header("Set-Cookie", "s=1");
      return response;
    };
    router_.add(create);
    Route open = create;
    open.pattern = "/api/v1/public-things";
    open.access = Access::public_route();
    router_.add(open);
  }

  Dispatcher dispatcher() {
    return Dispatcher(router_, auth_, nullptr, nullptr, metrics_,
                      DispatcherOptions{1 << 20, false, false, store_.get()});
  }
  static Request post(std::string target, std::string body, std::string key,
                      std::string caller = "one") {
    Request request;
    request.method = Method::kPost;
    request.target = std::move(target);
    request.body = std::move(body);
    if (!key.empty()) request.headers.add("Idempotency-Key", std::move(key));
    if (!caller.empty()) request.headers.add("Authorization", "Bearer " + caller);
    return request;
  }
  static std::string header(const Response& response, std::string_view name) {
    for (const auto& [n, v] : response.headers) {
      if (n == name) return v;
    }
    return {};
  }
  static std::string error_field(const Response& response) {
    return std::string(json::parse(response.body).at("error").at("field").as_string());
  }

  inline static fs::path path_;
  inline static storage::Database* db_ = nullptr;
  std::unique_ptr<SqlIdempotencyStore> store_;
  Router router_;
  AnyCaller auth_;
  MetricsRegistry metrics_;
  int calls_ = 0;
  int status_ = 201;
  bool set_cookie_ = false;
};

TEST_F(IdempotencyTest, StoreClaimsOnceAndKeepsTheAnswer) {
  const UnixMs t = 1'700'000'000'000;
  auto first = store_->claim("user:1", "k1", "fp", "POST", "/x", t);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->state, State::kClaimed);
  EXPECT_EQ(store_->claim("user:1", "k1", "fp", "POST", "/x", t + 1)->state, State::kRunning);
  EXPECT_EQ(store_->claim("user:1", "k1", "other", "POST", "/x", t + 1)->state, State::kMismatch);
  EXPECT_EQ(store_->claim("user:2", "k1", "fp", "POST", "/x", t + 1)->state, State::kClaimed);

  StoredAnswer answer{201, "application/json", R"({"id":5})", {{"Location", "/x/5"}}};
  ASSERT_TRUE(store_->complete("user:1", "k1", answer).ok());
  auto done = store_->claim("user:1", "k1", "fp", "POST", "/x", t + 2);
  ASSERT_EQ(done->state, State::kDone);
  EXPECT_EQ(done->answer.status, 201);
  EXPECT_EQ(done->answer.body, R"({"id":5})");
  EXPECT_EQ(done->answer.content_type, "application/json");
  ASSERT_EQ(done->answer.headers.size(), 1u);
  EXPECT_EQ(done->answer.headers[0].second, "/x/5");
  EXPECT_EQ(store_->claim("user:1", "k1", "other", "POST", "/x", t + 2)->state, State::kMismatch);

  // A body that is not JSON text (bytes PostgreSQL's TEXT would refuse) comes back whole.
  ASSERT_EQ(store_->claim("user:1", "bin", "fp", "POST", "/x", t)->state, State::kClaimed);
  const std::string bytes("a\0\xff\xfe", 4);
  ASSERT_TRUE(store_->complete("user:1", "bin", StoredAnswer{200, "text/csv", bytes, {}}).ok());
  EXPECT_EQ(store_->claim("user:1", "bin", "fp", "POST", "/x", t)->answer.body, bytes);
}

TEST_F(IdempotencyTest, StoreReleasesExpiresAndReportsAbandonedKeys) {
  const UnixMs t = 1'700'000'000'000;
  ASSERT_EQ(store_->claim("user:1", "k", "fp", "POST", "/x", t)->state, State::kClaimed);
  ASSERT_TRUE(store_->release("user:1", "k").ok());
  EXPECT_EQ(store_->claim("user:1", "k", "fp", "POST", "/x", t)->state, State::kClaimed);
  // Never answered: after the limit the process that ran it is taken for dead.
  EXPECT_EQ(
      store_->claim("user:1", "k", "fp", "POST", "/x", t + kIdempotencyAbandonedAfterMs - 1)->state,
      State::kRunning);
  EXPECT_EQ(
      store_->claim("user:1", "k", "fp", "POST", "/x", t + kIdempotencyAbandonedAfterMs + 1)->state,
      State::kAbandoned);
  // After 24 hours the key is new again, whatever the request.
  EXPECT_EQ(
      store_->claim("user:1", "k", "other", "POST", "/y", t + kIdempotencyKeyLifetimeMs + 1)->state,
      State::kClaimed);
  // Pruning deletes only keys past their lifetime.
  ASSERT_EQ(store_->claim("user:1", "old", "fp", "POST", "/x", t)->state, State::kClaimed);
  auto pruned = store_->prune(t + kIdempotencyKeyLifetimeMs + 2);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(
      store_->claim("user:1", "k", "other", "POST", "/y", t + kIdempotencyKeyLifetimeMs + 3)->state,
      State::kRunning);
}

TEST_F(IdempotencyTest, DispatcherRunsAKeyedPostOnceAndReplaysIt) {
  auto d = dispatcher();
  Request a = post("/api/v1/things", R"({"n":1})", "key-1");
  Response first = d.handle(a);
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(header(first, "Idempotent-Replayed"), "");
  Request b = post("/api/v1/things", R"({"n":1})", "key-1");
  Response again = d.handle(b);
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(header(again, "Location"), "/api/v1/things/1");
  EXPECT_EQ(header(again, "Idempotent-Replayed"), "true");

  Request other_body = post("/api/v1/things", R"({"n":2})", "key-1");
  Response mismatch = d.handle(other_body);
  EXPECT_EQ(mismatch.status, 422);
  EXPECT_EQ(error_field(mismatch), "Idempotency-Key");
  Request other_caller = post("/api/v1/things", R"({"n":1})", "key-1", "two");
  EXPECT_EQ(d.handle(other_caller).status, 201);
  Request no_key = post("/api/v1/things", R"({"n":1})", "");
  EXPECT_EQ(d.handle(no_key).status, 201);
  EXPECT_EQ(calls_, 3);
  // A keyed request never runs on the I/O thread: the key is claimed in the database.
  Request inline_request = post("/api/v1/things", R"({"n":1})", "key-1");
  EXPECT_FALSE(d.try_handle_inline(inline_request).has_value());
}

TEST_F(IdempotencyTest, ServerErrorsAndCookiesAreNotKept) {
  auto d = dispatcher();
  status_ = 503;
  Request a = post("/api/v1/things", "{}", "retry-me");
  EXPECT_EQ(d.handle(a).status, 503);
  status_ = 201;
  Request b = post("/api/v1/things", "{}", "retry-me");
  EXPECT_EQ(d.handle(b).status, 201);
  EXPECT_EQ(calls_, 2);

  set_cookie_ = true;
  Request c = post("/api/v1/things", "{}", "cookie");
  Request c2 = post("/api/v1/things", "{}", "cookie");
  d.handle(c);
  EXPECT_EQ(header(d.handle(c2), "Idempotent-Replayed"), "");
  EXPECT_EQ(calls_, 4);
}

TEST_F(IdempotencyTest, PublicRoutesKeyByTheCredentialSent) {
  auto d = dispatcher();
  // Anonymous: nobody to key by, the header is ignored.
  Request a = post("/api/v1/public-things", "{}", "k", "");
  Request a2 = post("/api/v1/public-things", "{}", "k", "");
  d.handle(a);
  d.handle(a2);
  EXPECT_EQ(calls_, 2);
  // A write key in the query: replayed for the same key, not for another.
  Request b = post("/api/v1/public-things?key=wk1", "{}", "k", "");
  Request b2 = post("/api/v1/public-things?key=wk1", "{}", "k", "");
  Request c = post("/api/v1/public-things?key=wk2", "{}", "k", "");
  d.handle(b);
  EXPECT_EQ(header(d.handle(b2), "Idempotent-Replayed"), "true");
  EXPECT_EQ(header(d.handle(c), "Idempotent-Replayed"), "");
  EXPECT_EQ(calls_, 4);
}

TEST_F(IdempotencyTest, MalformedKeysAre400NamingTheHeader) {
  auto d = dispatcher();
  for (const std::string& key : {std::string(kIdempotencyKeyMaxLength + 1, 'k'), std::string("a b"),
                                 std::string("a,b"), std::string("\xc3\xa9")}) {
    Request request = post("/api/v1/things", "{}", key);
    Response response = d.handle(request);
    EXPECT_EQ(response.status, 400) << key;
    EXPECT_EQ(error_field(response), "Idempotency-Key");
  }
  EXPECT_EQ(calls_, 0);
  Request longest = post("/api/v1/things", "{}", std::string(kIdempotencyKeyMaxLength, 'k'));
  EXPECT_EQ(d.handle(longest).status, 201);
}

}  // namespace
}  // namespace ecrm::http
