// The demo generator: determinism (same seed, same shop; another seed, another shop), the
// catalog's shape, and the shape of customers and orders (revenue concentration, repeat
// buyers, consistent totals and life cycles, baskets with structure).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "catalog/model.hpp"
#include "customers/service.hpp"
#include "demo/generator.hpp"
#include "demo/random.hpp"
#include "demo/stats.hpp"

namespace ecrm::demo {
namespace {

using orders::OrderStatus;
using orders::ReturnStatus;

const UnixMs kNow = days_from_civil(2025, 6, 1) * kMsPerDay;

DemoConfig config_for(std::uint64_t seed, std::int64_t customers) {
  DemoConfig config;
  config.seed = seed;
  config.customers = customers;
  config.now = kNow;
  return config;
}

// A visitor and every field of its events, as text.
std::string visitor_fingerprint(const PlannedVisitor& v) {
  std::ostringstream out;
  out << v.anonymous_id << ' ' << v.device;
  for (const auto& e : v.events) {
    out << " {" << wire::enum_name(e.type) << '@' << e.ts << ' ' << e.url << ' ' << e.referrer
        << ' ' << (e.product ? static_cast<std::int64_t>(*e.product) : -1) << 'x' << e.quantity
        << ' ' << e.step << ' ' << (e.order ? static_cast<std::int64_t>(*e.order) : -1) << ' '
        << e.text << '}';
  }
  return out.str();
}

// Everything about a customer, their orders and their site traffic that the loader writes, as
// text.
std::string fingerprint(const PlannedCustomer& p) {
  std::ostringstream out;
  const auto& c = p.customer;
  out << p.index << '|' << c.external_id.value_or("") << '|' << c.name << '|'
      << c.email.value_or("") << '|' << c.phone.value_or("") << '|' << c.birthday.value_or("")
      << '|' << c.city << '|' << c.country << '|' << c.language << '|' << wire::enum_name(c.type)
      << '|' << c.company << '|' << c.source << '|' << c.channel << '|' << c.attributes << '|'
      << c.created_at << '|' << p.referrer.value_or(-1) << '|';
  for (const auto& t : c.tags) out << t << ',';
  for (const auto& a : c.anniversaries) out << a.kind << a.date << ',';
  for (customers::ConsentChannel channel : customers::kConsentChannels) {
    const auto& consent = c.consent_for(channel);
    out << (consent.granted ? (*consent.granted ? 'y' : 'n') : '-') << consent.at.value_or(0);
  }
  for (const auto& po : p.orders) {
    const auto& o = po.order;
    out << "\n  " << o.external_id.value_or("") << ' ' << wire::enum_name(o.channel) << ' '
        << wire::enum_name(o.status) << ' ' << o.placed_at << ' ' << o.subtotal << ' ' << o.discount
        << ' ' << o.shipping << ' ' << o.total << ' ' << o.carrier << ' ' << o.tracking_number;
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      out << " [" << po.line_products[i] << 'x' << o.lines[i].quantity << ']';
    }
    for (const auto& h : o.history) out << " " << wire::enum_name(h.status) << '@' << h.at;
    for (const auto& r : po.returns) {
      out << " R:" << wire::enum_name(r.ret.status) << wire::enum_name(r.ret.reason)
          << r.ret.refund_amount << '@' << r.ret.created_at;
    }
  }
  for (const auto& v : p.visitors) out << "\n  " << visitor_fingerprint(v);
  return out.str();
}

std::string catalog_fingerprint(const PlannedCatalog& catalog) {
  std::ostringstream out;
  for (const auto& c : catalog.categories) out << c.category.slug << c.parent.value_or(99) << ';';
  for (const auto& p : catalog.products) {
    out << p.product.sku << p.product.name << p.product.price << p.product.cost.value_or(0)
        << wire::enum_name(p.product.price_tier) << p.product.stock_on_hand << p.available_from
        << ';';
  }
  return out.str();
}

std::vector<PlannedCustomer> plan_all(const PlannedCatalog& catalog, const DemoConfig& config) {
  CustomerPlanner planner(catalog, config);
  std::vector<PlannedCustomer> out;
  for (std::int64_t i = 0; i < config.customers; ++i) out.push_back(planner.plan(i));
  std::int64_t counter = 0;
  number_orders(out, &counter);
  return out;
}

TEST(DemoRandom, FixedSequenceAndRanges) {
  // The generator is our own so that the same seed gives the same numbers everywhere.
  Rng a(1), b(1), c(2);
  std::vector<std::uint64_t> first;
  for (int i = 0; i < 5; ++i) first.push_back(a.next());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(b.next(), first[i]);
  EXPECT_NE(c.next(), first[0]);
  Rng r(7);
  double sum = 0, gamma_sum = 0;
  for (int i = 0; i < 20000; ++i) {
    double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    auto k = r.between(3, 5);
    ASSERT_GE(k, 3);
    ASSERT_LE(k, 5);
    gamma_sum += r.gamma(0.8, 2.5);
  }
  EXPECT_NEAR(sum / 20000, 0.5, 0.01);
  EXPECT_NEAR(gamma_sum / 20000, 2.0, 0.1);  // mean of Gamma(k, theta) is k * theta
}

TEST(DemoGenerator, SameSeedGivesTheSameShop) {
  const auto config = config_for(42, 400);
  const auto catalog_a = plan_catalog(config);
  const auto catalog_b = plan_catalog(config);
  EXPECT_EQ(catalog_fingerprint(catalog_a), catalog_fingerprint(catalog_b));
  const auto a = plan_all(catalog_a, config);
  const auto b = plan_all(catalog_b, config);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(fingerprint(a[i]), fingerprint(b[i]));

  // A customer is the same when planned alone, out of order, by another planner.
  CustomerPlanner planner(catalog_a, config);
  for (std::int64_t i : {399, 250, 97, 0}) {
    auto alone = std::vector<PlannedCustomer>{planner.plan(i)};
    auto copy = a[static_cast<std::size_t>(i)];
    for (auto& o : copy.orders) o.order.external_id.reset();
    EXPECT_EQ(fingerprint(alone[0]), fingerprint(copy));
  }
}

TEST(DemoGenerator, AnotherSeedGivesAnotherShop) {
  const auto config_a = config_for(42, 200);
  const auto config_b = config_for(43, 200);
  const auto catalog_a = plan_catalog(config_a);
  const auto catalog_b = plan_catalog(config_b);
  EXPECT_NE(catalog_fingerprint(catalog_a), catalog_fingerprint(catalog_b));
  const auto a = plan_all(catalog_a, config_a);
  const auto b = plan_all(catalog_b, config_b);
  int same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += fingerprint(a[i]) == fingerprint(b[i]);
  EXPECT_EQ(same, 0);
}

TEST(DemoCatalog, TreeTiersLinesAndConsumables) {
  const auto catalog = plan_catalog(config_for(42, 1));
  EXPECT_GE(catalog.products.size(), 250u);
  EXPECT_LE(catalog.products.size(), 600u);
  std::set<std::string> skus, slugs;
  for (const auto& c : catalog.categories) {
    EXPECT_TRUE(slugs.insert(c.category.slug).second) << c.category.slug;
    if (c.parent) {
      EXPECT_LT(*c.parent,
                static_cast<std::size_t>(&c - catalog.categories.data()));  // parents first
    }
  }
  std::map<std::size_t, std::vector<const PlannedProduct*>> by_category;
  for (const auto& p : catalog.products) {
    EXPECT_TRUE(skus.insert(p.product.sku).second) << p.product.sku;
    EXPECT_EQ(p.product.currency, "USD");
    EXPECT_GT(p.product.price, 0);
    ASSERT_TRUE(p.product.cost.has_value());
    EXPECT_LT(*p.product.cost, p.product.price) << p.product.name;
    EXPECT_FALSE(catalog.categories[p.category].code.empty()) << "products sit in leaves";
    EXPECT_EQ(p.product.consumable, p.product.repurchase_days.has_value());
    EXPECT_LT(p.available_from, p.available_to);
    by_category[p.category].push_back(&p);
  }
  // Every leaf has active products in all three tiers, and the stored tier is the catalog's
  // rule applied to the leaf.
  for (const auto& [category, products] : by_category) {
    std::vector<catalog::TierInput> group;
    std::array<int, 3> active_per_tier{};
    for (const auto* p : products) {
      group.push_back({0, p->product.price, p->product.active, p->product.price_tier});
      if (p->product.active) ++active_per_tier[static_cast<int>(p->product.price_tier)];
    }
    auto tiers = catalog::price_tiers(group);
    for (std::size_t i = 0; i < products.size(); ++i) {
      EXPECT_EQ(tiers[i], products[i]->product.price_tier) << products[i]->product.name;
    }
    for (int t = 0; t < 3; ++t) {
      EXPECT_GE(active_per_tier[t], 1)
          << catalog.categories[category].category.name << " tier " << t;
    }
  }
  // Product lines: versions 1..n, only the newest active, each sold until its successor's
  // launch plus a sell-off period.
  std::map<std::string, std::vector<const PlannedProduct*>> lines;
  for (const auto& p : catalog.products) {
    if (!p.product.line.empty()) lines[p.product.line].push_back(&p);
  }
  EXPECT_GE(lines.size(), 5u);
  bool three_versions = false;
  for (auto& [line, versions] : lines) {
    std::sort(versions.begin(), versions.end(),
              [](auto* a, auto* b) { return a->product.version < b->product.version; });
    ASSERT_GE(versions.size(), 2u) << line;
    three_versions |= versions.size() >= 3;
    for (std::size_t v = 0; v < versions.size(); ++v) {
      EXPECT_EQ(versions[v]->product.version, static_cast<int>(v + 1));
      EXPECT_EQ(versions[v]->product.active, v + 1 == versions.size()) << line;
      if (v > 0) {
        EXPECT_GT(versions[v]->available_from, versions[v - 1]->available_from);
        EXPECT_GE(versions[v]->product.price, versions[v - 1]->product.price);
        EXPECT_GT(versions[v - 1]->available_to, versions[v]->available_from);  // sell-off
      }
    }
  }
  EXPECT_TRUE(three_versions);
  // The flagship lines' newest versions are premium in their categories.
  for (const std::string line :
       {"Zenith Laptop Pro", "Aurelia Phone", "Optima M Mirrorless Camera", "Lumen OLED TV"}) {
    ASSERT_TRUE(lines.count(line)) << line;
    EXPECT_EQ(lines[line].back()->product.price_tier, catalog::PriceTier::kPremium) << line;
  }
  int consumables = 0;
  for (const auto& p : catalog.products) consumables += p.product.consumable;
  EXPECT_GE(consumables, 40);
}

class DemoShape : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config_ = new DemoConfig(config_for(42, 3000));
    catalog_ = new PlannedCatalog(plan_catalog(*config_));
    customers_ = new std::vector<PlannedCustomer>(plan_all(*catalog_, *config_));
    StatsCollector collector;
    collector.add(*catalog_);
    for (const auto& c : *customers_) collector.add(c);
    stats_ = new DemoStats(collector.finish());
  }
  static void TearDownTestSuite() {
    delete stats_;
    delete customers_;
    delete catalog_;
    delete config_;
  }

  const std::string& leaf_code(std::size_t product) const {
    return catalog_->categories[catalog_->products[product].category].code;
  }

  inline static DemoConfig* config_ = nullptr;
  inline static PlannedCatalog* catalog_ = nullptr;
  inline static std::vector<PlannedCustomer>* customers_ = nullptr;
  inline static DemoStats* stats_ = nullptr;
};

