// Purchase suggestions, described for the wire (core/describe.hpp): per product a partner
// supplies, how fast it sells, how long it takes to come, what is in stock, and how much to
// order of whom. Quantities in units; rates in units per day.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"

namespace ecrm::partners {

inline constexpr std::int64_t kMaxSalesDays = 365;
inline constexpr std::int64_t kMaxReviewDays = 365;
inline constexpr std::int64_t kMinServiceLevel = 50;  // per cent
inline constexpr std::int64_t kMaxServiceLevel = 99;

enum class SuggestionFormat { kJson, kCsv };
ECRM_DESCRIBE_ENUM(SuggestionFormat, kJson, kCsv)

struct PurchaseSuggestionQuery {
  std::optional<std::int64_t> days;           // sales window; default 28
  // The chance (per cent) of no stock-out within a lead time; default 95.
  std::optional<std::int64_t> service_level;
  std::optional<std::int64_t> review_days;    // how often purchasing orders again; default 7
  std::optional<SuggestionFormat> format;     // csv: the same rows as a CSV download
};
ECRM_DESCRIBE(PurchaseSuggestionQuery, days, service_level, review_days, format)
ECRM_WIRE_RULES(PurchaseSuggestionQuery,
                rule(&PurchaseSuggestionQuery::days, {.minimum = 1, .maximum = kMaxSalesDays}),
                rule(&PurchaseSuggestionQuery::service_level,
                     {.minimum = kMinServiceLevel, .maximum = kMaxServiceLevel,
                      .description = "per cent"}),
                rule(&PurchaseSuggestionQuery::review_days,
                     {.minimum = 0, .maximum = kMaxReviewDays}))

// One product's suggestion.
struct PurchaseSuggestion {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  double velocity = 0;             // units sold per day over the window (orders not cancelled)
  double daily_stddev = 0;         // standard deviation of the units sold per day
  std::int64_t lead_time_days = 0;  // the suggested partner's for this product
  std::int64_t stock_on_hand = 0;
  std::int64_t safety_stock = 0;    // ceil(z · daily_stddev · √lead_time_days)
  std::int64_t reorder_point = 0;   // ceil(velocity · lead_time_days) + safety_stock
  std::int64_t suggested_quantity = 0;  // to cover lead time + review period, less the stock
  bool reorder_now = false;             // stock at or below the reorder point
  std::optional<double> days_of_stock;  // stock / velocity; null when nothing sold
  std::optional<std::int64_t> partner_id;  // the suggested supplier
  std::string partner_name;
  std::string reason;  // why that supplier
};
ECRM_DESCRIBE(PurchaseSuggestion, product_id, sku, name, velocity, daily_stddev, lead_time_days,
              stock_on_hand, safety_stock, reorder_point, suggested_quantity, reorder_now,
              days_of_stock, partner_id, partner_name, reason)

struct PurchaseSuggestions {
  std::int64_t days = 28;
  std::int64_t service_level = 95;  // per cent
  double z = 0;  // the standard normal quantile of the service level
  std::int64_t review_days = 7;
  UnixMs from = 0;  // the sales window [from, to)
  UnixMs to = 0;
  std::vector<PurchaseSuggestion> items;  // most urgent first
};
ECRM_DESCRIBE(PurchaseSuggestions, days, service_level, z, review_days, from, to, items)

}  // namespace ecrm::partners
