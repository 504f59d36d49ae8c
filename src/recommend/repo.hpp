// SQL of the in-app recommendations: the snapshot of products, order lines and returns the
// engines read; one customer's history for an incremental refresh; the builds, rules, neighbours
// and personal lists they write; the claim row of the rebuild; and the reads behind the API.
// Every statement is a named constant in repo.cpp; every method takes the connection to run on,
// so callers choose the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "storage/database.hpp"

namespace ecrm::recommend {

using storage::Connection;

// A product as recommendations see it (category slug and name '' without a category).
struct CatalogRow {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::int64_t price = 0;
  std::string currency;
  std::int64_t category_id = 0;  // 0: none
  std::string category_slug;
  std::string category_name;
  std::string price_tier;  // budget | mid | premium
  std::string line;
  int version = 1;
  bool active = true;
  bool consumable = false;
  std::optional<int> repurchase_days;
};

// One order line of an order that is not cancelled.
struct PurchaseRow {
  std::int64_t order_id = 0;
  std::int64_t customer_id = 0;
  UnixMs placed_at = 0;
  std::int64_t product_id = 0;
};

// A product a customer sent back (in a return that was not rejected).
struct ReturnRow {
  std::int64_t customer_id = 0;
  std::int64_t product_id = 0;
};

struct Snapshot {
  std::vector<CatalogRow> products;
  std::vector<PurchaseRow> purchases;  // by order id
  std::vector<ReturnRow> returns;
};

// A category with its configured tag and its parent's (nullopt: not configured).
struct CategoryTag {
  std::int64_t category_id = 0;
  std::string slug;
  std::string name;
  std::optional<std::string> tag;
  std::string parent_slug;  // '' for a top-level category
  std::optional<std::string> parent_tag;
};

// The row of recommend_jobs for the rebuild.
struct JobState {
  std::string claimed_by;
  std::optional<UnixMs> claimed_until;
  std::optional<UnixMs> started_at;
  std::optional<UnixMs> finished_at;
  std::string last_status;
  std::string last_error;
  std::optional<std::int64_t> last_build_id;
  std::string last_timings = "{}";
};

// A row of recommend_builds; the API shows it without the best-sellers.
struct StoredBuild {
  std::int64_t id = 0;
  UnixMs as_of = 0;
  UnixMs built_at = 0;
  std::int64_t orders = 0;
  std::int64_t customers = 0;
  std::int64_t products = 0;
  std::int64_t lines = 0;
  std::int64_t views = 0;
  std::int64_t rules = 0;
  std::int64_t neighbours = 0;
  std::int64_t lists = 0;
  wire::JsonText params;       // thresholds and sizes
  std::string popular = "[]";  // best-sellers as a stored list (RecommendedItem JSON)
  wire::JsonText timings;      // milliseconds per stage
};
ECRM_DESCRIBE(StoredBuild, id, as_of, built_at, orders, customers, products, lines, views, rules,
              neighbours, lists, params, timings)

// A row of recommend_rules (antecedent as JSON text of ProductRef objects, views.hpp).
struct StoredRule {
  std::int64_t position = 0;
  std::vector<std::int64_t> antecedent_ids;  // ascending
  std::string antecedent;                    // JSON
  std::int64_t consequent = 0;
  std::int64_t count = 0;
  std::int64_t antecedent_count = 0;
  std::int64_t consequent_count = 0;
  double support = 0;
  double confidence = 0;
  double lift = 0;
};

// A rule read back for the API, with its consequent product.
struct RuleView {
  StoredRule rule;
  CatalogRow consequent;
};

struct StoredNeighbour {
  std::int64_t product_id = 0;
  int position = 0;
  std::int64_t neighbour_id = 0;
  double similarity = 0;
  std::int64_t co_count = 0;  // customers with both (bought or viewed)
  std::int64_t co_views = 0;  // of those, customers who only viewed one or both
};

struct NeighbourView {
  StoredNeighbour neighbour;
  CatalogRow product;
};

// A row of customer_recommendations.
struct StoredList {
  std::int64_t customer_id = 0;
  std::int64_t build_id = 0;
  UnixMs computed_at = 0;
  std::string source;   // rebuild | incremental
  std::string classes;  // JSON: InferredClass array (views.hpp)
  std::string items;    // JSON: RecommendedItem array, one item per line (serialize_list())
};

struct RuleFilter {
  double min_support = 0;
  double min_confidence = 0;
  double min_lift = 0;
  std::optional<std::int64_t> product_id;  // in the antecedent or the consequent
};

class RecommendRepo {
 public:
  // Products (all of them), lines of orders that are not cancelled placed up to `as_of`, and
  // returned products, each in one streaming read.
  Status snapshot(Connection& c, UnixMs as_of, Snapshot& out);
  // One customer's lines and returns, in the same terms as snapshot().
  Status customer_history(Connection& c, std::int64_t customer_id,
                          std::vector<PurchaseRow>& purchases, std::vector<ReturnRow>& returns);
  Result<std::vector<CategoryTag>> category_tags(Connection& c);

