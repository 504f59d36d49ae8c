#include "partners/leads_service.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <tuple>

#include "http/wire.hpp"

namespace ecrm::partners {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kHourMs = 3'600'000;

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

double rounded(double value, double scale) { return std::round(value * scale) / scale; }

// Lower-case, one '@' with text on both sides, no spaces; "" stays "".
Result<std::string> email_of(const std::string& email, const std::string& field) {
  std::string out = lower(trimmed(email));
  if (out.empty()) return out;
  const auto at = out.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= out.size() ||
      out.find('@', at + 1) != std::string::npos || out.find(' ') != std::string::npos) {
    return Error::invalid(field + " is not an e-mail address", field, "invalid_email");
  }
  return out;
}

// Upper-case two-letter code; "" stays "".
Result<std::string> country_of(const std::string& country, const std::string& field) {
  std::string out = upper(trimmed(country));
  if (out.empty()) return out;
  if (out.size() != 2 || !std::isalpha(static_cast<unsigned char>(out[0])) ||
      !std::isalpha(static_cast<unsigned char>(out[1]))) {
    return Error::invalid(field + " must be a two-letter country code", field, "invalid_country");
  }
  return out;
}

Result<std::string> currency_of(const std::string& currency) {
  std::string out = upper(trimmed(currency));
  if (out.empty()) return out;
  if (out.size() != 3 || !std::all_of(out.begin(), out.end(), [](char ch) {
        return std::isalpha(static_cast<unsigned char>(ch)) != 0;
      })) {
    return Error::invalid("currency must be a three-letter code", "currency", "invalid_currency");
  }
  return out;
}

Error invalid_transition(const Lead& lead, std::string_view to) {
  return Error::conflict("the lead is " + std::string(wire::enum_name(lead.status)) +
                             " and cannot be " + std::string(to),
                         "status", "invalid_transition");
}

Error no_such_lead() { return Error::not_found("no such lead", "not_found"); }

// How well a rule matches a lead: nullopt when it does not; else its priority and how much of
// the lead it names (region 4, country 2, category 1).
std::optional<std::pair<std::int64_t, int>> match(const Lead& lead, const LeadRule& rule) {
  int named = 0;
  if (!rule.countries.empty()) {
    if (std::find(rule.countries.begin(), rule.countries.end(), lead.country) ==
        rule.countries.end()) {
      return std::nullopt;
    }
    named += 2;
  }
  if (!rule.regions.empty()) {
    const std::string region = lower(lead.region);
    if (region.empty() ||
        std::none_of(rule.regions.begin(), rule.regions.end(),
                     [&](const std::string& r) { return lower(r) == region; })) {
      return std::nullopt;
    }
    named += 4;
  }
  if (!rule.category_ids.empty()) {
    if (!lead.category_id || std::find(rule.category_ids.begin(), rule.category_ids.end(),
                                       *lead.category_id) == rule.category_ids.end()) {
      return std::nullopt;
    }
    named += 1;
  }
  return std::make_pair(rule.priority, named);
}

}  // namespace

std::optional<std::int64_t> choose_partner(const Lead& lead, const std::vector<LeadRule>& rules,
                                           const std::map<std::int64_t, PartnerLoad>& loads) {
  // The best match of each partner.
  std::map<std::int64_t, std::pair<std::int64_t, int>> best;
  for (const auto& rule : rules) {
    auto m = match(lead, rule);
    if (!m) continue;
    auto [it, inserted] = best.emplace(rule.partner_id, *m);
    if (!inserted && *m > it->second) it->second = *m;
  }
  if (best.empty()) return std::nullopt;
  // Sort key: priority and naming (higher first), open leads (fewer first), acceptance rate
  // (higher first, none last), id (lower first).
  auto key = [&](std::int64_t partner_id, const std::pair<std::int64_t, int>& m) {
    PartnerLoad load;
    if (auto it = loads.find(partner_id); it != loads.end()) load = it->second;
    const double rate = load.answered > 0 ? static_cast<double>(load.accepted) /
                                                static_cast<double>(load.answered)
                                          : -1.0;
    return std::make_tuple(-m.first, -m.second, load.open, -rate, partner_id);
  };
  auto chosen = std::min_element(best.begin(), best.end(), [&](const auto& a, const auto& b) {
    return key(a.first, a.second) < key(b.first, b.second);
  });
  return chosen->first;
}

