#include "portal/service.hpp"

#include <algorithm>

#include "core/crypto.hpp"

namespace ecrm::portal {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr int kMaxListed = 100;
constexpr int kMaxPurchasedLines = 500;

struct ShippedTemplate {
  const char* language;
  const char* subject;
  const char* html;
  const char* text;
};

// The sign-in mail in each language the portal speaks.
constexpr ShippedTemplate kSignInTemplates[] = {
    {"en", "Your sign-in link for {{shop.name}}",
     "<p>Hello {{customer.first_name}},</p>"
     "<p>Use this link to sign in to your account at {{shop.name}}. It works once, within "
     "{{portal.expires_minutes}} minutes.</p>"
     "<p><a href=\"{{portal.sign_in_url}}\">Sign in</a></p>"
     "<p>If you did not ask for it, ignore this mail: nobody can sign in without the link.</p>",
     "Hello {{customer.first_name}},\n\n"
     "Use this link to sign in to your account at {{shop.name}}. It works once, within "
     "{{portal.expires_minutes}} minutes:\n\n{{portal.sign_in_url}}\n\n"
     "If you did not ask for it, ignore this mail: nobody can sign in without the link.\n"},
    {"zh-CN", "{{shop.name}} 登录链接",
     "<p>{{customer.name}}，您好：</p>"
     "<p>请用下面的链接登录您在 {{shop.name}} 的账户。链接只能使用一次，"
     "{{portal.expires_minutes}} 分钟内有效。</p>"
     "<p><a href=\"{{portal.sign_in_url}}\">登录</a></p>"
     "<p>如果这不是您本人的操作，请忽略本邮件：没有这个链接，任何人都无法登录。</p>",
     "{{customer.name}}，您好：\n\n"
     "请用下面的链接登录您在 {{shop.name}} 的账户。链接只能使用一次，"
     "{{portal.expires_minutes}} 分钟内有效：\n\n{{portal.sign_in_url}}\n\n"
     "如果这不是您本人的操作，请忽略本邮件：没有这个链接，任何人都无法登录。\n"},
};

// Civil date of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400) + (m <= 2 ? 1 : 0);
}

// `at` plus `months` calendar months (UTC), the day clamped to the month's last.
UnixMs add_months(UnixMs at, std::int64_t months) {
  const std::int64_t day_ms = kMsPerDay;
  std::int64_t days = at >= 0 ? at / day_ms : (at - day_ms + 1) / day_ms;
  const UnixMs time_of_day = at - days * day_ms;
  int y = 1970;
  unsigned m = 1, d = 1;
  civil_from_days(days, y, m, d);
  std::int64_t index = static_cast<std::int64_t>(y) * 12 + (m - 1) + months;
  const int ny = static_cast<int>(index / 12);
  const unsigned nm = static_cast<unsigned>(index % 12) + 1;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned last = kDays[nm - 1];
  if (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0)) last = 29;
  return days_from_civil(ny, nm, std::min(d, last)) * day_ms + time_of_day;
}

// Standard base64 (RFC 4648, with padding; line breaks and spaces skipped); nullopt when
// malformed.
std::optional<std::string> base64_decode(std::string_view text) {
  auto value = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '\r' || ch == '\n' || ch == '\t') continue;
    if (ch == '=') {
      ++padding;
      continue;
    }
    const int v = value(ch);
    if (v < 0 || padding > 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (padding > 2 || bits >= 6) return std::nullopt;
  return out;
}

