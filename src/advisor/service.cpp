#include "advisor/service.hpp"

#include <algorithm>
#include <cstdio>

#include "advisor/engine.hpp"

namespace ecrm::advisor {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::size_t kDefaultLimit = 5;
constexpr int kCustomerAdviceLimit = 50;
constexpr std::int64_t kDefaultDays = 30;

Error no_questionnaire() { return Error::not_found("no such questionnaire", "not_found"); }

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "0.0%";
  // One decimal, rounded half up, in integers.
  const std::int64_t tenths = (part * 2000 + whole) / (2 * whole);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%";
}

// The definition as stored: whether each question is required and takes several options said.
QuestionnaireInput with_defaults(QuestionnaireInput input) {
  for (auto& q : input.questions) {
    q.required = q.required.value_or(true);
    q.multiple = q.multiple.value_or(false);
  }
  return input;
}

}  // namespace

AdvisorService::AdvisorService(storage::Database& db) : db_(db) {}

Status AdvisorService::check_references(Connection& c, const QuestionnaireInput& input) {
  for (std::size_t i = 0; i < input.questions.size(); ++i) {
    const auto& q = input.questions[i];
    for (std::size_t j = 0; j < q.options.size(); ++j) {
      const auto& o = q.options[j];
      const std::string of =
          "questions[" + std::to_string(i) + "].options[" + std::to_string(j) + "]";
      for (std::size_t k = 0; k < o.categories.size(); ++k) {
        ECRM_ASSIGN_OR_RETURN(bool found, repo_.category_exists(c, o.categories[k].category_id));
        if (!found) {
          return Error::invalid("no such category",
                                of + ".categories[" + std::to_string(k) + "].category_id",
                                "unknown_category");
        }
      }
      for (std::size_t k = 0; k < o.products.size(); ++k) {
        ECRM_ASSIGN_OR_RETURN(bool found, repo_.product_exists(c, o.products[k].product_id));
        if (!found) {
          return Error::invalid("no such product",
                                of + ".products[" + std::to_string(k) + "].product_id",
                                "unknown_product");
        }
      }
    }
  }
  return {};
}

Result<Questionnaire> AdvisorService::create(const QuestionnaireInput& given) {
  ECRM_RETURN_IF_ERROR(check_definition(given));
  const QuestionnaireInput input = with_defaults(given);
  return with_transaction<Questionnaire>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<Questionnaire> {
        ECRM_RETURN_IF_ERROR(check_references(c, input));
        const UnixMs now = now_ms();
        ECRM_ASSIGN_OR_RETURN(auto id, repo_.insert_questionnaire(c, input, now));
        ECRM_RETURN_IF_ERROR(repo_.insert_version(c, id, 1, input, now));
        ECRM_ASSIGN_OR_RETURN(auto q, repo_.questionnaire(c, id));
        if (!q) return Error::internal("questionnaire not stored");
        return std::move(*q);
      });
}

Result<Questionnaire> AdvisorService::update(std::int64_t id, const QuestionnaireInput& given) {
  ECRM_RETURN_IF_ERROR(check_definition(given));
  const QuestionnaireInput input = with_defaults(given);
  return with_transaction<Questionnaire>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<Questionnaire> {
        ECRM_ASSIGN_OR_RETURN(auto current, repo_.questionnaire(c, id));
        if (!current) return no_questionnaire();
        ECRM_RETURN_IF_ERROR(check_references(c, input));
        ECRM_RETURN_IF_ERROR(repo_.insert_version(c, id, current->version + 1, input, now_ms()));
        ECRM_ASSIGN_OR_RETURN(auto q, repo_.questionnaire(c, id));
        if (!q) return Error::internal("questionnaire not stored");
        return std::move(*q);
      });
}

Result<Questionnaire> AdvisorService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto q, repo_.questionnaire(*lease, id));
  if (!q) return no_questionnaire();
  return std::move(*q);
}

Result<std::vector<Questionnaire>> AdvisorService::list() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list(*lease);
}

Result<Advice> AdvisorService::answer(std::int64_t questionnaire_id, const AnswersInput& input,
                                      const Taker& taker) {
  return run(questionnaire_id, input, taker, true);
}

Result<Advice> AdvisorService::preview(std::int64_t questionnaire_id, const AnswersInput& input) {
  return run(questionnaire_id, input, Taker{.kind = Taker::Kind::kStaff}, false);
}

