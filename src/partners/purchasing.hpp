// Purchase suggestions (GET /api/v1/purchasing/suggestions): for every active product an active
// supplier is linked to (by the product or its category), the sales of the last `days` days
// (order lines of orders not cancelled, placed in [now − days, now)), its stock on hand, and the
// supplier partners' ranking (PartnerService::ranking: on-time rate, then defect rate, then
// cost) whose first is the suggested partner, with its lead time for the product (its product
// link, else its category link, else its own default). purchasing_engine.hpp turns them into
// safety stock, reorder point and quantity, most urgent first. The shop keeps no purchase
// orders, so nothing is counted as already on order. Reads products, order_lines, orders,
// partners and partner_products; writes nothing.
#pragma once

#include <string>

#include "core/result.hpp"
#include "partners/purchasing_model.hpp"
#include "partners/repo.hpp"
#include "partners/service.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

class PurchasingService {
 public:
  PurchasingService(storage::Database& db, PartnerService& partners)
      : db_(db), partners_(partners) {}

  // The suggestions at `now`. kInvalidArgument naming days, service_level or review_days out
  // of range.
  Result<PurchaseSuggestions> suggestions(const PurchaseSuggestionQuery& query, UnixMs now);

 private:
  storage::Database& db_;
  PartnerService& partners_;
  PartnerRepo repo_;
};

// The suggestions as CSV: a header row, then one row per product in the same order.
std::string suggestions_csv(const PurchaseSuggestions& suggestions);

}  // namespace ecrm::partners
