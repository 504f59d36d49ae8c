#include "social/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <unordered_set>

#include "core/crypto.hpp"
#include "core/secret_box.hpp"
#include "core/csv.hpp"
#include "customers/repo.hpp"
#include "customers/service.hpp"
#include "http/webhook_client.hpp"
#include "http/wire.hpp"

namespace ecrm::social {

namespace json = boost::json;
using storage::Connection;
using storage::done;
using storage::RowView;
using storage::TxMode;
using storage::Value;

namespace {

// ---- SQL
#define ECRM_MENTION_COLUMNS                                                                    \
  "m.id, m.platform, m.external_id, m.author_handle, m.url, m.text, m.posted_at, "            \
  "m.received_at, m.source, m.customer_id, c.name, m.sentiment, m.sentiment_score, m.status, " \
  "m.ticket_id, m.handled_by, m.handled_at, m.updated_at, "                                    \
  "(SELECT COUNT(*) FROM social_replies r WHERE r.mention_id = m.id) "                         \
  "FROM social_mentions m LEFT JOIN customers c ON c.id = m.customer_id "
constexpr std::string_view kMentionSelect = "SELECT " ECRM_MENTION_COLUMNS;
constexpr std::string_view kFindMention = "SELECT " ECRM_MENTION_COLUMNS "WHERE m.id = $1";
#undef ECRM_MENTION_COLUMNS
constexpr std::string_view kInsertMention =
    "INSERT INTO social_mentions (platform, external_id, author_handle, author_key, url, text, "
    "posted_at, received_at, source, customer_id, sentiment, sentiment_score, status, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'new', $8) "
    "ON CONFLICT (platform, external_id) DO NOTHING RETURNING id";
constexpr std::string_view kMentionByExternal =
    "SELECT id FROM social_mentions WHERE platform = $1 AND external_id = $2";
constexpr std::string_view kInsertMentionProduct =
    "INSERT INTO social_mention_products (mention_id, product_id) VALUES ($1, $2) "
    "ON CONFLICT (mention_id, product_id) DO NOTHING";
constexpr std::string_view kProductsOfMention =
    "SELECT mp.mention_id, p.id, p.sku, p.name FROM social_mention_products mp "
    "JOIN products p ON p.id = mp.product_id WHERE mp.mention_id = $1 ORDER BY p.id";
constexpr std::string_view kCustomerByHandle =
    "SELECT h.customer_id FROM customer_social_handles h JOIN customers c ON c.id = h.customer_id "
    "WHERE h.platform = $1 AND h.handle_key = $2 AND c.erased_at IS NULL";
constexpr std::string_view kMatchTerms =
    "SELECT id, sku, name FROM products WHERE active = 1";
constexpr std::string_view kMatchAliases =
    "SELECT a.product_id, a.alias FROM product_aliases a JOIN products p ON p.id = a.product_id "
    "WHERE p.active = 1";
// Taken before reading a mention that is about to change (PostgreSQL: the row lock).
constexpr std::string_view kLockMention =
    "UPDATE social_mentions SET updated_at = updated_at WHERE id = $1";
constexpr std::string_view kSetEscalated =
    "UPDATE social_mentions SET status = 'escalated', ticket_id = $2, customer_id = $3, "
    "handled_by = $4, handled_at = $5, updated_at = $5 WHERE id = $1";
constexpr std::string_view kSetHandled =
    "UPDATE social_mentions SET status = 'handled', handled_by = $2, handled_at = $3, "
    "updated_at = $3 WHERE id = $1 AND status = 'new'";
constexpr std::string_view kInsertReply =
    "INSERT INTO social_replies (mention_id, author_id, author_name, text, status, "
    "next_attempt_at, response, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
    "$8) RETURNING id";
#define ECRM_REPLY_COLUMNS                                                                    \
  "id, mention_id, author_id, author_name, text, status, attempts, next_attempt_at, response, " \
  "created_at, sent_at FROM social_replies "
constexpr std::string_view kFindReply = "SELECT " ECRM_REPLY_COLUMNS "WHERE id = $1";
constexpr std::string_view kRepliesOfMention =
    "SELECT " ECRM_REPLY_COLUMNS "WHERE mention_id = $1 ORDER BY id";
#undef ECRM_REPLY_COLUMNS
constexpr std::string_view kDueReplies =
    "SELECT id FROM social_replies WHERE status = 'queued' AND next_attempt_at <= $1 "
    "ORDER BY next_attempt_at, id LIMIT 20";
// Claimed by moving the next attempt past the lease: another worker skips it meanwhile.
constexpr std::string_view kClaimReply =
    "UPDATE social_replies SET next_attempt_at = $2, attempts = attempts + 1, updated_at = $3 "
    "WHERE id = $1 AND status = 'queued' AND next_attempt_at <= $3";
constexpr std::string_view kFinishReply =
    "UPDATE social_replies SET status = $2, next_attempt_at = $3, response = $4, sent_at = $5, "
    "updated_at = $6 WHERE id = $1";
constexpr std::string_view kRequeueReply =
    "UPDATE social_replies SET status = $2, attempts = 0, next_attempt_at = $3, response = $4, "
    "updated_at = $3 WHERE id = $1 AND status IN ('failed', 'unsent')";
constexpr std::string_view kSettings =
    "SELECT inbound_secret, reply_url, reply_secret FROM social_settings WHERE name = 'default'";
constexpr std::string_view kEnsureSettings =
    "INSERT INTO social_settings (name, updated_at) VALUES ('default', $1) "
    "ON CONFLICT (name) DO NOTHING";
constexpr std::string_view kPutSettings =
    "UPDATE social_settings SET inbound_secret = $1, reply_url = $2, reply_secret = $3, "
    "updated_at = $4 WHERE name = 'default'";
constexpr std::string_view kCustomerExists =
    "SELECT id FROM customers WHERE id = $1 AND erased_at IS NULL";
constexpr std::string_view kProductExists = "SELECT id FROM products WHERE id = $1";
constexpr std::string_view kHandlesOf =
    "SELECT platform, handle FROM customer_social_handles WHERE customer_id = $1 "
    "ORDER BY platform, handle_key";
constexpr std::string_view kHandleOwner =
    "SELECT customer_id FROM customer_social_handles WHERE platform = $1 AND handle_key = $2";
constexpr std::string_view kDeleteHandles =
    "DELETE FROM customer_social_handles WHERE customer_id = $1";
constexpr std::string_view kInsertHandle =
    "INSERT INTO customer_social_handles (customer_id, platform, handle, handle_key, created_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, handle_key) DO NOTHING";
constexpr std::string_view kMatchUnmatched =
    "UPDATE social_mentions SET customer_id = $1, updated_at = $4 WHERE customer_id IS NULL "
    "AND platform = $2 AND author_key = $3";
constexpr std::string_view kAliasesOf =
    "SELECT alias FROM product_aliases WHERE product_id = $1 ORDER BY alias_key";
constexpr std::string_view kDeleteAliases = "DELETE FROM product_aliases WHERE product_id = $1";
constexpr std::string_view kInsertAlias =
    "INSERT INTO product_aliases (product_id, alias, alias_key, created_at) VALUES ($1, $2, $3, "
    "$4) ON CONFLICT (product_id, alias_key) DO NOTHING";
constexpr std::string_view kReputationRows =
    "SELECT m.posted_at, m.sentiment, m.text, m.platform FROM social_mentions m WHERE "
    "m.posted_at >= $1 AND m.posted_at < $2";

constexpr std::int64_t kMaxReputationRows = 200'000;
constexpr UnixMs kMaxReputationSpan = 400 * kMsPerDay;
constexpr UnixMs kLeaseMs = 60'000;
constexpr UnixMs kMaxRetryMs = 3'600'000;
constexpr long kPostTimeoutMs = 10'000;
constexpr std::size_t kMaxImportErrors = 1000;
constexpr std::size_t kTopics = 20;

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string fold(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool is_word_byte(char ch) {
  const auto u = static_cast<unsigned char>(ch);
  return u < 0x80 && (std::isalnum(u) || ch == '_');
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }
double round1(double v) { return std::round(v * 10.0) / 10.0; }

template <typename E>
E enum_or(std::string_view text, E fallback) {
  return wire::parse_enum<E>(text).value_or(fallback);
}

Mention read_mention(const RowView& row) {
  Mention m;
  m.id = row.get_int(0);
  m.platform = row.get_string(1);
  m.external_id = row.get_string(2);
  m.author_handle = row.get_string(3);
  m.url = row.get_string(4);
  m.text = row.get_string(5);
  m.posted_at = row.get_int(6);
  m.received_at = row.get_int(7);
  m.source = enum_or(row.get_text(8), MentionSource::kWebhook);
  m.customer_id = row.get_optional_int(9);
  if (m.customer_id) m.customer_name = row.is_null(10) ? std::string() : row.get_string(10);
  if (!row.is_null(11)) m.sentiment = wire::parse_enum<Sentiment>(row.get_text(11));
  if (!row.is_null(12)) m.sentiment_score = round2(row.get_double(12));
  m.status = enum_or(row.get_text(13), MentionStatus::kNew);
  m.ticket_id = row.get_optional_int(14);
  m.handled_by = row.get_optional_int(15);
  m.handled_at = row.get_optional_int(16);
  m.updated_at = row.get_int(17);
  m.replies = row.get_int(18);
  return m;
}

MentionReply read_reply(const RowView& row) {
  MentionReply r;
  r.id = row.get_int(0);
  r.mention_id = row.get_int(1);
  r.author_id = row.get_optional_int(2);
  r.author_name = row.get_string(3);
  r.text = row.get_string(4);
  r.status = enum_or(row.get_text(5), ReplyStatus::kQueued);
  r.attempts = row.get_int(6);
  r.next_attempt_at = row.get_optional_int(7);
  r.response = row.get_string(8);
  r.created_at = row.get_int(9);
  r.sent_at = row.get_optional_int(10);
  return r;
}

struct Settings {
  std::string inbound_secret, reply_url, reply_secret;
};

Result<Settings> read_settings(Connection& c) {
  Settings s;
  ECRM_RETURN_IF_ERROR(c.query(kSettings, {}, [&](const RowView& row) {
    s.inbound_secret = row.get_string(0);
    s.reply_url = row.get_string(1);
    s.reply_secret = row.get_string(2);
  }));
  ECRM_ASSIGN_OR_RETURN(s.inbound_secret, open_secret(s.inbound_secret));
  ECRM_ASSIGN_OR_RETURN(s.reply_secret, open_secret(s.reply_secret));
  return s;
}

bool is_http_url(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

// POSTs `body` as JSON, signed when `secret` is not empty; the status (0 when no answer) and a
// line saying what came back.
std::pair<long, std::string> post_json(const std::string& url, const std::string& body,
                                       const std::string& secret) {
  auto answer = http::post_webhook(
      url, body, secret, http::WebhookPost{.user_agent = "ecrm-social", .timeout_ms = kPostTimeoutMs});
  return {answer.status, std::move(answer.summary)};
}

// A mention checked and folded, ready to store.
struct Checked {
  MentionInput input;
  std::string platform;
  std::string author_key;
};

Result<Checked> check_mention(const MentionInput& in, const std::string& prefix, UnixMs now) {
  Checked out;
  out.input = in;
  auto platform = platform_key(in.platform);
  if (!platform) {
    return Error::invalid("a platform is a name of letters, digits, '.', '_' or '-'",
                          prefix + "platform");
  }
  out.platform = *platform;
  out.input.platform = *platform;
  out.input.external_id = trim(in.external_id);
  if (out.input.external_id.empty()) {
    return Error::invalid("a mention needs the platform's id for it", prefix + "external_id");
  }
  out.input.author_handle = trim(in.author_handle);
  out.author_key = handle_key(out.input.author_handle);
  if (out.author_key.empty()) return Error::invalid("a mention needs its author's handle", prefix + "author_handle");
  out.input.text = trim(in.text);
  if (out.input.text.empty()) return Error::invalid("a mention needs its text", prefix + "text");
  if (out.input.text.size() > kMaxText) return Error::invalid("the text is too long", prefix + "text");
  out.input.url = trim(in.url.value_or(""));
  if (!out.input.url->empty() && !is_http_url(*out.input.url)) {
    return Error::invalid("a url starts with http:// or https://", prefix + "url");
  }
  if (in.posted_at <= 0) return Error::invalid("a mention needs the time it was posted", prefix + "posted_at");
  if (in.posted_at > now + 24 * 3'600'000LL) {
    return Error::invalid("a mention cannot be posted in the future", prefix + "posted_at");
  }
  return out;
}

// The products, and their aliases, a batch is matched against.
Result<ProductMatcher> load_matcher(Connection& c) {
  ProductMatcher matcher;
  ECRM_RETURN_IF_ERROR(c.query(kMatchTerms, {}, [&](const RowView& row) {
    matcher.add(row.get_int(0), row.get_text(1));
    matcher.add(row.get_int(0), row.get_text(2));
  }));
  ECRM_RETURN_IF_ERROR(c.query(kMatchAliases, {}, [&](const RowView& row) {
    matcher.add(row.get_int(0), row.get_text(1));
  }));
  return matcher;
}

// A new lead for the author of a mention nobody's handle matched, carrying the handle.
Result<std::int64_t> lead_for(Connection& c, const Mention& m, UnixMs now) {
  customers::Customer lead;
  lead.name = m.author_handle;
  lead.source = "social";
  lead.channel = m.platform;
  lead.tags = {"lead", "social"};
  lead.created_at = now;
  lead.updated_at = now;
  customers::derive_keys(lead);
  customers::CustomerRepo repo;
  ECRM_ASSIGN_OR_RETURN(auto id, repo.insert(c, lead));
  ECRM_RETURN_IF_ERROR(done(c.execute(
      kInsertHandle, {id, m.platform, m.author_handle, handle_key(m.author_handle), now})));
  return id;
}

// Days since 1970-01-01 of `ms`, and the Monday on or before a day.
std::int64_t day_of(UnixMs ms) {
  return ms >= 0 ? ms / kMsPerDay : -((-ms + kMsPerDay - 1) / kMsPerDay);
}
std::int64_t monday_of(std::int64_t day) {
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  std::int64_t weekday = (day + 3) % 7;
  if (weekday < 0) weekday += 7;
  return day - weekday;
}

const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> words = {
      "the",  "and",   "for",  "are",   "but",  "not",   "you",  "your", "with", "this",
      "that", "have",  "has",  "had",   "was",  "were",  "its",  "it's", "they", "them",
      "from", "just",  "all",  "any",   "can",  "will",  "would", "could", "about", "what",
      "when", "which", "who",  "how",   "why",  "our",   "out",  "get",  "got",  "too",
      "very", "really", "been", "than", "then", "there", "their", "here", "into", "more",
      "some", "one",   "also", "only",  "don't", "dont", "does", "did",  "http", "https",
      "www",  "com",   "i'm",  "im",    "my",   "me",    "is",   "a",    "an",   "to",
      "of",   "in",    "on",   "it",    "so",   "be",    "at",   "or",   "as",   "we",
      "after", "before", "again", "still", "even", "much", "many", "because", "being", "over",
      "under", "while", "should", "shall", "might", "must", "these", "those", "where", "other",
      "such", "same", "both", "each", "every", "onto", "upon", "off", "now", "yet",
      "she", "her", "him", "his", "hers", "ours", "yours", "theirs", "via", "per",
      "的",   "了",    "是",   "我",    "你",   "他",    "她",   "它",   "们",   "在",
      "和",   "也",    "就",   "都",    "很",   "吗",    "吧",   "啊",   "呢",   "这",
      "那",   "有",    "个",   "不"};
  return words;
}

// One UTF-8 character's length from its first byte.
std::size_t utf8_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

bool is_cjk(std::string_view ch) {
  if (ch.size() != 3) return false;
  const auto b0 = static_cast<unsigned char>(ch[0]);
  const auto b1 = static_cast<unsigned char>(ch[1]);
  const std::uint32_t cp = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) |
                           (static_cast<unsigned char>(ch[2]) & 0x3F);
  return cp >= 0x4E00 && cp <= 0x9FFF;
}

}  // namespace

// ---- matching helpers

std::string handle_key(std::string_view handle) {
  std::string key = fold(trim(handle));
  while (!key.empty() && key.front() == '@') key.erase(key.begin());
  return key;
}

std::optional<std::string> platform_key(std::string_view platform) {
  std::string key = fold(trim(platform));
  if (key.empty() || key.size() > kMaxPlatform) return std::nullopt;
  for (char ch : key) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-')) {
      return std::nullopt;
    }
  }
  return key;
}

