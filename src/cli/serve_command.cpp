// `ecrm serve`: the composition root of the HTTP server. It opens the database, applies
// migrations, makes sure an admin exists, wires each capability's service and routes into one
// router, and serves until SIGTERM.
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "analytics/http_routes.hpp"
#include "analytics/service.hpp"
#include "analytics/worker.hpp"
#include "auth/authenticator.hpp"
#include "auth/http_routes.hpp"
#include "auth/service.hpp"
#include "catalog/http_routes.hpp"
#include "catalog/service.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "customers/http_routes.hpp"
#include "customers/service.hpp"
#include "exchange/exporter.hpp"
#include "exchange/http_routes.hpp"
#include "exchange/importer.hpp"
#include "exchange/jobs.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "events/customer_records.hpp"
#include "events/http_routes.hpp"
#include "events/service.hpp"
#include "http/dispatcher.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "http/system_routes.hpp"
#include "orders/customer_records.hpp"
#include "orders/http_routes.hpp"
#include "orders/service.hpp"
#include "recommend/browse_poller.hpp"
#include "recommend/event_views.hpp"
#include "recommend/http_routes.hpp"
#include "recommend/service.hpp"
#include "recommend/worker.hpp"

namespace ecrm::cli {
namespace {

struct ServeOptions {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 0;
  int workers = 0;
  std::string web_root;
  std::size_t body_limit = 1 << 20;
  bool no_access_log = false;
  bool secure_cookies = false;
  bool no_worker = false;
  std::size_t recommend_cache_mb = 128;
  double recommend_cache_ttl_s = 30;
  double cart_abandon_after_s = 3600;
};

std::string find_web_root(const std::string& requested) {
  if (!requested.empty()) return requested;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory("web/dist", ec)) return "web/dist";
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
      if (fs::is_directory(dir / "web/dist", ec)) return (dir / "web/dist").string();
    }
  }
  return "web/dist";
}

