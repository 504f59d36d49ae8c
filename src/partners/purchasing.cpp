#include "partners/purchasing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "core/csv.hpp"
#include "partners/purchasing_engine.hpp"

namespace ecrm::partners {

using storage::RowView;

namespace {

constexpr UnixMs kDayMs = 86'400'000;

// Active products an active supplier is linked to, by the product or its category.
constexpr std::string_view kSupplied =
    "SELECT p.id, p.sku, p.name, p.stock_on_hand, p.category_id FROM products p "
    "WHERE p.active = 1 AND EXISTS (SELECT 1 FROM partner_products pp "
    "JOIN partners pa ON pa.id = pp.partner_id WHERE pa.kind = 'supplier' AND pa.active = 1 "
    "AND (pp.product_id = p.id OR (pp.product_id IS NULL AND pp.category_id = p.category_id))) "
    "ORDER BY p.id";
// Units sold per product and order time in [$1, $2), orders not cancelled.
constexpr std::string_view kSales =
    "SELECT l.product_id, o.placed_at, SUM(l.quantity) FROM order_lines l "
    "JOIN orders o ON o.id = l.order_id WHERE o.status <> 'cancelled' AND o.placed_at >= $1 "
    "AND o.placed_at < $2 GROUP BY l.product_id, o.placed_at";

struct Supplied {
  PurchaseInput input;
  std::optional<std::int64_t> category_id;
};

std::string percent(double rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", rate * 100.0);
  return text;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

double rounded(double value) { return std::round(value * 10'000.0) / 10'000.0; }

// Why the ranking's first is suggested, in the ranking's own terms.
std::string reason_of(const PartnerRanking& ranking) {
  const auto& best = ranking.items.front();
  if (ranking.items.size() == 1) return "the only active supplier of this product";
  const std::string of = " of " + std::to_string(ranking.items.size()) + " suppliers";
  if (!best.on_time_rate) return "lowest cost" + of + " (none has shipped yet)";
  std::string out = "best" + of + ": on-time rate " + percent(*best.on_time_rate);
  const auto& second = ranking.items[1];
  if (second.on_time_rate && *second.on_time_rate == *best.on_time_rate) {
    out += ", defect rate " + percent(best.defect_rate.value_or(0.0));
    if (second.defect_rate.value_or(0.0) == best.defect_rate.value_or(0.0)) out += ", lower cost";
  }
  return out;
}

}  // namespace

Result<PurchaseSuggestions> PurchasingService::suggestions(const PurchaseSuggestionQuery& query,
                                                          UnixMs now) {
  PurchaseSuggestions out;
  out.days = query.days.value_or(28);
  out.service_level = query.service_level.value_or(95);
  out.review_days = query.review_days.value_or(7);
  if (out.days < 1 || out.days > kMaxSalesDays) {
    return Error::invalid("days must be 1 to 365", "days");
  }
  if (out.service_level < kMinServiceLevel || out.service_level > kMaxServiceLevel) {
    return Error::invalid("service_level must be 50 to 99 (per cent)", "service_level");
  }
  if (out.review_days < 0 || out.review_days > kMaxReviewDays) {
    return Error::invalid("review_days must be 0 to 365", "review_days");
  }
  out.z = normal_quantile(static_cast<double>(out.service_level) / 100.0);
  out.to = now;
  out.from = now - out.days * kDayMs;

  std::vector<Supplied> supplied;
  std::map<std::int64_t, std::size_t> index;  // product id -> position in supplied
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(lease->query(kSupplied, {}, [&](const RowView& row) {
      Supplied s;
      s.input.product_id = row.get_int(0);
      s.input.sku = row.get_string(1);
      s.input.name = row.get_string(2);
      s.input.stock_on_hand = row.get_int(3);
      if (!row.is_null(4)) s.category_id = row.get_int(4);
      s.input.daily_units.assign(static_cast<std::size_t>(out.days), 0);
      index[s.input.product_id] = supplied.size();
      supplied.push_back(std::move(s));
    }));
    ECRM_RETURN_IF_ERROR(lease->query(kSales, {out.from, out.to}, [&](const RowView& row) {
      auto it = index.find(row.get_int(0));
      if (it == index.end()) return;
      const auto day = static_cast<std::size_t>((row.get_int(1) - out.from) / kDayMs);
      auto& days = supplied[it->second].input.daily_units;
      if (day < days.size()) days[day] += row.get_int(2);
    }));
  }

  const PurchaseParams params{out.z, out.review_days};
  for (auto& s : supplied) {
    PartnerRankingQuery ranking_query;
    ranking_query.product_id = s.input.product_id;
    ECRM_ASSIGN_OR_RETURN(auto ranking, partners_.ranking(ranking_query));
    std::optional<Partner> partner;
    if (ranking.suggested_partner_id) {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(partner, repo_.find_partner(*lease, *ranking.suggested_partner_id));
      if (partner) {
        // Its lead time for the product: the product link, else the category link, else its own.
        std::optional<std::int64_t> by_product, by_category;
        ECRM_ASSIGN_OR_RETURN(auto links, repo_.links_of(*lease, partner->id));
        for (const auto& l : links) {
          if (l.product_id == s.input.product_id) {
            by_product = std::min(by_product.value_or(l.lead_time_days), l.lead_time_days);
          } else if (!l.product_id && s.category_id && l.category_id == s.category_id) {
            by_category = std::min(by_category.value_or(l.lead_time_days), l.lead_time_days);
          }
        }
        s.input.lead_time_days = by_product.value_or(by_category.value_or(partner->lead_time_days));
      }
    }
    auto suggestion = suggest(s.input, params);
    suggestion.velocity = rounded(suggestion.velocity);
    suggestion.daily_stddev = rounded(suggestion.daily_stddev);
    if (suggestion.days_of_stock) suggestion.days_of_stock = rounded(*suggestion.days_of_stock);
    if (partner) {
      suggestion.partner_id = partner->id;
      suggestion.partner_name = partner->name;
      suggestion.reason = reason_of(ranking);
    }
    out.items.push_back(std::move(suggestion));
  }
  sort_by_urgency(out.items);
  out.z = rounded(out.z);
  return out;
}

std::string suggestions_csv(const PurchaseSuggestions& suggestions) {
  std::ostringstream text;
  CsvWriter csv(text);
  csv.write_row({"product_id", "sku", "name", "velocity_per_day", "daily_stddev",
                 "lead_time_days", "stock_on_hand", "safety_stock", "reorder_point",
                 "suggested_quantity", "reorder_now", "days_of_stock", "partner_id",
                 "partner_name", "reason"});
  for (const auto& s : suggestions.items) {
    csv.write_row({std::to_string(s.product_id), s.sku, s.name, fixed(s.velocity, 4),
                   fixed(s.daily_stddev, 4), std::to_string(s.lead_time_days),
                   std::to_string(s.stock_on_hand), std::to_string(s.safety_stock),
                   std::to_string(s.reorder_point), std::to_string(s.suggested_quantity),
                   s.reorder_now ? "true" : "false",
                   s.days_of_stock ? fixed(*s.days_of_stock, 2) : "",
                   s.partner_id ? std::to_string(*s.partner_id) : "", s.partner_name, s.reason});
  }
  return text.str();
}

}  // namespace ecrm::partners
