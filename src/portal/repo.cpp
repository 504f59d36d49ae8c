#include "portal/repo.hpp"

#include <limits>

#include "service/surveys.hpp"

namespace ecrm::portal {

using storage::done;
using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

constexpr std::string_view kFindCustomerByEmail =
    "SELECT id FROM customers WHERE email_normalized = $1 AND erased_at IS NULL "
    "AND merged_into IS NULL ORDER BY id LIMIT 1";
constexpr std::string_view kReturnIds =
    "SELECT r.id FROM returns r JOIN orders o ON o.id = r.order_id WHERE o.customer_id = $1 "
    "ORDER BY r.id DESC LIMIT $2";
constexpr std::string_view kPurchasedLines =
    "SELECT l.order_id, l.id, l.product_id, l.sku, l.name, o.placed_at, "
    "(SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id "
    "AND h.status = 'delivered'), "
    "(SELECT MAX(h.at) FROM order_status_history h WHERE h.order_id = o.id "
    "AND h.status = 'shipped'), p.warranty_months "
    "FROM orders o JOIN order_lines l ON l.order_id = o.id "
    "LEFT JOIN products p ON p.id = l.product_id "
    "WHERE o.customer_id = $1 AND o.status <> 'cancelled' "
    "ORDER BY o.placed_at DESC, o.id DESC, l.id LIMIT $2";

constexpr std::string_view kInsertEraseRequest =
    "INSERT INTO portal_erase_requests (customer_id, status, reason, created_at) "
    "VALUES ($1, 'open', $2, $3) RETURNING id";
constexpr std::string_view kFindEraseRequest =
    "SELECT id, customer_id, status, reason, created_at, closed_at, closed_by, note "
    "FROM portal_erase_requests WHERE id = $1";
constexpr std::string_view kOpenEraseRequestOf =
    "SELECT id, customer_id, status, reason, created_at, closed_at, closed_by, note "
    "FROM portal_erase_requests WHERE customer_id = $1 AND status = 'open' ORDER BY id LIMIT 1";
constexpr std::string_view kEraseRequestsOf =
    "SELECT id, customer_id, status, reason, created_at, closed_at, closed_by, note "
    "FROM portal_erase_requests WHERE customer_id = $1 ORDER BY id DESC LIMIT 100";
constexpr std::string_view kListEraseRequests =
    "SELECT id, customer_id, status, reason, created_at, closed_at, closed_by, note "
    "FROM portal_erase_requests WHERE ($1 = '' OR status = $1) AND id < $2 "
    "ORDER BY id DESC LIMIT $3";
constexpr std::string_view kCloseEraseRequest =
    "UPDATE portal_erase_requests SET status = $2, closed_at = $3, closed_by = $4, note = $5, "
    "reason = $6 WHERE id = $1";

EraseRequest read_erase_request(const RowView& row) {
  EraseRequest r;
  r.id = row.get_int(0);
  r.customer_id = row.get_int(1);
  r.status = wire::parse_enum<EraseRequestStatus>(row.get_text(2)).value_or(
      EraseRequestStatus::kOpen);
  r.reason = row.get_string(3);
  r.created_at = row.get_int(4);
  if (!row.is_null(5)) r.closed_at = row.get_int(5);
  r.closed_by = row.get_string(6);
  r.note = row.get_string(7);
  return r;
}

}  // namespace

Result<std::optional<std::int64_t>> PortalRepo::find_customer_by_email(
    Connection& c, const std::string& address) {
  std::optional<std::int64_t> id;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindCustomerByEmail, {address}, [&](const RowView& row) { id = row.get_int(0); }));
  return id;
}

Result<std::vector<std::int64_t>> PortalRepo::return_ids(Connection& c, std::int64_t customer_id,
                                                         int limit) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kReturnIds, {customer_id, static_cast<std::int64_t>(limit)},
                               [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  return ids;
}

