#include "home/service.hpp"

#include <date/tz.h>

#include <algorithm>
#include <map>

namespace ecrm::home {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr UnixMs kEarliest = 946'684'800'000;  // 2000-01-01
constexpr int kDays = 7;
constexpr const char* kTierOrder[] = {"very_loyal", "loyal", "occasional"};

bool holds(const std::vector<std::string>& scopes, std::string_view scope) {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

// The currency with the most of `weight` (ties: the first by name); '' when there is none.
std::string main_currency(const std::map<std::string, std::int64_t>& weight) {
  std::string best;
  std::int64_t most = 0;
  for (const auto& [currency, w] : weight) {
    if (w > most) {
      best = currency;
      most = w;
    }
  }
  return best;
}

struct Span {
  UnixMs from = 0;
  UnixMs to = 0;
};

}  // namespace

Result<DayGrid> day_grid(const std::string& time_zone, UnixMs at) {
  try {
    const date::time_zone* zone =
        time_zone.empty() ? date::current_zone() : date::locate_zone(time_zone);
    using Ms = std::chrono::milliseconds;
    const auto local = zone->to_local(std::chrono::sys_time<Ms>(Ms(at)));
    const auto today = date::floor<date::days>(local);
    DayGrid grid;
    // Midnights from 13 days before today to tomorrow; a midnight a clock change skips is the
    // first moment of that day.
    for (int k = -(2 * kDays - 1); k <= 1; ++k) {
      const auto midnight = zone->to_sys(today + date::days(k), date::choose::earliest);
      grid.midnights.push_back(std::chrono::duration_cast<Ms>(midnight.time_since_epoch()).count());
    }
    grid.spans.at = at;
    grid.spans.today_from = grid.midnights[2 * kDays - 1];
    grid.spans.week_from = grid.midnights[kDays];
    grid.spans.last_week_from = grid.midnights[0];
    grid.spans.last_week_to = at - kDays * kMsPerDay;
    return grid;
  } catch (const std::exception& e) {
    return Error::invalid("unknown time zone '" + time_zone + "': " + e.what(), "time_zone");
  }
}

HomeService::HomeService(storage::Database& db, HomeOptions options)
    : db_(db), options_(std::move(options)) {}

Result<ShopDay> HomeService::day(const HomeQuery& query, const std::vector<std::string>& scopes) {
  const UnixMs now = now_ms();
  const UnixMs at = query.at.value_or(now);
  if (at < kEarliest) return Error::invalid("at must be a time from 2000 on", "at");
  ECRM_ASSIGN_OR_RETURN(const DayGrid grid, day_grid(options_.time_zone, at));
  const Spans& s = grid.spans;
  const Span today{s.today_from, at};
  const Span week{s.week_from, at};
  const Span last_week{s.last_week_from, s.last_week_to};

  ShopDay out;
  out.time_zone = options_.time_zone;
  out.spans = s;
  ECRM_RETURN_IF_ERROR(with_transaction(db_, TxMode::kRead, [&](Connection& c) -> Status {
    if (holds(scopes, kSalesScope)) {
      SalesSection sales;
      // Per day (this week's last day ends now), then the spans.
      std::vector<std::vector<CurrencyTotal>> days;
      std::map<std::string, std::int64_t> orders_by_currency;
      for (int d = 0; d < 2 * kDays; ++d) {
        const UnixMs from = grid.midnights[static_cast<std::size_t>(d)];
        const UnixMs to = d == 2 * kDays - 1 ? at : grid.midnights[static_cast<std::size_t>(d + 1)];
        ECRM_ASSIGN_OR_RETURN(auto totals, repo_.order_totals(c, from, to));
        for (const auto& t : totals) orders_by_currency[t.currency] += t.orders;
        days.push_back(std::move(totals));
      }
      sales.currency = main_currency(orders_by_currency);
      for (const auto& [currency, n] : orders_by_currency) {
        if (currency != sales.currency) sales.other_currencies.push_back(currency);
      }
      auto day_of = [&](int d) {
        SalesDay day{grid.midnights[static_cast<std::size_t>(d)], 0, 0};
        for (const auto& t : days[static_cast<std::size_t>(d)]) {
          day.orders += t.orders;
          if (t.currency == sales.currency) day.revenue += t.revenue;
        }
        return day;
      };
      for (int d = 0; d < kDays; ++d) sales.last_week_days.push_back(day_of(d));
      for (int d = kDays; d < 2 * kDays; ++d) sales.days.push_back(day_of(d));
      auto figures = [&](const Span& span) -> Result<SalesFigures> {
        SalesFigures f;
        ECRM_ASSIGN_OR_RETURN(auto totals, repo_.order_totals(c, span.from, span.to));
        for (const auto& t : totals) {
          f.orders += t.orders;
          if (t.currency == sales.currency) f.revenue += t.revenue;
        }
        ECRM_ASSIGN_OR_RETURN(auto buyers, repo_.buyers(c, span.from, span.to));
        f.returning_buyers = buyers.second;
        f.first_time_buyers = buyers.first - buyers.second;
        return f;
      };
      ECRM_ASSIGN_OR_RETURN(sales.today, figures(today));
      ECRM_ASSIGN_OR_RETURN(sales.this_week, figures(week));
      ECRM_ASSIGN_OR_RETURN(sales.last_week, figures(last_week));
      out.sales = std::move(sales);
    }

    if (holds(scopes, kCustomersScope)) {
      CustomersSection customers;
      ECRM_ASSIGN_OR_RETURN(customers.total, repo_.customers(c));
      ECRM_ASSIGN_OR_RETURN(customers.signups.today, repo_.signups(c, today.from, today.to));
      ECRM_ASSIGN_OR_RETURN(customers.signups.this_week, repo_.signups(c, week.from, week.to));
      ECRM_ASSIGN_OR_RETURN(customers.signups.last_week,
                            repo_.signups(c, last_week.from, last_week.to));
      out.customers = customers;
    }

    if (holds(scopes, kTiersScope)) {
      TiersSection tiers;
      ECRM_ASSIGN_OR_RETURN(auto counts, repo_.tiers(c));
      ECRM_ASSIGN_OR_RETURN(auto buyers, repo_.tier_buyers(c, week.from, week.to));
      ECRM_ASSIGN_OR_RETURN(const std::int64_t customers, repo_.customers(c));
      std::int64_t scored = 0;
      for (const char* tier : kTierOrder) {
        TierCount t{tier, 0, 0};
        for (const auto& n : counts) {
          if (n.name == tier) t.customers = n.count;
        }
        for (const auto& n : buyers) {
          if (n.name == tier) t.buyers_this_week = n.count;
        }
        scored += t.customers;
        tiers.tiers.push_back(std::move(t));
      }
      tiers.unscored = std::max<std::int64_t>(0, customers - scored);
      ECRM_ASSIGN_OR_RETURN(tiers.scored_at, repo_.scored_at(c));
      out.tiers = std::move(tiers);
    }

    if (holds(scopes, kCartsScope)) {
      CartsSection carts;
      std::vector<std::vector<ClosedCarts>> rows;
      std::map<std::string, std::int64_t> by_currency;
      for (const Span& span : {today, week, last_week}) {
        ECRM_ASSIGN_OR_RETURN(
            auto closed, repo_.closed_carts(c, span.from, span.to, options_.abandon_after, now));
        rows.push_back(std::move(closed));
      }
      for (std::size_t i = 1; i < rows.size(); ++i) {
        for (const auto& r : rows[i]) by_currency[r.currency] += r.carts;
      }
      carts.currency = main_currency(by_currency);
      auto figures = [&](const std::vector<ClosedCarts>& closed) {
        CartFigures f;
        for (const auto& r : closed) {
          const std::int64_t value = r.currency == carts.currency ? r.value : 0;
          if (!r.purchased) {
            f.abandoned += r.carts;
            f.lost_value += value;
            continue;
          }
          f.purchased += r.carts;
          if (r.recovered) {
            f.recovered += r.carts;
            f.recovered_value += value;
          }
        }
        return f;
      };
      carts.today = figures(rows[0]);
      carts.this_week = figures(rows[1]);
      carts.last_week = figures(rows[2]);
      out.carts = std::move(carts);
    }

    if (holds(scopes, kMessagesScope)) {
      MessagesSection messages;
      ECRM_ASSIGN_OR_RETURN(messages.queued, repo_.queued_messages(c));
      auto figures = [&](const Span& span) -> Result<MessageFigures> {
        MessageFigures f;
        ECRM_ASSIGN_OR_RETURN(auto counts, repo_.message_events(c, span.from, span.to));
        for (const auto& n : counts) {
          if (n.name == "sent") f.sent = n.count;
          if (n.name == "open") f.opened = n.count;
          if (n.name == "click") f.clicked = n.count;
          if (n.name == "reply") f.replied = n.count;
          if (n.name == "bounce") f.bounced = n.count;
        }
        return f;
      };
      ECRM_ASSIGN_OR_RETURN(messages.today, figures(today));
      ECRM_ASSIGN_OR_RETURN(messages.this_week, figures(week));
      ECRM_ASSIGN_OR_RETURN(messages.last_week, figures(last_week));
      out.messages = messages;
    }

    if (holds(scopes, kAutomationScope)) {
      ECRM_ASSIGN_OR_RETURN(out.automation, repo_.automation(c, week.from, week.to));
    }
    if (holds(scopes, kServiceScope)) {
      constexpr UnixMs kBreachingWindow = 60 * 60'000;
      ECRM_ASSIGN_OR_RETURN(out.service, repo_.service(c, out.spans.at,
                                                       out.spans.at + kBreachingWindow,
                                                       out.spans.today_from));
    }
    return {};
  }));
  return out;
}

}  // namespace ecrm::home
