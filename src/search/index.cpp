#include "search/index.hpp"

#include <algorithm>
#include <array>

namespace ecrm::search {

namespace {

using storage::Backend;

// The strings a rank looks for (each is OR-ed): markers around the query text and its digits.
struct Needles {
  std::vector<std::string> any;      // one of these …
  std::vector<std::string> all;      // … or all of these (a multi-word query's words)
};

// A field starts with two markers so that a one- or two-character prefix still makes a trigram
// (U+0002 U+0002 w). A longer needle starts with one: the trigrams of two markers and a first
// character are among the commonest of the index (every field starting with "1"), and an FTS5
// phrase costs what its commonest trigram costs (a phone number's exact rank: 1.4 ms to 0.3 ms
// at 200,000 customers).
Needles needles(const Query& q, MatchRank rank) {
  Needles n;
  auto add = [&](const std::string& text) {
    const std::string start(text.size() >= 3 && q.characters >= 3 ? 1 : 2, kStart);
    switch (rank) {
      case MatchRank::kExact:
        n.any.push_back(start + text + kEnd);
        break;
      case MatchRank::kPrefix:
        n.any.push_back(start + text);
        break;
      case MatchRank::kSubstring:
        n.any.push_back(text);
        break;
    }
  };
  add(q.text);
  if (q.digits) add(*q.digits);
  if (rank == MatchRank::kSubstring) n.all = q.words;
  return n;
}

// FTS5: a phrase in double quotes, quotes doubled.
std::string phrase(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + '"';
}

std::string fts_expression(const Needles& n) {
  std::string out = "(";
  for (std::size_t i = 0; i < n.any.size(); ++i) {
    if (i > 0) out += " OR ";
    out += phrase(n.any[i]);
  }
  if (!n.all.empty()) {
    out += " OR (";
    for (std::size_t i = 0; i < n.all.size(); ++i) {
      if (i > 0) out += " AND ";
      out += phrase(n.all[i]);
    }
    out += ')';
  }
  return out + ')';
}

// LIKE: %text% with the pattern characters escaped.
std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + '%';
}

// PostgreSQL: pg_trgm makes its trigrams of letters and digits only, so it leaves the U+0002
// marker out, and "a field starting with wang" (U+0002 wang) would be answered by the trigrams of
// the word "wang" and a check of every row holding a word that starts with it. The trigram
// indexes (migration 0022) are therefore over search_trigram_text(document): the document with
// each marker written as the letter ǂ (U+01C2), which pg_trgm keeps, so that "ǂwang" has
// trigrams of its own.
constexpr std::string_view kMarkerLetter = "\xC7\x82";  // ǂ

// PostgreSQL: a table's document (its columns joined by ' ', as migrations 0013, 0016 and 0022
// index them), and the same as its trigram index holds it, written as the index expression is
// so that the planner matches the one to the other.
struct Documents {
  std::string text;
  std::string trigrams;
};

// PostgreSQL with a side table of documents: its alias next to the table's `alias`.
std::string documents_alias(std::string_view alias) { return std::string(alias) + "_doc"; }

Documents documents(const TextIndex& index, std::string_view alias) {
  if (!index.documents_table.empty()) {
    const std::string doc = documents_alias(alias) + ".doc";
    return {doc, "search_trigram_text(" + doc + ")"};
  }
  std::string out;
  for (std::size_t i = 0; i < index.columns.size(); ++i) {
    if (i > 0) out += " || ' ' || ";
    out += std::string(alias) + "." + std::string(index.columns[i]);
  }
  if (index.columns.size() > 1) out = "(" + out + ")";
  return {out, "search_trigram_text(" + out + ")"};
}

// PostgreSQL: the document contains `needle` (written with U+0002 markers). The document itself
// decides, with strpos(); the same on the trigram text, the needle's markers written as ǂ, is
// implied by it, and is what the index answers. (The trigram text alone would not do: a text may
// hold a ǂ of its own, which it cannot tell from a field start.) strpos() <> 0 rather than LIKE,
// for the planner: it has no statistics for it and counts it as nearly always true, so that the
// rows it expects are the trigram condition's alone; and it comes first, at the same cost, so
// that a row read without the index (a walk in id order) costs a replace() of its document only
// when it holds the needle.
void append_contains(Sql& sql, const Documents& docs, const std::string& needle,
                     bool with_index) {
  if (!with_index) {
    sql << "strpos(" << docs.text << ", ";
    sql.bind(needle);
    sql << ") <> 0";
    return;
  }
  std::string letters;
  for (char ch : needle) {
    if (ch == kStart) {
      letters += kMarkerLetter;
    } else {
      letters += ch;
    }
  }
  sql << "(strpos(" << docs.text << ", ";
  sql.bind(needle);
  sql << ") <> 0 AND " << docs.trigrams << " LIKE ";
  sql.bind(contains_pattern(letters));
  sql << ")";
}

// The document contains one of the needles (or all of a multi-word query's words): from the
// trigram index and the document, or (`with_index` false: a walk) from the document alone.
void append_like(Sql& sql, const Documents& docs, const Needles& n, bool with_index = true) {
  sql << "(";
  for (std::size_t i = 0; i < n.any.size(); ++i) {
    if (i > 0) sql << " OR ";
    append_contains(sql, docs, n.any[i], with_index);
  }
  if (!n.all.empty()) {
    sql << " OR (";
    for (std::size_t i = 0; i < n.all.size(); ++i) {
      if (i > 0) sql << " AND ";
      append_contains(sql, docs, n.all[i], with_index);
    }
    sql << ")";
  }
  sql << ")";
}

// PostgreSQL's exact rank: a field of the document is the query (or its digits), answered by the
// GIN index over search_fields(document) (migration 0016).
void append_fields(Sql& sql, const std::string& doc, const Query& q) {
  sql << "(search_fields(" << doc << ") && ARRAY[";
  sql.bind(q.text);
  if (q.digits && *q.digits != q.text) {
    sql << ", ";
    sql.bind(*q.digits);
  }
  sql << "]::text[])";
}

// The rank above `rank`, whose rows `rank` excludes.
MatchRank better(MatchRank rank) {
  return rank == MatchRank::kSubstring ? MatchRank::kPrefix : MatchRank::kExact;
}

// SQLite: whether the index of number fields reads `rank` (or better) as `how` says.
bool from_numbers(const TextIndex& index, MatchRank rank, const Reading& how) {
  if (index.numbers_table.empty()) return false;
  if (rank == MatchRank::kExact) return how.exact_from_numbers;
  return rank == MatchRank::kPrefix && how.prefix_from_numbers;
}

// A query the index of number fields answers: digits only.
bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// FTS5 over the index of number fields: the field equal to the query's digits (`prefix`: the
// fields starting with them). The tokenizer keeps the markers with the digits: one token.
std::string numbers_expression(const Query& q, bool prefix) {
  std::string out = "\"" + std::string(2, kStart) + q.text;
  return prefix ? out + "\"*" : out + kEnd + '"';
}

// PostgreSQL: the id ordered as `shape` reads: id + 0 is no index's order, so that the rows are
// read from the search index and sorted (Shape::kIndex).
std::string order_by(const std::string& id, Shape shape) {
  return shape == Shape::kIndex ? id + " + 0" : id;
}

// Closes a subquery over the side table of documents, naming it as documents_alias(alias), and
// joins the table's rows to it as `alias`.
void append_documents_join(Sql& sql, const TextIndex& index, std::string_view alias) {
  const std::string a(alias);
  const std::string d = documents_alias(alias);
  sql << ") " << d << " JOIN " << std::string(index.table) << " " << a << " ON " << a
      << ".id = " << d << ".id";
}

// The source of the search box's statements, which read ids alone: on PostgreSQL with a side
// table of documents, that table by itself.
MatchSource ids_source(Backend backend, const TextIndex& index, MatchRank rank,
                       const Reading& how) {
  if (backend == Backend::kPostgres && !index.documents_table.empty()) {
    const std::string d = documents_alias("r");
    return {std::string(index.documents_table) + " " + d, d + ".id",
            order_by(d + ".id", how.shape(rank))};
  }
  return match_source(backend, index, "r", rank, how);
}

}  // namespace