TEST_F(DemoShape, RevenueIsConcentratedAndManyBuyOnce) {
  const auto& s = *stats_;
  EXPECT_EQ(s.customers, 3000);
  EXPECT_GT(s.buyers, 2300);
  EXPECT_LT(s.buyers, 2900);
  EXPECT_GE(s.top20_share, 0.60) << "top 20% share";
  EXPECT_LE(s.top20_share, 0.80) << "top 20% share";
  EXPECT_GE(s.repeat_share(), 0.30);
  EXPECT_LE(s.repeat_share(), 0.70);
  // Heterogeneous rates: some very loyal customers, and most buyers have only a few orders.
  std::map<int, int> by_count;
  int most = 0;
  for (const auto& c : *customers_) {
    int n = 0;
    for (const auto& o : c.orders) n += o.order.status != OrderStatus::kCancelled;
    if (n > 0) ++by_count[std::min(n, 10)];
    most = std::max(most, n);
  }
  EXPECT_GE(most, 20);
  EXPECT_GT(by_count[1], by_count[2]);
  EXPECT_GT(by_count[2], by_count[5]);
  EXPECT_GE(s.orders, 6000);
  EXPECT_GT(s.cancelled, s.orders / 50);
  EXPECT_LT(s.cancelled, s.orders / 15);
  EXPECT_GT(s.in_progress, 0);
  const double return_rate =
      static_cast<double>(s.returns) / static_cast<double>(s.delivered_or_returned);
  EXPECT_GE(return_rate, 0.03);
  EXPECT_LE(return_rate, 0.06);
  EXPECT_GT(s.refunded_returns, s.returns / 2);
  EXPECT_GT(s.returned_orders, 0);
}

