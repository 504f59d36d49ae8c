#include "feedback/mining_repo.hpp"

#include <string_view>

#include <boost/json.hpp>

#include "core/describe.hpp"
#include "http/wire.hpp"

namespace ecrm::feedback {
namespace {

namespace json = boost::json;

// A JSON text the job stored; null when it does not parse.
json::value parse_stored(std::string_view text) {
  boost::system::error_code ec;
  json::value out = json::parse(text, ec);
  return ec ? json::value() : out;
}

using storage::RowView;
using storage::Value;

constexpr std::string_view kJobName = "mine";

constexpr std::string_view kJob =
    "SELECT claimed_by, claimed_until, started_at, finished_at, last_status, last_error, "
    "watermark, last_full, last_products, last_texts_mined, last_texts_removed, last_alerts, "
    "last_duration_ms FROM feedback_jobs WHERE name = $1";
constexpr std::string_view kClaim =
    "UPDATE feedback_jobs SET claimed_by = $2, claimed_until = $4, started_at = $3 "
    "WHERE name = $1 AND (claimed_until IS NULL OR claimed_until < $3)";
constexpr std::string_view kFullRequested =
    "SELECT full_requested FROM feedback_jobs WHERE name = $1";
constexpr std::string_view kSetFullRequested =
    "UPDATE feedback_jobs SET full_requested = $2 WHERE name = $1";
constexpr std::string_view kFinish =
    "UPDATE feedback_jobs SET claimed_until = NULL, finished_at = $3, last_status = $4, "
    "last_error = $5, watermark = COALESCE($6, watermark), last_full = $7, last_products = $8, "
    "last_texts_mined = $9, last_texts_removed = $10, last_alerts = $11, last_duration_ms = $12 "
    "WHERE name = $1 AND claimed_by = $2";

// Reviews written, edited or moderated; community posts written, edited or moderated on a
// product's board or linking it; tickets about a product changed or written to; mentions naming
// a product received or changed.
constexpr std::string_view kChangedProducts =
    "SELECT product_id FROM product_reviews WHERE updated_at > $1 "
    "UNION "
    "SELECT b.product_id FROM community_posts p "
    "JOIN community_threads t ON t.id = p.thread_id "
    "JOIN community_boards b ON b.id = t.board_id "
    "WHERE b.product_id IS NOT NULL "
    "AND (p.created_at > $1 OR p.edited_at > $1 OR p.moderated_at > $1) "
    "UNION "
    "SELECT l.target_id FROM community_post_links l "
    "JOIN community_posts p ON p.id = l.post_id "
    "WHERE l.kind = 'product' "
    "AND (p.created_at > $1 OR p.edited_at > $1 OR p.moderated_at > $1) "
    "UNION "
    "SELECT product_id FROM tickets WHERE product_id IS NOT NULL AND updated_at > $1 "
    "UNION "
    "SELECT t.product_id FROM interactions i JOIN tickets t ON t.id = i.ticket_id "
    "WHERE i.created_at > $1 AND t.product_id IS NOT NULL "
    "UNION "
    "SELECT mp.product_id FROM social_mentions m "
    "JOIN social_mention_products mp ON mp.mention_id = m.id "
    "WHERE m.updated_at > $1 OR m.received_at > $1 "
    "UNION "
    "SELECT product_id FROM feedback_products WHERE product_id NOT IN (SELECT id FROM products) "
    "ORDER BY 1";
constexpr std::string_view kStaleProducts =
    "SELECT product_id FROM feedback_products WHERE mined_at < $1 ORDER BY 1";
constexpr std::string_view kAllProducts =
    "SELECT id FROM products UNION SELECT product_id FROM feedback_products ORDER BY 1";
constexpr std::string_view kCategoryOf = "SELECT category_id FROM products WHERE id = $1";

constexpr std::string_view kTexts =
    "SELECT source, text_id, written_at, digest, polarity, score, mined FROM feedback_texts "
    "WHERE product_id = $1";
constexpr std::string_view kPutText =
    "INSERT INTO feedback_texts (product_id, source, text_id, written_at, digest, polarity, "
    "score, mined, mined_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "ON CONFLICT (product_id, source, text_id) DO UPDATE SET written_at = excluded.written_at, "
    "digest = excluded.digest, polarity = excluded.polarity, score = excluded.score, "
    "mined = excluded.mined, mined_at = excluded.mined_at";
constexpr std::string_view kRemoveText =
    "DELETE FROM feedback_texts WHERE product_id = $1 AND source = $2 AND text_id = $3";
constexpr std::string_view kTextsStored = "SELECT COUNT(*) FROM feedback_texts";

constexpr std::string_view kPutFigures =
    "INSERT INTO feedback_products (product_id, category_id, texts, positive, neutral, negative, "
    "sources, complaints, praise, weekly_issues, mined_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (product_id) DO UPDATE SET category_id = excluded.category_id, "
    "texts = excluded.texts, positive = excluded.positive, neutral = excluded.neutral, "
    "negative = excluded.negative, sources = excluded.sources, complaints = excluded.complaints, "
    "praise = excluded.praise, weekly_issues = excluded.weekly_issues, "
    "mined_at = excluded.mined_at";
constexpr std::string_view kFigures =
    "SELECT product_id, category_id, texts, positive, neutral, negative, sources, complaints, "
    "praise, weekly_issues, mined_at FROM feedback_products WHERE product_id = $1";

constexpr std::string_view kDeletePeriods = "DELETE FROM feedback_periods WHERE product_id = $1";
constexpr std::string_view kInsertPeriod =
    "INSERT INTO feedback_periods (product_id, category_id, period, period_start, texts, "
    "positive, neutral, negative) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr std::string_view kProductTrend =
    "SELECT period_start, texts, positive, neutral, negative FROM feedback_periods "
    "WHERE product_id = $1 AND period = $2 ORDER BY period_start DESC LIMIT $3";
constexpr std::string_view kCategoryTrend =
    "SELECT period_start, SUM(texts), SUM(positive), SUM(neutral), SUM(negative) "
    "FROM feedback_periods WHERE category_id = $1 AND period = $2 "
    "GROUP BY period_start ORDER BY period_start DESC LIMIT $3";

constexpr std::string_view kAddAlert =
    "INSERT INTO feedback_alerts (product_id, category_id, kind, phrase, week_start, count, "
    "baseline, share, examples, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (product_id, kind, phrase, week_start) DO NOTHING RETURNING id";
#define ECRM_FEEDBACK_ALERT_COLUMNS                                                           \
  "SELECT a.id, a.product_id, COALESCE(p.name, ''), COALESCE(p.sku, ''), a.category_id, "    \
  "a.kind, a.phrase, a.week_start, a.count, a.baseline, a.share, a.examples, a.created_at, " \
  "a.acknowledged_at, a.acknowledged_by FROM feedback_alerts a "                             \
  "LEFT JOIN products p ON p.id = a.product_id "
// $1 state (0 open, 1 acknowledged, 2 all), $2 product (0 any), $3 category (0 any).
#define ECRM_FEEDBACK_ALERT_FILTER                                                          \
  "WHERE (($1 = 0 AND a.acknowledged_at IS NULL) OR ($1 = 1 AND a.acknowledged_at IS NOT " \
  "NULL) OR $1 = 2) AND ($2 = 0 OR a.product_id = $2) AND ($3 = 0 OR a.category_id = $3) "
constexpr std::string_view kAlerts =
    ECRM_FEEDBACK_ALERT_COLUMNS ECRM_FEEDBACK_ALERT_FILTER "ORDER BY a.id DESC LIMIT $4";
constexpr std::string_view kOpenAlerts =
    "SELECT COUNT(*) FROM feedback_alerts a "
    "WHERE a.acknowledged_at IS NULL AND ($1 = 0 OR a.product_id = $1) "
    "AND ($2 = 0 OR a.category_id = $2)";
constexpr std::string_view kAlert = ECRM_FEEDBACK_ALERT_COLUMNS "WHERE a.id = $1";
#undef ECRM_FEEDBACK_ALERT_COLUMNS
#undef ECRM_FEEDBACK_ALERT_FILTER
constexpr std::string_view kAcknowledge =
    "UPDATE feedback_alerts SET acknowledged_at = $3, acknowledged_by = $2 "
    "WHERE id = $1 AND acknowledged_at IS NULL";

Value optional_value(const std::optional<std::int64_t>& v) {
  return v ? Value(*v) : storage::kNull;
}
Value optional_value(const std::optional<double>& v) { return v ? Value(*v) : storage::kNull; }

std::optional<double> optional_double(const RowView& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.get_double(column);
}

Polarity polarity_of(std::string_view text) {
  if (text == "positive") return Polarity::kPositive;
  if (text == "negative") return Polarity::kNegative;
  return Polarity::kNeutral;
}

std::vector<FeedbackTextRef> refs_of(std::string_view json_text) {
  auto parsed = wire::read<std::vector<FeedbackTextRef>>(parse_stored(json_text));
  return parsed.ok() ? std::move(parsed).value() : std::vector<FeedbackTextRef>{};
}

FeedbackAlert alert_of(const RowView& row) {
  FeedbackAlert a;
  a.id = row.get_int(0);
  a.product_id = row.get_int(1);
  a.product_name = row.get_string(2);
  a.sku = row.get_string(3);
  a.category_id = row.get_optional_int(4);
  a.kind = wire::parse_enum<FeedbackAlertKind>(row.get_text(5)).value_or(FeedbackAlertKind::kIssueRising);
  a.phrase = row.get_string(6);
  a.week_start = row.get_int(7);
  a.count = row.get_int(8);
  a.baseline = row.get_double(9);
  a.share = optional_double(row, 10);
  a.examples = refs_of(row.get_text(11));
  a.created_at = row.get_int(12);
  a.acknowledged_at = row.get_optional_int(13);
  a.acknowledged_by = row.get_optional_int(14);
  return a;
}

std::int64_t state_code(const FeedbackAlertQuery& query) {
  switch (query.state.value_or(FeedbackAlertState::kOpen)) {
    case FeedbackAlertState::kOpen: return 0;
    case FeedbackAlertState::kAcknowledged: return 1;
    case FeedbackAlertState::kAll: return 2;
  }
  return 0;
}

}  // namespace

Result<MiningJobRow> MiningRepo::job(storage::Connection& c) {
  MiningJobRow job;
  bool found = false;
  ECRM_RETURN_IF_ERROR(c.query(kJob, {std::string(kJobName)}, [&](const RowView& row) {
    found = true;
    job.claimed_by = row.get_string(0);
    job.claimed_until = row.get_optional_int(1);
    job.started_at = row.get_optional_int(2);
    job.finished_at = row.get_optional_int(3);
    job.last_status = row.get_string(4);
    job.last_error = row.get_string(5);
    job.watermark = row.get_optional_int(6);
    job.full = row.get_int(7) != 0;
    job.products = row.get_int(8);
    job.texts_mined = row.get_int(9);
    job.texts_removed = row.get_int(10);
    job.alerts = row.get_int(11);
    job.duration_ms = row.get_int(12);
  }));
  if (!found) return Error::internal("the feedback mining job row is missing");
  return job;
}

Result<bool> MiningRepo::claim(storage::Connection& c, const std::string& owner, UnixMs now,
                               UnixMs until) {
  ECRM_ASSIGN_OR_RETURN(auto changed,
                        c.execute(kClaim, {std::string(kJobName), owner, now, until}));
  return changed == 1;
}

Result<bool> MiningRepo::full_requested(storage::Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto value, c.query_int(kFullRequested, {std::string(kJobName)}));
  return value.value_or(0) != 0;
}

