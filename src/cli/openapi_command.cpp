// `ecrm openapi`: prints the API's OpenAPI document (the one /api/v1/openapi.json serves),
// without a server and without touching a shop's database: the application is built over a
// throw-away SQLite file. The web UI's TypeScript types are generated from this output.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "cli/app.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "http/openapi.hpp"

namespace ecrm::cli {
namespace {

int print_openapi() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::temp_directory_path(ec) / ("ecrm-openapi-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  int code = kExitFailure;
  {
    spdlog::set_level(spdlog::level::warn);
    auto db = open_and_migrate("sqlite:" + (dir / "api.db").string());
    if (db) {
      MetricsRegistry metrics;
      App app(*db, metrics, AppOptions{.version = ECRM_VERSION, .run_workers = false});
      http::Router router;
      app.add_routes(router);
      std::cout << http::openapi_document(router, ECRM_VERSION) << "\n";
      code = kExitOk;
    }
  }
  fs::remove_all(dir, ec);
  return code;
}

const CommandRegistration kOpenApi{95, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("openapi", "Print the API's OpenAPI document (JSON)");
  cmd->callback([] { exit_code() = print_openapi(); });
}};

}  // namespace
}  // namespace ecrm::cli
