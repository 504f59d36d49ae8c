// The composition root: every capability's service, its background workers and its routes,
// wired together once. `ecrm serve` runs it behind the HTTP server; `ecrm openapi` builds it to
// print the API document without serving.
#pragma once

#include <memory>
#include <string>

#include "core/job_queue.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "http/principal.hpp"
#include "http/router.hpp"
#include "http/security.hpp"
#include "storage/database.hpp"

namespace ecrm::cli {

struct AppOptions {
  std::string version;
  UnixMs started_at = 0;
  bool secure_cookies = false;
  // Who may read /metrics: these addresses, or anyone with this bearer token (when set).
  http::AddressList metrics_allow = http::AddressList::loopback();
  std::string metrics_token;
  bool run_workers = true;  // schedule background jobs and follow the events log in this process
  // Where the analytics recomputation and the recommendation rebuild run (core/job_queue.hpp):
  // here when asked (the default), queued for `ecrm worker` (`serve --no-worker`), or claimed
  // from the jobs table (`ecrm worker`), under leases of job_lease_s renewed while they run.
  JobMode job_mode = JobMode::kInProcess;
  double job_lease_s = 60;
  double test_job_delay_s = 0;  // tests only: a claimed job waits this long before it runs
  std::size_t recommend_cache_mb = 128;
  double recommend_cache_ttl_s = 30;
  double cart_abandon_after_s = 3600;
  // Feedback mining: a run every this many minutes; the thresholds of its alerts.
  int feedback_every_minutes = 10;
  std::int64_t feedback_rise_min_count = 3;   // texts this week an issue needs to rise
  double feedback_rise_ratio = 2.0;           // times the trailing weekly average
  double feedback_negative_jump = 0.2;        // rise of the negative share that is a jump
  std::int64_t feedback_negative_min_texts = 5;  // texts this week a share needs
  int referral_window_days = 30;         // a sign-up attributed this long after the visit
  int referral_return_window_days = 30;  // a delivered order unreturned this long credits
  std::int64_t referral_reward = 1000;   // credit per referred customer, minor units
  int lead_accept_days = 3;  // a partner lead routed and not accepted this long is overdue
  int lead_expiry_every_ms = 600'000;  // how often overdue partner leads are expired
  int chat_max_per_agent = 5;        // live chats an agent holds at once
  double chat_visitor_grace_s = 120;  // a chat whose visitor left every page ends after this
  // Outgoing mail: without an SMTP URL messages are queued and not sent.
  std::string smtp_url;
  std::string smtp_user;
  std::string smtp_password;
  int smtp_connections = 2;
  double smtp_first_retry_s = 30;  // after a 4xx or a lost connection; doubled on each attempt
  double smtp_lease_s = 120;       // how long a delivery thread holds the messages it claimed
  std::string delivery_journal;    // the outcome journal; empty: the default, "none": none
  std::string mail_from = "Shop <shop@example.com>";
  std::string shop_name = "Shop";  // how messages name the shop
  std::string public_url = "http://127.0.0.1:8080";  // where links in messages point
  std::string time_zone;  // the shop's (IANA); empty: the system's
  int automation_every_ms = 5000;  // how often the flow worker looks for work
  int sla_every_ms = 5000;         // how often the SLA worker looks for warnings and breaches
  std::string quiet_hours;         // "21:00-08:00": marketing mail waits; empty: none
  double webhook_retry_after_s = 30;  // a failed webhook call is tried again after this, doubling
  int message_log_days = 400;  // the message log's rows are counted per day and deleted after
  int event_retention_days = 760;  // raw events are counted per day and deleted after; 0: kept
  // Service mail from an IMAP mailbox (imaps://host/INBOX); empty: no polling.
  std::string imap_url;
  std::string imap_user;
  std::string imap_password;
  double imap_every_s = 60;
  int nps_every_days = 90;  // a buyer is asked the NPS question again after this
  double social_retry_after_s = 30;  // a reply to a mention whose post failed, doubling
  double partner_webhook_retry_after_s = 30;  // a failed partner webhook delivery, doubling
  // The database's URL, to follow other processes' cache invalidations (storage/invalidation.hpp)
  // from start(); empty: caches see other processes' writes only after their TTL.
  std::string database_url;
};

class App {
 public:
  // Constructs the services over `db` (migrated). Starts nothing.
  App(storage::Database& db, MetricsRegistry& metrics, const AppOptions& options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Adds every route of the API. Throws std::logic_error when a route asks for a scope the
  // access table (auth/access.hpp) does not know, or documents no response type (only 204s and
  // redirects may): programmer errors caught at start-up.
  void add_routes(http::Router& router);

  // Starts the background workers (and, when run_workers, the events-log poller); stop() ends
  // them. stop() is idempotent and also called by the destructor.
  void start();
  void stop();

  http::Authenticator& authenticator();
  http::AuditSink& audit();
  // Makes sure an admin exists (ECRM_ADMIN_EMAIL / ECRM_ADMIN_PASSWORD), printing a generated
  // password once, and prunes expired sessions. False when no admin can be created.
  bool prepare_first_admin();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace ecrm::cli
