// Security over real HTTP: the headers every response carries, what a reverse proxy may tell
// (only with --trust-proxy), and who may read /metrics.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "harness.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;

constexpr const char* kAdminEmail = "owner@example.com";
constexpr const char* kAdminPassword = "Owner-pass-1234";
constexpr const char* kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
constexpr const char* kResourcePolicy = "default-src 'none'; frame-ancestors 'none'";

std::unique_ptr<ServerProcess> start_server(std::vector<std::string> args = {}) {
  return std::make_unique<ServerProcess>(
      std::move(args),
      std::map<std::string, std::string>{{"ECRM_ADMIN_EMAIL", kAdminEmail},
                                         {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
}

std::string login_body(const std::string& email, const std::string& password) {
  return json::serialize(json::object{{"email", email}, {"password", password}});
}

// Every value of header `name` (lower-case) joined by "\n", so a duplicate shows.
std::string all_values(const HttpResult& r, const std::string& name) {
  std::string out;
  auto [first, last] = r.headers.equal_range(name);
  for (auto it = first; it != last; ++it) out += (out.empty() ? "" : "\n") + it->second;
  return out;
}

void expect_resource_headers(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(all_values(r, "content-security-policy"), kResourcePolicy) << what;
  EXPECT_EQ(all_values(r, "x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(all_values(r, "x-frame-options"), "DENY") << what;
  EXPECT_EQ(all_values(r, "referrer-policy"), "no-referrer") << what;
}

// A connection that sends raw bytes and reads what comes back within a time limit.
class RawConnection {
 public:
  explicit RawConnection(const std::string& base_url) {
    int port = std::stoi(base_url.substr(base_url.rfind(':') + 1));
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // What arrives until `wait_ms` passes or the text holds a whole response head and `body_end`.
  std::string receive(int wait_ms, const std::string& body_end) {
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now())
                                      .count());
      if (::poll(&p, 1, std::max(left, 1)) <= 0) break;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      text.append(buf, static_cast<std::size_t>(n));
      auto head_end = text.find("\r\n\r\n");
      if (head_end != std::string::npos && text.find(body_end, head_end) != std::string::npos) break;
    }
    return text;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// Upload files the server with process id `pid` has in the temporary directory.
int spooled_uploads(int pid) {
  int count = 0;
  std::error_code ec;
  std::string prefix = "ecrm-upload-" + std::to_string(pid) + "-";
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) ++count;
  }
  return count;
}

// An import takes up to gigabytes, written to a temporary file as it arrives: a sender without
// good credentials is refused from the headers, before the server reads or stores any of it.
TEST(Security, UploadsAreRefusedBeforeTheirBodyWithoutCredentials) {
  auto server = start_server();
  const std::string head =
      "POST /api/v1/import/customers HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
      "Content-Length: 1073741824\r\n";
  struct Case {
    std::string headers;
    std::string status;
    std::string code;
  };
  for (const Case& c : {Case{"", "401", "authentication_required"},
                        Case{"Authorization: Bearer ecrm_not-a-key\r\n", "401", "invalid_api_key"},
                        Case{"Expect: 100-continue\r\n", "401", "authentication_required"}}) {
    RawConnection connection(server->base_url());
    ASSERT_TRUE(connection.connected());
    // The headers and the first bytes of the body; the other gigabyte never comes.
    ASSERT_TRUE(connection.send(head + c.headers + "\r\nexternal_id,email\r\n"));
    auto started = std::chrono::steady_clock::now();
    std::string answer = connection.receive(5000, "}");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4)) << c.headers;
    EXPECT_EQ(answer.rfind("HTTP/1.1 " + c.status, 0), 0u) << c.headers << answer;
    EXPECT_NE(answer.find("\"" + c.code + "\""), std::string::npos) << answer;
    EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << answer;
    EXPECT_EQ(spooled_uploads(server->pid()), 0) << c.headers;
  }

  // With a session but without the CSRF header: refused as well (403), before the body.
  HttpClient admin(server->base_url());
  auto login = admin.request("POST", "/api/v1/auth/login", login_body(kAdminEmail, kAdminPassword));
  ASSERT_EQ(login.status, 200) << login.body;
  std::string cookie = login.header("set-cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  {
    RawConnection connection(server->base_url());
    ASSERT_TRUE(connection.send(head + "Cookie: " + cookie + "\r\n\r\nexternal_id,email\r\n"));
    std::string answer = connection.receive(5000, "}");
    EXPECT_EQ(answer.rfind("HTTP/1.1 403", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"csrf_failed\""), std::string::npos) << answer;
    EXPECT_EQ(spooled_uploads(server->pid()), 0);
  }

  // A good sender's upload is read and imported as before.
  std::string csv = "external_id,email\r\nc-1,c1@example.com\r\n";
  auto imported = admin.request("POST", "/api/v1/import/customers", csv,
                                {"Content-Type: text/csv",
                                 "X-CSRF-Token: " +
                                     std::string(login.json().at("csrf_token").as_string())});
  EXPECT_EQ(imported.status, 202) << imported.body;
}

TEST(Security, EveryResponseCarriesSecurityHeaders) {
  auto server = start_server();
  HttpClient client(server->base_url());

  auto health = client.get("/healthz");
  EXPECT_EQ(health.status, 200);
  expect_resource_headers(health, "/healthz");
  auto anonymous = client.get("/api/v1/me");
  EXPECT_EQ(anonymous.status, 401);
  expect_resource_headers(anonymous, "401 from the API");
  auto missing = client.get("/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 404);
  expect_resource_headers(missing, "404 from the API");
  auto snippet = client.get("/t.js");
  EXPECT_EQ(snippet.status, 200);
  expect_resource_headers(snippet, "/t.js");
  // Refused before dispatch (the body is over the limit) and answered by the network layer.
  auto big = client.request("POST", "/api/v1/auth/login", std::string(2 << 20, 'x'),
                            {"Content-Type: application/json"});
  EXPECT_EQ(big.status, 413);
  expect_resource_headers(big, "413 before dispatch");
  // A streamed (chunked) export.
  HttpClient admin(server->base_url());
  auto login = admin.request("POST", "/api/v1/auth/login", login_body(kAdminEmail, kAdminPassword));
  ASSERT_EQ(login.status, 200) << login.body;
  auto exported = admin.get("/api/v1/export/customers");
  EXPECT_EQ(exported.status, 200) << exported.body;
  expect_resource_headers(exported, "a streamed export");

  // A page the server renders itself: the page policy, and its own Referrer-Policy kept.
  auto page = client.get("/u/not-a-token");
  EXPECT_EQ(page.header("content-type").rfind("text/html", 0), 0u) << page.body;
  EXPECT_EQ(all_values(page, "content-security-policy"), kPagePolicy);
  EXPECT_EQ(all_values(page, "referrer-policy"), "no-referrer");
  EXPECT_EQ(all_values(page, "x-frame-options"), "DENY");
  EXPECT_EQ(all_values(page, "x-content-type-options"), "nosniff");
}

// The per-address limit on failed sign-ins (30 in the window) counts the peer unless the proxy
// is trusted: a client cannot escape it by sending X-Forwarded-For itself.
TEST(Security, ForwardedForIsIgnoredWithoutTrustProxy) {
  auto server = start_server();
  // X-Forwarded-Proto does not make the cookie Secure.
  HttpClient admin(server->base_url());
  auto login = admin.request("POST", "/api/v1/auth/login", login_body(kAdminEmail, kAdminPassword),
                             {"X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.5"});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_NE(login.header("set-cookie").find("ecrm_session="), std::string::npos);
  EXPECT_EQ(login.header("set-cookie").find("Secure"), std::string::npos) << login.header("set-cookie");

  HttpClient client(server->base_url());
  for (int i = 0; i < 30; ++i) {
    auto r = client.request("POST", "/api/v1/auth/login",
                            login_body("nobody" + std::to_string(i) + "@example.com", "wrong-password"),
                            {"X-Forwarded-For: 198.51.100." + std::to_string(i + 1)});
    ASSERT_EQ(r.status, 401) << i << ": " << r.body;
  }
  auto limited = client.request("POST", "/api/v1/auth/login",
                                login_body("nobody-else@example.com", "wrong-password"),
                                {"X-Forwarded-For: 203.0.113.77"});
  EXPECT_EQ(limited.status, 429) << limited.body;
}

TEST(Security, TrustProxyTakesTheClientAndSchemeFromTheProxy) {
  auto server = start_server({"--trust-proxy"});
  HttpClient client(server->base_url());
  for (int i = 0; i < 30; ++i) {
    auto r = client.request("POST", "/api/v1/auth/login",
                            login_body("nobody" + std::to_string(i) + "@example.com", "wrong-password"),
                            {"X-Forwarded-For: 10.0.0.1, 198.51.100.1"});
    ASSERT_EQ(r.status, 401) << i << ": " << r.body;
  }
  // The forwarded client is limited; another client behind the same proxy is not. The entry the
  // client itself wrote (the first) does not count.
  auto limited = client.request("POST", "/api/v1/auth/login",
                                login_body("nobody-else@example.com", "wrong-password"),
                                {"X-Forwarded-For: 10.0.0.2, 198.51.100.1"});
  EXPECT_EQ(limited.status, 429) << limited.body;
  auto other = client.request("POST", "/api/v1/auth/login",
                              login_body("nobody-else@example.com", "wrong-password"),
                              {"X-Forwarded-For: 198.51.100.2"});
  EXPECT_EQ(other.status, 401) << other.body;

  // Over HTTPS at the proxy: a Secure cookie; over plain HTTP: none.
  HttpClient admin(server->base_url());
  auto plain = admin.request("POST", "/api/v1/auth/login", login_body(kAdminEmail, kAdminPassword),
                             {"X-Forwarded-Proto: http", "X-Forwarded-For: 203.0.113.5"});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.header("set-cookie").find("Secure"), std::string::npos) << plain.header("set-cookie");
  auto login = admin.request("POST", "/api/v1/auth/login", login_body(kAdminEmail, kAdminPassword),
                             {"X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.5"});
  ASSERT_EQ(login.status, 200) << login.body;
  std::string cookie = login.header("set-cookie");
  EXPECT_NE(cookie.find("ecrm_session="), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  admin.csrf_token = std::string(login.json().at("csrf_token").as_string());

  // The audit log records the forwarded client.
  auto created = admin.send_json("POST", "/api/v1/users",
                                 json::object{{"email", "audited@example.com"}, {"role", "sales"}},
                                 {"X-Forwarded-For: 203.0.113.6"});
  ASSERT_EQ(created.status, 201) << created.body;
  auto audit = admin.get("/api/v1/audit?limit=20");
  ASSERT_EQ(audit.status, 200) << audit.body;
  bool found = false;
  const json::value listed = audit.json();
  for (const auto& item : listed.at("items").as_array()) {
    if (item.at("action").as_string() == "POST /api/v1/users") {
      found = true;
      EXPECT_EQ(item.at("ip").as_string(), "203.0.113.6");
    }
  }
  EXPECT_TRUE(found) << audit.body;
}

TEST(Security, MetricsNeedAnAllowedAddressOrTheToken) {
  // By default loopback reads them without a token.
  {
    auto server = start_server();
    HttpClient client(server->base_url());
    EXPECT_EQ(client.get("/metrics").status, 200);
    // The forwarded header is ignored without --trust-proxy: still the loopback peer.
    EXPECT_EQ(client.get("/metrics", {"X-Forwarded-For: 203.0.113.9"}).status, 200);
  }
  // No address allowed, a token set.
  {
    auto server = start_server({"--metrics-allow", "", "--metrics-token", "s3cret-token"});
    HttpClient client(server->base_url());
    auto anonymous = client.get("/metrics");
    EXPECT_EQ(anonymous.status, 401) << anonymous.body;
    EXPECT_EQ(all_values(anonymous, "www-authenticate"), "Bearer realm=\"metrics\"");
    EXPECT_EQ(anonymous.body.find("ecrm_http_requests_total"), std::string::npos);
    auto wrong = client.get("/metrics", {"Authorization: Bearer s3cret-tokem"});
    EXPECT_EQ(wrong.status, 401) << wrong.body;
    EXPECT_EQ(client.get("/metrics", {"Authorization: Basic s3cret-token"}).status, 401);
    auto right = client.get("/metrics", {"Authorization: Bearer s3cret-token"});
    EXPECT_EQ(right.status, 200) << right.body;
    EXPECT_NE(right.body.find("ecrm_http_requests_total"), std::string::npos);
  }
  // No address allowed and no token: nobody.
  {
    auto server = start_server({"--metrics-allow", ""});
    HttpClient client(server->base_url());
    auto refused = client.get("/metrics");
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(client.get("/metrics", {"Authorization: Bearer anything"}).status, 403);
  }
  // Behind a trusted proxy the forwarded client is judged: loopback is only the proxy.
  {
    auto server = start_server({"--trust-proxy", "--metrics-allow", "10.1.0.0/16,127.0.0.1",
                                "--metrics-token", "s3cret-token"});
    HttpClient client(server->base_url());
    EXPECT_EQ(client.get("/metrics").status, 200);
    EXPECT_EQ(client.get("/metrics", {"X-Forwarded-For: 10.1.2.3"}).status, 200);
    EXPECT_EQ(client.get("/metrics", {"X-Forwarded-For: 203.0.113.9"}).status, 401);
    EXPECT_EQ(client.get("/metrics", {"X-Forwarded-For: 203.0.113.9",
                                      "Authorization: Bearer s3cret-token"})
                  .status,
              200);
  }
  std::string output;
  EXPECT_EQ(run_ecrm({"serve", "--metrics-allow", "10.0.0.0/33"}, &output), 2) << output;
  EXPECT_NE(output.find("10.0.0.0/33"), std::string::npos) << output;
}

}  // namespace
}  // namespace ecrm::testing
