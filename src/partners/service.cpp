#include "partners/service.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "partners/leads_service.hpp"

namespace ecrm::partners {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr double kMsPerDayD = 86'400'000.0;

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

double rounded(double value, double scale) { return std::round(value * scale) / scale; }

// Nearest rank: the 0-based rank of the smallest of n values with at least q of them at or below
// it.
std::int64_t nearest_rank(double q, std::int64_t n) {
  const auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n))) - 1;
  return std::max<std::int64_t>(rank, 0);
}

// The line figures of a scorecard from the partner's totals and the lead times (ms) at the
// nearest ranks of the median and p90 of its shipped lines.
void score_lines(PartnerScorecard& s, const LineTotals& t, std::optional<std::int64_t> median_ms,
                 std::optional<std::int64_t> p90_ms) {
  s.lines = t.lines;
  s.shipped_lines = t.shipped;
  s.on_time_lines = t.on_time;
  s.units = t.units;
  s.returned_units = t.returned;
  s.defective_units = t.defective;
  s.revenue = t.revenue;
  s.cost = t.cost;
  s.margin = t.revenue - t.cost;
  if (t.shipped > 0) {
    s.on_time_rate = rounded(static_cast<double>(t.on_time) / static_cast<double>(t.shipped), 1e4);
    auto days = [](std::optional<std::int64_t> ms) -> std::optional<double> {
      if (!ms) return std::nullopt;
      return rounded(static_cast<double>(*ms) / kMsPerDayD, 1e3);
    };
    s.lead_time_median_days = days(median_ms);
    s.lead_time_p90_days = days(p90_ms);
  }
  if (t.units > 0) {
    s.return_rate = rounded(static_cast<double>(t.returned) / static_cast<double>(t.units), 1e4);
    s.defect_rate = rounded(static_cast<double>(t.defective) / static_cast<double>(t.units), 1e4);
  }
}

// Lower-case, one '@' with text on both sides, no spaces.
Result<std::string> address_of(const std::string& email, const std::string& field) {
  std::string out;
  for (char ch : email) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const auto at = out.find('@');
  if (out.empty() || at == std::string::npos || at == 0 || at + 1 >= out.size() ||
      out.find('@', at + 1) != std::string::npos || out.find(' ') != std::string::npos) {
    return Error::invalid(field + " is not an e-mail address", field, "invalid_email");
  }
  return out;
}

// A contact as stored: a name, and an e-mail address (lower-cased) when one is given. `prefix`
// names the contact in errors ("" or "contacts[2].").
Result<PartnerContactInput> contact_of(PartnerContactInput contact, const std::string& prefix) {
  if (blank(contact.name)) {
    return Error::invalid(prefix.empty() ? "name is required" : "a contact needs a name",
                          prefix + "name", "required");
  }
  if (contact.email && !contact.email->empty()) {
    ECRM_ASSIGN_OR_RETURN(contact.email, address_of(*contact.email, prefix + "email"));
  }
  return contact;
}

Result<std::string> country_of(const std::optional<std::string>& country,
                               const std::string& field) {
  std::string out;
  for (char ch : country.value_or("")) {
    if (!std::isalpha(static_cast<unsigned char>(ch))) {
      return Error::invalid(field + " must be a two-letter country code", field);
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (!out.empty() && out.size() != 2) {
    return Error::invalid(field + " must be a two-letter country code", field);
  }
  return out;
}

std::string actor_of(const UserOfSession& u) {
  if (u.api_key_id != 0) return "partner-key:" + std::to_string(u.api_key_id);
  return "partner:" + std::to_string(u.user.id);
}

Error not_yours() { return Error::not_found("no such order line", "not_found"); }

}  // namespace

PartnerService::PartnerService(storage::Database& db, auth::PortalAuth& auth,
                               orders::OrderService& orders, catalog::CatalogService& catalog,
                               PartnerOptions options)
    : db_(db), auth_(auth), orders_(orders), catalog_(catalog), options_(std::move(options)) {}

Result<Partner> PartnerService::existing(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_partner(c, id));
  if (!found) return Error::not_found("no such partner", "not_found");
  return std::move(*found);
}

