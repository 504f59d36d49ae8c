#include "referrals/http_routes.hpp"

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::referrals {

using http::Access;
using http::handle;
using http::Method;
using http::PortalSubject;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

const Access kCustomer = Access::portal_of(PortalSubject::kCustomer);
const Access kRead = Access::needs("referrals:read");
const Access kWrite = Access::needs("referrals:write");
constexpr const char* kTag = "referrals";

}  // namespace

void add_referral_routes(http::Router& router, ReferralService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/referral",
      .access = kCustomer,
      .doc = {.summary = "The signed-in customer's referral code and link (made on first request)",
              .tag = "portal",
              .response = http::json_body<ReferralCode>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto code, service.own_code(ctx.principal()));
        return http::reply(200, code);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/customers/{id}/referral",
      .access = kRead,
      .doc = {.summary = "A customer's referral code (made on first request), referrer, number "
                         "of referred customers and rewards credited",
              .tag = kTag,
              .response = http::json_body<CustomerReferral>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto referral, service.of_customer(id));
        return http::reply(200, referral);
      })});

  router.add(
      Route{.method = Method::kGet,
            .pattern = "/api/v1/referrals/settings",
            .access = kRead,
            .doc = {.summary = "The referral settings the server runs with (the serve command's "
                               "--referral-window-days, --referral-return-window-days and "
                               "--referral-reward): attribution window, return window, reward",
                    .tag = kTag,
                    .response = http::json_body<ReferralSettings>()},
            .handler = handle([&service](RequestContext&) -> Result<Response> {
              const auto& o = service.options();
              return http::reply(
                  200, ReferralSettings{.attribution_window_days = o.attribution_window_days,
                                        .return_window_days = o.return_window_days,
                                        .reward_amount = o.reward_amount,
                                        .link_base = o.base_url});
            })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/referrals/attributions",
      .access = kWrite,
      .doc = {.summary = "Attribute a customer who signed up through a referral link "
                         "(?ref=CODE) to the code's customer: first touch within the window "
                         "wins; self-referrals (same customer, e-mail, phone or device) refused",
              .tag = kTag,
              .request = http::json_body<AttributionInput>(),
              .response = http::json_body<Attribution>(),
              .success_status = 201,
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<AttributionInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto attribution, service.attribute(input));
        ctx.set_audit(std::to_string(attribution.customer_id));
        return http::reply(201, attribution);
      }),
      .audit_entity = "referral"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/referrals/rewards/run",
      .access = kWrite,
      .doc = {.summary = "Credit the rewards due: a referred customer's first delivered order "
                         "without a return, delivered at least the return window before as_of "
                         "(now when absent); each referred customer is credited once",
              .tag = kTag,
              .request = http::json_body<RewardRun>(),
              .response = http::json_body<RewardRunResult>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto run, http::read_body<RewardRun>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto result, service.grant_rewards(run));
        ctx.set_audit(std::to_string(result.granted.size()));
        return http::reply(200, result);
      }),
      .audit_entity = "referral_rewards"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/referrals/referrers/{id}",
      .access = kRead,
      .doc = {.summary = "A referrer's referred customers with their revenue and CLV, and the "
                         "referrer's network value (own CLV + referred CLV)",
              .tag = kTag,
              .response = http::json_body<ReferrerReport>(),
              .error_statuses = {404}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto report, service.report(id));
        return http::reply(200, report);
      })});

  router.add(
      Route{.method = Method::kGet,
            .pattern = "/api/v1/referrals/leaderboard",
            .access = kRead,
            .doc = {.summary = "Referrers by network value (own CLV + referred CLV), highest first",
                    .tag = kTag,
                    .response = http::json_body<http::Page<LeaderboardEntry>>(),
                    .query_params = {"limit", "cursor"}},
            .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
              ECRM_ASSIGN_OR_RETURN(auto page, http::offset_page(ctx, 20, 200));
              ECRM_ASSIGN_OR_RETURN(auto rows, service.leaderboard(page.limit, page.offset));
              return http::reply(200, http::page_by_offset(std::move(rows), page));
            })});
}

}  // namespace ecrm::referrals
