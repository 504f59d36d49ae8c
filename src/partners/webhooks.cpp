#include "partners/webhooks.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/crypto.hpp"
#include "core/secret_box.hpp"
#include "http/webhook_client.hpp"
#include "http/wire.hpp"
#include "core/thread_name.hpp"

namespace ecrm::partners {

using storage::Connection;
using storage::RowView;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr UnixMs kLeaseMs = 60'000;
constexpr UnixMs kMaxRetryMs = 3'600'000;
constexpr int kLinesPerOrder = 500;

constexpr std::string_view kPartnerExists = "SELECT 1 FROM partners WHERE id = $1";
constexpr std::string_view kCountActive =
    "SELECT COUNT(*) FROM partner_webhooks WHERE partner_id = $1 AND active = 1";
constexpr std::string_view kInsertWebhook =
    "INSERT INTO partner_webhooks (partner_id, url, secret, events, active, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id";
constexpr std::string_view kWebhookColumns =
    "SELECT id, partner_id, url, events, active, created_at, updated_at FROM partner_webhooks ";
const std::string kWebhooksOf =
    std::string(kWebhookColumns) + "WHERE partner_id = $1 ORDER BY id";
const std::string kWebhookOf = std::string(kWebhookColumns) + "WHERE id = $1 AND partner_id = $2";
// Active webhooks, of one partner when $1 is not 0.
const std::string kActive =
    std::string(kWebhookColumns) + "WHERE active = 1 AND ($1 = 0 OR partner_id = $1) ORDER BY id";
constexpr std::string_view kUpdateWebhook =
    "UPDATE partner_webhooks SET url = $3, events = $4, updated_at = $5 "
    "WHERE id = $1 AND partner_id = $2 AND active = 1";
constexpr std::string_view kDeactivate =
    "UPDATE partner_webhooks SET active = 0, updated_at = $3 WHERE id = $1 AND partner_id = $2";
constexpr std::string_view kQueue =
    "INSERT INTO partner_webhook_deliveries (webhook_id, event, order_line_id, dedup, body, "
    "status, attempts, next_attempt_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6, $6) ON CONFLICT (webhook_id, dedup) DO NOTHING";
constexpr std::string_view kDeliveries =
    "SELECT id, webhook_id, event, order_line_id, status, attempts, next_attempt_at, response, "
    "body, created_at, updated_at FROM partner_webhook_deliveries WHERE webhook_id = $1 "
    "AND id < $2 ORDER BY id DESC LIMIT $3";
// Claimed by moving the next attempt past the lease: another sender skips it meanwhile.
constexpr std::string_view kDue =
    "SELECT d.id, w.url, w.secret, d.body, d.attempts, w.active FROM partner_webhook_deliveries d "
    "JOIN partner_webhooks w ON w.id = d.webhook_id WHERE d.status = 'queued' "
    "AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT 20";
constexpr std::string_view kClaim =
    "UPDATE partner_webhook_deliveries SET next_attempt_at = $2, attempts = attempts + 1, "
    "updated_at = $3 WHERE id = $1 AND status = 'queued' AND next_attempt_at <= $3";
constexpr std::string_view kFinish =
    "UPDATE partner_webhook_deliveries SET status = $2, next_attempt_at = $3, response = $4, "
    "updated_at = $5 WHERE id = $1";

std::string joined(const std::vector<std::string>& events) {
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
  return out;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Status check_url(const std::string& url) {
  if (!http::is_webhook_url(url)) {
    return Error::invalid("url must be an https:// address (or http:// on this machine)", "url",
                          "invalid_url");
  }
  return {};
}

// The events asked for, each once; kInvalidArgument naming `events` or `events[i]`.
Result<std::vector<std::string>> events_of(const std::vector<std::string>& wanted) {
  if (wanted.empty()) return Error::invalid("name at least one event", "events", "required");
  std::vector<std::string> events;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (wanted[i] != kLineCreated && wanted[i] != kLineUpdated) {
      return Error::invalid("events must be order_line.created or order_line.updated",
                            "events[" + std::to_string(i) + "]", "unknown_event");
    }
    if (std::find(events.begin(), events.end(), wanted[i]) == events.end()) {
      events.push_back(wanted[i]);
    }
  }
  return events;
}

PartnerWebhook read_webhook(const RowView& row) {
  PartnerWebhook w;
  w.id = row.get_int(0);
  w.partner_id = row.get_int(1);
  w.url = row.get_string(2);
  w.events = split(row.get_text(3));
  w.active = row.get_int(4) != 0;
  w.created_at = row.get_int(5);
  w.updated_at = row.get_int(6);
  return w;
}

bool takes(const PartnerWebhook& w, std::string_view event) {
  return std::find(w.events.begin(), w.events.end(), event) != w.events.end();
}

Result<std::vector<PartnerWebhook>> active_webhooks(Connection& c, std::int64_t partner_id) {
  std::vector<PartnerWebhook> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kActive, {partner_id}, [&](const RowView& row) { out.push_back(read_webhook(row)); }));
  return out;
}