  // The job claim: true when `owner` now holds the rebuild until `until`, false when another
  // holds an unexpired claim. Atomic on both backends (one conditional UPDATE).
  Result<bool> claim(Connection& c, const std::string& owner, UnixMs now, UnixMs until);
  Status extend_claim(Connection& c, const std::string& owner, UnixMs until);
  // Drops the claim held by `owner` (a worker that died holding it).
  Status release_claim(Connection& c, const std::string& owner);
  Status finish(Connection& c, const std::string& owner, UnixMs at, const std::string& status,
                const std::string& error, std::optional<std::int64_t> build_id,
                const std::string& timings);
  Result<JobState> job(Connection& c);

  Result<std::int64_t> insert_build(Connection& c, const StoredBuild& build);
  Status update_build_counts(Connection& c, const StoredBuild& build);
  Result<std::optional<StoredBuild>> latest_build(Connection& c);
  // Rules and neighbours of builds before `build_id` (the previous builds' models).
  Status delete_models_before(Connection& c, std::int64_t build_id);

  Status insert_rules(Connection& c, std::int64_t build_id, std::span<const StoredRule> rules);
  Status insert_neighbours(Connection& c, std::int64_t build_id,
                           std::span<const StoredNeighbour> neighbours);

  // Upserts lists. A stored list of a newer build, or of the same build computed later, is
  // kept: a refresh against the previous model that raced a rebuild loses to the rebuild (orders
  // placed after the rebuild's snapshot are refreshed again after it, see worker.hpp).
  Status upsert_lists(Connection& c, std::span<const StoredList> lists);
  // Deletes lists computed before `before` (customers who no longer have orders).
  Result<std::int64_t> delete_lists_before(Connection& c, UnixMs before);
  Result<std::optional<StoredList>> find_list(Connection& c, std::int64_t customer_id);

  Result<bool> customer_exists(Connection& c, std::int64_t customer_id);
  // Erased customers keep no personal list: their ids (ascending), whether one is erased, and
  // the removal of a customer's list or of every erased customer's.
  Result<std::vector<std::int64_t>> erased_customers(Connection& c);
  Result<bool> customer_erased(Connection& c, std::int64_t customer_id);
  Result<std::int64_t> delete_list(Connection& c, std::int64_t customer_id);
  Result<std::int64_t> delete_lists_of_erased(Connection& c);
  Result<std::optional<CatalogRow>> find_product(Connection& c, std::int64_t product_id);

  // Rules {product} => y of `build_id` whose consequent is active, by confidence, lift, count.
  Result<std::vector<RuleView>> pair_rules(Connection& c, std::int64_t build_id,
                                           std::int64_t product_id, int limit);
  // The product's neighbours in `build_id` that are active, most similar first.
  Result<std::vector<NeighbourView>> neighbours(Connection& c, std::int64_t build_id,
                                                std::int64_t product_id, int limit);
  // Active products of the same line with a higher version, or of the same category and
  // currency at a higher tier: newer versions first (nearest first), then by tier and price.
  Result<std::vector<CatalogRow>> upsell(Connection& c, const CatalogRow& product, int limit);
  // Rules of `build_id` meeting `filter`, in rule order, after `offset` rows.
  Result<std::vector<RuleView>> rules(Connection& c, std::int64_t build_id,
                                      const RuleFilter& filter, int limit, std::int64_t offset);
};

}  // namespace ecrm::recommend
