// Product views from the events log (src/events: the `events` table the tracking snippet and the
// shop's systems fill), as the ViewSource of the recommendations. Recommend reads the log
// directly through its own SQL (EventViewRepo); the events capability knows nothing of it.
//
// Which views count: events of type `product_view` of an identified visitor (customer_id set,
// either when the event arrived or when the visitor identified later), in the window asked
// for. `events.product` names a product by SKU or by the catalogue's product id as text (the
// snippet sends `sku`, else `product_id`): a SKU match wins, then a decimal id of an existing
// product; views of products the catalogue does not know are left out.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "recommend/service.hpp"
#include "storage/database.hpp"

namespace ecrm::recommend {

// The product id `ref` spells: 1 to 18 decimal digits, nothing else (no sign, no spaces).
std::optional<std::int64_t> parse_product_id(std::string_view ref);

// How events name products, resolved against the catalogue (see the file comment).
class ProductRefs {
 public:
  void add(std::int64_t id, const std::string& sku);
  // The product `ref` names: the one with that SKU, else the one whose id it spells.
  std::optional<std::int64_t> find(std::string_view ref) const;

 private:
  std::unordered_map<std::string, std::int64_t> by_sku_;
  std::unordered_set<std::int64_t> ids_;
};

// A view as the log has it, before its product reference is resolved.
struct RawView {
  std::int64_t customer_id = 0;
  std::string product;
  UnixMs at = 0;
};

// An event that may change a customer's list: a product view or an identify (which hands the
// visitor's earlier views to the customer).
struct ActivityRow {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
};

// SQL over the events log, visitors and products for recommendations. Every statement is a
// named constant in event_views.cpp; every method takes the connection to run on.
class EventViewRepo {
 public:
  // Every product's id and SKU.
  Status product_refs(Connection& c, ProductRefs& out);
  // The product referenced by `ref` (SKU first, then id), nullopt when none.
  Result<std::optional<std::int64_t>> find_product(Connection& c, std::string_view ref);
  // Identified product views with ts in [since, until], streamed to `on_view`.
  Status views_between(Connection& c, UnixMs since, UnixMs until,
                       const std::function<void(RawView&&)>& on_view);
  // One customer's product views with ts >= since, newest first, at most `limit`.
  Status customer_views(Connection& c, std::int64_t customer_id, UnixMs since, int limit,
                        std::vector<RawView>& out);
  // The visitor with this anonymous id: its row id and customer (nullopt: unknown visitor).
  struct VisitorRow {
    std::int64_t id = 0;
    std::optional<std::int64_t> customer_id;
  };
  Result<std::optional<VisitorRow>> find_visitor(Connection& c, const std::string& anonymous_id);
  // The distinct products an anonymous visitor viewed with ts >= since, most recent first.
  Status visitor_views(Connection& c, std::int64_t visitor_id, UnixMs since, int limit,
                       std::vector<RawView>& out);

  // The largest event id (0 for an empty log).
  Result<std::int64_t> last_event_id(Connection& c);
  // Activity (see ActivityRow) with id > after, ascending, at most `limit` rows.
  Result<std::vector<ActivityRow>> activity_after(Connection& c, std::int64_t after, int limit);
  // How many activity rows have an id in (low, high].
  Result<std::int64_t> count_activity(Connection& c, std::int64_t low, std::int64_t high);
  // The activity rows with an id in (low, high], ascending.
  Result<std::vector<ActivityRow>> activity_between(Connection& c, std::int64_t low,
                                                    std::int64_t high);
};

// The ViewSource of the app: identified product views from the events log. Thread-safe (every
// call leases its own connection).
class EventViewSource : public ViewSource {
 public:
  // A customer's refresh reads at most this many of their latest views.
  static constexpr int kMaxCustomerViews = 500;

  explicit EventViewSource(storage::Database& db) : db_(db) {}

  Status views(UnixMs since, UnixMs until, std::vector<View>& out) override;
  Status customer_views(std::int64_t customer_id, UnixMs since, std::vector<View>& out) override;
  Status visitor(const std::string& anonymous_id, UnixMs since, std::size_t limit,
                 VisitorViews& out) override;

 private:
  storage::Database& db_;
  EventViewRepo repo_;
};

}  // namespace ecrm::recommend
