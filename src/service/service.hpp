// The service desk: interactions on every channel, tickets and their SLA clocks, replies through
// messaging's outbox, macros, merge and split, entitlement (warranty, contracts, paid quotes).
//
// Every write runs in one transaction: a refused request (4xx naming the field) writes nothing.
// The SLA due times are computed by the pure engine (sla.hpp) over the business hours and the
// first matching policy, and stored on the ticket; `breached` lists the targets a ticket missed.
// Other owners build on the connection-taking forms (inbound mail, chat, the portal): they run
// inside the caller's transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "messaging/service.hpp"
#include "service/model.hpp"
#include "service/repo.hpp"
#include "service/sla.hpp"
#include "storage/database.hpp"

namespace ecrm::service {

// Who acts: a staff user (user_id), the customer (portal, inbound mail), or the system.
struct Actor {
  std::optional<std::int64_t> user_id;      // staff
  std::optional<std::int64_t> customer_id;  // the customer themselves
  std::string name;                         // as events show it ("ann@shop.example", "system")

  static Actor system() { return Actor{std::nullopt, std::nullopt, "system"}; }
};

struct ServiceOptions {
  UnixMs breaching_window_ms = 60 * 60'000;  // the breaching view: due within the hour, or late
};

// What the breach worker did in one pass.
struct BreachPass {
  std::int64_t checked = 0;
  std::int64_t warnings = 0;
  std::int64_t breaches = 0;
};

class ServiceDesk {
 public:
  ServiceDesk(storage::Database& db, messaging::MessagingService& messaging,
              ServiceOptions options = {});

  // Interactions. Without customer_id the sender is matched by from_address (an e-mail address,
  // else phone digits), else a new lead is made (unless create_lead is false). A ticket_id must
  // name a ticket (of the same customer). A repeated (channel, external_ref) answers the
  // interaction recorded first. kInvalidArgument naming the field.
  Result<Interaction> record_interaction(const InteractionInput& input, const Actor& actor);
  Result<Interaction> record_interaction(Connection& c, const InteractionInput& input,
                                         const Actor& actor, UnixMs now);
  Result<Interaction> get_interaction(std::int64_t id);
  Result<std::vector<Interaction>> interactions(const InteractionQuery& q, std::int64_t before,
                                                int limit);
  // The customer matched by an address (e-mail or phone), nullopt when none.
  Result<std::optional<std::int64_t>> match_customer(Connection& c, const std::string& address);

  // Tickets. open_ticket records the body as the first (inbound) interaction, starts the SLA
  // clock and decides the entitlement.
  Result<TicketView> open_ticket(const TicketInput& input, const Actor& actor);
  Result<Ticket> open_ticket(Connection& c, const TicketInput& input, const Actor& actor,
                             UnixMs now);
  // Opens a ticket from a recorded interaction (its customer, channel, subject, content).
  Result<TicketView> ticket_from_interaction(std::int64_t interaction_id,
                                             const std::optional<Priority>& priority,
                                             const Actor& actor);
  Result<TicketView> get_ticket(std::int64_t id);
  Result<Ticket> ticket(Connection& c, std::int64_t id);
  Result<std::vector<Ticket>> list_tickets(const TicketQuery& q, std::optional<std::int64_t> me,
                                           const std::optional<TicketPosition>& after, int limit);
  Result<TicketView> update_ticket(std::int64_t id, const TicketPatch& patch, const Actor& actor);
  Result<std::vector<Interaction>> conversation(std::int64_t ticket_id);
  Result<std::vector<TicketEvent>> events(std::int64_t ticket_id);

  // An agent's reply: a public one is queued in the outbox as transactional mail to the customer
  // (subject with the ticket's tag, In-Reply-To/References of the thread, its Message-ID
  // recorded on the ticket) and is the first response when it is the first; an internal note
  // never leaves. kUnprocessable when a public reply has no address to go to.
  Result<ReplyResult> reply(std::int64_t ticket_id, const ReplyInput& input, const Actor& actor);

