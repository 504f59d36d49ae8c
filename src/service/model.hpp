// Service's records: interactions (every contact on every channel), tickets with their SLA
// clocks, business hours, SLA policies, macros and service contracts, described for the wire
// (core/describe.hpp). Enumerators are stored and cross the wire by their wire names. Times on
// the ticket's wire views are ISO-8601 UTC text ("2026-10-08T01:00:00Z"); money is an integer
// count of minor units.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::service {

// Lengths that are part of the contract.
inline constexpr std::size_t kMaxSubject = 300;
inline constexpr std::size_t kMaxContent = 200'000;
inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxAddress = 320;
inline constexpr std::size_t kMaxTag = 60;

enum class Channel { kWebForm, kEmail, kPhone, kChat, kFax, kSocial, kInPerson, kNote };
ECRM_DESCRIBE_ENUM(Channel, kWebForm, kEmail, kPhone, kChat, kFax, kSocial, kInPerson, kNote)

// inbound: from the customer; outbound: to them; internal: a note staff keep to themselves.
enum class Direction { kInbound, kOutbound, kInternal };
ECRM_DESCRIBE_ENUM(Direction, kInbound, kOutbound, kInternal)

enum class TicketStatus { kNew, kOpen, kPending, kOnHold, kSolved, kClosed };
ECRM_DESCRIBE_ENUM(TicketStatus, kNew, kOpen, kPending, kOnHold, kSolved, kClosed)

// The ticket life cycle:
//   new -> open | pending | on_hold | solved | closed
//   open -> pending | on_hold | solved | closed
//   pending -> open | on_hold | solved | closed      (pending: waiting on the customer)
//   on_hold -> open | pending | solved | closed      (on hold: waiting on a third party)
//   solved -> open | closed                          (the customer came back, or confirmed)
// closed is final.
bool can_transition(TicketStatus from, TicketStatus to);
std::vector<TicketStatus> next_statuses(TicketStatus from);
// new, open, pending and on_hold: the ticket is in the inbox.
bool is_active(TicketStatus status);

enum class Priority { kLow, kNormal, kHigh, kUrgent };
ECRM_DESCRIBE_ENUM(Priority, kLow, kNormal, kHigh, kUrgent)

enum class Entitlement { kFree, kPaid };
ECRM_DESCRIBE_ENUM(Entitlement, kFree, kPaid)

enum class QuoteStatus { kNone, kProposed, kAccepted, kDeclined };
ECRM_DESCRIBE_ENUM(QuoteStatus, kNone, kProposed, kAccepted, kDeclined)

// The SLA targets a ticket can miss.
enum class SlaTarget { kFirstResponse, kNextResponse, kResolution };
ECRM_DESCRIBE_ENUM(SlaTarget, kFirstResponse, kNextResponse, kResolution)

// ---------------------------------------------------------------------------------------------
// Interactions

struct Interaction {
  std::int64_t id = 0;
  std::optional<std::int64_t> customer_id;  // null until the sender is matched
  Channel channel = Channel::kEmail;
  Direction direction = Direction::kInbound;
  std::optional<std::int64_t> agent_id;
  std::optional<std::int64_t> ticket_id;
  UnixMs occurred_at = 0;
  std::optional<std::int64_t> duration_seconds;
  std::string subject;
  std::string content;
  std::string from_address;
  std::string to_address;
  std::optional<std::string> external_ref;  // the PBX's call id, the social network's message id
  std::optional<std::string> message_id;    // RFC 5322 Message-ID of an e-mail, no brackets
  std::optional<std::int64_t> outbox_message_id;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Interaction, id, customer_id, channel, direction, agent_id, ticket_id, occurred_at,
              duration_seconds, subject, content, from_address, to_address, external_ref,
              message_id, outbox_message_id, created_at)
ECRM_WIRE_RULES(Interaction, rule(&Interaction::occurred_at, {.format = "date-time"}),
                rule(&Interaction::created_at, {.format = "date-time"}))

// A contact to record (staff, a PBX/CTI, a social webhook, the mail and chat owners). Without
// customer_id the sender is matched by from_address (an e-mail address, else phone digits), or
// a new lead is made when `create_lead` and an address is given.
struct InteractionInput {
  std::optional<std::int64_t> customer_id;
  Channel channel = Channel::kPhone;
  std::optional<Direction> direction;    // default inbound
  std::optional<std::int64_t> agent_id;  // default: the staff user calling
  std::optional<std::int64_t> ticket_id;
  std::optional<UnixMs> occurred_at;     // default: now
  std::optional<std::int64_t> duration_seconds;
  std::optional<std::string> subject;
  std::optional<std::string> content;
  std::optional<std::string> from_address;
  std::optional<std::string> to_address;
  std::optional<std::string> external_ref;
  std::optional<std::string> message_id;
  std::optional<std::string> name;       // the sender's name for a new lead
  std::optional<bool> create_lead;       // default true
};
ECRM_DESCRIBE(InteractionInput, customer_id, channel, direction, agent_id, ticket_id, occurred_at,
              duration_seconds, subject, content, from_address, to_address, external_ref,
              message_id, name, create_lead)
