// Full-text search over generated community posts (src/search/fulltext.hpp), on SQLite or
// PostgreSQL: loads POSTS posts (Chinese, English and mixed, words drawn from a Zipf law) into a
// table made searchable by the header's recipe, then times each query three ways:
//   layer   search::fulltext_search: the query segmented, the statement built, run through the
//           storage layer (what a capability's search does, less its HTTP)
//   direct  the same statement with the query's expression as a literal, run with the driver's
//           C API (sqlite3_* / libpq) on its own connection: the limit for the layer
//   fts     SQLite only: the FTS5 table alone, ORDER BY rank (bm25) LIMIT 20, no join
// and prints p50 and p99 per query with the number of posts that match.
//
// Usage: bench_community_search --db URL [--posts N] [--reload] [--rounds R] [--budget-s S]
//                               [--probe-rows P]   (FullTextPage::probe_rows)
// A database that already holds bench_posts of N posts is reused.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "search/fulltext.hpp"
#include "search/segment.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace {

using namespace ecrm;
using storage::Backend;
using Clock = std::chrono::steady_clock;

const search::FullTextIndex kIndex{"bench_posts", "words", "bench_posts_fts", "words_tsv",
                                   "bench_posts_words"};

constexpr std::string_view kSqliteSchema = R"sql(
DROP TABLE IF EXISTS bench_posts_fts;
DROP TABLE IF EXISTS bench_posts;
CREATE TABLE bench_posts (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  words TEXT NOT NULL DEFAULT ''
);
CREATE VIRTUAL TABLE bench_posts_fts USING fts5(
  words, content = 'bench_posts', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER bench_posts_fts_insert AFTER INSERT ON bench_posts
  WHEN NOT EXISTS (SELECT 1 FROM search_deferrals WHERE index_name = 'bench_posts_fts') BEGIN
  INSERT INTO bench_posts_fts (rowid, words) VALUES (new.id, new.words);
END;
)sql";

constexpr std::string_view kPostgresSchema = R"sql(
DROP TABLE IF EXISTS bench_posts_words;
DROP TABLE IF EXISTS bench_posts;
CREATE TABLE bench_posts (
  id BIGINT PRIMARY KEY,
  body TEXT NOT NULL,
  words TEXT NOT NULL DEFAULT ''
);
)sql";



// Words by frequency rank (most frequent first); the rest of the Chinese vocabulary is the
// segmenter's seed list.
const std::vector<std::string> kEnglish = {
    "the", "good", "is", "it", "and", "product", "very", "quality", "price", "works", "great",
    "but", "not", "fast", "delivery", "use", "after", "bought", "one", "week", "screen", "phone",
    "day", "order", "nice", "would", "again", "size", "color", "package", "seller", "easy", "time",
    "sound", "light", "bad", "small", "love", "well", "recommend", "problem", "months", "cheap",
    "service", "arrived", "broken", "box", "return", "refund", "customer", "battery", "charger",
    "cable", "app", "update", "support", "replacement", "button", "noise", "heavy", "design",
    "kettle", "water", "leak", "warm", "cold", "shoes", "comfortable", "fabric", "shirt", "fit",
    "material", "smell", "skin", "cream", "bottle", "lid", "handle", "plastic", "metal", "glass",
    "scratch", "crack", "speaker", "bluetooth", "connection", "pairing", "volume", "headphones",
    "keyboard", "mouse", "laptop", "tablet", "watch", "strap", "camera", "lens", "photo", "video",
    "printer", "ink", "paper", "vacuum", "filter", "motor", "power", "switch", "remote", "signal",
    "wifi", "router", "setup", "manual", "instructions", "install", "assembly", "screws", "parts",
    "missing", "wrong", "model", "version", "upgrade", "firmware", "crash", "freeze", "slow",
    "lag", "heat", "overheating", "durable", "sturdy", "flimsy", "cheaply", "expensive", "worth",
    "value", "discount", "coupon", "shipping", "courier", "tracking", "late", "damaged",
    "exchange", "warranty", "repair", "technician", "complaint", "response", "friendly", "rude",
    "helpful", "patient", "quickly", "finally", "disappointed", "happy", "satisfied", "perfect",
    "terrible", "awful", "excellent", "amazing", "decent", "okay", "average", "solid", "gift",
    "birthday", "kids", "family", "kitchen", "office", "travel", "outdoor", "running", "gym",
    "winter", "summer", "rain", "waterproof", "charging", "drains", "lasts", "hours", "minutes",
    "capacity", "storage", "memory", "display", "brightness", "resolution", "touch", "sensor",
    "fingerprint", "unlock", "password", "account", "login", "subscription", "membership",
    "points", "invoice", "receipt", "sizing", "tight", "loose", "stitching", "zipper", "pocket",
    "sole", "heel", "comfort", "cushion", "pillow", "mattress", "blanket", "towel", "soap",
    "shampoo", "lotion", "serum", "mask", "lipstick", "perfume", "scent", "allergy", "rash"};

