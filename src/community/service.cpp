#include "community/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "community/text.hpp"
#include "search/fulltext.hpp"
#include "search/segment.hpp"

namespace ecrm::community {

namespace json = boost::json;
using storage::TxMode;
using storage::with_transaction;

namespace {

struct ShippedTemplate {
  const char* language;
  const char* subject;
  const char* html;
  const char* text;
};

constexpr ShippedTemplate kNoticeTemplates[] = {
    {"en", "{{community.subject}}",
     "<p>Hello {{customer.first_name}},</p>"
     "<p>{{community.author}} wrote in “{{community.title}}”:</p>"
     "<blockquote style=\"white-space:pre-wrap\">{{community.excerpt}}</blockquote>"
     "<p><a href=\"{{community.url}}\">Read it in the community</a></p>"
     "<p><a href=\"{{unsubscribe_url}}\">Unsubscribe</a></p>",
     "Hello {{customer.first_name}},\n\n{{community.author}} wrote in \"{{community.title}}\":\n\n"
     "{{community.excerpt}}\n\nRead it in the community: {{community.url}}\n\n"
     "Unsubscribe: {{unsubscribe_url}}\n"},
    {"zh-CN", "{{community.subject}}",
     "<p>{{customer.name}}，您好：</p>"
     "<p>{{community.author}} 在“{{community.title}}”中写道：</p>"
     "<blockquote style=\"white-space:pre-wrap\">{{community.excerpt}}</blockquote>"
     "<p><a href=\"{{community.url}}\">在社区中查看</a></p>"
     "<p><a href=\"{{unsubscribe_url}}\">退订</a></p>",
     "{{customer.name}}，您好：\n\n{{community.author}} 在“{{community.title}}”中写道：\n\n"
     "{{community.excerpt}}\n\n在社区中查看：{{community.url}}\n\n退订：{{unsubscribe_url}}\n"},
};

constexpr std::size_t kExcerptChars = 300;

Error too_large(const std::string& field, std::size_t chars) {
  Error e;
  e.kind = ErrorKind::kPayloadTooLarge;
  e.code = "too_long";
  e.field = field;
  e.message = field + " has " + std::to_string(chars) + " characters; at most " +
              std::to_string(kMaxBodyChars) + " are accepted";
  return e;
}

Error forbidden(std::string message, std::string code, std::string field = {}) {
  Error e = Error::forbidden(std::move(message), std::move(code));
  e.field = std::move(field);
  return e;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\n");
  return s.substr(first, last - first + 1);
}

// A body as stored: plain text, trimmed, required, within the limit.
Result<std::string> body_text(const std::string& raw, const std::string& field) {
  std::string body = trimmed(plain_text(raw));
  if (body.empty()) return Error::invalid(field + " is required", field, "required");
  const std::size_t chars = char_count(body);
  if (chars > kMaxBodyChars) return too_large(field, chars);
  return body;
}

Result<std::string> title_text(const std::string& raw) {
  std::string title = plain_line(raw);
  if (title.empty()) return Error::invalid("title is required", "title", "required");
  return title;
}

const search::FullTextIndex kPostsIndex{"community_posts", "words", "community_posts_fts",
                                        "words_tsv", "community_posts_words"};
constexpr std::size_t kSnippetChars = 160;

// The search document of a post: the words of its thread's title (opening posts) and its body.
std::string document_words(std::string_view title, std::string_view body) {
  std::string text(title);
  if (!text.empty()) text += "\n";
  text += body;
  return search::Segmenter::shared().terms(text);
}

std::string excerpt(std::string_view body) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t at = 0; at < body.size(); ++at) {
    const auto ch = static_cast<unsigned char>(body[at]);
    if ((ch & 0xC0) != 0x80 && ++chars > kExcerptChars) {
      out += "…";
      break;
    }
    out += body[at];
  }
  return out;
}

Post viewed(const PostRow& row, std::optional<std::int64_t> viewer) {
  Post p = row.post;
  if (viewer) {
    p.mine = row.author_customer_id && *row.author_customer_id == *viewer;
    p.my_vote = 0;
  }
  if (p.status == PostStatus::kHeld) p.status_reason = row.held_reason;
  if (p.status == PostStatus::kHidden) p.status_reason = row.moderation_reason;
  return p;
}

}  // namespace

CommunityService::CommunityService(storage::Database& db, messaging::MessagingService& messaging,
                                   service::ServiceDesk& desk, CommunityOptions options)
    : db_(db), messaging_(messaging), desk_(desk), options_(std::move(options)) {}

Status CommunityService::install_templates() {
  for (const auto& t : kNoticeTemplates) {
    messaging::Template tmpl;
    tmpl.key = kNoticeTemplate;
    tmpl.language = t.language;
    tmpl.kind = messaging::MessageKind::kMarketing;
    tmpl.subject = t.subject;
    tmpl.html = t.html;
    tmpl.text = t.text;
    ECRM_RETURN_IF_ERROR(messaging_.ensure_template(tmpl));
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Reading

Result<ThreadRow> CommunityService::thread_row(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto row, repo_.thread(c, id));
  if (!row) return Error::not_found("no such thread", "thread_not_found");
  return std::move(*row);
}

Result<PostRow> CommunityService::post_row(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto row, repo_.post(c, id));
  if (!row || row->post.status == PostStatus::kDeleted) {
    return Error::not_found("no such post", "post_not_found");
  }
  return std::move(*row);
}

Result<Board> CommunityService::create_board(const BoardInput& input) {
  if (input.category_id.has_value() == input.product_id.has_value()) {
    return Error::invalid("give either category_id or product_id", "category_id",
                          "one_of_category_or_product");
  }
  return with_transaction<Board>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Board> {
    Board b;
    b.category_id = input.category_id;
    b.product_id = input.product_id;
    std::optional<std::string> name;
    if (input.category_id) {
      ECRM_ASSIGN_OR_RETURN(name, repo_.category_name(c, *input.category_id));
      if (!name) return Error::unprocessable("no such category", "category_id", "unknown_category");
    } else {
      ECRM_ASSIGN_OR_RETURN(name, repo_.product_name(c, *input.product_id));
      if (!name) return Error::unprocessable("no such product", "product_id", "unknown_product");
    }
    b.name = input.name && !blank(*input.name) ? plain_line(*input.name) : *name;
    b.description = input.description ? plain_text(*input.description) : "";
    b.created_at = now_ms();
    auto inserted = repo_.insert_board(c, b);
    if (!inserted.ok() && inserted.error().kind == ErrorKind::kConflict) {
      return Error::conflict("it has a board already",
                             input.category_id ? "category_id" : "product_id", "board_exists");
    }
    return inserted;
  });
}

