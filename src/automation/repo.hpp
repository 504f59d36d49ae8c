// Automation's SQL: flows, the care policy, enrolments and the customers a date trigger finds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "automation/flow.hpp"
#include "automation/model.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::automation {

using storage::Connection;

// A customer a date trigger found, with their tier.
struct DateCandidate {
  std::int64_t customer_id = 0;
  std::string tier;
  std::string kind;   // anniversaries: the anniversary's kind (wedding, …)
  std::string label;
  std::string date;   // the stored date (YYYY-MM-DD)
};

struct NewEnrolment {
  std::string flow_key;
  std::int64_t customer_id = 0;
  std::string occurrence;
  std::optional<std::string> step;
  std::string context = "{}";
  UnixMs triggered_at = 0;
};

// An enrolment as the engine advances it.
struct EnrolmentRow {
  std::int64_t id = 0;
  std::string flow_key;
  std::int64_t customer_id = 0;
  std::string occurrence;
  std::string status;  // waiting | done | cancelled | holdout
  std::optional<std::string> step;
  std::optional<UnixMs> next_at;
  std::string variant;
  std::string context;
  UnixMs triggered_at = 0;
  std::string reason;
  std::optional<std::int64_t> message_id;
};

struct AbandonedCart {
  std::int64_t cart_id = 0;
  std::int64_t customer_id = 0;
  UnixMs abandoned_at = 0;
  std::string items;  // JSON
  std::int64_t value = 0;
  std::string currency;
};

struct ChangedOrder {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::string status;
  std::optional<std::string> external_id;
  std::int64_t total = 0;
  std::string currency;
  UnixMs updated_at = 0;
};

struct TierChange {
  std::int64_t customer_id = 0;
  std::string old_tier, new_tier, old_segment, new_segment;
};

struct ProductChange {
  std::int64_t product_id = 0;
  ChangeKind change = ChangeKind::kPriceDrop;
  std::int64_t old_price = 0, new_price = 0;
};

class AutomationRepo {
 public:
  Result<std::vector<Flow>> flows(Connection& c);
  Result<std::optional<Flow>> flow(Connection& c, const std::string& key);
  // Adds `flow` unless a flow with its key exists (the shipped flows, on every start).
  Status ensure_flow(Connection& c, const Flow& flow);
  Result<bool> set_enabled(Connection& c, const std::string& key, bool enabled, UnixMs now);

  Result<CarePolicy> policy(Connection& c);
  Status set_policy(Connection& c, const PolicyRow& row);

  // Live customers with e-mail consent and a tier whose birthday (or, with `kind`, anniversary)
  // falls on one of `month_days` ("MM-DD").
  Result<std::vector<DateCandidate>> birthdays(Connection& c,
                                               const std::vector<std::string>& month_days);
  Result<std::vector<DateCandidate>> anniversaries(Connection& c,
                                                   const std::vector<std::string>& month_days);

  // Live customers with e-mail consent who bought a product of `line` older than `version`
  // (in an order not cancelled).
  Result<std::vector<std::int64_t>> earlier_buyers(Connection& c, const std::string& line,
                                                   int version);

  // Adds or replaces a flow (the definition as JSON).
  Status put_flow(Connection& c, const Flow& flow);
  Result<bool> delete_flow(Connection& c, const std::string& key);

  // Enrols at `step` (nullopt: no steps), waiting until `now`; nullopt when this customer was
  // enrolled in the flow for this occurrence before.
  Result<std::optional<std::int64_t>> enrol(Connection& c, const NewEnrolment& e, UnixMs now);
  // The enrolment, locked for the transaction on PostgreSQL.
  Result<std::optional<EnrolmentRow>> lock_enrolment(Connection& c, std::int64_t id);
  Status save_enrolment(Connection& c, const EnrolmentRow& e, UnixMs now);
  // Waiting enrolments due at `now`, oldest first.
  Result<std::vector<std::int64_t>> due_enrolments(Connection& c, UnixMs now, int limit);
  Result<std::vector<Enrolment>> enrolments(Connection& c, const std::string& flow_key,
                                            std::optional<std::int64_t> customer_id,
                                            std::int64_t before_id, int limit);
  Result<std::map<std::string, std::int64_t>> enrolment_counts(Connection& c,
                                                               const std::string& flow_key);
  // Messages of a source by status, and their events by kind (messages counted once per kind).
  Result<std::map<std::string, std::int64_t>> message_counts(Connection& c, const std::string& source);
  Result<std::map<std::string, std::int64_t>> event_counts(Connection& c, const std::string& source);