void ProductMatcher::add(std::int64_t product_id, std::string_view term) {
  std::string folded = fold(trim(term));
  if (folded.size() < 3) return;
  const std::uint32_t prefix = (static_cast<unsigned char>(folded[0]) << 8) |
                               static_cast<unsigned char>(folded[1]);
  by_prefix_[prefix].push_back(terms_.size());
  terms_.push_back(Term{std::move(folded), product_id});
}

std::vector<std::int64_t> ProductMatcher::match(std::string_view text) const {
  std::vector<std::int64_t> out;
  if (terms_.empty() || text.size() < 3) return out;
  const std::string folded = fold(text);
  for (std::size_t i = 0; i + 1 < folded.size(); ++i) {
    const std::uint32_t prefix = (static_cast<unsigned char>(folded[i]) << 8) |
                                 static_cast<unsigned char>(folded[i + 1]);
    auto it = by_prefix_.find(prefix);
    if (it == by_prefix_.end()) continue;
    for (std::size_t index : it->second) {
      const Term& term = terms_[index];
      if (std::find(out.begin(), out.end(), term.product_id) != out.end()) continue;
      if (folded.compare(i, term.text.size(), term.text) != 0) continue;
      // ASCII words only at word boundaries ("pro" is not inside "problem").
      if (is_word_byte(term.text.front()) && i > 0 && is_word_byte(folded[i - 1])) continue;
      const std::size_t end = i + term.text.size();
      if (is_word_byte(term.text.back()) && end < folded.size() && is_word_byte(folded[end])) {
        continue;
      }
      out.push_back(term.product_id);
    }
  }
  return out;
}

