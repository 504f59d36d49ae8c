// The in-app recommendations: the rebuild job (snapshot of orders -> engines -> stored rules,
// neighbours and personal lists), the incremental refresh of one customer's list when their
// orders change, and the reads behind /api/v1/recommendations, /products/{id}/related|bundle and
// /customers/{id}/recommendations. No SQL here (repo.cpp), no HTTP (http_routes.cpp); the
// engines are the pure ones of this folder.
//
// Rebuild (rebuild()):
//   1. claim the job row (recommend_jobs) for 30 minutes: a second process, or a second call in
//      this one, gets kConflict `already_running`; a crashed run's claim simply expires;
//   2. snapshot every product, the lines of every order that is not cancelled, the returned
//      products (returns not rejected) and, through the ViewSource seam, product views;
//   3. run the engines: association rules over orders as baskets (FP-growth; min support
//      0.001 but at least `min_rule_count` orders, min confidence 0.05, up to 3 items), item-item
//      cosine neighbours over customers × products (top 20), best-sellers, repurchase profiles
//      (catalogue consumable flag and repurchase_days, else learned), the class model (price tier
//      per category, tags from category rules);
//   4. store a build row (as-of, data size, thresholds, timings) with its rules and neighbours,
//      then every customer's list (a list of an older build, even refreshed later, is replaced);
//      drop lists of customers no longer in the snapshot and the rules and neighbours of older
//      builds; the build becomes visible to readers when it is complete; release the claim.
//
// Personal list of a customer (the same code for the rebuild and a refresh), up to 20 items:
// candidates from four methods, each method's scores scaled to (0, 1] by its best one, then
//   score = 3·replenish + 1·also_bought + 0.8·rule + 0.6·class
// (a due consumable always comes first); the reason is the method with the largest term. Bought
// items are excluded except consumables due again, returned and inactive products always.
// Best-sellers fill a short list (score 0.1 × buyers / top buyers). The customer's inferred
// classes are stored with the list, with their evidence. Lists are stored as the JSON they are
// served as (views.hpp): reasons as data (kind, products, measures), never as sentences.
//
// Incremental refresh (refresh_customer()): the customer's orders and returns are read and the
// list recomputed against the model in memory (no rebuild). A process without the latest model
// (after a restart, or another process rebuilt) recomputes it from a snapshot first, once.
//
// Thread-safe: the model is swapped under a mutex; every call leases its own connection.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/describe.hpp"
#include "core/metrics.hpp"
#include "recommend/list_cache.hpp"
#include "storage/invalidation.hpp"
#include "recommend/repo.hpp"
#include "recommend/views.hpp"
#include "storage/database.hpp"

