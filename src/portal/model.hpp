// What the customer portal shows and accepts, as plain values described for the wire. The
// portal's views leave out what only staff see: internal notes, staff names, tags, scores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/time.hpp"
#include "customers/model.hpp"
#include "orders/model.hpp"
#include "service/model.hpp"

namespace ecrm::portal {

inline constexpr std::size_t kMaxEmail = 320;
inline constexpr std::size_t kMaxToken = 200;
inline constexpr std::size_t kMaxReason = 2000;

// POST /api/v1/portal/sign-in: where to send the link.
struct SignInRequest {
  std::string email;
};
ECRM_DESCRIBE(SignInRequest, email)
ECRM_WIRE_RULES(SignInRequest, rule(&SignInRequest::email, {.max_length = kMaxEmail}))

// The same answer for every address: whether a mail goes out is not told.
struct SignInAccepted {
  std::string status;  // "sent_if_known"
};
ECRM_DESCRIBE(SignInAccepted, status)

// POST /api/v1/portal/session: the token of the link.
struct SessionRequest {
  std::string token;
};
ECRM_DESCRIBE(SessionRequest, token)
ECRM_WIRE_RULES(SessionRequest, rule(&SessionRequest::token, {.max_length = kMaxToken}))

// The signed-in customer as the portal shows them, with the CSRF token its writes send back.
struct Profile {
  std::int64_t customer_id = 0;
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::string city;
  std::string country;
  std::string language;
  customers::ConsentByChannel consent;
  std::string csrf_token;
};
ECRM_DESCRIBE(Profile, customer_id, name, email, phone, city, country, language, consent,
              csrf_token)

// PATCH /api/v1/portal/me: what a customer may change of their own record (absent: kept).
struct ProfileChanges {
  std::optional<std::string> name;
  std::optional<std::string> phone;
  std::optional<std::string> city;
  std::optional<std::string> country;
  std::optional<std::string> language;  // en | zh-CN
};
ECRM_DESCRIBE(ProfileChanges, name, phone, city, country, language)
ECRM_WIRE_RULES(ProfileChanges,
                rule(&ProfileChanges::name, {.max_length = customers::kMaxName}),
                rule(&ProfileChanges::phone, {.max_length = 40}),
                rule(&ProfileChanges::city, {.max_length = customers::kMaxCity}),
                rule(&ProfileChanges::country, {.max_length = customers::kMaxCountry}),
                rule(&ProfileChanges::language, {.max_length = 10, .description = "en or zh-CN"}))

// PUT /api/v1/portal/me/consent: the customer's decision per channel (absent: kept), recorded
// with the time and "customer portal".
struct ConsentRequest {
  std::optional<bool> email;
  std::optional<bool> sms;
  std::optional<bool> phone;
};
ECRM_DESCRIBE(ConsentRequest, email, sms, phone)

// An order line as the customer sees it, with its warranty when the product has one.
struct PortalOrderLine {
  std::int64_t id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
  std::int64_t line_total = 0;
  std::int64_t returned_quantity = 0;
};
ECRM_DESCRIBE(PortalOrderLine, id, product_id, sku, name, quantity, unit_price, line_total,
              returned_quantity)

// A return as the customer sees it (staff's notes left out).
struct PortalReturn {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  orders::ReturnStatus status = orders::ReturnStatus::kRequested;
  orders::ReturnReason reason = orders::ReturnReason::kOther;
  std::int64_t refund_amount = 0;
  std::string currency;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
  std::vector<orders::ReturnLine> lines;
};
ECRM_DESCRIBE(PortalReturn, id, order_id, status, reason, refund_amount, currency, created_at,
              updated_at, lines)
ECRM_WIRE_RULES(PortalReturn, rule(&PortalReturn::created_at, {.format = "date-time"}),
                rule(&PortalReturn::updated_at, {.format = "date-time"}))
PortalReturn portal_return(const orders::Return& r);

// One of the customer's orders, listed.
struct PortalOrder {
  std::int64_t id = 0;
  std::optional<std::string> external_id;
  orders::OrderStatus status = orders::OrderStatus::kPlaced;
  std::string currency;
  std::int64_t total = 0;
  std::int64_t item_count = 0;
  std::string carrier;
  std::string tracking_number;
  UnixMs placed_at = 0;
};
ECRM_DESCRIBE(PortalOrder, id, external_id, status, currency, total, item_count, carrier,
              tracking_number, placed_at)
ECRM_WIRE_RULES(PortalOrder, rule(&PortalOrder::total, {.description = "minor units of currency"}),
                rule(&PortalOrder::placed_at, {.format = "date-time"}))
PortalOrder portal_order(const orders::Order& o);

// One order with its lines, its tracking (no internal notes) and its returns.
struct PortalOrderView {
  PortalOrder order;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  std::vector<PortalOrderLine> lines;
  orders::TrackingView tracking;
  std::vector<PortalReturn> returns;
  bool returnable = false;  // shipped or delivered, with items left to return
};
ECRM_DESCRIBE(PortalOrderView, order, subtotal, discount, shipping, tax, lines, tracking, returns,
              returnable)

// A purchased product and its warranty: until when, from the product's warranty months and the
// day it was delivered (else shipped, else ordered).
struct WarrantyItem {
  std::int64_t order_id = 0;
  std::int64_t order_line_id = 0;
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  UnixMs purchased_at = 0;
  std::optional<std::int64_t> warranty_months;  // null: the product has no warranty recorded
  std::optional<UnixMs> warranty_until;
  bool in_warranty = false;
};
ECRM_DESCRIBE(WarrantyItem, order_id, order_line_id, product_id, sku, name, purchased_at,
              warranty_months, warranty_until, in_warranty)
ECRM_WIRE_RULES(WarrantyItem, rule(&WarrantyItem::purchased_at, {.format = "date-time"}),
                rule(&WarrantyItem::warranty_until, {.format = "date-time"}))

enum class EraseRequestStatus { kOpen, kErased, kDeclined };
ECRM_DESCRIBE_ENUM(EraseRequestStatus, kOpen, kErased, kDeclined)

// A customer's request to erase their data, which staff act on.
struct EraseRequest {
  std::int64_t id = 0;
  std::int64_t customer_id = 0;
  EraseRequestStatus status = EraseRequestStatus::kOpen;
  std::string reason;
  UnixMs created_at = 0;
  std::optional<UnixMs> closed_at;
  std::string closed_by;
  std::string note;
};
ECRM_DESCRIBE(EraseRequest, id, customer_id, status, reason, created_at, closed_at, closed_by,
              note)
ECRM_WIRE_RULES(EraseRequest, rule(&EraseRequest::created_at, {.format = "date-time"}),
                rule(&EraseRequest::closed_at, {.format = "date-time"}))

// POST /api/v1/portal/erase-request.
struct EraseRequestInput {
  std::optional<std::string> reason;
};
ECRM_DESCRIBE(EraseRequestInput, reason)
ECRM_WIRE_RULES(EraseRequestInput, rule(&EraseRequestInput::reason, {.max_length = kMaxReason}))

// The customer's requests, newest first (an empty list: none made).
struct EraseRequests {
  std::vector<EraseRequest> items;
};
ECRM_DESCRIBE(EraseRequests, items)

// POST /api/v1/erase-requests/{id}/close: staff erase the customer (customers' erasure) or
// decline, with a note.
struct CloseEraseRequest {
  EraseRequestStatus status = EraseRequestStatus::kErased;  // erased | declined
  std::optional<std::string> note;
};
ECRM_DESCRIBE(CloseEraseRequest, status, note)
ECRM_WIRE_RULES(CloseEraseRequest, rule(&CloseEraseRequest::note, {.max_length = kMaxReason}))

// The staff list's filter.
struct EraseRequestQuery {
  std::optional<EraseRequestStatus> status;
};
ECRM_DESCRIBE(EraseRequestQuery, status)

// ---------------------------------------------------------------------------------------------
// Tickets (the service desk's, as the customer sees them: no internal notes, assignees or SLA)

inline constexpr std::size_t kMaxAttachments = 5;
inline constexpr std::size_t kMaxAttachmentBytes = 5 << 20;  // decoded, each
inline constexpr std::size_t kMaxFilename = 255;

// A file sent with a message, its bytes in standard base64.
struct AttachmentInput {
  std::string filename;
  std::string content_type;
  std::string content_base64;
};
ECRM_DESCRIBE(AttachmentInput, filename, content_type, content_base64)
ECRM_WIRE_RULES(AttachmentInput, rule(&AttachmentInput::filename, {.max_length = kMaxFilename}),
                rule(&AttachmentInput::content_type, {.max_length = 255}),
                rule(&AttachmentInput::content_base64,
                     {.max_length = (kMaxAttachmentBytes / 3 + 1) * 4 + 4096,
                      .description = "standard base64; at most 5 MiB decoded"}))

// POST /api/v1/portal/tickets: a request for help, about an own order or product when named.
struct TicketRequest {
  std::string subject;
  std::string body;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> product_id;
  std::vector<AttachmentInput> attachments;
};
ECRM_DESCRIBE(TicketRequest, subject, body, order_id, product_id, attachments)
ECRM_WIRE_RULES(TicketRequest, rule(&TicketRequest::subject, {.max_length = service::kMaxSubject}),
                rule(&TicketRequest::body, {.max_length = service::kMaxContent}),
                rule(&TicketRequest::attachments, {.max_length = kMaxAttachments}))

// POST /api/v1/portal/tickets/{id}/messages: the customer's answer on their ticket.
struct MessageRequest {
  std::string body;
  std::vector<AttachmentInput> attachments;
};
ECRM_DESCRIBE(MessageRequest, body, attachments)
ECRM_WIRE_RULES(MessageRequest, rule(&MessageRequest::body, {.max_length = service::kMaxContent}),
                rule(&MessageRequest::attachments, {.max_length = kMaxAttachments}))

// POST /api/v1/portal/tickets/{id}/quote: the customer accepts or declines the paid quote.
struct QuoteAnswer {
  bool accept = false;
};
ECRM_DESCRIBE(QuoteAnswer, accept)

// POST /api/v1/portal/tickets/{id}/rating: satisfaction with a solved ticket.
struct RatingRequest {
  std::int64_t score = 0;
  std::optional<std::string> comment;
};
ECRM_DESCRIBE(RatingRequest, score, comment)
ECRM_WIRE_RULES(RatingRequest, rule(&RatingRequest::score, {.minimum = 1, .maximum = 5}),
                rule(&RatingRequest::comment, {.max_length = kMaxReason}))

struct Rating {
  std::int64_t ticket_id = 0;
  std::int64_t score = 0;
  std::string comment;
  UnixMs rated_at = 0;
};
ECRM_DESCRIBE(Rating, ticket_id, score, comment, rated_at)
ECRM_WIRE_RULES(Rating, rule(&Rating::rated_at, {.format = "date-time"}))

struct AttachmentName {
  std::int64_t id = 0;
  std::string filename;
  std::int64_t size_bytes = 0;
};
ECRM_DESCRIBE(AttachmentName, id, filename, size_bytes)

// One message of a ticket's conversation: the customer's or the shop's.
struct PortalMessage {
  std::int64_t id = 0;
  bool from_shop = false;
  std::string content;
  UnixMs at = 0;
  std::vector<AttachmentName> attachments;
};
ECRM_DESCRIBE(PortalMessage, id, from_shop, content, at, attachments)
ECRM_WIRE_RULES(PortalMessage, rule(&PortalMessage::at, {.format = "date-time"}))

struct PortalTicket {
  std::int64_t id = 0;
  std::string subject;
  service::TicketStatus status = service::TicketStatus::kNew;
  service::Entitlement entitlement = service::Entitlement::kPaid;
  service::QuoteView quote;
  std::optional<std::int64_t> order_id;
  std::optional<std::int64_t> product_id;
  std::string created_at;  // ISO-8601 UTC
  std::string updated_at;
};
ECRM_DESCRIBE(PortalTicket, id, subject, status, entitlement, quote, order_id, product_id,
              created_at, updated_at)

struct PortalTicketView {
  PortalTicket ticket;
  std::vector<PortalMessage> messages;  // oldest first
  std::optional<Rating> rating;
  bool can_rate = false;  // solved or closed
};
ECRM_DESCRIBE(PortalTicketView, ticket, messages, rating, can_rate)

// The customer's service contracts.
struct PortalContracts {
  std::vector<service::ServiceContract> items;
};
ECRM_DESCRIBE(PortalContracts, items)

}  // namespace ecrm::portal