Sql& Sql::bind(storage::Value value) {
  params_.push_back(std::move(value));
  text_ += '$';
  text_ += std::to_string(params_.size());
  return *this;
}

namespace {

// PostgreSQL: the shape of each rank from a probe of the documents where the reading starts
// (index.hpp: Reading).
Result<Reading> probed_reading(storage::Connection& c, const TextIndex& index, const Query& query,
                               const ReadingStart& start) {
  const std::string docs_table(index.documents_table);
  const Documents docs = documents(index, "r");
  Sql sql(c.backend());
  sql << "SELECT count(*), count(*) FILTER (WHERE ";
  append_like(sql, docs, needles(query, MatchRank::kExact), false);
  sql << "), count(*) FILTER (WHERE ";
  append_like(sql, docs, needles(query, MatchRank::kPrefix), false);
  sql << "), ";
  if (query.substring_searchable()) {
    sql << "count(*) FILTER (WHERE ";
    append_like(sql, docs, needles(query, MatchRank::kSubstring), false);
    sql << ")";
  } else {
    sql << "0";
  }
  sql << ", (SELECT CAST(reltuples AS bigint) FROM pg_class WHERE oid = CAST('" << docs_table
      << "' AS regclass)) FROM (SELECT doc FROM " << docs_table;
  if (start.after > 0) {
    sql << " WHERE id " << (start.newest_first ? "<" : ">") << " ";
    sql.bind(start.after);
  }
  sql << " ORDER BY id" << (start.newest_first ? " DESC" : "") << " LIMIT ";
  sql.bind(std::int64_t{kShapeProbeRows});
  sql << ") r_doc";
  std::int64_t window = 0, exact = 0, prefix = 0, substring = 0, rows = 0;
  ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const storage::RowView& row) {
    window = row.get_int(0);
    exact = row.get_int(1);
    prefix = row.get_int(2);
    substring = row.get_int(3);
    rows = row.is_null(4) ? 0 : row.get_int(4);
  }));
  // reltuples is -1 before the first ANALYZE, and an estimate after it.
  const double table_rows = static_cast<double>(std::max<std::int64_t>({rows, window, 1}));
  auto choose = [&](std::int64_t matches) {
    // From the start, a short window is the whole table: a walk reads no more. (After a cursor
    // it is only the table's end, and a rank read after this one starts again from the start.)
    if (start.after == 0 && window < kShapeProbeRows) return Shape::kWalk;
    if (matches <= 0) return Shape::kIndex;
    const double share = start.filtered ? kFilteredShare : 1.0;
    const double walked = start.limit * static_cast<double>(window) / (matches * share);
    const double read =
        static_cast<double>(matches) * table_rows / static_cast<double>(window) * kIndexRowCost;
    return walked <= read ? Shape::kWalk : Shape::kIndex;
  };
  Reading how;
  how.shapes[static_cast<std::size_t>(MatchRank::kExact)] = choose(exact);
  how.shapes[static_cast<std::size_t>(MatchRank::kPrefix)] =
      choose(ranks_share_statement(query) ? prefix : prefix - exact);
  how.shapes[static_cast<std::size_t>(MatchRank::kSubstring)] = choose(substring - prefix);
  return how;
}

}  // namespace

