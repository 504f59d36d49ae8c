// Social listening: mentions come in by a signed webhook or a CSV import, are matched to
// customers (by the handles on their profile) and products (names, SKUs, aliases), scored for
// sentiment, and worked in the mentions inbox: a reply is recorded and posted back through the
// outgoing webhook (never lost: queued, retried, failed with the receiver's answer), an
// escalation opens one ticket through the service desk, a mention can be marked handled. The
// reputation dashboard counts mentions and their sentiment per day or week, with the most used
// words and phrases.
//
// Every write runs in one transaction: a refused request (4xx naming the field) writes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "service/service.hpp"
#include "social/model.hpp"
#include "storage/database.hpp"

namespace ecrm::social {

// A text's sentiment as the scorer gives it.
struct Scored {
  Sentiment sentiment = Sentiment::kNeutral;
  double score = 0;
};

struct SocialOptions {
  // Scores a mention's text; unset: mentions are stored unscored.
  std::function<Scored(const std::string&)> score;
  // Splits a text into words for the dashboard's topics; unset: ASCII words and CJK character
  // pairs.
  std::function<std::vector<std::string>(const std::string&)> words;
  UnixMs first_retry_ms = 30'000;  // a reply whose post failed is tried again after this, doubling
};

inline constexpr int kReplyAttempts = 8;

// Who acts in the inbox.
struct Staff {
  std::optional<std::int64_t> user_id;
  std::string name;
};

class SocialService {
 public:
  SocialService(storage::Database& db, service::ServiceDesk& desk, SocialOptions options = {});

  // Checks a webhook call: `timestamp` (unix seconds, within kSignatureToleranceSeconds of
  // `now`) and `signature` ("v1=<hex HMAC-SHA-256 of "<timestamp>.<body>">" under the inbound
  // secret). kUnauthenticated (codes signature_required, stale_timestamp, bad_signature,
  // webhook_not_configured) otherwise.
  Status verify(std::optional<std::string_view> timestamp,
                std::optional<std::string_view> signature, std::string_view body, UnixMs now);

  // Stores a batch of mentions (matched and scored) in one transaction; a repeated (platform,
  // external_id) stores nothing and answers the first id. kInvalidArgument naming the field
  // ("mentions[2].text"): nothing is stored.
  Result<IngestResult> ingest(const MentionBatch& batch, MentionSource source);

  // Imports a CSV file with columns platform, author_handle, url, text, time (ISO-8601 or unix
  // milliseconds) and optionally external_id. Bad lines are reported with their line numbers;
  // without `skip_bad` one bad line stores nothing. kInvalidArgument when the file itself is
  // unreadable (missing column, broken quoting).
  Result<MentionImportReport> import_csv(std::istream& in, bool skip_bad);

  // The inbox, newest first, after id `before`.
  Result<std::vector<Mention>> list(const MentionQuery& q, std::optional<std::int64_t> before,
                                    int limit);
  Result<MentionDetail> get(std::int64_t id);

  // Records a reply and posts it at once through the outgoing webhook (then the worker retries).
  // A new mention becomes handled; on a matched customer the reply is an outbound social
  // interaction on their timeline. kNotFound, kInvalidArgument naming `text`.
  Result<MentionReply> reply(std::int64_t mention_id, const ReplyInput& input, const Staff& staff);
  // Queues a failed or unsent reply again and posts it. kConflict when it was sent.
  Result<MentionReply> retry_reply(std::int64_t reply_id);

  // Opens a ticket about the mention through the service desk (once: asked again, the same
  // ticket), on its customer, or on a new lead carrying the author's handle when it matched
  // none; the mention becomes escalated and the ticket's first message a social interaction on
  // the customer's timeline.
  Result<EscalateResult> escalate(std::int64_t id, const EscalateRequest& request,
                                  const Staff& staff);
  // Marks the mention handled (an escalated one stays escalated).
  Result<Mention> mark_handled(std::int64_t id, const Staff& staff);

  Result<Reputation> reputation(const ReputationQuery& q, UnixMs now);

  Result<std::vector<SocialHandle>> handles(std::int64_t customer_id);
  // Replaces the customer's handles; a handle another customer holds is kConflict naming
  // handles[i].handle. Mentions by these handles not yet matched are matched now.
  Result<std::vector<SocialHandle>> put_handles(std::int64_t customer_id,
                                                const SocialHandlesInput& input);
  Result<std::vector<std::string>> aliases(std::int64_t product_id);
  Result<std::vector<std::string>> put_aliases(std::int64_t product_id, const AliasesInput& input);

  Result<SocialSettings> settings();
  Result<SocialSettings> put_settings(const SocialSettingsInput& input);

  // Posts the replies due at `now`; returns how many were tried.
  Result<int> send_due(UnixMs now);

 private:
  Result<Mention> load(storage::Connection& c, std::int64_t id);
  Status attach_products(storage::Connection& c, std::vector<Mention>& mentions);
  Result<MentionReply> load_reply(storage::Connection& c, std::int64_t id);
  // Posts one queued reply when it is due; the stored outcome.
  Result<MentionReply> post_reply(std::int64_t reply_id, UnixMs now);

  storage::Database& db_;
  service::ServiceDesk& desk_;
  SocialOptions options_;
};

// Folds a handle for matching: trimmed, lower-case ASCII, without a leading '@'.
std::string handle_key(std::string_view handle);
// A platform's name as stored: trimmed lower-case; nullopt when empty or not [a-z0-9._-].
std::optional<std::string> platform_key(std::string_view platform);

// The product matcher: finds the products whose SKU, name or an alias occurs in a text
// (case-insensitive; ASCII terms only at word boundaries; terms shorter than 3 bytes ignored).
class ProductMatcher {
 public:
  void add(std::int64_t product_id, std::string_view term);
  // Distinct product ids in the order of their first occurrence.
  std::vector<std::int64_t> match(std::string_view text) const;

 private:
  struct Term {
    std::string text;  // folded
    std::int64_t product_id;
  };
  std::vector<Term> terms_;
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> by_prefix_;  // first two bytes
};

// The fallback word splitter: lower-case ASCII words of 3+ letters that are not stop words,
// and pairs of consecutive CJK characters.
std::vector<std::string> fallback_words(std::string_view text);

}  // namespace ecrm::social