Status score_leads(Connection& c, std::int64_t partner_id, PartnerScorecard& card) {
  LeadRepo repo;
  ECRM_ASSIGN_OR_RETURN(auto t, repo.totals(c, partner_id));
  std::optional<std::int64_t> median_ms;
  if (t.responded > 0) {
    // Nearest rank: the smallest value with at least half of the values at or below it.
    const auto rank = static_cast<std::int64_t>(std::ceil(0.5 * static_cast<double>(t.responded))) - 1;
    ECRM_ASSIGN_OR_RETURN(median_ms,
                          repo.response_time_at(c, partner_id, std::max<std::int64_t>(rank, 0)));
  }
  score_lead_totals(card, t, median_ms);
  return {};
}

void score_lead_totals(PartnerScorecard& card, const LeadTotals& t,
                       std::optional<std::int64_t> response_median_ms) {
  card.leads_received = t.received;
  card.leads_accepted = t.accepted;
  card.leads_declined = t.declined;
  card.leads_expired = t.expired;
  card.leads_won = t.won;
  card.leads_lost = t.lost;
  if (const auto asked = t.accepted + t.declined + t.expired; asked > 0) {
    card.lead_acceptance_rate =
        rounded(static_cast<double>(t.accepted) / static_cast<double>(asked), 1e4);
  }
  if (const auto closed = t.won + t.lost; closed > 0) {
    card.lead_win_rate = rounded(static_cast<double>(t.won) / static_cast<double>(closed), 1e4);
  }
  if (t.responded > 0 && response_median_ms) {
    card.lead_response_median_hours =
        rounded(static_cast<double>(*response_median_ms) / static_cast<double>(kHourMs), 1e2);
  }
}

LeadService::LeadService(storage::Database& db, LeadOptions options)
    : db_(db), options_(options) {}

Lead LeadService::with_age(Lead lead, UnixMs now) const {
  lead.waiting_days.reset();
  lead.overdue = false;
  if (lead.status == LeadStatus::kRouted && lead.routed_at) {
    const UnixMs waited = std::max<UnixMs>(now - *lead.routed_at, 0);
    lead.waiting_days = waited / kDayMs;
    lead.overdue = waited >= options_.accept_within_days * kDayMs;
  }
  return lead;
}

