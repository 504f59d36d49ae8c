#include "recommend/service.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include "recommend/classes.hpp"
#include "recommend/fraction.hpp"
#include "recommend/itemsets.hpp"
#include "recommend/personal.hpp"
#include "recommend/render.hpp"
#include "recommend/similarity.hpp"

namespace ecrm::recommend {

namespace json = boost::json;
using storage::TxMode;
using storage::with_transaction;

// Everything a personal list is computed from, for one build. Items are the snapshot's products
// in id order.
struct Model {
  std::int64_t build_id = 0;
  UnixMs as_of = 0;
  std::vector<CatalogRow> products;  // item -> product
  std::unordered_map<std::int64_t, ItemId> item_of;
  std::vector<ItemId> inactive;  // sorted
  std::unordered_map<std::string, std::string> category_names;  // slug -> name
  ItemNeighbours neighbours;
  std::unique_ptr<RuleIndex> rules;
  ClassModel classes;
  std::vector<PopularItem> popular;  // active products only
  std::vector<RepurchaseProfile> profiles;
  std::size_t list_size = 20;
};

namespace {

constexpr UnixMs kClaimMs = 30 * 60 * 1000;
constexpr std::size_t kWriteChunk = 2000;  // rows per write transaction
constexpr std::size_t kPopularKept = 200;

// Weights of the blend (see service.hpp).
constexpr double kReplenishWeight = 3.0;
constexpr double kAlsoBoughtWeight = 1.0;
constexpr double kRuleWeight = 0.8;
constexpr double kClassWeight = 0.6;
constexpr double kPopularWeight = 0.1;

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

PriceTier parse_tier(const std::string& tier) {
  if (tier == "budget") return PriceTier::kBudget;
  if (tier == "mid") return PriceTier::kMid;
  if (tier == "premium") return PriceTier::kPremium;
  return PriceTier::kUnknown;
}

// Life-stage and interest tags from words of a category slug ("baby-formula" -> parent).
std::string keyword_tag(const std::string& slug) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kKeywords = {
      {"baby", "parent"},        {"babies", "parent"},        {"kids", "parent"},
      {"children", "parent"},    {"diapers", "parent"},       {"nappies", "parent"},
      {"strollers", "parent"},   {"toys", "parent"},          {"maternity", "parent"},
      {"pet", "pet_owner"},      {"pets", "pet_owner"},       {"dog", "pet_owner"},
      {"cat", "pet_owner"},      {"garden", "gardener"},      {"gardening", "gardener"},
      {"sports", "athlete"},     {"fitness", "athlete"},      {"outdoor", "athlete"},
      {"cameras", "photographer"}, {"photo", "photographer"}, {"lenses", "photographer"},
      {"gaming", "gamer"},       {"books", "reader"},         {"kitchen", "home_cook"},
      {"cookware", "home_cook"}, {"beauty", "beauty_lover"},  {"cosmetics", "beauty_lover"}};
  std::size_t start = 0;
  while (start <= slug.size()) {
    std::size_t end = slug.find('-', start);
    if (end == std::string::npos) end = slug.size();
    std::string_view word(slug.data() + start, end - start);
    for (const auto& [key, tag] : kKeywords) {
      if (word == key) return std::string(tag);
    }
    start = end + 1;
  }
  return {};
}

// The tag of a category: configured on it, else on its parent, else from keywords of its slug,
// else of its parent's slug. '' for none.
std::string category_tag(const CategoryTag& c) {
  if (c.tag) return *c.tag;
  if (c.parent_tag) return *c.parent_tag;
  if (std::string tag = keyword_tag(c.slug); !tag.empty()) return tag;
  return keyword_tag(c.parent_slug);
}

json::object product_ref(const CatalogRow& p) {
  return {{"product_id", p.id}, {"sku", p.sku}, {"name", p.name}};
}

std::string class_noun(const std::string& label) {
  std::string name = label.substr(label.find(':') + 1);
  std::replace(name.begin(), name.end(), '_', ' ');
  return label.rfind("tier:", 0) == 0 ? name + " buyer" : name;
}

json::object reason_json(const Model& m, const Reason& reason, ItemId item) {
  Reason named = reason;
  if (named.kind == ReasonKind::kClass) {
    auto it = m.category_names.find(named.evidence_category);
    if (it != m.category_names.end() && !it->second.empty()) named.evidence_category = it->second;
  }
  json::object out{{"kind", to_string(reason.kind)},
                   {"text", explain(named, item, [&m](ItemId id) {
                      return id < m.products.size() ? m.products[id].name : std::string("?");
                    })},
                   {"count", reason.count}};
  switch (reason.kind) {
    case ReasonKind::kRule: {
      json::array antecedent;
      for (ItemId a : reason.antecedent) antecedent.push_back(product_ref(m.products[a]));
      out["antecedent"] = std::move(antecedent);
      out["support"] = reason.support;
      out["confidence"] = reason.confidence;
      out["lift"] = reason.lift;
      break;
    }
    case ReasonKind::kAlsoBought:
      out["seed"] = product_ref(m.products[reason.seed_item]);
      out["seed_viewed"] = reason.seed_viewed;
      out["similarity"] = reason.similarity;
      out["viewed_count"] = reason.viewed_count;
      break;
    case ReasonKind::kClass:
      out["class"] = reason.class_label;
      out["class_name"] = class_noun(reason.class_label);
      out["evidence"] = product_ref(m.products[reason.evidence_item]);
      out["category"] = named.evidence_category;
      break;
    case ReasonKind::kReplenish:
      out["last_purchase_at"] = reason.last_purchase_ms;
      out["interval_days"] = reason.interval_ms / kMsPerDay;
      break;
    case ReasonKind::kPopular:
      break;
  }
  return out;
}

std::vector<ItemId> sorted_union(std::vector<ItemId> a, const std::vector<ItemId>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

struct ComputedList {
  json::array classes;
  json::array items;
};

}  // namespace

std::string serialize_list(const json::array& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",\n";
    out += json::serialize(items[i]);
  }
  out += "]";
  return out;
}