TEST_F(DemoShape, EveryOrderAddsUpAndFollowsTheLifeCycle) {
  for (const auto& c : *customers_) {
    UnixMs previous = 0;
    for (const auto& po : c.orders) {
      const auto& o = po.order;
      SCOPED_TRACE(o.external_id.value_or("?"));
      ASSERT_FALSE(o.lines.empty());
      ASSERT_EQ(po.line_products.size(), o.lines.size());
      std::int64_t subtotal = 0;
      std::set<std::size_t> products;
      for (std::size_t i = 0; i < o.lines.size(); ++i) {
        const auto& line = o.lines[i];
        const auto& product = catalog_->products[po.line_products[i]];
        EXPECT_TRUE(products.insert(po.line_products[i]).second) << "one line per product";
        EXPECT_GE(line.quantity, 1);
        EXPECT_EQ(line.unit_price, product.product.price);
        EXPECT_EQ(line.sku, product.product.sku);
        EXPECT_EQ(line.line_total, line.quantity * line.unit_price);
        // Sold only while it was on sale (older versions before their successor took over).
        EXPECT_LE(product.available_from, o.placed_at);
        EXPECT_LT(o.placed_at, product.available_to + kMsPerDay);
        subtotal += line.line_total;
      }
      EXPECT_EQ(o.subtotal, subtotal);
      EXPECT_GE(o.discount, 0);
      EXPECT_LE(o.discount, o.subtotal);
      EXPECT_GE(o.shipping, 0);
      EXPECT_EQ(o.tax, 0) << "prices include taxes";
      EXPECT_EQ(o.total, o.subtotal - o.discount + o.shipping + o.tax);
      EXPECT_EQ(o.currency, "USD");
      EXPECT_GE(o.placed_at, c.customer.created_at);
      EXPECT_GT(o.placed_at, previous) << "orders oldest first";
      previous = o.placed_at;
      // History: starts placed at placed_at, legal transitions, in time order, before now.
      ASSERT_FALSE(o.history.empty());
      EXPECT_EQ(o.history.front().status, OrderStatus::kPlaced);
      EXPECT_EQ(o.history.front().at, o.placed_at);
      for (std::size_t i = 1; i < o.history.size(); ++i) {
        EXPECT_TRUE(orders::can_transition(o.history[i - 1].status, o.history[i].status))
            << wire::enum_name(o.history[i - 1].status) << " -> "
            << wire::enum_name(o.history[i].status);
        EXPECT_GE(o.history[i].at, o.history[i - 1].at);
      }
      EXPECT_LT(o.history.back().at, kNow);
      EXPECT_EQ(o.status, o.history.back().status);
      EXPECT_EQ(o.updated_at, o.history.back().at);
      const bool shipped = std::any_of(o.history.begin(), o.history.end(), [](const auto& h) {
        return h.status == OrderStatus::kShipped;
      });
      EXPECT_EQ(shipped, !o.carrier.empty());
      if (shipped && o.channel != orders::Channel::kStore) {
        EXPECT_FALSE(o.tracking_number.empty());
      }
      // Returns: from delivered orders, quantities within the lines, refund = goods returned.
      std::map<std::size_t, std::int64_t> back;
      bool settled = false;
      for (const auto& r : po.returns) {
        EXPECT_TRUE(o.status == OrderStatus::kDelivered || o.status == OrderStatus::kReturned);
        EXPECT_LT(r.ret.updated_at, kNow);
        EXPECT_GE(r.ret.updated_at, r.ret.created_at);
        std::int64_t refund = 0;
        for (std::size_t i = 0; i < r.ret.lines.size(); ++i) {
          const auto& line = o.lines.at(r.line_indexes[i]);
          back[r.line_indexes[i]] += r.ret.lines[i].quantity;
          EXPECT_EQ(r.ret.lines[i].amount, r.ret.lines[i].quantity * line.unit_price);
          refund += r.ret.lines[i].amount;
        }
        EXPECT_EQ(r.ret.refund_amount, refund);
        settled |=
            r.ret.status == ReturnStatus::kReceived || r.ret.status == ReturnStatus::kRefunded;
      }
      bool everything_back = !po.returns.empty();
      for (std::size_t i = 0; i < o.lines.size(); ++i) {
        EXPECT_LE(back[i], o.lines[i].quantity);
        everything_back &= back[i] == o.lines[i].quantity;
      }
      EXPECT_EQ(o.status == OrderStatus::kReturned, everything_back && settled);
    }
  }
}

