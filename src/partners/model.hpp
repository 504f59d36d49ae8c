// Partners' records, described for the wire (core/describe.hpp): partner organisations, their
// contacts and users, the products and categories they supply at a cost and lead time, order
// routing, the order lines a partner sees (with no more of the customer than shipping needs),
// and scorecards. Money in integer minor units; times unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::partners {

inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxText = 200;
inline constexpr std::int64_t kMaxLeadTimeDays = 365;
inline constexpr std::int64_t kMaxStock = 1'000'000'000;
inline constexpr std::int64_t kMaxCost = 1'000'000'000'000;

enum class PartnerKind { kSupplier, kDistributor, kWholesaler, kReseller, kCarrier };
ECRM_DESCRIBE_ENUM(PartnerKind, kSupplier, kDistributor, kWholesaler, kReseller, kCarrier)

enum class PartnerRole { kPartnerAdmin, kPartnerStaff };
ECRM_DESCRIBE_ENUM(PartnerRole, kPartnerAdmin, kPartnerStaff)

// Where a partner's order line stands: routed to it, acknowledged, shipped.
enum class LineState { kOpen, kAcknowledged, kShipped };
ECRM_DESCRIBE_ENUM(LineState, kOpen, kAcknowledged, kShipped)

struct PartnerContact {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::string phone;
  std::string position;
};
ECRM_DESCRIBE(PartnerContact, id, name, email, phone, position)

struct PartnerContactInput {
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> position;
};
ECRM_DESCRIBE(PartnerContactInput, name, email, phone, position)
ECRM_WIRE_RULES(PartnerContactInput, rule(&PartnerContactInput::name, {.max_length = kMaxName}),
                rule(&PartnerContactInput::email, {.max_length = kMaxText}),
                rule(&PartnerContactInput::phone, {.max_length = kMaxText}),
                rule(&PartnerContactInput::position, {.max_length = kMaxText}))

struct Partner {
  std::int64_t id = 0;
  std::string name;
  PartnerKind kind = PartnerKind::kSupplier;
  std::string email;
  std::string phone;
  std::string country;
  std::int64_t lead_time_days = 7;
  bool active = true;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::vector<PartnerContact> contacts;
};
ECRM_DESCRIBE(Partner, id, name, kind, email, phone, country, lead_time_days, active, created_at,
              updated_at, contacts)

struct PartnerInput {
  std::string name;
  PartnerKind kind = PartnerKind::kSupplier;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> country;
  std::optional<std::int64_t> lead_time_days;
  std::vector<PartnerContactInput> contacts;
};
ECRM_DESCRIBE(PartnerInput, name, kind, email, phone, country, lead_time_days, contacts)
ECRM_WIRE_RULES(PartnerInput, rule(&PartnerInput::name, {.max_length = kMaxName}),
                rule(&PartnerInput::email, {.max_length = kMaxText}),
                rule(&PartnerInput::phone, {.max_length = kMaxText}),
                rule(&PartnerInput::country, {.max_length = 2}),
                rule(&PartnerInput::lead_time_days, {.minimum = 0, .maximum = kMaxLeadTimeDays}),
                rule(&PartnerInput::contacts, {.max_length = 50}))

struct PartnerChanges {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> country;
  std::optional<std::int64_t> lead_time_days;
  std::optional<bool> active;
};
ECRM_DESCRIBE(PartnerChanges, name, email, phone, country, lead_time_days, active)
ECRM_WIRE_RULES(PartnerChanges, rule(&PartnerChanges::name, {.max_length = kMaxName}),
                rule(&PartnerChanges::email, {.max_length = kMaxText}),
                rule(&PartnerChanges::phone, {.max_length = kMaxText}),
                rule(&PartnerChanges::country, {.max_length = 2}),
                rule(&PartnerChanges::lead_time_days, {.minimum = 0, .maximum = kMaxLeadTimeDays}))

struct PartnerQuery {
  std::optional<PartnerKind> kind;
};
ECRM_DESCRIBE(PartnerQuery, kind)

