// Campaigns: a template sent once to the customers a customer-list filter finds, with a share
// held out for incrementality. Queued with two set-based statements (the messages and the
// holdout), so a campaign to a million customers is queued in seconds; rendered and checked
// (consent, caps, suppressions) when each message is sent, like every message.
#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <functional>

#include "automation/service.hpp"
#include "customers/repo.hpp"
#include "http/wire.hpp"
#include "search/index.hpp"

namespace ecrm::automation {

namespace json = boost::json;
using storage::Connection;
using storage::RowView;
using storage::TxMode;
using storage::Value;

namespace {

#define ECRM_CAMPAIGN_COLUMNS                                                                \
  "id, name, template_key, audience, holdout_percent, conversion_days, status, scheduled_at, " \
  "sent_at, recipients, holdout, created_by, created_at"
constexpr std::string_view kInsertCampaign =
    "INSERT INTO campaigns (name, template_key, audience, holdout_percent, conversion_days, "
    "status, scheduled_at, created_by, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
constexpr std::string_view kCampaign =
    "SELECT " ECRM_CAMPAIGN_COLUMNS " FROM campaigns WHERE id = $1";
constexpr std::string_view kLockCampaignPostgres =
    "SELECT " ECRM_CAMPAIGN_COLUMNS " FROM campaigns WHERE id = $1 FOR UPDATE";
constexpr std::string_view kCampaigns =
    "SELECT " ECRM_CAMPAIGN_COLUMNS " FROM campaigns WHERE ($1::bigint = 0 OR id < $1) "
    "ORDER BY id DESC LIMIT $2";
#undef ECRM_CAMPAIGN_COLUMNS
constexpr std::string_view kDueCampaigns =
    "SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at, id";
constexpr std::string_view kMarkSent =
    "UPDATE campaigns SET status = 'sent', sent_at = $2, recipients = $3, holdout = $4, "
    "updated_at = $2 WHERE id = $1";
constexpr std::string_view kMarkCancelled =
    "UPDATE campaigns SET status = 'cancelled', updated_at = $2 WHERE id = $1";
// Recipients who ordered within the window after their message was sent.
constexpr std::string_view kConversions =
    "SELECT count(DISTINCT m.customer_id), coalesce(sum(o.total), 0), min(o.currency) "
    "FROM messages m JOIN orders o ON o.customer_id = m.customer_id "
    "AND o.placed_at >= m.sent_at AND o.placed_at < m.sent_at + $2 AND o.status <> 'cancelled' "
    "WHERE m.source = $1 AND m.status = 'sent'";
constexpr std::string_view kHoldoutConversions =
    "SELECT count(DISTINCT h.customer_id), coalesce(sum(o.total), 0) FROM campaign_holdouts h "
    "JOIN orders o ON o.customer_id = h.customer_id AND o.placed_at >= $2 AND o.placed_at < $3 "
    "AND o.status <> 'cancelled' WHERE h.campaign_id = $1";

// A number in [0, 100) from the customer's id and the campaign's: the holdout draw, in SQL
// (integer arithmetic both databases do alike).
std::string draw_sql(std::int64_t campaign_id) {
  const std::int64_t salt = (campaign_id * 40503) % 1000003;
  return "(((c.id % 1000003) * 7919 + " + std::to_string(salt) + ") % 1000003) % 100";
}

// A statement selecting what `columns` writes (over the customers as `c`) for the reachable part
// of an audience: live, with an address, e-mail consent, not suppressed. The audience's own
// statement when it has one (one pass over a million customers), else its ids as an IN list.
void append_reachable(search::Sql& sql, const customers::CustomerQuery& audience,
                      const std::function<void(search::Sql&)>& columns) {
  if (!customers::CustomerRepo::append_audience_rows(sql, audience, columns)) {
    sql << "SELECT ";
    columns(sql);
    sql << " FROM customers c WHERE c.id IN (";
    customers::CustomerRepo::append_audience(sql, audience);
    sql << ")";
  }
  sql << " AND c.email IS NOT NULL AND c.email <> '' AND c.email_consent = 1 "
         "AND NOT EXISTS (SELECT 1 FROM email_suppressions x WHERE x.address = lower(c.email))";
}

Campaign read_campaign(const RowView& row) {
  Campaign x;
  x.id = row.get_int(0);
  x.key = "campaign_" + std::to_string(x.id);
  x.name = row.get_string(1);
  x.template_key = row.get_string(2);
  boost::system::error_code ec;
  const auto doc = json::parse(row.get_string(3), ec);
  if (!ec) {
    if (auto q = wire::read<customers::CustomerQuery>(doc); q.ok()) x.audience = std::move(*q);
  }
  x.holdout_percent = row.get_int(4);
  x.conversion_days = row.get_int(5);
  x.status = wire::parse_enum<CampaignStatus>(row.get_text(6)).value_or(CampaignStatus::kDraft);
  x.scheduled_at = row.get_optional_int(7);
  x.sent_at = row.get_optional_int(8);
  x.recipients = row.get_int(9);
  x.holdout = row.get_int(10);
  x.created_by = row.get_string(11);
  x.created_at = row.get_int(12);
  return x;
}

// An audience's error naming its member inside the request ("audience.advisor_answer").
Status prefixed(const std::string& member, Status status) {
  if (status.ok()) return status;
  Error e = std::move(status).error();
  if (!e.field.empty()) e.field = member + "." + e.field;
  return e;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "0.0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

Result<std::optional<Campaign>> find_campaign(Connection& c, std::int64_t id, bool lock) {
  std::optional<Campaign> out;
  const auto sql = lock && c.backend() == storage::Backend::kPostgres ? kLockCampaignPostgres : kCampaign;
  ECRM_RETURN_IF_ERROR(c.query(sql, {id}, [&](const RowView& row) { out = read_campaign(row); }));
  return out;
}

}  // namespace

Result<AudienceSize> AutomationService::audience(const AudienceRequest& request) {
  if (audience_check_)
    ECRM_RETURN_IF_ERROR(prefixed("audience", audience_check_(request.audience)));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  AudienceSize out;
  {
    search::Sql sql(lease->backend());
    sql << "SELECT count(*) FROM (";
    customers::CustomerRepo::append_audience(sql, request.audience);
    sql << ") a";
    ECRM_RETURN_IF_ERROR(lease->query(sql.text(), sql.params(),
                                      [&](const RowView& row) { out.matched = row.get_int(0); }));
  }
  {
    // The holdout at this share, drawn as a campaign with the next id would draw it: an
    // estimate of the split (the draw is uniform).
    search::Sql sql(lease->backend());
    append_reachable(sql, request.audience, [&](search::Sql& s) {
      s << "count(*), coalesce(sum(CASE WHEN " << draw_sql(0) << " < ";
      s.bind(request.holdout_percent.value_or(0));
      s << " THEN 1 ELSE 0 END), 0)";
    });
    ECRM_RETURN_IF_ERROR(lease->query(sql.text(), sql.params(), [&](const RowView& row) {
      out.reachable = row.get_int(0);
      out.holdout = row.get_int(1);
    }));
  }
  out.recipients = out.reachable - out.holdout;
  return out;
}

Result<Campaign> AutomationService::create_campaign(const CampaignInput& input,
                                                    const std::string& actor) {
  if (input.name.empty()) return Error::invalid("name must not be empty", "name");
  if (audience_check_) ECRM_RETURN_IF_ERROR(prefixed("audience", audience_check_(input.audience)));
  if (auto t = messaging_.get_template(input.template_key, messaging_.options().default_language);
      !t.ok()) {
    ECRM_ASSIGN_OR_RETURN(auto all, messaging_.templates());
    const bool any = std::any_of(all.begin(), all.end(), [&](const messaging::Template& x) {
      return x.key == input.template_key;
    });
    if (!any) return Error::invalid("no template '" + input.template_key + "'", "template_key");
  }
  const UnixMs now = now_ms();
  if (input.scheduled_at && *input.scheduled_at < now - 60'000) {
    return Error::invalid("scheduled_at is in the past", "scheduled_at");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(lease->query(
      kInsertCampaign,
      {input.name, input.template_key, json::serialize(wire::to_json(input.audience)),
       input.holdout_percent.value_or(0), input.conversion_days.value_or(7),
       std::string(input.scheduled_at ? "scheduled" : "draft"),
       input.scheduled_at ? Value(*input.scheduled_at) : Value(), actor, now},
      [&](const RowView& row) { id = row.get_int(0); }));
  if (!id) return Error::internal("the campaign was not stored");
  return campaign(*id);
}

Result<std::vector<Campaign>> AutomationService::campaigns(std::int64_t before_id, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::vector<Campaign> out;
  ECRM_RETURN_IF_ERROR(lease->query(kCampaigns, {before_id, std::int64_t{limit}},
                                    [&](const RowView& row) { out.push_back(read_campaign(row)); }));
  return out;
}

Result<Campaign> AutomationService::campaign(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, find_campaign(*lease, id, false));
  if (!found) return Error::not_found("no campaign " + std::to_string(id));
  return std::move(*found);
}

Result<Campaign> AutomationService::send_campaign(std::int64_t id) {
  // The template's kind decides whether consent is needed; a campaign is marketing unless its
  // template says otherwise.
  ECRM_ASSIGN_OR_RETURN(auto x, campaign(id));
  ECRM_ASSIGN_OR_RETURN(auto all, messaging_.templates());
  std::string kind = "marketing";
  bool found = false;
  for (const auto& t : all) {
    if (t.key != x.template_key) continue;
    found = true;
    if (t.kind == messaging::MessageKind::kTransactional) kind = "transactional";
  }
  if (!found) return Error::conflict("the campaign's template '" + x.template_key + "' is gone", {}, "no_template");
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto locked, find_campaign(c, id, true));
    if (!locked) return Error::not_found("no campaign " + std::to_string(id));
    if (locked->status == CampaignStatus::kSent) {
      return Error::conflict("the campaign was sent already", {}, "sent");
    }
    if (locked->status == CampaignStatus::kCancelled) {
      return Error::conflict("the campaign was cancelled", {}, "cancelled");
    }
    const UnixMs now = now_ms();
    const std::string source = "campaign_" + std::to_string(id);
    search::Sql holdout(c.backend());
    holdout << "INSERT INTO campaign_holdouts (campaign_id, customer_id) ";
    append_reachable(holdout, locked->audience, [&](search::Sql& s) {
      s.bind(id);
      s << ", c.id";
    });
    holdout << " AND " << draw_sql(id) << " < ";
    holdout.bind(locked->holdout_percent);
    ECRM_ASSIGN_OR_RETURN(auto held, c.execute(holdout.text(), holdout.params()));
    search::Sql queue(c.backend());
    queue << "INSERT INTO messages (customer_id, template_key, kind, source, data, status, "
             "next_attempt_at, created_at, updated_at) ";
    append_reachable(queue, locked->audience, [&](search::Sql& s) {
      s << "c.id, ";
      s.bind(locked->template_key);
      s << ", ";
      s.bind(kind);
      s << ", ";
      s.bind(source);
      s << ", '{}', 'queued', ";
      s.bind(now);
      s << ", ";
      s.bind(now);
      s << ", ";
      s.bind(now);
    });
    queue << " AND " << draw_sql(id) << " >= ";
    queue.bind(locked->holdout_percent);
    ECRM_ASSIGN_OR_RETURN(auto queued, c.execute(queue.text(), queue.params()));
    return storage::done(c.execute(kMarkSent, {id, now, queued, held}));
  }));
  return campaign(id);
}