Result<Partner> PartnerService::create(const PartnerInput& input) {
  if (blank(input.name)) return Error::invalid("name is required", "name", "required");
  Partner p;
  p.name = input.name;
  p.kind = input.kind;
  if (input.email && !input.email->empty()) {
    ECRM_ASSIGN_OR_RETURN(p.email, address_of(*input.email, "email"));
  }
  p.phone = input.phone.value_or("");
  ECRM_ASSIGN_OR_RETURN(p.country, country_of(input.country, "country"));
  p.lead_time_days = input.lead_time_days.value_or(7);
  std::vector<PartnerContactInput> contacts;
  for (std::size_t i = 0; i < input.contacts.size(); ++i) {
    ECRM_ASSIGN_OR_RETURN(auto contact,
                          contact_of(input.contacts[i], "contacts[" + std::to_string(i) + "]."));
    contacts.push_back(std::move(contact));
  }
  p.created_at = p.updated_at = now_ms();
  return with_transaction<Partner>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Partner> {
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.insert_partner(c, p));
    for (const auto& contact : contacts) {
      ECRM_ASSIGN_OR_RETURN(auto added, repo_.insert_contact(c, stored.id, contact, p.created_at));
      stored.contacts.push_back(std::move(added));
    }
    return stored;
  });
}

Result<Partner> PartnerService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return existing(*lease, id);
}

Result<std::vector<Partner>> PartnerService::list(const PartnerQuery& query,
                                                  std::optional<std::int64_t> after, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_partners(*lease, query.kind, after.value_or(0), limit);
}

Result<Partner> PartnerService::update(std::int64_t id, const PartnerChanges& changes) {
  if (changes.name && blank(*changes.name)) {
    return Error::invalid("name must not be empty", "name", "required");
  }
  std::optional<std::string> email;
  if (changes.email && !changes.email->empty()) {
    ECRM_ASSIGN_OR_RETURN(email, address_of(*changes.email, "email"));
  }
  std::optional<std::string> country;
  if (changes.country) {
    ECRM_ASSIGN_OR_RETURN(country, country_of(changes.country, "country"));
  }
  return with_transaction<Partner>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Partner> {
    ECRM_ASSIGN_OR_RETURN(auto p, existing(c, id));
    if (changes.name) p.name = *changes.name;
    if (changes.email) p.email = email.value_or("");
    if (changes.phone) p.phone = *changes.phone;
    if (country) p.country = *country;
    if (changes.lead_time_days) p.lead_time_days = *changes.lead_time_days;
    if (changes.active) p.active = *changes.active;
    p.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_partner(c, p));
    return p;
  });
}

Result<PartnerContact> PartnerService::add_contact(std::int64_t partner_id,
                                                   const PartnerContactInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto contact, contact_of(input, ""));
  return with_transaction<PartnerContact>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerContact> {
        ECRM_RETURN_IF_ERROR(existing(c, partner_id));
        return repo_.insert_contact(c, partner_id, contact, now_ms());
      });
}

Result<PartnerUser> PartnerService::add_user(std::int64_t partner_id,
                                             const PartnerUserInput& input) {
  if (blank(input.name)) return Error::invalid("name is required", "name", "required");
  ECRM_ASSIGN_OR_RETURN(auto address, address_of(input.email, "email"));
  auto added =
      with_transaction<PartnerUser>(db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerUser> {
        ECRM_RETURN_IF_ERROR(existing(c, partner_id));
        PartnerUser u;
        u.partner_id = partner_id;
        u.email = address;
        u.name = input.name;
        u.role = input.role;
        u.created_at = now_ms();
        return repo_.insert_user(c, u);
      });
  if (!added.ok() && added.error().kind == ErrorKind::kConflict) {
    return Error::conflict("this address is another partner user's", "email", "email_taken");
  }
  return added;
}

