#include "cli/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "advisor/customer_records.hpp"
#include "advisor/http_routes.hpp"
#include "advisor/service.hpp"
#include "analytics/customer_records.hpp"
#include "analytics/economics.hpp"
#include "analytics/http_routes.hpp"
#include "analytics/service.hpp"
#include "analytics/worker.hpp"
#include "auth/access.hpp"
#include "automation/http_routes.hpp"
#include "automation/scheduler.hpp"
#include "automation/service.hpp"
#include "auth/authenticator.hpp"
#include "auth/http_routes.hpp"
#include "auth/portal.hpp"
#include "auth/service.hpp"
#include "catalog/configuration_routes.hpp"
#include "catalog/http_routes.hpp"
#include "catalog/search.hpp"
#include "catalog/service.hpp"
#include "community/customer_records.hpp"
#include "community/http_routes.hpp"
#include "community/service.hpp"
#include "customers/http_routes.hpp"
#include "customers/search.hpp"
#include "customers/service.hpp"
#include "events/customer_records.hpp"
#include "events/http_routes.hpp"
#include "events/service.hpp"
#include "exchange/exporter.hpp"
#include "exchange/http_routes.hpp"
#include "exchange/importer.hpp"
#include "exchange/jobs.hpp"
#include "feedback/http_routes.hpp"
#include "feedback/sentiment.hpp"
#include "feedback/service.hpp"
#include "feedback/worker.hpp"
#include "home/http_routes.hpp"
#include "home/service.hpp"
#include "http/system_routes.hpp"
#include "messaging/customer_records.hpp"
#include "messaging/delivery.hpp"
#include "messaging/http_routes.hpp"
#include "messaging/service.hpp"
#include "notices/http_routes.hpp"
#include "notices/service.hpp"
#include "orders/customer_records.hpp"
#include "orders/http_routes.hpp"
#include "orders/search.hpp"
#include "orders/service.hpp"
#include "partners/api_keys.hpp"
#include "partners/api_routes.hpp"
#include "partners/http_routes.hpp"
#include "partners/leads_routes.hpp"
#include "partners/leads_service.hpp"
#include "partners/leads_worker.hpp"
#include "partners/webhooks.hpp"
#include "partners/service.hpp"
#include "portal/http_routes.hpp"
#include "portal/service.hpp"
#include "referrals/http_routes.hpp"
#include "referrals/service.hpp"
#include "recommend/browse_poller.hpp"
#include "recommend/customer_records.hpp"
#include "recommend/event_views.hpp"
#include "recommend/http_routes.hpp"
#include "recommend/service.hpp"
#include "recommend/worker.hpp"
#include "search/http_routes.hpp"
#include "search/segment.hpp"
#include "search/service.hpp"
#include "service/attachments.hpp"
#include "service/chat.hpp"
#include "service/chat_routes.hpp"
#include "service/chat_store.hpp"
#include "service/customer_records.hpp"
#include "service/http_routes.hpp"
#include "service/imap.hpp"
#include "service/inbound.hpp"
#include "service/service.hpp"
#include "service/sla_worker.hpp"
#include "service/survey_routes.hpp"
#include "social/customer_records.hpp"
#include "social/http_routes.hpp"
#include "social/reply_worker.hpp"
#include "social/service.hpp"
#include "storage/job_queue.hpp"

