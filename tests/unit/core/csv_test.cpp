#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace ecrm {
namespace {

std::vector<std::vector<std::string>> read_all(const std::string& text,
                                               std::vector<std::int64_t>* lines = nullptr) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> fields;
  while (true) {
    auto more = reader.next(fields);
    EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().message);
    if (!more.ok() || !*more) break;
    out.push_back(fields);
    if (lines) lines->push_back(reader.line());
  }
  return out;
}

TEST(Csv, ReadsQuotedFieldsAndTracksPhysicalLines) {
  std::vector<std::int64_t> lines;
  auto rows = read_all("a,b,c\r\n1,\"x, y\",3\n\n2,\"multi\nline\",\"q\"\"uote\"\n4,,\n", &lines);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "x, y", "3"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "multi\nline", "q\"uote"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"4", "", ""}));
  EXPECT_EQ(lines, (std::vector<std::int64_t>{1, 2, 4, 6}));
}

TEST(Csv, LastLineWithoutNewline) {
  auto rows = read_all("a,b\n1,2");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "2"}));
}

TEST(Csv, UnterminatedQuoteIsAnErrorNamingTheLine) {
  std::istringstream in("a,b\n1,2\n3,\"open\n4,5\n");
  CsvReader reader(in);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.next(fields));
  ASSERT_TRUE(*reader.next(fields));
  auto result = reader.next(fields);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message.rfind("line 3: ", 0), 0u) << result.error().message;
}

TEST(Csv, HeaderFindsColumnsAndReportsMissingOnes) {
  CsvHeader header({"\xEF\xBB\xBF" "customer_id", " date ", "amount"});
  EXPECT_EQ(header.find("customer_id"), 0u);
  EXPECT_EQ(header.find("date"), 1u);
  auto missing = header.require("T");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "line 1: missing column 'T'");
  EXPECT_EQ(missing.error().field, "T");
}

TEST(Csv, WriterQuotesOnlyWhenNeeded) {
  std::ostringstream out;
  CsvWriter writer(out);
  writer.write_row({"plain", "with,comma", "with \"quote\"", "line\nbreak", ""});
  EXPECT_EQ(out.str(), "plain,\"with,comma\",\"with \"\"quote\"\"\",\"line\nbreak\",\n");
  std::istringstream back(out.str());
  CsvReader reader(back);
  std::vector<std::string> fields;
  ASSERT_TRUE(*reader.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"plain", "with,comma", "with \"quote\"", "line\nbreak", ""}));
}

}  // namespace
}  // namespace ecrm
