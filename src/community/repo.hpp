// The community's SQL: its own tables (community_*, kb_articles, product_reviews; migrations
// 0032 and 0033) and the reads it makes of customers (created_at, erased, merged), products and
// categories (names, a board's category), orders and order_lines (what a customer bought, whose
// an order is). Every statement is a named constant in repo.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "community/model.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace ecrm::community {

using storage::Connection;

struct MemberRow {
  Member member;
  UnixMs created_at = 0;
};

struct ThreadRow {
  Thread thread;
  std::optional<std::int64_t> author_customer_id;
  std::optional<std::int64_t> author_user_id;
  std::optional<std::int64_t> opening_post_id;
  std::optional<std::int64_t> ticket_id;
};

struct PostRow {
  Post post;
  std::optional<std::int64_t> author_customer_id;
  std::optional<std::int64_t> author_user_id;
  std::string held_reason;
  std::string moderation_reason;
};

struct NewPost {
  std::int64_t thread_id = 0;
  PostKind kind = PostKind::kAnswer;
  std::optional<std::int64_t> parent_id;
  std::optional<std::int64_t> author_customer_id;
  std::optional<std::int64_t> author_user_id;
  std::string author_name;
  std::string body;
  std::string words;
  PostStatus status = PostStatus::kVisible;
  std::string held_reason;
};

// What the community needs to know of a customer.
struct CustomerFacts {
  UnixMs created_at = 0;
  bool live = false;  // neither erased nor merged
};

struct ReviewRow {
  Review review;
  std::int64_t customer_id = 0;
};

class CommunityRepo {
 public:
  // Customers, catalog, orders (read).
  Result<std::optional<CustomerFacts>> customer(Connection& c, std::int64_t id);
  Result<std::optional<std::string>> product_name(Connection& c, std::int64_t id);
  Result<std::optional<std::int64_t>> product_category(Connection& c, std::int64_t id);
  Result<std::optional<std::string>> category_name(Connection& c, std::int64_t id);
  Result<std::optional<std::int64_t>> order_customer(Connection& c, std::int64_t order_id);
  // The newest shipped or delivered order of the customer with a line of the product.
  Result<std::optional<std::int64_t>> purchase(Connection& c, std::int64_t customer_id,
                                               std::int64_t product_id);

  // Members.
  Result<std::optional<MemberRow>> member(Connection& c, std::int64_t customer_id);
  // Creates the member with a default display name unless it exists.
  Status ensure_member(Connection& c, std::int64_t customer_id, UnixMs now);
  // kConflict when the name is taken.
  Status set_display_name(Connection& c, std::int64_t customer_id, const std::string& name,
                          const std::string& key);
  Result<std::vector<std::int64_t>> members_named(Connection& c,
                                                  const std::vector<std::string>& keys);
  // Adds received votes and accepted answers, and the reputation they are worth.
  Status add_reputation(Connection& c, std::int64_t customer_id, std::int64_t up, std::int64_t down,
                        std::int64_t accepted);
  Status count_post(Connection& c, std::int64_t customer_id);
  Status set_ban(Connection& c, std::int64_t customer_id, std::optional<UnixMs> until,
                 const std::string& reason);
  Status set_expert(Connection& c, std::int64_t customer_id, bool expert);
  // Visible posts of the customer, and posts since `since`.
  Result<std::int64_t> visible_posts_of(Connection& c, std::int64_t customer_id);
  Result<std::int64_t> posts_since(Connection& c, std::int64_t customer_id, UnixMs since);

  // Boards.
  Result<Board> insert_board(Connection& c, const Board& b);
  Result<std::optional<Board>> board(Connection& c, std::int64_t id);
  Result<std::vector<Board>> boards(Connection& c);

  // Threads.
  Result<std::int64_t> insert_thread(Connection& c, std::int64_t board_id, ThreadKind kind,
                                     const std::string& title,
                                     std::optional<std::int64_t> author_customer_id,
                                     std::optional<std::int64_t> author_user_id, PostStatus status,
                                     UnixMs now);
  Result<std::optional<ThreadRow>> thread(Connection& c, std::int64_t id);
  // Takes the thread's row lock (PostgreSQL) before a read-modify-write.
  Status lock_thread(Connection& c, std::int64_t id);
  Status set_opening(Connection& c, std::int64_t thread_id, std::int64_t post_id);
  Status set_thread_status(Connection& c, std::int64_t id, PostStatus status);
  Status set_title(Connection& c, std::int64_t id, const std::string& title);
  Status set_flags(Connection& c, std::int64_t id, bool pinned, bool locked);
  Status set_accepted(Connection& c, std::int64_t id, std::optional<std::int64_t> post_id);
  Status set_ticket(Connection& c, std::int64_t id, std::int64_t ticket_id);
  // Recounts the visible answers and notes activity at `now`.
  Status touch_thread(Connection& c, std::int64_t id, UnixMs now);
  // Visible threads of a board (of `kind`), not pinned, id < before, newest first.
  Result<std::vector<ThreadRow>> threads(Connection& c, std::int64_t board_id,
                                         std::optional<ThreadKind> kind,
                                         std::optional<std::int64_t> before, int limit);
  Result<std::vector<ThreadRow>> pinned_threads(Connection& c, std::int64_t board_id);

