#include "community/repo.hpp"

#include <limits>

namespace ecrm::community {

using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::int64_t kNoBound = std::numeric_limits<std::int64_t>::max();

// Reputation: what a received vote and an accepted answer are worth.
constexpr std::int64_t kUpVotePoints = 10;
constexpr std::int64_t kDownVotePoints = -2;
constexpr std::int64_t kAcceptedPoints = 15;

constexpr std::string_view kCustomer =
    "SELECT created_at, erased_at, merged_into FROM customers WHERE id = $1";
constexpr std::string_view kProductName = "SELECT name FROM products WHERE id = $1";
constexpr std::string_view kProductCategory = "SELECT category_id FROM products WHERE id = $1";
constexpr std::string_view kCategoryName = "SELECT name FROM categories WHERE id = $1";
constexpr std::string_view kOrderCustomer = "SELECT customer_id FROM orders WHERE id = $1";
constexpr std::string_view kPurchase =
    "SELECT o.id FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.customer_id = $1 AND l.product_id = $2 AND o.status IN ('shipped', 'delivered') "
    "ORDER BY o.id DESC LIMIT 1";

constexpr std::string_view kMemberColumns =
    "customer_id, display_name, reputation, up_votes, down_votes, accepted_answers, posts, "
    "expert, banned_until, ban_reason, created_at";
constexpr std::string_view kMember =
    "SELECT customer_id, display_name, reputation, up_votes, down_votes, accepted_answers, posts, "
    "expert, banned_until, ban_reason, created_at FROM community_members WHERE customer_id = $1";
constexpr std::string_view kEnsureMember =
    "INSERT INTO community_members (customer_id, display_name, name_key, created_at) "
    "VALUES ($1, $2, $2, $3) ON CONFLICT (customer_id) DO NOTHING";
constexpr std::string_view kSetDisplayName =
    "UPDATE community_members SET display_name = $2, name_key = $3 WHERE customer_id = $1";
constexpr std::string_view kMemberNamed =
    "SELECT customer_id FROM community_members WHERE name_key = $1";
constexpr std::string_view kAddReputation =
    "UPDATE community_members SET up_votes = up_votes + $2, down_votes = down_votes + $3, "
    "accepted_answers = accepted_answers + $4, reputation = reputation + $5 "
    "WHERE customer_id = $1";
constexpr std::string_view kCountPost =
    "UPDATE community_members SET posts = posts + 1 WHERE customer_id = $1";
constexpr std::string_view kSetBan =
    "UPDATE community_members SET banned_until = $2, ban_reason = $3 WHERE customer_id = $1";
constexpr std::string_view kSetExpert =
    "UPDATE community_members SET expert = $2 WHERE customer_id = $1";
constexpr std::string_view kVisiblePostsOf =
    "SELECT COUNT(*) FROM community_posts WHERE author_customer_id = $1 AND status = 'visible'";
constexpr std::string_view kPostsSince =
    "SELECT COUNT(*) FROM community_posts WHERE author_customer_id = $1 AND created_at > $2";

constexpr std::string_view kInsertBoard =
    "INSERT INTO community_boards (category_id, product_id, name, description, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";
constexpr std::string_view kBoard =
    "SELECT b.id, b.category_id, b.product_id, b.name, b.description, b.created_at, "
    "(SELECT COUNT(*) FROM community_threads t WHERE t.board_id = b.id AND t.status = 'visible') "
    "FROM community_boards b WHERE b.id = $1";
constexpr std::string_view kBoards =
    "SELECT b.id, b.category_id, b.product_id, b.name, b.description, b.created_at, "
    "(SELECT COUNT(*) FROM community_threads t WHERE t.board_id = b.id AND t.status = 'visible') "
    "FROM community_boards b ORDER BY b.name, b.id LIMIT 1000";

constexpr std::string_view kInsertThread =
    "INSERT INTO community_threads (board_id, kind, title, author_customer_id, author_user_id, "
    "status, created_at, last_activity_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
#define ECRM_THREAD_SELECT                                                             \
  "SELECT t.id, t.board_id, t.kind, t.title, t.author_customer_id, t.author_user_id, " \
  "t.status, t.pinned, t.locked, t.accepted_post_id, t.answer_count, t.created_at, "   \
  "t.last_activity_at, t.ticket_id, t.opening_post_id, "                               \
  "COALESCE(p.up_votes, 0) - COALESCE(p.down_votes, 0), COALESCE(p.author_name, ''), " \
  "m.display_name, m.reputation, m.expert "                                            \
  "FROM community_threads t LEFT JOIN community_posts p ON p.id = t.opening_post_id "  \
  "LEFT JOIN community_members m ON m.customer_id = t.author_customer_id "
constexpr std::string_view kThread = ECRM_THREAD_SELECT "WHERE t.id = $1";
constexpr std::string_view kThreads = ECRM_THREAD_SELECT
    "WHERE t.board_id = $1 AND t.status = 'visible' AND t.pinned = 0 AND ($2 = '' OR t.kind = $2) "
    "AND t.id < $3 ORDER BY t.id DESC LIMIT $4";
constexpr std::string_view kPinnedThreads = ECRM_THREAD_SELECT
    "WHERE t.board_id = $1 AND t.status = 'visible' AND t.pinned = 1 ORDER BY t.id DESC LIMIT 50";
#undef ECRM_THREAD_SELECT
constexpr std::string_view kLockThread =
    "UPDATE community_threads SET last_activity_at = last_activity_at WHERE id = $1";
constexpr std::string_view kSetOpening =
    "UPDATE community_threads SET opening_post_id = $2 WHERE id = $1";
constexpr std::string_view kSetThreadStatus =
    "UPDATE community_threads SET status = $2 WHERE id = $1";
constexpr std::string_view kSetTitle = "UPDATE community_threads SET title = $2 WHERE id = $1";
constexpr std::string_view kSetFlags =
    "UPDATE community_threads SET pinned = $2, locked = $3 WHERE id = $1";
constexpr std::string_view kSetAccepted =
    "UPDATE community_threads SET accepted_post_id = $2 WHERE id = $1";
constexpr std::string_view kSetTicket = "UPDATE community_threads SET ticket_id = $2 WHERE id = $1";
constexpr std::string_view kTouchThread =
    "UPDATE community_threads SET last_activity_at = $2, answer_count = (SELECT COUNT(*) FROM "
    "community_posts p WHERE p.thread_id = $1 AND p.kind = 'answer' AND p.status = 'visible') "
    "WHERE id = $1";

constexpr std::string_view kInsertPost =
    "INSERT INTO community_posts (thread_id, kind, parent_id, author_customer_id, author_user_id, "
    "author_name, body, words, status, held_reason, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
#define ECRM_POST_SELECT                                                                    \
  "SELECT p.id, p.thread_id, p.kind, p.parent_id, p.author_customer_id, p.author_user_id, " \
  "p.author_name, p.body, p.status, p.held_reason, p.moderation_reason, p.up_votes, "       \
  "p.down_votes, p.created_at, p.edited_at, m.display_name, m.reputation, m.expert, "       \
  "(SELECT t.accepted_post_id FROM community_threads t WHERE t.id = p.thread_id) "          \
  "FROM community_posts p LEFT JOIN community_members m ON m.customer_id = p.author_customer_id "
constexpr std::string_view kPost = ECRM_POST_SELECT "WHERE p.id = $1";
constexpr std::string_view kPostsOfThread =
    ECRM_POST_SELECT "WHERE p.thread_id = $1 AND p.status <> 'deleted' ORDER BY p.id LIMIT 5000";
constexpr std::string_view kQueue = ECRM_POST_SELECT
    "WHERE (p.status = 'held' OR (p.status = 'visible' AND EXISTS (SELECT 1 FROM "
    "community_reports r WHERE r.post_id = p.id AND r.status = 'open'))) AND p.id < $1 "
    "ORDER BY p.id DESC LIMIT $2";
#undef ECRM_POST_SELECT
constexpr std::string_view kUpdatePostBody =
    "UPDATE community_posts SET body = $2, words = $3, edited_at = $4 WHERE id = $1";
constexpr std::string_view kSetPostStatus =
    "UPDATE community_posts SET status = $2, moderation_reason = $3, moderated_by = $4, "
    "moderated_at = $5 WHERE id = $1";
constexpr std::string_view kAddPostVotes =
    "UPDATE community_posts SET up_votes = up_votes + $2, down_votes = down_votes + $3 "
    "WHERE id = $1";

constexpr std::string_view kDeleteLinks = "DELETE FROM community_post_links WHERE post_id = $1";
constexpr std::string_view kInsertLink =
    "INSERT INTO community_post_links (post_id, kind, target_id) VALUES ($1, $2, $3) "
    "ON CONFLICT (post_id, kind, target_id) DO NOTHING";
constexpr std::string_view kLinksOfThread =
    "SELECT l.post_id, l.kind, l.target_id, COALESCE(pr.name, '') FROM community_post_links l "
    "JOIN community_posts p ON p.id = l.post_id "
    "LEFT JOIN products pr ON l.kind = 'product' AND pr.id = l.target_id "
    "WHERE p.thread_id = $1 ORDER BY l.post_id, l.kind, l.target_id";

constexpr std::string_view kVote =
    "SELECT value FROM community_votes WHERE post_id = $1 AND customer_id = $2";
constexpr std::string_view kPutVote =
    "INSERT INTO community_votes (post_id, customer_id, value, at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (post_id, customer_id) DO UPDATE SET value = excluded.value, at = excluded.at";
constexpr std::string_view kDeleteVote =
    "DELETE FROM community_votes WHERE post_id = $1 AND customer_id = $2";
constexpr std::string_view kVotesInThread =
    "SELECT v.post_id, v.value FROM community_votes v JOIN community_posts p ON p.id = v.post_id "
    "WHERE p.thread_id = $1 AND v.customer_id = $2";

constexpr std::string_view kFollowThread =
    "INSERT INTO community_follows (customer_id, thread_id, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (thread_id, customer_id) DO NOTHING";
constexpr std::string_view kFollowBoard =
    "INSERT INTO community_follows (customer_id, board_id, created_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (board_id, customer_id) DO NOTHING";
constexpr std::string_view kUnfollowThread =
    "DELETE FROM community_follows WHERE customer_id = $1 AND thread_id = $2";
constexpr std::string_view kUnfollowBoard =
    "DELETE FROM community_follows WHERE customer_id = $1 AND board_id = $2";
constexpr std::string_view kFollows =
    "SELECT f.id, f.thread_id, f.board_id, COALESCE(t.title, b.name, ''), f.created_at "
    "FROM community_follows f LEFT JOIN community_threads t ON t.id = f.thread_id "
    "LEFT JOIN community_boards b ON b.id = f.board_id WHERE f.customer_id = $1 "
    "ORDER BY f.id DESC LIMIT 500";
constexpr std::string_view kFollowsThread =
    "SELECT 1 FROM community_follows WHERE customer_id = $1 AND thread_id = $2";
constexpr std::string_view kFollowers =
    "SELECT DISTINCT customer_id FROM community_follows WHERE thread_id = $1 OR board_id = $2 "
    "ORDER BY customer_id LIMIT 10000";

constexpr std::string_view kInsertReport =
    "INSERT INTO community_reports (post_id, reporter_customer_id, reason, status, created_at) "
    "VALUES ($1, $2, $3, 'open', $4) RETURNING id";
constexpr std::string_view kOpenReports =
    "SELECT id, post_id, reporter_customer_id, reason, status, created_at, resolved_at, "
    "resolved_by FROM community_reports WHERE post_id = $1 AND status = 'open' ORDER BY id";
constexpr std::string_view kResolveReports =
    "UPDATE community_reports SET status = $2, resolved_by = $3, resolved_at = $4 "
    "WHERE post_id = $1 AND status = 'open'";

constexpr std::string_view kInsertArticle =
    "INSERT INTO kb_articles (title, body, product_id, category_id, source_post_id, published, "
    "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) "
    "RETURNING id";
#define ECRM_ARTICLE_SELECT                                                                  \
  "SELECT id, title, body, product_id, category_id, source_post_id, published, created_at, " \
  "updated_at FROM kb_articles "
constexpr std::string_view kArticle = ECRM_ARTICLE_SELECT "WHERE id = $1";
constexpr std::string_view kArticleOfPost = ECRM_ARTICLE_SELECT "WHERE source_post_id = $1";
constexpr std::string_view kArticles = ECRM_ARTICLE_SELECT
    "WHERE (published = 1 OR $5 = 1) AND ($1 = 0 OR product_id = $1) "
    "AND ($2 = 0 OR category_id = $2) AND id < $3 ORDER BY id DESC LIMIT $4";
#undef ECRM_ARTICLE_SELECT
constexpr std::string_view kUpdateArticle =
    "UPDATE kb_articles SET title = $2, body = $3, product_id = $4, category_id = $5, "
    "published = $6, updated_at = $7 WHERE id = $1";

constexpr std::string_view kPutReview =
    "INSERT INTO product_reviews (product_id, customer_id, order_id, verified, rating, title, "
    "body, status, created_at, updated_at) VALUES ($1, $2, $3, 1, $4, $5, $6, 'visible', $7, $7) "
    "ON CONFLICT (product_id, customer_id) DO UPDATE SET order_id = excluded.order_id, "
    "verified = 1, rating = excluded.rating, title = excluded.title, body = excluded.body, "
    "updated_at = excluded.updated_at RETURNING id";
#define ECRM_REVIEW_SELECT                                                              \
  "SELECT r.id, r.product_id, COALESCE(pr.name, ''), r.customer_id, m.display_name, "   \
  "m.reputation, m.expert, r.rating, r.title, r.body, r.verified, r.status, r.reply, "  \
  "r.reply_at, r.created_at, r.updated_at, r.moderation_reason FROM product_reviews r " \
  "LEFT JOIN products pr ON pr.id = r.product_id "                                      \
  "LEFT JOIN community_members m ON m.customer_id = r.customer_id "
constexpr std::string_view kReview = ECRM_REVIEW_SELECT "WHERE r.id = $1";
constexpr std::string_view kReviews = ECRM_REVIEW_SELECT
    "WHERE ($1 = 0 OR r.product_id = $1) AND ($2 = 0 OR r.customer_id = $2) "
    "AND ($2 <> 0 OR r.status = 'visible') AND r.id < $3 ORDER BY r.id DESC LIMIT $4";
#undef ECRM_REVIEW_SELECT
constexpr std::string_view kRatingCounts =
    "SELECT rating, COUNT(*) FROM product_reviews WHERE product_id = $1 AND status = 'visible' "
    "GROUP BY rating";
constexpr std::string_view kSetReviewStatus =
    "UPDATE product_reviews SET status = $2, moderation_reason = $3 WHERE id = $1";
constexpr std::string_view kSetReply =
    "UPDATE product_reviews SET reply = $2, reply_by = $3, reply_at = $4 WHERE id = $1";

Value opt(const std::optional<std::int64_t>& v) { return v ? Value{*v} : kNull; }
Value text(std::string_view s) { return Value{std::string(s)}; }
template <typename E>
Value name_of(E e) {
  return Value{std::string(wire::enum_name(e))};
}
template <typename E>
E enum_of(std::string_view s, E fallback) {
  return wire::parse_enum<E>(s).value_or(fallback);
}

std::string default_name(std::int64_t customer_id) {
  return "member" + std::to_string(customer_id);
}

MemberRow read_member(const RowView& row) {
  MemberRow m;
  m.member.customer_id = row.get_int(0);
  m.member.display_name = row.get_string(1);
  m.member.reputation = row.get_int(2);
  m.member.up_votes = row.get_int(3);
  m.member.down_votes = row.get_int(4);
  m.member.accepted_answers = row.get_int(5);
  m.member.posts = row.get_int(6);
  m.member.expert = row.get_int(7) != 0;
  m.member.banned_until = row.get_optional_int(8);
  m.member.ban_reason = row.get_string(9);
  m.created_at = row.get_int(10);
  return m;
}

Board read_board(const RowView& row) {
  Board b;
  b.id = row.get_int(0);
  b.category_id = row.get_optional_int(1);
  b.product_id = row.get_optional_int(2);
  b.name = row.get_string(3);
  b.description = row.get_string(4);
  b.created_at = row.get_int(5);
  b.threads = row.get_int(6);
  return b;
}

// The author of a post or thread: a staff member (user id, name) or a member.
Author author_of(std::optional<std::int64_t> customer_id, std::optional<std::int64_t> user_id,
                 const std::string& staff_name, const RowView& row, int display_col) {
  Author a;
  if (user_id) {
    a.staff = true;
    a.display_name = staff_name.empty() ? "Staff" : staff_name;
    return a;
  }
  a.display_name = row.is_null(display_col)
                       ? (customer_id ? default_name(*customer_id) : std::string())
                       : row.get_string(display_col);
  a.reputation = row.get_int(display_col + 1);
  a.expert = row.get_int(display_col + 2) != 0;
  return a;
}

ThreadRow read_thread(const RowView& row) {
  ThreadRow r;
  Thread& t = r.thread;
  t.id = row.get_int(0);
  t.board_id = row.get_int(1);
  t.kind = enum_of(row.get_text(2), ThreadKind::kDiscussion);
  t.title = row.get_string(3);
  r.author_customer_id = row.get_optional_int(4);
  r.author_user_id = row.get_optional_int(5);
  t.status = enum_of(row.get_text(6), PostStatus::kVisible);
  t.pinned = row.get_int(7) != 0;
  t.locked = row.get_int(8) != 0;
  t.accepted_post_id = row.get_optional_int(9);
  t.answer_count = row.get_int(10);
  t.created_at = row.get_int(11);
  t.last_activity_at = row.get_int(12);
  r.ticket_id = row.get_optional_int(13);
  r.opening_post_id = row.get_optional_int(14);
  t.score = row.get_int(15);
  t.author = author_of(r.author_customer_id, r.author_user_id, row.get_string(16), row, 17);
  return r;
}

PostRow read_post(const RowView& row) {
  PostRow r;
  Post& p = r.post;
  p.id = row.get_int(0);
  p.thread_id = row.get_int(1);
  p.kind = enum_of(row.get_text(2), PostKind::kAnswer);
  p.parent_id = row.get_optional_int(3);
  r.author_customer_id = row.get_optional_int(4);
  r.author_user_id = row.get_optional_int(5);
  const std::string staff_name = row.get_string(6);
  p.body = row.get_string(7);
  p.status = enum_of(row.get_text(8), PostStatus::kVisible);
  r.held_reason = row.get_string(9);
  r.moderation_reason = row.get_string(10);
  p.up_votes = row.get_int(11);
  p.down_votes = row.get_int(12);
  p.score = p.up_votes - p.down_votes;
  p.created_at = row.get_int(13);
  p.edited_at = row.get_optional_int(14);
  p.author = author_of(r.author_customer_id, r.author_user_id, staff_name, row, 15);
  p.accepted = !row.is_null(18) && row.get_int(18) == p.id;
  return r;
}

Report read_report(const RowView& row) {
  Report r;
  r.id = row.get_int(0);
  r.post_id = row.get_int(1);
  r.reporter_customer_id = row.get_int(2);
  r.reason = row.get_string(3);
  r.status = enum_of(row.get_text(4), ReportStatus::kOpen);
  r.created_at = row.get_int(5);
  r.resolved_at = row.get_optional_int(6);
  r.resolved_by = row.get_string(7);
  return r;
}

KbArticle read_article(const RowView& row) {
  KbArticle a;
  a.id = row.get_int(0);
  a.title = row.get_string(1);
  a.body = row.get_string(2);
  a.product_id = row.get_optional_int(3);
  a.category_id = row.get_optional_int(4);
  a.source_post_id = row.get_optional_int(5);
  a.published = row.get_int(6) != 0;
  a.created_at = row.get_int(7);
  a.updated_at = row.get_int(8);
  return a;
}

ReviewRow read_review(const RowView& row) {
  ReviewRow r;
  Review& v = r.review;
  v.id = row.get_int(0);
  v.product_id = row.get_int(1);
  v.product_name = row.get_string(2);
  r.customer_id = row.get_int(3);
  v.author = author_of(r.customer_id, std::nullopt, "", row, 4);
  v.rating = row.get_int(7);
  v.title = row.get_string(8);
  v.body = row.get_string(9);
  v.verified_purchase = row.get_int(10) != 0;
  v.status = enum_of(row.get_text(11), ReviewStatus::kVisible);
  if (!row.get_text(12).empty()) v.reply = row.get_string(12);
  v.reply_at = row.get_optional_int(13);
  v.created_at = row.get_int(14);
  v.updated_at = row.get_int(15);
  if (v.status == ReviewStatus::kHidden) v.status_reason = row.get_string(16);
  return r;
}

template <typename T, typename Read>
Result<std::optional<T>> one(Connection& c, std::string_view sql, std::initializer_list<Value> p,
                             Read read) {
  std::optional<T> out;
  ECRM_RETURN_IF_ERROR(c.query(sql, p, [&](const RowView& row) { out = read(row); }));
  return out;
}

template <typename T, typename Read>
Result<std::vector<T>> many(Connection& c, std::string_view sql, std::initializer_list<Value> p,
                            Read read) {
  std::vector<T> out;
  ECRM_RETURN_IF_ERROR(c.query(sql, p, [&](const RowView& row) { out.push_back(read(row)); }));
  return out;
}

Result<std::optional<std::string>> one_text(Connection& c, std::string_view sql, std::int64_t id) {
  return one<std::string>(c, sql, {id}, [](const RowView& row) { return row.get_string(0); });
}

}  // namespace