Result<std::vector<Board>> CommunityService::boards() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.boards(*lease);
}

Result<BoardView> CommunityService::board(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto b, repo_.board(*lease, id));
  if (!b) return Error::not_found("no such board", "board_not_found");
  BoardView view{std::move(*b), {}};
  ECRM_ASSIGN_OR_RETURN(auto pinned, repo_.pinned_threads(*lease, id));
  for (auto& row : pinned) view.pinned.push_back(std::move(row.thread));
  return view;
}

Result<std::vector<Thread>> CommunityService::threads(std::int64_t board_id,
                                                      const ThreadQuery& query,
                                                      std::optional<std::int64_t> before,
                                                      int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto b, repo_.board(*lease, board_id));
  if (!b) return Error::not_found("no such board", "board_not_found");
  ECRM_ASSIGN_OR_RETURN(auto rows, repo_.threads(*lease, board_id, query.kind, before, limit));
  std::vector<Thread> out;
  out.reserve(rows.size());
  for (auto& row : rows) out.push_back(std::move(row.thread));
  return out;
}

Result<ThreadView> CommunityService::thread(std::int64_t id, std::optional<std::int64_t> viewer) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return thread_view(*lease, id, viewer);
}

Result<ThreadView> CommunityService::moderation_thread(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return thread_view(*lease, id, std::nullopt, true);
}

Result<ThreadView> CommunityService::thread_view(Connection& c, std::int64_t id,
                                                 std::optional<std::int64_t> viewer,
                                                 bool moderator) {
  ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, id));
  const bool author = viewer && t.author_customer_id && *t.author_customer_id == *viewer;
  const bool shown = t.thread.status == PostStatus::kVisible ||
                     ((author || moderator) && t.thread.status != PostStatus::kDeleted);
  if (!shown) return Error::not_found("no such thread", "thread_not_found");
  ECRM_ASSIGN_OR_RETURN(auto rows, repo_.posts_of_thread(c, id));
  ECRM_ASSIGN_OR_RETURN(auto links, repo_.links_of_thread(c, id));
  std::map<std::int64_t, std::int64_t> votes;
  if (viewer) {
    ECRM_ASSIGN_OR_RETURN(auto mine, repo_.votes_in_thread(c, id, *viewer));
    for (auto& [post, value] : mine) votes[post] = value;
  }
  ThreadView view;
  view.thread = t.thread;
  std::set<std::int64_t> shown_ids;
  bool have_opening = false;
  for (const auto& row : rows) {
    const bool own = viewer && row.author_customer_id && *row.author_customer_id == *viewer;
    if (row.post.status != PostStatus::kVisible && !own && !moderator) continue;
    if (row.post.kind == PostKind::kComment &&
        (!row.post.parent_id || !shown_ids.contains(*row.post.parent_id))) {
      continue;
    }
    Post p = viewed(row, viewer);
    if (viewer) {
      auto v = votes.find(p.id);
      p.my_vote = v == votes.end() ? 0 : v->second;
    }
    for (const auto& [post_id, link] : links) {
      if (post_id == p.id) p.links.push_back(link);
    }
    shown_ids.insert(p.id);
    switch (p.kind) {
      case PostKind::kOpening:
        view.opening = std::move(p);
        have_opening = true;
        break;
      case PostKind::kAnswer:
        view.answers.push_back(std::move(p));
        break;
      case PostKind::kComment:
        view.comments.push_back(std::move(p));
        break;
    }
  }
  if (!have_opening) return Error::not_found("no such thread", "thread_not_found");
  std::stable_sort(view.answers.begin(), view.answers.end(), [](const Post& a, const Post& b) {
    if (a.accepted != b.accepted) return a.accepted;
    return a.score > b.score;
  });
  if (viewer) {
    ECRM_ASSIGN_OR_RETURN(auto following, repo_.follows_thread(c, *viewer, id));
    view.following = following;
  }
  return view;
}

Result<Post> CommunityService::post_view(Connection& c, std::int64_t post_id,
                                         std::optional<std::int64_t> viewer) {
  ECRM_ASSIGN_OR_RETURN(auto row, repo_.post(c, post_id));
  if (!row) return Error::not_found("no such post", "post_not_found");
  Post p = viewed(*row, viewer);
  if (viewer) {
    ECRM_ASSIGN_OR_RETURN(auto v, repo_.vote(c, post_id, *viewer));
    p.my_vote = v.value_or(0);
  }
  ECRM_ASSIGN_OR_RETURN(auto links, repo_.links_of_thread(c, p.thread_id));
  for (const auto& [id, link] : links) {
    if (id == post_id) p.links.push_back(link);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Members

Result<Member> CommunityService::member_or_default(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto row, repo_.member(c, customer_id));
  if (row) return std::move(row->member);
  ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
  if (!facts) return Error::not_found("no such customer", "customer_not_found");
  Member m;
  m.customer_id = customer_id;
  m.display_name = "member" + std::to_string(customer_id);
  return m;
}

Result<Member> CommunityService::me(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return member_or_default(*lease, customer_id);
}

Result<Member> CommunityService::member(std::int64_t customer_id) { return me(customer_id); }

Result<Member> CommunityService::set_me(std::int64_t customer_id, const MemberChanges& changes) {
  const std::string name = plain_line(changes.display_name);
  if (!valid_display_name(name)) {
    return Error::invalid(
        "display_name must be 2 to 30 letters, digits, '_', '-' or '.', without spaces",
        "display_name", "invalid_display_name");
  }
  return with_transaction<Member>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Member> {
    ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, customer_id, now_ms()));
    auto set = repo_.set_display_name(c, customer_id, name, name_key(name));
    if (!set.ok()) {
      if (set.error().kind == ErrorKind::kConflict) {
        return Error::conflict("another member has this name", "display_name", "name_taken");
      }
      return std::move(set).error();
    }
    return member_or_default(c, customer_id);
  });
}