Result<Campaign> AutomationService::cancel_campaign(std::int64_t id) {
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto locked, find_campaign(c, id, true));
    if (!locked) return Error::not_found("no campaign " + std::to_string(id));
    if (locked->status == CampaignStatus::kSent) {
      return Error::conflict("the campaign was sent already", {}, "sent");
    }
    return storage::done(c.execute(kMarkCancelled, {id, now_ms()}));
  }));
  return campaign(id);
}

Result<int> AutomationService::send_due_campaigns(UnixMs now) {
  std::vector<std::int64_t> due;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(lease->query(kDueCampaigns, {now},
                                      [&](const RowView& row) { due.push_back(row.get_int(0)); }));
  }
  int sent = 0;
  for (std::int64_t id : due) {
    auto x = send_campaign(id);
    if (x.ok()) ++sent;
    else if (x.error().kind != ErrorKind::kConflict) return std::move(x).error();
  }
  return sent;
}

Result<CampaignResults> AutomationService::campaign_results(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto x, campaign(id));
  CampaignResults out;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  const std::string source = x.key;
  ECRM_ASSIGN_OR_RETURN(auto by_status, repo_.message_counts(*lease, source));
  for (const auto& [status, n] : by_status) {
    if (status == "queued" || status == "sending") out.queued += n;
    if (status == "sent") out.delivered += n;
    if (status == "failed") out.failed += n;
    if (status == "suppressed") out.suppressed += n;
    if (status == "bounced") out.bounced += n;
  }
  ECRM_ASSIGN_OR_RETURN(auto by_event, repo_.event_counts(*lease, source));
  auto count = [&](const char* kind) {
    auto it = by_event.find(kind);
    return it == by_event.end() ? std::int64_t{0} : it->second;
  };
  out.opened = count("open");
  out.clicked = count("click");
  out.replied = count("reply");
  out.unsubscribed = count("unsubscribe");
  const UnixMs window = x.conversion_days * kMsPerDay;
  ECRM_RETURN_IF_ERROR(lease->query(kConversions, {source, window}, [&](const RowView& row) {
    out.converted = row.get_int(0);
    out.revenue = row.get_int(1);
    if (!row.is_null(2)) out.currency = row.get_string(2);
  }));
  if (x.sent_at) {
    ECRM_RETURN_IF_ERROR(lease->query(kHoldoutConversions, {id, *x.sent_at, *x.sent_at + window},
                                      [&](const RowView& row) {
                                        out.holdout_converted = row.get_int(0);
                                        out.holdout_revenue = row.get_int(1);
                                      }));
  }
  // Opens and clicks also count messages sent then bounced; delivered counts those still sent.
  const std::int64_t reached = out.delivered + out.bounced;
  out.conversion_rate = percent(out.converted, reached);
  out.holdout_conversion_rate = percent(out.holdout_converted, x.holdout);
  {
    const double lift = (reached > 0 ? 100.0 * out.converted / reached : 0.0) -
                        (x.holdout > 0 ? 100.0 * out.holdout_converted / x.holdout : 0.0);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", lift);
    out.lift = buf;
  }
  out.campaign = std::move(x);
  return out;
}

}  // namespace ecrm::automation