  // What conditions read about a customer; nullopt when they are merged, erased or unknown.
  Result<std::optional<CustomerFacts>> facts(Connection& c, std::int64_t customer_id, UnixMs now);
  // Whether the customer bought any of `values` (SKUs, or category names).
  Result<bool> bought(Connection& c, std::int64_t customer_id, ConditionField field,
                      const std::vector<std::string>& values);
  // Whether the customer placed an order after `t`, or the cart `cart_id` was purchased.
  Result<bool> purchased_since(Connection& c, std::int64_t customer_id, UnixMs t,
                               std::optional<std::int64_t> cart_id);
  Status add_task(Connection& c, std::optional<std::int64_t> customer_id, const std::string& title,
                  const std::string& source, std::optional<UnixMs> due_at, UnixMs now);
  Status add_webhook_call(Connection& c, const std::string& url, const std::string& body,
                          const std::string& source, UnixMs now);

  // Scanner positions.
  Result<std::optional<std::int64_t>> cursor(Connection& c, const std::string& name);
  Status set_cursor(Connection& c, const std::string& name, std::int64_t position);

  // Carts of identified customers abandoned (last activity + `abandon_after`) in [from, to).
  Result<std::vector<AbandonedCart>> abandoned_carts(Connection& c, UnixMs from, UnixMs to,
                                                     UnixMs abandon_after);
  // Orders changed after (`updated_at`, `id`), oldest change first.
  Result<std::vector<ChangedOrder>> changed_orders(Connection& c, UnixMs after_updated,
                                                   std::int64_t after_id, int limit);
  Result<std::optional<std::int64_t>> max_order_update(Connection& c);
  // Live customers whose last order was on `day` (YYYY-MM-DD, UTC day of last_order_at).
  Result<std::vector<std::pair<std::int64_t, UnixMs>>> last_ordered_between(Connection& c,
                                                                           UnixMs from, UnixMs to);
  // Live customers with P(alive) below `threshold`, with their last order's time.
  Result<std::vector<std::pair<std::int64_t, UnixMs>>> p_alive_below(Connection& c,
                                                                    double threshold);
  // Live customers with a first order on one of the month-days, with its year.
  Result<std::vector<DateCandidate>> first_order_anniversaries(
      Connection& c, const std::vector<std::string>& month_days);
  // Tier and segment changes since the last look (and records the new ones).
  Result<std::vector<TierChange>> tier_changes(Connection& c);
  // Products whose price fell or which came back in stock since the last look (and records the
  // new ones; the first look records without reporting).
  Result<std::vector<ProductChange>> product_changes(Connection& c);
  // Customers following the product (or its category, or another version of its line).
  Result<std::vector<std::int64_t>> followers(Connection& c, std::int64_t product_id);

  // Identified visitors' follow and unfollow events (custom events named so) with ids in
  // (after, upto]: id, customer, name, properties (JSON).
  struct FollowEvent {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::string properties;
  };
  Result<std::vector<FollowEvent>> follow_events(Connection& c, std::int64_t after, std::int64_t upto);
  Result<std::optional<std::int64_t>> max_event_id(Connection& c);
  Result<std::optional<std::int64_t>> product_by_sku(Connection& c, const std::string& sku);
  Result<std::optional<std::int64_t>> category_by_slug(Connection& c, const std::string& slug);

  Status follow(Connection& c, std::int64_t customer_id, const std::string& kind,
                std::int64_t target_id, UnixMs now);
  Result<bool> unfollow(Connection& c, std::int64_t customer_id, const std::string& kind,
                        std::int64_t target_id);
  Result<std::vector<Follow>> follows(Connection& c, std::int64_t customer_id);
};

}  // namespace ecrm::automation
