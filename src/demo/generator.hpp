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
//
// The last kTrafficDays days also have site traffic, as the tracking snippet would report it.
// A customer's devices (desktop, mobile, tablet; the app is a mobile device) carry a purchase
// session for every web and app order placed then (product pages of what was bought and of
// alternatives in the same category and tier, the cart, checkout, the purchase naming the
// order), sometimes an earlier research visit or a cart left and recovered later, and browsing
// after their persona and premium affinity; they sign in (identify) on some devices and not on
// others. Anonymous visitors come from search, social, campaigns (UTM) or directly, browse
// after a persona, and many fill a cart and leave: as many as make about kAbandonedShare of all
// closed carts abandoned (anonymous_traffic()). A shop of more than 10,000 customers has the
// traffic of a sample of about 10,000 of them (the others declined tracking), so that its demo
// stays quick to load.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "demo/model.hpp"

namespace ecrm::demo {

// The catalog for `config` (only the seed and `now` matter). Products carry the price tier
// catalog::price_tiers() gives them within their category.
PlannedCatalog plan_catalog(const DemoConfig& config);

// How much anonymous traffic a day of the traffic window gets.
struct DayTraffic {
  std::int64_t abandoned_carts = 0;  // visitors who fill a cart and leave
  std::int64_t browsers = 0;         // visitors who only look
};

// Closed carts per day of the traffic window (index 0 is the day kTrafficDays before `now`),
// as the events pipeline derives them: purchased on the day of the purchase, abandoned on the
// day the abandonment limit ran out (kCartAbandonAfter after the cart's last change).
struct CartTally {
  std::vector<std::int64_t> purchased = std::vector<std::int64_t>(kTrafficDays);
  std::vector<std::int64_t> abandoned = std::vector<std::int64_t>(kTrafficDays);
};

// Adds the carts `visitor`'s events close to `tally`; `now` as in DemoConfig.
void tally_carts(const PlannedVisitor& visitor, UnixMs now, CartTally& tally);

// The anonymous traffic for each day of the window, given the carts the customers' own
// traffic closes: anonymous abandoned carts make up the rest of kAbandonedShare (the running
// totals are kept, so the whole window hits it even when a day's customers leave more carts),
// and browsers grow with the day's purchases up to a cap, so that a large shop's traffic
// stays quick to load.
std::vector<DayTraffic> anonymous_traffic(const CartTally& customers);

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

  // The anonymous visitors who first come on day `day` of the traffic window (0 is the day
  // kTrafficDays before `now`), a pure function of (config, day, traffic). Their events lie in
  // the window, before `now`.
  std::vector<PlannedVisitor> plan_anonymous(std::int64_t day, const DayTraffic& traffic) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Gives the orders of `customers` (in order) the shop's order numbers "SO-0000001", … starting
// after `*counter`, which it advances.
void number_orders(std::vector<PlannedCustomer>& customers, std::int64_t* counter);

}  // namespace ecrm::demo
