#include "recommend/event_views.hpp"

#include <algorithm>

namespace ecrm::recommend {

using storage::RowView;

namespace {

constexpr std::string_view kProductRefs = "SELECT id, sku FROM products";
constexpr std::string_view kProductBySku = "SELECT id FROM products WHERE sku = $1";
constexpr std::string_view kProductById = "SELECT id FROM products WHERE id = $1";
// The rebuild's range read: the partial covering index events_views (migration 0009).
constexpr std::string_view kViewsBetween =
    "SELECT customer_id, product, ts FROM events "
    "WHERE type = 'product_view' AND customer_id IS NOT NULL AND product IS NOT NULL "
    "AND ts >= $1 AND ts <= $2";
// events_customer (customer_id, ts).
constexpr std::string_view kCustomerViews =
    "SELECT customer_id, product, ts FROM events "
    "WHERE customer_id = $1 AND ts >= $2 AND type = 'product_view' AND product IS NOT NULL "
    "ORDER BY ts DESC LIMIT $3";
constexpr std::string_view kFindVisitor =
    "SELECT id, customer_id FROM visitors WHERE anonymous_id = $1";
// events_unattributed (visitor_id) WHERE customer_id IS NULL: an anonymous visitor's events.
constexpr std::string_view kVisitorViews =
    "SELECT product, MAX(ts) FROM events "
    "WHERE visitor_id = $1 AND customer_id IS NULL AND type = 'product_view' "
    "AND product IS NOT NULL AND ts >= $2 GROUP BY product ORDER BY MAX(ts) DESC, product "
    "LIMIT $3";
constexpr std::string_view kLastEventId = "SELECT COALESCE(MAX(id), 0) FROM events";
// The primary key's range; the filter is checked on the rows after the watermark only.
#define ECRM_ACTIVITY \
  "customer_id IS NOT NULL AND type IN ('product_view', 'identify')"
constexpr std::string_view kActivityAfter =
    "SELECT id, customer_id FROM events WHERE id > $1 AND " ECRM_ACTIVITY
    " ORDER BY id LIMIT $2";
constexpr std::string_view kCountActivity =
    "SELECT COUNT(*) FROM events WHERE id > $1 AND id <= $2 AND " ECRM_ACTIVITY;
constexpr std::string_view kActivityBetween =
    "SELECT id, customer_id FROM events WHERE id > $1 AND id <= $2 AND " ECRM_ACTIVITY
    " ORDER BY id";
#undef ECRM_ACTIVITY

}  // namespace

std::optional<std::int64_t> parse_product_id(std::string_view ref) {
  if (ref.empty() || ref.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char ch : ref) {
    if (ch < '0' || ch > '9') return std::nullopt;
    value = value * 10 + (ch - '0');
  }
  return value;
}

void ProductRefs::add(std::int64_t id, const std::string& sku) {
  by_sku_.emplace(sku, id);
  ids_.insert(id);
}

std::optional<std::int64_t> ProductRefs::find(std::string_view ref) const {
  if (auto it = by_sku_.find(std::string(ref)); it != by_sku_.end()) return it->second;
  if (auto id = parse_product_id(ref); id && ids_.count(*id) > 0) return id;
  return std::nullopt;
}

Status EventViewRepo::product_refs(Connection& c, ProductRefs& out) {
  return c.query(kProductRefs, {},
                 [&](const RowView& row) { out.add(row.get_int(0), row.get_string(1)); });
}

Result<std::optional<std::int64_t>> EventViewRepo::find_product(Connection& c,
                                                                std::string_view ref) {
  ECRM_ASSIGN_OR_RETURN(auto by_sku, c.query_int(kProductBySku, {std::string(ref)}));
  if (by_sku) return by_sku;
  auto id = parse_product_id(ref);
  if (!id) return std::optional<std::int64_t>();
  return c.query_int(kProductById, {*id});
}

Status EventViewRepo::views_between(Connection& c, UnixMs since, UnixMs until,
                                    const std::function<void(RawView&&)>& on_view) {
  return c.query(kViewsBetween, {since, until}, [&](const RowView& row) {
    on_view(RawView{row.get_int(0), row.get_string(1), row.get_int(2)});
  });
}

Status EventViewRepo::customer_views(Connection& c, std::int64_t customer_id, UnixMs since,
                                     int limit, std::vector<RawView>& out) {
  return c.query(kCustomerViews, {customer_id, since, std::int64_t{limit}},
                 [&](const RowView& row) {
                   out.push_back(RawView{row.get_int(0), row.get_string(1), row.get_int(2)});
                 });
}

Result<std::optional<EventViewRepo::VisitorRow>> EventViewRepo::find_visitor(
    Connection& c, const std::string& anonymous_id) {
  std::optional<VisitorRow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFindVisitor, {anonymous_id}, [&](const RowView& row) {
    out = VisitorRow{row.get_int(0), row.get_optional_int(1)};
  }));
  return out;
}