Result<Reading> reading(storage::Connection& c, const TextIndex& index, const Query& query,
                        const ReadingStart& start) {
  Reading how;
  if (c.backend() == Backend::kPostgres && !index.documents_table.empty()) {
    return probed_reading(c, index, query, start);
  }
  if (c.backend() != Backend::kSqlite || index.numbers_table.empty() || !all_digits(query.text)) {
    return how;
  }
  how.exact_from_numbers = true;
  // The terms starting with START START and the digits: up to the same with the last digit
  // raised by one ('9' + 1 is ':').
  const std::string first = std::string(2, kStart) + query.text;
  std::string last = first;
  ++last.back();
  ECRM_ASSIGN_OR_RETURN(
      const auto terms,
      c.query_int("SELECT count(*) FROM (SELECT 1 FROM " + std::string(index.numbers_table) +
                      "_terms WHERE term >= $1 AND term < $2 LIMIT $3)",
                  {first, last, std::int64_t{kNarrowPrefixTerms + 1}}));
  how.prefix_from_numbers = terms.value_or(0) <= kNarrowPrefixTerms;
  return how;
}

Reading reading_in_shape(Shape shape) {
  Reading how;
  how.shapes.fill(shape);
  return how;
}

MatchSource match_source(Backend backend, const TextIndex& index, std::string_view alias,
                         MatchRank rank, const Reading& how) {
  const std::string table(index.table);
  const std::string a(alias);
  if (backend == Backend::kSqlite) {
    const std::string fts(from_numbers(index, rank, how) ? index.numbers_table : index.fts_table);
    // CROSS JOIN: SQLite keeps the index as the outer loop, in its rowid order.
    return {fts + " CROSS JOIN " + table + " " + a + " ON " + a + ".id = " + fts + ".rowid",
            fts + ".rowid", fts + ".rowid"};
  }
  if (!index.documents_table.empty()) {
    const std::string d = documents_alias(alias);
    return {std::string(index.documents_table) + " " + d + " JOIN " + table + " " + a + " ON " + a +
                ".id = " + d + ".id",
            d + ".id", order_by(d + ".id", how.shape(rank))};
  }
  return {table + " " + a, a + ".id", a + ".id"};
}

