// The portal's SQL: its own table (portal_erase_requests), the ratings (kept as the tickets' CSAT
// surveys, service/surveys.hpp) and the reads it makes of customers, orders, order_lines,
// order_status_history, returns and products to find the signed-in customer's records. Every
// statement is a named constant in repo.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "portal/model.hpp"
#include "storage/database.hpp"

namespace ecrm::portal {

using storage::Connection;

// A purchased line, before its warranty is worked out.
struct PurchasedLine {
  std::int64_t order_id = 0;
  std::int64_t order_line_id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  UnixMs placed_at = 0;
  std::optional<UnixMs> delivered_at;
  std::optional<UnixMs> shipped_at;
  std::optional<std::int64_t> warranty_months;  // the product's
};

class PortalRepo {
 public:
  // The live (not erased, not merged) customer whose normalised e-mail is `address`; the
  // oldest when several share it.
  Result<std::optional<std::int64_t>> find_customer_by_email(Connection& c,
                                                             const std::string& address);
  // Ids of the customer's returns, newest first, at most `limit`.
  Result<std::vector<std::int64_t>> return_ids(Connection& c, std::int64_t customer_id, int limit);
  // The customer's purchased lines of orders that were not cancelled, newest order first.
  Result<std::vector<PurchasedLine>> purchased_lines(Connection& c, std::int64_t customer_id,
                                                     int limit);

  Result<EraseRequest> insert_erase_request(Connection& c, std::int64_t customer_id,
                                            const std::string& reason, UnixMs now);
  Result<std::optional<EraseRequest>> find_erase_request(Connection& c, std::int64_t id);
  Result<std::optional<EraseRequest>> open_erase_request_of(Connection& c,
                                                            std::int64_t customer_id);
  Result<std::vector<EraseRequest>> erase_requests_of(Connection& c, std::int64_t customer_id);
  // All requests (or those with `status`), id < before, newest first.
  Result<std::vector<EraseRequest>> list_erase_requests(Connection& c,
                                                        std::optional<EraseRequestStatus> status,
                                                        std::optional<std::int64_t> before,
                                                        int limit);
  Status close_erase_request(Connection& c, const EraseRequest& r);

  // The rating of a ticket, replacing an earlier one.
  Status put_rating(Connection& c, std::int64_t customer_id, const Rating& rating);
  Result<std::optional<Rating>> find_rating(Connection& c, std::int64_t ticket_id);
};

}  // namespace ecrm::portal
