#include "events/http_routes.hpp"

#include <boost/json.hpp>

#include "events/json.hpp"
#include "events/snippet.hpp"
#include "events/validate.hpp"
#include "http/context.hpp"
#include "http/fields.hpp"

namespace ecrm::events {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr std::size_t kMaxEventsBody = 1 << 20;
constexpr UnixMs kDefaultWindowDays = 30;

constexpr const char* kBatchSchema =
    R"({"type":"object","required":["events"],"properties":{"events":{"type":"array","maxItems":1000,)"
    R"("items":{"type":"object","required":["event_id","type","anonymous_id","ts"],"properties":{)"
    R"("event_id":{"type":"string","description":"the client's unique id, for deduplication"},)"
    R"("type":{"type":"string","enum":["page_view","product_view","search","add_to_cart",)"
    R"("remove_from_cart","checkout_step","purchase","identify","custom"]},)"
    R"("anonymous_id":{"type":"string"},"customer_id":{"type":"integer","description":"API keys only"},)"
    R"("ts":{"type":["integer","string"],"description":"unix ms or ISO-8601"},)"
    R"("session_id":{"type":"string"},"properties":{"type":"object"}}}}}})";
constexpr const char* kOutcomeSchema =
    R"({"type":"object","properties":{"accepted":{"type":"integer"},"duplicates":{"type":"integer"},)"
    R"("errors":{"type":"array","items":{"type":"object","properties":{"index":{"type":"integer"},)"
    R"("code":{"type":"string"},"message":{"type":"string"},"field":{"type":"string"}}}}}})";
constexpr const char* kWriteKeySchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},"key":{"type":"string"},)"
    R"("name":{"type":"string"},"created_at":{"type":"integer"},"revoked_at":{"type":["integer","null"]},)"
    R"("active":{"type":"boolean"}}})";

// The tracking endpoint is called from the shop's pages on other origins, without cookies.
Response with_cors(Response response) {
  response.header("Access-Control-Allow-Origin", "*");
  response.header("Access-Control-Allow-Methods", "POST, OPTIONS");
  response.header("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Ecrm-Key");
  response.header("Access-Control-Max-Age", "86400");
  return response;
}

std::optional<std::string> write_key_of(const http::Request& request) {
  if (auto key = request.query_param("key"); key && !key->empty()) return std::string(*key);
  if (auto key = request.headers.get("x-ecrm-key"); key && !key->empty()) {
    return std::string(*key);
  }
  return std::nullopt;
}

// Who sends a batch: the snippet's write key, or an API key with scope events:write.
Result<Sender> sender_of(const http::Request& request, EventService& service,
                         http::Authenticator& authenticator) {
  if (auto key = write_key_of(request)) {
    ECRM_RETURN_IF_ERROR(service.resolve_write_key(*key));
    return Sender::kWriteKey;
  }
  if (request.headers.get("authorization")) {
    ECRM_ASSIGN_OR_RETURN(auto principal, authenticator.authenticate(request));
    if (principal.kind != http::Principal::Kind::kApiKey) {
      return Error::unauthenticated("send the write key (?key=) or an API key", "authentication_required");
    }
    if (!principal.has_scope("events:write")) {
      return Error::forbidden("API key lacks scope 'events:write'", "missing_scope");
    }
    return Sender::kApiKey;
  }
  return Error::unauthenticated(
      "send the snippet's write key (?key= or X-Ecrm-Key) or an API key with scope events:write",
      "authentication_required");
}