Result<Member> CommunityService::ban(std::int64_t customer_id, const BanRequest& request) {
  const UnixMs now = now_ms();
  if (request.until <= now) {
    return Error::invalid("until must be in the future", "until", "in_the_past");
  }
  if (blank(request.reason)) return Error::invalid("reason is required", "reason", "required");
  return with_transaction<Member>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Member> {
    ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
    if (!facts) return Error::not_found("no such customer", "customer_not_found");
    ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, customer_id, now));
    ECRM_RETURN_IF_ERROR(repo_.set_ban(c, customer_id, request.until, plain_line(request.reason)));
    return member_or_default(c, customer_id);
  });
}

Result<Member> CommunityService::unban(std::int64_t customer_id) {
  return with_transaction<Member>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Member> {
    ECRM_ASSIGN_OR_RETURN(auto m, member_or_default(c, customer_id));
    ECRM_RETURN_IF_ERROR(repo_.set_ban(c, customer_id, std::nullopt, ""));
    return member_or_default(c, customer_id);
  });
}

Result<Member> CommunityService::set_expert(std::int64_t customer_id,
                                            const ExpertRequest& request) {
  return with_transaction<Member>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Member> {
    ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
    if (!facts) return Error::not_found("no such customer", "customer_not_found");
    ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, customer_id, now_ms()));
    ECRM_RETURN_IF_ERROR(repo_.set_expert(c, customer_id, request.expert));
    return member_or_default(c, customer_id);
  });
}

// ---------------------------------------------------------------------------------------------
// Writing

Status CommunityService::may_post(Connection& c, std::int64_t customer_id, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
  if (!facts || !facts->live) {
    return Error::unauthenticated("this account is closed", "portal_account_closed");
  }
  ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, customer_id, now));
  ECRM_ASSIGN_OR_RETURN(auto m, repo_.member(c, customer_id));
  if (m && m->member.banned_until && *m->member.banned_until > now) {
    return forbidden("you are banned from posting until " +
                         format_iso8601(*m->member.banned_until) +
                         (m->member.ban_reason.empty() ? "" : ": " + m->member.ban_reason),
                     "banned");
  }
  ECRM_ASSIGN_OR_RETURN(auto recent, repo_.posts_since(c, customer_id, now - 60'000));
  if (recent >= options_.max_posts_per_minute) {
    return Error::rate_limited("at most " + std::to_string(options_.max_posts_per_minute) +
                               " posts a minute; try again shortly");
  }
  return {};
}

Result<std::vector<Link>> CommunityService::check_links(
    Connection& c, const std::optional<std::int64_t>& customer,
    const std::optional<std::vector<LinkInput>>& links) {
  std::vector<Link> out;
  if (!links) return out;
  for (std::size_t i = 0; i < links->size(); ++i) {
    const auto& l = (*links)[i];
    const std::string field = "links[" + std::to_string(i) + "].id";
    Link link{l.kind, l.id, {}};
    if (l.kind == LinkKind::kOrder) {
      ECRM_ASSIGN_OR_RETURN(auto owner, repo_.order_customer(c, l.id));
      // Staff may link any order; a customer only their own (another's looks like none).
      if (!owner || (customer && *owner != *customer)) {
        return Error::unprocessable("no such order of yours", field, "not_your_order");
      }
      link.label = "Order " + std::to_string(l.id);
    } else {
      ECRM_ASSIGN_OR_RETURN(auto name, repo_.product_name(c, l.id));
      if (!name) return Error::unprocessable("no such product", field, "unknown_product");
      link.label = *name;
    }
    out.push_back(std::move(link));
  }
  return out;
}

Result<bool> CommunityService::must_hold(Connection& c, std::int64_t customer_id,
                                         std::string_view text, UnixMs now) {
  if (!has_web_link(text)) return false;
  ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
  if (!facts) return true;
  if (now - facts->created_at < options_.new_account_ms) return true;
  ECRM_ASSIGN_OR_RETURN(auto visible, repo_.visible_posts_of(c, customer_id));
  return visible < options_.trusted_after_posts;
}

Result<std::int64_t> CommunityService::write_post(Connection& c, const Poster& poster,
                                                  const ThreadRow& thread, PostKind kind,
                                                  std::optional<std::int64_t> parent_id,
                                                  const PostInput& input, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto body, body_text(input.body, "body"));
  ECRM_ASSIGN_OR_RETURN(auto links, check_links(c, poster.customer_id, input.links));
  NewPost p;
  p.thread_id = thread.thread.id;
  p.kind = kind;
  p.parent_id = parent_id;
  p.author_customer_id = poster.customer_id;
  if (poster.staff) {
    p.author_user_id = poster.staff->user_id;
    p.author_name = poster.staff->name;
  }
  p.words = document_words(kind == PostKind::kOpening ? thread.thread.title : "", body);
  if (poster.customer_id) {
    const std::string checked =
        kind == PostKind::kOpening ? thread.thread.title + "\n" + body : body;
    ECRM_ASSIGN_OR_RETURN(auto hold, must_hold(c, *poster.customer_id, checked, now));
    if (hold) {
      p.status = PostStatus::kHeld;
      p.held_reason = "links from new accounts wait for a moderator";
    }
  }
  p.body = std::move(body);
  ECRM_ASSIGN_OR_RETURN(auto id, repo_.insert_post(c, p, now));
  ECRM_RETURN_IF_ERROR(repo_.replace_links(c, id, links));
  if (poster.customer_id) ECRM_RETURN_IF_ERROR(repo_.count_post(c, *poster.customer_id));
  if (kind == PostKind::kOpening) {
    ECRM_RETURN_IF_ERROR(repo_.set_opening(c, thread.thread.id, id));
    ECRM_RETURN_IF_ERROR(repo_.set_thread_status(c, thread.thread.id, p.status));
  }
  ECRM_RETURN_IF_ERROR(repo_.touch_thread(c, thread.thread.id, now));
  if (p.status == PostStatus::kVisible) {
    std::string author_name = p.author_name;
    if (poster.customer_id) {
      ECRM_ASSIGN_OR_RETURN(auto m, member_or_default(c, *poster.customer_id));
      author_name = m.display_name;
    }
    ECRM_RETURN_IF_ERROR(notify(c, thread, id, poster.customer_id, author_name, p.body));
  }
  return id;
}