std::string_view first_items(std::string_view list, std::size_t limit, std::string& buffer) {
  if (list.empty() || list.front() != '[') return "[]";
  std::size_t pos = 0;
  for (std::size_t n = 0; n < limit; ++n) {
    pos = list.find(",\n", pos);
    if (pos == std::string_view::npos) return list;
    if (n + 1 < limit) pos += 2;
  }
  if (limit == 0) return "[]";
  buffer.assign(list.substr(0, pos));
  buffer += ']';
  return buffer;
}

namespace {

// The personal list of one customer (see service.hpp for the blend).
ComputedList compute_list(const Model& m, const CustomerHistory& history, UnixMs now) {
  const std::size_t limit = m.list_size;
  const std::vector<ItemId> excluded =
      sorted_union(excluded_items(history, m.profiles, now), m.inactive);
  auto is_excluded = [&](ItemId item) {
    return std::binary_search(excluded.begin(), excluded.end(), item);
  };
  std::vector<ItemId> returned = history.returned;
  std::sort(returned.begin(), returned.end());
  std::vector<ItemId> bought;
  for (const TimedItem& p : history.purchases) bought.push_back(p.item);
  std::sort(bought.begin(), bought.end());
  bought.erase(std::unique(bought.begin(), bought.end()), bought.end());
  std::vector<ItemId> basket;
  for (ItemId item : bought) {
    if (!std::binary_search(returned.begin(), returned.end(), item)) basket.push_back(item);
  }

  PersonalOptions personal_options;
  personal_options.limit = 2 * limit;
  personal_options.now_ms = now;
  personal_options.fill_with_popular = false;
  std::vector<Recommendation> personal =
      recommend_for_customer(history, m.neighbours, m.profiles, {}, personal_options);
  std::vector<Recommendation> replenish, also;
  for (Recommendation& r : personal) {
    if (std::binary_search(m.inactive.begin(), m.inactive.end(), r.item)) continue;
    (r.reason.kind == ReasonKind::kReplenish ? replenish : also).push_back(std::move(r));
  }
  std::vector<Recommendation> by_rule =
      m.rules ? m.rules->recommend(basket, excluded, 2 * limit) : std::vector<Recommendation>{};
  std::vector<Recommendation> by_class = m.classes.recommend(basket, excluded, 2 * limit);

  struct Candidate {
    double score = 0;
    double best = -1;
    Reason reason;
  };
  std::unordered_map<ItemId, Candidate> candidates;
  auto blend = [&](const std::vector<Recommendation>& recs, double weight, bool flat) {
    double top = 0;
    for (const Recommendation& r : recs) top = std::max(top, r.score);
    for (const Recommendation& r : recs) {
      const double norm = flat || top <= 0 ? 1.0 : r.score / top;
      const double term = weight * norm;
      Candidate& c = candidates[r.item];
      c.score += term;
      if (term > c.best) {
        c.best = term;
        c.reason = r.reason;
      }
    }
  };
  blend(replenish, kReplenishWeight, true);
  blend(also, kAlsoBoughtWeight, false);
  blend(by_rule, kRuleWeight, false);
  blend(by_class, kClassWeight, false);

  std::vector<Recommendation> ranked;
  ranked.reserve(candidates.size());
  for (auto& [item, c] : candidates) ranked.push_back({item, c.score, std::move(c.reason)});
  std::sort(ranked.begin(), ranked.end(), [](const Recommendation& a, const Recommendation& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  if (ranked.size() > limit) ranked.resize(limit);
  if (ranked.size() < limit && !m.popular.empty()) {
    std::vector<Recommendation> fill =
        recommend_popular(m.popular, excluded, ranked, limit - ranked.size());
    const double top = static_cast<double>(m.popular.front().buyers);
    for (Recommendation& r : fill) {
      r.score = kPopularWeight * static_cast<double>(r.reason.count) / top;
      ranked.push_back(std::move(r));
    }
  }

  ComputedList out;
  for (const Recommendation& r : ranked) {
    if (is_excluded(r.item) && r.reason.kind != ReasonKind::kReplenish) continue;
    const CatalogRow& p = m.products[r.item];
    out.items.push_back(json::object{{"product_id", p.id},
                                     {"sku", p.sku},
                                     {"name", p.name},
                                     {"price", p.price},
                                     {"currency", p.currency},
                                     {"score", std::round(r.score * 1e6) / 1e6},
                                     {"reason", reason_json(m, r.reason, r.item)}});
  }
  for (const CustomerClass& cls : m.classes.classify(basket)) {
    json::array evidence;
    for (std::size_t i = 0; i < cls.evidence.size() && i < 3; ++i) {
      const CatalogRow& p = m.products[cls.evidence[i]];
      json::object e = product_ref(p);
      e["category"] = p.category_name;
      evidence.push_back(std::move(e));
    }
    out.classes.push_back(json::object{
        {"class", cls.label},
        {"name", class_noun(cls.label)},
        {"kind", cls.kind == ClassKind::kTag ? "tag" : "tier"},
        {"evidence", std::move(evidence)}});
  }
  return out;
}

// Per-customer inputs gathered from a snapshot.
struct Customers {
  std::vector<std::int64_t> ids;
  std::vector<CustomerHistory> histories;
  std::unordered_map<std::int64_t, CustomerIndex> index;

  CustomerIndex of(std::int64_t id) {
    auto [it, inserted] = index.try_emplace(id, static_cast<CustomerIndex>(ids.size()));
    if (inserted) {
      ids.push_back(id);
      histories.emplace_back();
    }
    return it->second;
  }
};

struct Computed {
  std::shared_ptr<Model> model;
  RuleSet rule_set;
  Customers customers;
  std::int64_t orders = 0;
  std::int64_t products_bought = 0;
  std::int64_t views = 0;
  Fraction min_support;
  Fraction min_confidence;
};

Result<Computed> compute(Snapshot snapshot, const std::vector<CategoryTag>& tags,
                         const std::vector<ViewSource::View>& views, UnixMs as_of,
                         const RecommendOptions& o, RebuildTimings& timings) {
  using Clock = std::chrono::steady_clock;
  Computed out;
  auto model = std::make_shared<Model>();
  Model& m = *model;
  m.as_of = as_of;
  m.list_size = o.list_size;
  m.products = std::move(snapshot.products);
  const std::size_t n_items = m.products.size();
  for (ItemId item = 0; item < n_items; ++item) {
    m.item_of.emplace(m.products[item].id, item);
    if (!m.products[item].active) m.inactive.push_back(item);
    if (!m.products[item].category_slug.empty()) {
      m.category_names[m.products[item].category_slug] = m.products[item].category_name;
    }
  }

  // Orders as baskets; customers' histories; the interaction matrix's events.
  TransactionSet transactions;
  transactions.item_count = n_items;
  std::vector<Interaction> interactions;
  std::vector<PurchaseEvent> events;
  std::vector<ItemId> basket;
  std::vector<bool> bought_any(n_items, false);
  std::int64_t current_order = -1;
  for (const PurchaseRow& row : snapshot.purchases) {
    auto item = m.item_of.find(row.product_id);
    if (item == m.item_of.end()) continue;
    if (row.order_id != current_order) {
      if (current_order >= 0) transactions.add(std::move(basket));
      basket.clear();
      current_order = row.order_id;
    }
    basket.push_back(item->second);
    const CustomerIndex c = out.customers.of(row.customer_id);
    out.customers.histories[c].purchases.push_back({item->second, row.placed_at});
    interactions.push_back({c, item->second, InteractionKind::kPurchase});
    events.push_back({c, item->second, row.placed_at});
    bought_any[item->second] = true;
  }
  if (current_order >= 0) transactions.add(std::move(basket));
  out.orders = static_cast<std::int64_t>(transactions.size());
  out.products_bought = std::count(bought_any.begin(), bought_any.end(), true);
  for (const ReturnRow& row : snapshot.returns) {
    auto item = m.item_of.find(row.product_id);
    auto c = out.customers.index.find(row.customer_id);
    if (item == m.item_of.end() || c == out.customers.index.end()) continue;
    out.customers.histories[c->second].returned.push_back(item->second);
  }
  for (const ViewSource::View& v : views) {
    auto item = m.item_of.find(v.product_id);
    if (item == m.item_of.end()) continue;
    const CustomerIndex c = out.customers.of(v.customer_id);
    out.customers.histories[c].views.push_back({item->second, v.at});
    interactions.push_back({c, item->second, InteractionKind::kView});
    ++out.views;
  }

  auto phase = Clock::now();
  ECRM_ASSIGN_OR_RETURN(Fraction support, parse_fraction(o.min_support));
  ECRM_ASSIGN_OR_RETURN(out.min_confidence, parse_fraction(o.min_confidence));
  const std::uint64_t n_orders = transactions.size();
  if (n_orders > 0 && min_count_for(support, n_orders) < o.min_rule_count) {
    support = Fraction{std::min<std::uint64_t>(o.min_rule_count, n_orders), n_orders};
  }
  out.min_support = support;
  RuleOptions rule_options{support, out.min_confidence, o.max_length};
  ECRM_RETURN_IF_ERROR(validate(rule_options));
  out.rule_set = mine_rules(transactions, rule_options);
  if (out.rule_set.rules.size() > o.max_rules) out.rule_set.rules.resize(o.max_rules);
  m.rules = std::make_unique<RuleIndex>(out.rule_set.rules);
  timings.rules_ms = elapsed_ms(phase);

  phase = Clock::now();
  InteractionMatrix matrix = build_interaction_matrix(out.customers.ids.size(), n_items,
                                                      interactions, o.view_weight);
  SimilarityOptions similarity;
  similarity.top_k = o.top_k;
  similarity.threads = o.threads;
  m.neighbours = compute_item_neighbours(matrix, similarity);
  for (const PopularItem& p : rank_by_popularity(matrix)) {
    if (m.products[p.item].active) m.popular.push_back(p);
    if (m.popular.size() >= kPopularKept) break;
  }
  timings.similarity_ms = elapsed_ms(phase);

  phase = Clock::now();
  std::vector<RepurchaseProfile> configured(n_items);
  std::vector<Product> catalog(n_items);
  for (ItemId item = 0; item < n_items; ++item) {
    const CatalogRow& p = m.products[item];
    configured[item].consumable = p.consumable;
    if (p.repurchase_days && *p.repurchase_days > 0) {
      configured[item].interval_ms = static_cast<UnixMs>(*p.repurchase_days) * kMsPerDay;
    }
    catalog[item] = Product{p.category_slug, parse_tier(p.price_tier), p.price};
  }
  m.profiles = learn_repurchase_profiles(n_items, events, configured, RepurchaseOptions{});
  std::vector<TagRule> tag_rules;
  for (const CategoryTag& c : tags) {
    if (std::string tag = category_tag(c); !tag.empty()) tag_rules.push_back({c.slug, tag});
  }
  std::vector<std::vector<ItemId>> purchases_by_customer(out.customers.ids.size());
  for (std::size_t c = 0; c < out.customers.ids.size(); ++c) {
    for (const TimedItem& p : out.customers.histories[c].purchases) {
      purchases_by_customer[c].push_back(p.item);
    }
  }
  m.classes = ClassModel::learn(std::move(catalog), purchases_by_customer, std::move(tag_rules),
                                {}, ClassOptions{});
  timings.classes_ms = elapsed_ms(phase);
  out.model = std::move(model);
  return out;
}

// A customer's history from their rows, in the model's item ids (products newer than the model
// are left out).
CustomerHistory history_of(const Model& m, const std::vector<PurchaseRow>& purchases,
                           const std::vector<ReturnRow>& returns,
                           const std::vector<ViewSource::View>& views) {
  CustomerHistory h;
  for (const PurchaseRow& p : purchases) {
    if (auto it = m.item_of.find(p.product_id); it != m.item_of.end()) {
      h.purchases.push_back({it->second, p.placed_at});
    }
  }
  for (const ReturnRow& r : returns) {
    if (auto it = m.item_of.find(r.product_id); it != m.item_of.end()) {
      h.returned.push_back(it->second);
    }
  }
  for (const ViewSource::View& v : views) {
    if (auto it = m.item_of.find(v.product_id); it != m.item_of.end()) {
      h.views.push_back({it->second, v.at});
    }
  }
  return h;
}

json::object timings_json(const RebuildTimings& t) {
  return {{"snapshot_ms", t.snapshot_ms}, {"rules_ms", t.rules_ms},
          {"similarity_ms", t.similarity_ms}, {"classes_ms", t.classes_ms},
          {"lists_ms", t.lists_ms}, {"write_ms", t.write_ms}, {"total_ms", t.total_ms}};
}

std::string fraction_text(Fraction f) { return format_number(f.to_double()); }

std::string percent(double fraction) {
  return format_number(std::round(fraction * 1000.0) / 10.0) + "%";
}

std::string rule_sentence(const std::string& from, const StoredRule& rule,
                          const std::string& to) {
  return "customers who bought " + from + " also bought " + to + " (confidence " +
         percent(rule.confidence) + ", lift " +
         format_number(std::round(rule.lift * 100.0) / 100.0) + ", support " +
         percent(rule.support) + ", " + std::to_string(rule.count) + " orders)";
}

// "customers who bought X also bought Y (n)", or with views when they made the pair.
std::string also_bought_sentence(const std::string& from, const StoredNeighbour& n,
                                 const std::string& to) {
  if (n.co_views == 0) {
    return "customers who bought " + from + " also bought " + to + " (" +
           std::to_string(n.co_count) + ")";
  }
  return "customers who bought or viewed " + from + " also bought or viewed " + to + " (" +
         std::to_string(n.co_count) + ", " +
         std::to_string(n.co_count - std::min(n.co_count, n.co_views)) +
         " of them bought both)";
}

std::string money_text(std::int64_t minor, const std::string& currency) {
  const std::int64_t major = minor / 100;
  const std::int64_t cents = minor % 100;
  return std::to_string(major) + "." + (cents < 10 ? "0" : "") + std::to_string(cents) + " " +
         currency;
}

}  // namespace

std::optional<RelatedKind> parse_related_kind(std::string_view text) {
  if (text == "bought_together") return RelatedKind::kBoughtTogether;
  if (text == "also_bought") return RelatedKind::kAlsoBought;
  if (text == "upsell") return RelatedKind::kUpsell;
  return std::nullopt;
}

std::string_view to_string(RelatedKind kind) {
  switch (kind) {
    case RelatedKind::kBoughtTogether: return "bought_together";
    case RelatedKind::kAlsoBought: return "also_bought";
    case RelatedKind::kUpsell: return "upsell";
  }
  return "bought_together";
}

RecommendService::RecommendService(storage::Database& db, RecommendOptions options)
    : db_(db), options_(std::move(options)), lists_(options_.list_cache) {
  if (options_.metrics != nullptr) {
    auto reads = [&](const char* result) {
      return &options_.metrics->counter(
          "ecrm_recommend_list_cache_reads_total",
          "Reads of personal recommendation lists in memory by result: hit, stale (an old entry "
          "served while it is read again), miss (read from the database)",
          {{"result", result}});
    };
    cache_hits_ = reads("hit");
    cache_stale_ = reads("stale");
    cache_misses_ = reads("miss");
  }
}

RecommendService::~RecommendService() {
  {
    std::lock_guard lock(reload_mutex_);
    reload_stop_ = true;
  }
  reload_wake_.notify_all();
  if (reloader_.joinable()) reloader_.join();
}

Result<RebuildOutcome> RecommendService::rebuild(const std::string& owner) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  const UnixMs as_of = now_ms();
  {
    ECRM_ASSIGN_OR_RETURN(auto claimed,
                          with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) {
                            return repo_.claim(c, owner, as_of, as_of + kClaimMs);
                          }));
    if (!claimed) return Error::conflict("a rebuild is already running", {}, "already_running");
  }
  RebuildOutcome outcome;
  auto run = [&]() -> Status {
    auto phase = Clock::now();
    Snapshot snapshot;
    std::vector<CategoryTag> tags;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_RETURN_IF_ERROR(repo_.snapshot(*lease, as_of, snapshot));
      ECRM_ASSIGN_OR_RETURN(tags, repo_.category_tags(*lease));
    }
    std::vector<ViewSource::View> views;
    if (views_ != nullptr) {
      ECRM_RETURN_IF_ERROR(views_->views(as_of - options_.view_window_ms, as_of, views));
    }
    const auto lines = static_cast<std::int64_t>(snapshot.purchases.size());
    outcome.timings.snapshot_ms = elapsed_ms(phase);

    ECRM_ASSIGN_OR_RETURN(Computed computed, compute(std::move(snapshot), tags, views, as_of,
                                                     options_, outcome.timings));
    Model& m = *computed.model;
    ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
      return repo_.extend_claim(c, owner, now_ms() + kClaimMs);
    }));

    // Lists of every customer in the snapshot.
    phase = Clock::now();
    std::vector<StoredList> lists;
    lists.reserve(computed.customers.ids.size());
    for (std::size_t c = 0; c < computed.customers.ids.size(); ++c) {
      ComputedList list = compute_list(m, computed.customers.histories[c], as_of);
      lists.push_back({computed.customers.ids[c], 0, as_of, "rebuild",
                       json::serialize(list.classes), serialize_list(list.items)});
    }
    outcome.timings.lists_ms = elapsed_ms(phase);

    phase = Clock::now();
    StoredBuild build;
    build.as_of = as_of;
    build.built_at = 0;  // invisible to readers until complete
    build.orders = computed.orders;
    build.customers = static_cast<std::int64_t>(computed.customers.ids.size());
    build.products = computed.products_bought;
    build.lines = lines;
    build.views = computed.views;
    build.params = json::serialize(json::object{
        {"min_support", fraction_text(computed.min_support)},
        {"min_confidence", fraction_text(computed.min_confidence)},
        {"max_length", options_.max_length},
        {"max_rules", options_.max_rules},
        {"neighbours_per_product", options_.top_k},
        {"list_size", options_.list_size},
        {"frequent_itemsets", computed.rule_set.frequent_itemsets}});
    json::array popular;
    for (const PopularItem& p : m.popular) {
      if (popular.size() >= options_.popular_size) break;
      const CatalogRow& row = m.products[p.item];
      popular.push_back(json::object{
          {"product_id", row.id},
          {"sku", row.sku},
          {"name", row.name},
          {"price", row.price},
          {"currency", row.currency},
          {"score", std::round(kPopularWeight * static_cast<double>(p.buyers) /
                               static_cast<double>(m.popular.front().buyers) * 1e6) /
                        1e6},
          {"reason", json::object{{"kind", "popular"},
                                  {"text", row.name + " is a best-seller (" +
                                               std::to_string(p.buyers) + " customers)"},
                                  {"count", p.buyers}}}});
    }
    build.popular = serialize_list(popular);
    ECRM_ASSIGN_OR_RETURN(build.id,
                          with_transaction<std::int64_t>(db_, TxMode::kWrite, [&](Connection& c) {
                            return repo_.insert_build(c, build);
                          }));
    m.build_id = build.id;

    std::vector<StoredRule> rules;
    for (std::size_t i = 0; i < computed.rule_set.rules.size(); ++i) {
      const Rule& r = computed.rule_set.rules[i];
      StoredRule s;
      s.position = static_cast<std::int64_t>(i);
      json::array antecedent;
      for (ItemId a : r.antecedent) {
        s.antecedent_ids.push_back(m.products[a].id);
        antecedent.push_back(json::object{{"id", m.products[a].id},
                                          {"sku", m.products[a].sku},
                                          {"name", m.products[a].name}});
      }
      std::sort(s.antecedent_ids.begin(), s.antecedent_ids.end());
      s.antecedent = json::serialize(antecedent);
      s.consequent = m.products[r.consequent].id;
      s.count = static_cast<std::int64_t>(r.count);
      s.antecedent_count = static_cast<std::int64_t>(r.antecedent_count);
      s.consequent_count = static_cast<std::int64_t>(r.consequent_count);
      s.support = r.support();
      s.confidence = r.confidence();
      s.lift = r.lift();
      rules.push_back(std::move(s));
    }
    std::vector<StoredNeighbour> neighbours;
    for (ItemId item = 0; item < m.neighbours.item_count(); ++item) {
      int position = 0;
      for (const Neighbour& n : m.neighbours.of(item)) {
        neighbours.push_back({m.products[item].id, position++, m.products[n.item].id,
                              n.similarity, static_cast<std::int64_t>(n.co_count),
                              static_cast<std::int64_t>(n.co_views)});
      }
    }
    for (std::size_t begin = 0; begin < rules.size(); begin += kWriteChunk) {
      std::span<const StoredRule> chunk(rules.data() + begin,
                                        std::min(kWriteChunk, rules.size() - begin));
      ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
        return repo_.insert_rules(c, build.id, chunk);
      }));
    }
    for (std::size_t begin = 0; begin < neighbours.size(); begin += kWriteChunk) {
      std::span<const StoredNeighbour> chunk(neighbours.data() + begin,
                                             std::min(kWriteChunk, neighbours.size() - begin));
      ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
        return repo_.insert_neighbours(c, build.id, chunk);
      }));
    }
    for (StoredList& list : lists) list.build_id = build.id;
    for (std::size_t begin = 0; begin < lists.size(); begin += kWriteChunk) {
      std::span<const StoredList> chunk(lists.data() + begin,
                                        std::min(kWriteChunk, lists.size() - begin));
      ECRM_RETURN_IF_ERROR(with_transaction(
          db_, TxMode::kWrite, [&](Connection& c) { return repo_.upsert_lists(c, chunk); }));
    }
    outcome.timings.write_ms = elapsed_ms(phase);
    outcome.timings.total_ms = elapsed_ms(started);
    build.rules = static_cast<std::int64_t>(rules.size());
    build.neighbours = static_cast<std::int64_t>(neighbours.size());
    build.lists = static_cast<std::int64_t>(lists.size());
    build.timings = json::serialize(timings_json(outcome.timings));
    {
      // Before the build becomes visible, so that refreshes never reload what this run built.
      std::lock_guard lock(model_mutex_);
      if (!model_ || model_->build_id < computed.model->build_id) model_ = computed.model;
    }
    ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      build.built_at = now_ms();
      ECRM_RETURN_IF_ERROR(repo_.update_build_counts(c, build));
      ECRM_ASSIGN_OR_RETURN(auto removed, repo_.delete_lists_before(c, as_of));
      if (removed > 0) spdlog::info("recommend: removed {} stale personal lists", removed);
      return repo_.delete_models_before(c, build.id);
    }));
    lists_.clear();  // the build is visible: its lists replace what was served from memory
    outcome.build_id = build.id;
    outcome.orders = build.orders;
    outcome.customers = build.customers;
    outcome.rules = build.rules;
    outcome.neighbours = build.neighbours;
    outcome.lists = build.lists;
    return {};
  };
  Status status = run();
  outcome.timings.total_ms = elapsed_ms(started);
  const std::string timings = json::serialize(timings_json(outcome.timings));
  Status finished = with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.finish(c, owner, now_ms(), status.ok() ? "ok" : "failed",
                        status.ok() ? "" : status.error().message,
                        status.ok() ? std::optional<std::int64_t>(outcome.build_id)
                                    : std::nullopt,
                        timings);
  });
  if (!status.ok()) return std::move(status).error();
  if (!finished.ok()) return std::move(finished).error();
  return outcome;
}

