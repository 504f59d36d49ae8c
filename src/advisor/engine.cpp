#include "advisor/engine.hpp"

#include <algorithm>
#include <map>

#include "core/money.hpp"

namespace ecrm::advisor {

namespace {

Error required(const std::string& field, const std::string& what) {
  return Error::invalid(what + " is required", field, "required");
}

std::string at(const std::string& parent, std::string_view name, std::size_t i) {
  return parent + std::string(name) + "[" + std::to_string(i) + "]";
}

bool is_currency(const std::string& c) {
  return c.size() == 3 &&
         std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

// The option's contribution to a product: the sum of its scores for the product and the
// product's category.
std::int64_t contribution(const AnswerOption& option, const Candidate& p) {
  std::int64_t score = 0;
  for (const auto& c : option.categories) {
    if (p.category_id && c.category_id == *p.category_id) score += c.score;
  }
  for (const auto& s : option.products) {
    if (s.product_id == p.id) score += s.score;
  }
  return score;
}

std::string join_words(const std::vector<std::string>& parts, const std::string& comma,
                       const std::string& last) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? last : comma;
    out += parts[i];
  }
  return out;
}

std::string budget_words(const Budget& b, const std::string& currency, bool zh) {
  const auto money = [&](std::int64_t v) { return format_money(v, currency); };
  if (b.min && b.max) {
    return zh ? "预算为" + money(*b.min) + "至" + money(*b.max)
              : "your budget is between " + money(*b.min) + " and " + money(*b.max);
  }
  if (b.max) return zh ? "预算不超过" + money(*b.max) : "your budget is up to " + money(*b.max);
  if (b.min) return zh ? "预算不低于" + money(*b.min) : "your budget is at least " + money(*b.min);
  return "";
}

std::string reason_of(const std::vector<const Chosen*>& why, const Budget& budget,
                      const std::string& currency, bool recommended, bool zh) {
  std::vector<std::string> parts;
  for (const Chosen* c : why) {
    if (zh) {
      parts.push_back("在“" + c->question->text_zh.value_or(c->question->text) + "”选择了“" +
                      c->option->label_zh.value_or(c->option->label) + "”");
    } else {
      parts.push_back("“" + c->option->label + "” for “" + c->question->text + "”");
    }
  }
  const std::string money = budget_words(budget, currency, zh);
  std::string out;
  if (zh) {
    out = "因为您" + join_words(parts, "，", "，");
    if (!money.empty()) out += "，" + money;
    out += "。";
    if (recommended) out += "这也是为您推荐的商品。";
  } else {
    out = "Because you chose " + join_words(parts, ", ", " and ");
    if (!money.empty()) out += (parts.size() > 1 ? ", and " : " and ") + money;
    out += ".";
    if (recommended) out += " It is also among your recommendations.";
  }
  return out;
}

}  // namespace

Status check_definition(const QuestionnaireInput& input) {
  if (input.name.empty()) return required("name", "name");
  if (!is_currency(input.currency)) {
    return Error::invalid("currency must be an ISO 4217 code such as EUR", "currency",
                          "invalid_currency");
  }
  if (input.questions.empty()) return required("questions", "at least one question");
  std::set<std::string> question_keys;
  for (std::size_t i = 0; i < input.questions.size(); ++i) {
    const auto& q = input.questions[i];
    const std::string qf = at("", "questions", i);
    if (q.key.empty()) return required(qf + ".key", "key");
    if (!question_keys.insert(q.key).second) {
      return Error::invalid("question key \"" + q.key + "\" is used twice", qf + ".key",
                            "duplicate_key");
    }
    if (q.text.empty()) return required(qf + ".text", "text");
    if (q.options.empty()) return required(qf + ".options", "at least one option");
    std::set<std::string> option_keys;
    for (std::size_t j = 0; j < q.options.size(); ++j) {
      const auto& o = q.options[j];
      const std::string of = at(qf + ".", "options", j);
      if (o.key.empty()) return required(of + ".key", "key");
      if (!option_keys.insert(o.key).second) {
        return Error::invalid("option key \"" + o.key + "\" is used twice in its question",
                              of + ".key", "duplicate_key");
      }
      if (o.label.empty()) return required(of + ".label", "label");
      if (o.price_min && o.price_max && *o.price_min > *o.price_max) {
        return Error::invalid("price_min is above price_max", of + ".price_min", "invalid_range");
      }
    }
  }
  return {};
}

