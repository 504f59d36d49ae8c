// The shop's day for the home page: one read of sales, customers, tiers, carts, messages and
// automation, in the shop's time zone, with the sections the caller's scopes allow. No SQL here
// (repo.cpp), no HTTP (http_routes.cpp).
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "home/model.hpp"
#include "home/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::home {

struct HomeOptions {
  std::string time_zone;                  // the shop's (IANA); empty: the system's
  UnixMs abandon_after = 60 * 60 * 1000;  // the events writer's cart abandonment limit
};

class HomeService {
 public:
  HomeService(storage::Database& db, HomeOptions options);

  // The day at `query.at` (default now): today, this week and last week (see Spans) for each
  // section whose scope is among `scopes`; the others are left out. kInvalidArgument (field
  // at) for a time before 2000; (field time_zone) when the shop's time zone is unknown.
  Result<ShopDay> day(const HomeQuery& query, const std::vector<std::string>& scopes);

 private:
  storage::Database& db_;
  HomeOptions options_;
  HomeRepo repo_;
};

// The spans of the day at `at` in `time_zone` (IANA; empty: the system's), and the midnights of
// the fourteen days from last_week_from on (the fifteenth is tomorrow's). kInvalidArgument
// (field time_zone) for an unknown zone.
struct DayGrid {
  Spans spans;
  std::vector<UnixMs> midnights;  // 15 entries
};
Result<DayGrid> day_grid(const std::string& time_zone, UnixMs at);

}  // namespace ecrm::home
