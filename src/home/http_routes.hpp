// GET /api/v1/home: the shop's day for the home page.
#pragma once

#include "home/service.hpp"
#include "http/router.hpp"

namespace ecrm::home {

void add_home_routes(http::Router& router, HomeService& service);

}  // namespace ecrm::home
