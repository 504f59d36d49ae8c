// Full-text search (src/search/fulltext.hpp) on a real database of each backend: a table made
// searchable by the header's recipe (SQLite FTS5 unicode61 over the words column with its
// triggers, PostgreSQL a GIN index over to_tsvector('simple', words)), written and searched
// through the search layer. Chinese words inside sentences, English stems, ranking, writes and
// deletes showing at once, filters and paging, the bulk deferral, and the learned words' table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "harness.hpp"
#include "search/fulltext.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

using storage::Backend;

const search::FullTextIndex kIndex{"ft_posts", "words", "ft_posts_fts", "words_tsv"};
// The same table read through the expression (PostgreSQL: to_tsvector of the words, no index).
const search::FullTextIndex kExpression{"ft_posts", "words", "ft_posts_fts"};
// PostgreSQL: the same words in the header's side table, kept by its triggers (SQLite: kIndex).
const search::FullTextIndex kSide{"ft_posts", "words", "ft_posts_fts", "words_tsv",
                                  "ft_posts_search"};

constexpr std::string_view kSqliteSchema = R"sql(
CREATE TABLE ft_posts (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'visible',
  words TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE ft_posts_fts USING fts5(
  words, content = 'ft_posts', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER ft_posts_fts_insert AFTER INSERT ON ft_posts
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'ft_posts_fts') BEGIN
  INSERT INTO ft_posts_fts (rowid, words) VALUES (new.id, new.words);
END;
CREATE TRIGGER ft_posts_fts_update AFTER UPDATE OF words ON ft_posts
  WHEN old.words IS NOT new.words
   AND NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'ft_posts_fts' AND after_id < old.id) BEGIN
  INSERT INTO ft_posts_fts (ft_posts_fts, rowid, words) VALUES ('delete', old.id, old.words);
  INSERT INTO ft_posts_fts (rowid, words) VALUES (new.id, new.words);
END;
CREATE TRIGGER ft_posts_fts_delete AFTER DELETE ON ft_posts
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
                   WHERE index_name = 'ft_posts_fts' AND after_id < old.id) BEGIN
  INSERT INTO ft_posts_fts (ft_posts_fts, rowid, words) VALUES ('delete', old.id, old.words);
END;
)sql";

constexpr std::string_view kPostgresSchema = R"sql(
CREATE TABLE ft_posts (
  id BIGSERIAL PRIMARY KEY,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'visible',
  words TEXT NOT NULL DEFAULT ''
);
ALTER TABLE ft_posts ADD COLUMN words_tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED;
CREATE INDEX ft_posts_words ON ft_posts USING gin (words_tsv);
)sql";