Result<std::optional<CustomerFacts>> CommunityRepo::customer(Connection& c, std::int64_t id) {
  return one<CustomerFacts>(c, kCustomer, {id}, [](const RowView& row) {
    return CustomerFacts{row.get_int(0), row.is_null(1) && row.is_null(2)};
  });
}

Result<std::optional<std::string>> CommunityRepo::product_name(Connection& c, std::int64_t id) {
  return one_text(c, kProductName, id);
}

Result<std::optional<std::int64_t>> CommunityRepo::product_category(Connection& c,
                                                                    std::int64_t id) {
  std::optional<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kProductCategory, {id}, [&](const RowView& row) { out = row.get_optional_int(0); }));
  return out;
}

Result<std::optional<std::string>> CommunityRepo::category_name(Connection& c, std::int64_t id) {
  return one_text(c, kCategoryName, id);
}

Result<std::optional<std::int64_t>> CommunityRepo::order_customer(Connection& c,
                                                                  std::int64_t order_id) {
  return c.query_int(kOrderCustomer, {order_id});
}

Result<std::optional<std::int64_t>> CommunityRepo::purchase(Connection& c, std::int64_t customer_id,
                                                            std::int64_t product_id) {
  return c.query_int(kPurchase, {customer_id, product_id});
}

Result<std::optional<MemberRow>> CommunityRepo::member(Connection& c, std::int64_t customer_id) {
  (void)kMemberColumns;
  return one<MemberRow>(c, kMember, {customer_id}, read_member);
}

