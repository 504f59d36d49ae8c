// Partner leads: B2B enquiries taken by staff (or an API key) and from the shop's public
// enquiry form, routed to the partner whose lead rules match best, and answered by that partner
// in the partner portal. leads_model.hpp has the life cycle.
//
// Routing (choose_partner): among active partners with a rule matching the lead (each
// non-empty list of a rule — countries, regions, categories — must contain the lead's value),
// the highest priority of a matching rule wins, then the rule naming more of the lead (a region
// before a country before a category), then the partner holding fewer open leads (routed or
// accepted), then the better acceptance rate so far (none last), then the lower id. A lead no
// rule matches stays new, for staff to route by hand.
//
// A partner user reaches only the leads routed to its own organisation: the partner comes from
// the session's user, and another partner's lead answers kNotFound like one that does not
// exist. No HTTP here, no SQL (leads_repo.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/principal.hpp"
#include "partners/leads_model.hpp"
#include "partners/leads_repo.hpp"
#include "partners/model.hpp"
#include "partners/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

struct LeadOptions {
  int accept_within_days = 3;          // a routed lead not accepted by then is overdue
  int max_public_per_ip_per_hour = 30;  // the public enquiry form's rate limits
  int max_public_per_email_per_hour = 3;
};

// The partner a lead goes to by the rules (see above), nullopt when no rule matches. `rules`
// are those of active partners; `loads` their open leads and past answers.
std::optional<std::int64_t> choose_partner(const Lead& lead, const std::vector<LeadRule>& rules,
                                           const std::map<std::int64_t, PartnerLoad>& loads);

// Adds the partner's lead figures to its scorecard: leads received, accepted, declined,
// expired, won and lost; the acceptance rate accepted / (accepted + declined + expired), the
// win rate won / (won + lost) and the median response time (routed to accepted or declined,
// nearest rank, in hours).
Status score_leads(storage::Connection& c, std::int64_t partner_id, PartnerScorecard& card);
// The same from the partner's lead totals and its median response time (ms) when it has one.
void score_lead_totals(PartnerScorecard& card, const LeadTotals& t,
                       std::optional<std::int64_t> response_median_ms);

class LeadService {
 public:
  LeadService(storage::Database& db, LeadOptions options);

  const LeadOptions& options() const { return options_; }

  // A new lead, routed at once when a rule matches. Errors: kInvalidArgument naming the field
  // (contact_name, email, phone, country, currency, ...); kUnprocessable for an unknown
  // category_id or product_id. From the public form (source kWebForm) kRateLimited past the
  // limits per IP address and per e-mail address within an hour.
  Result<Lead> create(const LeadInput& input, LeadSource source, const std::string& actor,
                      const std::string& ip);
  Result<Lead> get(std::int64_t id);
  Result<std::vector<Lead>> list(const LeadQuery& query, std::optional<std::int64_t> before,
                                 int limit);
  // Changes a lead's details; routing and status stay.
  Result<Lead> update(std::int64_t id, const LeadChanges& changes);
  // Routes (or reroutes) a new, routed, declined or expired lead to an active partner; the
  // earlier partner's open routing ends as expired when it was overdue, else withdrawn.
  // kConflict invalid_transition for an accepted, won or lost lead; kUnprocessable (field
  // partner_id) for an unknown or inactive partner.
  Result<Lead> route(std::int64_t id, const LeadRouteInput& input, const std::string& actor);
  // Marks every routed lead past the time to accept as expired.
  Result<LeadExpiry> expire_overdue();

  // Lead rules of a partner. kNotFound for an unknown partner or a rule of another partner;
  // kInvalidArgument naming the list item (countries[1]) for a bad value, kUnprocessable for an
  // unknown category.
  Result<std::vector<LeadRule>> rules(std::int64_t partner_id);
  Result<LeadRule> add_rule(std::int64_t partner_id, const LeadRuleInput& input);
  Result<LeadRule> update_rule(std::int64_t partner_id, std::int64_t rule_id,
                               const LeadRuleChanges& changes);
  Status delete_rule(std::int64_t partner_id, std::int64_t rule_id);

  // The partner portal; `who` is a portal principal of kind partner (kUnauthenticated
  // otherwise, or when the user or partner was deactivated since). The answers move the lead
  // along its life cycle; any other move is kConflict invalid_transition.
  Result<std::vector<Lead>> own_leads(const http::Principal& who, const PartnerLeadQuery& query,
                                      std::optional<std::int64_t> before, int limit);
  Result<Lead> own_lead(const http::Principal& who, std::int64_t id);
  Result<Lead> accept(const http::Principal& who, std::int64_t id);
  Result<Lead> decline(const http::Principal& who, std::int64_t id, const LeadDeclineInput& in);
  Result<Lead> won(const http::Principal& who, std::int64_t id, const LeadWonInput& in);
  Result<Lead> lost(const http::Principal& who, std::int64_t id, const LeadLostInput& in);

 private:
  Result<std::int64_t> partner_of(const http::Principal& who);
  // Sets waiting_days and overdue as of now.
  Lead with_age(Lead lead, UnixMs now) const;
  // Applies `answer` to the partner's lead in one transaction.
  template <typename Answer>
  Result<Lead> answer(const http::Principal& who, std::int64_t id, Answer&& apply);

  storage::Database& db_;
  LeadOptions options_;
  LeadRepo repo_;
  PartnerRepo partners_;
};

}  // namespace ecrm::partners
