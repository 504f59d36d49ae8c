// Shared fixture for the customer-record API tests (catalog, customers, orders): one server per
// test suite on the backend named by ECRM_TEST_DB, an admin client, and small helpers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "harness.hpp"

namespace ecrm::testing {

class CrmApi : public ::testing::Test {
 protected:
  static constexpr const char* kAdminEmail = "owner@example.com";
  static constexpr const char* kAdminPassword = "Owner-pass-1234";

  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {}, {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { client_ = signed_in(kAdminEmail, kAdminPassword); }

  // A client signed in as `email`, holding its CSRF token.
  static std::unique_ptr<HttpClient> signed_in(const std::string& email,
                                               const std::string& password) {
    auto client = std::make_unique<HttpClient>(server_->base_url());
    auto login = client->send_json("POST", "/api/v1/auth/login",
                                   boost::json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body;
    if (login.status == 200) {
      client->csrf_token = std::string(login.json().at("csrf_token").as_string());
    }
    return client;
  }

  // A signed-in staff user with `role`, created by the admin.
  std::unique_ptr<HttpClient> staff(const std::string& email, const std::string& role) {
    const std::string password = "Staff-pass-1234";
    auto created = client_->send_json(
        "POST", "/api/v1/users",
        boost::json::object{{"email", email}, {"role", role}, {"password", password}});
    EXPECT_EQ(created.status, 201) << created.body;
    return signed_in(email, password);
  }

  HttpResult get(const std::string& path) { return client_->get(path); }
  HttpResult post(const std::string& path, const boost::json::value& body) {
    return client_->send_json("POST", path, body);
  }
  HttpResult put(const std::string& path, const boost::json::value& body) {
    return client_->send_json("PUT", path, body);
  }
  HttpResult patch(const std::string& path, const boost::json::value& body) {
    return client_->send_json("PATCH", path, body);
  }
  HttpResult del(const std::string& path) {
    return client_->request("DELETE", path, "", {"X-CSRF-Token: " + client_->csrf_token});
  }

  // Asserts an error response with `status`, and `code` / `field` when given.
  static void expect_error(const HttpResult& r, long status, const std::string& code = {},
                           const std::string& field = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = r.json();
    ASSERT_TRUE(body.is_object() && body.as_object().contains("error")) << r.body;
    const auto& error = body.at("error").as_object();
    EXPECT_TRUE(error.contains("code") && error.contains("message")) << r.body;
    if (!code.empty()) {
      EXPECT_EQ(error.at("code").as_string(), code) << r.body;
    }
    if (!field.empty()) {
      ASSERT_TRUE(error.contains("field")) << r.body;
      EXPECT_EQ(error.at("field").as_string(), field) << r.body;
    }
  }

  // POSTs `body` to `path`, expects 201 and returns the id of the created object.
  std::int64_t create(const std::string& path, const boost::json::value& body) {
    auto r = post(path, body);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    if (r.status != 201) return 0;
    return r.json().at("id").as_int64();
  }

  // The recommendation job's state (GET /api/v1/recommendations/rebuild).
  boost::json::object recommend_status() {
    auto r = get("/api/v1/recommendations/rebuild");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }

  // Starts a recommendation rebuild (after any running one), waits until a newer build is
  // stored and returns the job's state; expects a new build that succeeded.
  boost::json::object rebuild_recommendations() {
    boost::json::object state;
    for (int i = 0; i < 600; ++i) {
      state = recommend_status();
      if (state.at("state").as_string() == "idle") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const boost::json::value before = state.at("build_id");
    auto r = post("/api/v1/recommendations/rebuild", boost::json::object{});
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return state;
    for (int i = 0; i < 600; ++i) {
      state = recommend_status();
      if (state.at("state").as_string() == "idle" && state.at("build_id") != before) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(state.at("last_status").as_string(), "ok") << boost::json::serialize(state);
    EXPECT_NE(state.at("build_id"), before) << boost::json::serialize(state);
    return state;
  }

  // Follows next_cursor from `path` (which has no cursor yet) and returns every item.
  boost::json::array all_pages(const std::string& path, int* pages = nullptr) {
    boost::json::array all;
    std::string cursor;
    int count = 0;
    const char sep = path.find('?') == std::string::npos ? '?' : '&';
    do {
      auto r = get(path + (cursor.empty() ? "" : std::string(1, sep) + "cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto body = r.json();
      for (const auto& item : body.at("items").as_array()) all.push_back(item);
      cursor =
          body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
      ++count;
    } while (!cursor.empty() && count < 100);
    if (pages) *pages = count;
    return all;
  }

  static std::string id_path(const std::string& base, std::int64_t id) {
    return base + "/" + std::to_string(id);
  }

  inline static ServerProcess* server_ = nullptr;
  std::unique_ptr<HttpClient> client_;
};

}  // namespace ecrm::testing