Status queue(Connection& c, const PartnerWebhook& w, const std::string& event,
             const PartnerLine& line, const std::string& dedup, UnixMs now) {
  const PartnerLineEvent body{event, w.partner_id, now, line};
  return storage::done(c.execute(kQueue, {w.id, event, line.id, dedup,
                                          boost::json::serialize(wire::to_json(body)), now}));
}

}  // namespace

Result<CreatedPartnerWebhook> PartnerWebhooks::create(std::int64_t partner_id,
                                                      const PartnerWebhookInput& input) {
  ECRM_RETURN_IF_ERROR(check_url(input.url));
  ECRM_ASSIGN_OR_RETURN(auto events,
                        events_of(input.events.value_or(std::vector<std::string>{kLineCreated})));
  CreatedPartnerWebhook out;
  out.partner_id = partner_id;
  out.url = input.url;
  out.events = events;
  out.created_at = out.updated_at = now_ms();
  out.secret = "whsec_" + random_token(24);
  ECRM_ASSIGN_OR_RETURN(
      out.id, with_transaction<std::int64_t>(
                  db_, TxMode::kWrite, [&](Connection& c) -> Result<std::int64_t> {
                    ECRM_ASSIGN_OR_RETURN(auto exists, c.query_int(kPartnerExists, {partner_id}));
                    if (!exists) return Error::not_found("no such partner", "not_found");
                    ECRM_ASSIGN_OR_RETURN(auto count, c.query_int(kCountActive, {partner_id}));
                    if (count.value_or(0) >= kMaxWebhooksPerPartner) {
                      return Error::conflict("a partner has at most 10 webhooks", "url",
                                             "too_many_webhooks");
                    }
                    ECRM_ASSIGN_OR_RETURN(auto id,
                                          c.query_int(kInsertWebhook,
                                                      {partner_id, out.url, seal_secret(out.secret),
                                                       joined(events), out.created_at}));
                    if (!id) return Error::internal("no id for the new webhook");
                    return *id;
                  }));
  return out;
}

Result<std::vector<PartnerWebhook>> PartnerWebhooks::list(std::int64_t partner_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto exists, lease->query_int(kPartnerExists, {partner_id}));
  if (!exists) return Error::not_found("no such partner", "not_found");
  std::vector<PartnerWebhook> out;
  ECRM_RETURN_IF_ERROR(lease->query(kWebhooksOf, {partner_id},
                                    [&](const RowView& row) { out.push_back(read_webhook(row)); }));
  return out;
}

Result<PartnerWebhook> PartnerWebhooks::update(std::int64_t partner_id, std::int64_t webhook_id,
                                               const PartnerWebhookChanges& changes) {
  if (changes.url) ECRM_RETURN_IF_ERROR(check_url(*changes.url));
  std::optional<std::vector<std::string>> events;
  if (changes.events) {
    ECRM_ASSIGN_OR_RETURN(events, events_of(*changes.events));
  }
  return with_transaction<PartnerWebhook>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<PartnerWebhook> {
        std::optional<PartnerWebhook> current;
        ECRM_RETURN_IF_ERROR(c.query(kWebhookOf, {webhook_id, partner_id},
                                     [&](const RowView& row) { current = read_webhook(row); }));
        if (!current || !current->active) return Error::not_found("no such webhook", "not_found");
        PartnerWebhook out = *current;
        if (changes.url) out.url = *changes.url;
        if (events) out.events = *events;
        out.updated_at = now_ms();
        ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kUpdateWebhook,
                                                      {webhook_id, partner_id, out.url,
                                                       joined(out.events), out.updated_at}));
        if (changed == 0) return Error::not_found("no such webhook", "not_found");
        return out;
      });
}

Status PartnerWebhooks::remove(std::int64_t partner_id, std::int64_t webhook_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto changed, c.execute(kDeactivate, {webhook_id, partner_id, now_ms()}));
    if (changed == 0) return Error::not_found("no such webhook", "not_found");
    return {};
  });
}

Result<std::vector<PartnerWebhookDelivery>> PartnerWebhooks::deliveries(
    std::int64_t partner_id, std::int64_t webhook_id, std::optional<std::int64_t> before,
    int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  bool found = false;
  ECRM_RETURN_IF_ERROR(
      lease->query(kWebhookOf, {webhook_id, partner_id}, [&](const RowView&) { found = true; }));
  if (!found) return Error::not_found("no such webhook", "not_found");
  std::vector<PartnerWebhookDelivery> out;
  ECRM_RETURN_IF_ERROR(lease->query(
      kDeliveries,
      {webhook_id, before.value_or(std::numeric_limits<std::int64_t>::max()),
       std::int64_t{limit}},
      [&](const RowView& row) {
        PartnerWebhookDelivery d;
        d.id = row.get_int(0);
        d.webhook_id = row.get_int(1);
        d.event = row.get_string(2);
        d.order_line_id = row.get_int(3);
        d.status = wire::parse_enum<DeliveryStatus>(row.get_text(4)).value_or(DeliveryStatus::kQueued);
        d.attempts = row.get_int(5);
        if (d.status == DeliveryStatus::kQueued) d.next_attempt_at = row.get_int(6);
        d.response = row.get_string(7);
        d.body = row.get_string(8);
        d.created_at = row.get_int(9);
        d.updated_at = row.get_int(10);
        out.push_back(std::move(d));
      }));
  return out;
}