struct PartnerUser {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::string email;
  std::string name;
  PartnerRole role = PartnerRole::kPartnerStaff;
  bool active = true;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(PartnerUser, id, partner_id, email, name, role, active, created_at)

struct PartnerUserInput {
  std::string email;
  std::string name;
  PartnerRole role = PartnerRole::kPartnerStaff;
};
ECRM_DESCRIBE(PartnerUserInput, email, name, role)
ECRM_WIRE_RULES(PartnerUserInput, rule(&PartnerUserInput::email, {.max_length = kMaxText}),
                rule(&PartnerUserInput::name, {.max_length = kMaxName}))

// Staff's change to a partner user: the role, or deactivation (which ends the user's sessions).
struct PartnerUserChanges {
  std::optional<PartnerRole> role;
  std::optional<bool> active;
};
ECRM_DESCRIBE(PartnerUserChanges, role, active)

// A sign-in link for a partner user, made by staff and handed to the user (shown once).
struct PartnerSignInLink {
  std::int64_t user_id = 0;
  std::string token;
  std::string url;
  UnixMs expires_at = 0;
};
ECRM_DESCRIBE(PartnerSignInLink, user_id, token, url, expires_at)

// A product or category a partner supplies or sells.
struct PartnerProductLink {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
  std::optional<std::string> sku;           // the product's
  std::optional<std::string> product_name;  // the product's
  std::optional<std::int64_t> stock_on_hand;
  std::int64_t cost = 0;
  std::string currency;
  std::int64_t lead_time_days = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(PartnerProductLink, id, partner_id, product_id, category_id, sku, product_name,
              stock_on_hand, cost, currency, lead_time_days, updated_at)
ECRM_WIRE_RULES(PartnerProductLink,
                rule(&PartnerProductLink::cost, {.description = "minor units of currency"}))

struct PartnerProductLinkInput {
  std::optional<std::int64_t> product_id;  // one of product_id and category_id
  std::optional<std::int64_t> category_id;
  std::int64_t cost = 0;
  std::string currency;
  std::int64_t lead_time_days = 0;
};
ECRM_DESCRIBE(PartnerProductLinkInput, product_id, category_id, cost, currency, lead_time_days)
ECRM_WIRE_RULES(PartnerProductLinkInput,
                rule(&PartnerProductLinkInput::cost,
                     {.minimum = 0, .maximum = kMaxCost, .description = "minor units of currency"}),
                rule(&PartnerProductLinkInput::currency, {.max_length = 3}),
                rule(&PartnerProductLinkInput::lead_time_days,
                     {.minimum = 0, .maximum = kMaxLeadTimeDays}))

// A partner's change to one of its own products.
struct PartnerProductUpdate {
  std::optional<std::int64_t> stock_on_hand;
  std::optional<std::int64_t> lead_time_days;
};
ECRM_DESCRIBE(PartnerProductUpdate, stock_on_hand, lead_time_days)
ECRM_WIRE_RULES(PartnerProductUpdate,
                rule(&PartnerProductUpdate::stock_on_hand, {.minimum = 0, .maximum = kMaxStock}),
                rule(&PartnerProductUpdate::lead_time_days,
                     {.minimum = 0, .maximum = kMaxLeadTimeDays}))

struct PartnerRoutingRule {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::string country;
  std::optional<std::int64_t> category_id;
};
ECRM_DESCRIBE(PartnerRoutingRule, id, partner_id, country, category_id)

struct PartnerRoutingRuleInput {
  std::optional<std::string> country;       // '' or absent: any
  std::optional<std::int64_t> category_id;  // absent: any
};
ECRM_DESCRIBE(PartnerRoutingRuleInput, country, category_id)
ECRM_WIRE_RULES(PartnerRoutingRuleInput, rule(&PartnerRoutingRuleInput::country, {.max_length = 2}))

struct PartnerOrderRouteInput {
  std::int64_t order_id = 0;
};
ECRM_DESCRIBE(PartnerOrderRouteInput, order_id)

struct PartnerOrderRoute {
  std::int64_t order_id = 0;
  std::int64_t partner_id = 0;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(PartnerOrderRoute, order_id, partner_id, created_at)

// Where to ship: the delivery name and place, nothing else of the customer.
struct PartnerDelivery {
  std::string name;
  std::string city;
  std::string country;
};
ECRM_DESCRIBE(PartnerDelivery, name, city, country)

// A part of a configured order line the partner supplies (parts.hpp): one chosen option.
struct PartnerLinePart {
  std::int64_t option_id = 0;
  std::string group_name;
  std::string sku;
  std::string name;
  std::optional<std::string> name_zh;
  std::int64_t quantity = 0;
};
ECRM_DESCRIBE(PartnerLinePart, option_id, group_name, sku, name, name_zh, quantity)

// An order line as a partner sees it.
struct PartnerLine {
  std::int64_t id = 0;  // the order line's id
  std::int64_t order_id = 0;
  std::string order_status;
  UnixMs placed_at = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  LineState state = LineState::kOpen;
  std::optional<UnixMs> acknowledged_at;
  std::optional<UnixMs> shipped_at;
  std::string carrier;
  std::string tracking_number;
  UnixMs promised_by = 0;  // placed_at + the promised lead time
  PartnerDelivery delivery;
  // The parts of a configured line the partner supplies; sku and name are then the first
  // part's when the line is not the partner's otherwise.
  std::vector<PartnerLinePart> parts;
};
ECRM_DESCRIBE(PartnerLine, id, order_id, order_status, placed_at, product_id, sku, name, quantity,
              state, acknowledged_at, shipped_at, carrier, tracking_number, promised_by, delivery,
              parts)

struct PartnerLineQuery {
  std::optional<LineState> state;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> product_id;
};
ECRM_DESCRIBE(PartnerLineQuery, state, order_id, product_id)

struct PartnerShipmentInput {
  std::string carrier;
  std::string tracking_number;
};
ECRM_DESCRIBE(PartnerShipmentInput, carrier, tracking_number)
ECRM_WIRE_RULES(PartnerShipmentInput,
                rule(&PartnerShipmentInput::carrier, {.max_length = kMaxText}),
                rule(&PartnerShipmentInput::tracking_number, {.max_length = kMaxText}))

// The signed-in partner user with their organisation.
struct PartnerMe {
  PartnerUser user;
  std::int64_t partner_id = 0;
  std::string partner_name;
  PartnerKind kind = PartnerKind::kSupplier;
  std::string csrf_token;
};
ECRM_DESCRIBE(PartnerMe, user, partner_id, partner_name, kind, csrf_token)

struct PartnerSessionInput {
  std::string token;
};
ECRM_DESCRIBE(PartnerSessionInput, token)
ECRM_WIRE_RULES(PartnerSessionInput, rule(&PartnerSessionInput::token, {.max_length = 200}))

// How a partner does, over the lines routed to it (cancelled orders left out).
struct PartnerScorecard {
  std::int64_t partner_id = 0;
  std::string partner_name;
  std::int64_t lines = 0;  // routed lines
  std::int64_t shipped_lines = 0;
  std::int64_t on_time_lines = 0;      // shipped no later than placed_at + the promised lead time
  std::optional<double> on_time_rate;  // on_time_lines / shipped_lines
  std::optional<double> lead_time_median_days;  // placed to shipped, nearest rank
  std::optional<double> lead_time_p90_days;
  std::int64_t units = 0;
  std::int64_t returned_units = 0;   // in returns that were not rejected
  std::int64_t defective_units = 0;  // of them, returned as defective or damaged
  std::optional<double> return_rate;
  std::optional<double> defect_rate;
  std::string currency;      // revenue and margin: lines in the currency of the partner's links
  std::int64_t revenue = 0;  // minor units
  std::int64_t cost = 0;     // units at the linked cost
  std::int64_t margin = 0;   // revenue - cost
  // Leads (leads_service.hpp): routings received and how they were answered.
  std::int64_t leads_received = 0;
  std::int64_t leads_accepted = 0;
  std::int64_t leads_declined = 0;
  std::int64_t leads_expired = 0;
  std::int64_t leads_won = 0;
  std::int64_t leads_lost = 0;
  std::optional<double> lead_acceptance_rate;  // accepted / (accepted + declined + expired)
  std::optional<double> lead_win_rate;         // won / (won + lost)
  std::optional<double> lead_response_median_hours;  // routed to accepted or declined
};
ECRM_DESCRIBE(PartnerScorecard, partner_id, partner_name, lines, shipped_lines, on_time_lines,
              on_time_rate, lead_time_median_days, lead_time_p90_days, units, returned_units,
              defective_units, return_rate, defect_rate, currency, revenue, cost, margin,
              leads_received, leads_accepted, leads_declined, leads_expired, leads_won,
              leads_lost, lead_acceptance_rate, lead_win_rate, lead_response_median_hours)

struct PartnerRankingQuery {
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
};
ECRM_DESCRIBE(PartnerRankingQuery, product_id, category_id)

// Suppliers of a product or category, best first, and the one suggested for purchasing.
struct PartnerRanking {
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> suggested_partner_id;
  std::vector<PartnerScorecard> items;
};
ECRM_DESCRIBE(PartnerRanking, product_id, category_id, suggested_partner_id, items)

}  // namespace ecrm::partners