ECRM_WIRE_RULES(InteractionInput, rule(&InteractionInput::occurred_at, {.format = "date-time"}),
                rule(&InteractionInput::duration_seconds, {.minimum = 0, .maximum = 86400 * 7}),
                rule(&InteractionInput::subject, {.max_length = kMaxSubject}),
                rule(&InteractionInput::content, {.max_length = kMaxContent}),
                rule(&InteractionInput::from_address, {.max_length = kMaxAddress}),
                rule(&InteractionInput::to_address, {.max_length = kMaxAddress}),
                rule(&InteractionInput::external_ref, {.max_length = 200}),
                rule(&InteractionInput::message_id, {.max_length = 998}),
                rule(&InteractionInput::name, {.max_length = kMaxName}))

struct InteractionQuery {
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> ticket_id;
  std::optional<Channel> channel;
};
ECRM_DESCRIBE(InteractionQuery, customer_id, ticket_id, channel)

// ---------------------------------------------------------------------------------------------
// Tickets

// A ticket as stored. Times are unix ms; the wire view is TicketView.
struct Ticket {
  std::int64_t id = 0;
  std::string token;  // T123-k7q2mz
  std::optional<std::int64_t> customer_id;
  std::string subject;
  TicketStatus status = TicketStatus::kNew;
  Priority priority = Priority::kNormal;
  std::string category;
  Channel channel = Channel::kWebForm;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> assignee_id;
  std::string team;
  std::optional<std::int64_t> source_interaction_id;
  std::optional<std::int64_t> created_by;
  std::optional<std::int64_t> sla_policy_id;
  std::optional<UnixMs> first_response_due;
  std::optional<UnixMs> next_response_due;
  std::optional<UnixMs> resolution_due;
  std::optional<UnixMs> first_response_at;
  std::optional<UnixMs> paused_at;
  std::optional<UnixMs> next_due_at;
  std::optional<UnixMs> sla_check_at;  // when the breach worker next has something to do
  std::vector<SlaTarget> warned;
  std::vector<SlaTarget> breached;
  std::optional<UnixMs> solved_at;
  std::optional<UnixMs> closed_at;
  Entitlement entitlement = Entitlement::kPaid;
  std::string entitlement_reason;
  std::optional<std::int64_t> quote_amount;
  std::optional<std::string> quote_currency;
  QuoteStatus quote_status = QuoteStatus::kNone;
  std::string quote_note;
  std::optional<UnixMs> quote_at;
  std::optional<UnixMs> quote_answered_at;
  std::optional<std::int64_t> merged_into;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::vector<std::string> tags;       // filled when the whole ticket is read
  std::vector<std::int64_t> followers;
  std::vector<std::string> cc;
};

// The subject tag of a ticket's mail: "[#T123-k7q2mz]".
std::string subject_tag(const Ticket& ticket);

struct SlaView {
  std::optional<std::string> first_response_due;  // ISO-8601 UTC
  std::optional<std::string> next_response_due;
  std::optional<std::string> resolution_due;
  std::optional<std::string> first_response_at;
  bool paused = false;  // pending: the resolution clock is stopped
  std::optional<std::int64_t> policy_id;
  std::vector<SlaTarget> breached;
  std::vector<SlaTarget> warned;
};
ECRM_DESCRIBE(SlaView, first_response_due, next_response_due, resolution_due, first_response_at,
              paused, policy_id, breached, warned)

struct QuoteView {
  QuoteStatus status = QuoteStatus::kNone;
  std::optional<std::int64_t> amount;  // minor units of currency
  std::optional<std::string> currency;
  std::string note;
  std::optional<std::string> proposed_at;
  std::optional<std::string> answered_at;
};
ECRM_DESCRIBE(QuoteView, status, amount, currency, note, proposed_at, answered_at)

