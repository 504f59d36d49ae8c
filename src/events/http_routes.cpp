#include "events/http_routes.hpp"

#include <boost/json.hpp>

#include "events/snippet.hpp"
#include "events/validate.hpp"
#include "http/context.hpp"
#include "http/params.hpp"

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

// The tracking endpoint is called from the shop's pages on other origins, without cookies.
Response with_cors(Response response) {
  response.header("Access-Control-Allow-Origin", "*");
  response.header("Access-Control-Allow-Methods", "POST, OPTIONS");
  response.header("Access-Control-Allow-Headers",
                  "Content-Type, Authorization, X-Ecrm-Key, Idempotency-Key");
  response.header("Access-Control-Max-Age", "86400");
  return response;
}

// A script of the shop's pages (compiled in): cached for five minutes, loadable from any origin.
Response page_script(std::string_view script) {
  Response response;
  response.content_type = "application/javascript; charset=utf-8";
  response.body = std::string(script);
  response.header("Cache-Control", "public, max-age=300");
  response.header("Access-Control-Allow-Origin", "*");
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
  // The hot path: a batch is parsed into one arena and freed at once (up to 1,000 events of
  // small objects), and each event is checked by validate_event(), so that bad events are
  // reported by index and the good ones kept. IngestRequest describes the body for the schema.
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
                                    e.message,
                                    e.field.empty() ? std::nullopt : std::optional(e.field)});
    }
  }
  ECRM_ASSIGN_OR_RETURN(auto outcome, service.ingest(std::move(events), std::move(rejected)));
  return http::reply(200, outcome);
}

// GET /api/v1/carts: a page of carts and the abandonment limit they were judged by.
struct CartPage {
  std::vector<Cart> items;
  std::optional<std::string> next_cursor;
  UnixMs abandon_after_ms = 0;
};
ECRM_DESCRIBE(CartPage, items, next_cursor, abandon_after_ms)

}  // namespace

void add_event_routes(http::Router& router, EventService& service,
                      http::Authenticator& authenticator) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/t.js",
      .access = Access::public_route(),
      .doc = {.summary = "The tracking snippet for the shop's pages (use with a write key)",
              .tag = "events",
              .response = http::text_body("application/javascript")},
      .handler = [](RequestContext&) { return page_script(tracking_snippet()); },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/configurator.js",
      .access = Access::public_route(),
      .doc = {.summary = "The configurator widget the tracking snippet loads on the first "
                         "ecrm.configurator() call (build to order on the shop's pages)",
              .tag = "events",
              .response = http::text_body("application/javascript")},
      .handler = [](RequestContext&) { return page_script(configurator_script()); },
      .blocking = false});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/events",
      .access = Access::public_route(),
      .doc = {.summary = "Ingest a batch of up to 1,000 tracking events (write key or API key "
                         "with scope events:write); answers once they are durably stored",
              .tag = "events",
              .request = http::json_body<IngestRequest>(),
              .response = http::json_body<BatchOutcome>(),
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
              .response = http::json_body<http::Page<StoredEvent>>(),
              .query = http::query_of<EventQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 500));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<EventQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto events, service.list(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(events), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/events/stats",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Event counts: total, last 24 hours, by type; visitors and identified",
              .tag = "events",
              .response = http::json_body<EventStats>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto stats, service.stats());
        return http::reply(200, stats);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/events/age",
      .access = Access::needs("tracking:admin"),
      .doc = {.summary = "Age the event log now (the server does it daily): events of the days "
                         "older than keep_days are counted per day, type and currency, and "
                         "deleted; the traffic overview keeps counting them",
              .tag = "events",
              .request = http::json_body<EventAgeingRequest>(),
              .response = http::json_body<EventAgeingResult>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<EventAgeingRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto result, service.age(request.keep_days));
        ctx.set_audit("event_log");
        return http::reply(200, result);
      }),
      .audit_entity = "event_log"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/events/live",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "The live event stream: events after `after` (an id), oldest first; "
                         "poll again with the returned cursor",
              .tag = "events",
              .response = http::json_body<LiveEvents>(),
              .query = http::query_of<LiveQuery>(),
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<LiveQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 100, 500));
        ECRM_ASSIGN_OR_RETURN(auto live, service.live(query, limit));
        return http::reply(200, live);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/write-keys",
      .access = Access::needs("tracking:read"),
      .doc = {.summary = "Write keys for the tracking snippet",
              .tag = "events",
              .response = http::json_body<http::Items<WriteKeyView>>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto keys, service.list_write_keys());
        return http::reply(200, http::Items<WriteKeyView>{http::map_items(keys, write_key_view)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/write-keys",
      .access = Access::needs("tracking:admin"),
      .doc = {.summary = "Create a public write key for the tracking snippet",
              .tag = "events",
              .request = http::json_body<WriteKeyInput>(),
              .response = http::json_body<WriteKeyView>(),
              .success_status = 201},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<WriteKeyInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto key, service.create_write_key(input, ctx.principal().display()));
        ctx.set_audit(std::to_string(key.id));
        return http::reply(201, write_key_view(key));
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
              .response = http::json_body<TrafficOverview>(),
              .query = http::query_of<TrafficQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<TrafficQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto overview, service.overview(query));
        return http::reply(200, overview);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/funnel",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Conversion funnel product_view -> add_to_cart -> checkout_step -> "
                         "purchase: visitors reaching each step, drop-off",
              .tag = "traffic",
              .response = http::json_body<Funnel>(),
              .query = http::query_of<TrafficQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<TrafficQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto funnel, service.funnel(query));
        return http::reply(200, funnel);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/abandonment",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Cart abandonment rate and lost value over time (bucket: hour, day, "
                         "week or milliseconds)",
              .tag = "traffic",
              .response = http::json_body<Abandonment>(),
              .query = http::query_of<AbandonmentQuery>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<AbandonmentQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto abandonment, service.abandonment(query));
        return http::reply(200, abandonment);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/traffic/products",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Most viewed products with carts, buyers and browse-to-buy ratio",
              .tag = "traffic",
              .response = http::json_body<http::Items<ProductTraffic>>(),
              .query = http::query_of<TrafficQuery>(),
              .query_params = {"limit"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<TrafficQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 20, 500));
        ECRM_ASSIGN_OR_RETURN(auto products, service.products(query, limit));
        return http::reply(200, http::Items<ProductTraffic>{std::move(products)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/carts",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "Carts by status (open, abandoned, purchased) with items and value",
              .tag = "traffic",
              .response = http::json_body<CartPage>(),
              .query = http::query_of<CartQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 50, 500));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<CartQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto carts, service.carts(query, page.last_id, page.limit));
        auto listed = http::page_by_id(std::move(carts), page.limit);
        return http::reply(200, CartPage{std::move(listed.items), std::move(listed.next_cursor),
                                         service.abandon_after()});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/visitors/{anonymous_id}",
      .access = Access::needs("visitors:read"),
      .doc = {.summary = "A visitor (browser or device): its customer link and sessions",
              .tag = "traffic",
              .response = http::json_body<VisitorProfile>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto profile,
                              service.visitor(std::string(ctx.param("anonymous_id"))));
        return http::reply(200, profile);
      })});
}

}  // namespace ecrm::events