Status CommunityService::notify(Connection& c, const ThreadRow& thread, std::int64_t post_id,
                                std::optional<std::int64_t> author_customer_id,
                                const std::string& author_name, const std::string& body) {
  ECRM_ASSIGN_OR_RETURN(auto followers,
                        repo_.followers(c, thread.thread.id, thread.thread.board_id));
  ECRM_ASSIGN_OR_RETURN(auto mentioned, repo_.members_named(c, mentions(body)));
  std::map<std::int64_t, bool> recipients;  // customer -> mentioned
  for (auto id : followers) recipients[id] = false;
  for (auto id : mentioned) recipients[id] = true;
  if (author_customer_id) recipients.erase(*author_customer_id);
  const std::string url =
      options_.base_url + "/community/threads/" + std::to_string(thread.thread.id);
  for (const auto& [customer_id, was_mentioned] : recipients) {
    messaging::NewMessage m;
    m.customer_id = customer_id;
    m.template_key = kNoticeTemplate;
    m.kind = messaging::MessageKind::kMarketing;
    m.source = "community";
    m.drop_when_capped = true;
    m.dedupe_key = "community:" + std::to_string(post_id) + ":" + std::to_string(customer_id);
    const std::string subject =
        (was_mentioned ? author_name + " mentioned you in: " : "New in: ") + thread.thread.title;
    m.data =
        json::serialize(json::object{{"community", json::object{{"subject", subject},
                                                                {"title", thread.thread.title},
                                                                {"author", author_name},
                                                                {"excerpt", excerpt(body)},
                                                                {"url", url},
                                                                {"mentioned", was_mentioned}}}});
    ECRM_ASSIGN_OR_RETURN(auto queued, messaging_.queue(c, m));
    (void)queued;
  }
  return {};
}

Result<ThreadView> CommunityService::create_thread(std::int64_t customer_id,
                                                   const ThreadInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto title, title_text(input.title));
  ECRM_ASSIGN_OR_RETURN(auto body, body_text(input.body, "body"));
  (void)body;
  ECRM_ASSIGN_OR_RETURN(
      auto id,
      with_transaction<std::int64_t>(
          db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
            const UnixMs now = now_ms();
            ECRM_ASSIGN_OR_RETURN(auto b, repo_.board(c, input.board_id));
            if (!b) return Error::unprocessable("no such board", "board_id", "unknown_board");
            ECRM_RETURN_IF_ERROR(may_post(c, customer_id, now));
            ECRM_ASSIGN_OR_RETURN(
                auto thread_id,
                repo_.insert_thread(c, input.board_id, input.kind, title, customer_id, std::nullopt,
                                    PostStatus::kVisible, now));
            ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, thread_id));
            // Its author follows it: answers come to them.
            ECRM_RETURN_IF_ERROR(repo_.follow(c, customer_id, thread_id, std::nullopt, now));
            ECRM_RETURN_IF_ERROR(write_post(c, Poster{customer_id, std::nullopt}, t,
                                            PostKind::kOpening, std::nullopt,
                                            PostInput{input.body, input.links}, now));
            return thread_id;
          }));
  return thread(id, customer_id);
}

Result<Post> CommunityService::answer(std::int64_t customer_id, std::int64_t thread_id,
                                      const PostInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto id,
                        with_transaction<std::int64_t>(
                            db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
                              const UnixMs now = now_ms();
                              ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, thread_id));
                              if (t.thread.status != PostStatus::kVisible) {
                                return Error::not_found("no such thread", "thread_not_found");
                              }
                              if (t.thread.locked)
                                return Error::conflict("the thread is locked", "", "locked");
                              ECRM_RETURN_IF_ERROR(may_post(c, customer_id, now));
                              return write_post(c, Poster{customer_id, std::nullopt}, t,
                                                PostKind::kAnswer, std::nullopt, input, now);
                            }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, id, customer_id);
}

Result<Post> CommunityService::staff_answer(const StaffActor& staff, std::int64_t thread_id,
                                            const PostInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto id,
                        with_transaction<std::int64_t>(
                            db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
                              ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, thread_id));
                              if (t.thread.status == PostStatus::kDeleted) {
                                return Error::not_found("no such thread", "thread_not_found");
                              }
                              return write_post(c, Poster{std::nullopt, staff}, t,
                                                PostKind::kAnswer, std::nullopt, input, now_ms());
                            }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, id, std::nullopt);
}

Result<Post> CommunityService::comment(std::int64_t customer_id, std::int64_t post_id,
                                       const PostInput& input) {
  ECRM_ASSIGN_OR_RETURN(
      auto id, with_transaction<std::int64_t>(
                   db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
                     const UnixMs now = now_ms();
                     ECRM_ASSIGN_OR_RETURN(auto parent, post_row(c, post_id));
                     if (parent.post.status != PostStatus::kVisible) {
                       return Error::not_found("no such post", "post_not_found");
                     }
                     if (parent.post.kind == PostKind::kComment) {
                       return Error::conflict("comments go on the opening post or an answer", "",
                                              "comment_on_comment");
                     }
                     ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, parent.post.thread_id));
                     if (t.thread.status != PostStatus::kVisible) {
                       return Error::not_found("no such post", "post_not_found");
                     }
                     if (t.thread.locked)
                       return Error::conflict("the thread is locked", "", "locked");
                     ECRM_RETURN_IF_ERROR(may_post(c, customer_id, now));
                     return write_post(c, Poster{customer_id, std::nullopt}, t, PostKind::kComment,
                                       post_id, input, now);
                   }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, id, customer_id);
}

