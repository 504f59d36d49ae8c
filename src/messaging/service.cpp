#include "messaging/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

#include <date/tz.h>

#include "core/crypto.hpp"
#include "customers/repo.hpp"
#include "customers/service.hpp"
#include "messaging/inbound.hpp"
#include "messaging/render.hpp"

namespace ecrm::messaging {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;

namespace {

constexpr std::size_t kMaxKey = 100;

Status check_key(const std::string& key) {
  if (key.empty() || key.size() > kMaxKey) {
    return Error::invalid("key must be 1 to 100 characters", "key");
  }
  for (char ch : key) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return Error::invalid("key may hold only a-z, 0-9, '_' and '-'", "key");
  }
  return {};
}

Status check_language(const std::string& language) {
  for (const char* known : kLanguages) {
    if (language == known) return {};
  }
  return Error::invalid("language must be en or zh-CN", "language");
}

// The bare address of "Name <a@b>" (or of "a@b").
std::string bare_address(const std::string& mailbox) {
  const auto open = mailbox.rfind('<');
  const auto close = mailbox.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return mailbox.substr(open + 1, close - open - 1);
  }
  return mailbox;
}

std::string domain_of(const std::string& mailbox) {
  const std::string address = bare_address(mailbox);
  const auto at = address.rfind('@');
  return at == std::string::npos ? std::string("localhost") : address.substr(at + 1);
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

// A header value on one line: line breaks and other control characters become spaces, so that
// no value can add a header or end the header block.
std::string one_line(std::string_view value) {
  std::string out(value);
  for (char& ch : out) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
  }
  return out;
}

// RFC 2047 for a header value that is not plain ASCII: encoded words of at most 75 characters
// (45 bytes of UTF-8 each, cut between characters), folded onto continuation lines.
std::string header_text(const std::string& raw) {
  const std::string value = one_line(raw);
  if (is_ascii(value)) return value;
  constexpr std::size_t kChunk = 45;  // base64: 60 characters, 72 with "=?UTF-8?B?" and "?="
  std::string out;
  std::size_t at = 0;
  while (at < value.size()) {
    std::size_t end = std::min(value.size(), at + kChunk);
    // Back up to the start of a UTF-8 character.
    while (end < value.size() && end > at &&
           (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
      --end;
    }
    std::string encoded = base64_mime(std::string_view(value).substr(at, end - at));
    encoded.erase(std::remove_if(encoded.begin(), encoded.end(),
                                 [](char ch) { return ch == '\r' || ch == '\n'; }),
                  encoded.end());
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + encoded + "?=";
    at = end;
  }
  return out;
}

// A display name and address, the name encoded when it needs to be.
std::string mailbox(const std::string& name, const std::string& address) {
  if (name.empty()) return "<" + address + ">";
  if (is_ascii(name)) {
    std::string quoted = "\"";
    for (char ch : name) {
      if (ch == '"' || ch == '\\') quoted += '\\';
      quoted += ch;
    }
    return quoted + "\" <" + address + ">";
  }
  return header_text(name) + " <" + address + ">";
}

std::string rfc5322_date(UnixMs ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string first_name(const std::string& name) {
  const auto space = name.find(' ');
  return space == std::string::npos ? name : name.substr(0, space);
}

std::string mask(const std::string& address) {
  const auto at = address.find('@');
  if (at == std::string::npos || at == 0) return "***";
  return address.substr(0, 1) + "***" + address.substr(at);
}

std::string lower(std::string s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

}  // namespace

std::string message_id_header(std::int64_t id, UnixMs created_at, const std::string& from) {
  return "<ecrm." + std::to_string(id) + "." + std::to_string(created_at) + "@" +
         domain_of(from) + ">";
}

std::string mime_message(const std::string& from, const std::string& to, const Rendered& content,
                         const std::string& message_id, const std::string& source,
                         std::int64_t id, const std::optional<std::string>& unsubscribe_url,
                         UnixMs date, const ThreadHeaders& thread) {
  const std::string boundary = "=_ecrm_" + std::to_string(id) + "_alt";
  std::string out;
  out += "From: " + one_line(from) + "\r\n";
  out += "To: " + one_line(to) + "\r\n";
  out += "Subject: " + header_text(content.subject) + "\r\n";
  out += "Date: " + rfc5322_date(date) + "\r\n";
  out += "Message-ID: " + message_id + "\r\n";
  if (!thread.in_reply_to.empty()) out += "In-Reply-To: " + one_line(thread.in_reply_to) + "\r\n";
  if (!thread.references.empty()) {
    // One Message-ID per line after the first: a long thread stays within the line limit.
    std::string folded;
    for (char ch : one_line(thread.references)) {
      folded += ch == ' ' ? std::string("\r\n ") : std::string(1, ch);
    }
    out += "References: " + folded + "\r\n";
  }
  out += "X-Ecrm-Message: " + std::to_string(id) + "\r\n";
  out += "X-Ecrm-Flow: " + one_line(source) + "\r\n";
  if (unsubscribe_url) {
    out += "List-Unsubscribe: <" + one_line(*unsubscribe_url) + ">\r\n";
    out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  out += "MIME-Version: 1.0\r\n";
  auto part = [&](std::string_view type, const std::string& body) {
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + std::string(type) + "; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64_mime(body);
  };
  if (!content.text.empty() && !content.html.empty()) {
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    part("text/plain", content.text);
    part("text/html", content.html);
    out += "--" + boundary + "--\r\n";
  } else {
    const bool html = content.text.empty();
    out += std::string("Content-Type: ") + (html ? "text/html" : "text/plain") +
           "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    out += base64_mime(html ? content.html : content.text);
  }
  return out;
}

MessagingService::MessagingService(storage::Database& db, MessagingOptions options)
    : db_(db), options_(std::move(options)) {}

Result<std::string> MessagingService::secret() {
  {
    std::lock_guard lock(mutex_);
    if (secret_) return *secret_;
  }
  auto created = storage::with_transaction<std::string>(
      db_, TxMode::kWrite, [&](Connection& c) { return repo_.signing_secret(c); });
  if (!created.ok()) return std::move(created).error();
  std::lock_guard lock(mutex_);
  secret_ = *created;
  return *secret_;
}

Result<std::vector<Template>> MessagingService::templates() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_templates(*lease);
}

Result<Template> MessagingService::get_template(const std::string& key,
                                                const std::string& language) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_template(*lease, key, language));
  if (!found) return Error::not_found("no template " + key + " in " + language);
  return std::move(*found);
}

