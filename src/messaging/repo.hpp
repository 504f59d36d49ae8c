// Messaging's SQL: templates, the outbox, message events, suppressions and the signing key.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "messaging/model.hpp"
#include "storage/database.hpp"

namespace ecrm::messaging {

using storage::Connection;

// A message to queue.
struct NewMessage {
  std::int64_t customer_id = 0;
  std::string template_key;
  MessageKind kind = MessageKind::kMarketing;
  std::string source;
  std::optional<std::string> dedupe_key;
  std::string data = "{}";  // JSON object
  UnixMs not_before = 0;
  bool drop_when_capped = false;  // a frequency cap drops it instead of holding it back
  ThreadHeaders thread;  // a ticket's reply: its place in the conversation
};

// A claimed message with what delivery needs beyond the row.
struct Claimed {
  Message message;
  std::string data;  // JSON object
  bool drop_when_capped = false;
  ThreadHeaders thread;
};

// A delivery's outcome, written to the row.
struct Outcome {
  MessageStatus status = MessageStatus::kSent;
  std::string reason;
  std::string smtp_reply;
  UnixMs next_attempt_at = 0;  // queued again: when
  std::string language;
  std::string to;
  std::string subject;
  std::string digest;
  bool attempted = true;  // false: held back before it was tried (the claim's attempt is undone)
};

class MessagingRepo {
 public:
  // Templates.
  Result<Template> upsert_template(Connection& c, const Template& t);
  // Adds `t` unless its key and language exist (the shipped templates, on every start).
  Status ensure_template(Connection& c, const Template& t);
  Result<std::optional<Template>> find_template(Connection& c, const std::string& key,
                                                const std::string& language);
  Result<std::vector<Template>> list_templates(Connection& c);
  // The templates with any of `keys`, in every language.
  Result<std::vector<Template>> templates_with_keys(Connection& c,
                                                    const std::vector<std::string>& keys);
  Result<bool> delete_template(Connection& c, const std::string& key, const std::string& language);

  // Queues `m`; nullopt when a message with its dedupe key exists already.
  Result<std::optional<std::int64_t>> insert(Connection& c, const NewMessage& m, UnixMs now);
  Result<std::optional<Message>> find(Connection& c, std::int64_t id);
  // Newest first, below `before_id` (0: from the newest).
  Result<std::vector<Message>> list(Connection& c, const MessageQuery& q, std::int64_t before_id,
                                    int limit);

  // Puts back in the queue the messages whose sender's lease ran out (a crash or a kill while
  // sending: their outcome is unknown, so they are sent again, with the same Message-ID).
  Result<std::int64_t> release_expired(Connection& c, UnixMs now);
  // Claims up to `limit` due messages for one worker until `lease_until` (PostgreSQL: rows
  // another worker holds are skipped). A customer's marketing message is not claimed while
  // another of theirs is being sent (claims on PostgreSQL take turns for that).
  Result<std::vector<Claimed>> claim_due(Connection& c, UnixMs now, UnixMs lease_until, int limit);
  Status finish(Connection& c, std::int64_t id, const Outcome& outcome, UnixMs now);
  // finish() for each of `finished`, a statement per 20 rows: a row is written only while it is
  // still being sent by the claim that made its attempt count `attempts` (not when its outcome
  // was written already, or its lease ran out and it was claimed again). Returns the ids written.
  struct Finished {
    std::int64_t id = 0;
    int attempts = 0;
    const Outcome* outcome = nullptr;
    UnixMs at = 0;
  };
  Result<std::set<std::int64_t>> finish_claimed(Connection& c, std::span<const Finished> finished);
  // add_event() for each of `events`, a statement per 20.
  struct NewEvent {
    std::int64_t message_id = 0;
    std::int64_t customer_id = 0;
    std::string_view kind;
    UnixMs at = 0;
    const std::string* detail = nullptr;
  };
  Status add_events(Connection& c, std::span<const NewEvent> events);

  Status add_event(Connection& c, std::int64_t message_id, std::int64_t customer_id,
                   std::string_view kind, UnixMs at, const std::string& detail);
  Result<std::vector<MessageEvent>> events_of(Connection& c, std::int64_t message_id);
  // Suppressed addresses, newest first, containing `q` when given.
  Result<std::vector<Suppression>> suppressions(Connection& c, const std::optional<std::string>& q,
                                                int limit);
  Result<bool> unsuppress(Connection& c, const std::string& address);
  // Counts the events and final messages older than `before` into message_daily and deletes
  // them (the events of a deleted message with it).
  Result<AgeingResult> age(Connection& c, UnixMs before);

  // Marketing mail sent to the customer at or after `since`.
  Result<std::int64_t> marketing_sent_since(Connection& c, std::int64_t customer_id, UnixMs since);
  // The send time of the `nth` newest marketing message sent to the customer at or after `since`.
  Result<std::optional<UnixMs>> nth_marketing_sent_since(Connection& c, std::int64_t customer_id,
                                                         UnixMs since, int nth);

  // The send times of the marketing mail sent to each of `customers` at or after `since`, newest
  // first (customers sent none are absent).
  Result<std::map<std::int64_t, std::vector<UnixMs>>> marketing_sent_to(
      Connection& c, const std::vector<std::int64_t>& customers, UnixMs since);

  // Marketing messages to the customer being sent now with an id below `id` (claimed by other
  // delivery threads): they count against the cap before this one.
  Result<std::int64_t> marketing_in_flight_before(Connection& c, std::int64_t customer_id,
                                                  std::int64_t id);

  // What the frequency cap counts for a marketing message `id` to the customer: the customer's
  // marketing messages being sent with a lower id (claimed by other delivery threads, they go
  // first), and the send times of those sent at or after `since`, newest first.
  struct CountedMarketing {
    std::int64_t in_flight = 0;
    std::vector<UnixMs> sent_at;
  };
  Result<CountedMarketing> marketing_counted(Connection& c, std::int64_t customer_id,
                                             std::int64_t id, UnixMs since);

  Result<std::optional<std::string>> suppression_of(Connection& c, const std::string& address);
  // The suppressed ones of `addresses` (lower-case), with their reason.
  Result<std::map<std::string, std::string>> suppressions_of(
      Connection& c, const std::vector<std::string>& addresses);
  Status suppress(Connection& c, const std::string& address, std::string_view reason,
                  const std::string& detail, UnixMs at);

  Result<OutboxStats> stats(Connection& c);

  // Per source: messages sent, and the first reply time of each replied message.
  struct SourceReplies {
    std::int64_t sent = 0;
    std::vector<UnixMs> reply_delays;  // first reply - sent_at, per replied message
  };
  Result<std::map<std::string, SourceReplies>> replies(Connection& c);
  Status mark_bounced(Connection& c, std::int64_t id, const std::string& reason, UnixMs now);

  // The key that signs links, created on first use.
  Result<std::string> signing_secret(Connection& c);
};

}  // namespace ecrm::messaging
