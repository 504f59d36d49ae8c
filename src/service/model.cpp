#include "service/model.hpp"

#include <algorithm>

namespace ecrm::service {

bool can_transition(TicketStatus from, TicketStatus to) {
  using S = TicketStatus;
  if (from == to) return false;
  switch (from) {
    case S::kNew:
    case S::kOpen:
    case S::kPending:
    case S::kOnHold:
      return to != S::kNew;
    case S::kSolved:
      return to == S::kOpen || to == S::kClosed;
    case S::kClosed:
      return false;
  }
  return false;
}

std::vector<TicketStatus> next_statuses(TicketStatus from) {
  std::vector<TicketStatus> out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<TicketStatus>>([&](auto to) {
    if (can_transition(from, to.value)) out.push_back(to.value);
  });
  return out;
}

bool is_active(TicketStatus status) {
  return status == TicketStatus::kNew || status == TicketStatus::kOpen ||
         status == TicketStatus::kPending || status == TicketStatus::kOnHold;
}

std::string subject_tag(const Ticket& ticket) { return "[#" + ticket.token + "]"; }

namespace {

std::optional<std::string> iso(const std::optional<UnixMs>& at) {
  if (!at) return std::nullopt;
  return format_iso8601(*at);
}

}  // namespace

TicketSummary ticket_summary(const Ticket& t) {
  TicketSummary out;
  out.id = t.id;
  out.token = t.token;
  out.customer_id = t.customer_id;
  out.subject = t.subject;
  out.status = t.status;
  out.priority = t.priority;
  out.category = t.category;
  out.channel = t.channel;
  out.assignee_id = t.assignee_id;
  out.team = t.team;
  out.entitlement = t.entitlement;
  out.merged_into = t.merged_into;
  out.created_at = format_iso8601(t.created_at);
  out.updated_at = format_iso8601(t.updated_at);
  out.sla.first_response_due = iso(t.first_response_due);
  out.sla.next_response_due = iso(t.next_response_due);
  out.sla.resolution_due = iso(t.resolution_due);
  out.sla.first_response_at = iso(t.first_response_at);
  out.sla.paused = t.paused_at.has_value();
  out.sla.policy_id = t.sla_policy_id;
  out.sla.breached = t.breached;
  out.sla.warned = t.warned;
  return out;
}

TicketView ticket_view(const Ticket& t) {
  TicketView out;
  static_cast<TicketSummary&>(out) = ticket_summary(t);
  out.product_id = t.product_id;
  out.order_id = t.order_id;
  out.source_interaction_id = t.source_interaction_id;
  out.created_by = t.created_by;
  out.entitlement_reason = t.entitlement_reason;
  out.quote.status = t.quote_status;
  out.quote.amount = t.quote_amount;
  out.quote.currency = t.quote_currency;
  out.quote.note = t.quote_note;
  out.quote.proposed_at = iso(t.quote_at);
  out.quote.answered_at = iso(t.quote_answered_at);
  out.tags = t.tags;
  out.followers = t.followers;
  out.cc = t.cc;
  out.solved_at = iso(t.solved_at);
  out.closed_at = iso(t.closed_at);
  out.next_statuses = next_statuses(t.status);
  return out;
}

}  // namespace ecrm::service