Result<std::shared_ptr<const Model>> RecommendService::current_model(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto latest, repo_.latest_build(c));
  if (!latest) return std::shared_ptr<const Model>();
  {
    std::lock_guard lock(model_mutex_);
    if (model_ && model_->build_id >= latest->id) return model_;
  }
  std::lock_guard load(load_mutex_);
  {
    std::lock_guard lock(model_mutex_);
    if (model_ && model_->build_id >= latest->id) return model_;
  }
  // This process lacks the latest build's model: recompute it from a snapshot as of now.
  const UnixMs as_of = now_ms();
  Snapshot snapshot;
  ECRM_RETURN_IF_ERROR(repo_.snapshot(c, as_of, snapshot));
  ECRM_ASSIGN_OR_RETURN(auto tags, repo_.category_tags(c));
  std::vector<ViewSource::View> views;
  if (views_ != nullptr) {
    ECRM_RETURN_IF_ERROR(views_->views(as_of - options_.view_window_ms, as_of, views));
  }
  RebuildTimings timings;
  ECRM_ASSIGN_OR_RETURN(Computed computed,
                        compute(std::move(snapshot), tags, views, as_of, options_, timings));
  computed.model->build_id = latest->id;
  spdlog::info("recommend: model of build {} loaded in {:.0f} ms", latest->id,
               timings.rules_ms + timings.similarity_ms + timings.classes_ms);
  std::lock_guard lock(model_mutex_);
  model_ = std::move(computed.model);
  return model_;
}

