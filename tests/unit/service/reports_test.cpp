// The service report's figures over fixed rows: median and nearest-rank p90, SLA attainment
// (met, missed, not yet due), CSAT, NPS and the repeat-purchase rate, per group and in total.
#include <gtest/gtest.h>

#include "service/reports.hpp"

namespace ecrm::service {
namespace {

constexpr UnixMs kMinute = 60'000;

TEST(ServiceReportMath, MedianAndNearestRankP90) {
  EXPECT_FALSE(median({}).has_value());
  EXPECT_FALSE(percentile_nearest_rank({}, 0.9).has_value());
  EXPECT_EQ(*median({7}), 7);
  EXPECT_EQ(*median({3, 1, 2}), 2);
  EXPECT_EQ(*median({4, 1, 3, 2}), 2.5);
  // Ten values: rank ceil(9) = 9th; eleven: rank ceil(9.9) = 10th.
  EXPECT_EQ(*percentile_nearest_rank({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.9), 9);
  EXPECT_EQ(*percentile_nearest_rank({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.9), 10);
  EXPECT_EQ(*percentile_nearest_rank({5}, 0.9), 5);
  EXPECT_EQ(*percentile_nearest_rank({30, 60, 120, 240, 600}, 0.9), 600);
}

ReportTicket ticket(std::int64_t id, std::int64_t customer, const std::string& group, UnixMs opened,
                    std::optional<UnixMs> responded, std::optional<UnixMs> response_due,
                    std::optional<UnixMs> solved, std::optional<UnixMs> resolution_due) {
  return ReportTicket{id, customer, group, group, opened, responded, response_due, solved,
                      resolution_due};
}

TEST(ServiceReportMath, GroupsOverFixedRows) {
  const UnixMs t0 = 1'000'000 * kMinute;
  const UnixMs now = t0 + 1000 * kMinute;
  const std::vector<ReportTicket> tickets = {
      // email: responded after 10, 20, 30, 40 minutes against a 25-minute target; one
      // unanswered whose target passed, one unanswered not yet due.
      ticket(1, 100, "email", t0, t0 + 10 * kMinute, t0 + 25 * kMinute, t0 + 100 * kMinute,
             t0 + 120 * kMinute),
      ticket(2, 100, "email", t0 + kMinute, t0 + 21 * kMinute, t0 + 26 * kMinute, std::nullopt,
             t0 + 121 * kMinute),
      ticket(3, 101, "email", t0, t0 + 30 * kMinute, t0 + 25 * kMinute, t0 + 300 * kMinute,
             t0 + 120 * kMinute),
      ticket(4, 102, "email", t0, t0 + 40 * kMinute, t0 + 25 * kMinute, std::nullopt, std::nullopt),
      ticket(5, 103, "email", t0, std::nullopt, t0 + 25 * kMinute, std::nullopt, std::nullopt),
      ticket(6, 104, "email", now - kMinute, std::nullopt, now + 60 * kMinute, std::nullopt,
             std::nullopt),
      // phone: one ticket without a customer or targets.
      ticket(7, 0, "phone", t0, t0 + 5 * kMinute, std::nullopt, std::nullopt, std::nullopt),
  };
  std::vector<ReportTicket> rows = tickets;
  rows[6].customer_id.reset();
  const std::vector<ReportCsat> csat = {{1, 5}, {3, 4}, {4, 1}, {7, 3}};
  const std::vector<ReportNps> nps = {{100, 10}, {101, 9}, {102, 7}, {103, 0}, {999, 10}};
  const std::vector<ReportOrder> orders = {
      {100, t0 + 500 * kMinute},  // after: a repeat
      {101, t0 - kMinute},        // before its ticket
      {102, now + kMinute},       // after the period
      {103, t0 + 2 * kMinute},    // after: a repeat
  };
  const ServiceReport report = compute_report(rows, csat, nps, orders, now, now);
  ASSERT_EQ(report.groups.size(), 2u);
  const ReportGroup& email = report.groups[0];
  EXPECT_EQ(email.key, "email");
  EXPECT_EQ(email.tickets, 6);
  // Response minutes 10, 20, 30, 40: median 25, p90 rank 4 = 40.
  EXPECT_EQ(email.first_response_wall_minutes.count, 4);
  EXPECT_EQ(*email.first_response_wall_minutes.median, 25.0);
  EXPECT_EQ(*email.first_response_wall_minutes.p90, 40.0);
  // Resolution 100 and 300 minutes.
  EXPECT_EQ(*email.resolution_wall_minutes.median, 200.0);
  EXPECT_EQ(*email.resolution_wall_minutes.p90, 300.0);
  // First response: met 1 and 2; missed 3, 4 and the unanswered 5; 6 not yet due.
  EXPECT_EQ(email.sla_first_response.measured, 5);
  EXPECT_EQ(email.sla_first_response.met, 2);
  EXPECT_EQ(*email.sla_first_response.percent, 40.0);
  // Resolution: 1 met, 3 missed, 2 unsolved past due; 4-6 have no target.
  EXPECT_EQ(email.sla_resolution.measured, 3);
  EXPECT_EQ(email.sla_resolution.met, 1);
  EXPECT_EQ(*email.sla_resolution.percent, 33.3);
  // CSAT 5, 4, 1: average 3.33, satisfied 66.7 %.
  EXPECT_EQ(email.csat.answers, 3);
  EXPECT_EQ(*email.csat.average, 3.33);
  EXPECT_EQ(*email.csat.satisfied_percent, 66.7);
  // NPS of customers 100-103 (104 gave none; 999 is no customer of the group): 10, 9, 7, 0.
  EXPECT_EQ(email.nps.answers, 4);
  EXPECT_EQ(email.nps.promoters, 2);
  EXPECT_EQ(email.nps.passives, 1);
  EXPECT_EQ(email.nps.detractors, 1);
  EXPECT_EQ(*email.nps.score, 25);
  // Repeat purchases: 100 and 103 of 5 customers.
  EXPECT_EQ(email.repeat_purchase.customers, 5);
  EXPECT_EQ(email.repeat_purchase.repeat_customers, 2);
  EXPECT_EQ(*email.repeat_purchase.percent, 40.0);

  const ReportGroup& phone = report.groups[1];
  EXPECT_EQ(phone.tickets, 1);
  EXPECT_EQ(*phone.first_response_wall_minutes.median, 5.0);
  EXPECT_EQ(phone.sla_first_response.measured, 0);
  EXPECT_FALSE(phone.sla_first_response.percent.has_value());
  EXPECT_EQ(*phone.csat.average, 3.0);
  EXPECT_EQ(phone.repeat_purchase.customers, 0);
  EXPECT_FALSE(phone.repeat_purchase.percent.has_value());
  EXPECT_FALSE(phone.nps.score.has_value());

  EXPECT_EQ(report.total.tickets, 7);
  EXPECT_EQ(report.total.csat.answers, 4);
  EXPECT_EQ(*report.total.first_response_wall_minutes.median, 20.0);
}

}  // namespace
}  // namespace ecrm::service
