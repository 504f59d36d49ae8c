// Live chat: conversations between a shop's visitors and available agents, kept in memory while
// they last. A conversation is routed to the available agent holding the fewest conversations
// below the per-agent cap (or waits in a queue when all are at the cap); typing and read marks
// are relayed; when it ends its transcript is stored through `ChatStore` (an interaction on the
// customer's record, channel chat). With no agent available the visitor may leave a message and
// an e-mail address, which becomes a ticket. No transport in here: connections are `ChatPeer`s
// and frames are text (chat_protocol.hpp); src/service/chat_routes.cpp puts them on WebSockets.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "service/chat_protocol.hpp"

namespace ecrm::service::chat {

// One client connection's sending side. Thread-safe, never blocks.
class ChatPeer {
 public:
  virtual ~ChatPeer() = default;
  virtual void send(std::string frame) = 0;
  virtual void close() = 0;
};

struct VisitorIdentity {
  std::string anonymous_id;                // the snippet's visitor id
  std::optional<std::int64_t> customer_id;  // when the visitor was identified
};

struct AgentIdentity {
  std::int64_t user_id = 0;
  std::string name;
  std::string email;
};

// What a finished conversation leaves behind.
struct Transcript {
  std::int64_t conversation_id = 0;
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  std::string visitor_name;
  std::string visitor_email;
  std::int64_t agent_user_id = 0;  // 0: never answered
  std::string agent_name;
  UnixMs started_at = 0;
  UnixMs ended_at = 0;
  std::vector<ChatMessage> messages;
};

// The offline form: a message left while nobody could answer.
struct LeftMessage {
  std::string anonymous_id;
  std::optional<std::int64_t> customer_id;
  std::string name;
  std::string email;
  std::string text;
  std::optional<std::int64_t> conversation_id;  // the conversation it followed, if any
  std::vector<ChatMessage> earlier;              // that conversation's messages
};

// Where conversations are kept once they matter beyond memory. Called without the service's
// lock held, from the thread of the connection concerned or the service's sweeper.
class ChatStore {
 public:
  virtual ~ChatStore() = default;
  // A new conversation's id (unique across restarts).
  virtual Result<std::int64_t> open_conversation(const VisitorIdentity& visitor, UnixMs at) = 0;
  // Stores the transcript of an ended conversation on the customer's record.
  virtual Status store_transcript(const Transcript& transcript) = 0;
  // Turns a left message into a ticket; returns the ticket's id.
  virtual Result<std::int64_t> leave_message(const LeftMessage& message) = 0;
};

struct ChatOptions {
  int max_per_agent = 5;              // conversations an agent holds at once
  UnixMs visitor_grace_ms = 120'000;  // a visitor gone this long (all tabs closed) ends it
  UnixMs agent_grace_ms = 60'000;     // an agent gone this long: its conversations are re-routed
  UnixMs sweep_every_ms = 1'000;
};

// An agent's load as routing sees it.
struct AgentLoad {
  std::int64_t user_id = 0;
  bool available = false;  // available and connected
  int active = 0;          // conversations it holds
  UnixMs last_assigned_at = 0;
};

// The agent a new conversation goes to: among available agents below `cap`, the one holding
// the fewest conversations; ties go to the one assigned longest ago, then the lowest id.
// nullopt when nobody can take it.
std::optional<std::int64_t> pick_agent(const std::vector<AgentLoad>& agents, int cap);

class ChatService {
 public:
  ChatService(ChatStore& store, ChatOptions options);
  ~ChatService();
  ChatService(const ChatService&) = delete;
  ChatService& operator=(const ChatService&) = delete;

  // Starts / stops the sweeper thread (visitors and agents that did not come back). Without
  // it, sweep() may be called directly (tests).
  void start();
  void stop();

  using ConnectionId = std::uint64_t;

  // A visitor's connection opened: it is told whether an agent is online and gets its open
  // conversation back (another tab, a page change) with its messages.
  ConnectionId visitor_connected(const VisitorIdentity& visitor, std::shared_ptr<ChatPeer> peer);
  // A frame from that visitor; errors are answered to the visitor as error frames.
  void visitor_frame(ConnectionId connection, std::string_view frame);
  void visitor_disconnected(ConnectionId connection);

  ConnectionId agent_connected(const AgentIdentity& agent, std::shared_ptr<ChatPeer> peer);
  void agent_frame(ConnectionId connection, std::string_view frame);
  void agent_disconnected(ConnectionId connection);

  // Ends conversations whose visitor has been gone longer than the grace and re-routes those of
  // agents gone longer than theirs. Called by the sweeper every sweep_every_ms.
  void sweep(UnixMs now);

  struct Stats {
    std::size_t visitor_connections = 0;
    std::size_t agent_connections = 0;
    std::size_t open_conversations = 0;
    std::size_t waiting = 0;
    std::size_t agents_available = 0;
  };
  Stats stats();

 private:
  struct Conversation;
  struct Agent;
  struct Visitor;
  // Work to do once the lock is released: frames to send and store calls.
  struct Effects;

  void handle_visitor(ConnectionId connection, const ClientFrame& frame, Effects& fx);
  void handle_agent(ConnectionId connection, const ClientFrame& frame, Effects& fx);
  bool any_agent_available() const;
  void route(Conversation& c, Effects& fx);
  void assign(Conversation& c, Agent& a, Effects& fx);
  void drain_queue(Effects& fx);
  void end(Conversation& c, Effects& fx);
  void unassign(Conversation& c);
  ConversationView view(const Conversation& c) const;
  void to_visitors(const Conversation& c, std::string frame, Effects& fx);
  void to_agent(const Conversation& c, std::string frame, Effects& fx);
  void to_agent_user(std::int64_t user_id, std::string frame, Effects& fx);
  void run(Effects& fx);
  Conversation* conversation_of_agent(ConnectionId connection, std::int64_t id, Effects& fx);

  ChatStore& store_;
  ChatOptions options_;
  std::mutex mutex_;
  ConnectionId next_connection_ = 1;
  std::unordered_map<ConnectionId, Visitor> visitors_;          // by connection
  std::unordered_map<ConnectionId, std::int64_t> agent_connections_;  // -> user id
  std::map<std::int64_t, Agent> agents_;                         // by user id
  std::map<std::int64_t, std::unique_ptr<Conversation>> conversations_;  // open ones, by id
  std::unordered_map<std::string, std::int64_t> open_by_visitor_;        // anonymous id -> id
  std::deque<std::int64_t> queue_;                                       // waiting, oldest first

  std::mutex sweeper_mutex_;
  std::condition_variable sweeper_wake_;
  bool sweeper_stop_ = false;
  std::thread sweeper_;
};

}  // namespace ecrm::service::chat