std::string append_documents_page(Sql& sql, const TextIndex& index, std::string_view alias,
                                  const Query& query, MatchRank rank, bool or_better,
                                  std::int64_t after, int limit, const Reading& how) {
  const std::string d = documents_alias(alias);
  const std::string id = d + ".id";
  sql << "(SELECT " << id << ", " << d << ".doc FROM " << std::string(index.documents_table)
      << " " << d << " WHERE ";
  if (or_better) {
    append_match_or_better(sql, index, alias, query, rank, how);
  } else {
    append_match(sql, index, alias, query, rank, how);
  }
  sql << " AND " << id << " > ";
  sql.bind(after);
  sql << " ORDER BY " << order_by(id, how.shape(rank)) << " LIMIT ";
  sql.bind(std::int64_t{limit});
  append_documents_join(sql, index, alias);
  return id;
}

std::string append_documents_ranked_page(Sql& sql, const TextIndex& index, std::string_view alias,
                                         const Query& query, int limit) {
  const std::string d = documents_alias(alias);
  const std::string id = d + ".id";
  const Documents docs = documents(index, alias);
  sql << "(SELECT " << id << ", " << d << ".doc, CASE WHEN ";
  append_like(sql, docs, needles(query, MatchRank::kExact), false);
  sql << " THEN 0 WHEN ";
  append_like(sql, docs, needles(query, MatchRank::kPrefix), false);
  sql << " THEN 1 ELSE 2 END AS rank FROM " << std::string(index.documents_table) << " " << d
      << " WHERE ";
  append_like(sql, docs, needles(query, MatchRank::kSubstring));
  sql << " ORDER BY 3, " << order_by(id, Shape::kIndex) << " LIMIT ";
  sql.bind(std::int64_t{limit});
  append_documents_join(sql, index, alias);
  return d + ".rank, " + id;
}

void append_match(Sql& sql, const TextIndex& index, std::string_view alias, const Query& query,
                  MatchRank rank, const Reading& how) {
  const Needles wanted = needles(query, rank);
  if (sql.backend() == Backend::kSqlite && from_numbers(index, rank, how)) {
    std::string expression = numbers_expression(query, rank == MatchRank::kPrefix);
    if (rank == MatchRank::kPrefix) expression += " NOT " + numbers_expression(query, false);
    sql << std::string(index.numbers_table) << " MATCH ";
    sql.bind(std::move(expression));
    return;
  }
  if (sql.backend() == Backend::kSqlite) {
    std::string expression = fts_expression(wanted);
    if (rank != MatchRank::kExact) {
      expression += " NOT " + fts_expression(needles(query, better(rank)));
    }
    sql << std::string(index.fts_table) << " MATCH ";
    sql.bind(std::move(expression));
    return;
  }
  const Documents docs = documents(index, alias);
  if (how.shape(rank) == Shape::kWalk) {
    // The document alone: the exact needle (U+0002 text U+0003) occurs only as a whole field,
    // as append_exact_flag has it.
    append_like(sql, docs, wanted, false);
    if (rank == MatchRank::kExact) return;
    sql << " AND NOT ";
    append_like(sql, docs, needles(query, better(rank)), false);
    return;
  }
  if (rank == MatchRank::kExact) {
    append_fields(sql, docs.text, query);
    return;
  }
  append_like(sql, docs, wanted);
  sql << " AND NOT ";
  if (better(rank) == MatchRank::kExact) {
    append_fields(sql, docs.text, query);
  } else {
    // The better rank's own condition, negated: dearer than this rank's, so that the planner
    // checks it last (on the rows holding the query), and estimated from the index's statistics.
    append_like(sql, docs, needles(query, better(rank)));
  }
}

