#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <mutex>

#include "service/chat.hpp"

namespace ecrm::service::chat {
namespace {

namespace json = boost::json;

TEST(PickAgent, LeastBusyAvailableBelowTheCap) {
  std::vector<AgentLoad> agents{{1, true, 2, 10}, {2, true, 1, 50}, {3, false, 0, 0}, {4, true, 3, 0}};
  EXPECT_EQ(pick_agent(agents, 3), 2);  // 3 is away, 4 is at the cap
  agents[1].active = 3;
  EXPECT_EQ(pick_agent(agents, 3), 1);
  agents[0].active = 3;
  EXPECT_EQ(pick_agent(agents, 3), std::nullopt);
  EXPECT_EQ(pick_agent({}, 3), std::nullopt);
}

TEST(PickAgent, TiesGoToTheOneAssignedLongestAgoThenTheLowestId) {
  std::vector<AgentLoad> agents{{5, true, 1, 300}, {6, true, 1, 100}, {7, true, 1, 100}};
  EXPECT_EQ(pick_agent(agents, 5), 6);
}

class FakePeer : public ChatPeer {
 public:
  void send(std::string frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(json::parse(frame).as_object());
  }
  void close() override { closed_ = true; }
  // The frames received since the last call.
  std::vector<json::object> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(frames_, {});
  }
  std::vector<json::object> of_type(const std::string& type) {
    std::vector<json::object> out;
    for (auto& f : take()) {
      if (f.at("type").as_string() == type) out.push_back(f);
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<json::object> frames_;
  bool closed_ = false;
};

class FakeStore : public ChatStore {
 public:
  Result<std::int64_t> open_conversation(const VisitorIdentity&, UnixMs) override { return ++next_id; }
  Status store_transcript(const Transcript& t) override {
    transcripts.push_back(t);
    return {};
  }
  Result<std::int64_t> leave_message(const LeftMessage& m) override {
    left.push_back(m);
    return 500 + static_cast<std::int64_t>(left.size());
  }
  std::int64_t next_id = 100;
  std::vector<Transcript> transcripts;
  std::vector<LeftMessage> left;
};

class Chat : public ::testing::Test {
 protected:
  Chat() : chat(store, ChatOptions{.max_per_agent = 2, .visitor_grace_ms = 1000, .agent_grace_ms = 1000}) {}

  struct Client {
    std::shared_ptr<FakePeer> peer = std::make_shared<FakePeer>();
    ChatService::ConnectionId id = 0;
  };
  Client agent(std::int64_t user, bool available = true) {
    Client c;
    c.id = chat.agent_connected(AgentIdentity{user, "Agent " + std::to_string(user), ""}, c.peer);
    if (available) chat.agent_frame(c.id, R"({"type":"status","status":"available"})");
    c.peer->take();
    return c;
  }
  Client visitor(const std::string& aid, std::optional<std::int64_t> customer = std::nullopt) {
    Client c;
    c.id = chat.visitor_connected(VisitorIdentity{aid, customer}, c.peer);
    return c;
  }
  std::int64_t say(Client& v, const std::string& text) {
    chat.visitor_frame(v.id, json::serialize(json::object{{"type", "message"}, {"text", text}}));
    auto messages = v.peer->of_type("message");
    EXPECT_FALSE(messages.empty());
    return messages.empty() ? 0 : messages.back().at("conversation").as_int64();
  }

  FakeStore store;
  ChatService chat;
};

TEST_F(Chat, ARoundTripBetweenVisitorAndAgent) {
  Client a = agent(1);
  Client v = visitor("aid-1", 42);
  auto welcome = v.peer->of_type("welcome");
  ASSERT_EQ(welcome.size(), 1u);
  EXPECT_EQ(welcome[0].at("online"), true);

  chat.visitor_frame(v.id, R"({"type":"message","text":"where is my parcel?"})");
  auto to_agent = a.peer->take();
  ASSERT_EQ(to_agent.size(), 2u);  // assigned, then the message
  EXPECT_EQ(to_agent[0].at("type"), "assigned");
  std::int64_t conversation = to_agent[0].at("conversation").at("id").as_int64();
  EXPECT_EQ(to_agent[0].at("conversation").at("customer_id"), 42);
  EXPECT_EQ(to_agent[1].at("message").at("text"), "where is my parcel?");

  chat.agent_frame(a.id, json::serialize(json::object{
                             {"type", "typing"}, {"conversation", conversation}, {"on", true}}));
  chat.agent_frame(a.id, json::serialize(json::object{
                             {"type", "message"}, {"conversation", conversation}, {"text", "On its way."}}));
  auto to_visitor = v.peer->take();
  std::vector<std::string> types;
  for (auto& f : to_visitor) types.push_back(std::string(f.at("type").as_string()));
  EXPECT_EQ(types, (std::vector<std::string>{"assigned", "message", "typing", "message"}));
  EXPECT_EQ(to_visitor[2].at("on"), true);
  EXPECT_EQ(to_visitor[3].at("message").at("from"), "agent");
  EXPECT_EQ(to_visitor[3].at("message").at("agent"), "Agent 1");

  chat.visitor_frame(v.id, R"({"type":"read","id":2})");
  auto read = a.peer->of_type("read");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].at("id"), 2);

