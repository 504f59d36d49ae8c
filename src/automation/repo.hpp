// Automation's SQL: flows, the care policy, enrolments and the customers a date trigger finds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

  // Enrols; nullopt when this customer was enrolled in the flow for this occurrence before.
  Result<std::optional<std::int64_t>> enrol(Connection& c, const std::string& flow_key,
                                            std::int64_t customer_id,
                                            const std::string& occurrence, UnixMs now);
  Status set_enrolment_message(Connection& c, std::int64_t enrolment_id, std::int64_t message_id);
};

}  // namespace ecrm::automation
