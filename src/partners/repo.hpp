// Partners' SQL: their own tables (migration 0036) and the reads they make of orders,
// order_lines, customers (delivery name and place only), products and returns to find the lines
// routed to a partner and to score it. Every statement is a named constant in repo.cpp.
//
// Routing, in one place (kVisible in repo.cpp): a line of an order that is not cancelled is a
// partner's when
//  - the partner is the line's supplier: the active supplier linked to the line's product, else
//    to its category (a product link first, then the lower cost, then the lower partner id); or
//  - the partner is the line's distributor: the partner staff routed the order to, else the
//    first active non-supplier rule (by id) matching the customer's country and the product's
//    category; or
//  - the partner already acknowledged or shipped it (it stays theirs when routing changes).
// A partner supplying options of a configured line (parts.hpp) has a part of the line instead;
// its scorecard counts such a line once, as its line when it is one by the rules above, else as
// its part: the line's units and returns, the options' price deltas as revenue, no cost, due by
// the partner's own lead time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "partners/leads_repo.hpp"
#include "partners/model.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

using storage::Connection;

// The partner user of a portal session, with their organisation.
struct UserOfSession {
  PartnerUser user;
  std::string partner_name;
  PartnerKind kind = PartnerKind::kSupplier;
  bool partner_active = true;
  std::int64_t api_key_id = 0;  // a partner API key acting as a user of its role (user.id 0)
};

// Sums over a partner's lines, before rates are worked out.
struct LineTotals {
  std::int64_t lines = 0;
  std::int64_t shipped = 0;
  std::int64_t on_time = 0;
  std::int64_t units = 0;
  std::int64_t returned = 0;
  std::int64_t defective = 0;
  std::int64_t revenue = 0;
  std::int64_t cost = 0;
};

// One partner's figures from PartnerRepo::all_figures, what its scorecard is worked out from.
struct PartnerFigures {
  std::int64_t partner_id = 0;
  std::string partner_name;
  std::string currency;  // as currency_of()
  LineTotals lines;      // as totals() in `currency`
  // The lead times (ms) at the nearest ranks of the median and p90 of `lines.shipped`, among the
  // partner's shipped lines as lead_time_at() orders them; nullopt when there is no such line.
  std::optional<std::int64_t> lead_time_median_ms;
  std::optional<std::int64_t> lead_time_p90_ms;
  LeadTotals leads;  // as LeadRepo::totals()
  // The response time (ms) at the nearest rank of the median of `leads.responded`.
  std::optional<std::int64_t> response_median_ms;
};

class PartnerRepo {
 public:
  Result<Partner> insert_partner(Connection& c, const Partner& p);
  Result<std::optional<Partner>> find_partner(Connection& c, std::int64_t id);
  // Partners by id after `after_id`, of one kind when given.
  Result<std::vector<Partner>> list_partners(Connection& c, std::optional<PartnerKind> kind,
                                             std::int64_t after_id, int limit);
  Status update_partner(Connection& c, const Partner& p);
  Result<PartnerContact> insert_contact(Connection& c, std::int64_t partner_id,
                                        const PartnerContactInput& in, UnixMs now);

  Result<PartnerUser> insert_user(Connection& c, const PartnerUser& u);
  Result<std::optional<PartnerUser>> find_user(Connection& c, std::int64_t id);
  Status update_user(Connection& c, const PartnerUser& u);
  Result<std::vector<PartnerUser>> users_of(Connection& c, std::int64_t partner_id);
  Result<std::optional<UserOfSession>> user_of_session(Connection& c, std::int64_t user_id);

  Result<PartnerProductLink> insert_link(Connection& c, std::int64_t partner_id,
                                         const PartnerProductLinkInput& in, UnixMs now);
  Result<std::vector<PartnerProductLink>> links_of(Connection& c, std::int64_t partner_id);
  // The partner's link to `product_id` (a product link, not a category's).
  Result<std::optional<PartnerProductLink>> product_link(Connection& c, std::int64_t partner_id,
                                                         std::int64_t product_id);
  Status set_link_lead_time(Connection& c, std::int64_t link_id, std::int64_t days, UnixMs now);
  Result<bool> product_exists(Connection& c, std::int64_t product_id);
  Result<bool> category_exists(Connection& c, std::int64_t category_id);
  Result<bool> order_exists(Connection& c, std::int64_t order_id);

  Result<PartnerRoutingRule> insert_rule(Connection& c, std::int64_t partner_id,
                                         const PartnerRoutingRuleInput& in, UnixMs now);
  Result<std::vector<PartnerRoutingRule>> rules_of(Connection& c, std::int64_t partner_id);
  // Routes the order to the partner (replacing an earlier explicit route).
  Status route_order(Connection& c, std::int64_t order_id, std::int64_t partner_id, UnixMs now,
                     const std::string& actor);

  // The partner's lines, newest first, below `before_id`.
  Result<std::vector<PartnerLine>> lines(Connection& c, std::int64_t partner_id,
                                         const PartnerLineQuery& query,
                                         std::optional<std::int64_t> before_id, int limit);
  // One of the partner's lines; nullopt when the line is not the partner's (or does not exist).
  Result<std::optional<PartnerLine>> line(Connection& c, std::int64_t partner_id,
                                          std::int64_t line_id);
  Status acknowledge(Connection& c, std::int64_t partner_id, std::int64_t line_id, UnixMs now,
                     const std::string& actor);
  Status ship(Connection& c, std::int64_t partner_id, std::int64_t line_id,
              const PartnerShipmentInput& in, UnixMs now, const std::string& actor);

  // Counts and sums over the partner's lines and parts (revenue and cost in `currency`).
  Result<LineTotals> totals(Connection& c, std::int64_t partner_id, const std::string& currency);
  // The lead time (ms, placed to shipped) of the partner's shipped line or part at `rank`
  // (0-based) in ascending order: the same shipped lines as totals() counts.
  Result<std::optional<std::int64_t>> lead_time_at(Connection& c, std::int64_t partner_id,
                                                   std::int64_t rank);
  // Every partner's figures (of `kind` when given) by partner id, from one statement over all
  // order lines, states and leads: for each partner the same values as currency_of(), totals(),
  // lead_time_at() at the median and p90 ranks and LeadRepo::totals() and response_time_at().
  Result<std::vector<PartnerFigures>> all_figures(Connection& c, std::optional<PartnerKind> kind);
  // The currency of the partner's first link, else of its newest routed order, else of the
  // newest order it supplies parts of ("" for none).
  Result<std::string> currency_of(Connection& c, std::int64_t partner_id);
  // Active suppliers linked to the product (or its category), or to the category (or one of its
  // products); with their lowest linked cost.
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> suppliers_of(
      Connection& c, std::optional<std::int64_t> product_id,
      std::optional<std::int64_t> category_id);
};

}  // namespace ecrm::partners