bool ranks_share_statement(const Query& query) {
  return std::all_of(query.text.begin(), query.text.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

void append_match_or_better(Sql& sql, const TextIndex& index, std::string_view alias,
                            const Query& query, MatchRank rank, const Reading& how) {
  if (rank == MatchRank::kExact) {
    append_match(sql, index, alias, query, rank, how);
    return;
  }
  const Needles wanted = needles(query, rank);
  if (sql.backend() == Backend::kSqlite && from_numbers(index, rank, how)) {
    sql << std::string(index.numbers_table) << " MATCH ";
    sql.bind(numbers_expression(query, true));
    return;
  }
  if (sql.backend() == Backend::kSqlite) {
    sql << std::string(index.fts_table) << " MATCH ";
    sql.bind(fts_expression(wanted));
    return;
  }
  append_like(sql, documents(index, alias), wanted, how.shape(rank) != Shape::kWalk);
}

void append_exact_flag(Sql& sql, const TextIndex& index, std::string_view alias,
                       const Query& query) {
  // The exact needle (U+0002 text U+0003) occurs in a document only as a whole field. Each
  // column is looked at by itself: FTS5 matches in either of them even when the other is NULL.
  const std::string_view find = sql.backend() == Backend::kSqlite ? "instr(" : "strpos(";
  const Needles exact = needles(query, MatchRank::kExact);
  // PostgreSQL's side table holds the columns joined by ' ', which no needle spans.
  const std::string side = documents_alias(alias) + ".doc";
  const bool from_side = sql.backend() == Backend::kPostgres && !index.documents_table.empty();
  const std::vector<std::string_view> columns =
      from_side ? std::vector<std::string_view>{side} : index.columns;
  sql << "CASE WHEN ";
  bool first = true;
  for (const std::string& needle : exact.any) {
    for (std::string_view column : columns) {
      if (!first) sql << " OR ";
      first = false;
      sql << find;
      if (!from_side) sql << std::string(alias) << ".";
      sql << std::string(column) << ", ";
      sql.bind(needle);
      sql << ") > 0";
    }
  }
  sql << " THEN 1 ELSE 0 END";
}

void append_any_match(Sql& sql, const TextIndex& index, std::string_view alias,
                      const Query& query) {
  const Needles wanted = needles(
      query, query.substring_searchable() ? MatchRank::kSubstring : MatchRank::kPrefix);
  if (sql.backend() == Backend::kSqlite) {
    sql << std::string(index.fts_table) << " MATCH ";
    sql.bind(fts_expression(wanted));
    return;
  }
  append_like(sql, documents(index, alias), wanted);
}

Sql ranked_sql(storage::Backend backend, const TextIndex& index, const Query& query,
               MatchRank rank, int limit, bool newest_first, const Reading& how) {
  Sql sql(backend);
  const MatchSource source = ids_source(backend, index, rank, how);
  sql << "SELECT " << source.key << " FROM " << source.from << " WHERE ";
  append_match(sql, index, "r", query, rank, how);
  sql << " ORDER BY " << source.order << (newest_first ? " DESC" : "") << " LIMIT ";
  sql.bind(std::int64_t{limit});
  return sql;
}

Sql exact_or_prefix_sql(storage::Backend backend, const TextIndex& index, const Query& query,
                        int limit, bool newest_first, const Reading& how) {
  Sql sql(backend);
  const MatchSource source = ids_source(backend, index, MatchRank::kPrefix, how);
  sql << "SELECT " << source.key << ", ";
  append_exact_flag(sql, index, "r", query);
  sql << " FROM " << source.from << " WHERE ";
  append_match_or_better(sql, index, "r", query, MatchRank::kPrefix, how);
  sql << " ORDER BY " << source.order << (newest_first ? " DESC" : "") << " LIMIT ";
  sql.bind(std::int64_t{limit});
  return sql;
}

Result<std::vector<RankedId>> ranked_ids(storage::Connection& c, const TextIndex& index,
                                         const Query& query, int limit, bool newest_first,
                                         std::optional<Shape> shape) {
  std::vector<RankedId> out;
  if (limit <= 0) return out;
  Reading how;
  if (shape) {
    how = reading_in_shape(*shape);
  } else {
    ECRM_ASSIGN_OR_RETURN(how, reading(c, index, query,
                                       {.newest_first = newest_first, .limit = limit}));
  }
  bool prefix_read = false;
  if (ranks_share_statement(query)) {
    std::vector<RankedId> exact, prefix;
    const Sql both = exact_or_prefix_sql(c.backend(), index, query, limit, newest_first, how);
    ECRM_RETURN_IF_ERROR(c.query(both.text(), both.params(), [&](const storage::RowView& row) {
      if (row.get_int(1) != 0) {
        exact.push_back({row.get_int(0), MatchRank::kExact});
      } else {
        prefix.push_back({row.get_int(0), MatchRank::kPrefix});
      }
    }));
    if (static_cast<int>(exact.size() + prefix.size()) >= limit) {
      // Exact matches may lie beyond the limit. The prefix rows read are still the prefix rank's
      // first ones, as many as the page can take after the exact rank's.
      exact.clear();
      const Sql sql =
          ranked_sql(c.backend(), index, query, MatchRank::kExact, limit, newest_first, how);
      ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const storage::RowView& row) {
        exact.push_back({row.get_int(0), MatchRank::kExact});
      }));
    }
    out = std::move(exact);
    for (const RankedId& r : prefix) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(r);
    }
    prefix_read = true;
  }
  for (MatchRank rank : kMatchRanks) {
    if (prefix_read && rank != MatchRank::kSubstring) continue;
    const int wanted = limit - static_cast<int>(out.size());
    if (wanted <= 0) break;
    if (rank == MatchRank::kSubstring && !query.substring_searchable()) break;
    const Sql sql = ranked_sql(c.backend(), index, query, rank, wanted, newest_first, how);
    ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const storage::RowView& row) {
      out.push_back({row.get_int(0), rank});
    }));
  }
  return out;
}

