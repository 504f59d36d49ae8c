#include "recommend/repo.hpp"

#include <algorithm>

#include "storage/multi_row.hpp"

namespace ecrm::recommend {

using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

#define ECRM_PRODUCT_COLUMNS                                                                  \
  "p.id, p.sku, p.name, p.price, p.currency, COALESCE(p.category_id, 0), COALESCE(k.slug, ''), " \
  "COALESCE(k.name, ''), p.price_tier, p.line, p.version, p.active, p.consumable, "            \
  "p.repurchase_days"
constexpr std::string_view kProducts =
    "SELECT " ECRM_PRODUCT_COLUMNS
    " FROM products p LEFT JOIN categories k ON k.id = p.category_id ORDER BY p.id";
constexpr std::string_view kFindProduct =
    "SELECT " ECRM_PRODUCT_COLUMNS
    " FROM products p LEFT JOIN categories k ON k.id = p.category_id WHERE p.id = $1";
constexpr std::string_view kPurchases =
    "SELECT o.id, o.customer_id, o.placed_at, l.product_id FROM orders o "
    "JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.status <> 'cancelled' AND o.placed_at <= $1 ORDER BY o.id, l.id";
constexpr std::string_view kReturns =
    "SELECT DISTINCT o.customer_id, l.product_id FROM return_lines rl "
    "JOIN returns r ON r.id = rl.return_id JOIN order_lines l ON l.id = rl.order_line_id "
    "JOIN orders o ON o.id = l.order_id WHERE r.status <> 'rejected'";
constexpr std::string_view kCustomerPurchases =
    "SELECT o.id, o.customer_id, o.placed_at, l.product_id FROM orders o "
    "JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.customer_id = $1 AND o.status <> 'cancelled' ORDER BY o.id, l.id";
constexpr std::string_view kCustomerReturns =
    "SELECT DISTINCT o.customer_id, l.product_id FROM return_lines rl "
    "JOIN returns r ON r.id = rl.return_id JOIN order_lines l ON l.id = rl.order_line_id "
    "JOIN orders o ON o.id = l.order_id WHERE o.customer_id = $1 AND r.status <> 'rejected'";
constexpr std::string_view kCategoryTags =
    "SELECT k.id, k.slug, k.name, t.tag, COALESCE(pk.slug, ''), pt.tag FROM categories k "
    "LEFT JOIN recommend_category_tags t ON t.category_id = k.id "
    "LEFT JOIN categories pk ON pk.id = k.parent_id "
    "LEFT JOIN recommend_category_tags pt ON pt.category_id = k.parent_id ORDER BY k.id";

constexpr std::string_view kJobName = "rebuild";
constexpr std::string_view kClaim =
    "UPDATE recommend_jobs SET claimed_by = $2, claimed_until = $4, started_at = $3 "
    "WHERE name = $1 AND (claimed_until IS NULL OR claimed_until < $3)";
constexpr std::string_view kReleaseClaim =
    "UPDATE recommend_jobs SET claimed_until = NULL WHERE name = $1 AND claimed_by = $2";
constexpr std::string_view kExtendClaim =
    "UPDATE recommend_jobs SET claimed_until = $3 WHERE name = $1 AND claimed_by = $2";
constexpr std::string_view kFinish =
    "UPDATE recommend_jobs SET claimed_until = NULL, finished_at = $3, last_status = $4, "
    "last_error = $5, last_build_id = COALESCE($6, last_build_id), last_timings = $7 "
    "WHERE name = $1 AND claimed_by = $2";
constexpr std::string_view kJob =
    "SELECT claimed_by, claimed_until, started_at, finished_at, last_status, last_error, "
    "last_build_id, last_timings FROM recommend_jobs WHERE name = $1";

constexpr std::string_view kInsertBuild =
    "INSERT INTO recommend_builds (as_of, built_at, orders, customers, products, lines, views, "
    "rules, neighbours, lists, params, popular, timings) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";
constexpr std::string_view kUpdateBuild =
    "UPDATE recommend_builds SET built_at = $2, rules = $3, neighbours = $4, lists = $5, "
    "timings = $6 WHERE id = $1";
constexpr std::string_view kLatestBuild =
    "SELECT id, as_of, built_at, orders, customers, products, lines, views, rules, neighbours, "
    "lists, params, popular, timings FROM recommend_builds WHERE built_at > 0 "
    "ORDER BY id DESC LIMIT 1";
constexpr std::string_view kDeleteRulesBefore = "DELETE FROM recommend_rules WHERE build_id < $1";
constexpr std::string_view kDeleteNeighboursBefore =
    "DELETE FROM recommend_neighbours WHERE build_id < $1";

constexpr std::string_view kInsertRulesHead =
    "INSERT INTO recommend_rules (build_id, pos, antecedent_ids, antecedent_size, first_item, "
    "antecedent, consequent, pair_count, antecedent_count, consequent_count, support, "
    "confidence, lift) VALUES ";
constexpr int kRuleColumns = 13;
constexpr std::string_view kInsertNeighboursHead =
    "INSERT INTO recommend_neighbours (build_id, product_id, pos, neighbour_id, similarity, "
    "co_count, co_views) VALUES ";
constexpr int kNeighbourColumns = 7;
constexpr std::string_view kUpsertListsHead =
    "INSERT INTO customer_recommendations (customer_id, build_id, computed_at, source, classes, "
    "items) VALUES ";
constexpr int kListColumns = 6;
constexpr std::string_view kUpsertListsTail =
    " ON CONFLICT (customer_id) DO UPDATE SET build_id = excluded.build_id, "
    "computed_at = excluded.computed_at, source = excluded.source, classes = excluded.classes, "
    "items = excluded.items WHERE customer_recommendations.build_id < excluded.build_id OR "
    "(customer_recommendations.build_id = excluded.build_id AND "
    "customer_recommendations.computed_at <= excluded.computed_at)";
// Rows per statement when a rebuild writes its rules, neighbours and lists.
constexpr storage::ChunkSizes kWriteChunks = {200, 20, 1};
constexpr std::string_view kDeleteListsBefore =
    "DELETE FROM customer_recommendations WHERE computed_at < $1";
constexpr std::string_view kFindList =
    "SELECT customer_id, build_id, computed_at, source, classes, items "
    "FROM customer_recommendations WHERE customer_id = $1";
constexpr std::string_view kCustomerExists = "SELECT COUNT(*) FROM customers WHERE id = $1";
constexpr std::string_view kErasedCustomers =
    "SELECT id FROM customers WHERE erased_at IS NOT NULL ORDER BY id";
constexpr std::string_view kCustomerErased =
    "SELECT COUNT(*) FROM customers WHERE id = $1 AND erased_at IS NOT NULL";
constexpr std::string_view kDeleteList =
    "DELETE FROM customer_recommendations WHERE customer_id = $1";
constexpr std::string_view kDeleteListsOfErased =
    "DELETE FROM customer_recommendations WHERE customer_id IN "
    "(SELECT id FROM customers WHERE erased_at IS NOT NULL)";

#define ECRM_RULE_COLUMNS                                                                    \
  "r.pos, r.antecedent_ids, r.antecedent, r.consequent, r.pair_count, r.antecedent_count, " \
  "r.consequent_count, r.support, r.confidence, r.lift, "
constexpr int kRuleViewColumns = 10;
constexpr std::string_view kPairRules =
    "SELECT " ECRM_RULE_COLUMNS ECRM_PRODUCT_COLUMNS
    " FROM recommend_rules r JOIN products p ON p.id = r.consequent "
    "LEFT JOIN categories k ON k.id = p.category_id "
    "WHERE r.build_id = $1 AND r.first_item = $2 AND r.antecedent_size = 1 AND p.active = 1 "
    "ORDER BY r.confidence DESC, r.lift DESC, r.pair_count DESC, r.consequent LIMIT $3";
constexpr std::string_view kRules =
    "SELECT " ECRM_RULE_COLUMNS ECRM_PRODUCT_COLUMNS
    " FROM recommend_rules r JOIN products p ON p.id = r.consequent "
    "LEFT JOIN categories k ON k.id = p.category_id "
    "WHERE r.build_id = $1 AND r.support >= $2 AND r.confidence >= $3 AND r.lift >= $4 "
    "AND (CAST($5 AS BIGINT) = 0 OR r.consequent = CAST($5 AS BIGINT) "
    "OR (',' || r.antecedent_ids || ',') LIKE $6) "
    "ORDER BY r.pos LIMIT $7 OFFSET $8";
constexpr std::string_view kNeighbours =
    "SELECT n.pos, n.neighbour_id, n.similarity, n.co_count, n.co_views, " ECRM_PRODUCT_COLUMNS
    " FROM recommend_neighbours n JOIN products p ON p.id = n.neighbour_id "
    "LEFT JOIN categories k ON k.id = p.category_id "
    "WHERE n.build_id = $1 AND n.product_id = $2 AND p.active = 1 ORDER BY n.pos LIMIT $3";
// Tier rank: budget 1, mid 2, premium 3.
#define ECRM_TIER_RANK(col) \
  "(CASE " col " WHEN 'budget' THEN 1 WHEN 'mid' THEN 2 WHEN 'premium' THEN 3 ELSE 0 END)"
constexpr std::string_view kUpsell =
    "SELECT " ECRM_PRODUCT_COLUMNS
    " FROM products p LEFT JOIN categories k ON k.id = p.category_id "
    "WHERE p.active = 1 AND p.id <> $1 AND ("
    "(p.line <> '' AND p.line = $2 AND p.version > $3) OR "
    "(p.category_id = $4 AND p.currency = $5 AND " ECRM_TIER_RANK("p.price_tier") " > $6)) "
    "ORDER BY CASE WHEN p.line <> '' AND p.line = $2 AND p.version > $3 THEN 0 ELSE 1 END, "
    "p.version, " ECRM_TIER_RANK("p.price_tier") ", p.price, p.id LIMIT $7";
#undef ECRM_TIER_RANK

int tier_rank(const std::string& tier) {
  if (tier == "budget") return 1;
  if (tier == "mid") return 2;
  if (tier == "premium") return 3;
  return 0;
}

CatalogRow read_product(const RowView& row, int at) {
  CatalogRow p;
  p.id = row.get_int(at);
  p.sku = row.get_string(at + 1);
  p.name = row.get_string(at + 2);
  p.price = row.get_int(at + 3);
  p.currency = row.get_string(at + 4);
  p.category_id = row.get_int(at + 5);
  p.category_slug = row.get_string(at + 6);
  p.category_name = row.get_string(at + 7);
  p.price_tier = row.get_string(at + 8);
  p.line = row.get_string(at + 9);
  p.version = static_cast<int>(row.get_int(at + 10));
  p.active = row.get_int(at + 11) != 0;
  p.consumable = row.get_int(at + 12) != 0;
  if (!row.is_null(at + 13)) p.repurchase_days = static_cast<int>(row.get_int(at + 13));
  return p;
}

std::vector<std::int64_t> parse_ids(std::string_view text) {
  std::vector<std::int64_t> out;
  std::int64_t value = 0;
  bool any = false;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') {
      value = value * 10 + (ch - '0');
      any = true;
    } else if (any) {
      out.push_back(value);
      value = 0;
      any = false;
    }
  }
  if (any) out.push_back(value);
  return out;
}

