#include "service/service.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/crypto.hpp"
#include "customers/repo.hpp"
#include "customers/service.hpp"
#include "http/wire.hpp"

namespace ecrm::service {

namespace json = boost::json;
using storage::TxMode;

namespace {

constexpr std::string_view kReplyTemplate = "ticket_reply";
constexpr std::size_t kMaxReferences = 20;  // References: the first Message-ID and the latest

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// A Message-ID as stored: without angle brackets and surrounding space.
std::string bare_message_id(std::string_view id) {
  std::string s = trim(id);
  if (!s.empty() && s.front() == '<') s.erase(0, 1);
  if (!s.empty() && s.back() == '>') s.pop_back();
  return trim(s);
}

// The part of a ticket's token no one can guess: 8 characters of a-z and 2-9.
std::string token_secret() {
  static constexpr std::string_view kAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  const std::string random = random_token(8);
  std::string out;
  for (char ch : random) out += kAlphabet[static_cast<unsigned char>(ch) % kAlphabet.size()];
  return out;
}

// The domain of the shop's From address ("Shop <shop@example.com>" -> "example.com").
std::string mail_domain(const std::string& from) {
  const auto at = from.rfind('@');
  if (at == std::string::npos) return "ecrm.invalid";
  std::string domain = from.substr(at + 1);
  if (const auto end = domain.find_first_of("> "); end != std::string::npos) domain.resize(end);
  return domain.empty() ? "ecrm.invalid" : domain;
}

std::string detail(json::object o) { return json::serialize(o); }

void add_targets(std::vector<SlaTarget>& into, const std::vector<SlaTarget>& more) {
  for (SlaTarget t : more) {
    if (std::find(into.begin(), into.end(), t) == into.end()) into.push_back(t);
  }
  std::sort(into.begin(), into.end());
}

std::vector<SlaTarget> minus(const std::vector<SlaTarget>& a, const std::vector<SlaTarget>& b) {
  std::vector<SlaTarget> out;
  for (SlaTarget t : a) {
    if (std::find(b.begin(), b.end(), t) == b.end()) out.push_back(t);
  }
  return out;
}

json::array target_names(const std::vector<SlaTarget>& targets) {
  json::array out;
  for (SlaTarget t : targets) out.emplace_back(wire::enum_name(t));
  return out;
}

SlaClock clock_of(const Ticket& t) {
  SlaClock clock;
  clock.first_response_due = t.first_response_due;
  clock.next_response_due = t.next_response_due;
  clock.resolution_due = t.resolution_due;
  clock.first_response_at = t.first_response_at;
  clock.paused_at = t.paused_at;
  clock.solved = !is_active(t.status);
  return clock;
}

void apply_clock(Ticket& t, const SlaClock& clock) {
  t.first_response_due = clock.first_response_due;
  t.next_response_due = clock.next_response_due;
  t.resolution_due = clock.resolution_due;
  t.first_response_at = clock.first_response_at;
  t.paused_at = clock.paused_at;
}

SlaTargets targets_of(const SlaPolicy* p) {
  if (!p) return {};
  return SlaTargets{p->first_response_minutes, p->next_response_minutes, p->resolution_minutes};
}

// The ticket as it stands at `now`: targets missed since it was last written count as breached.
TicketView live_view(const Ticket& t, UnixMs now) {
  TicketView view = ticket_view(t);
  std::vector<SlaTarget> breached = t.breached;
  add_targets(breached, breached_targets(clock_of(t), now, t.solved_at));
  view.sla.breached = breached;
  return view;
}

Status check_tags(const std::vector<std::string>& tags, std::string_view field,
                  std::vector<std::string>& out) {
  out.clear();
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string tag = trim(tags[i]);
    if (tag.empty() || tag.size() > kMaxTag) {
      return Error::invalid("a tag is 1 to " + std::to_string(kMaxTag) + " characters",
                            std::string(field) + "[" + std::to_string(i) + "]");
    }
    if (std::find(out.begin(), out.end(), tag) == out.end()) out.push_back(std::move(tag));
  }
  std::sort(out.begin(), out.end());
  return {};
}

Status check_addresses(const std::vector<std::string>& addresses, std::string_view field,
                       std::vector<std::string>& out) {
  out.clear();
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    auto normalized = customers::normalize_email(addresses[i]);
    if (!normalized.ok()) {
      return Error::invalid("not an e-mail address",
                            std::string(field) + "[" + std::to_string(i) + "]");
    }
    if (std::find(out.begin(), out.end(), *normalized) == out.end()) out.push_back(*normalized);
  }
  std::sort(out.begin(), out.end());
  return {};
}

Priority raised(Priority p) {
  switch (p) {
    case Priority::kLow:
      return Priority::kNormal;
    case Priority::kNormal:
      return Priority::kHigh;
    case Priority::kHigh:
    case Priority::kUrgent:
      return Priority::kUrgent;
  }
  return p;
}

// A calendar month count added to a UTC instant (31 January + 1 month: the last day of February).
UnixMs add_months(UnixMs at, std::int64_t months) {
  using namespace std::chrono;
  const auto tp = sys_time<milliseconds>(milliseconds(at));
  const auto day = date::floor<date::days>(tp);
  const auto time_of_day = tp - day;
  date::year_month_day ymd{day};
  ymd += date::months(static_cast<int>(months));
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last;
  return (date::sys_days(ymd) + time_of_day).time_since_epoch() / milliseconds(1);
}

// Today's date (YYYY-MM-DD) in `zone` (UTC when empty or unknown).
std::string local_date(UnixMs at, const std::string& zone) {
  using namespace std::chrono;
  try {
    if (!zone.empty()) {
      const auto local = date::locate_zone(zone)->to_local(sys_time<milliseconds>(milliseconds(at)));
      return date::format("%F", date::floor<date::days>(local));
    }
  } catch (const std::exception&) {
  }
  return format_date(at);
}

}  // namespace

ServiceDesk::ServiceDesk(storage::Database& db, messaging::MessagingService& messaging,
                         ServiceOptions options)
    : db_(db), messaging_(messaging), options_(options) {}

