#include <iostream>

#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "storage/migrations.hpp"

namespace ecrm::cli {
namespace {

struct MigrateOptions {
  std::string db;
};

const CommandRegistration kMigrate{20, [](CLI::App& app) {
  auto options = std::make_shared<MigrateOptions>();
  auto* cmd = app.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_db_option(*cmd, &options->db);
  cmd->callback([options] {
    auto db = open_and_migrate(resolve_db_url(options->db));
    if (!db) {
      exit_code() = kExitFailure;
      return;
    }
    std::cout << "schema is at version " << storage::embedded_migrations().back().version << "\n";
  });
}};

}  // namespace
}  // namespace ecrm::cli