Result<Lead> LeadService::create(const LeadInput& input, LeadSource source,
                                 const std::string& actor, const std::string& ip) {
  Lead lead;
  lead.contact_name = trimmed(input.contact_name);
  if (lead.contact_name.empty()) {
    return Error::invalid("contact_name is required", "contact_name", "required");
  }
  lead.company = trimmed(input.company.value_or(""));
  ECRM_ASSIGN_OR_RETURN(lead.email, email_of(input.email.value_or(""), "email"));
  lead.phone = trimmed(input.phone.value_or(""));
  if (lead.email.empty() && lead.phone.empty()) {
    return Error::invalid("give an e-mail address or a phone number", "email", "required");
  }
  ECRM_ASSIGN_OR_RETURN(lead.country, country_of(input.country.value_or(""), "country"));
  lead.region = trimmed(input.region.value_or(""));
  lead.category_id = input.category_id;
  lead.product_id = input.product_id;
  lead.quantity = input.quantity.value_or(0);
  lead.estimated_value = input.estimated_value.value_or(0);
  ECRM_ASSIGN_OR_RETURN(lead.currency, currency_of(input.currency.value_or("")));
  if (lead.estimated_value > 0 && lead.currency.empty()) {
    return Error::invalid("currency is required with an estimated value", "currency", "required");
  }
  lead.message = trimmed(input.message.value_or(""));
  lead.source = source;
  lead.status = LeadStatus::kNew;
  const UnixMs now = now_ms();
  lead.created_at = lead.updated_at = now;

  return with_transaction<Lead>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Lead> {
    Lead l = lead;
    if (source == LeadSource::kWebForm) {
      ECRM_ASSIGN_OR_RETURN(auto from_ip, repo_.count_from_ip(c, ip, now - kHourMs));
      if (from_ip >= options_.max_public_per_ip_per_hour) {
        return Error::rate_limited("too many enquiries from this address; try again later");
      }
      if (!l.email.empty()) {
        ECRM_ASSIGN_OR_RETURN(auto from_email, repo_.count_from_email(c, l.email, now - kHourMs));
        if (from_email >= options_.max_public_per_email_per_hour) {
          return Error::rate_limited("too many enquiries from this e-mail address; try again later");
        }
      }
    }
    if (l.product_id) {
      ECRM_ASSIGN_OR_RETURN(auto category, repo_.product_category(c, *l.product_id));
      if (!category) return Error::unprocessable("no such product", "product_id", "unknown");
      if (!l.category_id) l.category_id = *category;
    }
    if (l.category_id) {
      ECRM_ASSIGN_OR_RETURN(auto found, repo_.category_exists(c, *l.category_id));
      if (!found) return Error::unprocessable("no such category", "category_id", "unknown");
    }
    ECRM_ASSIGN_OR_RETURN(auto rules, repo_.active_rules(c));
    ECRM_ASSIGN_OR_RETURN(auto loads, repo_.loads(c));
    const auto partner = choose_partner(l, rules, loads);
    if (partner) {
      l.status = LeadStatus::kRouted;
      l.partner_id = partner;
      l.routed_at = now;
    }
    ECRM_ASSIGN_OR_RETURN(l.id, repo_.insert_lead(c, l, ip));
    if (partner) {
      ECRM_RETURN_IF_ERROR(repo_.insert_route(c, l.id, *partner, now, "rules:" + actor));
    }
    return with_age(std::move(l), now);
  });
}

Result<Lead> LeadService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_lead(*lease, id));
  if (!found) return no_such_lead();
  return with_age(std::move(*found), now_ms());
}

Result<std::vector<Lead>> LeadService::list(const LeadQuery& query,
                                            std::optional<std::int64_t> before, int limit) {
  LeadFilter filter;
  filter.status = query.status;
  filter.partner_id = query.partner_id.value_or(0);
  filter.category_id = query.category_id.value_or(0);
  ECRM_ASSIGN_OR_RETURN(filter.country, country_of(query.country.value_or(""), "country"));
  filter.overdue = !query.overdue ? 0 : *query.overdue ? 1 : 2;
  const UnixMs now = now_ms();
  filter.overdue_cutoff = now - options_.accept_within_days * kDayMs;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto leads, repo_.list_leads(*lease, filter, before, limit));
  for (auto& lead : leads) lead = with_age(std::move(lead), now);
  return leads;
}

