#include "service/chat_protocol.hpp"

#include <boost/json.hpp>

namespace ecrm::service::chat {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxFrame = 16 * 1024;

struct TypeName {
  std::string_view name;
  ClientType type;
  bool visitor;
  bool agent;
};
constexpr TypeName kTypes[] = {
    {"hello", ClientType::kHello, true, false},
    {"message", ClientType::kMessage, true, true},
    {"typing", ClientType::kTyping, true, true},
    {"read", ClientType::kRead, true, true},
    {"close", ClientType::kClose, true, true},
    {"leave_message", ClientType::kLeaveMessage, true, false},
    {"status", ClientType::kStatus, false, true},
};

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

Result<std::string> text_member(const json::object& o, std::string_view field, bool required,
                                std::size_t max) {
  const json::value* v = o.if_contains(field);
  if (!v || v->is_null()) {
    if (required) return Error::invalid(std::string(field) + " is required", std::string(field), "required");
    return std::string();
  }
  if (!v->is_string()) return Error::invalid(std::string(field) + " must be a string", std::string(field));
  std::string_view s = trim(std::string_view(v->get_string()));
  if (required && s.empty()) {
    return Error::invalid(std::string(field) + " must not be empty", std::string(field), "required");
  }
  if (s.size() > max) {
    return Error::invalid(std::string(field) + " is longer than " + std::to_string(max) + " bytes",
                          std::string(field), "too_long");
  }
  return std::string(s);
}

Result<std::int64_t> id_member(const json::object& o, std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (!v || v->is_null()) return Error::invalid(std::string(field) + " is required", std::string(field), "required");
  std::int64_t id = 0;
  if (v->is_int64()) {
    id = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    id = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return Error::invalid(std::string(field) + " must be a positive integer", std::string(field));
  }
  if (id <= 0) return Error::invalid(std::string(field) + " must be a positive integer", std::string(field));
  return id;
}

bool plausible_email(std::string_view e) {
  auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view domain = e.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (char c : e) {
    if (c == ' ' || c == '\t' || c == '<' || c == '>' || c == ',') return false;
  }
  return true;
}

json::object message_object(const ChatMessage& m) {
  json::object o{{"id", m.id}, {"from", to_string(m.author)}, {"text", m.text}, {"at", m.at}};
  if (m.author == Author::kAgent) o["agent"] = m.agent_name;
  return o;
}

json::object conversation_object(const ConversationView& c) {
  json::array messages;
  messages.reserve(c.messages.size());
  for (const auto& m : c.messages) messages.push_back(message_object(m));
  json::object o{{"id", c.id},
                 {"state", to_string(c.state)},
                 {"visitor_name", c.visitor_name},
                 {"visitor_email", c.visitor_email},
                 {"agent", c.agent_name},
                 {"visitor_present", c.visitor_present},
                 {"started_at", c.started_at},
                 {"messages", std::move(messages)}};
  o["customer_id"] = c.customer_id ? json::value(*c.customer_id) : json::value(nullptr);
  return o;
}

}  // namespace

std::string_view to_string(Author author) {
  switch (author) {
    case Author::kVisitor: return "visitor";
    case Author::kAgent: return "agent";
    case Author::kSystem: return "system";
  }
  return "system";
}

std::string_view to_string(ConversationState state) {
  switch (state) {
    case ConversationState::kWaiting: return "waiting";
    case ConversationState::kActive: return "active";
    case ConversationState::kEnded: return "ended";
  }
  return "ended";
}

