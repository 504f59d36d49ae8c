// Automation's records: flows, the care policy and what a run did.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"
#include "customers/model.hpp"

namespace ecrm::automation {

// What starts a flow.
enum class TriggerKind {
  kBirthday,             // the customer's birthday (29 February: 28 February in other years)
  kAnniversary,          // each anniversary (`anniversary_kind` narrows it to one kind)
  kFirstOrderAnniversary,
  kNewVersion,           // a new version of a product line the customer bought is released
  kCartAbandoned,        // an identified visitor's cart is abandoned
  kOrderPlaced,
  kOrderShipped,
  kOrderDelivered,
  kInactivity,           // `days` since the last order
  kTierEntered,          // `tier` entered (any tier when absent)
  kTierLeft,
  kSegmentEntered,       // `segment` entered
  kSegmentLeft,
  kPAliveBelow,          // P(alive) fell below `threshold`
  kFollowedChanged,      // a followed product or category changed (`change` narrows it)
  kManual                // staff or the API enrol customers
};
ECRM_DESCRIBE_ENUM(TriggerKind, kBirthday, kAnniversary, kFirstOrderAnniversary, kNewVersion,
                   kCartAbandoned, kOrderPlaced, kOrderShipped, kOrderDelivered, kInactivity,
                   kTierEntered, kTierLeft, kSegmentEntered, kSegmentLeft, kPAliveBelow,
                   kFollowedChanged, kManual)

// Which of the care policy's communications a care flow is (model: CarePolicy): a customer is
// enrolled only when the policy gives their tier that communication.
enum class CareKind { kCard, kRecommendations };
ECRM_DESCRIBE_ENUM(CareKind, kCard, kRecommendations)

enum class ChangeKind { kNewVersion, kBackInStock, kPriceDrop };
ECRM_DESCRIBE_ENUM(ChangeKind, kNewVersion, kBackInStock, kPriceDrop)

struct Trigger {
  TriggerKind kind = TriggerKind::kManual;
  std::optional<CareKind> care;
  std::optional<std::string> anniversary_kind;  // wedding, membership, …
  std::optional<std::int64_t> days;             // inactivity
  std::optional<double> threshold;              // p_alive_below, 0..1
  std::optional<std::string> tier;              // tier_entered / tier_left
  std::optional<std::string> segment;           // segment_entered / segment_left
  std::optional<ChangeKind> change;             // followed_changed
};
ECRM_DESCRIBE(Trigger, kind, care, anniversary_kind, days, threshold, tier, segment, change)
ECRM_WIRE_RULES(Trigger, rule(&Trigger::days, {.minimum = 1, .maximum = 3650}),
                rule(&Trigger::anniversary_kind, {.max_length = 40}))

// What a condition looks at: the customer as they are when the step runs.
enum class ConditionField {
  kTier,                // values: very_loyal, loyal, occasional
  kSegment,             // values: RFM segments
  kClv,                 // min/max, minor units
  kPAlive,              // min/max, 0..1
  kEmailConsent,        // op is_true / is_false
  kTags,                // has_any / has_none
  kCustomerType,        // values: home, business, education, government
  kLanguage,            // values
  kDaysSinceContact,    // min/max: days since the last message sent to them
  kDaysSinceOrder,      // min/max
  kBoughtProduct,       // has_any / has_none, values: SKUs
  kBoughtCategory,      // has_any / has_none, values: category names
  kTotalSpend           // min/max, minor units
};
ECRM_DESCRIBE_ENUM(ConditionField, kTier, kSegment, kClv, kPAlive, kEmailConsent, kTags,
                   kCustomerType, kLanguage, kDaysSinceContact, kDaysSinceOrder, kBoughtProduct,
                   kBoughtCategory, kTotalSpend)

enum class ConditionOp { kIn, kNotIn, kBetween, kIsTrue, kIsFalse, kHasAny, kHasNone };
ECRM_DESCRIBE_ENUM(ConditionOp, kIn, kNotIn, kBetween, kIsTrue, kIsFalse, kHasAny, kHasNone)

struct Condition {
  ConditionField field = ConditionField::kTier;
  ConditionOp op = ConditionOp::kIn;
  std::vector<std::string> values;
  std::optional<double> min;  // between: inclusive
  std::optional<double> max;  // between: inclusive
};
ECRM_DESCRIBE(Condition, field, op, values, min, max)
ECRM_WIRE_RULES(Condition, rule(&Condition::values, {.max_length = 200}))

enum class StepType { kSend, kWait, kBranch, kSplit, kTag, kTask, kWebhook, kExit };
ECRM_DESCRIBE_ENUM(StepType, kSend, kWait, kBranch, kSplit, kTag, kTask, kWebhook, kExit)

// One arm of an A/B split.
struct Variant {
  std::string name;  // "A", "B", …
  std::int64_t share = 0;  // percent of those not held out
  std::optional<std::string> next;
};
ECRM_DESCRIBE(Variant, name, share, next)
ECRM_WIRE_RULES(Variant, rule(&Variant::name, {.max_length = 40}),
                rule(&Variant::share, {.minimum = 0, .maximum = 100}))

// One step. `next` names the step that follows (by id); absent: the step after it in the list,
// null-like "end": the flow ends. Only the members of its type apply.
struct Step {
  std::string id;
  StepType type = StepType::kSend;
  std::optional<std::string> next;
  std::optional<std::string> template_key;     // send
  std::optional<double> minutes;               // wait: a delay (fractions allowed)
  std::optional<std::string> until;            // wait: until a time of day, HH:MM (shop's zone)
  std::vector<Condition> conditions;           // branch: all must hold
  std::optional<std::string> then;             // branch: when they hold
  std::optional<std::string> otherwise;        // branch: when not
  std::optional<std::int64_t> holdout_percent; // split: share held out (gets nothing)
  std::vector<Variant> variants;               // split
  std::vector<std::string> add_tags;           // tag
  std::vector<std::string> remove_tags;        // tag
  std::optional<std::string> title;            // task
  std::optional<std::int64_t> due_days;        // task
  std::optional<std::string> url;              // webhook (https, or http to this machine)
};
ECRM_DESCRIBE(Step, id, type, next, template_key, minutes, until, conditions, then, otherwise,
              holdout_percent, variants, add_tags, remove_tags, title, due_days, url)
ECRM_WIRE_RULES(Step, rule(&Step::id, {.max_length = 60}),
                rule(&Step::until, {.max_length = 5}),
                rule(&Step::holdout_percent, {.minimum = 0, .maximum = 100}),
                rule(&Step::title, {.max_length = 500}),
                rule(&Step::due_days, {.minimum = 0, .maximum = 365}),
                rule(&Step::url, {.max_length = 2000}))

// What a capped message does: wait until the cap allows it, or be dropped.
enum class OnCap { kReschedule, kDrop };
ECRM_DESCRIBE_ENUM(OnCap, kReschedule, kDrop)

struct FlowDefinition {
  Trigger trigger;
  std::vector<Condition> conditions;  // checked at enrolment: all must hold
  std::vector<Step> steps;            // the first runs at enrolment
  std::optional<bool> cancel_on_purchase;  // an order placed after the trigger ends the enrolment
  std::optional<OnCap> on_cap;             // default: reschedule
};
ECRM_DESCRIBE(FlowDefinition, trigger, conditions, steps, cancel_on_purchase, on_cap)
ECRM_WIRE_RULES(FlowDefinition, rule(&FlowDefinition::steps, {.max_length = 100}),
                rule(&FlowDefinition::conditions, {.max_length = 50}))

// A flow: what starts it, what it checks and does, and whether it runs.
struct Flow {
  std::string key;  // birthday_card, birthday_recommendations, …
  std::string name;
  std::string trigger;  // the trigger's kind (as in definition.trigger.kind)
  bool enabled = false;
  std::string description;
  FlowDefinition definition;
  UnixMs updated_at = 0;
  std::optional<UnixMs> enabled_at;  // when last turned on (internal)
};
ECRM_DESCRIBE(Flow, key, name, trigger, enabled, description, definition, updated_at)
ECRM_WIRE_RULES(Flow, rule(&Flow::updated_at, {.format = "date-time"}))

struct FlowChange {
  bool enabled = false;
};
ECRM_DESCRIBE(FlowChange, enabled)

// What staff write to create or replace a flow (the key from the path).
struct FlowInput {
  std::string name;
  std::optional<std::string> description;
  std::optional<bool> enabled;  // default: off
  FlowDefinition definition;
};
ECRM_DESCRIBE(FlowInput, name, description, enabled, definition)
ECRM_WIRE_RULES(FlowInput, rule(&FlowInput::name, {.max_length = 200}),
                rule(&FlowInput::description, {.max_length = 2000}))

// POST /api/v1/automation/flows/{key}/enrol: the manual or API trigger.
struct EnrolRequest {
  std::vector<std::int64_t> customer_ids;
  std::optional<std::string> occurrence;  // enrol once per occurrence (default: now)
};
ECRM_DESCRIBE(EnrolRequest, customer_ids, occurrence)
ECRM_WIRE_RULES(EnrolRequest, rule(&EnrolRequest::customer_ids, {.max_length = 10000}),
                rule(&EnrolRequest::occurrence, {.max_length = 200}))

struct EnrolResult {
  std::int64_t enrolled = 0;  // new enrolments
  std::int64_t skipped = 0;   // enrolled before for the occurrence, or failing the conditions
};
ECRM_DESCRIBE(EnrolResult, enrolled, skipped)

// How a flow is doing: its enrolments by status and its messages by status.
struct FlowStats {
  std::string key;
  std::map<std::string, std::int64_t> enrolments;  // waiting, done, cancelled, holdout
  std::map<std::string, std::int64_t> messages;    // queued, sent, failed, suppressed, …
  std::map<std::string, std::int64_t> events;      // open, click, reply, unsubscribe, bounce
};
ECRM_DESCRIBE(FlowStats, key, enrolments, messages, events)

struct EnrolmentQuery {
  std::optional<std::int64_t> customer_id;
};
ECRM_DESCRIBE(EnrolmentQuery, customer_id)

// An enrolment as the API shows it.
struct Enrolment {
  std::int64_t id = 0;
  std::string flow_key;
  std::int64_t customer_id = 0;
  std::string occurrence;
  std::string status;  // waiting | done | cancelled | holdout
  std::optional<std::string> step;
  std::optional<UnixMs> next_at;
  std::string variant;
  std::string reason;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Enrolment, id, flow_key, customer_id, occurrence, status, step, next_at, variant,
              reason, created_at)

// The care policy: per loyalty tier, whether it gets greeting cards (with new-product
// recommendations in them) and whether it gets recommendation mails. A very loyal customer with
// both gets the card; one with recommendations only gets the recommendations mail.
struct PolicyRow {
  std::string tier;  // very_loyal | loyal | occasional
  bool card = false;
  bool recommendations = false;
};
ECRM_DESCRIBE(PolicyRow, tier, card, recommendations)

struct CarePolicy {
  std::vector<PolicyRow> tiers;
};
ECRM_DESCRIBE(CarePolicy, tiers)

// A run of the date-triggered flows for one day.
struct RunRequest {
  std::string date;  // YYYY-MM-DD, a day in the shop's time zone
};
ECRM_DESCRIBE(RunRequest, date)
ECRM_WIRE_RULES(RunRequest, rule(&RunRequest::date, {.format = "date"}))

struct RunSummary {
  std::string date;
  std::int64_t enrolled = 0;  // new enrolments (a rerun of the day adds none)
  std::int64_t queued = 0;    // messages queued by them
  std::map<std::string, std::int64_t> by_flow;

