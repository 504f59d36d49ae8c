#include "analytics/rfm.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>
#include <utility>

#include "analytics/parallel.hpp"

namespace ecrm::analytics {
namespace {

constexpr std::array<Segment, kSegmentCount> kAllSegments = {
    Segment::kChampions,   Segment::kLoyal,         Segment::kPotential, Segment::kNew,
    Segment::kPromising,   Segment::kNeedAttention, Segment::kAtRisk,    Segment::kCantLose,
    Segment::kHibernating, Segment::kLost};

constexpr SegmentRule kDefaultRules[] = {
    {Segment::kChampions, 5, 5, 4, 5},   {Segment::kLoyal, 3, 5, 4, 5},
    {Segment::kNew, 5, 5, 1, 1},         {Segment::kPromising, 4, 4, 1, 1},
    {Segment::kPotential, 4, 5, 2, 3},   {Segment::kNeedAttention, 3, 3, 1, 3},
    {Segment::kCantLose, 1, 2, 5, 5},    {Segment::kAtRisk, 1, 2, 3, 4},
    {Segment::kHibernating, 2, 2, 1, 2}, {Segment::kLost, 1, 1, 1, 2},
};

// Per-customer totals of one slice of the orders.
struct Totals {
  std::vector<std::int32_t> last_day;
  std::vector<std::int32_t> count;
  std::vector<std::int64_t> sum;
};

std::uint8_t score_of(std::size_t worse, std::size_t n) {
  return static_cast<std::uint8_t>(1 + (5 * worse) / n);
}

}  // namespace

const std::array<Segment, kSegmentCount>& all_segments() { return kAllSegments; }

std::string_view to_string(Segment segment) {
  switch (segment) {
    case Segment::kChampions:
      return "champions";
    case Segment::kLoyal:
      return "loyal";
    case Segment::kPotential:
      return "potential";
    case Segment::kNew:
      return "new";
    case Segment::kPromising:
      return "promising";
    case Segment::kNeedAttention:
      return "need_attention";
    case Segment::kAtRisk:
      return "at_risk";
    case Segment::kCantLose:
      return "cant_lose";
    case Segment::kHibernating:
      return "hibernating";
    case Segment::kLost:
      return "lost";
  }
  return "need_attention";
}

std::string_view to_string(Tier tier) {
  switch (tier) {
    case Tier::kVeryLoyal:
      return "very_loyal";
    case Tier::kLoyal:
      return "loyal";
    case Tier::kOccasional:
      return "occasional";
  }
  return "occasional";
}

std::span<const SegmentRule> default_segment_rules() { return kDefaultRules; }

Segment segment_for(int r, int f, std::span<const SegmentRule> rules) {
  for (const SegmentRule& rule : rules) {
    if (r >= rule.r_min && r <= rule.r_max && f >= rule.f_min && f <= rule.f_max) {
      return rule.segment;
    }
  }
  return Segment::kNeedAttention;
}

Tier tier_for(int r, int f, std::int64_t orders, const TierRules& rules) {
  if (r >= rules.very_loyal_min_r && f >= rules.very_loyal_min_f) return Tier::kVeryLoyal;
  if (orders <= rules.occasional_max_orders || r <= rules.occasional_max_r) {
    return Tier::kOccasional;
  }
  return Tier::kLoyal;
}

std::vector<std::uint8_t> quintile_scores(std::span<const std::int64_t> values,
                                          bool higher_is_better) {
  const std::size_t n = values.size();
  std::vector<std::uint8_t> scores(n);
  if (n == 0) return scores;
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const std::int64_t lo = *min_it;
  const std::uint64_t range = static_cast<std::uint64_t>(*max_it) - static_cast<std::uint64_t>(lo);
  if (range <= 4 * static_cast<std::uint64_t>(n)) {
    // Small range: a histogram gives, for each value, how many values are below and above it.
    std::vector<std::size_t> below(range + 2, 0);
    for (std::int64_t v : values) ++below[static_cast<std::size_t>(v - lo) + 1];
    for (std::size_t k = 1; k < below.size(); ++k) below[k] += below[k - 1];
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t slot = static_cast<std::size_t>(values[i] - lo);
      const std::size_t worse = higher_is_better ? below[slot] : n - below[slot + 1];
      scores[i] = score_of(worse, n);
    }
    return scores;
  }
  std::vector<std::pair<std::int64_t, std::uint32_t>> sorted(n);
  for (std::size_t i = 0; i < n; ++i) sorted[i] = {values[i], static_cast<std::uint32_t>(i)};
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin;
    while (end < n && sorted[end].first == sorted[begin].first) ++end;
    const std::size_t worse = higher_is_better ? begin : n - end;
    const std::uint8_t score = score_of(worse, n);
    for (std::size_t k = begin; k < end; ++k) scores[sorted[k].second] = score;
    begin = end;
  }
  return scores;
}

