// Live chat over real WebSockets: a visitor (the widget's socket, with the snippet's write key
// and visitor id) and an agent (the console's socket, with a staff session from the server's own
// origin) chat; typing is relayed; the transcript lands as a chat interaction on the identified
// customer's record; with no agent available a left message becomes a ticket; the staff socket
// refuses visitors, missing sessions, roles without service:write and foreign origins.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "crm_support.hpp"
#include "ws_client.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

class Chat : public CrmApi {
 protected:
  void SetUp() override {
    CrmApi::SetUp();
    if (key_.empty()) {
      auto r = post("/api/v1/write-keys", json::object{{"name", "shop"}});
      ASSERT_EQ(r.status, 201) << r.body;
      key_ = std::string(r.json().at("key").as_string());
    }
  }
  static void TearDownTestSuite() {
    CrmApi::TearDownTestSuite();
    key_.clear();
  }

  // The session cookie of a fresh sign-in as `email`.
  static std::string session_cookie(const std::string& email, const std::string& password) {
    HttpClient client(server_->base_url());
    auto login = client.send_json("POST", "/api/v1/auth/login",
                                  json::object{{"email", email}, {"password", password}});
    EXPECT_EQ(login.status, 200) << login.body;
    std::string cookie = login.header("set-cookie");
    return cookie.substr(0, cookie.find(';'));
  }

  std::unique_ptr<WsClient> agent_socket(const std::string& cookie, std::string origin = {}) {
    if (origin.empty()) origin = server_->base_url();
    return std::make_unique<WsClient>(server_->base_url(), "/api/v1/chat/agent",
                                      std::vector<std::string>{"Cookie: " + cookie, "Origin: " + origin});
  }
  std::unique_ptr<WsClient> visitor_socket(const std::string& aid) {
    return std::make_unique<WsClient>(server_->base_url(),
                                      "/api/v1/chat/visitor?key=" + key_ + "&aid=" + aid,
                                      std::vector<std::string>{"Origin: https://shop.example"});
  }
  // Identifies visitor `aid` as the customer with `external_id`, as the snippet does.
  void identify(const std::string& aid, const std::string& external_id) {
    HttpClient anonymous(server_->base_url());
    auto now = std::chrono::duration_cast<milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    json::object event{{"event_id", "chat-" + aid},
                       {"type", "identify"},
                       {"anonymous_id", aid},
                       {"ts", now},
                       {"properties", json::object{{"external_id", external_id}}}};
    auto r = anonymous.request("POST", "/api/v1/events?key=" + key_,
                               json::serialize(json::object{{"events", json::array{event}}}),
                               {"Content-Type: text/plain"});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static inline std::string key_;
};

TEST_F(Chat, RoundTripWithTypingStoresTheTranscriptOnTheCustomer) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Wang Fang"},
                                                                    {"email", "wang.fang@example.cn"},
                                                                    {"external_id", "CHAT-1"}});
  identify("v-chat-round", "CHAT-1");

  auto agent = agent_socket(session_cookie(kAdminEmail, kAdminPassword));
  ASSERT_TRUE(agent->connected()) << agent->status() << " " << agent->body();
  auto welcome = agent->next_of("welcome");
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->at("status"), "away");
  agent->send(json::object{{"type", "status"}, {"status", "available"}});
  auto status = agent->next_of("status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->at("status"), "available");

  auto visitor = visitor_socket("v-chat-round");
  ASSERT_TRUE(visitor->connected()) << visitor->status() << " " << visitor->body();
  auto hello = visitor->next_of("welcome");
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->at("online"), true);
  EXPECT_TRUE(hello->at("conversation").is_null());

  visitor->send(json::object{{"type", "hello"}, {"name", "Fang"}});
  visitor->send(json::object{{"type", "message"}, {"text", "我的订单到哪了？"}});
  auto assigned = agent->next_of("assigned");
  ASSERT_TRUE(assigned);
  const auto& conversation = assigned->at("conversation").as_object();
  std::int64_t id = conversation.at("id").as_int64();
  EXPECT_EQ(conversation.at("customer_id"), customer);
  EXPECT_EQ(conversation.at("visitor_name"), "Fang");
  auto asked = agent->next_of("message");
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->at("message").at("text"), "我的订单到哪了？");
  EXPECT_EQ(asked->at("message").at("from"), "visitor");
  auto to_visitor = visitor->next_of("assigned");
  ASSERT_TRUE(to_visitor);

  agent->send(json::object{{"type", "typing"}, {"conversation", id}, {"on", true}});
  auto typing = visitor->next_of("typing");
  ASSERT_TRUE(typing);
  EXPECT_EQ(typing->at("from"), "agent");
  EXPECT_EQ(typing->at("on"), true);
  visitor->send(json::object{{"type", "typing"}, {"on", true}});
  auto visitor_typing = agent->next_of("typing");
  ASSERT_TRUE(visitor_typing);
  EXPECT_EQ(visitor_typing->at("conversation"), id);

  agent->send(json::object{{"type", "message"}, {"conversation", id}, {"text", "It ships today."}});
  auto answer = visitor->next_of("message");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->at("message").at("text"), "It ships today.");
  EXPECT_EQ(answer->at("message").at("from"), "agent");

  visitor->send(json::object{{"type", "close"}});
  ASSERT_TRUE(visitor->next_of("closed"));
  ASSERT_TRUE(agent->next_of("closed"));

  // The transcript is stored once the conversation ended.
  json::object found;
  for (int i = 0; i < 100 && found.empty(); ++i) {
    auto r = get("/api/v1/interactions?customer_id=" + std::to_string(customer));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto listed = r.json();
    for (const auto& item : listed.at("items").as_array()) {
      if (item.at("channel") == "chat") found = item.as_object();
    }
    if (found.empty()) std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_FALSE(found.empty()) << "no chat interaction on the customer";
  std::string content(found.at("content").as_string());
  EXPECT_NE(content.find("我的订单到哪了？"), std::string::npos) << content;
  EXPECT_NE(content.find("It ships today."), std::string::npos) << content;
  EXPECT_EQ(found.at("direction"), "inbound");
}