Result<std::vector<PartnerUser>> PartnerService::users(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(existing(*lease, partner_id));
  return repo_.users_of(*lease, partner_id);
}

Result<PartnerUser> PartnerService::update_user(std::int64_t partner_id, std::int64_t user_id,
                                                const PartnerUserChanges& changes) {
  auto updated =
      with_transaction<PartnerUser>(db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerUser> {
        ECRM_ASSIGN_OR_RETURN(auto user, repo_.find_user(c, user_id));
        if (!user || user->partner_id != partner_id) {
          return Error::not_found("no such partner user", "not_found");
        }
        if (changes.role) user->role = *changes.role;
        if (changes.active) user->active = *changes.active;
        ECRM_RETURN_IF_ERROR(repo_.update_user(c, *user));
        return std::move(*user);
      });
  if (updated.ok() && !updated.value().active) {
    ECRM_RETURN_IF_ERROR(auth_.end_sessions_of({http::PortalSubject::kPartner, user_id}));
  }
  return updated;
}

Result<PartnerSignInLink> PartnerService::sign_in_link(std::int64_t partner_id,
                                                       std::int64_t user_id,
                                                       const std::string& ip) {
  return with_transaction<PartnerSignInLink>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerSignInLink> {
        ECRM_ASSIGN_OR_RETURN(auto user, repo_.find_user(c, user_id));
        if (!user || user->partner_id != partner_id) {
          return Error::not_found("no such partner user", "not_found");
        }
        if (!user->active) {
          return Error::conflict("this partner user is deactivated", "user_id", "user_inactive");
        }
        ECRM_ASSIGN_OR_RETURN(auto token,
                              auth_.issue_link(c, {http::PortalSubject::kPartner, user_id}, ip));
        return PartnerSignInLink{user_id, token,
                                 options_.base_url + "/partner/sign-in?token=" + token,
                                 now_ms() + auth_.config().link_ttl_ms};
      });
}

Result<PartnerProductLink> PartnerService::link_product(std::int64_t partner_id,
                                                        const PartnerProductLinkInput& input) {
  if (input.product_id.has_value() == input.category_id.has_value()) {
    return Error::invalid("give either product_id or category_id", "product_id", "one_of");
  }
  if (input.currency.size() != 3) {
    return Error::invalid("currency must be a three-letter code", "currency");
  }
  PartnerProductLinkInput in = input;
  for (auto& ch : in.currency) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return with_transaction<PartnerProductLink>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerProductLink> {
        ECRM_RETURN_IF_ERROR(existing(c, partner_id));
        if (in.product_id) {
          ECRM_ASSIGN_OR_RETURN(auto found, repo_.product_exists(c, *in.product_id));
          if (!found) return Error::unprocessable("no such product", "product_id", "unknown");
        } else {
          ECRM_ASSIGN_OR_RETURN(auto found, repo_.category_exists(c, *in.category_id));
          if (!found) return Error::unprocessable("no such category", "category_id", "unknown");
        }
        return repo_.insert_link(c, partner_id, in, now_ms());
      });
}

Result<std::vector<PartnerProductLink>> PartnerService::links(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(existing(*lease, partner_id));
  return repo_.links_of(*lease, partner_id);
}

Result<PartnerRoutingRule> PartnerService::add_rule(std::int64_t partner_id,
                                                    const PartnerRoutingRuleInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto country, country_of(input.country, "country"));
  PartnerRoutingRuleInput in = input;
  in.country = country;
  return with_transaction<PartnerRoutingRule>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerRoutingRule> {
        ECRM_ASSIGN_OR_RETURN(auto p, existing(c, partner_id));
        if (p.kind == PartnerKind::kSupplier) {
          return Error::unprocessable(
              "suppliers receive the lines of their products, not routed "
              "orders",
              "partner_id", "not_routable");
        }
        if (in.category_id) {
          ECRM_ASSIGN_OR_RETURN(auto found, repo_.category_exists(c, *in.category_id));
          if (!found) return Error::unprocessable("no such category", "category_id", "unknown");
        }
        return repo_.insert_rule(c, partner_id, in, now_ms());
      });
}

