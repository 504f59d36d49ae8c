// Messaging's records: templates, the outbox's messages and what happened to each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::messaging {

// Marketing mail needs the customer's e-mail consent and counts against the frequency cap;
// transactional mail (order and shipping status, ticket replies, privacy) needs neither.
enum class MessageKind { kMarketing, kTransactional };
ECRM_DESCRIBE_ENUM(MessageKind, kMarketing, kTransactional)

// queued: waiting for its time; sending: claimed by a delivery worker (until its lease ends);
// sent: the relay accepted it; failed: refused for good, or out of attempts; bounced: a delivery
// status notification came back; suppressed: not sent, and why is in `reason`.
enum class MessageStatus { kQueued, kSending, kSent, kFailed, kBounced, kSuppressed };
ECRM_DESCRIBE_ENUM(MessageStatus, kQueued, kSending, kSent, kFailed, kBounced, kSuppressed)

inline constexpr const char* kLanguages[] = {"en", "zh-CN"};

// A message template in one language. Subject, HTML and text are mustache templates
// ({{customer.first_name}}, {{#recommendations}}…{{/recommendations}}); values are HTML-escaped
// in the HTML part.
struct Template {
  std::int64_t id = 0;
  std::string key;       // e.g. "birthday_card"; the same key in each language
  std::string language;  // "en" or "zh-CN"
  MessageKind kind = MessageKind::kMarketing;
  std::string subject;
  std::string html;
  std::string text;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Template, id, key, language, kind, subject, html, text, created_at, updated_at)
ECRM_WIRE_RULES(Template, rule(&Template::created_at, {.format = "date-time"}),
                rule(&Template::updated_at, {.format = "date-time"}))

// What staff write to create or replace a template (key and language from the path).
struct TemplateInput {
  MessageKind kind = MessageKind::kMarketing;
  std::string subject;
  std::string html;
  std::string text;
};
ECRM_DESCRIBE(TemplateInput, kind, subject, html, text)
ECRM_WIRE_RULES(TemplateInput, rule(&TemplateInput::subject, {.max_length = 500}),
                rule(&TemplateInput::html, {.max_length = 200000}),
                rule(&TemplateInput::text, {.max_length = 100000}))

// A rendered message.
struct Rendered {
  std::string subject;
  std::string html;
  std::string text;
};
ECRM_DESCRIBE(Rendered, subject, html, text)

// One message of the outbox. Rendered when sent: until then `to`, `language`, `subject` and
// `digest` are empty.
struct Message {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  std::string template_key;
  MessageKind kind = MessageKind::kMarketing;
  std::string source;  // the flow's or campaign's key ("manual" for one sent by staff)
  MessageStatus status = MessageStatus::kQueued;
  std::string reason;  // why it is held, suppressed or failed
  int attempts = 0;
  UnixMs next_attempt_at = 0;
  std::string language;
  std::string to;
  std::string subject;
  std::string digest;  // SHA-256 of subject, HTML and text
  std::string smtp_reply;
  UnixMs created_at = 0;
  std::optional<UnixMs> sent_at;
};
ECRM_DESCRIBE(Message, id, customer_id, template_key, kind, source, status, reason, attempts,
              next_attempt_at, language, to, subject, digest, smtp_reply, created_at, sent_at)
ECRM_WIRE_RULES(Message, rule(&Message::next_attempt_at, {.format = "date-time"}),
                rule(&Message::created_at, {.format = "date-time"}),
                rule(&Message::sent_at, {.format = "date-time"}))

// A message's place in a conversation (a ticket's reply): the Message-ID it is sent with (no
// brackets; empty: the outbox's own), In-Reply-To and References (bracketed, space-separated).
struct ThreadHeaders {
  std::string message_id;
  std::string in_reply_to;
  std::string references;
};

// A request to queue a template for a customer.
struct SendRequest {
  std::int64_t customer_id = 0;
  std::string template_key;
  std::optional<std::string> source;  // default "manual"
};
ECRM_DESCRIBE(SendRequest, customer_id, template_key, source)
ECRM_WIRE_RULES(SendRequest, rule(&SendRequest::template_key, {.max_length = 100}),
                rule(&SendRequest::source, {.max_length = 100}))

// A preview: a template (stored, or as being edited) rendered for a customer.
struct PreviewRequest {
  std::int64_t customer_id = 0;
  std::optional<std::string> template_key;  // a stored template …
  std::optional<std::string> language;
  std::optional<TemplateInput> draft;       // … or the one being edited
};
ECRM_DESCRIBE(PreviewRequest, customer_id, template_key, language, draft)