TEST_F(Chat, WithNobodyAvailableALeftMessageBecomesATicket) {
  std::int64_t customer = create("/api/v1/customers", json::object{{"name", "Li Lei"},
                                                                    {"email", "li.lei@example.cn"}});
  auto visitor = visitor_socket("v-chat-offline");
  ASSERT_TRUE(visitor->connected()) << visitor->status();
  auto welcome = visitor->next_of("welcome");
  ASSERT_TRUE(welcome);
  EXPECT_EQ(welcome->at("online"), false);
  visitor->send(json::object{{"type", "message"}, {"text", "hello?"}});
  ASSERT_TRUE(visitor->next_of("offline"));
  auto not_sent = visitor->next_of("error");
  ASSERT_TRUE(not_sent);
  EXPECT_EQ(not_sent->at("code"), "offline");

  visitor->send(json::object{{"type", "leave_message"}, {"email", "nope"}, {"text", "x"}});
  auto refused = visitor->next_of("error");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->at("field"), "email");

  visitor->send(json::object{{"type", "leave_message"},
                             {"email", "li.lei@example.cn"},
                             {"name", "Li Lei"},
                             {"text", "The blender I bought makes a noise."}});
  auto ticket = visitor->next_of("ticket");
  ASSERT_TRUE(ticket);
  std::int64_t ticket_id = ticket->at("id").as_int64();
  auto r = get("/api/v1/tickets/" + std::to_string(ticket_id));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json().as_object();
  EXPECT_EQ(body.at("customer_id"), customer);
  EXPECT_NE(std::string(body.at("subject").as_string()).find("The blender I bought"), std::string::npos)
      << r.body;
  EXPECT_EQ(body.at("channel"), "chat");
}

TEST_F(Chat, TheAgentSocketRefusesVisitorsMissingSessionsOtherRolesAndOtherOrigins) {
  // A visitor: no session, with or without the write key.
  WsClient no_session(server_->base_url(), "/api/v1/chat/agent", {"Origin: " + server_->base_url()});
  EXPECT_FALSE(no_session.connected());
  EXPECT_EQ(no_session.status(), 401) << no_session.body();
  WsClient with_key(server_->base_url(), "/api/v1/chat/agent?key=" + key_,
                    {"Origin: " + server_->base_url()});
  EXPECT_EQ(with_key.status(), 401);
  auto forged = agent_socket("ecrm_session=forged-token");
  EXPECT_FALSE(forged->connected());
  EXPECT_EQ(forged->status(), 401) << forged->body();

  // Staff without service:write.
  staff("analyst@example.com", "analyst");
  auto analyst = agent_socket(session_cookie("analyst@example.com", "Staff-pass-1234"));
  EXPECT_FALSE(analyst->connected());
  EXPECT_EQ(analyst->status(), 403) << analyst->body();

  // A page on another site using the agent's cookie (cross-site WebSocket hijacking).
  const std::string cookie = session_cookie(kAdminEmail, kAdminPassword);
  auto hijack = agent_socket(cookie, "https://evil.example");
  EXPECT_FALSE(hijack->connected());
  EXPECT_EQ(hijack->status(), 403);
  EXPECT_NE(hijack->body().find("origin_mismatch"), std::string::npos) << hijack->body();
  WsClient no_origin(server_->base_url(), "/api/v1/chat/agent", {"Cookie: " + cookie});
  EXPECT_EQ(no_origin.status(), 403);

  // A service agent is let in.
  staff("agent@example.com", "service");
  auto agent = agent_socket(session_cookie("agent@example.com", "Staff-pass-1234"));
  EXPECT_TRUE(agent->connected()) << agent->status() << " " << agent->body();
  EXPECT_TRUE(agent->next_of("welcome"));
}