namespace ecrm::recommend {

// Product views, when a capability records them (events: event_views.hpp). The seam for "and
// views" in the similarity matrix and the personal lists, and for the visitors the tracking
// snippet asks for; without a source, recommendations use orders only.
class ViewSource {
 public:
  struct View {
    std::int64_t customer_id = 0;
    std::int64_t product_id = 0;
    UnixMs at = 0;
  };
  // A visitor of the shop's pages, known by the snippet's anonymous id.
  struct VisitorViews {
    bool known = false;                       // the visitor has sent events
    std::optional<std::int64_t> customer_id;  // identified as this customer
    std::vector<View> views;  // anonymous visitors: distinct products viewed, newest first
  };
  virtual ~ViewSource() = default;
  // Every view of an identified visitor in [since, until], for the rebuild.
  virtual Status views(UnixMs since, UnixMs until, std::vector<View>& out) = 0;
  // One customer's views since `since`, for a refresh.
  virtual Status customer_views(std::int64_t customer_id, UnixMs since,
                                std::vector<View>& out) = 0;
  // The visitor with `anonymous_id` (out.known false when it never sent an event): its customer
  // when identified, else up to `limit` distinct products it viewed since `since`.
  virtual Status visitor(const std::string& anonymous_id, UnixMs since, std::size_t limit,
                         VisitorViews& out) = 0;
};

struct RecommendOptions {
  std::string min_support = "0.001";
  std::uint64_t min_rule_count = 2;  // a rule needs at least this many orders
  std::string min_confidence = "0.05";
  std::size_t max_length = 3;
  std::size_t max_rules = 50000;  // best by rule order
  std::size_t top_k = 20;         // neighbours per product
  unsigned threads = 0;           // similarity threads; 0: all cores
  std::size_t list_size = 20;     // items stored per customer
  std::size_t popular_size = 20;
  float view_weight = 0.5f;
  ListCacheOptions list_cache;  // personal lists kept in memory for reads
  UnixMs view_window_ms = 30 * kMsPerDay;
  // When set, reads of the list cache are counted in ecrm_recommend_list_cache_reads_total by
  // result: hit, stale (served while it is read again) and miss (read from the database).
  MetricsRegistry* metrics = nullptr;
};

struct RebuildTimings {
  double snapshot_ms = 0;
  double rules_ms = 0;
  double similarity_ms = 0;
  double classes_ms = 0;
  double lists_ms = 0;
  double write_ms = 0;
  double total_ms = 0;
};
ECRM_DESCRIBE(RebuildTimings, snapshot_ms, rules_ms, similarity_ms, classes_ms, lists_ms, write_ms,
              total_ms)

struct RebuildOutcome {
  std::int64_t build_id = 0;
  std::int64_t orders = 0;
  std::int64_t customers = 0;
  std::int64_t rules = 0;
  std::int64_t neighbours = 0;
  std::int64_t lists = 0;
  RebuildTimings timings;
};

struct CustomerList {
  std::shared_ptr<const StoredList> list;  // null: no personal list yet
  std::optional<StoredBuild> build;  // for best-sellers when there is no list
};

struct Model;

// Stored lists (personal lists, best-sellers) are JSON arrays with one item per line: "[{…},\n{…}]"
// (serialized JSON never holds a raw newline), so that the first `limit` items can be served
// without parsing. serialize_list() writes that form; first_items() returns the array of the first
// `limit` items of such text, in `buffer` when it had to be cut.
std::string serialize_list(const std::vector<RecommendedItem>& items);
std::string_view first_items(std::string_view list, std::size_t limit, std::string& buffer);

// The CustomerRecommendations JSON of customer `customer_id` with the first `limit` items of
// `list`: its personal list, else the build's best-sellers, else nothing. Written from the
// stored text without parsing it (the route is read under load).
std::string customer_list_json(std::int64_t customer_id, const CustomerList& list,
                               std::size_t limit);

// A stored list item in public form (PublicItem: no score, measures or customers).
PublicItem public_item(const RecommendedItem& item);

// True when the build's lists are stored in the form this version serves (older builds are
// rebuilt at start-up).
bool current_list_format(const StoredBuild& build);

class RecommendService {
 public:
  explicit RecommendService(storage::Database& db, RecommendOptions options = {});
  ~RecommendService();

  // Registers the source of product views (not owned; may be null). Before serving.
  void set_view_source(ViewSource* views) { views_ = views; }

  // Runs the rebuild described above on the calling thread, as `owner` ("host:pid").
  // kConflict `already_running` when a claim is held; storage errors otherwise (the claim is
  // released and the failure recorded).
  Result<RebuildOutcome> rebuild(const std::string& owner);

  // Recomputes one customer's list against the model (see above). False (nothing changed)
  // before the first rebuild. A customer without orders gets a list of best-sellers.
  Result<bool> refresh_customer(std::int64_t customer_id);
  // The same for several customers, their lists written in one transaction; returns how many
  // were refreshed.
  Result<std::size_t> refresh_customers(std::span<const std::int64_t> customer_ids);

  Result<JobState> job();
  // Drops the job row's claim when `owner` holds it: `owner` died holding it (its lease in the
  // jobs table ran out) and the run is being taken over.
  Status release_claim(const std::string& owner);
  Result<std::optional<StoredBuild>> latest_build();