std::vector<std::string> fallback_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  std::string previous_cjk;
  auto flush = [&] {
    if (word.size() >= 3) out.push_back(word);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = std::min(utf8_len(static_cast<unsigned char>(text[i])), text.size() - i);
    const std::string_view ch = text.substr(i, n);
    i += n;
    if (n == 1 && (std::isalnum(static_cast<unsigned char>(ch[0])) || ch[0] == '\'')) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch[0]))));
      previous_cjk.clear();
      continue;
    }
    flush();
    if (is_cjk(ch)) {
      if (!previous_cjk.empty()) out.push_back(previous_cjk + std::string(ch));
      previous_cjk = std::string(ch);
    } else {
      previous_cjk.clear();
    }
  }
  flush();
  return out;
}

// ---- the service

SocialService::SocialService(storage::Database& db, service::ServiceDesk& desk,
                             SocialOptions options)
    : db_(db), desk_(desk), options_(std::move(options)) {}

Status SocialService::verify(std::optional<std::string_view> timestamp,
                             std::optional<std::string_view> signature, std::string_view body,
                             UnixMs now) {
  if (!timestamp || !signature || timestamp->empty() || signature->empty()) {
    return Error::unauthenticated("a webhook call is signed: X-Ecrm-Timestamp and X-Ecrm-Signature",
                                  "signature_required");
  }
  std::int64_t seconds = 0;
  for (char ch : *timestamp) {
    if (!std::isdigit(static_cast<unsigned char>(ch)) || seconds > 1'000'000'000'000LL) {
      return Error::unauthenticated("X-Ecrm-Timestamp is unix seconds", "stale_timestamp");
    }
    seconds = seconds * 10 + (ch - '0');
  }
  if (std::llabs(seconds - now / 1000) > kSignatureToleranceSeconds) {
    return Error::unauthenticated("the call's timestamp is too far from now", "stale_timestamp");
  }
  Settings settings;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(settings, read_settings(*lease));
  }
  if (settings.inbound_secret.empty()) {
    return Error::unauthenticated("no webhook secret is configured", "webhook_not_configured");
  }
  const std::string expected =
      "v1=" + hmac_sha256_hex(settings.inbound_secret, std::string(*timestamp) + "." + std::string(body));
  if (!constant_time_equal(expected, *signature)) {
    return Error::unauthenticated("the signature does not match the body", "bad_signature");
  }
  return {};
}

