#include "search/fulltext.hpp"

#include <algorithm>
#include <unordered_set>

namespace ecrm::search {

namespace {

using storage::Backend;

// Byte offsets of each character of valid UTF-8 `text`, and its size at the end (invalid bytes
// count as one character each).
std::vector<std::size_t> char_starts(std::string_view text) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(text.size());
  return out;
}

// The characters of `word`, each as its bytes.
std::vector<std::string_view> characters(std::string_view word) {
  const std::vector<std::size_t> starts = char_starts(word);
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i + 1 < starts.size(); ++i) {
    out.push_back(word.substr(starts[i], starts[i + 1] - starts[i]));
  }
  return out;
}

// The bigram tokens of a CJK word of two characters or more.
std::vector<std::string> bigrams(std::string_view word) {
  const std::vector<std::string_view> chars = characters(word);
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < chars.size(); ++i) {
    out.push_back(std::string(kBigramMarker) + std::string(chars[i]) + std::string(chars[i + 1]));
  }
  return out;
}

// FTS5: a string in double quotes (a phrase of the tokens it holds), quotes doubled.
std::string fts_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + '"';
}

// tsquery: an operand in single quotes, quotes and backslashes escaped.
std::string ts_operand(std::string_view text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'' || ch == '\\') out += ch;
    out += ch;
  }
  return out + "'";
}

bool fallback(const Word& word) { return word.cjk && count_chars(word.text) >= 2; }

// PostgreSQL: the alias of the side table's row joined to the row `alias`.
std::string side_alias(std::string_view alias) { return std::string(alias) + "_words"; }

// PostgreSQL: the row's tsvector, stored (in the row or its side table's row) or computed as the
// index's expression is.
std::string to_tsvector(const FullTextIndex& index, std::string_view alias) {
  if (!index.tsvector_table.empty()) {
    return side_alias(alias) + "." + std::string(index.tsvector_column);
  }
  if (!index.tsvector_column.empty()) {
    return std::string(alias) + "." + std::string(index.tsvector_column);
  }
  return "to_tsvector('simple', " + std::string(alias) + "." + std::string(index.words_column) + ")";
}

// PostgreSQL with a side table: its rows as `alias`_words, joined to the table's as `alias` only
// when a filter reads them.
std::string side_from(const FullTextIndex& index, std::string_view alias, bool joined) {
  const std::string side = side_alias(alias);
  std::string out = std::string(index.tsvector_table) + " " + side;
  if (joined) {
    out += " JOIN " + std::string(index.table) + " " + std::string(alias) + " ON " +
           std::string(alias) + ".id = " + side + ".id";
  }
  return out;
}

// A CJK word of two characters: its one bigram token is in every text that holds the word
// (Segmenter::terms() writes the bigrams of every CJK run, the word's included).
bool single_bigram(const Word& word) { return fallback(word) && count_chars(word.text) == 2; }

void append_tsquery(Sql& sql, const FullTextQuery& query) {
  sql << "to_tsquery('simple', ";
  sql.bind(tsquery_text(query));
  sql << ")";
}

std::string cut_query(std::string_view raw) {
  std::size_t begin = 0;
  std::size_t end = raw.size();
  auto space = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f'; };
  while (begin < end && space(raw[begin])) ++begin;
  while (end > begin && space(raw[end - 1])) --end;
  std::string_view text = raw.substr(begin, end - begin);
  if (text.size() > kMaxQueryBytes) {
    std::size_t cut = kMaxQueryBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  return std::string(text);
}

}  // namespace

TextIndex text_index(const FullTextIndex& index) {
  return TextIndex{index.table, {index.words_column}, index.fts_table};
}

FullTextQuery parse_fulltext_query(std::string_view raw, const Segmenter& segmenter) {
  FullTextQuery query;
  query.text = cut_query(raw);
  std::unordered_set<std::string> seen;
  for (Word& word : segmenter.words(query.text)) {
    if (seen.insert(word.text).second) query.words.push_back(std::move(word));
  }
  return query;
}

