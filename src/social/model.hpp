// Social listening's records: mentions of the shop on social platforms, the products they name,
// staff replies posted back through the outgoing webhook, customers' handles, products'
// aliases, and the reputation dashboard, described for the wire (core/describe.hpp). Times are
// unix milliseconds; on input they may also be ISO-8601 text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::social {

// Lengths that are part of the contract.
inline constexpr std::size_t kMaxPlatform = 32;
inline constexpr std::size_t kMaxExternalId = 200;
inline constexpr std::size_t kMaxHandle = 100;
inline constexpr std::size_t kMaxUrl = 2000;
inline constexpr std::size_t kMaxText = 10'000;
inline constexpr std::size_t kMaxReply = 2'000;
inline constexpr std::size_t kMaxAlias = 200;
inline constexpr std::size_t kMaxBatch = 500;       // mentions per webhook call
inline constexpr std::size_t kMaxHandles = 50;      // handles per customer
inline constexpr std::size_t kMaxAliases = 100;     // aliases per product
inline constexpr std::size_t kMaxSecret = 200;
// A signed call's timestamp may be this far from the server's clock (replays are refused).
inline constexpr std::int64_t kSignatureToleranceSeconds = 300;

enum class MentionStatus { kNew, kHandled, kEscalated };
ECRM_DESCRIBE_ENUM(MentionStatus, kNew, kHandled, kEscalated)

enum class Sentiment { kPositive, kNegative, kNeutral };
ECRM_DESCRIBE_ENUM(Sentiment, kPositive, kNegative, kNeutral)

// queued: to be posted (again); sent: the receiver answered 2xx; failed: every attempt failed;
// unsent: no outgoing webhook was configured when it was written.
enum class ReplyStatus { kQueued, kSent, kFailed, kUnsent };
ECRM_DESCRIBE_ENUM(ReplyStatus, kQueued, kSent, kFailed, kUnsent)

enum class MentionSource { kWebhook, kImport };
ECRM_DESCRIBE_ENUM(MentionSource, kWebhook, kImport)

// One mention as the webhook delivers it.
struct MentionInput {
  std::string platform;
  std::string external_id;
  std::string author_handle;
  std::optional<std::string> url;
  std::string text;
  UnixMs posted_at = 0;
};
ECRM_DESCRIBE(MentionInput, platform, external_id, author_handle, url, text, posted_at)
ECRM_WIRE_RULES(MentionInput, rule(&MentionInput::platform, {.max_length = kMaxPlatform}),
                rule(&MentionInput::external_id, {.max_length = kMaxExternalId}),
                rule(&MentionInput::author_handle, {.max_length = kMaxHandle}),
                rule(&MentionInput::url, {.max_length = kMaxUrl}),
                rule(&MentionInput::text, {.max_length = kMaxText}),
                rule(&MentionInput::posted_at, {.format = "date-time"}))

// The body of POST /api/v1/social/mentions.
struct MentionBatch {
  std::vector<MentionInput> mentions;
};
ECRM_DESCRIBE(MentionBatch, mentions)
ECRM_WIRE_RULES(MentionBatch, rule(&MentionBatch::mentions, {.max_length = kMaxBatch}))

// What a batch did: the stored mentions' ids in the batch's order (a duplicate answers the id
// stored first).
struct IngestResult {
  std::int64_t received = 0;
  std::int64_t stored = 0;
  std::int64_t duplicates = 0;
  std::vector<std::int64_t> ids;
};
ECRM_DESCRIBE(IngestResult, received, stored, duplicates, ids)

struct MentionProduct {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
};
ECRM_DESCRIBE(MentionProduct, id, sku, name)

struct Mention {
  std::int64_t id = 0;
  std::string platform;
  std::string external_id;
  std::string author_handle;
  std::string url;
  std::string text;
  UnixMs posted_at = 0;
  UnixMs received_at = 0;
  MentionSource source = MentionSource::kWebhook;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> customer_name;
  std::vector<MentionProduct> products;
  std::optional<Sentiment> sentiment;
  std::optional<double> sentiment_score;  // -1 (negative) to 1 (positive), two decimals
  MentionStatus status = MentionStatus::kNew;
  std::optional<std::int64_t> ticket_id;
  std::optional<std::int64_t> handled_by;
  std::optional<UnixMs> handled_at;
  std::int64_t replies = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Mention, id, platform, external_id, author_handle, url, text, posted_at,
              received_at, source, customer_id, customer_name, products, sentiment,
              sentiment_score, status, ticket_id, handled_by, handled_at, replies, updated_at)

