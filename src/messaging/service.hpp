// Messaging: templates, the outbox and the rules a message must pass when it is sent.
//
// Messages are queued as rows (queue(), inside the caller's transaction, so an automation step
// and its message commit together) and rendered when they are sent (prepare(): the customer as
// they are then, links signed with the message's id). The rules are checked at send time, not
// only at queue time: marketing mail needs e-mail consent granted and counts against the
// frequency cap (default: 1 a day, 3 a week; a capped message waits until the cap allows it);
// transactional mail needs neither; erased or merged-away customers, customers without an
// address, and suppressed addresses (bounced, unsubscribed by complaint) get nothing. A message
// held or dropped says why (`reason`).
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "customers/model.hpp"
#include "messaging/model.hpp"
#include "messaging/repo.hpp"
#include "storage/database.hpp"
#include "storage/invalidation.hpp"

namespace ecrm::messaging {

struct MessagingOptions {
  std::string mail_from = "Shop <shop@example.com>";  // From: and the envelope sender
  std::string shop_name = "Shop";
  std::string base_url = "http://127.0.0.1:8080";     // where links in messages point
  std::string default_language = "en";                // when the customer's has no template
  int daily_cap = 1;                                   // marketing mail per customer per day
  int weekly_cap = 3;                                  // and per 7 days
  // Quiet hours: marketing mail is held from `quiet_from` to `quiet_until` (HH:MM, in
  // `time_zone`, the shop's; empty: the system's); both empty: no quiet hours.
  std::string quiet_from;
  std::string quiet_until;
  std::string time_zone;
  bool track = true;  // open pixel and click redirects in HTML mail
  int log_days = 400;  // messages and events older than this are counted per day and deleted
};

// The customer's recommendations with their reasons for a message's {{#recommendations}} block
// (given by the recommendations capability; messaging does not depend on it).
using RecommendationSource = std::function<boost::json::array(std::int64_t customer_id)>;

// A customer's own referral code and link for a message's {{customer.referral_code}} and
// {{customer.referral_url}} (given by the referrals capability; messaging does not depend on
// it); nullopt when the customer has none (erased or merged).
struct ReferralLink {
  std::string code;
  std::string url;
};
using ReferralLinkSource =
    std::function<Result<std::optional<ReferralLink>>(std::int64_t customer_id)>;

// A message ready to go, or what to do instead.
struct Prepared {
  enum class Action { kSend, kSuppress, kDefer };
  Action action = Action::kSend;
  std::string reason;      // kSuppress, kDefer: why
  UnixMs retry_at = 0;     // kDefer: when the cap allows it
  std::string language;
  std::string to;          // the customer's mailbox, as the To: header writes it
  std::string to_display;  // the same for people: Name <address>
  std::string envelope_to; // the bare address
  std::string mime;        // the whole RFC 5322 message
  std::string subject;
  std::string digest;
};

// What prepare() reads for a batch of claimed messages, read once for the whole batch
// (read_batch: a statement or two per kind, not one per message): their customers, the
// suppressions of their addresses, their templates in every language, and what the frequency
// cap counts: the marketing mail sent to the customers of the batch's marketing messages in the
// last week. No other marketing message of those customers is being sent meanwhile (claims do
// not take one while another is), so the last is exact once the sender adds the batch's own
// (sent()).
struct DeliveryBatch {
  std::map<std::int64_t, customers::Customer> customers;
  std::map<std::string, std::string> suppressed;           // lower-case address -> reason
  std::map<std::string, std::vector<Template>> templates;  // by key
  std::map<std::int64_t, std::vector<UnixMs>> marketing_sent;  // customer -> send times, newest first
};

// Who an unsubscribe link is for.
struct UnsubscribeTarget {
  std::int64_t message_id = 0;
  std::int64_t customer_id = 0;
  std::string address;  // masked: a***@example.com
  bool subscribed = false;
};
ECRM_DESCRIBE(UnsubscribeTarget, message_id, customer_id, address, subscribed)

class MessagingService {
 public:
  MessagingService(storage::Database& db, MessagingOptions options);

  const MessagingOptions& options() const { return options_; }
  // Fills {{#recommendations}} of messages and previews whose data has none.
  void set_recommendations(RecommendationSource source) { recommendations_ = std::move(source); }
  // Fills {{customer.referral_code}} and {{customer.referral_url}} of messages and previews
  // whose template names them.
  void set_referral_links(ReferralLinkSource source) { referral_links_ = std::move(source); }

  // Tracking: the open pixel's and a click redirect's signed tokens. kInvalidArgument (field
  // "token") when forged or malformed; an open or click is recorded on the message and the
  // customer's timeline.
  Status record_open(const std::string& token);
  // The address the click goes to.
  Result<std::string> record_click(const std::string& token);
  // The HTML with its links through click redirects and an open pixel (message `id`).
  Result<std::string> tracked_html(const std::string& html, std::int64_t id,
                                   const std::optional<std::string>& unsubscribe_url);

  // Templates. put_template checks the parts (render.hpp) and the language ("en", "zh-CN").
  Result<std::vector<Template>> templates();
  Result<Template> get_template(const std::string& key, const std::string& language);
  Result<Template> put_template(const std::string& key, const std::string& language,
                                const TemplateInput& input);
  Status delete_template(const std::string& key, const std::string& language);
  // Adds the template unless its key exists in its language (checked like put_template).
  Status ensure_template(const Template& t);

  // Renders a stored template (in the customer's language, else the shop's) or a draft for a
  // customer, as it would be sent now (the unsubscribe link is a sample).
  Result<Rendered> preview(const PreviewRequest& request);