Result<std::vector<PurchasedLine>> PortalRepo::purchased_lines(Connection& c,
                                                               std::int64_t customer_id,
                                                               int limit) {
  std::vector<PurchasedLine> out;
  ECRM_RETURN_IF_ERROR(
      c.query(kPurchasedLines, {customer_id, static_cast<std::int64_t>(limit)},
              [&](const RowView& row) {
                PurchasedLine line;
                line.order_id = row.get_int(0);
                line.order_line_id = row.get_int(1);
                line.product_id = row.get_int(2);
                line.sku = row.get_string(3);
                line.name = row.get_string(4);
                line.placed_at = row.get_int(5);
                if (!row.is_null(6)) line.delivered_at = row.get_int(6);
                if (!row.is_null(7)) line.shipped_at = row.get_int(7);
                if (!row.is_null(8)) line.warranty_months = row.get_int(8);
                out.push_back(std::move(line));
              }));
  return out;
}

Result<EraseRequest> PortalRepo::insert_erase_request(Connection& c, std::int64_t customer_id,
                                                      const std::string& reason, UnixMs now) {
  EraseRequest r;
  r.customer_id = customer_id;
  r.reason = reason;
  r.created_at = now;
  ECRM_RETURN_IF_ERROR(c.query(kInsertEraseRequest, {customer_id, reason, now},
                               [&](const RowView& row) { r.id = row.get_int(0); }));
  return r;
}

Result<std::optional<EraseRequest>> PortalRepo::find_erase_request(Connection& c,
                                                                   std::int64_t id) {
  std::optional<EraseRequest> found;
  ECRM_RETURN_IF_ERROR(c.query(kFindEraseRequest, {id},
                               [&](const RowView& row) { found = read_erase_request(row); }));
  return found;
}

Result<std::optional<EraseRequest>> PortalRepo::open_erase_request_of(Connection& c,
                                                                      std::int64_t customer_id) {
  std::optional<EraseRequest> found;
  ECRM_RETURN_IF_ERROR(c.query(kOpenEraseRequestOf, {customer_id},
                               [&](const RowView& row) { found = read_erase_request(row); }));
  return found;
}

Result<std::vector<EraseRequest>> PortalRepo::erase_requests_of(Connection& c,
                                                                std::int64_t customer_id) {
  std::vector<EraseRequest> out;
  ECRM_RETURN_IF_ERROR(c.query(kEraseRequestsOf, {customer_id}, [&](const RowView& row) {
    out.push_back(read_erase_request(row));
  }));
  return out;
}

Result<std::vector<EraseRequest>> PortalRepo::list_erase_requests(
    Connection& c, std::optional<EraseRequestStatus> status, std::optional<std::int64_t> before,
    int limit) {
  std::vector<EraseRequest> out;
  const std::string status_text = status ? std::string(wire::enum_name(*status)) : std::string();
  ECRM_RETURN_IF_ERROR(c.query(
      kListEraseRequests,
      {status_text, before.value_or(std::numeric_limits<std::int64_t>::max()),
       static_cast<std::int64_t>(limit)},
      [&](const RowView& row) { out.push_back(read_erase_request(row)); }));
  return out;
}

Status PortalRepo::close_erase_request(Connection& c, const EraseRequest& r) {
  return done(c.execute(kCloseEraseRequest,
                        {r.id, std::string(wire::enum_name(r.status)),
                         r.closed_at ? Value(*r.closed_at) : kNull, r.closed_by, r.note, r.reason}));
}

Status PortalRepo::put_rating(Connection& c, std::int64_t customer_id, const Rating& rating) {
  // The ticket's CSAT survey, where every CSAT answer lands (the mail's link too).
  auto answered = service::answer_csat(c, rating.ticket_id, customer_id, rating.score,
                                       rating.comment, service::SurveyChannel::kPortal,
                                       rating.rated_at);
  if (!answered.ok()) return std::move(answered).error();
  return {};
}

Result<std::optional<Rating>> PortalRepo::find_rating(Connection& c, std::int64_t ticket_id) {
  ECRM_ASSIGN_OR_RETURN(auto survey, service::csat_of_ticket(c, ticket_id));
  if (!survey || !survey->score) return std::optional<Rating>{};
  return std::optional<Rating>{Rating{ticket_id, *survey->score, survey->comment,
                                      survey->answered_at.value_or(survey->created_at)}};
}

}  // namespace ecrm::portal
