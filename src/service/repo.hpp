// SQL for interactions, tickets (tags, followers, CC, Message-IDs, events), business hours, SLA
// policies, macros and service contracts. Every statement is a named constant in repo.cpp;
// every method takes the connection to run on, so callers choose the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "customers/model.hpp"
#include "service/model.hpp"
#include "storage/database.hpp"

namespace ecrm::service {

using storage::Connection;

// A position in the ticket list: newest id first, or (breaching view) soonest due first.
struct TicketPosition {
  std::optional<UnixMs> due;  // breaching view only
  std::int64_t id = 0;
};

// What a customer bought of a product: the latest order of theirs with it, not cancelled.
struct Purchase {
  std::int64_t order_id = 0;
  UnixMs placed_at = 0;
  std::int64_t warranty_months = 0;
};

class ServiceRepo {
 public:
  // Interactions. insert fills id and created_at.
  Result<Interaction> insert_interaction(Connection& c, Interaction x);
  Result<std::optional<Interaction>> find_interaction(Connection& c, std::int64_t id);
  // Newest first, id < before (0: from the newest).
  Result<std::vector<Interaction>> list_interactions(Connection& c, const InteractionQuery& q,
                                                     std::int64_t before, int limit);
  // The conversation of a ticket, oldest first.
  Result<std::vector<Interaction>> ticket_interactions(Connection& c, std::int64_t ticket_id);
  Status set_interaction_ticket(Connection& c, std::int64_t interaction_id,
                                std::optional<std::int64_t> ticket_id);
  Status set_interaction_customer(Connection& c, std::int64_t interaction_id,
                                  std::int64_t customer_id);
  // A contact recorded before with this channel and external reference (a PBX retrying).
  Result<std::optional<Interaction>> find_by_external_ref(Connection& c, Channel channel,
                                                          const std::string& external_ref);

  // Customers by address: the customer (not erased or merged away) whose normalised e-mail
  // (lower-case) or phone (digits) is `key`, lowest id first.
  Result<std::optional<std::int64_t>> customer_by_email(Connection& c, const std::string& email);
  Result<std::optional<std::int64_t>> customer_by_phone(Connection& c, const std::string& digits);
  // The customer's loyalty tier from the last scoring ('' when unscored).
  Result<std::string> customer_tier(Connection& c, std::int64_t customer_id);
  // The customer's e-mail address ('' when none).
  Result<std::string> customer_email(Connection& c, std::int64_t customer_id);
  Result<bool> customer_exists(Connection& c, std::int64_t customer_id);
  Result<bool> user_exists(Connection& c, std::int64_t user_id);
  Result<bool> product_exists(Connection& c, std::int64_t product_id);
  // The order's customer, nullopt when there is no such order.
  Result<std::optional<std::int64_t>> order_customer(Connection& c, std::int64_t order_id);

  // Tickets. insert fills id and token ("T<id>-<secret>").
  Result<Ticket> insert_ticket(Connection& c, Ticket t, const std::string& secret);
  // The ticket with tags, followers and CC; nullopt if none.
  Result<std::optional<Ticket>> find_ticket(Connection& c, std::int64_t id);
  // Takes the ticket's row lock for the transaction (PostgreSQL).
  Status lock_ticket(Connection& c, std::int64_t id);
  // Writes every column but id, token and created_at.
  Status update_ticket(Connection& c, const Ticket& t);
  // A page of the list after `after` (newest id first; the breaching view soonest due first),
  // without tags, followers and CC. `me` is the caller for the mine view.
  Result<std::vector<Ticket>> list_tickets(Connection& c, const TicketQuery& q,
                                           std::optional<std::int64_t> me, UnixMs breaching_until,
                                           const std::optional<TicketPosition>& after, int limit);
  Status set_tags(Connection& c, std::int64_t ticket_id, const std::vector<std::string>& tags);
  Status set_followers(Connection& c, std::int64_t ticket_id, const std::vector<std::int64_t>& users);
  Status add_follower(Connection& c, std::int64_t ticket_id, std::int64_t user_id);
  Status set_cc(Connection& c, std::int64_t ticket_id, const std::vector<std::string>& addresses);

