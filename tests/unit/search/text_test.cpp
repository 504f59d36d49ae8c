#include "search/text.hpp"

#include <gtest/gtest.h>

#include "search/index.hpp"

namespace ecrm::search {
namespace {

std::string marked(const std::string& value) { return std::string(2, kStart) + value + kEnd; }

TEST(SearchDocument, MarksEachFieldFoldsAsciiAndSkipsEmptyOnes) {
  Document doc;
  doc.field("  Wang Fang ").field("").field("WANG@QQ.COM").field("王芳").phone("+86 (139) 1234-5678");
  EXPECT_EQ(doc.text(), marked("wang fang") + " " + marked("wang@qq.com") + " " + marked("王芳") +
                            " " + marked("8613912345678"));
  // Markers typed into a value cannot fake a field boundary.
  Document odd;
  odd.field(std::string("a") + kStart + kEnd + "b");
  EXPECT_EQ(odd.text(), marked("a  b"));
}

TEST(SearchQuery, NormalisesAndRecognisesPhoneNumbers) {
  Query q = parse_query("  +86  139-1234 ");
  EXPECT_EQ(q.text, "+86 139-1234");
  ASSERT_TRUE(q.digits);
  EXPECT_EQ(*q.digits, "861391234");
  EXPECT_TRUE(q.substring_searchable());

  Query digits = parse_query("13912");
  EXPECT_FALSE(digits.digits) << "the text is the digits already";

  Query name = parse_query("Wang\tFANG");
  EXPECT_EQ(name.text, "wang fang");
  EXPECT_FALSE(name.digits);
  EXPECT_EQ(name.words, (std::vector<std::string>{"wang", "fang"}));

  Query chinese = parse_query("王芳");
  EXPECT_EQ(chinese.characters, 2u);
  EXPECT_FALSE(chinese.substring_searchable()) << "two characters have no trigram";
  EXPECT_EQ(parse_query("阳娜娜").characters, 3u);

  EXPECT_TRUE(parse_query(" \t\x02 ").empty());
  // Cut at a character boundary.
  std::string long_text;
  while (long_text.size() < kMaxQueryBytes + 10) long_text += "阳";
  Query cut = parse_query(long_text);
  EXPECT_LE(cut.text.size(), kMaxQueryBytes);
  EXPECT_EQ(cut.text.size() % 3, 0u);
}

TEST(SearchHighlight, MarksEveryOccurrenceKeepingTheOriginalCase) {
  auto h = highlight("name", "Wang Wangfang", parse_query("WANG"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->field, "name");
  ASSERT_EQ(h->segments.size(), 4u);
  EXPECT_EQ(h->segments[0].text, "Wang");
  EXPECT_TRUE(h->segments[0].match);
  EXPECT_EQ(h->segments[1].text, " ");
  EXPECT_FALSE(h->segments[1].match);
  EXPECT_EQ(h->segments[2].text, "Wang");
  EXPECT_TRUE(h->segments[2].match);
  EXPECT_EQ(h->segments[3].text, "fang");
  EXPECT_FALSE(highlight("name", "Li Na", parse_query("wang")));
  // Short queries match prefixes only.
  EXPECT_TRUE(highlight("name", "Wa Ng", parse_query("wa")));
  EXPECT_FALSE(highlight("name", "Ng Wa", parse_query("wa")));
}

TEST(SearchHighlight, PhoneDigitsAreFoundHoweverTheNumberIsWritten) {
  auto h = highlight_phone("phone", "+86 139 1234 5678", parse_query("139-1234"));
  ASSERT_TRUE(h);
  ASSERT_EQ(h->segments.size(), 3u);
  EXPECT_EQ(h->segments[0].text, "+86 ");
  EXPECT_EQ(h->segments[1].text, "139 1234");
  EXPECT_TRUE(h->segments[1].match);
  EXPECT_EQ(h->segments[2].text, " 5678");
  EXPECT_FALSE(highlight_phone("phone", "+86 139 1234 5678", parse_query("999-888")));
}

TEST(SearchSql, EachBackendGetsItsOwnMatch) {
  const TextIndex index{"things", {"search_text"}, "things_search"};
  const Query q = parse_query("ab\"c");
  Sql sqlite(storage::Backend::kSqlite);
  append_match(sqlite, index, "t", q, MatchRank::kSubstring);
  EXPECT_EQ(sqlite.text(), "things_search MATCH $1");
  ASSERT_EQ(sqlite.params().size(), 1u);
  EXPECT_EQ(std::get<std::string>(sqlite.params()[0]),
            "(\"ab\"\"c\") NOT (\"" + std::string(1, kStart) + "ab\"\"c\")");
  // Under three characters the field's two markers make the trigram.
  Sql short_query(storage::Backend::kSqlite);
  append_match(short_query, index, "t", parse_query("Ab"), MatchRank::kExact);
  EXPECT_EQ(std::get<std::string>(short_query.params()[0]),
            "(\"" + std::string(2, kStart) + "ab" + kEnd + "\")");

  // PostgreSQL: the exact rank from the fields' GIN index, the others with LIKE (escaped).
  Sql exact(storage::Backend::kPostgres);
  append_match(exact, index, "t", parse_query("5%_"), MatchRank::kExact);
  EXPECT_EQ(exact.text(), "(search_fields(t.search_text) && ARRAY[$1]::text[])");
  EXPECT_EQ(std::get<std::string>(exact.params()[0]), "5%_");
  Sql pg(storage::Backend::kPostgres);
  append_match(pg, index, "t", parse_query("5%_"), MatchRank::kPrefix);
  // strpos() on the document decides; LIKE on its trigram text (markers written as the letter
  // U+01C2, which pg_trgm keeps) is what the trigram index answers.
  EXPECT_EQ(pg.text(),
            "((strpos(t.search_text, $1) <> 0 AND search_trigram_text(t.search_text) LIKE $2)) "
            "AND NOT (search_fields(t.search_text) && ARRAY[$3]::text[])");
  ASSERT_EQ(pg.params().size(), 3u);
  EXPECT_EQ(std::get<std::string>(pg.params()[0]), std::string(1, kStart) + "5%_");
  EXPECT_EQ(std::get<std::string>(pg.params()[1]), "%\xC7\x82" "5\\%\\_%");
  EXPECT_EQ(std::get<std::string>(pg.params()[2]), "5%_");
}

}  // namespace
}  // namespace ecrm::search
