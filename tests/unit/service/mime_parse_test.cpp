// Reading inbound service mail: real raw messages in tests/unit/service/mail/ (GB2312 base64 parts
// holding a GBK-only character, UTF-8 quoted-printable alternatives, ISO-8859-1 HTML, an unknown
// charset, a delivery report) and messages built here (auto-replies, oversized attachments,
// malformed input).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <glib.h>

#include "service/inbound_mime.hpp"

namespace ecrm::service {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(ECRM_TEST_SOURCE_DIR) + "/tests/unit/service/mail/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string plain(const std::string& headers, const std::string& body = "Hello\r\n") {
  return "From: someone@example.com\r\nTo: service@shop.example\r\nSubject: Hi\r\n"
         "Message-ID: <m@example.com>\r\n" +
         headers + "\r\n" + body;
}

TEST(MimeParse, Gb2312LabelledBase64PartDecodedAsGb18030) {
  auto mail = parse_mail(fixture("gb2312_base64.eml"));
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->from, "wang.xiaoming@example.cn");
  EXPECT_EQ(mail->from_name, "王小明");
  EXPECT_EQ(mail->subject, "订单问题：还没收到");
  EXPECT_EQ(mail->message_id, "gb-1@mail.example.cn");
  ASSERT_EQ(mail->cc.size(), 1u);
  EXPECT_EQ(mail->cc[0], "lilei@example.cn");
  ASSERT_EQ(mail->to.size(), 1u);
  EXPECT_EQ(mail->to[0], "service@shop.example");
  // 镕 is in GBK, not in GB2312: read as GB18030 it survives.
  EXPECT_EQ(mail->text, "您好，我的订单还没有收到。\n朱镕基路 88 号\n谢谢！");
  EXPECT_TRUE(mail->notes.empty()) << mail->notes.front();
  ASSERT_TRUE(mail->date.has_value());
  EXPECT_EQ(*mail->date, 1796264100000);  // 2026-12-03T02:15:00Z
  ASSERT_EQ(mail->attachments.size(), 1u);
  EXPECT_EQ(mail->attachments[0].filename, "发票.pdf");
  EXPECT_EQ(mail->attachments[0].content_type, "application/pdf");
  EXPECT_EQ(mail->attachments[0].bytes, std::string("%PDF-1.4\n% fake invoice\n\x00\x01\x02\xff\n%%EOF\n", 35));
  EXPECT_EQ(mail->automatic, "");
}

TEST(MimeParse, ReplyWithAlternativesQuotedPrintableAndHistory) {
  auto mail = parse_mail(fixture("reply_alternative.eml"));
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->in_reply_to, "ecrm.t12.1@shop.example");
  ASSERT_EQ(mail->references.size(), 2u);
  EXPECT_EQ(mail->references[0], "first@example.de");
  EXPECT_EQ(mail->references[1], "ecrm.t12.1@shop.example");
  EXPECT_EQ(mail->subject, "Re: [#T-12] Where is my order?");
  // text/plain preferred over text/html; the quoted history is out of the excerpt.
  EXPECT_NE(mail->text.find("> Tracking: SF123"), std::string::npos);
  EXPECT_EQ(mail->excerpt, "Thanks, the parcel arrived but the lid is cracked. Photo attached.");
  ASSERT_EQ(mail->attachments.size(), 1u);
  EXPECT_EQ(mail->attachments[0].filename, "lid.png");  // no path
  EXPECT_EQ(mail->attachments[0].content_type, "image/png");
  ASSERT_EQ(mail->attachments[0].bytes.size(), 256u);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(static_cast<unsigned char>(mail->attachments[0].bytes[i]), i);
}

TEST(MimeParse, HtmlOnlyLatin1QuotedPrintable) {
  auto mail = parse_mail(fixture("html_latin1.eml"));
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->subject, "café froid");
  EXPECT_EQ(mail->text, "Bonjour,\nLe café est arrivé & il est froid !\nMerci — Zoé");
}