// A ticket as listed.
struct TicketSummary {
  std::int64_t id = 0;
  std::string token;
  std::optional<std::int64_t> customer_id;
  std::string subject;
  TicketStatus status = TicketStatus::kNew;
  Priority priority = Priority::kNormal;
  std::string category;
  Channel channel = Channel::kWebForm;
  std::optional<std::int64_t> assignee_id;
  std::string team;
  Entitlement entitlement = Entitlement::kPaid;
  std::optional<std::int64_t> merged_into;
  std::string created_at;  // ISO-8601 UTC
  std::string updated_at;
  SlaView sla;
};
ECRM_DESCRIBE(TicketSummary, id, token, customer_id, subject, status, priority, category, channel,
              assignee_id, team, entitlement, merged_into, created_at, updated_at, sla)

// The whole ticket as the API answers it.
struct TicketView : TicketSummary {
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> source_interaction_id;
  std::optional<std::int64_t> created_by;
  std::string entitlement_reason;
  QuoteView quote;
  std::vector<std::string> tags;
  std::vector<std::int64_t> followers;
  std::vector<std::string> cc;
  std::optional<std::string> solved_at;
  std::optional<std::string> closed_at;
  std::vector<TicketStatus> next_statuses;
};
ECRM_DESCRIBE_DERIVED(TicketView, TicketSummary, product_id, order_id, source_interaction_id,
                      created_by, entitlement_reason, quote, tags, followers, cc, solved_at,
                      closed_at, next_statuses)

TicketSummary ticket_summary(const Ticket& ticket);
TicketView ticket_view(const Ticket& ticket);

// A ticket opened by staff, the portal or the API (the first message is its body).
struct TicketInput {
  std::optional<std::int64_t> customer_id;
  std::string subject;
  std::optional<std::string> body;
  std::optional<Channel> channel;  // default web_form
  std::optional<Priority> priority;  // default normal
  std::optional<std::string> category;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::string> team;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<std::string>> cc;
  std::optional<std::string> from_address;  // who wrote it (default the customer's e-mail)
  std::optional<std::string> message_id;    // the first message's RFC Message-ID (e-mail)
  // When the customer got in touch (a call logged afterwards); default now. The SLA counts from
  // it.
  std::optional<UnixMs> opened_at;
};
ECRM_DESCRIBE(TicketInput, customer_id, subject, body, channel, priority, category, product_id,
              order_id, assignee_id, team, tags, cc, from_address, message_id, opened_at)
ECRM_WIRE_RULES(TicketInput, rule(&TicketInput::subject, {.max_length = kMaxSubject}),
                rule(&TicketInput::opened_at,
                     {.format = "date-time", .description = "default now; not in the future"}),
                rule(&TicketInput::body, {.max_length = kMaxContent}),
                rule(&TicketInput::category, {.max_length = kMaxTag}),
                rule(&TicketInput::team, {.max_length = kMaxTag}),
                rule(&TicketInput::tags, {.max_length = 50}),
                rule(&TicketInput::cc, {.max_length = 50}),
                rule(&TicketInput::from_address, {.max_length = kMaxAddress}),
                rule(&TicketInput::message_id, {.max_length = 998}))

// A change to a ticket's fields (absent keeps; null clears where it may).
struct TicketPatch {
  std::optional<std::string> subject;
  std::optional<TicketStatus> status;
  std::optional<Priority> priority;
  std::optional<std::string> category;
  std::optional<std::optional<std::int64_t>> product_id;
  std::optional<std::optional<std::int64_t>> order_id;
  std::optional<std::optional<std::int64_t>> assignee_id;
  std::optional<std::string> team;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<std::int64_t>> followers;
  std::optional<std::vector<std::string>> cc;
  std::optional<std::optional<std::int64_t>> customer_id;
};
ECRM_DESCRIBE(TicketPatch, subject, status, priority, category, product_id, order_id, assignee_id,
              team, tags, followers, cc, customer_id)
ECRM_WIRE_RULES(TicketPatch, rule(&TicketPatch::subject, {.max_length = kMaxSubject}),
                rule(&TicketPatch::category, {.max_length = kMaxTag}),
                rule(&TicketPatch::team, {.max_length = kMaxTag}),
                rule(&TicketPatch::tags, {.max_length = 50}),
                rule(&TicketPatch::cc, {.max_length = 50}))

// The inbox views: mine (assigned to the caller, active), unassigned (active), breaching (active
// with a running target due within the next `breaching_within` minutes or already late, soonest
// first).
enum class InboxView { kAll, kMine, kUnassigned, kBreaching };
ECRM_DESCRIBE_ENUM(InboxView, kAll, kMine, kUnassigned, kBreaching)

