#include "notices/service.hpp"

#include <algorithm>

#include "messaging/staff_mail.hpp"

namespace ecrm::notices {
namespace {

using storage::Connection;
using storage::TxMode;

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

// Sorted, without repeats.
std::vector<std::int64_t> unique_ids(std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

StaffNotices::StaffNotices(storage::Database& db, NoticesOptions options)
    : db_(db), options_(std::move(options)) {}

Result<std::int64_t> StaffNotices::announce(Connection& c, const Announcement& a, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto followers,
                        repo_.followers(c, a.topic, a.product_id, a.category_id));
  std::int64_t added = 0;
  const std::string url = options_.base_url + a.link;
  for (const Follower& f : followers) {
    ECRM_ASSIGN_OR_RETURN(auto id, repo_.add(c, f.user_id, a, now));
    if (!id) continue;
    ++added;
    if (f.email.empty()) continue;
    messaging::StaffMail mail;
    mail.user_id = f.user_id;
    mail.to = f.email;
    mail.to_name = f.name;
    mail.subject = "[" + options_.shop_name + "] " + a.title;
    mail.text = a.body + "\n\n" + url + "\n";
    mail.html = "<p>" + html_escape(a.body) + "</p>\n<p><a href=\"" + html_escape(url) + "\">" +
                html_escape(url) + "</a></p>\n";
    mail.source = std::string(wire::enum_name(a.topic));
    mail.dedupe_key = a.event_key + ":user:" + std::to_string(f.user_id);
    ECRM_ASSIGN_OR_RETURN(bool queued, messaging::queue_staff_mail(c, mail, now));
    (void)queued;  // false: queued by an earlier announcement of the same event
  }
  return added;
}

Result<Subscriptions> StaffNotices::subscriptions(std::int64_t user_id, NoticeTopic topic) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.subscriptions(*lease, user_id, topic);
}

Result<Subscriptions> StaffNotices::set_subscriptions(std::int64_t user_id, NoticeTopic topic,
                                                      const SubscriptionsInput& input,
                                                      UnixMs now) {
  return storage::with_transaction<Subscriptions>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<Subscriptions> {
        Subscriptions s;
        s.topic = topic;
        s.all = input.all.value_or(false);
        const auto check = [&](const std::optional<std::vector<std::int64_t>>& ids,
                               const std::string& field, bool products) -> Status {
          if (!ids) return {};
          for (std::size_t i = 0; i < ids->size(); ++i) {
            const std::string path = field + "[" + std::to_string(i) + "]";
            const std::int64_t id = (*ids)[i];
            ECRM_ASSIGN_OR_RETURN(bool exists, id <= 0 ? Result<bool>(false)
                                               : products ? repo_.product_exists(c, id)
                                                          : repo_.category_exists(c, id));
            if (!exists) {
              return Error::invalid(std::string("no ") + (products ? "product" : "category") +
                                        " has the id " + std::to_string(id),
                                    path);
            }
          }
          return {};
        };
        ECRM_RETURN_IF_ERROR(check(input.product_ids, "product_ids", true));
        ECRM_RETURN_IF_ERROR(check(input.category_ids, "category_ids", false));
        s.product_ids = unique_ids(input.product_ids.value_or(std::vector<std::int64_t>{}));
        s.category_ids = unique_ids(input.category_ids.value_or(std::vector<std::int64_t>{}));
        ECRM_RETURN_IF_ERROR(repo_.set_subscriptions(c, user_id, s, now));
        return repo_.subscriptions(c, user_id, topic);
      });
}

Result<std::vector<Notice>> StaffNotices::list(std::int64_t user_id, const NoticeQuery& query,
                                               std::int64_t before_id, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list(*lease, user_id, query.state.value_or(NoticeState::kAll) == NoticeState::kUnread,
                    before_id, limit);
}

Result<NoticeCount> StaffNotices::unread(std::int64_t user_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto n, repo_.unread(*lease, user_id));
  return NoticeCount{n};
}

Result<Notice> StaffNotices::mark_read(std::int64_t user_id, std::int64_t id, UnixMs now) {
  return storage::with_transaction<Notice>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Notice> {
    ECRM_RETURN_IF_ERROR(repo_.mark_read(c, user_id, id, now));
    ECRM_ASSIGN_OR_RETURN(auto notice, repo_.find(c, user_id, id));
    if (!notice) return Error::not_found("no such notice");
    return *notice;
  });
}

Result<NoticeCount> StaffNotices::mark_all_read(std::int64_t user_id, UnixMs now) {
  return storage::with_transaction<NoticeCount>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<NoticeCount> {
        ECRM_RETURN_IF_ERROR(repo_.mark_all_read(c, user_id, now));
        ECRM_ASSIGN_OR_RETURN(auto n, repo_.unread(c, user_id));
        return NoticeCount{n};
      });
}

}  // namespace ecrm::notices
