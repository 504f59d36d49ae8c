// A crash while a large campaign is being delivered: `ecrm serve` is killed with SIGKILL while
// the SMTP server (tests/scripts/smtp_server.py, slowed down with --delay so that the kill lands
// mid-delivery) is receiving the campaign, then started again on the same database. Afterwards
// every recipient has the message, nothing failed, and the only messages received twice (the
// same Message-ID) are ones the relay took just before the kill: at most one per SMTP
// connection the server had open.
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crm_support.hpp"
#include "smtp_support.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kMailFrom = "Crash Shop <news@crash.test>";
constexpr int kCustomers = 3000;
constexpr int kConnections = 4;
// The relay answers each message 5 ms after it has taken it: about 4 / 5 ms = 800 messages a
// second at best, so the 3000 take several seconds and a kill after the first few hundred lands
// in the middle, most likely while each connection waits for a reply to a message already taken.
constexpr const char* kRelayDelay = "0.005";
constexpr int kKillAfter = 400;
// How long a delivery thread holds what it claimed: after the restart, what the killed server
// held is sent again once this has passed.
constexpr const char* kLeaseSeconds = "2";

std::string str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

std::string address(int i) { return "buyer" + std::to_string(i) + "@crash.test"; }

class Crash : public CrmApi {
 protected:
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {}

