#include "service/chat_store.hpp"

namespace ecrm::service::chat {

using storage::Connection;
using storage::RowView;
using storage::TxMode;

namespace {

constexpr std::string_view kInsertConversation =
    "INSERT INTO chat_conversations (anonymous_id, customer_id, started_at) VALUES ($1, $2, $3) "
    "RETURNING id";
constexpr std::string_view kEndConversation =
    "UPDATE chat_conversations SET ended_at = $2, agent_id = $3, message_count = $4, "
    "interaction_id = $5, customer_id = COALESCE($6, customer_id) WHERE id = $1";
constexpr std::string_view kTicketOfConversation =
    "UPDATE chat_conversations SET ticket_id = $2 WHERE id = $1";
constexpr std::string_view kVisitorCustomer =
    "SELECT customer_id FROM visitors WHERE anonymous_id = $1";

std::string visitor_label(const std::string& name, const std::string& email) {
  if (!name.empty()) return name;
  if (!email.empty()) return email;
  return "Visitor";
}

storage::Value optional_int(const std::optional<std::int64_t>& v) {
  return v ? storage::Value(*v) : storage::Value();
}

}  // namespace

std::string transcript_text(const std::vector<ChatMessage>& messages, const std::string& visitor) {
  std::string out;
  for (const auto& m : messages) {
    out += '[';
    out += format_iso8601(m.at);
    out += "] ";
    if (m.author == Author::kAgent) {
      out += m.agent_name.empty() ? "Agent" : m.agent_name;
      out += " (agent)";
    } else if (m.author == Author::kVisitor) {
      out += visitor;
    } else {
      out += "system";
    }
    out += ": ";
    out += m.text;
    out += '\n';
  }
  return out;
}

Result<std::int64_t> DbChatStore::open_conversation(const VisitorIdentity& visitor, UnixMs at) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(lease->query(
      kInsertConversation, {visitor.anonymous_id, optional_int(visitor.customer_id), at},
      [&](const RowView& row) { id = row.get_int(0); }));
  if (!id) return Error::internal("no id for the new conversation");
  return *id;
}

Status DbChatStore::store_transcript(const Transcript& t) {
  InteractionInput input;
  input.customer_id = t.customer_id;
  input.channel = Channel::kChat;
  input.direction = Direction::kInbound;
  if (t.agent_user_id != 0) input.agent_id = t.agent_user_id;
  input.occurred_at = t.started_at;
  input.duration_seconds = std::max<std::int64_t>(0, (t.ended_at - t.started_at) / 1000);
  const std::string who = visitor_label(t.visitor_name, t.visitor_email);
  input.subject = "Chat with " + who;
  std::string content = transcript_text(t.messages, who);
  if (content.size() > kMaxContent) content.resize(kMaxContent);  // the newest are cut
  input.content = std::move(content);
  if (!t.visitor_email.empty()) input.from_address = t.visitor_email;
  if (!t.visitor_name.empty()) input.name = t.visitor_name;
  input.external_ref = "chat:" + std::to_string(t.conversation_id);
  // A visitor nobody knows and who gave no address stays unmatched rather than a nameless lead.
  input.create_lead = !t.visitor_email.empty();
  Actor actor;
  actor.user_id = t.agent_user_id != 0 ? std::optional<std::int64_t>(t.agent_user_id) : std::nullopt;
  actor.name = t.agent_name.empty() ? "chat" : t.agent_name;
  ECRM_ASSIGN_OR_RETURN(auto interaction, desk_.record_interaction(input, actor));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return storage::done(lease->execute(
      kEndConversation,
      {t.conversation_id, t.ended_at,
       t.agent_user_id != 0 ? storage::Value(t.agent_user_id) : storage::Value(),
       static_cast<std::int64_t>(t.messages.size()), interaction.id,
       optional_int(interaction.customer_id)}));
}

Result<std::int64_t> DbChatStore::leave_message(const LeftMessage& m) {
  TicketInput input;
  input.customer_id = m.customer_id;
  const std::string who = visitor_label(m.name, m.email);
  std::string first_line = m.text.substr(0, m.text.find('\n'));
  if (first_line.size() > 120) first_line = first_line.substr(0, 120) + "…";
  input.subject = "Chat message from " + who + ": " + first_line;
  if (input.subject.size() > kMaxSubject) input.subject.resize(kMaxSubject);
  std::string body = m.text;
  if (!m.earlier.empty()) body += "\n\n--- the chat before it ---\n" + transcript_text(m.earlier, who);
  if (body.size() > kMaxContent) body.resize(kMaxContent);
  input.body = std::move(body);
  input.channel = Channel::kChat;
  input.from_address = m.email;
  Actor actor;
  actor.customer_id = m.customer_id;
  actor.name = m.email;
  ECRM_ASSIGN_OR_RETURN(auto ticket, desk_.open_ticket(input, actor));
  if (m.conversation_id) {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(storage::done(lease->execute(kTicketOfConversation, {*m.conversation_id, ticket.id})));
  }
  return ticket.id;
}

Result<std::optional<std::int64_t>> DbChatStore::visitor_customer(const std::string& anonymous_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  std::optional<std::int64_t> customer;
  ECRM_RETURN_IF_ERROR(lease->query(kVisitorCustomer, {anonymous_id}, [&](const RowView& row) {
    customer = row.get_optional_int(0);
  }));
  return customer;
}

}  // namespace ecrm::service::chat
