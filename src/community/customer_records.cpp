#include "community/customer_records.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace ecrm::community {

namespace json = boost::json;
using customers::TimelineEntry;
using storage::Connection;
using storage::done;
using storage::RowView;

namespace {

constexpr std::string_view kPostSource = "community_post";
constexpr std::string_view kReviewSource = "product_review";
constexpr std::size_t kSummaryChars = 120;

constexpr std::string_view kMovePosts =
    "UPDATE community_posts SET author_customer_id = $2 WHERE author_customer_id = $1 "
    "RETURNING id";
constexpr std::string_view kMoveThreads =
    "UPDATE community_threads SET author_customer_id = $2 WHERE author_customer_id = $1 "
    "RETURNING id";
constexpr std::string_view kMoveReviews =
    "UPDATE product_reviews SET customer_id = $2 WHERE customer_id = $1 AND product_id NOT IN "
    "(SELECT product_id FROM product_reviews WHERE customer_id = $2) RETURNING id";
constexpr std::string_view kRestorePost =
    "UPDATE community_posts SET author_customer_id = $3 WHERE id = $1 AND author_customer_id = $2";
constexpr std::string_view kRestoreThread =
    "UPDATE community_threads SET author_customer_id = $3 "
    "WHERE id = $1 AND author_customer_id = $2";
constexpr std::string_view kRestoreReview =
    "UPDATE product_reviews SET customer_id = $3 WHERE id = $1 AND customer_id = $2";

constexpr std::string_view kMemberOf =
    "SELECT display_name, reputation, up_votes, down_votes, accepted_answers, posts, expert, "
    "banned_until, ban_reason, created_at FROM community_members WHERE customer_id = $1";
constexpr std::string_view kPostsOf =
    "SELECT id, thread_id, kind, body, status, created_at, edited_at FROM community_posts "
    "WHERE author_customer_id = $1 ORDER BY id";
constexpr std::string_view kThreadsOf =
    "SELECT id, board_id, kind, title, status, created_at FROM community_threads "
    "WHERE author_customer_id = $1 ORDER BY id";
constexpr std::string_view kReviewsOf =
    "SELECT id, product_id, rating, title, body, status, created_at, updated_at "
    "FROM product_reviews WHERE customer_id = $1 ORDER BY id";
constexpr std::string_view kVotesOf =
    "SELECT post_id, value, at FROM community_votes WHERE customer_id = $1 ORDER BY post_id";
constexpr std::string_view kFollowsOf =
    "SELECT thread_id, board_id, created_at FROM community_follows WHERE customer_id = $1 "
    "ORDER BY id";
constexpr std::string_view kReportsOf =
    "SELECT post_id, reason, status, created_at FROM community_reports "
    "WHERE reporter_customer_id = $1 ORDER BY id";

constexpr std::string_view kErasePosts =
    "UPDATE community_posts SET body = '', words = '', "
    "status = CASE WHEN status = 'deleted' THEN status ELSE 'hidden' END, "
    "moderation_reason = 'erased' WHERE author_customer_id = $1";
constexpr std::string_view kEraseThreads =
    "UPDATE community_threads SET title = '', "
    "status = CASE WHEN status = 'deleted' THEN status ELSE 'hidden' END "
    "WHERE author_customer_id = $1";
constexpr std::string_view kEraseReviews =
    "UPDATE product_reviews SET title = '', body = '', status = 'hidden' WHERE customer_id = $1";
constexpr std::string_view kEraseReports =
    "UPDATE community_reports SET reason = '' WHERE reporter_customer_id = $1";
constexpr std::string_view kEraseFollows = "DELETE FROM community_follows WHERE customer_id = $1";
constexpr std::string_view kEraseMember =
    "UPDATE community_members SET display_name = $2, name_key = $2, ban_reason = '' "
    "WHERE customer_id = $1";

constexpr std::string_view kPostTimeline =
    "SELECT p.id, p.thread_id, p.kind, p.body, p.status, p.created_at, t.title "
    "FROM community_posts p JOIN community_threads t ON t.id = p.thread_id "
    "WHERE p.author_customer_id = $1 AND (p.created_at < $2 OR (p.created_at = $2 AND p.id < $3)) "
    "ORDER BY p.created_at DESC, p.id DESC LIMIT $4";
constexpr std::string_view kReviewTimeline =
    "SELECT r.id, r.product_id, r.rating, r.title, r.status, r.updated_at, "
    "COALESCE(pr.name, '') FROM product_reviews r LEFT JOIN products pr ON pr.id = r.product_id "
    "WHERE r.customer_id = $1 AND (r.updated_at < $2 OR (r.updated_at = $2 AND r.id < $3)) "
    "ORDER BY r.updated_at DESC, r.id DESC LIMIT $4";

json::value opt_int(const RowView& row, int column) {
  return row.is_null(column) ? json::value() : json::value(row.get_int(column));
}

std::string gist(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() <= kSummaryChars) return line;
  std::size_t cut = kSummaryChars;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return line.substr(0, cut) + "…";
}

}  // namespace

