// Output of the recommendation engines as JSON and CSV for the CLI. (Reasons reach people as
// data: the API describes them and the web UI and the tracking snippet word them.)
//
// Numbers are plain decimals, never exponent notation: the shortest text that reads back as the
// same double (0.01, 0.3333333333333333, 2), so values compare exactly against thresholds.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "recommend/evaluate.hpp"
#include "recommend/items.hpp"
#include "recommend/itemsets.hpp"
#include "recommend/model.hpp"

namespace ecrm::recommend {

// `value` as a plain decimal (see above); non-finite values as "0".
std::string format_number(double value);

// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

// {"transactions":N,"items":M,"rule_count":K,"rules":[{"antecedent":[..],"consequent":"..",
//  "support":..,"confidence":..,"lift":..,"count":..},..]} followed by a newline; M is the number
//  of
// distinct items in the input (`items.size()`). Rules in the set's order.
void write_rules_json(std::ostream& out, const RuleSet& rules, const ItemDictionary& items);

// Header `antecedent,consequent,support,confidence,lift,count`, then one row per rule in the set's
// order. The antecedent column holds the items as a JSON array of strings (e.g.
// ["citrus fruit","root vegetables"]), which stays unambiguous whatever the item names contain;
// fields are quoted per RFC 4180 where needed.
void write_rules_csv(std::ostream& out, const RuleSet& rules, const ItemDictionary& items);

// {"customers":..,"evaluated":..,"orders":..,"items":..,"k":..,"baseline":"popular",
//  "methods":{"popular":{"hit_rate":..,"precision":..,"recall":..,"map":..,"coverage":..,
//  "recommended_items":..},..}} followed by a newline; methods in the report's order.
void write_evaluation_json(std::ostream& out, const EvaluationReport& report);

}  // namespace ecrm::recommend