std::string join_ids(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out;
}

RuleView read_rule(const RowView& row) {
  RuleView v;
  v.rule.position = row.get_int(0);
  v.rule.antecedent_ids = parse_ids(row.get_text(1));
  v.rule.antecedent = row.get_string(2);
  v.rule.consequent = row.get_int(3);
  v.rule.count = row.get_int(4);
  v.rule.antecedent_count = row.get_int(5);
  v.rule.consequent_count = row.get_int(6);
  v.rule.support = row.get_double(7);
  v.rule.confidence = row.get_double(8);
  v.rule.lift = row.get_double(9);
  v.consequent = read_product(row, kRuleViewColumns);
  return v;
}

Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }

}  // namespace

Status RecommendRepo::snapshot(Connection& c, UnixMs as_of, Snapshot& out) {
  out = Snapshot{};
  ECRM_RETURN_IF_ERROR(c.query(kProducts, {}, [&](const RowView& row) {
    out.products.push_back(read_product(row, 0));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kPurchases, {as_of}, [&](const RowView& row) {
    out.purchases.push_back({row.get_int(0), row.get_int(1), row.get_int(2), row.get_int(3)});
  }));
  return c.query(kReturns, {}, [&](const RowView& row) {
    out.returns.push_back({row.get_int(0), row.get_int(1)});
  });
}

Status RecommendRepo::customer_history(Connection& c, std::int64_t customer_id,
                                       std::vector<PurchaseRow>& purchases,
                                       std::vector<ReturnRow>& returns) {
  purchases.clear();
  returns.clear();
  ECRM_RETURN_IF_ERROR(c.query(kCustomerPurchases, {customer_id}, [&](const RowView& row) {
    purchases.push_back({row.get_int(0), row.get_int(1), row.get_int(2), row.get_int(3)});
  }));
  return c.query(kCustomerReturns, {customer_id}, [&](const RowView& row) {
    returns.push_back({row.get_int(0), row.get_int(1)});
  });
}

Result<std::vector<CategoryTag>> RecommendRepo::category_tags(Connection& c) {
  std::vector<CategoryTag> out;
  ECRM_RETURN_IF_ERROR(c.query(kCategoryTags, {}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), row.get_string(2),
                   row.get_optional_string(3), row.get_string(4), row.get_optional_string(5)});
  }));
  return out;
}