Result<std::vector<Chosen>> resolve_answers(const std::vector<Question>& questions,
                                            const std::vector<Answer>& answers) {
  std::map<std::string, std::size_t> answered;  // question key -> index in answers
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto& a = answers[i];
    const std::string af = at("", "answers", i);
    auto q = std::find_if(questions.begin(), questions.end(),
                          [&](const Question& x) { return x.key == a.question; });
    if (q == questions.end()) {
      return Error::invalid("no such question \"" + a.question + "\"", af + ".question",
                            "unknown_question");
    }
    if (!answered.emplace(a.question, i).second) {
      return Error::invalid("question \"" + a.question + "\" is answered twice", af + ".question",
                            "duplicate_answer");
    }
    if (a.options.empty()) return required(af + ".options", "an option");
    if (a.options.size() > 1 && !q->multiple.value_or(false)) {
      return Error::invalid("question \"" + a.question + "\" takes one option", af + ".options",
                            "single_choice");
    }
    std::set<std::string> seen;
    for (std::size_t j = 0; j < a.options.size(); ++j) {
      const std::string of = at(af + ".", "options", j);
      auto o = std::find_if(q->options.begin(), q->options.end(),
                            [&](const AnswerOption& x) { return x.key == a.options[j]; });
      if (o == q->options.end()) {
        return Error::invalid(
            "no such option \"" + a.options[j] + "\" for question \"" + a.question + "\"", of,
            "unknown_option");
      }
      if (!seen.insert(a.options[j]).second) {
        return Error::invalid("option \"" + a.options[j] + "\" is chosen twice", of,
                              "duplicate_option");
      }
    }
  }
  std::vector<Chosen> out;
  for (const auto& q : questions) {
    auto it = answered.find(q.key);
    if (it == answered.end()) {
      if (q.required.value_or(true)) {
        return Error::invalid("question \"" + q.key + "\" must be answered", "answers." + q.key,
                              "required");
      }
      continue;
    }
    const auto& chosen = answers[it->second].options;
    for (const auto& o : q.options) {  // the questionnaire's order
      if (std::find(chosen.begin(), chosen.end(), o.key) != chosen.end()) {
        out.push_back(Chosen{&q, &o});
      }
    }
  }
  return out;
}

Budget budget_of(const std::vector<Chosen>& chosen) {
  Budget b;
  for (const auto& c : chosen) {
    if (c.option->price_min) b.min = std::max(b.min.value_or(0), *c.option->price_min);
    if (c.option->price_max) {
      b.max = b.max ? std::min(*b.max, *c.option->price_max) : *c.option->price_max;
    }
  }
  return b;
}

std::string reason_language(const std::string& language) {
  return language.starts_with("zh") ? "zh-CN" : "en";
}

std::vector<AdvisedProduct> advise(const std::vector<Chosen>& chosen,
                                   const std::vector<Candidate>& candidates,
                                   const std::string& currency,
                                   const std::set<std::int64_t>& bought,
                                   const std::set<std::int64_t>& recommended,
                                   const std::string& language, std::size_t limit) {
  const Budget budget = budget_of(chosen);
  const bool zh = reason_language(language) == "zh-CN";
  std::vector<AdvisedProduct> out;
  for (const auto& p : candidates) {
    if (!p.active || p.stock <= 0 || p.currency != currency || bought.contains(p.id)) continue;
    if ((budget.min && p.price < *budget.min) || (budget.max && p.price > *budget.max)) continue;
    std::int64_t score = 0;
    std::vector<const Chosen*> why;
    for (const auto& c : chosen) {
      const std::int64_t s = contribution(*c.option, p);
      score += s;
      if (s > 0) why.push_back(&c);
    }
    if (score <= 0) continue;
    const bool is_recommended = recommended.contains(p.id);
    if (is_recommended) score += kRecommendedBonus;
    out.push_back(AdvisedProduct{.product_id = p.id,
                                 .sku = p.sku,
                                 .name = p.name,
                                 .price = p.price,
                                 .currency = p.currency,
                                 .score = score,
                                 .reason = reason_of(why, budget, currency, is_recommended, zh)});
  }
  std::sort(out.begin(), out.end(), [](const AdvisedProduct& a, const AdvisedProduct& b) {
    return a.score != b.score ? a.score > b.score : a.product_id < b.product_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace ecrm::advisor
