// The advisor: staff define questionnaires as data (each change a new version, so answers keep
// naming the version they answered); customers in the portal, staff for a customer or an
// anonymous visitor answer one, and get the advice the engine (engine.hpp) gives from the
// answers, the catalog and the customer's history and recommendations; answers taken for a
// customer are kept on the customer; the conversion report. No HTTP here, no SQL (repo.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "advisor/model.hpp"
#include "advisor/repo.hpp"
#include "customers/model.hpp"
#include "storage/database.hpp"

namespace ecrm::advisor {

// Who answers: a portal customer (for themselves), staff (for the customer named, or for nobody),
// or an anonymous visitor (naming no customer).
struct Taker {
  enum class Kind { kPortalCustomer, kStaff, kVisitor };
  Kind kind = Kind::kVisitor;
  std::int64_t customer_id = 0;  // kPortalCustomer
};

class AdvisorService {
 public:
  explicit AdvisorService(storage::Database& db);

  // Errors: kInvalidArgument naming the field (the definition's checks in engine.hpp, an
  // unknown category or product: questions[i].options[j].categories[k].category_id).
  Result<Questionnaire> create(const QuestionnaireInput& input);
  // Stores the input as the next version; kNotFound for an unknown questionnaire.
  Result<Questionnaire> update(std::int64_t id, const QuestionnaireInput& input);
  Result<Questionnaire> get(std::int64_t id);
  Result<std::vector<Questionnaire>> list();

  // Answers the current version and stores the answers with their advice. Errors: kNotFound
  // (questionnaire), kInvalidArgument naming the field (resolve_answers; customer_id unknown,
  // closed, or named by a visitor; language other than en or zh-CN), kForbidden when a portal
  // customer names another customer. Nothing is stored on an error.
  Result<Advice> answer(std::int64_t questionnaire_id, const AnswersInput& input,
                        const Taker& taker);

  // The advice `input` would get, with its reasons, stored nowhere (staff trying a
  // questionnaire out); the same errors as answer(). A customer named is taken into account
  // (history, recommendations, language).
  Result<Advice> preview(std::int64_t questionnaire_id, const AnswersInput& input);

  // The customer's answers with their advice, newest first; kNotFound for an unknown customer.
  Result<std::vector<Advice>> of_customer(std::int64_t customer_id);

  Result<ConversionReport> report(std::int64_t questionnaire_id, const ReportQuery& query);

  // The advisor condition of a customer-list filter (customers::CustomerQuery), checked against
  // the questionnaire's current version: kInvalidArgument naming advisor_questionnaire (no such
  // questionnaire), advisor_question (no such question) or advisor_answer (an option the
  // question does not have). A filter without the condition passes.
  Status check_condition(const customers::CustomerQuery& query);

 private:
  // answer() and preview(): the advice, stored when `store`.
  Result<Advice> run(std::int64_t questionnaire_id, const AnswersInput& input, const Taker& taker,
                     bool store);
  Status check_references(storage::Connection& c, const QuestionnaireInput& input);

  storage::Database& db_;
  AdvisorRepo repo_;
};

}  // namespace ecrm::advisor