namespace ecrm::cli {

namespace {

recommend::RecommendOptions recommend_options(const AppOptions& options,
                                              MetricsRegistry& metrics) {
  recommend::RecommendOptions out;
  out.list_cache.max_bytes = options.recommend_cache_mb << 20;
  out.list_cache.ttl_ms = static_cast<UnixMs>(options.recommend_cache_ttl_s * 1000.0);
  out.metrics = &metrics;
  return out;
}

messaging::MessagingOptions messaging_options(const AppOptions& options) {
  messaging::MessagingOptions out;
  out.mail_from = options.mail_from;
  out.shop_name = options.shop_name;
  out.base_url = options.public_url;
  while (!out.base_url.empty() && out.base_url.back() == '/') out.base_url.pop_back();
  out.time_zone = options.time_zone;
  out.log_days = options.message_log_days;
  if (const auto dash = options.quiet_hours.find('-'); dash != std::string::npos) {
    out.quiet_from = options.quiet_hours.substr(0, dash);
    out.quiet_until = options.quiet_hours.substr(dash + 1);
  }
  return out;
}

messaging::DeliveryOptions delivery_options(const AppOptions& options) {
  messaging::DeliveryOptions out;
  out.smtp = {options.smtp_url, options.smtp_user, options.smtp_password};
  out.connections = options.smtp_connections;
  out.first_retry_ms = static_cast<UnixMs>(options.smtp_first_retry_s * 1000.0);
  out.lease_ms = static_cast<UnixMs>(options.smtp_lease_s * 1000.0);
  out.journal = options.delivery_journal;
  return out;
}

// Inbound service mail: the shop's sending address is its own (mail from it opens no ticket).
service::InboundOptions inbound_options(const AppOptions& options) {
  service::InboundOptions out;
  std::string address = options.mail_from;
  if (const auto open = address.find('<'), close = address.find('>'); open != std::string::npos &&
                                                                      close != std::string::npos && close > open) {
    address = address.substr(open + 1, close - open - 1);
  }
  if (!address.empty()) out.own_addresses.push_back(address);
  return out;
}

// Social listening: mentions scored by feedback's sentiment scorer, their topics from the search
// layer's word segmenter (the words as written, not their stems), replies retried after the
// configured delay.
social::SocialOptions social_options(const AppOptions& options) {
  social::SocialOptions out;
  out.score = [](const std::string& text) {
    const auto s = feedback::SentimentScorer::shared().score(text);
    social::Scored scored;
    scored.score = s.score;
    scored.sentiment = s.polarity == feedback::Polarity::kPositive   ? social::Sentiment::kPositive
                       : s.polarity == feedback::Polarity::kNegative ? social::Sentiment::kNegative
                                                                     : social::Sentiment::kNeutral;
    return scored;
  };
  out.words = [](const std::string& text) {
    std::vector<std::string> words;
    for (const auto& w : search::Segmenter::shared().words(text)) {
      if (w.end > w.begin && w.end <= text.size()) words.push_back(text.substr(w.begin, w.end - w.begin));
    }
    return words;
  };
  out.first_retry_ms = static_cast<UnixMs>(options.social_retry_after_s * 1000.0);
  return out;
}

service::ImapOptions imap_options(const AppOptions& options) {
  service::ImapOptions out;
  out.url = options.imap_url;
  out.user = options.imap_user;
  out.password = options.imap_password;
  out.poll_seconds = options.imap_every_s;
  return out;
}

feedback::MiningOptions feedback_options(const AppOptions& options) {
  feedback::MiningOptions out;
  out.rise.min_count = options.feedback_rise_min_count;
  out.rise.ratio = options.feedback_rise_ratio;
  out.rise.negative_jump = options.feedback_negative_jump;
  out.rise.min_texts = options.feedback_negative_min_texts;
  return out;
}

template <typename Options>
Options scheduled(const AppOptions& options, JobQueue& queue) {
  Options out;
  out.schedule = options.run_workers;
  out.mode = options.job_mode;
  out.queue = &queue;
  out.lease = std::chrono::milliseconds(static_cast<std::int64_t>(options.job_lease_s * 1000.0));
  out.test_delay =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.test_job_delay_s * 1000.0));
  return out;
}

ModelWorkerOptions feedback_schedule(const AppOptions& options, JobQueue& queue) {
  ModelWorkerOptions out = scheduled<ModelWorkerOptions>(options, queue);
  out.interval = std::chrono::minutes(options.feedback_every_minutes);
  return out;
}

}  // namespace