  void SetUp() override {
    smtp_ = std::make_unique<SmtpServer>(std::vector<std::string>{"--delay", kRelayDelay});
    server_ = new ServerProcess(
        {"--mail-from", kMailFrom, "--smtp-url", smtp_->url(), "--smtp-connections",
         std::to_string(kConnections), "--smtp-lease", kLeaseSeconds, "--smtp-retry-after", "0.2",
         "--public-url", "https://crash.test"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
    CrmApi::SetUp();
  }

  void TearDown() override {
    client_.reset();
    delete server_;
    server_ = nullptr;
    smtp_.reset();
  }

  // Imports kCustomers customers with e-mail consent (one CSV through the import API).
  void import_customers() {
    std::string csv = "external_id,name,email,email_consent\n";
    for (int i = 0; i < kCustomers; ++i) {
      csv += "C-" + std::to_string(i) + ",Buyer " + std::to_string(i) + "," + address(i) + ",yes\n";
    }
    auto r = client_->request("POST", "/api/v1/import/customers", csv,
                              {"Content-Type: text/csv", "X-CSRF-Token: " + client_->csrf_token});
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string job = "/api/v1/import/jobs/" + std::to_string(r.json().at("id").as_int64());
    json::object body;
    const bool finished = eventually([&] {
      auto j = get(job);
      if (j.status != 200) return false;
      body = j.json().as_object();
      return str(body.at("status")) == "succeeded" || str(body.at("status")) == "failed";
    });
    ASSERT_TRUE(finished) << json::serialize(body);
    ASSERT_EQ(str(body.at("status")), "succeeded") << json::serialize(body);
    ASSERT_EQ(body.at("inserted").as_int64(), kCustomers) << json::serialize(body);
  }

  json::object stats() {
    auto r = get("/api/v1/messages/stats");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }

  // The outbox's rows by status, read from the database (the server may be down).
  std::map<std::string, std::int64_t> outbox() {
    std::map<std::string, std::int64_t> out;
    auto db = storage::open_database(server_->db_url());
    if (!db.ok()) {
      ADD_FAILURE() << db.error().message;
      return out;
    }
    auto lease = (*db)->acquire();
    if (!lease.ok()) {
      ADD_FAILURE() << lease.error().message;
      return out;
    }
    auto read = (*lease)->query("SELECT status, count(*) FROM messages GROUP BY status", {},
                                [&](const storage::RowView& row) {
                                  out[std::string(row.get_text(0))] = row.get_int(1);
                                });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }

  std::unique_ptr<SmtpServer> smtp_;
};

TEST_F(Crash, AKillMidCampaignLosesNothingAndDuplicatesAtMostOneMessagePerConnection) {
  auto put = client_->send_json(
      "PUT", "/api/v1/message-templates/crash_sale/en",
      json::object{{"kind", "marketing"},
                   {"subject", "A sale for {{customer.first_name}}"},
                   {"html", "<p>Dear {{customer.name}}, everything is half price this week.</p>"},
                   {"text", "Dear {{customer.name}}, everything is half price this week."}});
  ASSERT_EQ(put.status, 200) << put.body;
  import_customers();
  if (HasFatalFailure()) return;

  auto made = post("/api/v1/campaigns", json::object{{"name", "Half price"},
                                                     {"template_key", "crash_sale"},
                                                     {"audience", json::object{}},
                                                     {"holdout_percent", 0}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::int64_t campaign = made.json().at("id").as_int64();
  auto sent = post(id_path("/api/v1/campaigns", campaign) + "/send", json::object{});
  ASSERT_EQ(sent.status, 200) << sent.body;
  ASSERT_EQ(sent.json().at("recipients").as_int64(), kCustomers) << sent.body;

  // Kill the server once the relay has taken the first few hundred messages.
  const bool started = eventually([&] { return smtp_->received_count() >= kKillAfter; }, 60);
  ASSERT_TRUE(started) << smtp_->received_count() << " received\n" << server_->log();
  server_->kill_hard();
  // The relay drops the connections of the dead server; what it took before is all there is.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::size_t before_restart = smtp_->received_count();
  ASSERT_LT(before_restart, static_cast<std::size_t>(kCustomers))
      << "the campaign was delivered before the kill: the test did not test a crash";
  const auto at_kill = outbox();
  EXPECT_GT(at_kill.contains("sending") ? at_kill.at("sending") : 0, 0)
      << "no message was being sent when the server was killed";
  EXPECT_GT(at_kill.contains("queued") ? at_kill.at("queued") : 0, 0);

  // The same database, the same relay.
  server_->restart();
  client_ = signed_in(kAdminEmail, kAdminPassword);
  json::object s;
  const bool drained = eventually(
      [&] {
        s = stats();
        return !s.empty() && s.at("queued").as_int64() == 0 && s.at("sending").as_int64() == 0;
      },
      60);
  ASSERT_TRUE(drained) << "the outbox did not drain after the restart: " << json::serialize(s)
                       << "\n"
                       << server_->log();
  EXPECT_EQ(s.at("sent").as_int64(), kCustomers) << json::serialize(s);
  EXPECT_EQ(s.at("failed").as_int64(), 0) << json::serialize(s);
  EXPECT_EQ(s.at("suppressed").as_int64(), 0) << json::serialize(s);

  // What the relay received: by Message-ID, and by recipient.
  const auto received = smtp_->received();
  std::map<std::string, std::vector<std::size_t>> by_message_id;  // -> positions received at
  std::map<std::string, std::set<std::string>> ids_by_recipient;
  for (std::size_t at = 0; at < received.size(); ++at) {
    const auto& record = received[at];
    const std::string message_id = str(record.at("message_id"));
    ASSERT_FALSE(message_id.empty()) << str(record.at("data"));
    by_message_id[message_id].push_back(at);
    const Mail mail = parse_mail(str(record.at("data")));
    EXPECT_EQ(mail.header("x-ecrm-flow"), "campaign_" + std::to_string(campaign)) << message_id;
    // <ecrm.ID.CREATED@domain> names the outbox row X-Ecrm-Message gives.
    EXPECT_TRUE(message_id.starts_with("<ecrm." + mail.header("x-ecrm-message") + "."))
        << message_id << " vs " << mail.header("x-ecrm-message");
    for (const auto& rcpt : record.at("rcpt_tos").as_array()) {
      ids_by_recipient[str(rcpt)].insert(message_id);
    }
  }
  // Every recipient received the campaign, always under the same Message-ID.
  int missing = 0;
  for (int i = 0; i < kCustomers; ++i) {
    auto it = ids_by_recipient.find(address(i));
    if (it == ids_by_recipient.end()) {
      if (++missing <= 5) ADD_FAILURE() << address(i) << " never received the campaign";
      continue;
    }
    EXPECT_EQ(it->second.size(), 1u) << address(i) << " received the campaign as different messages";
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(ids_by_recipient.size(), static_cast<std::size_t>(kCustomers));
  EXPECT_EQ(by_message_id.size(), static_cast<std::size_t>(kCustomers));

  // A duplicate is a message the relay took before the kill, whose outcome the server did not
  // get to write: at most one per open connection.
  int twice = 0;
  for (const auto& [message_id, positions] : by_message_id) {
    if (positions.size() < 2) continue;
    ++twice;
    EXPECT_EQ(positions.size(), 2u) << message_id << " was received " << positions.size() << " times";
    EXPECT_LT(positions.front(), before_restart)
        << message_id << " was received twice, the first time after the restart";
    EXPECT_GE(positions.back(), before_restart) << message_id << " was received twice before the kill";
  }
  EXPECT_LE(twice, kConnections) << twice << " messages were received twice";
  RecordProperty("received_before_kill", static_cast<int>(before_restart));
  RecordProperty("received_twice", twice);
  std::printf("[          ] %zu of %d received before the kill (%lld sending, %lld queued); "
              "%d received twice over %d connections\n",
              before_restart, kCustomers,
              static_cast<long long>(at_kill.contains("sending") ? at_kill.at("sending") : 0),
              static_cast<long long>(at_kill.contains("queued") ? at_kill.at("queued") : 0), twice,
              kConnections);
}

}  // namespace
}  // namespace ecrm::testing