const std::vector<std::string> kChineseHead = {
    "的", "质量", "很好", "不错", "我", "这个", "快递", "客服", "发货", "价格", "东西", "喜欢",
    "物流", "包装", "一般", "推荐", "没有", "使用", "效果", "颜色", "尺寸", "问题", "收到", "购买",
    "服务", "态度", "退货", "退款", "性价比", "续航", "电池", "充电", "屏幕", "声音", "好评",
    "差评", "包邮", "售后", "换货", "破损", "漏水", "异味", "做工", "手感", "外观", "卡顿", "发热",
    "安装", "说明书", "保修"};

// Inflections that the stemmer folds back ("battery" written "batteries").
std::string inflect(const std::string& word, std::mt19937_64& gen) {
  const auto roll = gen() % 10;
  if (roll == 0) {
    if (word.size() > 2 && word.back() == 'y') return word.substr(0, word.size() - 1) + "ies";
    return word + "s";
  }
  if (roll == 1 && word.size() > 3) return word + "ed";
  return word;
}

class Zipf {
 public:
  explicit Zipf(std::size_t n, double s = 1.0) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      total += 1.0 / std::pow(static_cast<double>(i + 1), s);
      cumulative_.push_back(total);
    }
    for (double& c : cumulative_) c /= total;
  }
  std::size_t operator()(std::mt19937_64& gen) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(gen);
    return static_cast<std::size_t>(std::lower_bound(cumulative_.begin(), cumulative_.end(), u) -
                                    cumulative_.begin()) %
           cumulative_.size();
  }

 private:
  std::vector<double> cumulative_;
};

std::vector<std::string> chinese_vocabulary() {
  std::vector<std::string> out = kChineseHead;
  const std::string_view seed = search::seed_words_text();
  std::size_t at = 0;
  bool comment = false;
  std::string word;
  for (std::size_t i = 0; i <= seed.size(); ++i) {
    const char ch = i < seed.size() ? seed[i] : '\n';
    if (ch == '#') comment = true;
    if (ch == ' ' || ch == '\n') {
      if (!comment && !word.empty() && std::find(out.begin(), out.end(), word) == out.end()) {
        out.push_back(word);
      }
      word.clear();
      if (ch == '\n') comment = false;
      continue;
    }
    if (!comment) word += ch;
  }
  (void)at;
  return out;
}

std::string make_post(std::mt19937_64& gen, const std::vector<std::string>& zh, const Zipf& zh_zipf,
                      const Zipf& en_zipf) {
  const auto kind = gen() % 20;  // 10 Chinese, 7 English, 3 mixed
  const std::size_t length = 15 + gen() % 46;
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    const bool english = kind >= 10 && (kind < 17 || gen() % 2 == 0);
    if (english) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      out += inflect(kEnglish[en_zipf(gen)], gen);
      if (gen() % 9 == 0) out += (gen() % 2 == 0) ? ". " : ", ";
    } else {
      out += zh[zh_zipf(gen)];
      if (gen() % 7 == 0) out += (gen() % 3 == 0) ? "。" : "，";
    }
  }
  return out;
}

// CPU time of this thread: segmentation is measured in it, so that other processes' load on the
// machine does not count.
double thread_cpu_s() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

void check(const Status& status, const char* what) {
  if (!status.ok()) {
    std::cerr << what << ": " << status.error().message << "\n";
    std::exit(1);
  }
}

