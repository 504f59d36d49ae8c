#include "advisor/repo.hpp"

#include <boost/json.hpp>

#include <map>

#include "http/wire.hpp"

namespace ecrm::advisor {

using storage::Connection;
using storage::done;
using storage::RowView;
namespace json = boost::json;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

constexpr std::string_view kInsertQuestionnaire =
    "INSERT INTO advisor_questionnaires (name, currency, version, created_at, updated_at) "
    "VALUES ($1, $2, 0, $3, $3) RETURNING id";
constexpr std::string_view kInsertVersion =
    "INSERT INTO advisor_questionnaire_versions (questionnaire_id, version, name, questions, "
    "created_at) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kSetCurrent =
    "UPDATE advisor_questionnaires SET name = $2, currency = $3, version = $4, updated_at = $5 "
    "WHERE id = $1";
constexpr std::string_view kQuestionnaire =
    "SELECT q.id, v.name, q.currency, v.version, v.questions, q.created_at, q.updated_at "
    "FROM advisor_questionnaires q JOIN advisor_questionnaire_versions v "
    "ON v.questionnaire_id = q.id AND v.version = COALESCE($2, q.version) WHERE q.id = $1";
constexpr std::string_view kList =
    "SELECT q.id, v.name, q.currency, v.version, v.questions, q.created_at, q.updated_at "
    "FROM advisor_questionnaires q JOIN advisor_questionnaire_versions v "
    "ON v.questionnaire_id = q.id AND v.version = q.version ORDER BY q.id";
constexpr std::string_view kCategoryExists = "SELECT 1 FROM categories WHERE id = $1";
constexpr std::string_view kProductExists = "SELECT 1 FROM products WHERE id = $1";
#define ECRM_ADVISOR_CANDIDATE \
  "SELECT id, sku, name, category_id, price, currency, stock_on_hand, active FROM products "
constexpr std::string_view kCandidatesOfCategory = ECRM_ADVISOR_CANDIDATE "WHERE category_id = $1";
constexpr std::string_view kCandidate = ECRM_ADVISOR_CANDIDATE "WHERE id = $1";
#undef ECRM_ADVISOR_CANDIDATE
constexpr std::string_view kBought =
    "SELECT DISTINCT l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "WHERE o.customer_id = $1 AND o.status <> 'cancelled'";
constexpr std::string_view kRecommended =
    "SELECT items FROM customer_recommendations WHERE customer_id = $1";
constexpr std::string_view kLiveCustomer =
    "SELECT language FROM customers WHERE id = $1 AND merged_into IS NULL AND erased_at IS NULL";
constexpr std::string_view kCustomerExists = "SELECT 1 FROM customers WHERE id = $1";
constexpr std::string_view kInsertSubmission =
    "INSERT INTO advisor_submissions (questionnaire_id, version, customer_id, language, answers, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr std::string_view kInsertAdvised =
    "INSERT INTO advisor_advice (submission_id, pos, product_id, score, reason) "
    "VALUES ($1, $2, $3, $4, $5)";
// One row per chosen option, for the customer list's advisor condition (customers/repo.cpp).
constexpr std::string_view kInsertChosen =
    "INSERT INTO advisor_answer_options (submission_id, question, option_key) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kSubmissionsOf =
    "SELECT id, questionnaire_id, version, customer_id, language, answers, created_at "
    "FROM advisor_submissions WHERE customer_id = $1 ORDER BY id DESC LIMIT $2";
constexpr std::string_view kAdvisedOf =
    "SELECT a.product_id, p.sku, p.name, p.price, p.currency, a.score, a.reason "
    "FROM advisor_advice a JOIN products p ON p.id = a.product_id WHERE a.submission_id = $1 "
    "ORDER BY a.pos";

constexpr std::string_view kSubmissionCounts =
    "SELECT COUNT(*), COUNT(customer_id) FROM advisor_submissions WHERE questionnaire_id = $1";
// A submission converts when its customer placed an order (not cancelled) with an advised
// product within the window after it.
constexpr std::string_view kConverted =
    "SELECT COUNT(*) FROM advisor_submissions s WHERE s.questionnaire_id = $1 "
    "AND s.customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM advisor_advice a "
    "JOIN order_lines l ON l.product_id = a.product_id JOIN orders o ON o.id = l.order_id "
    "WHERE a.submission_id = s.id AND o.customer_id = s.customer_id AND o.status <> 'cancelled' "
    "AND o.placed_at >= s.created_at AND o.placed_at <= s.created_at + $2)";
// Each order line of an advised product in such an order, counted once however many
// submissions advised it.
constexpr std::string_view kConvertedLines =
    "SELECT COUNT(DISTINCT o.id), CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT), "
    "CAST(COALESCE(SUM(CASE WHEN o.currency = $3 THEN l.line_total ELSE 0 END), 0) AS BIGINT) "
    "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' "
    "AND EXISTS (SELECT 1 FROM advisor_submissions s JOIN advisor_advice a "
    "ON a.submission_id = s.id WHERE s.questionnaire_id = $1 AND s.customer_id = o.customer_id "
    "AND a.product_id = l.product_id AND o.placed_at >= s.created_at "
    "AND o.placed_at <= s.created_at + $2)";

struct QuestionSet {
  std::vector<Question> questions;
};
ECRM_DESCRIBE(QuestionSet, questions)

struct AnswerSet {
  std::vector<Answer> answers;
};
ECRM_DESCRIBE(AnswerSet, answers)

template <typename T>
Result<T> parse_stored(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) return Error::internal("stored advisor JSON does not parse: " + ec.message());
  return wire::read<T>(value);
}

