// The demo loader on a real (SQLite) database: what it writes is what the generator planned,
// through the repositories, in batches; it refuses a database that is not empty.
#include <gtest/gtest.h>

#include <filesystem>

#include "catalog/repo.hpp"
#include "core/crypto.hpp"
#include "customers/repo.hpp"
#include "demo/generator.hpp"
#include "demo/loader.hpp"
#include "events/repo.hpp"
#include "orders/repo.hpp"
#include "storage/migrations.hpp"

namespace ecrm::demo {
namespace {

const UnixMs kNow = days_from_civil(2025, 6, 1) * kMsPerDay;

class DemoLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    path_ = std::filesystem::temp_directory_path() / ("ecrm-demo-" + random_token(8) + ".db");
    auto opened = storage::open_database("sqlite:" + path_.string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(opened).value();
    auto migrated = storage::migrate(*db_, storage::embedded_migrations());
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  }
  void TearDown() override {
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  std::int64_t count(std::string_view sql) {
    auto lease = db_->acquire();
    EXPECT_TRUE(lease.ok());
    auto n = (*lease)->query_int(sql);
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? n->value_or(-1) : -1;
  }

  std::filesystem::path path_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(DemoLoaderTest, WritesThePlanInBatches) {
  DemoConfig config;
  config.seed = 5;
  config.customers = 230;
  config.now = kNow;
  LoadOptions options;
  options.batch = 40;  // several customer batches, referrals across them, orders split too
  std::vector<std::int64_t> progress;
  options.progress = [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 230);
    progress.push_back(done);
  };
  DemoLoader loader(*db_);
  ASSERT_EQ(*loader.count_customers(), 0);
  auto stats = loader.load(config, options);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(progress, (std::vector<std::int64_t>{40, 80, 120, 160, 200, 230}));

  // Counts in the database match the plan's figures.
  EXPECT_EQ(*loader.count_customers(), 230);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), stats->customers);
  EXPECT_EQ(count("SELECT COUNT(*) FROM products"), stats->products);
  EXPECT_EQ(count("SELECT COUNT(*) FROM products WHERE active = 0"), stats->inactive_products);
  EXPECT_EQ(count("SELECT COUNT(*) FROM categories"), stats->categories);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), stats->orders);
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_lines"), stats->order_lines);
  EXPECT_EQ(count("SELECT COUNT(*) FROM returns"), stats->returns);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'"), stats->cancelled);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customers WHERE referred_by IS NOT NULL"), stats->referred);
  EXPECT_GT(stats->orders, 300);
  // Every order's stored totals add up, and its status is its last history entry.
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE subtotal <> "
                  "(SELECT SUM(line_total) FROM order_lines l WHERE l.order_id = o.id) "
                  "OR total <> subtotal - discount + shipping + tax"),
            0);
  // Every order's updated_at is its last status change.
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE updated_at <> "
                  "(SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id)"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders o WHERE status <> (SELECT h.status FROM "
                  "order_status_history h WHERE h.order_id = o.id ORDER BY h.at DESC, h.id DESC "
                  "LIMIT 1)"),
            0);
  // The stored price tiers (recomputed after the bulk insert) are the planned ones.
  const auto catalog = plan_catalog(config);
  {
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    catalog::CatalogRepo repo;
    for (const auto& planned : catalog.products) {
      auto found = repo.find_product_by_sku(**lease, planned.product.sku);
      ASSERT_TRUE(found.ok() && found->has_value()) << planned.product.sku;
      EXPECT_EQ((*found)->price_tier, planned.product.price_tier) << planned.product.sku;
    }
  }

  // Each customer's summary (computed by the orders repository) is the plan's net revenue;
  // referrals point at the right customers; the planned duplicates are detected.
  CustomerPlanner planner(catalog, config);
  auto lease = db_->acquire();
  ASSERT_TRUE(lease.ok());
  customers::CustomerRepo customers;
  orders::OrderRepo orders;
  for (std::int64_t i : {0, 17, 41, 97, 150, 229}) {
    const auto plan = planner.plan(i);
    auto id = customers.find_id_by_external_id(**lease, *plan.customer.external_id);
    ASSERT_TRUE(id.ok() && id->has_value());
    customers::CustomerSummary summary;
    ASSERT_TRUE(orders.summarize(**lease, **id, summary).ok());
    const std::int64_t expected = net_revenue(plan);
    const std::int64_t got = summary.revenue.empty() ? 0 : summary.revenue.front().revenue;
    EXPECT_EQ(got, expected) << "customer " << i;
    if (plan.referrer) {
      auto stored = customers.find(**lease, **id);
      char external[32];
      std::snprintf(external, sizeof external, "C%06lld",
                    static_cast<long long>(*plan.referrer + 1));
      auto referrer_id = customers.find_id_by_external_id(**lease, external);
      ASSERT_TRUE(stored.ok() && referrer_id.ok());
      EXPECT_EQ((*stored)->referred_by, *referrer_id);
    }
  }
  // Every planned status change and returned line is stored.
  std::int64_t changes = 0, return_lines = 0;
  for (std::int64_t i = 0; i < config.customers; ++i) {
    for (const auto& o : planner.plan(i).orders) {
      changes += static_cast<std::int64_t>(o.order.history.size());
      for (const auto& r : o.returns) return_lines += static_cast<std::int64_t>(r.ret.lines.size());
    }
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_status_history"), changes);
  EXPECT_EQ(count("SELECT COUNT(*) FROM return_lines"), return_lines);
  EXPECT_EQ(count("SELECT COUNT(*) FROM return_lines rl JOIN returns r ON r.id = rl.return_id "
                  "JOIN order_lines l ON l.id = rl.order_line_id WHERE l.order_id <> r.order_id"),
            0);

  // The site traffic went through the events pipeline: every planned event is in the log, each
  // purchase names an order of the visitor's customer, and the carts the pipeline closed in
  // the window are the ones the plan counted.
  EXPECT_GT(stats->events, 2000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), stats->events);
  EXPECT_EQ(count("SELECT COUNT(*) FROM visitors"), stats->visitors);
  EXPECT_GT(count("SELECT COUNT(*) FROM visitors WHERE customer_id IS NOT NULL"), 0);
  EXPECT_LE(count("SELECT COUNT(*) FROM visitors WHERE customer_id IS NOT NULL"),
            stats->customer_visitors);
  EXPECT_EQ(count("SELECT COUNT(*) FROM visitors v JOIN customers c ON c.id = v.customer_id "
                  "WHERE v.external_id IS NULL OR v.external_id <> c.external_id"),
            0);
  EXPECT_GT(stats->carts_purchased, 20);
  EXPECT_EQ(count("SELECT COUNT(*) FROM carts WHERE status = 'purchased'"), stats->carts_purchased);
  EXPECT_EQ(count("SELECT COUNT(*) FROM carts k JOIN visitors v ON v.id = k.visitor_id "
                  "JOIN orders o ON o.external_id = k.order_ref "
                  "WHERE k.status = 'purchased' AND o.customer_id = v.customer_id "
                  "AND o.channel IN ('web', 'app')"),
            stats->carts_purchased);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events e JOIN orders o ON o.customer_id = e.customer_id "
                  "AND o.placed_at = e.ts AND o.total = e.value WHERE e.type = 'purchase'"),
            stats->carts_purchased);
  EXPECT_GT(count("SELECT COUNT(*) FROM carts WHERE recovered_from IS NOT NULL"), 0);
  {
    events::EventRepo repo;
    const UnixMs window = kTrafficDays * kMsPerDay;
    auto closed =
        repo.abandonment(**lease, kNow - window, kNow, window, kCartAbandonAfter, now_ms());
    ASSERT_TRUE(closed.ok()) << closed.error().message;
    ASSERT_EQ(closed->size(), 1u);
    EXPECT_EQ(closed->front().purchased, stats->carts_purchased);
    EXPECT_EQ(closed->front().abandoned, stats->carts_abandoned);
    EXPECT_NEAR(closed->front().rate, kAbandonedShare, 0.03);
  }

  auto pairs = customers.duplicates(**lease, std::nullopt, 0, 0, 100);
  ASSERT_TRUE(pairs.ok());
  EXPECT_GE(pairs->size(), 1u);
  auto dup_id = customers.find_id_by_external_id(**lease, "C000098");  // index 97
  ASSERT_TRUE(dup_id.ok() && dup_id->has_value());
  bool found = false;
  for (const auto& p : *pairs) found |= p.a == **dup_id || p.b == **dup_id;
  EXPECT_TRUE(found);
}

TEST_F(DemoLoaderTest, RefusesANonEmptyDatabaseAndBadSizes) {
  DemoConfig config;
  config.customers = 20;
  config.now = kNow;
  DemoLoader loader(*db_);
  ASSERT_TRUE(loader.load(config).ok());
  const auto orders = count("SELECT COUNT(*) FROM orders");
  auto again = loader.load(config);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(again.error().code, "database_not_empty");
  EXPECT_EQ(count("SELECT COUNT(*) FROM customers"), 20);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), orders);

  for (std::int64_t n : {std::int64_t{0}, std::int64_t{-1}, kMaxCustomers + 1}) {
    config.customers = n;
    auto bad = loader.load(config);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_EQ(bad.error().field, "customers");
  }
}

}  // namespace
}  // namespace ecrm::demo