std::string fts5_expression(const FullTextQuery& query) {
  std::string out;
  for (const Word& word : query.words) {
    if (!out.empty()) out += " AND ";
    if (!fallback(word)) {
      out += fts_string(word.text);
      continue;
    }
    std::string phrase;
    for (const std::string& bigram : bigrams(word.text)) {
      if (!phrase.empty()) phrase += ' ';
      phrase += bigram;
    }
    out += "(" + fts_string(word.text) + " OR " + fts_string(phrase) + ")";
  }
  return out;
}

std::string postgres_side_table_script(const FullTextIndex& index, bool fill) {
  const std::string table(index.table), side(index.tsvector_table);
  const std::string tsv(index.tsvector_column), words(index.words_column);
  std::string sql = "CREATE TABLE " + side + " (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, " +
                    tsv + " tsvector NOT NULL);\n";
  if (fill) {
    sql += "INSERT INTO " + side + " (id, seq, " + tsv + ") SELECT id, id, to_tsvector('simple', " +
           words + ") FROM " + table + " WHERE " + words + " <> '' ORDER BY id;\n";
  }
  sql += "CREATE INDEX " + side + "_tsv ON " + side + " USING gin (" + tsv + ");\n";
  sql += "CREATE INDEX " + side + "_seq ON " + side +
         " USING brin (seq) WITH (pages_per_range = 4);\n";
  sql += "CREATE OR REPLACE FUNCTION " + side +
         "_sync() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
         "  IF TG_OP <> 'INSERT' THEN DELETE FROM " + side + " WHERE id = OLD.id; END IF;\n"
         "  IF TG_OP <> 'DELETE' AND NEW." + words + " <> '' THEN\n"
         "    INSERT INTO " + side + " (id, seq, " + tsv + ") VALUES (NEW.id, NEW.id, "
         "to_tsvector('simple', NEW." + words + "));\n"
         "  END IF;\n  RETURN NULL;\nEND $$;\n";
  sql += "CREATE TRIGGER " + side + "_insert AFTER INSERT ON " + table +
         " FOR EACH ROW EXECUTE FUNCTION " + side + "_sync();\n";
  sql += "CREATE TRIGGER " + side + "_update AFTER UPDATE OF " + words + " ON " + table +
         " FOR EACH ROW WHEN (OLD." + words + " IS DISTINCT FROM NEW." + words +
         ") EXECUTE FUNCTION " + side + "_sync();\n";
  sql += "CREATE TRIGGER " + side + "_delete AFTER DELETE ON " + table +
         " FOR EACH ROW EXECUTE FUNCTION " + side + "_sync();\n";
  return sql;
}

namespace {

// One query word as a tsquery operand: the word, and for the CJK fallback its bigram phrase.
std::string ts_word(const Word& word) {
  if (!fallback(word)) return ts_operand(word.text);
  std::string phrase;
  for (const std::string& bigram : bigrams(word.text)) {
    if (!phrase.empty()) phrase += " <-> ";
    phrase += ts_operand(bigram);
  }
  return "(" + ts_operand(word.text) + " | (" + phrase + "))";
}

}  // namespace

std::string tsquery_text(const FullTextQuery& query) {
  std::string out;
  for (const Word& word : query.words) {
    if (!out.empty()) out += " & ";
    out += ts_word(word);
  }
  return out;
}

std::string tsquery_match_text(const FullTextQuery& query) {
  std::string out;
  for (const Word& word : query.words) {
    if (!out.empty()) out += " & ";
    out += single_bigram(word) ? ts_operand(bigrams(word.text).front()) : ts_word(word);
  }
  return out;
}

std::string fulltext_from(Backend backend, const FullTextIndex& index, std::string_view alias) {
  const std::string table(index.table);
  const std::string a(alias);
  if (backend == Backend::kSqlite) {
    const std::string fts(index.fts_table);
    return fts + " CROSS JOIN " + table + " " + a + " ON " + a + ".id = " + fts + ".rowid";
  }
  if (!index.tsvector_table.empty()) {
    const std::string side = side_alias(alias);
    return table + " " + a + " JOIN " + std::string(index.tsvector_table) + " " + side + " ON " +
           side + ".id = " + a + ".id";
  }
  return table + " " + a;
}

