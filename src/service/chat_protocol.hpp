// The live chat's wire protocol: JSON text frames over a WebSocket, one object per frame with a
// "type". What a visitor (the widget) and an agent (the console) may send is parsed and checked
// here; what the server sends is written by the encode_* functions. No transport in here.
//
// Visitor -> server: hello {name?, email?} (opens a conversation), message {text},
//   typing {on}, read {id}, close, leave_message {email, name?, text} (the offline form).
// Agent -> server: status {status: "available"|"away"}, message {conversation, text},
//   typing {conversation, on}, read {conversation, id}, close {conversation}.
// Server -> both: welcome, assigned, message, typing, read, closed, status, offline, waiting,
//   ticket, error {code, message, field?}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace ecrm::service::chat {

inline constexpr std::size_t kMaxText = 4000;  // characters' bytes in one chat message
inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxEmail = 254;

enum class ClientType { kHello, kMessage, kTyping, kRead, kClose, kLeaveMessage, kStatus };

// One frame from a client, checked: the members its type needs are present and valid.
struct ClientFrame {
  ClientType type = ClientType::kHello;
  std::int64_t conversation = 0;  // agent frames about a conversation
  std::string text;               // message, leave_message
  bool on = false;                // typing
  std::int64_t id = 0;            // read: the last message read
  std::string name;               // hello, leave_message
  std::string email;              // hello, leave_message
  bool available = false;         // status
};

enum class Side { kVisitor, kAgent };

// Parses one frame sent by `side`. kInvalidArgument naming the field for malformed JSON, an
// unknown type, a type the side may not send, a missing or invalid member.
Result<ClientFrame> parse_frame(std::string_view text, Side side);

enum class Author { kVisitor, kAgent, kSystem };
std::string_view to_string(Author author);

struct ChatMessage {
  std::int64_t id = 0;  // per conversation, from 1
  Author author = Author::kVisitor;
  std::string text;
  UnixMs at = 0;
  std::string agent_name;  // kAgent
};

enum class ConversationState { kWaiting, kActive, kEnded };
std::string_view to_string(ConversationState state);

// A conversation as clients see it.
struct ConversationView {
  std::int64_t id = 0;
  ConversationState state = ConversationState::kWaiting;
  std::optional<std::int64_t> customer_id;
  std::string visitor_name;
  std::string visitor_email;
  std::string agent_name;
  bool visitor_present = true;
  UnixMs started_at = 0;
  std::vector<ChatMessage> messages;
};

// Server frames.
std::string encode_error(const Error& error);
// To a visitor on connecting: whether an agent is available, and its open conversation if any.
std::string encode_visitor_welcome(bool online, const ConversationView* conversation);
// To an agent on connecting: its status and its conversations.
std::string encode_agent_welcome(bool available, std::int64_t max_concurrent,
                                 const std::vector<ConversationView>& conversations);
// To a visitor: the conversation waits for an agent / an agent took it.
std::string encode_waiting(std::int64_t conversation);
std::string encode_assigned_to_visitor(std::int64_t conversation, const std::string& agent_name);
// To an agent: a conversation it now holds.
std::string encode_assigned_to_agent(const ConversationView& conversation);
std::string encode_message(std::int64_t conversation, const ChatMessage& message);
std::string encode_typing(std::int64_t conversation, Author who, bool on);
std::string encode_read(std::int64_t conversation, Author who, std::int64_t id);
std::string encode_closed(std::int64_t conversation);
std::string encode_status(bool available);
// To a visitor: nobody can answer now; leave a message (the offline form).
std::string encode_offline();
// To an agent: the visitor of a conversation left or came back.
std::string encode_presence(std::int64_t conversation, bool present);
// To a visitor: the message left became ticket `id`.
std::string encode_ticket(std::int64_t ticket_id);

}  // namespace ecrm::service::chat
