#include "service/surveys.hpp"

#include <boost/json.hpp>

#include "http/wire.hpp"
#include "service/repo.hpp"

namespace ecrm::service {

namespace json = boost::json;
using storage::Connection;
using storage::done;
using storage::RowView;
using storage::TxMode;
using storage::Value;

namespace {

constexpr std::string_view kCsatTemplate = "csat_survey";
constexpr std::string_view kNpsTemplate = "nps_survey";
constexpr std::string_view kLinkPurpose = "survey";
constexpr std::string_view kTimelineSource = "survey";

#define ECRM_SURVEY_COLUMNS                                                                     \
  "id, kind, customer_id, ticket_id, outbox_message_id, sent_at, score, comment, channel, " \
  "answered_at, created_at"
constexpr std::string_view kFindSurvey =
    "SELECT " ECRM_SURVEY_COLUMNS " FROM surveys WHERE id = $1";
constexpr std::string_view kCsatOfTicket =
    "SELECT " ECRM_SURVEY_COLUMNS " FROM surveys WHERE kind = 'csat' AND ticket_id = $1";
constexpr std::string_view kSurveysOfCustomer =
    "SELECT " ECRM_SURVEY_COLUMNS " FROM surveys WHERE customer_id = $1 ORDER BY id DESC LIMIT 500";
constexpr std::string_view kSurveysOfTicket =
    "SELECT " ECRM_SURVEY_COLUMNS " FROM surveys WHERE ticket_id = $1 ORDER BY id DESC";
constexpr std::string_view kAnsweredTimeline =
    "SELECT " ECRM_SURVEY_COLUMNS " FROM surveys WHERE customer_id = $1 AND answered_at IS NOT NULL "
    "AND (answered_at < $2 OR (answered_at = $2 AND id < $3)) "
    "ORDER BY answered_at DESC, id DESC LIMIT $4";
#undef ECRM_SURVEY_COLUMNS
constexpr std::string_view kInsertSurvey =
    "INSERT INTO surveys (kind, customer_id, ticket_id, created_at) VALUES ($1, $2, $3, $4) "
    "RETURNING id";
constexpr std::string_view kSetSent =
    "UPDATE surveys SET outbox_message_id = $2, sent_at = $3 WHERE id = $1";
constexpr std::string_view kSetAnswer =
    "UPDATE surveys SET score = $2, comment = $3, channel = $4, answered_at = $5 WHERE id = $1";
constexpr std::string_view kInsertAnsweredCsat =
    "INSERT INTO surveys (kind, customer_id, ticket_id, score, comment, channel, answered_at, "
    "created_at) VALUES ('csat', $1, $2, $3, $4, $5, $6, $6) RETURNING id";
constexpr std::string_view kCustomerErased =
    "SELECT CASE WHEN erased_at IS NULL AND merged_into IS NULL THEN 0 ELSE 1 END "
    "FROM customers WHERE id = $1";
constexpr std::string_view kTicketSubject = "SELECT subject FROM tickets WHERE id = $1";
// Buyers due for NPS: an order, an address, e-mail consent granted, not erased or merged away,
// and no NPS survey since `$1`; by id after `$2`.
constexpr std::string_view kNpsDue =
    "SELECT c.id FROM customers c WHERE c.id > $2 AND c.erased_at IS NULL "
    "AND c.merged_into IS NULL AND c.email IS NOT NULL AND c.email <> '' AND c.email_consent = 1 "
    "AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) "
    "AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.customer_id = c.id AND s.kind = 'nps' "
    "AND s.created_at > $1) ORDER BY c.id LIMIT $3";
constexpr std::string_view kNpsAskedSince =
    "SELECT COUNT(*) FROM surveys WHERE customer_id = $1 AND kind = 'nps' AND created_at > $2";
constexpr std::string_view kSurveyIdsOf = "SELECT id FROM surveys WHERE customer_id = $1";
constexpr std::string_view kReassign = "UPDATE surveys SET customer_id = $2 WHERE customer_id = $1";
constexpr std::string_view kRestore =
    "UPDATE surveys SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kErase = "UPDATE surveys SET comment = '' WHERE customer_id = $1";

Survey read_survey(const RowView& row) {
  Survey s;
  s.id = row.get_int(0);
  s.kind = wire::parse_enum<SurveyKind>(row.get_text(1)).value_or(SurveyKind::kCsat);
  s.customer_id = row.get_int(2);
  s.ticket_id = row.get_optional_int(3);
  s.outbox_message_id = row.get_optional_int(4);
  s.sent_at = row.get_optional_int(5);
  s.score = row.get_optional_int(6);
  s.comment = row.get_string(7);
  if (!row.is_null(8)) s.channel = wire::parse_enum<SurveyChannel>(row.get_text(8));
  s.answered_at = row.get_optional_int(9);
  s.created_at = row.get_int(10);
  return s;
}

Result<std::optional<Survey>> find_one(Connection& c, std::string_view sql, std::int64_t id) {
  std::optional<Survey> found;
  ECRM_RETURN_IF_ERROR(c.query(sql, {id}, [&](const RowView& row) { found = read_survey(row); }));
  return found;
}

Value optional_value(const std::optional<std::int64_t>& v) { return v ? Value(*v) : storage::kNull; }

struct ShippedTemplate {
  std::string_view key;
  messaging::MessageKind kind;
  const char* language;
  const char* subject;
  const char* html;
  const char* text;
};

constexpr ShippedTemplate kTemplates[] = {
    {kCsatTemplate, messaging::MessageKind::kTransactional, "en",
     "How did we do? {{survey.ticket_subject}}",
     "<p>Hello {{customer.first_name}},</p>"
     "<p>Your request #{{survey.ticket_number}} ({{survey.ticket_subject}}) is solved. How "
     "satisfied are you with how we handled it? 1 is very unhappy, 5 very happy.</p>"
     "<p>{{#survey.choices}}<a href=\"{{url}}\">{{score}}</a> {{/survey.choices}}</p>"
     "<p>One click records your answer; the page lets you add a comment.</p><p>{{shop.name}}</p>",
     "Hello {{customer.first_name}},\n\n"
     "Your request #{{survey.ticket_number}} ({{survey.ticket_subject}}) is solved. How satisfied "
     "are you with how we handled it? Choose 1 (very unhappy) to 5 (very happy):\n\n"
     "{{#survey.choices}}{{score}}: {{url}}\n{{/survey.choices}}\n-- \n{{shop.name}}\n"},
    {kCsatTemplate, messaging::MessageKind::kTransactional, "zh-CN",
     "您对我们的服务满意吗？{{survey.ticket_subject}}",
     "<p>{{customer.name}}，您好：</p>"
     "<p>您的请求 #{{survey.ticket_number}}（{{survey.ticket_subject}}）已解决。您对我们的处理满意吗？"
     "1 表示非常不满意，5 表示非常满意。</p>"
     "<p>{{#survey.choices}}<a href=\"{{url}}\">{{score}}</a> {{/survey.choices}}</p>"
     "<p>点击即可记录您的评分，在页面上还可以留言。</p><p>{{shop.name}}</p>",
     "{{customer.name}}，您好：\n\n"
     "您的请求 #{{survey.ticket_number}}（{{survey.ticket_subject}}）已解决。您对我们的处理满意吗？"
     "请选择 1（非常不满意）到 5（非常满意）：\n\n"
     "{{#survey.choices}}{{score}}: {{url}}\n{{/survey.choices}}\n-- \n{{shop.name}}\n"},
    {kNpsTemplate, messaging::MessageKind::kMarketing, "en",
     "Would you recommend {{shop.name}}?",
     "<p>Hello {{customer.first_name}},</p>"
     "<p>How likely are you to recommend {{shop.name}} to a friend or colleague? 0 is not at all "
     "likely, 10 extremely likely.</p>"
     "<p>{{#survey.choices}}<a href=\"{{url}}\">{{score}}</a> {{/survey.choices}}</p>"
     "<p>One click records your answer; the page lets you add a comment.</p>"
     "<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>",
     "Hello {{customer.first_name}},\n\n"
     "How likely are you to recommend {{shop.name}} to a friend or colleague? Choose 0 (not at "
     "all likely) to 10 (extremely likely):\n\n"
     "{{#survey.choices}}{{score}}: {{url}}\n{{/survey.choices}}\n"
     "Unsubscribe: {{unsubscribe_url}}\n"},
    {kNpsTemplate, messaging::MessageKind::kMarketing, "zh-CN",
     "您会向朋友推荐 {{shop.name}} 吗？",
     "<p>{{customer.name}}，您好：</p>"
     "<p>您有多大可能向朋友或同事推荐 {{shop.name}}？0 表示完全不可能，10 表示非常可能。</p>"
     "<p>{{#survey.choices}}<a href=\"{{url}}\">{{score}}</a> {{/survey.choices}}</p>"
     "<p>点击即可记录您的评分，在页面上还可以留言。</p>"
     "<p><a href=\"{{unsubscribe_url}}\">退订</a></p>",
     "{{customer.name}}，您好：\n\n"
     "您有多大可能向朋友或同事推荐 {{shop.name}}？请选择 0（完全不可能）到 10（非常可能）：\n\n"
     "{{#survey.choices}}{{score}}: {{url}}\n{{/survey.choices}}\n"
     "退订：{{unsubscribe_url}}\n"},
};

std::pair<std::int64_t, std::int64_t> score_range(SurveyKind kind) {
  return kind == SurveyKind::kCsat ? std::pair<std::int64_t, std::int64_t>{1, 5}
                                   : std::pair<std::int64_t, std::int64_t>{0, 10};
}

Status check_score(SurveyKind kind, std::int64_t score) {
  const auto [low, high] = score_range(kind);
  if (score < low || score > high) {
    return Error::invalid("score must be " + std::to_string(low) + " to " + std::to_string(high),
                          "score", "out_of_range");
  }
  return {};
}

// Asks survey `s` by mail: the message queued with its answer links, its id on the row.
Status queue_survey(Connection& c, messaging::MessagingService& messaging, const Survey& s,
                    const std::string& ticket_subject, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto token, messaging.sign_link(c, kLinkPurpose, std::to_string(s.id)));
  const std::string url = messaging.options().base_url + "/s/" + token;
  const auto [low, high] = score_range(s.kind);
  json::array choices;
  for (std::int64_t score = low; score <= high; ++score) {
    choices.push_back(json::object{{"score", score}, {"url", url + "?score=" + std::to_string(score)}});
  }
  json::object survey{{"url", url}, {"choices", std::move(choices)}};
  if (s.ticket_id) {
    survey["ticket_number"] = *s.ticket_id;
    survey["ticket_subject"] = ticket_subject;
  }
  messaging::NewMessage m;
  m.customer_id = s.customer_id;
  m.template_key = std::string(s.kind == SurveyKind::kCsat ? kCsatTemplate : kNpsTemplate);
  m.kind = s.kind == SurveyKind::kCsat ? messaging::MessageKind::kTransactional
                                       : messaging::MessageKind::kMarketing;
  m.source = "survey";
  m.dedupe_key = "survey:" + std::to_string(s.id);
  m.data = json::serialize(json::object{{"survey", std::move(survey)}});
  ECRM_ASSIGN_OR_RETURN(auto queued, messaging.queue(c, m));
  return done(c.execute(kSetSent, {s.id, optional_value(queued), now}));
}

std::string event_detail(const Survey& s) {
  json::object d{{"survey_id", s.id}};
  if (s.score) d["score"] = *s.score;
  if (!s.comment.empty()) d["comment"] = s.comment;
  if (s.channel) d["channel"] = wire::enum_name(*s.channel);
  if (s.outbox_message_id) d["outbox_message_id"] = *s.outbox_message_id;
  return json::serialize(d);
}

}  // namespace