void append_fulltext_match(Sql& sql, const FullTextIndex& index, std::string_view alias,
                           const FullTextQuery& query) {
  if (sql.backend() == Backend::kSqlite) {
    sql << std::string(index.fts_table) << " MATCH ";
    sql.bind(fts5_expression(query));
    return;
  }
  sql << to_tsvector(index, alias) << " @@ to_tsquery('simple', ";
  sql.bind(tsquery_match_text(query));
  sql << ")";
}

void append_fulltext_relevance(Sql& sql, const FullTextIndex& index, std::string_view alias,
                               const FullTextQuery& query) {
  if (sql.backend() == Backend::kSqlite) {
    sql << "(-bm25(" << std::string(index.fts_table) << "))";
    return;
  }
  sql << "ts_rank_cd(" << to_tsvector(index, alias) << ", to_tsquery('simple', ";
  sql.bind(tsquery_text(query));
  sql << "), 1)";
}

Sql fulltext_sql(Backend backend, const FullTextIndex& index, const FullTextQuery& query,
                 const FullTextFilter& filter, FullTextPage page) {
  constexpr std::string_view kAlias = "ft";
  Sql sql(backend);
  const bool window = page.rank_window > 0;
  if (backend == Backend::kPostgres && !index.tsvector_table.empty()) {
    // The side table alone, joined to the table for the filter only.
    const std::string side = side_alias(kAlias);
    const std::string tsv = to_tsvector(index, kAlias);
    if (!window) {
      sql << "SELECT " << side << ".id, ";
      append_fulltext_relevance(sql, index, kAlias, query);
      sql << " AS relevance FROM " << side_from(index, kAlias, bool(filter)) << " WHERE ";
    } else {
      sql << "SELECT w.id, ts_rank_cd(w.words_vector, ";
      append_tsquery(sql, query);
      sql << ", 1) AS relevance FROM (SELECT " << side << ".id AS id, " << tsv
          << " AS words_vector FROM " << side_from(index, kAlias, bool(filter)) << " WHERE ";
    }
    append_fulltext_match(sql, index, kAlias, query);
    if (filter) filter(sql, kAlias);
    if (window) {
      sql << " ORDER BY " << side << ".id DESC LIMIT ";
      sql.bind(std::int64_t{page.rank_window});
      sql << ") w";
    }
    sql << " ORDER BY relevance DESC, " << (window ? std::string("w.id") : side + ".id")
        << " DESC LIMIT ";
    sql.bind(std::int64_t{std::max(page.limit, 0)});
    sql << " OFFSET ";
    sql.bind(std::int64_t{std::max(page.offset, 0)});
    return sql;
  }
  if (!window) {
    sql << "SELECT ft.id, ";
    append_fulltext_relevance(sql, index, kAlias, query);
    sql << " AS relevance FROM " << fulltext_from(backend, index, kAlias) << " WHERE ";
    append_fulltext_match(sql, index, kAlias, query);
    if (filter) filter(sql, kAlias);
  } else if (backend == Backend::kSqlite) {
    // bm25() is computed for the rows the inner statement returns: the newest matches, read
    // from the index newest first up to the window.
    sql << "SELECT w.id, w.relevance FROM (SELECT ft.id AS id, ";
    append_fulltext_relevance(sql, index, kAlias, query);
    sql << " AS relevance FROM " << fulltext_from(backend, index, kAlias) << " WHERE ";
    append_fulltext_match(sql, index, kAlias, query);
    if (filter) filter(sql, kAlias);
    sql << " ORDER BY " << std::string(index.fts_table) << ".rowid DESC LIMIT ";
    sql.bind(std::int64_t{page.rank_window});
    sql << ") w";
  } else {
    sql << "SELECT w.id, ts_rank_cd(w.words_vector, to_tsquery('simple', ";
    sql.bind(tsquery_text(query));
    sql << "), 1) AS relevance FROM (SELECT ft.id AS id, " << to_tsvector(index, kAlias)
        << " AS words_vector FROM " << fulltext_from(backend, index, kAlias) << " WHERE ";
    append_fulltext_match(sql, index, kAlias, query);
    if (filter) filter(sql, kAlias);
    sql << " ORDER BY ft.id DESC LIMIT ";
    sql.bind(std::int64_t{page.rank_window});
    sql << ") w";
  }
  const std::string id = window ? "w.id" : "ft.id";
  sql << " ORDER BY relevance DESC, " << id << " DESC LIMIT ";
  sql.bind(std::int64_t{std::max(page.limit, 0)});
  sql << " OFFSET ";
  sql.bind(std::int64_t{std::max(page.offset, 0)});
  return sql;
}