  // Queues a stored template for a customer (staff's manual send or a test).
  Result<Message> send(const SendRequest& request);
  // Queues `m` on `c` (the caller's transaction); nullopt when its dedupe key was queued before.
  // kInvalidArgument when no template has the key.
  Result<std::optional<std::int64_t>> queue(storage::Connection& c, const NewMessage& m);

  Result<Message> get(std::int64_t id);
  Result<std::vector<MessageEvent>> events(std::int64_t message_id);
  Result<std::vector<Suppression>> suppressions(const SuppressionQuery& query, int limit);
  Result<Suppression> suppress_address(const SuppressionInput& input);
  Status unsuppress(const std::string& address);
  // The sending rules in force (staff's, else the server's options); set_rules checks them
  // (quiet_hours HH:MM-HH:MM or empty) and they apply to the next message sent on every
  // process (others read them again within 30 s).
  Result<SendingRules> rules();
  Result<SendingRules> set_rules(const SendingRules& rules);
  // Reads the sending rules again at once when another process changes them
  // (topics::kSettings, messaging_rules); call once before the bus delivers.
  void follow(storage::InvalidationBus& bus);
  // Ages the message log (AgeingResult); `keep_days` default options().log_days.
  Result<AgeingResult> age_log(std::optional<std::int64_t> keep_days);
  // A test send's recipient and RFC 5322 text (TestSendRequest).
  Result<std::pair<std::string, std::string>> test_message(const TestSendRequest& request);
  Result<std::vector<Message>> list(const MessageQuery& query, std::int64_t before_id, int limit);
  Result<OutboxStats> stats();

  // Delivery's side: what the messages of a claimed batch need from the database (one snapshot
  // for the batch), then what to do with each of them now, and, once one is sent, the batch
  // brought up to date (the frequency cap of the customer's next message in it counts it).
  Result<DeliveryBatch> read_batch(storage::Connection& c, const std::vector<Claimed>& claimed);
  Result<Prepared> prepare(const DeliveryBatch& batch, const Claimed& claimed, UnixMs now);
  static void sent(DeliveryBatch& batch, const Claimed& claimed, UnixMs at);

  // Unsubscribe links: `token` as put in the message. kInvalidArgument (field "token") when
  // forged or malformed.
  Result<UnsubscribeTarget> unsubscribe_target(const std::string& token);
  // Revokes the customer's e-mail consent (how: "unsubscribe link" or "one-click unsubscribe"),
  // recorded on the message.
  Result<UnsubscribeTarget> unsubscribe(const std::string& token, const std::string& how);

  // Records an inbound message (inbound.hpp): a reply on its message and the customer's
  // timeline; a bounce marks the message bounced and suppresses the address; a delay is noted.
  Result<InboundResult> receive(std::string_view raw);
  // Reply rate and median reply time per flow or campaign.
  Result<std::vector<ReplyStats>> reply_stats();

  // A signed token for another capability's link (a survey's answer page): the base64url of
  // `payload`, a dot and its MAC for `purpose` under the shop's link secret, as tracking links
  // are signed. verify_link answers the payload; kInvalidArgument (field "token") when the token
  // is forged, altered, made for another purpose or malformed.
  Result<std::string> sign_link(std::string_view purpose, const std::string& payload);
  // The same inside the caller's transaction on `c` (the secret read there when not yet known:
  // another connection would wait for the caller's write lock).
  Result<std::string> sign_link(storage::Connection& c, std::string_view purpose,
                                const std::string& payload);
  Result<std::string> verify_link(std::string_view purpose, const std::string& token);

  // The signed token and URL of a message's unsubscribe link.
  Result<std::string> unsubscribe_token(std::int64_t message_id, std::int64_t customer_id);

 private:
  Result<std::string> secret();
  Result<Template> template_for(storage::Connection& c, const std::string& key,
                                const std::string& language);
  boost::json::object customer_data(const customers::Customer& x) const;
  // Adds the customer's referral code and link to `customer` (the render data's customer)
  // when the template's parts name them and a source is set.
  Status add_referral_link(boost::json::object& customer, std::int64_t customer_id,
                           std::string_view subject, std::string_view html,
                           std::string_view text) const;
  // When marketing mail may go out again if `now` is in the quiet hours `from`-`until`;
  // nullopt when not.
  std::optional<UnixMs> quiet_until(UnixMs now, const std::string& from,
                                    const std::string& until) const;
  // The rules, from memory when read in the last 30 s.
  Result<SendingRules> current_rules();
  Result<std::pair<std::int64_t, std::string>> verify_token(const std::string& token,
                                                            std::string_view purpose);

  storage::Database& db_;
  MessagingOptions options_;
  MessagingRepo repo_;
  std::mutex mutex_;
  std::optional<std::string> secret_;
  RecommendationSource recommendations_;
  ReferralLinkSource referral_links_;
  std::optional<SendingRules> rules_;
  UnixMs rules_read_at_ = 0;
};

// The RFC 5322 text of a message: From, To, Subject (RFC 2047 when not ASCII), Date, Message-ID,
// In-Reply-To and References when `thread` has them, the X-Ecrm headers, List-Unsubscribe for marketing mail, and a multipart/alternative body.
std::string mime_message(const std::string& from, const std::string& to, const Rendered& content,
                         const std::string& message_id, const std::string& source,
                         std::int64_t id, const std::optional<std::string>& unsubscribe_url,
                         UnixMs date, const ThreadHeaders& thread = {});

// The Message-ID of message `id` (the same on every attempt): <ecrm.ID.CREATED@DOMAIN>.
std::string message_id_header(std::int64_t id, UnixMs created_at, const std::string& from);

}  // namespace ecrm::messaging