class FullText : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    auto opened = storage::open_database(server_->db_url(), {.max_connections = 1});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = opened->release();
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    // PostgreSQL: the words also in kSide's side table, made by the search layer's script.
    const std::string schema =
        db_->backend() == Backend::kSqlite
            ? std::string(kSqliteSchema)
            : std::string(kPostgresSchema) + search::postgres_side_table_script(kSide, false);
    auto made = (*lease)->execute_script(schema);
    ASSERT_TRUE(made.ok()) << made.error().message;
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute("DELETE FROM ft_posts").ok());
  }

  // Inserts a post, its words segmented by `segmenter`, and returns its id.
  std::int64_t post(const std::string& body,
                    const search::Segmenter& segmenter = search::Segmenter::shared()) {
    auto lease = db_->acquire();
    EXPECT_TRUE(lease.ok());
    std::optional<std::int64_t> id;
    auto done = (*lease)->query("INSERT INTO ft_posts (body, words) VALUES ($1, $2) RETURNING id",
                                {body, segmenter.terms(body)},
                                [&](const storage::RowView& row) { id = row.get_int(0); });
    EXPECT_TRUE(done.ok()) << done.error().message;
    return id.value_or(0);
  }

  std::vector<std::int64_t> found(const std::string& text,
                                  const search::FullTextFilter& filter = nullptr,
                                  search::FullTextPage page = {50, 0},
                                  const search::Segmenter& segmenter = search::Segmenter::shared(),
                                  const search::FullTextIndex& index = kIndex) {
    const auto query = search::parse_fulltext_query(text, segmenter);
    auto lease = db_->acquire();
    EXPECT_TRUE(lease.ok());
    auto hits = search::fulltext_search(**lease, index, query, filter, page);
    EXPECT_TRUE(hits.ok()) << hits.error().message;
    std::vector<std::int64_t> out;
    if (!hits.ok()) return out;
    for (const auto& hit : *hits) out.push_back(hit.id);
    if (&index == &kIndex) {
      // The side table's staged plan finds the same page as the one statement.
      auto side = search::fulltext_search(**lease, kSide, query, filter, page);
      EXPECT_TRUE(side.ok()) << side.error().message;
      std::vector<std::int64_t> side_ids;
      if (side.ok()) {
        for (const auto& hit : *side) side_ids.push_back(hit.id);
      }
      EXPECT_EQ(side_ids, out) << text;
    }
    return out;
  }

  void execute(const std::string& sql, std::initializer_list<storage::Value> params) {
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    auto done = (*lease)->execute(sql, params);
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  inline static ServerProcess* server_ = nullptr;
  inline static storage::Database* db_ = nullptr;
};

using Ids = std::vector<std::int64_t>;

TEST_F(FullText, FindsAChineseWordInsideASentence) {
  const auto returned = post("我上周申请退货了，到现在还没有退款。");
  const auto service = post("客服态度很好，回复很快");
  const auto apart = post("我想退还这件货");  // 退 and 货, not the word
  post("The battery died after a week");
  EXPECT_EQ(found("退货"), Ids{returned});
  EXPECT_EQ(found("客服"), Ids{service});
  EXPECT_EQ(found("退款"), Ids{returned});
  // Several words: every one must be there.
  EXPECT_EQ(found("退货 退款"), Ids{returned});
  EXPECT_EQ(found("退货 客服"), Ids{});
  (void)apart;
}

TEST_F(FullText, FindsAChineseWordWhereTheDocumentWasSegmentedOtherwise) {
  // The document was indexed when 申请退货 was one word (a learned word, since dropped); the
  // query 退货 is found through the character bigrams.
  const search::Segmenter then({"申请退货"});
  ASSERT_NE(then.words_text("我申请退货了").find("申请退货"), std::string::npos);
  const auto id = post("我申请退货了", then);
  EXPECT_EQ(found("退货"), Ids{id});
  // And a query word the documents never had as a word: a product name learned later.
  const auto kettle = post("新款蓝鲸壶很好用");
  const search::Segmenter now({"蓝鲸壶"});
  EXPECT_EQ(found("蓝鲸壶", nullptr, {50, 0}, now), Ids{kettle});
  EXPECT_EQ(found("蓝鲸壶好用", nullptr, {50, 0}, now), Ids{kettle});
}

TEST_F(FullText, FindsEnglishByStem) {
  const auto battery = post("The battery drains in two hours");
  const auto charging = post("Charging is slow, the charger gets hot");
  post("Great screen");
  EXPECT_EQ(found("batteries"), Ids{battery});
  EXPECT_EQ(found("BATTERY"), Ids{battery});
  EXPECT_EQ(found("charged"), Ids{charging});
  EXPECT_EQ(found("hot charges"), Ids{charging});
  // Mixed Chinese and English in one query.
  const auto mixed = post("iPhone的电池batteries续航差");
  EXPECT_EQ(found("iphone 续航"), Ids{mixed});
  auto both = found("battery");
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, (Ids{battery, mixed}));
  // Read through the expression instead of the stored tsvector: the same.
  for (const char* text : {"batteries", "charged", "iphone 续航", "退货"}) {
    EXPECT_EQ(found(text, nullptr, {50, 0}, search::Segmenter::shared(), kExpression), found(text))
        << text;
    EXPECT_EQ(found(text, nullptr, {50, 0, 0}), found(text)) << text;
  }
}