Surveys::Surveys(storage::Database& db, messaging::MessagingService& messaging,
                 SurveyOptions options)
    : db_(db), messaging_(messaging), options_(options) {}

Status Surveys::install_templates() {
  // The link secret read now, not first inside a solving ticket's transaction.
  ECRM_ASSIGN_OR_RETURN(auto warm, messaging_.sign_link(kLinkPurpose, "0"));
  (void)warm;
  for (const ShippedTemplate& s : kTemplates) {
    messaging::Template t;
    t.key = std::string(s.key);
    t.language = s.language;
    t.kind = s.kind;
    t.subject = s.subject;
    t.html = s.html;
    t.text = s.text;
    ECRM_RETURN_IF_ERROR(messaging_.ensure_template(t));
  }
  return {};
}

Status Surveys::ticket_solved(Connection& c, const Ticket& ticket, UnixMs now) {
  if (!ticket.customer_id) return {};
  ECRM_ASSIGN_OR_RETURN(auto earlier, csat_of_ticket(c, ticket.id));
  if (earlier) return {};  // once per ticket: reopened and solved again, or rated in the portal
  Survey s;
  s.kind = SurveyKind::kCsat;
  s.customer_id = *ticket.customer_id;
  s.ticket_id = ticket.id;
  s.created_at = now;
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsertSurvey, {"csat", s.customer_id, ticket.id, now}));
  if (!id) return Error::internal("the survey was not stored");
  s.id = *id;
  ECRM_RETURN_IF_ERROR(queue_survey(c, messaging_, s, ticket.subject, now));
  ECRM_ASSIGN_OR_RETURN(auto stored, find_one(c, kFindSurvey, s.id));
  return ServiceRepo().add_event(c, ticket.id, "csat_sent", "system",
                                 event_detail(stored.value_or(s)), now);
}

