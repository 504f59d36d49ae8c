#include "recommend/service.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include "http/wire.hpp"
#include "recommend/classes.hpp"
#include "recommend/fraction.hpp"
#include "recommend/itemsets.hpp"
#include "recommend/personal.hpp"
#include "recommend/render.hpp"
#include "recommend/similarity.hpp"
#include "core/thread_name.hpp"

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
// The form of the stored lists (build params "list_format"): 2 since reasons are data.
constexpr std::int64_t kListFormat = 2;

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
  return wire::parse_enum<PriceTier>(tier).value_or(PriceTier::kUnknown);
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

ProductRef product_ref(const CatalogRow& p) { return {p.id, p.sku, p.name}; }

// The reason in its wire form, with products named and the class's category by name.
ReasonView reason_view(const Model& m, const Reason& reason) {
  ReasonView out{.kind = reason.kind, .count = static_cast<std::int64_t>(reason.count)};
  switch (reason.kind) {
    case ReasonKind::kRule:
      for (ItemId a : reason.antecedent) out.products.push_back(product_ref(m.products[a]));
      out.support = reason.support;
      out.confidence = reason.confidence;
      out.lift = reason.lift;
      break;
    case ReasonKind::kAlsoBought:
      out.products.push_back(product_ref(m.products[reason.seed_item]));
      out.seed_viewed = reason.seed_viewed;
      out.similarity = reason.similarity;
      out.viewed_count = static_cast<std::int64_t>(reason.viewed_count);
      break;
    case ReasonKind::kClass: {
      out.products.push_back(product_ref(m.products[reason.evidence_item]));
      out.class_label = reason.class_label;
      auto name = m.category_names.find(reason.evidence_category);
      out.category = name != m.category_names.end() && !name->second.empty()
                         ? name->second
                         : reason.evidence_category;
      break;
    }
    case ReasonKind::kReplenish:
      out.last_purchase_at = reason.last_purchase_ms;
      out.interval_days = reason.interval_ms / kMsPerDay;
      break;
    case ReasonKind::kPopular:
    case ReasonKind::kNewerVersion:
    case ReasonKind::kHigherTier:
      break;
  }
  return out;
}

RecommendedItem recommended_item(const CatalogRow& p, double score, ReasonView reason) {
  return {
      p.id, p.sku, p.name, p.price, p.currency, std::round(score * 1e6) / 1e6, std::move(reason)};
}

std::vector<ItemId> sorted_union(std::vector<ItemId> a, const std::vector<ItemId>& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

struct ComputedList {
  std::vector<InferredClass> classes;
  std::vector<RecommendedItem> items;
};

}  // namespace

