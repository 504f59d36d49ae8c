// The economics of the customer base (/api/v1/analytics/economics): costs entered or imported per
// month (acquisition per channel, source or campaign; retention; the service desk), and the
// report per acquisition group over a range of months: customers acquired, acquisition cost,
// CAC, average CLV, CLV/CAC, payback period, retention cost; service cost per ticket.
//
// Money is integer minor units of the shop's main currency, the one analytics scores in (costs
// carry no currency of their own). Ratios are decimal text people read ("3.42", never 3.42E0).
//
// A customer is acquired in the month of their record's creation (merged records excluded).
// Their group: by channel, `referral` when referred by another customer, else the customer's
// channel; by source, the source; by campaign, the `campaign` key of their free attributes
// (`utm_campaign` when absent). Customers without one fall in the group "" (unattributed).
// Average CLV is customer_scores.clv (next 12 months) over the group's customers, a customer
// without a score counting as 0. Payback months = CAC / the group's average monthly revenue per
// customer, that being their revenue so far (customer_scores.monetary, net of refunds; revenue,
// not gross margin) over the months since their acquisition (at least one each).
// Campaign ROI: for each automation campaign sent in the period (automation's campaigns, their
// messages and campaign_holdouts), its recipients' revenue (orders not cancelled within the
// campaign's conversion days after their message was sent, as the campaign's results count it)
// beyond the holdout's at the same size: incremental = revenue - holdout revenue x recipients /
// held out (orders within the conversion days after the send), and ROI = (incremental - cost) /
// cost, the cost being the entries of kind `campaign` named by the campaign's key (campaign_ID),
// whatever their month.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "core/describe.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "storage/database.hpp"

namespace ecrm::analytics {

// One month's cost of one kind for one group.
struct CostEntry {
  std::string month;                     // YYYY-MM
  std::string kind;                      // acquisition | retention | service | campaign
  std::optional<std::string> dimension;  // channel | source | campaign ("" for service, campaign)
  std::optional<std::string> name;       // the channel, source or campaign; kind campaign: the
                                         // automation campaign's key (campaign_12)
  std::int64_t amount = 0;               // minor units, not negative
  std::optional<UnixMs> updated_at;      // set on the way out
};
ECRM_DESCRIBE(CostEntry, month, kind, dimension, name, amount, updated_at)
ECRM_WIRE_RULES(CostEntry, rule(&CostEntry::month, {.max_length = 7}),
                rule(&CostEntry::name, {.max_length = 200}))

struct CostList {
  std::vector<CostEntry> entries;  // by month, kind, dimension, name
};
ECRM_DESCRIBE(CostList, entries)

// GET /analytics/economics/costs
struct CostQuery {
  std::optional<std::string> from;  // YYYY-MM, inclusive
  std::optional<std::string> to;    // YYYY-MM, inclusive
};
ECRM_DESCRIBE(CostQuery, from, to)

struct CostImportReport {
  std::int64_t rows = 0;
  std::int64_t stored = 0;
};
ECRM_DESCRIBE(CostImportReport, rows, stored)

// GET /analytics/economics
struct EconomicsQuery {
  std::string from;                 // YYYY-MM, inclusive
  std::string to;                   // YYYY-MM, inclusive
  std::optional<std::string> by;    // channel (default) | source | campaign
};
ECRM_DESCRIBE(EconomicsQuery, from, to, by)

struct EconomicsGroup {
  std::string name;                 // "" for customers without one
  std::int64_t customers = 0;       // acquired in the period
  std::int64_t acquisition_cost = 0;
  std::optional<std::int64_t> cac;  // acquisition_cost / customers, rounded; null without any
  std::int64_t average_clv = 0;     // rounded; unscored customers count as 0
  std::optional<std::string> clv_cac;             // e.g. "3.42"; null when CAC is null or 0
  std::int64_t monthly_revenue_per_customer = 0;  // rounded
  std::optional<std::string> payback_months;      // e.g. "4.5"; null without revenue or CAC
  std::int64_t retention_cost = 0;                // retention entries naming this group
};
ECRM_DESCRIBE(EconomicsGroup, name, customers, acquisition_cost, cac, average_clv, clv_cac,
              monthly_revenue_per_customer, payback_months, retention_cost)

// An automation campaign's return against its holdout group (see the header comment).
struct CampaignRoi {
  std::int64_t campaign_id = 0;
  std::string key;  // campaign_ID: the name its costs are entered under
  std::string name;
  UnixMs sent_at = 0;
  std::int64_t conversion_days = 0;
  std::int64_t recipients = 0;       // messages delivered
  std::int64_t revenue = 0;          // recipients' orders within the conversion days
  std::int64_t holdout = 0;          // customers held out
  std::int64_t holdout_revenue = 0;  // their orders within the conversion days of the send
  std::optional<std::int64_t> incremental_revenue;  // rounded; null without a holdout
  std::int64_t cost = 0;
  std::optional<std::string> roi;  // e.g. "1.25"; null without a cost or a holdout
};
ECRM_DESCRIBE(CampaignRoi, campaign_id, key, name, sent_at, conversion_days, recipients, revenue,
              holdout, holdout_revenue, incremental_revenue, cost, roi)
ECRM_WIRE_RULES(CampaignRoi, rule(&CampaignRoi::sent_at, {.format = "date-time"}))

struct EconomicsReport {
  std::string from;
  std::string to;
  std::string by;
  std::vector<EconomicsGroup> groups;  // by name
  EconomicsGroup total;                // every group together (name "")
  std::int64_t retention_cost = 0;     // every retention entry of the period
  std::int64_t service_cost = 0;       // service entries of the period
  std::int64_t tickets = 0;            // tickets opened in the period
  std::optional<std::int64_t> service_cost_per_ticket;  // rounded; null without tickets
  std::vector<CampaignRoi> campaigns;  // automation campaigns sent in the period, by send time
};
ECRM_DESCRIBE(EconomicsReport, from, to, by, groups, total, retention_cost, service_cost, tickets,
              service_cost_per_ticket, campaigns)

class EconomicsService {
 public:
  explicit EconomicsService(storage::Database& db) : db_(db) {}

  // Upserts every entry (one per month, kind, dimension and name) in one transaction: all or
  // nothing; a bad entry is kInvalidArgument naming it (entries[2].amount).
  Result<CostList> put_costs(std::vector<CostEntry> entries);
  Result<CostList> costs(const CostQuery& query);
  // A CSV with columns month, kind, dimension, name, amount (kind defaults to acquisition): the
  // whole file is checked first, a bad line is kInvalidArgument naming it and nothing is stored.
  Result<CostImportReport> import_costs(std::istream& in);
  Result<EconomicsReport> report(const EconomicsQuery& query);

 private:
  storage::Database& db_;
};

void add_economics_routes(http::Router& router, EconomicsService& service);

}  // namespace ecrm::analytics