Result<Advice> AdvisorService::run(std::int64_t questionnaire_id, const AnswersInput& input,
                                   const Taker& taker, bool store) {
  std::optional<std::int64_t> customer_id = input.customer_id;
  switch (taker.kind) {
    case Taker::Kind::kPortalCustomer:
      if (customer_id && *customer_id != taker.customer_id) {
        return Error::forbidden("a customer answers only for themselves", "portal_forbidden");
      }
      customer_id = taker.customer_id;
      break;
    case Taker::Kind::kVisitor:
      if (customer_id) {
        return Error::invalid("an anonymous visitor names no customer", "customer_id",
                              "not_allowed");
      }
      break;
    case Taker::Kind::kStaff:
      break;
  }
  if (input.language && *input.language != "en" && *input.language != "zh-CN") {
    return Error::invalid("language must be en or zh-CN", "language", "unknown_language");
  }
  return with_transaction<
      Advice>(db_, store ? TxMode::kWrite : TxMode::kRead, [&](Connection& c) -> Result<Advice> {
    ECRM_ASSIGN_OR_RETURN(auto q, repo_.questionnaire(c, questionnaire_id));
    if (!q) return no_questionnaire();
    ECRM_ASSIGN_OR_RETURN(auto chosen, resolve_answers(q->questions, input.answers));
    std::string language = input.language.value_or("");
    std::set<std::int64_t> bought, recommended;
    if (customer_id) {
      ECRM_ASSIGN_OR_RETURN(auto customer_language, repo_.live_customer_language(c, *customer_id));
      if (!customer_language) {
        if (taker.kind == Taker::Kind::kPortalCustomer) {
          return Error::unauthenticated("the portal account is closed", "portal_account_closed");
        }
        return Error::invalid("no such customer (or merged or erased)", "customer_id",
                              "unknown_customer");
      }
      if (language.empty()) language = *customer_language;
      ECRM_ASSIGN_OR_RETURN(bought, repo_.bought(c, *customer_id));
      ECRM_ASSIGN_OR_RETURN(recommended, repo_.recommended(c, *customer_id));
    }
    std::set<std::int64_t> categories, products;
    for (const auto& ch : chosen) {
      for (const auto& s : ch.option->categories) categories.insert(s.category_id);
      for (const auto& s : ch.option->products) products.insert(s.product_id);
    }
    ECRM_ASSIGN_OR_RETURN(auto candidates, repo_.candidates(c, categories, products));
    Advice advice{.questionnaire_id = q->id,
                  .version = q->version,
                  .customer_id = customer_id,
                  .language = reason_language(language),
                  .created_at = now_ms()};
    const std::size_t limit = input.limit ? static_cast<std::size_t>(*input.limit) : kDefaultLimit;
    advice.products =
        advise(chosen, candidates, q->currency, bought, recommended, advice.language, limit);
    // The answers as stored: each question's options in the questionnaire's order.
    for (const auto& ch : chosen) {
      if (advice.answers.empty() || advice.answers.back().question != ch.question->key) {
        advice.answers.push_back(Answer{.question = ch.question->key});
      }
      advice.answers.back().options.push_back(ch.option->key);
    }
    if (store) ECRM_RETURN_IF_ERROR(repo_.insert_advice(c, advice));
    return advice;
  });
}

Result<std::vector<Advice>> AdvisorService::of_customer(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(bool exists, repo_.customer_exists(*lease, customer_id));
  if (!exists) return Error::not_found("no such customer", "not_found");
  return repo_.advice_of_customer(*lease, customer_id, kCustomerAdviceLimit);
}

Result<ConversionReport> AdvisorService::report(std::int64_t questionnaire_id,
                                                const ReportQuery& query) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto q, repo_.questionnaire(*lease, questionnaire_id));
  if (!q) return no_questionnaire();
  ECRM_ASSIGN_OR_RETURN(auto r, repo_.report(*lease, questionnaire_id, q->currency,
                                             query.days.value_or(kDefaultDays)));
  r.conversion_rate = percent(r.converted_submissions, r.customer_submissions);
  return r;
}

Status AdvisorService::check_condition(const customers::CustomerQuery& query) {
  if (!query.advisor_questionnaire) return {};
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.questionnaire(*lease, *query.advisor_questionnaire));
  if (!found) {
    return Error::invalid("no such questionnaire", "advisor_questionnaire",
                          "unknown_questionnaire");
  }
  if (!query.advisor_question) return {};
  const Question* question = nullptr;
  for (const auto& q : found->questions) {
    if (q.key == *query.advisor_question) question = &q;
  }
  if (!question) {
    return Error::invalid("the questionnaire has no question '" + *query.advisor_question + "'",
                          "advisor_question", "unknown_question");
  }
  for (const auto& key : customers::advisor_options(query)) {
    const bool known = std::any_of(question->options.begin(), question->options.end(),
                                   [&](const AnswerOption& o) { return o.key == key; });
    if (!known) {
      return Error::invalid("the question '" + question->key + "' has no option '" + key + "'",
                            "advisor_answer", "unknown_option");
    }
  }
  return {};
}

}  // namespace ecrm::advisor