Result<Template> MessagingService::put_template(const std::string& key,
                                                const std::string& language,
                                                const TemplateInput& input) {
  ECRM_RETURN_IF_ERROR(check_key(key));
  ECRM_RETURN_IF_ERROR(check_language(language));
  ECRM_RETURN_IF_ERROR(check(input));
  Template t;
  t.key = key;
  t.language = language;
  t.kind = input.kind;
  t.subject = input.subject;
  t.html = input.html;
  t.text = input.text;
  t.updated_at = now_ms();
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.upsert_template(*lease, t);
}

Status MessagingService::ensure_template(const Template& t) {
  ECRM_RETURN_IF_ERROR(check_key(t.key));
  ECRM_RETURN_IF_ERROR(check_language(t.language));
  ECRM_RETURN_IF_ERROR(check(TemplateInput{t.kind, t.subject, t.html, t.text}));
  Template stamped = t;
  stamped.updated_at = now_ms();
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.ensure_template(*lease, stamped);
}

Status MessagingService::delete_template(const std::string& key, const std::string& language) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(bool deleted, repo_.delete_template(*lease, key, language));
  if (!deleted) return Error::not_found("no template " + key + " in " + language);
  return {};
}

Result<Template> MessagingService::template_for(Connection& c, const std::string& key,
                                                const std::string& language) {
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_template(c, key, language));
  if (!found && language != options_.default_language) {
    ECRM_ASSIGN_OR_RETURN(found, repo_.find_template(c, key, options_.default_language));
  }
  if (!found) {
    // Any language rather than nothing.
    ECRM_ASSIGN_OR_RETURN(auto all, repo_.list_templates(c));
    for (auto& t : all) {
      if (t.key == key) return std::move(t);
    }
    return Error::invalid("no template has the key '" + key + "'", "template_key");
  }
  return std::move(*found);
}

json::object MessagingService::customer_data(const customers::Customer& x) const {
  return json::object{{"name", x.name},
                      {"first_name", first_name(x.name)},
                      {"email", x.email.value_or("")},
                      {"city", x.city},
                      {"company", x.company},
                      {"language", x.language}};
}

Status MessagingService::add_referral_link(json::object& customer, std::int64_t customer_id,
                                          std::string_view subject, std::string_view html,
                                          std::string_view text) const {
  constexpr std::string_view kTag = "referral_";
  if (!referral_links_ || (subject.find(kTag) == std::string_view::npos &&
                           html.find(kTag) == std::string_view::npos &&
                           text.find(kTag) == std::string_view::npos)) {
    return {};
  }
  ECRM_ASSIGN_OR_RETURN(auto link, referral_links_(customer_id));
  customer["referral_code"] = link ? link->code : std::string();
  customer["referral_url"] = link ? link->url : std::string();
  return {};
}

Result<AgeingResult> MessagingService::age_log(std::optional<std::int64_t> keep_days) {
  const UnixMs before = now_ms() - keep_days.value_or(options_.log_days) * kMsPerDay;
  return storage::with_transaction<AgeingResult>(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.age(c, before);
  });
}