Result<Lead> LeadService::update(std::int64_t id, const LeadChanges& changes) {
  if (changes.contact_name && trimmed(*changes.contact_name).empty()) {
    return Error::invalid("contact_name must not be empty", "contact_name", "required");
  }
  std::optional<std::string> email, country, currency;
  if (changes.email) {
    ECRM_ASSIGN_OR_RETURN(email, email_of(*changes.email, "email"));
  }
  if (changes.country) {
    ECRM_ASSIGN_OR_RETURN(country, country_of(*changes.country, "country"));
  }
  if (changes.currency) {
    ECRM_ASSIGN_OR_RETURN(currency, currency_of(*changes.currency));
  }
  return with_transaction<Lead>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Lead> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_lead(c, id));
    if (!found) return no_such_lead();
    Lead l = std::move(*found);
    if (changes.company) l.company = trimmed(*changes.company);
    if (changes.contact_name) l.contact_name = trimmed(*changes.contact_name);
    if (email) l.email = *email;
    if (changes.phone) l.phone = trimmed(*changes.phone);
    if (l.email.empty() && l.phone.empty()) {
      return Error::invalid("give an e-mail address or a phone number", "email", "required");
    }
    if (country) l.country = *country;
    if (changes.region) l.region = trimmed(*changes.region);
    if (changes.product_id) {
      l.product_id = *changes.product_id;
      if (l.product_id) {
        ECRM_ASSIGN_OR_RETURN(auto category, repo_.product_category(c, *l.product_id));
        if (!category) return Error::unprocessable("no such product", "product_id", "unknown");
        if (!changes.category_id && *category) l.category_id = *category;
      }
    }
    if (changes.category_id) {
      l.category_id = *changes.category_id;
      if (l.category_id) {
        ECRM_ASSIGN_OR_RETURN(auto exists, repo_.category_exists(c, *l.category_id));
        if (!exists) return Error::unprocessable("no such category", "category_id", "unknown");
      }
    }
    if (changes.quantity) l.quantity = *changes.quantity;
    if (changes.estimated_value) l.estimated_value = *changes.estimated_value;
    if (currency) l.currency = *currency;
    if (l.estimated_value > 0 && l.currency.empty()) {
      return Error::invalid("currency is required with an estimated value", "currency",
                            "required");
    }
    if (changes.message) l.message = trimmed(*changes.message);
    const UnixMs now = now_ms();
    l.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_lead(c, l));
    return with_age(std::move(l), now);
  });
}

Result<Lead> LeadService::route(std::int64_t id, const LeadRouteInput& input,
                                const std::string& actor) {
  return with_transaction<Lead>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Lead> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_lead(c, id));
    if (!found) return no_such_lead();
    const UnixMs now = now_ms();
    Lead l = with_age(std::move(*found), now);
    if (l.status == LeadStatus::kAccepted || l.status == LeadStatus::kWon ||
        l.status == LeadStatus::kLost) {
      return invalid_transition(l, "routed");
    }
    ECRM_ASSIGN_OR_RETURN(auto active, repo_.partner_active(c, input.partner_id));
    if (!active) return Error::unprocessable("no such partner", "partner_id", "unknown");
    if (!*active) {
      return Error::unprocessable("the partner is not active", "partner_id", "partner_inactive");
    }
    if (l.status == LeadStatus::kRouted) {
      ECRM_RETURN_IF_ERROR(repo_.close_route(
          c, l.id, l.overdue ? LeadRouteOutcome::kExpired : LeadRouteOutcome::kWithdrawn,
          std::nullopt));
    }
    l.status = LeadStatus::kRouted;
    l.partner_id = input.partner_id;
    l.routed_at = now;
    l.responded_at.reset();
    l.closed_at.reset();
    l.decline_reason.clear();
    l.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_lead(c, l));
    ECRM_RETURN_IF_ERROR(repo_.insert_route(c, l.id, input.partner_id, now, actor));
    return with_age(std::move(l), now);
  });
}

Result<LeadExpiry> LeadService::expire_overdue() {
  const UnixMs now = now_ms();
  const UnixMs cutoff = now - options_.accept_within_days * kDayMs;
  return with_transaction<LeadExpiry>(db_, TxMode::kWrite, [&](Connection& c) -> Result<LeadExpiry> {
    ECRM_ASSIGN_OR_RETURN(auto expired, repo_.expire_routed(c, cutoff, now));
    return LeadExpiry{expired, options_.accept_within_days};
  });
}

