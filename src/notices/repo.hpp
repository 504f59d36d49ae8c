// Staff notices' SQL (migration 0047; statements as named constants in repo.cpp): follows,
// notices, and the staff users they go to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "notices/model.hpp"
#include "storage/database.hpp"

namespace ecrm::notices {

using storage::Connection;

struct Follower {
  std::int64_t user_id = 0;
  std::string email;
  std::string name;
};

class NoticesRepo {
 public:
  // The enabled staff users following `topic` for everything, the category or the product.
  Result<std::vector<Follower>> followers(Connection& c, NoticeTopic topic,
                                          std::optional<std::int64_t> product_id,
                                          std::optional<std::int64_t> category_id);
  Result<Subscriptions> subscriptions(Connection& c, std::int64_t user_id, NoticeTopic topic);
  // Replaces the user's follows of `topic`.
  Status set_subscriptions(Connection& c, std::int64_t user_id, const Subscriptions& s, UnixMs now);
  Result<bool> product_exists(Connection& c, std::int64_t id);
  Result<bool> category_exists(Connection& c, std::int64_t id);

  // Adds the notice unless the user has one with its event key: its id, nullopt when not added.
  Result<std::optional<std::int64_t>> add(Connection& c, std::int64_t user_id,
                                          const Announcement& a, UnixMs now);
  // The user's notices, newest first, below `before_id` (0: from the newest).
  Result<std::vector<Notice>> list(Connection& c, std::int64_t user_id, bool unread_only,
                                   std::int64_t before_id, int limit);
  Result<std::int64_t> unread(Connection& c, std::int64_t user_id);
  // The user's notice `id`; nullopt when there is none of theirs.
  Result<std::optional<Notice>> find(Connection& c, std::int64_t user_id, std::int64_t id);
  Status mark_read(Connection& c, std::int64_t user_id, std::int64_t id, UnixMs now);
  Status mark_all_read(Connection& c, std::int64_t user_id, UnixMs now);
};

}  // namespace ecrm::notices