// The decoded files of a request, checked before anything is written.
Result<std::vector<std::pair<AttachmentInput, std::string>>> decode_attachments(
    const std::vector<AttachmentInput>& attachments) {
  if (attachments.size() > kMaxAttachments) {
    return Error::invalid("at most " + std::to_string(kMaxAttachments) + " attachments",
                          "attachments", "too_many");
  }
  std::vector<std::pair<AttachmentInput, std::string>> out;
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    const auto& a = attachments[i];
    const std::string at = "attachments[" + std::to_string(i) + "]";
    if (a.filename.empty()) return Error::invalid("a file needs a name", at + ".filename", "required");
    auto bytes = base64_decode(a.content_base64);
    if (!bytes) {
      return Error::invalid("the file is not standard base64", at + ".content_base64", "invalid_base64");
    }
    if (bytes->size() > kMaxAttachmentBytes) {
      return Error::invalid("a file may hold at most 5 MiB", at + ".content_base64", "too_large");
    }
    out.emplace_back(a, std::move(*bytes));
  }
  return out;
}

service::Actor actor_of(const customers::Customer& c) {
  return service::Actor{std::nullopt, c.id, "customer:" + std::to_string(c.id)};
}

PortalTicket portal_ticket(const service::Ticket& t) {
  const service::TicketView v = service::ticket_view(t);
  return PortalTicket{t.id,      t.subject,   t.status,     t.entitlement, v.quote,
                      t.order_id, t.product_id, v.created_at, v.updated_at};
}

}  // namespace

PortalReturn portal_return(const orders::Return& r) {
  return PortalReturn{r.id,          r.order_id,   r.status,     r.reason, r.refund_amount,
                      r.currency,    r.created_at, r.updated_at, r.lines};
}

PortalOrder portal_order(const orders::Order& o) {
  return PortalOrder{o.id,    o.external_id, o.status,  o.currency,        o.total,
                     o.item_count, o.carrier, o.tracking_number, o.placed_at};
}

PortalService::PortalService(storage::Database& db, auth::PortalAuth& auth,
                             customers::CustomerService& customers, orders::OrderService& orders,
                             messaging::MessagingService& messaging, service::ServiceDesk& desk,
                             PortalOptions options)
    : db_(db),
      auth_(auth),
      customers_(customers),
      orders_(orders),
      messaging_(messaging),
      desk_(desk),
      options_(std::move(options)),
      attachments_(db) {}

Status PortalService::install_templates() {
  for (const auto& t : kSignInTemplates) {
    messaging::Template tmpl;
    tmpl.key = kSignInTemplate;
    tmpl.language = t.language;
    tmpl.kind = messaging::MessageKind::kTransactional;
    tmpl.subject = t.subject;
    tmpl.html = t.html;
    tmpl.text = t.text;
    ECRM_RETURN_IF_ERROR(messaging_.ensure_template(tmpl));
  }
  return {};
}

Status PortalService::request_sign_in(const SignInRequest& request, const std::string& ip) {
  if (request.email.empty()) return Error::invalid("email is required", "email", "required");
  ECRM_ASSIGN_OR_RETURN(auto address, customers::normalize_email(request.email));
  ECRM_RETURN_IF_ERROR(auth_.note_sign_in_request(address, ip));
  std::optional<std::int64_t> customer_id;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(customer_id, repo_.find_customer_by_email(*lease, address));
  }
  if (!customer_id) return {};
  const auto minutes = auth_.config().link_ttl_ms / 60000;
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto token, auth_.issue_link(
                                          c, {http::PortalSubject::kCustomer, *customer_id}, ip));
    messaging::NewMessage m;
    m.customer_id = *customer_id;
    m.template_key = kSignInTemplate;
    m.kind = messaging::MessageKind::kTransactional;
    m.source = "portal";
    m.data = json::serialize(json::object{
        {"portal", json::object{{"sign_in_url", options_.base_url + "/portal/sign-in?token=" + token},
                                {"expires_minutes", std::to_string(minutes)}}}});
    ECRM_ASSIGN_OR_RETURN(auto queued, messaging_.queue(c, m));
    (void)queued;
    return {};
  });
}

