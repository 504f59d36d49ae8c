// Parts of configured order lines (build to order): each chosen option of a configured line
// (orders' order_line_options, migration 0043) names the partner supplying it, and that
// supplier receives its parts of the line, and only those: the option, the line's quantity,
// the order's delivery details as for other lines; a supplier of memory never sees the CPU of
// the same line. A part row carries the order line's id, so acknowledging and shipping it are
// the partner's state for that line (partner_line_states), as for any line; several parts of
// one line from one supplier make one row listing them.
//
// PartnerRepo merges these rows into its lists (repo.cpp): a line that is the partner's by the
// routing rules as well gets its parts attached; acting on a part does not make the rest of the
// line the partner's. Statements are named constants in parts.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.hpp"
#include "partners/model.hpp"
#include "storage/database.hpp"

namespace ecrm::partners {

class PartRepo {
 public:
  // The partner's part rows, newest line first, below `before_id`, at most `limit` lines,
  // filtered like PartnerRepo::lines().
  Result<std::vector<PartnerLine>> lines(storage::Connection& c, std::int64_t partner_id,
                                         const PartnerLineQuery& query,
                                         std::optional<std::int64_t> before_id, int limit);
  // The partner's parts of one line; nullopt when it supplies none of them.
  Result<std::optional<PartnerLine>> line(storage::Connection& c, std::int64_t partner_id,
                                          std::int64_t line_id);
};

// Merges the partner's routed lines and its part rows (both newest first) into one list of at
// most `limit` lines: a line in both keeps the routed row with the parts attached.
std::vector<PartnerLine> merge_parts(std::vector<PartnerLine> routed,
                                     std::vector<PartnerLine> parts, int limit);

}  // namespace ecrm::partners
