// SQL for the advisor: questionnaires and their versions (the questions stored as JSON), the
// products the engine may advise, the customer's history (products bought in orders not
// cancelled; the product ids of the customer's stored recommendation list), the answers taken
// with the advice they gave, and the conversion report (advised products ordered by the
// advised customer within the window after the advice, orders not cancelled).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "advisor/engine.hpp"
#include "advisor/model.hpp"
#include "storage/database.hpp"

namespace ecrm::advisor {

class AdvisorRepo {
 public:
  Result<std::int64_t> insert_questionnaire(storage::Connection& c, const QuestionnaireInput& in,
                                            UnixMs at);
  // Stores `in` as version `version` and makes it the current one.
  Status insert_version(storage::Connection& c, std::int64_t id, std::int64_t version,
                        const QuestionnaireInput& in, UnixMs at);
  // The questionnaire at `version` (the current one when absent).
  Result<std::optional<Questionnaire>> questionnaire(storage::Connection& c, std::int64_t id,
                                                     std::optional<std::int64_t> version = {});
  Result<std::vector<Questionnaire>> list(storage::Connection& c);

  Result<bool> category_exists(storage::Connection& c, std::int64_t id);
  Result<bool> product_exists(storage::Connection& c, std::int64_t id);

  // Products of the given categories and the given products, each once.
  Result<std::vector<Candidate>> candidates(storage::Connection& c,
                                            const std::set<std::int64_t>& categories,
                                            const std::set<std::int64_t>& products);
  Result<std::set<std::int64_t>> bought(storage::Connection& c, std::int64_t customer_id);
  Result<std::set<std::int64_t>> recommended(storage::Connection& c, std::int64_t customer_id);
  // The customer's language, nullopt for an unknown, merged or erased customer.
  Result<std::optional<std::string>> live_customer_language(storage::Connection& c,
                                                            std::int64_t customer_id);
  Result<bool> customer_exists(storage::Connection& c, std::int64_t customer_id);

  // Stores the answers and their advice; sets advice.id.
  Status insert_advice(storage::Connection& c, Advice& advice);
  // The customer's answers with their advice, newest first.
  Result<std::vector<Advice>> advice_of_customer(storage::Connection& c, std::int64_t customer_id,
                                                 int limit);

  Result<ConversionReport> report(storage::Connection& c, std::int64_t questionnaire_id,
                                  const std::string& currency, std::int64_t days);
};

}  // namespace ecrm::advisor
