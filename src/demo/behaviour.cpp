// What demo customers buy and when: purchase timing (BG/NBD-like), baskets with complements
// and consumable habits, order statuses over time, and returns.
#include <algorithm>
#include <cmath>
#include <map>
#include <queue>

#include "demo/planner.hpp"

namespace ecrm::demo {

namespace {

using orders::Channel;
using orders::OrderStatus;
using orders::ReturnReason;
using orders::ReturnStatus;

constexpr UnixMs kMinute = 60 * kMsPerSecond;
constexpr UnixMs kHour = 60 * kMinute;

// Share of each persona's shopping per department (order of data::tops(): baby, computers,
// cameras, home theatre, phones, books, groceries, clothing, toys, home & kitchen, beauty).
constexpr double kTopWeights[kPersonaCount][11] = {
    {45, 2, 2, 2, 3, 6, 8, 12, 14, 4, 4},    // parent
    {0, 32, 18, 17, 22, 5, 3, 2, 0, 1, 0},   // tech enthusiast
    {0, 4, 4, 32, 10, 4, 14, 3, 3, 22, 4},   // home cinema
    {0, 3, 1, 1, 3, 58, 18, 6, 2, 5, 3},     // reader
    {0, 1, 1, 1, 2, 8, 52, 3, 1, 28, 3},     // foodie
    {0, 1, 2, 1, 8, 3, 4, 55, 1, 5, 20},     // fashion
    {0, 32, 4, 2, 20, 24, 12, 4, 1, 1, 0},   // student
    {6, 9, 6, 7, 9, 10, 12, 12, 7, 12, 10},  // generalist
    {0, 52, 3, 10, 18, 4, 6, 0, 0, 7, 0},    // office
    {0, 45, 5, 15, 5, 25, 0, 0, 5, 0, 0},    // school
    {0, 55, 5, 10, 20, 5, 0, 0, 0, 5, 0},    // agency
};
constexpr double kGiftTopWeights[11] = {4, 2, 8, 2, 15, 12, 4, 15, 30, 8, 10};

struct LeafBoost {
  Persona persona;
  std::string_view leaf;
  double factor;
};
constexpr LeafBoost kBoosts[] = {
    {Persona::kParent, "KDS", 6},    {Persona::kParent, "KDB", 6},
    {Persona::kParent, "OUT", 2},    {Persona::kParent, "PLU", 2},
    {Persona::kParent, "WMN", 0.3},  {Persona::kParent, "MEN", 0.3},
    {Persona::kReader, "FIC", 2},    {Persona::kReader, "COF", 2},
    {Persona::kReader, "TEA", 2},    {Persona::kFoodie, "CKB", 6},
    {Persona::kTech, "TEC", 5},      {Persona::kStudent, "TEC", 4},
    {Persona::kStudent, "KDB", 0.1}, {Persona::kOffice, "INK", 3},
    {Persona::kOffice, "MKB", 2},    {Persona::kOffice, "COF", 3},
    {Persona::kOffice, "CLN", 3},    {Persona::kSchool, "KDB", 0.3},
    {Persona::kSchool, "TEC", 3},    {Persona::kAgency, "INK", 3},
    {Persona::kFashion, "KDS", 0.2},
};

// Mean missions per year (before dropping out), by persona.
constexpr double kMeanRate[kPersonaCount] = {2.6, 1.8, 1.6, 2.4, 2.6, 2.2, 1.6, 1.8, 3.0, 2.2, 2.0};

std::vector<double> leaf_weights_for(const double (&tops)[11], Persona persona, bool boosts) {
  const auto leaves = data::leaves();
  std::vector<double> raw(leaves.size());
  std::array<double, 11> top_sum{};
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    double w = leaves[i].popularity;
    if (boosts) {
      for (const auto& b : kBoosts) {
        if (b.persona == persona && b.leaf == leaves[i].code) w *= b.factor;
      }
    }
    raw[i] = w;
    top_sum[leaves[i].top] += w;
  }
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    raw[i] = tops[leaves[i].top] * raw[i] / top_sum[leaves[i].top];
  }
  return raw;
}

