// Full-text search: words, not substrings, ranked by relevance, in Chinese and English, on both
// backends behind one interface.
//
// A searchable table keeps a `words` column: Segmenter::terms() of its text fields (e.g. a
// post's title and body joined by a newline), written by the same statements that write the
// row, '' for rows that must not be found. The column holds the words as indexed (Latin
// lowercased and stemmed, CJK words as segmented) and, for the fallback, the character bigrams of
// every CJK run (segment.hpp). The query goes through the same Segmenter, so both sides agree.
//
// Recipe (a migration; `posts` and its `words` column stand for yours):
//
//   -- backend: sqlite
//   CREATE VIRTUAL TABLE posts_fts USING fts5(
//     words, content = 'posts', content_rowid = 'id',
//     tokenize = 'unicode61 remove_diacritics 2');
//   CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts
//     WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'posts_fts') BEGIN
//     INSERT INTO posts_fts (rowid, words) VALUES (new.id, new.words);
//   END;
//   CREATE TRIGGER posts_fts_update AFTER UPDATE OF words ON posts
//     WHEN old.words IS NOT new.words
//      AND NOT EXISTS (SELECT 1 FROM search_deferrals
//                      WHERE index_name = 'posts_fts' AND after_id < old.id) BEGIN
//     INSERT INTO posts_fts (posts_fts, rowid, words) VALUES ('delete', old.id, old.words);
//     INSERT INTO posts_fts (rowid, words) VALUES (new.id, new.words);
//   END;
//   CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts
//     WHEN NOT EXISTS (SELECT 1 FROM search_deferrals
//                      WHERE index_name = 'posts_fts' AND after_id < old.id) BEGIN
//     INSERT INTO posts_fts (posts_fts, rowid, words) VALUES ('delete', old.id, old.words);
//   END;
//
//   -- backend: postgresql
//   CREATE TABLE posts_words (
//     id BIGINT PRIMARY KEY,          -- the row's id
//     seq BIGINT NOT NULL,            -- the same id, for ranges of the newest (BRIN only)
//     words_tsv tsvector NOT NULL);   -- to_tsvector('simple', words), rows with words only
//   CREATE INDEX posts_words_tsv ON posts_words USING gin (words_tsv);
//   CREATE INDEX posts_words_seq ON posts_words USING brin (seq) WITH (pages_per_range = 4);
//   CREATE FUNCTION posts_words_sync() RETURNS trigger LANGUAGE plpgsql AS $$
//   BEGIN
//     IF TG_OP <> 'INSERT' THEN DELETE FROM posts_words WHERE id = OLD.id; END IF;
//     IF TG_OP <> 'DELETE' AND NEW.words <> '' THEN
//       INSERT INTO posts_words (id, seq, words_tsv)
//         VALUES (NEW.id, NEW.id, to_tsvector('simple', NEW.words));
//     END IF;
//     RETURN NULL;
//   END $$;
//   CREATE TRIGGER posts_words_insert AFTER INSERT ON posts
//     FOR EACH ROW EXECUTE FUNCTION posts_words_sync();
//   CREATE TRIGGER posts_words_update AFTER UPDATE OF words ON posts
//     FOR EACH ROW WHEN (OLD.words IS DISTINCT FROM NEW.words) EXECUTE FUNCTION posts_words_sync();
//   CREATE TRIGGER posts_words_delete AFTER DELETE ON posts
//     FOR EACH ROW EXECUTE FUNCTION posts_words_sync();
//
// and in C++:  const search::FullTextIndex kPostsIndex{"posts", "words", "posts_fts", "words_tsv",
//                                                      "posts_words"};
// The BRIN index's ranges are small (4 pages) so that it is dear enough for the planner to put the
// GIN index first when it intersects both: the intersection is then exact, only the matches are
// rechecked, where BRIN first leaves it lossy and every row of the range is rechecked.
// The side table is narrow (no text, one row per searchable row), so that reading the tsvectors
// of the matches costs a few microseconds each where the wide table's rows cost twenty
// (bench/community/). PostgreSQL may also keep the tsvector in the table itself (a stored
// column `words_tsv … GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED` and a GIN index
// over it, no tsvector_table), or index the expression alone (CREATE INDEX … USING gin
// (to_tsvector('simple', words)), empty tsvector_column: ranking and rechecks then parse each
// row's words again, five to ten times slower).
// The table's key must be an integer `id` (the FTS5 rowid). Bulk writers may defer the FTS5 index
// to the end of their transaction exactly as for the trigram indexes (index.hpp: defer_index,
// flush_deferred, with text_index(kPostsIndex)).
//
// A query matches the rows holding every one of its words (AND). A Latin word or number matches
// that term (so "batteries" finds "battery": both are "batteri"). A CJK word of two or more
// characters matches the word, or — the fallback — the phrase of its character bigrams, i.e. the
// characters in a row anywhere in a CJK run of the text, however the text was segmented
// (退货 inside 申请退货了 is found even if the segmentation there gave 申请退货 as one word, or
// 退 and 货 apart). Character bigrams rather than SQLite's trigram tokenizer: most Chinese words
// are two characters, which have no trigram. A one-character CJK query word matches only where
// the segmentation gave that character as a word.
//
// Ranking: SQLite bm25() of the FTS5 table, PostgreSQL ts_rank_cd() over the same tsvector
// (normalised by the log of the document's length); both favour more and denser matches in
// shorter texts. The relevance is higher-is-better on both; ties go to the newest (highest id).
// Ranking costs every match it ranks (a word in half of a million posts: half a second), so a
// page ranks the newest FullTextPage::rank_window matches (of the caller's filter) and no more:
// both indexes read matches newest first and stop there, which bounds a query's cost whatever
// the word; a rarer query ranks all its matches.
//
// PostgreSQL's GIN index cannot give its matches newest first, and its planner guesses how many
// there are from statistics that treat words as independent, so with a side table
// fulltext_search chooses the plan itself, newest matches first, stage by stage: it walks the
// newest FullTextPage::probe_rows rows (a common query fills its window there); from the share
// that matched it estimates how far back the rest of the window lies and either walks on (a
// common query) or takes the GIN index's matches in that range of `seq` (BRIN: the heap pages of
// the range), and any matches still missing from the GIN index alone (a rare query). Every stage
// returns the newest matches below the previous one, so the window is the same as the one
// statement's, whatever the estimate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "search/index.hpp"
#include "search/segment.hpp"
#include "search/text.hpp"
#include "storage/database.hpp"

