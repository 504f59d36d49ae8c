// Staff notices: what a capability announces reaches the staff who follow it. A staff user
// follows a topic (feedback alerts) for every product, for categories or for products; an
// announcement (inside the announcing capability's transaction, so a notice exists exactly when
// what it is about does) gives each enabled follower one notice in the app, once per event key
// however often the announcing job runs, and queues one e-mail to their address through
// messaging's staff path (messaging/staff_mail.hpp: no customer consent or frequency cap). Each
// staff user reads and marks only their own notices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "notices/model.hpp"
#include "notices/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::notices {

struct NoticesOptions {
  std::string shop_name = "Shop";
  std::string base_url = "http://127.0.0.1:8080";  // the app's links in the e-mail
};

class StaffNotices {
 public:
  StaffNotices(storage::Database& db, NoticesOptions options);

  // Inside the caller's transaction on `c`: a notice and a queued e-mail for each follower of
  // the announcement's topic, product or category who has none for its event key. Returns the
  // notices added.
  Result<std::int64_t> announce(storage::Connection& c, const Announcement& a, UnixMs now);

  // The user's subscriptions to `topic`.
  Result<Subscriptions> subscriptions(std::int64_t user_id, NoticeTopic topic);
  // Replaces them: kInvalidArgument naming the member (product_ids[2]) for an id that is not a
  // product's (category's); nothing is stored then.
  Result<Subscriptions> set_subscriptions(std::int64_t user_id, NoticeTopic topic,
                                          const SubscriptionsInput& input, UnixMs now);

  // The user's notices, newest first, below `before_id` (0: from the newest).
  Result<std::vector<Notice>> list(std::int64_t user_id, const NoticeQuery& query,
                                   std::int64_t before_id, int limit);
  Result<NoticeCount> unread(std::int64_t user_id);
  // Marks the user's notice read (again: as it is); kNotFound when it is not one of theirs.
  Result<Notice> mark_read(std::int64_t user_id, std::int64_t id, UnixMs now);
  Result<NoticeCount> mark_all_read(std::int64_t user_id, UnixMs now);

 private:
  storage::Database& db_;
  NoticesOptions options_;
  NoticesRepo repo_;
};

}  // namespace ecrm::notices
