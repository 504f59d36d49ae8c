// Partner leads' SQL (migration 0041): leads, every routing of a lead to a partner with the
// partner's answer, and the partners' lead rules. Every statement is a named constant in
// leads_repo.cpp. Which partner a lead goes to is decided in leads_service.cpp over the rows
// read here (the rules of active partners, their open leads and their answers so far).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "partners/leads_model.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

// How a partner answered one routing of a lead.
enum class LeadRouteOutcome { kOpen, kAccepted, kDeclined, kExpired, kWithdrawn };
ECRM_DESCRIBE_ENUM(LeadRouteOutcome, kOpen, kAccepted, kDeclined, kExpired, kWithdrawn)

// A partner's answers to the leads routed to it, before rates are worked out.
struct LeadTotals {
  std::int64_t received = 0;  // routings to the partner
  std::int64_t accepted = 0;
  std::int64_t declined = 0;
  std::int64_t expired = 0;
  std::int64_t responded = 0;  // accepted or declined, with a response time
  std::int64_t won = 0;        // leads the partner holds, by status
  std::int64_t lost = 0;
};

// Per partner, what routing weighs after the rules: open leads and past answers.
struct PartnerLoad {
  std::int64_t open = 0;  // routed or accepted leads it holds now
  std::int64_t accepted = 0;
  std::int64_t answered = 0;  // accepted + declined + expired routings
};

// The list filter of staff's lead list, as the statement takes it.
struct LeadFilter {
  std::optional<LeadStatus> status;
  std::int64_t partner_id = 0;  // 0: any
  std::int64_t category_id = 0;
  std::string country;
  int overdue = 0;              // 0 any, 1 overdue only, 2 not overdue
  UnixMs overdue_cutoff = 0;    // routed at or before this is overdue
};

class LeadRepo {
 public:
  // Stores a new lead (its id is ignored) with the sender's IP address; returns the id.
  Result<std::int64_t> insert_lead(storage::Connection& c, const Lead& lead, const std::string& ip);
  Result<std::optional<Lead>> find_lead(storage::Connection& c, std::int64_t id);
  // Leads newest first below `before_id`.
  Result<std::vector<Lead>> list_leads(storage::Connection& c, const LeadFilter& filter,
                                       std::optional<std::int64_t> before_id, int limit);
  // Writes every field of `lead` but its id, source and creation time.
  Status update_lead(storage::Connection& c, const Lead& lead);

  // Opens a routing of the lead to the partner.
  Status insert_route(storage::Connection& c, std::int64_t lead_id, std::int64_t partner_id,
                      UnixMs now, const std::string& actor);
  // Closes the lead's open routing (if any) with `outcome`, answered at `responded_at`.
  Status close_route(storage::Connection& c, std::int64_t lead_id, LeadRouteOutcome outcome,
                     std::optional<UnixMs> responded_at);
  // Marks every lead routed at or before `cutoff` and not answered as expired; returns how many.
  Result<std::int64_t> expire_routed(storage::Connection& c, UnixMs cutoff, UnixMs now);

  // Leads sent from `ip`, and with `email`, since `since` (the public form's rate limit).
  Result<std::int64_t> count_from_ip(storage::Connection& c, const std::string& ip, UnixMs since);
  Result<std::int64_t> count_from_email(storage::Connection& c, const std::string& email,
                                        UnixMs since);
  // The category of a product: nullopt for no such product; an empty inner value for a product
  // without a category.
  Result<std::optional<std::optional<std::int64_t>>> product_category(storage::Connection& c,
                                                                      std::int64_t product_id);
  Result<bool> category_exists(storage::Connection& c, std::int64_t category_id);
  // The partner's active flag; nullopt for no such partner.
  Result<std::optional<bool>> partner_active(storage::Connection& c, std::int64_t partner_id);

  // The rules of every active partner, by partner and id.
  Result<std::vector<LeadRule>> active_rules(storage::Connection& c);
  Result<std::map<std::int64_t, PartnerLoad>> loads(storage::Connection& c);
  Result<std::vector<LeadRule>> rules_of(storage::Connection& c, std::int64_t partner_id);
  Result<std::optional<LeadRule>> find_rule(storage::Connection& c, std::int64_t rule_id);
  Result<std::int64_t> insert_rule(storage::Connection& c, const LeadRule& rule);
  Status update_rule(storage::Connection& c, const LeadRule& rule);
  Status delete_rule(storage::Connection& c, std::int64_t rule_id);

  Result<LeadTotals> totals(storage::Connection& c, std::int64_t partner_id);
  // The response time (ms, routed to answered) of the partner's answered routing at `rank`
  // (0-based) in ascending order.
  Result<std::optional<std::int64_t>> response_time_at(storage::Connection& c,
                                                       std::int64_t partner_id,
                                                       std::int64_t rank);
};

}  // namespace ecrm::partners
