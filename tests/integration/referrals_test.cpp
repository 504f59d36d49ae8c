// Referrals over HTTP on the test backend: a customer signed up through another's code is
// credited to the referrer once (two orders and a replayed run give one reward), and only after
// the return window; self-referrals (same customer, e-mail, phone, device) are refused and store
// nothing; a returned first order credits nothing; the leaderboard's network value against a
// hand computation; who may read and write referrals, and the portal customer's own code; mail
// templates render the recipient's own referral link.
#include <limits>
#include <map>

#include "core/time.hpp"
#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDayMs = 86'400'000;

class Referrals : public PortalBase {
 protected:
  std::int64_t person(const std::string& name, const std::string& email,
                      const std::string& phone = "") {
    json::object body{{"name", name}, {"email", email}};
    if (!phone.empty()) body["phone"] = phone;
    return create("/api/v1/customers", body);
  }

  std::string code_of(std::int64_t customer_id) {
    auto r = get(id_path("/api/v1/customers", customer_id) + "/referral");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? str(r.json().at("code")) : "";
  }

  HttpResult attribute(std::int64_t customer_id, const std::string& code, json::object extra = {}) {
    extra["customer_id"] = customer_id;
    extra["code"] = code;
    return post("/api/v1/referrals/attributions", extra);
  }

