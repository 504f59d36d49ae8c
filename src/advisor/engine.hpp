// The advisor's engine, pure: checks a questionnaire's definition and a set of answers against
// it, and turns answers into advice. Each chosen option adds its score to the products of its
// categories and to its products; the chosen options' price ranges intersect into the budget;
// candidates are active, in stock, in the questionnaire's currency, within the budget and not
// bought by the customer before; a product among the customer's recommendations gains one
// point. Products with a positive score are advised, best first (ties: lower id first), each
// with its reason: the options that scored it and the budget, in English or Chinese.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "advisor/model.hpp"
#include "core/result.hpp"

namespace ecrm::advisor {

inline constexpr std::int64_t kRecommendedBonus = 1;

// A product the engine may advise.
struct Candidate {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::optional<std::int64_t> category_id;
  std::int64_t price = 0;
  std::string currency;
  std::int64_t stock = 0;
  bool active = true;
};

// The budget the chosen options allow (inclusive; absent: unbounded).
struct Budget {
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};

// Checks keys (non-empty, unique), options (at least one each), price ranges (min <= max) and
// the currency; errors are kInvalidArgument naming the field (questions[1].options[0].key).
Status check_definition(const QuestionnaireInput& input);

// The chosen options, one entry per chosen option in the questionnaire's order.
struct Chosen {
  const Question* question = nullptr;
  const AnswerOption* option = nullptr;
};

// Resolves `answers` against `questions`: an unknown question (answers[i].question), an unknown
// or repeated option (answers[i].options[j]), several options for a single-choice question or
// none at all (answers[i].options), a question answered twice (answers[i].question) and a
// required question left out (answers.<key>) are kInvalidArgument naming the field.
Result<std::vector<Chosen>> resolve_answers(const std::vector<Question>& questions,
                                            const std::vector<Answer>& answers);

Budget budget_of(const std::vector<Chosen>& chosen);

// The language of the reasons: "zh-CN" for any zh* language, else "en".
std::string reason_language(const std::string& language);

// The advice: `candidates` (each product once) scored and filtered as the header says.
std::vector<AdvisedProduct> advise(const std::vector<Chosen>& chosen,
                                   const std::vector<Candidate>& candidates,
                                   const std::string& currency,
                                   const std::set<std::int64_t>& bought,
                                   const std::set<std::int64_t>& recommended,
                                   const std::string& language, std::size_t limit);

}  // namespace ecrm::advisor