// Members in construction order: each is built from the ones above it.
struct App::Parts {
  Parts(storage::Database& db_, MetricsRegistry& metrics_, const AppOptions& options_)
      : db(db_),
        metrics(metrics_),
        options(options_),
        auth_service(db),
        portal_auth(db),
        authenticator(auth_service, std::chrono::seconds(30), &portal_auth),
        catalog_service(db),
        configuration_service(db),
        customer_service(db),
        order_service(db),
        importer(db, customer_service, catalog_service),
        import_jobs(db, importer),
        exporter(db),
        analytics_service(db),
        economics_service(db),
        analytics_worker(analytics_service,
                         scheduled<analytics::AnalyticsWorkerOptions>(options, job_queue)),
        analytics_listener(analytics_worker),
        feedback_mining(db, feedback_options(options)),
        feedback_worker(feedback_mining, feedback_schedule(options, job_queue)),
        event_service(db,
                      events::EventServiceOptions{
                          .abandon_after = static_cast<UnixMs>(options.cart_abandon_after_s * 1000.0),
                          .retention_days = options.event_retention_days},
                      &metrics),
        recommend_service(db, recommend_options(options, metrics)),
        view_source(db),
        recommend_worker(recommend_service,
                         scheduled<recommend::RecommendWorkerOptions>(options, job_queue)),
        recommend_listener(recommend_worker),
        browse_poller(db, [this](std::int64_t customer_id) {
          recommend_worker.customer_changed(customer_id);
        }),
        messaging_service(db, messaging_options(options)),
        delivery(db, messaging_service, delivery_options(options)),
        automation_service(db, messaging_service, recommend_service, catalog_service,
                           automation::AutomationOptions{
                               options.time_zone,
                               static_cast<UnixMs>(options.cart_abandon_after_s * 1000.0),
                               static_cast<UnixMs>(options.webhook_retry_after_s * 1000.0)}),
        daily_runs(db, automation_service,
                   automation::SchedulerOptions{.time_zone = options.time_zone,
                                                .work_every_ms = options.automation_every_ms}),
        home_service(db, home::HomeOptions{options.time_zone,
                                           static_cast<UnixMs>(options.cart_abandon_after_s *
                                                               1000.0)}) {
    daily_runs.on_run([this](const automation::RunSummary&) {
      if (auto asked = surveys.ask_nps(now_ms()); !asked.ok()) {
        spdlog::warn("service: the NPS survey pass failed: {}", asked.error().message);
      } else if (asked->asked > 0) {
        spdlog::info("service: asked {} buyers the NPS question", asked->asked);
      }
      delivery.wake();
      if (auto aged = messaging_service.age_log(std::nullopt); !aged.ok()) {
        spdlog::warn("messaging: ageing the message log failed: {}", aged.error().message);
      } else if (aged->messages > 0 || aged->events > 0) {
        spdlog::info("messaging: aged the message log: {} messages, {} events", aged->messages,
                     aged->events);
      }
      if (auto aged = event_service.age(std::nullopt); !aged.ok()) {
        spdlog::warn("events: ageing the event log failed: {}", aged.error().message);
      } else if (aged->events > 0) {
        spdlog::info("events: aged {} events of {} days into daily counts", aged->events, aged->days);
      }
    });
    daily_runs.on_work([this] { delivery.wake(); });
    // Surveys: CSAT when a ticket is solved; NPS of buyers with the daily run.
    service_desk.on_solved([this](storage::Connection& c, const service::Ticket& t, UnixMs now) {
      return surveys.ticket_solved(c, t, now);
    });
    // Other capabilities' records on the customer: merges move them, the timeline, the
    // summary, the privacy export and erasure reach them.
    customer_service.attach(order_records);
    customer_service.attach(event_records);
    customer_service.attach(visitor_records);
    customer_service.attach(message_records);
    customer_service.attach(service_records);
    customer_service.attach(survey_records);
    customer_service.attach(social_records);
    customer_service.attach(community_records);
    customer_service.attach(advisor_records);
    customer_service.attach(score_records);
    customer_service.attach(recommend_records);
    // Customer-list filters (the list, campaigns' audiences) may name advisor answers.
    customer_service.add_query_check(
        [this](const customers::CustomerQuery& q) { return advisor_service.check_condition(q); });
    automation_service.set_audience_check(
        [this](const customers::CustomerQuery& q) { return customer_service.check_query(q); });
    // Order events rescore the customer and refresh their recommendations.
    order_service.add_listener(analytics_listener);
    order_service.add_listener(recommend_listener);
    // Partners' webhooks hear of lines that become a partner's or change; partner API keys
    // are credentials on the partner portal's routes.
    order_service.add_listener(partner_webhooks);
    partner_service.set_line_observer(&partner_webhooks);
    authenticator.add_portal_keys(partner_api_keys);
    // Identified product views from the events log join the rebuild and the refreshes.
    recommend_service.set_view_source(&view_source);
    // Mails may carry the recipient's own referral link.
    messaging_service.set_referral_links(
        [this](std::int64_t customer_id) -> Result<std::optional<messaging::ReferralLink>> {
          ECRM_ASSIGN_OR_RETURN(auto code, referral_service.mail_code(customer_id));
          if (!code) return std::optional<messaging::ReferralLink>{};
          return std::optional<messaging::ReferralLink>{
              messaging::ReferralLink{std::move(code->code), std::move(code->link)}};
        });
    // Staff following a product hear of its feedback alerts.
    feedback_mining.on_alert([this](storage::Connection& c, const feedback::FeedbackAlert& alert) {
      const feedback::AlertNotice text = feedback::alert_notice(alert);
      return storage::done(staff_notices.announce(
          c,
          notices::Announcement{.topic = notices::NoticeTopic::kFeedback,
                                .product_id = alert.product_id,
                                .category_id = alert.category_id,
                                .event_key = text.event_key,
                                .title = text.title,
                                .body = text.body,
                                .link = text.link},
          now_ms()));
    });
    // The search box, in the order of its groups.
    search_service.add(customer_search);
    search_service.add(order_search);
    search_service.add(product_search);
  }

