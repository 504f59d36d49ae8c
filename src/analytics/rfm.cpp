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

// One customer's running totals; kept together so an order touches one cache line.
struct Total {
  std::int32_t last_day;
  std::int32_t count;
  std::int64_t sum;
};

// The values at the given positions of the ascending order of `values` (non-empty). Small
// value ranges (recency in days, order counts) use a histogram; others a partial selection.
std::array<std::int64_t, 4> order_statistics(std::span<const std::int64_t> values,
                                             std::array<std::size_t, 4> positions) {
  const std::size_t n = values.size();
  std::array<std::int64_t, 4> out{};
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const std::int64_t lo = *min_it;
  const std::uint64_t range = static_cast<std::uint64_t>(*max_it) - static_cast<std::uint64_t>(lo);
  if (range < 4 * static_cast<std::uint64_t>(n)) {
    std::vector<std::size_t> count(static_cast<std::size_t>(range) + 1, 0);
    for (std::int64_t v : values) ++count[static_cast<std::size_t>(v - lo)];
    for (std::size_t k = 0; k < positions.size(); ++k) {
      std::size_t seen = 0, bucket = 0;
      while (seen + count[bucket] <= positions[k]) seen += count[bucket++];
      out[k] = lo + static_cast<std::int64_t>(bucket);
    }
    return out;
  }
  LargeVector<std::int64_t> work(values.begin(), values.end());
  std::array<std::size_t, 4> order = {0, 1, 2, 3};
  std::sort(order.begin(), order.end(),
            [&](std::size_t l, std::size_t r) { return positions[l] < positions[r]; });
  std::size_t from = 0;  // everything before `from` is already below the later positions
  for (std::size_t k : order) {
    const auto first = work.begin() + static_cast<std::ptrdiff_t>(from);
    const auto nth = work.begin() + static_cast<std::ptrdiff_t>(positions[k]);
    if (nth >= first) std::nth_element(first, nth, work.end());
    out[k] = *nth;
    from = positions[k] + 1;
  }
  return out;
}

}  // namespace

const std::array<Segment, kSegmentCount>& all_segments() { return kAllSegments; }

std::string_view to_string(Segment segment) { return wire::enum_name(segment); }

std::string_view to_string(Tier tier) { return wire::enum_name(tier); }

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

QuintileCuts quintile_cuts(std::span<const std::int64_t> values, bool higher_is_better) {
  // score = 1 + floor(5 w / n) >= k + 1 exactly when w >= m_k = ceil(k n / 5). With s the values
  // in ascending order, "at least m_k values are below v" means v > s[m_k - 1], and "at least m_k
  // values are above v" means v < s[n - m_k]. So four order statistics (found in linear time)
  // decide every score, and ties fall on the same side of each threshold.
  const std::size_t n = values.size();
  assert(n > 0);
  std::array<std::size_t, 4> positions{};
  for (std::size_t k = 1; k <= 4; ++k) {
    const std::size_t m = (k * n + 4) / 5;
    positions[k - 1] = higher_is_better ? m - 1 : n - m;
  }
  return QuintileCuts{order_statistics(values, positions), higher_is_better};
}

std::uint8_t QuintileCuts::score(std::int64_t value) const {
  int score = 1;
  for (std::int64_t t : cut) score += higher_is_better ? (value > t) : (value < t);
  return static_cast<std::uint8_t>(score);
}

std::vector<std::uint8_t> quintile_scores(std::span<const std::int64_t> values,
                                          bool higher_is_better) {
  const std::size_t n = values.size();
  std::vector<std::uint8_t> scores(n);
  if (n == 0) return scores;
  const QuintileCuts cuts = quintile_cuts(values, higher_is_better);
  for (std::size_t i = 0; i < n; ++i) scores[i] = cuts.score(values[i]);
  return scores;
}

RfmRows compute_rfm(const OrderColumns& orders, std::int32_t as_of, const RfmOptions& options,
                    RfmCuts* cuts) {
  assert(valid(orders));
  const std::size_t customers = orders.customer_count;
  const std::size_t n_orders = orders.customer.size();
  const int workers = detail::worker_count(options.threads, n_orders, 1'000'000);
  constexpr std::int32_t kNoOrder = std::numeric_limits<std::int32_t>::min();

  // Each worker totals its slice of the orders into its own array; they are merged after.
  std::vector<LargeVector<Total>> totals(static_cast<std::size_t>(workers));
  detail::parallel_slices(n_orders, workers, [&](std::size_t begin, std::size_t end, int w) {
    LargeVector<Total>& t = totals[static_cast<std::size_t>(w)];
    t.assign(customers, Total{kNoOrder, 0, 0});
    constexpr std::size_t kAhead = 16;  // prefetch distance: the customer array is far from cache
    for (std::size_t i = begin; i < end; ++i) {
      if (i + kAhead < end) __builtin_prefetch(&t[orders.customer[i + kAhead]], 1);
      const std::int32_t day = orders.day[i];
      if (day > as_of) continue;
      Total& total = t[orders.customer[i]];
      total.last_day = std::max(total.last_day, day);
      ++total.count;
      total.sum += orders.amount_minor[i];
    }
  });
  LargeVector<Total>& all = totals[0];
  for (std::size_t w = 1; w < totals.size(); ++w) {
    for (std::size_t c = 0; c < customers; ++c) {
      const Total& other = totals[w][c];
      all[c].last_day = std::max(all[c].last_day, other.last_day);
      all[c].count += other.count;
      all[c].sum += other.sum;
    }
  }

  RfmRows rows;
  rows.reserve(customers);
  for (std::size_t c = 0; c < customers; ++c) {
    if (all[c].count == 0) continue;
    RfmRow row;
    row.customer = static_cast<std::uint32_t>(c);
    row.recency_days = as_of - all[c].last_day;
    row.frequency = all[c].count;
    row.monetary_minor = all[c].sum;
    rows.push_back(row);
  }
  const std::size_t n = rows.size();
  LargeVector<std::int64_t> column(n);
  auto score = [&](auto member, bool higher_is_better, std::uint8_t RfmRow::*target,
                   QuintileCuts* out) {
    if (n == 0) return;
    for (std::size_t i = 0; i < n; ++i) column[i] = rows[i].*member;
    const QuintileCuts q = quintile_cuts(column, higher_is_better);
    for (std::size_t i = 0; i < n; ++i) rows[i].*target = q.score(column[i]);
    if (out != nullptr) *out = q;
  };
  score(&RfmRow::recency_days, false, &RfmRow::r, cuts ? &cuts->recency : nullptr);
  score(&RfmRow::frequency, true, &RfmRow::f, cuts ? &cuts->frequency : nullptr);
  score(&RfmRow::monetary_minor, true, &RfmRow::m, cuts ? &cuts->monetary : nullptr);
  for (RfmRow& row : rows) {
    row.segment = segment_for(row.r, row.f, options.segments);
    row.tier = tier_for(row.r, row.f, row.frequency, options.tiers);
  }
  return rows;
}

}  // namespace ecrm::analytics