Result<Response> ingest(RequestContext& ctx, EventService& service,
                        http::Authenticator& authenticator) {
  ECRM_ASSIGN_OR_RETURN(Sender sender, sender_of(ctx.request(), service, authenticator));
  // A batch is parsed into one arena and freed at once: up to 1,000 events of small objects.
  json::monotonic_resource arena(ctx.request().body.size() * 2 + 1024);
  ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object(&arena));
  const json::value* list = body.if_contains("events");
  if (!list || list->is_null()) return Error::invalid("events is required", "events", "required");
  if (!list->is_array()) return Error::invalid("events must be an array", "events");
  const json::array& raw = list->get_array();
  if (raw.size() > kMaxBatchEvents) {
    return Error{ErrorKind::kPayloadTooLarge, "too_many_events",
                 "a batch holds at most " + std::to_string(kMaxBatchEvents) + " events",
                 "events"};
  }
  ValidationContext context;
  context.sender = sender;
  context.now = now_ms();
  if (auto ua = ctx.request().headers.get("user-agent")) {
    context.device = device_from_user_agent(*ua);
  }
  std::vector<IncomingEvent> events;
  std::vector<EventError> rejected;
  events.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto event = validate_event(raw[i], static_cast<int>(i), context);
    if (event.ok()) {
      events.push_back(std::move(event).value());
    } else {
      const Error& e = event.error();
      rejected.push_back(EventError{static_cast<int>(i), e.code.empty() ? "invalid_field" : e.code,
                                    e.message, e.field});
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto outcome, service.ingest(std::move(events), std::move(rejected)));
  return http::json_response(200, outcome_json(outcome));
}

struct Window {
  UnixMs from = 0;
  UnixMs to = 0;
};

// ?from=&to= (unix ms or ISO-8601); default: the last 30 days up to the end of today (UTC).
Result<Window> window_of(const RequestContext& ctx) {
  ECRM_ASSIGN_OR_RETURN(auto from, http::query_time(ctx, "from"));
  ECRM_ASSIGN_OR_RETURN(auto to, http::query_time(ctx, "to"));
  UnixMs end_of_today = (now_ms() / kMsPerDay + 1) * kMsPerDay;
  Window w;
  w.to = to.value_or(end_of_today);
  w.from = from.value_or(w.to - kDefaultWindowDays * kMsPerDay);
  return w;
}

Result<int> limit_of(const RequestContext& ctx, int fallback, int max) {
  ECRM_ASSIGN_OR_RETURN(auto limit, http::query_int(ctx, "limit"));
  if (!limit) return fallback;
  if (*limit < 1 || *limit > max) {
    return Error::invalid("limit must be an integer from 1 to " + std::to_string(max), "limit");
  }
  return static_cast<int>(*limit);
}

json::array counts_json(const std::vector<NamedCount>& counts) {
  json::array out;
  for (const auto& c : counts) out.push_back(json::object{{"name", c.name}, {"count", c.count}});
  return out;
}

json::object lost_json(const std::map<std::string, std::int64_t>& lost) {
  json::object out;
  for (const auto& [currency, value] : lost) out[currency.empty() ? "unknown" : currency] = value;
  return out;
}

}  // namespace