Status ServiceDesk::install_templates() {
  struct Shipped {
    const char* language;
    const char* text_foot;
  };
  for (const Shipped& s : {Shipped{"en", "\n\n-- \n{{shop.name}}\n"},
                           Shipped{"zh-CN", "\n\n-- \n{{shop.name}}\n"}}) {
    messaging::Template t;
    t.key = std::string(kReplyTemplate);
    t.language = s.language;
    t.kind = messaging::MessageKind::kTransactional;
    t.subject = "{{ticket.subject}}";
    t.html = "<div style=\"white-space:pre-wrap\">{{ticket.reply}}</div><p>{{shop.name}}</p>";
    t.text = std::string("{{ticket.reply}}") + s.text_foot;
    ECRM_RETURN_IF_ERROR(messaging_.ensure_template(t));
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Interactions

Result<std::optional<std::int64_t>> ServiceDesk::match_customer(Connection& c,
                                                                const std::string& address) {
  if (address.find('@') != std::string::npos) {
    auto email = customers::normalize_email(address);
    if (!email.ok()) return std::optional<std::int64_t>{};
    return repo_.customer_by_email(c, *email);
  }
  auto phone = customers::normalize_phone(address);
  if (!phone.ok()) return std::optional<std::int64_t>{};
  return repo_.customer_by_phone(c, *phone);
}

Result<Interaction> ServiceDesk::record_interaction(const InteractionInput& input,
                                                    const Actor& actor) {
  return storage::with_transaction<Interaction>(db_, TxMode::kWrite, [&](Connection& c) {
    return record_interaction(c, input, actor, now_ms());
  });
}

Result<Interaction> ServiceDesk::record_interaction(Connection& c, const InteractionInput& input,
                                                    const Actor& actor, UnixMs now) {
  if (input.external_ref && !trim(*input.external_ref).empty()) {
    ECRM_ASSIGN_OR_RETURN(auto earlier,
                          repo_.find_by_external_ref(c, input.channel, trim(*input.external_ref)));
    if (earlier) return std::move(*earlier);
  }
  Interaction x;
  x.channel = input.channel;
  x.direction = input.direction.value_or(Direction::kInbound);
  x.occurred_at = input.occurred_at.value_or(now);
  x.duration_seconds = input.duration_seconds;
  x.subject = trim(input.subject.value_or(""));
  x.content = input.content.value_or("");
  x.from_address = trim(input.from_address.value_or(""));
  x.to_address = trim(input.to_address.value_or(""));
  if (input.external_ref && !trim(*input.external_ref).empty()) {
    x.external_ref = trim(*input.external_ref);
  }
  if (input.message_id && !bare_message_id(*input.message_id).empty()) {
    x.message_id = bare_message_id(*input.message_id);
  }
  x.created_at = now;
  if (x.direction == Direction::kInternal && !input.ticket_id) {
    return Error::invalid("an internal note belongs to a ticket", "ticket_id");
  }
  if (input.agent_id) {
    ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, *input.agent_id));
    if (!exists) return Error::invalid("no staff user has this id", "agent_id");
    x.agent_id = input.agent_id;
  } else if (x.direction != Direction::kInbound || actor.user_id) {
    x.agent_id = actor.user_id;
  }
  std::optional<Ticket> ticket;
  if (input.ticket_id) {
    ECRM_ASSIGN_OR_RETURN(ticket, repo_.find_ticket(c, *input.ticket_id));
    if (!ticket) return Error::invalid("no ticket has this id", "ticket_id");
    x.ticket_id = ticket->id;
  }
  if (input.customer_id) {
    ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(c, *input.customer_id));
    if (!exists) return Error::invalid("no customer has this id", "customer_id");
    x.customer_id = input.customer_id;
  } else {
    // The customer's address: the sender of what came in, the recipient of what went out.
    const std::string& address = x.direction == Direction::kOutbound ? x.to_address : x.from_address;
    const std::string field = x.direction == Direction::kOutbound ? "to_address" : "from_address";
    if (ticket && ticket->customer_id) {
      x.customer_id = ticket->customer_id;
    } else if (!address.empty()) {
      ECRM_ASSIGN_OR_RETURN(x.customer_id, match_customer(c, address));
      if (!x.customer_id && input.create_lead.value_or(true)) {
        customers::Customer lead;
        if (address.find('@') != std::string::npos) {
          auto email = customers::normalize_email(address);
          if (!email.ok()) return Error::invalid("not an e-mail address or phone number", field);
          lead.email = *email;
        } else {
          auto phone = customers::normalize_phone(address);
          if (!phone.ok()) return Error::invalid("not an e-mail address or phone number", field);
          lead.phone = address;
        }
        lead.name = trim(input.name.value_or(""));
        if (lead.name.empty()) lead.name = address;
        lead.source = "service";
        lead.channel = std::string(wire::enum_name(x.channel));
        lead.tags = {"lead"};
        lead.created_at = now;
        lead.updated_at = now;
        customers::derive_keys(lead);
        customers::CustomerRepo customer_repo;
        ECRM_ASSIGN_OR_RETURN(auto id, customer_repo.insert(c, lead));
        x.customer_id = id;
      }
    }
  }
  if (ticket && ticket->customer_id && x.customer_id && *ticket->customer_id != *x.customer_id) {
    return Error::invalid("the ticket is another customer's", "ticket_id");
  }
  ECRM_ASSIGN_OR_RETURN(x, repo_.insert_interaction(c, std::move(x)));
  if (x.ticket_id && x.message_id) {
    ECRM_RETURN_IF_ERROR(repo_.add_message_id(c, *x.ticket_id, *x.message_id, x.id,
                                              x.direction == Direction::kOutbound, now));
  }
  return x;
}

Result<Interaction> ServiceDesk::get_interaction(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_interaction(*lease, id));
  if (!found) return Error::not_found("no interaction " + std::to_string(id));
  return std::move(*found);
}

Result<std::vector<Interaction>> ServiceDesk::interactions(const InteractionQuery& q,
                                                           std::int64_t before, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_interactions(*lease, q, before, limit);
}

// ---------------------------------------------------------------------------------------------
// SLA

Result<BusinessCalendar> ServiceDesk::calendar(Connection& c) {
  ECRM_ASSIGN_OR_RETURN(auto hours, repo_.business_hours(c));
  if (!hours) return BusinessCalendar();
  auto made = BusinessCalendar::make(BusinessHoursInput{hours->timezone, hours->week, hours->holidays});
  if (!made.ok()) return Error::internal("the stored business hours are invalid: " + made.error().message);
  return std::move(*made);
}

Result<SlaTargets> ServiceDesk::targets_for(Connection& c, Ticket& t) {
  ECRM_ASSIGN_OR_RETURN(auto policies, repo_.policies(c));
  std::string tier;
  if (t.customer_id) {
    ECRM_ASSIGN_OR_RETURN(tier, repo_.customer_tier(c, *t.customer_id));
  }
  const SlaPolicy* policy = match_policy(policies, t.priority, t.category, tier);
  t.sla_policy_id = policy ? std::optional<std::int64_t>(policy->id) : std::nullopt;
  return targets_of(policy);
}

Status ServiceDesk::settle(Connection& c, Ticket& t, UnixMs now) {
  const SlaClock clock = clock_of(t);
  add_targets(t.breached, breached_targets(clock, now, t.solved_at));
  if (!is_active(t.status)) {
    t.next_due_at.reset();
    t.sla_check_at.reset();
    return {};
  }
  t.next_due_at = next_due(clock);
  UnixMs warn_ms = 30 * kMsPerMinute;
  if (t.sla_policy_id) {
    ECRM_ASSIGN_OR_RETURN(auto policy, repo_.find_policy(c, *t.sla_policy_id));
    if (policy) warn_ms = policy->warn_before_minutes * kMsPerMinute;
  }
  // The worker's next look: a warning not yet given, or a breach not yet recorded.
  std::optional<UnixMs> check;
  auto consider = [&](SlaTarget target, const std::optional<UnixMs>& due, bool running) {
    if (!due || !running) return;
    const bool breached = std::find(t.breached.begin(), t.breached.end(), target) != t.breached.end();
    const bool warned = std::find(t.warned.begin(), t.warned.end(), target) != t.warned.end();
    if (breached) return;
    const UnixMs at = warned || warn_ms == 0 ? *due : *due - warn_ms;
    if (!check || at < *check) check = at;
  };
  consider(SlaTarget::kFirstResponse, t.first_response_due, !t.first_response_at);
  consider(SlaTarget::kNextResponse, t.next_response_due, true);
  consider(SlaTarget::kResolution, t.resolution_due, !t.paused_at);
  // Past warnings and breaches are recorded by the worker; a time in the past means "now".
  t.sla_check_at = check;
  return {};
}

