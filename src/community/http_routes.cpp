#include "community/http_routes.hpp"

#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::community {

using http::Access;
using http::handle;
using http::Method;
using http::PortalSubject;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

const Access kCustomer = Access::portal_of(PortalSubject::kCustomer);
constexpr std::size_t kMaxPostBody = kMaxBodyBytes + 64 * 1024;

std::int64_t customer_of(const RequestContext& ctx) { return ctx.principal().subject_id; }

StaffActor staff_of(const RequestContext& ctx) {
  return StaffActor{ctx.principal().user_id, ctx.principal().display()};
}

// Public reads: no session needed, nothing written.
void add_public_routes(http::Router& router, CommunityService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/boards",
      .access = Access::public_route(),
      .doc = {.summary = "The community's boards (a product category's or a product's), by name",
              .tag = "community",
              .response = http::json_body<http::Items<Board>>()},
      .handler = handle([&service](RequestContext&) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.boards());
        return http::reply(200, http::Items<Board>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/boards/{id}",
      .access = Access::public_route(),
      .doc = {.summary = "A board with its pinned threads",
              .tag = "community",
              .response = http::json_body<BoardView>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto view, service.board(id));
        return http::reply(200, view);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/boards/{id}/threads",
      .access = Access::public_route(),
      .doc = {.summary = "A board's visible threads (of one kind), newest first; pinned threads "
                         "are on the board",
              .tag = "community",
              .response = http::json_body<http::Page<Thread>>(),
              .query = http::query_of<ThreadQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ThreadQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, service.threads(id, query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/threads/{id}",
      .access = Access::public_route(),
      .doc = {.summary = "A thread with its opening post, answers (the accepted one first, then "
                         "by score) and comments. Bodies are plain text: show them as text",
              .tag = "community",
              .response = http::json_body<ThreadView>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto view, service.thread(id, std::nullopt));
        return http::reply(200, view);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/search",
      .access = Access::public_route(),
      .doc = {.summary = "Search threads and answers by words, in Chinese and English, most "
                         "relevant first, with the words marked in the title and a snippet",
              .tag = "community",
              .response = http::json_body<http::Page<CommunityHit>>(),
              .query = http::query_of<CommunitySearchQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<CommunitySearchQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::offset_page(ctx, 20, 100));
        ECRM_ASSIGN_OR_RETURN(auto items, service.search(query, page.offset, page.limit));
        return http::reply(200, http::page_by_offset(std::move(items), page));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/kb",
      .access = Access::public_route(),
      .doc = {.summary = "Published knowledge-base articles (of a product or category), newest "
                         "first",
              .tag = "community",
              .response = http::json_body<http::Page<KbArticle>>(),
              .query = http::query_of<KbQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<KbQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, service.articles(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/kb/{id}",
      .access = Access::public_route(),
      .doc = {.summary = "A published knowledge-base article",
              .tag = "community",
              .response = http::json_body<KbArticle>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto article, service.article(id));
        return http::reply(200, article);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/reviews",
      .access = Access::public_route(),
      .doc = {.summary = "Product reviews (of one product), newest first",
              .tag = "reviews",
              .response = http::json_body<http::Page<Review>>(),
              .query = http::query_of<ReviewQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ReviewQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, service.reviews(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/products/{id}/reviews",
      .access = Access::public_route(),
      .doc = {.summary = "A product's reviews for its page: the average rating, the count per "
                         "rating and the reviews, newest first",
              .tag = "reviews",
              .response = http::json_body<ReviewSummary>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto summary, service.product_reviews(id, page.last_id, page.limit));
        auto paged = http::page_by_id(std::move(summary.items), page.limit);
        summary.items = std::move(paged.items);
        summary.next_cursor = std::move(paged.next_cursor);
        return http::reply(200, summary);
      })});
}

// The signed-in customer's routes: the customer is the session's, never the request's.
void add_customer_routes(http::Router& router, CommunityService& service) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/community/me",
      .access = kCustomer,
      .doc = {.summary = "One's community profile: display name, reputation, badges, ban",
              .tag = "community",
              .response = http::json_body<Member>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto member, service.me(customer_of(ctx)));
        return http::reply(200, member);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/portal/community/me",
      .access = kCustomer,
      .doc = {.summary = "Choose the display name others see and @mention",
              .tag = "community",
              .request = http::json_body<MemberChanges>(),
              .response = http::json_body<Member>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<MemberChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto member, service.set_me(customer_of(ctx), changes));
        ctx.set_audit(std::to_string(member.customer_id));
        return http::reply(200, member);
      }),
      .audit_entity = "community_member"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/community/threads",
      .access = kCustomer,
      .doc = {.summary = "Start a thread (question, idea, defect report or discussion) on a "
                         "board, with links to one's orders or products. Plain text, at most "
                         "20,000 characters (413 naming body); a new account's web links wait "
                         "for a moderator (status held)",
              .tag = "community",
              .request = http::json_body<ThreadInput>(),
              .response = http::json_body<ThreadView>(),
              .success_status = 201,
              .error_statuses = {409, 422, 429}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ThreadInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.create_thread(customer_of(ctx), input));
        ctx.set_audit(std::to_string(view.thread.id));
        return http::reply(201, view);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "community_thread"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/community/threads/{id}",
      .access = kCustomer,
      .doc = {.summary = "A thread as the signed-in customer sees it: also their own held or "
                         "hidden posts (with the reason), their votes and whether they follow it",
              .tag = "community",
              .response = http::json_body<ThreadView>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto view, service.thread(id, customer_of(ctx)));
        return http::reply(200, view);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/community/threads/{id}/answers",
      .access = kCustomer,
      .doc = {.summary = "Answer a thread (409 when it is locked)",
              .tag = "community",
              .request = http::json_body<PostInput>(),
              .response = http::json_body<Post>(),
              .success_status = 201,
              .error_statuses = {409, 422, 429}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PostInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.answer(customer_of(ctx), id, input));
        ctx.set_audit(std::to_string(post.id));
        return http::reply(201, post);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/community/threads/{id}/accept",
      .access = kCustomer,
      .doc = {.summary = "Accept an answer of one's own thread (another's answer; a later one "
                         "replaces it)",
              .tag = "community",
              .request = http::json_body<AcceptRequest>(),
              .response = http::json_body<ThreadView>(),
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<AcceptRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.accept(customer_of(ctx), id, request));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, view);
      }),
      .audit_entity = "community_thread"});

  for (const char* what : {"threads", "boards"}) {
    const bool thread = std::string_view(what) == "threads";
    const std::string pattern = std::string("/api/v1/portal/community/") + what + "/{id}/follow";
    router.add(Route{
        .method = Method::kPut,
        .pattern = pattern,
        .access = kCustomer,
        .doc = {.summary = thread ? "Follow a thread: its new posts are mailed to one"
                                  : "Follow a board: new posts in its threads are mailed to one",
                .tag = "community",
                .success_status = 204},
        .handler = handle([&service, thread](RequestContext& ctx) -> Result<Response> {
          ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
          ECRM_RETURN_IF_ERROR(service.follow(customer_of(ctx),
                                              thread ? std::optional(id) : std::nullopt,
                                              thread ? std::nullopt : std::optional(id)));
          ctx.set_audit(std::to_string(id));
          return http::no_content();
        }),
        .audit_entity = "community_follow"});
    router.add(Route{
        .method = Method::kDelete,
        .pattern = pattern,
        .access = kCustomer,
        .doc = {.summary = thread ? "Stop following a thread" : "Stop following a board",
                .tag = "community",
                .success_status = 204},
        .handler = handle([&service, thread](RequestContext& ctx) -> Result<Response> {
          ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
          ECRM_RETURN_IF_ERROR(service.unfollow(customer_of(ctx),
                                                thread ? std::optional(id) : std::nullopt,
                                                thread ? std::nullopt : std::optional(id)));
          ctx.set_audit(std::to_string(id));
          return http::no_content();
        }),
        .audit_entity = "community_follow"});
  }

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/community/follows",
      .access = kCustomer,
      .doc = {.summary = "The threads and boards one follows",
              .tag = "community",
              .response = http::json_body<http::Items<CommunityFollow>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.follows(customer_of(ctx)));
        return http::reply(200, http::Items<CommunityFollow>{std::move(items)});
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/community/posts/{id}/comments",
      .access = kCustomer,
      .doc = {.summary = "Comment on an opening post or an answer",
              .tag = "community",
              .request = http::json_body<PostInput>(),
              .response = http::json_body<Post>(),
              .success_status = 201,
              .error_statuses = {409, 422, 429}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PostInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.comment(customer_of(ctx), id, input));
        ctx.set_audit(std::to_string(post.id));
        return http::reply(201, post);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/portal/community/posts/{id}",
      .access = kCustomer,
      .doc = {.summary = "Change one's own post (body, links; an opening post's thread title); "
                         "403 not_author for another's",
              .tag = "community",
              .request = http::json_body<PostChanges>(),
              .response = http::json_body<Post>(),
              .error_statuses = {422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<PostChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.edit(customer_of(ctx), id, changes));
        ctx.set_audit(std::to_string(id), http::audit_fields(changes));
        return http::reply(200, post);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/portal/community/posts/{id}",
      .access = kCustomer,
      .doc = {.summary = "Delete one's own post (an opening post takes its thread with it); "
                         "403 not_author for another's",
              .tag = "community",
              .success_status = 204},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_RETURN_IF_ERROR(service.remove(customer_of(ctx), id));
        ctx.set_audit(std::to_string(id));
        return http::no_content();
      }),
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/portal/community/posts/{id}/vote",
      .access = kCustomer,
      .doc = {.summary = "Vote a post up (1) or down (-1), or take one's vote back (0); one vote "
                         "per post, changeable; not on one's own",
              .tag = "community",
              .request = http::json_body<VoteRequest>(),
              .response = http::json_body<Post>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<VoteRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.vote(customer_of(ctx), id, request));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, post);
      }),
      .audit_entity = "community_vote"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/portal/community/posts/{id}/reports",
      .access = kCustomer,
      .doc = {.summary = "Report a post to the moderators, with the reason (once per post)",
              .tag = "community",
              .request = http::json_body<ReportRequest>(),
              .response = http::json_body<Report>(),
              .success_status = 201,
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ReportRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto report, service.report(customer_of(ctx), id, request));
        ctx.set_audit(std::to_string(report.id));
        return http::reply(201, report);
      }),
      .audit_entity = "community_report"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/portal/products/{id}/review",
      .access = kCustomer,
      .doc = {.summary = "Rate (1 to 5) and review a product one bought (a shipped or delivered "
                         "order of it, else 403 not_purchased naming product_id); a second "
                         "review replaces the first",
              .tag = "reviews",
              .request = http::json_body<ReviewInput>(),
              .response = http::json_body<Review>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<ReviewInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto review, service.put_review(customer_of(ctx), id, input));
        ctx.set_audit(std::to_string(review.id));
        return http::reply(200, review);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "product_review"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/portal/reviews",
      .access = kCustomer,
      .doc = {.summary = "One's product reviews, newest first",
              .tag = "reviews",
              .response = http::json_body<http::Items<Review>>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto items, service.reviews_of(customer_of(ctx)));
        return http::reply(200, http::Items<Review>{std::move(items)});
      })});
}