Result<std::vector<PartnerRoutingRule>> PartnerService::rules(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(existing(*lease, partner_id));
  return repo_.rules_of(*lease, partner_id);
}

Result<PartnerOrderRoute> PartnerService::route_order(std::int64_t partner_id,
                                                      const PartnerOrderRouteInput& input,
                                                      const std::string& actor) {
  auto routed = with_transaction<PartnerOrderRoute>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerOrderRoute> {
        ECRM_ASSIGN_OR_RETURN(auto p, existing(c, partner_id));
        if (p.kind == PartnerKind::kSupplier) {
          return Error::unprocessable(
              "suppliers receive the lines of their products, not routed "
              "orders",
              "partner_id", "not_routable");
        }
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.order_exists(c, input.order_id));
        if (!found) return Error::unprocessable("no such order", "order_id", "unknown");
        const UnixMs now = now_ms();
        ECRM_RETURN_IF_ERROR(repo_.route_order(c, input.order_id, partner_id, now, actor));
        return PartnerOrderRoute{input.order_id, partner_id, now};
      });
  if (routed.ok() && observer_ != nullptr) observer_->on_order_routed(input.order_id, partner_id);
  return routed;
}

Result<std::vector<PartnerLine>> PartnerService::lines_of(std::int64_t partner_id,
                                                          const PartnerLineQuery& query,
                                                          std::optional<std::int64_t> before,
                                                          int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(existing(*lease, partner_id));
  return repo_.lines(*lease, partner_id, query, before, limit);
}

Result<PartnerScorecard> PartnerService::scorecard(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  Connection& c = *lease;
  ECRM_ASSIGN_OR_RETURN(auto p, existing(c, partner_id));
  PartnerScorecard s;
  s.partner_id = p.id;
  s.partner_name = p.name;
  ECRM_ASSIGN_OR_RETURN(s.currency, repo_.currency_of(c, partner_id));
  ECRM_ASSIGN_OR_RETURN(auto t, repo_.totals(c, partner_id, s.currency));
  std::optional<std::int64_t> median_ms;
  std::optional<std::int64_t> p90_ms;
  if (t.shipped > 0) {
    ECRM_ASSIGN_OR_RETURN(median_ms,
                          repo_.lead_time_at(c, partner_id, nearest_rank(0.5, t.shipped)));
    ECRM_ASSIGN_OR_RETURN(p90_ms, repo_.lead_time_at(c, partner_id, nearest_rank(0.9, t.shipped)));
  }
  score_lines(s, t, median_ms, p90_ms);
  ECRM_RETURN_IF_ERROR(score_leads(c, partner_id, s));
  return s;
}

Result<std::vector<PartnerScorecard>> PartnerService::scorecards(const PartnerQuery& query) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto figures, repo_.all_figures(*lease, query.kind));
  std::vector<PartnerScorecard> out;
  out.reserve(figures.size());
  for (const auto& f : figures) {
    PartnerScorecard s;
    s.partner_id = f.partner_id;
    s.partner_name = f.partner_name;
    s.currency = f.currency;
    score_lines(s, f.lines, f.lead_time_median_ms, f.lead_time_p90_ms);
    score_lead_totals(s, f.leads, f.response_median_ms);
    out.push_back(std::move(s));
  }
  return out;
}