Result<std::vector<MessageEvent>> MessagingService::events(std::int64_t message_id) {
  ECRM_ASSIGN_OR_RETURN(auto message, get(message_id));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.events_of(*lease, message.id);
}

Result<std::vector<Suppression>> MessagingService::suppressions(const SuppressionQuery& query,
                                                                int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::string> q;
  if (query.q && !query.q->empty()) q = lower(*query.q);
  return repo_.suppressions(*lease, q, limit);
}

Result<Suppression> MessagingService::suppress_address(const SuppressionInput& input) {
  if (!customers::normalize_email(input.address).ok()) {
    return Error::invalid("address must be an e-mail address", "address");
  }
  const std::string address = lower(input.address);
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(repo_.suppress(*lease, address, "manual", input.detail.value_or(""), now_ms()));
  ECRM_ASSIGN_OR_RETURN(auto all, repo_.suppressions(*lease, address, 50));
  for (auto& s : all) {
    if (s.address == address) return std::move(s);
  }
  return Error::internal("the suppression was not stored");
}

Status MessagingService::unsuppress(const std::string& address) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(bool found, repo_.unsuppress(*lease, lower(address)));
  if (!found) return Error::not_found("the address is not suppressed");
  return {};
}

Result<std::pair<std::string, std::string>> MessagingService::test_message(
    const TestSendRequest& request) {
  if (!customers::normalize_email(request.to).ok()) {
    return Error::invalid("to must be an e-mail address", "to");
  }
  PreviewRequest preview{request.customer_id, request.template_key, request.language, request.draft};
  ECRM_ASSIGN_OR_RETURN(auto rendered, this->preview(preview));
  rendered.subject = "[Test] " + rendered.subject;
  const UnixMs now = now_ms();
  // <ecrm.0.NOW@domain> as <ecrm.test.NOW@domain>: no outbox message has that id.
  std::string message_id = message_id_header(0, now, options_.mail_from);
  message_id.replace(0, 7, "<ecrm.test");
  return std::pair<std::string, std::string>{
      request.to, mime_message(options_.mail_from, request.to, rendered, message_id, "test", 0,
                               std::nullopt, now)};
}

Result<Rendered> MessagingService::preview(const PreviewRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto customer, customers::CustomerRepo().find(*lease, request.customer_id));
  if (!customer) return Error::invalid("no such customer", "customer_id");
  TemplateInput input;
  if (request.draft) {
    ECRM_RETURN_IF_ERROR(check(*request.draft));
    input = *request.draft;
  } else if (request.template_key) {
    const std::string language = request.language.value_or(
        customer->language.empty() ? options_.default_language : customer->language);
    ECRM_ASSIGN_OR_RETURN(auto t, template_for(*lease, *request.template_key, language));
    input = TemplateInput{t.kind, t.subject, t.html, t.text};
  } else {
    return Error::invalid("give a template_key or a draft", "template_key");
  }
  json::object data{{"customer", customer_data(*customer)},
                    {"shop", json::object{{"name", options_.shop_name}, {"url", options_.base_url}}},
                    {"unsubscribe_url", options_.base_url + "/u/preview"}};
  ECRM_RETURN_IF_ERROR(add_referral_link(data["customer"].as_object(), customer->id,
                                         input.subject, input.html, input.text));
  if (recommendations_) {
    json::array items = recommendations_(customer->id);
    for (auto& item : items) {
      if (!item.is_object()) continue;
      if (const auto* id = item.get_object().if_contains("product_id"); id && id->is_int64()) {
        item.get_object()["url"] = options_.base_url + "/products/" + std::to_string(id->get_int64());
      }
    }
    data["recommendations"] = std::move(items);
  }
  return render(input, data);
}

Result<std::optional<std::int64_t>> MessagingService::queue(Connection& c, const NewMessage& m) {
  ECRM_ASSIGN_OR_RETURN(auto t, template_for(c, m.template_key, options_.default_language));
  NewMessage row = m;
  row.kind = t.kind;
  return repo_.insert(c, row, now_ms());
}

Result<Message> MessagingService::send(const SendRequest& request) {
  NewMessage m;
  m.customer_id = request.customer_id;
  m.template_key = request.template_key;
  m.source = request.source.value_or("manual");
  if (auto checked = check_key(m.source); !checked.ok()) {
    return Error::invalid("source may hold only a-z, 0-9, '_' and '-' (1 to 100 characters)",
                          "source");
  }
  auto id = storage::with_transaction<std::optional<std::int64_t>>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<std::optional<std::int64_t>> {
        ECRM_ASSIGN_OR_RETURN(auto customer, customers::CustomerRepo().find(c, m.customer_id));
        if (!customer) return Error::invalid("no such customer", "customer_id");
        return queue(c, m);
      });
  if (!id.ok()) return std::move(id).error();
  if (!*id) return Error::internal("the message was not queued");
  return get(**id);
}

