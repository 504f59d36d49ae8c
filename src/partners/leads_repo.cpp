#include "partners/leads_repo.hpp"

#include <limits>

#include "http/wire.hpp"

namespace ecrm::partners {

using storage::Connection;
using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kLeadColumns =
    "SELECT id, company, contact_name, email, phone, country, region, category_id, product_id, "
    "quantity, estimated_value, currency, message, source, status, partner_id, created_at, "
    "routed_at, responded_at, closed_at, decline_reason, lost_reason, won_value, updated_at "
    "FROM partner_leads ";
constexpr std::string_view kInsertLead =
    "INSERT INTO partner_leads (company, contact_name, email, phone, country, region, "
    "category_id, product_id, quantity, estimated_value, currency, message, source, status, "
    "partner_id, created_at, routed_at, responded_at, closed_at, decline_reason, lost_reason, "
    "won_value, updated_at, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id";
const std::string kFindLead = std::string(kLeadColumns) + "WHERE id = $1";
// $1 status ('' any), $2 partner (0 any), $3 category (0 any), $4 country ('' any),
// $5 overdue (0 any, 1 only, 2 not) against the cutoff $6, below id $7, $8 rows.
const std::string kListLeads =
    std::string(kLeadColumns) +
    "WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR partner_id = $2) "
    "AND ($3 = 0 OR category_id = $3) AND ($4 = '' OR country = $4) "
    "AND ($5 = 0 OR ($5 = 1 AND status = 'routed' AND routed_at <= $6) "
    "OR ($5 = 2 AND NOT (status = 'routed' AND routed_at <= $6))) "
    "AND id < $7 ORDER BY id DESC LIMIT $8";
constexpr std::string_view kUpdateLead =
    "UPDATE partner_leads SET company = $2, contact_name = $3, email = $4, phone = $5, "
    "country = $6, region = $7, category_id = $8, product_id = $9, quantity = $10, "
    "estimated_value = $11, currency = $12, message = $13, status = $14, partner_id = $15, "
    "routed_at = $16, responded_at = $17, closed_at = $18, decline_reason = $19, "
    "lost_reason = $20, won_value = $21, updated_at = $22 WHERE id = $1";

constexpr std::string_view kInsertRoute =
    "INSERT INTO partner_lead_routes (lead_id, partner_id, routed_at, outcome, actor) "
    "VALUES ($1, $2, $3, 'open', $4)";
constexpr std::string_view kCloseRoute =
    "UPDATE partner_lead_routes SET outcome = $2, responded_at = $3 "
    "WHERE lead_id = $1 AND outcome = 'open'";
constexpr std::string_view kExpireRoutes =
    "UPDATE partner_lead_routes SET outcome = 'expired' WHERE outcome = 'open' AND lead_id IN "
    "(SELECT id FROM partner_leads WHERE status = 'routed' AND routed_at <= $1)";
constexpr std::string_view kExpireLeads =
    "UPDATE partner_leads SET status = 'expired', closed_at = $2, updated_at = $2 "
    "WHERE status = 'routed' AND routed_at <= $1";

constexpr std::string_view kCountFromIp =
    "SELECT COUNT(*) FROM partner_leads WHERE ip = $1 AND source = 'web_form' "
    "AND created_at >= $2";
constexpr std::string_view kCountFromEmail =
    "SELECT COUNT(*) FROM partner_leads WHERE email = $1 AND source = 'web_form' "
    "AND created_at >= $2";
constexpr std::string_view kProductCategory = "SELECT category_id FROM products WHERE id = $1";
constexpr std::string_view kCategoryExists = "SELECT 1 FROM categories WHERE id = $1";
constexpr std::string_view kPartnerActive = "SELECT active FROM partners WHERE id = $1";

constexpr std::string_view kRuleColumns =
    "SELECT r.id, r.partner_id, r.countries, r.regions, r.category_ids, r.priority, "
    "r.created_at, r.updated_at FROM partner_lead_rules r ";
const std::string kActiveRules = std::string(kRuleColumns) +
                                 "JOIN partners p ON p.id = r.partner_id WHERE p.active = 1 "
                                 "ORDER BY r.partner_id, r.id";
const std::string kRulesOf =
    std::string(kRuleColumns) + "WHERE r.partner_id = $1 ORDER BY r.id";
const std::string kFindRule = std::string(kRuleColumns) + "WHERE r.id = $1";
constexpr std::string_view kInsertRule =
    "INSERT INTO partner_lead_rules (partner_id, countries, regions, category_ids, priority, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
constexpr std::string_view kUpdateRule =
    "UPDATE partner_lead_rules SET countries = $2, regions = $3, category_ids = $4, "
    "priority = $5, updated_at = $6 WHERE id = $1";
constexpr std::string_view kDeleteRule = "DELETE FROM partner_lead_rules WHERE id = $1";

constexpr std::string_view kOpenLeads =
    "SELECT partner_id, COUNT(*) FROM partner_leads WHERE partner_id IS NOT NULL "
    "AND status IN ('routed', 'accepted') GROUP BY partner_id";
constexpr std::string_view kAnswers =
    "SELECT partner_id, "
    "COALESCE(SUM(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN outcome IN ('accepted', 'declined', 'expired') THEN 1 ELSE 0 END), 0) "
    "FROM partner_lead_routes GROUP BY partner_id";

constexpr std::string_view kRouteTotals =
    "SELECT COUNT(*), "
    "COALESCE(SUM(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN outcome = 'expired' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN responded_at IS NOT NULL THEN 1 ELSE 0 END), 0) "
    "FROM partner_lead_routes WHERE partner_id = $1";
constexpr std::string_view kOutcomeTotals =
    "SELECT COALESCE(SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN status = 'lost' THEN 1 ELSE 0 END), 0) "
    "FROM partner_leads WHERE partner_id = $1";
constexpr std::string_view kResponseTimeAt =
    "SELECT responded_at - routed_at FROM partner_lead_routes "
    "WHERE partner_id = $1 AND responded_at IS NOT NULL ORDER BY 1, id LIMIT 1 OFFSET $2";

Value int_or_null(const std::optional<std::int64_t>& v) { return v ? Value{*v} : kNull; }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::string joined(const std::vector<std::int64_t>& items) {
  std::string out;
  for (auto item : items) {
    if (!out.empty()) out += ',';
    out += std::to_string(item);
  }
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::vector<std::int64_t> split_ids(std::string_view text) {
  std::vector<std::int64_t> out;
  for (const auto& item : split(text)) out.push_back(std::stoll(item));
  return out;
}

Lead read_lead(const RowView& row) {
  Lead l;
  l.id = row.get_int(0);
  l.company = row.get_string(1);
  l.contact_name = row.get_string(2);
  l.email = row.get_string(3);
  l.phone = row.get_string(4);
  l.country = row.get_string(5);
  l.region = row.get_string(6);
  l.category_id = row.get_optional_int(7);
  l.product_id = row.get_optional_int(8);
  l.quantity = row.get_int(9);
  l.estimated_value = row.get_int(10);
  l.currency = row.get_string(11);
  l.message = row.get_string(12);
  l.source = wire::parse_enum<LeadSource>(row.get_text(13)).value_or(LeadSource::kStaff);
  l.status = wire::parse_enum<LeadStatus>(row.get_text(14)).value_or(LeadStatus::kNew);
  l.partner_id = row.get_optional_int(15);
  l.created_at = row.get_int(16);
  l.routed_at = row.get_optional_int(17);
  l.responded_at = row.get_optional_int(18);
  l.closed_at = row.get_optional_int(19);
  l.decline_reason = row.get_string(20);
  l.lost_reason = row.get_string(21);
  l.won_value = row.get_optional_int(22);
  l.updated_at = row.get_int(23);
  return l;
}

LeadRule read_rule(const RowView& row) {
  LeadRule r;
  r.id = row.get_int(0);
  r.partner_id = row.get_int(1);
  r.countries = split(row.get_text(2));
  r.regions = split(row.get_text(3));
  r.category_ids = split_ids(row.get_text(4));
  r.priority = row.get_int(5);
  r.created_at = row.get_int(6);
  r.updated_at = row.get_int(7);
  return r;
}

Result<std::int64_t> count_of(Connection& c, std::string_view sql, const std::string& key,
                              UnixMs since) {
  std::int64_t n = 0;
  ECRM_RETURN_IF_ERROR(c.query(sql, {key, since}, [&](const RowView& row) { n = row.get_int(0); }));
  return n;
}

}  // namespace

Result<std::int64_t> LeadRepo::insert_lead(Connection& c, const Lead& l, const std::string& ip) {
  const Value params[] = {l.company,
                          l.contact_name,
                          l.email,
                          l.phone,
                          l.country,
                          l.region,
                          int_or_null(l.category_id),
                          int_or_null(l.product_id),
                          l.quantity,
                          l.estimated_value,
                          l.currency,
                          l.message,
                          std::string(wire::enum_name(l.source)),
                          std::string(wire::enum_name(l.status)),
                          int_or_null(l.partner_id),
                          l.created_at,
                          int_or_null(l.routed_at),
                          int_or_null(l.responded_at),
                          int_or_null(l.closed_at),
                          l.decline_reason,
                          l.lost_reason,
                          int_or_null(l.won_value),
                          l.updated_at,
                          ip};
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(kInsertLead, params, [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::optional<Lead>> LeadRepo::find_lead(Connection& c, std::int64_t id) {
  std::optional<Lead> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindLead, {id}, [&](const RowView& row) { found = read_lead(row); }));
  return found;
}

Result<std::vector<Lead>> LeadRepo::list_leads(Connection& c, const LeadFilter& f,
                                               std::optional<std::int64_t> before_id, int limit) {
  std::vector<Lead> out;
  const Value params[] = {f.status ? std::string(wire::enum_name(*f.status)) : std::string(),
                          f.partner_id,
                          f.category_id,
                          f.country,
                          std::int64_t{f.overdue},
                          f.overdue_cutoff,
                          before_id.value_or(std::numeric_limits<std::int64_t>::max()),
                          static_cast<std::int64_t>(limit)};
  ECRM_RETURN_IF_ERROR(
      c.query(kListLeads, params, [&](const RowView& row) { out.push_back(read_lead(row)); }));
  return out;
}

Status LeadRepo::update_lead(Connection& c, const Lead& l) {
  const Value params[] = {l.id,
                          l.company,
                          l.contact_name,
                          l.email,
                          l.phone,
                          l.country,
                          l.region,
                          int_or_null(l.category_id),
                          int_or_null(l.product_id),
                          l.quantity,
                          l.estimated_value,
                          l.currency,
                          l.message,
                          std::string(wire::enum_name(l.status)),
                          int_or_null(l.partner_id),
                          int_or_null(l.routed_at),
                          int_or_null(l.responded_at),
                          int_or_null(l.closed_at),
                          l.decline_reason,
                          l.lost_reason,
                          int_or_null(l.won_value),
                          l.updated_at};
  return done(c.execute(kUpdateLead, params));
}

Status LeadRepo::insert_route(Connection& c, std::int64_t lead_id, std::int64_t partner_id,
                              UnixMs now, const std::string& actor) {
  return done(c.execute(kInsertRoute, {lead_id, partner_id, now, actor}));
}

Status LeadRepo::close_route(Connection& c, std::int64_t lead_id, LeadRouteOutcome outcome,
                             std::optional<UnixMs> responded_at) {
  return done(c.execute(kCloseRoute, {lead_id, std::string(wire::enum_name(outcome)),
                                      int_or_null(responded_at)}));
}

Result<std::int64_t> LeadRepo::expire_routed(Connection& c, UnixMs cutoff, UnixMs now) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kExpireRoutes, {cutoff})));
  return c.execute(kExpireLeads, {cutoff, now});
}

