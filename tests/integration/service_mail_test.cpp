// Inbound service mail end to end: raw messages piped to `ecrm mail-in` against a running
// server's database, the tickets and conversations read back over the API. Threading by
// In-Reply-To, by any References id and by the subject's token (not for a stranger); GB2312 and
// base64 parts; attachments downloaded; auto-replies ignored; the same Message-ID twice; bad
// input refused with nothing written.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <map>
#include <sstream>
#include <thread>

#include "crm_support.hpp"
#include "smtp_support.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

struct MailIn {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  json::object result() const {
    json::error_code ec;
    auto v = json::parse(out, ec);
    return !ec && v.is_object() ? v.as_object() : json::object{};
  }
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string fixture(const std::string& name) {
  return read_file(source_dir() + "/tests/unit/service/mail/" + name);
}

class ServiceMail : public CrmApi {
 protected:
  // Pipes `raw` to `ecrm mail-in` on the server's database.
  MailIn mail_in(const std::string& raw, const std::vector<std::string>& extra = {}) {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string stem = "ecrm-mail-" + std::to_string(getpid()) + "-" + std::to_string(counter_.fetch_add(1));
    const auto in = dir / (stem + ".eml"), out = dir / (stem + ".out"), err = dir / (stem + ".err");
    std::ofstream(in, std::ios::binary) << raw;
    std::string command = "'" + binary_path() + "' mail-in --db '" + server_->db_url() +
                          "' --mail-from 'Shop <service@shop.example>'";
    for (const auto& e : extra) command += " '" + e + "'";
    command += " < '" + in.string() + "' > '" + out.string() + "' 2> '" + err.string() + "'";
    const int status = std::system(command.c_str());
    MailIn r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    std::filesystem::remove(in);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return r;
  }