Result<bool> RecommendRepo::claim(Connection& c, const std::string& owner, UnixMs now,
                                  UnixMs until) {
  ECRM_ASSIGN_OR_RETURN(auto changed,
                        c.execute(kClaim, {std::string(kJobName), owner, now, until}));
  return changed == 1;
}

Status RecommendRepo::release_claim(Connection& c, const std::string& owner) {
  return done(c.execute(kReleaseClaim, {std::string(kJobName), owner}));
}

Status RecommendRepo::extend_claim(Connection& c, const std::string& owner, UnixMs until) {
  return done(c.execute(kExtendClaim, {std::string(kJobName), owner, until}));
}

Status RecommendRepo::finish(Connection& c, const std::string& owner, UnixMs at,
                             const std::string& status, const std::string& error,
                             std::optional<std::int64_t> build_id, const std::string& timings) {
  return done(c.execute(
      kFinish, {std::string(kJobName), owner, at, status, error, opt(build_id), timings}));
}

Result<JobState> RecommendRepo::job(Connection& c) {
  JobState state;
  ECRM_RETURN_IF_ERROR(c.query(kJob, {std::string(kJobName)}, [&](const RowView& row) {
    state.claimed_by = row.get_string(0);
    state.claimed_until = row.get_optional_int(1);
    state.started_at = row.get_optional_int(2);
    state.finished_at = row.get_optional_int(3);
    state.last_status = row.get_string(4);
    state.last_error = row.get_string(5);
    state.last_build_id = row.get_optional_int(6);
    state.last_timings = row.get_string(7);
  }));
  return state;
}