Result<bool> RecommendService::refresh_customer(std::int64_t customer_id) {
  std::shared_ptr<const Model> model;
  std::vector<PurchaseRow> purchases;
  std::vector<ReturnRow> returns;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(model, current_model(*lease));
    if (!model) return false;
    ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(*lease, customer_id));
    if (!exists) return false;
    ECRM_RETURN_IF_ERROR(repo_.customer_history(*lease, customer_id, purchases, returns));
  }
  const UnixMs now = now_ms();
  std::vector<ViewSource::View> views;
  if (views_ != nullptr) {
    ECRM_RETURN_IF_ERROR(
        views_->customer_views(customer_id, now - options_.view_window_ms, views));
  }
  ComputedList list = compute_list(*model, history_of(*model, purchases, returns, views), now);
  StoredList row{customer_id,
                 model->build_id,
                 now,
                 "incremental",
                 json::serialize(list.classes),
                 serialize_list(list.items)};
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.upsert_lists(c, std::span<const StoredList>(&row, 1));
  }));
  lists_.put(std::make_shared<const StoredList>(std::move(row)), now_ms());
  return true;
}

Result<JobState> RecommendService::job() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.job(*lease);
}

Result<std::optional<StoredBuild>> RecommendService::latest_build() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.latest_build(*lease);
}