Result<NpsRun> Surveys::ask_nps(UnixMs now) {
  NpsRun run;
  run.interval_days = options_.nps_interval_days;
  const UnixMs since = now - options_.nps_interval_days * kMsPerDay;
  std::int64_t after = 0;
  for (;;) {
    std::vector<std::int64_t> due;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_RETURN_IF_ERROR(lease->query(kNpsDue, {since, after, std::int64_t{options_.nps_batch}},
                                        [&](const RowView& row) { due.push_back(row.get_int(0)); }));
    }
    if (due.empty()) break;
    after = due.back();
    ECRM_ASSIGN_OR_RETURN(
        auto asked,
        storage::with_transaction<std::int64_t>(db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
          std::int64_t n = 0;
          for (std::int64_t customer_id : due) {
            // Asked meanwhile by another process's pass: skipped.
            ECRM_ASSIGN_OR_RETURN(auto recent, c.query_int(kNpsAskedSince, {customer_id, since}));
            if (recent.value_or(0) > 0) continue;
            Survey s;
            s.kind = SurveyKind::kNps;
            s.customer_id = customer_id;
            s.created_at = now;
            ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsertSurvey, {"nps", customer_id, storage::kNull, now}));
            if (!id) return Error::internal("the survey was not stored");
            s.id = *id;
            ECRM_RETURN_IF_ERROR(queue_survey(c, messaging_, s, "", now));
            ++n;
          }
          return n;
        }));
    run.asked += asked;
    if (static_cast<int>(due.size()) < options_.nps_batch) break;
  }
  return run;
}