Result<IngestResult> SocialService::ingest(const MentionBatch& batch, MentionSource source) {
  const UnixMs now = now_ms();
  if (batch.mentions.empty()) return Error::invalid("a batch holds at least one mention", "mentions");
  std::vector<Checked> checked;
  checked.reserve(batch.mentions.size());
  for (std::size_t i = 0; i < batch.mentions.size(); ++i) {
    ECRM_ASSIGN_OR_RETURN(auto one, check_mention(batch.mentions[i],
                                                  "mentions[" + std::to_string(i) + "].", now));
    checked.push_back(std::move(one));
  }
  // Scored before the transaction: the scorer needs no database.
  std::vector<std::optional<Scored>> scores(checked.size());
  if (options_.score) {
    for (std::size_t i = 0; i < checked.size(); ++i) scores[i] = options_.score(checked[i].input.text);
  }
  const std::string source_name(wire::enum_name(source));
  return storage::with_transaction<IngestResult>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<IngestResult> {
        IngestResult result;
        result.received = static_cast<std::int64_t>(checked.size());
        ECRM_ASSIGN_OR_RETURN(auto matcher, load_matcher(c));
        for (std::size_t i = 0; i < checked.size(); ++i) {
          const auto& m = checked[i];
          std::optional<std::int64_t> customer;
          ECRM_RETURN_IF_ERROR(c.query(kCustomerByHandle, {m.platform, m.author_key},
                                       [&](const RowView& row) { customer = row.get_int(0); }));
          Value customer_value = customer ? Value(*customer) : Value();
          Value sentiment, score;
          if (scores[i]) {
            sentiment = std::string(wire::enum_name(scores[i]->sentiment));
            score = round2(scores[i]->score);
          }
          std::optional<std::int64_t> id;
          ECRM_RETURN_IF_ERROR(c.query(
              kInsertMention,
              {m.platform, m.input.external_id, m.input.author_handle, m.author_key,
               m.input.url.value_or(""), m.input.text, m.input.posted_at, now, source_name,
               customer_value, sentiment, score},
              [&](const RowView& row) { id = row.get_int(0); }));
          if (!id) {
            ECRM_RETURN_IF_ERROR(c.query(kMentionByExternal, {m.platform, m.input.external_id},
                                         [&](const RowView& row) { id = row.get_int(0); }));
            if (!id) return Error::internal("a duplicate mention vanished");
            ++result.duplicates;
            result.ids.push_back(*id);
            continue;
          }
          for (std::int64_t product : matcher.match(m.input.text)) {
            ECRM_RETURN_IF_ERROR(done(c.execute(kInsertMentionProduct, {*id, product})));
          }
          ++result.stored;
          result.ids.push_back(*id);
        }
        return result;
      });
}

