// The customer community and product reviews. Customers (through their portal session; the
// customer id always comes from the session) post threads, answers and comments, vote, accept
// answers, follow threads and boards, report posts and review products they bought; visitors
// read; staff answer with the staff badge, moderate (the queue of held and reported posts,
// hide and restore with a reason, bans, pins and locks), make a defect report a ticket through
// the service desk and a staff answer a knowledge-base article.
//
// Every write is one transaction: the post, its links, the author's counters, reputation
// (10 per up vote received, -2 per down vote, 15 per accepted answer) and the notifications to
// followers and @mentioned members, queued in messaging's outbox as marketing mail (e-mail
// consent, the frequency cap and the unsubscribe link apply when it is sent).
//
// Text: bodies and titles are stored as plain text (text.hpp: tags removed, a '<' that would
// open one neutralised), at most 20,000 characters a body (kPayloadTooLarge naming the field).
// New accounts (younger than a week, or with fewer than three visible posts) posting a web link
// have the post held for a moderator. A customer writes at most a few posts a minute
// (kRateLimited). No HTTP here (http_routes.cpp), no SQL (repo.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "community/model.hpp"
#include "community/repo.hpp"
#include "messaging/service.hpp"
#include "service/service.hpp"
#include "storage/database.hpp"

namespace ecrm::community {

inline constexpr const char* kNoticeTemplate = "community_notice";

struct CommunityOptions {
  std::string base_url = "http://127.0.0.1:8080";  // where links in notifications point
  std::int64_t max_posts_per_minute = 5;
  UnixMs new_account_ms = 7 * kMsPerDay;
  std::int64_t trusted_after_posts = 3;  // visible posts before links go out unheld
};

// A staff member acting: who, as the audit log and events name them.
struct StaffActor {
  std::int64_t user_id = 0;
  std::string name;
};

class CommunityService {
 public:
  CommunityService(storage::Database& db, messaging::MessagingService& messaging,
                   service::ServiceDesk& desk, CommunityOptions options);

  // Adds the notification template (community_notice, en and zh-CN) unless staff have one.
  Status install_templates();

  // Boards. create_board: kInvalidArgument unless exactly one of category_id and product_id
  // names one that exists; kConflict when it has a board.
  Result<Board> create_board(const BoardInput& input);
  Result<std::vector<Board>> boards();
  Result<BoardView> board(std::int64_t id);
  // Visible threads of a board, newest first, id < before (pinned ones are in board()).
  Result<std::vector<Thread>> threads(std::int64_t board_id, const ThreadQuery& query,
                                      std::optional<std::int64_t> before, int limit);
  // A visible thread with its visible posts; `viewer`, a signed-in customer, also sees their
  // own held and hidden posts, their votes and whether they follow it. kNotFound otherwise.
  Result<ThreadView> thread(std::int64_t id, std::optional<std::int64_t> viewer);

  // Members. me() answers the defaults before the customer has written anything.
  Result<Member> me(std::int64_t customer_id);
  // kInvalidArgument (display_name) for a malformed name, kConflict when another has it.
  Result<Member> set_me(std::int64_t customer_id, const MemberChanges& changes);
  Result<Member> member(std::int64_t customer_id);
  Result<Member> ban(std::int64_t customer_id, const BanRequest& request);
  Result<Member> unban(std::int64_t customer_id);
  Result<Member> set_expert(std::int64_t customer_id, const ExpertRequest& request);

  // A customer's writes. kForbidden `banned` while banned; kRateLimited past the rate;
  // kPayloadTooLarge (body) past 20,000 characters; kUnprocessable naming links[i].id for an
  // order that is not theirs or a product that does not exist; kConflict `locked` on a locked
  // thread.
  Result<ThreadView> create_thread(std::int64_t customer_id, const ThreadInput& input);
  Result<Post> answer(std::int64_t customer_id, std::int64_t thread_id, const PostInput& input);
  Result<Post> comment(std::int64_t customer_id, std::int64_t post_id, const PostInput& input);
  // One's own post only (kForbidden `not_author` otherwise).
  Result<Post> edit(std::int64_t customer_id, std::int64_t post_id, const PostChanges& changes);
  Status remove(std::int64_t customer_id, std::int64_t post_id);
  // 1, -1, or 0 to take it back; not on one's own post (kConflict `own_post`).
  Result<Post> vote(std::int64_t customer_id, std::int64_t post_id, const VoteRequest& request);
  // The thread's author (a customer) or staff (customer_id nullopt) accept an answer.
  Result<ThreadView> accept(std::optional<std::int64_t> customer_id, std::int64_t thread_id,
                            const AcceptRequest& request);
  Result<Report> report(std::int64_t customer_id, std::int64_t post_id,
                        const ReportRequest& request);
  Status follow(std::int64_t customer_id, std::optional<std::int64_t> thread_id,
                std::optional<std::int64_t> board_id);
  Status unfollow(std::int64_t customer_id, std::optional<std::int64_t> thread_id,
                  std::optional<std::int64_t> board_id);
  Result<std::vector<CommunityFollow>> follows(std::int64_t customer_id);

