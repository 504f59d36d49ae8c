// The limit for event ingestion: the same rows the HTTP benchmark sends, inserted straight into
// the events table (same schema and indexes, fresh database) with one multi-row INSERT and one
// commit per `batch` rows, on `connections` connections. SQLite commits with synchronous=FULL
// like the ingestion writer unless `normal` is given. `copy` (PostgreSQL) writes each batch with
// COPY … FROM STDIN in text format through libpq instead, the fastest way PostgreSQL takes rows.
//
//   events_raw_insert DB_URL [rows=200000] [batch=100] [connections=1] [full|normal|copy]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <libpq-fe.h>

#include "rows.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

using ecrm::storage::Value;

namespace {

// Appends `text` to a COPY text-format line, escaped.
void copy_field(std::string& line, const std::string& text) {
  for (char ch : text) {
    switch (ch) {
      case '\\': line += "\\\\"; break;
      case '\t': line += "\\t"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      default: line += ch;
    }
  }
}

bool ok(PGconn* c, PGresult* r, ExecStatusType expected) {
  const bool good = PQresultStatus(r) == expected;
  if (!good) std::fprintf(stderr, "copy failed: %s\n", PQerrorMessage(c));
  PQclear(r);
  return good;
}

// The same rows as the INSERT path, `batch` per COPY and commit, on a connection of its own.
bool copy_rows(const std::string& url, int stream, long long batches, int batch) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "cannot connect: %s\n", PQerrorMessage(c));
    PQfinish(c);
    return false;
  }
  std::int64_t seq = 0;
  std::string data;
  bool good = true;
  for (long long b = 0; b < batches && good; ++b) {
    data.clear();
    for (int i = 0; i < batch; ++i, ++seq) {
      auto e = ecrm::bench::synthetic_event(stream, seq, 10, batch);
      copy_field(data, e.event_id);
      data += '\t';
      data += e.type;
      data += '\t' + std::to_string(seq % 10 + 1) + '\t';
      copy_field(data, e.anonymous_id);
      data += "\t\\N\t" + std::to_string(seq / batch + 1) + "\t\\N\t" + std::to_string(e.ts) +
              '\t' + std::to_string(e.ts) + '\t';
      if (seq % 5 >= 2) {
        data += "SKU-" + std::to_string((seq * 7919) % 500) + "\t1\t" +
                std::to_string(1000 + (seq * 7919) % 500) + "\tEUR\t";
      } else {
        data += "\\N\t\\N\t\\N\t\\N\t";
      }
      copy_field(data, e.properties);
      data += '\n';
    }
    good = ok(c, PQexec(c, "BEGIN"), PGRES_COMMAND_OK) &&
           ok(c,
              PQexec(c, "COPY events (event_id, type, visitor_id, anonymous_id, customer_id, "
                        "session_id, client_session_id, ts, received_at, product, quantity, "
                        "value, currency, properties) FROM STDIN"),
              PGRES_COPY_IN) &&
           PQputCopyData(c, data.data(), static_cast<int>(data.size())) == 1 &&
           PQputCopyEnd(c, nullptr) == 1 && ok(c, PQgetResult(c), PGRES_COMMAND_OK);
    while (PGresult* rest = PQgetResult(c)) PQclear(rest);
    good = good && ok(c, PQexec(c, "COMMIT"), PGRES_COMMAND_OK);
  }
  PQfinish(c);
  return good;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [rows] [batch] [connections] [full|normal]\n", argv[0]);
    return 2;
  }
  const std::string url = argv[1];
  const long long rows = argc > 2 ? std::atoll(argv[2]) : 200000;
  const int batch = argc > 3 ? std::atoi(argv[3]) : 100;
  const int connections = argc > 4 ? std::atoi(argv[4]) : 1;
  const std::string mode = argc > 5 ? argv[5] : "full";
  const bool full = mode != "normal";
  const bool copy = mode == "copy";
  ecrm::storage::DatabaseOptions options;
  options.max_connections = connections + 1;
  auto db = ecrm::storage::open_database(url, options);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    return 1;
  }
  auto migrated = ecrm::storage::migrate(**db, ecrm::storage::embedded_migrations());
  if (!migrated.ok()) {
    std::fprintf(stderr, "%s\n", migrated.error().message.c_str());
    return 1;
  }
  std::string sql =
      "INSERT INTO events (event_id, type, visitor_id, anonymous_id, customer_id, session_id, "
      "client_session_id, ts, received_at, product, quantity, value, currency, properties) VALUES ";
  for (int r = 0, n = 1; r < batch; ++r) {
    sql += r ? ", (" : "(";
    for (int c = 0; c < 14; ++c, ++n) sql += (c ? ", $" : "$") + std::to_string(n);
    sql += ")";
  }
  std::atomic<bool> failed{false};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  const long long per_connection = rows / connections / batch;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      if (copy) {
        if (!copy_rows(url, t, per_connection, batch)) failed = true;
        return;
      }
      auto lease = (*db)->acquire();
      if (!lease.ok()) { failed = true; return; }
      auto& c = **lease;
      if (c.backend() == ecrm::storage::Backend::kSqlite) {
        (void)c.execute(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
      }
      std::vector<Value> params;
      std::int64_t seq = 0;
      for (long long b = 0; b < per_connection && !failed; ++b) {
        params.clear();
        for (int i = 0; i < batch; ++i, ++seq) {
          auto e = ecrm::bench::synthetic_event(t, seq, 10, batch);
          params.emplace_back(e.event_id);
          params.emplace_back(std::string(e.type));
          params.emplace_back(std::int64_t{seq % 10 + 1});
          params.emplace_back(e.anonymous_id);
          params.emplace_back();
          params.emplace_back(std::int64_t{seq / batch + 1});
          params.emplace_back();
          params.emplace_back(e.ts);
          params.emplace_back(e.ts);
          bool product = seq % 5 >= 2;
          if (product) {
            params.emplace_back("SKU-" + std::to_string((seq * 7919) % 500));
            params.emplace_back(std::int64_t{1});
            params.emplace_back(std::int64_t{1000 + (seq * 7919) % 500});
            params.emplace_back(std::string("EUR"));
          } else {
            params.emplace_back();
            params.emplace_back();
            params.emplace_back();
            params.emplace_back();
          }
          params.emplace_back(e.properties);
        }
        auto status = c.begin(ecrm::storage::TxMode::kWrite);
        auto inserted = status.ok() ? c.execute(sql, params) : ecrm::Result<std::int64_t>(status.error());
        if (inserted.ok()) status = c.commit();
        if (!inserted.ok() || !status.ok()) {
          std::fprintf(stderr, "insert failed: %s\n",
                       (!inserted.ok() ? inserted.error() : status.error()).message.c_str());
          failed = true;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long long done = per_connection * batch * connections;
  std::printf("rows/s %.0f rows %lld seconds %.2f batch %d connections %d mode %s\n",
              static_cast<double>(done) / elapsed, done, elapsed, batch, connections,
              mode.c_str());
  return failed ? 1 : 0;
}