TEST_F(FullText, RanksMoreAndDenserMatchesFirst) {
  const auto sparse = post(
      "A long story about my trip, the hotel, the food, the weather, the people I met and, at "
      "the very end, the battery of my camera");
  const auto single = post("battery");
  const auto many = post("battery battery battery problem");
  EXPECT_EQ(found("battery"), (Ids{many, single, sparse}));
  const auto zh_sparse = post("这次旅行很开心，风景很美，酒店也不错，就是相机的续航一般");
  const auto zh_dense = post("续航很差，续航真的太差了，续航");
  EXPECT_EQ(found("续航"), (Ids{zh_dense, zh_sparse}));
}

TEST_F(FullText, WritesAndDeletesShowAtOnce) {
  const auto id = post("The battery is great");
  EXPECT_EQ(found("battery"), Ids{id});
  const std::string body = "屏幕有划痕，要换货";
  execute("UPDATE ft_posts SET body = $1, words = $2 WHERE id = $3",
          {body, search::Segmenter::shared().terms(body), id});
  EXPECT_EQ(found("battery"), Ids{});
  EXPECT_EQ(found("划痕"), Ids{id});
  EXPECT_EQ(found("换货"), Ids{id});
  // Emptied words: no longer found.
  execute("UPDATE ft_posts SET words = '' WHERE id = $1", {id});
  EXPECT_EQ(found("划痕"), Ids{});
  execute("UPDATE ft_posts SET words = $1 WHERE id = $2", {search::Segmenter::shared().terms(body), id});
  EXPECT_EQ(found("划痕"), Ids{id});
  execute("DELETE FROM ft_posts WHERE id = $1", {id});
  EXPECT_EQ(found("划痕"), Ids{});
}

TEST_F(FullText, FiltersAndPagesByRankThenId) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(post("same battery text"));
  execute("UPDATE ft_posts SET status = 'hidden' WHERE id = $1", {ids[2]});
  auto visible = [](search::Sql& sql, std::string_view alias) {
    sql << " AND " << std::string(alias) << ".status = ";
    sql.bind(std::string("visible"));
  };
  // Equal relevance: newest first.
  EXPECT_EQ(found("battery", visible), (Ids{ids[4], ids[3], ids[1], ids[0]}));
  EXPECT_EQ(found("battery", visible, {2, 0}), (Ids{ids[4], ids[3]}));
  EXPECT_EQ(found("battery", visible, {2, 2}), (Ids{ids[1], ids[0]}));
  EXPECT_EQ(found("battery", visible, {2, 4}), Ids{});
  EXPECT_EQ(found("battery").size(), 5u);
  // Only the newest matches of the filter are ranked: a better but older match is left out.
  const auto best = ids[0];
  execute("UPDATE ft_posts SET words = $1 WHERE id = $2",
          {search::Segmenter::shared().terms("battery battery battery"), best});
  EXPECT_EQ(found("battery", visible, {10, 0, 0}).front(), best);
  EXPECT_EQ(found("battery", visible, {10, 0, 3}), (Ids{ids[4], ids[3], ids[1]}));
  EXPECT_EQ(found("battery", visible, {10, 0, 4}).front(), best);
}