Status ServiceDesk::rematch_policy(Connection& c, Ticket& t, const Actor& actor, UnixMs now) {
  if (!is_active(t.status)) return {};
  // Another policy may apply: its targets count from when the ticket was opened.
  const auto before = t.sla_policy_id;
  ECRM_ASSIGN_OR_RETURN(auto targets, targets_for(c, t));
  if (t.sla_policy_id == before) return {};
  ECRM_ASSIGN_OR_RETURN(auto cal, calendar(c));
  SlaClock clock = start_clock(cal, targets, t.created_at);
  clock.first_response_at = t.first_response_at;
  clock.paused_at = t.paused_at;  // still stopped; a resume moves the new due time
  apply_clock(t, clock);
  t.warned.clear();
  return repo_.add_event(
      c, t.id, "sla_policy", actor.name,
      detail({{"policy_id", t.sla_policy_id ? json::value(*t.sla_policy_id) : json::value(nullptr)}}),
      now);
}

Status ServiceDesk::change_status(Connection& c, Ticket& t, TicketStatus to, const Actor& actor,
                                  UnixMs now) {
  if (t.status == to) return {};
  if (!can_transition(t.status, to)) {
    std::string allowed;
    for (TicketStatus s : next_statuses(t.status)) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(wire::enum_name(s));
    }
    return Error::conflict("a " + std::string(wire::enum_name(t.status)) +
                               " ticket cannot become " + std::string(wire::enum_name(to)) +
                               (allowed.empty() ? " (it is final)" : " (it may become " + allowed + ")"),
                           "status", "invalid_transition");
  }
  ECRM_ASSIGN_OR_RETURN(auto cal, calendar(c));
  // Targets missed before the change count as missed.
  ECRM_RETURN_IF_ERROR(settle(c, t, now));
  SlaClock clock = clock_of(t);
  const TicketStatus from = t.status;
  if (from == TicketStatus::kPending) resume(clock, cal, now);
  if (to == TicketStatus::kPending) pause(clock, now);
  if (to == TicketStatus::kSolved) t.solved_at = now;
  if (to == TicketStatus::kClosed) {
    t.closed_at = now;
    if (!t.solved_at) t.solved_at = now;
  }
  if (to == TicketStatus::kOpen && from == TicketStatus::kSolved) t.solved_at.reset();
  apply_clock(t, clock);
  t.status = to;
  ECRM_RETURN_IF_ERROR(repo_.add_event(
      c, t.id, "status", actor.name,
      detail({{"from", wire::enum_name(from)}, {"to", wire::enum_name(to)}}), now));
  if (to == TicketStatus::kSolved && on_solved_) ECRM_RETURN_IF_ERROR(on_solved_(c, t, now));
  return settle(c, t, now);
}

// ---------------------------------------------------------------------------------------------
// Entitlement

Status ServiceDesk::decide_entitlement(Connection& c, Ticket& t, UnixMs now) {
  if (t.quote_status == QuoteStatus::kAccepted) return {};  // agreed: stays as agreed
  t.entitlement = Entitlement::kPaid;
  t.entitlement_reason = "no warranty or service contract covers it";
  if (!t.customer_id) return {};
  ECRM_ASSIGN_OR_RETURN(auto hours, repo_.business_hours(c));
  const std::string today = local_date(now, hours ? hours->timezone : "");
  ECRM_ASSIGN_OR_RETURN(auto contracts, repo_.contracts_of(c, *t.customer_id));
  for (const auto& contract : contracts) {
    if (contract.starts_on > today || contract.ends_on < today) continue;
    if (contract.product_id && contract.product_id != t.product_id) continue;
    t.entitlement = Entitlement::kFree;
    t.entitlement_reason = "service contract" +
                           (contract.reference.empty() ? "" : " " + contract.reference) +
                           " until " + contract.ends_on;
    return {};
  }
  if (!t.product_id) return {};
  ECRM_ASSIGN_OR_RETURN(auto bought, repo_.purchase(c, *t.customer_id, *t.product_id, t.order_id));
  if (!bought) {
    t.entitlement_reason = "the customer has no order of this product";
    return {};
  }
  if (bought->warranty_months <= 0) {
    t.entitlement_reason = "the product has no warranty";
    return {};
  }
  const UnixMs ends = add_months(bought->placed_at, bought->warranty_months);
  if (now < ends) {
    t.entitlement = Entitlement::kFree;
    t.entitlement_reason = "in warranty until " + format_date(ends) + " (order #" +
                           std::to_string(bought->order_id) + ")";
  } else {
    t.entitlement_reason = "the warranty ended " + format_date(ends) + " (order #" +
                           std::to_string(bought->order_id) + ")";
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Tickets

Result<TicketView> ServiceDesk::view(Connection& c, std::int64_t id, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto t, repo_.find_ticket(c, id));
  if (!t) return Error::not_found("no ticket " + std::to_string(id));
  return live_view(*t, now);
}

Result<Ticket> ServiceDesk::ticket(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto t, repo_.find_ticket(c, id));
  if (!t) return Error::not_found("no ticket " + std::to_string(id));
  return std::move(*t);
}

Result<TicketView> ServiceDesk::open_ticket(const TicketInput& input, const Actor& actor) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    ECRM_ASSIGN_OR_RETURN(auto t, open_ticket(c, input, actor, now));
    return live_view(t, now);
  });
}

Result<Ticket> ServiceDesk::open_ticket(Connection& c, const TicketInput& input,
                                        const Actor& actor, UnixMs now) {
  Ticket t;
  t.subject = trim(input.subject);
  if (t.subject.empty()) return Error::invalid("a ticket needs a subject", "subject");
  const UnixMs opened = input.opened_at.value_or(now);
  if (opened > now + kMsPerMinute) {
    return Error::invalid("a ticket cannot be opened in the future", "opened_at");
  }
  t.channel = input.channel.value_or(Channel::kWebForm);
  if (t.channel == Channel::kNote) return Error::invalid("a ticket comes in on a contact channel", "channel");
  t.priority = input.priority.value_or(Priority::kNormal);
  t.category = trim(input.category.value_or(""));
  t.team = trim(input.team.value_or(""));
  std::vector<std::string> tags, cc;
  if (input.tags) ECRM_RETURN_IF_ERROR(check_tags(*input.tags, "tags", tags));
  if (input.cc) ECRM_RETURN_IF_ERROR(check_addresses(*input.cc, "cc", cc));
  if (input.customer_id) {
    ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(c, *input.customer_id));
    if (!exists) return Error::invalid("no customer has this id", "customer_id");
    t.customer_id = input.customer_id;
  } else if (!input.from_address || trim(*input.from_address).empty()) {
    return Error::invalid("a ticket needs a customer_id or the sender's from_address", "customer_id");
  }
  if (input.product_id) {
    ECRM_ASSIGN_OR_RETURN(bool exists, repo_.product_exists(c, *input.product_id));
    if (!exists) return Error::invalid("no product has this id", "product_id");
    t.product_id = input.product_id;
  }
  if (input.assignee_id) {
    ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, *input.assignee_id));
    if (!exists) return Error::invalid("no staff user has this id", "assignee_id");
    t.assignee_id = input.assignee_id;
  }
  // The first message: who wrote it decides the customer when none is given.
  InteractionInput first;
  first.customer_id = t.customer_id;
  first.channel = t.channel;
  first.direction = Direction::kInbound;
  first.subject = t.subject;
  first.content = input.body.value_or("");
  first.from_address = input.from_address;
  first.message_id = input.message_id;
  first.occurred_at = opened;
  ECRM_ASSIGN_OR_RETURN(auto message, record_interaction(c, first, Actor{}, now));
  if (!t.customer_id) t.customer_id = message.customer_id;
  if (!t.customer_id) return Error::invalid("the sender is not a customer", "from_address");
  if (input.order_id) {
    ECRM_ASSIGN_OR_RETURN(auto owner, repo_.order_customer(c, *input.order_id));
    if (!owner) return Error::invalid("no order has this id", "order_id");
    if (*owner != *t.customer_id) return Error::invalid("the order is another customer's", "order_id");
    t.order_id = input.order_id;
  }
  t.status = TicketStatus::kNew;
  t.created_by = actor.user_id;
  t.source_interaction_id = message.id;
  t.created_at = opened;
  t.updated_at = now;
  ECRM_RETURN_IF_ERROR(decide_entitlement(c, t, opened));
  ECRM_ASSIGN_OR_RETURN(auto targets, targets_for(c, t));
  ECRM_ASSIGN_OR_RETURN(auto cal, calendar(c));
  apply_clock(t, start_clock(cal, targets, opened));
  ECRM_RETURN_IF_ERROR(settle(c, t, now));
  ECRM_ASSIGN_OR_RETURN(t, repo_.insert_ticket(c, std::move(t), token_secret()));
  ECRM_RETURN_IF_ERROR(repo_.set_interaction_ticket(c, message.id, t.id));
  if (message.message_id) {
    ECRM_RETURN_IF_ERROR(repo_.add_message_id(c, t.id, *message.message_id, message.id, false, now));
  }
  ECRM_RETURN_IF_ERROR(repo_.set_tags(c, t.id, tags));
  ECRM_RETURN_IF_ERROR(repo_.set_cc(c, t.id, cc));
  t.tags = tags;
  t.cc = cc;
  ECRM_RETURN_IF_ERROR(repo_.add_event(
      c, t.id, "created", actor.name,
      detail({{"channel", wire::enum_name(t.channel)},
              {"priority", wire::enum_name(t.priority)},
              {"entitlement", wire::enum_name(t.entitlement)},
              {"interaction_id", message.id}}),
      now));
  return t;
}

