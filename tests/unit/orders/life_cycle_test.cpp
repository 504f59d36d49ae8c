// The order and return life cycles, table-driven over every pair of statuses.
#include <gtest/gtest.h>

#include <set>
#include <utility>

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
          << to_string(from) << " -> " << to_string(to);
    }
    EXPECT_EQ(parse_order_status(to_string(from)), from);
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
          << to_string(from) << " -> " << to_string(to);
    }
    EXPECT_EQ(parse_return_status(to_string(from)), from);
  }
}

TEST(Names, RoundTripAndRejectUnknown) {
  for (auto c :
       {Channel::kWeb, Channel::kApp, Channel::kPhone, Channel::kStore, Channel::kPartner}) {
    EXPECT_EQ(parse_channel(to_string(c)), c);
  }
  EXPECT_FALSE(parse_channel("fax"));
  EXPECT_EQ(parse_return_reason("wrong_item"), ReturnReason::kWrongItem);
  EXPECT_FALSE(parse_return_reason("Wrong Item"));
  EXPECT_FALSE(parse_order_status("PAID"));
}

}  // namespace
}  // namespace ecrm::orders
