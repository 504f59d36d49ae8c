#include "service/survey_routes.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::service {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

std::string escape_html(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

Response html_page(int status, const std::string& title, const std::string& body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width\"><title>" + escape_html(title) +
           "</title><style>body{font-family:sans-serif;max-width:34rem;margin:3rem auto;"
           "padding:0 1rem}fieldset{border:0;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}"
           "label{border:1px solid #bbb;border-radius:.3rem;padding:.4rem .7rem;cursor:pointer}"
           "textarea{width:100%;min-height:5rem;margin:1rem 0}button{font-size:1rem;"
           "padding:.5rem 1rem}</style></head><body><h1>" + escape_html(title) + "</h1>" + body +
           "</body></html>";
  r.header("Cache-Control", "no-store");
  r.header("Referrer-Policy", "no-referrer");
  return r;
}

// The answer page: opening it records nothing (link scanners open links); the score chosen in
// the mail is preselected and the button sends it with the comment.
Response answer_page(const SurveyPage& page, const std::string& token,
                     std::optional<std::int64_t> chosen) {
  const bool csat = page.kind == SurveyKind::kCsat;
  std::string body;
  if (csat) {
    body += "<p>How satisfied are you with how " + escape_html(page.shop_name) +
            " handled your request";
    if (page.ticket_number) body += " #" + std::to_string(*page.ticket_number);
    if (!page.ticket_subject.empty()) body += " (" + escape_html(page.ticket_subject) + ")";
    body += "? 1 is very unhappy, 5 very happy.</p>";
  } else {
    body += "<p>How likely are you to recommend " + escape_html(page.shop_name) +
            " to a friend or colleague? 0 is not at all likely, 10 extremely likely.</p>";
  }
  if (page.score) {
    body += "<p>Your answer: " + std::to_string(*page.score) + ". You may change it.</p>";
  }
  const std::int64_t selected = chosen.value_or(page.score.value_or(-1));
  body += "<form id=\"f\" data-token=\"" + escape_html(token) + "\"><fieldset>";
  for (std::int64_t s = page.min_score; s <= page.max_score; ++s) {
    body += "<label><input type=\"radio\" name=\"score\" value=\"" + std::to_string(s) + "\"" +
            (s == selected ? " checked" : "") + "> " + std::to_string(s) + "</label>";
  }
  body += "</fieldset><textarea name=\"comment\" maxlength=\"2000\" placeholder=\"A comment "
          "(optional)\">" + escape_html(page.comment) + "</textarea>"
          "<button type=\"submit\">Send</button></form><p id=\"m\" role=\"status\"></p>"
          "<script src=\"/survey.js\"></script>";
  return html_page(200, csat ? "How did we do?" : "Would you recommend us?", body);
}

// The answer page's script, served from /survey.js: the pages' Content-Security-Policy allows
// no inline script. It sends the form's score and comment to the API with the form's token.
constexpr std::string_view kSurveyScript =
    "document.getElementById('f').addEventListener('submit',async e=>{"
    "e.preventDefault();const f=e.target;const d=new FormData(f);"
    "const m=document.getElementById('m');"
    "if(!d.get('score')){m.textContent='Choose a score first.';return}"
    "const r=await fetch('/api/v1/surveys/'+encodeURIComponent(f.dataset.token),{method:'POST',"
    "headers:{'Content-Type':'application/json'},body:JSON.stringify({score:Number("
    "d.get('score')),comment:d.get('comment')||''})});"
    "m.textContent=r.ok?'Thank you: your answer is recorded.':"
    "'Your answer could not be recorded: '+((await r.json()).error||{}).message})\n";

void write_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<std::int64_t>(v));
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string text(buf);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  out += text;
}

void write_json(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_: write_number(out, v.get_double()); return;
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::value(key));
        out += ':';
        write_json(out, item);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write_json(out, item);
      }
      out += ']';
      return;
    }
    default: out += json::serialize(v);
  }
}

}  // namespace

std::string json_for_people(const json::value& value) {
  std::string out;
  write_json(out, value);
  return out;
}