Result<std::string> Surveys::token(std::int64_t id) {
  return messaging_.sign_link(kLinkPurpose, std::to_string(id));
}

namespace {

// The survey a token names; kInvalidArgument naming `token` when forged or naming none.
Result<Survey> survey_of_token(Connection& c, messaging::MessagingService& messaging,
                               const std::string& token) {
  const Error invalid = Error::invalid("this survey link is not valid", "token", "invalid_token");
  ECRM_ASSIGN_OR_RETURN(auto payload, messaging.verify_link(kLinkPurpose, token));
  std::int64_t id = 0;
  try {
    std::size_t used = 0;
    id = std::stoll(payload, &used);
    if (used != payload.size()) return invalid;
  } catch (const std::exception&) {
    return invalid;
  }
  ECRM_ASSIGN_OR_RETURN(auto found, find_one(c, kFindSurvey, id));
  if (!found) return invalid;
  ECRM_ASSIGN_OR_RETURN(auto gone, c.query_int(kCustomerErased, {found->customer_id}));
  if (gone.value_or(1) != 0) return Error::not_found("this survey is no longer open");
  return std::move(*found);
}

}  // namespace

Result<SurveyPage> Surveys::page(const std::string& token) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto s, survey_of_token(*lease, messaging_, token));
  SurveyPage page;
  page.kind = s.kind;
  std::tie(page.min_score, page.max_score) = score_range(s.kind);
  page.ticket_number = s.ticket_id;
  if (s.ticket_id) {
    ECRM_RETURN_IF_ERROR(lease->query(kTicketSubject, {*s.ticket_id}, [&](const RowView& row) {
      page.ticket_subject = row.get_string(0);
    }));
  }
  page.score = s.score;
  page.comment = s.comment;
  page.shop_name = messaging_.options().shop_name;
  return page;
}