Result<auth::PortalSessionOpened> PortalService::open_session(const SessionRequest& request,
                                                              const std::string& ip,
                                                              const std::string& user_agent) {
  ECRM_ASSIGN_OR_RETURN(auto subject, auth_.redeem_link(request.token));
  if (subject.kind != http::PortalSubject::kCustomer) {
    return Error::invalid("this sign-in link is not valid; ask for a new one", "token",
                          "invalid_link");
  }
  auto found = customers_.get(subject.id);
  if (!found.ok() || found->erased_at || found->merged_into) {
    return Error::unauthenticated("this account is closed", "portal_account_closed");
  }
  return auth_.open_session(subject, ip, user_agent);
}

Status PortalService::sign_out(const std::string& session_token) {
  return auth_.end_session(session_token);
}

Result<customers::Customer> PortalService::customer(const http::Principal& who) {
  const Error closed = Error::unauthenticated("this account is closed; sign in again",
                                              "invalid_portal_session");
  if (who.kind != http::Principal::Kind::kPortal ||
      who.subject != http::PortalSubject::kCustomer) {
    return closed;
  }
  auto found = customers_.get(who.subject_id);
  if (!found.ok()) {
    if (found.error().kind == ErrorKind::kNotFound) return closed;
    return std::move(found).error();
  }
  if (found->erased_at || found->merged_into) return closed;
  return std::move(found).value();
}

Profile PortalService::profile_of(const customers::Customer& c, const http::Principal& who) const {
  return Profile{c.id,   c.name,    c.email,    c.phone,   c.city,
                 c.country, c.language, c.consent, who.csrf_token};
}

Result<Profile> PortalService::profile(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  return profile_of(c, who);
}

Result<Profile> PortalService::update_profile(const http::Principal& who,
                                              const ProfileChanges& changes) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  if (changes.name && changes.name->find_first_not_of(" \t") == std::string::npos) {
    return Error::invalid("name must not be empty", "name", "required");
  }
  if (changes.language && *changes.language != "en" && *changes.language != "zh-CN") {
    return Error::invalid("language must be en or zh-CN", "language");
  }
  customers::CustomerInput input;
  input.name = changes.name;
  input.phone = changes.phone;
  input.city = changes.city;
  input.country = changes.country;
  input.language = changes.language;
  ECRM_ASSIGN_OR_RETURN(auto updated, customers_.update(c.id, input));
  return profile_of(updated, who);
}

Result<Profile> PortalService::set_consent(const http::Principal& who,
                                           const ConsentRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  customers::ConsentChanges consent;
  const UnixMs now = now_ms();
  auto decide = [&](const std::optional<bool>& granted) {
    std::optional<std::optional<customers::ConsentDecision>> out;
    if (granted) out.emplace(customers::ConsentDecision{*granted, now, std::string(kConsentHow)});
    return out;
  };
  consent.email = decide(request.email);
  consent.sms = decide(request.sms);
  consent.phone = decide(request.phone);
  customers::CustomerInput input;
  input.consent = consent;
  ECRM_ASSIGN_OR_RETURN(auto updated, customers_.update(c.id, input));
  return profile_of(updated, who);
}

Result<std::vector<PortalOrder>> PortalService::orders(const http::Principal& who,
                                                       std::optional<std::int64_t> before_id,
                                                       int limit) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  orders::OrderQuery query;
  query.customer = c.id;
  ECRM_ASSIGN_OR_RETURN(auto found, orders_.list(query, before_id, limit));
  std::vector<PortalOrder> out;
  out.reserve(found.size());
  for (const auto& o : found) out.push_back(portal_order(o));
  return out;
}

Result<orders::Order> PortalService::own_order(const http::Principal& who,
                                               std::int64_t order_id) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  auto found = orders_.get(order_id);
  // Another customer's order is answered exactly as one that does not exist.
  if ((!found.ok() && found.error().kind == ErrorKind::kNotFound) ||
      (found.ok() && found->customer_id != c.id)) {
    return Error::not_found("no such order: " + std::to_string(order_id));
  }
  return found;
}

