// Shared fixture for the customer portal's API tests: one SMTP server (smtp_server.py) and one
// `ecrm serve` delivering to it per suite, an admin client, and a customer signed in the way a
// customer signs in: asking for a link, reading it from the mail the SMTP server received, and
// exchanging its token for the portal cookie.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <unistd.h>

#include "core/crypto.hpp"
#include "crm_support.hpp"
#include "server_database.hpp"
#include "smtp_support.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {

namespace portal_test {
inline constexpr const char* kMailFrom = "Test Shop <shop@test.example>";
inline constexpr const char* kPublicUrl = "https://shop.test.example";
}  // namespace portal_test

class PortalBase : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--mail-from", portal_test::kMailFrom, "--smtp-retry-after", "0.2", "--smtp-connections",
         "2", "--public-url", portal_test::kPublicUrl, "--smtp-url", smtp_->url()},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    database_.close();
    product_ = 0;
    delete server_;
    server_ = nullptr;
    delete smtp_;
    smtp_ = nullptr;
  }

  void SetUp() override {
    init_crypto();
    CrmApi::SetUp();
  }

  static std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

  std::int64_t customer(const std::string& name, const std::string& email) {
    return create("/api/v1/customers", boost::json::object{{"name", name}, {"email", email}});
  }

  // A product (created once per suite).
  std::int64_t product() {
    if (product_ == 0) {
      product_ = create("/api/v1/products", boost::json::object{{"sku", "PORTAL-CAM"},
                                                                {"name", "Portal Camera"},
                                                                {"price", 45000},
                                                                {"currency", "EUR"}});
    }
    return product_;
  }

  // An order of `quantity` cameras for `customer`, moved to `status` (placed, paid, shipped).
  boost::json::object order(std::int64_t customer_id, std::int64_t quantity = 2,
                            const std::string& status = "placed") {
    auto r = post("/api/v1/orders",
                  boost::json::object{{"customer_id", customer_id},
                                      {"lines", boost::json::array{boost::json::object{
                                                    {"product_id", product()},
                                                    {"quantity", quantity}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {};
    auto o = r.json().as_object();
    if (status == "shipped") {
      auto s = post(id_path("/api/v1/orders", o.at("id").as_int64()) + "/status",
                    boost::json::object{{"status", "shipped"},
                                        {"carrier", "SF Express"},
                                        {"tracking_number", "SF123456789"},
                                        {"note", "internal: packed by Li"}});
      EXPECT_EQ(s.status, 200) << s.body;
      o = s.json().as_object();
    }
    return o;
  }

  // Every mail the SMTP server accepted for `address`, oldest first.
  std::vector<Mail> mails_to(const std::string& address) {
    std::vector<Mail> out;
    for (auto& record : smtp_->received()) {
      for (const auto& rcpt : record.at("rcpt_tos").as_array()) {
        if (rcpt.as_string() == address) out.push_back(parse_mail(str(record.at("data"))));
      }
    }
    return out;
  }

  // The token of the sign-in link in `mail`'s text part ("" when there is none).
  static std::string link_token(const Mail& mail) {
    const std::string text = mail.part("text/plain");
    const std::string marker = std::string(portal_test::kPublicUrl) + "/portal/sign-in?token=";
    auto at = text.find(marker);
    if (at == std::string::npos) return "";
    at += marker.size();
    std::string token;
    while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) ||
                                text[at] == '-' || text[at] == '_')) {
      token += text[at++];
    }
    return token;
  }

  // Asks for a link for `address` (202 expected) and waits for mail number `count` to it;
  // returns the token of the newest link.
  std::string request_link(const std::string& address, std::size_t count) {
    HttpClient anonymous(server_->base_url());
    auto r = anonymous.send_json("POST", "/api/v1/portal/sign-in",
                                 boost::json::object{{"email", address}});
    EXPECT_EQ(r.status, 202) << r.body;
    std::vector<Mail> got;
    const bool arrived = eventually([&] {
      got = mails_to(address);
      return got.size() >= count;
    });
    EXPECT_TRUE(arrived) << "no sign-in mail to " << address << "\n"
                         << server_->log() << smtp_->log();
    return got.empty() ? "" : link_token(got.back());
  }

  // A client holding the portal cookie and CSRF token of a session opened with `token`.
  std::unique_ptr<HttpClient> open_session(const std::string& token) {
    auto client = std::make_unique<HttpClient>(server_->base_url());
    auto r = client->send_json("POST", "/api/v1/portal/session",
                               boost::json::object{{"token", token}});
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status == 200) client->csrf_token = str(r.json().at("csrf_token"));
    return client;
  }

  // `address`'s customer signed in to the portal through the mailed link.
  std::unique_ptr<HttpClient> portal_client(const std::string& address) {
    const std::string token = request_link(address, mails_to(address).size() + 1);
    EXPECT_FALSE(token.empty());
    return open_session(token);
  }

  // The server's database, for moving time on (expiring a link).
  storage::Connection& connection() { return database_.connection(*server_); }

  inline static SmtpServer* smtp_ = nullptr;
  inline static std::int64_t product_ = 0;
  inline static ServerDatabase database_;
};

}  // namespace ecrm::testing
