// Secrets at rest on the test backend: with --secret-key-file, a partner webhook's secret and a
// user's TOTP secret are stored sealed ("sb1:…", read straight from the table) and still work (a
// delivery's signature verifies with the secret handed out; a code from the enrolment's secret
// signs in). A value stored in clear before the key was configured keeps working and is sealed at
// the next start; another key file, or none, is refused naming the key file, and nothing changes.
#include <unistd.h>

#include <cstdio>
#include <set>

#include "auth/totp.hpp"
#include "core/time.hpp"
#include "portal_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;
namespace totp = auth::totp;

std::string code_of(const std::string& secret, int steps_ahead) {
  auto key = totp::base32_decode(secret);
  EXPECT_TRUE(key.has_value());
  return totp::code_at_step(key.value_or(""), totp::step_of(now_ms() / 1000) + steps_ahead);
}

std::string temp_key_path(const std::string& name) {
  return "/tmp/ecrm-secrets-test-" + std::to_string(::getpid()) + "-" + name + ".key";
}

class SecretsAtRest : public PortalBase {
 protected:
  static void SetUpTestSuite() {
    key_file_ = temp_key_path("main");
    std::remove(key_file_.c_str());
    std::string output;
    ASSERT_EQ(run_ecrm({"secrets", "keygen", key_file_}, &output), 0) << output;
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--secret-key-file", key_file_, "--mail-from", portal_test::kMailFrom, "--public-url",
         portal_test::kPublicUrl, "--smtp-url", smtp_->url(), "--partner-webhook-retry-after",
         "0.3"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    PortalBase::TearDownTestSuite();
    std::remove(key_file_.c_str());
  }