Result<RelatedList> RecommendService::related(std::int64_t product_id, RelatedKind kind,
                                              int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto product, repo_.find_product(*lease, product_id));
  if (!product) return Error::not_found("no such product: " + std::to_string(product_id));
  RelatedList out;
  ECRM_ASSIGN_OR_RETURN(out.build, repo_.latest_build(*lease));
  if (kind == RelatedKind::kUpsell) {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.upsell(*lease, *product, limit));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      RelatedItem item;
      item.product = std::move(rows[i]);
      item.score = 1.0 / static_cast<double>(i + 1);
      const bool newer = !product->line.empty() && item.product.line == product->line &&
                         item.product.version > product->version;
      item.upsell = newer ? "newer_version" : "higher_tier";
      item.reason = newer ? "a newer version of " + product->line + " (version " +
                                std::to_string(item.product.version) + " instead of " +
                                std::to_string(product->version) + ")"
                          : "the " + item.product.price_tier + " tier of " +
                                (product->category_name.empty() ? std::string("its category")
                                                                : product->category_name) +
                                " (" + product->name + " is " + product->price_tier + ")";
      out.items.push_back(std::move(item));
    }
    return out;
  }
  if (!out.build) return out;
  if (kind == RelatedKind::kBoughtTogether) {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.pair_rules(*lease, out.build->id, product_id, limit));
    for (RuleView& v : rows) {
      RelatedItem item;
      item.score = v.rule.confidence;
      item.reason = rule_sentence(product->name, v.rule, v.consequent.name);
      item.product = std::move(v.consequent);
      item.rule = std::move(v.rule);
      out.items.push_back(std::move(item));
    }
  } else {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.neighbours(*lease, out.build->id, product_id, limit));
    for (NeighbourView& v : rows) {
      RelatedItem item;
      item.score = v.neighbour.similarity;
      item.reason = also_bought_sentence(product->name, v.neighbour, v.product.name);
      item.product = std::move(v.product);
      item.neighbour = v.neighbour;
      out.items.push_back(std::move(item));
    }
  }
  return out;
}