namespace {

// A rule's lists, checked and normalised; `rule` gets those given.
Status apply_lists(const std::optional<std::vector<std::string>>& countries,
                   const std::optional<std::vector<std::string>>& regions,
                   const std::optional<std::vector<std::int64_t>>& category_ids, LeadRule& rule) {
  if (countries) {
    rule.countries.clear();
    for (std::size_t i = 0; i < countries->size(); ++i) {
      const std::string field = "countries[" + std::to_string(i) + "]";
      ECRM_ASSIGN_OR_RETURN(auto code, country_of((*countries)[i], field));
      if (code.empty()) return Error::invalid(field + " must not be empty", field, "required");
      if (std::find(rule.countries.begin(), rule.countries.end(), code) == rule.countries.end()) {
        rule.countries.push_back(code);
      }
    }
  }
  if (regions) {
    rule.regions.clear();
    for (std::size_t i = 0; i < regions->size(); ++i) {
      const std::string field = "regions[" + std::to_string(i) + "]";
      std::string region = trimmed((*regions)[i]);
      if (region.empty()) return Error::invalid(field + " must not be empty", field, "required");
      if (region.size() > kMaxLeadText || region.find(',') != std::string::npos) {
        return Error::invalid(field + " must be a name without commas, at most 200 bytes", field);
      }
      rule.regions.push_back(std::move(region));
    }
  }
  if (category_ids) {
    rule.category_ids.clear();
    for (auto id : *category_ids) {
      if (std::find(rule.category_ids.begin(), rule.category_ids.end(), id) ==
          rule.category_ids.end()) {
        rule.category_ids.push_back(id);
      }
    }
  }
  return {};
}

Status known_categories(LeadRepo& repo, Connection& c, const std::vector<std::int64_t>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ECRM_ASSIGN_OR_RETURN(auto found, repo.category_exists(c, ids[i]));
    if (!found) {
      return Error::unprocessable("no such category", "category_ids[" + std::to_string(i) + "]",
                                  "unknown");
    }
  }
  return {};
}

}  // namespace

Result<std::vector<LeadRule>> LeadService::rules(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto active, repo_.partner_active(*lease, partner_id));
  if (!active) return Error::not_found("no such partner", "not_found");
  return repo_.rules_of(*lease, partner_id);
}

Result<LeadRule> LeadService::add_rule(std::int64_t partner_id, const LeadRuleInput& input) {
  LeadRule rule;
  rule.partner_id = partner_id;
  rule.priority = input.priority.value_or(0);
  ECRM_RETURN_IF_ERROR(apply_lists(input.countries, input.regions, input.category_ids, rule));
  return with_transaction<LeadRule>(db_, TxMode::kWrite, [&](Connection& c) -> Result<LeadRule> {
    ECRM_ASSIGN_OR_RETURN(auto active, repo_.partner_active(c, partner_id));
    if (!active) return Error::not_found("no such partner", "not_found");
    ECRM_RETURN_IF_ERROR(known_categories(repo_, c, rule.category_ids));
    LeadRule out = rule;
    out.created_at = out.updated_at = now_ms();
    ECRM_ASSIGN_OR_RETURN(out.id, repo_.insert_rule(c, out));
    return out;
  });
}

Result<LeadRule> LeadService::update_rule(std::int64_t partner_id, std::int64_t rule_id,
                                          const LeadRuleChanges& changes) {
  LeadRule checked;
  ECRM_RETURN_IF_ERROR(apply_lists(changes.countries, changes.regions, changes.category_ids,
                                   checked));
  return with_transaction<LeadRule>(db_, TxMode::kWrite, [&](Connection& c) -> Result<LeadRule> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_rule(c, rule_id));
    if (!found || found->partner_id != partner_id) {
      return Error::not_found("no such lead rule", "not_found");
    }
    LeadRule rule = std::move(*found);
    if (changes.countries) rule.countries = checked.countries;
    if (changes.regions) rule.regions = checked.regions;
    if (changes.category_ids) {
      ECRM_RETURN_IF_ERROR(known_categories(repo_, c, checked.category_ids));
      rule.category_ids = checked.category_ids;
    }
    if (changes.priority) rule.priority = *changes.priority;
    rule.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_rule(c, rule));
    return rule;
  });
}

Status LeadService::delete_rule(std::int64_t partner_id, std::int64_t rule_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_rule(c, rule_id));
    if (!found || found->partner_id != partner_id) {
      return Error::not_found("no such lead rule", "not_found");
    }
    return repo_.delete_rule(c, rule_id);
  });
}