Result<PortalOrderView> PortalService::order(const http::Principal& who, std::int64_t order_id) {
  ECRM_ASSIGN_OR_RETURN(auto o, own_order(who, order_id));
  ECRM_ASSIGN_OR_RETURN(auto returns, orders_.returns_of(o.id));
  PortalOrderView view;
  view.order = portal_order(o);
  view.subtotal = o.subtotal;
  view.discount = o.discount;
  view.shipping = o.shipping;
  view.tax = o.tax;
  bool left_to_return = false;
  for (const auto& line : o.lines) {
    view.lines.push_back(PortalOrderLine{line.id, line.product_id, line.sku, line.name,
                                         line.quantity, line.unit_price, line.line_total,
                                         line.returned_quantity});
    if (line.returned_quantity < line.quantity) left_to_return = true;
  }
  view.tracking = orders::tracking_view(o);
  for (const auto& r : returns) view.returns.push_back(portal_return(r));
  view.returnable = left_to_return && (o.status == orders::OrderStatus::kShipped ||
                                       o.status == orders::OrderStatus::kDelivered);
  return view;
}

Result<PortalReturn> PortalService::create_return(const http::Principal& who,
                                                  std::int64_t order_id,
                                                  const orders::ReturnInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto o, own_order(who, order_id));
  ECRM_ASSIGN_OR_RETURN(auto created, orders_.create_return(o.id, input));
  return portal_return(created);
}

Result<std::vector<PortalReturn>> PortalService::returns(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  std::vector<std::int64_t> ids;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(ids, repo_.return_ids(*lease, c.id, kMaxListed));
  }
  std::vector<PortalReturn> out;
  for (auto id : ids) {
    ECRM_ASSIGN_OR_RETURN(auto r, orders_.get_return(id));
    out.push_back(portal_return(r));
  }
  return out;
}

Result<std::vector<WarrantyItem>> PortalService::warranty(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  std::vector<PurchasedLine> lines;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(lines, repo_.purchased_lines(*lease, c.id, kMaxPurchasedLines));
  }
  const UnixMs now = now_ms();
  std::vector<WarrantyItem> out;
  out.reserve(lines.size());
  for (const auto& line : lines) {
    WarrantyItem item;
    item.order_id = line.order_id;
    item.order_line_id = line.order_line_id;
    item.product_id = line.product_id;
    item.sku = line.sku;
    item.name = line.name;
    item.purchased_at = line.delivered_at.value_or(line.shipped_at.value_or(line.placed_at));
    item.warranty_months = line.warranty_months;
    if (item.warranty_months && *item.warranty_months > 0) {
      item.warranty_until = add_months(item.purchased_at, *item.warranty_months);
      item.in_warranty = now < *item.warranty_until;
    }
    out.push_back(std::move(item));
  }
  return out;
}

Result<service::Ticket> PortalService::own_ticket(Connection& c, std::int64_t customer_id,
                                                  std::int64_t id) {
  auto found = desk_.ticket(c, id);
  if ((!found.ok() && found.error().kind == ErrorKind::kNotFound) ||
      (found.ok() && found->customer_id != customer_id)) {
    return Error::not_found("no such ticket: " + std::to_string(id));
  }
  return found;
}

Status PortalService::attach(Connection& c, std::int64_t interaction_id,
                             const std::vector<AttachmentInput>& attachments, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto files, decode_attachments(attachments));
  for (const auto& [input, bytes] : files) {
    ECRM_RETURN_IF_ERROR(service::AttachmentStore::insert(
        c, interaction_id, input.filename, service::safe_content_type(input.content_type), bytes,
        now));
  }
  return {};
}

Result<std::vector<PortalTicket>> PortalService::tickets(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  service::TicketQuery query;
  query.customer_id = c.id;
  ECRM_ASSIGN_OR_RETURN(auto found, desk_.list_tickets(query, std::nullopt, std::nullopt,
                                                       kMaxListed));
  std::vector<PortalTicket> out;
  for (const auto& t : found) {
    if (t.customer_id == c.id) out.push_back(portal_ticket(t));
  }
  return out;
}