Result<Post> CommunityService::edit(std::int64_t customer_id, std::int64_t post_id,
                                    const PostChanges& changes) {
  std::optional<std::string> body;
  if (changes.body) {
    ECRM_ASSIGN_OR_RETURN(body, body_text(*changes.body, "body"));
  }
  std::optional<std::string> title;
  if (changes.title) {
    ECRM_ASSIGN_OR_RETURN(title, title_text(*changes.title));
  }
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs now = now_ms();
    ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
    if (!row.author_customer_id || *row.author_customer_id != customer_id) {
      return forbidden("only its author may change a post", "not_author");
    }
    if (title && row.post.kind != PostKind::kOpening) {
      return Error::invalid("only an opening post has a title", "title", "no_title");
    }
    ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
    if (!facts || !facts->live) {
      return Error::unauthenticated("this account is closed", "portal_account_closed");
    }
    ECRM_ASSIGN_OR_RETURN(auto m, repo_.member(c, customer_id));
    if (m && m->member.banned_until && *m->member.banned_until > now) {
      return forbidden("you are banned from posting", "banned");
    }
    ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, row.post.thread_id));
    const std::string new_title = title.value_or(t.thread.title);
    const std::string new_body = body.value_or(row.post.body);
    if (title) ECRM_RETURN_IF_ERROR(repo_.set_title(c, t.thread.id, new_title));
    ECRM_RETURN_IF_ERROR(repo_.update_post_body(
        c, post_id, new_body,
        document_words(row.post.kind == PostKind::kOpening ? new_title : "", new_body), now));
    if (changes.links) {
      ECRM_ASSIGN_OR_RETURN(auto links, check_links(c, customer_id, changes.links));
      ECRM_RETURN_IF_ERROR(repo_.replace_links(c, post_id, links));
    }
    // An edit that adds a web link from a new account waits for a moderator, like a new post.
    if (row.post.status == PostStatus::kVisible && (body || title)) {
      const std::string checked =
          row.post.kind == PostKind::kOpening ? new_title + "\n" + new_body : new_body;
      ECRM_ASSIGN_OR_RETURN(auto hold, must_hold(c, customer_id, checked, now));
      if (hold) {
        ECRM_RETURN_IF_ERROR(repo_.set_post_status(c, post_id, PostStatus::kHeld,
                                                   "links from new accounts wait for a moderator",
                                                   "", now));
        if (row.post.kind == PostKind::kOpening) {
          ECRM_RETURN_IF_ERROR(repo_.set_thread_status(c, t.thread.id, PostStatus::kHeld));
        }
        ECRM_RETURN_IF_ERROR(repo_.touch_thread(c, t.thread.id, t.thread.last_activity_at));
      }
    }
    return {};
  }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, post_id, customer_id);
}

Status CommunityService::remove(std::int64_t customer_id, std::int64_t post_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs now = now_ms();
    ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
    if (!row.author_customer_id || *row.author_customer_id != customer_id) {
      return forbidden("only its author may delete a post", "not_author");
    }
    ECRM_RETURN_IF_ERROR(
        repo_.set_post_status(c, post_id, PostStatus::kDeleted, "deleted by its author", "", now));
    if (row.post.kind == PostKind::kOpening) {
      ECRM_RETURN_IF_ERROR(repo_.set_thread_status(c, row.post.thread_id, PostStatus::kDeleted));
    }
    ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, row.post.thread_id));
    if (t.thread.accepted_post_id && *t.thread.accepted_post_id == post_id) {
      ECRM_RETURN_IF_ERROR(repo_.set_accepted(c, t.thread.id, std::nullopt));
      ECRM_RETURN_IF_ERROR(repo_.add_reputation(c, customer_id, 0, 0, -1));
    }
    return repo_.touch_thread(c, row.post.thread_id, t.thread.last_activity_at);
  });
}

Result<Post> CommunityService::vote(std::int64_t customer_id, std::int64_t post_id,
                                    const VoteRequest& request) {
  if (request.value < -1 || request.value > 1) {
    return Error::invalid("value must be 1, -1 or 0", "value", "out_of_range");
  }
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs now = now_ms();
    ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
    if (!facts || !facts->live) {
      return Error::unauthenticated("this account is closed", "portal_account_closed");
    }
    ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
    // One vote of a customer's at a time per thread (PostgreSQL's row lock; SQLite's write
    // transaction is one at a time anyway), so the vote read below is the one replaced.
    ECRM_RETURN_IF_ERROR(repo_.lock_thread(c, row.post.thread_id));
    if (row.post.status != PostStatus::kVisible) {
      return Error::not_found("no such post", "post_not_found");
    }
    if (row.author_customer_id && *row.author_customer_id == customer_id) {
      return Error::conflict("one does not vote on one's own post", "value", "own_post");
    }
    ECRM_ASSIGN_OR_RETURN(auto before, repo_.vote(c, post_id, customer_id));
    const std::int64_t old_value = before.value_or(0);
    if (old_value == request.value) return {};
    const std::int64_t up = (request.value == 1) - (old_value == 1);
    const std::int64_t down = (request.value == -1) - (old_value == -1);
    if (request.value == 0) {
      ECRM_RETURN_IF_ERROR(repo_.delete_vote(c, post_id, customer_id));
    } else {
      ECRM_RETURN_IF_ERROR(repo_.put_vote(c, post_id, customer_id, request.value, now));
    }
    ECRM_RETURN_IF_ERROR(repo_.add_post_votes(c, post_id, up, down));
    if (row.author_customer_id) {
      ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, *row.author_customer_id, now));
      ECRM_RETURN_IF_ERROR(repo_.add_reputation(c, *row.author_customer_id, up, down, 0));
    }
    return {};
  }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, post_id, customer_id);
}

Result<ThreadView> CommunityService::accept(std::optional<std::int64_t> customer_id,
                                            std::int64_t thread_id, const AcceptRequest& request) {
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs now = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.lock_thread(c, thread_id));
    ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, thread_id));
    if (t.thread.status != PostStatus::kVisible) {
      return Error::not_found("no such thread", "thread_not_found");
    }
    if (customer_id && (!t.author_customer_id || *t.author_customer_id != *customer_id)) {
      return forbidden("only the thread's author or staff accept an answer", "not_author");
    }
    auto answer = repo_.post(c, request.post_id);
    if (!answer.ok()) return std::move(answer).error();
    if (!*answer || (*answer)->post.thread_id != thread_id ||
        (*answer)->post.kind != PostKind::kAnswer ||
        (*answer)->post.status != PostStatus::kVisible) {
      return Error::unprocessable("no such answer in this thread", "post_id", "unknown_answer");
    }
    const PostRow& chosen = **answer;
    if (customer_id && chosen.author_customer_id && *chosen.author_customer_id == *customer_id) {
      return Error::conflict("one does not accept one's own answer", "post_id", "own_answer");
    }
    if (t.thread.accepted_post_id == request.post_id) return {};
    if (t.thread.accepted_post_id) {
      ECRM_ASSIGN_OR_RETURN(auto previous, repo_.post(c, *t.thread.accepted_post_id));
      if (previous && previous->author_customer_id) {
        ECRM_RETURN_IF_ERROR(repo_.add_reputation(c, *previous->author_customer_id, 0, 0, -1));
      }
    }
    ECRM_RETURN_IF_ERROR(repo_.set_accepted(c, thread_id, request.post_id));
    if (chosen.author_customer_id) {
      ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, *chosen.author_customer_id, now));
      ECRM_RETURN_IF_ERROR(repo_.add_reputation(c, *chosen.author_customer_id, 0, 0, 1));
    }
    return {};
  }));
  return thread(thread_id, customer_id);
}