// A test send: a stored template or a draft rendered for a customer, sent to a staff address
// at once (not through the outbox; the subject starts with "[Test]").
struct TestSendRequest {
  std::int64_t customer_id = 0;
  std::optional<std::string> template_key;
  std::optional<std::string> language;
  std::optional<TemplateInput> draft;
  std::string to;
};
ECRM_DESCRIBE(TestSendRequest, customer_id, template_key, language, draft, to)
ECRM_WIRE_RULES(TestSendRequest, rule(&TestSendRequest::to, {.max_length = 254, .format = "email"}))

struct TestSendResult {
  bool accepted = false;
  std::string reply;  // the relay's answer
};
ECRM_DESCRIBE(TestSendResult, accepted, reply)

// What happened to a message: sent, deferred, suppressed, failed, open, click, reply, bounce,
// unsubscribe.
struct MessageEvent {
  std::int64_t id = 0;
  std::int64_t message_id = 0;
  std::string kind;
  UnixMs at = 0;
  std::string detail;
};
ECRM_DESCRIBE(MessageEvent, id, message_id, kind, at, detail)
ECRM_WIRE_RULES(MessageEvent, rule(&MessageEvent::at, {.format = "date-time"}))

// An address mail must not go to.
struct Suppression {
  std::string address;
  std::string reason;  // bounce | complaint | manual
  std::string detail;
  UnixMs at = 0;
};
ECRM_DESCRIBE(Suppression, address, reason, detail, at)
ECRM_WIRE_RULES(Suppression, rule(&Suppression::at, {.format = "date-time"}))

struct SuppressionInput {
  std::string address;
  std::optional<std::string> detail;
};
ECRM_DESCRIBE(SuppressionInput, address, detail)
ECRM_WIRE_RULES(SuppressionInput, rule(&SuppressionInput::address, {.max_length = 254, .format = "email"}),
                rule(&SuppressionInput::detail, {.max_length = 500}))

struct SuppressionQuery {
  std::optional<std::string> q;  // a part of the address
};
ECRM_DESCRIBE(SuppressionQuery, q)

// The rules marketing mail is sent by, as staff set them: the frequency caps (0: no cap) and
// the quiet hours in the shop's time zone ("21:00-08:00"; "" for none).
struct SendingRules {
  std::int64_t daily_cap = 1;
  std::int64_t weekly_cap = 3;
  std::string quiet_hours;
};
ECRM_DESCRIBE(SendingRules, daily_cap, weekly_cap, quiet_hours)
ECRM_WIRE_RULES(SendingRules, rule(&SendingRules::daily_cap, {.minimum = 0, .maximum = 100}),
                rule(&SendingRules::weekly_cap, {.minimum = 0, .maximum = 700}),
                rule(&SendingRules::quiet_hours, {.max_length = 11, .description = "HH:MM-HH:MM or empty"}))

// What an ageing of the message log did.
struct AgeingResult {
  UnixMs before = 0;             // rows older than this were counted and deleted
  std::int64_t messages = 0;     // deleted messages (sent, failed, bounced or suppressed)
  std::int64_t events = 0;       // deleted events
};
ECRM_DESCRIBE(AgeingResult, before, messages, events)
ECRM_WIRE_RULES(AgeingResult, rule(&AgeingResult::before, {.format = "date-time"}))

struct AgeingRequest {
  std::optional<std::int64_t> keep_days;  // default: the server's --message-log-days
};
ECRM_DESCRIBE(AgeingRequest, keep_days)
ECRM_WIRE_RULES(AgeingRequest, rule(&AgeingRequest::keep_days, {.minimum = 1, .maximum = 36500}))

// The outbox by status, for callers waiting until it has drained.
struct OutboxStats {
  std::int64_t queued = 0;
  std::int64_t sending = 0;
  std::int64_t sent = 0;
  std::int64_t failed = 0;
  std::int64_t bounced = 0;
  std::int64_t suppressed = 0;
};
ECRM_DESCRIBE(OutboxStats, queued, sending, sent, failed, bounced, suppressed)

// The message list's filters.
struct MessageQuery {
  std::optional<std::int64_t> customer;
  std::optional<MessageStatus> status;
  std::optional<std::string> source;
};
ECRM_DESCRIBE(MessageQuery, customer, status, source)

// Replies per flow or campaign: the reply rate and how fast customers answer.
struct ReplyStats {
  std::string source;
  std::int64_t sent = 0;
  std::int64_t replied = 0;                       // messages with at least one reply
  std::string reply_rate;                         // "28.0%"
  std::optional<std::int64_t> median_reply_minutes;  // from sending to the first reply
};
ECRM_DESCRIBE(ReplyStats, source, sent, replied, reply_rate, median_reply_minutes)

// What `ecrm mail-in` made of a message.
struct InboundResult {
  std::string kind;  // reply | bounce | delay | unmatched
  std::optional<std::int64_t> message_id;
  std::optional<std::int64_t> customer_id;
};
ECRM_DESCRIBE(InboundResult, kind, message_id, customer_id)

}  // namespace ecrm::messaging
