// The customer portal: a customer signs in with a link mailed to their address and then sees
// and changes only their own records, reached through the capabilities that own them
// (customers, orders, messaging's outbox for the mail). The caller is always the customer of
// the portal session (http::Principal::subject_id); no method takes a customer id from a
// request. Another customer's order, return or ticket answers kNotFound, exactly as one that
// does not exist. No HTTP here (http_routes.cpp), no SQL (repo.cpp).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "auth/portal.hpp"
#include "customers/service.hpp"
#include "messaging/service.hpp"
#include "orders/service.hpp"
#include "portal/model.hpp"
#include "portal/repo.hpp"
#include "service/attachments.hpp"
#include "service/service.hpp"
#include "storage/database.hpp"

namespace ecrm::portal {

inline constexpr const char* kSignInTemplate = "portal_sign_in";
inline constexpr const char* kConsentHow = "customer portal";

struct PortalOptions {
  std::string base_url = "http://127.0.0.1:8080";  // where the link in the mail points
};

class PortalService {
 public:
  PortalService(storage::Database& db, auth::PortalAuth& auth,
                customers::CustomerService& customers, orders::OrderService& orders,
                messaging::MessagingService& messaging, service::ServiceDesk& desk,
                PortalOptions options);

  // Adds the sign-in mail's template (portal_sign_in, en and zh-CN) unless staff have one.
  Status install_templates();

  // A sign-in request: when `request.email` is a live customer's, queues the mail with a link
  // (transactional; valid 15 minutes, used once). The same answer whether or not it is anyone's.
  // kInvalidArgument (field email) for a malformed address; kRateLimited after too many
  // requests for the address or from `ip`.
  Status request_sign_in(const SignInRequest& request, const std::string& ip);

  // Exchanges a link's token for a session (auth::PortalAuth::redeem_link's errors; an erased
  // or merged customer: kUnauthenticated `portal_account_closed`).
  Result<auth::PortalSessionOpened> open_session(const SessionRequest& request,
                                                 const std::string& ip,
                                                 const std::string& user_agent);
  Status sign_out(const std::string& session_token);

  // The customer of a portal principal, live; kUnauthenticated when they were erased or merged
  // since the session opened.
  Result<customers::Customer> customer(const http::Principal& who);

  Result<Profile> profile(const http::Principal& who);
  // Name, phone, city, country, language through customers' own rules (errors name the field).
  Result<Profile> update_profile(const http::Principal& who, const ProfileChanges& changes);
  // Records each given channel's decision, now, "customer portal".
  Result<Profile> set_consent(const http::Principal& who, const ConsentRequest& request);

  // The customer's orders, newest first, below `before_id`.
  Result<std::vector<PortalOrder>> orders(const http::Principal& who,
                                          std::optional<std::int64_t> before_id, int limit);
  Result<PortalOrderView> order(const http::Principal& who, std::int64_t order_id);
  // A return on an own order, by orders' rules (what is left to return, shipped or delivered).
  Result<PortalReturn> create_return(const http::Principal& who, std::int64_t order_id,
                                     const orders::ReturnInput& input);
  Result<std::vector<PortalReturn>> returns(const http::Principal& who);
  Result<std::vector<WarrantyItem>> warranty(const http::Principal& who);

  // The customer's tickets (newest first), one with its conversation (internal notes left out),
  // a new one (about an own order or a product), a message on one, the answer to a paid quote,
  // and a satisfaction rating once solved (kConflict `not_solved` before). Another customer's
  // ticket: kNotFound. Attachments: at most 5 of 5 MiB each, standard base64 (kInvalidArgument
  // naming attachments[i].content_base64 otherwise).
  Result<std::vector<PortalTicket>> tickets(const http::Principal& who);
  Result<PortalTicketView> ticket(const http::Principal& who, std::int64_t id);
  Result<PortalTicketView> open_ticket(const http::Principal& who, const TicketRequest& request);
  Result<PortalTicketView> add_message(const http::Principal& who, std::int64_t id,
                                       const MessageRequest& request);
  Result<PortalTicketView> answer_quote(const http::Principal& who, std::int64_t id,
                                        const QuoteAnswer& answer);
  Result<PortalTicketView> rate(const http::Principal& who, std::int64_t id,
                                const RatingRequest& request);
  // An attachment of one of the customer's own tickets (not of an internal note), with its bytes.
  Result<std::pair<service::Attachment, std::string>> attachment(const http::Principal& who,
                                                                 std::int64_t id);
  Result<PortalContracts> contracts(const http::Principal& who);

  // The privacy export of the signed-in customer.
  Result<boost::json::object> export_data(const http::Principal& who);
  // Records a request to erase (one open request at a time: kConflict erase_request_open).
  Result<EraseRequest> request_erasure(const http::Principal& who, const EraseRequestInput& input);
  Result<std::vector<EraseRequest>> erase_requests(const http::Principal& who);

  // Staff's side of erase requests.
  Result<std::vector<EraseRequest>> list_erase_requests(const EraseRequestQuery& query,
                                                        std::optional<std::int64_t> before,
                                                        int limit);
  // Closes an open request: `erased` erases the customer (customers' erasure) and ends their
  // portal sessions; `declined` only records it. kNotFound; kConflict erase_request_closed.
  Result<EraseRequest> close_erase_request(std::int64_t id, const CloseEraseRequest& request,
                                           const std::string& actor);

 private:
  Result<orders::Order> own_order(const http::Principal& who, std::int64_t order_id);
  Profile profile_of(const customers::Customer& c, const http::Principal& who) const;
  // The ticket when it is the customer's (else kNotFound, as for one that does not exist).
  Result<service::Ticket> own_ticket(storage::Connection& c, std::int64_t customer_id,
                                     std::int64_t id);
  Status attach(storage::Connection& c, std::int64_t interaction_id,
                const std::vector<AttachmentInput>& attachments, UnixMs now);

  storage::Database& db_;
  auth::PortalAuth& auth_;
  customers::CustomerService& customers_;
  orders::OrderService& orders_;
  messaging::MessagingService& messaging_;
  service::ServiceDesk& desk_;
  PortalOptions options_;
  PortalRepo repo_;
  service::AttachmentStore attachments_;
};

}  // namespace ecrm::portal