std::string digit_string(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>('0' + rng.below(10));
  return out;
}

std::string letter_string(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>('A' + rng.below(26));
  return out;
}

struct Carrier {
  std::string_view name;
  double weight;
};

std::string pick_carrier(Rng& rng, const std::string& country) {
  static constexpr Carrier kUs[] = {{"UPS", 40}, {"FedEx", 30}, {"USPS", 30}};
  static constexpr Carrier kCa[] = {{"Canada Post", 50}, {"UPS", 30}, {"FedEx", 20}};
  static constexpr Carrier kGb[] = {{"Royal Mail", 50}, {"DHL", 30}, {"DPD", 20}};
  static constexpr Carrier kAu[] = {{"Australia Post", 70}, {"DHL", 30}};
  static constexpr Carrier kSg[] = {{"SingPost", 60}, {"DHL", 40}};
  static constexpr Carrier kCn[] = {{"SF Express", 50}, {"JD Logistics", 30}, {"ZTO Express", 20}};
  std::span<const Carrier> options = country == "US"   ? std::span<const Carrier>(kUs)
                                     : country == "CA" ? std::span<const Carrier>(kCa)
                                     : country == "GB" ? std::span<const Carrier>(kGb)
                                     : country == "AU" ? std::span<const Carrier>(kAu)
                                     : country == "SG" ? std::span<const Carrier>(kSg)
                                                       : std::span<const Carrier>(kCn);
  std::vector<double> weights;
  for (const auto& c : options) weights.push_back(c.weight);
  return std::string(options[rng.weighted(weights)].name);
}

std::string tracking_number(Rng& rng, const std::string& carrier) {
  if (carrier == "UPS")
    return "1Z" + letter_string(rng, 3) + digit_string(rng, 3) + digit_string(rng, 10);
  if (carrier == "FedEx") return digit_string(rng, 12);
  if (carrier == "USPS") return "9400" + digit_string(rng, 18);
  if (carrier == "Canada Post") return digit_string(rng, 16);
  if (carrier == "Royal Mail") return letter_string(rng, 2) + digit_string(rng, 9) + "GB";
  if (carrier == "Australia Post") return letter_string(rng, 2) + digit_string(rng, 9) + "AU";
  if (carrier == "SingPost") return letter_string(rng, 2) + digit_string(rng, 9) + "SG";
  if (carrier == "DPD") return digit_string(rng, 14);
  if (carrier == "SF Express") return "SF" + digit_string(rng, 13);
  if (carrier == "JD Logistics") return "JDV" + digit_string(rng, 12);
  if (carrier == "ZTO Express") return "7" + digit_string(rng, 11);
  return digit_string(rng, 10);  // DHL
}

// A time of day for an order placed on the day of `t`: busiest in the evening.
UnixMs time_of_day(Rng& rng, UnixMs t) {
  static constexpr double kHourWeights[24] = {2, 1, 1, 1, 1, 1, 2, 3,  4,  5,  6, 6,
                                              7, 6, 6, 6, 6, 7, 8, 10, 11, 11, 8, 4};
  const UnixMs day = t - ((t % kMsPerDay) + kMsPerDay) % kMsPerDay;
  return day + static_cast<UnixMs>(rng.weighted(kHourWeights)) * kHour + rng.between(0, kHour - 1);
}

// Discounts (coupons, volume discounts on organisations' large orders), shipping and total.
void price_order(Rng& rng, orders::Order& o, bool organisation) {
  if (organisation && o.subtotal > 300'000 && rng.chance(0.7)) {
    o.discount = o.subtotal * rng.between(5, 8) / 100;
  } else if (rng.chance(0.2)) {
    static constexpr std::int64_t kPercent[] = {5, 10, 15, 20};
    static constexpr std::int64_t kFixed[] = {500, 1000, 2000};
    const std::int64_t fixed = kFixed[rng.below(3)];
    o.discount = rng.chance(0.5) && o.subtotal >= 4 * fixed
                     ? fixed
                     : o.subtotal * kPercent[rng.below(4)] / 100;
  }
  if (o.channel == Channel::kStore) {
    o.shipping = 0;
  } else if (rng.chance(0.08)) {
    o.shipping = 1499;  // express
  } else {
    o.shipping = o.subtotal - o.discount >= 4900 ? 0 : 599;
  }
  o.total = o.subtotal - o.discount + o.shipping;
}