void add_event_routes(http::Router& router, EventService& service,
                      http::Authenticator& authenticator) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/t.js",
      .access = Access::public_route(),
      .doc = {.summary = "The tracking snippet for the shop's pages (use with a write key)",
              .tag = "events"},
      .handler =
          [](RequestContext&) {
            Response response;
            response.content_type = "application/javascript; charset=utf-8";
            response.body = std::string(tracking_snippet());
            response.header("Cache-Control", "public, max-age=300");
            response.header("Access-Control-Allow-Origin", "*");
            return response;
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/events",
      .access = Access::public_route(),
      .doc = {.summary = "Ingest a batch of up to 1,000 tracking events (write key or API key "
                         "with scope events:write); answers once they are durably stored",
              .tag = "events",
              .request_schema = kBatchSchema,
              .response_schema = kOutcomeSchema,
              .error_statuses = {400, 401, 403, 413, 503},
              .query_params = {"key"}},
      .handler =
          [inner = handle([&service, &authenticator](RequestContext& ctx) {
             return ingest(ctx, service, authenticator);
           })](RequestContext& ctx) { return with_cors(inner(ctx)); },
      .max_body = kMaxEventsBody,
      .audited = false});

  router.add(Route{.method = Method::kOptions,
                   .pattern = "/api/v1/events",
                   .access = Access::public_route(),
                   .doc = {.summary = "CORS pre-flight for event ingestion from the shop's pages",
                           .tag = "events",
                           .success_status = 204},
                   .handler = [](RequestContext&) { return with_cors(http::no_content()); },
                   .blocking = false,
                   .audited = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/events",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Stored events, newest first",
              .tag = "events",
              .query_params = {"type", "customer_id", "anonymous_id", "limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page(50, 500));
        EventFilter filter;
        filter.type = http::query_text(ctx, "type");
        ECRM_ASSIGN_OR_RETURN(filter.customer_id, http::query_int(ctx, "customer_id"));
        filter.anonymous_id = http::query_text(ctx, "anonymous_id");
        ECRM_ASSIGN_OR_RETURN(auto events, service.list(filter, page.after, page.limit));
        json::array items;
        for (const auto& e : events) items.push_back(event_json(e));
        return http::json_response(200, http::page_json(events, page, std::move(items)));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/events/stats",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Event counts: total, last 24 hours, by type; visitors and identified",
              .tag = "events"},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto s, service.stats());
        return http::json_response(200, json::object{{"total", s.total},
                                                     {"last_24h", s.last_24h},
                                                     {"visitors", s.visitors},
                                                     {"identified_visitors", s.identified_visitors},
                                                     {"by_type", counts_json(s.by_type)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/events/live",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "The live event stream: events after `after` (an id), oldest first; "
                         "poll again with the returned cursor",
              .tag = "events",
              .query_params = {"after", "limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto after, http::query_int(ctx, "after"));
        ECRM_ASSIGN_OR_RETURN(int limit, limit_of(ctx, 100, 500));
        ECRM_ASSIGN_OR_RETURN(auto events, service.live(after, limit));
        json::array items;
        std::int64_t cursor = after.value_or(0);
        for (const auto& e : events) {
          items.push_back(event_json(e));
          cursor = std::max(cursor, e.id);
        }
        return http::json_response(200, json::object{{"items", std::move(items)}, {"cursor", cursor}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/write-keys",
      .access = Access::needs("tracking:read"),
      .doc = {.summary = "Write keys for the tracking snippet", .tag = "events"},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto keys, service.list_write_keys());
        json::array items;
        for (const auto& k : keys) items.push_back(write_key_json(k));
        return http::json_response(200, json::object{{"items", std::move(items)}});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/write-keys",
      .access = Access::needs("tracking:admin"),
      .doc = {.summary = "Create a public write key for the tracking snippet",
              .tag = "events",
              .request_schema = R"({"type":"object","required":["name"],"properties":{"name":{"type":"string"}}})",
              .response_schema = kWriteKeySchema,
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto body, ctx.json_object());
        ECRM_ASSIGN_OR_RETURN(auto name, http::require_string(body, "name", 200));
        ECRM_ASSIGN_OR_RETURN(auto key, service.create_write_key(name, ctx.principal().display()));
        ctx.set_audit(std::to_string(key.id));
        return http::json_response(201, write_key_json(key));
      }),
      .audit_entity = "write_key"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/write-keys/{id}",
      .access = Access::needs("tracking:admin"),
      .doc = {.summary = "Revoke a write key (events sent with it are refused from then on)",
              .tag = "events",
              .success_status = 204,
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(service.revoke_write_key(id));
        return http::no_content();
      }),
      .audit_entity = "write_key"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/overview",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Visitors (identified and anonymous), sessions, devices, referrers, "
                         "campaigns and event counts in a window",
              .tag = "traffic",
              .query_params = {"from", "to"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto w, window_of(ctx));
        ECRM_ASSIGN_OR_RETURN(auto o, service.overview(w.from, w.to));
        json::array days;
        for (const auto& d : o.days) {
          days.push_back(json::object{{"day", d.day},
                                      {"visitors", d.visitors},
                                      {"identified", d.identified},
                                      {"sessions", d.sessions}});
        }
        double share = o.visitors > 0 ? static_cast<double>(o.identified) /
                                            static_cast<double>(o.visitors)
                                      : 0.0;
        return http::json_response(
            200, json::object{{"from", w.from},
                              {"to", w.to},
                              {"visitors", o.visitors},
                              {"identified", o.identified},
                              {"anonymous", o.visitors - o.identified},
                              {"identified_share", share},
                              {"sessions", o.sessions},
                              {"page_views", o.page_views},
                              {"purchasing_sessions", o.purchasing_sessions},
                              {"avg_session_seconds", o.avg_session_seconds},
                              {"days", std::move(days)},
                              {"devices", counts_json(o.devices)},
                              {"referrers", counts_json(o.referrers)},
                              {"campaigns", counts_json(o.campaigns)},
                              {"event_types", counts_json(o.event_types)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/funnel",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Conversion funnel product_view -> add_to_cart -> checkout_step -> "
                         "purchase: visitors reaching each step, drop-off",
              .tag = "traffic",
              .query_params = {"from", "to"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto w, window_of(ctx));
        ECRM_ASSIGN_OR_RETURN(auto f, service.funnel(w.from, w.to));
        json::array steps;
        for (const auto& s : f.steps) {
          steps.push_back(
              json::object{{"step", s.step}, {"visitors", s.visitors}, {"drop_off", s.drop_off}});
        }
        return http::json_response(200, json::object{{"from", w.from},
                                                     {"to", w.to},
                                                     {"steps", std::move(steps)},
                                                     {"conversion", f.conversion}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/abandonment",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Cart abandonment rate and lost value over time (bucket: hour, day, "
                         "week or milliseconds)",
              .tag = "traffic",
              .query_params = {"from", "to", "bucket"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto w, window_of(ctx));
        UnixMs bucket = kMsPerDay;
        if (auto text = http::query_text(ctx, "bucket")) {
          if (*text == "hour") {
            bucket = kMsPerDay / 24;
          } else if (*text == "week") {
            bucket = 7 * kMsPerDay;
          } else if (*text != "day") {
            ECRM_ASSIGN_OR_RETURN(auto ms, http::query_int(ctx, "bucket"));
            bucket = ms.value_or(kMsPerDay);
          }
        }
        ECRM_ASSIGN_OR_RETURN(auto a, service.abandonment(w.from, w.to, bucket));
        json::array buckets;
        for (const auto& b : a.buckets) {
          buckets.push_back(json::object{{"start", b.start},
                                         {"abandoned", b.abandoned},
                                         {"purchased", b.purchased},
                                         {"rate", b.rate},
                                         {"lost_value", lost_json(b.lost_value)}});
        }
        return http::json_response(200, json::object{{"from", w.from},
                                                     {"to", w.to},
                                                     {"bucket_ms", bucket},
                                                     {"abandon_after_ms", service.abandon_after()},
                                                     {"abandoned", a.abandoned},
                                                     {"purchased", a.purchased},
                                                     {"rate", a.rate},
                                                     {"lost_value", lost_json(a.lost_value)},
                                                     {"buckets", std::move(buckets)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/products",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Most viewed products with carts, buyers and browse-to-buy ratio",
              .tag = "traffic",
              .query_params = {"from", "to", "limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto w, window_of(ctx));
        ECRM_ASSIGN_OR_RETURN(int limit, limit_of(ctx, 20, 500));
        ECRM_ASSIGN_OR_RETURN(auto products, service.products(w.from, w.to, limit));
        json::array items;
        for (const auto& p : products) {
          items.push_back(json::object{{"product", p.product},
                                       {"name", p.name},
                                       {"views", p.views},
                                       {"viewers", p.viewers},
                                       {"carts", p.carts},
                                       {"buyers", p.buyers},
                                       {"units", p.units},
                                       {"browse_to_buy", p.browse_to_buy}});
        }
        return http::json_response(200, json::object{{"items", std::move(items)}});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/carts",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Carts by status (open, abandoned, purchased) with items and value",
              .tag = "traffic",
              .query_params = {"status", "limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page(50, 500));
        CartStatus status = CartStatus::kAbandoned;
        if (auto text = http::query_text(ctx, "status")) {
          auto parsed = parse_cart_status(*text);
          if (!parsed) {
            return Error::invalid("status must be open, abandoned or purchased", "status");
          }
          status = *parsed;
        }
        ECRM_ASSIGN_OR_RETURN(auto carts, service.carts(status, page.after, page.limit));
        json::array items;
        for (const auto& k : carts) items.push_back(cart_json(k));
        auto body = http::page_json(carts, page, std::move(items));
        body["abandon_after_ms"] = service.abandon_after();
        return http::json_response(200, body);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/visitors/{anonymous_id}",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "A visitor (browser or device): its customer link and sessions",
              .tag = "traffic",
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto profile,
                              service.visitor(std::string(ctx.param("anonymous_id"))));
        json::object body = visitor_json(profile.visitor);
        json::array sessions;
        for (const auto& s : profile.sessions) sessions.push_back(session_json(s));
        body["sessions"] = std::move(sessions);
        return http::json_response(200, body);
      })});
}

}  // namespace ecrm::events