Status MiningRepo::set_full_requested(storage::Connection& c, bool requested) {
  return storage::done(
      c.execute(kSetFullRequested, {std::string(kJobName), std::int64_t{requested ? 1 : 0}}));
}

Status MiningRepo::finish(storage::Connection& c, const std::string& owner, UnixMs at,
                          const std::string& status, const std::string& error,
                          std::optional<UnixMs> watermark, const MiningOutcome& outcome) {
  return storage::done(c.execute(
      kFinish, {std::string(kJobName), owner, at, status, error, optional_value(watermark),
                std::int64_t{outcome.full ? 1 : 0}, outcome.products, outcome.texts_mined,
                outcome.texts_removed, outcome.alerts, outcome.duration_ms}));
}

Result<std::vector<std::int64_t>> MiningRepo::changed_products(storage::Connection& c,
                                                               UnixMs since) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kChangedProducts, {since}, [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::vector<std::int64_t>> MiningRepo::stale_products(storage::Connection& c,
                                                             UnixMs before) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kStaleProducts, {before}, [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::vector<std::int64_t>> MiningRepo::all_products(storage::Connection& c) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kAllProducts, {}, [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::optional<std::int64_t>> MiningRepo::category_of(storage::Connection& c,
                                                           std::int64_t product_id) {
  std::optional<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kCategoryOf, {product_id},
                               [&](const RowView& row) { out = row.get_optional_int(0); }));
  return out;
}

Status MiningRepo::texts(storage::Connection& c, std::int64_t product_id,
                         const std::function<void(StoredText&&)>& each) {
  return c.query(kTexts, {product_id}, [&](const RowView& row) {
    StoredText t;
    t.source = wire::parse_enum<FeedbackSource>(row.get_text(0)).value_or(FeedbackSource::kReview);
    t.id = row.get_int(1);
    t.written_at = row.get_int(2);
    t.digest = row.get_string(3);
    t.polarity = polarity_of(row.get_text(4));
    t.score = row.get_double(5);
    t.mined = row.get_string(6);
    each(std::move(t));
  });
}

Status MiningRepo::put_text(storage::Connection& c, std::int64_t product_id,
                            const StoredText& text, UnixMs now) {
  return storage::done(c.execute(kPutText, {product_id, std::string(wire::enum_name(text.source)), text.id,
                                   text.written_at, text.digest,
                                   std::string(to_string(text.polarity)), text.score, text.mined,
                                   now}));
}

Status MiningRepo::remove_text(storage::Connection& c, std::int64_t product_id,
                               FeedbackSource source, std::int64_t text_id) {
  return storage::done(
      c.execute(kRemoveText, {product_id, std::string(wire::enum_name(source)), text_id}));
}

Result<std::int64_t> MiningRepo::texts_stored(storage::Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kTextsStored));
  return n.value_or(0);
}