struct TicketQuery {
  std::optional<std::int64_t> customer_id;
  std::optional<TicketStatus> status;
  std::optional<std::int64_t> assignee;
  std::optional<Priority> priority;
  std::optional<std::string> team;
  std::optional<InboxView> view;
  std::optional<bool> active;  // only tickets in the inbox (new, open, pending, on_hold)
  std::optional<Channel> channel;
};
ECRM_DESCRIBE(TicketQuery, customer_id, status, assignee, priority, team, view, active, channel)
ECRM_WIRE_RULES(TicketQuery, rule(&TicketQuery::team, {.max_length = kMaxTag}),
                rule(&TicketQuery::assignee, {.description = "a staff user's id"}))

// An agent's answer: a public reply is mailed to the customer (and its CC) through the outbox;
// an internal note never leaves.
struct ReplyInput {
  std::string body;
  std::optional<bool> internal;  // default false
  std::optional<TicketStatus> status;  // set with the reply (e.g. pending, solved)
  std::optional<std::int64_t> macro_id;  // apply a macro's actions with the reply
};
ECRM_DESCRIBE(ReplyInput, body, internal, status, macro_id)
ECRM_WIRE_RULES(ReplyInput, rule(&ReplyInput::body, {.max_length = kMaxContent}))

struct ReplyResult {
  Interaction interaction;
  std::optional<std::int64_t> outbox_message_id;
  TicketView ticket;
};
ECRM_DESCRIBE(ReplyResult, interaction, outbox_message_id, ticket)

struct TicketEvent {
  std::int64_t id = 0;
  std::int64_t ticket_id = 0;
  std::string kind;  // created, status, priority, assignee, sla_warning, sla_breach, escalated, …
  std::string actor;
  std::string detail;  // JSON object text
  UnixMs at = 0;
};
ECRM_DESCRIBE(TicketEvent, id, ticket_id, kind, actor, detail, at)
ECRM_WIRE_RULES(TicketEvent, rule(&TicketEvent::at, {.format = "date-time"}))

// Merge `ticket` into `into`: its conversation, followers, CC and Message-IDs move; it is closed
// with a pointer to `into`.
struct MergeInput {
  std::int64_t into = 0;
};
ECRM_DESCRIBE(MergeInput, into)

// Split an interaction of the ticket off into a new ticket.
struct SplitInput {
  std::int64_t interaction_id = 0;
  std::optional<std::string> subject;
};
ECRM_DESCRIBE(SplitInput, interaction_id, subject)
ECRM_WIRE_RULES(SplitInput, rule(&SplitInput::subject, {.max_length = kMaxSubject}))

struct QuoteInput {
  std::int64_t amount = 0;  // minor units
  std::string currency;
  std::optional<std::string> note;
};
ECRM_DESCRIBE(QuoteInput, amount, currency, note)
ECRM_WIRE_RULES(QuoteInput, rule(&QuoteInput::amount, {.minimum = 0, .description = "minor units"}),
                rule(&QuoteInput::currency, {.max_length = 3}),
                rule(&QuoteInput::note, {.max_length = 2000}))

// ---------------------------------------------------------------------------------------------
// Business hours and SLA policies

// {"timezone": "Asia/Shanghai", "week": {"mon": [["09:00","18:00"]], ...}, "holidays": [...]}
struct BusinessHoursInput {
  std::string timezone;
  std::map<std::string, std::vector<std::vector<std::string>>> week;
  std::optional<std::vector<std::string>> holidays;  // YYYY-MM-DD
};
ECRM_DESCRIBE(BusinessHoursInput, timezone, week, holidays)
ECRM_WIRE_RULES(BusinessHoursInput, rule(&BusinessHoursInput::timezone, {.max_length = 64}),
                rule(&BusinessHoursInput::holidays, {.max_length = 1000}))

