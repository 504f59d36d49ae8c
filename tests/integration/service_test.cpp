// The service desk over real HTTP with a real SMTP server: SLA due times in business hours
// (a weekend, a holiday, a pending pause), the inbox's filters and views, replies mailed with
// threading headers, entitlement (warranty, contracts, quotes), merge and split, interactions on
// the customer's record, and bad input refused naming the field with nothing written.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "crm_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMailFrom = "Help Desk <help@shop.test.example>";

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Unix ms of an ISO-8601 UTC time as the API writes it ("2026-10-13T02:00:00.000Z").
std::optional<std::int64_t> parse_time(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    ADD_FAILURE() << "not an API time: " << text;
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string iso_days_ago(int days) {
  const auto t = std::chrono::system_clock::now() - std::chrono::hours(24 * days);
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

class Service : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    smtp_ = new SmtpServer();
    unsetenv("ECRM_SMTP_URL");
    server_ = new ServerProcess(
        {"--mail-from", kMailFrom, "--smtp-url", smtp_->url(), "--smtp-retry-after", "0.2"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    delete smtp_;
    smtp_ = nullptr;
  }

  std::int64_t customer(const std::string& name, const std::string& email) {
    return create("/api/v1/customers", json::object{{"name", name}, {"email", email}});
  }

  json::object ticket(const json::object& body) {
    auto r = post("/api/v1/tickets", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }
  json::object get_ticket(std::int64_t id) {
    auto r = get(id_path("/api/v1/tickets", id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }
  json::array conversation(std::int64_t id) {
    auto r = get(id_path("/api/v1/tickets", id) + "/conversation");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("items").as_array() : json::array{};
  }
  // The ids GET /api/v1/tickets?QUERY lists, page after page.
  std::vector<std::int64_t> ticket_ids(const std::string& query) {
    std::vector<std::int64_t> ids;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = get("/api/v1/tickets?" + query + (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << query << ": " << r.body;
      if (r.status != 200) return {-1};
      const auto body = r.json();
      for (const auto& item : body.at("items").as_array()) ids.push_back(item.at("id").as_int64());
      if (body.at("next_cursor").is_null()) break;
      cursor = str(body.at("next_cursor"));
    }
    return ids;
  }
  std::int64_t my_id() {
    auto r = get("/api/v1/me");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("user").at("id").as_int64();
  }

  void office_hours(const json::array& holidays) {
    json::object week;
    for (const char* day : {"mon", "tue", "wed", "thu", "fri"}) {
      week[day] = json::array{json::array{"09:00", "18:00"}};
    }
    auto r = put("/api/v1/service/business-hours",
                 json::object{{"timezone", "Asia/Shanghai"}, {"week", week}, {"holidays", holidays}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void always_open() {
    json::object week;
    for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      week[day] = json::array{json::array{"00:00", "24:00"}};
    }
    auto r = put("/api/v1/service/business-hours",
                 json::object{{"timezone", "Europe/Berlin"}, {"week", week}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Mail the SMTP server accepted for outbox message `id`, once it has arrived.
  std::optional<Mail> mail_of(std::int64_t id) {
    std::optional<Mail> found;
    eventually([&] {
      for (auto& record : smtp_->received()) {
        Mail mail = parse_mail(str(record.at("data")));
        if (mail.header("x-ecrm-message") == std::to_string(id)) found = mail;
      }
      return found.has_value();
    });
    EXPECT_TRUE(found) << "message " << id << " did not arrive\n" << server_->log() << smtp_->log();
    return found;
  }

  inline static SmtpServer* smtp_ = nullptr;
};

TEST_F(Service, SlaDueTimesSkipTheWeekendAndAHolidayInTheShopsZone) {
  office_hours(json::array{"2026-10-12"});
  auto policy = post("/api/v1/sla-policies", json::object{{"name", "High priority"},
                                                          {"match", json::object{{"priority", "high"}}},
                                                          {"first_response_minutes", 120},
                                                          {"resolution_minutes", 600}});
  ASSERT_EQ(policy.status, 201) << policy.body;
  const auto c = customer("Li Wei", "li.wei@example.cn");
  // Friday 9 October 2026, 17:00 in Shanghai: one business hour left that day; Monday 12 is a
  // holiday. First response: 1 h Friday + 1 h Tuesday = Tuesday 10:00 (02:00Z). Resolution:
  // 1 h Friday + 9 h Tuesday = Tuesday 18:00 (10:00Z).
  auto t = ticket(json::object{{"customer_id", c},
                               {"subject", "The screen flickers"},
                               {"body", "Since Thursday the screen flickers."},
                               {"channel", "email"},
                               {"priority", "high"},
                               {"opened_at", "2026-10-09T17:00:00+08:00"}});
  ASSERT_FALSE(t.empty());
  const auto& sla = t.at("sla").as_object();
  EXPECT_EQ(str(sla.at("first_response_due")), "2026-10-13T02:00:00.000Z");
  EXPECT_EQ(str(sla.at("resolution_due")), "2026-10-13T10:00:00.000Z");
  EXPECT_TRUE(sla.at("first_response_at").is_null());
  EXPECT_EQ(sla.at("policy_id").as_int64(), policy.json().at("id").as_int64());
  // Those times are long past: both targets are missed.
  const auto got = get_ticket(t.at("id").as_int64());
  EXPECT_EQ(got.at("customer_id").as_int64(), c);
  EXPECT_EQ(str(got.at("subject")), "The screen flickers");
  EXPECT_EQ(str(got.at("created_at")), "2026-10-09T09:00:00.000Z");
  EXPECT_EQ(json::serialize(got.at("sla").at("breached")), R"(["first_response","resolution"])");
  // Without the holiday the same ticket is due on Monday.
  office_hours(json::array{});
  auto monday = ticket(json::object{{"customer_id", c},
                                    {"subject", "Again"},
                                    {"body", "x"},
                                    {"channel", "phone"},
                                    {"priority", "high"},
                                    {"opened_at", "2026-10-09T17:00:00+08:00"}});
  EXPECT_EQ(str(monday.at("sla").at("first_response_due")), "2026-10-12T02:00:00.000Z");
  // A normal-priority ticket matches no policy: no due times, nothing breached.
  auto normal = ticket(json::object{{"customer_id", c},
                                    {"subject", "A question"},
                                    {"body", "x"},
                                    {"channel", "web_form"},
                                    {"priority", "normal"}});
  EXPECT_TRUE(normal.at("sla").at("first_response_due").is_null());
  EXPECT_TRUE(normal.at("sla").at("breached").as_array().empty());
  // The breaching view lists the late high-priority tickets, soonest due first, not the normal one.
  const auto breaching = ticket_ids("view=breaching&customer_id=" + std::to_string(c));
  EXPECT_EQ(breaching, (std::vector<std::int64_t>{monday.at("id").as_int64(), t.at("id").as_int64()}));
}

TEST_F(Service, PendingStopsTheResolutionClockAndReopeningMovesItsDueTime) {
  always_open();
  ASSERT_EQ(post("/api/v1/sla-policies", json::object{{"name", "Urgent"},
                                                     {"match", json::object{{"priority", "urgent"}}},
                                                     {"first_response_minutes", 30},
                                                     {"resolution_minutes", 240}})
                .status,
            201);
  const auto c = customer("Anna Berg", "anna@example.de");
  auto t = ticket(json::object{{"customer_id", c},
                               {"subject", "Order never arrived"},
                               {"body", "Where is it?"},
                               {"channel", "web_form"},
                               {"priority", "urgent"}});
  const auto id = t.at("id").as_int64();
  const std::string due_before = str(t.at("sla").at("resolution_due"));
  const auto before = *parse_time(due_before);
  EXPECT_NEAR(static_cast<double>(before - now_ms()), 240.0 * 60'000, 60'000.0);

  auto pending = patch(id_path("/api/v1/tickets", id), json::object{{"status", "pending"}});
  ASSERT_EQ(pending.status, 200) << pending.body;
  EXPECT_TRUE(pending.json().at("sla").at("paused").as_bool());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto reopened = patch(id_path("/api/v1/tickets", id), json::object{{"status", "open"}});
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_FALSE(reopened.json().at("sla").at("paused").as_bool());
  const auto after = *parse_time(str(reopened.json().at("sla").at("resolution_due")));
  // Moved later by the time it was pending (open all day: every millisecond counts).
  EXPECT_GE(after - before, 2400);
  EXPECT_LT(after - before, 15'000);
  // The first response clock was not stopped.
  EXPECT_EQ(str(reopened.json().at("sla").at("first_response_due")),
            str(t.at("sla").at("first_response_due")));
  // The status changes are on the ticket's events.
  auto events = get(id_path("/api/v1/tickets", id) + "/events");
  ASSERT_EQ(events.status, 200);
  int status_events = 0;
  const auto event_list = events.json();
  for (const auto& e : event_list.at("items").as_array()) {
    if (e.at("kind") == "status") ++status_events;
  }
  EXPECT_EQ(status_events, 2);
  // A closed ticket is final.
  ASSERT_EQ(patch(id_path("/api/v1/tickets", id), json::object{{"status", "closed"}}).status, 200);
  expect_error(patch(id_path("/api/v1/tickets", id), json::object{{"status", "open"}}), 409,
               "invalid_transition", "status");
}

TEST_F(Service, TheInboxFiltersAndPagesFromItsViews) {
  const auto me = my_id();
  const auto a = customer("Inbox A", "inbox.a@example.com");
  const auto b = customer("Inbox B", "inbox.b@example.com");
  auto t1 = ticket(json::object{{"customer_id", a}, {"subject", "one"}, {"body", "1"},
                                {"channel", "email"}, {"priority", "low"}});
  auto t2 = ticket(json::object{{"customer_id", a}, {"subject", "two"}, {"body", "2"},
                                {"channel", "chat"}, {"priority", "high"}, {"assignee_id", me},
                                {"team", "returns"}});
  auto t3 = ticket(json::object{{"customer_id", b}, {"subject", "three"}, {"body", "3"},
                                {"channel", "phone"}, {"priority", "low"}});
  const auto id1 = t1.at("id").as_int64(), id2 = t2.at("id").as_int64(), id3 = t3.at("id").as_int64();
  EXPECT_EQ(ticket_ids("customer_id=" + std::to_string(a)), (std::vector<std::int64_t>{id2, id1}));
  EXPECT_EQ(ticket_ids("customer_id=" + std::to_string(a) + "&limit=1"),
            (std::vector<std::int64_t>{id2, id1}));
  EXPECT_EQ(ticket_ids("assignee=" + std::to_string(me) + "&customer_id=" + std::to_string(a)),
            (std::vector<std::int64_t>{id2}));
  EXPECT_EQ(ticket_ids("view=mine&customer_id=" + std::to_string(a)), (std::vector<std::int64_t>{id2}));
  EXPECT_EQ(ticket_ids("view=unassigned&customer_id=" + std::to_string(a)),
            (std::vector<std::int64_t>{id1}));
  EXPECT_EQ(ticket_ids("team=returns&customer_id=" + std::to_string(a)), (std::vector<std::int64_t>{id2}));
  auto low = ticket_ids("priority=low");
  EXPECT_TRUE(std::find(low.begin(), low.end(), id3) != low.end());
  EXPECT_TRUE(std::find(low.begin(), low.end(), id2) == low.end());
  ASSERT_EQ(patch(id_path("/api/v1/tickets", id1), json::object{{"status", "solved"}}).status, 200);
  EXPECT_EQ(ticket_ids("status=solved&customer_id=" + std::to_string(a)),
            (std::vector<std::int64_t>{id1}));
  // Solved: out of the unassigned view.
  EXPECT_TRUE(ticket_ids("view=unassigned&customer_id=" + std::to_string(a)).empty());
  const auto got = get_ticket(id2);
  EXPECT_EQ(str(got.at("status")), "new");
  EXPECT_EQ(got.at("assignee_id").as_int64(), me);
  EXPECT_EQ(str(got.at("token")).rfind("T" + std::to_string(id2) + "-", 0), 0u) << got.at("token");
  expect_error(get("/api/v1/tickets?status=bogus"), 400, "", "status");
  expect_error(get("/api/v1/tickets?view=everything"), 400, "", "view");
  expect_error(get("/api/v1/tickets?cursor=nonsense"), 400, "", "cursor");
  expect_error(get("/api/v1/tickets/999999"), 404);
}

TEST_F(Service, TheInboxFiltersByChannel) {
  const auto c = customer("Inbox Channels", "inbox.channels@example.com");
  const auto customer_id = "&customer_id=" + std::to_string(c);
  auto mail = ticket(json::object{{"customer_id", c}, {"subject", "by mail"}, {"channel", "email"}});
  auto call = ticket(json::object{{"customer_id", c}, {"subject", "by phone"}, {"channel", "phone"}});
  auto call2 = ticket(json::object{{"customer_id", c}, {"subject", "again"}, {"channel", "phone"}});
  const auto m = mail.at("id").as_int64(), p1 = call.at("id").as_int64(),
             p2 = call2.at("id").as_int64();
  EXPECT_EQ(ticket_ids("channel=email" + customer_id), (std::vector<std::int64_t>{m}));
  // With the views and paging: page by page, newest first.
  EXPECT_EQ(ticket_ids("channel=phone&limit=1" + customer_id), (std::vector<std::int64_t>{p2, p1}));
  EXPECT_EQ(ticket_ids("view=unassigned&channel=phone" + customer_id),
            (std::vector<std::int64_t>{p2, p1}));
  EXPECT_TRUE(ticket_ids("channel=chat" + customer_id).empty());
  expect_error(get("/api/v1/tickets?channel=pigeon"), 400, "", "channel");
}

TEST_F(Service, AReplyLeavesThroughSmtpThreadedOntoTheCustomersMessage) {
  const auto c = customer("Zhang San", "zhang.san@example.cn");
  auto t = ticket(json::object{{"customer_id", c},
                               {"subject", "Invoice missing"},
                               {"body", "Please send the invoice."},
                               {"channel", "email"},
                               {"priority", "normal"},
                               {"from_address", "zhang.san@example.cn"},
                               {"message_id", "<first.message@mail.example.cn>"}});
  const auto id = t.at("id").as_int64();
  const std::string token = str(t.at("token"));
  auto r = post(id_path("/api/v1/tickets", id) + "/replies",
                json::object{{"body", "Here it is.\nBest regards"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto reply = r.json().as_object();
  const auto outbox = reply.at("outbox_message_id").as_int64();
  const std::string ours = str(reply.at("interaction").at("message_id"));
  EXPECT_EQ(str(reply.at("ticket").at("status")), "open");
  EXPECT_FALSE(reply.at("ticket").at("sla").at("first_response_at").is_null());
  auto mail = mail_of(outbox);
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->header("message-id"), "<" + ours + ">");
  EXPECT_EQ(mail->header("in-reply-to"), "<first.message@mail.example.cn>");
  EXPECT_EQ(mail->header("references"), "<first.message@mail.example.cn>");
  EXPECT_NE(decode_rfc2047(mail->header("subject")).find("[#" + token + "]"), std::string::npos)
      << mail->header("subject");
  EXPECT_NE(mail->part("text/plain").find("Here it is.\nBest regards"), std::string::npos)
      << mail->part("text/plain");

  // An internal note is not mailed. Count only this ticket's mail (its token is in the subject):
  // other tests' background work may mail meanwhile.
  const auto mails_of_ticket = [&] {
    std::size_t n = 0;
    for (auto& record : smtp_->received()) {
      const Mail m = parse_mail(str(record.at("data")));
      if (decode_rfc2047(m.header("subject")).find("[#" + token + "]") != std::string::npos) ++n;
    }
    return n;
  };
  const auto mails_before = mails_of_ticket();
  EXPECT_EQ(mails_before, 1u);
  auto note = post(id_path("/api/v1/tickets", id) + "/replies",
                   json::object{{"body", "Customer is a reseller"}, {"internal", true}});
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_TRUE(note.json().at("outbox_message_id").is_null());
  EXPECT_EQ(str(note.json().at("interaction").at("direction")), "internal");

  // The second reply references the whole thread: the customer's message and our first reply.
  auto second = post(id_path("/api/v1/tickets", id) + "/replies",
                     json::object{{"body", "Did it arrive?"}, {"status", "pending"}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(str(second.json().at("ticket").at("status")), "pending");
  auto mail2 = mail_of(second.json().at("outbox_message_id").as_int64());
  ASSERT_TRUE(mail2);
  EXPECT_EQ(mail2->header("in-reply-to"), "<first.message@mail.example.cn>");
  EXPECT_EQ(mail2->header("references"), "<first.message@mail.example.cn> <" + ours + ">");
  // Only the two public replies were mailed.
  eventually([&] { return mails_of_ticket() >= mails_before + 1; });
  EXPECT_EQ(mails_of_ticket(), mails_before + 1);
  // The conversation: the customer's message, the reply, the note, the second reply.
  const auto items = conversation(id);
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(str(items[0].at("direction")), "inbound");
  EXPECT_EQ(str(items[1].at("direction")), "outbound");
  EXPECT_EQ(str(items[2].at("direction")), "internal");
  EXPECT_EQ(str(items[3].at("channel")), "email");
  // A customer without an address cannot be answered by mail: refused, nothing queued.
  const auto silent = create("/api/v1/customers", json::object{{"name", "No Mail"}});
  auto t2 = ticket(json::object{{"customer_id", silent}, {"subject", "Call me"}, {"body", "x"},
                                {"channel", "phone"}, {"priority", "low"}});
  expect_error(post(id_path("/api/v1/tickets", t2.at("id").as_int64()) + "/replies",
                    json::object{{"body", "Hello"}}),
               422, "no_address", "body");
  EXPECT_EQ(conversation(t2.at("id").as_int64()).size(), 1u);
}

TEST_F(Service, InWarrantyServiceIsFreeAndOutOfWarrantyIsPaidAgainstAQuote) {
  const auto product = create("/api/v1/products", json::object{{"sku", "KETTLE-1"},
                                                               {"name", "Kettle"},
                                                               {"price", 19900},
                                                               {"currency", "CNY"}});
  ASSERT_EQ(put(id_path("/api/v1/products", product) + "/warranty",
                json::object{{"warranty_months", 12}})
                .status,
            200);
  auto order = [&](std::int64_t customer, const std::string& placed_at) {
    auto r = post("/api/v1/orders",
                  json::object{{"customer_id", customer},
                               {"placed_at", placed_at},
                               {"lines", json::array{json::object{{"product_id", product},
                                                                  {"quantity", 1}}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().at("id").as_int64();
  };
  const auto recent = customer("Recent Buyer", "recent@example.com");
  const auto recent_order = order(recent, iso_days_ago(30));
  const auto old = customer("Old Buyer", "old@example.com");
  order(old, iso_days_ago(800));
  auto free = ticket(json::object{{"customer_id", recent}, {"subject", "Kettle leaks"},
                                  {"body", "x"}, {"channel", "web_form"}, {"priority", "normal"},
                                  {"product_id", product}});
  EXPECT_EQ(str(free.at("entitlement")), "free");
  EXPECT_NE(str(free.at("entitlement_reason")).find("order #" + std::to_string(recent_order)),
            std::string::npos)
      << free.at("entitlement_reason");
  // Free service takes no quote.
  expect_error(put(id_path("/api/v1/tickets", free.at("id").as_int64()) + "/quote",
                   json::object{{"amount", 5000}, {"currency", "CNY"}}),
               409, "free_service");

  auto paid = ticket(json::object{{"customer_id", old}, {"subject", "Kettle leaks"},
                                  {"body", "x"}, {"channel", "web_form"}, {"priority", "normal"},
                                  {"product_id", product}});
  EXPECT_EQ(str(paid.at("entitlement")), "paid");
  EXPECT_NE(str(paid.at("entitlement_reason")).find("warranty ended"), std::string::npos);
  const auto paid_id = paid.at("id").as_int64();
  expect_error(put(id_path("/api/v1/tickets", paid_id) + "/quote",
                   json::object{{"amount", 5000}, {"currency", "yuan"}}),
               400, "", "currency");
  expect_error(put(id_path("/api/v1/tickets", paid_id) + "/quote",
                   json::object{{"amount", -1}, {"currency", "CNY"}}),
               400, "", "amount");
  auto quoted = put(id_path("/api/v1/tickets", paid_id) + "/quote",
                    json::object{{"amount", 5000}, {"currency", "CNY"}, {"note", "New seal"}});
  ASSERT_EQ(quoted.status, 200) << quoted.body;
  EXPECT_EQ(str(quoted.json().at("quote").at("status")), "proposed");
  EXPECT_EQ(quoted.json().at("quote").at("amount").as_int64(), 5000);

  // A service contract makes the old buyer's service free.
  auto contract = post("/api/v1/service-contracts",
                       json::object{{"customer_id", old},
                                    {"reference", "SC-7"},
                                    {"starts_on", "2020-01-01"},
                                    {"ends_on", "2099-12-31"}});
  ASSERT_EQ(contract.status, 201) << contract.body;
  auto covered = ticket(json::object{{"customer_id", old}, {"subject", "Lid broken"},
                                     {"body", "x"}, {"channel", "phone"}, {"priority", "low"},
                                     {"product_id", product}});
  EXPECT_EQ(str(covered.at("entitlement")), "free");
  EXPECT_NE(str(covered.at("entitlement_reason")).find("SC-7"), std::string::npos);
  expect_error(post("/api/v1/service-contracts",
                    json::object{{"customer_id", old}, {"starts_on", "2026-02-01"},
                                 {"ends_on", "2026-01-01"}}),
               400, "", "ends_on");
}

TEST_F(Service, MergeMovesTheConversationAndSplitTakesAMessageOff) {
  const auto c = customer("Merge Me", "merge.me@example.com");
  auto a = ticket(json::object{{"customer_id", c}, {"subject", "Broken zip"}, {"body", "first"},
                               {"channel", "email"}, {"priority", "normal"},
                               {"from_address", "merge.me@example.com"},
                               {"message_id", "<a1@example.com>"}});
  auto b = ticket(json::object{{"customer_id", c}, {"subject", "Zip again"}, {"body", "second"},
                               {"channel", "email"}, {"priority", "normal"},
                               {"from_address", "merge.me@example.com"},
                               {"message_id", "<b1@example.com>"}});
  const auto ida = a.at("id").as_int64(), idb = b.at("id").as_int64();
  ASSERT_EQ(post(id_path("/api/v1/tickets", idb) + "/replies", json::object{{"body", "on b"}}).status, 201);
  expect_error(post(id_path("/api/v1/tickets", ida) + "/merge", json::object{{"into", ida}}), 400,
               "", "into");
  auto merged = post(id_path("/api/v1/tickets", idb) + "/merge", json::object{{"into", ida}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(merged.json().at("id").as_int64(), ida);
  const auto gone = get_ticket(idb);
  EXPECT_EQ(str(gone.at("status")), "closed");
  EXPECT_EQ(gone.at("merged_into").as_int64(), ida);
  EXPECT_TRUE(conversation(idb).empty());
  auto items = conversation(ida);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(str(items[1].at("content")), "second");
  // A reply on the merged ticket is refused; on the other it references both threads.
  expect_error(post(id_path("/api/v1/tickets", idb) + "/replies", json::object{{"body", "x"}}), 409,
               "merged");
  auto reply = post(id_path("/api/v1/tickets", ida) + "/replies", json::object{{"body", "merged"}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  auto mail = mail_of(reply.json().at("outbox_message_id").as_int64());
  ASSERT_TRUE(mail);
  const std::string refs = mail->header("references");
  EXPECT_NE(refs.find("<a1@example.com>"), std::string::npos) << refs;
  EXPECT_NE(refs.find("<b1@example.com>"), std::string::npos) << refs;

  // Split the message that came with b off into a new ticket.
  const auto moved = items[1].at("id").as_int64();
  expect_error(post(id_path("/api/v1/tickets", ida) + "/split",
                    json::object{{"interaction_id", items[0].at("id").as_int64()}}),
               409, "", "interaction_id");
  expect_error(post(id_path("/api/v1/tickets", ida) + "/split",
                    json::object{{"interaction_id", 99999999}}),
               400, "", "interaction_id");
  auto split = post(id_path("/api/v1/tickets", ida) + "/split",
                    json::object{{"interaction_id", moved}, {"subject", "Zip, second item"}});
  ASSERT_EQ(split.status, 201) << split.body;
  const auto idc = split.json().at("id").as_int64();
  EXPECT_EQ(str(split.json().at("subject")), "Zip, second item");
  EXPECT_EQ(split.json().at("customer_id").as_int64(), c);
  const auto c_items = conversation(idc);
  ASSERT_EQ(c_items.size(), 1u);
  EXPECT_EQ(c_items[0].at("id").as_int64(), moved);
  EXPECT_EQ(conversation(ida).size(), 3u);  // first, our reply on b, our reply after the merge
  // The split-off message's Message-ID went with it: a reply on the new ticket answers it.
  auto on_c = post(id_path("/api/v1/tickets", idc) + "/replies", json::object{{"body", "split"}});
  ASSERT_EQ(on_c.status, 201) << on_c.body;
  auto mail_c = mail_of(on_c.json().at("outbox_message_id").as_int64());
  ASSERT_TRUE(mail_c);
  EXPECT_EQ(mail_c->header("in-reply-to"), "<b1@example.com>");
}

TEST_F(Service, ContactsFromUnknownSendersMatchOrBecomeLeadsOnTheTimeline) {
  // A PBX posts a call from a number nobody has: a lead is made.
  auto call = post("/api/v1/interactions", json::object{{"channel", "phone"},
                                                        {"direction", "inbound"},
                                                        {"from_address", "+86 138 0013 8000"},
                                                        {"duration_seconds", 185},
                                                        {"external_ref", "pbx-call-1"},
                                                        {"content", "Asked about delivery"}});
  ASSERT_EQ(call.status, 201) << call.body;
  const auto lead = call.json().at("customer_id").as_int64();
  auto lead_json = get(id_path("/api/v1/customers", lead)).json();
  EXPECT_EQ(json::serialize(lead_json.at("tags")), R"(["lead"])");
  // The PBX retries: the same record.
  auto again = post("/api/v1/interactions", json::object{{"channel", "phone"},
                                                         {"from_address", "+86 138 0013 8000"},
                                                         {"external_ref", "pbx-call-1"}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json().at("id").as_int64(), call.json().at("id").as_int64());
  // The next call from the same number, written differently, matches the lead.
  auto next = post("/api/v1/interactions", json::object{{"channel", "phone"},
                                                        {"from_address", "0086-138-0013-8000"},
                                                        {"external_ref", "pbx-call-2"}});
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(next.json().at("customer_id").as_int64(), lead);
  // A known e-mail address matches its customer.
  const auto known = customer("Known Person", "Known.Person@Example.com");
  auto mail = post("/api/v1/interactions", json::object{{"channel", "fax"},
                                                        {"from_address", "known.person@example.com"},
                                                        {"subject", "Fax: order form"}});
  ASSERT_EQ(mail.status, 201) << mail.body;
  EXPECT_EQ(mail.json().at("customer_id").as_int64(), known);
  // On the customer's timeline, in the export, scrubbed by erasure.
  auto timeline = get(id_path("/api/v1/customers", lead) + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline.body;
  int calls = 0;
  const auto entries = timeline.json();
  for (const auto& e : entries.at("items").as_array()) {
    if (e.at("kind") == "interaction.phone") ++calls;
  }
  EXPECT_EQ(calls, 2);
  auto exported = get(id_path("/api/v1/customers", lead) + "/export");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_NE(exported.body.find("Asked about delivery"), std::string::npos);
  auto listed = get("/api/v1/interactions?customer_id=" + std::to_string(lead));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json().at("items").as_array().size(), 2u);
  ASSERT_EQ(post(id_path("/api/v1/customers", lead) + "/erase", json::object{}).status, 200);
  auto scrubbed = get(id_path("/api/v1/interactions", call.json().at("id").as_int64()));
  ASSERT_EQ(scrubbed.status, 200);
  EXPECT_EQ(str(scrubbed.json().at("content")), "");
  EXPECT_EQ(str(scrubbed.json().at("from_address")), "");
  // A ticket from an interaction.
  auto from_fax = post(id_path("/api/v1/interactions", mail.json().at("id").as_int64()) + "/ticket",
                       json::object{{"priority", "high"}});
  ASSERT_EQ(from_fax.status, 201) << from_fax.body;
  EXPECT_EQ(str(from_fax.json().at("subject")), "Fax: order form");
  EXPECT_EQ(str(from_fax.json().at("channel")), "fax");
}

TEST_F(Service, TheSlaWorkerWarnsAndEscalatesAtBreachAndTheHomePageCountsIt) {
  always_open();
  const auto me = my_id();
  auto policy = post("/api/v1/sla-policies",
                     json::object{{"name", "Low, escalated"},
                                  {"position", -1},
                                  {"match", json::object{{"priority", "low"}, {"category", "escalate"}}},
                                  {"first_response_minutes", 1},
                                  {"warn_before_minutes", 1},
                                  {"escalate_to", me},
                                  {"escalate_team", "supervisors"},
                                  {"raise_priority", true}});
  ASSERT_EQ(policy.status, 201) << policy.body;
  const auto c = customer("Slow Reply", "slow.reply@example.com");
  // Opened 30 s ago with a first response due in a minute: warned now, breached in 30 s.
  auto t = ticket(json::object{{"customer_id", c}, {"subject", "Waiting"}, {"body", "x"},
                               {"channel", "web_form"}, {"priority", "low"},
                               {"category", "escalate"}, {"opened_at", now_ms() - 30'000}});
  const auto id = t.at("id").as_int64();
  EXPECT_EQ(t.at("sla").at("policy_id").as_int64(), policy.json().at("id").as_int64());
  json::object got;
  // The worker looks every few seconds: the warning first, then the breach with its escalation.
  const bool escalated = eventually(
      [&] {
        got = get_ticket(id);
        return got.at("priority") == "normal";
      },
      90);
  ASSERT_TRUE(escalated) << json::serialize(got) << server_->log();
  EXPECT_EQ(got.at("assignee_id").as_int64(), me);
  EXPECT_EQ(str(got.at("team")), "supervisors");
  EXPECT_EQ(json::serialize(got.at("sla").at("breached")), R"(["first_response"])");
  auto events = get(id_path("/api/v1/tickets", id) + "/events");
  ASSERT_EQ(events.status, 200);
  std::vector<std::string> kinds;
  const auto event_list = events.json();
  for (const auto& e : event_list.at("items").as_array()) kinds.push_back(str(e.at("kind")));
  EXPECT_EQ(kinds, (std::vector<std::string>{"created", "sla_warning", "sla_breach", "escalated"}));
  // The home page's service section counts what the inbox shows.
  auto summary = get("/api/v1/service/summary");
  auto home = get("/api/v1/home");
  ASSERT_EQ(summary.status, 200) << summary.body;
  ASSERT_EQ(home.status, 200) << home.body;
  const auto section = home.json().at("service");
  ASSERT_TRUE(section.is_object()) << home.body;
  EXPECT_GE(section.at("breached").as_int64(), 1);
  EXPECT_EQ(section.at("active").as_int64(), summary.json().at("active").as_int64());
  EXPECT_EQ(section.at("unassigned").as_int64(), summary.json().at("unassigned").as_int64());
  EXPECT_GE(section.at("opened_today").as_int64(), 1);
}

TEST_F(Service, ACustomerMergeMovesTheirContactsAndTicketsAndItsUndoMovesThemBack) {
  const auto keep = customer("Wang Fang", "wang.fang@example.cn");
  const auto dup = customer("Fang Wang", "fang.w@example.cn");
  auto t = ticket(json::object{{"customer_id", dup}, {"subject", "Duplicate's ticket"},
                               {"body", "x"}, {"channel", "email"}, {"priority", "normal"}});
  const auto id = t.at("id").as_int64();
  auto call = post("/api/v1/interactions",
                   json::object{{"customer_id", dup}, {"channel", "phone"}, {"content", "called"}});
  ASSERT_EQ(call.status, 201) << call.body;
  auto merged = post(id_path("/api/v1/customers", keep) + "/merge", json::object{{"other_id", dup}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(get_ticket(id).at("customer_id").as_int64(), keep);
  auto listed = get("/api/v1/interactions?customer_id=" + std::to_string(keep));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json().at("items").as_array().size(), 2u);
  EXPECT_EQ(ticket_ids("customer_id=" + std::to_string(keep)), (std::vector<std::int64_t>{id}));
  const auto merge_id = merged.json().at("merge").at("id").as_int64();
  auto undone = post("/api/v1/customers/merges/" + std::to_string(merge_id) + "/undo", json::object{});
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(get_ticket(id).at("customer_id").as_int64(), dup);
  EXPECT_EQ(ticket_ids("customer_id=" + std::to_string(keep)), std::vector<std::int64_t>{});
  auto back = get("/api/v1/interactions?customer_id=" + std::to_string(dup));
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(back.json().at("items").as_array().size(), 2u);
}

TEST_F(Service, AMacroRepliesAndActsOnTheTicket) {
  const auto me = my_id();
  auto macro = post("/api/v1/macros",
                    json::object{{"name", "Ask for the receipt"},
                                 {"body", "Could you send us the receipt, please?"},
                                 {"actions", json::object{{"status", "pending"},
                                                          {"priority", "high"},
                                                          {"add_tags", json::array{"receipt"}},
                                                          {"assignee_id", me}}}});
  ASSERT_EQ(macro.status, 201) << macro.body;
  expect_error(post("/api/v1/macros", json::object{{"name", " "}}), 400, "", "name");
  expect_error(post("/api/v1/macros", json::object{{"name", "x"},
                                                   {"actions", json::object{{"assignee_id", 99999}}}}),
               400, "", "actions.assignee_id");
  auto policy = post("/api/v1/sla-policies",
                     json::object{{"name", "Refunds, high"},
                                  {"position", -2},
                                  {"match", json::object{{"priority", "high"}, {"category", "refund"}}},
                                  {"first_response_minutes", 60}});
  ASSERT_EQ(policy.status, 201) << policy.body;
  const auto c = customer("Macro Customer", "macro.customer@example.com");
  auto t = ticket(json::object{{"customer_id", c}, {"subject", "Refund?"}, {"body", "x"},
                               {"channel", "email"}, {"priority", "normal"},
                               {"category", "refund"}});
  const auto id = t.at("id").as_int64();
  EXPECT_TRUE(t.at("sla").at("policy_id").is_null()) << json::serialize(t.at("sla"));
  auto r = post(id_path("/api/v1/tickets", id) + "/replies",
                json::object{{"body", ""}, {"macro_id", macro.json().at("id").as_int64()}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto after = r.json().at("ticket");
  EXPECT_EQ(str(after.at("status")), "pending");
  EXPECT_EQ(str(after.at("priority")), "high");
  EXPECT_EQ(after.at("assignee_id").as_int64(), me);
  EXPECT_EQ(json::serialize(after.at("tags")), R"(["receipt"])");
  EXPECT_TRUE(after.at("sla").at("paused").as_bool());
  // Raised to high, the ticket falls under the refunds policy, counted from when it was opened.
  EXPECT_EQ(after.at("sla").at("policy_id").as_int64(), policy.json().at("id").as_int64());
  EXPECT_FALSE(after.at("sla").at("first_response_due").is_null());
  auto mail = mail_of(r.json().at("outbox_message_id").as_int64());
  ASSERT_TRUE(mail);
  EXPECT_NE(mail->part("text/plain").find("Could you send us the receipt, please?"),
            std::string::npos);
  expect_error(post(id_path("/api/v1/tickets", id) + "/replies",
                    json::object{{"body", "x"}, {"macro_id", 99999}}),
               400, "", "macro_id");
}

TEST_F(Service, BadInputIsRefusedNamingTheFieldAndWritesNothing) {
  const auto c = customer("Careful", "careful@example.com");
  const auto tickets_before = ticket_ids("customer_id=" + std::to_string(c)).size();
  auto bad = [&](json::object change, const std::string& field, long status = 400) {
    json::object body{{"customer_id", c}, {"subject", "s"}, {"body", "b"},
                      {"channel", "email"}, {"priority", "normal"}};
    for (auto& [k, v] : change) body[k] = v;
    expect_error(post("/api/v1/tickets", body), status, "", field);
  };
  bad({{"subject", "   "}}, "subject");
  bad({{"subject", nullptr}}, "subject");
  bad({{"customer_id", 99999999}}, "customer_id");
  bad({{"customer_id", "seven"}}, "customer_id");
  bad({{"priority", "extreme"}}, "priority");
  bad({{"channel", "pigeon"}}, "channel");
  bad({{"cc", json::array{"ok@example.com", "not an address"}}}, "cc[1]");
  bad({{"product_id", 99999999}}, "product_id");
  bad({{"order_id", 99999999}}, "order_id");
  bad({{"assignee_id", 99999999}}, "assignee_id");
  bad({{"opened_at", "2999-01-01T00:00:00Z"}}, "opened_at");
  bad({{"tags", json::array{std::string(61, 'x')}}}, "tags[0]");
  EXPECT_EQ(ticket_ids("customer_id=" + std::to_string(c)).size(), tickets_before);
  auto listed = get("/api/v1/interactions?customer_id=" + std::to_string(c));
  ASSERT_EQ(listed.status, 200);
  EXPECT_TRUE(listed.json().at("items").as_array().empty()) << listed.body;

  json::object week{{"mon", json::array{json::array{"09:00", "18:00"}}}};
  expect_error(put("/api/v1/service/business-hours",
                   json::object{{"timezone", "Asia/Atlantis"}, {"week", week}}),
               400, "", "timezone");
  expect_error(put("/api/v1/service/business-hours",
                   json::object{{"timezone", "Asia/Shanghai"},
                                {"week", json::object{{"mon", json::array{json::array{"9am", "18:00"}}}}}}),
               400, "", "week.mon[0][0]");
  expect_error(put("/api/v1/service/business-hours",
                   json::object{{"timezone", "Asia/Shanghai"}, {"week", week},
                                {"holidays", json::array{"2026-13-01"}}}),
               400, "", "holidays[0]");
  expect_error(post("/api/v1/sla-policies", json::object{{"name", "Nothing"}}), 400, "",
               "first_response_minutes");
  expect_error(post("/api/v1/sla-policies",
                    json::object{{"name", "Bad"}, {"match", json::object{{"priority", "soon"}}},
                                 {"first_response_minutes", 10}}),
               400, "", "match.priority");
  expect_error(post("/api/v1/sla-policies",
                    json::object{{"name", "Zero"}, {"first_response_minutes", 0}}),
               400, "", "first_response_minutes");
  expect_error(post("/api/v1/interactions",
                    json::object{{"channel", "phone"}, {"from_address", "call me maybe"}}),
               400, "", "from_address");
  expect_error(post("/api/v1/interactions",
                    json::object{{"channel", "phone"}, {"duration_seconds", -5}}),
               400, "", "duration_seconds");
  auto t = ticket(json::object{{"customer_id", c}, {"subject", "ok"}, {"body", "b"},
                               {"channel", "email"}, {"priority", "normal"}});
  expect_error(post(id_path("/api/v1/tickets", t.at("id").as_int64()) + "/replies",
                    json::object{{"body", "   "}}),
               400, "", "body");
  ASSERT_EQ(patch(id_path("/api/v1/tickets", t.at("id").as_int64()),
                  json::object{{"status", "solved"}})
                .status,
            200);
  expect_error(patch(id_path("/api/v1/tickets", t.at("id").as_int64()),
                     json::object{{"status", "pending"}}),
               409, "invalid_transition", "status");
  EXPECT_EQ(conversation(t.at("id").as_int64()).size(), 1u);
  // Staff without service:admin may not set business hours or policies.
  auto agent = staff("agent@example.com", "service");
  EXPECT_EQ(agent->send_json("POST", "/api/v1/sla-policies",
                             json::object{{"name", "x"}, {"first_response_minutes", 5}})
                .status,
            403);
  EXPECT_EQ(agent->get("/api/v1/tickets?view=mine").status, 200);
}

}  // namespace
}  // namespace ecrm::testing