Result<std::vector<std::int64_t>> CommunityCustomerRecords::reassign(Connection& c,
                                                                     std::int64_t from,
                                                                     std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kMovePosts, {from, to},
                               [&](const RowView& row) { ids.push_back(row.get_int(0) * 4); }));
  ECRM_RETURN_IF_ERROR(c.query(kMoveThreads, {from, to},
                               [&](const RowView& row) { ids.push_back(row.get_int(0) * 4 + 1); }));
  ECRM_RETURN_IF_ERROR(c.query(kMoveReviews, {from, to},
                               [&](const RowView& row) { ids.push_back(row.get_int(0) * 4 + 2); }));
  return ids;
}

Status CommunityCustomerRecords::restore(Connection& c, std::span<const std::int64_t> ids,
                                         std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) {
    const std::int64_t row_id = id / 4;
    switch (id % 4) {
      case 0:
        ECRM_RETURN_IF_ERROR(done(c.execute(kRestorePost, {row_id, from, to})));
        break;
      case 1:
        ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreThread, {row_id, from, to})));
        break;
      case 2:
        ECRM_RETURN_IF_ERROR(done(c.execute(kRestoreReview, {row_id, from, to})));
        break;
      default:
        break;
    }
  }
  return {};
}

Result<json::value> CommunityCustomerRecords::export_records(Connection& c,
                                                             std::int64_t customer_id) {
  json::object out{{"member", nullptr}};
  ECRM_RETURN_IF_ERROR(c.query(kMemberOf, {customer_id}, [&](const RowView& row) {
    out["member"] =
        json::object{{"display_name", row.get_string(0)},  {"reputation", row.get_int(1)},
                     {"up_votes", row.get_int(2)},         {"down_votes", row.get_int(3)},
                     {"accepted_answers", row.get_int(4)}, {"posts", row.get_int(5)},
                     {"expert", row.get_int(6) != 0},      {"banned_until", opt_int(row, 7)},
                     {"ban_reason", row.get_string(8)},    {"created_at", row.get_int(9)}};
  }));
  json::array posts, threads, reviews, votes, follows, reports;
  ECRM_RETURN_IF_ERROR(c.query(kPostsOf, {customer_id}, [&](const RowView& row) {
    posts.push_back(json::object{{"id", row.get_int(0)},
                                 {"thread_id", row.get_int(1)},
                                 {"kind", row.get_string(2)},
                                 {"body", row.get_string(3)},
                                 {"status", row.get_string(4)},
                                 {"created_at", row.get_int(5)},
                                 {"edited_at", opt_int(row, 6)}});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kThreadsOf, {customer_id}, [&](const RowView& row) {
    threads.push_back(json::object{{"id", row.get_int(0)},
                                   {"board_id", row.get_int(1)},
                                   {"kind", row.get_string(2)},
                                   {"title", row.get_string(3)},
                                   {"status", row.get_string(4)},
                                   {"created_at", row.get_int(5)}});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kReviewsOf, {customer_id}, [&](const RowView& row) {
    reviews.push_back(json::object{{"id", row.get_int(0)},
                                   {"product_id", row.get_int(1)},
                                   {"rating", row.get_int(2)},
                                   {"title", row.get_string(3)},
                                   {"body", row.get_string(4)},
                                   {"status", row.get_string(5)},
                                   {"created_at", row.get_int(6)},
                                   {"updated_at", row.get_int(7)}});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kVotesOf, {customer_id}, [&](const RowView& row) {
    votes.push_back(json::object{
        {"post_id", row.get_int(0)}, {"value", row.get_int(1)}, {"at", row.get_int(2)}});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kFollowsOf, {customer_id}, [&](const RowView& row) {
    follows.push_back(json::object{{"thread_id", opt_int(row, 0)},
                                   {"board_id", opt_int(row, 1)},
                                   {"created_at", row.get_int(2)}});
  }));
  ECRM_RETURN_IF_ERROR(c.query(kReportsOf, {customer_id}, [&](const RowView& row) {
    reports.push_back(json::object{{"post_id", row.get_int(0)},
                                   {"reason", row.get_string(1)},
                                   {"status", row.get_string(2)},
                                   {"created_at", row.get_int(3)}});
  }));
  out["posts"] = std::move(posts);
  out["threads"] = std::move(threads);
  out["reviews"] = std::move(reviews);
  out["votes"] = std::move(votes);
  out["follows"] = std::move(follows);
  out["reports"] = std::move(reports);
  return json::value(std::move(out));
}

Status CommunityCustomerRecords::erase(Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kErasePosts, {customer_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseThreads, {customer_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseReviews, {customer_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseReports, {customer_id})));
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseFollows, {customer_id})));
  return done(c.execute(kEraseMember, {customer_id, "erased" + std::to_string(customer_id)}));
}

Result<std::vector<TimelineEntry>> CommunityCustomerRecords::timeline(
    Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after, int limit) {
  std::vector<TimelineEntry> out;
  ECRM_RETURN_IF_ERROR(c.query(
      kPostTimeline,
      {customer_id, after.at, after.id_bound_for(kPostSource), static_cast<std::int64_t>(limit)},
      [&](const RowView& row) {
        const std::string kind = row.get_string(2);
        const std::string title = row.get_string(6);
        std::string summary = kind == "opening"  ? "Started a thread in the community: " + title
                              : kind == "answer" ? "Answered in the community: " + title
                                                 : "Commented in the community: " + title;
        json::object data{{"post_id", row.get_int(0)},
                          {"thread_id", row.get_int(1)},
                          {"post_kind", kind},
                          {"status", row.get_string(4)},
                          {"excerpt", gist(row.get_string(3))}};
        out.push_back(TimelineEntry{row.get_int(5), std::string(kPostSource), row.get_int(0),
                                    kind == "opening"  ? "community.thread"
                                    : kind == "answer" ? "community.answer"
                                                       : "community.comment",
                                    std::move(summary), std::move(data)});
      }));
  ECRM_RETURN_IF_ERROR(c.query(
      kReviewTimeline,
      {customer_id, after.at, after.id_bound_for(kReviewSource), static_cast<std::int64_t>(limit)},
      [&](const RowView& row) {
        const std::string product = row.get_string(6);
        std::string summary =
            "Reviewed " + product + ": " + std::to_string(row.get_int(2)) + " of 5";
        json::object data{{"review_id", row.get_int(0)},
                          {"product_id", row.get_int(1)},
                          {"rating", row.get_int(2)},
                          {"title", row.get_string(3)},
                          {"status", row.get_string(4)}};
        out.push_back(TimelineEntry{row.get_int(5), std::string(kReviewSource), row.get_int(0),
                                    "community.review", std::move(summary), std::move(data)});
      }));
  std::sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
    return customers::timeline_before(a.position(), b.position());
  });
  if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
  return out;
}

}  // namespace ecrm::community