  chat.visitor_frame(v.id, R"({"type":"close"})");
  EXPECT_EQ(v.peer->of_type("closed").size(), 1u);
  EXPECT_EQ(a.peer->of_type("closed").size(), 1u);
  ASSERT_EQ(store.transcripts.size(), 1u);
  const Transcript& t = store.transcripts[0];
  EXPECT_EQ(t.customer_id, 42);
  EXPECT_EQ(t.agent_user_id, 1);
  ASSERT_EQ(t.messages.size(), 2u);
  EXPECT_EQ(t.messages[1].text, "On its way.");
  EXPECT_EQ(chat.stats().open_conversations, 0u);
}

TEST_F(Chat, RoutesToTheLeastBusyAndQueuesAtTheCap) {
  Client a1 = agent(1), a2 = agent(2);
  std::vector<Client> visitors;
  for (int i = 0; i < 5; ++i) {
    visitors.push_back(visitor("aid-" + std::to_string(i)));
    chat.visitor_frame(visitors.back().id, R"({"type":"message","text":"hello"})");
  }
  // Two agents with a cap of two: four assigned alternately, the fifth waits.
  EXPECT_EQ(a1.peer->of_type("assigned").size(), 2u);
  EXPECT_EQ(a2.peer->of_type("assigned").size(), 2u);
  auto stats = chat.stats();
  EXPECT_EQ(stats.waiting, 1u);
  EXPECT_EQ(visitors[4].peer->of_type("waiting").size(), 1u);
  // One conversation ends: the waiting one goes to the agent that freed up.
  chat.visitor_frame(visitors[0].id, R"({"type":"close"})");
  auto next = a1.peer->of_type("assigned");
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(visitors[4].peer->of_type("assigned").size(), 1u);
  EXPECT_EQ(chat.stats().waiting, 0u);
}

TEST_F(Chat, AwayAgentsGetNothingAndAnAgentOnlyActsOnItsOwnConversations) {
  Client away = agent(1, false);
  Client v = visitor("aid-away");
  EXPECT_EQ(v.peer->of_type("welcome")[0].at("online"), false);
  chat.visitor_frame(v.id, R"({"type":"message","text":"anyone?"})");
  auto frames = v.peer->take();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].at("type"), "offline");
  EXPECT_EQ(frames[1].at("code"), "offline");
  EXPECT_TRUE(away.peer->take().empty());

  Client a2 = agent(2);
  say(v, "now?");
  auto assigned = a2.peer->of_type("assigned");
  ASSERT_EQ(assigned.size(), 1u);
  std::int64_t conversation = assigned[0].at("conversation").at("id").as_int64();
  chat.agent_frame(away.id, json::serialize(json::object{
                                {"type", "message"}, {"conversation", conversation}, {"text", "mine"}}));
  auto refused = away.peer->of_type("error");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].at("code"), "conversation_not_found");
  EXPECT_TRUE(v.peer->of_type("message").empty());
}

