// A crash while a large campaign is being delivered: `ecrm serve` is killed with SIGKILL while
// the SMTP server (tests/scripts/smtp_server.py, slowed down with --delay so that the kill lands
// mid-delivery) is receiving the campaign, then started again on the same database. Afterwards
// every recipient has the message, nothing failed, and the only messages received twice (the
// same Message-ID) are ones the relay took just before the kill: at most one per SMTP
// connection the server had open.
//
// The first test runs with the server's default for its database (on SQLite an outcome journal
// next to the database file; on PostgreSQL none: an outcome is committed before the next message
// is sent). The second gives the server an outcome journal on both and kills it while the journal
// holds outcomes not yet folded into the outbox: the restarted server folds them before it sends
// anything, so none of those messages is sent again.
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
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

  void SetUp() override {}

  // Starts the relay (answering each message `relay_delay` seconds after taking it) and the
  // server delivering to it over `connections` connections, with `extra` arguments.
  void start(const char* relay_delay, int connections, std::vector<std::string> extra = {}) {
    smtp_ = std::make_unique<SmtpServer>(std::vector<std::string>{"--delay", relay_delay});
    std::vector<std::string> args = {"--mail-from",        kMailFrom,
                                     "--smtp-url",         smtp_->url(),
                                     "--smtp-connections", std::to_string(connections),
                                     "--smtp-lease",       kLeaseSeconds,
                                     "--smtp-retry-after", "0.2",
                                     "--public-url",       "https://crash.test"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = new ServerProcess(
        args, {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
    CrmApi::SetUp();
  }

  void TearDown() override {
    client_.reset();
    delete server_;
    server_ = nullptr;
    smtp_.reset();
  }

  // Stores the template crash_sale, and a campaign of it to every customer: its id.
  std::int64_t campaign() {
    auto put = client_->send_json(
        "PUT", "/api/v1/message-templates/crash_sale/en",
        json::object{{"kind", "marketing"},
                     {"subject", "A sale for {{customer.first_name}}"},
                     {"html", "<p>Dear {{customer.name}}, everything is half price this week.</p>"},
                     {"text", "Dear {{customer.name}}, everything is half price this week."}});
    EXPECT_EQ(put.status, 200) << put.body;
    auto made = post("/api/v1/campaigns", json::object{{"name", "Half price"},
                                                       {"template_key", "crash_sale"},
                                                       {"audience", json::object{}},
                                                       {"holdout_percent", 0}});
    EXPECT_EQ(made.status, 201) << made.body;
    return made.status == 201 ? made.json().at("id").as_int64() : 0;
  }

  // Imports `n` customers with e-mail consent (one CSV through the import API).
  void import_customers(int n = kCustomers) {
    std::string csv = "external_id,name,email,email_consent\n";
    for (int i = 0; i < n; ++i) {
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
    ASSERT_EQ(body.at("inserted").as_int64(), n) << json::serialize(body);
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
  start(kRelayDelay, kConnections);
  import_customers();
  if (HasFatalFailure()) return;
  const std::int64_t campaign = this->campaign();
  ASSERT_GT(campaign, 0);
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

// The outcome journal's records in its segments (FILE.N): message id -> status, each line a JSON
// object as the server writes it; a line cut short is not counted.
std::map<std::int64_t, std::string> journal_records(const std::filesystem::path& journal) {
  std::map<std::int64_t, std::string> out;
  std::error_code ec;
  const std::string prefix = journal.filename().string() + ".";
  for (std::filesystem::directory_iterator it(journal.parent_path(), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->path().filename().string().starts_with(prefix)) continue;
    std::ifstream in(it->path());
    std::string line;
    while (std::getline(in, line)) {
      boost::system::error_code bad;
      const json::value v = json::parse(line, bad);
      if (bad || !v.is_object() || !v.as_object().contains("id")) continue;
      out[v.at("id").as_int64()] = str(v.at("status"));
    }
  }
  return out;
}

// The outbox row number a Message-ID <ecrm.ID.CREATED@domain> names; 0 when none.
std::int64_t row_of(const std::string& message_id) {
  const std::string prefix = "<ecrm.";
  if (!message_id.starts_with(prefix)) return 0;
  return std::stoll(message_id.substr(prefix.size()));
}

TEST_F(Crash, AnOutcomeJournalLeftByAKilledServerIsFoldedBeforeAnythingIsSentAgain) {
  constexpr int kCampaignSize = 150;
  // One connection and a relay answering after 20 ms: a batch of 20 takes 400 ms, during which
  // the journal holds the outcomes of the batch's messages sent so far.
  std::random_device rd;
  const std::filesystem::path journal =
      std::filesystem::temp_directory_path() /
      ("ecrm-it-journal-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  start("0.02", 1, {"--delivery-journal", journal.string()});
  import_customers(kCampaignSize);
  if (HasFatalFailure()) return;
  const std::int64_t campaign = this->campaign();
  ASSERT_GT(campaign, 0);
  auto sent = post(id_path("/api/v1/campaigns", campaign) + "/send", json::object{});
  ASSERT_EQ(sent.status, 200) << sent.body;

  // Kill the server while its journal holds several outcomes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (journal_records(journal).size() < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  server_->kill_hard();
  const auto journaled = journal_records(journal);
  ASSERT_GE(journaled.size(), 3u) << "the journal was folded just before the kill: "
                                  << journaled.size() << " records\n" << server_->log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::size_t before_restart = smtp_->received_count();
  ASSERT_LT(before_restart, static_cast<std::size_t>(kCampaignSize));

  // Their rows are still being sent as far as the outbox knows: only the journal has their
  // outcome.
  std::map<std::int64_t, std::string> status_at_kill;
  {
    auto db = storage::open_database(server_->db_url());
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto lease = (*db)->acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().message;
    auto read = (*lease)->query("SELECT id, status FROM messages", {},
                                [&](const storage::RowView& row) {
                                  status_at_kill[row.get_int(0)] = std::string(row.get_text(1));
                                });
    ASSERT_TRUE(read.ok()) << read.error().message;
  }
  for (const auto& [id, status] : journaled) {
    EXPECT_EQ(status, "sent") << "message " << id;
    EXPECT_EQ(status_at_kill[id], "sending") << "message " << id;
  }

  server_->restart();
  client_ = signed_in(kAdminEmail, kAdminPassword);
  json::object s;
  const bool drained = eventually(
      [&] {
        s = stats();
        return !s.empty() && s.at("queued").as_int64() == 0 && s.at("sending").as_int64() == 0;
      },
      60);
  ASSERT_TRUE(drained) << json::serialize(s) << "\n" << server_->log();
  EXPECT_EQ(s.at("sent").as_int64(), kCampaignSize) << json::serialize(s);

  // Each journaled message reached the relay once, before the kill, and its row says sent with
  // the relay's reply, with one "sent" event on its timeline.
  std::map<std::int64_t, std::vector<std::size_t>> received_at;  // row -> positions
  const auto received = smtp_->received();
  for (std::size_t at = 0; at < received.size(); ++at) {
    received_at[row_of(str(received[at].at("message_id")))].push_back(at);
  }
  for (const auto& [id, status] : journaled) {
    ASSERT_TRUE(received_at.contains(id)) << "message " << id << " never reached the relay";
    EXPECT_EQ(received_at[id].size(), 1u) << "message " << id << " was sent again";
    EXPECT_LT(received_at[id].front(), before_restart) << "message " << id;
    auto m = get("/api/v1/messages/" + std::to_string(id));
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(str(m.json().at("status")), "sent") << m.body;
    EXPECT_TRUE(str(m.json().at("smtp_reply")).starts_with("250")) << m.body;
    auto events = get("/api/v1/messages/" + std::to_string(id) + "/events");
    ASSERT_EQ(events.status, 200) << events.body;
    int sent_events = 0;
    const json::value listed = events.json();
    for (const auto& e : listed.at("items").as_array()) {
      sent_events += str(e.at("kind")) == "sent";
    }
    EXPECT_EQ(sent_events, 1) << events.body;
  }
  // Every customer got the campaign; one connection: at most one message twice.
  int twice = 0;
  for (const auto& [id, positions] : received_at) twice += positions.size() > 1;
  EXPECT_EQ(received_at.size(), static_cast<std::size_t>(kCampaignSize));
  EXPECT_LE(twice, 1);
  std::printf("[          ] %zu outcomes in the journal at the kill, %zu received before it, %d "
              "received twice\n",
              journaled.size(), before_restart, twice);

  server_->terminate();
  // Stopped cleanly: everything folded, no segment left.
  EXPECT_TRUE(journal_records(journal).empty());
  std::error_code ec;
  std::filesystem::remove(journal, ec);
}

}  // namespace
}  // namespace ecrm::testing