namespace {

// The staged plan (fulltext.hpp): PostgreSQL with a side table, a window.
class WindowFinder {
 public:
  WindowFinder(storage::Connection& c, const FullTextIndex& index, const FullTextQuery& query,
               const FullTextFilter& filter)
      : c_(c), index_(index), query_(query), filter_(filter) {}

  // Appends to `hits` the newest `need` matches below `below` (if set) among the newest `rows`
  // rows, ranked, newest first.
  Status walk(std::optional<std::int64_t> below, std::int64_t rows, std::int64_t need,
              std::vector<FullTextHit>& hits) {
    Sql sql(Backend::kPostgres);
    const std::string side = side_alias(kAlias);
    sql << "SELECT w.id, ts_rank_cd(w.words_vector, ";
    append_tsquery(sql, query_);
    sql << ", 1) FROM (SELECT " << side << ".id AS id, " << side << "." << column()
        << " AS words_vector FROM (SELECT id, " << column() << " FROM "
        << std::string(index_.tsvector_table);
    if (below) {
      sql << " WHERE id < ";
      sql.bind(*below);
    }
    sql << " ORDER BY id DESC LIMIT ";
    sql.bind(rows);
    sql << ") " << side;
    if (filter_) {
      sql << " JOIN " << std::string(index_.table) << " " << kAlias << " ON " << kAlias
          << ".id = " << side << ".id";
    }
    sql << " WHERE ";
    append_fulltext_match(sql, index_, kAlias, query_);
    if (filter_) filter_(sql, kAlias);
    sql << " ORDER BY " << side << ".id DESC LIMIT ";
    sql.bind(need);
    sql << ") w ORDER BY w.id DESC";
    return run(sql, hits);
  }

  // The number of the newest `rows` rows below `below` (if set) there are, and the oldest id of
  // them (0 when none).
  Result<std::pair<std::int64_t, std::int64_t>> edge(std::optional<std::int64_t> below,
                                                     std::int64_t rows) {
    Sql sql(Backend::kPostgres);
    sql << "SELECT count(*), coalesce(min(id), 0) FROM (SELECT id FROM "
        << std::string(index_.tsvector_table);
    if (below) {
      sql << " WHERE id < ";
      sql.bind(*below);
    }
    sql << " ORDER BY id DESC LIMIT ";
    sql.bind(rows);
    sql << ") r";
    std::pair<std::int64_t, std::int64_t> out{0, 0};
    ECRM_RETURN_IF_ERROR(c_.query(sql.text(), sql.params(), [&](const storage::RowView& row) {
      out = {row.get_int(0), row.get_int(1)};
    }));
    return out;
  }

  // Appends to `hits` the newest `need` matches with seq in [from, below) (from: none when
  // unset), ranked, newest first, read through the GIN index (and the BRIN index for `from`).
  Status range(std::optional<std::int64_t> from, std::int64_t below, std::int64_t need,
               std::vector<FullTextHit>& hits) {
    Sql sql(Backend::kPostgres);
    const std::string side = side_alias(kAlias);
    if (from) {
      // A bounded range holds about the matches it is asked for (find_window's margin): they are
      // ranked as they are read, so the sort carries (seq, id, rank) and not the tsvectors, which
      // would spill a window of 2,000 to disk under the default work_mem.
      sql << "SELECT w.id, w.relevance FROM (SELECT " << side << ".id AS id, " << side
          << ".seq AS seq, ts_rank_cd(" << side << "." << column() << ", ";
      append_tsquery(sql, query_);
      sql << ", 1) AS relevance FROM ";
    } else {
      sql << "SELECT w.id, ts_rank_cd(w.words_vector, ";
      append_tsquery(sql, query_);
      sql << ", 1) FROM (SELECT " << side << ".id AS id, " << side << "." << column()
          << " AS words_vector FROM ";
    }
    sql << side_from(index_, kAlias, bool(filter_)) << " WHERE ";
    if (from) {
      sql << side << ".seq >= ";
      sql.bind(*from);
      sql << " AND ";
    }
    sql << side << ".seq < ";
    sql.bind(below);
    sql << " AND ";
    append_fulltext_match(sql, index_, kAlias, query_);
    if (filter_) filter_(sql, kAlias);
    // By seq, which only the BRIN index covers: the walk of the primary key is no choice here.
    sql << " ORDER BY " << side << ".seq DESC LIMIT ";
    sql.bind(need);
    sql << ") w ORDER BY w.id DESC";
    return run(sql, hits);
  }

