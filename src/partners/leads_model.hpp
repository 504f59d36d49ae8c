// Partner leads, described for the wire (core/describe.hpp): B2B enquiries, the rules that route
// them to partners, and what a partner answers. Money in integer minor units; times unix
// milliseconds.
//
// A lead's life cycle:
//   new -> routed (automatically when a rule matches, else by staff)
//   routed -> accepted | declined (the partner), routed -> expired (not accepted in time)
//   accepted -> won | lost (the partner)
//   new | routed | declined | expired -> routed (staff route it, to the same or another partner)
// Anything else is a 409 invalid_transition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::partners {

inline constexpr std::size_t kMaxLeadText = 200;
inline constexpr std::size_t kMaxLeadMessage = 4000;
inline constexpr std::int64_t kMaxLeadQuantity = 1'000'000'000;
inline constexpr std::int64_t kMaxLeadValue = 1'000'000'000'000;
inline constexpr std::size_t kMaxRuleItems = 100;
inline constexpr std::int64_t kMaxRulePriority = 1000;

enum class LeadStatus { kNew, kRouted, kAccepted, kDeclined, kWon, kLost, kExpired };
ECRM_DESCRIBE_ENUM(LeadStatus, kNew, kRouted, kAccepted, kDeclined, kWon, kLost, kExpired)

enum class LeadSource { kWebForm, kStaff, kApi };
ECRM_DESCRIBE_ENUM(LeadSource, kWebForm, kStaff, kApi)

struct Lead {
  std::int64_t id = 0;
  std::string company;
  std::string contact_name;
  std::string email;
  std::string phone;
  std::string country;
  std::string region;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> product_id;
  std::int64_t quantity = 0;
  std::int64_t estimated_value = 0;
  std::string currency;
  std::string message;
  LeadSource source = LeadSource::kStaff;
  LeadStatus status = LeadStatus::kNew;
  std::optional<std::int64_t> partner_id;
  UnixMs created_at = 0;
  std::optional<UnixMs> routed_at;
  std::optional<UnixMs> responded_at;
  std::optional<UnixMs> closed_at;
  std::string decline_reason;
  std::string lost_reason;
  std::optional<std::int64_t> won_value;
  UnixMs updated_at = 0;
  // Whole days since the lead was routed to its partner (while routed), and whether that is
  // past the time a partner has to accept it (the serve command's --lead-accept-days).
  std::optional<std::int64_t> waiting_days;
  bool overdue = false;
};
ECRM_DESCRIBE(Lead, id, company, contact_name, email, phone, country, region, category_id,
              product_id, quantity, estimated_value, currency, message, source, status, partner_id,
              created_at, routed_at, responded_at, closed_at, decline_reason, lost_reason,
              won_value, updated_at, waiting_days, overdue)
ECRM_WIRE_RULES(Lead, rule(&Lead::estimated_value, {.description = "minor units of currency"}),
                rule(&Lead::won_value, {.description = "minor units of currency"}))

// A new lead, from staff, an API key or the public enquiry form.
struct LeadInput {
  std::optional<std::string> company;
  std::string contact_name;
  std::optional<std::string> email;  // an e-mail address or a phone number is required
  std::optional<std::string> phone;
  std::optional<std::string> country;
  std::optional<std::string> region;
  std::optional<std::int64_t> category_id;  // the catalog's; else the product's
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> quantity;
  std::optional<std::int64_t> estimated_value;
  std::optional<std::string> currency;  // required with an estimated value
  std::optional<std::string> message;
};
ECRM_DESCRIBE(LeadInput, company, contact_name, email, phone, country, region, category_id,
              product_id, quantity, estimated_value, currency, message)
ECRM_WIRE_RULES(LeadInput, rule(&LeadInput::company, {.max_length = kMaxLeadText}),
                rule(&LeadInput::contact_name, {.max_length = kMaxLeadText}),
                rule(&LeadInput::email, {.max_length = kMaxLeadText}),
                rule(&LeadInput::phone, {.max_length = kMaxLeadText}),
                rule(&LeadInput::country, {.max_length = 2}),
                rule(&LeadInput::region, {.max_length = kMaxLeadText}),
                rule(&LeadInput::quantity, {.minimum = 0, .maximum = kMaxLeadQuantity}),
                rule(&LeadInput::estimated_value, {.minimum = 0,
                                                   .maximum = kMaxLeadValue,
                                                   .description = "minor units of currency"}),
                rule(&LeadInput::currency, {.max_length = 3}),
                rule(&LeadInput::message, {.max_length = kMaxLeadMessage}))

// Staff's change to a lead's details (not its status: that moves by routing and the partner's
// answers).
struct LeadChanges {
  std::optional<std::string> company;
  std::optional<std::string> contact_name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> country;
  std::optional<std::string> region;
  std::optional<std::optional<std::int64_t>> category_id;
  std::optional<std::optional<std::int64_t>> product_id;
  std::optional<std::int64_t> quantity;
  std::optional<std::int64_t> estimated_value;
  std::optional<std::string> currency;
  std::optional<std::string> message;
};
ECRM_DESCRIBE(LeadChanges, company, contact_name, email, phone, country, region, category_id,
              product_id, quantity, estimated_value, currency, message)