// Staff: answers with the staff badge, moderation, tickets and articles.
void add_staff_routes(http::Router& router, CommunityService& service) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/boards",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Open a board for a product category or a product",
              .tag = "community",
              .request = http::json_body<BoardInput>(),
              .response = http::json_body<Board>(),
              .success_status = 201,
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<BoardInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto board, service.create_board(input));
        ctx.set_audit(std::to_string(board.id));
        return http::reply(201, board);
      }),
      .audit_entity = "community_board"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/moderation/queue",
      .access = Access::needs("community:read"),
      .doc = {.summary = "The moderation queue: posts held for a moderator and visible posts "
                         "with open reports, newest first",
              .tag = "community",
              .response = http::json_body<http::Page<QueueItem>>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, service.queue(page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit,
                                                 [](const QueueItem& i) { return i.post.id; }));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/moderation/threads/{id}",
      .access = Access::needs("community:read"),
      .doc = {.summary = "A thread as moderators see it: held and hidden posts too, with why",
              .tag = "community",
              .response = http::json_body<ThreadView>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto view, service.moderation_thread(id));
        return http::reply(200, view);
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/posts/{id}/hide",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Hide a post, with the reason its author sees; its open reports are "
                         "upheld (an opening post hides its thread)",
              .tag = "community",
              .request = http::json_body<ModerationRequest>(),
              .response = http::json_body<Post>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ModerationRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.hide(id, request, staff_of(ctx)));
        ctx.set_audit(std::to_string(id), http::audit_fields(request));
        return http::reply(200, post);
      }),
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/posts/{id}/restore",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Show a held or hidden post again, with the reason; its open reports "
                         "are dismissed and a held post goes out to followers",
              .tag = "community",
              .request = http::json_body<ModerationRequest>(),
              .response = http::json_body<Post>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ModerationRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.restore(id, request, staff_of(ctx)));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, post);
      }),
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/community/threads/{id}",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Pin or lock a thread (a locked thread takes no more answers or "
                         "comments from customers)",
              .tag = "community",
              .request = http::json_body<ThreadChanges>(),
              .response = http::json_body<Thread>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<ThreadChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto thread, service.change_thread(id, changes));
        ctx.set_audit(std::to_string(id), http::audit_fields(changes));
        return http::reply(200, thread);
      }),
      .audit_entity = "community_thread"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/threads/{id}/answers",
      .access = Access::needs("community:write"),
      .doc = {.summary = "Answer a thread as staff (shown with the staff badge)",
              .tag = "community",
              .request = http::json_body<PostInput>(),
              .response = http::json_body<Post>(),
              .success_status = 201,
              .error_statuses = {422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<PostInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto post, service.staff_answer(staff_of(ctx), id, input));
        ctx.set_audit(std::to_string(post.id));
        return http::reply(201, post);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "community_post"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/threads/{id}/accept",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Accept an answer of a thread as staff",
              .tag = "community",
              .request = http::json_body<AcceptRequest>(),
              .response = http::json_body<ThreadView>(),
              .error_statuses = {409, 422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<AcceptRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto view, service.accept(std::nullopt, id, request));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, view);
      }),
      .audit_entity = "community_thread"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/threads/{id}/ticket",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Make a defect report a ticket of its author's, linked to the thread "
                         "(again: the same ticket, created false)",
              .tag = "community",
              .response = http::json_body<TicketLink>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto link, service.make_ticket(id, staff_of(ctx)));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, link);
      }),
      .audit_entity = "community_thread"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/posts/{id}/kb",
      .access = Access::needs("community:write"),
      .doc = {.summary = "Make a staff answer a knowledge-base article (published by default; "
                         "again: the same article)",
              .tag = "community",
              .request = http::json_body<KbFromPostRequest>(),
              .response = http::json_body<KbArticle>(),
              .error_statuses = {409}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<KbFromPostRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto made, service.article_from_post(id, request, staff_of(ctx)));
        ctx.set_audit(std::to_string(made.first.id));
        return http::reply(200, made.first);
      }),
      .audit_entity = "kb_article"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/moderation/kb",
      .access = Access::needs("community:read"),
      .doc = {.summary = "Every knowledge-base article, drafts too, newest first",
              .tag = "community",
              .response = http::json_body<http::Page<KbArticle>>(),
              .query = http::query_of<KbQuery>(),
              .query_params = {"limit", "cursor"}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<KbQuery>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx));
        ECRM_ASSIGN_OR_RETURN(auto items, service.all_articles(query, page.last_id, page.limit));
        return http::reply(200, http::page_by_id(std::move(items), page.limit));
      })});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/kb",
      .access = Access::needs("community:write"),
      .doc = {.summary = "Write a knowledge-base article (a draft unless published)",
              .tag = "community",
              .request = http::json_body<KbArticleInput>(),
              .response = http::json_body<KbArticle>(),
              .success_status = 201,
              .error_statuses = {422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto input, http::read_body<KbArticleInput>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto article, service.create_article(input, staff_of(ctx)));
        ctx.set_audit(std::to_string(article.id));
        return http::reply(201, article);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "kb_article"});

  router.add(Route{
      .method = Method::kPatch,
      .pattern = "/api/v1/community/kb/{id}",
      .access = Access::needs("community:write"),
      .doc = {.summary = "Change a knowledge-base article: title, body, product, category, "
                         "published",
              .tag = "community",
              .request = http::json_body<KbArticleChanges>(),
              .response = http::json_body<KbArticle>(),
              .error_statuses = {422}},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto changes, http::read_body<KbArticleChanges>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto article, service.update_article(id, changes));
        ctx.set_audit(std::to_string(id), http::audit_fields(changes));
        return http::reply(200, article);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "kb_article"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/reviews/{id}/hide",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Hide a product review, with the reason its author sees",
              .tag = "reviews",
              .request = http::json_body<ModerationRequest>(),
              .response = http::json_body<Review>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ModerationRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto review, service.hide_review(id, request));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, review);
      }),
      .audit_entity = "product_review"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/reviews/{id}/restore",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Show a hidden product review again",
              .tag = "reviews",
              .response = http::json_body<Review>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto review, service.restore_review(id));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, review);
      }),
      .audit_entity = "product_review"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/community/members/{id}",
      .access = Access::needs("community:read"),
      .doc = {.summary = "A customer's community profile (by customer id): reputation, badges, "
                         "ban",
              .tag = "community",
              .response = http::json_body<Member>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto member, service.member(id));
        return http::reply(200, member);
      })});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/community/members/{id}/ban",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Ban a customer from posting until a time, with the reason they see",
              .tag = "community",
              .request = http::json_body<BanRequest>(),
              .response = http::json_body<Member>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<BanRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto member, service.ban(id, request));
        ctx.set_audit(std::to_string(id), http::audit_fields(request));
        return http::reply(200, member);
      }),
      .audit_entity = "community_member"});

  router.add(Route{
      .method = Method::kDelete,
      .pattern = "/api/v1/community/members/{id}/ban",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Lift a customer's ban",
              .tag = "community",
              .response = http::json_body<Member>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto member, service.unban(id));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, member);
      }),
      .audit_entity = "community_member"});

  router.add(Route{
      .method = Method::kPut,
      .pattern = "/api/v1/community/members/{id}/expert",
      .access = Access::needs("community:moderate"),
      .doc = {.summary = "Give or take a customer's expert badge",
              .tag = "community",
              .request = http::json_body<ExpertRequest>(),
              .response = http::json_body<Member>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ExpertRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto member, service.set_expert(id, request));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, member);
      }),
      .audit_entity = "community_member"});

  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/community/reviews/{id}/reply",
      .access = Access::needs("community:write"),
      .doc = {.summary = "Reply to a product review as the shop (a later reply replaces it)",
              .tag = "reviews",
              .request = http::json_body<ReplyRequest>(),
              .response = http::json_body<Review>()},
      .handler = handle([&service](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto request, http::read_body<ReplyRequest>(ctx));
        ECRM_ASSIGN_OR_RETURN(auto review, service.reply_review(id, request, staff_of(ctx)));
        ctx.set_audit(std::to_string(id));
        return http::reply(200, review);
      }),
      .max_body = kMaxPostBody,
      .audit_entity = "product_review"});
}

}  // namespace

void add_community_routes(http::Router& router, CommunityService& service) {
  add_public_routes(router, service);
  add_customer_routes(router, service);
  add_staff_routes(router, service);
}

}  // namespace ecrm::community
