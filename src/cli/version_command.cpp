#include <iostream>

#include "cli/command.hpp"

namespace ecrm::cli {
namespace {

const CommandRegistration kVersion{100, [](CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([] { std::cout << "ecrm " << ECRM_VERSION << "\n"; });
}};

}  // namespace
}  // namespace ecrm::cli