Status EventViewRepo::visitor_views(Connection& c, std::int64_t visitor_id, UnixMs since,
                                    int limit, std::vector<RawView>& out) {
  return c.query(kVisitorViews, {visitor_id, since, std::int64_t{limit}},
                 [&](const RowView& row) {
                   out.push_back(RawView{0, row.get_string(0), row.get_int(1)});
                 });
}

Result<std::int64_t> EventViewRepo::last_event_id(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto last, c.query_int(kLastEventId));
  return last.value_or(0);
}

Result<std::vector<ActivityRow>> EventViewRepo::activity_after(Connection& c,
                                                               std::int64_t after, int limit) {
  std::vector<ActivityRow> out;
  ECRM_RETURN_IF_ERROR(c.query(kActivityAfter, {after, std::int64_t{limit}}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_int(1)});
  }));
  return out;
}

Result<std::int64_t> EventViewRepo::count_activity(Connection& c, std::int64_t low,
                                                   std::int64_t high) {
  ECRM_ASSIGN_OR_RETURN(auto count, c.query_int(kCountActivity, {low, high}));
  return count.value_or(0);
}

Result<std::vector<ActivityRow>> EventViewRepo::activity_between(Connection& c,
                                                                 std::int64_t low,
                                                                 std::int64_t high) {
  std::vector<ActivityRow> out;
  ECRM_RETURN_IF_ERROR(c.query(kActivityBetween, {low, high}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_int(1)});
  }));
  return out;
}

Status EventViewSource::views(UnixMs since, UnixMs until, std::vector<View>& out) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ProductRefs refs;
  ECRM_RETURN_IF_ERROR(repo_.product_refs(*lease, refs));
  return repo_.views_between(*lease, since, until, [&](RawView&& v) {
    if (auto id = refs.find(v.product)) out.push_back({v.customer_id, *id, v.at});
  });
}

Status EventViewSource::customer_views(std::int64_t customer_id, UnixMs since,
                                       std::vector<View>& out) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::vector<RawView> raw;
  ECRM_RETURN_IF_ERROR(repo_.customer_views(*lease, customer_id, since, kMaxCustomerViews, raw));
  // A customer views few distinct products: resolve each once.
  std::unordered_map<std::string, std::optional<std::int64_t>> resolved;
  for (RawView& v : raw) {
    auto [it, inserted] = resolved.try_emplace(v.product);
    if (inserted) {
      ECRM_ASSIGN_OR_RETURN(it->second, repo_.find_product(*lease, v.product));
    }
    if (it->second) out.push_back({customer_id, *it->second, v.at});
  }
  return {};
}

Status EventViewSource::visitor(const std::string& anonymous_id, UnixMs since,
                                std::size_t limit, VisitorViews& out) {
  out = VisitorViews{};
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto visitor, repo_.find_visitor(*lease, anonymous_id));
  if (!visitor) return {};
  out.known = true;
  out.customer_id = visitor->customer_id;
  if (out.customer_id) return {};
  // Read a few more than asked for: some may name products the catalogue does not have.
  std::vector<RawView> raw;
  ECRM_RETURN_IF_ERROR(repo_.visitor_views(*lease, visitor->id, since,
                                           static_cast<int>(2 * limit + 5), raw));
  for (RawView& v : raw) {
    if (out.views.size() >= limit) break;
    ECRM_ASSIGN_OR_RETURN(auto id, repo_.find_product(*lease, v.product));
    if (!id) continue;
    const bool seen = std::any_of(out.views.begin(), out.views.end(),
                                  [&](const View& w) { return w.product_id == *id; });
    if (!seen) out.views.push_back({0, *id, v.at});
  }
  return {};
}

}  // namespace ecrm::recommend