namespace {

// PostgreSQL: the setting that defers an index's side table of documents (migration 0060).
std::string deferral_setting(const TextIndex& index) {
  return "ecrm." + std::string(index.documents_table) + "_after";
}

}  // namespace

Status defer_index(storage::Connection& c, const TextIndex& index) {
  if (c.backend() == Backend::kPostgres && !index.documents_table.empty()) {
    return storage::done(
        c.execute("SELECT set_config($1, CAST(coalesce(max(id), 0) AS text), true) FROM " +
                      std::string(index.table),
                  {deferral_setting(index)}));
  }
  if (c.backend() != Backend::kSqlite) return {};
  return storage::done(c.execute("INSERT INTO search_deferrals (index_name, after_id) SELECT $1, coalesce(max(id), 0) FROM " +
                       std::string(index.table),
                   {std::string(index.fts_table)}));
}

Status flush_deferred(storage::Connection& c, const TextIndex& index) {
  if (c.backend() == Backend::kPostgres && !index.documents_table.empty()) {
    const std::string setting = deferral_setting(index);
    // The rows above the mark that should have a document and have none: this transaction's.
    // Another's committed row has its own (written by its trigger), and is left alone: its
    // document may be changing under a transaction this one's snapshot cannot see.
    const std::string docs(index.documents_table);
    std::string sql = "INSERT INTO " + docs + " (id, doc) SELECT t.id, t." +
                      std::string(index.columns.at(0)) + " FROM " + std::string(index.table) +
                      " t WHERE t.id > CAST(nullif(current_setting($1, true), '') AS bigint)";
    if (!index.documents_rows.empty()) sql += " AND " + std::string(index.documents_rows);
    sql += " AND NOT EXISTS (SELECT 1 FROM " + docs +
           " d WHERE d.id = t.id) ORDER BY t.id ON CONFLICT (id) DO NOTHING";
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(sql, {setting})));
    return storage::done(c.execute("SELECT set_config($1, '', true)", {setting}));
  }
  if (c.backend() != Backend::kSqlite) return {};
  std::string columns;
  for (auto column : index.columns) columns += ", " + std::string(column);
  const std::string name(index.fts_table);
  // The trigram index, and the index of number fields over the same columns (migration 0058).
  for (std::string_view fts : {index.fts_table, index.numbers_table}) {
    if (fts.empty()) continue;
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(
        "INSERT INTO " + std::string(fts) + " (rowid" + columns + ") SELECT id" + columns +
            " FROM " + std::string(index.table) +
            " WHERE id > (SELECT after_id FROM search_deferrals WHERE index_name = $1) ORDER BY id",
        {name})));
  }
  return storage::done(c.execute("DELETE FROM search_deferrals WHERE index_name = $1", {name}));
}

