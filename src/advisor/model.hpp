// The advisor's records, described for the wire (core/describe.hpp): questionnaires defined as
// data (questions, answer options, each option's scores towards categories and products and
// its price range), the answers taken, and the advice they gave (products, best first, each
// with its reason in words). Money in integer minor units; times unix milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::advisor {

inline constexpr std::size_t kMaxKey = 64;
inline constexpr std::size_t kMaxText = 500;
inline constexpr std::int64_t kMaxScore = 100;
inline constexpr std::int64_t kMaxPrice = 1'000'000'000'000;

struct CategoryScore {
  std::int64_t category_id = 0;
  std::int64_t score = 0;
};
ECRM_DESCRIBE(CategoryScore, category_id, score)
ECRM_WIRE_RULES(CategoryScore, rule(&CategoryScore::category_id, {.minimum = 1}),
                rule(&CategoryScore::score, {.minimum = -kMaxScore, .maximum = kMaxScore}))

struct ProductScore {
  std::int64_t product_id = 0;
  std::int64_t score = 0;
};
ECRM_DESCRIBE(ProductScore, product_id, score)
ECRM_WIRE_RULES(ProductScore, rule(&ProductScore::product_id, {.minimum = 1}),
                rule(&ProductScore::score, {.minimum = -kMaxScore, .maximum = kMaxScore}))

// An answer option: choosing it adds its scores to the products of its categories and to its
// products, and its price range (inclusive, the questionnaire's currency) narrows the budget.
struct AnswerOption {
  std::string key;
  std::string label;                    // English
  std::optional<std::string> label_zh;  // zh-CN; the English label when absent
  std::vector<CategoryScore> categories;
  std::vector<ProductScore> products;
  std::optional<std::int64_t> price_min;
  std::optional<std::int64_t> price_max;
};
ECRM_DESCRIBE(AnswerOption, key, label, label_zh, categories, products, price_min, price_max)
ECRM_WIRE_RULES(AnswerOption, rule(&AnswerOption::key, {.max_length = kMaxKey}),
                rule(&AnswerOption::label, {.max_length = kMaxText}),
                rule(&AnswerOption::label_zh, {.max_length = kMaxText}),
                rule(&AnswerOption::categories, {.max_length = 50}),
                rule(&AnswerOption::products, {.max_length = 50}),
                rule(&AnswerOption::price_min, {.minimum = 0, .maximum = kMaxPrice}),
                rule(&AnswerOption::price_max, {.minimum = 0, .maximum = kMaxPrice}))

struct Question {
  std::string key;
  std::string text;                    // English
  std::optional<std::string> text_zh;  // zh-CN; the English text when absent
  std::optional<bool> required;        // true when absent
  std::optional<bool> multiple;        // several options may be chosen; false when absent
  std::vector<AnswerOption> options;
};
ECRM_DESCRIBE(Question, key, text, text_zh, required, multiple, options)
ECRM_WIRE_RULES(Question, rule(&Question::key, {.max_length = kMaxKey}),
                rule(&Question::text, {.max_length = kMaxText}),
                rule(&Question::text_zh, {.max_length = kMaxText}),
                rule(&Question::options, {.max_length = 50}))

// What staff send to create a questionnaire or make its next version.
struct QuestionnaireInput {
  std::string name;
  std::string currency;
  std::vector<Question> questions;
};
ECRM_DESCRIBE(QuestionnaireInput, name, currency, questions)
ECRM_WIRE_RULES(QuestionnaireInput, rule(&QuestionnaireInput::name, {.max_length = 200}),
                rule(&QuestionnaireInput::currency, {.max_length = 3}),
                rule(&QuestionnaireInput::questions, {.max_length = 50}))

// A questionnaire at one version (the current one unless asked otherwise).
struct Questionnaire {
  std::int64_t id = 0;
  std::string name;
  std::string currency;
  std::int64_t version = 0;
  std::vector<Question> questions;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};
ECRM_DESCRIBE(Questionnaire, id, name, currency, version, questions, created_at, updated_at)

// The options chosen for one question.
struct Answer {
  std::string question;
  std::vector<std::string> options;
};
ECRM_DESCRIBE(Answer, question, options)
ECRM_WIRE_RULES(Answer, rule(&Answer::question, {.max_length = kMaxKey}),
                rule(&Answer::options, {.max_length = 50}))

// Answers to a questionnaire's current version. customer_id: staff taking it for a customer (a
// portal customer may only name themselves); language: of the reasons (en, zh-CN), the
// customer's language when absent, else English.
struct AnswersInput {
  std::vector<Answer> answers;
  std::optional<std::int64_t> customer_id;
  std::optional<std::string> language;
  std::optional<std::int64_t> limit;  // advised products at most; 5 when absent
};
ECRM_DESCRIBE(AnswersInput, answers, customer_id, language, limit)
ECRM_WIRE_RULES(AnswersInput, rule(&AnswersInput::answers, {.max_length = 50}),
                rule(&AnswersInput::customer_id, {.minimum = 1}),
                rule(&AnswersInput::language, {.max_length = 10}),
                rule(&AnswersInput::limit, {.minimum = 1, .maximum = 50}))

// An advised product: its score from the chosen options (plus one when it is among the
// customer's recommendations) and why, in words built from the answers.
struct AdvisedProduct {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t price = 0;  // minor units of currency
  std::string currency;
  std::int64_t score = 0;
  std::string reason;
};
ECRM_DESCRIBE(AdvisedProduct, product_id, sku, name, price, currency, score, reason)

// Answers taken and the advice they gave.
struct Advice {
  std::int64_t id = 0;
  std::int64_t questionnaire_id = 0;
  std::int64_t version = 0;
  std::optional<std::int64_t> customer_id;
  std::string language;
  std::vector<Answer> answers;
  std::vector<AdvisedProduct> products;  // best first
  UnixMs created_at = 0;
};
ECRM_DESCRIBE(Advice, id, questionnaire_id, version, customer_id, language, answers, products,
              created_at)

// Advice shown against orders: a submission converts when its customer orders one of the
// advised products within `days` of the advice (orders not cancelled).
struct ConversionReport {
  std::int64_t questionnaire_id = 0;
  std::int64_t days = 0;
  std::int64_t submissions = 0;           // all, anonymous ones too
  std::int64_t customer_submissions = 0;  // with a customer, the ones that can convert
  std::int64_t converted_submissions = 0;
  std::string conversion_rate;  // converted / customer submissions, "25.0%"
  std::int64_t orders = 0;      // orders with an advised product within the window
  std::int64_t units = 0;       // of advised products in them
  std::int64_t revenue = 0;     // their line totals, minor units of currency
  std::string currency;
};
ECRM_DESCRIBE(ConversionReport, questionnaire_id, days, submissions, customer_submissions,
              converted_submissions, conversion_rate, orders, units, revenue, currency)

// The report's query: the conversion window in days after the advice.
struct ReportQuery {
  std::optional<std::int64_t> days;  // 30 when absent
};
ECRM_DESCRIBE(ReportQuery, days)
ECRM_WIRE_RULES(ReportQuery, rule(&ReportQuery::days, {.minimum = 1, .maximum = 365}))

}  // namespace ecrm::advisor
