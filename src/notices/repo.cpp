#include "notices/repo.hpp"

#include <algorithm>

namespace ecrm::notices {
namespace {

using storage::RowView;

constexpr std::string_view kFollowers =
    "SELECT DISTINCT u.id, u.email, u.name FROM staff_follows f JOIN users u ON u.id = f.user_id "
    "WHERE f.topic = $1 AND u.disabled = 0 AND (f.scope = 'all' "
    "OR (f.scope = 'product' AND f.target_id = $2) OR (f.scope = 'category' AND f.target_id = $3)) "
    "ORDER BY u.id";
constexpr std::string_view kFollows =
    "SELECT scope, target_id FROM staff_follows WHERE user_id = $1 AND topic = $2 "
    "ORDER BY scope, target_id";
constexpr std::string_view kClearFollows =
    "DELETE FROM staff_follows WHERE user_id = $1 AND topic = $2";
constexpr std::string_view kAddFollow =
    "INSERT INTO staff_follows (user_id, topic, scope, target_id, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr std::string_view kProductExists = "SELECT COUNT(*) FROM products WHERE id = $1";
constexpr std::string_view kCategoryExists = "SELECT COUNT(*) FROM categories WHERE id = $1";
constexpr std::string_view kAddNotice =
    "INSERT INTO staff_notices (user_id, topic, event_key, title, body, link, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, event_key) DO NOTHING RETURNING id";
#define ECRM_NOTICE_COLUMNS \
  "SELECT id, topic, title, body, link, created_at, read_at FROM staff_notices "
// $2: 1 for unread ones only; $3: below this id (0: any).
constexpr std::string_view kNotices =
    ECRM_NOTICE_COLUMNS "WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL) "
    "AND ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4";
constexpr std::string_view kNotice = ECRM_NOTICE_COLUMNS "WHERE id = $1 AND user_id = $2";
#undef ECRM_NOTICE_COLUMNS
constexpr std::string_view kUnread =
    "SELECT COUNT(*) FROM staff_notices WHERE user_id = $1 AND read_at IS NULL";
constexpr std::string_view kMarkRead =
    "UPDATE staff_notices SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL";
constexpr std::string_view kMarkAllRead =
    "UPDATE staff_notices SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL";

std::string topic_name(NoticeTopic topic) { return std::string(wire::enum_name(topic)); }

Notice notice_of(const RowView& row) {
  Notice n;
  n.id = row.get_int(0);
  n.topic = wire::parse_enum<NoticeTopic>(row.get_text(1)).value_or(NoticeTopic::kFeedback);
  n.title = std::string(row.get_text(2));
  n.body = std::string(row.get_text(3));
  n.link = std::string(row.get_text(4));
  n.created_at = row.get_int(5);
  if (!row.is_null(6)) n.read_at = row.get_int(6);
  return n;
}

}  // namespace

Result<std::vector<Follower>> NoticesRepo::followers(Connection& c, NoticeTopic topic,
                                                     std::optional<std::int64_t> product_id,
                                                     std::optional<std::int64_t> category_id) {
  std::vector<Follower> out;
  ECRM_RETURN_IF_ERROR(c.query(kFollowers,
                               {topic_name(topic), product_id.value_or(0), category_id.value_or(0)},
                               [&](const RowView& row) {
                                 out.push_back({row.get_int(0), std::string(row.get_text(1)),
                                                std::string(row.get_text(2))});
                               }));
  return out;
}

Result<Subscriptions> NoticesRepo::subscriptions(Connection& c, std::int64_t user_id,
                                                 NoticeTopic topic) {
  Subscriptions out;
  out.topic = topic;
  ECRM_RETURN_IF_ERROR(c.query(kFollows, {user_id, topic_name(topic)}, [&](const RowView& row) {
    const std::string_view scope = row.get_text(0);
    if (scope == "all") out.all = true;
    if (scope == "product") out.product_ids.push_back(row.get_int(1));
    if (scope == "category") out.category_ids.push_back(row.get_int(1));
  }));
  return out;
}

Status NoticesRepo::set_subscriptions(Connection& c, std::int64_t user_id, const Subscriptions& s,
                                      UnixMs now) {
  const std::string topic = topic_name(s.topic);
  ECRM_RETURN_IF_ERROR(storage::done(c.execute(kClearFollows, {user_id, topic})));
  const auto add = [&](const char* scope, std::int64_t target) {
    return storage::done(c.execute(kAddFollow, {user_id, topic, std::string(scope), target, now}));
  };
  if (s.all) ECRM_RETURN_IF_ERROR(add("all", 0));
  for (const std::int64_t id : s.product_ids) ECRM_RETURN_IF_ERROR(add("product", id));
  for (const std::int64_t id : s.category_ids) ECRM_RETURN_IF_ERROR(add("category", id));
  return {};
}

Result<bool> NoticesRepo::product_exists(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kProductExists, {id}));
  return n.value_or(0) > 0;
}

Result<bool> NoticesRepo::category_exists(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCategoryExists, {id}));
  return n.value_or(0) > 0;
}

Result<std::optional<std::int64_t>> NoticesRepo::add(Connection& c, std::int64_t user_id,
                                                     const Announcement& a, UnixMs now) {
  return c.query_int(kAddNotice,
                     {user_id, topic_name(a.topic), a.event_key, a.title, a.body, a.link, now});
}

Result<std::vector<Notice>> NoticesRepo::list(Connection& c, std::int64_t user_id,
                                              bool unread_only, std::int64_t before_id,
                                              int limit) {
  std::vector<Notice> out;
  ECRM_RETURN_IF_ERROR(c.query(kNotices,
                               {user_id, static_cast<std::int64_t>(unread_only ? 1 : 0), before_id,
                                static_cast<std::int64_t>(limit)},
                               [&](const RowView& row) { out.push_back(notice_of(row)); }));
  return out;
}

Result<std::int64_t> NoticesRepo::unread(Connection& c, std::int64_t user_id) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kUnread, {user_id}));
  return n.value_or(0);
}

Result<std::optional<Notice>> NoticesRepo::find(Connection& c, std::int64_t user_id,
                                                std::int64_t id) {
  std::optional<Notice> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kNotice, {id, user_id}, [&](const RowView& row) { out = notice_of(row); }));
  return out;
}

Status NoticesRepo::mark_read(Connection& c, std::int64_t user_id, std::int64_t id, UnixMs now) {
  return storage::done(c.execute(kMarkRead, {id, user_id, now}));
}

Status NoticesRepo::mark_all_read(Connection& c, std::int64_t user_id, UnixMs now) {
  return storage::done(c.execute(kMarkAllRead, {user_id, now}));
}

}  // namespace ecrm::notices