  // kNotFound for an unknown product; `limit` 1..50.
  Result<RelatedList> related(std::int64_t product_id, RelatedKind kind, int limit);
  // kNotFound for an unknown product. Up to `max_items` products bought together with it, their
  // total and a bundle price: 5% off the sum per added product, at most 10%.
  Result<Bundle> bundle(std::int64_t product_id, int max_items);
  // kNotFound for an unknown customer. One indexed read (plus the latest build without a list);
  // a personal list read is kept in memory (see list_cache.hpp).
  Result<CustomerList> customer_list(std::int64_t customer_id);
  // The customer's personal list if it is in memory (no I/O; null otherwise: ask customer_list).
  // A list kept longer than the cache's ttl is still answered while a background thread of the
  // service reads it again (see list_cache.hpp), so readers do not wait for the database.
  std::shared_ptr<const StoredList> cached_list(std::int64_t customer_id);

  // The customer's stored personal list (nullopt: none), for the privacy export.
  Result<std::optional<StoredList>> stored_list(storage::Connection& c, std::int64_t customer_id);
  // Removes the customer's stored list, on `c` (in the caller's transaction), and drops it from
  // memory: on erasure, and for the record merged away. Erased customers get no list again: a
  // rebuild leaves them out and removes any written meanwhile, a refresh skips them.
  Status forget_customer(storage::Connection& c, std::int64_t customer_id);
  // Drops lists from memory when another process writes them: topics::kRecommendList (one
  // customer's, refreshed or forgotten) and topics::kRecommendBuild (all: a build was published).
  // Call once before the bus delivers; the bus must not outlive this.
  void follow(storage::InvalidationBus& bus);
  // Rules of the latest build after `offset` (RulePage without next_cursor).
  Result<RulePage> rules(const RuleFilter& filter, int limit, std::int64_t offset);

  // What the tracking snippet shows the visitor with `anonymous_id` (limit 1..20): an identified
  // visitor's personal list (best-sellers while they have none); for an anonymous visitor, the
  // stored also-bought neighbours of the (up to 5) products it viewed in the view window, most
  // similar first and the viewed products left out, filled with best-sellers; an unknown
  // visitor gets best-sellers. Products only (see PublicItem).
  Result<VisitorRecommendations> visitor_recommendations(const std::string& anonymous_id,
                                                         int limit);

 private:
  // The model of the latest build, recomputed from a snapshot when this process lacks it.
  Result<std::shared_ptr<const Model>> current_model(storage::Connection& c);
  // rebuild() once claimed: snapshot, engines, lists, the stored build, publish().
  Status build_and_store(const std::string& owner, UnixMs as_of,
                         std::chrono::steady_clock::time_point started, RebuildOutcome& outcome);
  // Makes a stored build visible to readers: its model in memory first, then its counts and
  // built_at, the older lists, rules and neighbours gone, the lists in memory dropped.
  Status publish(StoredBuild& build, std::shared_ptr<const Model> model, UnixMs as_of);

  storage::Database& db_;
  RecommendOptions options_;
  RecommendRepo repo_;
  ViewSource* views_ = nullptr;
  std::mutex model_mutex_;   // guards model_
  std::mutex load_mutex_;    // one model load at a time
  std::shared_ptr<const Model> model_;
  ListCache lists_;  // personal lists served from memory (options_.list_cache)

  // What a customer without a personal list is shown, as a list to keep in memory.
  static std::shared_ptr<const StoredList> best_sellers_for(std::int64_t customer_id,
                                                            const StoredBuild& build);

  // Reads lists that cached_list() found old again, on one thread started on first use.
  void request_reload(std::int64_t customer_id);
  Counter* cache_hits_ = nullptr;  // null without options_.metrics
  Counter* cache_stale_ = nullptr;
  Counter* cache_misses_ = nullptr;
  void reload_loop();
  std::mutex reload_mutex_;
  std::condition_variable reload_wake_;
  std::deque<std::int64_t> reload_queue_;
  bool reload_stop_ = false;
  std::thread reloader_;
};

}  // namespace ecrm::recommend
