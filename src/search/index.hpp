// The search layer's SQL: one interface, a statement fragment per backend.
//
// A capability makes a table searchable by keeping one or more document columns (text built with
// search::Document) in the rows it writes, in the same statements, and by declaring the index in
// a migration:
//   SQLite      an FTS5 table with the trigram tokenizer over those columns, external content
//               (content='<table>'), kept in step by triggers on the table: the index changes in
//               the transaction that changes the row.
//   PostgreSQL  a GIN pg_trgm index over search_trigram_text() of the columns joined by ' '
//               (the document with its field-start markers written as a letter pg_trgm keeps:
//               migration 0022), matched with LIKE on that same expression, and a GIN index over
//               search_fields() of them for exact matches (migration 0016). The document and the
//               query are folded (ASCII letters) on the way in, which spares ILIKE's case
//               folding of every row it checks (three times faster here); other scripts' upper
//               and lower case stay distinct on PostgreSQL.
// Its queries then ask this file for the FROM item, the condition and the ordering key that
// restrict the table to the rows matching a query at one rank (see text.hpp), and add their own
// filters and keyset bounds around them. Rows are read in id order from the index itself
// (SQLite: FTS5 returns rowids in order and stops at the LIMIT), so a page costs the rows it
// reads, not the rows that match. PostgreSQL's customers, whose documents are in a side table,
// read each rank in the Shape a probe chooses: walking in id order, or every match from the
// index.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "search/text.hpp"
#include "storage/database.hpp"

namespace ecrm::search {

// A statement under construction, numbering its parameters $1, $2, …
class Sql {
 public:
  explicit Sql(storage::Backend backend) : backend_(backend) {}
  storage::Backend backend() const { return backend_; }
  Sql& operator<<(std::string_view text) {
    text_ += text;
    return *this;
  }
  // Binds `value` and appends its placeholder.
  Sql& bind(storage::Value value);
  const std::string& text() const { return text_; }
  const std::vector<storage::Value>& params() const { return params_; }