std::string serialize_list(const std::vector<RecommendedItem>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",\n";
    out += json::serialize(wire::to_json(items[i]));
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
    out.items.push_back(recommended_item(m.products[r.item], r.score, reason_view(m, r.reason)));
  }
  for (const CustomerClass& cls : m.classes.classify(basket)) {
    InferredClass& c = out.classes.emplace_back(
        InferredClass{cls.label, cls.kind == ClassKind::kTag ? InferredClassKind::kTag
                                                             : InferredClassKind::kTier});
    for (std::size_t i = 0; i < cls.evidence.size() && i < 3; ++i) {
      c.evidence.push_back(product_ref(m.products[cls.evidence[i]]));
    }
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

// ---- the steps of a rebuild -----------------------------------------------------------------

// Views of identified visitors in the window before `as_of` (none without a source).
Status read_views(ViewSource* source, UnixMs as_of, UnixMs window,
                  std::vector<ViewSource::View>& out) {
  return source != nullptr ? source->views(as_of - window, as_of, out) : Status{};
}

Status claim_job(storage::Database& db, RecommendRepo& repo, const std::string& owner,
                 UnixMs as_of) {
  ECRM_ASSIGN_OR_RETURN(auto claimed,
                        with_transaction<bool>(db, TxMode::kWrite, [&](Connection& c) {
                          return repo.claim(c, owner, as_of, as_of + kClaimMs);
                        }));
  if (!claimed) return Error::conflict("a rebuild is already running", {}, "already_running");
  return {};
}

// The list of every customer in the snapshot.
std::vector<StoredList> compute_lists(const Computed& computed, UnixMs as_of) {
  std::vector<StoredList> lists;
  lists.reserve(computed.customers.ids.size());
  for (std::size_t c = 0; c < computed.customers.ids.size(); ++c) {
    ComputedList list = compute_list(*computed.model, computed.customers.histories[c], as_of);
    lists.push_back({computed.customers.ids[c], 0, as_of, "rebuild",
                     json::serialize(wire::to_json(list.classes)), serialize_list(list.items)});
  }
  return lists;
}

// The build row before it is stored: data size, thresholds and best-sellers; invisible to
// readers (built_at 0) until published.
StoredBuild build_row(const Computed& computed, std::int64_t lines, UnixMs as_of,
                      const RecommendOptions& o) {
  const Model& m = *computed.model;
  StoredBuild build;
  build.as_of = as_of;
  build.orders = computed.orders;
  build.customers = static_cast<std::int64_t>(computed.customers.ids.size());
  build.products = computed.products_bought;
  build.lines = lines;
  build.views = computed.views;
  build.params = json::serialize(
      json::object{{"min_support", format_number(computed.min_support.to_double())},
                   {"min_confidence", format_number(computed.min_confidence.to_double())},
                   {"max_length", o.max_length},
                   {"max_rules", o.max_rules},
                   {"neighbours_per_product", o.top_k},
                   {"list_size", o.list_size},
                   {"frequent_itemsets", computed.rule_set.frequent_itemsets},
                   {"list_format", kListFormat}});
  std::vector<RecommendedItem> popular;
  for (const PopularItem& p : m.popular) {
    if (popular.size() >= o.popular_size) break;
    const double score = kPopularWeight * static_cast<double>(p.buyers) /
                         static_cast<double>(m.popular.front().buyers);
    popular.push_back(recommended_item(
        m.products[p.item], score,
        ReasonView{.kind = ReasonKind::kPopular, .count = static_cast<std::int64_t>(p.buyers)}));
  }
  build.popular = serialize_list(popular);
  return build;
}

std::vector<StoredRule> rule_rows(const Computed& computed) {
  const Model& m = *computed.model;
  std::vector<StoredRule> rows;
  rows.reserve(computed.rule_set.rules.size());
  for (std::size_t i = 0; i < computed.rule_set.rules.size(); ++i) {
    const Rule& r = computed.rule_set.rules[i];
    StoredRule& s = rows.emplace_back();
    s.position = static_cast<std::int64_t>(i);
    std::vector<ProductRef> antecedent;
    for (ItemId a : r.antecedent) {
      s.antecedent_ids.push_back(m.products[a].id);
      antecedent.push_back(product_ref(m.products[a]));
    }
    std::sort(s.antecedent_ids.begin(), s.antecedent_ids.end());
    s.antecedent = json::serialize(wire::to_json(antecedent));
    s.consequent = m.products[r.consequent].id;
    s.count = static_cast<std::int64_t>(r.count);
    s.antecedent_count = static_cast<std::int64_t>(r.antecedent_count);
    s.consequent_count = static_cast<std::int64_t>(r.consequent_count);
    s.support = r.support();
    s.confidence = r.confidence();
    s.lift = r.lift();
  }
  return rows;
}

std::vector<StoredNeighbour> neighbour_rows(const Model& m) {
  std::vector<StoredNeighbour> rows;
  for (ItemId item = 0; item < m.neighbours.item_count(); ++item) {
    int position = 0;
    for (const Neighbour& n : m.neighbours.of(item)) {
      rows.push_back({m.products[item].id, position++, m.products[n.item].id, n.similarity,
                      static_cast<std::int64_t>(n.co_count),
                      static_cast<std::int64_t>(n.co_views)});
    }
  }
  return rows;
}

// Writes `rows` in write transactions of kWriteChunk rows: write(connection, chunk).
template <typename Row, typename Write>
Status write_chunks(storage::Database& db, const std::vector<Row>& rows, Write write) {
  for (std::size_t begin = 0; begin < rows.size(); begin += kWriteChunk) {
    std::span<const Row> chunk(rows.data() + begin, std::min(kWriteChunk, rows.size() - begin));
    ECRM_RETURN_IF_ERROR(
        with_transaction(db, TxMode::kWrite, [&](Connection& c) { return write(c, chunk); }));
  }
  return {};
}

// Stores the build row (giving it its id), its rules and neighbours and the lists, and counts
// them in `build`.
Status store_build(storage::Database& db, RecommendRepo& repo, const Computed& computed,
                   std::vector<StoredList>& lists, StoredBuild& build) {
  ECRM_ASSIGN_OR_RETURN(build.id,
                        with_transaction<std::int64_t>(db, TxMode::kWrite, [&](Connection& c) {
                          return repo.insert_build(c, build);
                        }));
  const std::vector<StoredRule> rules = rule_rows(computed);
  const std::vector<StoredNeighbour> neighbours = neighbour_rows(*computed.model);
  ECRM_RETURN_IF_ERROR(write_chunks(
      db, rules, [&](Connection& c, auto chunk) { return repo.insert_rules(c, build.id, chunk); }));
  ECRM_RETURN_IF_ERROR(write_chunks(db, neighbours, [&](Connection& c, auto chunk) {
    return repo.insert_neighbours(c, build.id, chunk);
  }));
  for (StoredList& list : lists) list.build_id = build.id;
  ECRM_RETURN_IF_ERROR(write_chunks(
      db, lists, [&](Connection& c, auto chunk) { return repo.upsert_lists(c, chunk); }));
  build.rules = static_cast<std::int64_t>(rules.size());
  build.neighbours = static_cast<std::int64_t>(neighbours.size());
  build.lists = static_cast<std::int64_t>(lists.size());
  return {};
}

// Releases the claim and records the outcome of the run.
Status finish_job(storage::Database& db, RecommendRepo& repo, const std::string& owner,
                  const Status& status, const RebuildOutcome& outcome) {
  const std::string timings = json::serialize(wire::to_json(outcome.timings));
  return with_transaction(db, TxMode::kWrite, [&](Connection& c) {
    return repo.finish(c, owner, now_ms(), status.ok() ? "ok" : "failed",
                       status.ok() ? "" : status.error().message,
                       status.ok() ? std::optional<std::int64_t>(outcome.build_id) : std::nullopt,
                       timings);
  });
}

}  // namespace

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
  const auto started = std::chrono::steady_clock::now();
  const UnixMs as_of = now_ms();
  ECRM_RETURN_IF_ERROR(claim_job(db_, repo_, owner, as_of));
  RebuildOutcome outcome;
  Status status = build_and_store(owner, as_of, started, outcome);
  outcome.timings.total_ms = elapsed_ms(started);
  Status finished = finish_job(db_, repo_, owner, status, outcome);
  if (!status.ok()) return std::move(status).error();
  if (!finished.ok()) return std::move(finished).error();
  return outcome;
}