Result<std::int64_t> LeadRepo::count_from_ip(Connection& c, const std::string& ip, UnixMs since) {
  return count_of(c, kCountFromIp, ip, since);
}

Result<std::int64_t> LeadRepo::count_from_email(Connection& c, const std::string& email,
                                                UnixMs since) {
  return count_of(c, kCountFromEmail, email, since);
}

Result<std::optional<std::optional<std::int64_t>>> LeadRepo::product_category(
    Connection& c, std::int64_t product_id) {
  std::optional<std::optional<std::int64_t>> out;
  ECRM_RETURN_IF_ERROR(c.query(kProductCategory, {product_id},
                               [&](const RowView& row) { out.emplace(row.get_optional_int(0)); }));
  return out;
}

Result<bool> LeadRepo::category_exists(Connection& c, std::int64_t category_id) {
  bool found = false;
  ECRM_RETURN_IF_ERROR(c.query(kCategoryExists, {category_id}, [&](const RowView&) { found = true; }));
  return found;
}

Result<std::optional<bool>> LeadRepo::partner_active(Connection& c, std::int64_t partner_id) {
  std::optional<bool> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kPartnerActive, {partner_id}, [&](const RowView& row) { out = row.get_int(0) != 0; }));
  return out;
}

Result<std::vector<LeadRule>> LeadRepo::active_rules(Connection& c) {
  std::vector<LeadRule> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kActiveRules, std::span<const Value>{}, [&](const RowView& row) { out.push_back(read_rule(row)); }));
  return out;
}