TEST_F(DemoShape, CustomersAreValidAndVaried) {
  std::set<std::string> external_ids;
  std::map<std::string, int> types, languages;
  int referred = 0, duplicates = 0, contact_duplicates = 0, chinese = 0, with_anniversary = 0,
      with_company = 0;
  for (const auto& p : *customers_) {
    const auto& c = p.customer;
    ASSERT_TRUE(c.external_id.has_value());
    EXPECT_TRUE(external_ids.insert(*c.external_id).second);
    EXPECT_FALSE(c.name.empty());
    EXPECT_TRUE(c.email || c.phone);
    if (c.email) {
      EXPECT_TRUE(customers::normalize_email(*c.email).ok()) << *c.email;
      EXPECT_TRUE(c.email_normalized->ends_with(".example")) << "never a real mailbox";
    }
    if (c.phone) {
      EXPECT_TRUE(customers::normalize_phone(*c.phone).ok()) << *c.phone;
    }
    if (c.birthday) {
      EXPECT_TRUE(parse_date(*c.birthday).has_value()) << *c.birthday;
    }
    for (const auto& a : c.anniversaries) {
      auto date = parse_date(a.date);
      ASSERT_TRUE(date.has_value()) << a.date;
      EXPECT_LT(*date, kNow);
    }
    EXPECT_GE(c.created_at, kNow - kHistoryDays * kMsPerDay);
    EXPECT_LT(c.created_at, kNow);
    EXPECT_TRUE(std::is_sorted(c.tags.begin(), c.tags.end()));
    ++types[std::string(wire::enum_name(c.type))];
    ++languages[c.language];
    if (c.type == customers::CustomerType::kBusiness) {
      EXPECT_FALSE(c.company.empty());
      EXPECT_TRUE(c.employee_count.has_value());
    }
    with_company += !c.company.empty();
    with_anniversary += !c.anniversaries.empty();
    chinese += static_cast<unsigned char>(c.name[0]) >= 0x80;
    if (p.referrer) {
      ++referred;
      EXPECT_LT(*p.referrer, p.index);
      EXPECT_LE((*customers_)[*p.referrer].customer.created_at, c.created_at);
    }
    if (p.duplicate_of) {
      ++duplicates;
      const auto& original = (*customers_)[*p.duplicate_of].customer;
      const bool same_email = c.email_normalized && c.email_normalized == original.email_normalized;
      const bool same_phone = c.phone_normalized && c.phone_normalized == original.phone_normalized;
      const bool same_name_city =
          c.name_key == original.name_key && c.city_key == original.city_key;
      // Always the same name and city; often also the same e-mail (spelt differently) or
      // the same phone number (written differently).
      EXPECT_TRUE(same_name_city) << c.name;
      contact_duplicates += same_email || same_phone;
      if (same_email) {
        EXPECT_NE(c.email, original.email) << "a different spelling";
      }
      if (same_phone) {
        EXPECT_NE(c.phone, original.phone) << "written differently";
      }
    }
  }
  EXPECT_GT(types["home"], 2400);
  EXPECT_GT(types["business"], 120);
  EXPECT_GT(types["education"], 20);
  EXPECT_GT(types["government"], 15);
  EXPECT_GT(languages["zh-CN"], 700);
  EXPECT_GT(languages["en"], 1200);
  EXPECT_GT(chinese, 1000);
  EXPECT_LT(chinese, 2000);
  EXPECT_NEAR(referred, 300, 60);
  EXPECT_GE(duplicates, 4);
  EXPECT_LE(duplicates, 30);
  EXPECT_GE(contact_duplicates, duplicates / 2);
  EXPECT_GT(with_anniversary, 200);
  EXPECT_GT(with_company, 300);

  // Apart from the deliberate duplicates, e-mail addresses and phone numbers rarely collide.
  std::map<std::string, int> emails, phones;
  for (const auto& p : *customers_) {
    if (p.duplicate_of) continue;
    if (p.customer.email_normalized) ++emails[*p.customer.email_normalized];
    if (p.customer.phone_normalized) ++phones[*p.customer.phone_normalized];
  }
  int shared = 0;
  for (const auto& [k, n] : emails) shared += n > 1;
  for (const auto& [k, n] : phones) shared += n > 1;
  EXPECT_LE(shared, 5);
}