  // Threading. Message-IDs are stored without angle brackets; adding one a ticket has already
  // (or another ticket has) changes nothing.
  Status add_message_id(Connection& c, std::int64_t ticket_id, const std::string& message_id,
                        std::optional<std::int64_t> interaction_id, bool outbound, UnixMs at);
  // Every Message-ID of the ticket's thread, oldest first.
  Result<std::vector<std::string>> message_ids(Connection& c, std::int64_t ticket_id);
  // The ticket one of `message_ids` belongs to (the first found in the given order).
  Result<std::optional<std::int64_t>> ticket_by_message_ids(Connection& c,
                                                            std::span<const std::string> message_ids);
  Result<std::optional<std::int64_t>> ticket_by_token(Connection& c, const std::string& token);

  // Moves the Message-IDs an interaction brought to ticket `into` (a split).
  Status move_message_ids_of_interaction(Connection& c, std::int64_t interaction_id,
                                         std::int64_t into);
  // Moves everything of ticket `from` onto `into` (interactions, followers, CC, Message-IDs,
  // tags).
  Status move_thread(Connection& c, std::int64_t from, std::int64_t into);

  Status add_event(Connection& c, std::int64_t ticket_id, const std::string& kind,
                   const std::string& actor, const std::string& detail, UnixMs at);
  Result<std::vector<TicketEvent>> events(Connection& c, std::int64_t ticket_id);

  // The breach worker's work: active tickets whose sla_check_at is at or before `now`.
  Result<std::vector<std::int64_t>> tickets_to_check(Connection& c, UnixMs now, int limit);
  Result<ServiceSummary> summary(Connection& c, UnixMs now, UnixMs breaching_until);

  // Business hours (nullopt: none set) and policies (by position, then id).
  Result<std::optional<BusinessHours>> business_hours(Connection& c);
  Status put_business_hours(Connection& c, const BusinessHours& hours);
  Result<std::vector<SlaPolicy>> policies(Connection& c);
  Result<std::optional<SlaPolicy>> find_policy(Connection& c, std::int64_t id);
  Result<SlaPolicy> insert_policy(Connection& c, SlaPolicy p);
  Status update_policy(Connection& c, const SlaPolicy& p);
  Result<bool> delete_policy(Connection& c, std::int64_t id);

  Result<std::vector<Macro>> macros(Connection& c);
  Result<std::optional<Macro>> find_macro(Connection& c, std::int64_t id);
  Result<Macro> insert_macro(Connection& c, Macro m);
  Status update_macro(Connection& c, const Macro& m);
  Result<bool> delete_macro(Connection& c, std::int64_t id);

  Result<ServiceContract> insert_contract(Connection& c, ServiceContract x);
  Result<std::vector<ServiceContract>> contracts_of(Connection& c, std::int64_t customer_id);
  Result<bool> delete_contract(Connection& c, std::int64_t id);
  // The purchase of `product_id` by `customer_id`: in `order_id` when given, else their latest
  // order with it (orders not cancelled); nullopt when they did not buy it.
  Result<std::optional<Purchase>> purchase(Connection& c, std::int64_t customer_id,
                                           std::int64_t product_id,
                                           std::optional<std::int64_t> order_id);
  Result<std::int64_t> warranty_months(Connection& c, std::int64_t product_id);
  Status set_warranty_months(Connection& c, std::int64_t product_id, std::int64_t months);

  // For the customer record (CustomerRecords): interactions and tickets move with a merge.
  // Returns the ids of the interactions moved; tickets follow their interactions' customer.
  Result<std::vector<std::int64_t>> reassign_customer(Connection& c, std::int64_t from,
                                                      std::int64_t to);
  Status restore_customer(Connection& c, std::span<const std::int64_t> interaction_ids,
                          std::int64_t from, std::int64_t to);
  Result<std::vector<Ticket>> tickets_of_customer(Connection& c, std::int64_t customer_id);
  Result<std::vector<Interaction>> interactions_of_customer(Connection& c, std::int64_t customer_id);
  // Scrubs what the customer wrote and what was written to them: contents, subjects,
  // addresses of their interactions and the subjects of their tickets.
  Status erase_customer(Connection& c, std::int64_t customer_id);
  // The customer's interactions strictly after (at, id_bound) in newest-first order.
  Result<std::vector<Interaction>> interaction_timeline(Connection& c, std::int64_t customer_id,
                                                        UnixMs at, std::int64_t id_bound,
                                                        int limit);
};

}  // namespace ecrm::service