Result<Questionnaire> questionnaire_of(const RowView& row) {
  Questionnaire q{.id = row.get_int(0),
                  .name = row.get_string(1),
                  .currency = row.get_string(2),
                  .version = row.get_int(3),
                  .created_at = row.get_int(5),
                  .updated_at = row.get_int(6)};
  ECRM_ASSIGN_OR_RETURN(auto set, parse_stored<QuestionSet>(row.get_string(4)));
  q.questions = std::move(set.questions);
  return q;
}

Candidate candidate_of(const RowView& row) {
  return Candidate{.id = row.get_int(0),
                   .sku = row.get_string(1),
                   .name = row.get_string(2),
                   .category_id = row.get_optional_int(3),
                   .price = row.get_int(4),
                   .currency = row.get_string(5),
                   .stock = row.get_int(6),
                   .active = row.get_int(7) != 0};
}

}  // namespace

Result<std::int64_t> AdvisorRepo::insert_questionnaire(Connection& c, const QuestionnaireInput& in,
                                                       UnixMs at) {
  ECRM_ASSIGN_OR_RETURN(auto id, c.query_int(kInsertQuestionnaire, {in.name, in.currency, at}));
  if (!id) return Error::internal("questionnaire not stored");
  return *id;
}

Status AdvisorRepo::insert_version(Connection& c, std::int64_t id, std::int64_t version,
                                   const QuestionnaireInput& in, UnixMs at) {
  const std::string questions =
      json::serialize(wire::to_json(QuestionSet{.questions = in.questions}));
  ECRM_RETURN_IF_ERROR(done(c.execute(kInsertVersion, {id, version, in.name, questions, at})));
  return done(c.execute(kSetCurrent, {id, in.name, in.currency, version, at}));
}

Result<std::optional<Questionnaire>> AdvisorRepo::questionnaire(
    Connection& c, std::int64_t id, std::optional<std::int64_t> version) {
  std::optional<Questionnaire> out;
  Status failure;
  storage::Value v = version ? storage::Value(*version) : storage::kNull;
  ECRM_RETURN_IF_ERROR(c.query(kQuestionnaire, {id, v}, [&](const RowView& row) {
    auto q = questionnaire_of(row);
    if (!q.ok())
      failure = std::move(q).error();
    else
      out = std::move(*q);
  }));
  ECRM_RETURN_IF_ERROR(failure);
  return out;
}

Result<std::vector<Questionnaire>> AdvisorRepo::list(Connection& c) {
  std::vector<Questionnaire> out;
  Status failure;
  ECRM_RETURN_IF_ERROR(c.query(kList, {}, [&](const RowView& row) {
    auto q = questionnaire_of(row);
    if (!q.ok())
      failure = std::move(q).error();
    else
      out.push_back(std::move(*q));
  }));
  ECRM_RETURN_IF_ERROR(failure);
  return out;
}

Result<bool> AdvisorRepo::category_exists(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kCategoryExists, {id}));
  return found.has_value();
}

Result<bool> AdvisorRepo::product_exists(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kProductExists, {id}));
  return found.has_value();
}

Result<std::vector<Candidate>> AdvisorRepo::candidates(Connection& c,
                                                       const std::set<std::int64_t>& categories,
                                                       const std::set<std::int64_t>& products) {
  std::map<std::int64_t, Candidate> by_id;
  const auto keep = [&](const RowView& row) {
    auto p = candidate_of(row);
    by_id.emplace(p.id, std::move(p));
  };
  for (auto id : categories) ECRM_RETURN_IF_ERROR(c.query(kCandidatesOfCategory, {id}, keep));
  for (auto id : products) {
    if (!by_id.contains(id)) ECRM_RETURN_IF_ERROR(c.query(kCandidate, {id}, keep));
  }
  std::vector<Candidate> out;
  for (auto& [id, p] : by_id) out.push_back(std::move(p));
  return out;
}

Result<std::set<std::int64_t>> AdvisorRepo::bought(Connection& c, std::int64_t customer_id) {
  std::set<std::int64_t> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kBought, {customer_id}, [&](const RowView& row) { out.insert(row.get_int(0)); }));
  return out;
}