TEST(MimeParse, UnknownCharsetDegradesWithANote) {
  auto mail = parse_mail(fixture("unknown_charset.eml"));
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->text, "Qapla\xEF\xBF\xBD\xEF\xBF\xBD batlh");
  ASSERT_EQ(mail->notes.size(), 1u);
  EXPECT_NE(mail->notes[0].find("unknown charset \"x-klingon-42\""), std::string::npos);
}

TEST(MimeParse, DeliveryReportIsAutomatic) {
  auto mail = parse_mail(fixture("dsn.eml"));
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_FALSE(mail->automatic.empty());
}

TEST(MimeParse, MachineSentMailIsAutomatic) {
  struct Case {
    std::string headers;
    bool automatic;
  };
  const Case cases[] = {
      {"Auto-Submitted: auto-replied\r\n", true},
      {"Auto-Submitted: auto-generated; owner-email=x@y\r\n", true},
      {"Auto-Submitted: no\r\n", false},
      {"Auto-Submitted: No\r\n", false},
      {"X-Autoreply: yes\r\n", true},
      {"X-Autorespond: vacation\r\n", true},
      {"Precedence: bulk\r\n", true},
      {"Precedence: junk\r\n", true},
      {"Precedence: auto_reply\r\n", true},
      {"Precedence: first-class\r\n", false},
      {"X-Auto-Response-Suppress: All\r\n", true},
      {"Return-Path: <>\r\n", true},
      {"X-Ecrm-Message: 12\r\n", true},
      {"", false},
  };
  for (const Case& c : cases) {
    auto mail = parse_mail(plain(c.headers));
    ASSERT_TRUE(mail.ok()) << c.headers;
    EXPECT_EQ(!mail->automatic.empty(), c.automatic) << c.headers << " -> " << mail->automatic;
  }
  for (const char* from : {"MAILER-DAEMON@mx.example.net", "postmaster@example.com", "service@shop.example"}) {
    auto mail = parse_mail(std::string("From: ") + from + "\r\nSubject: x\r\n\r\nbody\r\n", {},
                           {"service@shop.example"});
    ASSERT_TRUE(mail.ok());
    EXPECT_FALSE(mail->automatic.empty()) << from;
  }
}

TEST(MimeParse, OversizedAttachmentsAreLeftOutWithANote) {
  MailLimits limits;
  limits.max_attachment_bytes = 1000;
  limits.max_total_attachment_bytes = 1500;
  auto part = [](const std::string& name, std::size_t size) {
    return "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=" + name +
           "\r\n\r\n" + std::string(size, 'x') + "\r\n";
  };
  const std::string raw = plain("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n",
                                "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" + part("small.bin", 800) +
                                    part("huge.bin", 5000) + part("second.bin", 800) + "--b--\r\n");
  auto mail = parse_mail(raw, limits);
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->text, "see attached");
  ASSERT_EQ(mail->attachments.size(), 1u);
  EXPECT_EQ(mail->attachments[0].filename, "small.bin");
  ASSERT_EQ(mail->notes.size(), 2u);
  EXPECT_NE(mail->notes[0].find("\"huge.bin\" (5000 bytes) left out: larger than 1000 bytes"), std::string::npos);
  EXPECT_NE(mail->notes[1].find("\"second.bin\""), std::string::npos);
}