Result<Bundle> RecommendService::bundle(std::int64_t product_id, int max_items) {
  ECRM_ASSIGN_OR_RETURN(auto related,
                        this->related(product_id, RelatedKind::kBoughtTogether, 10));
  Bundle out;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto product, repo_.find_product(*lease, product_id));
    if (!product) return Error::not_found("no such product: " + std::to_string(product_id));
    out.product = std::move(*product);
  }
  for (RelatedItem& item : related.items) {
    if (static_cast<int>(out.with.size()) >= max_items) break;
    if (item.product.currency != out.product.currency) continue;
    out.with.push_back(std::move(item));
  }
  out.total = out.product.price;
  for (const RelatedItem& item : out.with) out.total += item.product.price;
  if (out.with.empty()) {
    out.price = out.total;
    out.explanation = related.build
                          ? "no product is bought together with " + out.product.name +
                                " often enough yet to suggest a bundle"
                          : "recommendations have not been built yet: no bundle to suggest";
    return out;
  }
  // 5% off the sum per added product, at most 10%: a modest incentive to take the set.
  const std::int64_t rate_bp = std::min<std::int64_t>(1000, 500 * static_cast<std::int64_t>(out.with.size()));
  out.discount_rate = static_cast<double>(rate_bp) / 10000.0;
  out.price = out.total - out.total * rate_bp / 10000;
  std::string names = out.product.name;
  for (const RelatedItem& item : out.with) names += " + " + item.product.name;
  const StoredRule& best = *out.with.front().rule;
  out.explanation = names + ": " + std::to_string(best.count) + " orders had " +
                    out.product.name + " and " + out.with.front().product.name + " together (" +
                    percent(best.confidence) + " of the orders with " + out.product.name +
                    "); together for " + money_text(out.price, out.product.currency) +
                    " instead of " + money_text(out.total, out.product.currency) + " (" +
                    format_number(static_cast<double>(rate_bp) / 100.0) + "% off the sum)";
  return out;
}