void add_survey_routes(http::Router& router, Surveys& surveys, ServiceReports& reports,
                       messaging::DeliveryWorker& delivery) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/s/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "The answer page of a survey mail's signed link (CSAT 1-5 or NPS 0-10, "
                         "and a comment), no sign-in; opening it records nothing, `score` "
                         "preselects the mail's choice",
              .tag = "service",
              .response = http::text_body("text/html"),
              .query_params = {"score"}},
      .handler = handle([&surveys](RequestContext& ctx) -> Result<Response> {
        const std::string token(ctx.param("token"));
        auto page = surveys.page(token);
        if (!page.ok()) {
          return html_page(page.error().kind == ErrorKind::kNotFound ? 404 : 400, "Survey",
                           "<p>" + escape_html(page.error().message) + "</p>");
        }
        std::optional<std::int64_t> chosen;
        if (auto score = http::query_int(ctx, "score"); score.ok()) chosen = *score;
        return answer_page(*page, token, chosen);
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/survey.js",
      .access = Access::public_route(),
      .doc = {.summary = "The script of the survey answer page (/s/{token})",
              .tag = "service",
              .response = http::text_body("text/javascript")},
      .handler =
          [](RequestContext&) {
            Response response;
            response.content_type = "text/javascript; charset=utf-8";
            response.body = std::string(kSurveyScript);
            response.header("Cache-Control", "public, max-age=300");
            return response;
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/surveys/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "A survey by its signed link token: its kind, score range, the ticket "
                         "it asks about and the answer given; 400 naming `token` when forged",
              .tag = "service",
              .response = http::json_body<SurveyPage>(),
              .error_statuses = {400}},
      .handler = handle([&surveys](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, surveys.page(std::string(ctx.param("token"))));
        return http::reply(200, page);
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/surveys/{token}",
      .access = Access::public_route(),
      .doc = {.summary = "Answer a survey by its signed link token, without signing in: score "
                         "(CSAT 1-5, NPS 0-10) and an optional comment; a second answer "
                         "replaces the first. 400 naming `token` (forged or altered) or "
                         "`score` (out of range), with nothing written",
              .tag = "service",
              .request = http::json_body<SurveyAnswer>(),
              .response = http::json_body<SurveyPage>()},
      .handler = handle([&surveys](RequestContext& ctx) -> Result<Response> {
        const std::string token(ctx.param("token"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<SurveyAnswer>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto answered, surveys.answer(token, input, now_ms()));
        (void)answered;
        ECRM_ASSIGN_OR_RETURN(auto page, surveys.page(token));
        return http::reply(200, page);
      }),
      .audited = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/service/surveys",
      .access = Access::needs("service:read"),
      .doc = {.summary = "The CSAT and NPS surveys of a customer (`customer_id`) or a ticket "
                         "(`ticket_id`): when asked, the answer, its comment and channel",
              .tag = "service",
              .response = http::json_body<http::Items<Survey>>(),
              .query = http::query_of<SurveyQuery>()},
      .handler = handle([&surveys](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<SurveyQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, surveys.list(query));
        return http::reply(200, http::Items<Survey>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/service/surveys/nps/run",
      .access = Access::needs("service:admin"),
      .doc = {.summary = "Run the NPS pass now (the daily run does it too): asks every buyer "
                         "with e-mail consent not asked within the interval",
              .tag = "service",
              .response = http::json_body<NpsRun>()},
      .handler = handle([&surveys, &delivery](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto run, surveys.ask_nps(now_ms()));
        if (run.asked > 0) delivery.wake();
        ctx.set_audit("nps", json::serialize(json::object{{"asked", run.asked}}));
        return http::reply(200, run);
      }),
      .audit_entity = "survey"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/service/reports",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Satisfaction and SLA report over the tickets opened from `from` to "
                         "`to` (ISO-8601; default the last 30 days) by channel, team, category "
                         "or product: first-response and resolution wall-clock minutes (median, "
                         "p90), SLA attainment, CSAT, NPS and repeat-purchase rate",
              .tag = "service",
              .response = http::json_body<ServiceReport>(),
              .query = http::query_of<ReportQuery>()},
      .handler = handle([&reports](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ReportQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto report, reports.report(query, now_ms()));
        Response r;
        r.status = 200;
        r.body = json_for_people(wire::to_json(report));
        return r;
      })});
}

}  // namespace ecrm::service
