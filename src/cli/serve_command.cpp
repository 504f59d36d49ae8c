// `ecrm serve`: opens the database, applies migrations, makes sure an admin exists, builds the
// application (cli/app.hpp) and serves it until SIGTERM. `ecrm worker`: the same application's
// background work only, without the HTTP server, until SIGTERM.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "automation/scheduler.hpp"
#include "cli/app.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "cli/secrets.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/dispatcher.hpp"
#include "http/idempotency.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"

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
  bool trust_proxy = false;
  std::string metrics_allow = "127.0.0.0/8,::1";
  std::string metrics_token;
  bool no_worker = false;
  double job_lease_s = 60;
  int slow_statement_ms = 0;
  std::int64_t sqlite_mmap_mib = 0;
  double test_job_delay_s = 0;
  std::size_t recommend_cache_mb = 128;
  double recommend_cache_ttl_s = 30;
  double cart_abandon_after_s = 3600;
  int feedback_every_minutes = 10;
  std::int64_t feedback_rise_min_count = 3;
  double feedback_rise_ratio = 2.0;
  double feedback_negative_jump = 0.2;
  std::int64_t feedback_negative_min_texts = 5;
  int referral_window_days = 30;
  int referral_return_window_days = 30;
  std::int64_t referral_reward = 1000;
  int lead_accept_days = 3;
  double lead_expiry_every_s = 600;
  int chat_max_per_agent = 5;
  double chat_visitor_grace_s = 120;
  int socket_idle_timeout_s = 60;
  std::string smtp_url;
  std::string smtp_user;
  std::string smtp_password_file;
  std::string imap_url;
  std::string imap_user;
  std::string imap_password_file;
  double imap_every_s = 60;
  int nps_every_days = 90;
  int smtp_connections = 2;
  double smtp_first_retry_s = 30;
  double smtp_lease_s = 120;
  std::string delivery_journal;
  std::string mail_from = "Shop <shop@example.com>";
  std::string shop_name = "Shop";
  std::string public_url;
  std::string time_zone;
  double automation_every_s = 5;
  std::string quiet_hours;
  double webhook_retry_after_s = 30;
  int message_log_days = 400;
  int event_retention_days = 760;
  double social_retry_after_s = 30;
  double partner_webhook_retry_after_s = 30;
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

// `ecrm worker`: runs the background work of `app` until SIGTERM or SIGINT.
int run_worker(App& app, const storage::Database& db) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before start(): its threads inherit it
  app.start();
  spdlog::info("ecrm {} worker running ({} database)", ECRM_VERSION,
               storage::to_string(db.backend()));
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("ecrm worker: stopping");
  app.stop();
  return kExitOk;
}

