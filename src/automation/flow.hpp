// Flows as data: checking a definition before it is stored, and walking its steps. Pure: no
// SQL.
//
// A definition is a trigger, conditions checked at enrolment, and steps. Each step names the
// step that follows it (`next`; absent: the one after it in the list; "end": none), a branch its
// two (`then`, `otherwise`), a split one per variant. The steps must form no cycle, so every
// enrolment reaches the end; a wait is the only step that stops an enrolment for a while.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "automation/model.hpp"
#include "core/result.hpp"

namespace ecrm::automation {

inline constexpr std::string_view kEnd = "end";

// Checks `definition` (field names in errors start with `path`, e.g. "definition.steps[2].next"):
// step ids unique and known, no cycle, each step's own members present and sound, the trigger's
// members, the conditions' operators for their fields, and every template a send step names
// known to `template_exists`.
Status validate(const FlowDefinition& definition, const std::string& path,
                const std::function<bool(const std::string&)>& template_exists);

// The index of the step with `id`, or nullopt.
std::optional<std::size_t> step_index(const FlowDefinition& definition, std::string_view id);

// The id of the step after step `index` when it goes on through `next` (explicit, or the
// following step); nullopt at the end.
std::optional<std::string> next_step(const FlowDefinition& definition, std::size_t index,
                                     const std::optional<std::string>& next);

// The first step's id, or nullopt for a definition without steps.
std::optional<std::string> first_step(const FlowDefinition& definition);

// The facts about a customer that conditions read (the bought_* conditions are answered by
// `bought`: field, values -> whether any was bought).
struct CustomerFacts {
  std::string tier;  // "" without scores
  std::string segment;
  std::optional<double> clv;
  std::optional<double> p_alive;
  bool email_consent = false;
  std::vector<std::string> tags;
  std::string type;
  std::string language;
  std::optional<double> days_since_contact;
  std::optional<double> days_since_order;
  double total_spend = 0;
};

bool holds(const Condition& condition, const CustomerFacts& facts,
           const std::function<bool(ConditionField, const std::vector<std::string>&)>& bought);

bool all_hold(const std::vector<Condition>& conditions, const CustomerFacts& facts,
              const std::function<bool(ConditionField, const std::vector<std::string>&)>& bought);

// A number in [0, 100) drawn from the enrolment's id: the same for the same enrolment.
int draw_percent(std::int64_t seed, std::string_view salt);

}  // namespace ecrm::automation
