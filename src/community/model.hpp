// What the community and product reviews show and accept, as plain values described for the
// wire. Public views name members by their display name only (never a customer id or address);
// staff's views add the customer id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"
#include "search/text.hpp"

namespace ecrm::community {

// Limits that are part of the contract. Bodies are counted in characters (code points); the
// wire refuses more than four bytes a character before the service counts them (413).
inline constexpr std::size_t kMaxBodyChars = 20'000;
inline constexpr std::size_t kMaxBodyBytes = kMaxBodyChars * 4;
inline constexpr std::size_t kMaxTitle = 300;
inline constexpr std::size_t kMaxReason = 1000;
inline constexpr std::size_t kMaxDisplayName = 30;
inline constexpr std::size_t kMaxLinks = 10;

enum class ThreadKind { kQuestion, kIdea, kDefect, kDiscussion };
ECRM_DESCRIBE_ENUM(ThreadKind, kQuestion, kIdea, kDefect, kDiscussion)

enum class PostKind { kOpening, kAnswer, kComment };
ECRM_DESCRIBE_ENUM(PostKind, kOpening, kAnswer, kComment)

// visible; held for a moderator (a new account's links); hidden by a moderator; deleted by its
// author.
enum class PostStatus { kVisible, kHeld, kHidden, kDeleted };
ECRM_DESCRIBE_ENUM(PostStatus, kVisible, kHeld, kHidden, kDeleted)

enum class LinkKind { kOrder, kProduct };
ECRM_DESCRIBE_ENUM(LinkKind, kOrder, kProduct)

enum class ReportStatus { kOpen, kUpheld, kDismissed };
ECRM_DESCRIBE_ENUM(ReportStatus, kOpen, kUpheld, kDismissed)

// A board: a product category's or a product's.
struct Board {
  std::int64_t id = 0;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> product_id;
  std::string name;
  std::string description;
  std::int64_t threads = 0;  // visible threads
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Board, id, category_id, product_id, name, description, threads, created_at)
ECRM_WIRE_RULES(Board, rule(&Board::created_at, {.format = "date-time"}))

// POST /api/v1/community/boards: a board for a category or a product (one of the two; the name
// defaults to the category's or product's).
struct BoardInput {
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> product_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
};
ECRM_DESCRIBE(BoardInput, category_id, product_id, name, description)
ECRM_WIRE_RULES(BoardInput, rule(&BoardInput::name, {.max_length = kMaxTitle}),
                rule(&BoardInput::description, {.max_length = kMaxReason}))

// Who wrote a post, as everybody sees it: the display name and badges.
struct Author {
  std::string display_name;
  std::int64_t reputation = 0;
  bool staff = false;
  bool expert = false;
};
ECRM_DESCRIBE(Author, display_name, reputation, staff, expert)

// A post's link to an order (of its author's) or a product.
struct Link {
  LinkKind kind = LinkKind::kProduct;
  std::int64_t id = 0;
  std::string label;  // the product's name; "Order 12" for an order
};
ECRM_DESCRIBE(Link, kind, id, label)

struct LinkInput {
  LinkKind kind = LinkKind::kProduct;
  std::int64_t id = 0;
};
ECRM_DESCRIBE(LinkInput, kind, id)

struct Post {
  std::int64_t id = 0;
  std::int64_t thread_id = 0;
  PostKind kind = PostKind::kAnswer;
  std::optional<std::int64_t> parent_id;  // a comment's post
  Author author;
  std::string body;  // plain text: show it as text
  PostStatus status = PostStatus::kVisible;
  std::int64_t score = 0;  // up votes - down votes
  std::int64_t up_votes = 0;
  std::int64_t down_votes = 0;
  bool accepted = false;
  std::vector<Link> links;
  UnixMs created_at = 0;
  std::optional<UnixMs> edited_at;
  // The signed-in customer's view: whether they wrote it, and their vote (1, -1; 0 none).
  std::optional<bool> mine;
  std::optional<std::int64_t> my_vote;
  // Why it is held or hidden (its author and moderators see it).
  std::optional<std::string> status_reason;
};
ECRM_DESCRIBE(Post, id, thread_id, kind, parent_id, author, body, status, score, up_votes,
              down_votes, accepted, links, created_at, edited_at, mine, my_vote, status_reason)
ECRM_WIRE_RULES(Post, rule(&Post::created_at, {.format = "date-time"}),
                rule(&Post::edited_at, {.format = "date-time"}))

struct Thread {
  std::int64_t id = 0;
  std::int64_t board_id = 0;
  ThreadKind kind = ThreadKind::kQuestion;
  std::string title;
  Author author;
  PostStatus status = PostStatus::kVisible;
  bool pinned = false;
  bool locked = false;
  std::optional<std::int64_t> accepted_post_id;
  std::int64_t answer_count = 0;
  std::int64_t score = 0;  // the opening post's
  UnixMs created_at = 0;
  UnixMs last_activity_at = 0;
};
ECRM_DESCRIBE(Thread, id, board_id, kind, title, author, status, pinned, locked, accepted_post_id,
              answer_count, score, created_at, last_activity_at)
ECRM_WIRE_RULES(Thread, rule(&Thread::created_at, {.format = "date-time"}),
                rule(&Thread::last_activity_at, {.format = "date-time"}))

// A thread with its posts: the opening post, the answers (the accepted one first, then by
// score) and the comments on either (parent_id), oldest first.
struct ThreadView {
  Thread thread;
  Post opening;
  std::vector<Post> answers;
  std::vector<Post> comments;
  std::optional<bool> following;  // the signed-in customer's
};
ECRM_DESCRIBE(ThreadView, thread, opening, answers, comments, following)

// A board with its pinned threads (the board's thread list pages through the others).
struct BoardView {
  Board board;
  std::vector<Thread> pinned;
};
ECRM_DESCRIBE(BoardView, board, pinned)

struct ThreadQuery {
  std::optional<ThreadKind> kind;
};
ECRM_DESCRIBE(ThreadQuery, kind)

// POST /api/v1/portal/community/threads.
struct ThreadInput {
  std::int64_t board_id = 0;
  ThreadKind kind = ThreadKind::kQuestion;
  std::string title;
  std::string body;
  std::optional<std::vector<LinkInput>> links;
};
ECRM_DESCRIBE(ThreadInput, board_id, kind, title, body, links)
ECRM_WIRE_RULES(ThreadInput, rule(&ThreadInput::title, {.max_length = kMaxTitle}),
                rule(&ThreadInput::body, {.max_length = kMaxBodyBytes,
                                          .description = "plain text, at most 20,000 characters"}),
                rule(&ThreadInput::links, {.max_length = kMaxLinks}))

// An answer or a comment.
struct PostInput {
  std::string body;
  std::optional<std::vector<LinkInput>> links;
};
ECRM_DESCRIBE(PostInput, body, links)
ECRM_WIRE_RULES(PostInput,
                rule(&PostInput::body, {.max_length = kMaxBodyBytes,
                                        .description = "plain text, at most 20,000 characters"}),
                rule(&PostInput::links, {.max_length = kMaxLinks}))

// PATCH /api/v1/portal/community/posts/{id}: one's own post (title: an opening post's thread).
struct PostChanges {
  std::optional<std::string> body;
  std::optional<std::string> title;
  std::optional<std::vector<LinkInput>> links;
};
ECRM_DESCRIBE(PostChanges, body, title, links)
ECRM_WIRE_RULES(PostChanges,
                rule(&PostChanges::body, {.max_length = kMaxBodyBytes,
                                          .description = "plain text, at most 20,000 characters"}),
                rule(&PostChanges::title, {.max_length = kMaxTitle}),
                rule(&PostChanges::links, {.max_length = kMaxLinks}))

// PUT …/vote: 1 up, -1 down, 0 takes one's vote back.
struct VoteRequest {
  std::int64_t value = 0;
};
ECRM_DESCRIBE(VoteRequest, value)
ECRM_WIRE_RULES(VoteRequest, rule(&VoteRequest::value, {.minimum = -1, .maximum = 1}))

struct AcceptRequest {
  std::int64_t post_id = 0;
};
ECRM_DESCRIBE(AcceptRequest, post_id)

struct ReportRequest {
  std::string reason;
};
ECRM_DESCRIBE(ReportRequest, reason)
ECRM_WIRE_RULES(ReportRequest, rule(&ReportRequest::reason, {.max_length = kMaxReason}))

// A moderator's decision on a post, with the reason shown to its author.
struct ModerationRequest {
  std::string reason;
};
ECRM_DESCRIBE(ModerationRequest, reason)
ECRM_WIRE_RULES(ModerationRequest, rule(&ModerationRequest::reason, {.max_length = kMaxReason}))

// PATCH /api/v1/community/threads/{id}: pin or lock.
struct ThreadChanges {
  std::optional<bool> pinned;
  std::optional<bool> locked;
};
ECRM_DESCRIBE(ThreadChanges, pinned, locked)

struct BanRequest {
  UnixMs until = 0;
  std::string reason;
};
ECRM_DESCRIBE(BanRequest, until, reason)
ECRM_WIRE_RULES(BanRequest, rule(&BanRequest::until, {.format = "date-time"}),
                rule(&BanRequest::reason, {.max_length = kMaxReason}))

struct ExpertRequest {
  bool expert = false;
};
ECRM_DESCRIBE(ExpertRequest, expert)

// A member: the signed-in customer's own profile, or staff's view of one (customer_id).
struct Member {
  std::int64_t customer_id = 0;
  std::string display_name;
  std::int64_t reputation = 0;
  std::int64_t up_votes = 0;
  std::int64_t down_votes = 0;
  std::int64_t accepted_answers = 0;
  std::int64_t posts = 0;
  bool expert = false;
  std::optional<UnixMs> banned_until;
  std::string ban_reason;
};
ECRM_DESCRIBE(Member, customer_id, display_name, reputation, up_votes, down_votes, accepted_answers,
              posts, expert, banned_until, ban_reason)
ECRM_WIRE_RULES(Member, rule(&Member::banned_until, {.format = "date-time"}))

// PUT /api/v1/portal/community/me: the name others see and @mention (2 to 30 letters, digits,
// '_', '-', '.'; unique regardless of case).
struct MemberChanges {
  std::string display_name;
};
ECRM_DESCRIBE(MemberChanges, display_name)
ECRM_WIRE_RULES(MemberChanges, rule(&MemberChanges::display_name, {.max_length = 200}))

struct CommunityFollow {
  std::int64_t id = 0;
  std::optional<std::int64_t> thread_id;
  std::optional<std::int64_t> board_id;
  std::string title;  // the thread's or board's
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(CommunityFollow, id, thread_id, board_id, title, created_at)
ECRM_WIRE_RULES(CommunityFollow, rule(&CommunityFollow::created_at, {.format = "date-time"}))

struct Report {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t reporter_customer_id = 0;
  std::string reason;
  ReportStatus status = ReportStatus::kOpen;
  UnixMs created_at = 0;
  std::optional<UnixMs> resolved_at;
  std::string resolved_by;
};
ECRM_DESCRIBE(Report, id, post_id, reporter_customer_id, reason, status, created_at, resolved_at,
              resolved_by)
ECRM_WIRE_RULES(Report, rule(&Report::created_at, {.format = "date-time"}),
                rule(&Report::resolved_at, {.format = "date-time"}))

// The moderation queue: a post held or reported, with its open reports and its author.
struct QueueItem {
  Post post;
  std::string thread_title;
  std::optional<std::int64_t> author_customer_id;
  std::vector<Report> reports;
};
ECRM_DESCRIBE(QueueItem, post, thread_title, author_customer_id, reports)

// A defect report made a ticket.
struct TicketLink {
  std::int64_t thread_id = 0;
  std::int64_t ticket_id = 0;
  bool created = false;  // false: the thread had become this ticket before
};
ECRM_DESCRIBE(TicketLink, thread_id, ticket_id, created)

struct KbArticle {
  std::int64_t id = 0;
  std::string title;
  std::string body;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
  std::optional<std::int64_t> source_post_id;
  bool published = false;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(KbArticle, id, title, body, product_id, category_id, source_post_id, published,
              created_at, updated_at)
ECRM_WIRE_RULES(KbArticle, rule(&KbArticle::created_at, {.format = "date-time"}),
                rule(&KbArticle::updated_at, {.format = "date-time"}))

// POST /api/v1/community/posts/{id}/kb: a staff answer made an article (the title defaults to
// the thread's; product and category to the board's).
struct KbFromPostRequest {
  std::optional<std::string> title;
  std::optional<bool> published;  // default true
};
ECRM_DESCRIBE(KbFromPostRequest, title, published)
ECRM_WIRE_RULES(KbFromPostRequest, rule(&KbFromPostRequest::title, {.max_length = kMaxTitle}))

// POST /api/v1/community/kb: an article written by staff (unpublished unless published).
struct KbArticleInput {
  std::string title;
  std::string body;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
  std::optional<bool> published;
};
ECRM_DESCRIBE(KbArticleInput, title, body, product_id, category_id, published)
ECRM_WIRE_RULES(KbArticleInput, rule(&KbArticleInput::title, {.max_length = kMaxTitle}),
                rule(&KbArticleInput::body,
                     {.max_length = kMaxBodyBytes,
                      .description = "plain text, at most 20,000 characters"}))

// PATCH /api/v1/community/kb/{id} (absent: kept; null product or category: cleared).
struct KbArticleChanges {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::optional<std::int64_t>> product_id;
  std::optional<std::optional<std::int64_t>> category_id;
  std::optional<bool> published;
};
ECRM_DESCRIBE(KbArticleChanges, title, body, product_id, category_id, published)
ECRM_WIRE_RULES(KbArticleChanges, rule(&KbArticleChanges::title, {.max_length = kMaxTitle}),
                rule(&KbArticleChanges::body,
                     {.max_length = kMaxBodyBytes,
                      .description = "plain text, at most 20,000 characters"}))

struct KbQuery {
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> category_id;
};
ECRM_DESCRIBE(KbQuery, product_id, category_id)

// ---------------------------------------------------------------------------------------------
// Reviews

enum class ReviewStatus { kVisible, kHidden };
ECRM_DESCRIBE_ENUM(ReviewStatus, kVisible, kHidden)

struct Review {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string product_name;
  Author author;
  std::int64_t rating = 0;
  std::string title;
  std::string body;
  bool verified_purchase = false;
  ReviewStatus status = ReviewStatus::kVisible;
  std::optional<std::string> reply;  // the shop's
  std::optional<UnixMs> reply_at;
  std::optional<std::string> status_reason;  // why a moderator hid it
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Review, id, product_id, product_name, author, rating, title, body, verified_purchase,
              status, reply, reply_at, status_reason, created_at, updated_at)
ECRM_WIRE_RULES(Review, rule(&Review::created_at, {.format = "date-time"}),
                rule(&Review::updated_at, {.format = "date-time"}),
                rule(&Review::reply_at, {.format = "date-time"}))

// PUT /api/v1/portal/products/{id}/review: one's review of a product one bought (replaces).
struct ReviewInput {
  std::int64_t rating = 0;
  std::optional<std::string> title;
  std::optional<std::string> body;
};
ECRM_DESCRIBE(ReviewInput, rating, title, body)
ECRM_WIRE_RULES(ReviewInput, rule(&ReviewInput::rating, {.minimum = 1, .maximum = 5}),
                rule(&ReviewInput::title, {.max_length = kMaxTitle}),
                rule(&ReviewInput::body, {.max_length = kMaxBodyBytes,
                                          .description = "plain text, at most 20,000 characters"}))

struct ReplyRequest {
  std::string body;
};
ECRM_DESCRIBE(ReplyRequest, body)
ECRM_WIRE_RULES(ReplyRequest, rule(&ReplyRequest::body, {.max_length = kMaxBodyBytes}))

// A product's reviews: the average of the visible ratings and how many gave each score
// (by_rating[0] is 1 star), with a page of them, newest first.
struct ReviewSummary {
  std::int64_t product_id = 0;
  std::int64_t count = 0;
  std::string average;  // "4.3": one decimal as people write it; "" without reviews
  std::vector<std::int64_t> by_rating;
  std::vector<Review> items;
  std::optional<std::string> next_cursor;
};
ECRM_DESCRIBE(ReviewSummary, product_id, count, average, by_rating, items, next_cursor)

struct ReviewQuery {
  std::optional<std::int64_t> product_id;
};
ECRM_DESCRIBE(ReviewQuery, product_id)

// ---------------------------------------------------------------------------------------------
// Search

// GET /api/v1/community/search: words in Chinese or English (every word must match; English
// words match their stem, Chinese words inside sentences).
struct CommunitySearchQuery {
  std::string q;
  std::optional<std::int64_t> board_id;
};
ECRM_DESCRIBE(CommunitySearchQuery, q, board_id)
ECRM_WIRE_RULES(CommunitySearchQuery, rule(&CommunitySearchQuery::q, {.max_length = 200}))

// A thread's opening post or an answer found, best first, with the query's words marked in the
// thread's title and in a snippet of the post.
struct CommunityHit {
  Thread thread;
  std::int64_t post_id = 0;
  PostKind kind = PostKind::kOpening;
  std::optional<search::Highlight> title;
  std::optional<search::Highlight> snippet;
};
ECRM_DESCRIBE(CommunityHit, thread, post_id, kind, title, snippet)

}  // namespace ecrm::community