TEST_F(FullText, TheSideTablesStagesFindTheOneStatementsWindow) {
  // Words of every frequency (alpha in most posts, epsilon in few), some posts hidden: every
  // stage of the side table's plan (the newest rows walked, walked on, a range of the GIN
  // index's matches, the GIN index's matches below) is taken by some query, window and probe.
  std::mt19937 random(16);
  const std::vector<std::pair<std::string, int>> words{
      {"alpha", 60}, {"beta", 20}, {"gamma", 8}, {"delta", 3}, {"epsilon", 1}};
  auto written = storage::with_transaction<bool>(
      *db_, storage::TxMode::kWrite, [&](storage::Connection& c) -> Result<bool> {
        for (int i = 0; i < 1500; ++i) {
          std::string body = "post";
          for (const auto& [word, percent] : words) {
            const auto times = 1 + random() % 3;
            if (static_cast<int>(random() % 100) < percent) {
              for (unsigned k = 0; k < times; ++k) body += " " + word;
            }
            if (random() % 4 == 0) body += " filler";
          }
          const std::string status = random() % 10 == 0 ? "hidden" : "visible";
          ECRM_RETURN_IF_ERROR(storage::done(
              c.execute("INSERT INTO ft_posts (body, status, words) VALUES ($1, $2, $3)",
                        {body, status, search::Segmenter::shared().terms(body)})));
        }
        return true;
      });
  ASSERT_TRUE(written.ok()) << written.error().message;
  execute("DELETE FROM ft_posts WHERE id % 97 = 0", {});
  auto visible = [](search::Sql& sql, std::string_view alias) {
    sql << " AND " << std::string(alias) << ".status = ";
    sql.bind(std::string("visible"));
  };
  const std::vector<search::FullTextPage> pages{
      {10, 0, 20, 10}, {10, 5, 50, 40}, {20, 0, 5, 100}, {5, 3, 30, 200}, {30, 0, 400, 25},
      {10, 0, 2000, 5000}, {10, 0, 0}, {10, 25, 30, 50}};
  std::size_t found_any = 0;
  for (const char* text : {"alpha", "beta", "gamma", "delta", "epsilon", "alpha beta",
                           "gamma delta", "delta epsilon", "beta epsilon", "zeta"}) {
    for (const auto& page : pages) {
      // found() compares the side table's page with the one statement's.
      found_any += found(text, nullptr, page).size();
      found_any += found(text, visible, page).size();
    }
  }
  EXPECT_GT(found_any, 0u);
}

TEST_F(FullText, BulkWritesDeferTheIndexToTheirEnd) {
  const auto before = post("battery before");
  auto written = storage::with_transaction<std::vector<std::int64_t>>(
      *db_, storage::TxMode::kWrite, [&](storage::Connection& c) -> Result<std::vector<std::int64_t>> {
        ECRM_RETURN_IF_ERROR(search::defer_index(c, search::text_index(kIndex)));
        std::vector<std::int64_t> out;
        for (const std::string body : {"battery one", "电池 two", "battery three"}) {
          ECRM_RETURN_IF_ERROR(c.query(
              "INSERT INTO ft_posts (body, words) VALUES ($1, $2) RETURNING id",
              {body, search::Segmenter::shared().terms(body)},
              [&](const storage::RowView& row) { out.push_back(row.get_int(0)); }));
        }
        ECRM_RETURN_IF_ERROR(search::flush_deferred(c, search::text_index(kIndex)));
        return out;
      });
  ASSERT_TRUE(written.ok()) << written.error().message;
  auto ids = found("battery");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (Ids{before, (*written)[0], (*written)[2]}));
  EXPECT_EQ(found("电池"), Ids{(*written)[1]});
}