// Appends a status change unless it would happen at or after `now`; false if it did not.
bool record(orders::Order& o, OrderStatus status, UnixMs at, UnixMs now, std::string actor,
            std::string note = {}) {
  if (at >= now) return false;
  orders::StatusChange s;
  s.status = status;
  s.at = at;
  s.actor = std::move(actor);
  s.note = std::move(note);
  o.history.push_back(std::move(s));
  return true;
}

// The order's status history from `placed` on, as far as time has got by `now`: a few are
// cancelled; the rest are paid (unless cash on delivery), shipped with a carrier and tracking
// number, and delivered. Returns when it was delivered, if it was.
std::optional<UnixMs> plan_life_cycle(Rng& rng, orders::Order& o, const std::string& country,
                                      UnixMs now) {
  const std::string placed_by = o.channel == Channel::kPhone     ? "sales"
                                : o.channel == Channel::kStore   ? "store"
                                : o.channel == Channel::kPartner ? "partner"
                                                                 : "customer";
  record(o, OrderStatus::kPlaced, o.placed_at, now, placed_by);
  const bool cash_on_delivery = o.channel == Channel::kPhone && rng.chance(0.5);
  const bool store = o.channel == Channel::kStore;
  UnixMs at = o.placed_at;
  if (rng.chance(0.035)) {
    bool paid = !cash_on_delivery && rng.chance(0.4);
    if (paid) {
      at += rng.between(1, 20) * kMinute;
      paid = record(o, OrderStatus::kPaid, at, now, "payments");
    }
    static constexpr std::string_view kReasons[] = {"customer changed their mind", "out of stock",
                                                    "duplicate order"};
    std::string note =
        !paid && rng.chance(0.4) ? "payment failed" : std::string(kReasons[rng.below(3)]);
    at += rng.between(20 * kMinute, 36 * kHour);
    record(o, OrderStatus::kCancelled, at, now, paid ? "service" : "customer", note);
    return std::nullopt;
  }
  if (!cash_on_delivery) {
    at += rng.between(1, 25) * kMinute;
    if (!record(o, OrderStatus::kPaid, at, now, "payments")) return std::nullopt;
  }
  at += store ? rng.between(5, 20) * kMinute : rng.between(6 * kHour, 3 * kMsPerDay);
  const std::string carrier = store ? "In-store pickup" : pick_carrier(rng, country);
  const std::string tracking = store ? "" : tracking_number(rng, carrier);
  if (!record(o, OrderStatus::kShipped, at, now, "warehouse")) return std::nullopt;
  o.carrier = o.history.back().carrier = carrier;
  o.tracking_number = o.history.back().tracking_number = tracking;
  at += store ? rng.between(1, 10) * kMinute : rng.between(kMsPerDay, 6 * kMsPerDay);
  if (!record(o, OrderStatus::kDelivered, at, now, store ? "store" : "carrier")) {
    return std::nullopt;
  }
  return at;
}