TEST_F(Chat, TheVisitorSocketNeedsAWriteKeyAndAVisitorId) {
  WsClient no_key(server_->base_url(), "/api/v1/chat/visitor?aid=v-1");
  EXPECT_EQ(no_key.status(), 401) << no_key.body();
  WsClient bad_key(server_->base_url(), "/api/v1/chat/visitor?key=wrong&aid=v-1");
  EXPECT_EQ(bad_key.status(), 401) << bad_key.body();
  WsClient no_aid(server_->base_url(), "/api/v1/chat/visitor?key=" + key_);
  EXPECT_EQ(no_aid.status(), 400);
  EXPECT_NE(no_aid.body().find("\"aid\""), std::string::npos) << no_aid.body();
  WsClient bad_aid(server_->base_url(), "/api/v1/chat/visitor?key=" + key_ + "&aid=a%20b");
  EXPECT_EQ(bad_aid.status(), 400);
  // A plain GET is told to upgrade.
  HttpClient plain(server_->base_url());
  auto r = plain.get("/api/v1/chat/visitor?key=" + key_ + "&aid=v-1");
  expect_error(r, 400, "upgrade_required");
  // The widget is served next to the snippet.
  auto widget = plain.get("/chat.js");
  ASSERT_EQ(widget.status, 200);
  EXPECT_NE(widget.header("content-type").find("javascript"), std::string::npos);
  EXPECT_NE(widget.body.find("/api/v1/chat/visitor"), std::string::npos);
}

TEST_F(Chat, MalformedFramesAreAnsweredAndTheSocketStaysUsable) {
  auto visitor = visitor_socket("v-chat-bad");
  ASSERT_TRUE(visitor->connected());
  ASSERT_TRUE(visitor->next_of("welcome"));
  visitor->send("{not json");
  auto error = visitor->next_of("error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("code"), "malformed_json");
  visitor->send(json::object{{"type", "status"}, {"status", "available"}});
  error = visitor->next_of("error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("field"), "type");
  visitor->send(json::object{{"type", "message"}, {"text", std::string(5000, 'x')}});
  error = visitor->next_of("error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("field"), "text");
  visitor->send(json::object{{"type", "typing"}, {"on", true}});  // no conversation yet
  error = visitor->next_of("error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("code"), "no_conversation");
}

}  // namespace
}  // namespace ecrm::testing

namespace ecrm::testing {
namespace {

// A server whose sockets time out after two silent seconds: the server pings at one second, a
// client that answers (Beast's client answers pings while reading) stays; one that never reads
// is closed.
class ChatIdle : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess(
        {"--socket-idle-timeout", "2"},
        {{"ECRM_ADMIN_EMAIL", kAdminEmail}, {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }
};

// Opens a TCP connection and completes a WebSocket handshake by hand; returns the socket (-1 on
// failure). The caller never reads again: it does not answer pings.
int raw_socket(const std::string& base_url, const std::string& target) {
  std::string hostport = base_url.substr(base_url.find("://") + 3);
  int port = std::stoi(hostport.substr(hostport.rfind(':') + 1));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + hostport +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) return -1;
  std::string answer;
  char c;
  while (answer.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) answer += c;
  if (answer.rfind("HTTP/1.1 101", 0) != 0) return -1;
  return fd;
}

TEST_F(ChatIdle, ASilentSocketIsClosedAndOneAnsweringPingsStays) {
  auto r = post("/api/v1/write-keys", json::object{{"name", "idle"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string target = "/api/v1/chat/visitor?key=" + std::string(r.json().at("key").as_string()) + "&aid=";
  WsClient answering(server_->base_url(), target + "v-answers");
  ASSERT_TRUE(answering.connected());
  int silent = raw_socket(server_->base_url(), target + "v-silent");
  ASSERT_GE(silent, 0);
  // Drained only by the kernel from here on: the client never reads, so it never sends a pong.
  auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(6));
  timeval timeout{0, 100'000};
  ::setsockopt(silent, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buffer[4096];
  bool closed = false;
  for (int i = 0; i < 50 && !closed; ++i) {
    ssize_t n = ::recv(silent, buffer, sizeof buffer, 0);
    closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }
  ::close(silent);
  EXPECT_TRUE(closed) << "the silent socket is still open after "
                      << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count()
                      << " s";
  EXPECT_FALSE(answering.closed(milliseconds(10)));
  auto stats = get("/api/v1/chat/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(stats.json().at("visitor_connections"), 1);
}

}  // namespace
}  // namespace ecrm::testing
