// Internals of CustomerPlanner shared by profile.cpp (who the customer is) and behaviour.cpp
// (what they buy and when). Not part of the demo library's interface.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "demo/catalog_data.hpp"
#include "demo/generator.hpp"
#include "demo/random.hpp"

namespace ecrm::demo {

// What a customer shops for. The last three are organisations.
enum class Persona {
  kParent,
  kTech,
  kHomeCinema,
  kReader,
  kFoodie,
  kFashion,
  kStudent,
  kGeneralist,
  kOffice,
  kSchool,
  kAgency,
};
inline constexpr std::size_t kPersonaCount = 11;

// The customer record plus the traits their shopping depends on.
struct Profile {
  customers::Customer customer;
  std::optional<std::int64_t> referrer;
  std::optional<std::int64_t> duplicate_of;
  Persona persona = Persona::kGeneralist;
  std::optional<Persona> second_persona;
  std::string country;       // ISO code, for carriers
  std::string phone_area;    // area code of their city, for phone numbers
  std::string home_channel;  // where they signed up: web, app, store, phone
};

// One leaf category as the planner sees it.
struct LeafInfo {
  const data::Leaf* spec = nullptr;
  std::size_t category = 0;                                 // index in PlannedCatalog::categories
  std::array<std::vector<std::size_t>, 3> by_tier;          // product indexes per computed tier
  std::vector<std::pair<std::size_t, double>> complements;  // (leaf index, probability)
  std::vector<std::size_t> follow_up_leaves;                // bought some weeks later, same tier
  double follow_up_p = 0;
};

struct CustomerPlanner::Impl {
  Impl(const PlannedCatalog& catalog, const DemoConfig& config);

  // Who customer `index` is; pure in (config, index). Duplicates copy their original's
  // profile, so this recurses at most once.
  Profile profile(std::int64_t index) const;
  // Fills `out.orders` for the customer; returns their premium affinity (theta: a pick is
  // premium with probability theta², budget with (1 - theta)²), 0.5 for those who never buy.
  double plan_orders(const Profile& profile, std::int64_t index, PlannedCustomer& out) const;
  // Fills `out.visitors` from the customer's profile, premium affinity and orders
  // (traffic.cpp).
  void plan_traffic(const Profile& profile, double premium_affinity, std::int64_t index,
                    PlannedCustomer& out) const;

  // Signup time of customer `index`: grows with the index, denser towards `now`.
  UnixMs signup_time(std::int64_t index, Rng& rng) const;
  bool is_duplicate(std::int64_t index) const;

  const PlannedCatalog& catalog;
  DemoConfig config;
  UnixMs start = 0;                          // config.now - kHistoryDays
  std::vector<LeafInfo> leaves;              // as data::leaves()
  std::vector<std::size_t> leaf_of_product;  // by product index
  // Per persona, the weight of each leaf (as data::leaves()) in that persona's shopping.
  std::array<std::vector<double>, kPersonaCount> persona_leaf_weights;
  std::vector<double> gift_leaf_weights;  // what people buy as presents
};

}  // namespace ecrm::demo