Result<TicketView> ServiceDesk::ticket_from_interaction(std::int64_t interaction_id,
                                                        const std::optional<Priority>& priority,
                                                        const Actor& actor) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    ECRM_ASSIGN_OR_RETURN(auto x, repo_.find_interaction(c, interaction_id));
    if (!x) return Error::invalid("no interaction has this id", "interaction_id");
    if (x->ticket_id) return Error::conflict("the interaction belongs to ticket #" +
                                             std::to_string(*x->ticket_id), "interaction_id");
    if (!x->customer_id) return Error::invalid("the interaction has no customer", "interaction_id");
    Ticket t;
    t.subject = x->subject.empty() ? "(" + std::string(wire::enum_name(x->channel)) + ")" : x->subject;
    t.channel = x->channel == Channel::kNote ? Channel::kPhone : x->channel;
    t.priority = priority.value_or(Priority::kNormal);
    t.customer_id = x->customer_id;
    t.status = TicketStatus::kNew;
    t.created_by = actor.user_id;
    t.source_interaction_id = x->id;
    t.created_at = now;
    t.updated_at = now;
    ECRM_RETURN_IF_ERROR(decide_entitlement(c, t, now));
    ECRM_ASSIGN_OR_RETURN(auto targets, targets_for(c, t));
    ECRM_ASSIGN_OR_RETURN(auto cal, calendar(c));
    apply_clock(t, start_clock(cal, targets, now));
    ECRM_RETURN_IF_ERROR(settle(c, t, now));
    ECRM_ASSIGN_OR_RETURN(t, repo_.insert_ticket(c, std::move(t), token_secret()));
    ECRM_RETURN_IF_ERROR(repo_.set_interaction_ticket(c, x->id, t.id));
    if (x->message_id) {
      ECRM_RETURN_IF_ERROR(repo_.add_message_id(c, t.id, *x->message_id, x->id,
                                                x->direction == Direction::kOutbound, now));
    }
    ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "created", actor.name,
                                         detail({{"interaction_id", x->id}}), now));
    return live_view(t, now);
  });
}

Result<TicketView> ServiceDesk::get_ticket(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return view(*lease, id, now_ms());
}

Result<std::vector<Ticket>> ServiceDesk::list_tickets(const TicketQuery& q,
                                                      std::optional<std::int64_t> me,
                                                      const std::optional<TicketPosition>& after,
                                                      int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  const UnixMs now = now_ms();
  ECRM_ASSIGN_OR_RETURN(auto items, repo_.list_tickets(*lease, q, me,
                                                       now + options_.breaching_window_ms, after,
                                                       limit));
  for (auto& t : items) add_targets(t.breached, breached_targets(clock_of(t), now, t.solved_at));
  return items;
}

Result<TicketView> ServiceDesk::update_ticket(std::int64_t id, const TicketPatch& patch,
                                              const Actor& actor) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, id));
    ECRM_ASSIGN_OR_RETURN(auto t, ticket(c, id));
    if (t.merged_into) {
      return Error::conflict("the ticket was merged into #" + std::to_string(*t.merged_into),
                             "id", "merged");
    }
    bool recompute_sla = false;
    bool recompute_entitlement = false;
    if (patch.subject) {
      t.subject = trim(*patch.subject);
      if (t.subject.empty()) return Error::invalid("a ticket needs a subject", "subject");
    }
    if (patch.customer_id) {
      if (!*patch.customer_id) return Error::invalid("a ticket keeps a customer", "customer_id");
      ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(c, **patch.customer_id));
      if (!exists) return Error::invalid("no customer has this id", "customer_id");
      t.customer_id = **patch.customer_id;
      recompute_entitlement = true;
    }
    if (patch.product_id) {
      if (*patch.product_id) {
        ECRM_ASSIGN_OR_RETURN(bool exists, repo_.product_exists(c, **patch.product_id));
        if (!exists) return Error::invalid("no product has this id", "product_id");
      }
      t.product_id = *patch.product_id;
      recompute_entitlement = true;
    }
    if (patch.order_id) {
      if (*patch.order_id) {
        ECRM_ASSIGN_OR_RETURN(auto owner, repo_.order_customer(c, **patch.order_id));
        if (!owner) return Error::invalid("no order has this id", "order_id");
        if (owner != t.customer_id) return Error::invalid("the order is another customer's", "order_id");
      }
      t.order_id = *patch.order_id;
      recompute_entitlement = true;
    }
    if (patch.assignee_id && *patch.assignee_id != t.assignee_id) {
      if (*patch.assignee_id) {
        ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, **patch.assignee_id));
        if (!exists) return Error::invalid("no staff user has this id", "assignee_id");
      }
      json::object d{{"from", t.assignee_id ? json::value(*t.assignee_id) : json::value(nullptr)},
                     {"to", *patch.assignee_id ? json::value(**patch.assignee_id) : json::value(nullptr)}};
      t.assignee_id = *patch.assignee_id;
      ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "assignee", actor.name, detail(std::move(d)), now));
    }
    if (patch.team) t.team = trim(*patch.team);
    if (patch.category && trim(*patch.category) != t.category) {
      t.category = trim(*patch.category);
      recompute_sla = true;
    }
    if (patch.priority && *patch.priority != t.priority) {
      ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "priority", actor.name,
                                           detail({{"from", wire::enum_name(t.priority)},
                                                   {"to", wire::enum_name(*patch.priority)}}),
                                           now));
      t.priority = *patch.priority;
      recompute_sla = true;
    }
    if (patch.tags) {
      std::vector<std::string> tags;
      ECRM_RETURN_IF_ERROR(check_tags(*patch.tags, "tags", tags));
      ECRM_RETURN_IF_ERROR(repo_.set_tags(c, t.id, tags));
    }
    if (patch.cc) {
      std::vector<std::string> cc;
      ECRM_RETURN_IF_ERROR(check_addresses(*patch.cc, "cc", cc));
      ECRM_RETURN_IF_ERROR(repo_.set_cc(c, t.id, cc));
    }
    if (patch.followers) {
      std::vector<std::int64_t> users;
      for (std::size_t i = 0; i < patch.followers->size(); ++i) {
        const std::int64_t user = (*patch.followers)[i];
        ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, user));
        if (!exists) {
          return Error::invalid("no staff user has this id", "followers[" + std::to_string(i) + "]");
        }
        if (std::find(users.begin(), users.end(), user) == users.end()) users.push_back(user);
      }
      ECRM_RETURN_IF_ERROR(repo_.set_followers(c, t.id, users));
    }
    if (recompute_entitlement) ECRM_RETURN_IF_ERROR(decide_entitlement(c, t, now));
    if (recompute_sla) ECRM_RETURN_IF_ERROR(rematch_policy(c, t, actor, now));
    if (patch.status) ECRM_RETURN_IF_ERROR(change_status(c, t, *patch.status, actor, now));
    ECRM_RETURN_IF_ERROR(settle(c, t, now));
    t.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, t));
    return view(c, id, now);
  });
}

