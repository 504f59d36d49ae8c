#include "service/chat.hpp"
#include "core/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <utility>

namespace ecrm::service::chat {

std::optional<std::int64_t> pick_agent(const std::vector<AgentLoad>& agents, int cap) {
  const AgentLoad* best = nullptr;
  for (const auto& a : agents) {
    if (!a.available || a.active >= cap) continue;
    if (!best || a.active < best->active ||
        (a.active == best->active &&
         (a.last_assigned_at < best->last_assigned_at ||
          (a.last_assigned_at == best->last_assigned_at && a.user_id < best->user_id)))) {
      best = &a;
    }
  }
  if (!best) return std::nullopt;
  return best->user_id;
}

struct ChatService::Visitor {
  VisitorIdentity identity;
  std::shared_ptr<ChatPeer> peer;
  std::int64_t conversation = 0;
};

struct ChatService::Agent {
  AgentIdentity identity;
  bool available = false;  // as the agent set it
  std::vector<std::pair<ConnectionId, std::shared_ptr<ChatPeer>>> peers;
  std::set<std::int64_t> conversations;
  UnixMs last_assigned_at = 0;
  UnixMs gone_since = 0;  // no connection left since then

  bool online() const { return available && !peers.empty(); }
};

struct ChatService::Conversation {
  std::int64_t id = 0;
  VisitorIdentity visitor;
  std::string visitor_name;
  std::string visitor_email;
  ConversationState state = ConversationState::kWaiting;
  std::int64_t agent = 0;  // user id while assigned
  std::vector<ConnectionId> visitor_connections;
  UnixMs visitor_gone_since = 0;
  UnixMs started_at = 0;
  std::vector<ChatMessage> messages;
};

struct ChatService::Effects {
  std::vector<std::pair<std::shared_ptr<ChatPeer>, std::string>> sends;
  std::vector<Transcript> transcripts;
  std::vector<std::pair<std::shared_ptr<ChatPeer>, LeftMessage>> left;

