// RFM (recency, frequency, monetary) scores, named segments and loyalty tiers.
//
// Scores. Each of R, F and M is a 1–5 quintile score over the customers with at least one order
// up to the as-of date: score = 1 + floor(5 * w / n), where n is the number of those customers and
// w the number of them with a strictly worse value (for R: more days since the last order; for F:
// fewer orders; for M: less money). Ties therefore always share a score (the score of the lowest
// rank in the tie), the result does not depend on the input order, and a customer whose value
// beats exactly k/5 of the others gets score k+1. When most customers tie (e.g. 60% have one
// order) the tied group gets the low score and the next score used may skip values.
//
// Segments, from the R and F scores (first matching row wins; together they cover all 25 cells):
//   segment         R      F
//   champions       5      4–5
//   loyal           3–5    4–5
//   new             5      1
//   promising       4      1
//   potential       4–5    2–3
//   need_attention  3      1–3
//   cant_lose       1–2    5
//   at_risk         1–2    3–4
//   hibernating     2      1–2
//   lost            1      1–2
//
// Tiers (TierRules, defaults): very_loyal when R >= 4 and F >= 4; otherwise occasional when the
// customer has at most 1 order or R <= 1; otherwise loyal.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "analytics/buffer.hpp"
#include "analytics/model.hpp"
#include "core/describe.hpp"

namespace ecrm::analytics {

enum class Segment : std::uint8_t {
  kChampions,
  kLoyal,
  kPotential,
  kNew,
  kPromising,
  kNeedAttention,
  kAtRisk,
  kCantLose,
  kHibernating,
  kLost,
};
// The one list of segment names: "champions", "loyal", "potential", "new", "promising",
// "need_attention", "at_risk", "cant_lose", "hibernating", "lost" (wire::enum_name), in the API,
// the stored scores and the reports alike.
ECRM_DESCRIBE_ENUM(Segment, kChampions, kLoyal, kPotential, kNew, kPromising, kNeedAttention,
                   kAtRisk, kCantLose, kHibernating, kLost)
inline constexpr std::size_t kSegmentCount = 10;
// Every segment, in the order of the enum (used for stable report order).
const std::array<Segment, kSegmentCount>& all_segments();
// wire::enum_name(segment).
std::string_view to_string(Segment segment);

// Loyalty tiers: "very_loyal", "loyal", "occasional" (wire::enum_name).
enum class Tier : std::uint8_t { kVeryLoyal, kLoyal, kOccasional };
ECRM_DESCRIBE_ENUM(Tier, kVeryLoyal, kLoyal, kOccasional)
inline constexpr std::size_t kTierCount = 3;
// wire::enum_name(tier).
std::string_view to_string(Tier tier);

// One row of a segment table: the segment of customers whose scores fall in both ranges.
struct SegmentRule {
  Segment segment;
  int r_min, r_max;
  int f_min, f_max;
};

// The table in the comment at the top of this file.
std::span<const SegmentRule> default_segment_rules();

// The segment of the first rule matching (r, f). If no rule matches (a custom table with gaps),
// returns Segment::kNeedAttention.
Segment segment_for(int r, int f, std::span<const SegmentRule> rules = default_segment_rules());

struct TierRules {
  int very_loyal_min_r = 4;
  int very_loyal_min_f = 4;
  std::int64_t occasional_max_orders = 1;
  int occasional_max_r = 1;
};
ECRM_DESCRIBE(TierRules, very_loyal_min_r, very_loyal_min_f, occasional_max_orders,
              occasional_max_r)

// The tier of a customer with scores (r, f) and `orders` orders; very_loyal is tested first, then
// occasional, and loyal is the rest.
Tier tier_for(int r, int f, std::int64_t orders, const TierRules& rules = {});

// 1–5 quintile scores of `values` as described at the top of this file. When `higher_is_better`
// is false, smaller values are better (as for recency). Output has one score per value.
std::vector<std::uint8_t> quintile_scores(std::span<const std::int64_t> values,
                                          bool higher_is_better);

// The four cut-points behind quintile_scores(): a value's score is 1 plus the number of
// cut-points it beats (v > cut when higher is better, v < cut otherwise). Storing them lets a
// later value (one customer's new order) be scored against the same population without it.
struct QuintileCuts {
  std::array<std::int64_t, 4> cut{};
  bool higher_is_better = true;

  // 1..5 for `value` against these cut-points.
  std::uint8_t score(std::int64_t value) const;
};

// The cut-points of `values` (non-empty); quintile_cuts(v, h).score(v[i]) equals
// quintile_scores(v, h)[i] for every i.
QuintileCuts quintile_cuts(std::span<const std::int64_t> values, bool higher_is_better);

// The cut-points of the R, F and M columns of one compute_rfm() run.
struct RfmCuts {
  QuintileCuts recency{{}, false};
  QuintileCuts frequency{{}, true};
  QuintileCuts monetary{{}, true};
};

struct RfmRow {
  std::uint32_t customer = 0;       // dense customer index
  std::int32_t recency_days = 0;    // as_of - day of the last order
  std::int32_t frequency = 0;       // orders up to as_of
  std::int64_t monetary_minor = 0;  // sum of their amounts
  std::uint8_t r = 0, f = 0, m = 0;
  Segment segment = Segment::kNeedAttention;
  Tier tier = Tier::kOccasional;
};

struct RfmOptions {
  TierRules tiers;
  std::span<const SegmentRule> segments = default_segment_rules();
  int threads = 0;  // 0: hardware concurrency
};

// RFM of every customer with at least one order on or before day `as_of` (later orders are
// ignored), in ascending customer index. `orders` must be valid (see model.hpp). Each order
// counts once in the frequency, even when a customer ordered several times on one day.
using RfmRows = LargeVector<RfmRow>;
// If `cuts` is not null it receives the cut-points used (unchanged when no customer qualifies).
RfmRows compute_rfm(const OrderColumns& orders, std::int32_t as_of, const RfmOptions& options = {},
                    RfmCuts* cuts = nullptr);

}  // namespace ecrm::analytics
