// Messaging over real HTTP with a real SMTP server: tests/scripts/smtp_server.py (aiosmtpd)
// records what it accepts, and `ecrm serve --smtp-url` delivers to it. Templates, customers and
// messages are created through the API; what each message became is read from the outbox and
// what arrived from the SMTP server's record, taken apart (headers, RFC 2047 subject, base64
// parts). Marketing mail and consent, the daily cap, the signed one-click unsubscribe, a relay
// deferring with 451, an erased customer, and bad input naming its field.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "core/crypto.hpp"
#include "crm_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMailFrom = "Test Shop <shop@test.example>";
constexpr const char* kPublicUrl = "https://shop.test.example";
constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

// A suite's SMTP server and the server delivering to it.
class MessagingBase : public CrmApi {
 protected:
  // Starts smtp_server.py with `smtp_options`, then `ecrm serve` pointed at it (at no relay at
  // all when `deliver` is false: messages then stay queued).
  static void start(const std::vector<std::string>& smtp_options, bool deliver = true) {
    smtp_ = new SmtpServer(smtp_options);
    std::vector<std::string> args = {
        "--mail-from",        kMailFrom, "--smtp-retry-after", "0.2",
        "--smtp-connections", "2",       "--public-url",       kPublicUrl};
    if (deliver) {
      args.push_back("--smtp-url");
      args.push_back(smtp_->url());
    }
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        args, {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void stop() {
    delete server_;
    server_ = nullptr;
    delete smtp_;
    smtp_ = nullptr;
  }
  static void TearDownTestSuite() { stop(); }

  void SetUp() override {
    init_crypto();
    CrmApi::SetUp();
  }

  // A customer, with e-mail consent granted at sign-up when `consent`.
  std::int64_t customer(const std::string& name, const std::string& email, bool consent) {
    json::object body{{"name", name}, {"email", email}};
    if (consent) {
      body["consent"] = json::object{{"email", json::object{{"granted", true}, {"how", "signup"}}}};
    }
    return create("/api/v1/customers", body);
  }

  json::object customer_json(std::int64_t id) {
    auto r = get(id_path("/api/v1/customers", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  HttpResult put_template(const std::string& key, const std::string& language,
                          const json::object& body) {
    return client_->send_json("PUT", "/api/v1/message-templates/" + key + "/" + language, body);
  }

  // Stores a template in English; expects 200.
  void template_en(const std::string& key, const std::string& kind, const std::string& subject,
                   const std::string& html, const std::string& text) {
    auto r = put_template(
        key, "en",
        json::object{{"kind", kind}, {"subject", subject}, {"html", html}, {"text", text}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Queues `key` for `customer`; expects 201 and returns the message.
  json::object queue(std::int64_t customer, const std::string& key,
                     const std::string& source = "manual") {
    auto r =
        post("/api/v1/messages",
             json::object{{"customer_id", customer}, {"template_key", key}, {"source", source}});
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return json::object{};
    // Read back after the commit: a delivery thread may have claimed it already.
    return r.json().as_object();
  }

  json::object message(std::int64_t id) {
    auto r = get(id_path("/api/v1/messages", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // Waits until message `id` is done with (sent, failed, bounced, suppressed, or held back in the
  // queue with a reason) and returns it.
  json::object settled(std::int64_t id) {
    json::object m;
    const bool done = eventually([&] {
      m = message(id);
      if (m.empty()) return false;
      const auto status = str(m.at("status"));
      if (status == "sending") return false;
      if (status == "queued")
        return !m.at("reason").as_string().empty() &&
               m.at("reason").as_string().starts_with("frequency cap");
      return true;
    });
    EXPECT_TRUE(done) << "message " << id << " not settled: " << json::serialize(m) << "\n"
                      << server_->log();
    return m;
  }

  // The ids GET /api/v1/messages QUERY lists, page after page ({-1} when a page fails).
  std::vector<std::int64_t> message_ids(const std::string& query) {
    std::vector<std::int64_t> ids;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = get("/api/v1/messages" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << query << ": " << r.body;
      if (r.status != 200) return {-1};
      const auto body = r.json();
      for (const auto& item : body.at("items").as_array()) ids.push_back(item.at("id").as_int64());
      if (body.at("next_cursor").is_null()) break;
      cursor = str(body.at("next_cursor"));
    }
    return ids;
  }

  json::object stats() {
    auto r = get("/api/v1/messages/stats");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // What the SMTP server accepted for message `id` (by its X-Ecrm-Message header), with the
  // server's record of each.
  std::vector<std::pair<Mail, json::object>> received(std::int64_t id) {
    std::vector<std::pair<Mail, json::object>> out;
    for (auto& record : smtp_->received()) {
      Mail mail = parse_mail(str(record.at("data")));
      if (mail.header("x-ecrm-message") == std::to_string(id)) out.emplace_back(mail, record);
    }
    return out;
  }

  // Every record of mail to `address`.
  std::size_t received_by(const std::string& address) {
    std::size_t n = 0;
    for (auto& record : smtp_->received()) {
      for (const auto& rcpt : record.at("rcpt_tos").as_array()) {
        if (rcpt.as_string() == address) ++n;
      }
    }
    return n;
  }

  // Waits for message `id` to arrive and returns it.
  std::pair<Mail, json::object> arrived(std::int64_t id) {
    std::vector<std::pair<Mail, json::object>> got;
    const bool ok = eventually([&] {
      got = received(id);
      return !got.empty();
    });
    EXPECT_TRUE(ok) << "message " << id << " did not arrive\n" << server_->log() << smtp_->log();
    EXPECT_EQ(got.size(), 1u) << "message " << id << " arrived more than once";
    return got.empty() ? std::pair<Mail, json::object>{} : got.front();
  }

  // The token of a List-Unsubscribe header <BASE/u/TOKEN>.
  static std::string unsubscribe_token(const std::string& header) {
    const std::string prefix = std::string("<") + kPublicUrl + "/u/";
    EXPECT_TRUE(header.starts_with(prefix) && header.ends_with(">")) << header;
    if (!header.starts_with(prefix) || header.size() < prefix.size() + 1) return "";
    return header.substr(prefix.size(), header.size() - prefix.size() - 1);
  }

  inline static SmtpServer* smtp_ = nullptr;
};

// One SMTP server that accepts everything and one `ecrm serve` for the suite.
class Messaging : public MessagingBase {
 protected:
  static void SetUpTestSuite() { start({}); }
};

TEST_F(Messaging, MarketingMailArrivesOncePersonalisedWithItsHeaders) {
  template_en(
      "welcome_offer", "marketing", "{{customer.first_name}}, a gift from {{shop.name}}",
      "<p>Dear {{customer.name}},</p><p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>",
      "Dear {{customer.name}},\nUnsubscribe: {{unsubscribe_url}}\n");
  const std::string name = "Zoë&<b>李 Müller";
  const std::string address = "zoe.mueller@example.net";
  const std::int64_t id = customer(name, "Zoe.Mueller@Example.NET", true);
  const auto before = stats();

  const auto queued = queue(id, "welcome_offer", "welcome_flow");
  ASSERT_FALSE(queued.empty());
  const std::int64_t message_id = queued.at("id").as_int64();
  EXPECT_EQ(queued.at("kind").as_string(), "marketing");
  EXPECT_EQ(queued.at("source").as_string(), "welcome_flow");
  EXPECT_EQ(queued.at("customer_id").as_int64(), id);

  const auto m = settled(message_id);
  ASSERT_EQ(m.at("status").as_string(), "sent") << json::serialize(m);
  auto [mail, record] = arrived(message_id);

  // The envelope and the headers.
  EXPECT_EQ(record.at("mail_from").as_string(), "shop@test.example");
  EXPECT_EQ(record.at("rcpt_tos"), (json::array{address}));
  EXPECT_EQ(mail.count("to"), 1u);
  EXPECT_EQ(mail.header("from"), kMailFrom);
  const std::string to = decode_rfc2047(mail.header("to"));
  EXPECT_TRUE(to.ends_with("<" + address + ">")) << mail.header("to");
  EXPECT_NE(to.find(name), std::string::npos) << to;
  const std::string subject_header = mail.header("subject");
  EXPECT_TRUE(subject_header.starts_with("=?UTF-8?B?"))
      << "a non-ASCII subject is RFC 2047 " << subject_header;
  EXPECT_EQ(decode_rfc2047(subject_header), "Zoë&<b>李, a gift from Shop");
  EXPECT_EQ(mail.count("message-id"), 1u);
  EXPECT_EQ(mail.header("message-id"), str(record.at("message_id")));
  EXPECT_TRUE(mail.header("message-id").starts_with("<") &&
              mail.header("message-id").ends_with("@test.example>"))
      << mail.header("message-id");
  EXPECT_EQ(mail.header("x-ecrm-message"), std::to_string(message_id));
  EXPECT_EQ(mail.header("x-ecrm-flow"), "welcome_flow");
  EXPECT_EQ(mail.header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
  const std::string token = unsubscribe_token(mail.header("list-unsubscribe"));
  EXPECT_FALSE(token.empty());
  EXPECT_FALSE(mail.header("date").empty());

  // The parts: personal fields, escaped in HTML, as they are in text; the link is the header's.
  const std::string html = mail.part("text/html");
  const std::string text = mail.part("text/plain");
  EXPECT_NE(html.find("Dear Zoë&amp;&lt;b&gt;李 Müller,"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_NE(text.find("Dear " + name + ","), std::string::npos) << text;
  const std::string link = std::string(kPublicUrl) + "/u/" + token;
  EXPECT_NE(html.find("href=\"" + link + "\""), std::string::npos) << html;
  EXPECT_NE(text.find("Unsubscribe: " + link), std::string::npos) << text;

  // The row keeps what was sent.
  EXPECT_EQ(m.at("attempts").as_int64(), 1);
  ASSERT_FALSE(m.at("sent_at").is_null());
  EXPECT_GE(m.at("sent_at").as_int64(), queued.at("created_at").as_int64());
  EXPECT_EQ(m.at("subject").as_string(), "Zoë&<b>李, a gift from Shop");
  EXPECT_EQ(m.at("language").as_string(), "en");
  EXPECT_NE(str(m.at("to")).find(address), std::string::npos) << json::serialize(m);
  EXPECT_EQ(str(m.at("digest")), sha256_hex(str(m.at("subject")) + "\n" + html + "\n" + text));
  EXPECT_EQ(m.at("reason").as_string(), "");
  EXPECT_TRUE(str(m.at("smtp_reply")).starts_with("250")) << json::serialize(m);

  // The stats count it.
  const auto after = stats();
  EXPECT_EQ(after.at("sent").as_int64(), before.at("sent").as_int64() + 1);
  EXPECT_EQ(after.at("sending").as_int64(), 0);
  EXPECT_EQ(received_by(address), 1u);
}

TEST_F(Messaging, MarketingNeedsConsentTransactionalDoesNot) {
  template_en("spring_sale", "marketing", "Spring sale, {{customer.first_name}}",
              "<p>Sale</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>", "Sale");
  template_en("order_shipped", "transactional", "Your order is on its way",
              "<p>{{customer.first_name}}, it ships today.</p>",
              "{{customer.first_name}}, it ships today.");
  const std::string address = "no.consent@example.net";
  const std::int64_t id = customer("Nora Quinn", address, false);

  const auto marketing = queue(id, "spring_sale", "spring");
  const auto m = settled(marketing.at("id").as_int64());
  EXPECT_EQ(m.at("status").as_string(), "suppressed");
  EXPECT_NE(str(m.at("reason")).find("consent"), std::string::npos) << json::serialize(m);
  EXPECT_TRUE(m.at("sent_at").is_null());
  EXPECT_EQ(m.at("attempts").as_int64(), 0) << "a suppressed message was never tried";

  const auto transactional = queue(id, "order_shipped", "order_status");
  EXPECT_EQ(transactional.at("kind").as_string(), "transactional");
  const auto t = settled(transactional.at("id").as_int64());
  EXPECT_EQ(t.at("status").as_string(), "sent") << json::serialize(t);
  auto [mail, record] = arrived(transactional.at("id").as_int64());
  EXPECT_EQ(mail.header("subject"), "Your order is on its way");
  EXPECT_EQ(mail.header("x-ecrm-flow"), "order_status");
  EXPECT_EQ(mail.count("list-unsubscribe"), 0u) << "transactional mail has no unsubscribe link";
  EXPECT_EQ(mail.count("list-unsubscribe-post"), 0u);
  EXPECT_NE(mail.part("text/plain").find("Nora, it ships today."), std::string::npos);

  // The marketing message never arrived: only the transactional one reached the address.
  EXPECT_TRUE(received(marketing.at("id").as_int64()).empty());
  EXPECT_EQ(received_by(address), 1u);
}

TEST_F(Messaging, DailyCapHoldsASecondMarketingMessage) {
  template_en("weekly_picks", "marketing", "Picks for {{customer.first_name}}",
              "<p>Picks</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>", "Picks");
  template_en("receipt", "transactional", "Your receipt", "<p>Receipt</p>", "Receipt");
  const std::string address = "capped@example.net";
  const std::int64_t id = customer("Carl Capper", address, true);

  const auto first = queue(id, "weekly_picks", "picks");
  const auto sent = settled(first.at("id").as_int64());
  ASSERT_EQ(sent.at("status").as_string(), "sent") << json::serialize(sent);
  arrived(first.at("id").as_int64());

  const auto second = queue(id, "weekly_picks", "picks");
  const auto held = settled(second.at("id").as_int64());
  EXPECT_EQ(held.at("status").as_string(), "queued") << json::serialize(held);
  EXPECT_TRUE(str(held.at("reason")).starts_with("frequency cap")) << json::serialize(held);
  EXPECT_EQ(held.at("next_attempt_at").as_int64(), sent.at("sent_at").as_int64() + kDayMs)
      << "held until the first falls out of the day";
  EXPECT_EQ(held.at("attempts").as_int64(), 0) << "a capped message was not tried";
  EXPECT_TRUE(held.at("sent_at").is_null());

  // A transactional message after it is not capped; once it has arrived, the held one still has
  // not, and is still waiting.
  const auto receipt = queue(id, "receipt", "order_status");
  EXPECT_EQ(settled(receipt.at("id").as_int64()).at("status").as_string(), "sent");
  arrived(receipt.at("id").as_int64());
  EXPECT_TRUE(received(second.at("id").as_int64()).empty());
  EXPECT_EQ(received_by(address), 2u);
  const auto still = message(second.at("id").as_int64());
  EXPECT_EQ(still.at("status").as_string(), "queued");
  EXPECT_TRUE(str(still.at("reason")).starts_with("frequency cap")) << json::serialize(still);
}

TEST_F(Messaging, DailyCapHoldsMarketingMessagesQueuedTogether) {
  // Four marketing messages for each of three customers queued at once, in rounds, with two
  // delivery connections: whichever connection takes each message, the cap lets one a day
  // through to each customer and holds the others.
  template_en("flash_sale", "marketing", "Flash sale",
              "<p>Now</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>", "Now");
  std::vector<std::string> addresses;
  std::vector<std::int64_t> customers;
  for (int c = 0; c < 3; ++c) {
    addresses.push_back("burst" + std::to_string(c) + "@example.net");
    customers.push_back(customer("Bea Burst" + std::to_string(c), addresses.back(), true));
  }
  std::map<std::int64_t, std::vector<std::int64_t>> ids;  // customer -> their messages
  for (int round = 0; round < 4; ++round) {
    for (auto c : customers) ids[c].push_back(queue(c, "flash_sale", "flash").at("id").as_int64());
  }
  for (std::size_t c = 0; c < customers.size(); ++c) {
    SCOPED_TRACE(addresses[c]);
    int sent = 0;
    int held = 0;
    std::string outbox;
    for (auto message_id : ids[customers[c]]) {
      const auto m = settled(message_id);
      outbox += json::serialize(m) + "\n";
      if (m.at("status").as_string() == "sent") ++sent;
      if (m.at("status").as_string() == "queued") ++held;
    }
    EXPECT_EQ(sent, 1) << "the daily cap is 1 marketing message\n" << outbox;
    EXPECT_EQ(held, 3) << outbox;
    EXPECT_EQ(received_by(addresses[c]), 1u);
  }
}

TEST_F(Messaging, TheOutboxListsByCustomerStatusAndSourceNewestFirst) {
  template_en("list_offer", "marketing", "Offer",
              "<p>Offer</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>", "Offer");
  template_en("list_receipt", "transactional", "Receipt", "<p>Receipt</p>", "Receipt");
  const std::int64_t id = customer("Otto Outbox", "otto.outbox@example.net", true);
  const std::int64_t offer = queue(id, "list_offer", "list_a").at("id").as_int64();
  ASSERT_EQ(settled(offer).at("status").as_string(), "sent");
  const std::int64_t receipt = queue(id, "list_receipt", "list_b").at("id").as_int64();
  ASSERT_EQ(settled(receipt).at("status").as_string(), "sent");
  const std::int64_t held = queue(id, "list_offer", "list_a").at("id").as_int64();
  ASSERT_EQ(settled(held).at("status").as_string(), "queued");
  const std::string customer = "?customer=" + std::to_string(id);

  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(message_ids(customer), (Ids{held, receipt, offer}));
  EXPECT_EQ(message_ids(customer + "&limit=1"), (Ids{held, receipt, offer})) << "page by page";
  EXPECT_EQ(message_ids(customer + "&status=sent"), (Ids{receipt, offer}));
  EXPECT_EQ(message_ids(customer + "&status=queued"), (Ids{held}));
  EXPECT_EQ(message_ids(customer + "&source=list_a"), (Ids{held, offer}));
  EXPECT_EQ(message_ids(customer + "&source=list_b&status=sent"), (Ids{receipt}));
  EXPECT_EQ(message_ids("?source=no_such_source"), Ids{});
  const Ids everything = message_ids("?limit=200");
  for (auto message_id : {offer, receipt, held}) {
    EXPECT_NE(std::find(everything.begin(), everything.end(), message_id), everything.end());
  }
  EXPECT_TRUE(std::is_sorted(everything.rbegin(), everything.rend())) << "newest first";
  expect_error(get("/api/v1/messages?status=lost"), 400, "", "status");
  expect_error(get("/api/v1/messages?customer=abc"), 400, "", "customer");
}

TEST_F(Messaging, OneClickUnsubscribeStopsMarketingButNotTransactionalMail) {
  template_en("new_arrivals", "marketing", "New for you, {{customer.first_name}}",
              "<p>New</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>",
              "New\n{{unsubscribe_url}}");
  template_en("password_notice", "transactional", "Your privacy request", "<p>Done</p>", "Done");
  const std::string address = "una.sub@example.net";
  const std::int64_t id = customer("Una Subscriber", address, true);

  const auto first = queue(id, "new_arrivals", "arrivals");
  ASSERT_EQ(settled(first.at("id").as_int64()).at("status").as_string(), "sent");
  auto [mail, record] = arrived(first.at("id").as_int64());
  const std::string token = unsubscribe_token(mail.header("list-unsubscribe"));
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(mail.header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");

  // No login: a mail client or a link scanner.
  HttpClient anonymous(server_->base_url());
  const std::vector<std::string> form = {"Content-Type: application/x-www-form-urlencoded"};

  // A GET (a link scanner) only shows the page.
  auto page = anonymous.get("/u/" + token);
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<form method=\"post\""), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find(address), std::string::npos) << "the page masks the address";
  auto c = customer_json(id);
  EXPECT_EQ(c.at("consent").at("email").at("granted").as_bool(), true);
  EXPECT_EQ(c.at("consent").at("email").at("how").as_string(), "signup");

  // Forged tokens: a character of the signature changed, or of the customer id.
  std::string forged_signature = token;
  const std::size_t sig = token.rfind('.') + 3;
  ASSERT_LT(sig, token.size());
  forged_signature[sig] = forged_signature[sig] == 'A' ? 'B' : 'A';
  std::string forged_customer = token;
  const std::size_t customer_digit = token.find('.') + 1;
  forged_customer[customer_digit] = forged_customer[customer_digit] == '9' ? '8' : '9';
  for (const auto& forged : {forged_signature, forged_customer}) {
    SCOPED_TRACE(forged);
    EXPECT_EQ(anonymous.get("/u/" + forged).status, 400);
    auto r = anonymous.request("POST", "/u/" + forged, "List-Unsubscribe=One-Click", form);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.body.find("Unsubscribed"), std::string::npos) << r.body;
  }
  c = customer_json(id);
  EXPECT_EQ(c.at("consent").at("email").at("granted").as_bool(), true);
  EXPECT_EQ(c.at("consent").at("email").at("how").as_string(), "signup");

  // The RFC 8058 one-click POST unsubscribes, recorded with when and how.
  const std::int64_t before = now_ms();
  auto done = anonymous.request("POST", "/u/" + token, "List-Unsubscribe=One-Click", form);
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_NE(done.body.find("Unsubscribed"), std::string::npos) << done.body;
  c = customer_json(id);
  EXPECT_EQ(c.at("consent").at("email").at("granted").as_bool(), false);
  EXPECT_EQ(c.at("consent").at("email").at("how").as_string(), "one-click unsubscribe");
  EXPECT_GE(c.at("consent").at("email").at("at").as_int64(), before - 1000);
  auto again = anonymous.get("/u/" + token);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("Unsubscribed"), std::string::npos) << again.body;
  EXPECT_EQ(again.body.find("<form"), std::string::npos) << again.body;

  // Afterwards marketing mail is suppressed, a transactional one still arrives.
  const auto marketing = queue(id, "new_arrivals", "arrivals");
  const auto m = settled(marketing.at("id").as_int64());
  EXPECT_EQ(m.at("status").as_string(), "suppressed") << json::serialize(m);
  EXPECT_NE(str(m.at("reason")).find("consent"), std::string::npos) << json::serialize(m);
  const auto transactional = queue(id, "password_notice", "privacy");
  EXPECT_EQ(settled(transactional.at("id").as_int64()).at("status").as_string(), "sent");
  arrived(transactional.at("id").as_int64());
  EXPECT_TRUE(received(marketing.at("id").as_int64()).empty());
  EXPECT_EQ(received_by(address), 2u);

  // The customer's timeline shows the send, the unsubscribe with how, and the suppression.
  auto timeline = get(id_path("/api/v1/customers", id) + "/timeline?limit=100");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  std::map<std::string, json::object> by_kind;
  const auto timeline_json = timeline.json();
  for (const auto& entry : timeline_json.at("items").as_array()) {
    if (entry.at("source").as_string() != "message") continue;
    const auto& data = entry.at("data").as_object();
    by_kind[str(entry.at("kind")) + "#" + std::to_string(data.at("message_id").as_int64())] = data;
  }
  const std::string first_id = std::to_string(first.at("id").as_int64());
  EXPECT_TRUE(by_kind.contains("message.sent#" + first_id)) << timeline.body;
  ASSERT_TRUE(by_kind.contains("message.unsubscribe#" + first_id)) << timeline.body;
  EXPECT_EQ(by_kind["message.unsubscribe#" + first_id].at("detail").as_string(),
            "one-click unsubscribe");
  EXPECT_TRUE(
      by_kind.contains("message.suppressed#" + std::to_string(marketing.at("id").as_int64())))
      << timeline.body;
}

TEST_F(Messaging, BadInputIsRefusedNamingTheFieldAndNothingIsSent) {
  template_en("good_one", "marketing", "Hello {{customer.first_name}}",
              "<p>Hi</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>", "Hi");
  const std::int64_t id = customer("Bad Input", "bad.input@example.net", true);
  const auto before = stats();
  const std::size_t received_before = smtp_->received().size();

  auto bad_template = [&](const std::string& key, const std::string& language, json::object body,
                          const std::string& field) {
    SCOPED_TRACE(key + "/" + language + " " + json::serialize(body));
    expect_error(put_template(key, language, body), 400, "", field);
  };
  const json::object good{{"kind", "marketing"},
                          {"subject", "Hi {{customer.first_name}}"},
                          {"html", "<p>{{customer.name}}</p>"},
                          {"text", "{{customer.name}}"}};
  auto with = [&](const char* field, const std::string& value) {
    json::object body = good;
    body[field] = value;
    return body;
  };
  // An unknown field, in each part.
  bad_template("typo", "en", with("subject", "Hi {{custmer.name}}"), "subject");
  bad_template("typo", "en", with("html", "<p>{{custmer.name}}</p>"), "html");
  bad_template("typo", "en", with("text", "Dear {{custmer.name}}"), "text");
  bad_template("typo", "en", with("html", "<p>{{customer.nickname}}</p>"), "html");
  // A section that is not closed, or closed by another name.
  bad_template("unclosed", "en", with("html", "<ul>{{#recommendations}}<li>{{name}}</li></ul>"),
               "html");
  bad_template("unclosed", "en", with("text", "{{#recommendations}}{{name}}{{/product}}"), "text");
  // A language we do not write, a key with characters keys do not have, a kind we do not know.
  bad_template("good_one", "fr", good, "language");
  bad_template("Bad-Key", "en", good, "key");
  bad_template("kinds", "en", with("kind", "spam"), "kind");

  // None of them was stored, nor did the bad one replace the good template of its key.
  expect_error(get("/api/v1/message-templates/typo/en"), 404);
  expect_error(get("/api/v1/message-templates/unclosed/en"), 404);
  expect_error(get("/api/v1/message-templates/good_one/fr"), 404);
  bad_template("good_one", "en", with("subject", "Hi {{custmer.name}}"), "subject");
  auto kept = get("/api/v1/message-templates/good_one/en");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.json().at("subject").as_string(), "Hello {{customer.first_name}}");

  // Messages for a template or a customer that does not exist.
  auto no_template = post("/api/v1/messages",
                          json::object{{"customer_id", id}, {"template_key", "no_such_template"}});
  expect_error(no_template, 400, "", "template_key");
  auto no_customer = post("/api/v1/messages",
                          json::object{{"customer_id", 987654321}, {"template_key", "good_one"}});
  expect_error(no_customer, 400, "", "customer_id");
  expect_error(post("/api/v1/messages", json::object{{"template_key", "good_one"}}), 400, "",
               "customer_id");

  // Nothing was queued or sent.
  const auto after = stats();
  for (const char* status : {"queued", "sending", "sent", "failed", "suppressed"}) {
    EXPECT_EQ(after.at(status), before.at(status)) << status;
  }
  EXPECT_EQ(smtp_->received().size(), received_before);
}

TEST_F(Messaging, ASourceWithALineBreakIsRefusedAndAddsNoHeader) {
  // The source (a flow's or campaign's key) goes into the X-Ecrm-Flow header: a line break in
  // it would let the caller add headers of their choosing, or end the headers and replace the
  // body.
  template_en("shipping_note", "transactional", "Shipping note", "<p>Note</p>", "Note");
  const std::string address = "header.injection@example.net";
  const std::int64_t id = customer("Hal Header", address, false);
  const auto before = stats();
  auto r = post("/api/v1/messages",
                json::object{{"customer_id", id},
                             {"template_key", "shipping_note"},
                             {"source", "spring\r\nX-Injected: yes\r\n\r\nA body of my own"}});
  expect_error(r, 400, "", "source");
  if (r.status == 201) {
    // Queued all the same: what arrives must still carry only the headers ecrm writes.
    const std::int64_t message_id = r.json().at("id").as_int64();
    settled(message_id);
    auto [mail, record] = arrived(message_id);
    EXPECT_EQ(mail.count("x-injected"), 0u) << str(record.at("data"));
    EXPECT_EQ(mail.part("text/plain"), "Note") << str(record.at("data"));
  } else {
    EXPECT_EQ(stats().at("queued"), before.at("queued"));
    EXPECT_EQ(received_by(address), 0u);
  }
}

TEST_F(Messaging, ANonAsciiSubjectIsSplitIntoEncodedWordsOfAtMost75Characters) {
  // A Chinese subject of 40 characters: 120 bytes of UTF-8, 160 characters of base64. RFC 2047
  // (section 2) allows no encoded word over 75 characters and RFC 5322 no line over 998, so a
  // subject like this one is sent as several encoded words on folded lines.
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "优惠";
  template_en("long_subject", "transactional", subject, "<p>Hi</p>", "Hi");
  const std::int64_t id = customer("Lou Long", "long.subject@example.net", false);
  const auto queued = queue(id, "long_subject", "order_status");
  ASSERT_FALSE(queued.empty());
  ASSERT_EQ(settled(queued.at("id").as_int64()).at("status").as_string(), "sent");
  auto [mail, record] = arrived(queued.at("id").as_int64());
  EXPECT_EQ(decode_rfc2047(mail.header("subject")), subject);
  for (const auto& header : mail.header_lines) {
    std::size_t at = 0;
    while (at <= header.size()) {
      std::size_t end = header.find('\n', at);
      if (end == std::string::npos) end = header.size();
      EXPECT_LE(end - at, 998u) << header.substr(at, 60) << "…";
      at = end + 1;
    }
  }
  const std::string raw = mail.header("subject");
  for (std::size_t at = raw.find("=?"); at != std::string::npos; at = raw.find("=?", at + 2)) {
    const std::size_t charset_end = raw.find('?', at + 2);
    const std::size_t encoding_end =
        charset_end == std::string::npos ? std::string::npos : raw.find('?', charset_end + 1);
    const std::size_t end =
        encoding_end == std::string::npos ? std::string::npos : raw.find("?=", encoding_end + 1);
    ASSERT_NE(end, std::string::npos) << raw;
    EXPECT_LE(end + 2 - at, 75u) << "an encoded word of " << end + 2 - at << " characters: " << raw;
    at = end;
  }
}

// The relay refuses the first message with 451, then accepts.
class MessagingRetry : public MessagingBase {
 protected:
  static void SetUpTestSuite() { start({"--fail-first", "1"}); }
};

TEST_F(MessagingRetry, A451IsRetriedAndTheMessageArrivesOnce) {
  template_en("order_placed", "transactional", "Order received",
              "<p>Thank you, {{customer.first_name}}</p>", "Thank you, {{customer.first_name}}");
  const std::string address = "retry@example.net";
  const std::int64_t id = customer("Rita Retry", address, false);
  const auto queued = queue(id, "order_placed", "order_status");
  const std::int64_t message_id = queued.at("id").as_int64();

  json::object m;
  ASSERT_TRUE(eventually([&] {
    m = message(message_id);
    return !m.empty() && m.at("status").as_string() != "queued" &&
           m.at("status").as_string() != "sending";
  })) << json::serialize(m)
      << server_->log();
  EXPECT_EQ(m.at("status").as_string(), "sent") << json::serialize(m);
  EXPECT_EQ(m.at("attempts").as_int64(), 2) << json::serialize(m);
  EXPECT_TRUE(str(m.at("smtp_reply")).starts_with("250")) << json::serialize(m);
  EXPECT_FALSE(m.at("sent_at").is_null());

  auto [mail, record] = arrived(message_id);
  EXPECT_EQ(mail.header("message-id"), str(record.at("message_id")));
  EXPECT_NE(mail.part("text/plain").find("Thank you, Rita"), std::string::npos);
  // The refused attempt was not recorded by the relay; the accepted one once.
  EXPECT_EQ(smtp_->received().size(), 1u);
  EXPECT_EQ(received_by(address), 1u);
  EXPECT_EQ(stats().at("sent").as_int64(), 1);
}

// A server with no relay at first: what is queued waits; it is restarted with one.
class MessagingErasure : public MessagingBase {
 protected:
  static void SetUpTestSuite() { start({}, /*deliver=*/false); }
};

TEST_F(MessagingErasure, AnErasedCustomerGetsNothingQueuedBeforeTheErasure) {
  template_en("loyalty_card", "marketing", "A card for {{customer.first_name}}",
              "<p>Card</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>", "Card");
  template_en("order_update", "transactional", "Order update", "<p>Update</p>", "Update");
  const std::string erased_address = "erase.me@example.net";
  const std::string kept_address = "keep.me@example.net";
  const std::int64_t erased = customer("Erin Erased", erased_address, true);
  const std::int64_t kept = customer("Kim Kept", kept_address, true);

  const std::int64_t erased_marketing = queue(erased, "loyalty_card", "cards").at("id").as_int64();
  const std::int64_t erased_order = queue(erased, "order_update", "orders").at("id").as_int64();
  const std::int64_t kept_marketing = queue(kept, "loyalty_card", "cards").at("id").as_int64();
  for (auto id : {erased_marketing, erased_order, kept_marketing}) {
    EXPECT_EQ(message(id).at("status").as_string(), "queued");
  }
  auto erasure = post(id_path("/api/v1/customers", erased) + "/erase", json::object{});
  ASSERT_EQ(erasure.status, 200) << erasure.body;

  // The same database, now with a relay: a restart keeps the server's arguments, and the child
  // inherits this process's environment, where serve reads ECRM_SMTP_URL.
  ASSERT_EQ(server_->terminate(), 0) << server_->log();
  setenv("ECRM_SMTP_URL", smtp_->url().c_str(), 1);
  server_->restart();
  unsetenv("ECRM_SMTP_URL");
  client_ = signed_in(kAdminEmail, kAdminPassword);

  const auto delivered = settled(kept_marketing);
  EXPECT_EQ(delivered.at("status").as_string(), "sent") << json::serialize(delivered);
  arrived(kept_marketing);
  for (auto id : {erased_marketing, erased_order}) {
    const auto m = settled(id);
    EXPECT_EQ(m.at("status").as_string(), "suppressed") << json::serialize(m);
    EXPECT_NE(str(m.at("reason")).find("erased"), std::string::npos) << json::serialize(m);
    EXPECT_TRUE(m.at("sent_at").is_null());
    EXPECT_TRUE(received(id).empty());
  }
  EXPECT_EQ(received_by(erased_address), 0u);
  EXPECT_EQ(received_by(kept_address), 1u);
  EXPECT_EQ(smtp_->received().size(), 1u);

  // And nothing queued for them after the erasure either.
  const auto after = post("/api/v1/messages",
                          json::object{{"customer_id", erased}, {"template_key", "order_update"}});
  if (after.status == 201) {
    const auto m = settled(after.json().at("id").as_int64());
    EXPECT_EQ(m.at("status").as_string(), "suppressed") << json::serialize(m);
  } else {
    EXPECT_EQ(after.status / 100, 4) << after.body;
  }
  EXPECT_EQ(received_by(erased_address), 0u);
  EXPECT_EQ(smtp_->received().size(), 1u);
}

}  // namespace
}  // namespace ecrm::testing
