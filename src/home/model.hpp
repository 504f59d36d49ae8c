// The shop's day as the home page shows it: sales, customers, loyalty tiers, carts, messages and
// automation, each a section that is present only for callers holding its scope. Money is in
// integer minor units of the section's currency. Described once for the wire
// (core/describe.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::home {

// GET /api/v1/home: the moment the day is shown for (default now).
struct HomeQuery {
  std::optional<UnixMs> at;
};
ECRM_DESCRIBE(HomeQuery, at)
ECRM_WIRE_RULES(HomeQuery,
                rule(&HomeQuery::at, {.format = "date-time", .description = "default: now"}))

// The spans a section compares, in the shop's time zone: today so far; this week (today and
// the six days before, up to `at`); last week (the same seven days a week earlier, up to the
// same time of day, so that a morning is compared with a morning).
struct Spans {
  UnixMs at = 0;
  UnixMs today_from = 0;      // midnight of today
  UnixMs week_from = 0;       // midnight six days before today
  UnixMs last_week_from = 0;  // week_from - 7 days
  UnixMs last_week_to = 0;    // at - 7 days
};
ECRM_DESCRIBE(Spans, at, today_from, week_from, last_week_from, last_week_to)

// Orders placed in a span (not cancelled) and their totals.
struct SalesFigures {
  std::int64_t orders = 0;             // in any currency
  std::int64_t revenue = 0;            // totals of the orders in the section's currency
  std::int64_t first_time_buyers = 0;  // customers whose first order it was
  std::int64_t returning_buyers = 0;   // customers who had ordered before
};
ECRM_DESCRIBE(SalesFigures, orders, revenue, first_time_buyers, returning_buyers)

// One day of the week-against-last-week chart.
struct SalesDay {
  UnixMs day = 0;  // its midnight in the shop's time zone
  std::int64_t orders = 0;
  std::int64_t revenue = 0;
};
ECRM_DESCRIBE(SalesDay, day, orders, revenue)

// Scope orders:read.
struct SalesSection {
  // The currency of most orders in the two weeks ('' without orders); revenue is in it, and
  // `other_currencies` lists the currencies of orders it leaves out.
  std::string currency;
  std::vector<std::string> other_currencies;
  SalesFigures today;
  SalesFigures this_week;
  SalesFigures last_week;
  std::vector<SalesDay> days;            // this week's seven days, oldest first (today so far)
  std::vector<SalesDay> last_week_days;  // the seven days a week earlier, whole days
};
ECRM_DESCRIBE(SalesSection, currency, other_currencies, today, this_week, last_week, days,
              last_week_days)

// Customers who signed up in a span (merged-away duplicates left out).
struct SignupFigures {
  std::int64_t today = 0;
  std::int64_t this_week = 0;
  std::int64_t last_week = 0;
};
ECRM_DESCRIBE(SignupFigures, today, this_week, last_week)

// Scope customers:read.
struct CustomersSection {
  std::int64_t total = 0;  // customers in the archive (not merged away)
  SignupFigures signups;
};
ECRM_DESCRIBE(CustomersSection, total, signups)

// A loyalty tier now, and how many of this week's buyers are in it.
struct TierCount {
  std::string tier;  // very_loyal | loyal | occasional
  std::int64_t customers = 0;
  std::int64_t buyers_this_week = 0;
};
ECRM_DESCRIBE(TierCount, tier, customers, buyers_this_week)

// Scope analytics:read. The scores keep no history of tiers, so the section shows the tiers
// as the last scoring left them, and this week's buyers by tier.
struct TiersSection {
  std::vector<TierCount> tiers;     // very_loyal, loyal, occasional
  std::int64_t unscored = 0;        // customers without scores
  std::optional<UnixMs> scored_at;  // when the last recomputation fitted its model
};
ECRM_DESCRIBE(TiersSection, tiers, unscored, scored_at)

// Carts closed in a span.
struct CartFigures {
  std::int64_t abandoned = 0;  // left (past the abandonment limit)
  std::int64_t purchased = 0;
  std::int64_t recovered = 0;        // purchased, carried on from a cart left earlier
  std::int64_t lost_value = 0;       // of the abandoned, in the section's currency
  std::int64_t recovered_value = 0;  // of the recovered
};
ECRM_DESCRIBE(CartFigures, abandoned, purchased, recovered, lost_value, recovered_value)

// Scope visitors:read.
struct CartsSection {
  std::string currency;  // of most carts closed in the two weeks ('' without any)
  CartFigures today;
  CartFigures this_week;
  CartFigures last_week;
};
ECRM_DESCRIBE(CartsSection, currency, today, this_week, last_week)

// Messages in a span, by what happened to them then.
struct MessageFigures {
  std::int64_t sent = 0;
  std::int64_t opened = 0;  // messages opened (once each)
  std::int64_t clicked = 0;
  std::int64_t replied = 0;
  std::int64_t bounced = 0;
};
ECRM_DESCRIBE(MessageFigures, sent, opened, clicked, replied, bounced)

// Scope marketing:read.
struct MessagesSection {
  std::int64_t queued = 0;  // waiting to be sent now
  MessageFigures today;
  MessageFigures this_week;
  MessageFigures last_week;
};
ECRM_DESCRIBE(MessagesSection, queued, today, this_week, last_week)

// Scope marketing:read.
struct AutomationSection {
  std::int64_t flows = 0;
  std::int64_t flows_enabled = 0;
  std::int64_t enrolments_waiting = 0;   // customers part-way through a flow
  std::int64_t campaigns_scheduled = 0;  // to go out later
  std::int64_t campaigns_sent_this_week = 0;
};
ECRM_DESCRIBE(AutomationSection, flows, flows_enabled, enrolments_waiting, campaigns_scheduled,
              campaigns_sent_this_week)

// Scope service:read: the tickets in the inbox (new, open, pending, on hold) as `at` sees them.
struct ServiceSection {
  std::int64_t active = 0;
  std::int64_t unassigned = 0;
  std::int64_t breaching = 0;   // a running SLA target due within the hour or late
  std::int64_t breached = 0;    // missed a target (recorded, or a due time passed)
  std::int64_t opened_today = 0;
};
ECRM_DESCRIBE(ServiceSection, active, unassigned, breaching, breached, opened_today)

struct ShopDay {
  std::string time_zone;  // the shop's (IANA; '' the server's)
  Spans spans;
  std::optional<SalesSection> sales;
  std::optional<CustomersSection> customers;
  std::optional<TiersSection> tiers;
  std::optional<CartsSection> carts;
  std::optional<MessagesSection> messages;
  std::optional<AutomationSection> automation;
  std::optional<ServiceSection> service;
};
ECRM_DESCRIBE(ShopDay, time_zone, spans, sales, customers, tiers, carts, messages, automation,
              service)

// The scope each section needs.
inline constexpr const char* kSalesScope = "orders:read";
inline constexpr const char* kCustomersScope = "customers:read";
inline constexpr const char* kTiersScope = "analytics:read";
inline constexpr const char* kCartsScope = "visitors:read";
inline constexpr const char* kMessagesScope = "marketing:read";
inline constexpr const char* kAutomationScope = "marketing:read";
inline constexpr const char* kServiceScope = "service:read";

}  // namespace ecrm::home