std::shared_ptr<const StoredList> RecommendService::cached_list(std::int64_t customer_id) {
  ListCache::Served served = lists_.serve(customer_id, now_ms());
  if (served.reload) request_reload(customer_id);
  if (cache_hits_ != nullptr) {
    Counter* counter = !served.list ? cache_misses_ : served.stale ? cache_stale_ : cache_hits_;
    counter->inc();
  }
  return std::move(served.list);
}

namespace {
// Reloads waiting at once; beyond this, an old entry is left to expire (readers then go to the
// database themselves).
constexpr std::size_t kMaxPendingReloads = 8192;
}  // namespace

void RecommendService::request_reload(std::int64_t customer_id) {
  {
    std::lock_guard lock(reload_mutex_);
    if (reload_stop_ || reload_queue_.size() >= kMaxPendingReloads) return;
    reload_queue_.push_back(customer_id);
    if (!reloader_.joinable()) reloader_ = std::thread([this] { reload_loop(); });
  }
  reload_wake_.notify_one();
}

void RecommendService::reload_loop() {
  std::unique_lock lock(reload_mutex_);
  while (true) {
    reload_wake_.wait(lock, [this] { return reload_stop_ || !reload_queue_.empty(); });
    if (reload_stop_) return;
    std::vector<std::int64_t> batch(reload_queue_.begin(), reload_queue_.end());
    reload_queue_.clear();
    lock.unlock();
    // One read transaction for the batch (on SQLite, one lock instead of one per list).
    Status read = with_transaction(db_, TxMode::kRead, [&](Connection& c) -> Status {
      std::optional<std::optional<StoredBuild>> build;  // read when a list is missing
      for (std::int64_t customer_id : batch) {
        ECRM_ASSIGN_OR_RETURN(auto list, repo_.find_list(c, customer_id));
        if (list) {
          lists_.put(std::make_shared<const StoredList>(std::move(*list)), now_ms());
          continue;
        }
        // No personal list: the latest build's best-sellers, if the customer is still there.
        if (!build) {
          ECRM_ASSIGN_OR_RETURN(auto latest, repo_.latest_build(c));
          build = std::move(latest);
        }
        ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(c, customer_id));
        if (exists && *build) {
          lists_.put(best_sellers_for(customer_id, **build), now_ms());
        } else {
          lists_.erase(customer_id);
        }
      }
      return {};
    });
    if (!read.ok()) {
      // The entries left expire at twice the ttl; readers then load them themselves.
      spdlog::warn("reloading recommendations: {}", read.error().message);
    }
    lock.lock();
  }
}

Result<CustomerList> RecommendService::customer_list(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  CustomerList out;
  ECRM_ASSIGN_OR_RETURN(auto list, repo_.find_list(*lease, customer_id));
  if (list) {
    out.list = std::make_shared<const StoredList>(std::move(*list));
    lists_.put(out.list, now_ms());
    return out;
  }
  ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(*lease, customer_id));
  if (!exists) return Error::not_found("no such customer: " + std::to_string(customer_id));
  ECRM_ASSIGN_OR_RETURN(out.build, repo_.latest_build(*lease));
  if (out.build) {
    // Kept in memory like a personal list, so that customers without one are answered from
    // memory too; an order replaces it with a personal list, a new build clears it.
    lists_.put(best_sellers_for(customer_id, *out.build), now_ms());
  }
  return out;
}

std::shared_ptr<const StoredList> RecommendService::best_sellers_for(std::int64_t customer_id,
                                                                     const StoredBuild& build) {
  return std::make_shared<const StoredList>(
      StoredList{customer_id, build.id, build.built_at, std::string(kBestSellersSource), "[]",
                 build.popular});
}

namespace {

std::string json_text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t json_int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

std::string name_of_ref(const json::value* ref) {
  return ref && ref->is_object() ? json_text(ref->get_object(), "name") : std::string();
}

// How many seeds (viewed products) and neighbours per seed an anonymous visitor's list reads.
constexpr std::size_t kVisitorSeeds = 5;
constexpr int kNeighboursPerSeed = 20;
constexpr int kMaxVisitorItems = 20;

}  // namespace