Result<PartnerRanking> PartnerService::ranking(const PartnerRankingQuery& query) {
  if (query.product_id.has_value() == query.category_id.has_value()) {
    return Error::invalid("give either product_id or category_id", "product_id", "one_of");
  }
  PartnerRanking out;
  out.product_id = query.product_id;
  out.category_id = query.category_id;
  std::vector<std::pair<std::int64_t, std::int64_t>> suppliers;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(suppliers,
                          repo_.suppliers_of(*lease, query.product_id, query.category_id));
  }
  std::vector<std::pair<PartnerScorecard, std::int64_t>> scored;
  for (const auto& [partner_id, cost] : suppliers) {
    ECRM_ASSIGN_OR_RETURN(auto card, scorecard(partner_id));
    scored.emplace_back(std::move(card), cost);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    const double ra = a.first.on_time_rate.value_or(-1.0);
    const double rb = b.first.on_time_rate.value_or(-1.0);
    if (ra != rb) return ra > rb;
    const double da = a.first.defect_rate.value_or(0.0);
    const double db = b.first.defect_rate.value_or(0.0);
    if (da != db) return da < db;
    if (a.second != b.second) return a.second < b.second;
    return a.first.partner_id < b.first.partner_id;
  });
  for (auto& [card, cost] : scored) out.items.push_back(std::move(card));
  if (!out.items.empty()) out.suggested_partner_id = out.items.front().partner_id;
  return out;
}

Result<auth::PortalSessionOpened> PartnerService::open_session(const PartnerSessionInput& input,
                                                               const std::string& ip,
                                                               const std::string& user_agent) {
  ECRM_ASSIGN_OR_RETURN(auto subject, auth_.redeem_link(input.token));
  if (subject.kind != http::PortalSubject::kPartner) {
    return Error::invalid("this sign-in link is not valid; ask for a new one", "token",
                          "invalid_link");
  }
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto u, repo_.user_of_session(*lease, subject.id));
    if (!u || !u->user.active || !u->partner_active) {
      return Error::unauthenticated("this account is closed", "portal_account_closed");
    }
  }
  return auth_.open_session(subject, ip, user_agent);
}

Status PartnerService::sign_out(const std::string& session_token) {
  return auth_.end_session(session_token);
}

Result<UserOfSession> PartnerService::user_of(const http::Principal& who) {
  const Error closed =
      Error::unauthenticated("this account is closed; sign in again", "invalid_portal_session");
  if (who.kind != http::Principal::Kind::kPortal || who.subject != http::PortalSubject::kPartner) {
    return closed;
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (who.api_key_id != 0) {
    // A partner API key: the subject is the partner itself.
    ECRM_ASSIGN_OR_RETURN(auto partner, repo_.find_partner(*lease, who.subject_id));
    if (!partner || !partner->active) return closed;
    UserOfSession u;
    u.user.partner_id = partner->id;
    u.user.name = who.api_key_name;
    u.user.role = wire::parse_enum<PartnerRole>(who.role).value_or(PartnerRole::kPartnerStaff);
    u.user.created_at = partner->created_at;
    u.partner_name = partner->name;
    u.kind = partner->kind;
    u.api_key_id = who.api_key_id;
    return u;
  }
  ECRM_ASSIGN_OR_RETURN(auto u, repo_.user_of_session(*lease, who.subject_id));
  if (!u || !u->user.active || !u->partner_active) return closed;
  return std::move(*u);
}

Result<PartnerMe> PartnerService::me(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  return PartnerMe{u.user, u.user.partner_id, u.partner_name, u.kind, who.csrf_token};
}

Result<std::vector<PartnerLine>> PartnerService::own_lines(const http::Principal& who,
                                                           const PartnerLineQuery& query,
                                                           std::optional<std::int64_t> before,
                                                           int limit) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.lines(*lease, u.user.partner_id, query, before, limit);
}

Result<PartnerLine> PartnerService::own_line(const http::Principal& who, std::int64_t line_id) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto line, repo_.line(*lease, u.user.partner_id, line_id));
  if (!line) return not_yours();
  return std::move(*line);
}

Result<PartnerLine> PartnerService::acknowledge(const http::Principal& who, std::int64_t line_id) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  auto acknowledged = with_transaction<PartnerLine>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerLine> {
        ECRM_ASSIGN_OR_RETURN(auto line, repo_.line(c, u.user.partner_id, line_id));
        if (!line) return not_yours();
        ECRM_RETURN_IF_ERROR(
            repo_.acknowledge(c, u.user.partner_id, line_id, now_ms(), actor_of(u)));
        ECRM_ASSIGN_OR_RETURN(auto after, repo_.line(c, u.user.partner_id, line_id));
        if (!after) return not_yours();
        return std::move(*after);
      });
  if (acknowledged.ok() && observer_ != nullptr) {
    observer_->on_line_changed(u.user.partner_id, line_id);
  }
  return acknowledged;
}

