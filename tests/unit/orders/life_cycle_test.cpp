// The order and return life cycles, table-driven over every pair of statuses; the wire names
// of the enumerations and the views.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http/wire.hpp"
#include "orders/model.hpp"

namespace ecrm::orders {
namespace {

TEST(OrderLifeCycle, OnlyTheDocumentedTransitions) {
  using S = OrderStatus;
  const std::set<std::pair<S, S>> allowed = {
      {S::kPlaced, S::kPaid},      {S::kPlaced, S::kShipped},    {S::kPlaced, S::kCancelled},
      {S::kPaid, S::kShipped},     {S::kPaid, S::kCancelled},    {S::kShipped, S::kDelivered},
      {S::kShipped, S::kReturned}, {S::kDelivered, S::kReturned}};
  const S all[] = {S::kPlaced, S::kPaid, S::kShipped, S::kDelivered, S::kReturned, S::kCancelled};
  for (S from : all) {
    for (S to : all) {
      EXPECT_EQ(can_transition(from, to), allowed.count({from, to}) == 1)
          << wire::enum_name(from) << " -> " << wire::enum_name(to);
    }
  }
  EXPECT_TRUE(next_statuses(S::kReturned).empty());
  EXPECT_EQ(next_statuses(S::kPaid), (std::vector<S>{S::kShipped, S::kCancelled}));
}

TEST(ReturnLifeCycle, OnlyTheDocumentedTransitions) {
  using R = ReturnStatus;
  const std::set<std::pair<R, R>> allowed = {{R::kRequested, R::kReceived},
                                             {R::kRequested, R::kRefunded},
                                             {R::kRequested, R::kRejected},
                                             {R::kReceived, R::kRefunded},
                                             {R::kReceived, R::kRejected}};
  const R all[] = {R::kRequested, R::kReceived, R::kRefunded, R::kRejected};
  for (R from : all) {
    for (R to : all) {
      EXPECT_EQ(can_transition(from, to), allowed.count({from, to}) == 1)
          << wire::enum_name(from) << " -> " << wire::enum_name(to);
    }
  }
}

// The names sent and stored today: renaming an enumerator must not change them.
TEST(Names, AreTheWireAndStoredNames) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(wire::enum_names<Channel>(), (Names{"web", "app", "phone", "store", "partner"}));
  EXPECT_EQ(wire::enum_names<OrderStatus>(),
            (Names{"placed", "paid", "shipped", "delivered", "returned", "cancelled"}));
  EXPECT_EQ(wire::enum_names<ReturnStatus>(),
            (Names{"requested", "received", "refunded", "rejected"}));
  EXPECT_EQ(wire::enum_names<ReturnReason>(),
            (Names{"damaged", "defective", "wrong_item", "not_as_described", "no_longer_needed",
                   "other"}));
  EXPECT_FALSE(wire::parse_enum<Channel>("fax"));
  EXPECT_FALSE(wire::parse_enum<ReturnReason>("Wrong Item"));
  EXPECT_FALSE(wire::parse_enum<OrderStatus>("PAID"));
}

TEST(Views, TheTrackingViewShowsNoNotesOrStaff) {
  Order order;
  order.id = 7;
  order.status = OrderStatus::kShipped;
  order.history = {StatusChange{1, OrderStatus::kPlaced, 10, "", "", "", "ann@example.com"},
                   StatusChange{2, OrderStatus::kShipped, 20, "fragile", "DHL", "JD1", "bob"}};
  const std::string text = boost::json::serialize(wire::to_json(tracking_view(order)));
  EXPECT_EQ(text.find("fragile"), std::string::npos) << text;
  EXPECT_EQ(text.find("ann@"), std::string::npos) << text;
  EXPECT_NE(text.find(R"({"status":"shipped","at":20,"carrier":"DHL","tracking_number":"JD1"})"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"({"status":"placed","at":10,"carrier":null,"tracking_number":null})"),
            std::string::npos)
      << text;

  auto full = wire::to_json(order_view(order)).as_object();
  EXPECT_EQ(full.at("next_statuses"), (boost::json::array{"delivered", "returned"}));
  EXPECT_EQ(full.at("history").at(1).at("note"), "fragile");
  EXPECT_TRUE(full.contains("tax"));
  EXPECT_FALSE(wire::to_json(order).as_object().contains("lines"));  // as listed
}

}  // namespace
}  // namespace ecrm::orders