 private:
  storage::Backend backend_;
  std::string text_;
  std::vector<storage::Value> params_;
};

// A searchable table.
struct TextIndex {
  std::string_view table;                  // e.g. "customers"
  std::vector<std::string_view> columns;   // its document columns
  std::string_view fts_table;              // SQLite: the FTS5 table over them
  // SQLite: the index of their fields that start with a digit (migration 0058: such a field is
  // one term, START START digits…), with its list of terms as <numbers_table>_terms; empty when
  // there is none.
  std::string_view numbers_table = {};
  // PostgreSQL: a narrow side table (id, doc) holding the document, kept by triggers, with the
  // trigram and fields indexes over `doc` (migration 0059); the ranks read it instead of the
  // table, whose row is then read by id. Empty: the indexes are over the table's own columns.
  std::string_view documents_table = {};
  // The condition on the table's rows (as `t`) that have a document there (the side table holds
  // only rows a search may show; its triggers decide the same); empty: every row.
  std::string_view documents_rows = {};
};

// PostgreSQL: how a rank's statement reads a table with a side table of documents.
//   kPlanner  the index's condition and the document's, for the planner to choose between the
//             index and a walk in id order from its estimates (a needle's share of the rows,
//             from the statistics' sample: right within a few times, or off by a hundred);
//   kWalk     the document's condition alone (strpos), which no index answers: the documents
//             are read in id order until the page is full, and cost the rows read;
//   kIndex    the index's condition, ordered by id + 0, which no index gives: the matching
//             rows are read from the index and sorted, and cost the rows that match.
// A common needle is cheap to walk to (q=wang: 6,874 documents read for 50 at a million
// customers, 1.4 ms) and dear to read from the index (every one of its matches); a rare one the
// other way round (13912: 1.9 ms from the index, the whole table walked for 46 matches).
enum class Shape { kPlanner, kWalk, kIndex };

// Which index reads a query's ranks, and how.
// SQLite: for a query of digits, the index of number fields reads a field equal to it as one
// term's list and the fields starting with it as a range of terms; the trigram index reads the
// lists of all the query's trigrams, to their end when few rows match (the field-start phrase of
// 13912: 1.5 ms for 4 of a million customers, against 0.06 ms as a range of 4 terms). The range
// costs the lists of all its terms before the first row, though (the fields starting with 8613,
// a country code and a network: 70 ms), where the trigram phrase stops at the page's last row.
// So, for a query of digits only:
//   exact   from the index of number fields;
//   prefix  from it as well when its range holds few terms (kNarrowPrefixTerms), as the term
//           list tells without reading the rows.
// Other queries (a phone number typed with spaces or dashes among them) read the trigram index.
// PostgreSQL, for an index with a side table of documents: each rank's Shape, chosen from a
// probe of the documents where the reading starts (kShapeProbeRows of them, 0.6-0.8 ms at a
// million customers): from the start of a table that the window holds whole, every rank is
// walked; otherwise a rank matching none of them is read from the index, and one matching some
// is walked when the documents the walk is expected to read cost less than the matches the
// index is expected to give (kIndexRowCost documents each). Audiences (append_audience, no
// limit) keep Shape::kPlanner.
struct Reading {
  bool exact_from_numbers = false;
  bool prefix_from_numbers = false;
  // By MatchRank: exact, prefix (or better, when the exact and prefix ranks share a statement)
  // and substring.
  std::array<Shape, 3> shapes = {Shape::kPlanner, Shape::kPlanner, Shape::kPlanner};
  Shape shape(MatchRank rank) const { return shapes[static_cast<std::size_t>(rank)]; }
};
inline constexpr int kNarrowPrefixTerms = 64;
inline constexpr int kShapeProbeRows = 1024;
inline constexpr int kIndexRowCost = 20;

// Where a reading starts, for the probe: after `after` in id order (before it, newest first;
// 0: from the start), for pages of `limit` rows; `filtered` when the caller checks conditions
// of its own on the rows, which a walk then reads more of (a share kFilteredShare of them
// assumed to pass).
struct ReadingStart {
  std::int64_t after = 0;
  bool newest_first = false;
  int limit = 50;
  bool filtered = false;
};
inline constexpr double kFilteredShare = 0.05;

// How `query` (not empty) is read from `index` on this connection's backend; SQLite looks at the
// terms of the index of number fields for a prefix of digits (0.1 ms), PostgreSQL probes the
// side table of documents.
Result<Reading> reading(storage::Connection& c, const TextIndex& index, const Query& query,
                        const ReadingStart& start = {});

// The same reading with every rank in `shape` (PostgreSQL; tests compare the shapes' answers).
Reading reading_in_shape(Shape shape);

// Where a ranked match reads from.
struct MatchSource {
  std::string from;   // the FROM item, binding `alias` to the table's rows
  std::string key;    // the id to page by (the FTS rowid on SQLite, the side table's id on
                      // PostgreSQL with documents_table: the order its index walks)
  std::string order;  // the id to order by: the key, or key + 0 for Shape::kIndex
};

// The FROM item for `index` with its rows as `alias`, and the ordering key: for reading `rank`
// (or better) as `how` says (the index that append_match and append_match_or_better then match).
MatchSource match_source(storage::Backend backend, const TextIndex& index, std::string_view alias,
                         MatchRank rank = MatchRank::kSubstring, const Reading& how = {});

// PostgreSQL with a side table of documents (which holds only rows a search may show), for a
// page the caller filters no further: appends a FROM item reading the ids of up to `limit` rows
// after `after` whose best match of `query` is `rank` (or better, with `or_better`) from the
// documents alone, in `how`'s shape, then those rows of the table as `alias` (its documents as
// match_source has them, for append_exact_flag), and returns the id to order the page by. The
// index shape then sorts the matches' ids and reads the table's page alone, not a row per
// match (q=13912's substring rank: 394 matches for 46).
std::string append_documents_page(Sql& sql, const TextIndex& index, std::string_view alias,
                                  const Query& query, MatchRank rank, bool or_better,
                                  std::int64_t after, int limit, const Reading& how);

// As append_documents_page, for a first page whose ranks are all read from the index (a query
// of three characters or more): the first `limit` rows matching `query` at any rank, best rank
// first and by id within one, each with its rank as <alias>_doc.rank (0 exact, 1 prefix, 2
// substring). The substring rank's matches hold the others', so the index is read once, where
// the ranks one by one read it twice (q=13912: 1.6 ms for the exact and prefix ranks, 2.5 ms
// for the substring).
std::string append_documents_ranked_page(Sql& sql, const TextIndex& index, std::string_view alias,
                                         const Query& query, int limit);

// Appends the condition restricting the source to rows whose best match of `query` is `rank`.
// `query` must not be empty; for a query of fewer than three characters only exact and prefix
// matches exist (the caller skips kSubstring: see Query::substring_searchable()).
void append_match(Sql& sql, const TextIndex& index, std::string_view alias, const Query& query,
                  MatchRank rank, const Reading& how = {});

// Whether one statement can read the exact and prefix ranks of `query` together, telling them
// apart with append_exact_flag: the query is ASCII. (SQLite's index folds the case of other
// scripts, so a field differing from a non-ASCII query by case matches it there, which the
// document's own bytes cannot tell.)
bool ranks_share_statement(const Query& query);

// Appends the condition restricting the source to rows whose best match of `query` is `rank` or
// a better one (kPrefix: a field starting with the query, the exact matches included).
void append_match_or_better(Sql& sql, const TextIndex& index, std::string_view alias,
                            const Query& query, MatchRank rank, const Reading& how = {});

// Appends an expression over the row `alias` that is 1 when a field of its document is the
// query or its digits (the exact rank), else 0. Only for a query ranks_share_statement allows.
void append_exact_flag(Sql& sql, const TextIndex& index, std::string_view alias,
                       const Query& query);

// Appends the condition restricting the source to rows matching `query` (not empty) at any rank:
// a substring of three characters or more, else a field prefix. For lists kept in id order.
void append_any_match(Sql& sql, const TextIndex& index, std::string_view alias,
                      const Query& query);

// A record found, and how.
struct RankedId {
  std::int64_t id = 0;
  MatchRank rank = MatchRank::kSubstring;
};

// The statement ranked_ids runs for one rank: the ids of up to `limit` rows of `index` whose
// best match of `query` (not empty) is `rank`, in id order (newest first when `newest_first`).
Sql ranked_sql(storage::Backend backend, const TextIndex& index, const Query& query,
               MatchRank rank, int limit, bool newest_first, const Reading& how = {});

// The statement ranked_ids runs first for a query ranks_share_statement allows: the ids of up to
// `limit` rows of `index` matching `query` exactly or by a field's prefix, in id order (newest
// first when `newest_first`), each with append_exact_flag's flag.
Sql exact_or_prefix_sql(storage::Backend backend, const TextIndex& index, const Query& query,
                        int limit, bool newest_first, const Reading& how = {});

// The ids of up to `limit` rows of `index` matching `query` (not empty), best rank first and by
// id within a rank (newest first when `newest_first`), each rank read from the index in id
// order. The exact and prefix ranks are read by one statement when ranks_share_statement allows
// (a rank finding nothing costs as much as the commonest trigram of its needle: a phone number's
// exact and prefix ranks over the orders took 2.1 and 4.0 ms at 200,000 customers, both
// together 1.6 ms); the exact rank is read by itself as well only when that statement fills
// `limit`, since exact matches may then lie beyond it. Each statement reads the index `reading`
// chooses.
// `shape`, when given, reads every rank in it instead (tests).
Result<std::vector<RankedId>> ranked_ids(storage::Connection& c, const TextIndex& index,
                                         const Query& query, int limit, bool newest_first,
                                         std::optional<Shape> shape = std::nullopt);

// Bulk writes. SQLite: FTS5 writes its pending terms at the end of every statement, so rows
// indexed one by one by the table's triggers become one index segment each. PostgreSQL, for an
// index with a side table of documents: the triggers' function, its upsert and the GIN entries,
// row by row, made a 100,000-customer import 1.38 times as long as without the index, one
// statement per batch 1.12 to 1.25 times (migration 0060). A bulk writer defers the index instead:
// defer_index makes the triggers leave the rows inserted from then on in this transaction to
// flush_deferred, which indexes them with one statement and must run before the transaction
// commits (a rollback drops the deferral with the rows). Rows updated or deleted meanwhile are
// handled (SQLite: the triggers skip the deferred ones, and flush_deferred reads them as they are
// then).
// SQLite: only for a transaction holding the write lock (with_transaction's kWrite), so that
// every id above the table's largest one at defer_index is this transaction's.
// PostgreSQL: the deferral is a setting local to the transaction, which other transactions'
// triggers do not see, and only inserts are deferred (an update writes the document at once);
// flush_deferred writes the documents of the rows above the mark that have none, which are this
// transaction's: another's committed row has its own, and is left alone. Without a deferral it
// writes nothing. Orders and products (no side table): nothing on PostgreSQL, whose GIN indexes
// batch their own writes.
Status defer_index(storage::Connection& c, const TextIndex& index);
Status flush_deferred(storage::Connection& c, const TextIndex& index);

// Merges the index into one segment (SQLite: FTS5 'optimize'; nothing on PostgreSQL). A query
// reads each segment of the index: after a bulk load of many small segments, a phone number's
// search costs three times what it costs on the merged index. Takes the write lock for as long
// as it runs (about 2 s per 200,000 customers).
Status optimize(storage::Connection& c, const TextIndex& index);

// Whether the index holds what its table does (`ecrm check`), at most `limit` problems.
// SQLite: FTS5's 'integrity-check' of the index and of its index of number fields against the
// table's rows. PostgreSQL, with a side table of documents: a row that should have a document
// and has none, a document whose row should have none or is gone, and one that differs from its
// row's (a trigger dropped, rows loaded with triggers off), in id order. PostgreSQL keeps its
// own indexes: nothing else to check.
Result<std::vector<std::string>> check_index(storage::Connection& c, const TextIndex& index,
                                             std::size_t limit = 100);

}  // namespace ecrm::search
