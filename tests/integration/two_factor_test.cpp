// Two-factor sign-in for staff over real HTTP: enrolment with the authenticator app's first code,
// the second step of a sign-in, codes refused a second time, single-use recovery codes, wrong
// codes rate-limited like passwords, and a role whose users must enrol first.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "auth/totp.hpp"
#include "core/time.hpp"
#include "harness.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;
namespace totp = auth::totp;

constexpr const char* kAdminEmail = "owner@example.com";
constexpr const char* kAdminPassword = "Owner-pass-1234";
constexpr const char* kPassword = "Staff-pass-1234";

std::string error_code(const HttpResult& r) {
  auto body = r.json();
  if (!body.is_object() || !body.as_object().contains("error")) return {};
  return std::string(body.at("error").at("code").as_string());
}

std::string error_field(const HttpResult& r) {
  auto body = r.json();
  if (!body.is_object() || !body.as_object().contains("error")) return {};
  const auto& error = body.at("error").as_object();
  return error.contains("field") ? std::string(error.at("field").as_string()) : std::string{};
}

// The code of `secret` (base32) `steps_ahead` steps from now.
std::string code_of(const std::string& secret, int steps_ahead = 0) {
  auto key = totp::base32_decode(secret);
  EXPECT_TRUE(key.has_value());
  return totp::code_at_step(key.value_or(""), totp::step_of(now_ms() / 1000) + steps_ahead);
}

// A six-digit code that is none of the codes accepted now.
std::string wrong_code_of(const std::string& secret) {
  std::set<std::string> current;
  for (int d = -2; d <= 2; ++d) current.insert(code_of(secret, d));
  for (int n = 0;; ++n) {
    std::string code = std::to_string(100000 + n * 7919 % 900000);
    if (!current.contains(code)) return code;
  }
}

class TwoFactor : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {}, {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  std::unique_ptr<HttpClient> client() { return std::make_unique<HttpClient>(server_->base_url()); }

  // The first step of a sign-in; keeps the CSRF token when a session was opened.
  HttpResult password_step(HttpClient& c, const std::string& email,
                           const std::string& password = kPassword) {
    auto r = c.send_json("POST", "/api/v1/auth/login",
                         json::object{{"email", email}, {"password", password}});
    if (r.status == 200 && !r.json().at("two_factor_required").as_bool()) {
      c.csrf_token = std::string(r.json().at("csrf_token").as_string());
    }
    return r;
  }

  HttpResult code_step(HttpClient& c, const std::string& token, const std::string& code) {
    auto r = c.send_json("POST", "/api/v1/auth/login/two-factor",
                         json::object{{"token", token}, {"code", code}});
    if (r.status == 200) c.csrf_token = std::string(r.json().at("csrf_token").as_string());
    return r;
  }

  std::unique_ptr<HttpClient> admin() {
    auto c = client();
    EXPECT_EQ(password_step(*c, kAdminEmail, kAdminPassword).status, 200);
    return c;
  }