Result<std::vector<Interaction>> ServiceDesk::conversation(std::int64_t ticket_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto t, repo_.find_ticket(*lease, ticket_id));
  if (!t) return Error::not_found("no ticket " + std::to_string(ticket_id));
  return repo_.ticket_interactions(*lease, ticket_id);
}

Result<std::vector<TicketEvent>> ServiceDesk::events(std::int64_t ticket_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto t, repo_.find_ticket(*lease, ticket_id));
  if (!t) return Error::not_found("no ticket " + std::to_string(ticket_id));
  return repo_.events(*lease, ticket_id);
}

// ---------------------------------------------------------------------------------------------
// Replies

Result<ReplyResult> ServiceDesk::reply(std::int64_t ticket_id, const ReplyInput& input,
                                       const Actor& actor) {
  const UnixMs now = now_ms();
  const std::string body = trim(input.body);
  return storage::with_transaction<ReplyResult>(db_, TxMode::kWrite, [&](Connection& c) -> Result<ReplyResult> {
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, ticket_id));
    ECRM_ASSIGN_OR_RETURN(auto t, ticket(c, ticket_id));
    if (t.merged_into) {
      return Error::conflict("the ticket was merged into #" + std::to_string(*t.merged_into),
                             "id", "merged");
    }
    if (t.status == TicketStatus::kClosed) {
      return Error::conflict("the ticket is closed", "status", "closed");
    }
    std::optional<Macro> macro;
    if (input.macro_id) {
      ECRM_ASSIGN_OR_RETURN(macro, repo_.find_macro(c, *input.macro_id));
      if (!macro) return Error::invalid("no macro has this id", "macro_id");
    }
    std::string text = body;
    if (text.empty() && macro) text = macro->body;
    if (text.empty()) return Error::invalid("a reply needs a body", "body");
    const bool internal = input.internal.value_or(macro ? !macro->public_reply : false);
    ReplyResult out;
    Interaction x;
    x.customer_id = t.customer_id;
    x.ticket_id = t.id;
    x.agent_id = actor.user_id;
    x.occurred_at = now;
    x.created_at = now;
    x.content = text;
    if (internal) {
      x.channel = Channel::kNote;
      x.direction = Direction::kInternal;
      ECRM_ASSIGN_OR_RETURN(x, repo_.insert_interaction(c, std::move(x)));
      ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "note", actor.name,
                                           detail({{"interaction_id", x.id}}), now));
    } else {
      if (!t.customer_id) return Error::unprocessable("the ticket has no customer to answer", "body");
      ECRM_ASSIGN_OR_RETURN(const std::string to, repo_.customer_email(c, *t.customer_id));
      if (to.empty()) {
        return Error::unprocessable("the customer has no e-mail address to answer", "body",
                                    "no_address");
      }
      // The thread: In-Reply-To the customer's latest message (else our latest), References
      // the first Message-ID and the latest ones.
      ECRM_ASSIGN_OR_RETURN(auto conversation, repo_.ticket_interactions(c, t.id));
      std::string in_reply_to;
      for (auto it = conversation.rbegin(); it != conversation.rend() && in_reply_to.empty(); ++it) {
        if (it->message_id && it->direction == Direction::kInbound) in_reply_to = *it->message_id;
      }
      ECRM_ASSIGN_OR_RETURN(auto ids, repo_.message_ids(c, t.id));
      if (in_reply_to.empty() && !ids.empty()) in_reply_to = ids.back();
      std::string references;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i != 0 && ids.size() > kMaxReferences && i < ids.size() - (kMaxReferences - 1)) continue;
        references += (references.empty() ? "<" : " <") + ids[i] + ">";
      }
      const std::string ours = "ecrm.ticket." + std::to_string(t.id) + "." + token_secret() + "@" +
                               mail_domain(messaging_.options().mail_from);
      std::string subject = t.subject;
      if (subject.rfind("Re:", 0) != 0 && subject.rfind("RE:", 0) != 0) subject = "Re: " + subject;
      subject += " " + subject_tag(t);
      messaging::NewMessage m;
      m.customer_id = *t.customer_id;
      m.template_key = std::string(kReplyTemplate);
      m.kind = messaging::MessageKind::kTransactional;
      m.source = "ticket";
      m.dedupe_key = "ticket-reply:" + ours;
      m.data = json::serialize(json::object{
          {"ticket", json::object{{"subject", subject},
                                  {"token", t.token},
                                  {"number", t.id},
                                  {"reply", text}}}});
      m.thread = messaging::ThreadHeaders{ours, in_reply_to.empty() ? "" : "<" + in_reply_to + ">",
                                          references};
      ECRM_ASSIGN_OR_RETURN(auto queued, messaging_.queue(c, m));
      x.channel = Channel::kEmail;
      x.direction = Direction::kOutbound;
      x.subject = subject;
      x.from_address = messaging_.options().mail_from;
      x.to_address = to;
      x.message_id = ours;
      x.outbox_message_id = queued;
      ECRM_ASSIGN_OR_RETURN(x, repo_.insert_interaction(c, std::move(x)));
      ECRM_RETURN_IF_ERROR(repo_.add_message_id(c, t.id, ours, x.id, true, now));
      out.outbox_message_id = queued;
      // The first public reply is the first response; targets missed before it stay missed.
      ECRM_RETURN_IF_ERROR(settle(c, t, now));
      SlaClock clock = clock_of(t);
      agent_replied(clock, now);
      apply_clock(t, clock);
      ECRM_RETURN_IF_ERROR(repo_.add_event(
          c, t.id, "reply", actor.name,
          detail({{"interaction_id", x.id}, {"outbox_message_id", queued ? json::value(*queued) : json::value(nullptr)}}),
          now));
      if (t.status == TicketStatus::kNew && !input.status) {
        ECRM_RETURN_IF_ERROR(change_status(c, t, TicketStatus::kOpen, actor, now));
      }
    }
    if (actor.user_id) ECRM_RETURN_IF_ERROR(repo_.add_follower(c, t.id, *actor.user_id));
    if (macro) {
      const MacroActions& a = macro->actions;
      if (a.priority && *a.priority != t.priority) {
        t.priority = *a.priority;
        ECRM_RETURN_IF_ERROR(rematch_policy(c, t, actor, now));
      }
      if (a.assignee_id) t.assignee_id = *a.assignee_id;
      if (a.add_tags || a.remove_tags) {
        std::vector<std::string> tags = t.tags;
        for (const auto& tag : a.add_tags.value_or(std::vector<std::string>{})) {
          if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
        }
        for (const auto& tag : a.remove_tags.value_or(std::vector<std::string>{})) {
          std::erase(tags, tag);
        }
        std::sort(tags.begin(), tags.end());
        ECRM_RETURN_IF_ERROR(repo_.set_tags(c, t.id, tags));
      }
      ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "macro", actor.name,
                                           detail({{"macro_id", macro->id}, {"name", macro->name}}),
                                           now));
      if (a.status && !input.status) ECRM_RETURN_IF_ERROR(change_status(c, t, *a.status, actor, now));
    }
    if (input.status) ECRM_RETURN_IF_ERROR(change_status(c, t, *input.status, actor, now));
    ECRM_RETURN_IF_ERROR(settle(c, t, now));
    t.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, t));
    out.interaction = std::move(x);
    ECRM_ASSIGN_OR_RETURN(out.ticket, view(c, t.id, now));
    return out;
  });
}