Result<MentionImportReport> SocialService::import_csv(std::istream& in, bool skip_bad) {
  CsvReader reader(in);
  std::vector<std::string> fields;
  ECRM_ASSIGN_OR_RETURN(bool has_header, reader.next(fields));
  if (!has_header) return Error::invalid("the file is empty", "file");
  CsvHeader header(fields);
  ECRM_ASSIGN_OR_RETURN(auto col_platform, header.require("platform"));
  ECRM_ASSIGN_OR_RETURN(auto col_author, header.require("author_handle"));
  ECRM_ASSIGN_OR_RETURN(auto col_text, header.require("text"));
  auto col_time = header.find("time");
  if (!col_time) col_time = header.find("posted_at");
  if (!col_time) return csv_error(1, "missing column 'time'", "time");
  const auto col_url = header.find("url");
  const auto col_external = header.find("external_id");

  MentionImportReport report;
  MentionBatch good;
  const UnixMs now = now_ms();
  auto add_error = [&](std::int64_t line, std::string field, std::string message) {
    ++report.bad_rows;
    if (report.errors.size() < kMaxImportErrors) {
      report.errors.push_back({line, std::move(field), std::move(message)});
    }
  };
  for (;;) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    ++report.rows_read;
    const std::int64_t line = reader.line();
    if (report.rows_read > 100'000) return Error::invalid("a file holds at most 100,000 mentions", "file");
    auto field = [&](std::optional<std::size_t> col) {
      return col && *col < fields.size() ? fields[*col] : std::string();
    };
    MentionInput m;
    m.platform = field(col_platform);
    m.author_handle = field(col_author);
    m.url = field(col_url);
    m.text = field(col_text);
    const std::string time = trim(field(col_time));
    if (auto iso = parse_iso8601(time)) {
      m.posted_at = *iso;
    } else if (!time.empty() && std::all_of(time.begin(), time.end(), [](char ch) {
                 return std::isdigit(static_cast<unsigned char>(ch));
               }) && time.size() < 16) {
      m.posted_at = std::stoll(time);
    } else {
      add_error(line, "time", "not a date-time (ISO-8601 or unix milliseconds)");
      continue;
    }
    m.external_id = trim(field(col_external));
    if (m.external_id.empty()) {
      // No id from the platform: the same post imported again is the same mention.
      m.external_id = "csv:" + sha256_hex(fold(trim(m.platform)) + "\n" + handle_key(m.author_handle) +
                                          "\n" + trim(*m.url) + "\n" + std::to_string(m.posted_at) +
                                          "\n" + trim(m.text))
                                   .substr(0, 32);
    }
    auto ok = check_mention(m, "", now);
    if (!ok.ok()) {
      add_error(line, ok.error().field, ok.error().message);
      continue;
    }
    good.mentions.push_back(std::move(m));
  }
  if (report.rows_read == 0) return Error::invalid("the file holds no mentions", "file");
  if (report.bad_rows > 0 && !skip_bad) {
    report.message = std::to_string(report.bad_rows) + " bad line(s): nothing was imported";
    return report;
  }
  if (!good.mentions.empty()) {
    ECRM_ASSIGN_OR_RETURN(auto stored, ingest(good, MentionSource::kImport));
    report.stored = stored.stored;
    report.duplicates = stored.duplicates;
    report.committed = stored.stored > 0;
  }
  report.message = std::to_string(report.stored) + " mention(s) imported, " +
                   std::to_string(report.duplicates) + " already known, " +
                   std::to_string(report.bad_rows) + " bad line(s) skipped";
  return report;
}

Status SocialService::attach_products(Connection& c, std::vector<Mention>& mentions) {
  for (auto& m : mentions) {
    ECRM_RETURN_IF_ERROR(c.query(kProductsOfMention, {m.id}, [&](const RowView& row) {
      m.products.push_back({row.get_int(1), row.get_string(2), row.get_string(3)});
    }));
  }
  return {};
}

Result<Mention> SocialService::load(Connection& c, std::int64_t id) {
  std::vector<Mention> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindMention, {id}, [&](const RowView& row) {
    found.push_back(read_mention(row));
  }));
  if (found.empty()) return Error::not_found("no mention has this id");
  ECRM_RETURN_IF_ERROR(attach_products(c, found));
  return std::move(found.front());
}

Result<std::vector<Mention>> SocialService::list(const MentionQuery& q,
                                                 std::optional<std::int64_t> before, int limit) {
  std::string sql(kMentionSelect);
  std::vector<Value> params;
  std::string where;
  auto add = [&](std::string condition, Value value) {
    params.push_back(std::move(value));
    const std::string n = "$" + std::to_string(params.size());
    std::size_t pos;
    while ((pos = condition.find("$?")) != std::string::npos) condition.replace(pos, 2, n);
    where += (where.empty() ? "WHERE " : " AND ") + condition;
  };
  if (q.status) add("m.status = $?", std::string(wire::enum_name(*q.status)));
  if (q.platform) {
    auto platform = platform_key(*q.platform);
    if (!platform) return Error::invalid("not a platform's name", "platform");
    add("m.platform = $?", *platform);
  }
  if (q.sentiment) add("m.sentiment = $?", std::string(wire::enum_name(*q.sentiment)));
  if (q.customer_id) add("m.customer_id = $?", *q.customer_id);
  if (q.product_id) {
    add("m.id IN (SELECT mention_id FROM social_mention_products WHERE product_id = $?)",
        *q.product_id);
  }
  if (q.from) add("m.posted_at >= $?", *q.from);
  if (q.to) add("m.posted_at < $?", *q.to);
  if (before) add("m.id < $?", *before);
  params.push_back(static_cast<std::int64_t>(limit));
  sql += where + " ORDER BY m.id DESC LIMIT $" + std::to_string(params.size());
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::vector<Mention> out;
  ECRM_RETURN_IF_ERROR(lease->query(sql, std::span<const Value>(params), [&](const RowView& row) {
    out.push_back(read_mention(row));
  }));
  ECRM_RETURN_IF_ERROR(attach_products(*lease, out));
  return out;
}

Result<MentionDetail> SocialService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  MentionDetail detail;
  ECRM_ASSIGN_OR_RETURN(detail.mention, load(*lease, id));
  ECRM_RETURN_IF_ERROR(lease->query(kRepliesOfMention, {id}, [&](const RowView& row) {
    detail.replies.push_back(read_reply(row));
  }));
  return detail;
}

Result<MentionReply> SocialService::load_reply(Connection& c, std::int64_t id) {
  std::optional<MentionReply> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindReply, {id}, [&](const RowView& row) { found = read_reply(row); }));
  if (!found) return Error::not_found("no reply has this id");
  return *found;
}