// A return of some or all of a delivered order's goods, requested some days after delivery
// and taken as far as time has got: requested -> received -> refunded, or rejected. When every
// item has come back the order becomes `returned`.
void plan_return(Rng& rng, PlannedOrder& planned, UnixMs delivered, bool clothing, UnixMs now) {
  auto& o = planned.order;
  const UnixMs requested =
      delivered + kMsPerDay +
      std::min<UnixMs>(27 * kMsPerDay, static_cast<UnixMs>(rng.exponential(5.0 * kMsPerDay)));
  if (requested >= now) return;
  PlannedReturn r;
  r.ret.created_at = requested;
  static constexpr ReturnReason kClothingReasons[] = {
      ReturnReason::kOther,   ReturnReason::kNotAsDescribed, ReturnReason::kNoLongerNeeded,
      ReturnReason::kDamaged, ReturnReason::kDefective,      ReturnReason::kWrongItem};
  static constexpr double kClothingWeights[] = {35, 25, 25, 5, 5, 5};
  static constexpr ReturnReason kReasons[] = {
      ReturnReason::kDefective, ReturnReason::kDamaged,        ReturnReason::kNotAsDescribed,
      ReturnReason::kWrongItem, ReturnReason::kNoLongerNeeded, ReturnReason::kOther};
  static constexpr double kWeights[] = {25, 15, 15, 10, 30, 5};
  r.ret.reason = clothing ? kClothingReasons[rng.weighted(kClothingWeights)]
                          : kReasons[rng.weighted(kWeights)];
  switch (r.ret.reason) {
    case ReturnReason::kOther:
      r.ret.note = clothing ? "wrong size" : "gift not wanted";
      break;
    case ReturnReason::kDefective:
      r.ret.note = rng.chance(0.5) ? "stopped working after a few days" : "";
      break;
    case ReturnReason::kDamaged:
      r.ret.note = "box crushed in transit";
      break;
    case ReturnReason::kWrongItem:
      r.ret.note = "received a different colour";
      break;
    default:
      break;
  }
  // What comes back: the only line (maybe part of it), one line, or everything.
  const bool everything = o.lines.size() > 1 ? rng.chance(0.3) : rng.chance(0.7);
  std::vector<std::size_t> which;
  if (everything) {
    for (std::size_t i = 0; i < o.lines.size(); ++i) which.push_back(i);
  } else {
    which.push_back(rng.below(o.lines.size()));
  }
  bool all_back = everything;
  for (std::size_t i : which) {
    const auto& line = o.lines[i];
    std::int64_t qty = line.quantity;
    if (!everything && o.lines.size() == 1) {
      if (qty > 1) qty = rng.between(1, qty - 1);
      all_back = qty == line.quantity;
    }
    orders::ReturnLine rl;
    rl.sku = line.sku;
    rl.quantity = qty;
    rl.amount = qty * line.unit_price;
    r.ret.refund_amount += rl.amount;
    r.ret.lines.push_back(std::move(rl));
    r.line_indexes.push_back(i);
  }
  r.ret.status = ReturnStatus::kRequested;
  r.ret.updated_at = requested;
  std::optional<UnixMs> settled;
  if (rng.chance(0.08)) {
    const UnixMs rejected = requested + rng.between(2, 7) * kMsPerDay;
    if (rejected < now) {
      r.ret.status = ReturnStatus::kRejected;
      r.ret.updated_at = rejected;
      r.ret.note = "outside the return conditions";
    }
  } else {
    const UnixMs received = requested + rng.between(2 * kMsPerDay, 6 * kMsPerDay);
    if (received < now) {
      r.ret.status = ReturnStatus::kReceived;
      r.ret.updated_at = received;
      settled = received;
      const UnixMs refunded = received + rng.between(kHour, 3 * kMsPerDay);
      if (refunded < now && rng.chance(0.95)) {
        r.ret.status = ReturnStatus::kRefunded;
        r.ret.updated_at = refunded;
      }
    }
  }
  if (settled && all_back) {
    record(o, OrderStatus::kReturned, *settled, now, "warehouse", "every item came back");
  }
  planned.returns.push_back(std::move(r));
}

enum class EventKind { kMission, kStarter, kGift, kRebuy, kFollowUp };

struct Event {
  UnixMs at = 0;
  std::uint64_t seq = 0;
  EventKind kind = EventKind::kMission;
  std::size_t detail = 0;  // kRebuy: the habit; kFollowUp: leaf * 3 + tier
};