  // A message from the customer (or someone on CC) on a ticket, inside the caller's transaction
  // (inbound mail, the portal, chat): recorded as an inbound interaction, its Message-ID added
  // to the thread; a solved or pending ticket opens again; the next-response clock starts.
  Result<Interaction> add_customer_message(Connection& c, std::int64_t ticket_id,
                                           const InteractionInput& input, const Actor& actor,
                                           UnixMs now);
  // Threading lookups for inbound mail: the ticket of any of `message_ids` (no brackets), the
  // ticket of a subject token ("T123-k7q2mz"), and whether `address` is the ticket's customer's
  // or on its CC list.
  Result<std::optional<std::int64_t>> ticket_by_message_ids(Connection& c,
                                                            std::span<const std::string> ids);
  Result<std::optional<std::int64_t>> ticket_by_token(Connection& c, const std::string& token);
  Result<bool> is_party(Connection& c, std::int64_t ticket_id, const std::string& address);

  // Merge `id` into `input.into`; split `input.interaction_id` off `id` into a new ticket.
  Result<TicketView> merge(std::int64_t id, const MergeInput& input, const Actor& actor);
  Result<TicketView> split(std::int64_t id, const SplitInput& input, const Actor& actor);

  // Paid service: staff propose a quote; the customer accepts or declines it (portal). kConflict
  // when the ticket is free or no quote is proposed; kNotFound when the ticket is not the
  // customer's.
  Result<TicketView> propose_quote(std::int64_t id, const QuoteInput& input, const Actor& actor);
  Result<TicketView> answer_quote(std::int64_t id, std::int64_t customer_id, bool accept);

  // Business hours, policies, macros, contracts, warranty.
  Result<BusinessHours> business_hours();
  Result<BusinessHours> put_business_hours(const BusinessHoursInput& input);
  Result<std::vector<SlaPolicy>> policies();
  Result<SlaPolicy> create_policy(const SlaPolicyInput& input);
  Result<SlaPolicy> replace_policy(std::int64_t id, const SlaPolicyInput& input);
  Status delete_policy(std::int64_t id);
  Result<std::vector<Macro>> macros();
  Result<Macro> create_macro(const MacroInput& input);
  Result<Macro> replace_macro(std::int64_t id, const MacroInput& input);
  Status delete_macro(std::int64_t id);
  Result<ServiceContract> create_contract(const ServiceContractInput& input);
  Result<std::vector<ServiceContract>> contracts(std::int64_t customer_id);
  Status delete_contract(std::int64_t id);
  Status set_warranty_months(std::int64_t product_id, std::int64_t months);

  // The breach worker's pass at `now`: warnings before breach, escalation at breach, recorded
  // as ticket events.
  Result<BreachPass> check_breaches(UnixMs now);
  Result<ServiceSummary> summary(UnixMs now);

  // Adds the transactional template replies are sent with (ticket_reply, en and zh-CN) unless
  // staff have their own.
  Status install_templates();

  // Called inside the transaction that makes a ticket solved, after the change (the surveys ask
  // the customer for CSAT); an error rolls the change back. Set once, before serving.
  using SolvedHook = std::function<Status(Connection&, const Ticket&, UnixMs)>;
  void on_solved(SolvedHook hook) { on_solved_ = std::move(hook); }

  const ServiceOptions& options() const { return options_; }

 private:
  Result<BusinessCalendar> calendar(Connection& c);
  // The targets of the first matching policy; sets t.sla_policy_id.
  Result<SlaTargets> targets_for(Connection& c, Ticket& t);
  // Matches the SLA policy again after a change of priority or category; a different policy's
  // targets count from when the ticket was opened (recorded as an sla_policy event).
  Status rematch_policy(Connection& c, Ticket& t, const Actor& actor, UnixMs now);
  // Applies a status change with its SLA consequences (pause, resume, solved, closed).
  Status change_status(Connection& c, Ticket& t, TicketStatus to, const Actor& actor, UnixMs now);
  // Records the targets missed by `now` and recomputes next_due_at and sla_check_at.
  Status settle(Connection& c, Ticket& t, UnixMs now);
  Status decide_entitlement(Connection& c, Ticket& t, UnixMs now);
  Result<TicketView> view(Connection& c, std::int64_t id, UnixMs now);

  storage::Database& db_;
  messaging::MessagingService& messaging_;
  ServiceOptions options_;
  ServiceRepo repo_;
  SolvedHook on_solved_;
};

}  // namespace ecrm::service