  // Staff.
  Result<Post> staff_answer(const StaffActor& staff, std::int64_t thread_id,
                            const PostInput& input);
  Result<std::vector<QueueItem>> queue(std::optional<std::int64_t> before, int limit);
  // A thread as moderators see it: held and hidden posts too (not deleted ones), with reasons.
  Result<ThreadView> moderation_thread(std::int64_t id);
  Result<Post> hide(std::int64_t post_id, const ModerationRequest& request,
                    const StaffActor& staff);
  Result<Post> restore(std::int64_t post_id, const ModerationRequest& request,
                       const StaffActor& staff);
  Result<Thread> change_thread(std::int64_t thread_id, const ThreadChanges& changes);
  // A defect report made a ticket of its author's (once: again answers the same ticket).
  Result<TicketLink> make_ticket(std::int64_t thread_id, const StaffActor& staff);
  // A staff answer made an article (once: again answers the same article, second = false).
  Result<std::pair<KbArticle, bool>> article_from_post(std::int64_t post_id,
                                                       const KbFromPostRequest& request,
                                                       const StaffActor& staff);
  Result<std::vector<KbArticle>> articles(const KbQuery& query, std::optional<std::int64_t> before,
                                          int limit);
  // A published article; kNotFound otherwise.
  Result<KbArticle> article(std::int64_t id);
  // Staff's side of the knowledge base: every article (drafts too), a new one, a change.
  // kUnprocessable naming product_id or category_id when it does not exist.
  Result<std::vector<KbArticle>> all_articles(const KbQuery& query,
                                              std::optional<std::int64_t> before, int limit);
  Result<KbArticle> create_article(const KbArticleInput& input, const StaffActor& staff);
  Result<KbArticle> update_article(std::int64_t id, const KbArticleChanges& changes);

  // Full-text search of visible threads' opening posts and answers, best first (then newest),
  // `limit` from `offset`. kInvalidArgument (q) when the query has no word.
  Result<std::vector<CommunityHit>> search(const CommunitySearchQuery& query, std::int64_t offset,
                                           int limit);

  // Reviews. put_review: kNotFound for no such product; kForbidden `not_purchased` (field
  // product_id) unless a shipped or delivered order of the customer's has it.
  Result<Review> put_review(std::int64_t customer_id, std::int64_t product_id,
                            const ReviewInput& input);
  // The product's visible reviews, newest first, with the summary over all of them.
  Result<ReviewSummary> product_reviews(std::int64_t product_id, std::optional<std::int64_t> before,
                                        int limit);
  Result<std::vector<Review>> reviews(const ReviewQuery& query, std::optional<std::int64_t> before,
                                      int limit);
  Result<std::vector<Review>> reviews_of(std::int64_t customer_id);
  Result<Review> reply_review(std::int64_t review_id, const ReplyRequest& request,
                              const StaffActor& staff);
  // A moderator hides a review (with the reason its author sees) or shows it again.
  Result<Review> hide_review(std::int64_t review_id, const ModerationRequest& request);
  Result<Review> restore_review(std::int64_t review_id);

 private:
  struct Poster {
    std::optional<std::int64_t> customer_id;
    std::optional<StaffActor> staff;
  };
  // The checks of a customer's write, in its transaction: live, not banned, within the rate.
  Status may_post(Connection& c, std::int64_t customer_id, UnixMs now);
  // Links checked and labelled (the customer's own orders; products that exist).
  Result<std::vector<Link>> check_links(Connection& c, const std::optional<std::int64_t>& customer,
                                        const std::optional<std::vector<LinkInput>>& links);
  // Whether a customer's text with a web link waits for a moderator.
  Result<bool> must_hold(Connection& c, std::int64_t customer_id, std::string_view text,
                         UnixMs now);
  Result<std::int64_t> write_post(Connection& c, const Poster& poster, const ThreadRow& thread,
                                  PostKind kind, std::optional<std::int64_t> parent_id,
                                  const PostInput& input, UnixMs now);
  // Queues notices of a visible post to the thread's and board's followers and the members it
  // mentions (never its author).
  Status notify(Connection& c, const ThreadRow& thread, std::int64_t post_id,
                std::optional<std::int64_t> author_customer_id, const std::string& author_name,
                const std::string& body);
  Result<Post> post_view(Connection& c, std::int64_t post_id, std::optional<std::int64_t> viewer);
  // `moderator`: every post but the deleted ones, with why it is held or hidden.
  Result<ThreadView> thread_view(Connection& c, std::int64_t id,
                                 std::optional<std::int64_t> viewer, bool moderator = false);
  Result<ThreadRow> thread_row(Connection& c, std::int64_t id);
  Result<PostRow> post_row(Connection& c, std::int64_t id);
  Result<Member> member_or_default(Connection& c, std::int64_t customer_id);
  // The article's product and category exist (kUnprocessable naming the field).
  Status check_article_targets(Connection& c, const KbArticle& a);

  storage::Database& db_;
  messaging::MessagingService& messaging_;
  service::ServiceDesk& desk_;
  CommunityOptions options_;
  CommunityRepo repo_;
};

}  // namespace ecrm::community
