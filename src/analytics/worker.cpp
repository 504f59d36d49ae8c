#include "analytics/worker.hpp"

#include <spdlog/fmt/fmt.h>

namespace ecrm::analytics {

namespace {

ModelJob job_for(AnalyticsService& service) {
  ModelJob job;
  job.kind = "analytics_recompute";
  job.log_name = "analytics";
  job.noun = "recomputation";
  job.nothing_built_reason = "no model yet";
  job.claim_holder = [&service]() -> Result<std::optional<std::string>> {
    ECRM_ASSIGN_OR_RETURN(auto state, service.job());
    if (state.claimed_until && *state.claimed_until >= now_ms()) {
      return std::optional<std::string>(state.claimed_by);
    }
    return std::optional<std::string>();
  };
  job.last_built_at = [&service]() -> Result<std::optional<UnixMs>> {
    return service.latest_fitted_at();
  };
  job.build = [&service](const std::string& owner) -> Result<std::string> {
    ECRM_ASSIGN_OR_RETURN(auto outcome, service.recompute(owner));
    return fmt::format(
        "{} customers, {} orders in {:.0f} ms (snapshot {:.0f}, fit {:.0f}, "
        "write {:.0f})",
        outcome.customers, outcome.orders, outcome.timings.total_ms, outcome.timings.snapshot_ms,
        outcome.timings.engines.fit_ms, outcome.timings.write_ms);
  };
  job.release_claim = [&service](const std::string& owner) {
    return service.release_claim(owner);
  };
  job.refresh = [&service](std::span<const std::int64_t> customer_ids) -> Status {
    ECRM_ASSIGN_OR_RETURN(std::size_t refreshed, service.rescore_customers(customer_ids));
    (void)refreshed;
    return {};
  };
  return job;
}

}  // namespace

AnalyticsWorker::AnalyticsWorker(AnalyticsService& service, AnalyticsWorkerOptions options)
    : ModelWorker(job_for(service), std::move(options)) {}

void OrderScoreListener::on_order_placed(const orders::Order& order) {
  worker_.customer_changed(order.customer_id);
}

void OrderScoreListener::on_order_status_changed(const orders::Order& order, orders::OrderStatus) {
  worker_.customer_changed(order.customer_id);
}

void OrderScoreListener::on_return_changed(const orders::Return& ret,
                                           std::optional<orders::ReturnStatus>) {
  worker_.customer_changed(ret.customer_id);
}

}  // namespace ecrm::analytics
