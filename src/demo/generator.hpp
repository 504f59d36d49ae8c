// The demo shop generator: pure functions from a seed to a believable shop, no I/O.
//
// The catalog is a category tree of eleven departments with leaf categories whose products
// span budget, mid and premium prices (so catalog::price_tiers() puts a third in each tier),
// product lines with versions (the newest active, older ones inactive and only sold while they
// were current) and consumables with a repurchase interval.
//
// Customers are generated one at a time, each from its own random stream, so customer `i` is
// the same whether it is generated alone or among millions, and a loader can stream them in
// batches. Signup times grow with the index (external id C000001 is the oldest customer), so a
// referrer (always an earlier index) signed up before the customer it referred.
//
// Purchases follow a BG/NBD-like process: each buyer has a purchase rate drawn from a gamma
// distribution and, after each purchase, drops out with a probability drawn from a beta
// distribution. So there are many one-time buyers and a few very loyal customers, and revenue
// is concentrated (the top 20% of buyers bring roughly 60–80% of it). Each customer has a
// persona (parent, tech enthusiast, reader, …) weighting the departments they shop in and a
// premium affinity applied in every department (a premium laptop buyer tends to buy a premium
// camera too). Baskets add complements (a laptop with a mouse or a bag, a baby bottle with
// formula and diapers); consumables start habits that are re-bought at their interval.
// Orders move through placed -> paid -> shipped -> delivered as time allows (recent ones are
// still in progress, some are cancelled) and a few percent of delivered orders are returned.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "demo/model.hpp"

namespace ecrm::demo {

// The catalog for `config` (only the seed and `now` matter). Products carry the price tier
// catalog::price_tiers() gives them within their category.
PlannedCatalog plan_catalog(const DemoConfig& config);

// Plans customers and their orders against a catalog. Thread-compatible: plan() is const and
// uses no shared mutable state.
class CustomerPlanner {
 public:
  // `catalog` must be plan_catalog(config) and outlive the planner.
  CustomerPlanner(const PlannedCatalog& catalog, const DemoConfig& config);
  ~CustomerPlanner();
  CustomerPlanner(const CustomerPlanner&) = delete;
  CustomerPlanner& operator=(const CustomerPlanner&) = delete;

  // Customer `index` (0 <= index < config.customers) with every order, a pure function of
  // (config, index). Order external ids are left empty (see number_orders()).
  PlannedCustomer plan(std::int64_t index) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Gives the orders of `customers` (in order) the shop's order numbers "SO-0000001", … starting
// after `*counter`, which it advances.
void number_orders(std::vector<PlannedCustomer>& customers, std::int64_t* counter);

}  // namespace ecrm::demo