Status CommunityRepo::ensure_member(Connection& c, std::int64_t customer_id, UnixMs now) {
  return done(c.execute(kEnsureMember, {customer_id, default_name(customer_id), now}));
}

Status CommunityRepo::set_display_name(Connection& c, std::int64_t customer_id,
                                       const std::string& name, const std::string& key) {
  return done(c.execute(kSetDisplayName, {customer_id, name, key}));
}

Result<std::vector<std::int64_t>> CommunityRepo::members_named(
    Connection& c, const std::vector<std::string>& keys) {
  std::vector<std::int64_t> out;
  for (const auto& key : keys) {
    ECRM_RETURN_IF_ERROR(
        c.query(kMemberNamed, {key}, [&](const RowView& row) { out.push_back(row.get_int(0)); }));
  }
  return out;
}

Status CommunityRepo::add_reputation(Connection& c, std::int64_t customer_id, std::int64_t up,
                                     std::int64_t down, std::int64_t accepted) {
  const std::int64_t points =
      kUpVotePoints * up + kDownVotePoints * down + kAcceptedPoints * accepted;
  return done(c.execute(kAddReputation, {customer_id, up, down, accepted, points}));
}

Status CommunityRepo::count_post(Connection& c, std::int64_t customer_id) {
  return done(c.execute(kCountPost, {customer_id}));
}