Result<Survey> Surveys::answer(const std::string& token, const SurveyAnswer& input, UnixMs now) {
  const std::string comment = input.comment.value_or("");
  if (comment.size() > kMaxSurveyComment) {
    return Error::invalid("comment is longer than 2000 bytes", "comment", "too_long");
  }
  // Checked before the transaction too: the link secret is read on a connection of its own.
  ECRM_ASSIGN_OR_RETURN(auto checked, messaging_.verify_link(kLinkPurpose, token));
  (void)checked;
  return storage::with_transaction<Survey>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Survey> {
    ECRM_ASSIGN_OR_RETURN(auto s, survey_of_token(c, messaging_, token));
    ECRM_RETURN_IF_ERROR(check_score(s.kind, input.score));
    if (s.kind == SurveyKind::kCsat && s.ticket_id) {
      return answer_csat(c, *s.ticket_id, s.customer_id, input.score, comment,
                         SurveyChannel::kEmail, now);
    }
    ECRM_RETURN_IF_ERROR(done(c.execute(kSetAnswer, {s.id, input.score, comment, "email", now})));
    ECRM_ASSIGN_OR_RETURN(auto stored, find_one(c, kFindSurvey, s.id));
    if (!stored) return Error::internal("the survey went away");
    return std::move(*stored);
  });
}