ECRM_WIRE_RULES(LeadChanges, rule(&LeadChanges::company, {.max_length = kMaxLeadText}),
                rule(&LeadChanges::contact_name, {.max_length = kMaxLeadText}),
                rule(&LeadChanges::email, {.max_length = kMaxLeadText}),
                rule(&LeadChanges::phone, {.max_length = kMaxLeadText}),
                rule(&LeadChanges::country, {.max_length = 2}),
                rule(&LeadChanges::region, {.max_length = kMaxLeadText}),
                rule(&LeadChanges::quantity, {.minimum = 0, .maximum = kMaxLeadQuantity}),
                rule(&LeadChanges::estimated_value, {.minimum = 0,
                                                     .maximum = kMaxLeadValue,
                                                     .description = "minor units of currency"}),
                rule(&LeadChanges::currency, {.max_length = 3}),
                rule(&LeadChanges::message, {.max_length = kMaxLeadMessage}))

// Staff's list of leads.
struct LeadQuery {
  std::optional<LeadStatus> status;
  std::optional<std::int64_t> partner_id;
  std::optional<std::int64_t> category_id;
  std::optional<std::string> country;
  std::optional<bool> overdue;  // routed and waiting past the time to accept
};
ECRM_DESCRIBE(LeadQuery, status, partner_id, category_id, country, overdue)
ECRM_WIRE_RULES(LeadQuery, rule(&LeadQuery::country, {.max_length = 2}))

// A partner's list of its own leads.
struct PartnerLeadQuery {
  std::optional<LeadStatus> status;
};
ECRM_DESCRIBE(PartnerLeadQuery, status)

struct LeadRouteInput {
  std::int64_t partner_id = 0;
};
ECRM_DESCRIBE(LeadRouteInput, partner_id)

struct LeadDeclineInput {
  std::string reason;
};
ECRM_DESCRIBE(LeadDeclineInput, reason)
ECRM_WIRE_RULES(LeadDeclineInput, rule(&LeadDeclineInput::reason, {.max_length = kMaxLeadText}))

struct LeadWonInput {
  std::int64_t value = 0;
};
ECRM_DESCRIBE(LeadWonInput, value)
ECRM_WIRE_RULES(LeadWonInput, rule(&LeadWonInput::value, {.minimum = 0,
                                                          .maximum = kMaxLeadValue,
                                                          .description = "minor units of the "
                                                                         "lead's currency"}))

struct LeadLostInput {
  std::string reason;
};
ECRM_DESCRIBE(LeadLostInput, reason)
ECRM_WIRE_RULES(LeadLostInput, rule(&LeadLostInput::reason, {.max_length = kMaxLeadText}))

// What the public enquiry form's sender is told: the enquiry arrived (not where it went).
struct LeadReceipt {
  std::int64_t id = 0;
  UnixMs received_at = 0;
};
ECRM_DESCRIBE(LeadReceipt, id, received_at)

// The leads that expired in one run (POST /api/v1/leads/expire).
struct LeadExpiry {
  std::int64_t expired = 0;
  std::int64_t accept_within_days = 0;
};
ECRM_DESCRIBE(LeadExpiry, expired, accept_within_days)

// Which leads a partner receives. Empty lists match any lead.
struct LeadRule {
  std::int64_t id = 0;
  std::int64_t partner_id = 0;
  std::vector<std::string> countries;
  std::vector<std::string> regions;
  std::vector<std::int64_t> category_ids;
  std::int64_t priority = 0;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(LeadRule, id, partner_id, countries, regions, category_ids, priority, created_at,
              updated_at)

struct LeadRuleInput {
  std::vector<std::string> countries;
  std::vector<std::string> regions;
  std::vector<std::int64_t> category_ids;
  std::optional<std::int64_t> priority;
};
ECRM_DESCRIBE(LeadRuleInput, countries, regions, category_ids, priority)
ECRM_WIRE_RULES(LeadRuleInput, rule(&LeadRuleInput::countries, {.max_length = kMaxRuleItems}),
                rule(&LeadRuleInput::regions, {.max_length = kMaxRuleItems}),
                rule(&LeadRuleInput::category_ids, {.max_length = kMaxRuleItems}),
                rule(&LeadRuleInput::priority, {.minimum = 0, .maximum = kMaxRulePriority}))

struct LeadRuleChanges {
  std::optional<std::vector<std::string>> countries;
  std::optional<std::vector<std::string>> regions;
  std::optional<std::vector<std::int64_t>> category_ids;
  std::optional<std::int64_t> priority;
};
ECRM_DESCRIBE(LeadRuleChanges, countries, regions, category_ids, priority)
ECRM_WIRE_RULES(LeadRuleChanges,
                rule(&LeadRuleChanges::countries, {.max_length = kMaxRuleItems}),
                rule(&LeadRuleChanges::regions, {.max_length = kMaxRuleItems}),
                rule(&LeadRuleChanges::category_ids, {.max_length = kMaxRuleItems}),
                rule(&LeadRuleChanges::priority, {.minimum = 0, .maximum = kMaxRulePriority}))

}  // namespace ecrm::partners
