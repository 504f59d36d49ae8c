// ecrm: one binary, many subcommands. The composition root of each subcommand lives in its own
// src/cli/*_command.cpp; this file only assembles them.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "cli/command.hpp"
#include "cli/secrets.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"

namespace ecrm::cli {
namespace {

std::vector<std::pair<int, Registrar>>& registry() {
  static std::vector<std::pair<int, Registrar>> commands;
  return commands;
}

}  // namespace

CommandRegistration::CommandRegistration(int order, Registrar registrar) {
  registry().emplace_back(order, std::move(registrar));
}

int& exit_code() {
  static int code = kExitOk;
  return code;
}

std::string resolve_db_url(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("ECRM_DB"); env != nullptr && *env != '\0') return env;
  return kDefaultDbUrl;
}

void add_db_option(CLI::App& command, std::string* target) {
  command.add_option("--db", *target,
                     "Database: sqlite:PATH or postgresql://USER@HOST:PORT/DB "
                     "(default $ECRM_DB, else sqlite:data/ecrm.db)");
  command
      .add_option("--secret-key-file", secret_key_file(),
                  "File of the key that seals the secrets stored in the database (webhook and "
                  "two-factor secrets): 64 hex characters, as `ecrm secrets keygen` writes; keep "
                  "it with the database's backups")
      ->envname("ECRM_SECRET_KEY_FILE");
}

}  // namespace ecrm::cli

int main(int argc, char** argv) {
  using namespace ecrm::cli;
  CLI::App app{"ecrm: customer relationship management for online shops"};
  app.set_version_flag("--version", std::string(ECRM_VERSION));
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->capture_default_str();

  auto& commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, registrar] : commands) registrar(app);

  app.parse_complete_callback([&] {
    ecrm::init_logging(log_level);
    ecrm::init_crypto();
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  return exit_code();
}