Result<ClientFrame> parse_frame(std::string_view text, Side side) {
  if (text.size() > kMaxFrame) {
    return Error{ErrorKind::kPayloadTooLarge, "frame_too_large",
                 "a frame holds at most " + std::to_string(kMaxFrame) + " bytes", ""};
  }
  if (!valid_utf8(text)) return Error::invalid("a frame must be UTF-8 text", "", "malformed_json");
  std::error_code ec;
  json::value value = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return Error::invalid("malformed JSON: " + ec.message(), "", "malformed_json");
  if (!value.is_object()) return Error::invalid("a frame must be a JSON object", "", "malformed_json");
  const json::object& o = value.get_object();
  ECRM_ASSIGN_OR_RETURN(auto type_name, text_member(o, "type", true, 32));
  const TypeName* type = nullptr;
  for (const auto& t : kTypes) {
    if (t.name == type_name) type = &t;
  }
  if (!type || (side == Side::kVisitor ? !type->visitor : !type->agent)) {
    return Error::invalid("unknown frame type '" + type_name + "'", "type", "unknown_type");
  }
  ClientFrame frame;
  frame.type = type->type;
  if (side == Side::kAgent && frame.type != ClientType::kStatus) {
    ECRM_ASSIGN_OR_RETURN(frame.conversation, id_member(o, "conversation"));
  }
  switch (frame.type) {
    case ClientType::kHello: {
      ECRM_ASSIGN_OR_RETURN(frame.name, text_member(o, "name", false, kMaxName));
      ECRM_ASSIGN_OR_RETURN(frame.email, text_member(o, "email", false, kMaxEmail));
      if (!frame.email.empty() && !plausible_email(frame.email)) {
        return Error::invalid("email is not an e-mail address", "email");
      }
      break;
    }
    case ClientType::kMessage: {
      ECRM_ASSIGN_OR_RETURN(frame.text, text_member(o, "text", true, kMaxText));
      break;
    }
    case ClientType::kTyping: {
      const json::value* on = o.if_contains("on");
      if (!on || !on->is_bool()) return Error::invalid("on must be true or false", "on");
      frame.on = on->get_bool();
      break;
    }
    case ClientType::kRead: {
      ECRM_ASSIGN_OR_RETURN(frame.id, id_member(o, "id"));
      break;
    }
    case ClientType::kClose: break;
    case ClientType::kLeaveMessage: {
      ECRM_ASSIGN_OR_RETURN(frame.email, text_member(o, "email", true, kMaxEmail));
      if (!plausible_email(frame.email)) return Error::invalid("email is not an e-mail address", "email");
      ECRM_ASSIGN_OR_RETURN(frame.name, text_member(o, "name", false, kMaxName));
      ECRM_ASSIGN_OR_RETURN(frame.text, text_member(o, "text", true, kMaxText));
      break;
    }
    case ClientType::kStatus: {
      ECRM_ASSIGN_OR_RETURN(auto status, text_member(o, "status", true, 16));
      if (status != "available" && status != "away") {
        return Error::invalid("status must be available or away", "status");
      }
      frame.available = status == "available";
      break;
    }
  }
  return frame;
}

std::string encode_error(const Error& error) {
  json::object o{{"type", "error"},
                 {"code", error.code.empty() ? std::string(to_string(error.kind)) : error.code},
                 {"message", error.message}};
  if (!error.field.empty()) o["field"] = error.field;
  return json::serialize(o);
}

std::string encode_visitor_welcome(bool online, const ConversationView* conversation) {
  json::object o{{"type", "welcome"}, {"online", online}};
  o["conversation"] = conversation ? json::value(conversation_object(*conversation)) : json::value(nullptr);
  return json::serialize(o);
}

std::string encode_agent_welcome(bool available, std::int64_t max_concurrent,
                                 const std::vector<ConversationView>& conversations) {
  json::array list;
  for (const auto& c : conversations) list.push_back(conversation_object(c));
  return json::serialize(json::object{{"type", "welcome"},
                                      {"status", available ? "available" : "away"},
                                      {"max_concurrent", max_concurrent},
                                      {"conversations", std::move(list)}});
}

std::string encode_waiting(std::int64_t conversation) {
  return json::serialize(json::object{{"type", "waiting"}, {"conversation", conversation}});
}

std::string encode_assigned_to_visitor(std::int64_t conversation, const std::string& agent_name) {
  return json::serialize(
      json::object{{"type", "assigned"}, {"conversation", conversation}, {"agent", agent_name}});
}

std::string encode_assigned_to_agent(const ConversationView& conversation) {
  return json::serialize(
      json::object{{"type", "assigned"}, {"conversation", conversation_object(conversation)}});
}

std::string encode_message(std::int64_t conversation, const ChatMessage& message) {
  return json::serialize(json::object{
      {"type", "message"}, {"conversation", conversation}, {"message", message_object(message)}});
}

std::string encode_typing(std::int64_t conversation, Author who, bool on) {
  return json::serialize(json::object{
      {"type", "typing"}, {"conversation", conversation}, {"from", to_string(who)}, {"on", on}});
}

std::string encode_read(std::int64_t conversation, Author who, std::int64_t id) {
  return json::serialize(json::object{
      {"type", "read"}, {"conversation", conversation}, {"from", to_string(who)}, {"id", id}});
}

std::string encode_closed(std::int64_t conversation) {
  return json::serialize(json::object{{"type", "closed"}, {"conversation", conversation}});
}

std::string encode_status(bool available) {
  return json::serialize(json::object{{"type", "status"}, {"status", available ? "available" : "away"}});
}

std::string encode_offline() { return R"({"type":"offline"})"; }

std::string encode_presence(std::int64_t conversation, bool present) {
  return json::serialize(
      json::object{{"type", "presence"}, {"conversation", conversation}, {"present", present}});
}

std::string encode_ticket(std::int64_t ticket_id) {
  return json::serialize(json::object{{"type", "ticket"}, {"id", ticket_id}});
}

}  // namespace ecrm::service::chat