Result<Report> CommunityService::report(std::int64_t customer_id, std::int64_t post_id,
                                        const ReportRequest& request) {
  const std::string reason = plain_line(request.reason);
  if (reason.empty()) return Error::invalid("reason is required", "reason", "required");
  return with_transaction<Report>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Report> {
    ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
    if (row.post.status != PostStatus::kVisible) {
      return Error::not_found("no such post", "post_not_found");
    }
    if (row.author_customer_id && *row.author_customer_id == customer_id) {
      return Error::conflict("one does not report one's own post", "", "own_post");
    }
    auto inserted = repo_.insert_report(c, post_id, customer_id, reason, now_ms());
    if (!inserted.ok() && inserted.error().kind == ErrorKind::kConflict) {
      return Error::conflict("you reported this post already", "", "already_reported");
    }
    return inserted;
  });
}

Status CommunityService::follow(std::int64_t customer_id, std::optional<std::int64_t> thread_id,
                                std::optional<std::int64_t> board_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    if (thread_id) {
      ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, *thread_id));
      if (t.thread.status != PostStatus::kVisible) {
        return Error::not_found("no such thread", "thread_not_found");
      }
    } else {
      ECRM_ASSIGN_OR_RETURN(auto b, repo_.board(c, board_id.value_or(0)));
      if (!b) return Error::not_found("no such board", "board_not_found");
    }
    return repo_.follow(c, customer_id, thread_id, board_id, now_ms());
  });
}

Status CommunityService::unfollow(std::int64_t customer_id, std::optional<std::int64_t> thread_id,
                                  std::optional<std::int64_t> board_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto n, repo_.unfollow(c, customer_id, thread_id, board_id));
    if (n == 0) return Error::not_found("you do not follow it", "not_following");
    return {};
  });
}

Result<std::vector<CommunityFollow>> CommunityService::follows(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.follows(*lease, customer_id);
}

// ---------------------------------------------------------------------------------------------
// Moderation

Result<std::vector<QueueItem>> CommunityService::queue(std::optional<std::int64_t> before,
                                                       int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto rows, repo_.queue(*lease, before, limit));
  std::vector<QueueItem> out;
  for (const auto& row : rows) {
    QueueItem item;
    item.post = viewed(row, std::nullopt);
    item.author_customer_id = row.author_customer_id;
    ECRM_ASSIGN_OR_RETURN(auto t, repo_.thread(*lease, row.post.thread_id));
    if (t) item.thread_title = t->thread.title;
    ECRM_ASSIGN_OR_RETURN(item.reports, repo_.open_reports(*lease, row.post.id));
    out.push_back(std::move(item));
  }
  return out;
}

Result<Post> CommunityService::hide(std::int64_t post_id, const ModerationRequest& request,
                                    const StaffActor& staff) {
  const std::string reason = plain_line(request.reason);
  if (reason.empty()) return Error::invalid("reason is required", "reason", "required");
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs now = now_ms();
    ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
    ECRM_RETURN_IF_ERROR(
        repo_.set_post_status(c, post_id, PostStatus::kHidden, reason, staff.name, now));
    ECRM_RETURN_IF_ERROR(repo_.resolve_reports(c, post_id, ReportStatus::kUpheld, staff.name, now));
    if (row.post.kind == PostKind::kOpening) {
      ECRM_RETURN_IF_ERROR(repo_.set_thread_status(c, row.post.thread_id, PostStatus::kHidden));
    }
    ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, row.post.thread_id));
    return repo_.touch_thread(c, t.thread.id, t.thread.last_activity_at);
  }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, post_id, std::nullopt);
}

Result<Post> CommunityService::restore(std::int64_t post_id, const ModerationRequest& request,
                                       const StaffActor& staff) {
  const std::string reason = plain_line(request.reason);
  if (reason.empty()) return Error::invalid("reason is required", "reason", "required");
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    const UnixMs now = now_ms();
    ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
    ECRM_RETURN_IF_ERROR(
        repo_.set_post_status(c, post_id, PostStatus::kVisible, reason, staff.name, now));
    ECRM_RETURN_IF_ERROR(
        repo_.resolve_reports(c, post_id, ReportStatus::kDismissed, staff.name, now));
    if (row.post.kind == PostKind::kOpening) {
      ECRM_RETURN_IF_ERROR(repo_.set_thread_status(c, row.post.thread_id, PostStatus::kVisible));
    }
    ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, row.post.thread_id));
    ECRM_RETURN_IF_ERROR(repo_.touch_thread(c, t.thread.id, now));
    // A held post approved goes out to followers now.
    if (row.post.status == PostStatus::kHeld) {
      std::string author_name = row.post.author.display_name;
      ECRM_RETURN_IF_ERROR(
          notify(c, t, post_id, row.author_customer_id, author_name, row.post.body));
    }
    return {};
  }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return post_view(*lease, post_id, std::nullopt);
}

Result<Thread> CommunityService::change_thread(std::int64_t thread_id,
                                               const ThreadChanges& changes) {
  return with_transaction<Thread>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Thread> {
    ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, thread_id));
    ECRM_RETURN_IF_ERROR(repo_.set_flags(c, thread_id, changes.pinned.value_or(t.thread.pinned),
                                         changes.locked.value_or(t.thread.locked)));
    ECRM_ASSIGN_OR_RETURN(auto after, thread_row(c, thread_id));
    return after.thread;
  });
}