Result<std::map<std::int64_t, PartnerLoad>> LeadRepo::loads(Connection& c) {
  std::map<std::int64_t, PartnerLoad> out;
  ECRM_RETURN_IF_ERROR(c.query(kOpenLeads, std::span<const Value>{}, [&](const RowView& row) {
    out[row.get_int(0)].open = row.get_int(1);
  }));
  ECRM_RETURN_IF_ERROR(c.query(kAnswers, std::span<const Value>{}, [&](const RowView& row) {
    auto& load = out[row.get_int(0)];
    load.accepted = row.get_int(1);
    load.answered = row.get_int(2);
  }));
  return out;
}

Result<std::vector<LeadRule>> LeadRepo::rules_of(Connection& c, std::int64_t partner_id) {
  std::vector<LeadRule> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kRulesOf, {partner_id}, [&](const RowView& row) { out.push_back(read_rule(row)); }));
  return out;
}

Result<std::optional<LeadRule>> LeadRepo::find_rule(Connection& c, std::int64_t rule_id) {
  std::optional<LeadRule> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindRule, {rule_id}, [&](const RowView& row) { found = read_rule(row); }));
  return found;
}

Result<std::int64_t> LeadRepo::insert_rule(Connection& c, const LeadRule& r) {
  const Value params[] = {r.partner_id, joined(r.countries), joined(r.regions),
                          joined(r.category_ids), r.priority, r.created_at};
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(kInsertRule, params, [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Status LeadRepo::update_rule(Connection& c, const LeadRule& r) {
  return done(c.execute(kUpdateRule, {r.id, joined(r.countries), joined(r.regions),
                                      joined(r.category_ids), r.priority, r.updated_at}));
}

Status LeadRepo::delete_rule(Connection& c, std::int64_t rule_id) {
  return done(c.execute(kDeleteRule, {rule_id}));
}

Result<LeadTotals> LeadRepo::totals(Connection& c, std::int64_t partner_id) {
  LeadTotals t;
  ECRM_RETURN_IF_ERROR(c.query(kRouteTotals, {partner_id}, [&](const RowView& row) {
    t.received = row.get_int(0);
    t.accepted = row.get_int(1);
    t.declined = row.get_int(2);
    t.expired = row.get_int(3);
    t.responded = row.get_int(4);
  }));
  ECRM_RETURN_IF_ERROR(c.query(kOutcomeTotals, {partner_id}, [&](const RowView& row) {
    t.won = row.get_int(0);
    t.lost = row.get_int(1);
  }));
  return t;
}

Result<std::optional<std::int64_t>> LeadRepo::response_time_at(Connection& c,
                                                               std::int64_t partner_id,
                                                               std::int64_t rank) {
  std::optional<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kResponseTimeAt, {partner_id, rank},
                               [&](const RowView& row) { out = row.get_int(0); }));
  return out;
}

}  // namespace ecrm::partners