  // Counts one enrolment of `flow` with its queued message.
  void add(const std::string& flow) {
    ++enrolled;
    ++queued;
    ++by_flow[flow];
  }
};
ECRM_DESCRIBE(RunSummary, date, enrolled, queued, by_flow)

// A new version of a product line released: every earlier buyer of the line is told what is
// better and how to upgrade.
struct Release {
  std::int64_t product_id = 0;                // the new version (its line and version number)
  std::string notes;                          // what is better
  std::optional<std::int64_t> upgrade_price;  // minor units of the product's currency
};
ECRM_DESCRIBE(Release, product_id, notes, upgrade_price)
ECRM_WIRE_RULES(Release, rule(&Release::notes, {.max_length = 5000}),
                rule(&Release::upgrade_price, {.minimum = 0, .description = "minor units"}))

struct WebhookSecret {
  std::string secret;  // X-Ecrm-Signature: v1=hex(HMAC-SHA-256(secret, timestamp + "." + body))
};
ECRM_DESCRIBE(WebhookSecret, secret)

// A customer following a product or a category: told when it changes (a new version, back in
// stock, a price drop) by the flows with a followed_changed trigger.
enum class FollowKind { kProduct, kCategory };
ECRM_DESCRIBE_ENUM(FollowKind, kProduct, kCategory)

struct Follow {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  FollowKind target_kind = FollowKind::kProduct;
  std::int64_t target_id = 0;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Follow, id, customer_id, target_kind, target_id, created_at)
ECRM_WIRE_RULES(Follow, rule(&Follow::created_at, {.format = "date-time"}))

struct FollowInput {
  std::int64_t customer_id = 0;
  FollowKind target_kind = FollowKind::kProduct;
  std::int64_t target_id = 0;
};
ECRM_DESCRIBE(FollowInput, customer_id, target_kind, target_id)

// A campaign: one template sent once to the customers a customer-list filter finds, with a
// share held out (sent nothing) to measure what the campaign changed.
enum class CampaignStatus { kDraft, kScheduled, kSent, kCancelled };
ECRM_DESCRIBE_ENUM(CampaignStatus, kDraft, kScheduled, kSent, kCancelled)

struct CampaignInput {
  std::string name;
  std::string template_key;
  customers::CustomerQuery audience;
  std::optional<std::int64_t> holdout_percent;  // default 0
  std::optional<std::int64_t> conversion_days;  // default 7: an order within them converts
  std::optional<UnixMs> scheduled_at;  // absent: a draft, sent with POST …/send
};
ECRM_DESCRIBE(CampaignInput, name, template_key, audience, holdout_percent, conversion_days,
              scheduled_at)
ECRM_WIRE_RULES(CampaignInput, rule(&CampaignInput::name, {.max_length = 200}),
                rule(&CampaignInput::template_key, {.max_length = 100}),
                rule(&CampaignInput::holdout_percent, {.minimum = 0, .maximum = 50}),
                rule(&CampaignInput::conversion_days, {.minimum = 1, .maximum = 90}),
                rule(&CampaignInput::scheduled_at, {.format = "date-time"}))

struct Campaign {
  std::int64_t id = 0;
  std::string key;  // campaign_ID: the messages' source
  std::string name;
  std::string template_key;
  customers::CustomerQuery audience;
  std::int64_t holdout_percent = 0;
  std::int64_t conversion_days = 7;
  CampaignStatus status = CampaignStatus::kDraft;
  std::optional<UnixMs> scheduled_at;
  std::optional<UnixMs> sent_at;
  std::int64_t recipients = 0;
  std::int64_t holdout = 0;
  std::string created_by;
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Campaign, id, key, name, template_key, audience, holdout_percent, conversion_days,
              status, scheduled_at, sent_at, recipients, holdout, created_by, created_at)
ECRM_WIRE_RULES(Campaign, rule(&Campaign::scheduled_at, {.format = "date-time"}),
                rule(&Campaign::sent_at, {.format = "date-time"}),
                rule(&Campaign::created_at, {.format = "date-time"}))

// The audience of a filter before sending.
struct AudienceSize {
  std::int64_t matched = 0;    // live customers the filter finds
  std::int64_t reachable = 0;  // of them, with an address, e-mail consent, not suppressed
  std::int64_t holdout = 0;    // of the reachable, held out at the campaign's share
  std::int64_t recipients = 0; // reachable less holdout
};
ECRM_DESCRIBE(AudienceSize, matched, reachable, holdout, recipients)

struct AudienceRequest {
  customers::CustomerQuery audience;
  std::optional<std::int64_t> holdout_percent;  // default 0
};
ECRM_DESCRIBE(AudienceRequest, audience, holdout_percent)
ECRM_WIRE_RULES(AudienceRequest, rule(&AudienceRequest::holdout_percent, {.minimum = 0, .maximum = 50}))

// What a campaign did, against its holdout group.
struct CampaignResults {
  Campaign campaign;
  std::int64_t queued = 0;
  std::int64_t delivered = 0;  // accepted by the relay (sent, and not bounced since)
  std::int64_t failed = 0;
  std::int64_t suppressed = 0;
  std::int64_t bounced = 0;
  std::int64_t opened = 0;     // messages opened at least once
  std::int64_t clicked = 0;
  std::int64_t replied = 0;
  std::int64_t unsubscribed = 0;
  std::int64_t converted = 0;  // recipients who ordered within conversion_days of the send
  std::int64_t revenue = 0;    // their orders' totals in that time, minor units of `currency`
  std::string currency;
  std::int64_t holdout_converted = 0;
  std::int64_t holdout_revenue = 0;
  std::string conversion_rate;          // percent with one decimal, "12.5"
  std::string holdout_conversion_rate;
  std::string lift;                     // conversion_rate - holdout's, percentage points
};
ECRM_DESCRIBE(CampaignResults, campaign, queued, delivered, failed, suppressed, bounced, opened,
              clicked, replied, unsubscribed, converted, revenue, currency, holdout_converted,
              holdout_revenue, conversion_rate, holdout_conversion_rate, lift)

}  // namespace ecrm::automation