  storage::Database& db;
  MetricsRegistry& metrics;
  AppOptions options;
  auth::AuthService auth_service;
  auth::PortalAuth portal_auth;
  auth::HttpAuthenticator authenticator;
  catalog::CatalogService catalog_service;
  catalog::ConfigurationService configuration_service;
  customers::CustomerService customer_service;
  orders::OrderCustomerRecords order_records;
  events::EventCustomerRecords event_records;
  events::VisitorCustomerRecords visitor_records;
  messaging::MessageCustomerRecords message_records;
  service::ServiceCustomerRecords service_records;
  service::SurveyCustomerRecords survey_records;
  community::CommunityCustomerRecords community_records;
  social::SocialCustomerRecords social_records;
  advisor::AdvisorCustomerRecords advisor_records;
  orders::OrderService order_service;
  exchange::Importer importer;
  exchange::ImportJobs import_jobs;
  exchange::Exporter exporter;
  analytics::AnalyticsService analytics_service;
  analytics::AnalyticsCustomerRecords score_records;
  analytics::EconomicsService economics_service;
  storage::DbJobQueue job_queue{db};
  analytics::AnalyticsWorker analytics_worker;
  analytics::OrderScoreListener analytics_listener;
  feedback::FeedbackMining feedback_mining;
  feedback::FeedbackWorker feedback_worker;
  events::EventService event_service;
  recommend::RecommendService recommend_service;
  recommend::RecommendCustomerRecords recommend_records{recommend_service};
  recommend::EventViewSource view_source;
  recommend::RecommendWorker recommend_worker;
  recommend::OrderRecommendListener recommend_listener;
  recommend::BrowsePoller browse_poller;
  messaging::MessagingService messaging_service;
  messaging::DeliveryWorker delivery;
  automation::AutomationService automation_service;
  automation::DailyScheduler daily_runs;
  service::ServiceDesk service_desk{db, messaging_service};
  service::SlaWorker sla_worker{service_desk, options.sla_every_ms};
  service::Surveys surveys{db, messaging_service,
                           service::SurveyOptions{.nps_interval_days = options.nps_every_days}};
  service::ServiceReports service_reports{db};
  service::AttachmentStore attachment_store{db};
  service::MailIn mail_in{db, messaging_service, service_desk, inbound_options(options)};
  service::ImapPoller imap_poller{mail_in, imap_options(options)};
  service::chat::DbChatStore chat_store{db, service_desk};
  service::chat::ChatService chat_service{
      chat_store, service::chat::ChatOptions{
                      .max_per_agent = options.chat_max_per_agent,
                      .visitor_grace_ms = static_cast<UnixMs>(options.chat_visitor_grace_s * 1000.0)}};
  social::SocialService social_service{db, service_desk, social_options(options)};
  social::ReplyWorker reply_worker{social_service, 2000};
  feedback::FeedbackService feedback_service{db};
  home::HomeService home_service;
  portal::PortalService portal_service{
      db, portal_auth, customer_service, order_service, messaging_service, service_desk,
      portal::PortalOptions{messaging_service.options().base_url}};
  partners::PartnerService partner_service{
      db, portal_auth, order_service, catalog_service,
      partners::PartnerOptions{messaging_service.options().base_url}};
  partners::PartnerApiKeys partner_api_keys{db};
  partners::PartnerWebhooks partner_webhooks{
      db, partners::PartnerWebhookOptions{
              .first_retry_ms = static_cast<UnixMs>(options.partner_webhook_retry_after_s * 1000.0)}};
  partners::PartnerWebhookWorker partner_webhook_worker{partner_webhooks, 500};
  partners::PurchasingService purchasing_service{db, partner_service};
  partners::LeadService lead_service{
      db, partners::LeadOptions{.accept_within_days = options.lead_accept_days}};
  partners::LeadExpiryWorker lead_expiry_worker{lead_service, options.lead_expiry_every_ms};
  advisor::AdvisorService advisor_service{db};
  referrals::ReferralService referral_service{
      db, referrals::ReferralOptions{
              .base_url = messaging_service.options().base_url,
              .attribution_window_days = options.referral_window_days,
              .return_window_days = options.referral_return_window_days,
              .reward_amount = options.referral_reward}};
  community::CommunityService community_service{
      db, messaging_service, service_desk,
      community::CommunityOptions{.base_url = messaging_service.options().base_url}};
  notices::StaffNotices staff_notices{
      db, notices::NoticesOptions{.shop_name = messaging_service.options().shop_name,
                                  .base_url = messaging_service.options().base_url}};
  customers::CustomerSearch customer_search{customer_service};
  orders::OrderSearch order_search{db};
  catalog::ProductSearch product_search{db, catalog_service};
  search::SearchService search_service;
  storage::InvalidationBus invalidation;
  std::unique_ptr<storage::InvalidationFollower> invalidation_follower;
  bool started = false;
};