Status CommunityRepo::set_ban(Connection& c, std::int64_t customer_id, std::optional<UnixMs> until,
                              const std::string& reason) {
  return done(c.execute(kSetBan, {customer_id, opt(until), reason}));
}

Status CommunityRepo::set_expert(Connection& c, std::int64_t customer_id, bool expert) {
  return done(c.execute(kSetExpert, {customer_id, std::int64_t{expert ? 1 : 0}}));
}

Result<std::int64_t> CommunityRepo::visible_posts_of(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kVisiblePostsOf, {customer_id}));
  return n.value_or(0);
}

Result<std::int64_t> CommunityRepo::posts_since(Connection& c, std::int64_t customer_id,
                                                UnixMs since) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kPostsSince, {customer_id, since}));
  return n.value_or(0);
}

Result<Board> CommunityRepo::insert_board(Connection& c, const Board& b) {
  Board out = b;
  ECRM_RETURN_IF_ERROR(c.query(
      kInsertBoard, {opt(b.category_id), opt(b.product_id), b.name, b.description, b.created_at},
      [&](const RowView& row) { out.id = row.get_int(0); }));
  return out;
}

Result<std::optional<Board>> CommunityRepo::board(Connection& c, std::int64_t id) {
  return one<Board>(c, kBoard, {id}, read_board);
}