int serve(const ServeOptions& options, bool worker_only) {
  UnixMs started_at = now_ms();
  auto metrics_allow = http::AddressList::parse(options.metrics_allow);
  if (!metrics_allow.ok()) {
    std::cerr << "ecrm: --metrics-allow: " << metrics_allow.error().message << "\n";
    return kExitBadInput;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  int workers = options.workers > 0 ? options.workers : static_cast<int>(4 * cores);
  storage::DatabaseOptions db_options;
  db_options.max_connections = workers + 4;
  db_options.slow_statement_ms = options.slow_statement_ms;
  db_options.sqlite_mmap_bytes = options.sqlite_mmap_mib * 1024 * 1024;
  auto db = open_and_migrate(resolve_db_url(options.db), db_options);
  if (!db) return kExitFailure;
  if (secret_key_file().empty()) {
    spdlog::warn(
        "no --secret-key-file: webhook, two-factor and social channel secrets are stored in the "
        "database in clear");
  }

  if (auto zone = automation::local_date(options.time_zone, now_ms()); !zone.ok()) {
    std::cerr << "ecrm: --time-zone: " << zone.error().message << "\n";
    return kExitBadInput;
  }
  std::string smtp_password;
  if (!options.smtp_password_file.empty()) {
    std::ifstream in(options.smtp_password_file);
    if (!in || !std::getline(in, smtp_password)) {
      std::cerr << "ecrm: cannot read the SMTP password from " << options.smtp_password_file
                << "\n";
      return kExitFailure;
    }
  }
  std::string imap_password;
  if (!options.imap_password_file.empty()) {
    std::ifstream in(options.imap_password_file);
    if (!in || !std::getline(in, imap_password)) {
      std::cerr << "ecrm: cannot read the IMAP password from " << options.imap_password_file << "\n";
      return kExitFailure;
    }
  }
  MetricsRegistry metrics;
  App app(*db, metrics,
          AppOptions{.version = ECRM_VERSION,
                     .started_at = started_at,
                     .secure_cookies = options.secure_cookies,
                     .metrics_allow = std::move(metrics_allow).value(),
                     .metrics_token = options.metrics_token,
                     .run_workers = worker_only || !options.no_worker,
                     .job_mode = worker_only          ? JobMode::kWorker
                                 : options.no_worker ? JobMode::kEnqueue
                                                     : JobMode::kInProcess,
                     .job_lease_s = options.job_lease_s,
                     .test_job_delay_s = options.test_job_delay_s,
                     .recommend_cache_mb = options.recommend_cache_mb,
                     .recommend_cache_ttl_s = options.recommend_cache_ttl_s,
                     .cart_abandon_after_s = options.cart_abandon_after_s,
                     .feedback_every_minutes = options.feedback_every_minutes,
                     .feedback_rise_min_count = options.feedback_rise_min_count,
                     .feedback_rise_ratio = options.feedback_rise_ratio,
                     .feedback_negative_jump = options.feedback_negative_jump,
                     .feedback_negative_min_texts = options.feedback_negative_min_texts,
                     .referral_window_days = options.referral_window_days,
                     .referral_return_window_days = options.referral_return_window_days,
                     .referral_reward = options.referral_reward,
                     .lead_accept_days = options.lead_accept_days,
                     .lead_expiry_every_ms = static_cast<int>(options.lead_expiry_every_s * 1000.0),
                     .chat_max_per_agent = options.chat_max_per_agent,
                     .chat_visitor_grace_s = options.chat_visitor_grace_s,
                     .smtp_url = options.smtp_url,
                     .smtp_user = options.smtp_user,
                     .smtp_password = smtp_password,
                     .smtp_connections = options.smtp_connections,
                     .smtp_first_retry_s = options.smtp_first_retry_s,
                     .smtp_lease_s = options.smtp_lease_s,
                     .delivery_journal = options.delivery_journal,
                     .mail_from = options.mail_from,
                     .shop_name = options.shop_name,
                     .public_url = options.public_url.empty()
                                       ? "http://" + options.host + ":" + std::to_string(options.port)
                                       : options.public_url,
                     .time_zone = options.time_zone,
                     .automation_every_ms = static_cast<int>(options.automation_every_s * 1000.0),
                     .quiet_hours = options.quiet_hours,
                     .webhook_retry_after_s = options.webhook_retry_after_s,
                     .message_log_days = options.message_log_days,
                     .event_retention_days = options.event_retention_days,
                     .imap_url = options.imap_url,
                     .imap_user = options.imap_user,
                     .imap_password = imap_password,
                     .imap_every_s = options.imap_every_s,
                     .nps_every_days = options.nps_every_days,
                     .social_retry_after_s = options.social_retry_after_s,
                     .partner_webhook_retry_after_s = options.partner_webhook_retry_after_s,
                     .database_url = resolve_db_url(options.db)});
  if (worker_only) return run_worker(app, *db);
  if (!app.prepare_first_admin()) return kExitFailure;
  http::Router router;
  app.add_routes(router);

  http::StaticFiles static_files(find_web_root(options.web_root));
  http::SqlIdempotencyStore idempotency(*db);
  http::Dispatcher dispatcher(router, app.authenticator(), &app.audit(), &static_files, metrics,
                              http::DispatcherOptions{options.body_limit, !options.no_access_log,
                                                      options.trust_proxy, &idempotency});
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<std::uint16_t>(options.port);
  server_options.io_threads = options.threads;
  server_options.worker_threads = workers;
  server_options.socket_idle_timeout_s = options.socket_idle_timeout_s;
  http::Server server(server_options, dispatcher);
  std::uint16_t port = 0;
  try {
    port = server.bind();
  } catch (const std::exception& e) {
    std::cerr << "ecrm: cannot listen on " << options.host << ":" << options.port << ": "
              << e.what() << "\n";
    return kExitFailure;
  }
  app.start();
  server.run([&] {
    spdlog::info("ecrm {} serving http://{}:{}/ ({} database, {} routes)", ECRM_VERSION,
                 options.host, port, storage::to_string(db->backend()), router.routes().size());
  });
  app.stop();
  access_logger()->flush();
  return kExitOk;
}

// The options of `ecrm serve`, which `ecrm worker` takes too (there the HTTP server's are unused).
void add_serve_options(CLI::App* cmd, const std::shared_ptr<ServeOptions>& options) {
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
  cmd->add_flag("--trust-proxy", options->trust_proxy,
                "Behind a reverse proxy: take the client address from X-Forwarded-For (its last "
                "entry) and mark cookies Secure when X-Forwarded-Proto is https. Without it both "
                "headers are ignored");
  cmd->add_option("--metrics-allow", options->metrics_allow,
                  "Addresses and networks (CIDR, comma-separated) that may read /metrics without "
                  "a token; \"\" for none")
      ->capture_default_str()
      ->envname("ECRM_METRICS_ALLOW");
  cmd->add_option("--metrics-token", options->metrics_token,
                  "A bearer token that lets any address read /metrics (Authorization: Bearer "
                  "TOKEN, as Prometheus' bearer_token_file sends it)")
      ->envname("ECRM_METRICS_TOKEN");
  cmd->add_option("--cart-abandon-after", options->cart_abandon_after_s,
                  "Seconds without activity after which a cart with items counts as abandoned")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 90.0 * 86400));
  cmd->add_option("--feedback-every-minutes", options->feedback_every_minutes,
                  "Minutes between feedback mining runs (texts new or changed since the last run)")
      ->capture_default_str()
      ->check(CLI::Range(1, 7 * 24 * 60));
  cmd->add_option("--feedback-rise-min-count", options->feedback_rise_min_count,
                  "Texts of the last seven days naming a product's issue for it to be rising")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--feedback-rise-ratio", options->feedback_rise_ratio,
                  "Times the average of the four weeks before that a rising issue's texts are")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1000.0));
  cmd->add_option("--feedback-negative-jump", options->feedback_negative_jump,
                  "Rise of a product's negative share (0 to 1) over the four weeks before that "
                  "raises an alert")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--feedback-negative-min-texts", options->feedback_negative_min_texts,
                  "Texts of the last seven days a product needs for its negative share to count")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--referral-window-days", options->referral_window_days,
                  "Days after a visit through a referral link within which a sign-up is attributed")
      ->capture_default_str()
      ->check(CLI::Range(1, 365));
  cmd->add_option("--referral-return-window-days", options->referral_return_window_days,
                  "Days a referred customer's delivered order must go unreturned before its "
                  "referrer is credited")
      ->capture_default_str()
      ->check(CLI::Range(0, 365));
  cmd->add_option("--lead-accept-days", options->lead_accept_days,
                  "Days a partner has to accept a lead routed to it before the lead is overdue "
                  "(and may be routed on or expired)")
      ->capture_default_str()
      ->check(CLI::Range(0, 365));
  cmd->add_option("--lead-expiry-every", options->lead_expiry_every_s,
                  "Seconds between the background runs that expire the leads not accepted "
                  "within --lead-accept-days (as POST /api/v1/leads/expire does by hand)")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--referral-reward", options->referral_reward,
                  "Credit per referred customer, in minor units of the order's currency")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
  cmd->add_option("--chat-max-per-agent", options->chat_max_per_agent,
                  "Live chats an agent holds at once; more wait for the first agent to free up")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--chat-visitor-grace", options->chat_visitor_grace_s,
                  "Seconds a live chat stays open after its visitor left every page (a page "
                  "change or a reload comes back to it); then it ends and its transcript is stored")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--socket-idle-timeout", options->socket_idle_timeout_s,
                  "Seconds a WebSocket may stay silent (the server pings it at half of this) "
                  "before it is closed")
      ->capture_default_str()
      ->check(CLI::Range(2, 86400));
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
  cmd->add_flag("--no-worker", options->no_worker,
                "Run no schedules, pollers or outgoing mail in this process: the recomputation "
                "and rebuild a request asks for are queued for `ecrm worker`, which runs them, the "
                "schedules, the events poller and the outgoing mail");
  cmd->add_option("--slow-statement-ms", options->slow_statement_ms,
                  "Log every SQL statement that runs this many milliseconds or longer, with its "
                  "time, rows and text (not its parameters); 0 logs none")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600000));
  cmd->add_option("--sqlite-mmap-mib", options->sqlite_mmap_mib,
                  "SQLite: read up to this many MiB of the database through a memory map. Each "
                  "connection maps the file anew whenever another one has written since its last "
                  "read, so under steady writes the map costs more than it saves; a node that "
                  "is mostly read may gain from it")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 20));
  cmd->add_option("--job-lease", options->job_lease_s,
                  "Seconds a worker holds a job it claimed, renewed every third of it while the "
                  "job runs; a job whose worker died is taken over once this has passed")
      ->capture_default_str()
      ->check(CLI::Range(0.3, 3600.0));
  cmd->add_option("--smtp-url", options->smtp_url,
                  "The relay outgoing mail goes through: smtp://host:port (STARTTLS when offered) "
                  "or smtps://host:port; without it messages are queued and not sent")
      ->envname("ECRM_SMTP_URL");
  cmd->add_option("--smtp-user", options->smtp_user, "User name for SMTP AUTH")
      ->envname("ECRM_SMTP_USER");
  cmd->add_option("--smtp-password-file", options->smtp_password_file,
                  "File whose first line is the SMTP AUTH password")
      ->envname("ECRM_SMTP_PASSWORD_FILE");
  cmd->add_option("--smtp-connections", options->smtp_connections,
                  "SMTP connections the delivery worker keeps open")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--smtp-retry-after", options->smtp_first_retry_s,
                  "Seconds before a message the relay deferred (4xx) or could not take is tried "
                  "again; doubled on each attempt, at most an hour")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--smtp-lease", options->smtp_lease_s,
                  "Seconds a delivery thread holds the messages it claimed; messages held by a "
                  "server that died (a crash, a kill) are sent again once this has passed, with "
                  "the same Message-ID. Longer than a batch of messages takes to send")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--delivery-journal", options->delivery_journal,
                  "File where the delivery worker records each message's outcome as the relay "
                  "answers, folded into the outbox once per batch and, after a crash, at the next "
                  "start (FILE and FILE.N; one process at a time, locked). Default: next to the "
                  "database file on SQLite (DB-delivery); none on PostgreSQL, where each outcome "
                  "is then committed before the next message. \"none\": no journal. Keep it on "
                  "the machine that restarts this server")
      ->envname("ECRM_DELIVERY_JOURNAL");
  cmd->add_option("--mail-from", options->mail_from, "From: of outgoing mail, \"Shop <shop@example.com>\"")
      ->capture_default_str()
      ->envname("ECRM_MAIL_FROM");
  cmd->add_option("--shop-name", options->shop_name, "How messages name the shop")
      ->capture_default_str()
      ->envname("ECRM_SHOP_NAME");
  cmd->add_option("--time-zone", options->time_zone,
                  "The shop's time zone (IANA, e.g. Asia/Shanghai) for birthdays and the daily "
                  "run (default: the system's)")
      ->envname("ECRM_TIME_ZONE");
  cmd->add_option("--automation-every", options->automation_every_s,
                  "Seconds between the flow worker's looks for work: abandoned carts, order "
                  "status changes, followed products, waits that are over, scheduled campaigns")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--webhook-retry-after", options->webhook_retry_after_s,
                  "Seconds before a flow's webhook call that failed is tried again; doubled on "
                  "each attempt, at most an hour, 8 attempts")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--social-retry-after", options->social_retry_after_s,
                  "Seconds before a reply to a social mention whose post failed is tried again; "
                  "doubled on each attempt, at most an hour, 8 attempts")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--partner-webhook-retry-after", options->partner_webhook_retry_after_s,
                  "Seconds before a partner webhook delivery that failed is tried again; doubled "
                  "on each attempt, at most an hour, 8 attempts")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_option("--message-log-days", options->message_log_days,
                  "Days sent messages and their opens, clicks and replies are kept one by one; "
                  "older ones are counted per day, flow and outcome, then deleted (daily)")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  cmd->add_option("--event-retention-days", options->event_retention_days,
                  "Days visitor events are kept one by one; older days are counted per type and "
                  "currency, then deleted (daily); 0 keeps every event")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  cmd->add_option("--quiet-hours", options->quiet_hours,
                  "Hours in the shop's time zone when marketing mail waits, HH:MM-HH:MM (e.g. "
                  "21:00-08:00); order and service mail still goes")
      ->envname("ECRM_QUIET_HOURS")
      ->check([](const std::string& v) -> std::string {
        auto ok = [](const std::string& t) {
          return t.size() == 5 && t[2] == ':' && std::isdigit(static_cast<unsigned char>(t[0])) &&
                 std::isdigit(static_cast<unsigned char>(t[1])) &&
                 std::isdigit(static_cast<unsigned char>(t[3])) &&
                 std::isdigit(static_cast<unsigned char>(t[4])) && std::stoi(t.substr(0, 2)) < 24 &&
                 std::stoi(t.substr(3, 2)) < 60;
        };
        const auto dash = v.find('-');
        if (v.empty() || (dash != std::string::npos && ok(v.substr(0, dash)) && ok(v.substr(dash + 1)))) {
          return {};
        }
        return "must be HH:MM-HH:MM";
      });
  cmd->add_option("--public-url", options->public_url,
                  "The URL customers reach this server at, for links in messages (default: "
                  "http://HOST:PORT)")
      ->envname("ECRM_PUBLIC_URL");
  cmd->add_option("--imap-url", options->imap_url,
                  "An IMAP mailbox of service mail to poll (imaps://mail.example.com/INBOX): its "
                  "unseen messages are taken in as `ecrm mail-in` takes them, then marked seen")
      ->envname("ECRM_IMAP_URL");
  cmd->add_option("--imap-user", options->imap_user, "User name for the IMAP login")
      ->envname("ECRM_IMAP_USER");
  cmd->add_option("--imap-password-file", options->imap_password_file,
                  "File whose first line is the IMAP password")
      ->envname("ECRM_IMAP_PASSWORD_FILE");
  cmd->add_option("--imap-every", options->imap_every_s, "Seconds between two polls of the mailbox")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--nps-every-days", options->nps_every_days,
                  "Days before a buyer is asked the NPS question again (the daily run asks "
                  "buyers with e-mail consent)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
}

const CommandRegistration kServe{10, [](CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve the web UI and the JSON API");
  add_serve_options(cmd, options);
  cmd->callback([options] { exit_code() = serve(*options, false); });
}};

const CommandRegistration kWorker{11, [](CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "worker",
      "Run the background work only, without the web UI and the API: queued and scheduled "
      "recomputations and rebuilds, refreshes, the events poller, outgoing mail and flows");
  add_serve_options(cmd, options);
  cmd->add_option("--test-job-delay", options->test_job_delay_s,
                  "For tests only: seconds a claimed job waits, its lease renewed, before it "
                  "runs, so that a test can kill the worker in the middle of a job")
      ->check(CLI::Range(0.0, 3600.0));
  cmd->callback([options] { exit_code() = serve(*options, true); });
}};

}  // namespace
}  // namespace ecrm::cli