Result<TicketLink> CommunityService::make_ticket(std::int64_t thread_id, const StaffActor& staff) {
  return with_transaction<TicketLink>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketLink> {
        const UnixMs now = now_ms();
        ECRM_RETURN_IF_ERROR(repo_.lock_thread(c, thread_id));
        ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, thread_id));
        if (t.ticket_id) return TicketLink{thread_id, *t.ticket_id, false};
        if (t.thread.kind != ThreadKind::kDefect) {
          return Error::conflict("only a defect report becomes a ticket", "kind", "not_a_defect");
        }
        if (!t.author_customer_id) {
          return Error::conflict("the report has no customer to answer", "", "no_customer");
        }
        if (!t.opening_post_id) return Error::not_found("no such thread", "thread_not_found");
        ECRM_ASSIGN_OR_RETURN(auto opening, post_row(c, *t.opening_post_id));
        ECRM_ASSIGN_OR_RETURN(auto b, repo_.board(c, t.thread.board_id));
        service::TicketInput input;
        input.customer_id = *t.author_customer_id;
        input.subject = t.thread.title;
        input.body = opening.post.body + "\n\n— " + options_.base_url + "/community/threads/" +
                     std::to_string(thread_id);
        input.channel = service::Channel::kWebForm;
        if (b && b->product_id) input.product_id = b->product_id;
        input.tags = std::vector<std::string>{"community", "defect"};
        ECRM_ASSIGN_OR_RETURN(
            auto ticket,
            desk_.open_ticket(c, input, service::Actor{staff.user_id, std::nullopt, staff.name},
                              now));
        ECRM_RETURN_IF_ERROR(repo_.set_ticket(c, thread_id, ticket.id));
        return TicketLink{thread_id, ticket.id, true};
      });
}

Result<std::pair<KbArticle, bool>> CommunityService::article_from_post(
    std::int64_t post_id, const KbFromPostRequest& request, const StaffActor& staff) {
  return with_transaction<std::pair<KbArticle, bool>>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<std::pair<KbArticle, bool>> {
        ECRM_ASSIGN_OR_RETURN(auto existing, repo_.article_of_post(c, post_id));
        if (existing) return std::make_pair(std::move(*existing), false);
        ECRM_ASSIGN_OR_RETURN(auto row, post_row(c, post_id));
        if (!row.author_user_id || row.post.kind != PostKind::kAnswer) {
          return Error::conflict("only a staff answer becomes an article", "", "not_staff_answer");
        }
        ECRM_ASSIGN_OR_RETURN(auto t, thread_row(c, row.post.thread_id));
        ECRM_ASSIGN_OR_RETURN(auto b, repo_.board(c, t.thread.board_id));
        KbArticle a;
        a.title =
            request.title && !blank(*request.title) ? plain_line(*request.title) : t.thread.title;
        a.body = row.post.body;
        if (b) {
          a.product_id = b->product_id;
          a.category_id = b->category_id;
          if (b->product_id && !b->category_id) {
            ECRM_ASSIGN_OR_RETURN(a.category_id, repo_.product_category(c, *b->product_id));
          }
        }
        a.source_post_id = post_id;
        a.published = request.published.value_or(true);
        a.created_at = now_ms();
        ECRM_ASSIGN_OR_RETURN(auto inserted, repo_.insert_article(c, a, staff.name));
        return std::make_pair(std::move(inserted), true);
      });
}

Result<std::vector<KbArticle>> CommunityService::articles(const KbQuery& query,
                                                          std::optional<std::int64_t> before,
                                                          int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.articles(*lease, query, before, limit);
}

Result<KbArticle> CommunityService::article(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto a, repo_.article(*lease, id));
  if (!a || !a->published) return Error::not_found("no such article", "article_not_found");
  return std::move(*a);
}

Result<std::vector<KbArticle>> CommunityService::all_articles(const KbQuery& query,
                                                              std::optional<std::int64_t> before,
                                                              int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.articles(*lease, query, before, limit, true);
}

Status CommunityService::check_article_targets(Connection& c, const KbArticle& a) {
  if (a.product_id) {
    ECRM_ASSIGN_OR_RETURN(auto name, repo_.product_name(c, *a.product_id));
    if (!name) return Error::unprocessable("no such product", "product_id", "unknown_product");
  }
  if (a.category_id) {
    ECRM_ASSIGN_OR_RETURN(auto name, repo_.category_name(c, *a.category_id));
    if (!name) return Error::unprocessable("no such category", "category_id", "unknown_category");
  }
  return {};
}

Result<KbArticle> CommunityService::create_article(const KbArticleInput& input,
                                                   const StaffActor& staff) {
  KbArticle a;
  ECRM_ASSIGN_OR_RETURN(a.title, title_text(input.title));
  ECRM_ASSIGN_OR_RETURN(a.body, body_text(input.body, "body"));
  a.product_id = input.product_id;
  a.category_id = input.category_id;
  a.published = input.published.value_or(false);
  return with_transaction<KbArticle>(db_, TxMode::kWrite, [&](Connection& c) -> Result<KbArticle> {
    ECRM_RETURN_IF_ERROR(check_article_targets(c, a));
    a.created_at = now_ms();
    return repo_.insert_article(c, a, staff.name);
  });
}

Result<KbArticle> CommunityService::update_article(std::int64_t id,
                                                   const KbArticleChanges& changes) {
  std::optional<std::string> title, body;
  if (changes.title) {
    ECRM_ASSIGN_OR_RETURN(title, title_text(*changes.title));
  }
  if (changes.body) {
    ECRM_ASSIGN_OR_RETURN(body, body_text(*changes.body, "body"));
  }
  return with_transaction<KbArticle>(db_, TxMode::kWrite, [&](Connection& c) -> Result<KbArticle> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.article(c, id));
    if (!found) return Error::not_found("no such article", "article_not_found");
    KbArticle a = std::move(*found);
    if (title) a.title = *title;
    if (body) a.body = *body;
    if (changes.product_id) a.product_id = *changes.product_id;
    if (changes.category_id) a.category_id = *changes.category_id;
    if (changes.published) a.published = *changes.published;
    ECRM_RETURN_IF_ERROR(check_article_targets(c, a));
    a.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_article(c, a));
    return a;
  });
}

// ---------------------------------------------------------------------------------------------
// Search