Result<std::vector<Survey>> Surveys::list(const SurveyQuery& query) {
  if (!query.customer_id && !query.ticket_id) {
    return Error::invalid("give customer_id or ticket_id", "customer_id", "required");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::vector<Survey> out;
  const bool by_ticket = query.ticket_id.has_value();
  ECRM_RETURN_IF_ERROR(lease->query(by_ticket ? kSurveysOfTicket : kSurveysOfCustomer,
                                    {by_ticket ? *query.ticket_id : *query.customer_id},
                                    [&](const RowView& row) { out.push_back(read_survey(row)); }));
  if (by_ticket && query.customer_id) {
    std::erase_if(out, [&](const Survey& s) { return s.customer_id != *query.customer_id; });
  }
  return out;
}

Result<Survey> answer_csat(Connection& c, std::int64_t ticket_id, std::int64_t customer_id,
                           std::int64_t score, const std::string& comment, SurveyChannel channel,
                           UnixMs now) {
  ECRM_RETURN_IF_ERROR(check_score(SurveyKind::kCsat, score));
  const std::string how(wire::enum_name(channel));
  ECRM_ASSIGN_OR_RETURN(auto existing, csat_of_ticket(c, ticket_id));
  std::int64_t id = 0;
  if (existing) {
    id = existing->id;
    ECRM_RETURN_IF_ERROR(done(c.execute(kSetAnswer, {id, score, comment, how, now})));
  } else {
    ECRM_ASSIGN_OR_RETURN(auto made, c.query_int(kInsertAnsweredCsat,
                                                 {customer_id, ticket_id, score, comment, how, now}));
    if (!made) return Error::internal("the answer was not stored");
    id = *made;
  }
  ECRM_ASSIGN_OR_RETURN(auto stored, find_one(c, kFindSurvey, id));
  if (!stored) return Error::internal("the answer was not stored");
  ECRM_RETURN_IF_ERROR(ServiceRepo().add_event(c, ticket_id, "csat_answered",
                                               channel == SurveyChannel::kPortal ? "customer (portal)"
                                                                                 : "customer (e-mail)",
                                               event_detail(*stored), now));
  return std::move(*stored);
}

Result<std::optional<Survey>> csat_of_ticket(Connection& c, std::int64_t ticket_id) {
  return find_one(c, kCsatOfTicket, ticket_id);
}

// ---- the customer record

Result<std::vector<std::int64_t>> SurveyCustomerRecords::reassign(Connection& c, std::int64_t from,
                                                                  std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(kSurveyIdsOf, {from}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  ECRM_RETURN_IF_ERROR(done(c.execute(kReassign, {from, to})));
  return ids;
}

Status SurveyCustomerRecords::restore(Connection& c, std::span<const std::int64_t> ids,
                                      std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) ECRM_RETURN_IF_ERROR(done(c.execute(kRestore, {id, from, to})));
  return {};
}

Result<json::value> SurveyCustomerRecords::export_records(Connection& c, std::int64_t customer_id) {
  std::vector<Survey> out;
  ECRM_RETURN_IF_ERROR(c.query(kSurveysOfCustomer, {customer_id},
                               [&](const RowView& row) { out.push_back(read_survey(row)); }));
  return wire::to_json(out);
}

Status SurveyCustomerRecords::erase(Connection& c, std::int64_t customer_id) {
  return done(c.execute(kErase, {customer_id}));
}

Result<std::vector<customers::TimelineEntry>> SurveyCustomerRecords::timeline(
    Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after, int limit) {
  std::vector<Survey> items;
  ECRM_RETURN_IF_ERROR(c.query(kAnsweredTimeline,
                               {customer_id, after.at, after.id_bound_for(kTimelineSource),
                                std::int64_t{limit}},
                               [&](const RowView& row) { items.push_back(read_survey(row)); }));
  std::vector<customers::TimelineEntry> out;
  for (const Survey& s : items) {
    const bool csat = s.kind == SurveyKind::kCsat;
    std::string summary = csat ? "CSAT " + std::to_string(s.score.value_or(0)) + "/5"
                               : "NPS " + std::to_string(s.score.value_or(0)) + "/10";
    if (s.ticket_id) summary += " on ticket #" + std::to_string(*s.ticket_id);
    if (!s.comment.empty()) {
      std::string gist = s.comment.substr(0, s.comment.find('\n'));
      if (gist.size() > 120) {
        std::size_t cut = 120;
        while (cut > 0 && (static_cast<unsigned char>(gist[cut]) & 0xC0) == 0x80) --cut;
        gist = gist.substr(0, cut) + "…";
      }
      summary += ": " + gist;
    }
    json::object data{{"survey_id", s.id},
                      {"kind", wire::enum_name(s.kind)},
                      {"score", s.score ? json::value(*s.score) : json::value(nullptr)},
                      {"comment", s.comment}};
    if (s.ticket_id) data["ticket_id"] = *s.ticket_id;
    if (s.channel) data["channel"] = wire::enum_name(*s.channel);
    out.push_back(customers::TimelineEntry{s.answered_at.value_or(s.created_at),
                                           std::string(kTimelineSource), s.id,
                                           csat ? "survey.csat" : "survey.nps", std::move(summary),
                                           std::move(data)});
  }
  return out;
}

}  // namespace ecrm::service