std::string public_reason(const json::object& reason) {
  const std::string kind = json_text(reason, "kind");
  if (kind == "also_bought") {
    const std::string seed = name_of_ref(reason.if_contains("seed"));
    const json::value* viewed = reason.if_contains("seed_viewed");
    const bool seed_viewed = viewed && viewed->is_bool() && viewed->get_bool();
    const std::string verb = json_int(reason, "viewed_count") > 0 ? "bought or viewed" : "bought";
    if (seed_viewed) {
      return "You viewed " + seed + "; customers who " + verb + " it also " + verb + " this";
    }
    return "Customers who " + verb + " " + seed + " also " + verb + " this";
  }
  if (kind == "rule") {
    std::string names;
    if (const json::value* a = reason.if_contains("antecedent"); a && a->is_array()) {
      const json::array& list = a->get_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) names += i + 1 == list.size() ? " and " : ", ";
        names += name_of_ref(&list[i]);
      }
    }
    return "Often bought together with " + names;
  }
  if (kind == "class") {
    std::string who = json_text(reason, "class_name");
    if (who.empty()) return "Popular with customers like you";
    return "Popular with other " + who + "s";
  }
  if (kind == "replenish") return "Due again: you buy this regularly";
  return "Best-seller";
}

PublicItem public_item(const json::object& item) {
  PublicItem out;
  out.sku = json_text(item, "sku");
  out.name = json_text(item, "name");
  out.price = json_int(item, "price");
  out.currency = json_text(item, "currency");
  static const json::object kNoReason;
  const json::value* reason = item.if_contains("reason");
  const json::object& r = reason && reason->is_object() ? reason->get_object() : kNoReason;
  out.reason = public_reason(r);
  out.reason_kind = json_text(r, "kind");
  if (out.reason_kind.empty()) out.reason_kind = "popular";
  return out;
}

Result<VisitorRecommendations> RecommendService::visitor_recommendations(
    const std::string& anonymous_id, int limit) {
  const std::size_t wanted =
      static_cast<std::size_t>(std::clamp(limit, 1, kMaxVisitorItems));
  ViewSource::VisitorViews visitor;
  if (views_ != nullptr) {
    ECRM_RETURN_IF_ERROR(views_->visitor(anonymous_id, now_ms() - options_.view_window_ms,
                                         kVisitorSeeds, visitor));
  }
  VisitorRecommendations out;
  // Items of a stored list (personal or best-sellers) up to `wanted`, reading the first `read`
  // of them, without the products in `skip` or already listed.
  auto add_stored = [&](std::string_view list, const std::vector<std::int64_t>& skip,
                        std::size_t read) {
    std::string buffer;
    boost::system::error_code ec;
    json::value parsed = json::parse(first_items(list, read, buffer), ec);
    if (ec || !parsed.is_array()) return;
    for (const json::value& item : parsed.get_array()) {
      if (out.items.size() >= wanted) break;
      if (!item.is_object()) continue;
      const std::int64_t id = json_int(item.get_object(), "product_id");
      if (std::find(skip.begin(), skip.end(), id) != skip.end()) continue;
      PublicItem p = public_item(item.get_object());
      const bool listed = std::any_of(out.items.begin(), out.items.end(),
                                      [&](const PublicItem& q) { return q.sku == p.sku; });
      if (!listed) out.items.push_back(std::move(p));
    }
  };

  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (visitor.customer_id) {
    ECRM_ASSIGN_OR_RETURN(auto list, repo_.find_list(*lease, *visitor.customer_id));
    if (list) {
      out.source = "personal";
      add_stored(list->items, {}, wanted);
      return out;
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto build, repo_.latest_build(*lease));
  if (!build) return out;

  // Anonymous: the neighbours of what the visitor viewed, by summed similarity.
  struct Candidate {
    double score = 0;
    double best = -1;
    std::int64_t seed = 0;
    std::int64_t co_views = 0;
    CatalogRow product;
  };
  std::unordered_map<std::int64_t, Candidate> candidates;
  std::unordered_map<std::int64_t, std::string> seed_names;
  std::vector<std::int64_t> seeds;
  for (const ViewSource::View& v : visitor.views) seeds.push_back(v.product_id);
  for (std::int64_t seed : seeds) {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.neighbours(*lease, build->id, seed, kNeighboursPerSeed));
    for (NeighbourView& n : rows) {
      if (std::find(seeds.begin(), seeds.end(), n.neighbour.neighbour_id) != seeds.end()) continue;
      Candidate& c = candidates[n.neighbour.neighbour_id];
      c.score += n.neighbour.similarity;
      if (n.neighbour.similarity > c.best) {
        c.best = n.neighbour.similarity;
        c.seed = seed;
        c.co_views = n.neighbour.co_views;
      }
      if (c.product.id == 0) c.product = std::move(n.product);
      seed_names.try_emplace(seed);
    }
  }
  for (auto& [seed, name] : seed_names) {
    ECRM_ASSIGN_OR_RETURN(auto product, repo_.find_product(*lease, seed));
    if (product) name = product->name;
  }
  std::vector<Candidate*> ranked;
  for (auto& [id, c] : candidates) ranked.push_back(&c);
  std::sort(ranked.begin(), ranked.end(), [](const Candidate* a, const Candidate* b) {
    return a->score != b->score ? a->score > b->score : a->product.id < b->product.id;
  });
  for (const Candidate* c : ranked) {
    if (out.items.size() >= wanted) break;
    json::object reason{{"kind", "also_bought"},
                        {"seed", json::object{{"name", seed_names[c->seed]}}},
                        {"seed_viewed", true},
                        {"viewed_count", c->co_views}};
    out.items.push_back(PublicItem{c->product.sku, c->product.name, c->product.price,
                                   c->product.currency, public_reason(reason), "also_bought"});
  }
  out.source = out.items.empty() ? "popular" : "related";
  // Best-sellers fill up, without what the visitor just viewed.
  add_stored(build->popular, seeds, wanted + seeds.size() + out.items.size());
  return out;
}

Result<RulePage> RecommendService::rules(const RuleFilter& filter, int limit,
                                         std::int64_t offset) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  RulePage out;
  ECRM_ASSIGN_OR_RETURN(out.build, repo_.latest_build(*lease));
  if (!out.build) return out;
  ECRM_ASSIGN_OR_RETURN(out.rules, repo_.rules(*lease, out.build->id, filter, limit, offset));
  return out;
}

}  // namespace ecrm::recommend