TEST(MimeParse, MalformedInputIsRefusedOrReadLeniently) {
  for (const std::string& bad : {std::string("\x00\x01\x02 binary", 10), std::string("just some words\n"),
                                 std::string(": no name\r\n\r\n"), std::string("Subject: no sender\r\n\r\nhi\r\n")}) {
    auto mail = parse_mail(bad);
    ASSERT_FALSE(mail.ok()) << bad;
    EXPECT_EQ(mail.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_FALSE(mail.error().message.empty());
  }
  // A multipart without its closing boundary, base64 with junk and a bad charset parameter: read.
  const std::string raw = plain(
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n",
      "--zz\r\nContent-Type: text/plain; charset=\"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "SGVsbG8g!!d29ybGQ=\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Disposition: attachment; filename=\r\n\r\nunterminated");
  auto mail = parse_mail(raw);
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->text, "Hello world");
  ASSERT_EQ(mail->attachments.size(), 1u);
}

TEST(MimeParse, EncodedWordsInGbkUnderAGb2312Label) {
  auto mail = parse_mail(
      "From: =?gb2312?B?1uzpRrv5?= <zhu@example.cn>\r\nSubject: =?gb2312?B?1uzpRrv5?= =?GBK?Q?=E9=46?=\r\n"
      "Message-ID: <x@example.cn>\r\n\r\nhi\r\n");
  ASSERT_TRUE(mail.ok()) << mail.error().message;
  EXPECT_EQ(mail->subject, "朱镕基镕");
  EXPECT_EQ(mail->from_name, "朱镕基");
}

// Every prefix of every fixture, and copies with bytes flipped: an answer (a mail or an error),
// never a crash, and the text is always valid UTF-8.
TEST(MimeParse, TruncatedAndDamagedMessagesNeverCrash) {
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  for (const char* name : {"gb2312_base64.eml", "reply_alternative.eml", "html_latin1.eml", "unknown_charset.eml",
                           "dsn.eml"}) {
    const std::string raw = fixture(name);
    for (std::size_t cut = 0; cut <= raw.size(); cut += 7) {
      auto mail = parse_mail(raw.substr(0, cut));
      if (mail.ok()) {
        EXPECT_TRUE(g_utf8_validate(mail->text.data(), static_cast<gssize>(mail->text.size()), nullptr)) << name << cut;
        EXPECT_TRUE(g_utf8_validate(mail->subject.data(), static_cast<gssize>(mail->subject.size()), nullptr));
      } else {
        EXPECT_EQ(mail.error().kind, ErrorKind::kInvalidArgument);
      }
    }
    for (int round = 0; round < 200; ++round) {
      std::string damaged = raw;
      for (int flips = 0; flips < 8; ++flips) damaged[next() % damaged.size()] = static_cast<char>(next() & 0xFF);
      auto mail = parse_mail(damaged);
      if (mail.ok()) {
        EXPECT_TRUE(g_utf8_validate(mail->text.data(), static_cast<gssize>(mail->text.size()), nullptr)) << name;
        for (const auto& a : mail->attachments) EXPECT_FALSE(a.filename.empty());
      }
    }
  }
}

TEST(MimeParse, CharsetConversion) {
  std::string note;
  EXPECT_EQ(to_utf8("\xD6\xD0\xCE\xC4", "GB2312", &note), "中文");
  EXPECT_EQ(to_utf8("\xE9\x46", "gbk", &note), "镕");
  EXPECT_EQ(to_utf8("\x81\x30\x81\x30", "GB18030", &note), "\xC2\x80");
  EXPECT_TRUE(note.empty());
  EXPECT_EQ(to_utf8("caf\xE9", "iso-8859-1"), "café");
  EXPECT_EQ(to_utf8("\xA4", "ISO-8859-15"), "€");
  EXPECT_EQ(to_utf8("ok\xFF", "utf-8"), "ok\xEF\xBF\xBD");
  EXPECT_EQ(to_utf8("\xD6\xD0\xFF", "gb2312", &note), "中\xEF\xBF\xBD");
  EXPECT_FALSE(note.empty());
}

TEST(MimeParse, QuotedHistoryStripped) {
  EXPECT_EQ(strip_quoted("新的问题\n\n在 2026年12月2日 09:00，客服 <s@shop> 写道：\n> 旧的"), "新的问题");
  EXPECT_EQ(strip_quoted("New text\n\n-----Original Message-----\nFrom: x\nold"), "New text");
  EXPECT_EQ(strip_quoted("Top\n\nFrom: Shop <s@shop>\nSent: Monday\n\nold"), "Top");
  EXPECT_EQ(strip_quoted("On Mon, Shop <s@shop>\nwrote:\n> old"), "On Mon, Shop <s@shop>\nwrote:\n> old");
  EXPECT_EQ(strip_quoted("> only a quote"), "> only a quote");
}

}  // namespace
}  // namespace ecrm::service