struct MentionReply {
  std::int64_t id = 0;
  std::int64_t mention_id = 0;
  std::optional<std::int64_t> author_id;
  std::string author_name;
  std::string text;
  ReplyStatus status = ReplyStatus::kQueued;
  std::int64_t attempts = 0;
  std::optional<UnixMs> next_attempt_at;
  std::string response;
  UnixMs created_at = 0;
  std::optional<UnixMs> sent_at;
};
ECRM_DESCRIBE(MentionReply, id, mention_id, author_id, author_name, text, status, attempts,
              next_attempt_at, response, created_at, sent_at)

// GET /api/v1/social/mentions/{id}: the mention and its replies, oldest first.
struct MentionDetail {
  Mention mention;
  std::vector<MentionReply> replies;
};
ECRM_DESCRIBE(MentionDetail, mention, replies)

// The inbox's filters (GET /api/v1/social/mentions), newest first.
struct MentionQuery {
  std::optional<MentionStatus> status;
  std::optional<std::string> platform;
  std::optional<Sentiment> sentiment;
  std::optional<std::int64_t> product_id;
  std::optional<std::int64_t> customer_id;
  std::optional<UnixMs> from;  // posted at or after
  std::optional<UnixMs> to;    // posted before
};
ECRM_DESCRIBE(MentionQuery, status, platform, sentiment, product_id, customer_id, from, to)
ECRM_WIRE_RULES(MentionQuery, rule(&MentionQuery::platform, {.max_length = kMaxPlatform}),
                rule(&MentionQuery::from, {.format = "date-time"}),
                rule(&MentionQuery::to, {.format = "date-time"}))

struct ReplyInput {
  std::string text;
};
ECRM_DESCRIBE(ReplyInput, text)
ECRM_WIRE_RULES(ReplyInput, rule(&ReplyInput::text, {.max_length = kMaxReply}))

enum class EscalatePriority { kLow, kNormal, kHigh, kUrgent };
ECRM_DESCRIBE_ENUM(EscalatePriority, kLow, kNormal, kHigh, kUrgent)

struct EscalateRequest {
  std::optional<EscalatePriority> priority;  // default: high for a negative mention, else normal
};
ECRM_DESCRIBE(EscalateRequest, priority)

// What an escalation answers: the ticket (the same one however often it is asked).
struct EscalateResult {
  std::int64_t ticket_id = 0;
  bool created = false;
  Mention mention;
};
ECRM_DESCRIBE(EscalateResult, ticket_id, created, mention)

// A customer's handles (GET/PUT /api/v1/customers/{id}/social-handles).
struct SocialHandle {
  std::string platform;
  std::string handle;
};
ECRM_DESCRIBE(SocialHandle, platform, handle)
ECRM_WIRE_RULES(SocialHandle, rule(&SocialHandle::platform, {.max_length = kMaxPlatform}),
                rule(&SocialHandle::handle, {.max_length = kMaxHandle}))

struct SocialHandlesInput {
  std::vector<SocialHandle> handles;
};
ECRM_DESCRIBE(SocialHandlesInput, handles)
ECRM_WIRE_RULES(SocialHandlesInput,
                rule(&SocialHandlesInput::handles, {.max_length = kMaxHandles}))

// A product's aliases (GET/PUT /api/v1/products/{id}/aliases).
struct AliasesInput {
  std::vector<std::string> aliases;
};
ECRM_DESCRIBE(AliasesInput, aliases)
ECRM_WIRE_RULES(AliasesInput, rule(&AliasesInput::aliases, {.max_length = kMaxAliases}))