Result<Interaction> ServiceDesk::add_customer_message(Connection& c, std::int64_t ticket_id,
                                                      const InteractionInput& input,
                                                      const Actor& actor, UnixMs now) {
  // A merged ticket's messages go to the ticket it was merged into.
  std::int64_t id = ticket_id;
  Ticket t;
  for (int hop = 0;; ++hop) {
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, id));
    ECRM_ASSIGN_OR_RETURN(t, ticket(c, id));
    if (!t.merged_into || hop == 5) break;
    id = *t.merged_into;
  }
  if (t.status == TicketStatus::kClosed) {
    return Error::conflict("the ticket is closed", "ticket_id", "closed");
  }
  InteractionInput message = input;
  message.ticket_id = t.id;
  message.direction = Direction::kInbound;
  if (!message.customer_id && t.customer_id && !message.from_address) message.customer_id = t.customer_id;
  ECRM_ASSIGN_OR_RETURN(auto x, record_interaction(c, message, actor, now));
  if (t.status == TicketStatus::kSolved || t.status == TicketStatus::kPending) {
    ECRM_RETURN_IF_ERROR(change_status(c, t, TicketStatus::kOpen, actor, now));
  }
  std::optional<SlaPolicy> policy;
  if (t.sla_policy_id) {
    ECRM_ASSIGN_OR_RETURN(policy, repo_.find_policy(c, *t.sla_policy_id));
  }
  ECRM_ASSIGN_OR_RETURN(auto cal, calendar(c));
  SlaClock clock = clock_of(t);
  customer_wrote(clock, cal, targets_of(policy ? &*policy : nullptr), now);
  apply_clock(t, clock);
  ECRM_RETURN_IF_ERROR(settle(c, t, now));
  t.updated_at = now;
  ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, t));
  ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "customer_message", actor.name,
                                       detail({{"interaction_id", x.id}}), now));
  return x;
}

Result<std::optional<std::int64_t>> ServiceDesk::ticket_by_message_ids(
    Connection& c, std::span<const std::string> ids) {
  std::vector<std::string> bare;
  for (const auto& id : ids) {
    std::string b = bare_message_id(id);
    if (!b.empty()) bare.push_back(std::move(b));
  }
  return repo_.ticket_by_message_ids(c, bare);
}

Result<std::optional<std::int64_t>> ServiceDesk::ticket_by_token(Connection& c,
                                                                 const std::string& token) {
  return repo_.ticket_by_token(c, trim(token));
}

Result<bool> ServiceDesk::is_party(Connection& c, std::int64_t ticket_id,
                                   const std::string& address) {
  auto normalized = customers::normalize_email(address);
  if (!normalized.ok()) return false;
  ECRM_ASSIGN_OR_RETURN(auto t, repo_.find_ticket(c, ticket_id));
  if (!t) return false;
  if (std::find(t->cc.begin(), t->cc.end(), *normalized) != t->cc.end()) return true;
  if (!t->customer_id) return false;
  ECRM_ASSIGN_OR_RETURN(auto email, repo_.customer_email(c, *t->customer_id));
  auto customer = customers::normalize_email(email);
  return customer.ok() && *customer == *normalized;
}

// ---------------------------------------------------------------------------------------------
// Merge and split

Result<TicketView> ServiceDesk::merge(std::int64_t id, const MergeInput& input, const Actor& actor) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    if (input.into == id) return Error::invalid("a ticket cannot be merged into itself", "into");
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, std::min(id, input.into)));
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, std::max(id, input.into)));
    ECRM_ASSIGN_OR_RETURN(auto from, ticket(c, id));
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_ticket(c, input.into));
    if (!found) return Error::invalid("no ticket has this id", "into");
    Ticket into = std::move(*found);
    if (from.merged_into) {
      return Error::conflict("the ticket was merged into #" + std::to_string(*from.merged_into),
                             "id", "merged");
    }
    if (into.merged_into || into.status == TicketStatus::kClosed) {
      return Error::conflict("ticket #" + std::to_string(into.id) + " is closed", "into");
    }
    if (from.customer_id != into.customer_id) {
      return Error::conflict("the tickets are different customers'", "into");
    }
    ECRM_RETURN_IF_ERROR(repo_.move_thread(c, from.id, into.id));
    // The merged one is closed (whatever its status) with a pointer to the other.
    const TicketStatus was = from.status;
    ECRM_RETURN_IF_ERROR(settle(c, from, now));
    from.status = TicketStatus::kClosed;
    from.closed_at = now;
    if (!from.solved_at) from.solved_at = now;
    from.merged_into = into.id;
    from.updated_at = now;
    ECRM_RETURN_IF_ERROR(settle(c, from, now));
    ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, from));
    ECRM_RETURN_IF_ERROR(repo_.add_event(
        c, from.id, "merged", actor.name,
        detail({{"into", into.id}, {"status_was", wire::enum_name(was)}}), now));
    ECRM_RETURN_IF_ERROR(repo_.add_event(c, into.id, "merged_in", actor.name,
                                         detail({{"from", from.id}}), now));
    into.updated_at = now;
    ECRM_RETURN_IF_ERROR(settle(c, into, now));
    ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, into));
    return view(c, into.id, now);
  });
}