  void send(const std::shared_ptr<ChatPeer>& peer, std::string frame) {
    if (peer) sends.emplace_back(peer, std::move(frame));
  }
};

ChatService::ChatService(ChatStore& store, ChatOptions options)
    : store_(store), options_(options) {}

ChatService::~ChatService() { stop(); }

void ChatService::start() {
  std::lock_guard lock(sweeper_mutex_);
  if (sweeper_.joinable()) return;
  sweeper_stop_ = false;
  sweeper_ = std::thread([this] {
    name_this_thread("chat-sweeper");
    std::unique_lock lock(sweeper_mutex_);
    while (!sweeper_stop_) {
      sweeper_wake_.wait_for(lock, std::chrono::milliseconds(options_.sweep_every_ms));
      if (sweeper_stop_) break;
      lock.unlock();
      sweep(now_ms());
      lock.lock();
    }
  });
}

void ChatService::stop() {
  {
    std::lock_guard lock(sweeper_mutex_);
    sweeper_stop_ = true;
  }
  sweeper_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

bool ChatService::any_agent_available() const {
  for (const auto& [id, a] : agents_) {
    if (a.online()) return true;
  }
  return false;
}

ConversationView ChatService::view(const Conversation& c) const {
  ConversationView v;
  v.id = c.id;
  v.state = c.state;
  v.customer_id = c.visitor.customer_id;
  v.visitor_name = c.visitor_name;
  v.visitor_email = c.visitor_email;
  if (auto it = agents_.find(c.agent); c.agent != 0 && it != agents_.end()) {
    v.agent_name = it->second.identity.name;
  }
  v.visitor_present = !c.visitor_connections.empty();
  v.started_at = c.started_at;
  v.messages = c.messages;
  return v;
}

void ChatService::to_visitors(const Conversation& c, std::string frame, Effects& fx) {
  for (ConnectionId id : c.visitor_connections) {
    if (auto it = visitors_.find(id); it != visitors_.end()) fx.send(it->second.peer, frame);
  }
}

void ChatService::to_agent_user(std::int64_t user_id, std::string frame, Effects& fx) {
  auto it = agents_.find(user_id);
  if (it == agents_.end()) return;
  for (const auto& [id, peer] : it->second.peers) fx.send(peer, frame);
}

void ChatService::to_agent(const Conversation& c, std::string frame, Effects& fx) {
  if (c.agent != 0) to_agent_user(c.agent, std::move(frame), fx);
}

void ChatService::assign(Conversation& c, Agent& a, Effects& fx) {
  c.agent = a.identity.user_id;
  c.state = ConversationState::kActive;
  a.conversations.insert(c.id);
  a.last_assigned_at = now_ms();
  std::erase(queue_, c.id);
  to_visitors(c, encode_assigned_to_visitor(c.id, a.identity.name), fx);
  to_agent_user(a.identity.user_id, encode_assigned_to_agent(view(c)), fx);
}

void ChatService::route(Conversation& c, Effects& fx) {
  std::vector<AgentLoad> loads;
  loads.reserve(agents_.size());
  for (const auto& [id, a] : agents_) {
    loads.push_back(AgentLoad{id, a.online(), static_cast<int>(a.conversations.size()),
                              a.last_assigned_at});
  }
  if (auto chosen = pick_agent(loads, options_.max_per_agent)) {
    return assign(c, agents_.at(*chosen), fx);
  }
  c.state = ConversationState::kWaiting;
  if (std::find(queue_.begin(), queue_.end(), c.id) == queue_.end()) queue_.push_back(c.id);
  to_visitors(c, any_agent_available() ? encode_waiting(c.id) : encode_offline(), fx);
}

void ChatService::drain_queue(Effects& fx) {
  while (!queue_.empty()) {
    std::vector<AgentLoad> loads;
    for (const auto& [id, a] : agents_) {
      loads.push_back(AgentLoad{id, a.online(), static_cast<int>(a.conversations.size()),
                                a.last_assigned_at});
    }
    auto chosen = pick_agent(loads, options_.max_per_agent);
    if (!chosen) return;
    auto it = conversations_.find(queue_.front());
    if (it == conversations_.end()) {
      queue_.pop_front();
      continue;
    }
    assign(*it->second, agents_.at(*chosen), fx);
  }
}

void ChatService::unassign(Conversation& c) {
  if (c.agent == 0) return;
  if (auto it = agents_.find(c.agent); it != agents_.end()) it->second.conversations.erase(c.id);
  c.agent = 0;
}

void ChatService::end(Conversation& c, Effects& fx) {
  const std::int64_t id = c.id;
  to_visitors(c, encode_closed(id), fx);
  to_agent(c, encode_closed(id), fx);
  if (!c.messages.empty()) {
    Transcript t;
    t.conversation_id = id;
    t.anonymous_id = c.visitor.anonymous_id;
    t.customer_id = c.visitor.customer_id;
    t.visitor_name = c.visitor_name;
    t.visitor_email = c.visitor_email;
    t.agent_user_id = c.agent;
    if (auto it = agents_.find(c.agent); c.agent != 0 && it != agents_.end()) {
      t.agent_name = it->second.identity.name;
    } else {
      // The agent who answered last, when the conversation was re-routed or dropped.
      for (auto m = c.messages.rbegin(); m != c.messages.rend(); ++m) {
        if (m->author == Author::kAgent) {
          t.agent_name = m->agent_name;
          break;
        }
      }
    }
    t.started_at = c.started_at;
    t.ended_at = now_ms();
    t.messages = std::move(c.messages);
    fx.transcripts.push_back(std::move(t));
  }
  unassign(c);
  std::erase(queue_, id);
  for (ConnectionId conn : c.visitor_connections) {
    if (auto it = visitors_.find(conn); it != visitors_.end()) it->second.conversation = 0;
  }
  if (auto it = open_by_visitor_.find(c.visitor.anonymous_id);
      it != open_by_visitor_.end() && it->second == id) {
    open_by_visitor_.erase(it);
  }
  conversations_.erase(id);  // c is gone from here on
  drain_queue(fx);
}

void ChatService::run(Effects& fx) {
  for (auto& [peer, frame] : fx.sends) peer->send(std::move(frame));
  for (const auto& t : fx.transcripts) {
    if (auto stored = store_.store_transcript(t); !stored.ok()) {
      spdlog::error("chat: cannot store the transcript of conversation {}: {}", t.conversation_id,
                    stored.error().message);
    }
  }
  for (auto& [peer, message] : fx.left) {
    auto ticket = store_.leave_message(message);
    if (ticket.ok()) {
      peer->send(encode_ticket(*ticket));
    } else {
      spdlog::error("chat: cannot turn a left message into a ticket: {}", ticket.error().message);
      peer->send(encode_error(ticket.error()));
    }
  }
}

ChatService::ConnectionId ChatService::visitor_connected(const VisitorIdentity& visitor,
                                                         std::shared_ptr<ChatPeer> peer) {
  Effects fx;
  ConnectionId id;
  {
    std::lock_guard lock(mutex_);
    id = next_connection_++;
    Visitor& v = visitors_[id];
    v.identity = visitor;
    v.peer = peer;
    Conversation* open = nullptr;
    if (auto it = open_by_visitor_.find(visitor.anonymous_id); it != open_by_visitor_.end()) {
      if (auto c = conversations_.find(it->second); c != conversations_.end()) open = c->second.get();
    }
    if (open) {
      v.conversation = open->id;
      bool was_gone = open->visitor_connections.empty();
      open->visitor_connections.push_back(id);
      open->visitor_gone_since = 0;
      if (was_gone) to_agent(*open, encode_presence(open->id, true), fx);
      auto shown = view(*open);
      fx.send(peer, encode_visitor_welcome(any_agent_available(), &shown));
    } else {
      fx.send(peer, encode_visitor_welcome(any_agent_available(), nullptr));
    }
  }
  run(fx);
  return id;
}

void ChatService::visitor_frame(ConnectionId connection, std::string_view text) {
  auto parsed = parse_frame(text, Side::kVisitor);
  Effects fx;
  bool need_conversation = false;
  VisitorIdentity identity;
  {
    std::lock_guard lock(mutex_);
    auto it = visitors_.find(connection);
    if (it == visitors_.end()) return;
    Visitor& v = it->second;
    if (!parsed.ok()) {
      fx.send(v.peer, encode_error(parsed.error()));
    } else {
      const ClientFrame& frame = *parsed;
      bool opens = frame.type == ClientType::kHello || frame.type == ClientType::kMessage;
      if (v.conversation == 0) {
        // Another tab may have opened one meanwhile.
        if (auto open = open_by_visitor_.find(v.identity.anonymous_id); open != open_by_visitor_.end()) {
          v.conversation = open->second;
          conversations_.at(open->second)->visitor_connections.push_back(connection);
        }
      }
      if (v.conversation == 0 && opens) {
        if (!any_agent_available()) {
          fx.send(v.peer, encode_offline());
          if (frame.type == ClientType::kMessage) {
            fx.send(v.peer, encode_error(Error::conflict(
                                "no agent is available: leave a message instead", "", "offline")));
          }
        } else {
          need_conversation = true;
          identity = v.identity;
        }
      } else {
        handle_visitor(connection, frame, fx);
      }
    }
  }
  if (need_conversation) {
    auto opened = store_.open_conversation(identity, now_ms());
    std::lock_guard lock(mutex_);
    auto it = visitors_.find(connection);
    if (it != visitors_.end()) {
      Visitor& v = it->second;
      if (!opened.ok()) {
        fx.send(v.peer, encode_error(opened.error()));
      } else {
        auto existing = open_by_visitor_.find(identity.anonymous_id);
        if (existing == open_by_visitor_.end()) {
          auto c = std::make_unique<Conversation>();
          c->id = *opened;
          c->visitor = identity;
          c->started_at = now_ms();
          for (auto& [conn, other] : visitors_) {
            if (other.identity.anonymous_id == identity.anonymous_id) {
              other.conversation = c->id;
              c->visitor_connections.push_back(conn);
            }
          }
          open_by_visitor_[identity.anonymous_id] = c->id;
          Conversation& ref = *c;
          conversations_.emplace(c->id, std::move(c));
          if (parsed->type == ClientType::kHello) {
            ref.visitor_name = parsed->name;
            ref.visitor_email = parsed->email;
          }
          route(ref, fx);
          if (parsed->type == ClientType::kMessage) handle_visitor(connection, *parsed, fx);
        } else {
          v.conversation = existing->second;
          handle_visitor(connection, *parsed, fx);
        }
      }
    }
  }
  run(fx);
}

void ChatService::handle_visitor(ConnectionId connection, const ClientFrame& frame, Effects& fx) {
  Visitor& v = visitors_.at(connection);
  Conversation* c = nullptr;
  if (v.conversation != 0) {
    if (auto it = conversations_.find(v.conversation); it != conversations_.end()) c = it->second.get();
  }
  switch (frame.type) {
    case ClientType::kLeaveMessage: {
      LeftMessage left;
      left.anonymous_id = v.identity.anonymous_id;
      left.customer_id = v.identity.customer_id;
      left.name = frame.name;
      left.email = frame.email;
      left.text = frame.text;
      if (c) {
        left.conversation_id = c->id;
        left.earlier = c->messages;
        if (left.name.empty()) left.name = c->visitor_name;
        end(*c, fx);
      }
      fx.left.emplace_back(v.peer, std::move(left));
      return;
    }
    case ClientType::kHello:
      if (c) {
        if (!frame.name.empty()) c->visitor_name = frame.name;
        if (!frame.email.empty()) c->visitor_email = frame.email;
      }
      return;
    default: break;
  }
  if (!c) {
    fx.send(v.peer, encode_error(Error::conflict("no open conversation: say hello first", "",
                                                 "no_conversation")));
    return;
  }
  switch (frame.type) {
    case ClientType::kMessage: {
      ChatMessage m;
      m.id = static_cast<std::int64_t>(c->messages.size()) + 1;
      m.author = Author::kVisitor;
      m.text = frame.text;
      m.at = now_ms();
      c->messages.push_back(m);
      std::string out = encode_message(c->id, m);
      to_visitors(*c, out, fx);
      to_agent(*c, std::move(out), fx);
      if (c->agent == 0 && !any_agent_available()) fx.send(v.peer, encode_offline());
      break;
    }
    case ClientType::kTyping: to_agent(*c, encode_typing(c->id, Author::kVisitor, frame.on), fx); break;
    case ClientType::kRead: to_agent(*c, encode_read(c->id, Author::kVisitor, frame.id), fx); break;
    case ClientType::kClose: end(*c, fx); break;
    default: break;
  }
}

void ChatService::visitor_disconnected(ConnectionId connection) {
  Effects fx;
  {
    std::lock_guard lock(mutex_);
    auto it = visitors_.find(connection);
    if (it == visitors_.end()) return;
    std::int64_t conversation = it->second.conversation;
    visitors_.erase(it);
    if (auto c = conversations_.find(conversation); c != conversations_.end()) {
      auto& conns = c->second->visitor_connections;
      std::erase(conns, connection);
      if (conns.empty()) {
        c->second->visitor_gone_since = now_ms();
        to_agent(*c->second, encode_presence(conversation, false), fx);
      }
    }
  }
  run(fx);
}

ChatService::ConnectionId ChatService::agent_connected(const AgentIdentity& agent,
                                                       std::shared_ptr<ChatPeer> peer) {
  Effects fx;
  ConnectionId id;
  {
    std::lock_guard lock(mutex_);
    id = next_connection_++;
    agent_connections_[id] = agent.user_id;
    Agent& a = agents_[agent.user_id];
    a.identity = agent;
    a.peers.emplace_back(id, peer);
    a.gone_since = 0;
    std::vector<ConversationView> held;
    for (std::int64_t c : a.conversations) {
      if (auto it = conversations_.find(c); it != conversations_.end()) held.push_back(view(*it->second));
    }
    fx.send(peer, encode_agent_welcome(a.available, options_.max_per_agent, held));
    if (a.online()) drain_queue(fx);
  }
  run(fx);
  return id;
}

ChatService::Conversation* ChatService::conversation_of_agent(ConnectionId connection,
                                                              std::int64_t id, Effects& fx) {
  std::int64_t user = agent_connections_.at(connection);
  auto it = conversations_.find(id);
  if (it == conversations_.end() || it->second->agent != user) {
    for (const auto& [conn, peer] : agents_.at(user).peers) {
      if (conn == connection) {
        fx.send(peer, encode_error(Error::not_found("no open conversation " + std::to_string(id) +
                                                        " is assigned to you",
                                                    "conversation_not_found")));
      }
    }
    return nullptr;
  }
  return it->second.get();
}

void ChatService::agent_frame(ConnectionId connection, std::string_view text) {
  auto parsed = parse_frame(text, Side::kAgent);
  Effects fx;
  {
    std::lock_guard lock(mutex_);
    auto it = agent_connections_.find(connection);
    if (it == agent_connections_.end()) return;
    if (!parsed.ok()) {
      for (const auto& [conn, peer] : agents_.at(it->second).peers) {
        if (conn == connection) fx.send(peer, encode_error(parsed.error()));
      }
    } else {
      handle_agent(connection, *parsed, fx);
    }
  }
  run(fx);
}

void ChatService::handle_agent(ConnectionId connection, const ClientFrame& frame, Effects& fx) {
  Agent& a = agents_.at(agent_connections_.at(connection));
  if (frame.type == ClientType::kStatus) {
    a.available = frame.available;
    for (const auto& [conn, peer] : a.peers) fx.send(peer, encode_status(a.available));
    if (a.online()) drain_queue(fx);
    return;
  }
  Conversation* c = conversation_of_agent(connection, frame.conversation, fx);
  if (!c) return;
  switch (frame.type) {
    case ClientType::kMessage: {
      ChatMessage m;
      m.id = static_cast<std::int64_t>(c->messages.size()) + 1;
      m.author = Author::kAgent;
      m.text = frame.text;
      m.at = now_ms();
      m.agent_name = a.identity.name;
      c->messages.push_back(m);
      std::string out = encode_message(c->id, m);
      to_visitors(*c, out, fx);
      to_agent(*c, std::move(out), fx);
      break;
    }
    case ClientType::kTyping: to_visitors(*c, encode_typing(c->id, Author::kAgent, frame.on), fx); break;
    case ClientType::kRead: to_visitors(*c, encode_read(c->id, Author::kAgent, frame.id), fx); break;
    case ClientType::kClose: end(*c, fx); break;
    default: break;
  }
}

void ChatService::agent_disconnected(ConnectionId connection) {
  Effects fx;
  {
    std::lock_guard lock(mutex_);
    auto it = agent_connections_.find(connection);
    if (it == agent_connections_.end()) return;
    Agent& a = agents_.at(it->second);
    agent_connections_.erase(it);
    std::erase_if(a.peers, [&](const auto& p) { return p.first == connection; });
    if (a.peers.empty()) a.gone_since = now_ms();
  }
  run(fx);
}

void ChatService::sweep(UnixMs now) {
  Effects fx;
  {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> gone;
    for (const auto& [id, c] : conversations_) {
      if (c->visitor_connections.empty() && c->visitor_gone_since != 0 &&
          now - c->visitor_gone_since >= options_.visitor_grace_ms) {
        gone.push_back(id);
      }
    }
    for (std::int64_t id : gone) {
      if (auto it = conversations_.find(id); it != conversations_.end()) end(*it->second, fx);
    }
    for (auto& [user, a] : agents_) {
      if (!a.peers.empty() || a.gone_since == 0 || now - a.gone_since < options_.agent_grace_ms) {
        continue;
      }
      a.available = false;
      std::vector<std::int64_t> held(a.conversations.begin(), a.conversations.end());
      for (std::int64_t id : held) {
        auto it = conversations_.find(id);
        if (it == conversations_.end()) continue;
        unassign(*it->second);
        route(*it->second, fx);
      }
    }
  }
  run(fx);
}

ChatService::Stats ChatService::stats() {
  std::lock_guard lock(mutex_);
  Stats s;
  s.visitor_connections = visitors_.size();
  s.agent_connections = agent_connections_.size();
  s.open_conversations = conversations_.size();
  s.waiting = queue_.size();
  for (const auto& [id, a] : agents_) s.agents_available += a.online() ? 1 : 0;
  return s;
}

}  // namespace ecrm::service::chat
