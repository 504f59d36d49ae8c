// The delivery worker's outcome journal: records written and read back, a line cut short by a
// crash skipped, one process at a time, segments removed once folded.
#include "messaging/journal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace ecrm::messaging {
namespace {

namespace fs = std::filesystem;

class Journal : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("ecrm-journal-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir_);
    path_ = (dir_ / "db-delivery").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static JournalRecord record(std::int64_t id) {
    JournalRecord r;
    r.message_id = id;
    r.customer_id = 1000 + id;
    r.attempts = 2;
    r.outcome.status = MessageStatus::kSent;
    r.outcome.smtp_reply = "250 2.0.0 Ok: queued as " + std::to_string(id);
    r.outcome.language = "zh-CN";
    r.outcome.to = "王小明 <wang@example.com>";
    r.outcome.subject = "春季新品\n\"quoted\"";  // a line end inside a field stays one line
    r.outcome.digest = "abc";
    r.event = "sent";
    r.at = 1'700'000'000'000 + id;
    return r;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(Journal, ARecordIsOneLineThatReadsBackAsWritten) {
  JournalRecord r = record(7);
  r.outcome.status = MessageStatus::kQueued;
  r.outcome.attempted = false;
  r.outcome.next_attempt_at = 123;
  r.outcome.reason = "frequency cap: 1 marketing message a day";
  r.detail = "detail";
  const std::string line = journal_line(r);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  auto back = parse_journal_line(line);
  ASSERT_TRUE(back.has_value()) << line;
  EXPECT_EQ(back->message_id, 7);
  EXPECT_EQ(back->customer_id, 1007);
  EXPECT_EQ(back->attempts, 2);
  EXPECT_EQ(back->outcome.status, MessageStatus::kQueued);
  EXPECT_FALSE(back->outcome.attempted);
  EXPECT_EQ(back->outcome.next_attempt_at, 123);
  EXPECT_EQ(back->outcome.reason, r.outcome.reason);
  EXPECT_EQ(back->outcome.smtp_reply, r.outcome.smtp_reply);
  EXPECT_EQ(back->outcome.to, r.outcome.to);
  EXPECT_EQ(back->outcome.subject, r.outcome.subject);
  EXPECT_EQ(back->event, "sent");
  EXPECT_EQ(back->detail, "detail");
  EXPECT_EQ(back->at, r.at);
}

// The line is the JSON text of the record as an object, fields in their order (a journal written
// by an older build reads the same).
TEST_F(Journal, ALineIsTheRecordsJsonObject) {
  JournalRecord r = record(9);
  r.outcome.reason = "tab\there, \\ and \x01";
  r.outcome.next_attempt_at = -5;
  r.detail = "550 5.1.1 <x@example.com>: Recipient address rejected";
  namespace json = boost::json;
  const std::string expected = json::serialize(json::object{{"id", 9},
                                                            {"customer", 1009},
                                                            {"attempts", 2},
                                                            {"status", "sent"},
                                                            {"reason", r.outcome.reason},
                                                            {"reply", r.outcome.smtp_reply},
                                                            {"next", -5},
                                                            {"language", "zh-CN"},
                                                            {"to", r.outcome.to},
                                                            {"subject", r.outcome.subject},
                                                            {"digest", "abc"},
                                                            {"attempted", true},
                                                            {"event", "sent"},
                                                            {"detail", r.detail},
                                                            {"at", r.at}});
  EXPECT_EQ(journal_line(r), expected);
}

TEST_F(Journal, ALineCutShortOrNotARecordIsSkipped) {
  const std::string line = journal_line(record(1));
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, line.size() / 2, line.size() - 1}) {
    EXPECT_FALSE(parse_journal_line(line.substr(0, n)).has_value()) << n;
  }
  EXPECT_FALSE(parse_journal_line("{\"id\":1}").has_value());
  EXPECT_FALSE(parse_journal_line(std::string(40, '\0')).has_value());
}

TEST_F(Journal, SegmentsAreReadInOrderWithATornTailSkippedAndRemovedOnceFolded) {
  auto journal = OutcomeJournal::open(path_);
  ASSERT_TRUE(journal.ok()) << journal.error().message;
  ASSERT_NE(*journal, nullptr);
  {
    auto first = (*journal)->writer(0);
    auto second = (*journal)->writer(1);
    ASSERT_TRUE(first.ok() && second.ok());
    ASSERT_TRUE((*first)->append(record(1)).ok());
    ASSERT_TRUE((*first)->append(record(2)).ok());
    ASSERT_TRUE((*second)->append(record(3)).ok());
  }
  // A process killed in the middle of a write: the end of a segment is part of a line.
  {
    std::ofstream torn(path_ + ".1", std::ios::app | std::ios::binary);
    const std::string line = journal_line(record(4));
    torn << line.substr(0, line.size() / 2);
  }
  auto read = (*journal)->read_segments();
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 3u);
  EXPECT_EQ((*read)[0].message_id, 1);
  EXPECT_EQ((*read)[1].message_id, 2);
  EXPECT_EQ((*read)[2].message_id, 3);
  ASSERT_TRUE((*journal)->remove_segments().ok());
  EXPECT_FALSE(fs::exists(path_ + ".0"));
  EXPECT_FALSE(fs::exists(path_ + ".1"));
  auto again = (*journal)->read_segments();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST_F(Journal, AClearedSegmentStartsEmptyAndARemovedOneIsGone) {
  auto journal = OutcomeJournal::open(path_);
  ASSERT_TRUE(journal.ok() && *journal);
  auto writer = (*journal)->writer(0);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->append(record(1)).ok());
  ASSERT_TRUE((*writer)->clear().ok());
  ASSERT_TRUE((*writer)->append(record(2)).ok());
  auto read = (*journal)->read_segments();
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(read->front().message_id, 2);
  (*writer)->remove();
  EXPECT_FALSE(fs::exists(path_ + ".0"));
}

TEST_F(Journal, OneHolderAtATime) {
  auto first = OutcomeJournal::open(path_);
  ASSERT_TRUE(first.ok() && *first);
  // Another open file description, as another process would have: refused while held.
  auto second = OutcomeJournal::open(path_);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(*second, nullptr);
  first->reset();
  auto third = OutcomeJournal::open(path_);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*third, nullptr);
}

TEST_F(Journal, ADirectoryThatDoesNotExistIsAnError) {
  auto journal = OutcomeJournal::open((dir_ / "missing" / "db-delivery").string());
  EXPECT_FALSE(journal.ok());
}

}  // namespace
}  // namespace ecrm::messaging