Result<std::vector<CommunityHit>> CommunityService::search(const CommunitySearchQuery& query,
                                                           std::int64_t offset, int limit) {
  const auto parsed = search::parse_fulltext_query(query.q);
  if (parsed.empty()) return Error::invalid("q needs a word to look for", "q", "required");
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  // Visible opening posts and answers of visible threads (of one board).
  const std::optional<std::int64_t> board_id = query.board_id;
  auto filter = [board_id](search::Sql& sql, std::string_view alias) {
    const std::string a(alias);
    sql << " AND " << a << ".status = 'visible' AND " << a
        << ".kind <> 'comment' AND EXISTS (SELECT 1 FROM community_threads t WHERE t.id = " << a
        << ".thread_id AND t.status = 'visible'";
    if (board_id) {
      sql << " AND t.board_id = ";
      sql.bind(*board_id);
    }
    sql << ")";
  };
  ECRM_ASSIGN_OR_RETURN(
      auto hits, search::fulltext_search(*lease, kPostsIndex, parsed, filter,
                                         search::FullTextPage{limit, static_cast<int>(offset)}));
  std::vector<CommunityHit> out;
  for (const auto& hit : hits) {
    ECRM_ASSIGN_OR_RETURN(auto post, repo_.post(*lease, hit.id));
    if (!post) continue;
    ECRM_ASSIGN_OR_RETURN(auto t, repo_.thread(*lease, post->post.thread_id));
    if (!t) continue;
    CommunityHit h;
    h.thread = t->thread;
    h.post_id = hit.id;
    h.kind = post->post.kind;
    h.title = search::highlight_fulltext("title", t->thread.title, parsed);
    h.snippet = search::highlight_fulltext("body", post->post.body, parsed, kSnippetChars);
    out.push_back(std::move(h));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reviews

Result<Review> CommunityService::hide_review(std::int64_t review_id,
                                             const ModerationRequest& request) {
  const std::string reason = plain_line(request.reason);
  if (reason.empty()) return Error::invalid("reason is required", "reason", "required");
  return with_transaction<Review>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Review> {
    ECRM_ASSIGN_OR_RETURN(auto row, repo_.review(c, review_id));
    if (!row) return Error::not_found("no such review", "review_not_found");
    ECRM_RETURN_IF_ERROR(repo_.set_review_status(c, review_id, ReviewStatus::kHidden, reason));
    ECRM_ASSIGN_OR_RETURN(auto after, repo_.review(c, review_id));
    return std::move(after->review);
  });
}

Result<Review> CommunityService::restore_review(std::int64_t review_id) {
  return with_transaction<Review>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Review> {
    ECRM_ASSIGN_OR_RETURN(auto row, repo_.review(c, review_id));
    if (!row) return Error::not_found("no such review", "review_not_found");
    ECRM_RETURN_IF_ERROR(repo_.set_review_status(c, review_id, ReviewStatus::kVisible, ""));
    ECRM_ASSIGN_OR_RETURN(auto after, repo_.review(c, review_id));
    return std::move(after->review);
  });
}

Result<Review> CommunityService::put_review(std::int64_t customer_id, std::int64_t product_id,
                                            const ReviewInput& input) {
  if (input.rating < 1 || input.rating > 5) {
    return Error::invalid("rating must be 1 to 5", "rating", "out_of_range");
  }
  const std::string title = input.title ? plain_line(*input.title) : "";
  std::string body = input.body ? trimmed(plain_text(*input.body)) : "";
  if (const auto chars = char_count(body); chars > kMaxBodyChars) return too_large("body", chars);
  ECRM_ASSIGN_OR_RETURN(
      auto id,
      with_transaction<std::int64_t>(
          db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
            const UnixMs now = now_ms();
            ECRM_ASSIGN_OR_RETURN(auto facts, repo_.customer(c, customer_id));
            if (!facts || !facts->live) {
              return Error::unauthenticated("this account is closed", "portal_account_closed");
            }
            ECRM_ASSIGN_OR_RETURN(auto name, repo_.product_name(c, product_id));
            if (!name) return Error::not_found("no such product", "product_not_found");
            ECRM_ASSIGN_OR_RETURN(auto order, repo_.purchase(c, customer_id, product_id));
            if (!order) {
              return forbidden("a review needs a shipped or delivered order of the product",
                               "not_purchased", "product_id");
            }
            ECRM_RETURN_IF_ERROR(repo_.ensure_member(c, customer_id, now));
            return repo_.put_review(c, product_id, customer_id, *order, input.rating, title, body,
                                    now);
          }));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto row, repo_.review(*lease, id));
  if (!row) return Error::not_found("no such review", "review_not_found");
  return std::move(row->review);
}

Result<ReviewSummary> CommunityService::product_reviews(std::int64_t product_id,
                                                        std::optional<std::int64_t> before,
                                                        int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto name, repo_.product_name(*lease, product_id));
  if (!name) return Error::not_found("no such product", "product_not_found");
  ReviewSummary s;
  s.product_id = product_id;
  ECRM_ASSIGN_OR_RETURN(s.by_rating, repo_.rating_counts(*lease, product_id));
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < s.by_rating.size(); ++i) {
    s.count += s.by_rating[i];
    sum += s.by_rating[i] * static_cast<std::int64_t>(i + 1);
  }
  if (s.count > 0) {
    // One decimal, rounded half up, as people write it.
    const std::int64_t tenths = (sum * 20 + s.count) / (2 * s.count);
    s.average = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
  }
  ECRM_ASSIGN_OR_RETURN(auto rows, repo_.reviews(*lease, product_id, std::nullopt, before, limit));
  for (auto& row : rows) s.items.push_back(std::move(row.review));
  return s;
}

Result<std::vector<Review>> CommunityService::reviews(const ReviewQuery& query,
                                                      std::optional<std::int64_t> before,
                                                      int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto rows,
                        repo_.reviews(*lease, query.product_id, std::nullopt, before, limit));
  std::vector<Review> out;
  for (auto& row : rows) out.push_back(std::move(row.review));
  return out;
}

Result<std::vector<Review>> CommunityService::reviews_of(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto rows,
                        repo_.reviews(*lease, std::nullopt, customer_id, std::nullopt, 500));
  std::vector<Review> out;
  for (auto& row : rows) out.push_back(std::move(row.review));
  return out;
}

Result<Review> CommunityService::reply_review(std::int64_t review_id, const ReplyRequest& request,
                                              const StaffActor& staff) {
  std::string body = trimmed(plain_text(request.body));
  if (body.empty()) return Error::invalid("body is required", "body", "required");
  if (const auto chars = char_count(body); chars > kMaxBodyChars) return too_large("body", chars);
  return with_transaction<Review>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Review> {
    ECRM_ASSIGN_OR_RETURN(auto row, repo_.review(c, review_id));
    if (!row) return Error::not_found("no such review", "review_not_found");
    ECRM_RETURN_IF_ERROR(repo_.set_reply(c, review_id, body, staff.name, now_ms()));
    ECRM_ASSIGN_OR_RETURN(auto after, repo_.review(c, review_id));
    return std::move(after->review);
  });
}

}  // namespace ecrm::community