Result<Message> MessagingService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find(*lease, id));
  if (!found) return Error::not_found("no such message: " + std::to_string(id));
  return std::move(*found);
}

Result<std::vector<Message>> MessagingService::list(const MessageQuery& query,
                                                    std::int64_t before_id, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list(*lease, query, before_id, limit);
}

Result<OutboxStats> MessagingService::stats() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.stats(*lease);
}

Result<std::string> MessagingService::unsubscribe_token(std::int64_t message_id,
                                                        std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  const std::string payload = std::to_string(message_id) + "." + std::to_string(customer_id);
  return payload + "." + sign(key, "unsubscribe:" + payload);
}

Result<std::string> MessagingService::sign_link(std::string_view purpose,
                                               const std::string& payload) {
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  const std::string encoded = base64url_encode(payload);
  return encoded + "." + sign(key, std::string(purpose) + ":" + encoded);
}

Result<std::string> MessagingService::sign_link(Connection& c, std::string_view purpose,
                                               const std::string& payload) {
  std::optional<std::string> key;
  {
    std::lock_guard lock(mutex_);
    key = secret_;
  }
  // Not cached: read (or made) on the caller's connection, and not cached from there (the
  // caller's transaction may still roll back).
  if (!key) {
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.signing_secret(c));
    key = std::move(stored);
  }
  const std::string encoded = base64url_encode(payload);
  return encoded + "." + sign(*key, std::string(purpose) + ":" + encoded);
}

Result<std::string> MessagingService::verify_link(std::string_view purpose,
                                                 const std::string& token) {
  const Error invalid = Error::invalid("this link is not valid", "token", "invalid_token");
  const auto dot = token.rfind('.');
  if (dot == std::string::npos || dot == 0 || token.size() > 512) return invalid;
  const std::string payload = token.substr(0, dot);
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  if (!constant_time_equal(sign(key, std::string(purpose) + ":" + payload), token.substr(dot + 1))) {
    return invalid;
  }
  auto decoded = base64url_decode(payload);
  if (!decoded) return invalid;
  return std::move(*decoded);
}

