// GET /api/v1/search: the search box.
#pragma once

#include "http/router.hpp"
#include "search/service.hpp"

namespace ecrm::search {

void add_routes(http::Router& router, SearchService& service);

}  // namespace ecrm::search
