#include "cli/app_setup.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/secrets.hpp"
#include "search/fulltext.hpp"
#include "search/segment.hpp"
#include "storage/migrations.hpp"

namespace ecrm::cli {

std::unique_ptr<storage::Database> open_and_migrate(const std::string& url,
                                                    const storage::DatabaseOptions& options) {
  auto db = storage::open_database(url, options);
  if (!db.ok()) {
    std::cerr << "ecrm: " << db.error().message << "\n";
    return nullptr;
  }
  auto report = storage::migrate(**db, storage::embedded_migrations());
  if (!report.ok()) {
    std::cerr << "ecrm: " << report.error().message << "\n";
    return nullptr;
  }
  if (report->applied > 0) {
    spdlog::info("applied {} migration(s); schema version {}", report->applied,
                 report->current_version);
  }
  auto sealed = install_secret_key(**db);
  if (!sealed.ok()) {
    std::cerr << "ecrm: " << sealed.error().message << "\n";
    return nullptr;
  }
  if (*sealed > 0) spdlog::info("sealed {} secret(s) stored in clear", *sealed);
  // The words learned from the shop's texts join the segmenter's seed list (search/segment.hpp).
  if (auto lease = (*db)->acquire(); lease.ok()) {
    auto learned = search::load_learned_words(**lease);
    if (!learned.ok()) {
      spdlog::warn("cannot read the learned words: {}", learned.error().message);
    } else if (!learned->empty()) {
      search::Segmenter::install(*learned);
    }
  }
  return std::move(db).value();
}

}  // namespace ecrm::cli