Status PartnerWebhooks::queue_order(std::int64_t order_id, std::optional<std::int64_t> partner_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto hooks, active_webhooks(c, partner_id.value_or(0)));
    const UnixMs now = now_ms();
    for (const auto& w : hooks) {
      if (!takes(w, kLineCreated)) continue;
      PartnerLineQuery query;
      query.order_id = order_id;
      ECRM_ASSIGN_OR_RETURN(auto lines,
                            repo_.lines(c, w.partner_id, query, std::nullopt, kLinesPerOrder));
      for (const auto& line : lines) {
        ECRM_RETURN_IF_ERROR(
            queue(c, w, kLineCreated, line, "created:" + std::to_string(line.id), now));
      }
    }
    return {};
  });
}

Status PartnerWebhooks::queue_line_update(std::int64_t partner_id, std::int64_t line_id) {
  return with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(auto hooks, active_webhooks(c, partner_id));
    if (std::none_of(hooks.begin(), hooks.end(),
                     [](const PartnerWebhook& w) { return takes(w, kLineUpdated); })) {
      return {};
    }
    ECRM_ASSIGN_OR_RETURN(auto line, repo_.line(c, partner_id, line_id));
    if (!line) return {};
    const UnixMs now = now_ms();
    const std::string dedup =
        "updated:" + std::to_string(line_id) + ":" + std::string(wire::enum_name(line->state));
    for (const auto& w : hooks) {
      if (takes(w, kLineUpdated)) ECRM_RETURN_IF_ERROR(queue(c, w, kLineUpdated, *line, dedup, now));
    }
    return {};
  });
}

void PartnerWebhooks::on_order_placed(const orders::Order& order) {
  if (auto queued = queue_order(order.id); !queued.ok()) {
    spdlog::warn("partners: could not queue webhooks for order {}: {}", order.id,
                 queued.error().message);
  }
}

void PartnerWebhooks::on_order_routed(std::int64_t order_id, std::int64_t partner_id) {
  if (auto queued = queue_order(order_id, partner_id); !queued.ok()) {
    spdlog::warn("partners: could not queue webhooks for order {}: {}", order_id,
                 queued.error().message);
  }
}

void PartnerWebhooks::on_line_changed(std::int64_t partner_id, std::int64_t line_id) {
  if (auto queued = queue_line_update(partner_id, line_id); !queued.ok()) {
    spdlog::warn("partners: could not queue webhooks for order line {}: {}", line_id,
                 queued.error().message);
  }
}

Result<int> PartnerWebhooks::send_due(UnixMs now) {
  struct Due {
    std::int64_t id;
    std::string url, secret, body;
    std::int64_t attempts;
    bool active;
  };
  std::vector<Due> due;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(lease->query(kDue, {now}, [&](const RowView& row) {
      due.push_back({row.get_int(0), row.get_string(1), row.get_string(2), row.get_string(3),
                     row.get_int(4), row.get_int(5) != 0});
    }));
  }
  // Every secret opened before anything is claimed: with the wrong key file nothing changes.
  for (auto& d : due) {
    ECRM_ASSIGN_OR_RETURN(d.secret, open_secret(d.secret));
  }
  int tried = 0;
  for (const auto& d : due) {
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(auto claimed, lease->execute(kClaim, {d.id, now + kLeaseMs, now}));
      if (claimed == 0) continue;  // another sender has it
    }
    std::string next_status = "sent";
    UnixMs next_at = now_ms();
    std::string response;
    if (!d.active) {
      next_status = "failed";
      response = "the webhook was removed";
    } else {
      const auto answer =
          http::post_webhook(d.url, d.body, d.secret, http::WebhookPost{.user_agent = "ecrm-partners"});
      ++tried;
      response = answer.summary;
      if (!answer.ok()) {
        const std::int64_t attempts = d.attempts + 1;
        if (attempts >= kPartnerWebhookAttempts) {
          next_status = "failed";
        } else {
          next_status = "queued";
          next_at += std::min<UnixMs>(
              kMaxRetryMs, options_.first_retry_ms << std::min<std::int64_t>(attempts - 1, 20));
        }
      }
    }
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(
        storage::done(lease->execute(kFinish, {d.id, next_status, next_at, response, now_ms()})));
  }
  return tried;
}

PartnerWebhookWorker::~PartnerWebhookWorker() { stop(); }

void PartnerWebhookWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    name_this_thread("partner-hooks");
    run();
  });
}

void PartnerWebhookWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PartnerWebhookWorker::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto pass = webhooks_.send_due(now_ms());
    if (!pass.ok()) {
      spdlog::warn("partners: sending webhooks failed: {}", pass.error().message);
    } else if (*pass > 0) {
      spdlog::info("partners: sent {} webhook deliveries", *pass);
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(every_ms_), [this] { return stopping_; });
  }
}

}  // namespace ecrm::partners