Result<MentionReply> SocialService::reply(std::int64_t mention_id, const ReplyInput& input,
                                   const Staff& staff) {
  const std::string text = trim(input.text);
  if (text.empty()) return Error::invalid("a reply needs its text", "text");
  const UnixMs now = now_ms();
  ECRM_ASSIGN_OR_RETURN(
      auto reply_id,
      storage::with_transaction<std::int64_t>(db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
        ECRM_ASSIGN_OR_RETURN(auto locked, c.execute(kLockMention, {mention_id}));
        if (locked == 0) return Error::not_found("no mention has this id");
        ECRM_ASSIGN_OR_RETURN(auto mention, load(c, mention_id));
        ECRM_RETURN_IF_ERROR(done(c.execute(kEnsureSettings, {now})));
        ECRM_ASSIGN_OR_RETURN(auto settings, read_settings(c));
        const bool configured = !settings.reply_url.empty();
        Value author = staff.user_id ? Value(*staff.user_id) : Value();
        std::int64_t id = 0;
        ECRM_RETURN_IF_ERROR(c.query(
            kInsertReply,
            {mention_id, author, staff.name, text, configured ? "queued" : "unsent",
             configured ? Value(now) : Value(),
             configured ? "" : "no outgoing webhook is configured", now},
            [&](const RowView& row) { id = row.get_int(0); }));
        ECRM_RETURN_IF_ERROR(done(c.execute(kSetHandled, {mention_id, author, now})));
        if (mention.customer_id) {
          service::InteractionInput x;
          x.customer_id = mention.customer_id;
          x.channel = service::Channel::kSocial;
          x.direction = service::Direction::kOutbound;
          x.agent_id = staff.user_id;
          x.occurred_at = now;
          x.subject = "MentionReply on " + mention.platform + " to " + mention.author_handle;
          x.content = text;
          x.to_address = mention.author_handle;
          x.external_ref = "social-reply:" + std::to_string(id);
          service::Actor actor{staff.user_id, std::nullopt, staff.name};
          ECRM_RETURN_IF_ERROR(desk_.record_interaction(c, x, actor, now));
        }
        return id;
      }));
  return post_reply(reply_id, now);
}

Result<MentionReply> SocialService::retry_reply(std::int64_t reply_id) {
  const UnixMs now = now_ms();
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto current, load_reply(*lease, reply_id));
    if (current.status == ReplyStatus::kSent) return Error::conflict("the reply was sent", "", "reply_sent");
    if (current.status == ReplyStatus::kQueued) return post_reply(reply_id, now);
    ECRM_ASSIGN_OR_RETURN(auto settings, read_settings(*lease));
    if (settings.reply_url.empty()) {
      return Error::conflict("no outgoing webhook is configured", "", "webhook_not_configured");
    }
    ECRM_RETURN_IF_ERROR(done(lease->execute(kRequeueReply, {reply_id, "queued", now, ""})));
  }
  return post_reply(reply_id, now);
}

Result<MentionReply> SocialService::post_reply(std::int64_t reply_id, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto claimed, lease->execute(kClaimReply, {reply_id, now + kLeaseMs, now}));
  if (claimed == 0) return load_reply(*lease, reply_id);  // not due, or another worker has it
  ECRM_ASSIGN_OR_RETURN(auto r, load_reply(*lease, reply_id));
  ECRM_ASSIGN_OR_RETURN(auto mention, load(*lease, r.mention_id));
  ECRM_ASSIGN_OR_RETURN(auto settings, read_settings(*lease));
  std::string status = "sent", response;
  Value next_at, sent_at;
  if (settings.reply_url.empty()) {
    status = "unsent";
    response = "no outgoing webhook is configured";
  } else {
    json::object body{{"reply_id", r.id},
                      {"mention_id", mention.id},
                      {"platform", mention.platform},
                      {"external_id", mention.external_id},
                      {"url", mention.url},
                      {"in_reply_to", mention.author_handle},
                      {"text", r.text},
                      {"author", r.author_name}};
    const std::string secret =
        settings.reply_secret.empty() ? settings.inbound_secret : settings.reply_secret;
    auto [code, answer] = post_json(settings.reply_url, json::serialize(body), secret);
    response = answer;
    if (code >= 200 && code <= 299) {
      sent_at = now_ms();
    } else if (r.attempts >= kReplyAttempts) {
      status = "failed";
    } else {
      status = "queued";
      next_at = now_ms() + std::min(kMaxRetryMs, options_.first_retry_ms
                                                     << std::min<std::int64_t>(r.attempts - 1, 20));
    }
  }
  ECRM_RETURN_IF_ERROR(done(lease->execute(
      kFinishReply, {reply_id, status, next_at, response, sent_at, now_ms()})));
  return load_reply(*lease, reply_id);
}

Result<int> SocialService::send_due(UnixMs now) {
  std::vector<std::int64_t> due;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(lease->query(kDueReplies, {now}, [&](const RowView& row) {
      due.push_back(row.get_int(0));
    }));
  }
  int tried = 0;
  for (std::int64_t id : due) {
    ECRM_RETURN_IF_ERROR(post_reply(id, now));
    ++tried;
  }
  return tried;
}

Result<EscalateResult> SocialService::escalate(std::int64_t id, const EscalateRequest& request,
                                               const Staff& staff) {
  const UnixMs now = now_ms();
  return storage::with_transaction<EscalateResult>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<EscalateResult> {
        ECRM_ASSIGN_OR_RETURN(auto locked, c.execute(kLockMention, {id}));
        if (locked == 0) return Error::not_found("no mention has this id");
        EscalateResult result;
        ECRM_ASSIGN_OR_RETURN(auto mention, load(c, id));
        if (mention.ticket_id) {
          result.ticket_id = *mention.ticket_id;
          result.mention = std::move(mention);
          return result;
        }
        std::int64_t customer_id = 0;
        if (mention.customer_id) {
          customer_id = *mention.customer_id;
        } else {
          ECRM_ASSIGN_OR_RETURN(customer_id, lead_for(c, mention, now));
        }
        service::TicketInput input;
        input.customer_id = customer_id;
        input.subject = "Social mention on " + mention.platform + " by " + mention.author_handle;
        input.body = mention.text + (mention.url.empty() ? "" : "\n\n" + mention.url);
        input.channel = service::Channel::kSocial;
        service::Priority priority =
            mention.sentiment == Sentiment::kNegative ? service::Priority::kHigh : service::Priority::kNormal;
        if (request.priority) {
          priority = static_cast<service::Priority>(static_cast<int>(*request.priority));
        }
        input.priority = priority;
        if (!mention.products.empty()) input.product_id = mention.products.front().id;
        input.tags = std::vector<std::string>{"social", mention.platform};
        service::Actor actor{staff.user_id, std::nullopt, staff.name};
        ECRM_ASSIGN_OR_RETURN(auto ticket, desk_.open_ticket(c, input, actor, now));
        Value by = staff.user_id ? Value(*staff.user_id) : Value();
        ECRM_RETURN_IF_ERROR(done(c.execute(kSetEscalated, {id, ticket.id, customer_id, by, now})));
        result.ticket_id = ticket.id;
        result.created = true;
        ECRM_ASSIGN_OR_RETURN(result.mention, load(c, id));
        return result;
      });
}