TEST_F(DemoShape, BasketsHaveStructure) {
  // Complements: laptops come with a mouse, keyboard or bag; baby bottles with formula or
  // diapers — far more often than those items appear in orders overall.
  auto rate = [&](std::string_view given, std::set<std::string_view> then) {
    int with_given = 0, with_both = 0, with_then = 0, all = 0;
    for (const auto& c : *customers_) {
      for (const auto& o : c.orders) {
        bool g = false, t = false;
        for (auto product : o.line_products) {
          g |= leaf_code(product) == given;
          t |= then.count(leaf_code(product)) > 0;
        }
        ++all;
        with_given += g;
        with_then += t;
        with_both += g && t;
      }
    }
    return std::pair{static_cast<double>(with_both) / std::max(1, with_given),
                     static_cast<double>(with_then) / std::max(1, all)};
  };
  auto [laptop_addon, addon_base] = rate("LAP", {"MKB", "BAG"});
  EXPECT_GT(laptop_addon, 0.45);
  EXPECT_GT(laptop_addon, 4 * addon_base);
  auto [bottle_food, food_base] = rate("BOT", {"FRM", "DIA"});
  EXPECT_GT(bottle_food, 0.5);
  EXPECT_GT(bottle_food, 3 * food_base);
  auto [camera_card, card_base] = rate("CAM", {"MEM"});
  EXPECT_GT(camera_card, 0.4);
  EXPECT_GT(camera_card, 5 * card_base);
}

