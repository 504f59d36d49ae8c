// The recomputation end to end on a real SQLite database: orders in the tables -> snapshot
// (cancelled orders, other currencies and unrefunded returns left out, refunds subtracted) ->
// engines -> stored scores and model, checked against hand-computed values; then an incremental
// rescore after a new order, the job claim, and "the newer computation wins".
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <unistd.h>

#include "analytics/service.hpp"
#include "storage/migrations.hpp"

namespace ecrm::analytics {
namespace {

using storage::Connection;

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ecrm-analytics-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = storage::open_database("sqlite:" + (dir_ / "test.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    auto migrated = storage::migrate(*db_, storage::embedded_migrations());
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    today_ = now_ms() / kMsPerDay;
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  void exec(std::string_view sql, std::initializer_list<storage::Value> params = {}) {
    auto lease = db_->acquire();
    ASSERT_TRUE(lease.ok());
    auto r = (*lease)->execute(sql, params);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
  }
  std::int64_t customer(const std::string& name) {
    exec("INSERT INTO customers (name, created_at, updated_at) VALUES ($1, 0, 0)", {name});
    auto lease = db_->acquire();
    auto id = (*lease)->query_int("SELECT MAX(id) FROM customers");
    return id.ok() && *id ? **id : 0;
  }
  std::int64_t order(std::int64_t customer_id, int days_ago, std::int64_t total,
                     const std::string& status = "delivered", const std::string& currency = "EUR") {
    const UnixMs placed = (today_ - days_ago) * kMsPerDay;  // midnight: never after now
    exec("INSERT INTO orders (customer_id, channel, status, currency, subtotal, total, placed_at, "
         "created_at, updated_at) VALUES ($1, 'web', $2, $3, $4, $4, $5, $5, $5)",
         {customer_id, status, currency, total, placed});
    auto lease = db_->acquire();
    auto id = (*lease)->query_int("SELECT MAX(id) FROM orders");
    return id.ok() && *id ? **id : 0;
  }
  void refund(std::int64_t order_id, std::int64_t amount, const std::string& status) {
    exec("INSERT INTO returns (order_id, status, reason, refund_amount, created_at, updated_at) "
         "VALUES ($1, $2, 'other', $3, 0, 0)",
         {order_id, status, amount});
  }
  StoredScore score_of(AnalyticsService& service, std::int64_t id) {
    auto s = service.scores(id);
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(s.ok() && s->has_value()) << "no scores for customer " << id;
    return s.ok() && s->has_value() ? **s : StoredScore{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Database> db_;
  std::int64_t today_ = 0;
};

TEST_F(Pipeline, RecomputeStoresHandCheckedScoresAndTheModel) {
  // The five customers of scoring_test.cpp, with noise the snapshot must drop.
  const std::int64_t c0 = customer("c0"), c1 = customer("c1"), c2 = customer("c2"),
                     c3 = customer("c3"), c4 = customer("c4"), nobody = customer("no orders");
  order(c0, 1, 100);
  order(c0, 10, 200);
  order(c0, 20, 300);
  order(c1, 5, 50);
  order(c1, 2, 99999, "cancelled");       // cancelled: left out
  order(c1, 3, 77777, "paid", "USD");     // not the main currency: left out
  order(c2, 100, 1000);
  const std::int64_t refunded = order(c2, 50, 1300);
  refund(refunded, 300, "refunded");      // subtracted: 1000
  refund(refunded, 200, "rejected");      // not subtracted
  refund(refunded, 100, "requested");     // not (yet) subtracted
  order(c3, 200, 10);
  order(c4, 30, 20);
  order(c4, 3, 30);
  order(c4, 3, 40);

  AnalyticsService service(*db_);
  auto outcome = service.recompute("test");
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->customers, 5u);
  EXPECT_EQ(outcome->orders, 10u);

  struct Expected {
    std::int64_t id;
    std::int64_t recency, frequency, monetary;
    int r, f, m;
    const char* segment;
    const char* tier;
  };
  const Expected expected[] = {{c0, 1, 3, 600, 5, 4, 4, "champions", "very_loyal"},
                               {c1, 5, 1, 50, 3, 1, 2, "need_attention", "occasional"},
                               {c2, 50, 2, 2000, 2, 3, 5, "at_risk", "loyal"},
                               {c3, 200, 1, 10, 1, 1, 1, "lost", "occasional"},
                               {c4, 3, 3, 90, 4, 4, 3, "loyal", "very_loyal"}};
  for (const Expected& e : expected) {
    SCOPED_TRACE("customer " + std::to_string(e.id));
    const StoredScore s = score_of(service, e.id);
    EXPECT_EQ(s.recency_days, e.recency);
    EXPECT_EQ(s.frequency, e.frequency);
    EXPECT_EQ(s.monetary, e.monetary);
    EXPECT_EQ(s.r, e.r);
    EXPECT_EQ(s.f, e.f);
    EXPECT_EQ(s.m, e.m);
    EXPECT_EQ(wire::enum_name(s.segment), e.segment);
    EXPECT_EQ(wire::enum_name(s.tier), e.tier);
    EXPECT_EQ(s.model_id, outcome->model_id);
    EXPECT_EQ(s.source, ScoreSource::kRecompute);
    EXPECT_EQ(s.last_order_at, (today_ - e.recency) * kMsPerDay);
  }
  auto none = service.scores(nobody);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(service.scores(999999).error().kind, ErrorKind::kNotFound);

  // Aggregates: tiers 2 very_loyal (600 + 90), 1 loyal (2000), 2 occasional (50 + 10).
  auto tiers = service.tiers();
  ASSERT_TRUE(tiers.ok());
  auto figures = [&](const char* tier) {
    const GroupFigures& g = tiers->tiers.at(tier);
    return std::pair<std::int64_t, std::int64_t>{g.customers, g.revenue};
  };
  EXPECT_EQ(figures("very_loyal"), (std::pair<std::int64_t, std::int64_t>{2, 690}));
  EXPECT_EQ(figures("loyal"), (std::pair<std::int64_t, std::int64_t>{1, 2000}));
  EXPECT_EQ(figures("occasional"), (std::pair<std::int64_t, std::int64_t>{2, 60}));
  EXPECT_EQ(tiers->customers, 5);
  // Pareto over 10, 50, 90, 600, 2000 (total 2750): the top 20% is the top customer.
  auto pareto = service.pareto();
  ASSERT_TRUE(pareto.ok());
  EXPECT_DOUBLE_EQ(pareto->top20_share, 2000.0 / 2750.0);
  EXPECT_EQ(pareto->revenue, 2750);

  // The model row: cut-points and sizes round-trip through params.
  auto model = service.model();
  ASSERT_TRUE(model.ok() && model->has_value());
  EXPECT_EQ((*model)->currency, "EUR");
  EXPECT_EQ((*model)->period, "week");
  EXPECT_EQ((*model)->customers, 5);
  EXPECT_EQ((*model)->orders, 10);
  auto params = parse_model_params(boost::json::parse((*model)->params));
  ASSERT_TRUE(params.ok()) << params.error().message;
  EXPECT_EQ(params->cuts.monetary.cut, (std::array<std::int64_t, 4>{10, 50, 90, 600}));
  EXPECT_EQ(params->cuts.recency.cut, (std::array<std::int64_t, 4>{200, 50, 5, 3}));

  auto job = service.job();
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->last_status, "ok");
  EXPECT_EQ(job->last_model_id, outcome->model_id);
  EXPECT_FALSE(job->claimed_until.has_value());
}

TEST_F(Pipeline, ANewOrderRescoresOneCustomerWithoutARefit) {
  const std::int64_t c0 = customer("c0"), c1 = customer("c1"), c2 = customer("c2"),
                     c3 = customer("c3"), c4 = customer("c4");
  order(c0, 1, 100);
  order(c0, 10, 200);
  order(c0, 20, 300);
  order(c1, 5, 50);
  order(c2, 100, 1000);
  order(c2, 50, 1000);
  order(c3, 200, 10);
  order(c4, 30, 20);
  order(c4, 3, 30);
  order(c4, 3, 40);
  AnalyticsService service(*db_);
  auto outcome = service.recompute("test");
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;

  order(c1, 0, 500);
  auto rescored = service.rescore_customer(c1);
  ASSERT_TRUE(rescored.ok()) << rescored.error().message;
  EXPECT_TRUE(*rescored);
  const StoredScore s = score_of(service, c1);
  EXPECT_EQ(s.frequency, 2);
  EXPECT_EQ(s.monetary, 550);
  EXPECT_EQ(s.recency_days, 0);
  EXPECT_EQ(s.r, 5);
  EXPECT_EQ(s.f, 3);
  EXPECT_EQ(s.m, 4);
  EXPECT_EQ(s.segment, Segment::kPotential);
  EXPECT_EQ(s.tier, Tier::kLoyal);
  EXPECT_EQ(s.source, ScoreSource::kIncremental);
  EXPECT_EQ(s.model_id, outcome->model_id);  // no new model
  auto model = service.model();
  ASSERT_TRUE(model.ok() && model->has_value());
  EXPECT_EQ((*model)->id, outcome->model_id);

  // A recomputation's rows do not overwrite a row computed later.
  StoredScore stale = s;
  stale.frequency = 1;
  stale.computed_at = s.computed_at - 1;
  {
    auto lease = db_->acquire();
    ASSERT_TRUE(AnalyticsRepo().upsert_scores(**lease, std::span<const StoredScore>(&stale, 1)).ok());
  }
  EXPECT_EQ(score_of(service, c1).frequency, 2);

  // Every order cancelled: the customer loses the scores.
  exec("UPDATE orders SET status = 'cancelled' WHERE customer_id = $1", {c3});
  ASSERT_TRUE(service.rescore_customer(c3).ok());
  auto gone = service.scores(c3);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

// Customers changed together are rescored together, each as if alone: a new order, a customer
// whose orders were all cancelled (scores dropped) and an unchanged one.
TEST_F(Pipeline, SeveralCustomersAreRescoredInOneGoEachAsIfAlone) {
  const std::int64_t c0 = customer("c0"), c1 = customer("c1"), c2 = customer("c2"),
                     c3 = customer("c3");
  order(c0, 1, 100);
  order(c0, 10, 200);
  order(c1, 5, 50);
  order(c2, 100, 1000);
  order(c2, 50, 1000);
  order(c3, 200, 10);
  AnalyticsService service(*db_);
  ASSERT_TRUE(service.recompute("test").ok());

  order(c1, 0, 500);
  exec("UPDATE orders SET status = 'cancelled' WHERE customer_id = $1", {c3});
  const std::vector<std::int64_t> changed{c1, c3, c2};
  auto rescored = service.rescore_customers(changed);
  ASSERT_TRUE(rescored.ok()) << rescored.error().message;
  EXPECT_EQ(*rescored, 3u);
  const StoredScore batch_c1 = score_of(service, c1);
  const StoredScore batch_c2 = score_of(service, c2);
  EXPECT_EQ(batch_c1.frequency, 2);
  EXPECT_EQ(batch_c1.monetary, 550);
  EXPECT_EQ(batch_c1.source, ScoreSource::kIncremental);
  EXPECT_EQ(batch_c2.source, ScoreSource::kIncremental);
  auto gone = service.scores(c3);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());

  // One at a time gives the same scores.
  ASSERT_TRUE(service.rescore_customer(c1).ok());
  ASSERT_TRUE(service.rescore_customer(c2).ok());
  for (const auto& [batch, id] : {std::pair{batch_c1, c1}, std::pair{batch_c2, c2}}) {
    const StoredScore alone = score_of(service, id);
    EXPECT_EQ(alone.frequency, batch.frequency) << id;
    EXPECT_EQ(alone.monetary, batch.monetary) << id;
    EXPECT_EQ(alone.r, batch.r) << id;
    EXPECT_EQ(alone.f, batch.f) << id;
    EXPECT_EQ(alone.m, batch.m) << id;
    EXPECT_EQ(alone.segment, batch.segment) << id;
    EXPECT_EQ(alone.tier, batch.tier) << id;
  }
  // An empty batch changes nothing; c0, in no batch, keeps its recomputed score.
  auto none = service.rescore_customers({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(score_of(service, c0).source, ScoreSource::kRecompute);
}

TEST_F(Pipeline, OnlyOneRecomputationAtATime) {
  const std::int64_t c = customer("c");
  order(c, 3, 100);
  AnalyticsService service(*db_);
  AnalyticsService before_model(*db_);
  auto no_model = before_model.rescore_customer(c);
  ASSERT_TRUE(no_model.ok());
  EXPECT_FALSE(*no_model);  // nothing to score against yet
  {
    auto lease = db_->acquire();
    auto claimed = AnalyticsRepo().claim(**lease, "other-host:1", now_ms(), now_ms() + 60'000);
    ASSERT_TRUE(claimed.ok());
    EXPECT_TRUE(*claimed);
  }
  auto blocked = service.recompute("this-host:2");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, "already_running");
  {
    // An expired claim is taken over.
    auto lease = db_->acquire();
    ASSERT_TRUE((*lease)->execute("UPDATE analytics_jobs SET claimed_until = 1").ok());
  }
  auto ran = service.recompute("this-host:2");
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_EQ(ran->customers, 1u);
}

TEST_F(Pipeline, EmptyShop) {
  AnalyticsService service(*db_);
  auto outcome = service.recompute("test");
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->customers, 0u);
  auto tiers = service.tiers();
  ASSERT_TRUE(tiers.ok());
  EXPECT_EQ(tiers->customers, 0);
  EXPECT_EQ(tiers->tiers.size(), 3u);  // every tier, with nothing in it
  auto pareto = service.pareto();
  ASSERT_TRUE(pareto.ok());
  EXPECT_EQ(pareto->top20_share, 0.0);
}

TEST(Histogram, NiceBinsAndAnOpenEndedLast) {
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100; ++i) values.push_back(i * 10);  // 0 .. 990, p95 = 940
  const Histogram h = histogram(values, 10);
  // 940 / 10 = 94 -> width 100: bins [0,100), …, [900,1000), then [1000, ∞).
  ASSERT_EQ(h.edges.size(), 11u);
  EXPECT_EQ(h.edges[1], 100);
  EXPECT_EQ(h.counts.size(), 11u);
  EXPECT_EQ(h.counts[0], 10);
  EXPECT_EQ(h.counts[9], 10);
  EXPECT_EQ(h.counts[10], 0);
  EXPECT_EQ(h.customers, 100);
  EXPECT_EQ(h.median, 490);
  EXPECT_EQ(h.mean, 495);
  EXPECT_TRUE(histogram({}, 10).counts.empty());
}

}  // namespace
}  // namespace ecrm::analytics