Result<DeliveryBatch> MessagingService::read_batch(Connection& c,
                                                   const std::vector<Claimed>& claimed) {
  DeliveryBatch out;
  std::vector<std::int64_t> ids;
  std::vector<std::string> keys;
  for (const auto& x : claimed) {
    ids.push_back(x.message.customer_id);
    keys.push_back(x.message.template_key);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  ECRM_ASSIGN_OR_RETURN(auto found, customers::CustomerRepo().find_many(c, ids));
  std::vector<std::string> addresses;
  for (auto& customer : found) {
    if (customer.email && !customer.email->empty()) addresses.push_back(lower(*customer.email));
    const std::int64_t id = customer.id;
    out.customers.emplace(id, std::move(customer));
  }
  ECRM_ASSIGN_OR_RETURN(out.suppressed, repo_.suppressions_of(c, addresses));
  ECRM_ASSIGN_OR_RETURN(auto templates, repo_.templates_with_keys(c, keys));
  for (auto& t : templates) out.templates[t.key].push_back(std::move(t));
  std::vector<std::int64_t> marketing;
  for (const auto& x : claimed) {
    if (x.message.kind == MessageKind::kMarketing) marketing.push_back(x.message.customer_id);
  }
  std::sort(marketing.begin(), marketing.end());
  marketing.erase(std::unique(marketing.begin(), marketing.end()), marketing.end());
  // The longest window a cap counts in.
  ECRM_ASSIGN_OR_RETURN(out.marketing_sent,
                        repo_.marketing_sent_to(c, marketing, now_ms() - 7 * kMsPerDay));
  return out;
}

void MessagingService::sent(DeliveryBatch& batch, const Claimed& claimed, UnixMs at) {
  if (claimed.message.kind != MessageKind::kMarketing) return;
  auto& times = batch.marketing_sent[claimed.message.customer_id];
  times.insert(times.begin(), at);
}

Result<Prepared> MessagingService::prepare(const DeliveryBatch& batch, const Claimed& claimed,
                                           UnixMs now) {
  const Message& m = claimed.message;
  Prepared out;
  auto suppress = [&](std::string reason) {
    out.action = Prepared::Action::kSuppress;
    out.reason = std::move(reason);
    return out;
  };
  const auto found = batch.customers.find(m.customer_id);
  const customers::Customer* customer = found == batch.customers.end() ? nullptr : &found->second;
  if (!customer || customer->erased_at) return suppress("the customer was erased");
  if (customer->merged_into) return suppress("the customer was merged into another");
  if (!customer->email || customer->email->empty()) return suppress("the customer has no e-mail address");
  const std::string address = lower(*customer->email);
  if (m.kind == MessageKind::kMarketing) {
    const auto& consent = customer->consent_for(customers::ConsentChannel::kEmail);
    if (consent.granted != true) {
      return suppress(consent.granted ? "the customer withdrew e-mail consent"
                                      : "the customer has not given e-mail consent");
    }
  }
  if (const auto suppressed = batch.suppressed.find(address); suppressed != batch.suppressed.end()) {
    return suppress("the address is suppressed (" + suppressed->second + ")");
  }
  ECRM_ASSIGN_OR_RETURN(const SendingRules rules, current_rules());
  if (m.kind == MessageKind::kMarketing) {
    const auto dash = rules.quiet_hours.find('-');
    if (dash != std::string::npos) {
      const std::string from = rules.quiet_hours.substr(0, dash);
      const std::string until_text = rules.quiet_hours.substr(dash + 1);
      if (auto until = quiet_until(now, from, until_text)) {
        out.action = Prepared::Action::kDefer;
        out.retry_at = *until;
        out.reason = "quiet hours " + rules.quiet_hours;
        return out;
      }
    }
  }
  if (m.kind == MessageKind::kMarketing) {
    // The frequency cap: wait until the oldest message counted falls out of its window.
    struct Cap {
      int limit;
      UnixMs window;
      const char* name;
    };
    const Cap caps[] = {Cap{static_cast<int>(rules.daily_cap), kMsPerDay, "a day"},
                        Cap{static_cast<int>(rules.weekly_cap), 7 * kMsPerDay, "a week"}};
    // The customer's marketing mail sent in the last week (read with the batch; none of theirs
    // is being sent by anyone else), newest first.
    static const std::vector<UnixMs> kNone;
    const auto found_sent = batch.marketing_sent.find(m.customer_id);
    const std::vector<UnixMs>& sent_at =
        found_sent == batch.marketing_sent.end() ? kNone : found_sent->second;
    for (const Cap& cap : caps) {
      if (cap.limit <= 0) continue;
      // The send time of the limit-th newest message sent within the window.
      std::optional<UnixMs> nth;
      if (sent_at.size() >= static_cast<std::size_t>(cap.limit) &&
          sent_at[static_cast<std::size_t>(cap.limit) - 1] >= now - cap.window) {
        nth = sent_at[static_cast<std::size_t>(cap.limit) - 1];
      }
      if (nth && claimed.drop_when_capped) {
        return suppress("frequency cap: " + std::to_string(cap.limit) + " marketing message" +
                        (cap.limit == 1 ? "" : "s") + " " + cap.name + "; dropped as its flow says");
      }
      if (nth) {
        out.action = Prepared::Action::kDefer;
        out.retry_at = *nth + cap.window;
        out.reason = "frequency cap: " + std::to_string(cap.limit) + " marketing message" +
                     (cap.limit == 1 ? "" : "s") + " " + cap.name;
        return out;
      }
    }
  }
  const std::string language =
      customer->language.empty() ? options_.default_language : customer->language;
  const Template* chosen = nullptr;
  if (const auto with_key = batch.templates.find(m.template_key); with_key != batch.templates.end()) {
    // The customer's language, else the shop's, else any rather than nothing (template_for).
    for (const std::string& wanted : {language, options_.default_language}) {
      for (const auto& x : with_key->second) {
        if (!chosen && x.language == wanted) chosen = &x;
      }
    }
    if (!chosen && !with_key->second.empty()) chosen = &with_key->second.front();
  }
  if (!chosen) return suppress("no template has the key '" + m.template_key + "'");
  const Template& t = *chosen;
  json::value extra;
  {
    boost::system::error_code ec;
    extra = json::parse(claimed.data, ec);
    if (ec || !extra.is_object()) extra = json::object{};
  }
  json::object data = extra.as_object();
  data["customer"] = customer_data(*customer);
  ECRM_RETURN_IF_ERROR(
      add_referral_link(data["customer"].as_object(), m.customer_id, t.subject, t.html, t.text));
  if (!data.contains("recommendations") && recommendations_ &&
      (t.html.find("recommendations") != std::string::npos ||
       t.text.find("recommendations") != std::string::npos)) {
    data["recommendations"] = recommendations_(m.customer_id);
  }
  // Product links point at this server's public address as it is when the message is sent.
  auto link = [&](json::value& item) {
    if (!item.is_object()) return;
    if (const auto* id = item.get_object().if_contains("product_id"); id && id->is_int64()) {
      item.get_object()["url"] = options_.base_url + "/products/" + std::to_string(id->get_int64());
    }
  };
  if (auto* recommendations = data.if_contains("recommendations");
      recommendations && recommendations->is_array()) {
    for (auto& item : recommendations->get_array()) link(item);
  }
  if (auto* version = data.if_contains("version")) link(*version);
  data["shop"] = json::object{{"name", options_.shop_name}, {"url", options_.base_url}};
  std::optional<std::string> unsubscribe_url;
  if (t.kind == MessageKind::kMarketing) {
    ECRM_ASSIGN_OR_RETURN(auto token, unsubscribe_token(m.id, m.customer_id));
    unsubscribe_url = options_.base_url + "/u/" + token;
    data["unsubscribe_url"] = *unsubscribe_url;
  }
  auto rendered = render(TemplateInput{t.kind, t.subject, t.html, t.text}, data);
  if (!rendered.ok()) return suppress("the template did not render: " + rendered.error().message);
  if (options_.track) {
    ECRM_ASSIGN_OR_RETURN(rendered->html, tracked_html(rendered->html, m.id, unsubscribe_url));
  }
  out.language = t.language;
  out.envelope_to = address;
  out.to = mailbox(customer->name, address);
  out.to_display = customer->name.empty() ? address : one_line(customer->name) + " <" + address + ">";
  out.subject = rendered->subject;
  out.digest = sha256_hex(rendered->subject + "\n" + rendered->html + "\n" + rendered->text);
  const std::string message_id = claimed.thread.message_id.empty()
                                     ? message_id_header(m.id, m.created_at, options_.mail_from)
                                     : "<" + claimed.thread.message_id + ">";
  out.mime = mime_message(options_.mail_from, out.to, *rendered, message_id, m.source, m.id,
                          unsubscribe_url, now, claimed.thread);
  return out;
}

namespace {

bool time_of_day(const std::string& s) {
  return s.size() == 5 && s[2] == ':' && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[1])) &&
         std::isdigit(static_cast<unsigned char>(s[3])) &&
         std::isdigit(static_cast<unsigned char>(s[4])) && std::stoi(s.substr(0, 2)) < 24 &&
         std::stoi(s.substr(3, 2)) < 60;
}