TEST_F(DemoShape, PremiumBuyersStayPremiumAcrossDepartments) {
  // Among customers who bought a laptop, desktop or phone and also cameras or home theatre,
  // those whose computer or phone was premium buy premium cameras and home theatre far more
  // often than those whose computer or phone was budget.
  const std::set<std::string> anchor = {"LAP", "DSK", "PHN"};
  const std::set<std::string> other = {"CAM", "LEN", "TVS", "SND", "PRJ", "AVR", "HPH"};
  int premium_buyers = 0, premium_then_premium = 0, budget_buyers = 0, budget_then_premium = 0;
  for (const auto& c : *customers_) {
    std::set<catalog::PriceTier> anchor_tiers, other_tiers;
    for (const auto& o : c.orders) {
      for (auto product : o.line_products) {
        const auto tier = catalog_->products[product].product.price_tier;
        if (anchor.count(leaf_code(product))) anchor_tiers.insert(tier);
        if (other.count(leaf_code(product))) other_tiers.insert(tier);
      }
    }
    if (anchor_tiers.size() != 1 || other_tiers.empty()) continue;
    const bool premium_other = other_tiers.count(catalog::PriceTier::kPremium) > 0;
    if (*anchor_tiers.begin() == catalog::PriceTier::kPremium) {
      ++premium_buyers;
      premium_then_premium += premium_other;
    } else if (*anchor_tiers.begin() == catalog::PriceTier::kBudget) {
      ++budget_buyers;
      budget_then_premium += premium_other;
    }
  }
  ASSERT_GE(premium_buyers, 30);
  ASSERT_GE(budget_buyers, 30);
  const double premium_rate = static_cast<double>(premium_then_premium) / premium_buyers;
  const double budget_rate = static_cast<double>(budget_then_premium) / budget_buyers;
  EXPECT_GT(premium_rate, 0.6);
  EXPECT_GT(premium_rate, 2 * budget_rate) << premium_rate << " vs " << budget_rate;
}

TEST_F(DemoShape, ConsumablesAreReboughtAtTheirInterval) {
  // Gaps between successive orders of the same consumable by the same customer cluster around
  // the product's repurchase interval.
  std::vector<double> ratios;
  for (const auto& c : *customers_) {
    std::map<std::size_t, UnixMs> last;
    for (const auto& o : c.orders) {
      for (auto product : o.line_products) {
        const auto& p = catalog_->products[product].product;
        if (!p.consumable) continue;
        if (auto it = last.find(product); it != last.end()) {
          ratios.push_back(static_cast<double>(o.order.placed_at - it->second) /
                           (static_cast<double>(*p.repurchase_days) * kMsPerDay));
        }
        last[product] = o.order.placed_at;
      }
    }
  }
  ASSERT_GE(ratios.size(), 1000u);
  std::sort(ratios.begin(), ratios.end());
  const double median = ratios[ratios.size() / 2];
  EXPECT_GT(median, 0.8);
  EXPECT_LT(median, 1.3);
}

