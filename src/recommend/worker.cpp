#include "recommend/worker.hpp"

#include <spdlog/fmt/fmt.h>

namespace ecrm::recommend {

namespace {

ModelJob job_for(RecommendService& service) {
  ModelJob job;
  job.kind = "recommend_rebuild";
  job.log_name = "recommend";
  job.noun = "rebuild";
  job.nothing_built_reason = "nothing built yet";
  job.claim_holder = [&service]() -> Result<std::optional<std::string>> {
    ECRM_ASSIGN_OR_RETURN(auto state, service.job());
    if (state.claimed_until && *state.claimed_until >= now_ms()) {
      return std::optional<std::string>(state.claimed_by);
    }
    return std::optional<std::string>();
  };
  job.last_built_at = [&service]() -> Result<std::optional<UnixMs>> {
    ECRM_ASSIGN_OR_RETURN(auto latest, service.latest_build());
    // Lists stored in an older form count as nothing built: they are rebuilt at start-up.
    if (!latest || !current_list_format(*latest)) return std::optional<UnixMs>();
    return std::optional<UnixMs>(latest->built_at);
  };
  job.build = [&service](const std::string& owner) -> Result<std::string> {
    ECRM_ASSIGN_OR_RETURN(auto outcome, service.rebuild(owner));
    return fmt::format(
        "build {}: {} orders, {} customers, {} rules, {} neighbour pairs, {} lists in {:.0f} ms "
        "(snapshot {:.0f}, rules {:.0f}, similarity {:.0f}, lists {:.0f}, write {:.0f})",
        outcome.build_id, outcome.orders, outcome.customers, outcome.rules, outcome.neighbours,
        outcome.lists, outcome.timings.total_ms, outcome.timings.snapshot_ms,
        outcome.timings.rules_ms, outcome.timings.similarity_ms, outcome.timings.lists_ms,
        outcome.timings.write_ms);
  };
  job.release_claim = [&service](const std::string& owner) {
    return service.release_claim(owner);
  };
  job.refresh = [&service](std::span<const std::int64_t> customer_ids) -> Status {
    ECRM_ASSIGN_OR_RETURN(std::size_t refreshed, service.refresh_customers(customer_ids));
    (void)refreshed;
    return {};
  };
  return job;
}

}  // namespace

RecommendWorker::RecommendWorker(RecommendService& service, RecommendWorkerOptions options)
    : ModelWorker(job_for(service), std::move(options)) {}

void OrderRecommendListener::on_order_placed(const orders::Order& order) {
  worker_.customer_changed(order.customer_id);
}

void OrderRecommendListener::on_order_status_changed(const orders::Order& order,
                                                     orders::OrderStatus) {
  worker_.customer_changed(order.customer_id);
}

void OrderRecommendListener::on_return_changed(const orders::Return& ret,
                                               std::optional<orders::ReturnStatus>) {
  worker_.customer_changed(ret.customer_id);
}

}  // namespace ecrm::recommend