constexpr std::string_view kReadRules =
    "SELECT daily_cap, weekly_cap, quiet_hours FROM messaging_rules WHERE id = 1";
constexpr std::string_view kWriteRules =
    "INSERT INTO messaging_rules (id, daily_cap, weekly_cap, quiet_hours, updated_at) "
    "VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET daily_cap = excluded.daily_cap, "
    "weekly_cap = excluded.weekly_cap, quiet_hours = excluded.quiet_hours, "
    "updated_at = excluded.updated_at";
constexpr UnixMs kRulesTtl = 30'000;  // a fallback: a change publishes an invalidation
constexpr std::string_view kRulesSetting = "messaging_rules";

}  // namespace

Result<SendingRules> MessagingService::rules() {
  SendingRules out{options_.daily_cap, options_.weekly_cap,
                   options_.quiet_from.empty() ? std::string()
                                               : options_.quiet_from + "-" + options_.quiet_until};
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(lease->query(kReadRules, {}, [&](const storage::RowView& row) {
    out = SendingRules{row.get_int(0), row.get_int(1), row.get_string(2)};
  }));
  std::lock_guard lock(mutex_);
  rules_ = out;
  rules_read_at_ = now_ms();
  return out;
}

Result<SendingRules> MessagingService::current_rules() {
  {
    std::lock_guard lock(mutex_);
    if (rules_ && now_ms() - rules_read_at_ < kRulesTtl) return *rules_;
  }
  return rules();
}

Result<SendingRules> MessagingService::set_rules(const SendingRules& rules) {
  if (!rules.quiet_hours.empty()) {
    const auto dash = rules.quiet_hours.find('-');
    if (dash == std::string::npos || !time_of_day(rules.quiet_hours.substr(0, dash)) ||
        !time_of_day(rules.quiet_hours.substr(dash + 1))) {
      return Error::invalid("quiet_hours must be HH:MM-HH:MM (or empty for none)", "quiet_hours");
    }
  }
  if (rules.weekly_cap > 0 && rules.daily_cap > rules.weekly_cap) {
    return Error::invalid("daily_cap must not exceed weekly_cap", "daily_cap");
  }
  ECRM_RETURN_IF_ERROR(storage::with_transaction(
      db_, storage::TxMode::kWrite, [&](storage::Connection& c) -> Status {
        ECRM_RETURN_IF_ERROR(storage::done(c.execute(
            kWriteRules, {rules.daily_cap, rules.weekly_cap, rules.quiet_hours, now_ms()})));
        // Other processes (the workers that send) read the rules again at once.
        return storage::publish_invalidation(c, storage::topics::kSettings, kRulesSetting);
      }));
  return this->rules();
}

void MessagingService::follow(storage::InvalidationBus& bus) {
  bus.subscribe(std::string(storage::topics::kSettings), [this](std::string_view key) {
    if (!key.empty() && key != kRulesSetting) return;
    std::lock_guard lock(mutex_);
    rules_.reset();
  });
}

