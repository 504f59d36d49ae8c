#include "analytics/reports.hpp"

#include <array>
#include <string>
#include <vector>

namespace ecrm::analytics {

boost::json::object to_json(const BgNbdFit& fit) {
  return {{"r", fit.params.r},
          {"alpha", fit.params.alpha},
          {"a", fit.params.a},
          {"b", fit.params.b},
          {"log_likelihood", fit.log_likelihood},
          {"customers", static_cast<std::uint64_t>(fit.customers)}};
}

boost::json::object to_json(const GammaGammaFit& fit) {
  return {{"p", fit.params.p},
          {"q", fit.params.q},
          {"gamma", fit.params.gamma},
          {"customers", static_cast<std::uint64_t>(fit.customers)}};
}

boost::json::object to_json(const HoldoutReport& report) {
  boost::json::array groups;
  for (const HoldoutGroup& g : report.groups) {
    const double n = static_cast<double>(g.customers);
    groups.push_back(
        boost::json::object{{"frequency", std::to_string(g.frequency) + (g.open_ended ? "+" : "")},
                            {"customers", static_cast<std::uint64_t>(g.customers)},
                            {"actual", g.actual},
                            {"predicted", g.predicted},
                            {"actual_mean", g.customers > 0 ? g.actual / n : 0.0},
                            {"predicted_mean", g.customers > 0 ? g.predicted / n : 0.0}});
  }
  return {{"length", report.length},
          {"groups", std::move(groups)},
          {"total", boost::json::object{{"actual", report.actual_total},
                                        {"predicted", report.predicted_total}}}};
}

boost::json::object rfm_summary_json(std::span<const RfmRow> rows) {
  std::vector<std::int64_t> monetary;
  monetary.reserve(rows.size());
  std::int64_t revenue = 0;
  std::array<std::uint64_t, kTierCount> tiers{};
  std::array<std::uint64_t, kSegmentCount> segments{};
  for (const RfmRow& row : rows) {
    monetary.push_back(row.monetary_minor);
    revenue += row.monetary_minor;
    ++tiers[static_cast<std::size_t>(row.tier)];
    ++segments[static_cast<std::size_t>(row.segment)];
  }
  const ParetoSummary summary = pareto(monetary, 2);
  boost::json::object tier_json;
  for (Tier tier : {Tier::kVeryLoyal, Tier::kLoyal, Tier::kOccasional}) {
    tier_json[to_string(tier)] = tiers[static_cast<std::size_t>(tier)];
  }
  boost::json::object segment_json;
  for (Segment segment : all_segments()) {
    segment_json[to_string(segment)] = segments[static_cast<std::size_t>(segment)];
  }
  return {{"customers", static_cast<std::uint64_t>(rows.size())},
          {"revenue", static_cast<double>(revenue) / 100.0},
          {"top20_revenue_share", summary.top20_share},
          {"gini", summary.gini},
          {"tiers", std::move(tier_json)},
          {"segments", std::move(segment_json)}};
}

}  // namespace ecrm::analytics