// PostgreSQL: builds the side table when the posts have none (a database loaded before it).
void build_side_table(storage::Connection& c) {
  const auto started = Clock::now();
  // Filled from the posts after the load (as a migration fills it from the rows it finds), then
  // kept by the triggers.
  check(c.execute_script("DROP TABLE IF EXISTS bench_posts_words;\n" +
                         search::postgres_side_table_script(kIndex, true)),
        "side table");
  check(storage::done(c.execute("VACUUM ANALYZE bench_posts_words")), "vacuum");
  std::printf("side table, GIN and BRIN indexes, VACUUM ANALYZE: %.1f s\n",
              std::chrono::duration<double>(Clock::now() - started).count());
}

std::int64_t count_posts(storage::Connection& c) {
  auto n = c.query_int("SELECT count(*) FROM bench_posts");
  return n.ok() && n->has_value() ? **n : -1;
}

void load(storage::Database& db, std::int64_t posts) {
  const Backend backend = db.backend();
  {
    auto lease = db.acquire();
    check(lease.ok() ? Status{} : Status(lease.error()), "acquire");
    check((*lease)->execute_script(backend == Backend::kSqlite ? kSqliteSchema : kPostgresSchema),
          "schema");
  }
  std::mt19937_64 gen(20261204);
  const std::vector<std::string> zh = chinese_vocabulary();
  const Zipf zh_zipf(zh.size());
  const Zipf en_zipf(kEnglish.size());
  const search::Segmenter& segmenter = search::Segmenter::shared();
  const auto started = Clock::now();
  double segment_s = 0;
  std::int64_t bytes = 0;
  constexpr std::int64_t kBatch = 200;
  constexpr std::int64_t kPerTransaction = 50000;
  std::int64_t next_id = 1;
  while (next_id <= posts) {
    const std::int64_t tx_end = std::min(posts + 1, next_id + kPerTransaction);
    auto done = storage::with_transaction<bool>(
        db, storage::TxMode::kWrite, [&](storage::Connection& c) -> Result<bool> {
          if (backend == Backend::kSqlite) {
            ECRM_RETURN_IF_ERROR(search::defer_index(c, search::text_index(kIndex)));
          }
          for (std::int64_t id = next_id; id < tx_end; id += kBatch) {
            const std::int64_t n = std::min(kBatch, tx_end - id);
            std::string sql = "INSERT INTO bench_posts (id, body, words) VALUES ";
            std::vector<storage::Value> params;
            for (std::int64_t k = 0; k < n; ++k) {
              std::string body = make_post(gen, zh, zh_zipf, en_zipf);
              const double t0 = thread_cpu_s();
              std::string words = segmenter.terms(body);
              segment_s += thread_cpu_s() - t0;
              bytes += static_cast<std::int64_t>(body.size());
              if (k > 0) sql += ", ";
              const auto p = params.size();
              sql += "($" + std::to_string(p + 1) + ", $" + std::to_string(p + 2) + ", $" +
                     std::to_string(p + 3) + ")";
              params.emplace_back(id + k);
              params.emplace_back(std::move(body));
              params.emplace_back(std::move(words));
            }
            ECRM_RETURN_IF_ERROR(storage::done(c.execute(sql, params)));
          }
          if (backend == Backend::kSqlite) {
            ECRM_RETURN_IF_ERROR(search::flush_deferred(c, search::text_index(kIndex)));
          }
          return true;
        });
    check(done.ok() ? Status{} : Status(done.error()), "insert");
    next_id = tx_end;
    std::cerr << "\rloaded " << (next_id - 1) << " posts" << std::flush;
  }
  std::cerr << "\n";
  const double insert_s = std::chrono::duration<double>(Clock::now() - started).count();
  const auto index_started = Clock::now();
  auto lease = db.acquire();
  if (backend == Backend::kSqlite) {
    check(search::optimize(**lease, search::text_index(kIndex)), "optimize");
  } else {
    check(storage::done((*lease)->execute("VACUUM ANALYZE bench_posts")), "vacuum");
    build_side_table(**lease);
  }
  const double index_s = std::chrono::duration<double>(Clock::now() - index_started).count();
  std::printf("load: %lld posts, %.1f MB of text; segmentation %.1f s of CPU (%.0f posts/s, one thread); "
              "inserts %.1f s; %s %.1f s\n",
              static_cast<long long>(posts), static_cast<double>(bytes) / 1e6, segment_s,
              static_cast<double>(posts) / segment_s, insert_s,
              backend == Backend::kSqlite ? "FTS5 optimize" : "side table + indexes + VACUUM ANALYZE",
              index_s);
}

