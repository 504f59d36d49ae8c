#include "advisor/customer_records.hpp"

#include <boost/json.hpp>

#include "http/wire.hpp"

namespace ecrm::advisor {

namespace json = boost::json;
using storage::Connection;
using storage::done;
using storage::RowView;

namespace {

constexpr int kExportLimit = 100'000;

constexpr std::string_view kMove =
    "UPDATE advisor_submissions SET customer_id = $2 WHERE customer_id = $1 RETURNING id";
constexpr std::string_view kRestore =
    "UPDATE advisor_submissions SET customer_id = $3 WHERE id = $1 AND customer_id = $2";
constexpr std::string_view kEraseChosen =
    "DELETE FROM advisor_answer_options WHERE submission_id IN "
    "(SELECT id FROM advisor_submissions WHERE customer_id = $1)";
constexpr std::string_view kErase =
    "UPDATE advisor_submissions SET customer_id = NULL, answers = '{\"answers\":[]}' "
    "WHERE customer_id = $1";

}  // namespace

Result<std::vector<std::int64_t>> AdvisorCustomerRecords::reassign(Connection& c, std::int64_t from,
                                                                   std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(kMove, {from, to}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  return ids;
}

Status AdvisorCustomerRecords::restore(Connection& c, std::span<const std::int64_t> ids,
                                       std::int64_t from, std::int64_t to) {
  for (std::int64_t id : ids) ECRM_RETURN_IF_ERROR(done(c.execute(kRestore, {id, from, to})));
  return {};
}

Result<json::value> AdvisorCustomerRecords::export_records(Connection& c,
                                                           std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto answers, repo_.advice_of_customer(c, customer_id, kExportLimit));
  return json::value(json::object{{"answers", wire::to_json(answers)}});
}

Status AdvisorCustomerRecords::erase(Connection& c, std::int64_t customer_id) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kEraseChosen, {customer_id})));
  return done(c.execute(kErase, {customer_id}));
}

}  // namespace ecrm::advisor