 private:
  static constexpr std::string_view kAlias = "ft";

  std::string column() const { return std::string(index_.tsvector_column); }

  Status run(const Sql& sql, std::vector<FullTextHit>& hits) {
    return c_.query(sql.text(), sql.params(), [&](const storage::RowView& row) {
      hits.push_back({row.get_int(0), row.get_double(1)});
    });
  }

  storage::Connection& c_;
  const FullTextIndex& index_;
  const FullTextQuery& query_;
  const FullTextFilter& filter_;
};

// Below this share of matching rows among the rows walked, the rest of the window is read
// through the GIN index rather than walked (bench/community/README.md).
constexpr double kWalkShare = 0.05;

// The newest rank_window matches, ranked (fulltext.hpp: the staged plan).
Result<std::vector<FullTextHit>> find_window(storage::Connection& c, const FullTextIndex& index,
                                             const FullTextQuery& query,
                                             const FullTextFilter& filter, FullTextPage page) {
  WindowFinder finder(c, index, query, filter);
  const auto window = static_cast<std::int64_t>(page.rank_window);
  const auto probe = static_cast<std::int64_t>(std::max(page.probe_rows, 1));
  std::vector<FullTextHit> hits;
  ECRM_RETURN_IF_ERROR(finder.walk(std::nullopt, probe, window, hits));
  if (static_cast<std::int64_t>(hits.size()) >= window) return hits;
  ECRM_ASSIGN_OR_RETURN(auto walked, finder.edge(std::nullopt, probe));
  if (walked.first < probe) return hits;  // every row walked
  std::int64_t below = walked.second;
  const auto need = [&] { return window - static_cast<std::int64_t>(hits.size()); };
  const double share = static_cast<double>(hits.size()) / static_cast<double>(probe);
  if (share >= kWalkShare) {
    // A common query: walk on over about twice the rows its share says the rest lies in.
    const auto rows = static_cast<std::int64_t>(2.0 * static_cast<double>(need()) / share) + 1;
    ECRM_RETURN_IF_ERROR(finder.walk(below, rows, need(), hits));
    if (need() <= 0) return hits;
    ECRM_ASSIGN_OR_RETURN(walked, finder.edge(below, rows));
    if (walked.first < rows) return hits;
    below = walked.second;
  } else if (!hits.empty()) {
    // The range of ids the rest should lie in, by the share (ids counted as rows), with a margin.
    const auto span = static_cast<std::int64_t>(1.5 * static_cast<double>(need()) / share) + 1;
    if (below - span > 0) {
      const std::int64_t from = below - span;
      ECRM_RETURN_IF_ERROR(finder.range(from, below, need(), hits));
      if (need() <= 0) return hits;
      below = from;
    }
  }
  // A rare query, or what the estimate missed: the GIN index's matches below.
  ECRM_RETURN_IF_ERROR(finder.range(std::nullopt, below, need(), hits));
  return hits;
}

}  // namespace

Result<std::vector<FullTextHit>> fulltext_search(storage::Connection& c, const FullTextIndex& index,
                                                 const FullTextQuery& query,
                                                 const FullTextFilter& filter, FullTextPage page) {
  std::vector<FullTextHit> out;
  if (query.empty() || page.limit <= 0) return out;
  if (c.backend() == Backend::kPostgres && !index.tsvector_table.empty() && page.rank_window > 0) {
    ECRM_ASSIGN_OR_RETURN(out, find_window(c, index, query, filter, page));
    // The page of the window: best first, then newest (the statement's ORDER BY).
    std::sort(out.begin(), out.end(), [](const FullTextHit& a, const FullTextHit& b) {
      return a.relevance != b.relevance ? a.relevance > b.relevance : a.id > b.id;
    });
    const auto begin = std::min(out.size(), static_cast<std::size_t>(std::max(page.offset, 0)));
    const auto end = std::min(out.size(), begin + static_cast<std::size_t>(page.limit));
    return std::vector<FullTextHit>(out.begin() + static_cast<std::ptrdiff_t>(begin),
                                    out.begin() + static_cast<std::ptrdiff_t>(end));
  }
  const Sql sql = fulltext_sql(c.backend(), index, query, filter, page);
  ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const storage::RowView& row) {
    out.push_back({row.get_int(0), row.get_double(1)});
  }));
  return out;
}