Result<std::int64_t> RecommendRepo::insert_build(Connection& c, const StoredBuild& b) {
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kInsertBuild,
                               {b.as_of, b.built_at, b.orders, b.customers, b.products, b.lines,
                                b.views, b.rules, b.neighbours, b.lists, b.params, b.popular,
                                b.timings},
                               [&](const RowView& row) { id = row.get_int(0); }));
  if (!id) return Error::internal("recommend_builds insert returned no id");
  return *id;
}

Status RecommendRepo::update_build_counts(Connection& c, const StoredBuild& b) {
  return done(
      c.execute(kUpdateBuild, {b.id, b.built_at, b.rules, b.neighbours, b.lists, b.timings}));
}

Result<std::optional<StoredBuild>> RecommendRepo::latest_build(Connection& c) {
  std::optional<StoredBuild> out;
  ECRM_RETURN_IF_ERROR(c.query(kLatestBuild, {}, [&](const RowView& row) {
    StoredBuild b;
    b.id = row.get_int(0);
    b.as_of = row.get_int(1);
    b.built_at = row.get_int(2);
    b.orders = row.get_int(3);
    b.customers = row.get_int(4);
    b.products = row.get_int(5);
    b.lines = row.get_int(6);
    b.views = row.get_int(7);
    b.rules = row.get_int(8);
    b.neighbours = row.get_int(9);
    b.lists = row.get_int(10);
    b.params = row.get_string(11);
    b.popular = row.get_string(12);
    b.timings = row.get_string(13);
    out = std::move(b);
  }));
  return out;
}