  json::value referrer_of(std::int64_t customer_id) {
    auto r = get(id_path("/api/v1/customers", customer_id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("referred_by");
  }

  std::int64_t count(const std::string& sql, std::int64_t id) {
    auto n = connection().query_int(sql, {id});
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(0) : -1;
  }

  // An order of one camera placed `days_ago`, shipped and delivered `delivered_days_ago`.
  json::object delivered_order(std::int64_t customer_id, std::int64_t days_ago,
                               std::int64_t delivered_days_ago) {
    const std::int64_t now = now_ms();
    auto r =
        post("/api/v1/orders",
             json::object{
                 {"customer_id", customer_id},
                 {"placed_at", format_iso8601(now - days_ago * kDayMs)},
                 {"lines", json::array{json::object{{"product_id", product()}, {"quantity", 1}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {};
    const auto id = r.json().at("id").as_int64();
    for (const auto& [status, at] :
         {std::pair<std::string, std::int64_t>{"shipped", now - (delivered_days_ago + 1) * kDayMs},
          {"delivered", now - delivered_days_ago * kDayMs}}) {
      auto s = post(id_path("/api/v1/orders", id) + "/status",
                    json::object{{"status", status}, {"at", format_iso8601(at)}});
      EXPECT_EQ(s.status, 200) << s.body;
    }
    return r.json().as_object();
  }

  json::array run_rewards(json::object body = {}) {
    auto r = post("/api/v1/referrals/rewards/run", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("granted").as_array() : json::array{};
  }

  static json::array for_referrer(const json::array& granted, std::int64_t referrer) {
    json::array out;
    for (const auto& g : granted) {
      if (g.at("referrer_id").as_int64() == referrer) out.push_back(g);
    }
    return out;
  }

  void set_clv(std::int64_t customer, std::int64_t clv) {
    const std::int64_t now = now_ms();
    ASSERT_TRUE(connection()
                    .execute("DELETE FROM customer_scores WHERE customer_id = $1", {customer})
                    .ok());
    auto written = connection().execute(
        "INSERT INTO customer_scores (customer_id, model_id, recency_days, frequency, monetary, "
        "r_score, f_score, m_score, segment, tier, p_alive, expected_orders_90d, "
        "expected_avg_value, clv, first_order_at, last_order_at, computed_at, source) "
        "VALUES ($1, 0, 12, 6, 480000, 5, 5, 5, 'loyal', 'loyal', 0.9, 1.4, 8000, $2, $3, $3, "
        "$3, 'recompute')",
        {customer, clv, now});
    ASSERT_TRUE(written.ok()) << written.error().message;
  }
};

TEST_F(Referrals, ReferredCustomersOrdersCreditTheReferrerOnce) {
  const auto referrer = person("Ana Referrer", "ana.referrer@example.com", "+49 30 111 222");
  const auto friend_id = person("Bo Friend", "bo.friend@example.com", "+49 30 333 444");
  const std::string code = code_of(referrer);
  ASSERT_GE(code.size(), 12u);
  EXPECT_EQ(code_of(referrer), code);  // stable
  EXPECT_NE(code_of(friend_id), code);

  auto a = attribute(friend_id, code);
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json().at("referrer_id").as_int64(), referrer);
  EXPECT_EQ(referrer_of(friend_id).as_int64(), referrer);
  // First touch wins: a second code for the same sign-up is refused, the referrer kept.
  const auto other = person("Cy Other", "cy.other@example.com");
  expect_error(attribute(friend_id, code_of(other)), 409, "already_referred", "customer_id");
  EXPECT_EQ(referrer_of(friend_id).as_int64(), referrer);
  expect_error(attribute(friend_id, "no-such-code"), 422, "unknown_code", "code");

  // Delivered today: inside the return window, nothing yet.
  const auto recent = delivered_order(friend_id, 3, 0);
  EXPECT_TRUE(for_referrer(run_rewards(), referrer).empty());
  // Two orders delivered long ago (the earlier placed first) and the recent one: one reward,
  // for the first order.
  const auto first = delivered_order(friend_id, 60, 50);
  const auto second = delivered_order(friend_id, 45, 40);
  auto granted = for_referrer(run_rewards(), referrer);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0].at("referred_id").as_int64(), friend_id);
  EXPECT_EQ(granted[0].at("order_id").as_int64(), first.at("id").as_int64());
  EXPECT_EQ(granted[0].at("amount").as_int64(), 1000);
  EXPECT_EQ(str(granted[0].at("currency")), "EUR");
  // A replay, and a run far in the future when every order is past its window: nothing more.
  EXPECT_TRUE(for_referrer(run_rewards(), referrer).empty());
  EXPECT_TRUE(for_referrer(run_rewards(json::object{{"as_of", now_ms() + 400 * kDayMs}}), referrer)
                  .empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM referral_rewards WHERE referrer_id = $1", referrer), 1);

  auto view = get(id_path("/api/v1/customers", referrer) + "/referral");
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.json().at("referred_count").as_int64(), 1);
  const auto view_body = view.json();
  ASSERT_EQ(view_body.at("rewards").as_array().size(), 1u);

  // The referrer's report: the friend's revenue is the three orders' totals.
  auto report = get(id_path("/api/v1/referrals/referrers", referrer));
  ASSERT_EQ(report.status, 200) << report.body;
  const auto report_body = report.json();
  const auto& referred = report_body.at("referred").as_array();
  ASSERT_EQ(referred.size(), 1u);
  const std::int64_t revenue =
      first.at("total").as_int64() + second.at("total").as_int64() + recent.at("total").as_int64();
  EXPECT_EQ(referred[0].at("revenue").as_int64(), revenue);
  EXPECT_TRUE(referred[0].at("rewarded").as_bool());
  EXPECT_EQ(report_body.at("referred_revenue").as_int64(), revenue);
}

TEST_F(Referrals, SelfReferralIsRefusedAndStoresNothing) {
  const auto referrer = person("Dee Self", "dee.self@example.com", "+86 138 0000 1111");
  const std::string code = code_of(referrer);
  // The same customer.
  expect_error(attribute(referrer, code), 422, "self_referral", "customer_id");
  // Another record with the same e-mail address however written.
  const auto same_email = person("Dee Again", "Dee.Self@Example.com ");
  expect_error(attribute(same_email, code), 422, "self_referral", "email");
  // The same phone digits written differently.
  const auto same_phone = person("D. Self", "d.self.other@example.com", "0086 138-0000-1111");
  expect_error(attribute(same_phone, code), 422, "self_referral", "phone");
  // A device the referrer was identified on.
  const auto new_face = person("Eve New", "eve.new@example.com");
  const std::int64_t now = now_ms();
  ASSERT_TRUE(connection()
                  .execute("INSERT INTO visitors (anonymous_id, customer_id, first_seen_at, "
                           "last_seen_at) VALUES ('dev-dee-1', $1, $2, $2)",
                           {referrer, now})
                  .ok());
  expect_error(attribute(new_face, code, json::object{{"anonymous_id", "dev-dee-1"}}), 422,
               "self_referral", "anonymous_id");
  // A visit older than the window, or after the sign-up.
  expect_error(attribute(new_face, code, json::object{{"touched_at", now - 31 * kDayMs}}), 422,
               "outside_window", "touched_at");
  expect_error(attribute(new_face, code, json::object{{"touched_at", now + kDayMs}}), 422,
               "outside_window", "touched_at");
  for (auto id : {referrer, same_email, same_phone, new_face}) {
    EXPECT_TRUE(referrer_of(id).is_null()) << id;
    EXPECT_EQ(count("SELECT COUNT(*) FROM referral_attributions WHERE customer_id = $1", id), 0);
  }
  // The same device and code are fine for someone else's device.
  auto ok =
      attribute(new_face, code,
                json::object{{"anonymous_id", "dev-eve-1"}, {"touched_at", now - 2 * kDayMs}});
  // Eve signed up just now, after a visit two days ago.
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(referrer_of(new_face).as_int64(), referrer);
}

TEST_F(Referrals, TheFirstTouchWithinTheWindowWins) {
  const auto early = person("Ola Early", "ola.early@example.com");
  const auto late = person("Pia Late", "pia.late@example.com");
  const auto joiner = person("Quinn Joiner", "quinn.joiner@example.com");
  const std::int64_t now = now_ms();
  // A visit through Pia's link five days ago is attributed first ...
  ASSERT_EQ(attribute(joiner, code_of(late), json::object{{"touched_at", now - 5 * kDayMs}}).status,
            201);
  EXPECT_EQ(referrer_of(joiner).as_int64(), late);
  // ... then an earlier visit through Ola's link ten days ago is reported: the first touch wins.
  auto earlier = attribute(joiner, code_of(early), json::object{{"touched_at", now - 10 * kDayMs}});
  ASSERT_EQ(earlier.status, 201) << earlier.body;
  EXPECT_EQ(referrer_of(joiner).as_int64(), early);
  // A later touch changes nothing.
  expect_error(attribute(joiner, code_of(late), json::object{{"touched_at", now - 3 * kDayMs}}),
               409, "already_referred", "customer_id");
  EXPECT_EQ(referrer_of(joiner).as_int64(), early);
  EXPECT_EQ(count("SELECT COUNT(*) FROM referral_attributions WHERE customer_id = $1", joiner), 1);
}

TEST_F(Referrals, AReturnedFirstOrderCreditsNothing) {
  const auto referrer = person("Fay Ref", "fay.ref@example.com");
  const auto buyer = person("Gus Buyer", "gus.buyer@example.com");
  ASSERT_EQ(attribute(buyer, code_of(referrer)).status, 201);
  const auto order = delivered_order(buyer, 60, 50);
  auto ret = post(
      id_path("/api/v1/orders", order.at("id").as_int64()) + "/returns",
      json::object{{"reason", "damaged"},
                   {"lines", json::array{json::object{
                                 {"order_line_id", order.at("lines").at(0).at("id").as_int64()},
                                 {"quantity", 1}}}}});
  ASSERT_EQ(ret.status, 201) << ret.body;
  EXPECT_TRUE(for_referrer(run_rewards(), referrer).empty());
  EXPECT_TRUE(for_referrer(run_rewards(json::object{{"as_of", now_ms() + 400 * kDayMs}}), referrer)
                  .empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM referral_rewards WHERE referred_id = $1", buyer), 0);
}

TEST_F(Referrals, LeaderboardNetworkValueEqualsTheHandComputation) {
  // Hugo refers two customers, Ines one; CLVs as analytics would store them (Jon unscored).
  const auto hugo = person("Hugo Lead", "hugo.lead@example.com");
  const auto ines = person("Ines Lead", "ines.lead@example.com");
  const auto k1 = person("Kim One", "kim.one@example.com");
  const auto k2 = person("Kai Two", "kai.two@example.com");
  const auto jon = person("Jon Three", "jon.three@example.com");
  ASSERT_EQ(attribute(k1, code_of(hugo)).status, 201);
  ASSERT_EQ(attribute(k2, code_of(hugo)).status, 201);
  ASSERT_EQ(attribute(jon, code_of(ines)).status, 201);
  const std::map<std::int64_t, std::int64_t> clv{
      {hugo, 120'000}, {ines, 9'000'000}, {k1, 45'000}, {k2, 30'500}};
  for (const auto& [id, value] : clv) set_clv(id, value);
  const std::map<std::int64_t, std::int64_t> expected{{hugo, 120'000 + 45'000 + 30'500},
                                                      {ines, 9'000'000 + 0}};

  // Every page of two, in order of network value.
  std::map<std::int64_t, json::object> seen;
  std::int64_t previous = std::numeric_limits<std::int64_t>::max();
  std::string cursor;
  for (int pages = 0; pages < 500; ++pages) {
    auto r = get("/api/v1/referrals/leaderboard?limit=2" +
                 (cursor.empty() ? std::string() : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    for (const auto& e : body.at("items").as_array()) {
      const auto value = e.at("network_value").as_int64();
      EXPECT_LE(value, previous);
      previous = value;
      EXPECT_EQ(value, e.at("own_clv").as_int64() + e.at("referred_clv").as_int64());
      EXPECT_FALSE(seen.contains(e.at("referrer_id").as_int64()));
      seen[e.at("referrer_id").as_int64()] = e.as_object();
    }
    const auto& next = body.at("next_cursor");
    if (next.is_null()) break;
    cursor = str(next);
  }
  for (const auto& [id, value] : expected) {
    ASSERT_TRUE(seen.contains(id)) << id;
    EXPECT_EQ(seen[id].at("network_value").as_int64(), value) << id;
  }
  EXPECT_EQ(seen[hugo].at("referred_count").as_int64(), 2);
  EXPECT_EQ(seen[ines].at("referred_count").as_int64(), 1);
  EXPECT_EQ(seen[hugo].at("referred_clv").as_int64(), 45'000 + 30'500);

  auto report = get(id_path("/api/v1/referrals/referrers", hugo));
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json().at("network_value").as_int64(), expected.at(hugo));
  EXPECT_EQ(report.json().at("own_clv").as_int64(), 120'000);
}

TEST_F(Referrals, AccessByScopeAndThePortalCustomersOwnCode) {
  const auto lia = person("Lia Portal", "lia.portal@example.com");
  const auto max = person("Max Portal", "max.portal@example.com");
  const std::string lia_code = code_of(lia);

  auto portal_lia = portal_client("lia.portal@example.com");
  auto own = portal_lia->get("/api/v1/portal/referral");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json().at("customer_id").as_int64(), lia);
  EXPECT_EQ(str(own.json().at("code")), lia_code);
  EXPECT_EQ(str(own.json().at("link")), std::string(portal_test::kPublicUrl) + "/?ref=" + lia_code);
  auto portal_max = portal_client("max.portal@example.com");
  auto max_own = portal_max->get("/api/v1/portal/referral");
  ASSERT_EQ(max_own.status, 200) << max_own.body;
  EXPECT_EQ(max_own.json().at("customer_id").as_int64(), max);
  EXPECT_NE(str(max_own.json().at("code")), lia_code);
  EXPECT_EQ(max_own.body.find(lia_code), std::string::npos);
  // The portal session is no staff credential, and staff are no portal customer.
  expect_error(portal_lia->get(id_path("/api/v1/customers", lia) + "/referral"), 401);
  expect_error(portal_lia->get("/api/v1/referrals/leaderboard"), 401);
  expect_error(get("/api/v1/portal/referral"), 401);

  // A service agent holds neither referral scope; an analyst reads but does not write.
  auto agent = staff("agent.referrals@example.com", "service");
  expect_error(agent->get("/api/v1/referrals/leaderboard"), 403);
  expect_error(agent->get(id_path("/api/v1/customers", lia) + "/referral"), 403);
  expect_error(agent->get(id_path("/api/v1/referrals/referrers", lia)), 403);
  expect_error(agent->send_json("POST", "/api/v1/referrals/attributions",
                                json::object{{"customer_id", max}, {"code", lia_code}}),
               403);
  auto analyst = staff("analyst.referrals@example.com", "analyst");
  EXPECT_EQ(analyst->get("/api/v1/referrals/leaderboard").status, 200);
  expect_error(analyst->send_json("POST", "/api/v1/referrals/rewards/run", json::object{}), 403);
  expect_error(analyst->send_json("POST", "/api/v1/referrals/attributions",
                                  json::object{{"customer_id", max}, {"code", lia_code}}),
               403);
  EXPECT_TRUE(referrer_of(max).is_null());
  // No session at all.
  HttpClient nobody(server_->base_url());
  expect_error(nobody.get("/api/v1/referrals/leaderboard"), 401);
  expect_error(nobody.get("/api/v1/portal/referral"), 401);
  // Bad input names the field.
  expect_error(post("/api/v1/referrals/attributions", json::object{{"code", lia_code}}), 400, "",
               "customer_id");
  expect_error(post("/api/v1/referrals/attributions",
                    json::object{{"customer_id", max}, {"code", lia_code}, {"touched_at", "soon"}}),
               400, "", "touched_at");
  expect_error(get("/api/v1/referrals/leaderboard?limit=0"), 400, "", "limit");
  expect_error(get(id_path("/api/v1/customers", 99'999'999) + "/referral"), 404);
}

// Marketing mail names the recipient's own referral link and code ({{customer.referral_url}},
// {{customer.referral_code}}): each customer's mail holds their link as staff and the portal
// see it, and no other customer's; the preview renders it too; a misspelt name is refused.
TEST_F(Referrals, MailsCarryTheRecipientsOwnReferralLink) {
  auto with_consent = [&](const std::string& name, const std::string& email) {
    return create("/api/v1/customers",
                  json::object{{"name", name},
                               {"email", email},
                               {"consent", json::object{{"email", json::object{{"granted", true},
                                                                               {"how", "signup"}}}}}});
  };
  const auto ada = with_consent("Ada Mailer", "ada.mailer@example.com");
  const auto bob = with_consent("Bob Mailer", "bob.mailer@example.com");
  auto put_template = [&](const std::string& key, const std::string& text) {
    return put("/api/v1/message-templates/" + key + "/en",
               json::object{{"kind", "marketing"},
                            {"subject", "Bring a friend, {{customer.first_name}}"},
                            {"html", "<p><a href=\"{{customer.referral_url}}\">Invite</a> "
                                     "{{customer.referral_code}}</p>"},
                            {"text", text}});
  };
  auto stored = put_template("referral_invite",
                             "Your link: {{customer.referral_url}} (code {{customer.referral_code}})");
  ASSERT_EQ(stored.status, 200) << stored.body;
  expect_error(put_template("referral_typo", "Your link: {{customer.referal_url}}"), 400, "",
               "text");

  // Bob's code exists before the mail; Ada's is made when her mail is rendered.
  const std::string bob_code = code_of(bob);
  ASSERT_FALSE(bob_code.empty());
  for (const auto customer : {ada, bob}) {
    auto queued = post("/api/v1/messages", json::object{{"customer_id", customer},
                                                        {"template_key", "referral_invite"}});
    ASSERT_EQ(queued.status, 201) << queued.body;
  }
  std::vector<Mail> to_ada, to_bob;
  const bool arrived = eventually([&] {
    to_ada = mails_to("ada.mailer@example.com");
    to_bob = mails_to("bob.mailer@example.com");
    return !to_ada.empty() && !to_bob.empty();
  });
  ASSERT_TRUE(arrived) << server_->log() << smtp_->log();
  const std::string ada_code = code_of(ada);
  ASSERT_FALSE(ada_code.empty());
  EXPECT_NE(ada_code, bob_code);
  const std::string base = std::string(portal_test::kPublicUrl) + "/?ref=";
  const std::string ada_text = to_ada.back().part("text/plain");
  const std::string bob_text = to_bob.back().part("text/plain");
  EXPECT_EQ(ada_text.find("Your link: " + base + ada_code + " (code " + ada_code + ")"),
            std::size_t{0})
      << ada_text;
  EXPECT_EQ(bob_text.find("Your link: " + base + bob_code + " (code " + bob_code + ")"),
            std::size_t{0})
      << bob_text;
  EXPECT_EQ(ada_text.find(bob_code), std::string::npos) << ada_text;
  EXPECT_EQ(bob_text.find(ada_code), std::string::npos) << bob_text;
  // The HTML part names the code (its link goes through the click redirect).
  EXPECT_NE(to_ada.back().part("text/html").find(ada_code), std::string::npos);

  // The staff preview renders the same link.
  auto preview = post("/api/v1/message-templates/preview",
                      json::object{{"customer_id", bob}, {"template_key", "referral_invite"}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(str(preview.json().at("text")),
            "Your link: " + base + bob_code + " (code " + bob_code + ")");
}

// The serve command's settings: a 7-day attribution window, no return window, a reward of 25.00.
class ReferralSettings : public Referrals {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {"--referral-window-days", "7", "--referral-return-window-days", "0", "--referral-reward",
         "2500"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
};

TEST_F(ReferralSettings, WindowAndRewardFollowTheServersSettings) {
  const auto referrer = person("Rae Settings", "rae.settings@example.com");
  const auto buyer = person("Sol Settings", "sol.settings@example.com");
  const std::string code = code_of(referrer);
  const std::int64_t now = now_ms();
  expect_error(attribute(buyer, code, json::object{{"touched_at", now - 8 * kDayMs}}), 422,
               "outside_window", "touched_at");
  ASSERT_EQ(attribute(buyer, code, json::object{{"touched_at", now - 6 * kDayMs}}).status, 201);
  // Delivered just now: with no return window the reward is due at once.
  const auto order = delivered_order(buyer, 2, 0);
  auto granted = for_referrer(run_rewards(), referrer);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(granted[0].at("order_id").as_int64(), order.at("id").as_int64());
  EXPECT_EQ(granted[0].at("amount").as_int64(), 2500);
  EXPECT_TRUE(for_referrer(run_rewards(), referrer).empty());
  // Staff read the settings the server runs with.
  auto settings = get("/api/v1/referrals/settings");
  ASSERT_EQ(settings.status, 200) << settings.body;
  EXPECT_EQ(settings.json().at("attribution_window_days").as_int64(), 7);
  EXPECT_EQ(settings.json().at("return_window_days").as_int64(), 0);
  EXPECT_EQ(settings.json().at("reward_amount").as_int64(), 2500);
}

}  // namespace
}  // namespace ecrm::testing
