// The in-app recomputation job end to end on a real database: the synthetic orders of
// synthetic.hpp (1M orders over 100k customers by default, moved so that the last order day is
// yesterday, 1% of them with a refunded return) are loaded into a fresh database, then
// AnalyticsService::recompute() runs (snapshot read, engines, write-back) and its timings are
// printed per stage; then incremental rescoring of single customers against the stored model.
//
//   bench_recompute [--orders N] [--customers N] [--runs N] [--db URL]
//
// Without --db it uses a new SQLite file in a temporary directory (removed at the end).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "analytics/service.hpp"
#include "storage/migrations.hpp"
#include "synthetic.hpp"

namespace {

using namespace ecrm;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

int fail(const std::string& message) {
  std::fprintf(stderr, "bench_recompute: %s\n", message.c_str());
  return 1;
}

constexpr std::string_view kInsertCustomer =
    "INSERT INTO customers (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)";
constexpr std::string_view kInsertOrder =
    "INSERT INTO orders (id, customer_id, channel, status, currency, subtotal, total, placed_at, "
    "created_at, updated_at) VALUES ($1, $2, 'web', 'delivered', 'EUR', $3, $3, $4, $4, $4)";
constexpr std::string_view kInsertReturn =
    "INSERT INTO returns (order_id, status, reason, refund_amount, created_at, updated_at) "
    "VALUES ($1, 'refunded', 'other', $2, $3, $3)";

}  // namespace

int main(int argc, char** argv) {
  std::size_t orders = 1'000'000, customers = 100'000;
  int runs = 2;
  std::string url;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--orders") == 0) orders = std::stoul(argv[i + 1]);
    else if (std::strcmp(argv[i], "--customers") == 0) customers = std::stoul(argv[i + 1]);
    else if (std::strcmp(argv[i], "--runs") == 0) runs = std::stoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--db") == 0) url = argv[i + 1];
    else return fail(std::string("unknown option ") + argv[i]);
  }
  std::filesystem::path dir;
  if (url.empty()) {
    dir = std::filesystem::temp_directory_path() / ("ecrm-bench-recompute-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    url = "sqlite:" + (dir / "bench.db").string();
  }
  auto opened = storage::open_database(url);
  if (!opened.ok()) return fail(opened.error().message);
  auto db = std::move(opened).value();
  if (auto m = storage::migrate(*db, storage::embedded_migrations()); !m.ok()) {
    return fail(m.error().message);
  }

  // Load the data.
  const bench::SyntheticOrders data = bench::make_orders(orders, customers);
  const std::int64_t today = now_ms() / kMsPerDay;
  const std::int64_t shift = today - 1 - data.last_day;
  auto load_start = Clock::now();
  {
    constexpr std::size_t kBatch = 20'000;
    auto insert_range = [&](std::size_t n, auto&& row) -> Status {
      for (std::size_t begin = 0; begin < n; begin += kBatch) {
        ECRM_RETURN_IF_ERROR(storage::with_transaction(
            *db, storage::TxMode::kWrite, [&](storage::Connection& c) -> Status {
              for (std::size_t i = begin; i < std::min(n, begin + kBatch); ++i) {
                ECRM_RETURN_IF_ERROR(row(c, i));
              }
              return {};
            }));
      }
      return {};
    };
    Status loaded = insert_range(customers, [&](storage::Connection& c, std::size_t i) {
      return storage::done(c.execute(
          kInsertCustomer, {static_cast<std::int64_t>(i + 1), "Customer " + std::to_string(i),
                            std::int64_t{0}}));
    });
    if (loaded.ok()) {
      loaded = insert_range(orders, [&](storage::Connection& c, std::size_t i) {
        const std::int64_t placed = (data.day[i] + shift) * kMsPerDay + 12 * 3'600'000;
        return storage::done(c.execute(
            kInsertOrder, {static_cast<std::int64_t>(i + 1),
                           static_cast<std::int64_t>(data.customer[i] + 1), data.amount_minor[i],
                           placed}));
      });
    }
    if (loaded.ok()) {
      loaded = insert_range(orders / 100, [&](storage::Connection& c, std::size_t i) {
        const std::size_t order = i * 100;
        return storage::done(c.execute(
            kInsertReturn, {static_cast<std::int64_t>(order + 1), data.amount_minor[order] / 2,
                            std::int64_t{0}}));
      });
    }
    if (!loaded.ok()) return fail("loading: " + loaded.error().message);
  }
  std::printf("loaded %zu customers, %zu orders, %zu refunded returns into %s in %.1f s\n",
              customers, orders, orders / 100, storage::to_string(db->backend()).data(),
              ms_since(load_start) / 1000.0);

  analytics::AnalyticsService service(*db);
  for (int run = 1; run <= runs; ++run) {
    auto outcome = service.recompute("bench");
    if (!outcome.ok()) return fail("recompute: " + outcome.error().message);
    const auto& t = outcome->timings;
    std::printf(
        "run %d: %zu customers, %zu orders; total %.0f ms = snapshot %.0f + engines %.0f "
        "(rfm %.0f, summary %.0f, fit %.0f, predict %.0f, holdout %.0f, cohorts %.0f) + write "
        "%.0f\n",
        run, outcome->customers, outcome->orders, t.total_ms, t.snapshot_ms,
        t.engines.rfm_ms + t.engines.summary_ms + t.engines.fit_ms + t.engines.predict_ms +
            t.engines.holdout_ms + t.engines.cohorts_ms,
        t.engines.rfm_ms, t.engines.summary_ms, t.engines.fit_ms, t.engines.predict_ms,
        t.engines.holdout_ms, t.engines.cohorts_ms, t.write_ms);
  }

  if (auto model = service.model(); model.ok() && model->has_value()) {
    std::printf("model: %s\n", (*model)->params.c_str());
  }

  // Incremental: rescore customers of different sizes (customer 1 has the most orders).
  for (std::int64_t id : {std::int64_t{1}, std::int64_t{100}, static_cast<std::int64_t>(customers)}) {
    constexpr int kRepeats = 20;
    auto start = Clock::now();
    for (int i = 0; i < kRepeats; ++i) {
      auto r = service.rescore_customer(id);
      if (!r.ok()) return fail("rescore: " + r.error().message);
    }
    auto score = service.scores(id);
    std::printf("rescore customer %lld (%lld orders): %.2f ms each\n", static_cast<long long>(id),
                score.ok() && score->has_value() ? static_cast<long long>((*score)->frequency) : 0LL,
                ms_since(start) / kRepeats);
  }
  db.reset();
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