std::optional<UnixMs> MessagingService::quiet_until(UnixMs now, const std::string& quiet_from,
                                                    const std::string& quiet_to) const {
  if (!time_of_day(quiet_from) || !time_of_day(quiet_to)) return std::nullopt;
  try {
    using namespace std::chrono;
    const date::time_zone* zone = options_.time_zone.empty() ? date::current_zone()
                                                             : date::locate_zone(options_.time_zone);
    const auto local = zone->to_local(sys_time<milliseconds>(milliseconds(now)));
    const auto day = date::floor<date::days>(local);
    auto at = [&](const std::string& hhmm) {
      return minutes(std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2)));
    };
    const auto from = at(quiet_from), until = at(quiet_to);
    const auto time = duration_cast<minutes>(local - day);
    std::optional<date::local_time<milliseconds>> end;
    if (from < until) {
      if (time >= from && time < until) end = day + until;
    } else if (from > until) {  // over midnight
      if (time >= from) end = day + date::days(1) + until;
      else if (time < until) end = day + until;
    }
    if (!end) return std::nullopt;
    return static_cast<UnixMs>(
        zone->to_sys(*end, date::choose::latest).time_since_epoch().count());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Result<std::pair<std::int64_t, std::string>> MessagingService::verify_token(
    const std::string& token, std::string_view purpose) {
  const auto dot = token.rfind('.');
  if (dot == std::string::npos || dot == 0) return Error::invalid("this link is not valid", "token");
  const std::string payload = token.substr(0, dot);
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  if (!constant_time_equal(sign(key, std::string(purpose) + ":" + payload), token.substr(dot + 1))) {
    return Error::invalid("this link is not valid", "token");
  }
  auto decoded = base64url_decode(payload);
  if (!decoded) return Error::invalid("this link is not valid", "token");
  const auto space = decoded->find(' ');
  try {
    return std::pair<std::int64_t, std::string>{
        std::stoll(decoded->substr(0, space)),
        space == std::string::npos ? std::string() : decoded->substr(space + 1)};
  } catch (const std::exception&) {
    return Error::invalid("this link is not valid", "token");
  }
}

Status MessagingService::record_open(const std::string& token) {
  ECRM_ASSIGN_OR_RETURN(auto target, verify_token(token, "open"));
  ECRM_ASSIGN_OR_RETURN(auto message, get(target.first));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.add_event(*lease, message.id, message.customer_id, "open", now_ms(), "");
}

Result<std::string> MessagingService::record_click(const std::string& token) {
  ECRM_ASSIGN_OR_RETURN(auto target, verify_token(token, "click"));
  if (!(target.second.starts_with("https://") || target.second.starts_with("http://"))) {
    return Error::invalid("this link is not valid", "token");
  }
  ECRM_ASSIGN_OR_RETURN(auto message, get(target.first));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(repo_.add_event(*lease, message.id, message.customer_id, "click", now_ms(),
                                       target.second));
  return target.second;
}

namespace {

std::string unescape_href(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      for (auto [entity, ch] : {std::pair<std::string_view, char>{"&amp;", '&'}, {"&quot;", '"'},
                                {"&#39;", '\''}, {"&lt;", '<'}, {"&gt;", '>'}}) {
        if (s.substr(i, entity.size()) == entity) {
          out += ch;
          i += entity.size() - 1;
          goto next;
        }
      }
    }
    out += s[i];
  next:;
  }
  return out;
}

}  // namespace

Result<std::string> MessagingService::tracked_html(const std::string& html, std::int64_t id,
                                                   const std::optional<std::string>& unsubscribe_url) {
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  auto token = [&](std::string_view purpose, const std::string& payload) {
    const std::string encoded = base64url_encode(payload);
    return encoded + "." + sign(key, std::string(purpose) + ":" + encoded);
  };
  std::string out;
  out.reserve(html.size() + 256);
  std::size_t at = 0;
  for (;;) {
    const auto href = html.find("href=\"", at);
    if (href == std::string::npos) break;
    const auto start = href + 6;
    const auto end = html.find('"', start);
    if (end == std::string::npos) break;
    const std::string url = unescape_href(std::string_view(html).substr(start, end - start));
    out.append(html, at, start - at);
    const bool web = url.starts_with("https://") || url.starts_with("http://");
    if (web && (!unsubscribe_url || url != *unsubscribe_url)) {
      out += options_.base_url + "/c/" + token("click", std::to_string(id) + " " + url);
    } else {
      out.append(html, start, end - start);
    }
    at = end;
  }
  out.append(html, at, std::string::npos);
  const std::string pixel = "<img src=\"" + options_.base_url + "/o/" +
                            token("open", std::to_string(id)) +
                            "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
  if (const auto body = out.rfind("</body>"); body != std::string::npos) {
    out.insert(body, pixel);
  } else {
    out += pixel;
  }
  return out;
}