TEST_F(FullText, PostgresAnswersFromTheGinIndex) {
  if (db_->backend() != Backend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  execute("INSERT INTO ft_posts (body, words) SELECT 'filler ' || g, 'filler ' || g "
          "FROM generate_series(1, 5000) g",
          {});
  post("退货 battery");
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  // A test's table is small enough for a walk of it to be cheapest: walks are priced out.
  ASSERT_TRUE((*lease)->execute_script("ANALYZE ft_posts; SET enable_seqscan = off").ok());
  const auto query = search::parse_fulltext_query("退货 batteries");
  // A rare query, ranked in full or in the window: its matches are read from the GIN index.
  for (int window : {0, search::kRankWindow}) {
    const auto sql = search::fulltext_sql(Backend::kPostgres, kIndex, query, nullptr, {10, 0, window});
    std::string plan;
    auto explained = (*lease)->query("EXPLAIN " + sql.text(), sql.params(),
                                     [&](const storage::RowView& row) { plan += row.get_string(0) + "\n"; });
    ASSERT_TRUE(explained.ok()) << explained.error().message;
    EXPECT_NE(plan.find("Bitmap Index Scan on ft_posts_words"), std::string::npos) << plan;
  }
  ASSERT_TRUE((*lease)->execute_script("RESET enable_seqscan").ok());
}

TEST_F(FullText, LearnedWordsAreStoredAndLoaded) {
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  std::vector<search::LearnedWord> words{{"蓝鲸壶", 12, 4.5, 1.8}, {"续航王", 7, 3.9, 1.2}};
  ASSERT_TRUE(search::store_learned_words(**lease, words, 1700000000000).ok());
  auto loaded = search::load_learned_words(**lease);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(*loaded, (std::vector<std::string>{"续航王", "蓝鲸壶"}));
  // Replaced, not added to.
  ASSERT_TRUE(search::store_learned_words(**lease, {{"蓝鲸壶", 3, 4.0, 1.1}}, 1700000000001).ok());
  loaded = search::load_learned_words(**lease);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, std::vector<std::string>{"蓝鲸壶"});
  ASSERT_TRUE(search::store_learned_words(**lease, {}, 1700000000002).ok());
}

TEST_F(FullText, LearnWordsCommandStoresTheShopsWords) {
  // Texts naming a product ICU does not know, in varied contexts, among everyday filler.
  const std::vector<std::string> before = {"我买的", "这个", "新款", "朋友送的", "昨天到的", "家里的",
                                           "办公室用", "第二个"};
  const std::vector<std::string> after = {"很好用", "漏水了", "颜色好看", "声音大", "加热快",
                                          "有异味", "不错", "坏了"};
  const std::vector<std::string> bank = {"今天", "天气", "我们", "朋友", "公司", "时间", "东西",
                                         "觉得", "非常", "喜欢", "一起", "已经", "还是", "因为"};
  const std::string path = ::testing::TempDir() + "ecrm_learn_words.txt";
  {
    std::ofstream out(path);
    for (const auto& b : before) {
      for (const auto& a : after) out << b << "蓝鲸壶" << a << "。\n";
    }
    std::mt19937 gen(3);
    for (int i = 0; i < 400; ++i) {
      for (int k = 0; k < 6; ++k) out << bank[gen() % bank.size()];
      out << "。\n";
    }
  }
  auto stored = [&] {
    auto lease = db_->acquire();
    EXPECT_TRUE(lease.ok());
    auto words = search::load_learned_words(**lease);
    EXPECT_TRUE(words.ok());
    return words.ok() ? *words : std::vector<std::string>{};
  };
  std::string output;
  ASSERT_EQ(server_->run_cli({"search", "learn-words", "--file", path, "--dry-run"}, &output), 0)
      << output;
  EXPECT_NE(output.find("蓝鲸壶"), std::string::npos) << output;
  EXPECT_TRUE(stored().empty());
  ASSERT_EQ(server_->run_cli({"search", "learn-words", "--file", path}, &output), 0) << output;
  const auto words = stored();
  EXPECT_NE(std::find(words.begin(), words.end(), "蓝鲸壶"), words.end())
      << ::testing::PrintToString(words);
  // A missing file is bad input.
  EXPECT_EQ(server_->run_cli({"search", "learn-words", "--file", path + ".missing"}, &output), 2);
  std::remove(path.c_str());
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(search::store_learned_words(**lease, {}, 0).ok());
}

}  // namespace
}  // namespace ecrm::testing
