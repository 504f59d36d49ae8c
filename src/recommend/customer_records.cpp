#include "recommend/customer_records.hpp"

#include <boost/json.hpp>

namespace ecrm::recommend {

namespace json = boost::json;

namespace {

// The stored JSON of a list column; an unreadable one is exported as its text.
json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return json::value(text);
  return value;
}

}  // namespace

Result<std::vector<std::int64_t>> RecommendCustomerRecords::reassign(storage::Connection& c,
                                                                     std::int64_t from,
                                                                     std::int64_t) {
  ECRM_RETURN_IF_ERROR(service_.forget_customer(c, from));
  return std::vector<std::int64_t>{};
}

Result<json::value> RecommendCustomerRecords::export_records(storage::Connection& c,
                                                             std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto list, service_.stored_list(c, customer_id));
  if (!list) return json::value(nullptr);
  // Items are stored one per line (serialize_list()): a JSON array either way.
  return json::value(json::object{{"computed_at", list->computed_at},
                                  {"source", list->source},
                                  {"classes", parsed(list->classes)},
                                  {"items", parsed(list->items)}});
}

Status RecommendCustomerRecords::erase(storage::Connection& c, std::int64_t customer_id) {
  return service_.forget_customer(c, customer_id);
}

}  // namespace ecrm::recommend