Result<PartnerLine> PartnerService::ship(const http::Principal& who, std::int64_t line_id,
                                         const PartnerShipmentInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  if (blank(input.carrier)) return Error::invalid("carrier is required", "carrier", "required");
  if (blank(input.tracking_number)) {
    return Error::invalid("tracking_number is required", "tracking_number", "required");
  }
  std::optional<PartnerLine> line;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(line, repo_.line(*lease, u.user.partner_id, line_id));
  }
  if (!line) return not_yours();
  if (line->shipped_at) {
    return Error::conflict("this line was shipped already", "id", "line_shipped");
  }
  ECRM_ASSIGN_OR_RETURN(auto order, orders_.get(line->order_id));
  if (order.status == orders::OrderStatus::kPlaced || order.status == orders::OrderStatus::kPaid) {
    orders::StatusRequest request;
    request.status = orders::OrderStatus::kShipped;
    request.carrier = input.carrier;
    request.tracking_number = input.tracking_number;
    request.note = "shipped by " + u.partner_name + " (order line " + std::to_string(line_id) + ")";
    ECRM_RETURN_IF_ERROR(orders_.change_status(order.id, request, actor_of(u)));
  } else if (order.status != orders::OrderStatus::kShipped &&
             order.status != orders::OrderStatus::kDelivered) {
    return Error::conflict(
        "the order is " + std::string(wire::enum_name(order.status)) + " and cannot be shipped",
        "id", "invalid_transition");
  }
  auto shipped = with_transaction<PartnerLine>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerLine> {
        ECRM_RETURN_IF_ERROR(
            repo_.ship(c, u.user.partner_id, line_id, input, now_ms(), actor_of(u)));
        ECRM_ASSIGN_OR_RETURN(auto after, repo_.line(c, u.user.partner_id, line_id));
        if (!after) return not_yours();
        return std::move(*after);
      });
  if (shipped.ok() && observer_ != nullptr) observer_->on_line_changed(u.user.partner_id, line_id);
  return shipped;
}

Result<std::vector<PartnerProductLink>> PartnerService::own_products(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.links_of(*lease, u.user.partner_id);
}

Result<PartnerProductLink> PartnerService::update_product(const http::Principal& who,
                                                          std::int64_t product_id,
                                                          const PartnerProductUpdate& update) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  std::optional<PartnerProductLink> link;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(link, repo_.product_link(*lease, u.user.partner_id, product_id));
  }
  if (!link) return Error::not_found("no such product", "not_found");
  if (u.user.role != PartnerRole::kPartnerAdmin) {
    return Error::forbidden("only a partner admin changes stock and lead times",
                            "partner_admin_required");
  }
  // Both values were checked when the body was read (non-negative, in range): either change
  // may now be made without the other failing on its input.
  if (update.stock_on_hand) {
    catalog::ProductChanges changes;
    changes.stock_on_hand = *update.stock_on_hand;
    ECRM_RETURN_IF_ERROR(catalog_.update_product(product_id, changes));
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (update.lead_time_days) {
    ECRM_RETURN_IF_ERROR(
        repo_.set_link_lead_time(*lease, link->id, *update.lead_time_days, now_ms()));
  }
  ECRM_ASSIGN_OR_RETURN(auto after, repo_.product_link(*lease, u.user.partner_id, product_id));
  if (!after) return Error::not_found("no such product", "not_found");
  return std::move(*after);
}

Result<PartnerScorecard> PartnerService::own_scorecard(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto u, user_of(who));
  return scorecard(u.user.partner_id);
}

}  // namespace ecrm::partners