  // The first column of `sql`'s rows, read straight from the server's database.
  static std::vector<std::string> stored(const std::string& sql) {
    auto db = storage::open_database(server_->db_url(), storage::DatabaseOptions{});
    EXPECT_TRUE(db.ok()) << db.error().message;
    if (!db.ok()) return {};
    auto lease = (*db)->acquire();
    EXPECT_TRUE(lease.ok());
    if (!lease.ok()) return {};
    std::vector<std::string> out;
    auto read = (*lease)->query(
        sql, {}, [&](const storage::RowView& row) { out.push_back(row.get_string(0)); });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  static void write(const std::string& sql, const std::string& value) {
    auto db = storage::open_database(server_->db_url(), storage::DatabaseOptions{});
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto lease = (*db)->acquire();
    ASSERT_TRUE(lease.ok());
    auto done = (*lease)->execute(sql, {value});
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  // Signs `email` in with the password and then a code of `secret`; the session's status.
  long sign_in_with_code(const std::string& email, const std::string& secret, int steps_ahead) {
    HttpClient c(server_->base_url());
    auto first = c.send_json("POST", "/api/v1/auth/login",
                             json::object{{"email", email}, {"password", "Staff-pass-1234"}});
    EXPECT_EQ(first.status, 200) << first.body;
    if (first.status != 200 || !first.json().at("two_factor_required").as_bool()) return -1;
    auto second = c.send_json("POST", "/api/v1/auth/login/two-factor",
                              json::object{{"token", first.json().at("two_factor_token")},
                                           {"code", code_of(secret, steps_ahead)}});
    EXPECT_EQ(second.status, 200) << second.body;
    return c.get("/api/v1/me").status;
  }

  inline static std::string key_file_;
};

TEST_F(SecretsAtRest, APartnerWebhookSecretIsStoredSealedAndDeliveriesAreSignedWithIt) {
  SmtpServer hooks({}, "webhook_server.py");
  const std::string url = "http://127.0.0.1:" + std::to_string(hooks.port()) + "/sealed";
  const auto partner = create(
      "/api/v1/partners",
      json::object{{"name", "Sealed Supplier"}, {"kind", "supplier"}, {"lead_time_days", 5}});
  const auto item = create("/api/v1/products", json::object{{"sku", "SEALED-1"},
                                                            {"name", "Sealed item"},
                                                            {"price", 2500},
                                                            {"currency", "EUR"},
                                                            {"stock_on_hand", 5}});
  auto linked =
      post(id_path("/api/v1/partners", partner) + "/products",
           json::object{
               {"product_id", item}, {"cost", 1000}, {"currency", "EUR"}, {"lead_time_days", 3}});
  ASSERT_EQ(linked.status, 201) << linked.body;
  const std::string path = id_path("/api/v1/partners", partner) + "/webhooks";
  // Made with an Idempotency-Key: the answer kept for a retry holds the secret, sealed too.
  const std::string body =
      json::serialize(json::object{{"url", url}, {"events", json::array{"order_line.created"}}});
  const std::vector<std::string> with_key{"Content-Type: application/json",
                                          "X-CSRF-Token: " + client_->csrf_token,
                                          "Idempotency-Key: sealed-webhook-1"};
  auto made = client_->request("POST", path, body, with_key);
  ASSERT_EQ(made.status, 201) << made.body;
  const auto hook_id = made.json().at("id").as_int64();
  const std::string secret = str(made.json().at("secret"));
  ASSERT_TRUE(secret.starts_with("whsec_")) << made.body;
  const auto kept = stored("SELECT body FROM idempotency_keys WHERE idem_key = 'sealed-webhook-1'");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_TRUE(kept[0].starts_with("sb1:")) << kept[0];
  EXPECT_EQ(kept[0].find(secret), std::string::npos);
  auto again = client_->request("POST", path, body, with_key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, made.body);

  const auto in_table =
      stored("SELECT secret FROM partner_webhooks WHERE id = " + std::to_string(hook_id));
  ASSERT_EQ(in_table.size(), 1u);
  EXPECT_TRUE(in_table[0].starts_with("sb1:")) << in_table[0];
  EXPECT_EQ(in_table[0].find(secret), std::string::npos);
  EXPECT_EQ(in_table[0].find(secret.substr(6)), std::string::npos);

  const auto buyer =
      create("/api/v1/customers",
             json::object{{"name", "Sealed Buyer"}, {"email", "sealed.buyer@example.com"}});
  auto order = post(
      "/api/v1/orders",
      json::object{{"customer_id", buyer},
                   {"lines", json::array{json::object{{"product_id", item}, {"quantity", 1}}}}});
  ASSERT_EQ(order.status, 201) << order.body;
  ASSERT_TRUE(eventually([&] { return hooks.received().size() == 1; }, 30)) << server_->log();
  const auto calls = hooks.received();
  const auto& headers = calls[0].at("headers").as_object();
  EXPECT_EQ(str(headers.at("x-ecrm-signature")),
            "v1=" + hmac_sha256_hex(secret, str(headers.at("x-ecrm-timestamp")) + "." +
                                                str(calls[0].at("body"))));
  EXPECT_EQ(server_->log().find(secret), std::string::npos);
}

TEST_F(SecretsAtRest, ATotpSecretIsStoredSealedAndSignInWorksAlsoFromAValueStoredInClear) {
  const std::string email = "sealed.totp@example.com";
  auto user = staff(email, "service");
  auto started = user->send_json("POST", "/api/v1/auth/two-factor/enrol", json::object{});
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string secret = str(started.json().at("secret"));
  auto confirmed = user->send_json("POST", "/api/v1/auth/two-factor/confirm",
                                   json::object{{"code", code_of(secret, 0)}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;

  const std::string read_secret =
      "SELECT t.secret FROM user_totp t JOIN users u ON u.id = t.user_id WHERE u.email = '" +
      email + "'";
  auto in_table = stored(read_secret);
  ASSERT_EQ(in_table.size(), 1u);
  EXPECT_TRUE(in_table[0].starts_with("sb1:")) << in_table[0];
  EXPECT_EQ(in_table[0].find(secret), std::string::npos);
  EXPECT_EQ(sign_in_with_code(email, secret, 1), 200);

  // Stored in clear (as before the key was configured): still read; sealed at the next start.
  // (last_step back to 0 each time: a code is accepted once per 30 s step.)
  const std::string of_user =
      " WHERE user_id = (SELECT id FROM users WHERE email = '" + email + "')";
  write("UPDATE user_totp SET secret = $1, last_step = 0" + of_user, secret);
  EXPECT_EQ(stored(read_secret), std::vector<std::string>{secret});
  EXPECT_EQ(sign_in_with_code(email, secret, 0), 200);
  ASSERT_EQ(server_->terminate(), 0);
  server_->restart();
  in_table = stored(read_secret);
  ASSERT_EQ(in_table.size(), 1u);
  EXPECT_TRUE(in_table[0].starts_with("sb1:")) << in_table[0];
  EXPECT_NE(server_->log().find("sealed 1 secret(s) stored in clear"), std::string::npos)
      << server_->log();
  write("UPDATE user_totp SET last_step = 0" + of_user + " AND secret <> $1", secret);
  EXPECT_EQ(sign_in_with_code(email, secret, 0), 200);
  EXPECT_EQ(server_->log().find(secret), std::string::npos);
}

TEST_F(SecretsAtRest, SocialAndAutomationWebhookSecretsAreStoredSealedAndStillSign) {
  const std::string inbound = "social-inbound-secret-0123456789";
  auto set = put("/api/v1/social/settings", json::object{{"inbound_secret", inbound}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_TRUE(set.json().at("inbound_secret_set").as_bool());
  const auto in_table = stored("SELECT inbound_secret FROM social_settings");
  ASSERT_EQ(in_table.size(), 1u);
  EXPECT_TRUE(in_table[0].starts_with("sb1:")) << in_table[0];
  EXPECT_EQ(in_table[0].find(inbound), std::string::npos);
  EXPECT_EQ(stored("SELECT reply_secret FROM social_settings"), std::vector<std::string>{""});

  // A mention signed with the secret is taken; one signed with another is refused.
  const std::string body = json::serialize(
      json::object{{"mentions", json::array{json::object{{"platform", "x"},
                                                         {"external_id", "sealed-1"},
                                                         {"author_handle", "@sealed"},
                                                         {"url", "https://x.example/p/sealed-1"},
                                                         {"text", "Nothing about products"},
                                                         {"posted_at", now_ms() - 3'600'000}}}}});
  auto signed_with = [&](const std::string& secret) {
    HttpClient anonymous(server_->base_url());
    const std::string ts = std::to_string(now_ms() / 1000);
    return anonymous.request("POST", "/api/v1/social/mentions", body,
                             {"Content-Type: application/json", "X-Ecrm-Timestamp: " + ts,
                              "X-Ecrm-Signature: v1=" + hmac_sha256_hex(secret, ts + "." + body)});
  };
  EXPECT_EQ(signed_with("another-secret-0123456789").status, 401);
  auto taken = signed_with(inbound);
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(taken.json().at("stored").as_int64(), 1);

  // The automation webhooks' signing key: shown to the admin in clear, stored sealed.
  auto key = get("/api/v1/automation/webhook-secret");
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string secret = str(key.json().at("secret"));
  EXPECT_TRUE(secret.starts_with("whsec_")) << key.body;
  const auto sealed = stored("SELECT secret FROM automation_keys WHERE name = 'webhook'");
  ASSERT_EQ(sealed.size(), 1u);
  EXPECT_TRUE(sealed[0].starts_with("sb1:")) << sealed[0];
  EXPECT_EQ(sealed[0].find(secret), std::string::npos);
  EXPECT_EQ(server_->log().find(inbound), std::string::npos);
}

TEST_F(SecretsAtRest, AnotherKeyFileOrNoneIsRefusedNamingItAndNothingChanges) {
  // Something sealed to find: a partner webhook's secret.
  auto made =
      post("/api/v1/partners",
           json::object{{"name", "Refused Supplier"}, {"kind", "supplier"}, {"lead_time_days", 5}});
  ASSERT_EQ(made.status, 201) << made.body;
  auto hook = post(id_path("/api/v1/partners", made.json().at("id").as_int64()) + "/webhooks",
                   json::object{{"url", "http://127.0.0.1:9/refused"}});
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string all =
      "SELECT secret FROM partner_webhooks UNION ALL SELECT secret FROM user_totp UNION ALL "
      "SELECT secret FROM automation_keys";
  const auto before = stored(all);
  ASSERT_FALSE(before.empty());
  for (const auto& value : before) EXPECT_TRUE(value.starts_with("sb1:")) << value;

  const std::string other = temp_key_path("other");
  std::remove(other.c_str());
  std::string output;
  ASSERT_EQ(run_ecrm({"secrets", "keygen", other}, &output), 0) << output;
  EXPECT_NE(run_ecrm({"secrets", "keygen", other}, &output), 0);  // never overwritten
  EXPECT_NE(server_->run_cli({"secrets", "seal", "--secret-key-file", other}, &output), 0);
  EXPECT_NE(output.find(other), std::string::npos) << output;
  EXPECT_NE(output.find("does not open"), std::string::npos) << output;
  EXPECT_NE(server_->run_cli({"migrate"}, &output), 0);
  EXPECT_NE(output.find("--secret-key-file"), std::string::npos) << output;
  EXPECT_NE(
      server_->run_cli({"secrets", "seal", "--secret-key-file", "/nonexistent/ecrm.key"}, &output),
      0);
  EXPECT_NE(output.find("/nonexistent/ecrm.key"), std::string::npos) << output;
  EXPECT_EQ(stored(all), before);
  EXPECT_EQ(server_->run_cli({"secrets", "seal", "--secret-key-file", key_file_}, &output), 0)
      << output;
  EXPECT_EQ(stored(all), before);  // nothing left in clear: nothing rewritten
  std::remove(other.c_str());
}

}  // namespace
}  // namespace ecrm::testing