  json::object ticket(std::int64_t id) {
    auto r = get("/api/v1/tickets/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().is_object() ? r.json().as_object() : json::object{};
  }

  // The ticket's conversation, oldest first.
  json::array conversation(std::int64_t id) {
    auto r = get("/api/v1/tickets/" + std::to_string(id) + "/conversation");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    if (body.is_array()) return body.as_array();
    if (body.is_object() && body.as_object().contains("items")) return body.at("items").as_array();
    return {};
  }

  std::int64_t ticket_count() {
    std::int64_t n = 0;
    std::string cursor;
    for (int page = 0; page < 100; ++page) {
      auto r = get("/api/v1/tickets?limit=200" + (cursor.empty() ? std::string() : "&cursor=" + cursor));
      EXPECT_EQ(r.status, 200) << r.body;
      const auto body = r.json().as_object();
      n += static_cast<std::int64_t>(body.at("items").as_array().size());
      if (body.at("next_cursor").is_null()) break;
      cursor = std::string(body.at("next_cursor").as_string());
    }
    return n;
  }

  static std::string mail(const std::string& from, const std::string& subject, const std::string& message_id,
                          const std::string& extra_headers, const std::string& body) {
    return "From: " + from + "\r\nTo: Shop <service@shop.example>\r\nSubject: " + subject +
           "\r\nDate: Thu, 03 Dec 2026 12:00:00 +0000\r\nMessage-ID: <" + message_id + ">\r\n" + extra_headers +
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
  }

  std::atomic<int> counter_{0};
};

TEST_F(ServiceMail, PipedMailOpensATicketAndRepliesJoinIt) {
  // A GB2312-labelled mail in base64 with a GBK-only character and a PDF with a Chinese name.
  auto first = mail_in(fixture("gb2312_base64.eml"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto opened = first.result();
  ASSERT_EQ(opened.at("kind").as_string(), "ticket_opened") << first.out;
  const std::int64_t ticket_id = opened.at("ticket_id").as_int64();
  const std::int64_t customer_id = opened.at("customer_id").as_int64();
  auto t = ticket(ticket_id);
  EXPECT_EQ(t.at("subject").as_string(), "订单问题：还没收到");
  EXPECT_EQ(t.at("customer_id").as_int64(), customer_id);
  EXPECT_EQ(t.at("channel").as_string(), "email");
  const std::string token(t.at("token").as_string());
  ASSERT_FALSE(token.empty());
  bool cc_kept = false;
  for (const auto& a : t.at("cc").as_array()) cc_kept |= a.as_string() == "lilei@example.cn";
  EXPECT_TRUE(cc_kept) << json::serialize(t);
  // The new lead is the sender.
  auto customer = get("/api/v1/customers/" + std::to_string(customer_id));
  ASSERT_EQ(customer.status, 200) << customer.body;
  EXPECT_EQ(customer.json().at("email").as_string(), "wang.xiaoming@example.cn");
  auto thread = conversation(ticket_id);
  ASSERT_EQ(thread.size(), 1u);
  EXPECT_NE(std::string(thread[0].at("content").as_string()).find("朱镕基路 88 号"), std::string::npos)
      << json::serialize(thread[0]);
  EXPECT_EQ(thread[0].at("direction").as_string(), "inbound");

  // The attachment, downloaded as it was sent.
  const auto& ids = opened.at("attachment_ids").as_array();
  ASSERT_EQ(ids.size(), 1u);
  auto file = get("/api/v1/attachments/" + std::to_string(ids[0].as_int64()));
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.body, std::string("%PDF-1.4\n% fake invoice\n\x00\x01\x02\xff\n%%EOF\n", 35));
  EXPECT_EQ(file.header("content-type"), "application/pdf");
  EXPECT_EQ(file.header("content-disposition"),
            "attachment; filename=\"______.pdf\"; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf");
  EXPECT_EQ(file.header("x-content-type-options"), "nosniff");
  auto listed = get("/api/v1/interactions/" + std::to_string(opened.at("interaction_id").as_int64()) + "/attachments");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto listed_body = listed.json();
  const auto& items = listed_body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("id").as_int64(), ids[0].as_int64());
  EXPECT_EQ(items[0].at("filename").as_string(), "发票.pdf");
  EXPECT_EQ(items[0].at("size_bytes").as_int64(), 35);
  EXPECT_EQ(get("/api/v1/interactions/999999/attachments").status, 404);
  EXPECT_EQ(get("/api/v1/attachments/999999").status, 404);
  EXPECT_EQ(get("/api/v1/attachments/abc").status, 404);
  auto marketer = staff("marketer@example.com", "marketing");
  EXPECT_EQ(marketer->get("/api/v1/attachments/" + std::to_string(ids[0].as_int64())).status, 403);

  // A reply by In-Reply-To (the customer's own first Message-ID), with the quote cut.
  auto by_reply = mail_in(mail("wang.xiaoming@example.cn", "Re: 订单问题", "r1@mail.example.cn",
                               "In-Reply-To: <gb-1@mail.example.cn>\r\n",
                               "还是没有收到。\r\n\r\n在 2026年12月3日，客服 写道：\r\n> 我们已发货"));
  ASSERT_EQ(by_reply.exit_code, 0) << by_reply.err;
  EXPECT_EQ(by_reply.result().at("kind").as_string(), "ticket_reply") << by_reply.out;
  EXPECT_EQ(by_reply.result().at("ticket_id").as_int64(), ticket_id);
  EXPECT_EQ(by_reply.result().at("threaded_by").as_string(), "in_reply_to");

  // One by References only: an unknown id first, then a thread id further back.
  auto by_refs = mail_in(mail("wang.xiaoming@example.cn", "another subject", "r2@mail.example.cn",
                              "References: <gb-1@mail.example.cn> <unknown@elsewhere.example>\r\n", "Hello?"));
  ASSERT_EQ(by_refs.exit_code, 0) << by_refs.err;
  EXPECT_EQ(by_refs.result().at("ticket_id").as_int64(), ticket_id) << by_refs.out;
  EXPECT_EQ(by_refs.result().at("threaded_by").as_string(), "references");

  // One by the subject's token, from a client that dropped the threading headers.
  auto by_token = mail_in(mail("Wang.Xiaoming@example.cn", "Re: [#" + token + "] 订单问题", "r3@mail.example.cn", "",
                               "Any news?"));
  ASSERT_EQ(by_token.exit_code, 0) << by_token.err;
  EXPECT_EQ(by_token.result().at("kind").as_string(), "ticket_reply") << by_token.out;
  EXPECT_EQ(by_token.result().at("ticket_id").as_int64(), ticket_id);
  EXPECT_EQ(by_token.result().at("threaded_by").as_string(), "subject_token");

  // Someone on the CC list may use the token too.
  auto by_cc = mail_in(mail("lilei@example.cn", "Re: [#" + token + "]", "r4@mail.example.cn", "", "I am his colleague"));
  EXPECT_EQ(by_cc.result().at("ticket_id").as_int64(), ticket_id) << by_cc.out;

  // A stranger with the token opens a ticket of their own.
  auto stranger = mail_in(mail("mallory@evil.example", "Re: [#" + token + "] give me the address",
                               "s1@evil.example", "", "What is the delivery address?"));
  ASSERT_EQ(stranger.exit_code, 0) << stranger.err;
  EXPECT_EQ(stranger.result().at("kind").as_string(), "ticket_opened") << stranger.out;
  EXPECT_NE(stranger.result().at("ticket_id").as_int64(), ticket_id);
  EXPECT_NE(stranger.result().at("customer_id").as_int64(), customer_id);

  auto conv = conversation(ticket_id);
  ASSERT_EQ(conv.size(), 5u);
  EXPECT_EQ(conv[1].at("content").as_string(), "还是没有收到。");  // the quoted history cut
  EXPECT_EQ(conv[1].at("message_id").as_string(), "r1@mail.example.cn");
  for (const auto& x : conv) {
    EXPECT_EQ(std::string(x.at("content").as_string()).find("delivery address"), std::string::npos);
  }

  // The same Message-ID again (an MTA retrying): one interaction.
  auto again = mail_in(fixture("gb2312_base64.eml"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.result().at("kind").as_string(), "duplicate") << again.out;
  EXPECT_EQ(again.result().at("ticket_id").as_int64(), ticket_id);
  auto reply_again = mail_in(mail("wang.xiaoming@example.cn", "Re: 订单问题", "r1@mail.example.cn",
                                  "In-Reply-To: <gb-1@mail.example.cn>\r\n", "还是没有收到。"));
  EXPECT_EQ(reply_again.result().at("kind").as_string(), "duplicate") << reply_again.out;
  EXPECT_EQ(conversation(ticket_id).size(), 5u);

  // An out-of-office answer on the thread: no interaction, no answer.
  auto away = mail_in(mail("wang.xiaoming@example.cn", "自动回复: 订单问题", "ooo-1@mail.example.cn",
                           "In-Reply-To: <r1@mail.example.cn>\r\nAuto-Submitted: auto-replied\r\n", "我在休假"));
  ASSERT_EQ(away.exit_code, 0) << away.err;
  EXPECT_EQ(away.result().at("kind").as_string(), "ignored") << away.out;
  EXPECT_EQ(conversation(ticket_id).size(), 5u);

  // A solved ticket opens again when the customer writes.
  auto solved = patch("/api/v1/tickets/" + std::to_string(ticket_id), json::object{{"status", "solved"}});
  ASSERT_EQ(solved.status, 200) << solved.body;
  EXPECT_EQ(solved.json().at("status").as_string(), "solved");
  auto back = mail_in(mail("wang.xiaoming@example.cn", "Re: [#" + token + "]", "r5@mail.example.cn",
                           "In-Reply-To: <r3@mail.example.cn>\r\n", "It broke again."));
  EXPECT_EQ(back.result().at("kind").as_string(), "ticket_reply") << back.out;
  EXPECT_EQ(ticket(ticket_id).at("status").as_string(), "open");
}

TEST_F(ServiceMail, ReplyToAnAgentsAnswerJoinsTheTicket) {
  auto first = mail_in(mail("olga@example.ru", "Broken zip", "olga-1@example.ru", "", "The zip broke."));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::int64_t ticket_id = first.result().at("ticket_id").as_int64();
  auto answer = post("/api/v1/tickets/" + std::to_string(ticket_id) + "/replies",
                     json::object{{"body", "We send a new one."}});
  ASSERT_EQ(answer.status, 201) << answer.body;
  const std::string ours(answer.json().at("interaction").at("message_id").as_string());
  ASSERT_FALSE(ours.empty());
  // The customer's client quotes only our Message-ID, and a subject without the token.
  auto reply = mail_in(mail("olga@example.ru", "Re: Broken zip", "olga-2@example.ru",
                            "In-Reply-To: <" + ours + ">\r\nReferences: <" + ours + ">\r\n", "Thank you!"));
  ASSERT_EQ(reply.exit_code, 0) << reply.err;
  EXPECT_EQ(reply.result().at("kind").as_string(), "ticket_reply") << reply.out;
  EXPECT_EQ(reply.result().at("ticket_id").as_int64(), ticket_id);
  EXPECT_EQ(reply.result().at("threaded_by").as_string(), "in_reply_to");
  auto thread = conversation(ticket_id);
  ASSERT_EQ(thread.size(), 3u);
  EXPECT_EQ(thread[1].at("direction").as_string(), "outbound");
  EXPECT_EQ(thread[2].at("content").as_string(), "Thank you!");
}

// An MTA delivering the same mail from several queue runners at once: one interaction.
TEST_F(ServiceMail, TheSameMailAtOnceFromSeveralProcessesIsOneInteraction) {
  const std::string raw = mail("race@example.com", "Race", "race-1@example.com", "", "Once only");
  const std::int64_t before = ticket_count();
  std::vector<std::future<MailIn>> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(std::async(std::launch::async, [this, &raw] { return mail_in(raw); }));
  int opened = 0, duplicates = 0;
  std::int64_t ticket_id = 0;
  for (auto& run : runs) {
    const MailIn r = run.get();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string kind(r.result().at("kind").as_string());
    if (kind == "ticket_opened") {
      ++opened;
      ticket_id = r.result().at("ticket_id").as_int64();
    } else {
      EXPECT_EQ(kind, "duplicate") << r.out;
      ++duplicates;
    }
  }
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(duplicates, 3);
  EXPECT_EQ(ticket_count(), before + 1);
  EXPECT_EQ(conversation(ticket_id).size(), 1u);
}

// A merged ticket's mail goes to the ticket it was merged into; a closed ticket's opens a new one.
TEST_F(ServiceMail, MergedAndClosedTickets) {
  auto a = mail_in(mail("pia@example.se", "First question", "pia-1@example.se", "", "One"));
  auto b = mail_in(mail("pia@example.se", "Same question again", "pia-2@example.se", "", "Two"));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const std::int64_t first = a.result().at("ticket_id").as_int64();
  const std::int64_t second = b.result().at("ticket_id").as_int64();
  const std::string first_token(ticket(first).at("token").as_string());
  auto merged = post("/api/v1/tickets/" + std::to_string(first) + "/merge", json::object{{"into", second}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  auto by_token = mail_in(mail("pia@example.se", "Re: [#" + first_token + "]", "pia-3@example.se", "", "Three"));
  EXPECT_EQ(by_token.result().at("kind").as_string(), "ticket_reply") << by_token.out;
  EXPECT_EQ(by_token.result().at("ticket_id").as_int64(), second);
  auto by_header = mail_in(mail("pia@example.se", "Re: First question", "pia-4@example.se",
                                "In-Reply-To: <pia-1@example.se>\r\n", "Four"));
  EXPECT_EQ(by_header.result().at("ticket_id").as_int64(), second) << by_header.out;

  auto closed = patch("/api/v1/tickets/" + std::to_string(second), json::object{{"status", "closed"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto after = mail_in(mail("pia@example.se", "Re: Same question again", "pia-5@example.se",
                            "In-Reply-To: <pia-2@example.se>\r\n", "Five"));
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.result().at("kind").as_string(), "ticket_opened") << after.out;
  EXPECT_NE(after.result().at("ticket_id").as_int64(), second);
  EXPECT_EQ(ticket(second).at("status").as_string(), "closed");
  const auto after_result = after.result();
  const auto& notes = after_result.at("notes").as_array();
  ASSERT_EQ(notes.size(), 1u) << after.out;
  EXPECT_NE(std::string(notes[0].as_string()).find("is closed"), std::string::npos);
}

TEST_F(ServiceMail, QuotedPrintableHtmlAndKnownCustomer) {
  const std::int64_t customer_id =
      create("/api/v1/customers", json::object{{"name", "Anna Muller"}, {"email", "ANNA@example.de"}});
  auto r = mail_in(fixture("reply_alternative.eml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto result = r.result();
  // Its In-Reply-To names no ticket here: a new ticket, for the customer already known.
  ASSERT_EQ(result.at("kind").as_string(), "ticket_opened") << r.out;
  EXPECT_EQ(result.at("customer_id").as_int64(), customer_id);
  auto thread = conversation(result.at("ticket_id").as_int64());
  ASSERT_EQ(thread.size(), 1u);
  EXPECT_NE(std::string(thread[0].at("content").as_string()).find("the lid is cracked"), std::string::npos);
  ASSERT_EQ(result.at("attachment_ids").as_array().size(), 1u);
  auto png = get("/api/v1/attachments/" + std::to_string(result.at("attachment_ids").as_array()[0].as_int64()));
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.body.size(), 256u);
  EXPECT_EQ(png.header("content-disposition"), "attachment; filename=\"lid.png\"; filename*=UTF-8''lid.png");

  auto html = mail_in(fixture("html_latin1.eml"));
  ASSERT_EQ(html.exit_code, 0) << html.err;
  auto html_thread = conversation(html.result().at("ticket_id").as_int64());
  ASSERT_EQ(html_thread.size(), 1u);
  EXPECT_EQ(html_thread[0].at("content").as_string(), "Bonjour,\nLe café est arrivé & il est froid !\nMerci — Zoé");
  EXPECT_EQ(ticket(html.result().at("ticket_id").as_int64()).at("subject").as_string(), "café froid");
}

TEST_F(ServiceMail, MachinesOpenNoTickets) {
  const std::int64_t before = ticket_count();
  const std::string machines[] = {
      fixture("dsn.eml"),
      mail("someone@example.com", "Out of office", "a1@example.com", "Auto-Submitted: auto-replied\r\n", "Away"),
      mail("someone@example.com", "Away", "a2@example.com", "X-Autoreply: yes\r\n", "Away"),
      mail("someone@example.com", "Away", "a3@example.com", "X-Autorespond: yes\r\n", "Away"),
      mail("someone@example.com", "News", "a4@example.com", "Precedence: bulk\r\n", "News"),
      mail("someone@example.com", "Away", "a5@example.com", "X-Auto-Response-Suppress: All\r\n", "Away"),
      mail("postmaster@example.com", "Notice", "a6@example.com", "", "Mailbox full"),
      mail("service@shop.example", "Loop", "a7@example.com", "", "Our own mail came back"),
  };
  for (const auto& raw : machines) {
    auto r = mail_in(raw);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string kind(r.result().at("kind").as_string());
    EXPECT_TRUE(kind == "ignored" || kind == "unmatched") << r.out;
  }
  EXPECT_EQ(ticket_count(), before);
}

TEST_F(ServiceMail, BadInputIsRefusedWithNothingWritten) {
  const std::int64_t before = ticket_count();
  for (const std::string& bad : {std::string(""), std::string("   \r\n"), std::string("\x00\x01garbage", 9),
                                 std::string("not a mail at all\n"),
                                 std::string("Subject: no sender\r\n\r\nhello\r\n")}) {
    auto r = mail_in(bad);
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_FALSE(r.err.empty());
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(ticket_count(), before);

  // An unknown charset: a ticket, the text read as UTF-8, and a note saying so.
  auto klingon = mail_in(fixture("unknown_charset.eml"));
  ASSERT_EQ(klingon.exit_code, 0) << klingon.err;
  ASSERT_EQ(klingon.result().at("kind").as_string(), "ticket_opened") << klingon.out;
  auto thread = conversation(klingon.result().at("ticket_id").as_int64());
  ASSERT_EQ(thread.size(), 1u);
  const std::string content(thread[0].at("content").as_string());
  EXPECT_NE(content.find("Qapla"), std::string::npos);
  EXPECT_NE(content.find("unknown charset \"x-klingon-42\""), std::string::npos) << content;

  // A NUL in the text and 8-bit bytes in the Message-ID (PostgreSQL text takes neither).
  auto odd = mail_in(std::string("From: odd@example.com\r\nTo: service@shop.example\r\nSubject: odd\r\n"
                                 "Message-ID: <caf\xe9-1@example.com>\r\n\r\nbefore\0after\r\n", 113));
  ASSERT_EQ(odd.exit_code, 0) << odd.err;
  ASSERT_EQ(odd.result().at("kind").as_string(), "ticket_opened") << odd.out;
  auto odd_thread = conversation(odd.result().at("ticket_id").as_int64());
  ASSERT_EQ(odd_thread.size(), 1u);
  EXPECT_EQ(odd_thread[0].at("content").as_string(), "beforeafter");

  // A 12 MiB attachment: the ticket gets the text and a note; the file is left out.
  std::string huge_b64;
  {
    const std::string chunk(57, 'A');  // 57 bytes -> one 76-character base64 line
    std::string line = "QUFB";
    while (line.size() < 76) line += "QUFB";
    for (std::size_t n = 0; n < (12u << 20) / 57; ++n) huge_b64 += line + "\r\n";
  }
  const std::string huge = "From: big@example.com\r\nTo: service@shop.example\r\nSubject: photos\r\n"
                           "Message-ID: <huge-1@example.com>\r\nMIME-Version: 1.0\r\n"
                           "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                           "--b\r\nContent-Type: text/plain\r\n\r\nSee the photo.\r\n"
                           "--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=big.jpg\r\n"
                           "Content-Transfer-Encoding: base64\r\n\r\n" +
                           huge_b64 + "--b--\r\n";
  auto big = mail_in(huge);
  ASSERT_EQ(big.exit_code, 0) << big.err;
  ASSERT_EQ(big.result().at("kind").as_string(), "ticket_opened") << big.out.substr(0, 500);
  EXPECT_TRUE(big.result().at("attachment_ids").as_array().empty());
  auto big_thread = conversation(big.result().at("ticket_id").as_int64());
  ASSERT_EQ(big_thread.size(), 1u);
  const std::string big_content(big_thread[0].at("content").as_string());
  EXPECT_NE(big_content.find("See the photo."), std::string::npos);
  EXPECT_NE(big_content.find("\"big.jpg\""), std::string::npos) << big_content;
  EXPECT_NE(big_content.find("left out"), std::string::npos) << big_content;

  // Over 50 MiB: refused before anything is read into the database.
  const std::int64_t with_big = ticket_count();
  auto too_big = mail_in("From: big@example.com\r\nSubject: x\r\n\r\n" + std::string(51u << 20, 'x'));
  EXPECT_EQ(too_big.exit_code, 65);
  EXPECT_NE(too_big.err.find("50 MiB"), std::string::npos) << too_big.err;
  EXPECT_EQ(ticket_count(), with_big);
}

// The server polling an IMAP mailbox (tests/scripts/imap_server.py): each UNSEEN message taken in
// through the same path as mail-in and left \Seen; what is not an e-mail stays seen too.
class ServiceMailImap : public ServiceMail {
 protected:
  static void SetUpTestSuite() {
    maildir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                         ("ecrm-imap-" + std::to_string(getpid())));
    std::filesystem::create_directories(*maildir_);
    std::ofstream(*maildir_ / "1.eml", std::ios::binary) << fixture("html_latin1.eml");
    std::ofstream(*maildir_ / "2.eml", std::ios::binary) << "Subject: no sender\r\n\r\nnot an e-mail\r\n";
    std::ofstream(*maildir_ / "3.eml", std::ios::binary)
        << mail("zoe@example.fr", "Absence", "ooo@example.fr", "Auto-Submitted: auto-replied\r\n", "Away");
    imap_ = new SmtpServer({"--maildir", maildir_->string(), "--auth", "desk@shop.example:s3cret pass"},
                           "imap_server.py");
    const auto password = *maildir_ / "password";
    std::ofstream(password) << "s3cret pass\n";
    server_ = new ServerProcess(
        {"--imap-url", "imap://127.0.0.1:" + std::to_string(imap_->port()) + "/INBOX", "--imap-user",
         "desk@shop.example", "--imap-password-file", password.string(), "--imap-every", "0.2",
         "--mail-from", "Shop <service@shop.example>"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete imap_;
    imap_ = nullptr;
    std::filesystem::remove_all(*maildir_);
    delete maildir_;
  }

  // uid -> seen, as the IMAP server last set it.
  static std::map<std::int64_t, bool> flags() {
    std::map<std::int64_t, bool> out;
    for (const auto& r : imap_->received()) out[r.at("uid").as_int64()] = r.at("seen").as_bool();
    return out;
  }

  static SmtpServer* imap_;
  static std::filesystem::path* maildir_;
};
SmtpServer* ServiceMailImap::imap_ = nullptr;
std::filesystem::path* ServiceMailImap::maildir_ = nullptr;

TEST_F(ServiceMailImap, UnseenMessagesBecomeTicketsAndAreMarkedSeen) {
  auto wait_for = [](const std::function<bool()>& done) {
    for (int i = 0; i < 150 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return done();
  };
  ASSERT_TRUE(wait_for([] { return flags().size() == 3; })) << imap_->log();
  for (const auto& [uid, seen] : flags()) EXPECT_TRUE(seen) << uid;
  std::int64_t ticket_id = 0;
  ASSERT_TRUE(wait_for([&] {
    const auto body = get("/api/v1/tickets").json();
    const auto& items = body.at("items").as_array();
    if (items.size() != 1) return false;
    ticket_id = items[0].at("id").as_int64();
    return true;
  })) << get("/api/v1/tickets").body;
  EXPECT_EQ(ticket(ticket_id).at("subject").as_string(), "café froid");

  // A reply arriving later joins the ticket on a later pass.
  std::ofstream(*maildir_ / "4.eml", std::ios::binary)
      << mail("zoe@example.fr", "Re: café froid", "zoe-2@example.fr", "In-Reply-To: <html-1@example.fr>\r\n",
              "Toujours froid.");
  ASSERT_TRUE(wait_for([&] { return conversation(ticket_id).size() == 2; }));
  EXPECT_EQ(flags()[4], true);
  EXPECT_EQ(ticket_count(), 1);
}

}  // namespace
}  // namespace ecrm::testing
