// Partner relationship management: partner organisations with contacts and users, the products
// and categories they supply at a cost and lead time, order routing (repo.hpp says how a line
// becomes a partner's), the partner portal (a partner user signs in with the portal's links and
// sessions, auth/portal.hpp, as a subject of kind partner) and scorecards.
//
// A partner user reaches only its own organisation's records: every portal method takes the
// partner from the session's user (http::Principal::subject_id), never from the request, and a
// line, product or order that is not the partner's answers kNotFound exactly like one that does
// not exist. Shipments go through orders' life cycle (OrderService::change_status), stock
// through the catalog (CatalogService::update_product). No HTTP here, no SQL (repo.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/portal.hpp"
#include "catalog/service.hpp"
#include "http/principal.hpp"
#include "orders/service.hpp"
#include "partners/model.hpp"
#include "partners/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

// Told when an order's lines become a partner's by staff's routing, and when a partner
// acknowledges or ships a line (the partner's webhooks listen). Called after the change has
// committed, on the request's thread; must return quickly and not throw.
class PartnerLineObserver {
 public:
  virtual ~PartnerLineObserver() = default;
  virtual void on_order_routed(std::int64_t order_id, std::int64_t partner_id) = 0;
  virtual void on_line_changed(std::int64_t partner_id, std::int64_t line_id) = 0;
};

struct PartnerOptions {
  std::string base_url = "http://127.0.0.1:8080";  // where a sign-in link points
};

class PartnerService {
 public:
  PartnerService(storage::Database& db, auth::PortalAuth& auth, orders::OrderService& orders,
                 catalog::CatalogService& catalog, PartnerOptions options);

  // Staff's side. Errors: kInvalidArgument naming the field; kNotFound for an unknown partner.
  Result<Partner> create(const PartnerInput& input);
  Result<Partner> get(std::int64_t id);
  Result<std::vector<Partner>> list(const PartnerQuery& query, std::optional<std::int64_t> after,
                                    int limit);
  Result<Partner> update(std::int64_t id, const PartnerChanges& changes);
  Result<PartnerContact> add_contact(std::int64_t partner_id, const PartnerContactInput& input);
  // A user of the partner; kConflict email_taken when the address is another partner user's.
  Result<PartnerUser> add_user(std::int64_t partner_id, const PartnerUserInput& input);
  Result<std::vector<PartnerUser>> users(std::int64_t partner_id);
  // Changes a user's role or active flag; deactivating ends the user's portal sessions.
  // kNotFound when the user is not the partner's.
  Result<PartnerUser> update_user(std::int64_t partner_id, std::int64_t user_id,
                                  const PartnerUserChanges& changes);
  // A sign-in link for one of the partner's active users (valid as the portal's links are).
  // kNotFound when the user is not the partner's.
  Result<PartnerSignInLink> sign_in_link(std::int64_t partner_id, std::int64_t user_id,
                                         const std::string& ip);
  // Links a product or a category (exactly one; kInvalidArgument naming product_id otherwise,
  // kUnprocessable for an unknown one) at a cost and lead time.
  Result<PartnerProductLink> link_product(std::int64_t partner_id,
                                          const PartnerProductLinkInput& input);
  Result<std::vector<PartnerProductLink>> links(std::int64_t partner_id);
  // A routing rule for a partner that is not a supplier (kUnprocessable `not_routable` for one).
  Result<PartnerRoutingRule> add_rule(std::int64_t partner_id,
                                      const PartnerRoutingRuleInput& input);
  Result<std::vector<PartnerRoutingRule>> rules(std::int64_t partner_id);
  // Routes an order to a partner that is not a supplier; kUnprocessable (field order_id) for
  // an unknown order.
  Result<PartnerOrderRoute> route_order(std::int64_t partner_id,
                                        const PartnerOrderRouteInput& input,
                                        const std::string& actor);
  // The partner's lines as the partner sees them (for staff).
  Result<std::vector<PartnerLine>> lines_of(std::int64_t partner_id, const PartnerLineQuery& query,
                                            std::optional<std::int64_t> before, int limit);
  Result<PartnerScorecard> scorecard(std::int64_t partner_id);
  // Every partner's scorecard (of the query's kind when given) by partner id, the same values as
  // scorecard() gives for each, from one statement over all lines (PartnerRepo::all_figures)
  // instead of one scorecard after another.
  Result<std::vector<PartnerScorecard>> scorecards(const PartnerQuery& query);
  // Suppliers of a product or of a category (exactly one; kInvalidArgument otherwise), best
  // first: on-time rate (highest first, none last), defect rate (lowest first), linked cost.
  Result<PartnerRanking> ranking(const PartnerRankingQuery& query);

  // The partner portal. `who` is a portal principal of kind partner.
  // Exchanges a link's token for a session (PortalAuth::redeem_link's errors; a link of
  // another kind of subject: kInvalidArgument invalid_link; a user or partner deactivated since:
  // kUnauthenticated portal_account_closed).
  Result<auth::PortalSessionOpened> open_session(const PartnerSessionInput& input,
                                                 const std::string& ip,
                                                 const std::string& user_agent);
  Status sign_out(const std::string& session_token);
  Result<PartnerMe> me(const http::Principal& who);
  Result<std::vector<PartnerLine>> own_lines(const http::Principal& who,
                                             const PartnerLineQuery& query,
                                             std::optional<std::int64_t> before, int limit);
  Result<PartnerLine> own_line(const http::Principal& who, std::int64_t line_id);
  Result<PartnerLine> acknowledge(const http::Principal& who, std::int64_t line_id);
  // Records the shipment of the line and, when the order is placed or paid, moves the order to
  // shipped with the carrier and tracking number (orders' rules). kConflict line_shipped when the
  // line was shipped already, orders' invalid_transition for a cancelled or returned order.
  Result<PartnerLine> ship(const http::Principal& who, std::int64_t line_id,
                           const PartnerShipmentInput& input);
  Result<std::vector<PartnerProductLink>> own_products(const http::Principal& who);
  // Stock on hand (the catalog's) and lead time (the partner's link) of a product the partner
  // is linked to; partner admins only (kForbidden partner_admin_required). Nothing changes
  // unless every given value is valid.
  Result<PartnerProductLink> update_product(const http::Principal& who, std::int64_t product_id,
                                            const PartnerProductUpdate& update);
  Result<PartnerScorecard> own_scorecard(const http::Principal& who);

  // The live partner user of a portal session, or the partner of a partner API key (a user of
  // the key's role with id 0); kUnauthenticated when deactivated since.
  Result<UserOfSession> caller(const http::Principal& who) { return user_of(who); }
  // Registers the observer told of routed and changed lines (before serving).
  void set_line_observer(PartnerLineObserver* observer) { observer_ = observer; }

 private:
  // The live partner user of a session; kUnauthenticated when deactivated since.
  Result<UserOfSession> user_of(const http::Principal& who);
  Result<Partner> existing(storage::Connection& c, std::int64_t id);

  storage::Database& db_;
  auth::PortalAuth& auth_;
  orders::OrderService& orders_;
  catalog::CatalogService& catalog_;
  PartnerOptions options_;
  PartnerRepo repo_;
  PartnerLineObserver* observer_ = nullptr;
};

}  // namespace ecrm::partners
