#include "service/chat_routes.hpp"

#include "core/describe.hpp"
#include "http/context.hpp"
#include "http/socket.hpp"

namespace ecrm::service::chat {

using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

constexpr std::size_t kMaxAnonymousId = 64;

// The chat's figures as staff read them.
struct ChatStats {
  std::int64_t visitor_connections = 0;
  std::int64_t agent_connections = 0;
  std::int64_t open_conversations = 0;
  std::int64_t waiting = 0;
  std::int64_t agents_available = 0;
};
ECRM_DESCRIBE(ChatStats, visitor_connections, agent_connections, open_conversations, waiting,
              agents_available)

class PeerAdapter : public ChatPeer {
 public:
  explicit PeerAdapter(std::shared_ptr<http::SocketPeer> peer) : peer_(std::move(peer)) {}
  void send(std::string frame) override { peer_->send(std::move(frame)); }
  void close() override { peer_->close(); }

 private:
  std::shared_ptr<http::SocketPeer> peer_;
};

class VisitorSocket : public http::SocketHandler {
 public:
  VisitorSocket(ChatService& chat, VisitorIdentity identity)
      : chat_(chat), identity_(std::move(identity)) {}
  void on_open(std::shared_ptr<http::SocketPeer> peer) override {
    id_ = chat_.visitor_connected(identity_, std::make_shared<PeerAdapter>(std::move(peer)));
  }
  void on_message(std::string_view text) override { chat_.visitor_frame(id_, text); }
  void on_close() override { chat_.visitor_disconnected(id_); }

 private:
  ChatService& chat_;
  VisitorIdentity identity_;
  ChatService::ConnectionId id_ = 0;
};

class AgentSocket : public http::SocketHandler {
 public:
  AgentSocket(ChatService& chat, AgentIdentity identity) : chat_(chat), identity_(std::move(identity)) {}
  void on_open(std::shared_ptr<http::SocketPeer> peer) override {
    id_ = chat_.agent_connected(identity_, std::make_shared<PeerAdapter>(std::move(peer)));
  }
  void on_message(std::string_view text) override { chat_.agent_frame(id_, text); }
  void on_close() override { chat_.agent_disconnected(id_); }

 private:
  ChatService& chat_;
  AgentIdentity identity_;
  ChatService::ConnectionId id_ = 0;
};

Result<std::string> anonymous_id_of(const http::Request& request) {
  auto aid = request.query_param("aid");
  if (!aid || aid->empty()) return Error::invalid("aid (the snippet's visitor id) is required", "aid", "required");
  if (aid->size() > kMaxAnonymousId) {
    return Error::invalid("aid is longer than " + std::to_string(kMaxAnonymousId) + " characters", "aid");
  }
  for (char c : *aid) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return Error::invalid("aid holds letters, digits, '-', '_' and '.' only", "aid");
  }
  return std::string(*aid);
}

}  // namespace

void add_chat_routes(http::Router& router, ChatService& chat, DbChatStore& store,
                     std::function<Status(const std::string&)> resolve_write_key) {
  router.add(Route{
      .method = Method::kGet,
      .pattern = "/chat.js",
      .access = Access::public_route(),
      .doc = {.summary = "The live chat widget for the shop's pages (next to /t.js, with a write key)",
              .tag = "chat",
              .response = http::text_body("application/javascript")},
      .handler =
          [](RequestContext&) {
            Response response;
            response.content_type = "application/javascript; charset=utf-8";
            response.body = std::string(chat_widget());
            response.header("Cache-Control", "public, max-age=300");
            response.header("Access-Control-Allow-Origin", "*");
            return response;
          },
      .blocking = false});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/chat/visitor",
      .access = Access::public_route(),
      .doc = {.summary = "A visitor's chat (WebSocket; the snippet's write key and visitor id)",
              .tag = "chat",
              .response = http::text_body("text/plain"),
              .success_status = 101,
              .error_statuses = {400, 401},
              .query_params = {"key", "aid"}},
      .handler = handle([&chat, &store, resolve = std::move(resolve_write_key)](
                            RequestContext& ctx) -> Result<Response> {
        auto key = ctx.request().query_param("key");
        if (!key || key->empty()) {
          return Error::unauthenticated("send the snippet's write key (?key=)", "authentication_required");
        }
        ECRM_RETURN_IF_ERROR(resolve(std::string(*key)));
        ECRM_ASSIGN_OR_RETURN(auto aid, anonymous_id_of(ctx.request()));
        if (!http::is_socket_upgrade(ctx.request())) {
          return http::accept_socket(ctx.request(), nullptr);  // explains the upgrade
        }
        VisitorIdentity identity;
        identity.anonymous_id = aid;
        ECRM_ASSIGN_OR_RETURN(identity.customer_id, store.visitor_customer(aid));
        return http::accept_socket(ctx.request(), std::make_shared<VisitorSocket>(chat, identity));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/chat/agent",
      .access = Access::session_only("service:write"),
      .doc = {.summary = "An agent's chat console (WebSocket; staff session from this origin)",
              .tag = "chat",
              .response = http::text_body("text/plain"),
              .success_status = 101,
              .error_statuses = {400}},
      .handler = handle([&chat](RequestContext& ctx) -> Result<Response> {
        if (!http::same_origin(ctx.request())) {
          return Error::forbidden("the console's socket must come from this server's own pages",
                                  "origin_mismatch");
        }
        const auto& principal = ctx.principal();
        AgentIdentity agent{principal.user_id, principal.name.empty() ? principal.email : principal.name,
                            principal.email};
        return http::accept_socket(ctx.request(), std::make_shared<AgentSocket>(chat, agent));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/chat/stats",
      .access = Access::needs("service:read"),
      .doc = {.summary = "Live chat now: open connections, conversations, the queue, agents available",
              .tag = "chat",
              .response = http::json_body<ChatStats>()},
      .handler = [&chat](RequestContext&) {
        auto s = chat.stats();
        return http::reply(200, ChatStats{static_cast<std::int64_t>(s.visitor_connections),
                                          static_cast<std::int64_t>(s.agent_connections),
                                          static_cast<std::int64_t>(s.open_conversations),
                                          static_cast<std::int64_t>(s.waiting),
                                          static_cast<std::int64_t>(s.agents_available)});
      },
      .blocking = false});
}

}  // namespace ecrm::service::chat