Result<std::vector<Board>> CommunityRepo::boards(Connection& c) {
  return many<Board>(c, kBoards, {}, read_board);
}

Result<std::int64_t> CommunityRepo::insert_thread(Connection& c, std::int64_t board_id,
                                                  ThreadKind kind, const std::string& title,
                                                  std::optional<std::int64_t> author_customer_id,
                                                  std::optional<std::int64_t> author_user_id,
                                                  PostStatus status, UnixMs now) {
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(kInsertThread,
                               {board_id, name_of(kind), title, opt(author_customer_id),
                                opt(author_user_id), name_of(status), now},
                               [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::optional<ThreadRow>> CommunityRepo::thread(Connection& c, std::int64_t id) {
  return one<ThreadRow>(c, kThread, {id}, read_thread);
}

Status CommunityRepo::lock_thread(Connection& c, std::int64_t id) {
  return done(c.execute(kLockThread, {id}));
}

Status CommunityRepo::set_opening(Connection& c, std::int64_t thread_id, std::int64_t post_id) {
  return done(c.execute(kSetOpening, {thread_id, post_id}));
}

Status CommunityRepo::set_thread_status(Connection& c, std::int64_t id, PostStatus status) {
  return done(c.execute(kSetThreadStatus, {id, name_of(status)}));
}

Status CommunityRepo::set_title(Connection& c, std::int64_t id, const std::string& title) {
  return done(c.execute(kSetTitle, {id, title}));
}

Status CommunityRepo::set_flags(Connection& c, std::int64_t id, bool pinned, bool locked) {
  return done(
      c.execute(kSetFlags, {id, std::int64_t{pinned ? 1 : 0}, std::int64_t{locked ? 1 : 0}}));
}

Status CommunityRepo::set_accepted(Connection& c, std::int64_t id,
                                   std::optional<std::int64_t> post_id) {
  return done(c.execute(kSetAccepted, {id, opt(post_id)}));
}

Status CommunityRepo::set_ticket(Connection& c, std::int64_t id, std::int64_t ticket_id) {
  return done(c.execute(kSetTicket, {id, ticket_id}));
}

Status CommunityRepo::touch_thread(Connection& c, std::int64_t id, UnixMs now) {
  return done(c.execute(kTouchThread, {id, now}));
}

Result<std::vector<ThreadRow>> CommunityRepo::threads(Connection& c, std::int64_t board_id,
                                                      std::optional<ThreadKind> kind,
                                                      std::optional<std::int64_t> before,
                                                      int limit) {
  return many<ThreadRow>(c, kThreads,
                         {board_id, kind ? name_of(*kind) : text(""), before.value_or(kNoBound),
                          static_cast<std::int64_t>(limit)},
                         read_thread);
}

Result<std::vector<ThreadRow>> CommunityRepo::pinned_threads(Connection& c, std::int64_t board_id) {
  return many<ThreadRow>(c, kPinnedThreads, {board_id}, read_thread);
}

Result<std::int64_t> CommunityRepo::insert_post(Connection& c, const NewPost& p, UnixMs now) {
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(kInsertPost,
                               {p.thread_id, name_of(p.kind), opt(p.parent_id),
                                opt(p.author_customer_id), opt(p.author_user_id), p.author_name,
                                p.body, p.words, name_of(p.status), p.held_reason, now},
                               [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::optional<PostRow>> CommunityRepo::post(Connection& c, std::int64_t id) {
  return one<PostRow>(c, kPost, {id}, read_post);
}

Result<std::vector<PostRow>> CommunityRepo::posts_of_thread(Connection& c, std::int64_t thread_id) {
  return many<PostRow>(c, kPostsOfThread, {thread_id}, read_post);
}

Status CommunityRepo::update_post_body(Connection& c, std::int64_t id, const std::string& body,
                                       const std::string& words, UnixMs now) {
  return done(c.execute(kUpdatePostBody, {id, body, words, now}));
}

Status CommunityRepo::set_post_status(Connection& c, std::int64_t id, PostStatus status,
                                      const std::string& reason, const std::string& by,
                                      UnixMs now) {
  return done(c.execute(kSetPostStatus, {id, name_of(status), reason, by, now}));
}

Status CommunityRepo::add_post_votes(Connection& c, std::int64_t id, std::int64_t up,
                                     std::int64_t down) {
  return done(c.execute(kAddPostVotes, {id, up, down}));
}

Result<std::vector<PostRow>> CommunityRepo::queue(Connection& c, std::optional<std::int64_t> before,
                                                  int limit) {
  return many<PostRow>(c, kQueue, {before.value_or(kNoBound), static_cast<std::int64_t>(limit)},
                       read_post);
}

Status CommunityRepo::replace_links(Connection& c, std::int64_t post_id,
                                    const std::vector<Link>& links) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteLinks, {post_id})));
  for (const auto& l : links) {
    ECRM_RETURN_IF_ERROR(done(c.execute(kInsertLink, {post_id, name_of(l.kind), l.id})));
  }
  return {};
}

Result<std::vector<std::pair<std::int64_t, Link>>> CommunityRepo::links_of_thread(
    Connection& c, std::int64_t thread_id) {
  return many<std::pair<std::int64_t, Link>>(
      c, kLinksOfThread, {thread_id}, [](const RowView& row) {
        Link l;
        l.kind = enum_of(row.get_text(1), LinkKind::kProduct);
        l.id = row.get_int(2);
        l.label = l.kind == LinkKind::kOrder ? "Order " + std::to_string(l.id) : row.get_string(3);
        return std::make_pair(row.get_int(0), l);
      });
}

Result<std::optional<std::int64_t>> CommunityRepo::vote(Connection& c, std::int64_t post_id,
                                                        std::int64_t customer_id) {
  return c.query_int(kVote, {post_id, customer_id});
}

Status CommunityRepo::put_vote(Connection& c, std::int64_t post_id, std::int64_t customer_id,
                               std::int64_t value, UnixMs now) {
  return done(c.execute(kPutVote, {post_id, customer_id, value, now}));
}

Status CommunityRepo::delete_vote(Connection& c, std::int64_t post_id, std::int64_t customer_id) {
  return done(c.execute(kDeleteVote, {post_id, customer_id}));
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> CommunityRepo::votes_in_thread(
    Connection& c, std::int64_t thread_id, std::int64_t customer_id) {
  return many<std::pair<std::int64_t, std::int64_t>>(
      c, kVotesInThread, {thread_id, customer_id},
      [](const RowView& row) { return std::make_pair(row.get_int(0), row.get_int(1)); });
}

Status CommunityRepo::follow(Connection& c, std::int64_t customer_id,
                             std::optional<std::int64_t> thread_id,
                             std::optional<std::int64_t> board_id, UnixMs now) {
  if (thread_id) return done(c.execute(kFollowThread, {customer_id, *thread_id, now}));
  return done(c.execute(kFollowBoard, {customer_id, opt(board_id), now}));
}

Result<std::int64_t> CommunityRepo::unfollow(Connection& c, std::int64_t customer_id,
                                             std::optional<std::int64_t> thread_id,
                                             std::optional<std::int64_t> board_id) {
  if (thread_id) return c.execute(kUnfollowThread, {customer_id, *thread_id});
  return c.execute(kUnfollowBoard, {customer_id, opt(board_id)});
}

Result<std::vector<CommunityFollow>> CommunityRepo::follows(Connection& c,
                                                            std::int64_t customer_id) {
  return many<CommunityFollow>(c, kFollows, {customer_id}, [](const RowView& row) {
    return CommunityFollow{row.get_int(0), row.get_optional_int(1), row.get_optional_int(2),
                           row.get_string(3), row.get_int(4)};
  });
}

Result<bool> CommunityRepo::follows_thread(Connection& c, std::int64_t customer_id,
                                           std::int64_t thread_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kFollowsThread, {customer_id, thread_id}));
  return found.has_value();
}

Result<std::vector<std::int64_t>> CommunityRepo::followers(Connection& c, std::int64_t thread_id,
                                                           std::int64_t board_id) {
  return many<std::int64_t>(c, kFollowers, {thread_id, board_id},
                            [](const RowView& row) { return row.get_int(0); });
}

Result<Report> CommunityRepo::insert_report(Connection& c, std::int64_t post_id,
                                            std::int64_t customer_id, const std::string& reason,
                                            UnixMs now) {
  Report r;
  r.post_id = post_id;
  r.reporter_customer_id = customer_id;
  r.reason = reason;
  r.created_at = now;
  ECRM_RETURN_IF_ERROR(c.query(kInsertReport, {post_id, customer_id, reason, now},
                               [&](const RowView& row) { r.id = row.get_int(0); }));
  return r;
}

Result<std::vector<Report>> CommunityRepo::open_reports(Connection& c, std::int64_t post_id) {
  return many<Report>(c, kOpenReports, {post_id}, read_report);
}

Status CommunityRepo::resolve_reports(Connection& c, std::int64_t post_id, ReportStatus status,
                                      const std::string& by, UnixMs now) {
  return done(c.execute(kResolveReports, {post_id, name_of(status), by, now}));
}

Result<KbArticle> CommunityRepo::insert_article(Connection& c, const KbArticle& a,
                                                const std::string& by) {
  KbArticle out = a;
  ECRM_RETURN_IF_ERROR(
      c.query(kInsertArticle,
              {a.title, a.body, opt(a.product_id), opt(a.category_id), opt(a.source_post_id),
               std::int64_t{a.published ? 1 : 0}, by, a.created_at},
              [&](const RowView& row) { out.id = row.get_int(0); }));
  out.updated_at = a.created_at;
  return out;
}

Result<std::optional<KbArticle>> CommunityRepo::article(Connection& c, std::int64_t id) {
  return one<KbArticle>(c, kArticle, {id}, read_article);
}

Result<std::optional<KbArticle>> CommunityRepo::article_of_post(Connection& c,
                                                                std::int64_t post_id) {
  return one<KbArticle>(c, kArticleOfPost, {post_id}, read_article);
}

Result<std::vector<KbArticle>> CommunityRepo::articles(Connection& c, const KbQuery& q,
                                                       std::optional<std::int64_t> before,
                                                       int limit, bool all) {
  return many<KbArticle>(
      c, kArticles,
      {q.product_id.value_or(0), q.category_id.value_or(0), before.value_or(kNoBound),
       static_cast<std::int64_t>(limit), std::int64_t{all ? 1 : 0}},
      read_article);
}

Status CommunityRepo::update_article(Connection& c, const KbArticle& a) {
  return done(
      c.execute(kUpdateArticle, {a.id, a.title, a.body, opt(a.product_id), opt(a.category_id),
                                 std::int64_t{a.published ? 1 : 0}, a.updated_at}));
}

Result<std::int64_t> CommunityRepo::put_review(Connection& c, std::int64_t product_id,
                                               std::int64_t customer_id, std::int64_t order_id,
                                               std::int64_t rating, const std::string& title,
                                               const std::string& body, UnixMs now) {
  std::int64_t id = 0;
  ECRM_RETURN_IF_ERROR(c.query(kPutReview,
                               {product_id, customer_id, order_id, rating, title, body, now},
                               [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::optional<ReviewRow>> CommunityRepo::review(Connection& c, std::int64_t id) {
  return one<ReviewRow>(c, kReview, {id}, read_review);
}

Result<std::vector<ReviewRow>> CommunityRepo::reviews(Connection& c,
                                                      std::optional<std::int64_t> product_id,
                                                      std::optional<std::int64_t> customer_id,
                                                      std::optional<std::int64_t> before,
                                                      int limit) {
  return many<ReviewRow>(c, kReviews,
                         {product_id.value_or(0), customer_id.value_or(0),
                          before.value_or(kNoBound), static_cast<std::int64_t>(limit)},
                         read_review);
}

Result<std::vector<std::int64_t>> CommunityRepo::rating_counts(Connection& c,
                                                               std::int64_t product_id) {
  std::vector<std::int64_t> out(5, 0);
  ECRM_RETURN_IF_ERROR(c.query(kRatingCounts, {product_id}, [&](const RowView& row) {
    const auto rating = row.get_int(0);
    if (rating >= 1 && rating <= 5) out[static_cast<std::size_t>(rating - 1)] = row.get_int(1);
  }));
  return out;
}

Status CommunityRepo::set_review_status(Connection& c, std::int64_t id, ReviewStatus status,
                                        const std::string& reason) {
  return done(c.execute(kSetReviewStatus, {id, name_of(status), reason}));
}

Status CommunityRepo::set_reply(Connection& c, std::int64_t id, const std::string& body,
                                const std::string& by, UnixMs now) {
  return done(c.execute(kSetReply, {id, body, by, now}));
}

}  // namespace ecrm::community