// The webhooks' settings. Secrets are written, never read back: the view says whether one is set.
struct SocialSettingsInput {
  std::optional<std::string> inbound_secret;  // "" clears
  std::optional<std::string> reply_url;       // http(s); "" turns posting replies off
  std::optional<std::string> reply_secret;    // "" signs replies with the inbound secret
};
ECRM_DESCRIBE(SocialSettingsInput, inbound_secret, reply_url, reply_secret)
ECRM_WIRE_RULES(SocialSettingsInput, rule(&SocialSettingsInput::inbound_secret, {.max_length = kMaxSecret}),
                rule(&SocialSettingsInput::reply_url, {.max_length = kMaxUrl}),
                rule(&SocialSettingsInput::reply_secret, {.max_length = kMaxSecret}))

struct SocialSettings {
  bool inbound_secret_set = false;
  std::string reply_url;
  bool reply_secret_set = false;
};
ECRM_DESCRIBE(SocialSettings, inbound_secret_set, reply_url, reply_secret_set)

// A bad line of an import file.
struct MentionImportError {
  std::int64_t line = 0;
  std::string field;
  std::string message;
};
ECRM_DESCRIBE(MentionImportError, line, field, message)

// POST /api/v1/social/import?skip_bad=: without skip_bad one bad line stores nothing.
struct MentionImportQuery {
  bool skip_bad = false;
};
ECRM_DESCRIBE(MentionImportQuery, skip_bad)

struct MentionImportReport {
  std::int64_t rows_read = 0;
  std::int64_t stored = 0;
  std::int64_t duplicates = 0;
  std::int64_t bad_rows = 0;
  bool committed = false;
  std::vector<MentionImportError> errors;  // the first 1000
  std::string message;
};
ECRM_DESCRIBE(MentionImportReport, rows_read, stored, duplicates, bad_rows, committed, errors, message)

// The reputation dashboard (GET /api/v1/social/reputation).
enum class Bucket { kDay, kWeek };
ECRM_DESCRIBE_ENUM(Bucket, kDay, kWeek)

struct ReputationQuery {
  std::optional<UnixMs> from;  // default: 30 days before `to`
  std::optional<UnixMs> to;    // default: now
  std::optional<Bucket> bucket;
  std::optional<std::string> platform;
  std::optional<std::int64_t> product_id;
};
ECRM_DESCRIBE(ReputationQuery, from, to, bucket, platform, product_id)
ECRM_WIRE_RULES(ReputationQuery, rule(&ReputationQuery::from, {.format = "date-time"}),
                rule(&ReputationQuery::to, {.format = "date-time"}),
                rule(&ReputationQuery::platform, {.max_length = kMaxPlatform}))

struct SentimentCounts {
  std::int64_t total = 0;
  std::int64_t positive = 0;
  std::int64_t negative = 0;
  std::int64_t neutral = 0;
  std::int64_t unscored = 0;
};
ECRM_DESCRIBE(SentimentCounts, total, positive, negative, neutral, unscored)

struct ReputationBucket {
  std::string start;  // the bucket's first day, "YYYY-MM-DD" (UTC); weeks start on Monday
  SentimentCounts counts;
  std::vector<std::string> topics;  // the period's top topics used most in this bucket, at most 3
};
ECRM_DESCRIBE(ReputationBucket, start, counts, topics)

// Shares of the scored mentions, in percent with one decimal.
struct SentimentShare {
  double positive = 0;
  double negative = 0;
  double neutral = 0;
};
ECRM_DESCRIBE(SentimentShare, positive, negative, neutral)

struct ReputationTopic {
  std::string phrase;
  std::int64_t count = 0;     // mentions that use it
  std::int64_t negative = 0;  // of which negative
};
ECRM_DESCRIBE(ReputationTopic, phrase, count, negative)

struct PlatformCount {
  std::string platform;
  std::int64_t count = 0;
};
ECRM_DESCRIBE(PlatformCount, platform, count)

struct Reputation {
  UnixMs from = 0;
  UnixMs to = 0;
  Bucket bucket = Bucket::kDay;
  SentimentCounts totals;
  SentimentShare share;
  std::vector<ReputationBucket> buckets;
  std::vector<PlatformCount> platforms;
  std::vector<ReputationTopic> topics;  // the most used words and phrases, at most 20
};
ECRM_DESCRIBE(Reputation, from, to, bucket, totals, share, buckets, platforms, topics)

}  // namespace ecrm::social
