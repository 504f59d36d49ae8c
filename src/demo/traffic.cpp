// The demo shop's site traffic over the last kTrafficDays days: what its customers' devices
// and anonymous visitors do on the site, as tracking events (see generator.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <span>
#include <string>

#include "demo/planner.hpp"

namespace ecrm::demo {

namespace {

using events::EventType;

constexpr UnixMs kMinute = 60 * kMsPerSecond;
constexpr UnixMs kHour = 60 * kMinute;
// A device's visits are kept further apart than the tracker's session split, so each visit is
// one session.
constexpr UnixMs kVisitSpacing = events::kSessionGapMs + 5 * kMinute;

// Anonymous traffic: abandoned carts for each purchased one, and browsers per purchase (at
// least a few a day, at most kMaxBrowsersPerDay: a large shop's demo stays quick to load).
constexpr double kAbandonedPerPurchase = kAbandonedShare / (1.0 - kAbandonedShare);
constexpr double kBrowsersPerPurchase = 3;
constexpr std::int64_t kMinBrowsersPerDay = 10;
constexpr std::int64_t kMaxBrowsersPerDay = 400;
// The traffic of at most about this many customers is tracked: in a larger shop each customer
// is tracked with probability kTrackedCustomers / customers (the others, as if they declined
// tracking, have orders but no traffic), so that the traffic, which takes the longest to
// load, stays the size of a 10,000-customer shop's.
constexpr std::int64_t kTrackedCustomers = 10'000;

// Visits by hour of the day (UTC): busiest in the evening, as orders are.
constexpr double kHourWeights[24] = {2, 1, 1, 1, 1, 1, 2, 3,  4,  5,  6, 6,
                                     7, 6, 6, 6, 6, 7, 8, 10, 11, 11, 8, 4};

// Anonymous visitors' personas (the home personas, as common as among customers).
constexpr double kVisitorPersonaWeights[] = {18, 16, 9, 11, 11, 14, 7, 14};

// Where a visit comes from. `campaign` "*" is the campaign of the season.
struct Source {
  std::string_view referrer;
  std::string_view utm;  // utm_source and utm_medium ('' none)
  std::string_view campaign;
  double visitor_weight;   // anonymous visitors
  double customer_weight;  // customers, who come back directly and from the newsletter
};
constexpr Source kSources[] = {
    {"", "", "", 22, 38},
    {"https://www.google.com/", "", "", 26, 12},
    {"https://www.bing.com/", "", "", 4, 2},
    {"https://www.baidu.com/", "", "", 3, 2},
    {"https://www.facebook.com/", "", "", 5, 3},
    {"https://www.instagram.com/", "", "", 5, 2},
    {"https://www.pinterest.com/", "", "", 2, 1},
    {"https://www.google.com/", "utm_source=google&utm_medium=cpc", "brand_search", 6, 3},
    {"https://www.google.com/", "utm_source=google&utm_medium=cpc", "shopping_feed", 7, 3},
    {"https://www.facebook.com/", "utm_source=facebook&utm_medium=paid_social", "*", 6, 3},
    {"", "utm_source=newsletter&utm_medium=email", "weekly_newsletter", 2, 10},
    {"", "utm_source=newsletter&utm_medium=email", "*", 2, 8},
    {"https://deals.example/", "utm_source=deals&utm_medium=affiliate", "partner_deals", 4, 2},
    {"https://www.youtube.com/", "utm_source=youtube&utm_medium=video", "product_reviews", 3, 1},
};

// The campaign the shop runs at `t`.
std::string_view season_campaign(UnixMs t) {
  const std::string date = format_date(t);  // YYYY-MM-DD
  const int month = std::stoi(date.substr(5, 2));
  const int day = std::stoi(date.substr(8, 2));
  switch (month) {
    case 1:
      return "new_year_sale";
    case 2:
      return "valentines_day";
    case 3:
    case 4:
      return "spring_sale";
    case 5:
      return "mothers_day";
    case 6:
      return "summer_sale";
    case 7:
      return "summer_clearance";
    case 8:
    case 9:
      return "back_to_school";
    case 10:
      return "autumn_deals";
    case 11:
      return day >= 20 ? "black_friday" : "autumn_deals";
    default:
      return day <= 24 ? "holiday_gifts" : "year_end_sale";
  }
}

// An anonymous id as the snippet makes one: 22 characters of [0-9a-z].
std::string anonymous_id(Rng& rng) {
  std::string id(22, '0');
  for (char& ch : id) ch = "0123456789abcdefghijklmnopqrstuvwxyz"[rng.below(36)];
  return id;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// `text` as a URL query value: letters and digits as they are, spaces as '+', the rest %XX.
std::string query_value(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '_' || ch == '.') {
      out += static_cast<char>(ch);
    } else if (ch == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// A time on the day starting at `day_start`, by the hour weights.
UnixMs time_on_day(Rng& rng, UnixMs day_start) {
  return day_start + static_cast<UnixMs>(rng.weighted(kHourWeights)) * kHour +
         rng.between(0, kHour - 1);
}

int draw_tier(Rng& rng, double theta) {
  const double u = rng.uniform();
  const double budget = (1 - theta) * (1 - theta);
  const double premium = theta * theta;
  return u < budget ? 0 : u < 1 - premium ? 1 : 2;
}

// What a visit needs to know of the shop.
struct Shop {
  const PlannedCatalog& catalog;
  const std::vector<LeafInfo>& leaves;
  const std::vector<std::size_t>& leaf_of_product;
};

// The events of one visit before they are given times, and what it needs to know to make them.
class Visit {
 public:
  Visit(const Shop& shop, Rng& rng, UnixMs at) : shop_(shop), rng_(rng), at_(at) {}

  // The first page: from a source drawn with the visitors' or customers' weights. Organic
  // search and social visits may land on a product or category page (`product`).
  void enter(bool customer, std::optional<std::size_t> product) {
    std::vector<double> weights;
    for (const auto& s : kSources)
      weights.push_back(customer ? s.customer_weight : s.visitor_weight);
    const Source& source = kSources[rng_.weighted(weights)];
    std::string url(kShopSite);
    if (source.utm.empty() && !source.referrer.empty() && product && rng_.chance(0.6)) {
      url += product_path(*product);
      page(url, std::string(source.referrer));
      product_view(*product);
      landed_on_ = product;
      return;
    }
    url += "/";
    if (!source.utm.empty()) {
      const std::string_view campaign =
          source.campaign == "*" ? season_campaign(at_) : source.campaign;
      url += "?" + std::string(source.utm) + "&utm_campaign=" + std::string(campaign);
    }
    page(url, std::string(source.referrer));
  }

  void identify(const std::string& external_id) {
    PlannedEvent e;
    e.type = EventType::kIdentify;
    e.text = external_id;
    steps_.push_back(std::move(e));
  }

  // A product's page: the page view and the product view (once: not again for the page the
  // visit landed on).
  void product_page(std::size_t product) {
    if (landed_on_ == product) {
      landed_on_.reset();
      return;
    }
    page(std::string(kShopSite) + product_path(product));
    product_view(product);
  }

  // A look around after `weights` (per leaf) and a premium affinity: a category page or a
  // search, then `count` product pages, moving to alternatives in the same category and tier
  // or to what is bought with it. Returns the products viewed.
  std::vector<std::size_t> browse(const std::vector<double>& weights, double theta, int count) {
    std::size_t leaf = rng_.weighted(weights);
    int tier = draw_tier(rng_, theta);
    std::vector<std::size_t> viewed;
    const auto& category = shop_.catalog.categories[shop_.leaves[leaf].category].category;
    if (rng_.chance(0.2)) {
      const std::string query = lower(category.name);
      page(std::string(kShopSite) + "/search?q=" + query_value(query));
      PlannedEvent e;
      e.type = EventType::kSearch;
      e.text = query;
      steps_.push_back(std::move(e));
    } else if (rng_.chance(0.6)) {
      page(std::string(kShopSite) + "/c/" + category.slug);
    }
    for (int k = 0; k < count; ++k) {
      auto product = pick(leaf, tier, viewed);
      if (!product) break;
      product_page(*product);
      viewed.push_back(*product);
      // Next: something bought with it, another category, or an alternative.
      const auto& complements = shop_.leaves[leaf].complements;
      if (!complements.empty() && rng_.chance(0.25)) {
        std::vector<double> w;
        for (const auto& [other, p] : complements) w.push_back(p);
        leaf = complements[rng_.weighted(w)].first;
        tier = draw_tier(rng_, theta);
      } else if (rng_.chance(0.15)) {
        leaf = rng_.weighted(weights);
        tier = draw_tier(rng_, theta);
      }
    }
    return viewed;
  }

  // 0-`most` other products of `product`'s category and price tier.
  void alternatives(std::size_t product, int most) {
    const std::size_t leaf = shop_.leaf_of_product[product];
    const int tier = static_cast<int>(shop_.catalog.products[product].product.price_tier);
    std::vector<std::size_t> seen{product};
    const auto count = rng_.between(0, most);
    for (std::int64_t k = 0; k < count; ++k) {
      auto other = pick(leaf, tier, seen);
      if (!other || std::find(seen.begin(), seen.end(), *other) != seen.end()) break;
      product_page(*other);
      seen.push_back(*other);
    }
  }

  void cart_event(EventType type, std::size_t product, std::int64_t quantity) {
    PlannedEvent e;
    e.type = type;
    e.product = product;
    e.quantity = quantity;
    steps_.push_back(std::move(e));
  }

  void checkout(std::int64_t step) {
    PlannedEvent e;
    e.type = EventType::kCheckoutStep;
    e.step = step;
    steps_.push_back(std::move(e));
    page(std::string(kShopSite) + (step == 1 ? "/checkout" : "/checkout/payment"));
  }

  void purchase(std::size_t order) {
    PlannedEvent e;
    e.type = EventType::kPurchase;
    e.order = order;
    steps_.push_back(std::move(e));
  }

  void page(std::string url, std::string referrer = {}) {
    PlannedEvent e;
    e.type = EventType::kPageView;
    e.url = std::move(url);
    e.referrer = std::move(referrer);
    steps_.push_back(std::move(e));
  }

  std::size_t size() const { return steps_.size(); }

  // Gives the events times from `start` to `end` in order (the first at `start`, the last at
  // `end`) and appends them to `out`.
  void place(UnixMs start, UnixMs end, std::vector<PlannedEvent>& out) {
    const auto n = static_cast<UnixMs>(steps_.size());
    for (UnixMs i = 0; i < n; ++i) {
      PlannedEvent& e = steps_[static_cast<std::size_t>(i)];
      if (i == 0) {
        e.ts = start;
      } else if (i == n - 1) {
        e.ts = end;
      } else {
        const UnixMs spacing = (end - start) / (n - 1);
        e.ts = start + spacing * i + rng_.between(0, std::max<UnixMs>(0, spacing / 3));
      }
      out.push_back(std::move(e));
    }
    steps_.clear();
  }

 private:
  // "/p/lap-1001" for SKU LAP-1001.
  std::string product_path(std::size_t product) const {
    return "/p/" + lower(shop_.catalog.products[product].product.sku);
  }

  void product_view(std::size_t product) {
    PlannedEvent e;
    e.type = EventType::kProductView;
    e.product = product;
    steps_.push_back(std::move(e));
  }

  // A product of `leaf` on sale at the visit, in `tier` if there is one (else the nearest),
  // preferring one not in `seen`.
  std::optional<std::size_t> pick(std::size_t leaf, int tier,
                                  const std::vector<std::size_t>& seen) const {
    static constexpr int kFallback[3][3] = {{0, 1, 2}, {1, 0, 2}, {2, 1, 0}};
    std::optional<std::size_t> repeat;
    for (int k = 0; k < 3; ++k) {
      std::vector<std::size_t> options;
      for (std::size_t p : shop_.leaves[leaf].by_tier[kFallback[tier][k]]) {
        const auto& planned = shop_.catalog.products[p];
        if (planned.available_from > at_ || at_ >= planned.available_to) continue;
        if (std::find(seen.begin(), seen.end(), p) != seen.end()) {
          repeat = p;
          continue;
        }
        options.push_back(p);
      }
      if (!options.empty()) return options[rng_.below(options.size())];
    }
    return repeat;
  }

  const Shop& shop_;
  Rng& rng_;
  UnixMs at_;
  std::optional<std::size_t> landed_on_;  // the product page the visit came in on
  std::vector<PlannedEvent> steps_;
};

// A visit of a customer's device, planned before its events are made.
struct VisitPlan {
  enum class Kind {
    kPurchase,    // an order placed on the site or in the app
    kLeftCart,    // the order's goods put in the cart, then left (recovered by the purchase)
    kResearch,    // a look at what the customer buys later
    kBrowse,      // a look around
    kBrowseCart,  // a look around that fills a cart and leaves it
  };
  Kind kind = Kind::kBrowse;
  std::size_t device = 0;
  UnixMs start = 0;
  UnixMs end = 0;
  std::optional<std::size_t> order;
};

struct Device {
  PlannedVisitor visitor;
  bool signs_in = false;                     // the customer signs in on it (purchases always do)
  bool identified = false;                   // it has sent an identify
  std::map<std::size_t, std::int64_t> cart;  // product -> quantity, as the tracker keeps it
};

// A Poisson-distributed count with mean `mean` (exponential gaps within one unit of time).
std::int64_t poisson(Rng& rng, double mean) {
  std::int64_t count = 0;
  for (double t = rng.exponential(1.0); t < mean; t += rng.exponential(1.0)) ++count;
  return count;
}

}  // namespace

void CustomerPlanner::Impl::plan_traffic(const Profile& profile, double theta, std::int64_t index,
                                         PlannedCustomer& out) const {
  using Kind = VisitPlan::Kind;
  const auto& customer = out.customer;
  const UnixMs now = config.now;
  const UnixMs window_start = now - kTrafficDays * kMsPerDay;
  const UnixMs since = std::max(window_start, customer.created_at);
  if (since >= now) return;
  if (config.customers > kTrackedCustomers &&
      stream_seed(config.seed, "tracked", static_cast<std::uint64_t>(index)) %
              static_cast<std::uint64_t>(config.customers) >=
          static_cast<std::uint64_t>(kTrackedCustomers)) {
    return;
  }
  Rng rng(stream_seed(config.seed, "traffic", static_cast<std::uint64_t>(index)));
  const bool organisation = customer.type != customers::CustomerType::kHome;
  const std::string external_id = customer.external_id.value_or("");

  // Devices: the one they use most (a phone for app users), often a second one.
  static constexpr std::string_view kKinds[] = {"desktop", "mobile", "tablet"};
  static constexpr double kHomeKinds[] = {50, 40, 10};
  static constexpr double kOfficeKinds[] = {85, 12, 3};
  std::vector<Device> devices;
  auto add_device = [&](std::string_view kind, bool signs_in) {
    Device d;
    d.visitor.anonymous_id = anonymous_id(rng);
    d.visitor.device = std::string(kind);
    d.signs_in = signs_in;
    devices.push_back(std::move(d));
    return devices.size() - 1;
  };
  const std::span<const double> kind_weights =
      organisation ? std::span<const double>(kOfficeKinds) : std::span<const double>(kHomeKinds);
  const std::size_t primary = add_device(
      profile.home_channel == "app" ? "mobile" : kKinds[rng.weighted(kind_weights)], true);
  if (rng.chance(0.45)) {
    const bool on_mobile = devices[primary].visitor.device == "mobile";
    add_device(on_mobile ? (rng.chance(0.7) ? "desktop" : "tablet") : "mobile", rng.chance(0.5));
  }
  auto mobile_device = [&]() -> std::size_t {
    for (std::size_t d = 0; d < devices.size(); ++d) {
      if (devices[d].visitor.device == "mobile") return d;
    }
    return add_device("mobile", true);
  };

  // Visits anchored at the orders placed in the window.
  std::vector<VisitPlan> visits;
  UnixMs last_purchase_end = 0;
  for (std::size_t i = 0; i < out.orders.size(); ++i) {
    const auto& order = out.orders[i].order;
    if (order.placed_at < window_start || order.placed_at >= now) continue;
    // Visits before the order show its goods only once they are all on sale.
    UnixMs on_sale = 0;
    for (std::size_t product : out.orders[i].line_products) {
      on_sale = std::max(on_sale, catalog.products[product].available_from);
    }
    const bool online =
        order.channel == orders::Channel::kWeb || order.channel == orders::Channel::kApp;
    if (!online) {
      // Some look the goods up on the site before ordering by phone or in a store.
      if (rng.chance(0.25)) {
        const UnixMs start = order.placed_at - rng.between(kHour, 7 * kMsPerDay);
        if (start >= on_sale) {
          visits.push_back(
              {Kind::kResearch, primary, start, start + rng.between(3 * kMinute, 15 * kMinute), i});
        }
      }
      continue;
    }
    const std::size_t device = order.channel == orders::Channel::kApp  ? mobile_device()
                               : devices.size() > 1 && rng.chance(0.3) ? 1
                                                                       : primary;
    const UnixMs start =
        std::max({order.placed_at - rng.between(4 * kMinute, 25 * kMinute),
                  last_purchase_end + kMinute, std::min(on_sale, order.placed_at - kMinute)});
    visits.push_back({Kind::kPurchase, device, start, order.placed_at, i});
    last_purchase_end = order.placed_at;
    if (rng.chance(0.15)) {
      const UnixMs left = start - rng.between(2 * kHour, 72 * kHour);
      if (left >= on_sale) {
        visits.push_back(
            {Kind::kLeftCart, device, left, left + rng.between(3 * kMinute, 15 * kMinute), i});
      }
    }
    if (rng.chance(0.3)) {
      const UnixMs look = start - rng.between(kMsPerDay, 10 * kMsPerDay);
      if (look >= on_sale) {
        visits.push_back({Kind::kResearch, rng.below(devices.size()), look,
                          look + rng.between(3 * kMinute, 15 * kMinute), i});
      }
    }
  }
  // Browsing: more for customers who bought or signed up lately.
  const bool active =
      customer.created_at >= now - 180 * kMsPerDay ||
      (!out.orders.empty() && out.orders.back().order.placed_at >= now - 180 * kMsPerDay);
  const double mean_visits = (active ? 2.0 : 0.35) * (organisation ? 0.7 : 1.0);
  const std::int64_t browse_visits = poisson(rng, mean_visits);
  const std::int64_t days = (now - since + kMsPerDay - 1) / kMsPerDay;
  for (std::int64_t k = 0; k < browse_visits; ++k) {
    const UnixMs day_start = since - since % kMsPerDay + rng.between(0, days - 1) * kMsPerDay;
    const UnixMs start = time_on_day(rng, day_start);
    visits.push_back({rng.chance(0.18) ? Kind::kBrowseCart : Kind::kBrowse,
                      rng.below(devices.size()), start,
                      start + rng.between(2 * kMinute, 20 * kMinute), std::nullopt});
  }

  // Purchases stay; other visits only where the device is free (before `now`, in the window,
  // and apart from the device's other visits).
  std::vector<VisitPlan> kept;
  for (const auto& v : visits) {
    if (v.kind == Kind::kPurchase) kept.push_back(v);
  }
  for (const auto& v : visits) {
    if (v.kind == Kind::kPurchase) continue;
    if (v.start < since || v.end >= now) continue;
    const bool clashes = std::any_of(kept.begin(), kept.end(), [&](const VisitPlan& other) {
      return other.device == v.device && v.start < other.end + kVisitSpacing &&
             other.start < v.end + kVisitSpacing;
    });
    if (!clashes) kept.push_back(v);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const VisitPlan& a, const VisitPlan& b) { return a.start < b.start; });
  // A cart left on a device that later buys would be carried into that purchase (and count as
  // recovered): only the carts of kLeftCart, made of the order's goods, are, when that order is
  // the device's next purchase. Elsewhere the look around leaves no cart.
  for (auto& v : kept) {
    if (v.kind != Kind::kBrowseCart && v.kind != Kind::kLeftCart) continue;
    const auto next_purchase = std::find_if(kept.begin(), kept.end(), [&](const VisitPlan& other) {
      return other.kind == Kind::kPurchase && other.device == v.device && other.start > v.start;
    });
    if (next_purchase == kept.end()) continue;
    if (v.kind == Kind::kBrowseCart) {
      v.kind = Kind::kBrowse;
    } else if (next_purchase->order != v.order) {
      v.kind = Kind::kResearch;
    }
  }

  // Each persona's taste, mixed as for their orders.
  std::vector<double> weights = persona_leaf_weights[static_cast<int>(profile.persona)];
  if (profile.second_persona) {
    const auto& second = persona_leaf_weights[static_cast<int>(*profile.second_persona)];
    for (std::size_t i = 0; i < weights.size(); ++i)
      weights[i] = 0.65 * weights[i] + 0.35 * second[i];
  }

  const Shop shop{catalog, leaves, leaf_of_product};
  for (const auto& plan : kept) {
    Device& device = devices[plan.device];
    Visit visit(shop, rng, plan.start);
    const PlannedOrder* order = plan.order ? &out.orders[*plan.order] : nullptr;
    const std::optional<std::size_t> first_product =
        order ? std::optional<std::size_t>(order->line_products.front()) : std::nullopt;
    visit.enter(true, first_product);
    const bool signs_in = plan.kind == Kind::kPurchase || plan.kind == Kind::kLeftCart
                              ? true
                              : device.signs_in && rng.chance(device.identified ? 0.2 : 0.6);
    if (signs_in && (!device.identified || rng.chance(0.25)) && !external_id.empty()) {
      visit.identify(external_id);
      device.identified = true;
      device.signs_in = true;
    }
    switch (plan.kind) {
      case Kind::kPurchase: {
        // The order's goods (and a look at alternatives), the cart made to hold exactly them.
        std::map<std::size_t, std::int64_t> wanted;
        for (std::size_t l = 0; l < order->line_products.size(); ++l) {
          wanted[order->line_products[l]] += order->order.lines[l].quantity;
        }
        for (const auto& [product, quantity] : wanted) {
          visit.product_page(product);
          if (rng.chance(0.35)) visit.alternatives(product, 2);
          const std::int64_t have = device.cart.count(product) ? device.cart[product] : 0;
          if (quantity > have) visit.cart_event(EventType::kAddToCart, product, quantity - have);
        }
        visit.page(std::string(kShopSite) + "/cart");
        for (const auto& [product, have] : device.cart) {
          const std::int64_t keep = wanted.count(product) ? wanted[product] : 0;
          if (have > keep) visit.cart_event(EventType::kRemoveFromCart, product, have - keep);
        }
        visit.checkout(1);
        visit.checkout(2);
        visit.purchase(*plan.order);
        device.cart.clear();
        break;
      }
      case Kind::kLeftCart: {
        for (std::size_t l = 0; l < order->line_products.size(); ++l) {
          if (l > 0 && rng.chance(0.3)) continue;
          const std::size_t product = order->line_products[l];
          visit.product_page(product);
          visit.cart_event(EventType::kAddToCart, product, order->order.lines[l].quantity);
          device.cart[product] += order->order.lines[l].quantity;
        }
        visit.page(std::string(kShopSite) + "/cart");
        if (rng.chance(0.3)) visit.checkout(1);
        break;
      }
      case Kind::kResearch:
        visit.product_page(*first_product);
        visit.alternatives(*first_product, 3);
        break;
      case Kind::kBrowse:
      case Kind::kBrowseCart: {
        const auto viewed = visit.browse(weights, theta, static_cast<int>(1 + rng.below(5)));
        if (plan.kind == Kind::kBrowseCart && !viewed.empty()) {
          const std::size_t product = viewed[rng.below(viewed.size())];
          visit.cart_event(EventType::kAddToCart, product, 1);
          device.cart[product] += 1;
          visit.page(std::string(kShopSite) + "/cart");
          if (rng.chance(0.25)) visit.checkout(1);
        }
        break;
      }
    }
    visit.place(plan.start, plan.end, device.visitor.events);
  }
  for (auto& device : devices) {
    if (!device.visitor.events.empty()) out.visitors.push_back(std::move(device.visitor));
  }
}

std::vector<PlannedVisitor> CustomerPlanner::plan_anonymous(std::int64_t day,
                                                            const DayTraffic& traffic) const {
  const Impl& impl = *impl_;
  const Shop shop{impl.catalog, impl.leaves, impl.leaf_of_product};
  const UnixMs now = impl.config.now;
  const UnixMs day_start = now - (kTrafficDays - day) * kMsPerDay;
  Rng rng(stream_seed(impl.config.seed, "visitors", static_cast<std::uint64_t>(day)));
  static constexpr std::string_view kKinds[] = {"mobile", "desktop", "tablet"};
  static constexpr double kKindWeights[] = {52, 38, 10};
  std::vector<PlannedVisitor> out;
  const std::int64_t total = traffic.abandoned_carts + traffic.browsers;
  out.reserve(static_cast<std::size_t>(total));
  for (std::int64_t k = 0; k < total; ++k) {
    const bool fills_cart = k < traffic.abandoned_carts;
    PlannedVisitor visitor;
    visitor.anonymous_id = anonymous_id(rng);
    visitor.device = std::string(kKinds[rng.weighted(kKindWeights)]);
    const auto& weights = impl.persona_leaf_weights[rng.weighted(kVisitorPersonaWeights)];
    const double theta = rng.beta(1.3, 1.3);

    UnixMs start = time_on_day(rng, day_start);
    Visit visit(shop, rng, start);
    visit.enter(false, std::nullopt);
    const auto viewed = visit.browse(weights, theta, static_cast<int>(1 + rng.below(4)));
    if (fills_cart && !viewed.empty()) {
      visit.cart_event(EventType::kAddToCart, viewed.back(), 1);
      if (viewed.size() > 1 && rng.chance(0.3)) {
        visit.cart_event(EventType::kAddToCart, viewed.front(), 1);
      }
      visit.page(std::string(kShopSite) + "/cart");
      if (rng.chance(0.35)) {
        visit.checkout(1);
        if (rng.chance(0.3)) visit.checkout(2);
      }
    }
    UnixMs end = std::min(
        now - 1, start + static_cast<UnixMs>(visit.size()) * rng.between(20, 90) * kMsPerSecond);
    visit.place(start, end, visitor.events);
    // Some come back to look again some days later.
    if (!visitor.events.empty() && rng.chance(fills_cart ? 0.12 : 0.2)) {
      start = end + rng.between(kMsPerDay, 14 * kMsPerDay);
      Visit again(shop, rng, start);
      again.enter(false, std::nullopt);
      again.browse(weights, theta, static_cast<int>(1 + rng.below(3)));
      end = start + static_cast<UnixMs>(again.size()) * rng.between(20, 90) * kMsPerSecond;
      if (end < now) again.place(start, end, visitor.events);
    }
    if (!visitor.events.empty()) out.push_back(std::move(visitor));
  }
  return out;
}

void tally_carts(const PlannedVisitor& visitor, UnixMs now, CartTally& tally) {
  const UnixMs window_start = now - kTrafficDays * kMsPerDay;
  auto count = [&](std::vector<std::int64_t>& per_day, UnixMs at) {
    if (at < window_start || at >= now) return;
    per_day[static_cast<std::size_t>((at - window_start) / kMsPerDay)] += 1;
  };
  // The tracker's cart: open or not, its items, its last change.
  bool open = false;
  std::map<std::size_t, std::int64_t> items;
  UnixMs updated = 0;
  for (const auto& e : visitor.events) {
    const bool cart_event = e.type == EventType::kAddToCart ||
                            e.type == EventType::kRemoveFromCart ||
                            e.type == EventType::kCheckoutStep || e.type == EventType::kPurchase;
    if (!cart_event) continue;
    if (open && !items.empty() && e.ts > updated + kCartAbandonAfter) {
      count(tally.abandoned, updated + kCartAbandonAfter);  // its items carry on
      updated = e.ts;
    }
    switch (e.type) {
      case EventType::kAddToCart:
        if (!open) updated = e.ts;
        open = true;
        items[*e.product] += e.quantity;
        break;
      case EventType::kRemoveFromCart:
        if (!open) continue;
        if (auto it = items.find(*e.product); it != items.end()) {
          it->second -= e.quantity;
          if (it->second <= 0) items.erase(it);
        }
        break;
      case EventType::kCheckoutStep:
        if (!open) continue;
        break;
      default:  // purchase
        if (open) count(tally.purchased, e.ts);
        open = false;
        items.clear();
        continue;
    }
    updated = std::max(updated, e.ts);
  }
  if (open && !items.empty()) count(tally.abandoned, updated + kCartAbandonAfter);
}

std::vector<DayTraffic> anonymous_traffic(const CartTally& customers) {
  std::vector<DayTraffic> out(kTrafficDays);
  double purchased = 0;
  std::int64_t abandoned = 0;
  for (std::size_t day = 0; day < out.size(); ++day) {
    purchased += static_cast<double>(customers.purchased[day]);
    abandoned += customers.abandoned[day];
    const auto wanted = static_cast<std::int64_t>(std::llround(purchased * kAbandonedPerPurchase));
    out[day].abandoned_carts = std::max<std::int64_t>(0, wanted - abandoned);
    abandoned += out[day].abandoned_carts;
    out[day].browsers = std::clamp<std::int64_t>(
        std::llround(kBrowsersPerPurchase * static_cast<double>(customers.purchased[day])),
        kMinBrowsersPerDay, kMaxBrowsersPerDay);
  }
  return out;
}

}  // namespace ecrm::demo