std::optional<Highlight> highlight_fulltext(std::string_view field, std::string_view text,
                                            const FullTextQuery& query, std::size_t max_chars,
                                            const Segmenter& segmenter) {
  if (query.empty() || text.empty()) return std::nullopt;
  std::unordered_set<std::string> terms;
  for (const Word& word : query.words) terms.insert(word.text);
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const Word& word : segmenter.words(text)) {
    if (terms.count(word.text)) ranges.emplace_back(word.begin, word.end);
  }
  for (const Word& word : query.words) {
    if (!fallback(word)) continue;
    for (std::size_t at = text.find(word.text); at != std::string_view::npos;
         at = text.find(word.text, at + word.text.size())) {
      ranges.emplace_back(at, at + word.text.size());
    }
  }
  if (ranges.empty()) return std::nullopt;
  std::sort(ranges.begin(), ranges.end());
  // Merge overlapping and touching ranges.
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  // The window shown: the whole text, or about max_chars characters from a little before the
  // first match.
  std::size_t window_begin = 0;
  std::size_t window_end = text.size();
  const std::vector<std::size_t> starts = char_starts(text);
  const std::size_t chars = starts.size() - 1;
  if (max_chars > 0 && chars > max_chars) {
    const std::size_t first_char = static_cast<std::size_t>(
        std::lower_bound(starts.begin(), starts.end(), merged.front().first) - starts.begin());
    std::size_t from = first_char > max_chars / 4 ? first_char - max_chars / 4 : 0;
    if (from + max_chars > chars) from = chars - max_chars;
    window_begin = starts[from];
    window_end = starts[from + max_chars];
  }
  Highlight out{std::string(field), {}};
  auto plain = [&](std::size_t a, std::size_t b) {
    if (a < b) out.segments.push_back({std::string(text.substr(a, b - a)), false});
  };
  if (window_begin > 0) out.segments.push_back({"…", false});
  std::size_t at = window_begin;
  for (const auto& [a, b] : merged) {
    const std::size_t begin = std::max(a, window_begin);
    const std::size_t end = std::min(b, window_end);
    if (begin >= end) continue;
    plain(at, begin);
    out.segments.push_back({std::string(text.substr(begin, end - begin)), true});
    at = end;
  }
  plain(at, window_end);
  if (window_end < text.size()) out.segments.push_back({"…", false});
  // Adjacent unmatched pieces read as one.
  std::vector<Segment> joined;
  for (Segment& segment : out.segments) {
    if (!joined.empty() && !joined.back().match && !segment.match) {
      joined.back().text += segment.text;
    } else {
      joined.push_back(std::move(segment));
    }
  }
  out.segments = std::move(joined);
  return out;
}

Result<std::vector<std::string>> load_learned_words(storage::Connection& c) {
  std::vector<std::string> out;
  ECRM_RETURN_IF_ERROR(c.query("SELECT word FROM search_words ORDER BY word", {},
                               [&](const storage::RowView& row) { out.push_back(row.get_string(0)); }));
  return out;
}

Status store_learned_words(storage::Connection& c, const std::vector<LearnedWord>& words,
                           std::int64_t now) {
  ECRM_RETURN_IF_ERROR(storage::done(c.execute("DELETE FROM search_words")));
  for (const LearnedWord& word : words) {
    ECRM_RETURN_IF_ERROR(storage::done(
        c.execute("INSERT INTO search_words (word, occurrences, cohesion, entropy, learned_at) "
                  "VALUES ($1, $2, $3, $4, $5)",
                  {word.word, word.count, word.cohesion, word.entropy, now})));
  }
  return {};
}

}  // namespace ecrm::search
