#include "analytics/customer_records.hpp"

#include "analytics/service.hpp"
#include "http/wire.hpp"

namespace ecrm::analytics {

Result<std::vector<std::int64_t>> AnalyticsCustomerRecords::reassign(storage::Connection& c,
                                                                     std::int64_t from,
                                                                     std::int64_t) {
  ECRM_RETURN_IF_ERROR(repo_.delete_score(c, from));
  return std::vector<std::int64_t>{};
}

Result<boost::json::value> AnalyticsCustomerRecords::export_records(storage::Connection& c,
                                                                    std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto score, repo_.find_score(c, customer_id));
  return wire::to_json(customer_scores(customer_id, score));
}

Status AnalyticsCustomerRecords::erase(storage::Connection& c, std::int64_t customer_id) {
  return repo_.delete_score(c, customer_id);
}

}  // namespace ecrm::analytics
