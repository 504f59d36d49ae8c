// Inbound mail: replies to our messages and delivery status notifications (bounces), as an MTA
// hands them to `ecrm mail-in` (one RFC 5322 message on stdin).
//
// A reply is matched to the message it answers by the In-Reply-To or References header holding
// one of our Message-IDs (<ecrm.ID.CREATED@domain>, service.hpp); a bounce (multipart/report;
// report-type=delivery-status) by the returned original's X-Ecrm-Message or Message-ID header.
// The MIME parsing is GMime's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::messaging {

enum class InboundKind { kReply, kBounce, kDelay, kUnmatched };
ECRM_DESCRIBE_ENUM(InboundKind, kReply, kBounce, kDelay, kUnmatched)

// What an inbound message is.
struct Inbound {
  InboundKind kind = InboundKind::kUnmatched;
  std::optional<std::int64_t> message_id;  // our message it answers or returns
  std::optional<UnixMs> created_at;        // from the Message-ID, to check it is ours
  std::string from;                        // a reply's sender address
  std::string recipient;                   // a bounce's failed recipient
  std::string status;                      // a bounce's status (5.1.1)
  std::string subject;
  std::string excerpt;                     // the start of a reply's text
};

// Parses `raw` (never fails: what cannot be read is kUnmatched).
Inbound parse_inbound(std::string_view raw);

// The message id and creation time in one of our Message-IDs ("<ecrm.12.1700000000000@x>"),
// found anywhere in `text`.
std::optional<std::pair<std::int64_t, UnixMs>> find_our_message_id(std::string_view text);

}  // namespace ecrm::messaging
