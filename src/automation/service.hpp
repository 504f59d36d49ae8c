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

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <vector>

#include "automation/model.hpp"
#include "automation/repo.hpp"
#include "automation/webhooks.hpp"
#include "catalog/service.hpp"
#include "core/result.hpp"
#include "messaging/service.hpp"
#include "recommend/service.hpp"
#include "storage/database.hpp"

namespace ecrm::automation {

struct AutomationOptions {
  std::string time_zone;                  // the shop's ("" the system's): waits until a time of day
  UnixMs abandon_after = 60 * 60 * 1000;  // a cart without activity this long is abandoned
  UnixMs webhook_first_retry = 30'000;    // a failed webhook call is tried again after this, doubling
};

// What one pass of the flow worker did.
struct WorkSummary {
  std::int64_t advanced = 0;   // enrolments moved on
  std::int64_t enrolled = 0;   // new enrolments from the change triggers
};

class AutomationService {
 public:
  AutomationService(storage::Database& db, messaging::MessagingService& messaging,
                    recommend::RecommendService& recommend, catalog::CatalogService& catalog,
                    AutomationOptions options = {});

  // Flows as data: kInvalidArgument naming the field for a definition that does not hold
  // (flow.hpp: validate).
  Result<Flow> flow(const std::string& key);
  Result<Flow> put_flow(const std::string& key, const FlowInput& input);
  // The shipped flows cannot be deleted (turn them off).
  Status delete_flow(const std::string& key);
  Result<FlowStats> flow_stats(const std::string& key);
  Result<std::vector<Enrolment>> enrolments(const std::string& key,
                                            std::optional<std::int64_t> customer_id,
                                            std::int64_t before_id, int limit);
  // The manual and API trigger: enrols the customers (kConflict when the flow is off or not a
  // manual flow).
  Result<EnrolResult> enrol(const std::string& key, const EnrolRequest& request);

  // The flow worker's pass: the change triggers (abandoned carts, order status, followed
  // products) enrol, and the enrolments due move on.
  Result<WorkSummary> work(UnixMs now);

  // Follows.
  Result<Follow> follow(const FollowInput& input);
  Status unfollow(const FollowInput& input);
  Result<std::vector<Follow>> follows(std::int64_t customer_id);

  // Campaigns. An audience is first checked by the check set here (the customer list's:
  // customers::CustomerService::check_query), which names the failing member.
  void set_audience_check(std::function<Status(const customers::CustomerQuery&)> check) {
    audience_check_ = std::move(check);
  }
  Result<AudienceSize> audience(const AudienceRequest& request);
  Result<Campaign> create_campaign(const CampaignInput& input, const std::string& actor);
  Result<std::vector<Campaign>> campaigns(std::int64_t before_id, int limit);
  Result<Campaign> campaign(std::int64_t id);
  // Queues the campaign's messages now (a draft or a scheduled one); kConflict once sent.
  Result<Campaign> send_campaign(std::int64_t id);
  Result<Campaign> cancel_campaign(std::int64_t id);
  Result<CampaignResults> campaign_results(std::int64_t id);
  // The secret webhook receivers check X-Ecrm-Signature with (webhooks.hpp).
  Result<std::string> webhook_secret() { return webhooks_.secret(); }
  // Sends the scheduled campaigns that are due.
  Result<int> send_due_campaigns(UnixMs now);

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
  // Enrols the customer in `flow` for `occurrence` with the trigger's data, when the flow's
  // conditions hold, and runs its steps up to the first wait, in one transaction. Counts the
  // enrolment and the messages queued in `summary` (when given).
  Result<bool> enrol_one(const Flow& flow, std::int64_t customer_id, const std::string& occurrence,
                         boost::json::object context, UnixMs triggered_at, RunSummary* summary);
  // Runs the enrolment's steps from where it is until a wait or the end (`c`'s transaction).
  // Returns the messages queued.
  Result<int> advance(storage::Connection& c, const Flow& flow, EnrolmentRow& e, UnixMs now,
                      bool fresh);
  Result<std::vector<Flow>> enabled_flows(TriggerKind kind);
  Result<UnixMs> wait_until(const std::string& time_of_day, UnixMs now) const;
  Status apply_tags(storage::Connection& c, std::int64_t customer_id, const Step& step);

  // Change triggers.
  Result<std::int64_t> scan_abandoned_carts(UnixMs now);
  Result<std::int64_t> scan_orders(UnixMs now);
  Result<std::int64_t> scan_products(UnixMs now);
  // The snippet's follow and unfollow events of identified visitors become follows.
  Status scan_follow_events();
  Result<std::int64_t> notify_followers(std::int64_t product_id, ChangeKind change,
                                        boost::json::object data, const std::string& occurrence);

  storage::Database& db_;
  messaging::MessagingService& messaging_;
  recommend::RecommendService& recommend_;
  catalog::CatalogService& catalog_;
  AutomationOptions options_;
  AutomationRepo repo_;
  WebhookSender webhooks_{db_, options_.webhook_first_retry};
  std::function<Status(const customers::CustomerQuery&)> audience_check_;
  std::uint64_t passes_ = 0;  // of work(): the product scan runs every few
};

}  // namespace ecrm::automation
