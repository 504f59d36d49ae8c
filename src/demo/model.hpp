// The demo shop as plain values: a plan of what to write, produced by the pure generator
// (generator.hpp) and written by the loader (loader.hpp). Rows refer to each other by their
// position in the plan (category, product and customer indexes); the loader maps positions to
// the ids the database assigns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "core/time.hpp"
#include "customers/model.hpp"
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

struct PlannedCustomer {
  std::int64_t index = 0;                    // position among the demo customers, from 0
  customers::Customer customer;              // referred_by left empty; keys derived
  std::optional<std::int64_t> referrer;      // index of the referring customer (< index)
  std::optional<std::int64_t> duplicate_of;  // index of the customer this one duplicates
  std::vector<PlannedOrder> orders;          // oldest first
};

}  // namespace ecrm::demo