App::App(storage::Database& db, MetricsRegistry& metrics, const AppOptions& options)
    : parts_(std::make_unique<Parts>(db, metrics, options)) {
  parts_->authenticator.follow(parts_->invalidation);
  parts_->recommend_service.follow(parts_->invalidation);
  parts_->event_service.follow(parts_->invalidation);
  parts_->messaging_service.follow(parts_->invalidation);
}

App::~App() { stop(); }

http::Authenticator& App::authenticator() { return parts_->authenticator; }
http::AuditSink& App::audit() { return parts_->authenticator; }

bool App::prepare_first_admin() {
  auto& auth = parts_->auth_service;
  std::optional<std::string> password;
  if (const char* env = std::getenv("ECRM_ADMIN_PASSWORD"); env && *env) password = env;
  const char* email_env = std::getenv("ECRM_ADMIN_EMAIL");
  std::string email = email_env && *email_env ? email_env : "admin@example.com";
  auto admin = auth.ensure_first_admin(email, password);
  if (!admin.ok()) {
    std::cerr << "ecrm: cannot create the first admin: " << admin.error().message << "\n";
    return false;
  }
  if (*admin) {
    std::cout << "created the first admin user: " << (*admin)->user.email << "\n";
    if ((*admin)->password) {
      std::cout << "  password (shown once): " << *(*admin)->password << "\n";
    }
    std::cout.flush();
  }
  if (auto pruned = auth.prune(now_ms()); !pruned.ok()) {
    spdlog::warn("pruning expired sessions failed: {}", pruned.error().message);
  }
  if (auto pruned = parts_->portal_auth.prune(now_ms()); !pruned.ok()) {
    spdlog::warn("pruning expired portal links and sessions failed: {}", pruned.error().message);
  }
  return true;
}