Status RecommendRepo::delete_models_before(Connection& c, std::int64_t build_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteRulesBefore, {build_id})));
  return done(c.execute(kDeleteNeighboursBefore, {build_id}));
}

Status RecommendRepo::insert_rules(Connection& c, std::int64_t build_id,
                                   std::span<const StoredRule> rules) {
  return storage::execute_rows(
      c, storage::MultiRowShape{kInsertRulesHead, kRuleColumns, ""}, rules.size(),
      [&](std::size_t i, std::vector<Value>& p) {
        const StoredRule& r = rules[i];
        p.insert(p.end(),
                 {Value(build_id), Value(r.position), Value(join_ids(r.antecedent_ids)),
                  Value(static_cast<std::int64_t>(r.antecedent_ids.size())),
                  Value(r.antecedent_ids.front()), Value(r.antecedent), Value(r.consequent),
                  Value(r.count), Value(r.antecedent_count), Value(r.consequent_count),
                  Value(r.support), Value(r.confidence), Value(r.lift)});
      },
      kWriteChunks);
}

Status RecommendRepo::insert_neighbours(Connection& c, std::int64_t build_id,
                                        std::span<const StoredNeighbour> neighbours) {
  return storage::execute_rows(
      c, storage::MultiRowShape{kInsertNeighboursHead, kNeighbourColumns, ""}, neighbours.size(),
      [&](std::size_t i, std::vector<Value>& p) {
        const StoredNeighbour& n = neighbours[i];
        p.insert(p.end(), {Value(build_id), Value(n.product_id),
                           Value(static_cast<std::int64_t>(n.position)), Value(n.neighbour_id),
                           Value(n.similarity), Value(n.co_count), Value(n.co_views)});
      },
      kWriteChunks);
}

Status RecommendRepo::upsert_lists(Connection& c, std::span<const StoredList> lists) {
  return storage::execute_rows(
      c, storage::MultiRowShape{kUpsertListsHead, kListColumns, kUpsertListsTail}, lists.size(),
      [&](std::size_t i, std::vector<Value>& p) {
        const StoredList& l = lists[i];
        p.insert(p.end(), {Value(l.customer_id), Value(l.build_id), Value(l.computed_at),
                           Value(l.source), Value(l.classes), Value(l.items)});
      },
      kWriteChunks);
}

Result<std::int64_t> RecommendRepo::delete_lists_before(Connection& c, UnixMs before) {
  return c.execute(kDeleteListsBefore, {before});
}