struct BusinessHours {
  std::string timezone;
  std::map<std::string, std::vector<std::vector<std::string>>> week;
  std::vector<std::string> holidays;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(BusinessHours, timezone, week, holidays, updated_at)
ECRM_WIRE_RULES(BusinessHours, rule(&BusinessHours::updated_at, {.format = "date-time"}))

struct SlaMatch {
  std::optional<Priority> priority;
  std::optional<std::string> category;
  std::optional<std::string> tier;  // very_loyal | loyal | occasional
};
ECRM_DESCRIBE(SlaMatch, priority, category, tier)
ECRM_WIRE_RULES(SlaMatch, rule(&SlaMatch::category, {.max_length = kMaxTag}),
                rule(&SlaMatch::tier, {.max_length = 40}))

struct SlaPolicyInput {
  std::string name;
  std::optional<SlaMatch> match;
  std::optional<std::int64_t> position;  // default: after the last
  std::optional<std::int64_t> first_response_minutes;
  std::optional<std::int64_t> next_response_minutes;
  std::optional<std::int64_t> resolution_minutes;
  std::optional<std::int64_t> warn_before_minutes;  // default 30
  std::optional<std::int64_t> escalate_to;          // a staff user to reassign to at breach
  std::optional<std::string> escalate_team;
  std::optional<bool> raise_priority;               // one step up at breach
  std::optional<bool> notify_followers;             // default true
  std::optional<bool> active;                       // default true
};
ECRM_DESCRIBE(SlaPolicyInput, name, match, position, first_response_minutes,
              next_response_minutes, resolution_minutes, warn_before_minutes, escalate_to,
              escalate_team, raise_priority, notify_followers, active)
ECRM_WIRE_RULES(SlaPolicyInput, rule(&SlaPolicyInput::name, {.max_length = kMaxName}),
                rule(&SlaPolicyInput::first_response_minutes, {.minimum = 1, .maximum = 525600}),
                rule(&SlaPolicyInput::next_response_minutes, {.minimum = 1, .maximum = 525600}),
                rule(&SlaPolicyInput::resolution_minutes, {.minimum = 1, .maximum = 525600}),
                rule(&SlaPolicyInput::warn_before_minutes, {.minimum = 0, .maximum = 10080}),
                rule(&SlaPolicyInput::escalate_team, {.max_length = kMaxTag}))

struct SlaPolicy {
  std::int64_t id = 0;
  std::string name;
  std::int64_t position = 0;
  SlaMatch match;
  std::optional<std::int64_t> first_response_minutes;
  std::optional<std::int64_t> next_response_minutes;
  std::optional<std::int64_t> resolution_minutes;
  std::int64_t warn_before_minutes = 30;
  std::optional<std::int64_t> escalate_to;
  std::optional<std::string> escalate_team;
  bool raise_priority = false;
  bool notify_followers = true;
  bool active = true;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(SlaPolicy, id, name, position, match, first_response_minutes, next_response_minutes,
              resolution_minutes, warn_before_minutes, escalate_to, escalate_team, raise_priority,
              notify_followers, active, created_at, updated_at)
ECRM_WIRE_RULES(SlaPolicy, rule(&SlaPolicy::created_at, {.format = "date-time"}),
                rule(&SlaPolicy::updated_at, {.format = "date-time"}))

// ---------------------------------------------------------------------------------------------
// Macros, contracts

struct MacroActions {
  std::optional<TicketStatus> status;
  std::optional<Priority> priority;
  std::optional<std::vector<std::string>> add_tags;
  std::optional<std::vector<std::string>> remove_tags;
  std::optional<std::optional<std::int64_t>> assignee_id;
};
ECRM_DESCRIBE(MacroActions, status, priority, add_tags, remove_tags, assignee_id)

struct MacroInput {
  std::string name;
  std::optional<std::string> body;
  std::optional<bool> public_reply;  // default true
  std::optional<MacroActions> actions;
};
ECRM_DESCRIBE(MacroInput, name, body, public_reply, actions)
ECRM_WIRE_RULES(MacroInput, rule(&MacroInput::name, {.max_length = kMaxName}),
                rule(&MacroInput::body, {.max_length = 20000}))

struct Macro {
  std::int64_t id = 0;
  std::string name;
  std::string body;
  bool public_reply = true;
  MacroActions actions;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Macro, id, name, body, public_reply, actions, created_at, updated_at)

struct ServiceContractInput {
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> product_id;  // none: covers everything
  std::optional<std::string> reference;
  std::string starts_on;  // YYYY-MM-DD, inclusive
  std::string ends_on;    // YYYY-MM-DD, inclusive
};
ECRM_DESCRIBE(ServiceContractInput, customer_id, product_id, reference, starts_on, ends_on)
ECRM_WIRE_RULES(ServiceContractInput, rule(&ServiceContractInput::reference, {.max_length = 100}),
                rule(&ServiceContractInput::starts_on, {.format = "date"}),
                rule(&ServiceContractInput::ends_on, {.format = "date"}))

struct ServiceContract {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::optional<std::int64_t> product_id;
  std::string reference;
  std::string starts_on;
  std::string ends_on;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(ServiceContract, id, customer_id, product_id, reference, starts_on, ends_on,
              created_at)

// What the home page shows of service.
struct ServiceSummary {
  std::int64_t active = 0;       // tickets in the inbox
  std::int64_t unassigned = 0;
  std::int64_t breaching = 0;    // a running target due within the hour or late
  std::int64_t breached = 0;     // active tickets that missed a target
};
ECRM_DESCRIBE(ServiceSummary, active, unassigned, breaching, breached)

}  // namespace ecrm::service
