#include "automation/repo.hpp"

namespace ecrm::automation {

using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kFlows =
    "SELECT key, name, trigger_kind, enabled, description, updated_at FROM automation_flows "
    "ORDER BY key";
constexpr std::string_view kFlow =
    "SELECT key, name, trigger_kind, enabled, description, updated_at FROM automation_flows "
    "WHERE key = $1";
constexpr std::string_view kEnsureFlow =
    "INSERT INTO automation_flows (key, name, trigger_kind, enabled, description, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING";
constexpr std::string_view kSetEnabled =
    "UPDATE automation_flows SET enabled = $2, updated_at = $3 WHERE key = $1";
constexpr std::string_view kPolicy =
    "SELECT tier, communication, allowed FROM care_policy";
constexpr std::string_view kSetPolicy =
    "INSERT INTO care_policy (tier, communication, allowed) VALUES ($1, $2, $3) "
    "ON CONFLICT (tier, communication) DO UPDATE SET allowed = excluded.allowed";
// $1, $2: month-days (the same twice when there is one).
constexpr std::string_view kBirthdays =
    "SELECT c.id, s.tier, c.birthday FROM customers c "
    "JOIN customer_scores s ON s.customer_id = c.id "
    "WHERE c.birthday IS NOT NULL AND substr(c.birthday, 6, 5) IN ($1, $2) "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL "
    "AND c.email_consent = 1 ORDER BY c.id";
constexpr std::string_view kAnniversaries =
    "SELECT c.id, s.tier, a.kind, a.label, a.date FROM customer_anniversaries a "
    "JOIN customers c ON c.id = a.customer_id JOIN customer_scores s ON s.customer_id = c.id "
    "WHERE substr(a.date, 6, 5) IN ($1, $2) "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL "
    "AND c.email_consent = 1 ORDER BY c.id, a.id";
constexpr std::string_view kEarlierBuyers =
    "SELECT DISTINCT o.customer_id FROM products p "
    "JOIN order_lines l ON l.product_id = p.id JOIN orders o ON o.id = l.order_id "
    "JOIN customers c ON c.id = o.customer_id "
    "WHERE p.line = $1 AND p.version < $2 AND o.status <> 'cancelled' "
    "AND c.merged_into IS NULL AND c.erased_at IS NULL AND c.email IS NOT NULL "
    "AND c.email_consent = 1 ORDER BY o.customer_id";
constexpr std::string_view kEnrol =
    "INSERT INTO flow_enrolments (flow_key, customer_id, occurrence, status, created_at) "
    "VALUES ($1, $2, $3, 'done', $4) ON CONFLICT (flow_key, customer_id, occurrence) DO NOTHING "
    "RETURNING id";
constexpr std::string_view kSetEnrolmentMessage =
    "UPDATE flow_enrolments SET message_id = $2 WHERE id = $1";

Flow read_flow(const RowView& row) {
  Flow f;
  f.key = row.get_string(0);
  f.name = row.get_string(1);
  f.trigger = row.get_string(2);
  f.enabled = row.get_int(3) != 0;
  f.description = row.get_string(4);
  f.updated_at = row.get_int(5);
  return f;
}

std::pair<Value, Value> days(const std::vector<std::string>& month_days) {
  const std::string first = month_days.empty() ? std::string("--") : month_days.front();
  return {first, month_days.size() > 1 ? month_days[1] : first};
}

}  // namespace

Result<std::vector<Flow>> AutomationRepo::flows(Connection& c) {
  std::vector<Flow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFlows, {}, [&](const RowView& row) { out.push_back(read_flow(row)); }));
  return out;
}

Result<std::optional<Flow>> AutomationRepo::flow(Connection& c, const std::string& key) {
  std::optional<Flow> out;
  ECRM_RETURN_IF_ERROR(c.query(kFlow, {key}, [&](const RowView& row) { out = read_flow(row); }));
  return out;
}

Status AutomationRepo::ensure_flow(Connection& c, const Flow& f) {
  return storage::done(c.execute(kEnsureFlow, {f.key, f.name, f.trigger,
                                               std::int64_t{f.enabled ? 1 : 0}, f.description,
                                               f.updated_at}));
}

Result<bool> AutomationRepo::set_enabled(Connection& c, const std::string& key, bool enabled,
                                         UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.execute(kSetEnabled, {key, std::int64_t{enabled ? 1 : 0}, now}));
  return n > 0;
}

Result<CarePolicy> AutomationRepo::policy(Connection& c) {
  CarePolicy out;
  for (const char* tier : {"very_loyal", "loyal", "occasional"}) out.tiers.push_back({tier});
  ECRM_RETURN_IF_ERROR(c.query(kPolicy, {}, [&](const RowView& row) {
    for (auto& t : out.tiers) {
      if (t.tier != row.get_text(0)) continue;
      const bool allowed = row.get_int(2) != 0;
      if (row.get_text(1) == "card") t.card = allowed;
      if (row.get_text(1) == "recommendations") t.recommendations = allowed;
    }
  }));
  return out;
}

Status AutomationRepo::set_policy(Connection& c, const PolicyRow& row) {
  ECRM_RETURN_IF_ERROR(storage::done(
      c.execute(kSetPolicy, {row.tier, std::string("card"), std::int64_t{row.card ? 1 : 0}})));
  return storage::done(c.execute(
      kSetPolicy, {row.tier, std::string("recommendations"), std::int64_t{row.recommendations ? 1 : 0}}));
}

Result<std::vector<DateCandidate>> AutomationRepo::birthdays(
    Connection& c, const std::vector<std::string>& month_days) {
  std::vector<DateCandidate> out;
  auto [a, b] = days(month_days);
  ECRM_RETURN_IF_ERROR(c.query(kBirthdays, {a, b}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), "", "", row.get_string(2)});
  }));
  return out;
}

Result<std::vector<DateCandidate>> AutomationRepo::anniversaries(
    Connection& c, const std::vector<std::string>& month_days) {
  std::vector<DateCandidate> out;
  auto [a, b] = days(month_days);
  ECRM_RETURN_IF_ERROR(c.query(kAnniversaries, {a, b}, [&](const RowView& row) {
    out.push_back({row.get_int(0), row.get_string(1), row.get_string(2), row.get_string(3),
                   row.get_string(4)});
  }));
  return out;
}

Result<std::vector<std::int64_t>> AutomationRepo::earlier_buyers(Connection& c,
                                                                 const std::string& line,
                                                                 int version) {
  std::vector<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(c.query(kEarlierBuyers, {line, std::int64_t{version}},
                               [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  return out;
}

Result<std::optional<std::int64_t>> AutomationRepo::enrol(Connection& c,
                                                          const std::string& flow_key,
                                                          std::int64_t customer_id,
                                                          const std::string& occurrence,
                                                          UnixMs now) {
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(c.query(kEnrol, {flow_key, customer_id, occurrence, now},
                               [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Status AutomationRepo::set_enrolment_message(Connection& c, std::int64_t enrolment_id,
                                             std::int64_t message_id) {
  return storage::done(c.execute(kSetEnrolmentMessage, {enrolment_id, message_id}));
}

}  // namespace ecrm::automation