Result<PortalTicketView> PortalService::ticket(const http::Principal& who, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  PortalTicketView view;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto t, own_ticket(*lease, c.id, id));
    view.ticket = portal_ticket(t);
    view.can_rate = t.status == service::TicketStatus::kSolved ||
                    t.status == service::TicketStatus::kClosed;
    ECRM_ASSIGN_OR_RETURN(view.rating, repo_.find_rating(*lease, t.id));
  }
  ECRM_ASSIGN_OR_RETURN(auto conversation, desk_.conversation(id));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  for (const auto& i : conversation) {
    if (i.direction == service::Direction::kInternal) continue;  // staff's notes
    PortalMessage m{i.id, i.direction == service::Direction::kOutbound, i.content, i.occurred_at,
                    {}};
    ECRM_ASSIGN_OR_RETURN(auto files, service::AttachmentStore::of_interaction(*lease, i.id));
    for (const auto& f : files) m.attachments.push_back(AttachmentName{f.id, f.filename, f.size_bytes});
    view.messages.push_back(std::move(m));
  }
  return view;
}

Result<PortalTicketView> PortalService::open_ticket(const http::Principal& who,
                                                    const TicketRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  if (request.subject.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::invalid("subject is required", "subject", "required");
  }
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::invalid("body is required", "body", "required");
  }
  if (request.order_id) {
    auto order = own_order(who, *request.order_id);
    if (!order.ok()) {
      Error error = std::move(order).error();
      if (error.kind == ErrorKind::kNotFound) {
        return Error::unprocessable("no such order of yours", "order_id", "unknown_order");
      }
      return error;
    }
  }
  ECRM_RETURN_IF_ERROR(decode_attachments(request.attachments));
  ECRM_ASSIGN_OR_RETURN(
      auto id, with_transaction<std::int64_t>(
                   db_, TxMode::kWrite, [&](Connection& conn) -> Result<std::int64_t> {
                     const UnixMs now = now_ms();
                     service::TicketInput input;
                     input.customer_id = c.id;
                     input.subject = request.subject;
                     input.body = request.body;
                     input.channel = service::Channel::kWebForm;
                     input.order_id = request.order_id;
                     input.product_id = request.product_id;
                     ECRM_ASSIGN_OR_RETURN(auto t, desk_.open_ticket(conn, input, actor_of(c), now));
                     if (t.source_interaction_id && !request.attachments.empty()) {
                       ECRM_RETURN_IF_ERROR(
                           attach(conn, *t.source_interaction_id, request.attachments, now));
                     }
                     return t.id;
                   }));
  return ticket(who, id);
}

Result<PortalTicketView> PortalService::add_message(const http::Principal& who, std::int64_t id,
                                                    const MessageRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(own_ticket(*lease, c.id, id));
  }
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::invalid("body is required", "body", "required");
  }
  ECRM_RETURN_IF_ERROR(decode_attachments(request.attachments));
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& conn) -> Status {
    const UnixMs now = now_ms();
    ECRM_RETURN_IF_ERROR(own_ticket(conn, c.id, id));
    service::InteractionInput input;
    input.customer_id = c.id;
    input.channel = service::Channel::kWebForm;
    input.direction = service::Direction::kInbound;
    input.ticket_id = id;
    input.content = request.body;
    ECRM_ASSIGN_OR_RETURN(auto interaction,
                          desk_.add_customer_message(conn, id, input, actor_of(c), now));
    return attach(conn, interaction.id, request.attachments, now);
  }));
  return ticket(who, id);
}

Result<PortalTicketView> PortalService::answer_quote(const http::Principal& who, std::int64_t id,
                                                     const QuoteAnswer& answer) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(own_ticket(*lease, c.id, id));
  }
  ECRM_RETURN_IF_ERROR(desk_.answer_quote(id, c.id, answer.accept));
  return ticket(who, id);
}