Status RecommendService::build_and_store(const std::string& owner, UnixMs as_of,
                                         std::chrono::steady_clock::time_point started,
                                         RebuildOutcome& outcome) {
  using Clock = std::chrono::steady_clock;
  RebuildTimings& timings = outcome.timings;
  auto phase = Clock::now();
  Snapshot snapshot;
  std::vector<CategoryTag> tags;
  std::vector<std::int64_t> erased;  // their orders count in the model; they get no list
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(repo_.snapshot(*lease, as_of, snapshot));
    ECRM_ASSIGN_OR_RETURN(tags, repo_.category_tags(*lease));
    ECRM_ASSIGN_OR_RETURN(erased, repo_.erased_customers(*lease));
  }
  std::vector<ViewSource::View> views;
  ECRM_RETURN_IF_ERROR(read_views(views_, as_of, options_.view_window_ms, views));
  const auto lines = static_cast<std::int64_t>(snapshot.purchases.size());
  timings.snapshot_ms = elapsed_ms(phase);

  ECRM_ASSIGN_OR_RETURN(Computed computed,
                        compute(std::move(snapshot), tags, views, as_of, options_, timings));
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.extend_claim(c, owner, now_ms() + kClaimMs);
  }));
  phase = Clock::now();
  std::vector<StoredList> lists = compute_lists(computed, as_of);
  std::erase_if(lists, [&](const StoredList& list) {
    return std::binary_search(erased.begin(), erased.end(), list.customer_id);
  });
  timings.lists_ms = elapsed_ms(phase);

  phase = Clock::now();
  StoredBuild build = build_row(computed, lines, as_of, options_);
  ECRM_RETURN_IF_ERROR(store_build(db_, repo_, computed, lists, build));
  computed.model->build_id = build.id;
  timings.write_ms = elapsed_ms(phase);
  timings.total_ms = elapsed_ms(started);
  build.timings = json::serialize(wire::to_json(timings));
  ECRM_RETURN_IF_ERROR(publish(build, computed.model, as_of));
  outcome.build_id = build.id;
  outcome.orders = build.orders;
  outcome.customers = build.customers;
  outcome.rules = build.rules;
  outcome.neighbours = build.neighbours;
  outcome.lists = build.lists;
  return {};
}