Result<UnsubscribeTarget> MessagingService::unsubscribe_target(const std::string& token) {
  const auto first = token.find('.');
  const auto second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos) return Error::invalid("this unsubscribe link is not valid", "token");
  const std::string payload = token.substr(0, second);
  ECRM_ASSIGN_OR_RETURN(auto key, secret());
  if (!constant_time_equal(sign(key, "unsubscribe:" + payload), token.substr(second + 1))) {
    return Error::invalid("this unsubscribe link is not valid", "token");
  }
  UnsubscribeTarget target;
  try {
    target.message_id = std::stoll(payload.substr(0, first));
    target.customer_id = std::stoll(payload.substr(first + 1));
  } catch (const std::exception&) {
    return Error::invalid("this unsubscribe link is not valid", "token");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto customer, customers::CustomerRepo().find(*lease, target.customer_id));
  if (!customer || customer->erased_at) return Error::not_found("this customer is no longer here");
  target.address = mask(customer->email.value_or(""));
  target.subscribed = customer->consent_for(customers::ConsentChannel::kEmail).granted == true;
  return target;
}

Result<UnsubscribeTarget> MessagingService::unsubscribe(const std::string& token,
                                                        const std::string& how) {
  ECRM_ASSIGN_OR_RETURN(auto target, unsubscribe_target(token));
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    customers::CustomerRepo customers;
    ECRM_ASSIGN_OR_RETURN(auto customer, customers.find(c, target.customer_id));
    if (!customer) return Error::not_found("this customer is no longer here");
    auto& consent = customer->consent_for(customers::ConsentChannel::kEmail);
    if (consent.granted == false) return {};  // already done: nothing to record twice
    consent.granted = false;
    consent.at = now;
    consent.how = how;
    customer->updated_at = now;
    ECRM_RETURN_IF_ERROR(customers.update(c, *customer));
    return repo_.add_event(c, target.message_id, target.customer_id, "unsubscribe", now, how);
  }));
  target.subscribed = false;
  return target;
}

Result<InboundResult> MessagingService::receive(std::string_view raw) {
  const Inbound in = parse_inbound(raw);
  InboundResult out{"unmatched", std::nullopt, std::nullopt};
  if (in.kind == InboundKind::kUnmatched || !in.message_id) return out;
  const UnixMs now = now_ms();
  auto done = storage::with_transaction<bool>(db_, TxMode::kWrite, [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(auto m, repo_.find(c, *in.message_id));
    // A Message-ID names its message's creation time: a made-up one matches nothing.
    if (!m || (in.created_at && *in.created_at != m->created_at)) return false;
    out.message_id = m->id;
    out.customer_id = m->customer_id;
    switch (in.kind) {
      case InboundKind::kReply:
        out.kind = "reply";
        return repo_.add_event(c, m->id, m->customer_id, "reply", now,
                               in.subject + (in.excerpt.empty() ? "" : "\n" + in.excerpt))
            .ok();
      case InboundKind::kBounce: {
        out.kind = "bounce";
        const std::string address = lower(in.recipient.empty() ? bare_address(m->to) : in.recipient);
        const std::string detail = "status " + (in.status.empty() ? std::string("5.0.0") : in.status);
        ECRM_RETURN_IF_ERROR(repo_.mark_bounced(c, m->id, "the address bounced (" + detail + ")", now));
        if (!address.empty()) ECRM_RETURN_IF_ERROR(repo_.suppress(c, address, "bounce", detail, now));
        ECRM_RETURN_IF_ERROR(repo_.add_event(c, m->id, m->customer_id, "bounce", now, detail));
        return true;
      }
      case InboundKind::kDelay:
        out.kind = "delay";
        ECRM_RETURN_IF_ERROR(repo_.add_event(c, m->id, m->customer_id, "deferred", now,
                                             "status " + in.status));
        return true;
      case InboundKind::kUnmatched:
        break;
    }
    return false;
  });
  if (!done.ok()) return std::move(done).error();
  if (!*done) return InboundResult{"unmatched", std::nullopt, std::nullopt};
  return out;
}

Result<std::vector<ReplyStats>> MessagingService::reply_stats() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto by_source, repo_.replies(*lease));
  std::vector<ReplyStats> out;
  for (auto& [source, r] : by_source) {
    ReplyStats s;
    s.source = source;
    s.sent = r.sent;
    s.replied = static_cast<std::int64_t>(r.reply_delays.size());
    const std::int64_t per_mille = s.sent > 0 ? (s.replied * 1000 + s.sent / 2) / s.sent : 0;
    s.reply_rate = std::to_string(per_mille / 10) + "." + std::to_string(per_mille % 10) + "%";
    if (!r.reply_delays.empty()) {
      std::sort(r.reply_delays.begin(), r.reply_delays.end());
      const std::size_t n = r.reply_delays.size();
      const UnixMs median = n % 2 ? r.reply_delays[n / 2]
                                  : (r.reply_delays[n / 2 - 1] + r.reply_delays[n / 2]) / 2;
      s.median_reply_minutes = median / 60'000;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ecrm::messaging