TEST_F(DemoShape, EveryOnlineOrderOfTheTrafficWindowIsBoughtOnTheSite) {
  const UnixMs window_start = config_->now - kTrafficDays * kMsPerDay;
  std::int64_t online = 0, purchases = 0, identified_devices = 0, anonymous_devices = 0;
  std::int64_t recovered = 0;
  std::set<std::string> ids, devices;
  for (const auto& c : *customers_) {
    std::map<std::size_t, int> bought;  // order position -> purchase events
    for (const auto& v : c.visitors) {
      EXPECT_TRUE(ids.insert(v.anonymous_id).second) << "anonymous ids are unique";
      EXPECT_EQ(v.anonymous_id.size(), 22u);
      devices.insert(v.device);
      ASSERT_FALSE(v.events.empty());
      bool identified = false;
      for (std::size_t i = 0; i < v.events.size(); ++i) {
        const auto& e = v.events[i];
        if (i > 0) {
          EXPECT_LE(v.events[i - 1].ts, e.ts) << "events in time order";
        }
        EXPECT_LT(e.ts, config_->now);
        EXPECT_GE(e.ts, window_start - kMsPerDay);
        // Products are shown and put in carts while they are on sale (an old one may still be
        // taken out of a cart).
        if (e.type == events::EventType::kProductView || e.type == events::EventType::kAddToCart) {
          const auto& p = catalog_->products.at(*e.product);
          EXPECT_TRUE(p.available_from <= e.ts && e.ts < p.available_to)
              << p.product.sku << " at " << e.ts;
        }
        if (e.type == events::EventType::kIdentify) {
          EXPECT_EQ(e.text, *c.customer.external_id);
          identified = true;
        }
        if (e.type == events::EventType::kPurchase) {
          ASSERT_TRUE(e.order.has_value());
          const auto& order = c.orders.at(*e.order).order;
          EXPECT_EQ(e.ts, order.placed_at) << "the purchase is the order being placed";
          EXPECT_TRUE(identified) << "a buyer signs in before paying";
          if (order.channel == orders::Channel::kApp) {
            EXPECT_EQ(v.device, "mobile");
          }
          ++bought[*e.order];
        }
      }
      (identified ? identified_devices : anonymous_devices) += 1;

      // A cart left and carried on (the tracker's recovered cart) is only ever bought as the
      // order it was filled for: what was left is among what is bought.
      std::set<std::size_t> cart, carried;
      UnixMs updated = 0;
      for (const auto& e : v.events) {
        using T = events::EventType;
        if (e.type != T::kAddToCart && e.type != T::kRemoveFromCart && e.type != T::kCheckoutStep &&
            e.type != T::kPurchase) {
          continue;
        }
        if (!cart.empty() && e.ts > updated + kCartAbandonAfter) carried = cart;
        updated = e.ts;
        if (e.type == T::kAddToCart) cart.insert(*e.product);
        if (e.type == T::kRemoveFromCart) cart.erase(*e.product);
        if (e.type == T::kPurchase) {
          const auto& lines = c.orders.at(*e.order).line_products;
          for (std::size_t product : carried) {
            EXPECT_NE(std::find(lines.begin(), lines.end(), product), lines.end())
                << "a recovered cart holds what " << *c.orders.at(*e.order).order.external_id
                << " bought";
            ++recovered;
          }
          cart.clear();
          carried.clear();
        }
      }
    }
    for (std::size_t i = 0; i < c.orders.size(); ++i) {
      const auto& o = c.orders[i].order;
      const bool expected = o.placed_at >= window_start && (o.channel == orders::Channel::kWeb ||
                                                            o.channel == orders::Channel::kApp);
      online += expected;
      EXPECT_EQ(bought.count(i) ? bought[i] : 0, expected ? 1 : 0)
          << *o.external_id << " (" << wire::enum_name(o.channel) << ")";
    }
    purchases += static_cast<std::int64_t>(bought.size());
  }
  EXPECT_GE(online, 300);
  EXPECT_EQ(purchases, online);
  EXPECT_GT(recovered, online / 20) << "some carts are left and bought later";
  EXPECT_EQ(devices, (std::set<std::string>{"desktop", "mobile", "tablet"}));
  // Customers sign in on most of their devices, not on all.
  EXPECT_GT(identified_devices, 3 * anonymous_devices);
  EXPECT_GT(anonymous_devices, 0);
}

TEST_F(DemoShape, AnonymousTrafficMakesThreeQuartersOfCartsAbandoned) {
  CartTally carts;
  for (const auto& c : *customers_) {
    for (const auto& v : c.visitors) tally_carts(v, config_->now, carts);
  }
  std::int64_t customer_purchased = 0, customer_abandoned = 0;
  for (std::size_t d = 0; d < carts.purchased.size(); ++d) {
    customer_purchased += carts.purchased[d];
    customer_abandoned += carts.abandoned[d];
  }
  ASSERT_GT(customer_purchased, 300);
  EXPECT_GT(customer_abandoned, customer_purchased / 20) << "customers leave carts too";
  EXPECT_LT(customer_abandoned, customer_purchased) << "but fewer than they buy";

  const auto days = anonymous_traffic(carts);
  ASSERT_EQ(days.size(), static_cast<std::size_t>(kTrafficDays));
  CustomerPlanner planner(*catalog_, *config_);
  std::set<std::string> campaigns, referrers;
  std::int64_t visitors = 0;
  for (std::int64_t day = 0; day < kTrafficDays; ++day) {
    const auto& traffic = days[static_cast<std::size_t>(day)];
    EXPECT_GE(traffic.browsers, 10);
    const auto anonymous = planner.plan_anonymous(day, traffic);
    visitors += static_cast<std::int64_t>(anonymous.size());
    for (const auto& v : anonymous) {
      tally_carts(v, config_->now, carts);
      for (const auto& e : v.events) {
        EXPECT_NE(e.type, events::EventType::kIdentify);
        EXPECT_NE(e.type, events::EventType::kPurchase);
        if (auto at = e.url.find("utm_campaign="); at != std::string::npos) {
          campaigns.insert(e.url.substr(at + 13));
        }
        if (!e.referrer.empty()) referrers.insert(e.referrer);
      }
    }
    if (day == 45) {
      // A day's visitors are the same when planned again.
      const auto again = planner.plan_anonymous(day, traffic);
      ASSERT_EQ(again.size(), anonymous.size());
      for (std::size_t i = 0; i < again.size(); ++i) {
        EXPECT_EQ(visitor_fingerprint(again[i]), visitor_fingerprint(anonymous[i]));
      }
    }
  }
  EXPECT_GT(visitors, 5 * customer_purchased);
  EXPECT_LT(visitors, 10 * customer_purchased);
  EXPECT_GE(campaigns.size(), 4u);
  EXPECT_GE(referrers.size(), 5u);
  std::int64_t purchased = 0, abandoned = 0;
  for (std::size_t d = 0; d < carts.purchased.size(); ++d) {
    purchased += carts.purchased[d];
    abandoned += carts.abandoned[d];
  }
  EXPECT_EQ(purchased, customer_purchased) << "anonymous visitors do not buy";
  const double rate = static_cast<double>(abandoned) / static_cast<double>(abandoned + purchased);
  EXPECT_NEAR(rate, kAbandonedShare, 0.01);
}

