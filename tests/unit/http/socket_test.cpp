#include "http/socket.hpp"

#include <gtest/gtest.h>

namespace ecrm::http {
namespace {

Request handshake(std::vector<std::pair<std::string, std::string>> headers, Method method = Method::kGet) {
  Request r;
  r.method = method;
  r.target = "/api/v1/chat/agent";
  for (auto& [name, value] : headers) r.headers.add(name, value);
  return r;
}

TEST(Socket, RecognisesAnUpgradeWhateverTheCaseAndTokenList) {
  EXPECT_TRUE(is_socket_upgrade(handshake({{"upgrade", "websocket"}, {"connection", "Upgrade"}})));
  EXPECT_TRUE(is_socket_upgrade(handshake({{"upgrade", "WebSocket"}, {"connection", "keep-alive, Upgrade"}})));
  EXPECT_FALSE(is_socket_upgrade(handshake({{"upgrade", "websocket"}})));
  EXPECT_FALSE(is_socket_upgrade(handshake({{"connection", "upgrade"}})));
  EXPECT_FALSE(is_socket_upgrade(handshake({{"upgrade", "h2c"}, {"connection", "upgrade"}})));
  EXPECT_FALSE(is_socket_upgrade(
      handshake({{"upgrade", "websocket"}, {"connection", "upgrade"}}, Method::kPost)));
}

TEST(Socket, SameOriginComparesTheOriginWithTheHost) {
  EXPECT_TRUE(same_origin(handshake({{"origin", "http://crm.shop.example"}, {"host", "crm.shop.example"}})));
  EXPECT_TRUE(same_origin(handshake({{"origin", "http://127.0.0.1:8080"}, {"host", "127.0.0.1:8080"}})));
  EXPECT_TRUE(same_origin(handshake({{"origin", "https://CRM.shop.example"}, {"host", "crm.shop.example:443"}})));
  EXPECT_FALSE(same_origin(handshake({{"origin", "https://evil.example"}, {"host", "crm.shop.example"}})));
  EXPECT_FALSE(same_origin(handshake({{"origin", "http://127.0.0.1:9090"}, {"host", "127.0.0.1:8080"}})));
  EXPECT_FALSE(same_origin(handshake({{"origin", "http://crm.shop.example.evil.example"}, {"host", "crm.shop.example"}})));
  EXPECT_FALSE(same_origin(handshake({{"origin", "null"}, {"host", "crm.shop.example"}})));
  EXPECT_FALSE(same_origin(handshake({{"host", "crm.shop.example"}})));
  EXPECT_FALSE(same_origin(handshake({{"origin", "http://crm.shop.example/path"}, {"host", "crm.shop.example"}})));
}

TEST(Socket, AcceptingAPlainRequestAsksForTheUpgrade) {
  auto refused = accept_socket(handshake({}), nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "upgrade_required");
  auto accepted = accept_socket(handshake({{"upgrade", "websocket"}, {"connection", "upgrade"}}), nullptr);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status, 101);
}

}  // namespace
}  // namespace ecrm::http
