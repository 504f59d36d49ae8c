#include "recommend/render.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/csv.hpp"

namespace ecrm::recommend {
namespace {

std::string antecedent_json(const std::vector<ItemId>& antecedent, const ItemDictionary& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < antecedent.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += json_string(items.name(antecedent[i]));
  }
  out.push_back(']');
  return out;
}

}  // namespace

std::string format_number(double value) {
  if (!std::isfinite(value)) return "0";
  if (value == 0) return "0";  // also turns -0 into 0
  char buffer[512];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (ec != std::errc()) return "0";
  return std::string(buffer, end);
}

std::string json_string(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

void write_rules_json(std::ostream& out, const RuleSet& rules, const ItemDictionary& items) {
  out << "{\"transactions\":" << rules.transactions << ",\"items\":" << items.size()
      << ",\"rule_count\":" << rules.rules.size() << ",\"rules\":[";
  bool first = true;
  for (const Rule& rule : rules.rules) {
    if (!first) out << ',';
    first = false;
    out << "{\"antecedent\":" << antecedent_json(rule.antecedent, items)
        << ",\"consequent\":" << json_string(items.name(rule.consequent))
        << ",\"support\":" << format_number(rule.support())
        << ",\"confidence\":" << format_number(rule.confidence())
        << ",\"lift\":" << format_number(rule.lift()) << ",\"count\":" << rule.count << '}';
  }
  out << "]}\n";
}

void write_rules_csv(std::ostream& out, const RuleSet& rules, const ItemDictionary& items) {
  CsvWriter writer(out);
  writer.write_row({"antecedent", "consequent", "support", "confidence", "lift", "count"});
  for (const Rule& rule : rules.rules) {
    writer.field(antecedent_json(rule.antecedent, items));
    writer.field(items.name(rule.consequent));
    writer.field(format_number(rule.support()));
    writer.field(format_number(rule.confidence()));
    writer.field(format_number(rule.lift()));
    writer.field(std::to_string(rule.count));
    writer.end_row();
  }
}

void write_evaluation_json(std::ostream& out, const EvaluationReport& report) {
  out << "{\"customers\":" << report.customers << ",\"evaluated\":" << report.evaluated
      << ",\"orders\":" << report.orders << ",\"items\":" << report.items << ",\"k\":" << report.k
      << ",\"baseline\":" << json_string(report.baseline) << ",\"methods\":{";
  bool first = true;
  for (const MethodMetrics& m : report.methods) {
    if (!first) out << ',';
    first = false;
    out << json_string(m.name) << ":{\"hit_rate\":" << format_number(m.hit_rate)
        << ",\"precision\":" << format_number(m.precision)
        << ",\"recall\":" << format_number(m.recall) << ",\"map\":" << format_number(m.map)
        << ",\"coverage\":" << format_number(m.coverage)
        << ",\"recommended_items\":" << m.recommended_items << '}';
  }
  out << "}}\n";
}

}  // namespace ecrm::recommend
