#include "customers/http_routes.hpp"

#include <boost/json.hpp>

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::customers {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

// The privacy export: CustomerExport's members and one more per attached kind of records
// ("orders", "events", …) holding what that capability keeps about the customer.
http::BodyDoc export_body() {
  return http::BodyDoc{[](wire::Schemas& schemas, wire::Direction direction) {
    schemas.of<CustomerExport>(direction);
    json::object schema = schemas.components().at("CustomerExport").as_object();
    schema["additionalProperties"] = json::object{
        {"description", "the customer's records kept by each capability, by its name"}};
    return json::value(std::move(schema));
  }};
}

}  // namespace

void add_customer_routes(http::Router& router, CustomerService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "Search and list live customers: `q` over name, e-mail, phone digits, "
                         "company, external id and tags (exact matches first, then prefixes, "
                         "then substrings; by id within each), filters by type, tag, city and "
                         "creation time range, by the analytics scores: tier, segment and "
                         "min_clv (minor units), and by advisor answers: advisor_questionnaire, "
                         "advisor_question, advisor_answer",
              .tag = "customers",
              .response = http::json_body<http::Page<Customer>>(),
              .query = http::query_of<CustomerQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 50, 500));
        ECRM_ASSIGN_OR_RETURN(auto cursor, http::key_cursor(ctx, "c", 2));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<CustomerQuery>(ctx));
        ListPosition after;
        if (cursor) {
          const auto rank = cursor->numbers[0];
          if (rank < 0 || rank > static_cast<std::int64_t>(search::MatchRank::kSubstring)) {
            return Error::invalid("cursor is not one this API returned", "cursor");
          }
          after = {static_cast<search::MatchRank>(rank), cursor->numbers[1]};
        }
        ECRM_ASSIGN_OR_RETURN(auto found, service.list(query, after, limit));
        auto page = http::page_by_key(std::move(found), limit, "c", [](const CustomerMatch& m) {
          return http::KeyCursor{{static_cast<std::int64_t>(m.rank), m.customer.id}, ""};
        });
        return http::reply(200, http::Page<Customer>{
                                    http::map_items(page.items,
                                                    [](const CustomerMatch& m) { return m.customer; }),
                                    std::move(page.next_cursor)});
      })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/customers",
            .access = Access::needs("customers:write"),
            .doc = {.summary = "Create a customer (a name, an e-mail address or a phone number is "
                               "required)",
                    .tag = "customers",
                    .request = http::json_body<CustomerInput>(),
                    .response = http::json_body<Customer>(),
                    .success_status = 201,
                    .error_statuses = {409, 422}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<CustomerInput>(ctx));
              ECRM_ASSIGN_OR_RETURN(auto created, service.create(input));
              ctx.set_audit(std::to_string(created.id), http::audit_fields(input));
              return http::reply(201, created);
            }),
            .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/duplicates",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "Likely duplicate pairs of live customers: same normalised e-mail, same "
                         "normalised phone, or same name words and city (`customer`: only pairs "
                         "involving that customer)",
              .tag = "customers",
              .response = http::json_body<http::Page<DuplicateCandidate>>(),
              .error_statuses = {404},
              .query = http::query_of<DuplicateQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto cursor, http::key_cursor(ctx, "p", 2));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<DuplicateQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto pairs,
                              service.duplicates(query, cursor ? cursor->numbers[0] : 0,
                                                 cursor ? cursor->numbers[1] : 0, limit));
        return http::reply(200, http::page_by_key(std::move(pairs), limit, "p", [](const auto& p) {
                             return http::KeyCursor{{p.a.id, p.b.id}, {}};
                           }));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "Get one customer (merged ones show merged_into, erased ones erased_at)",
              .tag = "customers",
              .response = http::json_body<Customer>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto customer, service.get(id));
        return http::reply(200, customer);
      })});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/customers/{id}",
      .access = Access::needs("customers:write"),
      .doc = {.summary = "Change a customer's fields; null or \"\" clears a field, tags and "
                         "anniversaries are replaced as a whole, consent per channel is a new "
                         "decision",
              .tag = "customers",
              .request = http::json_body<CustomerInput>(),
              .response = http::json_body<Customer>(),
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<CustomerInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto updated, service.update(id, input));
        ctx.set_audit(std::to_string(id), http::audit_fields(input));
        return http::reply(200, updated);
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/customers/{id}/merge",
      .access = Access::needs("customers:write"),
      .doc = {.summary = "Merge customer `other_id` into this one: missing fields, tags, "
                         "consent, referrals and orders move here; the other is kept as merged "
                         "and the merge can be undone",
              .tag = "customers",
              .request = http::json_body<MergeRequest>(),
              .response = http::json_body<MergeOutcome>(),
              .error_statuses = {404, 409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<MergeRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto outcome, service.merge(id, request, ctx.principal().display()));
        ctx.set_audit(std::to_string(id),
                      json::serialize(json::object{{"merge_id", outcome.merge.id},
                                                   {"merged_id", outcome.merge.merged_id}}));
        return http::reply(200, outcome);
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/merges",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "The merges involving a customer, oldest first, with their snapshots",
              .tag = "customers",
              .response = http::json_body<http::Items<MergeView>>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto merges, service.merges_of(id));
        return http::reply(200, http::Items<MergeView>{std::move(merges)});
      })});

  router.add(
      Route{.method = Method::kPost,
            .pattern = "/api/v1/customers/merges/{merge_id}/undo",
            .access = Access::needs("customers:write"),
            .doc = {.summary = "Undo a merge: the merged customer comes back with its orders, "
                               "referrals, tags and the fields it gave the survivor",
                    .tag = "customers",
                    .response = http::json_body<MergeOutcome>(),
                    .error_statuses = {404, 409}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto merge_id, ctx.id_param("merge_id"));
              ECRM_ASSIGN_OR_RETURN(auto outcome, service.undo_merge(merge_id));
              ctx.set_audit(std::to_string(merge_id),
                            json::serialize(json::object{{"survivor_id", outcome.merge.survivor_id},
                                                         {"merged_id", outcome.merge.merged_id}}));
              return http::reply(200, outcome);
            }),
            .audit_entity = "customer_merge"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/export",
      .access = Access::needs("customers:privacy"),
      .doc = {.summary = "Privacy export: everything held on the customer as one JSON document "
                         "(profile, merges, referrals, orders and other records)",
              .tag = "customers",
              .response = export_body(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto data, service.export_data(id));
        Response response = http::json_response(200, data);
        response.header("Content-Disposition",
                        "attachment; filename=\"customer-" + std::to_string(id) + ".json\"");
        return response;
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/customers/{id}/erase",
      .access = Access::needs("customers:erase"),
      .doc = {.summary = "Privacy erasure: removes the customer's personal data; orders are kept, "
                         "anonymised, for accounting",
              .tag = "customers",
              .response = http::json_body<Customer>(),
              .error_statuses = {404, 409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto erased, service.erase(id));
        ctx.set_audit(std::to_string(id), R"({"erased":true})");
        return http::reply(200, erased);
      }),
      .audit_entity = "customer"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/timeline",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "The customer's 360° timeline, newest first: the record's own history, "
                         "orders and their status changes, returns",
              .tag = "customers",
              .response = http::json_body<http::Page<TimelineEntry>>(),
              .error_statuses = {404},
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(int limit, http::limit_param(ctx, 50, 200));
        ECRM_ASSIGN_OR_RETURN(auto cursor, http::key_cursor(ctx, "t", 2));
        std::optional<TimelinePosition> after;
        if (cursor) {
          if (cursor->text.empty()) {
            return Error::invalid("cursor is not one this API returned", "cursor");
          }
          after = TimelinePosition{cursor->numbers[0], cursor->text, cursor->numbers[1]};
        }
        ECRM_ASSIGN_OR_RETURN(auto entries, service.timeline(id, after, limit));
        return http::reply(200,
                           http::page_by_key(std::move(entries), limit, "t", [](const auto& e) {
                             return http::KeyCursor{{e.at, e.id}, e.source};
                           }));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/summary",
      .access = Access::needs("customers:read"),
      .doc = {.summary = "The customer's lifetime figures: order count, revenue net of refunds "
                         "(minor units, main currency first), average order value, first and "
                         "last order, returns, favourite categories",
              .tag = "customers",
              .response = http::json_body<CustomerSummaryView>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto summary, service.summary(id));
        return http::reply(200, summary);
      })});
}

}  // namespace ecrm::customers