namespace ecrm::search {

// A table searched by words.
struct FullTextIndex {
  std::string_view table;                  // e.g. "community_posts"; its key is `id`
  std::string_view words_column = "words";  // Segmenter::terms() of its text
  std::string_view fts_table;              // SQLite: the FTS5 table over the column
  // PostgreSQL: the stored to_tsvector('simple', words) column the GIN index is over; empty when
  // the index is over the expression itself.
  std::string_view tsvector_column = {};
  // PostgreSQL: the side table (id, seq, tsvector_column) holding it, kept by triggers; empty
  // when the column is in `table` itself.
  std::string_view tsvector_table = {};
};

// The same index as index.hpp's bulk helpers (defer_index, flush_deferred, optimize) take it.
TextIndex text_index(const FullTextIndex& index);

// PostgreSQL: the script that creates `index`'s side table (tsvector_table: id, seq,
// tsvector_column), its GIN and BRIN indexes, and the triggers that keep it in the transaction of
// every write of the table's words column; with `fill`, first filled from the table's rows (the
// indexes built after). A migration writes the same for its table (0048 for community posts).
std::string postgres_side_table_script(const FullTextIndex& index, bool fill);

// A user's full-text query.
struct FullTextQuery {
  std::string text;         // as typed: trimmed, cut to kMaxQueryBytes at a character boundary
  std::vector<Word> words;  // its words, each text once, in query order (offsets into `text`)
  bool empty() const { return words.empty(); }
};
// Segments `raw` with `segmenter`; an empty query when it has no words.
FullTextQuery parse_fulltext_query(std::string_view raw,
                                   const Segmenter& segmenter = Segmenter::shared());

// The query as an FTS5 MATCH expression, and as PostgreSQL to_tsquery('simple', …) text.
// `query` must not be empty.
std::string fts5_expression(const FullTextQuery& query);
std::string tsquery_text(const FullTextQuery& query);
// The PostgreSQL condition's query: the same rows as tsquery_text, a CJK word of two characters
// as its bigram token alone (every text holding the word holds its bigram). One posting list per
// such word instead of two OR'ed, each one required, so that GIN skips through the longer lists
// rather than decoding them whole. Ranking keeps tsquery_text: a word the segmentation found
// counts beside its bigram. Longer words keep the word OR'ed with their bigram phrase, which
// tsvector's position limits (16,383, 256 per lexeme) could cut in a very long text.
std::string tsquery_match_text(const FullTextQuery& query);

// The FROM item binding `alias` to the rows of `index`'s table (SQLite: the FTS5 table joined to
// the table by rowid, the FTS5 table first; PostgreSQL: the table, joined to its side table as
// `alias`_words when it has one).
std::string fulltext_from(storage::Backend backend, const FullTextIndex& index,
                          std::string_view alias);
// Appends the condition: the row matches `query` (not empty).
void append_fulltext_match(Sql& sql, const FullTextIndex& index, std::string_view alias,
                           const FullTextQuery& query);
// Appends the row's relevance to `query` (higher is better); only in a statement whose WHERE
// holds append_fulltext_match's condition.
void append_fulltext_relevance(Sql& sql, const FullTextIndex& index, std::string_view alias,
                               const FullTextQuery& query);

// A row found.
struct FullTextHit {
  std::int64_t id = 0;
  double relevance = 0;  // higher is better; comparable within one result only
};

inline constexpr int kRankWindow = 2000;
inline constexpr int kProbeRows = 5000;

// A page of results: best first, then newest first; `offset` rows skipped. Only the newest
// `rank_window` matches are ranked (0: every match), so offset + limit beyond it finds nothing.
// `probe_rows`: PostgreSQL with a side table, the newest rows walked before choosing how to find
// the rest of the window (the results do not depend on it).
struct FullTextPage {
  int limit = 20;
  int offset = 0;
  int rank_window = kRankWindow;
  int probe_rows = kProbeRows;
};

// Appends a caller's own conditions on `alias` (each starting with " AND "), binding its values.
using FullTextFilter = std::function<void(Sql& sql, std::string_view alias)>;

// The statement that answers a page: SELECT id, relevance of (the newest rank_window rows
// matching the query and the filter) ORDER BY relevance DESC, id DESC LIMIT/OFFSET.
// fulltext_search runs it, except on PostgreSQL with a side table and a window, where it finds
// the same window in stages (above).
Sql fulltext_sql(storage::Backend backend, const FullTextIndex& index, const FullTextQuery& query,
                 const FullTextFilter& filter, FullTextPage page);

// The rows of `index` matching `query` (not empty) and `filter` (may be empty), a page of them.
Result<std::vector<FullTextHit>> fulltext_search(storage::Connection& c, const FullTextIndex& index,
                                                 const FullTextQuery& query,
                                                 const FullTextFilter& filter, FullTextPage page);

// `text` with the query's matches marked: its words whose term is a query word's, and the CJK
// query words' occurrences (the fallback). With max_chars > 0 a snippet of about that many
// characters around the first match, a cut marked by "…". nullopt when nothing matches (the
// row may have matched on another field).
std::optional<Highlight> highlight_fulltext(std::string_view field, std::string_view text,
                                            const FullTextQuery& query, std::size_t max_chars = 0,
                                            const Segmenter& segmenter = Segmenter::shared());

// The words learned from the shop's texts (search_words, migration 0031).
Result<std::vector<std::string>> load_learned_words(storage::Connection& c);
// Replaces them with `words`, learned at `now` (epoch ms).
Status store_learned_words(storage::Connection& c, const std::vector<LearnedWord>& words,
                           std::int64_t now);

}  // namespace ecrm::search