TEST_F(Chat, OfflineMessageBecomesATicket) {
  Client v = visitor("aid-off", 7);
  chat.visitor_frame(v.id, R"({"type":"leave_message","email":"li@example.cn","name":"Li","text":"Please call back"})");
  auto ticket = v.peer->of_type("ticket");
  ASSERT_EQ(ticket.size(), 1u);
  EXPECT_EQ(ticket[0].at("id"), 501);
  ASSERT_EQ(store.left.size(), 1u);
  EXPECT_EQ(store.left[0].email, "li@example.cn");
  EXPECT_EQ(store.left[0].customer_id, 7);
  EXPECT_EQ(store.left[0].text, "Please call back");
  chat.visitor_frame(v.id, R"({"type":"leave_message","email":"nope","text":"x"})");
  auto error = v.peer->of_type("error");
  ASSERT_EQ(error.size(), 1u);
  EXPECT_EQ(error[0].at("field"), "email");
  EXPECT_EQ(store.left.size(), 1u);
}

TEST_F(Chat, AVisitorComingBackGetsItsConversationAndAGoneOneEndsIt) {
  Client a = agent(1);
  Client v = visitor("aid-back");
  std::int64_t conversation = say(v, "first page");
  chat.visitor_disconnected(v.id);
  auto presence = a.peer->of_type("presence");
  ASSERT_EQ(presence.size(), 1u);
  EXPECT_EQ(presence[0].at("present"), false);

  Client again = visitor("aid-back");
  auto welcome = again.peer->of_type("welcome");
  ASSERT_EQ(welcome.size(), 1u);
  EXPECT_EQ(welcome[0].at("conversation").at("id"), conversation);
  EXPECT_EQ(welcome[0].at("conversation").at("messages").as_array().size(), 1u);
  chat.visitor_disconnected(again.id);
  chat.sweep(now_ms() + 500);
  EXPECT_TRUE(store.transcripts.empty());  // still within the grace
  chat.sweep(now_ms() + 5000);
  ASSERT_EQ(store.transcripts.size(), 1u);
  EXPECT_EQ(store.transcripts[0].conversation_id, conversation);
  EXPECT_EQ(a.peer->of_type("closed").size(), 1u);
}

TEST_F(Chat, AnAgentGoneTooLongHasItsConversationsRerouted) {
  Client a1 = agent(1);
  Client v = visitor("aid-reroute");
  say(v, "help");
  ASSERT_EQ(a1.peer->of_type("assigned").size(), 1u);
  Client a2 = agent(2);
  chat.agent_disconnected(a1.id);
  chat.sweep(now_ms() + 5000);
  auto assigned = a2.peer->of_type("assigned");
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].at("conversation").at("messages").as_array().size(), 1u);
}

TEST_F(Chat, MalformedFramesAreAnsweredWithAnErrorAndChangeNothing) {
  Client a = agent(1);
  Client v = visitor("aid-bad");
  v.peer->take();
  chat.visitor_frame(v.id, "{\"type\":");
  chat.visitor_frame(v.id, R"({"type":"status","status":"available"})");
  auto errors = v.peer->of_type("error");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("code"), "malformed_json");
  EXPECT_EQ(errors[1].at("field"), "type");
  EXPECT_EQ(chat.stats().open_conversations, 0u);
  EXPECT_TRUE(a.peer->take().empty());
}

}  // namespace
}  // namespace ecrm::service::chat
