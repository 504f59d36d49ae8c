// The chat's storage: conversation rows (chat_conversations), transcripts recorded as
// interactions (channel chat) and left messages opened as tickets, both through the service
// desk, and the customer a tracked visitor was identified as (the events log's visitors table,
// read only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "service/chat.hpp"
#include "service/service.hpp"
#include "storage/database.hpp"

namespace ecrm::service::chat {

class DbChatStore : public ChatStore {
 public:
  DbChatStore(storage::Database& db, ServiceDesk& desk) : db_(db), desk_(desk) {}

  Result<std::int64_t> open_conversation(const VisitorIdentity& visitor, UnixMs at) override;
  // Records the transcript as one inbound chat interaction (matched by the visitor's e-mail when
  // the visitor is not a known customer) and notes it on the conversation's row.
  Status store_transcript(const Transcript& transcript) override;
  // Opens a chat ticket from the left message (the earlier messages quoted below it).
  Result<std::int64_t> leave_message(const LeftMessage& message) override;

  // The customer the snippet's visitor `anonymous_id` was identified as, if any.
  Result<std::optional<std::int64_t>> visitor_customer(const std::string& anonymous_id);

 private:
  storage::Database& db_;
  ServiceDesk& desk_;
};

// The transcript as text: one line per message, "[2026-12-04T05:32:22Z] Ann (agent): text".
std::string transcript_text(const std::vector<ChatMessage>& messages, const std::string& visitor);

}  // namespace ecrm::service::chat