Result<TicketView> ServiceDesk::split(std::int64_t id, const SplitInput& input, const Actor& actor) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, id));
    ECRM_ASSIGN_OR_RETURN(auto from, ticket(c, id));
    if (from.merged_into) {
      return Error::conflict("the ticket was merged into #" + std::to_string(*from.merged_into),
                             "id", "merged");
    }
    ECRM_ASSIGN_OR_RETURN(auto x, repo_.find_interaction(c, input.interaction_id));
    if (!x || x->ticket_id != from.id) {
      return Error::invalid("no interaction of this ticket has this id", "interaction_id");
    }
    if (from.source_interaction_id == x->id) {
      return Error::conflict("the ticket's first message stays with it", "interaction_id");
    }
    Ticket t;
    t.subject = trim(input.subject.value_or(""));
    if (t.subject.empty()) t.subject = x->subject.empty() ? from.subject : x->subject;
    t.channel = x->channel == Channel::kNote ? from.channel : x->channel;
    t.priority = from.priority;
    t.category = from.category;
    t.team = from.team;
    t.customer_id = from.customer_id;
    t.product_id = from.product_id;
    t.order_id = from.order_id;
    t.assignee_id = from.assignee_id;
    t.status = TicketStatus::kNew;
    t.created_by = actor.user_id;
    t.source_interaction_id = x->id;
    t.created_at = now;
    t.updated_at = now;
    ECRM_RETURN_IF_ERROR(decide_entitlement(c, t, now));
    ECRM_ASSIGN_OR_RETURN(auto targets, targets_for(c, t));
    ECRM_ASSIGN_OR_RETURN(auto cal, calendar(c));
    apply_clock(t, start_clock(cal, targets, now));
    ECRM_RETURN_IF_ERROR(settle(c, t, now));
    ECRM_ASSIGN_OR_RETURN(t, repo_.insert_ticket(c, std::move(t), token_secret()));
    ECRM_RETURN_IF_ERROR(repo_.set_interaction_ticket(c, x->id, t.id));
    ECRM_RETURN_IF_ERROR(repo_.move_message_ids_of_interaction(c, x->id, t.id));
    ECRM_RETURN_IF_ERROR(repo_.add_event(c, from.id, "split", actor.name,
                                         detail({{"interaction_id", x->id}, {"to", t.id}}), now));
    ECRM_RETURN_IF_ERROR(repo_.add_event(
        c, t.id, "created", actor.name,
        detail({{"split_from", from.id}, {"interaction_id", x->id}}), now));
    return view(c, t.id, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Quotes

Result<TicketView> ServiceDesk::propose_quote(std::int64_t id, const QuoteInput& input,
                                              const Actor& actor) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    if (input.amount < 0) return Error::invalid("an amount is not negative", "amount");
    if (input.currency.size() != 3 ||
        !std::all_of(input.currency.begin(), input.currency.end(),
                     [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
      return Error::invalid("a currency is an ISO 4217 code such as CNY", "currency");
    }
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, id));
    ECRM_ASSIGN_OR_RETURN(auto t, ticket(c, id));
    if (!is_active(t.status)) return Error::conflict("the ticket is " + std::string(wire::enum_name(t.status)), "status");
    if (t.entitlement == Entitlement::kFree) {
      return Error::conflict("the service is free: " + t.entitlement_reason, "amount", "free_service");
    }
    if (t.quote_status == QuoteStatus::kAccepted) {
      return Error::conflict("the customer accepted a quote already", "amount", "quote_accepted");
    }
    t.quote_amount = input.amount;
    t.quote_currency = input.currency;
    t.quote_note = trim(input.note.value_or(""));
    t.quote_status = QuoteStatus::kProposed;
    t.quote_at = now;
    t.quote_answered_at.reset();
    t.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, t));
    ECRM_RETURN_IF_ERROR(repo_.add_event(
        c, t.id, "quote", actor.name,
        detail({{"amount", input.amount}, {"currency", input.currency}}), now));
    return view(c, t.id, now);
  });
}

Result<TicketView> ServiceDesk::answer_quote(std::int64_t id, std::int64_t customer_id, bool accept) {
  const UnixMs now = now_ms();
  return storage::with_transaction<TicketView>(db_, TxMode::kWrite, [&](Connection& c) -> Result<TicketView> {
    ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, id));
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_ticket(c, id));
    if (!found || found->customer_id != customer_id) {
      return Error::not_found("no ticket " + std::to_string(id));
    }
    Ticket t = std::move(*found);
    if (t.quote_status != QuoteStatus::kProposed) {
      return Error::conflict("no quote waits for an answer", "accept", "no_quote");
    }
    t.quote_status = accept ? QuoteStatus::kAccepted : QuoteStatus::kDeclined;
    t.quote_answered_at = now;
    t.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.update_ticket(c, t));
    ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, accept ? "quote_accepted" : "quote_declined",
                                         "customer:" + std::to_string(customer_id), "{}", now));
    return view(c, t.id, now);
  });
}

// ---------------------------------------------------------------------------------------------
// Settings

Result<BusinessHours> ServiceDesk::business_hours() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto hours, repo_.business_hours(*lease));
  if (!hours) {
    // Not set: always open, in UTC.
    BusinessHours always;
    always.timezone = "UTC";
    for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      always.week[day] = {{"00:00", "24:00"}};
    }
    return always;
  }
  return std::move(*hours);
}

Result<BusinessHours> ServiceDesk::put_business_hours(const BusinessHoursInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto checked, BusinessCalendar::make(input));
  (void)checked;
  BusinessHours hours;
  hours.timezone = input.timezone;
  hours.week = input.week;
  hours.holidays = input.holidays.value_or(std::vector<std::string>{});
  std::sort(hours.holidays.begin(), hours.holidays.end());
  hours.holidays.erase(std::unique(hours.holidays.begin(), hours.holidays.end()), hours.holidays.end());
  hours.updated_at = now_ms();
  ECRM_RETURN_IF_ERROR(storage::with_transaction(
      db_, TxMode::kWrite, [&](Connection& c) { return repo_.put_business_hours(c, hours); }));
  return hours;
}

namespace {

Result<SlaPolicy> policy_from(const SlaPolicyInput& input) {
  SlaPolicy p;
  p.name = trim(input.name);
  if (p.name.empty()) return Error::invalid("a policy needs a name", "name");
  if (input.match) {
    p.match = *input.match;
    if (p.match.category) p.match.category = trim(*p.match.category);
    if (p.match.tier && *p.match.tier != "very_loyal" && *p.match.tier != "loyal" &&
        *p.match.tier != "occasional") {
      return Error::invalid("a tier is very_loyal, loyal or occasional", "match.tier");
    }
  }
  p.first_response_minutes = input.first_response_minutes;
  p.next_response_minutes = input.next_response_minutes;
  p.resolution_minutes = input.resolution_minutes;
  if (!p.first_response_minutes && !p.next_response_minutes && !p.resolution_minutes) {
    return Error::invalid("a policy needs at least one target", "first_response_minutes");
  }
  p.warn_before_minutes = input.warn_before_minutes.value_or(30);
  p.escalate_to = input.escalate_to;
  if (input.escalate_team && !trim(*input.escalate_team).empty()) p.escalate_team = trim(*input.escalate_team);
  p.raise_priority = input.raise_priority.value_or(false);
  p.notify_followers = input.notify_followers.value_or(true);
  p.active = input.active.value_or(true);
  return p;
}

}  // namespace

Result<std::vector<SlaPolicy>> ServiceDesk::policies() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.policies(*lease);
}

Result<SlaPolicy> ServiceDesk::create_policy(const SlaPolicyInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto p, policy_from(input));
  return storage::with_transaction<SlaPolicy>(db_, TxMode::kWrite, [&](Connection& c) -> Result<SlaPolicy> {
    if (p.escalate_to) {
      ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, *p.escalate_to));
      if (!exists) return Error::invalid("no staff user has this id", "escalate_to");
    }
    ECRM_ASSIGN_OR_RETURN(auto existing, repo_.policies(c));
    std::int64_t last = 0;
    for (const auto& e : existing) last = std::max(last, e.position);
    p.position = input.position.value_or(last + 1);
    p.created_at = p.updated_at = now_ms();
    return repo_.insert_policy(c, p);
  });
}

Result<SlaPolicy> ServiceDesk::replace_policy(std::int64_t id, const SlaPolicyInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto p, policy_from(input));
  return storage::with_transaction<SlaPolicy>(db_, TxMode::kWrite, [&](Connection& c) -> Result<SlaPolicy> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_policy(c, id));
    if (!found) return Error::not_found("no SLA policy " + std::to_string(id));
    if (p.escalate_to) {
      ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, *p.escalate_to));
      if (!exists) return Error::invalid("no staff user has this id", "escalate_to");
    }
    p.id = id;
    p.position = input.position.value_or(found->position);
    p.created_at = found->created_at;
    p.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_policy(c, p));
    return p;
  });
}

