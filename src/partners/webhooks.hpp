// A partner's webhooks: the URL where the partner wants to hear of its order lines, with a
// secret the server makes (shown once) and the events it takes: `order_line.created` (a line
// became the partner's: its order was placed, or staff routed the order to it) and
// `order_line.updated` (the partner acknowledged or shipped it).
//
// An event is queued as a delivery row per webhook (once per line and event: a line routed
// twice is told once) after the change commits, and sent by PartnerWebhookWorker through
// http/webhook_client.hpp, the client social and automation post with: the body is a
// PartnerLineEvent (the line exactly as the partner sees it in its portal), signed
// (X-Ecrm-Timestamp, X-Ecrm-Signature: v1=HMAC-SHA-256 of "<timestamp>.<body>" under the
// webhook's secret). A 2xx answer is success; anything else is tried again after
// `first_retry_ms`, doubling up to an hour, at most kPartnerWebhookAttempts times, then the
// delivery is failed with the last answer. The partner reads each webhook's deliveries.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "orders/events.hpp"
#include "partners/api_model.hpp"
#include "partners/repo.hpp"
#include "partners/service.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

inline constexpr int kPartnerWebhookAttempts = 8;
inline constexpr int kMaxWebhooksPerPartner = 10;

struct PartnerWebhookOptions {
  UnixMs first_retry_ms = 30'000;  // after a failed attempt, doubling up to an hour
};

class PartnerWebhooks final : public orders::OrderListener, public PartnerLineObserver {
 public:
  PartnerWebhooks(storage::Database& db, PartnerWebhookOptions options)
      : db_(db), options_(options) {}

  // Registers a webhook of the partner. kInvalidArgument naming `url` (not https://, or http://
  // off this machine) or `events[i]` (not an event named above); kNotFound for an unknown
  // partner; kConflict too_many_webhooks past kMaxWebhooksPerPartner active ones.
  Result<CreatedPartnerWebhook> create(std::int64_t partner_id, const PartnerWebhookInput& input);
  // The partner's webhooks, removed ones included (inactive), by id.
  Result<std::vector<PartnerWebhook>> list(std::int64_t partner_id);
  // Changes the address or the events of an active webhook of the partner, refused as create()
  // refuses them; kNotFound when it is not the partner's or is stopped.
  Result<PartnerWebhook> update(std::int64_t partner_id, std::int64_t webhook_id,
                                const PartnerWebhookChanges& changes);
  // Stops a webhook of the partner (its queued deliveries fail unsent); kNotFound when it is not
  // the partner's.
  Status remove(std::int64_t partner_id, std::int64_t webhook_id);
  // A webhook's deliveries, newest first, below `before`; kNotFound when it is not the
  // partner's.
  Result<std::vector<PartnerWebhookDelivery>> deliveries(std::int64_t partner_id,
                                                         std::int64_t webhook_id,
                                                         std::optional<std::int64_t> before,
                                                         int limit);

  // Queues order_line.created for the lines of the order that are each subscribed partner's.
  Status queue_order(std::int64_t order_id, std::optional<std::int64_t> partner_id = {});
  // Queues order_line.updated for one line of the partner, in its current state.
  Status queue_line_update(std::int64_t partner_id, std::int64_t line_id);

  // Events (orders' listener, partners' observer): queue, logging what fails.
  void on_order_placed(const orders::Order& order) override;
  void on_order_routed(std::int64_t order_id, std::int64_t partner_id) override;
  void on_line_changed(std::int64_t partner_id, std::int64_t line_id) override;

  // Sends the deliveries due at `now` (each claimed by one conditional UPDATE, so several
  // processes may send); returns how many were tried.
  Result<int> send_due(UnixMs now);

 private:
  storage::Database& db_;
  PartnerWebhookOptions options_;
  PartnerRepo repo_;
};

// Sends due deliveries every `every_ms` on its own thread (owned by `ecrm serve`).
class PartnerWebhookWorker {
 public:
  PartnerWebhookWorker(PartnerWebhooks& webhooks, int every_ms)
      : webhooks_(webhooks), every_ms_(every_ms) {}
  ~PartnerWebhookWorker();
  PartnerWebhookWorker(const PartnerWebhookWorker&) = delete;
  PartnerWebhookWorker& operator=(const PartnerWebhookWorker&) = delete;

  void start();
  // Idempotent; waits for a pass under way.
  void stop();

 private:
  void run();

  PartnerWebhooks& webhooks_;
  int every_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ecrm::partners
