// What the recommendation routes answer and read, each shape described once (core/describe.hpp):
// the API's JSON, its schemas and the stored lists (personal lists and best-sellers are stored
// as the RecommendedItem JSON they are served as) all come from these descriptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/job_status.hpp"
#include "core/time.hpp"
#include "recommend/model.hpp"
#include "recommend/repo.hpp"

namespace ecrm::recommend {

// A product named by a reason or a rule.
struct ProductRef {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
};
ECRM_DESCRIBE(ProductRef, id, sku, name)

// Why an item is recommended, as data: its kind, the products it rests on and the measures of
// that kind (null for the others). People read it in their own language: the web UI and the
// tracking snippet word it.
struct ReasonView {
  ReasonKind kind = ReasonKind::kPopular;
  // rule: the products X of X => {item}; also_bought: the product that led here; class: the
  // purchase that put the customer in the class; the related lists and upsells of a product:
  // that product.
  std::vector<ProductRef> products;
  // rule: orders with X and the item; also_bought: customers with both; class: customers of
  // the class who bought the item; popular: customers who bought it; replenish: how often the
  // customer bought it.
  std::optional<std::int64_t> count;
  std::optional<double> support, confidence, lift;  // rule
  std::optional<double> similarity;                 // also_bought
  // also_bought: of the `count` customers, how many only viewed one or both products (0: the
  // pair rests on purchases alone); whether the customer viewed rather than bought products[0].
  std::optional<std::int64_t> viewed_count;
  std::optional<bool> seed_viewed;
  std::optional<std::string> class_label;  // class: tier:premium, tag:parent…
  // class: the category of the purchase; higher_tier: the category of the product.
  std::optional<std::string> category;
  std::optional<std::string> price_tier;      // higher_tier: the tier of the product
  std::optional<int> version;                 // newer_version: the version of the product
  std::optional<UnixMs> last_purchase_at;     // replenish
  std::optional<std::int64_t> interval_days;  // replenish
};
ECRM_DESCRIBE(ReasonView, kind, products, count, support, confidence, lift, similarity,
              viewed_count, seed_viewed, class_label, category, price_tier, version,
              last_purchase_at, interval_days)

// An item of a personal list or of the best-sellers.
struct RecommendedItem {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t price = 0;  // minor units
  std::string currency;
  double score = 0;
  ReasonView reason;
};
ECRM_DESCRIBE(RecommendedItem, product_id, sku, name, price, currency, score, reason)

// A class inferred from a customer's purchases, with the purchases that show it (up to 3).
enum class InferredClassKind { kTier, kTag };
ECRM_DESCRIBE_ENUM(InferredClassKind, kTier, kTag)
struct InferredClass {
  std::string label;  // tier:premium, tag:parent…
  InferredClassKind kind = InferredClassKind::kTier;
  std::vector<ProductRef> evidence;
};
ECRM_DESCRIBE(InferredClass, label, kind, evidence)

// Where a customer's list comes from: the rebuild, a refresh after an order or a view, the
// build's best-sellers (no personal list yet) or nothing (nothing built yet).
enum class ListSource { kRebuild, kIncremental, kPopular, kNone };
ECRM_DESCRIBE_ENUM(ListSource, kRebuild, kIncremental, kPopular, kNone)

// GET /customers/{id}/recommendations (written from the stored text, see customer_list_json()).
struct CustomerRecommendations {
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> build_id;
  std::optional<UnixMs> computed_at;
  ListSource source = ListSource::kNone;
  std::vector<InferredClass> classes;
  std::vector<RecommendedItem> items;
};
ECRM_DESCRIBE(CustomerRecommendations, customer_id, build_id, computed_at, source, classes, items)

// GET /products/{id}/related?kind=
enum class RelatedKind { kBoughtTogether, kAlsoBought, kUpsell };
ECRM_DESCRIBE_ENUM(RelatedKind, kBoughtTogether, kAlsoBought, kUpsell)
struct RelatedQuery {
  RelatedKind kind = RelatedKind::kBoughtTogether;
};
ECRM_DESCRIBE(RelatedQuery, kind)

// A product as the related lists and the bundle show it.
struct ProductSummary {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t price = 0;  // minor units
  std::string currency;
  std::string price_tier;
  std::string category;
  std::string line;
  int version = 1;
};
ECRM_DESCRIBE(ProductSummary, product_id, sku, name, price, currency, price_tier, category, line,
              version)

// ProductSummary with the item's score and reason.
struct RelatedProduct {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t price = 0;
  std::string currency;
  std::string price_tier;
  std::string category;
  std::string line;
  int version = 1;
  double score = 0;
  ReasonView reason;
};
ECRM_DESCRIBE(RelatedProduct, product_id, sku, name, price, currency, price_tier, category, line,
              version, score, reason)

struct RelatedList {
  std::int64_t product_id = 0;
  RelatedKind kind = RelatedKind::kBoughtTogether;
  std::optional<std::int64_t> build_id;  // null before the first rebuild (empty lists)
  std::vector<RelatedProduct> items;
};
ECRM_DESCRIBE(RelatedList, product_id, kind, build_id, items)

// GET /products/{id}/bundle?max_items=
struct BundleQuery {
  std::int64_t max_items = 2;
};
ECRM_DESCRIBE(BundleQuery, max_items)
ECRM_WIRE_RULES(BundleQuery, rule(&BundleQuery::max_items, {.minimum = 1, .maximum = 4}))

struct Bundle {
  ProductSummary product;
  std::vector<RelatedProduct> items;  // frequently bought together, same currency
  std::string currency;
  std::int64_t total = 0;         // sum of prices, minor units
  std::int64_t bundle_price = 0;  // suggested price
  std::int64_t discount = 0;
  double discount_rate = 0;
};
ECRM_DESCRIBE(Bundle, product, items, currency, total, bundle_price, discount, discount_rate)

// An association rule X => {y} of GET /recommendations/rules.
struct RuleItem {
  std::int64_t position = 0;
  std::vector<ProductRef> antecedent;
  ProductRef consequent;
  double support = 0;
  double confidence = 0;
  double lift = 0;
  std::int64_t count = 0;
  std::int64_t antecedent_count = 0;
  std::int64_t consequent_count = 0;
};
ECRM_DESCRIBE(RuleItem, position, antecedent, consequent, support, confidence, lift, count,
              antecedent_count, consequent_count)

struct RulePage {
  std::optional<StoredBuild> build;  // null before the first rebuild
  std::vector<RuleItem> items;
  std::optional<std::string> next_cursor;
};
ECRM_DESCRIBE(RulePage, build, items, next_cursor)

// GET /recommendations/rebuild: the job row as callers see it, with the latest build.
struct RebuildStatus : JobStatus {
  std::optional<std::int64_t> build_id;
  std::optional<StoredBuild> build;
};
ECRM_DESCRIBE_DERIVED(RebuildStatus, JobStatus, build_id, build)

// What the tracking snippet may show on the shop's public pages: products and the kind of
// reason, with the names of the products it rests on; no measures, nothing about customers.
struct PublicReason {
  ReasonKind kind = ReasonKind::kPopular;
  std::vector<std::string> product_names;
  bool viewed = false;  // also_bought: the visitor viewed (not bought) product_names[0]
};
ECRM_DESCRIBE(PublicReason, kind, product_names, viewed)

struct PublicItem {
  std::string sku;
  std::string name;
  std::int64_t price = 0;  // minor units
  std::string currency;
  PublicReason reason;
};
ECRM_DESCRIBE(PublicItem, sku, name, price, currency, reason)

// personal: the identified customer's list; related: neighbours of what the anonymous visitor
// viewed (filled with best-sellers); popular: best-sellers; none: nothing built yet.
enum class VisitorSource { kPersonal, kRelated, kPopular, kNone };
ECRM_DESCRIBE_ENUM(VisitorSource, kPersonal, kRelated, kPopular, kNone)
struct VisitorRecommendations {
  VisitorSource source = VisitorSource::kNone;
  std::vector<PublicItem> items;
};
ECRM_DESCRIBE(VisitorRecommendations, source, items)

// GET /events/recommendations?key=&anonymous_id= (the key may come as X-Ecrm-Key instead).
inline constexpr std::size_t kMaxAnonymousId = 200;
struct SnippetQuery {
  std::optional<std::string> key;
  std::optional<std::string> anonymous_id;
};
ECRM_DESCRIBE(SnippetQuery, key, anonymous_id)
ECRM_WIRE_RULES(SnippetQuery, rule(&SnippetQuery::anonymous_id, {.max_length = kMaxAnonymousId}))

}  // namespace ecrm::recommend