Status MiningRepo::put_figures(storage::Connection& c, const ProductFigures& f) {
  return storage::done(c.execute(kPutFigures,
                        {f.product_id, optional_value(f.category_id), f.texts, f.sentiment.positive,
                         f.sentiment.neutral, f.sentiment.negative, f.sources, f.complaints,
                         f.praise, f.weekly_issues, f.mined_at}));
}

Result<std::optional<ProductFigures>> MiningRepo::figures(storage::Connection& c,
                                                          std::int64_t product_id) {
  std::optional<ProductFigures> out;
  ECRM_RETURN_IF_ERROR(c.query(kFigures, {product_id}, [&](const RowView& row) {
    ProductFigures f;
    f.product_id = row.get_int(0);
    f.category_id = row.get_optional_int(1);
    f.texts = row.get_int(2);
    f.sentiment = {row.get_int(3), row.get_int(4), row.get_int(5)};
    f.sources = row.get_string(6);
    f.complaints = row.get_string(7);
    f.praise = row.get_string(8);
    f.weekly_issues = row.get_string(9);
    f.mined_at = row.get_int(10);
    out = std::move(f);
  }));
  return out;
}

Status MiningRepo::put_periods(storage::Connection& c, std::int64_t product_id,
                               std::optional<std::int64_t> category_id,
                               const std::vector<PeriodRow>& rows) {
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(kDeletePeriods, {product_id})));
  for (const PeriodRow& r : rows) {
    ECRM_RETURN_IF_ERROR(storage::done(c.execute(
        kInsertPeriod, {product_id, optional_value(category_id),
                        std::string(wire::enum_name(r.period)), r.start, r.texts, r.positive,
                        r.neutral, r.negative})));
  }
  return {};
}