struct Timing {
  double p50 = 0;
  double p99 = 0;
  std::size_t samples = 0;
};

template <typename Run>
Timing measure(int rounds, double budget_s, Run run) {
  for (int i = 0; i < 3; ++i) run();
  std::vector<double> ms;
  const auto started = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (std::chrono::duration<double>(Clock::now() - started).count() > budget_s && ms.size() >= 20) break;
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size()))) - 1;
    return ms[std::min(i, ms.size() - 1)];
  };
  return {at(0.5), at(0.99), ms.size()};
}

// The statement with its parameters written in as literals (the direct runs' text).
std::string literal_sql(const search::Sql& sql) {
  std::string out;
  const std::string& text = sql.text();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      std::size_t j = i + 1;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      const auto& value = sql.params()[std::stoul(text.substr(i + 1, j - i - 1)) - 1];
      if (const auto* s = std::get_if<std::string>(&value)) {
        out += '\'';
        for (char ch : *s) {
          if (ch == '\'') out += '\'';
          out += ch;
        }
        out += '\'';
      } else if (const auto* n = std::get_if<std::int64_t>(&value)) {
        out += std::to_string(*n);
      }
      i = j - 1;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string url_path(const std::string& url) {
  const auto colon = url.find(':');
  return url.substr(colon + 1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::int64_t posts = 1000000;
  bool reload = false;
  int rounds = 200;
  double budget_s = 15;
  int probe_rows = search::kProbeRows;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--db") url = next();
    else if (arg == "--posts") posts = std::stoll(next());
    else if (arg == "--reload") reload = true;
    else if (arg == "--rounds") rounds = std::stoi(next());
    else if (arg == "--budget-s") budget_s = std::stod(next());
    else if (arg == "--probe-rows") probe_rows = std::stoi(next());
    else {
      std::cerr << "usage: bench_community_search --db URL [--posts N] [--reload] [--rounds R] [--budget-s S] [--probe-rows P]\n";
      return 2;
    }
  }
  if (url.empty()) {
    std::cerr << "--db URL is required\n";
    return 2;
  }
  auto opened = storage::open_database(url, {.max_connections = 2});
  if (!opened.ok()) {
    std::cerr << opened.error().message << "\n";
    return 1;
  }
  storage::Database& db = **opened;
  auto migrated = storage::migrate(db, storage::embedded_migrations());
  if (!migrated.ok()) {
    std::cerr << migrated.error().message << "\n";
    return 1;
  }
  const Backend backend = db.backend();
  std::int64_t have = -1;
  {
    auto lease = db.acquire();
    if (lease.ok()) have = count_posts(**lease);
  }
  if (reload || have != posts) {
    load(db, posts);
  } else {
    std::printf("reusing bench_posts: %lld posts\n", static_cast<long long>(have));
    if (backend == Backend::kPostgres) {
      auto lease = db.acquire();
      // A database loaded with the tsvector in the posts: its GIN index had the side table's name.
      auto side = (*lease)->query_int(
          "SELECT count(*) FROM pg_class WHERE relname = 'bench_posts_words' AND relkind = 'r'");
      if (side.ok() && side->value_or(0) == 0) {
        check(storage::done((*lease)->execute("DROP INDEX IF EXISTS bench_posts_words")), "drop");
        build_side_table(**lease);
      }
    }
  }

  // The raw connection for the direct runs.
  sqlite3* lite = nullptr;
  PGconn* pg = nullptr;
  if (backend == Backend::kSqlite) {
    if (sqlite3_open_v2(url_path(url).c_str(), &lite, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::cerr << "sqlite3_open_v2 failed\n";
      return 1;
    }
    // The storage layer's cache and memory map, so that both read alike.
    const storage::DatabaseOptions defaults;
    const std::string pragmas = "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" +
                                std::to_string(defaults.sqlite_cache_kib) + "; PRAGMA mmap_size=" +
                                std::to_string(defaults.sqlite_mmap_bytes) + ";";
    sqlite3_exec(lite, pragmas.c_str(), nullptr, nullptr, nullptr);
  } else {
    pg = PQconnectdb(url.c_str());
    if (PQstatus(pg) != CONNECTION_OK) {
      std::cerr << PQerrorMessage(pg);
      return 1;
    }
  }

  struct Case {
    const char* name;
    const char* text;
  };
  const Case cases[] = {
      {"en_stem", "batteries"},           {"en_rare", "warranty"},     {"en_two", "battery charger"},
      {"zh_word", "退货"},                {"zh_long", "性价比"},       {"zh_two", "客服 态度"},
      {"zh_en", "退货 refund"},           {"zh_sentence", "电池续航"}, {"en_common", "quality"},
      {"zh_common", "质量"},
  };
  std::printf("%-12s %-16s %9s | %8s %8s | %8s %8s%s\n", "query", "text", "matches", "layer p50",
              "p99", "direct p50", "p99", backend == Backend::kSqlite ? " |   fts p50      p99" : "");
  for (const Case& c : cases) {
    const auto query = search::parse_fulltext_query(c.text);
    const search::Sql sql = search::fulltext_sql(backend, kIndex, query, nullptr, {20, 0});
    const std::string direct = literal_sql(sql);
    std::int64_t matches = 0;
    {
      auto lease = db.acquire();
      search::Sql count(backend);
      count << "SELECT count(*) FROM " << search::fulltext_from(backend, kIndex, "ft") << " WHERE ";
      search::append_fulltext_match(count, kIndex, "ft", query);
      auto n = (*lease)->query(count.text(), count.params(),
                               [&](const storage::RowView& row) { matches = row.get_int(0); });
      if (!n.ok()) std::cerr << n.error().message << "\n";
    }
    const Timing layer = measure(rounds, budget_s, [&] {
      auto lease = db.acquire();
      const auto q = search::parse_fulltext_query(c.text);
      auto hits = search::fulltext_search(**lease, kIndex, q, nullptr,
                                          {20, 0, search::kRankWindow, probe_rows});
      if (!hits.ok()) {
        std::cerr << hits.error().message << "\n";
        std::exit(1);
      }
    });
    Timing raw;
    Timing fts;
    if (lite != nullptr) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(lite, direct.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        std::cerr << sqlite3_errmsg(lite) << "\n";
        return 1;
      }
      raw = measure(rounds, budget_s, [&] {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
        }
        sqlite3_reset(stmt);
      });
      sqlite3_finalize(stmt);
      const std::string alone = "SELECT rowid FROM bench_posts_fts WHERE bench_posts_fts MATCH '" +
                                search::fts5_expression(query) + "' ORDER BY rank LIMIT 20";
      if (sqlite3_prepare_v2(lite, alone.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        std::cerr << sqlite3_errmsg(lite) << "\n";
        return 1;
      }
      fts = measure(rounds, budget_s, [&] {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
        }
        sqlite3_reset(stmt);
      });
      sqlite3_finalize(stmt);
    } else {
      raw = measure(rounds, budget_s, [&] {
        PGresult* r = PQexec(pg, direct.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
          std::cerr << PQerrorMessage(pg);
          std::exit(1);
        }
        PQclear(r);
      });
    }
    std::printf("%-12s %-16s %9lld | %8.2f %8.2f | %8.2f %8.2f", c.name, c.text,
                static_cast<long long>(matches), layer.p50, layer.p99, raw.p50, raw.p99);
    if (lite != nullptr) std::printf(" | %8.2f %8.2f", fts.p50, fts.p99);
    std::printf("   (%zu runs)\n", layer.samples);
    std::fflush(stdout);
  }
  if (lite != nullptr) sqlite3_close(lite);
  if (pg != nullptr) PQfinish(pg);
  return 0;
}