Status RecommendService::publish(StoredBuild& build, std::shared_ptr<const Model> model,
                                 UnixMs as_of) {
  {
    // Before the build becomes visible, so that refreshes never reload what this run built.
    std::lock_guard lock(model_mutex_);
    if (!model_ || model_->build_id < model->build_id) model_ = std::move(model);
  }
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    build.built_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_build_counts(c, build));
    ECRM_ASSIGN_OR_RETURN(auto removed, repo_.delete_lists_before(c, as_of));
    if (removed > 0) spdlog::info("recommend: removed {} stale personal lists", removed);
    // Customers erased while this build ran.
    ECRM_RETURN_IF_ERROR(repo_.delete_lists_of_erased(c));
    ECRM_RETURN_IF_ERROR(repo_.delete_models_before(c, build.id));
    // Other processes serving lists from memory drop them all (follow()).
    return storage::publish_invalidation(c, storage::topics::kRecommendBuild);
  }));
  lists_.clear();  // the build is visible: its lists replace what was served from memory
  return {};
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
  ECRM_RETURN_IF_ERROR(read_views(views_, as_of, options_.view_window_ms, views));
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
  ECRM_ASSIGN_OR_RETURN(std::size_t refreshed,
                        refresh_customers(std::span<const std::int64_t>(&customer_id, 1)));
  return refreshed > 0;
}

Result<std::size_t> RecommendService::refresh_customers(
    std::span<const std::int64_t> customer_ids) {
  struct History {
    std::int64_t customer_id;
    std::vector<PurchaseRow> purchases;
    std::vector<ReturnRow> returns;
  };
  std::shared_ptr<const Model> model;
  std::vector<History> histories;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(model, current_model(*lease));
    if (!model) return std::size_t{0};
    for (std::int64_t customer_id : customer_ids) {
      ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(*lease, customer_id));
      if (!exists) continue;
      ECRM_ASSIGN_OR_RETURN(bool erased, repo_.customer_erased(*lease, customer_id));
      if (erased) continue;
      History& h = histories.emplace_back(History{customer_id, {}, {}});
      ECRM_RETURN_IF_ERROR(repo_.customer_history(*lease, customer_id, h.purchases, h.returns));
    }
  }
  if (histories.empty()) return std::size_t{0};
  const UnixMs now = now_ms();
  std::vector<StoredList> rows;
  rows.reserve(histories.size());
  for (const History& h : histories) {
    std::vector<ViewSource::View> views;
    if (views_ != nullptr) {
      ECRM_RETURN_IF_ERROR(
          views_->customer_views(h.customer_id, now - options_.view_window_ms, views));
    }
    ComputedList list = compute_list(*model, history_of(*model, h.purchases, h.returns, views), now);
    rows.push_back(StoredList{h.customer_id,
                              model->build_id,
                              now,
                              "incremental",
                              json::serialize(wire::to_json(list.classes)),
                              serialize_list(list.items)});
  }
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(repo_.upsert_lists(c, rows));
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (const StoredList& row : rows) keys.push_back(std::to_string(row.customer_id));
    return storage::publish_invalidations(c, storage::topics::kRecommendList, keys);
  }));
  // The next read loads the stored list: the upsert keeps a list of a newer build (one that
  // was published while this refresh computed against the older model), so what was computed
  // here is not necessarily what is stored.
  for (const StoredList& row : rows) lists_.erase(row.customer_id);
  return rows.size();
}

Status RecommendService::release_claim(const std::string& owner) {
  return with_transaction(db_, TxMode::kWrite,
                          [&](Connection& c) { return repo_.release_claim(c, owner); });
}

Result<JobState> RecommendService::job() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.job(*lease);
}

Result<std::optional<StoredBuild>> RecommendService::latest_build() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.latest_build(*lease);
}

namespace {

RelatedProduct related_product(const CatalogRow& p, double score, ReasonView reason) {
  return {p.id,   p.sku,     p.name, p.price,          p.currency, p.price_tier, p.category_name,
          p.line, p.version, score,  std::move(reason)};
}

}  // namespace