Result<std::optional<StoredList>> RecommendRepo::find_list(Connection& c,
                                                           std::int64_t customer_id) {
  std::optional<StoredList> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindList, {customer_id}, [&](const RowView& row) {
    out = StoredList{row.get_int(0),    row.get_int(1),    row.get_int(2),
                     row.get_string(3), row.get_string(4), row.get_string(5)};
  }));
  return out;
}

Result<bool> RecommendRepo::customer_exists(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto count, c.query_int(kCustomerExists, {customer_id}));
  return count.value_or(0) > 0;
}

Result<std::vector<std::int64_t>> RecommendRepo::erased_customers(Connection& c) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(kErasedCustomers, {}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  return ids;
}

Result<bool> RecommendRepo::customer_erased(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto count, c.query_int(kCustomerErased, {customer_id}));
  return count > 0;
}

Result<std::int64_t> RecommendRepo::delete_list(Connection& c, std::int64_t customer_id) {
  return c.execute(kDeleteList, {customer_id});
}

Result<std::int64_t> RecommendRepo::delete_lists_of_erased(Connection& c) {
  return c.execute(kDeleteListsOfErased, {});
}

Result<std::optional<CatalogRow>> RecommendRepo::find_product(Connection& c,
                                                              std::int64_t product_id) {
  std::optional<CatalogRow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindProduct, {product_id},
                               [&](const RowView& row) { out = read_product(row, 0); }));
  return out;
}

Result<std::vector<RuleView>> RecommendRepo::pair_rules(Connection& c, std::int64_t build_id,
                                                        std::int64_t product_id, int limit) {
  std::vector<RuleView> out;
  ECRM_RETURN_IF_ERROR(c.query(kPairRules, {build_id, product_id, std::int64_t{limit}},
                               [&](const RowView& row) { out.push_back(read_rule(row)); }));
  return out;
}

Result<std::vector<NeighbourView>> RecommendRepo::neighbours(Connection& c,
                                                             std::int64_t build_id,
                                                             std::int64_t product_id, int limit) {
  std::vector<NeighbourView> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kNeighbours, {build_id, product_id, std::int64_t{limit}}, [&](const RowView& row) {
        NeighbourView v;
        v.neighbour.product_id = product_id;
        v.neighbour.position = static_cast<int>(row.get_int(0));
        v.neighbour.neighbour_id = row.get_int(1);
        v.neighbour.similarity = row.get_double(2);
        v.neighbour.co_count = row.get_int(3);
        v.neighbour.co_views = row.get_int(4);
        v.product = read_product(row, 5);
        out.push_back(std::move(v));
      }));
  return out;
}

Result<std::vector<CatalogRow>> RecommendRepo::upsell(Connection& c, const CatalogRow& product,
                                                      int limit) {
  std::vector<CatalogRow> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kUpsell,
      {product.id, product.line, std::int64_t{product.version},
       product.category_id == 0 ? kNull : Value(product.category_id), product.currency,
       std::int64_t{tier_rank(product.price_tier)}, std::int64_t{limit}},
      [&](const RowView& row) { out.push_back(read_product(row, 0)); }));
  return out;
}

Result<std::vector<RuleView>> RecommendRepo::rules(Connection& c, std::int64_t build_id,
                                                   const RuleFilter& filter, int limit,
                                                   std::int64_t offset) {
  std::vector<RuleView> out;
  const std::int64_t product = filter.product_id.value_or(0);
  ECRM_RETURN_IF_ERROR(c.query(
      kRules,
      {build_id, filter.min_support, filter.min_confidence, filter.min_lift, product,
       "%," + std::to_string(product) + ",%", std::int64_t{limit}, offset},
      [&](const RowView& row) { out.push_back(read_rule(row)); }));
  return out;
}

#undef ECRM_RULE_COLUMNS
#undef ECRM_PRODUCT_COLUMNS

}  // namespace ecrm::recommend