  void create_user(const std::string& email, const std::string& role) {
    auto a = admin();
    auto r = a->send_json("POST", "/api/v1/users",
                          json::object{{"email", email}, {"role", role}, {"password", kPassword}});
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // Enrols the signed-in `c`; returns the secret (base32) and sets `recovery` when given.
  std::string enrol(HttpClient& c, std::vector<std::string>* recovery = nullptr) {
    auto started = c.send_json("POST", "/api/v1/auth/two-factor/enrol", json::object{});
    EXPECT_EQ(started.status, 200) << started.body;
    if (started.status != 200) return {};
    std::string secret(started.json().at("secret").as_string());
    auto confirmed = c.send_json("POST", "/api/v1/auth/two-factor/confirm",
                                 json::object{{"code", code_of(secret)}});
    EXPECT_EQ(confirmed.status, 200) << confirmed.body;
    if (recovery != nullptr && confirmed.status == 200) {
      const json::value body = confirmed.json();
      for (const auto& code : body.at("recovery_codes").as_array()) {
        recovery->emplace_back(code.as_string());
      }
    }
    return secret;
  }

  static ServerProcess* server_;
};
ServerProcess* TwoFactor::server_ = nullptr;

TEST_F(TwoFactor, EnrolThenSignInWithCodesOnceEach) {
  const std::string email = "ann@example.com";
  ASSERT_NO_FATAL_FAILURE(create_user(email, "sales"));
  auto ann = client();
  ASSERT_EQ(password_step(*ann, email).status, 200);

  auto status = ann->get("/api/v1/auth/two-factor");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_FALSE(status.json().at("enabled").as_bool());
  EXPECT_EQ(error_code(ann->send_json("POST", "/api/v1/auth/two-factor/confirm",
                                      json::object{{"code", "123456"}})),
            "no_enrolment");

  auto started = ann->send_json("POST", "/api/v1/auth/two-factor/enrol", json::object{});
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string secret(started.json().at("secret").as_string());
  EXPECT_EQ(totp::base32_decode(secret).value_or("").size(), totp::kSecretBytes);
  EXPECT_EQ(std::string(started.json().at("otpauth_uri").as_string()),
            "otpauth://totp/ecrm:" + email + "?secret=" + secret +
                "&issuer=ecrm&algorithm=SHA1&digits=6&period=30");

  // Bad input names the field and turns nothing on.
  for (const json::value& body :
       {json::value(json::object{{"code", ""}}), json::value(json::object{{"code", "12"}}),
        json::value(json::object{{"code", 123456}}), json::value(json::object{})}) {
    auto r = ann->send_json("POST", "/api/v1/auth/two-factor/confirm", body);
    EXPECT_EQ(r.status, 400) << json::serialize(body) << " " << r.body;
    EXPECT_EQ(error_field(r), "code") << r.body;
  }
  auto wrong = ann->send_json("POST", "/api/v1/auth/two-factor/confirm",
                              json::object{{"code", wrong_code_of(secret)}});
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(error_code(wrong), "invalid_code");
  EXPECT_FALSE(ann->get("/api/v1/auth/two-factor").json().at("enabled").as_bool());

  const std::string first = code_of(secret);
  auto confirmed =
      ann->send_json("POST", "/api/v1/auth/two-factor/confirm", json::object{{"code", first}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  std::vector<std::string> recovery;
  const json::value confirmed_body = confirmed.json();
  for (const auto& c : confirmed_body.at("recovery_codes").as_array()) {
    recovery.emplace_back(c.as_string());
  }
  ASSERT_EQ(recovery.size(), 10u);
  EXPECT_EQ(std::set<std::string>(recovery.begin(), recovery.end()).size(), 10u);
  status = ann->get("/api/v1/auth/two-factor");
  EXPECT_TRUE(status.json().at("enabled").as_bool());
  EXPECT_EQ(status.json().at("recovery_codes_left").as_int64(), 10);
  EXPECT_EQ(ann->send_json("POST", "/api/v1/auth/two-factor/enrol", json::object{}).status, 409);

  // The password alone opens no session.
  auto other = client();
  auto pending = password_step(*other, email);
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_TRUE(pending.json().at("two_factor_required").as_bool());
  EXPECT_TRUE(pending.header("set-cookie").empty());
  EXPECT_EQ(other->get("/api/v1/me").status, 401);
  const std::string token(pending.json().at("two_factor_token").as_string());

  auto missing =
      other->send_json("POST", "/api/v1/auth/login/two-factor", json::object{{"code", first}});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(error_field(missing), "token");
  auto empty = code_step(*other, token, "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(error_field(empty), "code");
  // The code that confirmed the enrolment was used: refused within its window.
  auto replayed = code_step(*other, token, first);
  EXPECT_EQ(replayed.status, 400) << replayed.body;
  EXPECT_EQ(error_code(replayed), "invalid_code");
  EXPECT_EQ(other->get("/api/v1/me").status, 401);

  const std::string next = code_of(secret, 1);
  auto signed_in = code_step(*other, token, next);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_NE(signed_in.header("set-cookie").find("ecrm_session="), std::string::npos);
  EXPECT_EQ(other->get("/api/v1/me").status, 200);
  EXPECT_EQ(other->get("/api/v1/customers").status, 200);
  // The token is used up with the sign-in.
  EXPECT_EQ(error_code(code_step(*client(), token, code_of(secret, 1))),
            "invalid_two_factor_token");

  // The same code again, in a new sign-in: refused.
  auto third = client();
  const std::string token2(password_step(*third, email).json().at("two_factor_token").as_string());
  auto reused = code_step(*third, token2, next);
  EXPECT_EQ(reused.status, 400) << reused.body;
  EXPECT_EQ(third->get("/api/v1/me").status, 401);

  // A recovery code works once, in any case and with or without its dash.
  std::string lower = recovery[0];
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto by_recovery = code_step(*third, token2, lower);
  ASSERT_EQ(by_recovery.status, 200) << by_recovery.body;
  EXPECT_EQ(third->get("/api/v1/me").status, 200);
  EXPECT_EQ(third->get("/api/v1/auth/two-factor").json().at("recovery_codes_left").as_int64(), 9);
  auto fourth = client();
  const std::string token3(password_step(*fourth, email).json().at("two_factor_token").as_string());
  auto again = code_step(*fourth, token3, recovery[0]);
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(fourth->get("/api/v1/me").status, 401);

  // New recovery codes need the password (or a code); the old ones stop working.
  auto refused = ann->send_json("POST", "/api/v1/auth/two-factor/recovery-codes",
                                json::object{{"password", "wrong-password-1"}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(error_field(refused), "password");
  auto renewed = ann->send_json("POST", "/api/v1/auth/two-factor/recovery-codes",
                                json::object{{"password", kPassword}});
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  ASSERT_EQ(renewed.json().at("recovery_codes").as_array().size(), 10u);
  const json::value renewed_body = renewed.json();
  const std::string fresh(renewed_body.at("recovery_codes").as_array()[0].as_string());
  EXPECT_EQ(code_step(*fourth, token3, recovery[1]).status, 400);
  EXPECT_EQ(code_step(*fourth, token3, fresh).status, 200);

  // Turning it off needs proof too; then the password alone signs in again.
  auto no_proof = ann->send_json("POST", "/api/v1/auth/two-factor/disable", json::object{});
  EXPECT_EQ(no_proof.status, 400) << no_proof.body;
  EXPECT_EQ(error_field(no_proof), "code");
  EXPECT_TRUE(ann->get("/api/v1/auth/two-factor").json().at("enabled").as_bool());
  EXPECT_EQ(ann->send_json("POST", "/api/v1/auth/two-factor/disable",
                           json::object{{"password", kPassword}})
                .status,
            204);
  auto plain = client();
  auto opened = password_step(*plain, email);
  ASSERT_EQ(opened.status, 200);
  EXPECT_FALSE(opened.json().at("two_factor_required").as_bool());
  EXPECT_EQ(plain->get("/api/v1/me").status, 200);
}

TEST_F(TwoFactor, WrongCodesAreRateLimitedLikePasswords) {
  const std::string email = "bob@example.com";
  ASSERT_NO_FATAL_FAILURE(create_user(email, "analyst"));
  auto bob = client();
  ASSERT_EQ(password_step(*bob, email).status, 200);
  const std::string secret = enrol(*bob);
  ASSERT_FALSE(secret.empty());

  auto c = client();
  const std::string token(password_step(*c, email).json().at("two_factor_token").as_string());
  const std::string wrong = wrong_code_of(secret);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(code_step(*c, token, wrong).status, 400) << i;
  // Past the limit even the right code is refused for a while.
  auto limited = code_step(*c, token, code_of(secret, 1));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(c->get("/api/v1/me").status, 401);
}

TEST_F(TwoFactor, ARoleThatRequiresItLimitsUsersWithoutIt) {
  ASSERT_NO_FATAL_FAILURE(create_user("cid@example.com", "service"));
  ASSERT_NO_FATAL_FAILURE(create_user("dee@example.com", "sales"));
  auto a = admin();

  // Bad input names the field and changes nothing.
  auto bad = a->send_json("PUT", "/api/v1/auth/two-factor/roles",
                          json::object{{"roles", json::array{"service", "nobody"}}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(error_field(bad).rfind("roles", 0), 0u) << bad.body;
  EXPECT_TRUE(a->get("/api/v1/auth/two-factor/roles").json().at("roles").as_array().empty());

  auto dee = client();
  ASSERT_EQ(password_step(*dee, "dee@example.com").status, 200);
  auto forbidden = dee->send_json("PUT", "/api/v1/auth/two-factor/roles",
                                  json::object{{"roles", json::array{"sales"}}});
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;

  auto set = a->send_json("PUT", "/api/v1/auth/two-factor/roles",
                          json::object{{"roles", json::array{"service"}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(json::serialize(set.json().at("roles")), "[\"service\"]");

  // A user of the role without it: a session that reaches only the enrolment.
  auto cid = client();
  auto login = password_step(*cid, "cid@example.com");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(login.json().at("two_factor_enrolment_required").as_bool());
  auto me = cid->get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(me.json().at("two_factor_enrolment_required").as_bool());
  EXPECT_TRUE(me.json().at("scopes").as_array().empty());
  for (const char* path :
       {"/api/v1/customers", "/api/v1/tickets", "/api/v1/api-keys", "/api/v1/roles"}) {
    auto r = cid->get(path);
    EXPECT_EQ(r.status, 403) << path << " " << r.body;
    EXPECT_EQ(error_code(r), "two_factor_enrolment_required") << path;
  }
  auto key = cid->send_json("POST", "/api/v1/api-keys",
                            json::object{{"name", "k"}, {"scopes", json::array{"service:read"}}});
  EXPECT_EQ(key.status, 403) << key.body;
  EXPECT_TRUE(cid->get("/api/v1/auth/two-factor").json().at("required").as_bool());

  // A user of another role is not limited.
  EXPECT_EQ(dee->get("/api/v1/customers").status, 200);
  EXPECT_FALSE(dee->get("/api/v1/me").json().at("two_factor_enrolment_required").as_bool());

  // Enrolling frees the same session at once.
  ASSERT_FALSE(enrol(*cid).empty());
  EXPECT_EQ(cid->get("/api/v1/tickets").status, 200);
  me = cid->get("/api/v1/me");
  EXPECT_FALSE(me.json().at("two_factor_enrolment_required").as_bool());
  EXPECT_FALSE(me.json().at("scopes").as_array().empty());

  // An admin's reset (a lost phone): the user must enrol again before anything else.
  auto users = a->get("/api/v1/users?limit=100").json();
  std::string cid_id;
  for (const auto& u : users.at("items").as_array()) {
    if (u.at("email").as_string() == "cid@example.com")
      cid_id = std::to_string(u.at("id").as_int64());
  }
  ASSERT_FALSE(cid_id.empty());
  EXPECT_EQ(dee->request("DELETE", "/api/v1/users/" + cid_id + "/two-factor", "",
                         {"X-CSRF-Token: " + dee->csrf_token})
                .status,
            403);
  EXPECT_EQ(a->request("DELETE", "/api/v1/users/999999/two-factor", "",
                       {"X-CSRF-Token: " + a->csrf_token})
                .status,
            404);
  auto reset = a->request("DELETE", "/api/v1/users/" + cid_id + "/two-factor", "",
                          {"X-CSRF-Token: " + a->csrf_token});
  EXPECT_EQ(reset.status, 204) << reset.body;
  EXPECT_FALSE(cid->get("/api/v1/auth/two-factor").json().at("enabled").as_bool());
  EXPECT_EQ(error_code(cid->get("/api/v1/tickets")), "two_factor_enrolment_required");

  // Lifting the requirement frees the others.
  ASSERT_EQ(
      a->send_json("PUT", "/api/v1/auth/two-factor/roles", json::object{{"roles", json::array{}}})
          .status,
      200);
  EXPECT_TRUE(a->get("/api/v1/auth/two-factor/roles").json().at("roles").as_array().empty());
}

}  // namespace
}  // namespace ecrm::testing
