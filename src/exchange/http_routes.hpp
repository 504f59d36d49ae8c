// The import/export API:
//   POST /api/v1/import/{entity}   body: the CSV (text/csv) or multipart/form-data with field
//                                  `file`; query format, dry_run, skip_bad. 202 with the job.
//   GET  /api/v1/import/jobs       recent jobs, newest first
//   GET  /api/v1/import/jobs/{id}  one job: progress, counts, bad rows
//   GET  /api/v1/export/{entity}   the CSV, streamed
#pragma once

#include "exchange/exporter.hpp"
#include "exchange/jobs.hpp"
#include "http/router.hpp"

namespace ecrm::exchange {

struct ExchangeRoutesConfig {
  std::size_t max_upload_bytes = std::size_t{4} << 30;  // 4 GiB
};

// The services must outlive the router.
void add_exchange_routes(http::Router& router, ImportJobs& jobs, Exporter& exporter,
                         ExchangeRoutesConfig config = {});

}  // namespace ecrm::exchange
