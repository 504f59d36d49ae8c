// The SQL of the shop's day: aggregate reads of other capabilities' tables (orders, customers,
// customer_scores and analytics_models, carts, messages and message_events, automation_flows,
// flow_enrolments, campaigns and tickets). home writes nothing. Every statement is a named constant in
// repo.cpp; every method takes the connection to run on, so one read transaction serves a page.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "home/model.hpp"
#include "storage/database.hpp"

namespace ecrm::home {

using storage::Connection;

// Orders placed in a span (not cancelled), per currency.
struct CurrencyTotal {
  std::string currency;
  std::int64_t orders = 0;
  std::int64_t revenue = 0;
};

// Carts closed in a span, per kind and currency.
struct ClosedCarts {
  bool purchased = false;
  bool recovered = false;  // carried on from a cart left earlier
  std::string currency;
  std::int64_t carts = 0;
  std::int64_t value = 0;
};

struct NamedCount {
  std::string name;
  std::int64_t count = 0;
};

class HomeRepo {
 public:
  // Spans are [from, to).
  Result<std::vector<CurrencyTotal>> order_totals(Connection& c, UnixMs from, UnixMs to);
  // Customers with an order in the span, and of them those who had ordered before it.
  Result<std::pair<std::int64_t, std::int64_t>> buyers(Connection& c, UnixMs from, UnixMs to);
  Result<std::int64_t> signups(Connection& c, UnixMs from, UnixMs to);
  Result<std::int64_t> customers(Connection& c);
  // Scored customers per tier, and the span's buyers per tier.
  Result<std::vector<NamedCount>> tiers(Connection& c);
  Result<std::vector<NamedCount>> tier_buyers(Connection& c, UnixMs from, UnixMs to);
  Result<std::optional<UnixMs>> scored_at(Connection& c);
  // Carts with items closed in the span: purchased, abandoned, or open with no change for
  // `abandon_after` (closing then) when that is before `now`.
  Result<std::vector<ClosedCarts>> closed_carts(Connection& c, UnixMs from, UnixMs to,
                                                UnixMs abandon_after, UnixMs now);
  // Messages with an event of each kind (sent, open, click, reply, bounce) in the span.
  Result<std::vector<NamedCount>> message_events(Connection& c, UnixMs from, UnixMs to);
  Result<std::int64_t> queued_messages(Connection& c);
  Result<AutomationSection> automation(Connection& c, UnixMs week_from, UnixMs to);
  // The inbox at `at`: tickets due by `breaching_until` are breaching; opened since `today_from`.
  Result<ServiceSection> service(Connection& c, UnixMs at, UnixMs breaching_until,
                                 UnixMs today_from);
};

}  // namespace ecrm::home
