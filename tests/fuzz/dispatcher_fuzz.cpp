// Fuzzes the JSON bodies of the API's routes through the dispatcher, as `ecrm serve` wires it
// (cli/serve_command.cpp) but without a socket: an App over a real SQLite database in a
// temporary directory, its Router and the Dispatcher, and two principals: a signed-in admin
// (session cookie and CSRF token) and an API key with every scope (routes such as POST
// /api/v1/events take keys only). Each input is a route selector byte, an id byte and the body:
// the selector picks one of the routes that take a body (POST, PUT, PATCH), its path parameters
// become the id (bits 0-1 of the id byte), the principal is the key when bit 2 is set, and the
// request goes through Dispatcher::handle() as a request from the network would. A response of
// 500 is a finding: the last-resort catch answered, so some code threw.
//
// Routes that would take the fuzzer's own principal away (signing out, changing passwords,
// users and roles, two-factor) are left out so that every input runs as the admin.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "cli/app.hpp"
#include "cli/app_setup.hpp"
#include "core/metrics.hpp"
#include "http/dispatcher.hpp"
#include "http/router.hpp"

namespace {

using namespace ecrm;

constexpr const char* kAdminEmail = "fuzz-admin@shop.example";
constexpr const char* kAdminPassword = "fuzz-admin-password-1";

bool excluded(const http::Route& route) {
  for (std::string_view prefix : {"/api/v1/auth/", "/api/v1/users", "/api/v1/roles",
                                  "/api/v1/sessions", "/api/v1/me"}) {
    if (route.pattern.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

struct Harness {
  std::filesystem::path dir;
  std::unique_ptr<storage::Database> db;
  MetricsRegistry metrics;
  std::unique_ptr<cli::App> app;
  http::Router router;
  std::unique_ptr<http::Dispatcher> dispatcher;
  std::vector<const http::Route*> routes;
  std::string cookie;
  std::string csrf;
  std::string api_key;

  Harness() {
    char tmpl[] = "/tmp/ecrm-fuzz-XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    dir = tmpl;
    db = cli::open_and_migrate("sqlite:" + (dir / "ecrm.db").string());
    if (!db) std::abort();
    setenv("ECRM_ADMIN_EMAIL", kAdminEmail, 1);
    setenv("ECRM_ADMIN_PASSWORD", kAdminPassword, 1);
    app = std::make_unique<cli::App>(
        *db, metrics,
        cli::AppOptions{.version = "fuzz",
                        .run_workers = false,
                        .job_mode = JobMode::kEnqueue,
                        .public_url = "http://shop.example"});
    if (!app->prepare_first_admin()) std::abort();
    app->add_routes(router);
    dispatcher = std::make_unique<http::Dispatcher>(
        router, app->authenticator(), &app->audit(), nullptr, metrics,
        http::DispatcherOptions{.default_body_limit = 1 << 20, .access_log = false});
    for (const auto& route : router.routes()) {
      bool has_body = route->method == http::Method::kPost || route->method == http::Method::kPut ||
                      route->method == http::Method::kPatch;
      if (has_body && !excluded(*route)) routes.push_back(route.get());
    }
    sign_in();
    create_api_key();
  }

  ~Harness() {
    dispatcher.reset();
    app.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // Sends one request of the set-up; aborts unless it answers `expected`. Returns the JSON body.
  boost::json::object setup_request(http::Request& request, int expected,
                                    http::Response* out = nullptr) {
    request.remote_ip = "127.0.0.1";
    request.headers.add("content-type", "application/json");
    if (!request.parse_target()) std::abort();
    http::Response response = dispatcher->handle(request);
    if (response.status != expected) {
      std::fprintf(stderr, "dispatcher_fuzz: %s answered %d: %s\n", request.target.c_str(),
                   response.status, response.body.c_str());
      std::abort();
    }
    boost::system::error_code ec;
    auto body = boost::json::parse(response.body, ec);
    if (out) *out = std::move(response);
    return !ec && body.is_object() ? body.as_object() : boost::json::object{};
  }

  void sign_in() {
    http::Request request;
    request.method = http::Method::kPost;
    request.target = "/api/v1/auth/login";
    request.body = std::string(R"({"email":")") + kAdminEmail + R"(","password":")" +
                   kAdminPassword + R"("})";
    http::Response response;
    auto body = setup_request(request, 200, &response);
    cookie.clear();
    for (const auto& [name, value] : response.headers) {
      if (name == "Set-Cookie") cookie = value.substr(0, value.find(';'));
    }
    csrf.clear();
    if (const auto* token = body.if_contains("csrf_token"); token && token->is_string()) {
      csrf = std::string(token->get_string());
    }
  }

  void create_api_key() {
    http::Request request;
    request.method = http::Method::kPost;
    request.target = "/api/v1/api-keys";
    request.headers.add("cookie", cookie);
    request.headers.add("x-csrf-token", csrf);
    request.body = R"({"name":"fuzz","scopes":["*"]})";
    auto body = setup_request(request, 201);
    const auto* key = body.if_contains("key");
    if (!key || !key->is_string()) std::abort();
    api_key = std::string(key->get_string());
  }

  // True while the admin's session is still good (GET /api/v1/me).
  bool signed_in() {
    http::Request request;
    request.method = http::Method::kGet;
    request.target = "/api/v1/me";
    request.remote_ip = "127.0.0.1";
    request.headers.add("cookie", cookie);
    if (!request.parse_target()) return false;
    return dispatcher->handle(request).status == 200;
  }

  // The route's pattern with every {param} replaced by `id`.
  static std::string path_for(const std::string& pattern, const std::string& id) {
    std::string path;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] == '{') {
        auto close = pattern.find('}', i);
        if (close == std::string::npos) break;
        path += id;
        i = close;
      } else {
        path += pattern[i];
      }
    }
    return path;
  }

  void run(const http::Route& route, const std::string& id, bool with_key, std::string body) {
    http::Request request;
    request.method = route.method;
    request.target = path_for(route.pattern, id);
    request.remote_ip = "127.0.0.1";
    request.headers.add("content-type", "application/json");
    if (with_key) {
      request.headers.add("authorization", "Bearer " + api_key);
    } else {
      request.headers.add("cookie", cookie);
      request.headers.add("x-csrf-token", csrf);
    }
    if (route.spool_body) {
      // As the server does: a route taking files gets the body as a temporary file.
      auto path = (dir / "upload").string();
      std::ofstream(path, std::ios::binary | std::ios::trunc) << body;
      request.body_file = std::make_shared<http::SpooledFile>(path, body.size());
    } else {
      request.body = std::move(body);
    }
    if (!request.parse_target()) return;
    http::Response response = dispatcher->handle(request);
    if (response.status == 500) {
      std::fprintf(stderr, "dispatcher_fuzz: %s %s answered 500: %s\n",
                   std::string(http::to_string(route.method)).c_str(), request.target.c_str(),
                   response.body.c_str());
      std::abort();
    }
    // A route that ended the session after all: sign in again (a key route's 401 does not).
    if (response.status == 401 && !with_key && !signed_in()) sign_in();
  }
};

Harness& harness() {
  static Harness* instance = new Harness();  // lives until exit: the App's threads may hold it
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  Harness& h = harness();
  if (h.routes.empty()) return 0;
  const http::Route& route = *h.routes[data[0] % h.routes.size()];
  std::string id = std::to_string(1 + data[1] % 4);
  bool with_key = (data[1] & 4) != 0;
  h.run(route, id, with_key, std::string(reinterpret_cast<const char*>(data) + 2, size - 2));
  return 0;
}