Result<RelatedList> RecommendService::related(std::int64_t product_id, RelatedKind kind,
                                              int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto product, repo_.find_product(*lease, product_id));
  if (!product) return Error::not_found("no such product: " + std::to_string(product_id));
  ECRM_ASSIGN_OR_RETURN(auto build, repo_.latest_build(*lease));
  RelatedList out{product_id, kind, build ? std::optional(build->id) : std::nullopt};
  const std::vector<ProductRef> from{product_ref(*product)};
  if (kind == RelatedKind::kUpsell) {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.upsell(*lease, *product, limit));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const bool newer = !product->line.empty() && rows[i].line == product->line &&
                         rows[i].version > product->version;
      ReasonView reason{.kind = newer ? ReasonKind::kNewerVersion : ReasonKind::kHigherTier,
                        .products = from};
      if (newer) {
        reason.version = product->version;
      } else {
        reason.category = product->category_name;
        reason.price_tier = product->price_tier;
      }
      out.items.push_back(
          related_product(rows[i], 1.0 / static_cast<double>(i + 1), std::move(reason)));
    }
    return out;
  }
  if (!build) return out;
  if (kind == RelatedKind::kBoughtTogether) {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.pair_rules(*lease, build->id, product_id, limit));
    for (const RuleView& v : rows) {
      out.items.push_back(related_product(v.consequent, v.rule.confidence,
                                          ReasonView{.kind = ReasonKind::kRule,
                                                     .products = from,
                                                     .count = v.rule.count,
                                                     .support = v.rule.support,
                                                     .confidence = v.rule.confidence,
                                                     .lift = v.rule.lift}));
    }
  } else {
    ECRM_ASSIGN_OR_RETURN(auto rows, repo_.neighbours(*lease, build->id, product_id, limit));
    for (const NeighbourView& v : rows) {
      out.items.push_back(related_product(v.product, v.neighbour.similarity,
                                          ReasonView{.kind = ReasonKind::kAlsoBought,
                                                     .products = from,
                                                     .count = v.neighbour.co_count,
                                                     .similarity = v.neighbour.similarity,
                                                     .viewed_count = v.neighbour.co_views}));
    }
  }
  return out;
}

Result<Bundle> RecommendService::bundle(std::int64_t product_id, int max_items) {
  ECRM_ASSIGN_OR_RETURN(auto related,
                        this->related(product_id, RelatedKind::kBoughtTogether, 10));
  std::optional<CatalogRow> product;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(product, repo_.find_product(*lease, product_id));
    if (!product) return Error::not_found("no such product: " + std::to_string(product_id));
  }
  const CatalogRow& p = *product;
  Bundle out{
      {p.id, p.sku, p.name, p.price, p.currency, p.price_tier, p.category_name, p.line, p.version}};
  out.currency = p.currency;
  for (RelatedProduct& item : related.items) {
    if (static_cast<int>(out.items.size()) >= max_items) break;
    if (item.currency != p.currency) continue;
    out.items.push_back(std::move(item));
  }
  out.total = p.price;
  for (const RelatedProduct& item : out.items) out.total += item.price;
  // 5% off the sum per added product, at most 10%: a modest incentive to take the set.
  const std::int64_t rate_bp =
      std::min<std::int64_t>(1000, 500 * static_cast<std::int64_t>(out.items.size()));
  out.discount_rate = static_cast<double>(rate_bp) / 10000.0;
  out.bundle_price = out.total - out.total * rate_bp / 10000;
  out.discount = out.total - out.bundle_price;
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
    if (!reloader_.joinable()) {
      reloader_ = std::thread([this] {
        name_this_thread("recommend-load");
        reload_loop();
      });
    }
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

Result<std::optional<StoredList>> RecommendService::stored_list(Connection& c,
                                                                std::int64_t customer_id) {
  return repo_.find_list(c, customer_id);
}

Status RecommendService::forget_customer(Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(repo_.delete_list(c, customer_id));
  ECRM_RETURN_IF_ERROR(storage::publish_invalidation(c, storage::topics::kRecommendList,
                                                     std::to_string(customer_id)));
  lists_.erase(customer_id);
  return {};
}

void RecommendService::follow(storage::InvalidationBus& bus) {
  bus.subscribe(std::string(storage::topics::kRecommendList), [this](std::string_view key) {
    std::int64_t customer_id = 0;
    auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), customer_id);
    if (key.empty() || error != std::errc() || end != key.data() + key.size()) {
      lists_.clear();
    } else {
      lists_.erase(customer_id);
    }
  });
  bus.subscribe(std::string(storage::topics::kRecommendBuild),
                [this](std::string_view) { lists_.clear(); });
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