Result<std::vector<FeedbackTrendPoint>> MiningRepo::trend(storage::Connection& c,
                                                          std::optional<std::int64_t> product_id,
                                                          std::optional<std::int64_t> category_id,
                                                          FeedbackPeriod period,
                                                          std::int64_t periods) {
  std::vector<FeedbackTrendPoint> out;
  const auto each = [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_int(1), row.get_int(2), row.get_int(3),
                   row.get_int(4)});
  };
  const std::string name(wire::enum_name(period));
  if (product_id) {
    ECRM_RETURN_IF_ERROR(c.query(kProductTrend, {*product_id, name, periods}, each));
  } else {
    ECRM_RETURN_IF_ERROR(c.query(kCategoryTrend, {category_id.value_or(0), name, periods}, each));
  }
  return std::vector<FeedbackTrendPoint>(out.rbegin(), out.rend());
}

Result<std::optional<std::int64_t>> MiningRepo::add_alert(storage::Connection& c,
                                                          const FeedbackAlert& a) {
  return c.query_int(kAddAlert,
                     {a.product_id, optional_value(a.category_id),
                      std::string(wire::enum_name(a.kind)), a.phrase, a.week_start, a.count,
                      a.baseline, optional_value(a.share),
                      json::serialize(wire::to_json(a.examples)), a.created_at});
}

Result<std::vector<FeedbackAlert>> MiningRepo::alerts(storage::Connection& c,
                                                      const FeedbackAlertQuery& query,
                                                      std::int64_t limit) {
  std::vector<FeedbackAlert> out;
  ECRM_RETURN_IF_ERROR(c.query(kAlerts,
                               {state_code(query), query.product_id.value_or(0),
                                query.category_id.value_or(0), limit},
                               [&](const RowView& row) { out.push_back(alert_of(row)); }));
  return out;
}

Result<std::int64_t> MiningRepo::open_alerts(storage::Connection& c,
                                             const FeedbackAlertQuery& query) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kOpenAlerts, {query.product_id.value_or(0),
                                                          query.category_id.value_or(0)}));
  return n.value_or(0);
}

Result<std::optional<FeedbackAlert>> MiningRepo::alert(storage::Connection& c, std::int64_t id) {
  std::optional<FeedbackAlert> out;
  ECRM_RETURN_IF_ERROR(c.query(kAlert, {id}, [&](const RowView& row) { out = alert_of(row); }));
  return out;
}

Result<bool> MiningRepo::acknowledge(storage::Connection& c, std::int64_t id, std::int64_t user_id,
                                     UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kAcknowledge, {id, user_id, now}));
  return changed == 1;
}

}  // namespace ecrm::feedback