Result<Mention> SocialService::mark_handled(std::int64_t id, const Staff& staff) {
  const UnixMs now = now_ms();
  return storage::with_transaction<Mention>(db_, TxMode::kWrite,
                                            [&](Connection& c) -> Result<Mention> {
    Value by = staff.user_id ? Value(*staff.user_id) : Value();
    ECRM_RETURN_IF_ERROR(done(c.execute(kSetHandled, {id, by, now})));
    return load(c, id);
  });
}

Result<Reputation> SocialService::reputation(const ReputationQuery& q, UnixMs now) {
  Reputation rep;
  rep.to = q.to.value_or(now);
  rep.from = q.from.value_or(rep.to - 30 * kMsPerDay);
  rep.bucket = q.bucket.value_or(Bucket::kDay);
  if (rep.from >= rep.to) return Error::invalid("from comes before to", "from");
  if (rep.to - rep.from > kMaxReputationSpan) return Error::invalid("a span of at most 400 days", "from");
  std::string sql(kReputationRows);
  std::vector<Value> params{rep.from, rep.to};
  if (q.platform) {
    auto platform = platform_key(*q.platform);
    if (!platform) return Error::invalid("not a platform's name", "platform");
    params.push_back(*platform);
    sql += " AND m.platform = $" + std::to_string(params.size());
  }
  if (q.product_id) {
    params.push_back(*q.product_id);
    sql += " AND m.id IN (SELECT mention_id FROM social_mention_products WHERE product_id = $" +
           std::to_string(params.size()) + ")";
  }
  params.push_back(kMaxReputationRows);
  sql += " ORDER BY m.posted_at LIMIT $" + std::to_string(params.size());

  const std::int64_t first_day = day_of(rep.from);
  const std::int64_t last_day = day_of(rep.to - 1);
  auto bucket_of = [&](std::int64_t day) {
    return rep.bucket == Bucket::kWeek ? monday_of(day) : day;
  };
  std::map<std::int64_t, SentimentCounts> buckets;
  for (std::int64_t d = bucket_of(first_day); d <= last_day; d += rep.bucket == Bucket::kWeek ? 7 : 1) {
    buckets[d];
  }
  std::map<std::string, std::int64_t> platforms;
  struct TopicCount {
    std::int64_t count = 0, negative = 0, uses = 0;  // mentions, negative ones, occurrences
  };
  std::unordered_map<std::string, TopicCount> topics;
  std::map<std::int64_t, std::unordered_map<std::string, std::int64_t>> bucket_topics;
  auto count = [](SentimentCounts& counts, const std::optional<Sentiment>& s) {
    ++counts.total;
    if (!s) ++counts.unscored;
    else if (*s == Sentiment::kPositive) ++counts.positive;
    else if (*s == Sentiment::kNegative) ++counts.negative;
    else ++counts.neutral;
  };
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(lease->query(sql, std::span<const Value>(params), [&](const RowView& row) {
    std::optional<Sentiment> s;
    if (!row.is_null(1)) s = wire::parse_enum<Sentiment>(row.get_text(1));
    count(rep.totals, s);
    const std::int64_t bucket = bucket_of(day_of(row.get_int(0)));
    count(buckets[bucket], s);
    ++platforms[row.get_string(3)];
    const std::string text = row.get_string(2);
    std::vector<std::string> words = options_.words ? options_.words(text) : fallback_words(text);
    std::vector<std::string> terms;
    const auto& stop = stop_words();
    std::string previous;
    for (auto& w : words) {
      std::string word = fold(trim(w));
      const bool keep = word.size() >= 3 && !stop.contains(word) &&
                        !std::all_of(word.begin(), word.end(), [](char ch) {
                          return std::isdigit(static_cast<unsigned char>(ch)) || ch == '.';
                        });
      if (!keep) {
        previous.clear();
        continue;
      }
      terms.push_back(word);
      // Two kept ASCII words in a row make a phrase ("battery life").
      if (!previous.empty() && is_word_byte(previous.back()) && is_word_byte(word.front())) {
        terms.push_back(previous + " " + word);
      }
      previous = word;
    }
    std::sort(terms.begin(), terms.end());
    for (std::size_t i = 0; i < terms.size(); ++i) {
      auto& tc = topics[terms[i]];
      ++tc.uses;
      if (i > 0 && terms[i] == terms[i - 1]) continue;  // a mention counts once
      ++tc.count;
      ++bucket_topics[bucket][terms[i]];
      if (s == Sentiment::kNegative) ++tc.negative;
    }
  }));
  for (auto& [platform, n] : platforms) rep.platforms.push_back({platform, n});
  std::sort(rep.platforms.begin(), rep.platforms.end(),
            [](const PlatformCount& a, const PlatformCount& b) {
              return a.count != b.count ? a.count > b.count : a.platform < b.platform;
            });
  // Ranked by the mentions using them, then by how often they are used; a phrase only when
  // several mentions share it.
  std::vector<std::pair<ReputationTopic, std::int64_t>> ranked;
  for (auto& [phrase, tc] : topics) {
    const bool is_phrase = phrase.find(' ') != std::string::npos;
    if (is_phrase && tc.count < 2) continue;
    ranked.push_back({ReputationTopic{phrase, tc.count, tc.negative}, tc.uses});
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.first.count != b.first.count) return a.first.count > b.first.count;
    if (a.second != b.second) return a.second > b.second;
    return a.first.phrase < b.first.phrase;
  });
  if (ranked.size() > kTopics) ranked.resize(kTopics);
  for (auto& [topic, uses] : ranked) rep.topics.push_back(std::move(topic));
  // Per bucket, which of the period's top topics its mentions use most.
  for (auto& [day, counts] : buckets) {
    ReputationBucket b{format_date(day * kMsPerDay), counts, {}};
    const auto& used = bucket_topics[day];
    std::vector<std::pair<std::int64_t, std::string>> top;
    for (const auto& topic : rep.topics) {
      auto it = used.find(topic.phrase);
      if (it != used.end()) top.push_back({-it->second, topic.phrase});
    }
    std::stable_sort(top.begin(), top.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t i = 0; i < top.size() && i < 3; ++i) b.topics.push_back(top[i].second);
    rep.buckets.push_back(std::move(b));
  }
  const std::int64_t scored = rep.totals.positive + rep.totals.negative + rep.totals.neutral;
  if (scored > 0) {
    rep.share.positive = round1(100.0 * rep.totals.positive / scored);
    rep.share.negative = round1(100.0 * rep.totals.negative / scored);
    rep.share.neutral = round1(100.0 * rep.totals.neutral / scored);
  }
  return rep;
}

