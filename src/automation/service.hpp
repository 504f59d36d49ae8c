// Automation: flows that act on the customer record by themselves.
//
// The care flows follow the shop's policy (model.hpp, CarePolicy): on a customer's birthday or
// anniversary, a very loyal customer gets a greeting card with new-product recommendations in
// it (birthday_card, anniversary_card: one mail), a loyal one a recommendations mail
// (birthday_recommendations, anniversary_recommendations), an occasional one nothing; staff can
// change the table. A run for a day (run_date) enrols each customer once per flow and
// occurrence (a birthday once a year, an anniversary once a year per kind) and queues their
// message through messaging's outbox in the same transaction, so a rerun of the day, a
// restart or two servers running it at once send nothing twice. Dates are days in the shop's
// time zone as the caller gives them; 29 February falls on 28 February in other years.
#pragma once

#include <string>
#include <vector>

#include "automation/model.hpp"
#include "automation/repo.hpp"
#include "catalog/service.hpp"
#include "core/result.hpp"
#include "messaging/service.hpp"
#include "recommend/service.hpp"
#include "storage/database.hpp"

namespace ecrm::automation {

class AutomationService {
 public:
  AutomationService(storage::Database& db, messaging::MessagingService& messaging,
                    recommend::RecommendService& recommend, catalog::CatalogService& catalog);

  // Adds the shipped flows and their templates (en, zh-CN) where missing; the care flows are
  // on, the others off.
  Status install_defaults();

  Result<std::vector<Flow>> flows();
  Result<Flow> set_enabled(const std::string& key, bool enabled);

  Result<CarePolicy> policy();
  // Replaces the rows given (tier must be very_loyal, loyal or occasional).
  Result<CarePolicy> set_policy(const CarePolicy& policy);

  // Enrols and queues the date-triggered flows for `date` (YYYY-MM-DD).
  Result<RunSummary> run_date(const std::string& date);

  // The new_version flow: every earlier buyer of the product's line (an older version, in an
  // order not cancelled, with e-mail consent) is sent the new_version message once per
  // release. kConflict when the flow is off; kInvalidArgument when the product is unknown or
  // stands alone (no line).
  Result<RunSummary> release(const Release& release);

 private:
  // The first recommendations of the customer's personal list, with their reasons, for a
  // message's data.
  boost::json::array recommendations_of(std::int64_t customer_id, std::size_t limit);
  // Enrols the customer in `flow` for `occurrence` and queues the flow's message with `data`
  // (JSON) in one transaction; false when they were enrolled for it before.
  Result<bool> enrol_and_queue(const std::string& flow, std::int64_t customer_id,
                               const std::string& occurrence, const std::string& data);

  storage::Database& db_;
  messaging::MessagingService& messaging_;
  recommend::RecommendService& recommend_;
  catalog::CatalogService& catalog_;
  AutomationRepo repo_;
};

}  // namespace ecrm::automation