struct LaterFirst {
  bool operator()(const Event& a, const Event& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

// A consumable the customer keeps re-buying.
struct Habit {
  std::size_t leaf = 0;
  std::size_t product = 0;
  std::int64_t quantity = 1;
  double interval_days = 30;
};

// The lines of a basket being filled: product index -> quantity, in the order added.
struct Basket {
  std::vector<std::pair<std::size_t, std::int64_t>> items;
  void add(std::size_t product, std::int64_t quantity) {
    for (auto& [p, q] : items) {
      if (p == product) {
        q += quantity;
        return;
      }
    }
    items.emplace_back(product, quantity);
  }
};

}  // namespace

CustomerPlanner::Impl::Impl(const PlannedCatalog& catalog_, const DemoConfig& config_)
    : catalog(catalog_), config(config_), start(config_.now - kHistoryDays * kMsPerDay) {
  const auto specs = data::leaves();
  std::map<std::string_view, std::size_t> by_code;
  for (std::size_t i = 0; i < specs.size(); ++i) by_code[specs[i].code] = i;
  leaves.resize(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) leaves[i].spec = &specs[i];
  for (std::size_t c = 0; c < catalog.categories.size(); ++c) {
    const auto& code = catalog.categories[c].code;
    if (!code.empty()) leaves[by_code.at(code)].category = c;
  }
  std::map<std::size_t, std::size_t> leaf_of_category;
  for (std::size_t i = 0; i < leaves.size(); ++i) leaf_of_category[leaves[i].category] = i;
  leaf_of_product.resize(catalog.products.size());
  for (std::size_t p = 0; p < catalog.products.size(); ++p) {
    const auto& planned = catalog.products[p];
    leaf_of_product[p] = leaf_of_category.at(planned.category);
    leaves[leaf_of_product[p]].by_tier[static_cast<int>(planned.product.price_tier)].push_back(p);
  }
  for (const auto& c : data::complements()) {
    leaves[by_code.at(c.from)].complements.emplace_back(by_code.at(c.to), c.p);
  }
  for (const auto& f : data::follow_ups()) {
    auto& leaf = leaves[by_code.at(f.from)];
    for (auto code : data::split(f.to)) leaf.follow_up_leaves.push_back(by_code.at(code));
    leaf.follow_up_p = f.p;
  }
  for (std::size_t p = 0; p < kPersonaCount; ++p) {
    persona_leaf_weights[p] = leaf_weights_for(kTopWeights[p], static_cast<Persona>(p), true);
  }
  gift_leaf_weights = leaf_weights_for(kGiftTopWeights, Persona::kGeneralist, false);
}

double CustomerPlanner::Impl::plan_orders(const Profile& profile, std::int64_t index,
                                          PlannedCustomer& out) const {
  Rng rng(stream_seed(config.seed, "orders", static_cast<std::uint64_t>(index)));
  const auto& customer = profile.customer;
  const bool organisation = customer.type != customers::CustomerType::kHome;
  const UnixMs now = config.now;
  if (!rng.chance(organisation ? 0.95 : 0.87)) return 0.5;  // signed up, never bought

  // Traits: purchase rate (missions per year), dropout after each purchase, premium affinity.
  const int persona = static_cast<int>(profile.persona);
  const double mean_rate = kMeanRate[persona];
  const double rate = std::max(0.05, rng.gamma(1.3, mean_rate / 1.3));
  const double dropout = organisation ? rng.beta(1.0, 4.5) : rng.beta(1.2, 3.2);
  double theta = profile.persona == Persona::kStudent ? rng.beta(1.0, 2.5)
                 : profile.persona == Persona::kTech  ? rng.beta(1.6, 1.2)
                                                      : rng.beta(1.3, 1.3);
  std::vector<double> weights = persona_leaf_weights[persona];
  if (profile.second_persona) {
    const auto& second = persona_leaf_weights[static_cast<int>(*profile.second_persona)];
    for (std::size_t i = 0; i < weights.size(); ++i)
      weights[i] = 0.65 * weights[i] + 0.35 * second[i];
  }

  auto draw_tier = [&]() -> int {
    const double u = rng.uniform();
    const double budget = (1 - theta) * (1 - theta);
    const double premium = theta * theta;
    return u < budget ? 0 : u < 1 - premium ? 1 : 2;
  };
  auto available = [&](std::size_t product, UnixMs t) {
    const auto& p = catalog.products[product];
    return p.available_from <= t && t < p.available_to;
  };
  auto pick_product = [&](std::size_t leaf, int tier, UnixMs t) -> std::optional<std::size_t> {
    static constexpr int kFallback[3][3] = {{0, 1, 2}, {1, 0, 2}, {2, 1, 0}};
    for (int k = 0; k < 3; ++k) {
      std::vector<std::size_t> options;
      for (std::size_t p : leaves[leaf].by_tier[kFallback[tier][k]]) {
        if (available(p, t)) options.push_back(p);
      }
      if (!options.empty()) return options[rng.below(options.size())];
    }
    return std::nullopt;
  };
  auto quantity = [&](std::size_t leaf) -> std::int64_t {
    const auto& spec = *leaves[leaf].spec;
    if (organisation && spec.bulk && rng.chance(0.25)) {
      const std::int64_t cap = std::max<std::int64_t>(
          2, std::min<std::int64_t>(25, customer.employee_count.value_or(25)));
      return std::clamp<std::int64_t>(std::llround(rng.lognormal(std::log(3.0), 0.7)), 2, cap);
    }
    const double u = rng.uniform();
    switch (spec.quantity) {
      case data::Quantity::kOne:
        return u < 0.95 ? 1 : 2;
      case data::Quantity::kFew:
        return u < 0.65 ? 1 : u < 0.9 ? 2 : 3;
      case data::Quantity::kStockUp:
        return u < 0.4 ? 1 : u < 0.7 ? 2 : u < 0.88 ? 3 : 4;
    }
    return 1;
  };
  auto add_item = [&](Basket& basket, std::size_t leaf, int tier, UnixMs t) {
    if (auto p = pick_product(leaf, tier, t)) basket.add(*p, quantity(leaf));
  };
  auto add_with_complements_at = [&](Basket& basket, std::size_t leaf, int tier, UnixMs t) {
    add_item(basket, leaf, tier, t);
    for (const auto& [other, p] : leaves[leaf].complements) {
      if (rng.chance(p)) add_item(basket, other, draw_tier(), t);
    }
  };
  auto add_with_complements = [&](Basket& basket, std::size_t leaf, UnixMs t) {
    add_item(basket, leaf, draw_tier(), t);
    for (const auto& [other, p] : leaves[leaf].complements) {
      if (rng.chance(p)) add_item(basket, other, draw_tier(), t);
    }
  };

  // When: the first purchase right after signing up (or some days later), then missions at
  // exponential gaps until the customer drops out or the history ends.
  const UnixMs first = customer.created_at +
                       (rng.chance(0.65) ? rng.between(2 * kMinute, 90 * kMinute)
                                         : static_cast<UnixMs>(rng.exponential(6.0 * kMsPerDay)));
  if (first >= now) return theta;
  std::priority_queue<Event, std::vector<Event>, LaterFirst> events;
  std::uint64_t seq = 0;
  UnixMs alive_until = now;
  const bool starter = profile.persona == Persona::kParent && rng.chance(0.55);
  for (UnixMs t = first;;) {
    const bool first_mission = seq == 0;
    events.push(
        Event{t, seq++, first_mission && starter ? EventKind::kStarter : EventKind::kMission, 0});
    if (rng.chance(dropout)) {
      alive_until = t;
      break;
    }
    t += static_cast<UnixMs>(rng.exponential(365.0 / rate * kMsPerDay));
    if (t >= now) break;
  }
  // Holiday presents (late November to December) while still a customer.
  {
    const std::int64_t first_year = 1970 + static_cast<std::int64_t>(start / kMsPerDay / 365.2425);
    for (std::int64_t year = first_year; year <= first_year + 3; ++year) {
      const UnixMs from = days_from_civil(static_cast<int>(year), 11, 20) * kMsPerDay;
      const UnixMs t = from + rng.between(0, 30 * kMsPerDay);
      if (t > first && t < std::min(now, alive_until + 60 * kMsPerDay) &&
          rng.chance(0.12 + 0.1 * std::min(rate, 4.0) / 4.0)) {
        events.push(Event{t, seq++, EventKind::kGift, 0});
      }
    }
  }

  std::vector<Habit> habits;
  std::vector<bool> habit_leaf(leaves.size(), false);
  const UnixMs habits_until = std::min(now, alive_until + 180 * kMsPerDay);

  while (!events.empty()) {
    const UnixMs t = events.top().at;
    std::vector<Event> group;
    while (!events.empty() && events.top().at <= t + 2 * kMsPerDay) {
      group.push_back(events.top());
      events.pop();
    }
    Basket basket;
    std::vector<std::size_t> rebought;
    for (const auto& e : group) {
      switch (e.kind) {
        case EventKind::kMission: {
          add_with_complements(basket, rng.weighted(weights), t);
          if (rng.chance(0.2)) add_item(basket, rng.weighted(weights), draw_tier(), t);
          break;
        }
        case EventKind::kStarter: {
          for (std::string_view code : {"BOT", "FRM", "DIA"}) {
            for (std::size_t l = 0; l < leaves.size(); ++l) {
              if (leaves[l].spec->code == code) add_item(basket, l, draw_tier(), t);
            }
          }
          break;
        }
        case EventKind::kGift:
          add_item(basket, rng.weighted(gift_leaf_weights), draw_tier(), t);
          break;
        case EventKind::kRebuy: {
          auto& habit = habits[e.detail];
          if (!available(habit.product, t) || rng.chance(0.08)) {
            auto tier = static_cast<int>(catalog.products[habit.product].product.price_tier);
            if (auto p = pick_product(habit.leaf, tier, t)) habit.product = *p;
          }
          if (available(habit.product, t)) basket.add(habit.product, habit.quantity);
          rebought.push_back(e.detail);
          break;
        }
        case EventKind::kFollowUp: {
          const std::size_t leaf = e.detail / 3;
          const int tier = rng.chance(0.8) ? static_cast<int>(e.detail % 3) : draw_tier();
          add_with_complements_at(basket, leaf, tier, t);
          break;
        }
      }
    }
    // Habits re-bought now continue (or lapse); consumables bought for the first time may
    // start one.
    for (std::size_t h : rebought) {
      const auto& habit = habits[h];
      const UnixMs next =
          t + static_cast<UnixMs>(habit.interval_days * rng.lognormal(0, 0.1) * kMsPerDay);
      if (rng.chance(0.86) && next < habits_until)
        events.push(Event{next, seq++, EventKind::kRebuy, h});
      else
        habit_leaf[habit.leaf] = false;
    }
    if (basket.items.empty()) continue;
    for (const auto& [product, qty] : basket.items) {
      const auto& p = catalog.products[product].product;
      if (!p.consumable || !p.repurchase_days) continue;
      std::size_t leaf = 0;
      for (std::size_t l = 0; l < leaves.size(); ++l) {
        if (leaves[l].category == catalog.products[product].category) leaf = l;
      }
      if (habit_leaf[leaf] || !rng.chance(0.55)) continue;
      habit_leaf[leaf] = true;
      Habit habit{leaf, product, qty, *p.repurchase_days * rng.lognormal(0, 0.15)};
      const UnixMs next = t + static_cast<UnixMs>(habit.interval_days * kMsPerDay);
      habits.push_back(habit);
      if (next < habits_until)
        events.push(Event{next, seq++, EventKind::kRebuy, habits.size() - 1});
      else
        habit_leaf[leaf] = false;
    }

    // Some purchases bring the customer back for a related item in the same tier.
    for (const auto& [product, qty] : basket.items) {
      const auto& planned_product = catalog.products[product];
      for (std::size_t l = 0; l < leaves.size(); ++l) {
        const auto& leaf = leaves[l];
        if (leaf.category != planned_product.category || leaf.follow_up_leaves.empty()) continue;
        if (!rng.chance(leaf.follow_up_p)) continue;
        const std::size_t next_leaf =
            leaf.follow_up_leaves[rng.below(leaf.follow_up_leaves.size())];
        const UnixMs next = t + rng.between(10, 90) * kMsPerDay;
        if (next < std::min(now, alive_until + 90 * kMsPerDay)) {
          const auto tier = static_cast<std::size_t>(planned_product.product.price_tier);
          events.push(Event{next, seq++, EventKind::kFollowUp, next_leaf * 3 + tier});
        }
      }
    }

    // The order.
    PlannedOrder planned;
    auto& o = planned.order;
    o.currency = kCurrency;
    o.placed_at = std::max(time_of_day(rng, t), customer.created_at + rng.between(1, 30) * kMinute);
    o.placed_at = std::min(o.placed_at, now - kMinute);
    if (!out.orders.empty()) {
      o.placed_at = std::max(o.placed_at, out.orders.back().order.placed_at + kHour);
    }
    if (o.placed_at >= now) continue;
    o.created_at = o.placed_at;
    const double c = rng.uniform();
    if (organisation && rng.chance(0.1)) {
      o.channel = Channel::kPartner;
    } else if (profile.home_channel == "app") {
      o.channel = c < 0.75 ? Channel::kApp : Channel::kWeb;
    } else if (profile.home_channel == "store") {
      o.channel = c < 0.6 ? Channel::kStore : c < 0.9 ? Channel::kWeb : Channel::kApp;
    } else if (profile.home_channel == "phone") {
      o.channel = c < 0.6 ? Channel::kPhone : Channel::kWeb;
    } else {
      o.channel = c < 0.7 ? Channel::kWeb : c < 0.95 ? Channel::kApp : Channel::kPhone;
    }
    bool clothing = false;
    for (const auto& [product, qty] : basket.items) {
      const auto& p = catalog.products[product].product;
      orders::OrderLine line;
      line.sku = p.sku;
      line.name = p.name;
      line.quantity = qty;
      line.unit_price = p.price;
      line.line_total = qty * p.price;
      o.subtotal += line.line_total;
      o.lines.push_back(std::move(line));
      planned.line_products.push_back(product);
      const auto top = catalog.categories[catalog.products[product].category].parent;
      if (top && catalog.categories[*top].category.name == "Clothing & Shoes") clothing = true;
    }
    price_order(rng, o, organisation);
    const auto delivered = plan_life_cycle(rng, o, profile.country, now);
    // Returns: a few percent of delivered orders, more for clothing (sizes).
    if (delivered && rng.chance((organisation ? 0.015 : 0.03) + (clothing ? 0.08 : 0.0))) {
      plan_return(rng, planned, *delivered, clothing, now);
    }
    const auto& history = o.history;
    o.status = history.back().status;
    o.updated_at = history.back().at;
    out.orders.push_back(std::move(planned));
  }
  return theta;
}

CustomerPlanner::CustomerPlanner(const PlannedCatalog& catalog, const DemoConfig& config)
    : impl_(std::make_unique<Impl>(catalog, config)) {}

CustomerPlanner::~CustomerPlanner() = default;

PlannedCustomer CustomerPlanner::plan(std::int64_t index) const {
  Profile profile = impl_->profile(index);
  PlannedCustomer out;
  out.index = index;
  out.referrer = profile.referrer;
  out.duplicate_of = profile.duplicate_of;
  const double premium_affinity = impl_->plan_orders(profile, index, out);
  out.customer = std::move(profile.customer);
  impl_->plan_traffic(profile, premium_affinity, index, out);
  return out;
}

void number_orders(std::vector<PlannedCustomer>& customers, std::int64_t* counter) {
  char text[32];
  for (auto& c : customers) {
    for (auto& o : c.orders) {
      std::snprintf(text, sizeof text, "SO-%07lld", static_cast<long long>(++*counter));
      o.order.external_id = text;
    }
  }
}

}  // namespace ecrm::demo
