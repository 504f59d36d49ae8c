// Automation's records: flows, the care policy and what a run did.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::automation {

// A flow: what starts it, and whether it runs.
struct Flow {
  std::string key;  // birthday_card, birthday_recommendations, …
  std::string name;
  std::string trigger;  // birthday | anniversary | new_version | cart_abandoned | inactivity
  bool enabled = false;
  std::string description;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Flow, key, name, trigger, enabled, description, updated_at)
ECRM_WIRE_RULES(Flow, rule(&Flow::updated_at, {.format = "date-time"}))

struct FlowChange {
  bool enabled = false;
};
ECRM_DESCRIBE(FlowChange, enabled)

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

}  // namespace ecrm::automation
