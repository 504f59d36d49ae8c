// Running the feedback mining job from a test: start a run (after any running one, such as the
// run a server makes at start-up) and wait until it has finished.
#pragma once

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "crm_support.hpp"
#include "harness.hpp"

namespace ecrm::testing {

// The job's state (GET /api/v1/feedback/mining).
inline boost::json::object feedback_mining_status(HttpClient& client) {
  auto r = client.get("/api/v1/feedback/mining");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json().as_object() : boost::json::object{};
}

// Starts a run (`full`: of every product) once no other runs, waits for it to finish and returns
// the job's state; expects it to have succeeded.
inline boost::json::object mine_feedback(HttpClient& client, bool full = false) {
  boost::json::object state;
  for (int attempt = 0; attempt < 600; ++attempt) {
    state = feedback_mining_status(client);
    if (state.empty()) return state;
    if (state.at("state").as_string() != "idle") {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const boost::json::value before = state.at("finished_at");
    auto r = client.send_json("POST", full ? "/api/v1/feedback/mining?full=true"
                                           : "/api/v1/feedback/mining",
                              boost::json::object{});
    if (r.status == 409) continue;  // a scheduled run started meanwhile
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return state;
    for (int i = 0; i < 1200; ++i) {
      state = feedback_mining_status(client);
      if (state.at("state").as_string() == "idle" && state.at("finished_at") != before) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(state.at("last_status").as_string(), "ok") << boost::json::serialize(state);
    return state;
  }
  ADD_FAILURE() << "the feedback mining job stayed busy";
  return state;
}

// The feedback suites' fixture: tickets about a product and the product's improvement report.
class FeedbackApi : public CrmApi {
 protected:
  // A ticket about `product` whose customer wrote `body` `days_ago` days ago.
  std::int64_t ticket(std::int64_t customer, std::int64_t product, const std::string& subject,
                      const std::string& body, int days_ago = 0) {
    boost::json::object input{{"customer_id", customer},
                              {"subject", subject},
                              {"body", body},
                              {"product_id", product}};
    if (days_ago > 0) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      input["opened_at"] = now - static_cast<std::int64_t>(days_ago) * 86'400'000;
    }
    return create("/api/v1/tickets", input);
  }

  boost::json::object report(std::int64_t product, const std::string& query = "") {
    auto r = get(id_path("/api/v1/feedback/products", product) + "/report" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : boost::json::object{};
  }
};

}  // namespace ecrm::testing
