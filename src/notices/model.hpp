// Staff notices' records: what a staff user follows per topic, the notices they get in the app,
// and what a capability announces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::notices {

// What a staff user can follow. feedback: feedback alerts (an issue rising sharply, a jump of
// the negative share) of products.
enum class NoticeTopic { kFeedback };
ECRM_DESCRIBE_ENUM(NoticeTopic, kFeedback)

// A staff user's subscriptions to a topic: every product, or some categories and products.
struct Subscriptions {
  NoticeTopic topic = NoticeTopic::kFeedback;
  bool all = false;
  std::vector<std::int64_t> product_ids;   // ascending
  std::vector<std::int64_t> category_ids;  // ascending
};
ECRM_DESCRIBE(Subscriptions, topic, all, product_ids, category_ids)

// What a staff user writes to replace their subscriptions to a topic (absent: none).
struct SubscriptionsInput {
  std::optional<bool> all;
  std::optional<std::vector<std::int64_t>> product_ids;
  std::optional<std::vector<std::int64_t>> category_ids;
};
ECRM_DESCRIBE(SubscriptionsInput, all, product_ids, category_ids)
ECRM_WIRE_RULES(SubscriptionsInput, rule(&SubscriptionsInput::product_ids, {.max_length = 500}),
                rule(&SubscriptionsInput::category_ids, {.max_length = 500}))

// A notice to one staff user.
struct Notice {
  std::int64_t id = 0;
  NoticeTopic topic = NoticeTopic::kFeedback;
  std::string title;
  std::string body;
  std::string link;  // a path in the app
  UnixMs created_at = 0;
  std::optional<UnixMs> read_at;
};
ECRM_DESCRIBE(Notice, id, topic, title, body, link, created_at, read_at)
ECRM_WIRE_RULES(Notice, rule(&Notice::created_at, {.format = "date-time"}),
                rule(&Notice::read_at, {.format = "date-time"}))

enum class NoticeState { kUnread, kAll };
ECRM_DESCRIBE_ENUM(NoticeState, kUnread, kAll)

struct NoticeQuery {
  std::optional<NoticeState> state;  // all (default) or unread
};
ECRM_DESCRIBE(NoticeQuery, state)

struct NoticeCount {
  std::int64_t unread = 0;
};
ECRM_DESCRIBE(NoticeCount, unread)

// What a capability announces to the staff following it: a notice for each of them (once per
// `event_key`) and an e-mail to each.
struct Announcement {
  NoticeTopic topic = NoticeTopic::kFeedback;
  std::optional<std::int64_t> product_id;   // followers of the product …
  std::optional<std::int64_t> category_id;  // … of its category, and of everything get it
  std::string event_key;                    // what it is about: feedback_alert:12
  std::string title;
  std::string body;
  std::string link;  // a path in the app: /feedback?product=12
};

}  // namespace ecrm::notices