int serve(const ServeOptions& options) {
  UnixMs started_at = now_ms();
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int workers = options.workers > 0 ? options.workers : static_cast<int>(4 * cores);
  storage::DatabaseOptions db_options;
  db_options.max_connections = workers + 4;
  auto db = open_and_migrate(resolve_db_url(options.db), db_options);
  if (!db) return kExitFailure;

  auth::AuthService auth_service(*db);
  {
    std::optional<std::string> password;
    if (const char* env = std::getenv("ECRM_ADMIN_PASSWORD"); env && *env) password = env;
    const char* email_env = std::getenv("ECRM_ADMIN_EMAIL");
    std::string email = email_env && *email_env ? email_env : "admin@example.com";
    auto admin = auth_service.ensure_first_admin(email, password);
    if (!admin.ok()) {
      std::cerr << "ecrm: cannot create the first admin: " << admin.error().message << "\n";
      return kExitFailure;
    }
    if (*admin) {
      std::cout << "created the first admin user: " << (*admin)->user.email << "\n";
      if ((*admin)->generated_password) {
        std::cout << "  password (shown once): " << *(*admin)->generated_password << "\n";
      }
      std::cout.flush();
    }
  }
  if (auto pruned = auth_service.prune(now_ms()); !pruned.ok()) {
    spdlog::warn("pruning expired sessions failed: {}", pruned.error().message);
  }

  MetricsRegistry metrics;
  http::Router router;
  auth::HttpAuthenticator authenticator(auth_service, std::chrono::seconds(30));
  http::add_system_routes(
      router, *db, metrics,
      http::SystemRoutesConfig{ECRM_VERSION, started_at, [&auth_service](boost::json::object& info) -> Status {
                                 auto stats = auth_service.stats();
                                 if (!stats.ok()) return std::move(stats).error();
                                 info["users"] = stats->users;
                                 info["api_keys"] = stats->api_keys;
                                 return {};
                               }});
  auth::add_auth_routes(router, auth_service, authenticator,
                        auth::AuthRoutesConfig{options.secure_cookies});
  catalog::CatalogService catalog_service(*db);
  catalog::add_catalog_routes(router, catalog_service);
  customers::CustomerService customer_service(*db);
  orders::OrderCustomerRecords order_records;
  customer_service.attach(order_records);
  events::EventCustomerRecords event_records;
  events::VisitorCustomerRecords visitor_records;
  customer_service.attach(event_records);
  customer_service.attach(visitor_records);
  customers::add_customer_routes(router, customer_service);
  orders::OrderService order_service(*db);
  orders::add_order_routes(router, order_service);
  exchange::Importer importer(*db, customer_service, catalog_service);
  exchange::ImportJobs import_jobs(*db, importer);
  if (auto recovered = import_jobs.recover(); !recovered.ok()) {
    spdlog::warn("cannot check for unfinished imports: {}", recovered.error().message);
  }
  exchange::Exporter exporter(*db);
  exchange::add_exchange_routes(router, import_jobs, exporter);
  // Analytics: scores recomputed in the background (at start-up without a model, then daily,
  // unless --no-worker) and updated per customer when their orders change.
  analytics::AnalyticsService analytics_service(*db);
  analytics::WorkerOptions analytics_options;
  analytics_options.schedule = !options.no_worker;
  analytics::AnalyticsWorker analytics_worker(analytics_service, analytics_options);
  analytics::OrderScoreListener analytics_listener(analytics_worker);
  order_service.add_listener(analytics_listener);
  analytics::add_analytics_routes(router, analytics_service, analytics_worker);
  events::EventService event_service(
      *db,
      events::EventServiceOptions{static_cast<UnixMs>(options.cart_abandon_after_s * 1000.0)},
      &metrics);
  events::add_event_routes(router, event_service, authenticator);
  // Recommendations: rules, neighbours and personal lists rebuilt in the background (at start-up
  // when nothing is built yet, then daily, unless --no-worker); a customer's list is refreshed
  // when their orders change and, unless --no-worker, when they browse (the events log is
  // polled). Identified product views from the events log join the rebuild and the refreshes;
  // the tracking snippet asks for a visitor's recommendations with its write key.
  recommend::RecommendOptions recommend_service_options;
  recommend_service_options.list_cache.max_bytes = options.recommend_cache_mb << 20;
  recommend_service_options.list_cache.ttl_ms =
      static_cast<UnixMs>(options.recommend_cache_ttl_s * 1000.0);
  recommend_service_options.metrics = &metrics;
  recommend::RecommendService recommend_service(*db, recommend_service_options);
  recommend::EventViewSource view_source(*db);
  recommend_service.set_view_source(&view_source);
  recommend::WorkerOptions recommend_options;
  recommend_options.schedule = !options.no_worker;
  recommend::RecommendWorker recommend_worker(recommend_service, recommend_options);
  recommend::OrderRecommendListener recommend_listener(recommend_worker);
  order_service.add_listener(recommend_listener);
  recommend::BrowsePoller browse_poller(
      *db, [&recommend_worker](std::int64_t customer_id) {
        recommend_worker.customer_changed(customer_id);
      });
  recommend::add_recommend_routes(router, recommend_service, recommend_worker);
  recommend::add_snippet_recommendation_routes(
      router, recommend_service, [&event_service](const std::string& key) -> Status {
        auto resolved = event_service.resolve_write_key(key);
        if (!resolved.ok()) return std::move(resolved).error();
        return {};
      });

  http::StaticFiles static_files(find_web_root(options.web_root));
  http::Dispatcher dispatcher(router, authenticator, &authenticator, &static_files, metrics,
                              http::DispatcherOptions{options.body_limit, !options.no_access_log});
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<std::uint16_t>(options.port);
  server_options.io_threads = options.threads;
  server_options.worker_threads = workers;
  http::Server server(server_options, dispatcher);
  std::uint16_t port = 0;
  try {
    port = server.bind();
  } catch (const std::exception& e) {
    std::cerr << "ecrm: cannot listen on " << options.host << ":" << options.port << ": "
              << e.what() << "\n";
    return kExitFailure;
  }
  analytics_worker.start();
  recommend_worker.start();
  if (!options.no_worker) {
    if (auto started = browse_poller.start(); !started.ok()) {
      spdlog::warn("recommend: cannot follow the events log: {}", started.error().message);
    }
  }
  server.run([&] {
    spdlog::info("ecrm {} serving http://{}:{}/ ({} database, {} routes)", ECRM_VERSION,
                 options.host, port, storage::to_string(db->backend()), router.routes().size());
  });
  browse_poller.stop();
  recommend_worker.stop();
  analytics_worker.stop();
  access_logger()->flush();
  return kExitOk;
}

const CommandRegistration kServe{10, [](CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve the web UI and the JSON API");
  add_db_option(*cmd, &options->db);
  cmd->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", options->port, "Port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--threads", options->threads, "I/O threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--workers", options->workers,
                  "Worker threads for database work (default: 4 per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--web-root", options->web_root, "Directory of the built web UI (web/dist)");
  cmd->add_option("--body-limit", options->body_limit, "Largest request body in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 31));
  cmd->add_flag("--no-access-log", options->no_access_log, "Do not log every request");
  cmd->add_flag("--secure-cookies", options->secure_cookies,
                "Mark the session cookie Secure (when served over HTTPS)");
  cmd->add_option("--cart-abandon-after", options->cart_abandon_after_s,
                  "Seconds without activity after which a cart with items counts as abandoned")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 90.0 * 86400));
  cmd->add_option("--recommend-cache-mb", options->recommend_cache_mb,
                  "Memory for personal recommendation lists served without a database read "
                  "(MiB; 0 turns the cache off)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 20));
  cmd->add_option("--recommend-cache-ttl", options->recommend_cache_ttl_s,
                  "Seconds after which a list in memory is read again from the database, for "
                  "lists written by other processes; it is served while it is read, and never "
                  "after twice this")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 86400.0));
  cmd->add_flag("--no-worker", options->no_worker, "Do not run background jobs in this process");
  cmd->callback([options] { exit_code() = serve(*options); });
}};

}  // namespace
}  // namespace ecrm::cli