void App::add_routes(http::Router& router) {
  Parts& p = *parts_;
  http::add_system_routes(
      router, p.db, p.metrics,
      http::SystemRoutesConfig{p.options.version, p.options.started_at,
                               [&p](http::SystemInfo& info) -> Status {
                                 auto stats = p.auth_service.stats();
                                 if (!stats.ok()) return std::move(stats).error();
                                 info.users = stats->users;
                                 info.api_keys = stats->api_keys;
                                 return {};
                               },
                               p.options.metrics_allow, p.options.metrics_token});
  auth::add_auth_routes(router, p.auth_service, p.authenticator,
                        auth::AuthRoutesConfig{p.options.secure_cookies});
  catalog::add_catalog_routes(router, p.catalog_service);
  catalog::add_configuration_routes(router, p.configuration_service);
  customers::add_customer_routes(router, p.customer_service);
  search::add_routes(router, p.search_service);
  orders::add_order_routes(router, p.order_service);
  exchange::add_exchange_routes(router, p.import_jobs, p.exporter);
  analytics::add_analytics_routes(router, p.analytics_service, p.analytics_worker);
  analytics::add_economics_routes(router, p.economics_service);
  events::add_event_routes(router, p.event_service, p.authenticator);
  recommend::add_recommend_routes(router, p.recommend_service, p.recommend_worker);
  messaging::add_messaging_routes(router, p.messaging_service, p.delivery);
  automation::add_automation_routes(router, p.automation_service, p.delivery);
  service::add_service_routes(router, p.service_desk, p.delivery);
  service::add_attachment_routes(router, p.attachment_store);
  service::add_survey_routes(router, p.surveys, p.service_reports, p.delivery);
  service::chat::add_chat_routes(router, p.chat_service, p.chat_store,
                                 [&p](const std::string& key) -> Status {
                                   auto resolved = p.event_service.resolve_write_key(key);
                                   if (!resolved.ok()) return std::move(resolved).error();
                                   return {};
                                 });
  social::add_social_routes(router, p.social_service);
  feedback::add_feedback_routes(router, p.feedback_service, p.feedback_mining,
                                p.feedback_worker);
  notices::add_notice_routes(router, p.staff_notices);
  home::add_home_routes(router, p.home_service);
  portal::add_portal_routes(router, p.portal_service,
                            portal::PortalRoutesConfig{p.options.secure_cookies});
  partners::add_partner_routes(router, p.partner_service,
                                partners::PartnerRoutesConfig{p.options.secure_cookies});
  partners::add_partner_api_routes(router, p.partner_service, p.partner_api_keys,
                                   p.partner_webhooks);
  partners::add_purchasing_routes(router, p.purchasing_service);
  partners::add_lead_routes(router, p.lead_service, [&p](const std::string& key) -> Status {
    auto resolved = p.event_service.resolve_write_key(key);
    if (!resolved.ok()) return std::move(resolved).error();
    return {};
  });
  referrals::add_referral_routes(router, p.referral_service);
  advisor::add_advisor_routes(router, p.advisor_service);
  community::add_community_routes(router, p.community_service);
  recommend::add_snippet_recommendation_routes(
      router, p.recommend_service, [&p](const std::string& key) -> Status {
        auto resolved = p.event_service.resolve_write_key(key);
        if (!resolved.ok()) return std::move(resolved).error();
        return {};
      });
  catalog::add_shop_configuration_routes(
      router, p.configuration_service, [&p](const std::string& key) -> Status {
        auto resolved = p.event_service.resolve_write_key(key);
        if (!resolved.ok()) return std::move(resolved).error();
        return {};
      });
  for (const search::Provider* provider : p.search_service.providers()) {
    if (!auth::is_known_scope(provider->scope())) {
      throw std::logic_error("search group " + std::string(provider->kind()) + " asks for scope '" +
                             std::string(provider->scope()) + "', which auth/access.cpp does not know");
    }
  }
  for (const auto& route : router.routes()) {
    if (!route->access.scope.empty() && !auth::is_known_scope(route->access.scope)) {
      throw std::logic_error("route " + route->pattern + " asks for scope '" +
                             route->access.scope + "', which auth/access.cpp does not know");
    }
    const int status = route->doc.success_status;
    if (!route->doc.response && status != 204 && (status < 300 || status >= 400)) {
      throw std::logic_error("route " + route->pattern + " documents no response type");
    }
  }
}

