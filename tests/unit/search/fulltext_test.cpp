#include "search/fulltext.hpp"

#include <gtest/gtest.h>

namespace ecrm::search {
namespace {

const std::string kM(kBigramMarker);

std::string marked(const Highlight& h) {
  std::string out;
  for (const Segment& s : h.segments) out += s.match ? "[" + s.text + "]" : s.text;
  return out;
}

TEST(FullTextQuery, SegmentsOnceAndDropsRepeats) {
  const FullTextQuery q = parse_fulltext_query("  Batteries battery 退货  ");
  EXPECT_EQ(q.text, "Batteries battery 退货");
  ASSERT_EQ(q.words.size(), 2u);
  EXPECT_EQ(q.words[0].text, "batteri");
  EXPECT_EQ(q.words[1].text, "退货");
  EXPECT_TRUE(parse_fulltext_query(" ,.!? ").empty());
  EXPECT_TRUE(parse_fulltext_query("").empty());
  // Cut at a character boundary.
  std::string long_query;
  for (int i = 0; i < 100; ++i) long_query += "货";
  const FullTextQuery cut = parse_fulltext_query(long_query);
  EXPECT_LE(cut.text.size(), kMaxQueryBytes);
  EXPECT_EQ(cut.text.size() % 3, 0u);
}

TEST(FullTextQuery, ExpressionsAndEveryWordWithTheCjkFallback) {
  const FullTextQuery q = parse_fulltext_query("battery 退货 售后");
  EXPECT_EQ(fts5_expression(q), "\"batteri\" AND (\"退货\" OR \"" + kM + "退货\") AND (\"售后\" OR \"" +
                                    kM + "售后\")");
  EXPECT_EQ(tsquery_text(q),
            "'batteri' & ('退货' | ('" + kM + "退货')) & ('售后' | ('" + kM + "售后'))");
  const FullTextQuery longer = parse_fulltext_query("性价比");
  EXPECT_EQ(fts5_expression(longer), "(\"性价比\" OR \"" + kM + "性价 " + kM + "价比\")");
  EXPECT_EQ(tsquery_text(longer),
            "('性价比' | ('" + kM + "性价' <-> '" + kM + "价比'))");
  // PostgreSQL matches a two-character CJK word by its bigram alone (the same rows), a longer
  // one as tsquery_text does.
  EXPECT_EQ(tsquery_match_text(q), "'batteri' & '" + kM + "退货' & '" + kM + "售后'");
  EXPECT_EQ(tsquery_match_text(longer), tsquery_text(longer));
  // A word with a quote cannot break out of its string.
  FullTextQuery odd;
  odd.words.push_back(Word{"a\"b'c\\", 0, 6, false});
  EXPECT_EQ(fts5_expression(odd), "\"a\"\"b'c\\\"");
  EXPECT_EQ(tsquery_text(odd), "'a\"b''c\\\\'");
}

TEST(FullTextSql, BuildsTheRankedStatementPerBackend) {
  const FullTextIndex index{"posts", "words", "posts_fts"};
  const FullTextQuery q = parse_fulltext_query("battery");
  auto filter = [](Sql& sql, std::string_view alias) {
    sql << " AND " << std::string(alias) << ".status = ";
    sql.bind(std::string("visible"));
  };
  // Every match ranked.
  const Sql lite = fulltext_sql(storage::Backend::kSqlite, index, q, filter, {10, 20, 0});
  EXPECT_EQ(lite.text(),
            "SELECT ft.id, (-bm25(posts_fts)) AS relevance FROM posts_fts CROSS JOIN posts ft ON "
            "ft.id = posts_fts.rowid WHERE posts_fts MATCH $1 AND ft.status = $2 ORDER BY "
            "relevance DESC, ft.id DESC LIMIT $3 OFFSET $4");
  const Sql pg = fulltext_sql(storage::Backend::kPostgres, index, q, nullptr, {10, 0, 0});
  EXPECT_EQ(pg.text(),
            "SELECT ft.id, ts_rank_cd(to_tsvector('simple', ft.words), to_tsquery('simple', $1), 1) "
            "AS relevance FROM posts ft WHERE to_tsvector('simple', ft.words) @@ "
            "to_tsquery('simple', $2) ORDER BY relevance DESC, ft.id DESC LIMIT $3 OFFSET $4");
  EXPECT_EQ(pg.params().size(), 4u);
  // The newest matches of the filter ranked (the default), the stored tsvector on PostgreSQL.
  const Sql lite_window = fulltext_sql(storage::Backend::kSqlite, index, q, filter, {10, 20});
  EXPECT_EQ(lite_window.text(),
            "SELECT w.id, w.relevance FROM (SELECT ft.id AS id, (-bm25(posts_fts)) AS relevance "
            "FROM posts_fts CROSS JOIN posts ft ON ft.id = posts_fts.rowid WHERE posts_fts MATCH $1 "
            "AND ft.status = $2 ORDER BY posts_fts.rowid DESC LIMIT $3) w ORDER BY relevance DESC, "
            "w.id DESC LIMIT $4 OFFSET $5");
  EXPECT_EQ(std::get<std::int64_t>(lite_window.params()[2]), kRankWindow);
  const FullTextIndex stored{"posts", "words", "posts_fts", "words_tsv"};
  const Sql pg_window = fulltext_sql(storage::Backend::kPostgres, stored, q, filter, {10, 0});
  EXPECT_EQ(pg_window.text(),
            "SELECT w.id, ts_rank_cd(w.words_vector, to_tsquery('simple', $1), 1) AS relevance "
            "FROM (SELECT ft.id AS id, ft.words_tsv AS words_vector FROM posts ft WHERE "
            "ft.words_tsv @@ to_tsquery('simple', $2) AND ft.status = $3 ORDER BY ft.id DESC "
            "LIMIT $4) w ORDER BY relevance DESC, w.id DESC LIMIT $5 OFFSET $6");
  // A side table: read alone, joined to the table for a filter.
  const FullTextIndex side{"posts", "words", "posts_fts", "words_tsv", "posts_words"};
  const Sql pg_side = fulltext_sql(storage::Backend::kPostgres, side, q, nullptr, {10, 0});
  EXPECT_EQ(pg_side.text(),
            "SELECT w.id, ts_rank_cd(w.words_vector, to_tsquery('simple', $1), 1) AS relevance "
            "FROM (SELECT ft_words.id AS id, ft_words.words_tsv AS words_vector FROM posts_words "
            "ft_words WHERE ft_words.words_tsv @@ to_tsquery('simple', $2) ORDER BY ft_words.id "
            "DESC LIMIT $3) w ORDER BY relevance DESC, w.id DESC LIMIT $4 OFFSET $5");
  const Sql pg_side_filter = fulltext_sql(storage::Backend::kPostgres, side, q, filter, {10, 0, 0});
  EXPECT_EQ(pg_side_filter.text(),
            "SELECT ft_words.id, ts_rank_cd(ft_words.words_tsv, to_tsquery('simple', $1), 1) AS "
            "relevance FROM posts_words ft_words JOIN posts ft ON ft.id = ft_words.id WHERE "
            "ft_words.words_tsv @@ to_tsquery('simple', $2) AND ft.status = $3 ORDER BY "
            "relevance DESC, ft_words.id DESC LIMIT $4 OFFSET $5");
  EXPECT_EQ(fulltext_from(storage::Backend::kPostgres, side, "p"),
            "posts p JOIN posts_words p_words ON p_words.id = p.id");
}

TEST(FullTextHighlight, MarksWordsStemsAndCjkOccurrences) {
  const FullTextQuery q = parse_fulltext_query("battery 退货");
  auto h = highlight_fulltext("body", "The Batteries died; 我申请退货了。", q);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->field, "body");
  EXPECT_EQ(marked(*h), "The [Batteries] died; 我申请[退货]了。");
  EXPECT_FALSE(highlight_fulltext("body", "nothing here", q));
  EXPECT_FALSE(highlight_fulltext("body", "", q));
}

TEST(FullTextHighlight, CutsASnippetAroundTheFirstMatch) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "word ";
  text += "battery ";
  for (int i = 0; i < 50; ++i) text += "more ";
  const FullTextQuery q = parse_fulltext_query("battery");
  auto h = highlight_fulltext("body", text, q, 40);
  ASSERT_TRUE(h);
  const std::string shown = marked(*h);
  EXPECT_EQ(shown.rfind("…", 0), 0u) << shown;
  EXPECT_NE(shown.find("[battery]"), std::string::npos) << shown;
  EXPECT_EQ(shown.substr(shown.size() - 3), "…");
  EXPECT_LE(count_chars(shown), 40u + 2u + 2u);
  // A short text is shown whole.
  auto whole = highlight_fulltext("body", "battery ok", q, 40);
  ASSERT_TRUE(whole);
  EXPECT_EQ(marked(*whole), "[battery] ok");
}

}  // namespace
}  // namespace ecrm::search