Result<std::int64_t> LeadService::partner_of(const http::Principal& who) {
  const Error closed =
      Error::unauthenticated("this account is closed; sign in again", "invalid_portal_session");
  if (who.kind != http::Principal::Kind::kPortal || who.subject != http::PortalSubject::kPartner) {
    return closed;
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (who.api_key_id != 0) {
    // A partner API key speaks for the partner itself.
    ECRM_ASSIGN_OR_RETURN(auto active, repo_.partner_active(*lease, who.subject_id));
    if (!active || !*active) return closed;
    return who.subject_id;
  }
  ECRM_ASSIGN_OR_RETURN(auto u, partners_.user_of_session(*lease, who.subject_id));
  if (!u || !u->user.active || !u->partner_active) return closed;
  return u->user.partner_id;
}

Result<std::vector<Lead>> LeadService::own_leads(const http::Principal& who,
                                                 const PartnerLeadQuery& query,
                                                 std::optional<std::int64_t> before, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto partner_id, partner_of(who));
  LeadFilter filter;
  filter.status = query.status;
  filter.partner_id = partner_id;
  const UnixMs now = now_ms();
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto leads, repo_.list_leads(*lease, filter, before, limit));
  for (auto& lead : leads) lead = with_age(std::move(lead), now);
  return leads;
}

Result<Lead> LeadService::own_lead(const http::Principal& who, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto partner_id, partner_of(who));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_lead(*lease, id));
  if (!found || found->partner_id != partner_id) return no_such_lead();
  return with_age(std::move(*found), now_ms());
}

template <typename Answer>
Result<Lead> LeadService::answer(const http::Principal& who, std::int64_t id, Answer&& apply) {
  ECRM_ASSIGN_OR_RETURN(auto partner_id, partner_of(who));
  return with_transaction<Lead>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Lead> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_lead(c, id));
    if (!found || found->partner_id != partner_id) return no_such_lead();
    Lead l = std::move(*found);
    const UnixMs now = now_ms();
    ECRM_RETURN_IF_ERROR(apply(c, l, now));
    l.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_lead(c, l));
    return with_age(std::move(l), now);
  });
}

Result<Lead> LeadService::accept(const http::Principal& who, std::int64_t id) {
  return answer(who, id, [&](Connection& c, Lead& l, UnixMs now) -> Status {
    if (l.status != LeadStatus::kRouted) return invalid_transition(l, "accepted");
    l.status = LeadStatus::kAccepted;
    l.responded_at = now;
    return repo_.close_route(c, l.id, LeadRouteOutcome::kAccepted, now);
  });
}

Result<Lead> LeadService::decline(const http::Principal& who, std::int64_t id,
                                  const LeadDeclineInput& in) {
  const std::string reason = trimmed(in.reason);
  if (reason.empty()) return Error::invalid("reason is required", "reason", "required");
  return answer(who, id, [&](Connection& c, Lead& l, UnixMs now) -> Status {
    if (l.status != LeadStatus::kRouted) return invalid_transition(l, "declined");
    l.status = LeadStatus::kDeclined;
    l.responded_at = now;
    l.decline_reason = reason;
    return repo_.close_route(c, l.id, LeadRouteOutcome::kDeclined, now);
  });
}

Result<Lead> LeadService::won(const http::Principal& who, std::int64_t id, const LeadWonInput& in) {
  return answer(who, id, [&](Connection&, Lead& l, UnixMs now) -> Status {
    if (l.status != LeadStatus::kAccepted) return invalid_transition(l, "won");
    l.status = LeadStatus::kWon;
    l.closed_at = now;
    l.won_value = in.value;
    return {};
  });
}

Result<Lead> LeadService::lost(const http::Principal& who, std::int64_t id,
                               const LeadLostInput& in) {
  const std::string reason = trimmed(in.reason);
  if (reason.empty()) return Error::invalid("reason is required", "reason", "required");
  return answer(who, id, [&](Connection&, Lead& l, UnixMs now) -> Status {
    if (l.status != LeadStatus::kAccepted) return invalid_transition(l, "lost");
    l.status = LeadStatus::kLost;
    l.closed_at = now;
    l.lost_reason = reason;
    return {};
  });
}

}  // namespace ecrm::partners