std::string customer_list_json(std::int64_t customer_id, const CustomerList& result,
                               std::size_t limit) {
  std::string buffer;
  std::string body;
  body.reserve(4096);
  body += "{\"customer_id\":" + std::to_string(customer_id);
  if (result.list) {
    body += ",\"build_id\":" + std::to_string(result.list->build_id);
    body += ",\"computed_at\":" + std::to_string(result.list->computed_at);
    body += ",\"source\":\"" + result.list->source + "\",\"classes\":";
    body += result.list->classes.empty() ? "[]" : result.list->classes;
    body += ",\"items\":";
    body += first_items(result.list->items, limit, buffer);
  } else if (result.build) {
    body += ",\"build_id\":" + std::to_string(result.build->id);
    body += ",\"computed_at\":" + std::to_string(result.build->built_at);
    body += ",\"source\":\"popular\",\"classes\":[],\"items\":";
    body += first_items(result.build->popular, limit, buffer);
  } else {
    body +=
        ",\"build_id\":null,\"computed_at\":null,\"source\":\"none\","
        "\"classes\":[],\"items\":[]";
  }
  body += "}";
  return body;
}

bool current_list_format(const StoredBuild& build) {
  boost::system::error_code ec;
  const json::value params = json::parse(build.params, ec);
  const json::value* format =
      !ec && params.is_object() ? params.as_object().if_contains("list_format") : nullptr;
  return format != nullptr && format->is_int64() && format->as_int64() == kListFormat;
}

PublicItem public_item(const RecommendedItem& item) {
  PublicReason reason{item.reason.kind};
  for (const ProductRef& p : item.reason.products) reason.product_names.push_back(p.name);
  reason.viewed = item.reason.seed_viewed.value_or(false);
  return {item.sku, item.name, item.price, item.currency, std::move(reason)};
}

namespace {

// How many seeds (viewed products) and neighbours per seed an anonymous visitor's list reads.
constexpr std::size_t kVisitorSeeds = 5;
constexpr int kNeighboursPerSeed = 20;
constexpr int kMaxVisitorItems = 20;

// The first `count` items of a stored list (unreadable items are left out).
std::vector<RecommendedItem> stored_items(std::string_view list, std::size_t count) {
  std::vector<RecommendedItem> out;
  std::string buffer;
  boost::system::error_code ec;
  const json::value parsed = json::parse(first_items(list, count, buffer), ec);
  if (ec || !parsed.is_array()) return out;
  for (const json::value& item : parsed.get_array()) {
    if (auto read = wire::read<RecommendedItem>(item); read.ok()) out.push_back(std::move(*read));
  }
  return out;
}

}  // namespace

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
    for (const RecommendedItem& item : stored_items(list, read)) {
      if (out.items.size() >= wanted) break;
      if (std::find(skip.begin(), skip.end(), item.product_id) != skip.end()) continue;
      const bool listed = std::any_of(out.items.begin(), out.items.end(),
                                      [&](const PublicItem& q) { return q.sku == item.sku; });
      if (!listed) out.items.push_back(public_item(item));
    }
  };

  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (visitor.customer_id) {
    ECRM_ASSIGN_OR_RETURN(auto list, repo_.find_list(*lease, *visitor.customer_id));
    if (list) {
      out.source = VisitorSource::kPersonal;
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
    out.items.push_back(
        PublicItem{c->product.sku, c->product.name, c->product.price, c->product.currency,
                   PublicReason{ReasonKind::kAlsoBought, {seed_names[c->seed]}, /*viewed=*/true}});
  }
  out.source = out.items.empty() ? VisitorSource::kPopular : VisitorSource::kRelated;
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
  ECRM_ASSIGN_OR_RETURN(auto rules, repo_.rules(*lease, out.build->id, filter, limit, offset));
  for (const RuleView& v : rules) {
    boost::system::error_code ec;
    auto antecedent = wire::read<std::vector<ProductRef>>(json::parse(v.rule.antecedent, ec));
    out.items.push_back({v.rule.position,
                         antecedent.ok() ? std::move(*antecedent) : std::vector<ProductRef>{},
                         product_ref(v.consequent), v.rule.support, v.rule.confidence, v.rule.lift,
                         v.rule.count, v.rule.antecedent_count, v.rule.consequent_count});
  }
  return out;
}

}  // namespace ecrm::recommend