Result<std::set<std::int64_t>> AdvisorRepo::recommended(Connection& c, std::int64_t customer_id) {
  std::string items;
  ECRM_RETURN_IF_ERROR(
      c.query(kRecommended, {customer_id}, [&](const RowView& row) { items = row.get_string(0); }));
  std::set<std::int64_t> out;
  if (items.empty()) return out;
  boost::system::error_code ec;
  auto value = json::parse(items, ec);
  if (ec || !value.is_array()) return out;  // an unreadable list recommends nothing
  for (const auto& item : value.as_array()) {
    if (!item.is_object()) continue;
    if (const auto* id = item.as_object().if_contains("product_id"); id && id->is_int64()) {
      out.insert(id->as_int64());
    }
  }
  return out;
}

Result<std::optional<std::string>> AdvisorRepo::live_customer_language(Connection& c,
                                                                       std::int64_t customer_id) {
  std::optional<std::string> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kLiveCustomer, {customer_id}, [&](const RowView& row) { out = row.get_string(0); }));
  return out;
}

Result<bool> AdvisorRepo::customer_exists(Connection& c, std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto found, c.query_int(kCustomerExists, {customer_id}));
  return found.has_value();
}

Status AdvisorRepo::insert_advice(Connection& c, Advice& advice) {
  const std::string answers = json::serialize(wire::to_json(AnswerSet{.answers = advice.answers}));
  storage::Value customer =
      advice.customer_id ? storage::Value(*advice.customer_id) : storage::kNull;
  ECRM_ASSIGN_OR_RETURN(
      auto id, c.query_int(kInsertSubmission, {advice.questionnaire_id, advice.version, customer,
                                               advice.language, answers, advice.created_at}));
  if (!id) return Error::internal("advisor answers not stored");
  advice.id = *id;
  for (const auto& a : advice.answers) {
    for (const auto& option : a.options) {
      ECRM_RETURN_IF_ERROR(done(c.execute(kInsertChosen, {advice.id, a.question, option})));
    }
  }
  std::int64_t pos = 0;
  for (const auto& p : advice.products) {
    ECRM_RETURN_IF_ERROR(
        done(c.execute(kInsertAdvised, {advice.id, ++pos, p.product_id, p.score, p.reason})));
  }
  return {};
}

Result<std::vector<Advice>> AdvisorRepo::advice_of_customer(Connection& c, std::int64_t customer_id,
                                                            int limit) {
  std::vector<Advice> out;
  Status failure;
  ECRM_RETURN_IF_ERROR(
      c.query(kSubmissionsOf, {customer_id, std::int64_t{limit}}, [&](const RowView& row) {
        Advice a{.id = row.get_int(0),
                 .questionnaire_id = row.get_int(1),
                 .version = row.get_int(2),
                 .customer_id = row.get_optional_int(3),
                 .language = row.get_string(4),
                 .created_at = row.get_int(6)};
        auto answers = parse_stored<AnswerSet>(row.get_string(5));
        if (!answers.ok())
          failure = std::move(answers).error();
        else
          a.answers = std::move(answers->answers);
        out.push_back(std::move(a));
      }));
  ECRM_RETURN_IF_ERROR(failure);
  for (auto& a : out) {
    ECRM_RETURN_IF_ERROR(c.query(kAdvisedOf, {a.id}, [&](const RowView& row) {
      a.products.push_back(AdvisedProduct{.product_id = row.get_int(0),
                                          .sku = row.get_string(1),
                                          .name = row.get_string(2),
                                          .price = row.get_int(3),
                                          .currency = row.get_string(4),
                                          .score = row.get_int(5),
                                          .reason = row.get_string(6)});
    }));
  }
  return out;
}

Result<ConversionReport> AdvisorRepo::report(Connection& c, std::int64_t questionnaire_id,
                                             const std::string& currency, std::int64_t days) {
  ConversionReport r{.questionnaire_id = questionnaire_id, .days = days, .currency = currency};
  const std::int64_t window = days * kDayMs;
  ECRM_RETURN_IF_ERROR(c.query(kSubmissionCounts, {questionnaire_id}, [&](const RowView& row) {
    r.submissions = row.get_int(0);
    r.customer_submissions = row.get_int(1);
  }));
  ECRM_ASSIGN_OR_RETURN(auto converted, c.query_int(kConverted, {questionnaire_id, window}));
  r.converted_submissions = converted.value_or(0);
  ECRM_RETURN_IF_ERROR(
      c.query(kConvertedLines, {questionnaire_id, window, currency}, [&](const RowView& row) {
        r.orders = row.get_int(0);
        r.units = row.get_int(1);
        r.revenue = row.get_int(2);
      }));
  return r;
}

}  // namespace ecrm::advisor