TEST(DemoTraffic, ALargeShopTracksASampleOfItsCustomers) {
  // 10,000 of 100,000 customers are tracked: about one in ten buyers online has traffic.
  const auto config = config_for(42, 100'000);
  const auto catalog = plan_catalog(config);
  CustomerPlanner planner(catalog, config);
  const UnixMs window_start = config.now - kTrafficDays * kMsPerDay;
  int online = 0, tracked = 0;
  for (std::int64_t i = 90'000; i < 96'000; ++i) {
    const auto c = planner.plan(i);
    const bool bought_online = std::any_of(c.orders.begin(), c.orders.end(), [&](const auto& o) {
      return o.order.placed_at >= window_start &&
             (o.order.channel == orders::Channel::kWeb || o.order.channel == orders::Channel::kApp);
    });
    if (!bought_online) continue;
    ++online;
    tracked += !c.visitors.empty();
  }
  ASSERT_GT(online, 300);
  EXPECT_NEAR(static_cast<double>(tracked) / online, 0.1, 0.04);
}

TEST(DemoTraffic, CartTallyFollowsTheTracker) {
  const UnixMs now = kNow;
  const UnixMs hour = 60 * 60 * 1000;
  const UnixMs t0 = now - 10 * kMsPerDay;
  auto event = [](events::EventType type, UnixMs ts, std::size_t product = 0,
                  std::int64_t quantity = 1) {
    PlannedEvent e;
    e.type = type;
    e.ts = ts;
    e.product = product;
    e.quantity = quantity;
    return e;
  };
  using T = events::EventType;
  PlannedVisitor v;
  v.events = {
      event(T::kAddToCart, t0, 1),                   // a cart
      event(T::kCheckoutStep, t0 + 10 * 60 * 1000),  // its last change
      event(T::kAddToCart, t0 + 3 * hour, 2),        // too late: abandoned, carried on
      event(T::kRemoveFromCart, t0 + 3 * hour + 1, 1),
      event(T::kPurchase, t0 + 3 * hour + 2),                // the carried cart is bought
      event(T::kCheckoutStep, t0 + 4 * hour),                // no cart: nothing
      event(T::kAddToCart, t0 + 2 * kMsPerDay, 3),           // a cart left open
      event(T::kRemoveFromCart, t0 + 2 * kMsPerDay + 1, 3),  // emptied: not abandoned
      event(T::kAddToCart, t0 + 5 * kMsPerDay, 4),           // an open cart at the end: abandoned
  };
  CartTally tally;
  tally_carts(v, now, tally);
  const auto day = [&](UnixMs at) {
    return static_cast<std::size_t>((at - (now - kTrafficDays * kMsPerDay)) / kMsPerDay);
  };
  std::vector<std::int64_t> purchased(kTrafficDays), abandoned(kTrafficDays);
  purchased[day(t0 + 3 * hour + 2)] += 1;
  abandoned[day(t0 + 10 * 60 * 1000 + hour)] += 1;
  abandoned[day(t0 + 5 * kMsPerDay + hour)] += 1;
  EXPECT_EQ(tally.purchased, purchased);
  EXPECT_EQ(tally.abandoned, abandoned);

  // Anonymous carts make up the rest of the share, day by day as the totals run.
  CartTally customers;
  customers.purchased[0] = 10;
  customers.abandoned[0] = 40;  // more than the share: the next days make up for it
  customers.purchased[1] = 10;
  customers.purchased[2] = 200;
  const auto days = anonymous_traffic(customers);
  EXPECT_EQ(days[0].abandoned_carts, 0);
  EXPECT_EQ(days[1].abandoned_carts, 20);  // 3 × 20 - 40
  EXPECT_EQ(days[2].abandoned_carts, 600);
  EXPECT_EQ(days[0].browsers, 30);
  EXPECT_EQ(days[3].browsers, 10);
  EXPECT_EQ(days[2].browsers, 400);  // capped
}

}  // namespace
}  // namespace ecrm::demo