Result<std::vector<SocialHandle>> SocialService::handles(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto exists, lease->query_int(kCustomerExists, {customer_id}));
  if (!exists) return Error::not_found("no customer has this id");
  std::vector<SocialHandle> out;
  ECRM_RETURN_IF_ERROR(lease->query(kHandlesOf, {customer_id}, [&](const RowView& row) {
    out.push_back({row.get_string(0), row.get_string(1)});
  }));
  return out;
}

Result<std::vector<SocialHandle>> SocialService::put_handles(std::int64_t customer_id,
                                                             const SocialHandlesInput& input) {
  const UnixMs now = now_ms();
  struct One {
    std::string platform, handle, key;
  };
  std::vector<One> wanted;
  for (std::size_t i = 0; i < input.handles.size(); ++i) {
    const std::string prefix = "handles[" + std::to_string(i) + "].";
    auto platform = platform_key(input.handles[i].platform);
    if (!platform) return Error::invalid("not a platform's name", prefix + "platform");
    One one{*platform, trim(input.handles[i].handle), handle_key(input.handles[i].handle)};
    if (one.key.empty()) return Error::invalid("a handle is not empty", prefix + "handle");
    wanted.push_back(std::move(one));
  }
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto exists, c.query_int(kCustomerExists, {customer_id}));
    if (!exists) return Error::not_found("no customer has this id");
    ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteHandles, {customer_id})));
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      const auto& h = wanted[i];
      ECRM_ASSIGN_OR_RETURN(auto owner, c.query_int(kHandleOwner, {h.platform, h.key}));
      if (owner && *owner != customer_id) {
        return Error::conflict("another customer has this handle",
                               "handles[" + std::to_string(i) + "].handle", "handle_taken");
      }
      ECRM_RETURN_IF_ERROR(done(c.execute(kInsertHandle, {customer_id, h.platform, h.handle, h.key, now})));
      ECRM_RETURN_IF_ERROR(done(c.execute(kMatchUnmatched, {customer_id, h.platform, h.key, now})));
    }
    return {};
  }));
  return handles(customer_id);
}

Result<std::vector<std::string>> SocialService::aliases(std::int64_t product_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto exists, lease->query_int(kProductExists, {product_id}));
  if (!exists) return Error::not_found("no product has this id");
  std::vector<std::string> out;
  ECRM_RETURN_IF_ERROR(lease->query(kAliasesOf, {product_id}, [&](const RowView& row) {
    out.push_back(row.get_string(0));
  }));
  return out;
}

Result<std::vector<std::string>> SocialService::put_aliases(std::int64_t product_id,
                                                            const AliasesInput& input) {
  const UnixMs now = now_ms();
  std::vector<std::string> wanted;
  for (std::size_t i = 0; i < input.aliases.size(); ++i) {
    std::string alias = trim(input.aliases[i]);
    const std::string field = "aliases[" + std::to_string(i) + "]";
    if (alias.empty() || alias.size() > kMaxAlias) {
      return Error::invalid("an alias is 1 to " + std::to_string(kMaxAlias) + " bytes", field);
    }
    if (fold(alias).size() < 3) return Error::invalid("an alias has at least 3 bytes", field);
    wanted.push_back(std::move(alias));
  }
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto exists, c.query_int(kProductExists, {product_id}));
    if (!exists) return Error::not_found("no product has this id");
    ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteAliases, {product_id})));
    for (const auto& alias : wanted) {
      ECRM_RETURN_IF_ERROR(done(c.execute(kInsertAlias, {product_id, alias, fold(alias), now})));
    }
    return {};
  }));
  return aliases(product_id);
}

Result<SocialSettings> SocialService::settings() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto s, read_settings(*lease));
  return SocialSettings{!s.inbound_secret.empty(), s.reply_url, !s.reply_secret.empty()};
}

Result<SocialSettings> SocialService::put_settings(const SocialSettingsInput& input) {
  if (input.reply_url && !input.reply_url->empty() && !is_http_url(trim(*input.reply_url))) {
    return Error::invalid("an outgoing webhook is an http:// or https:// URL", "reply_url");
  }
  if (input.inbound_secret && !input.inbound_secret->empty() && input.inbound_secret->size() < 16) {
    return Error::invalid("a secret has at least 16 characters", "inbound_secret");
  }
  if (input.reply_secret && !input.reply_secret->empty() && input.reply_secret->size() < 16) {
    return Error::invalid("a secret has at least 16 characters", "reply_secret");
  }
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_RETURN_IF_ERROR(done(c.execute(kEnsureSettings, {now})));
    ECRM_ASSIGN_OR_RETURN(auto s, read_settings(c));
    if (input.inbound_secret) s.inbound_secret = *input.inbound_secret;
    if (input.reply_url) s.reply_url = trim(*input.reply_url);
    if (input.reply_secret) s.reply_secret = *input.reply_secret;
    return done(c.execute(kPutSettings, {seal_secret(s.inbound_secret), s.reply_url,
                                         seal_secret(s.reply_secret), now}));
  }));
  return settings();
}

}  // namespace ecrm::social
