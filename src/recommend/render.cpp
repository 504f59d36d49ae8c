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

std::string percent(double fraction) {
  return format_number(std::round(fraction * 1000.0) / 10.0) + "%";
}

std::string rounded(double value) { return format_number(std::round(value * 100.0) / 100.0); }

std::string item_list(const std::vector<ItemId>& list, const ItemNamer& name_of) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += list.size() == 2 ? " and " : (i + 1 == list.size() ? ", and " : ", ");
    out += name_of(list[i]);
  }
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

std::string explain(const Reason& reason, ItemId item, const ItemDictionary& items) {
  return explain(reason, item, [&items](ItemId id) { return items.name(id); });
}

std::string explain(const Reason& reason, ItemId item, const ItemNamer& items) {
  const std::string name = items(item);
  switch (reason.kind) {
    case ReasonKind::kRule:
      return "customers who bought " + item_list(reason.antecedent, items) + " also bought " +
             name + " (confidence " + percent(reason.confidence) + ", lift " +
             rounded(reason.lift) + ", support " + percent(reason.support) + ", " +
             std::to_string(reason.count) + " orders)";
    case ReasonKind::kAlsoBought: {
      // The neighbours come from purchases (and views, when the build had them): say which.
      const std::string seed = items(reason.seed_item);
      std::string text = reason.seed_viewed ? "you viewed " + seed + "; " : std::string();
      if (reason.viewed_count == 0) {
        return text + "customers who bought " + seed + " also bought " + name + " (" +
               std::to_string(reason.count) + ")";
      }
      const std::uint64_t bought = reason.count - std::min(reason.count, reason.viewed_count);
      return text + "customers who bought or viewed " + seed + " also bought or viewed " + name +
             " (" + std::to_string(reason.count) + ", " + std::to_string(bought) +
             " of them bought both)";
    }
    case ReasonKind::kClass: {
      std::string label = reason.class_label;
      if (auto colon = label.find(':'); colon != std::string::npos) label = label.substr(colon + 1);
      std::string who = reason.class_label.rfind("tier:", 0) == 0 ? label + " buyers" : label + "s";
      return "you bought " + items(reason.evidence_item) + " (" + reason.evidence_category +
             "), like other " + who + ", who buy " + name + " (" + std::to_string(reason.count) +
             ")";
    }
    case ReasonKind::kPopular:
      return name + " is a best-seller (" + std::to_string(reason.count) + " customers)";
    case ReasonKind::kReplenish:
      return "you bought " + name + " " + std::to_string(reason.count) + " times, about every " +
             std::to_string(reason.interval_ms / kMsPerDay) + " days; last on " +
             format_date(reason.last_purchase_ms);
  }
  return name;
}

}  // namespace ecrm::recommend