std::vector<RfmRow> compute_rfm(const OrderColumns& orders, std::int32_t as_of,
                                const RfmOptions& options) {
  assert(valid(orders));
  const std::size_t customers = orders.customer_count;
  const std::size_t n_orders = orders.customer.size();
  const int workers = detail::worker_count(options.threads, n_orders, 1'000'000);
  constexpr std::int32_t kNoOrder = std::numeric_limits<std::int32_t>::min();

  // Each worker totals its slice of the orders into its own arrays; they are merged after.
  std::vector<Totals> totals(static_cast<std::size_t>(workers));
  detail::parallel_slices(n_orders, workers, [&](std::size_t begin, std::size_t end, int w) {
    Totals& t = totals[static_cast<std::size_t>(w)];
    t.last_day.assign(customers, kNoOrder);
    t.count.assign(customers, 0);
    t.sum.assign(customers, 0);
    for (std::size_t i = begin; i < end; ++i) {
      const std::int32_t day = orders.day[i];
      if (day > as_of) continue;
      const std::uint32_t c = orders.customer[i];
      t.last_day[c] = std::max(t.last_day[c], day);
      ++t.count[c];
      t.sum[c] += orders.amount_minor[i];
    }
  });
  Totals& all = totals[0];
  for (std::size_t w = 1; w < totals.size(); ++w) {
    for (std::size_t c = 0; c < customers; ++c) {
      all.last_day[c] = std::max(all.last_day[c], totals[w].last_day[c]);
      all.count[c] += totals[w].count[c];
      all.sum[c] += totals[w].sum[c];
    }
  }

  std::vector<RfmRow> rows;
  for (std::size_t c = 0; c < customers; ++c) {
    if (all.count[c] == 0) continue;
    RfmRow row;
    row.customer = static_cast<std::uint32_t>(c);
    row.recency_days = as_of - all.last_day[c];
    row.frequency = all.count[c];
    row.monetary_minor = all.sum[c];
    rows.push_back(row);
  }
  const std::size_t n = rows.size();
  std::vector<std::int64_t> column(n);
  auto score = [&](auto member, bool higher_is_better, std::uint8_t RfmRow::*target) {
    for (std::size_t i = 0; i < n; ++i) column[i] = rows[i].*member;
    const std::vector<std::uint8_t> s = quintile_scores(column, higher_is_better);
    for (std::size_t i = 0; i < n; ++i) rows[i].*target = s[i];
  };
  score(&RfmRow::recency_days, false, &RfmRow::r);
  score(&RfmRow::frequency, true, &RfmRow::f);
  score(&RfmRow::monetary_minor, true, &RfmRow::m);
  for (RfmRow& row : rows) {
    row.segment = segment_for(row.r, row.f, options.segments);
    row.tier = tier_for(row.r, row.f, row.frequency, options.tiers);
  }
  return rows;
}

}  // namespace ecrm::analytics
