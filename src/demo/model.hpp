// The demo shop as plain values: a plan of what to write, produced by the pure generator
// (generator.hpp) and written by the loader (loader.hpp). Rows refer to each other by their
// position in the plan (category, product and customer indexes); the loader maps positions to
// the ids the database assigns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/model.hpp"
#include "core/time.hpp"
#include "customers/model.hpp"
#include "events/model.hpp"
#include "orders/model.hpp"

namespace ecrm::demo {

inline constexpr std::int64_t kMinCustomers = 1;
inline constexpr std::int64_t kMaxCustomers = 10'000'000;
inline constexpr std::int64_t kDefaultCustomers = 5'000;
inline constexpr std::uint64_t kDefaultSeed = 42;
inline constexpr const char* kCurrency = "USD";  // the demo shop sells in one currency
// The history spans this many days before `now`.
inline constexpr std::int64_t kHistoryDays = 730;

struct DemoConfig {
  std::uint64_t seed = kDefaultSeed;
  std::int64_t customers = kDefaultCustomers;
  // The moment the shop's history ends: nothing is placed, shipped or returned after it.
  UnixMs now = 0;
};

struct PlannedCategory {
  catalog::Category category;         // id and parent_id left 0 / empty
  std::optional<std::size_t> parent;  // index of the parent category
  std::string code;                   // short code used in SKUs (leaves only)
};

struct PlannedProduct {
  catalog::Product product;  // id and category_id left empty; price_tier is the computed tier
  std::size_t category = 0;  // index of its (leaf) category
  // When the product could be bought: from launch until its successor in the line took over
  // (plus a sell-off period); [available_from, available_to).
  UnixMs available_from = 0;
  UnixMs available_to = 0;
};

struct PlannedCatalog {
  std::vector<PlannedCategory> categories;  // parents before children
  std::vector<PlannedProduct> products;
};

struct PlannedReturn {
  // status is the final one; created_at is when it was requested, updated_at when it reached
  // its final status. lines[i].order_line_id is filled by the loader from line_indexes[i].
  orders::Return ret;
  std::vector<std::size_t> line_indexes;  // positions in the order's lines
};

struct PlannedOrder {
  // status, carrier and tracking number are the final ones; history holds every change, oldest
  // first, starting with `placed`. lines[i].product_id is filled by the loader from
  // line_products[i]. created_at == placed_at; updated_at is the last change.
  orders::Order order;
  std::vector<std::size_t> line_products;  // product index of each line
  std::vector<PlannedReturn> returns;
};

// --- Visitor traffic ---

// The shop's site traffic covers this many days before `now`.
inline constexpr std::int64_t kTrafficDays = 90;
// The shop's web site (a reserved domain).
inline constexpr std::string_view kShopSite = "https://shop.example";
// A cart left this long is abandoned: the events writer's default limit, which the plan
// assumes when it balances abandoned carts against purchases.
inline constexpr UnixMs kCartAbandonAfter = 60 * 60 * 1000;
// The share of closed carts that are abandoned, as shops see it.
inline constexpr double kAbandonedShare = 0.75;

// One tracking event as the shop's pages would send it (the loader writes it as the JSON of
// POST /api/v1/events and hands it to the events pipeline).
struct PlannedEvent {
  events::EventType type = events::EventType::kPageView;
  UnixMs ts = 0;
  std::string url;                     // page_view: the page (with its UTM parameters)
  std::string referrer;                // page_view: where the visitor came from ('' direct)
  std::optional<std::size_t> product;  // product and cart events: product index
  std::int64_t quantity = 1;           // add_to_cart, remove_from_cart
  std::int64_t step = 0;               // checkout_step: 1 shipping, 2 payment
  std::optional<std::size_t> order;    // purchase: position in the customer's orders
  std::string text;                    // search: the query; identify: the customer's external id
};

// A browser on one device (one anonymous id) and its events.
struct PlannedVisitor {
  std::string anonymous_id;
  std::string device;                // desktop | mobile | tablet, as its User-Agent says
  std::vector<PlannedEvent> events;  // in time order
};

struct PlannedCustomer {
  std::int64_t index = 0;                    // position among the demo customers, from 0
  customers::Customer customer;              // referred_by left empty; keys derived
  std::optional<std::int64_t> referrer;      // index of the referring customer (< index)
  std::optional<std::int64_t> duplicate_of;  // index of the customer this one duplicates
  std::vector<PlannedOrder> orders;          // oldest first
  // The customer's devices and what they did on the site in the last kTrafficDays days: a
  // purchase for each web and app order placed then, research and browsing, carts left.
  std::vector<PlannedVisitor> visitors;
};

}  // namespace ecrm::demo