Result<PortalTicketView> PortalService::rate(const http::Principal& who, std::int64_t id,
                                             const RatingRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  if (request.score < 1 || request.score > 5) {
    return Error::invalid("score must be 1 to 5", "score", "out_of_range");
  }
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& conn) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto t, own_ticket(conn, c.id, id));
    if (t.status != service::TicketStatus::kSolved && t.status != service::TicketStatus::kClosed) {
      return Error::conflict("a ticket is rated once it is solved", "score", "not_solved");
    }
    return repo_.put_rating(conn, c.id,
                            Rating{id, request.score, request.comment.value_or(""), now_ms()});
  }));
  return ticket(who, id);
}

Result<std::pair<service::Attachment, std::string>> PortalService::attachment(
    const http::Principal& who, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  const Error none = Error::not_found("no such attachment: " + std::to_string(id));
  auto found = attachments_.read(id);
  if (!found.ok()) return found.error().kind == ErrorKind::kNotFound ? none : found.error();
  auto interaction = desk_.get_interaction(found->first.interaction_id);
  if (!interaction.ok() || !interaction->ticket_id ||
      interaction->direction == service::Direction::kInternal) {
    return none;
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  if (!own_ticket(*lease, c.id, *interaction->ticket_id).ok()) return none;
  return found;
}

Result<PortalContracts> PortalService::contracts(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  ECRM_ASSIGN_OR_RETURN(auto items, desk_.contracts(c.id));
  return PortalContracts{std::move(items)};
}

Result<json::object> PortalService::export_data(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  return customers_.export_data(c.id);
}

Result<EraseRequest> PortalService::request_erasure(const http::Principal& who,
                                                    const EraseRequestInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  std::string reason = input.reason.value_or("");
  if (reason.size() > kMaxReason) {
    return Error::invalid("reason is too long", "reason", "too_long");
  }
  return with_transaction<EraseRequest>(
      db_, TxMode::kWrite, [&](Connection& conn) -> Result<EraseRequest> {
        ECRM_ASSIGN_OR_RETURN(auto open, repo_.open_erase_request_of(conn, c.id));
        if (open) {
          return Error::conflict("an erase request is open already (#" +
                                     std::to_string(open->id) + ")",
                                 {}, "erase_request_open");
        }
        return repo_.insert_erase_request(conn, c.id, reason, now_ms());
      });
}

Result<std::vector<EraseRequest>> PortalService::erase_requests(const http::Principal& who) {
  ECRM_ASSIGN_OR_RETURN(auto c, customer(who));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.erase_requests_of(*lease, c.id);
}

Result<std::vector<EraseRequest>> PortalService::list_erase_requests(
    const EraseRequestQuery& query, std::optional<std::int64_t> before, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_erase_requests(*lease, query.status, before, limit);
}

Result<EraseRequest> PortalService::close_erase_request(std::int64_t id,
                                                        const CloseEraseRequest& request,
                                                        const std::string& actor) {
  if (request.status == EraseRequestStatus::kOpen) {
    return Error::invalid("status must be erased or declined", "status");
  }
  EraseRequest r;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_erase_request(*lease, id));
    if (!found) return Error::not_found("no such erase request: " + std::to_string(id));
    r = std::move(*found);
  }
  if (r.status != EraseRequestStatus::kOpen) {
    return Error::conflict("erase request " + std::to_string(id) + " is closed already", {},
                           "erase_request_closed");
  }
  if (request.status == EraseRequestStatus::kErased) {
    auto erased = customers_.erase(r.customer_id);
    if (!erased.ok() && erased.error().code != "already_erased") return std::move(erased).error();
    ECRM_RETURN_IF_ERROR(
        auth_.end_sessions_of({http::PortalSubject::kCustomer, r.customer_id}));
    r.reason.clear();  // the customer's own words go with the rest of their data
  }
  r.status = request.status;
  r.closed_at = now_ms();
  r.closed_by = actor;
  r.note = request.note.value_or("");
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.close_erase_request(c, r);
  }));
  return r;
}

}  // namespace ecrm::portal