Result<std::vector<std::string>> check_index(storage::Connection& c, const TextIndex& index,
                                             std::size_t limit) {
  std::vector<std::string> problems;
  if (c.backend() == Backend::kSqlite) {
    for (std::string_view fts : {index.fts_table, index.numbers_table}) {
      if (fts.empty()) continue;
      const std::string name(fts);
      auto checked =
          c.execute("INSERT INTO " + name + " (" + name + ", rank) VALUES ('integrity-check', 1)");
      // A busy or locked database is no answer.
      if (!checked.ok() && checked.error().kind == ErrorKind::kUnavailable)
        return std::move(checked).error();
      if (!checked.ok()) {
        problems.push_back(name + ": does not match " + std::string(index.table) + " (" +
                           checked.error().message + ")");
      }
    }
    return problems;
  }
  if (index.documents_table.empty()) return problems;
  const std::string table(index.table);
  const std::string docs(index.documents_table);
  const std::string column(index.columns.at(0));
  const std::string shown = index.documents_rows.empty()
                                ? "true"
                                : "coalesce((" + std::string(index.documents_rows) + "), false)";
  // 1: no document, 2: a document its row should not have, 3: a document without a row,
  // 4: a document unlike its row's.
  ECRM_RETURN_IF_ERROR(c.query(
      "SELECT coalesce(t.id, d.id), CASE WHEN d.id IS NULL THEN 1 WHEN t.id IS NULL THEN 3 "
      "WHEN NOT " +
          shown + " THEN 2 ELSE 4 END FROM " + table + " t FULL JOIN " + docs +
          " d ON d.id = t.id WHERE (d.id IS NULL AND " + shown +
          ") OR t.id IS NULL OR (d.id IS NOT NULL AND "
          "(NOT " +
          shown + " OR d.doc IS DISTINCT FROM t." + column + ")) ORDER BY 1 LIMIT $1",
      {static_cast<std::int64_t>(limit)}, [&](const storage::RowView& row) {
        static constexpr std::array<std::string_view, 4> kWhat{
            "has no document in ", "should have no document in ", "is gone but has a document in ",
            "has a stale document in "};
        problems.push_back(table + " " + std::to_string(row.get_int(0)) + ": " +
                           std::string(kWhat.at(static_cast<std::size_t>(row.get_int(1) - 1))) +
                           docs);
      }));
  return problems;
}

Status optimize(storage::Connection& c, const TextIndex& index) {
  if (c.backend() != Backend::kSqlite) return {};
  const std::string fts(index.fts_table);
  ECRM_RETURN_IF_ERROR(
      storage::done(c.execute("INSERT INTO " + fts + " (" + fts + ") VALUES ('optimize')")));
  if (index.numbers_table.empty()) return {};
  const std::string numbers(index.numbers_table);
  return storage::done(
      c.execute("INSERT INTO " + numbers + " (" + numbers + ") VALUES ('optimize')"));
}

}  // namespace ecrm::search