Status ServiceDesk::delete_policy(std::int64_t id) {
  return storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(bool deleted, repo_.delete_policy(c, id));
    if (!deleted) return Error::not_found("no SLA policy " + std::to_string(id));
    return {};
  });
}

namespace {

Result<Macro> macro_from(const MacroInput& input) {
  Macro m;
  m.name = trim(input.name);
  if (m.name.empty()) return Error::invalid("a macro needs a name", "name");
  m.body = input.body.value_or("");
  m.public_reply = input.public_reply.value_or(true);
  m.actions = input.actions.value_or(MacroActions{});
  if (m.actions.add_tags) {
    std::vector<std::string> tags;
    ECRM_RETURN_IF_ERROR(check_tags(*m.actions.add_tags, "actions.add_tags", tags));
    m.actions.add_tags = tags;
  }
  if (m.actions.remove_tags) {
    std::vector<std::string> tags;
    ECRM_RETURN_IF_ERROR(check_tags(*m.actions.remove_tags, "actions.remove_tags", tags));
    m.actions.remove_tags = tags;
  }
  return m;
}

}  // namespace

Result<std::vector<Macro>> ServiceDesk::macros() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.macros(*lease);
}

Result<Macro> ServiceDesk::create_macro(const MacroInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto m, macro_from(input));
  return storage::with_transaction<Macro>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Macro> {
    if (m.actions.assignee_id && *m.actions.assignee_id) {
      ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, **m.actions.assignee_id));
      if (!exists) return Error::invalid("no staff user has this id", "actions.assignee_id");
    }
    m.created_at = m.updated_at = now_ms();
    return repo_.insert_macro(c, m);
  });
}

Result<Macro> ServiceDesk::replace_macro(std::int64_t id, const MacroInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto m, macro_from(input));
  return storage::with_transaction<Macro>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Macro> {
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_macro(c, id));
    if (!found) return Error::not_found("no macro " + std::to_string(id));
    if (m.actions.assignee_id && *m.actions.assignee_id) {
      ECRM_ASSIGN_OR_RETURN(bool exists, repo_.user_exists(c, **m.actions.assignee_id));
      if (!exists) return Error::invalid("no staff user has this id", "actions.assignee_id");
    }
    m.id = id;
    m.created_at = found->created_at;
    m.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update_macro(c, m));
    return m;
  });
}

Status ServiceDesk::delete_macro(std::int64_t id) {
  return storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(bool deleted, repo_.delete_macro(c, id));
    if (!deleted) return Error::not_found("no macro " + std::to_string(id));
    return {};
  });
}

Result<ServiceContract> ServiceDesk::create_contract(const ServiceContractInput& input) {
  if (!parse_date(input.starts_on) || input.starts_on.size() != 10) {
    return Error::invalid("a date is YYYY-MM-DD", "starts_on");
  }
  if (!parse_date(input.ends_on) || input.ends_on.size() != 10) {
    return Error::invalid("a date is YYYY-MM-DD", "ends_on");
  }
  if (input.ends_on < input.starts_on) {
    return Error::invalid("a contract ends on or after the day it starts", "ends_on");
  }
  return storage::with_transaction<ServiceContract>(db_, TxMode::kWrite, [&](Connection& c) -> Result<ServiceContract> {
    ECRM_ASSIGN_OR_RETURN(bool customer, repo_.customer_exists(c, input.customer_id));
    if (!customer) return Error::invalid("no customer has this id", "customer_id");
    if (input.product_id) {
      ECRM_ASSIGN_OR_RETURN(bool product, repo_.product_exists(c, *input.product_id));
      if (!product) return Error::invalid("no product has this id", "product_id");
    }
    ServiceContract x;
    x.customer_id = input.customer_id;
    x.product_id = input.product_id;
    x.reference = trim(input.reference.value_or(""));
    x.starts_on = input.starts_on;
    x.ends_on = input.ends_on;
    x.created_at = now_ms();
    return repo_.insert_contract(c, x);
  });
}

Result<std::vector<ServiceContract>> ServiceDesk::contracts(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.contracts_of(*lease, customer_id);
}

Status ServiceDesk::delete_contract(std::int64_t id) {
  return storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(bool deleted, repo_.delete_contract(c, id));
    if (!deleted) return Error::not_found("no service contract " + std::to_string(id));
    return {};
  });
}

Status ServiceDesk::set_warranty_months(std::int64_t product_id, std::int64_t months) {
  if (months < 0 || months > 600) return Error::invalid("0 to 600 months", "warranty_months");
  return storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.set_warranty_months(c, product_id, months);
  });
}

// ---------------------------------------------------------------------------------------------
// The breach worker

Result<BreachPass> ServiceDesk::check_breaches(UnixMs now) {
  BreachPass pass;
  std::vector<std::int64_t> ids;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(ids, repo_.tickets_to_check(*lease, now, 500));
  }
  for (std::int64_t id : ids) {
    auto checked = storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
      ECRM_RETURN_IF_ERROR(repo_.lock_ticket(c, id));
      ECRM_ASSIGN_OR_RETURN(auto t, ticket(c, id));
      if (!t.sla_check_at || *t.sla_check_at > now) return {};  // another worker was first
      std::optional<SlaPolicy> policy;
      if (t.sla_policy_id) {
    ECRM_ASSIGN_OR_RETURN(policy, repo_.find_policy(c, *t.sla_policy_id));
  }
      const UnixMs warn_ms = (policy ? policy->warn_before_minutes : 30) * kMsPerMinute;
      const SlaClock clock = clock_of(t);
      const auto soon = minus(due_soon(clock, now, warn_ms), t.warned);
      const auto late = minus(breached_targets(clock, now, t.solved_at), t.breached);
      if (!soon.empty()) {
        add_targets(t.warned, soon);
        ++pass.warnings;
        ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "sla_warning", "system",
                                             detail({{"targets", target_names(soon)}}), now));
      }
      if (!late.empty()) {
        add_targets(t.breached, late);
        add_targets(t.warned, late);
        ++pass.breaches;
        ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "sla_breach", "system",
                                             detail({{"targets", target_names(late)}}), now));
        if (policy) {
          json::object escalated;
          if (policy->escalate_to && policy->escalate_to != t.assignee_id) {
            escalated["assignee_id"] = *policy->escalate_to;
            t.assignee_id = policy->escalate_to;
          }
          if (policy->escalate_team && *policy->escalate_team != t.team) {
            escalated["team"] = *policy->escalate_team;
            t.team = *policy->escalate_team;
          }
          if (policy->raise_priority && raised(t.priority) != t.priority) {
            t.priority = raised(t.priority);
            escalated["priority"] = wire::enum_name(t.priority);
          }
          if (policy->notify_followers && !t.followers.empty()) {
            json::array users;
            for (std::int64_t u : t.followers) users.push_back(u);
            escalated["notified"] = std::move(users);
          }
          if (!escalated.empty()) {
            ECRM_RETURN_IF_ERROR(repo_.add_event(c, t.id, "escalated", "system",
                                                 detail(std::move(escalated)), now));
          }
        }
      }
      ++pass.checked;
      ECRM_RETURN_IF_ERROR(settle(c, t, now));
      // Nothing left to look at before now: the next look is in the future or never.
      if (t.sla_check_at && *t.sla_check_at <= now) t.sla_check_at = now + kMsPerMinute;
      return repo_.update_ticket(c, t);
    });
    if (!checked.ok()) return std::move(checked).error();
  }
  return pass;
}

Result<ServiceSummary> ServiceDesk::summary(UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.summary(*lease, now, now + options_.breaching_window_ms);
}

}  // namespace ecrm::service