  // Posts.
  Result<std::int64_t> insert_post(Connection& c, const NewPost& p, UnixMs now);
  Result<std::optional<PostRow>> post(Connection& c, std::int64_t id);
  Result<std::vector<PostRow>> posts_of_thread(Connection& c, std::int64_t thread_id);
  Status update_post_body(Connection& c, std::int64_t id, const std::string& body,
                          const std::string& words, UnixMs now);
  Status set_post_status(Connection& c, std::int64_t id, PostStatus status,
                         const std::string& reason, const std::string& by, UnixMs now);
  Status add_post_votes(Connection& c, std::int64_t id, std::int64_t up, std::int64_t down);
  Result<std::vector<PostRow>> queue(Connection& c, std::optional<std::int64_t> before, int limit);

  // Links.
  Status replace_links(Connection& c, std::int64_t post_id, const std::vector<Link>& links);
  Result<std::vector<std::pair<std::int64_t, Link>>> links_of_thread(Connection& c,
                                                                     std::int64_t thread_id);

  // Votes.
  Result<std::optional<std::int64_t>> vote(Connection& c, std::int64_t post_id,
                                           std::int64_t customer_id);
  Status put_vote(Connection& c, std::int64_t post_id, std::int64_t customer_id, std::int64_t value,
                  UnixMs now);
  Status delete_vote(Connection& c, std::int64_t post_id, std::int64_t customer_id);
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> votes_in_thread(
      Connection& c, std::int64_t thread_id, std::int64_t customer_id);

  // Follows.
  Status follow(Connection& c, std::int64_t customer_id, std::optional<std::int64_t> thread_id,
                std::optional<std::int64_t> board_id, UnixMs now);
  Result<std::int64_t> unfollow(Connection& c, std::int64_t customer_id,
                                std::optional<std::int64_t> thread_id,
                                std::optional<std::int64_t> board_id);
  Result<std::vector<CommunityFollow>> follows(Connection& c, std::int64_t customer_id);
  Result<bool> follows_thread(Connection& c, std::int64_t customer_id, std::int64_t thread_id);
  // Who follows the thread or its board.
  Result<std::vector<std::int64_t>> followers(Connection& c, std::int64_t thread_id,
                                              std::int64_t board_id);

  // Reports.
  Result<Report> insert_report(Connection& c, std::int64_t post_id, std::int64_t customer_id,
                               const std::string& reason, UnixMs now);
  Result<std::vector<Report>> open_reports(Connection& c, std::int64_t post_id);
  Status resolve_reports(Connection& c, std::int64_t post_id, ReportStatus status,
                         const std::string& by, UnixMs now);

  // Knowledge base.
  Result<KbArticle> insert_article(Connection& c, const KbArticle& a, const std::string& by);
  Result<std::optional<KbArticle>> article(Connection& c, std::int64_t id);
  Result<std::optional<KbArticle>> article_of_post(Connection& c, std::int64_t post_id);
  // Published articles (of a product or category), or every article when `all`.
  Result<std::vector<KbArticle>> articles(Connection& c, const KbQuery& q,
                                          std::optional<std::int64_t> before, int limit,
                                          bool all = false);
  Status update_article(Connection& c, const KbArticle& a);

  // Reviews.
  // Inserts or replaces the customer's review of the product; its id.
  Result<std::int64_t> put_review(Connection& c, std::int64_t product_id, std::int64_t customer_id,
                                  std::int64_t order_id, std::int64_t rating,
                                  const std::string& title, const std::string& body, UnixMs now);
  Result<std::optional<ReviewRow>> review(Connection& c, std::int64_t id);
  Result<std::vector<ReviewRow>> reviews(Connection& c, std::optional<std::int64_t> product_id,
                                         std::optional<std::int64_t> customer_id,
                                         std::optional<std::int64_t> before, int limit);
  // Visible reviews of the product per rating 1..5.
  Result<std::vector<std::int64_t>> rating_counts(Connection& c, std::int64_t product_id);
  Status set_reply(Connection& c, std::int64_t id, const std::string& body, const std::string& by,
                   UnixMs now);
  Status set_review_status(Connection& c, std::int64_t id, ReviewStatus status,
                           const std::string& reason);
};

}  // namespace ecrm::community
