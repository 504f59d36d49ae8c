// Inbound e-mail: one path for every mail the shop receives, whether piped by the MTA to
// `ecrm mail-in` or fetched from an IMAP mailbox (imap.hpp).
//
//   1. The message is parsed (inbound_mime.hpp). Not an e-mail: kInvalidArgument, nothing written.
//   2. Mail a machine sent (auto-replies, bounces, lists, our own mail come back) goes to
//      messaging, which records bounces and replies to its messages; otherwise it is ignored. It
//      never opens a ticket and is never answered, so no two robots can talk to each other.
//   3. A mail whose In-Reply-To or any References Message-ID belongs to a ticket's thread (our
//      replies' ids and the customer's own) joins that ticket.
//   4. Else messaging takes what it recognises (a reply to a marketing message).
//   5. Else a ticket token in the subject ("[#T12-k7q2mz]") joins that ticket, but only when the
//      sender is the ticket's customer or on its CC list: a stranger opens a new ticket instead.
//   6. Else a new ticket (the customer matched by address, else a new lead).
//
// A reply to a solved ticket opens it again; one to a closed ticket (closed is final) opens a
// new one. The interaction, its attachments and the record of the Message-ID are written in one
// transaction: the same Message-ID taken in twice records one interaction, and a failure
// leaves nothing half-written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "messaging/service.hpp"
#include "service/inbound_mime.hpp"
#include "service/service.hpp"
#include "storage/database.hpp"

namespace ecrm::service {

struct InboundOptions {
  MailLimits limits;
  // The shop's own addresses (any case): mail from them is never taken as a customer's.
  std::vector<std::string> own_addresses;
};

// What became of one inbound mail.
struct MailInResult {
  // reply | bounce | delay: messaging recorded it; ticket_opened | ticket_reply: service did;
  // duplicate: this Message-ID was taken in before; ignored: sent by a machine; unmatched: a
  // machine's mail messaging did not recognise either.
  std::string kind;
  std::optional<std::int64_t> ticket_id;
  std::optional<std::int64_t> interaction_id;
  std::optional<std::int64_t> customer_id;
  std::optional<std::int64_t> message_id;  // messaging's message a reply or bounce is about
  std::string threaded_by;                 // in_reply_to | references | subject_token
  std::vector<std::int64_t> attachment_ids;  // stored (GET /api/v1/attachments/{id})
  std::string reason;                      // why it was ignored
  std::vector<std::string> notes;          // what was degraded or left out
};
ECRM_DESCRIBE(MailInResult, kind, ticket_id, interaction_id, customer_id, message_id, threaded_by,
              attachment_ids, reason, notes)

class MailIn {
 public:
  MailIn(storage::Database& db, messaging::MessagingService& messaging, ServiceDesk& desk,
         InboundOptions options);

  // Takes in one raw RFC 5322 message (see the file comment). kInvalidArgument (field
  // "message" or "from") when it is not an e-mail; kUnavailable when the database is.
  Result<MailInResult> receive(std::string_view raw);

 private:
  Result<MailInResult> to_ticket(const ParsedMail& mail, const std::string& key);

  storage::Database& db_;
  messaging::MessagingService& messaging_;
  ServiceDesk& desk_;
  InboundOptions options_;
};

// The ticket token in a subject: "T12-k7q2mz" from "Re: [#T12-k7q2mz] Where is my order?".
std::optional<std::string> subject_token(std::string_view subject);

}  // namespace ecrm::service