void App::start() {
  Parts& p = *parts_;
  if (p.started) return;
  p.started = true;
  if (!p.options.database_url.empty()) {
    p.invalidation_follower = std::make_unique<storage::InvalidationFollower>(
        p.options.database_url, p.db, p.invalidation);
    if (auto followed = p.invalidation_follower->start(); !followed.ok()) {
      spdlog::warn("cannot follow cache invalidations: {}", followed.error().message);
    }
  }
  if (auto installed = p.automation_service.install_defaults(); !installed.ok()) {
    spdlog::warn("cannot install the shipped flows and templates: {}", installed.error().message);
  }
  if (auto installed = p.portal_service.install_templates(); !installed.ok()) {
    spdlog::warn("cannot install the portal's templates: {}", installed.error().message);
  }
  if (auto installed = p.community_service.install_templates(); !installed.ok()) {
    spdlog::warn("cannot install the community's templates: {}", installed.error().message);
  }
  // Imports run on the web nodes: a worker starting does not fail one running there.
  if (p.options.job_mode != JobMode::kWorker) {
    if (auto recovered = p.import_jobs.recover(); !recovered.ok()) {
      spdlog::warn("cannot check for unfinished imports: {}", recovered.error().message);
    }
  }
  p.analytics_worker.start();
  p.recommend_worker.start();
  p.feedback_worker.start();
  p.chat_service.start();
  if (auto installed = p.service_desk.install_templates(); !installed.ok()) {
    spdlog::warn("cannot install the ticket reply template: {}", installed.error().message);
  }
  if (auto installed = p.surveys.install_templates(); !installed.ok()) {
    spdlog::warn("cannot install the survey templates: {}", installed.error().message);
  }
  if (p.options.run_workers) {
    if (auto started = p.browse_poller.start(); !started.ok()) {
      spdlog::warn("recommend: cannot follow the events log: {}", started.error().message);
    }
    p.delivery.start();
    p.sla_worker.start();
    p.reply_worker.start();
    p.partner_webhook_worker.start();
    p.lead_expiry_worker.start();
    p.imap_poller.start();
    if (auto started = p.daily_runs.start(); !started.ok()) {
      spdlog::warn("automation: no daily run: {}", started.error().message);
    }
  }
}

void App::stop() {
  Parts& p = *parts_;
  if (!p.started) return;
  p.started = false;
  p.daily_runs.stop();
  p.sla_worker.stop();
  p.reply_worker.stop();
  p.partner_webhook_worker.stop();
  p.lead_expiry_worker.stop();
  p.imap_poller.stop();
  p.chat_service.stop();
  p.delivery.stop();
  p.browse_poller.stop();
  p.recommend_worker.stop();
  p.analytics_worker.stop();
  p.invalidation_follower.reset();
}

}  // namespace ecrm::cli
