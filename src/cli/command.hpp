// Subcommands register themselves: each src/cli/*_command.cpp defines one
// `const ecrm::cli::CommandRegistration` that adds its subcommand to the CLI11 app.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace ecrm::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // runtime failure (database unreachable, I/O error)
inline constexpr int kExitBadInput = 2;  // bad arguments or a bad input file

using Registrar = std::function<void(CLI::App& app)>;

struct CommandRegistration {
  // `order` sorts the subcommands in --help.
  CommandRegistration(int order, Registrar registrar);
};

// The exit code the selected subcommand sets from its callback.
int& exit_code();

// The database URL from --db, else $ECRM_DB, else the default embedded file.
std::string resolve_db_url(const std::string& flag_value);
inline constexpr const char* kDefaultDbUrl = "sqlite:data/ecrm.db";

// Adds the shared `--db URL` option to a subcommand.
void add_db_option(CLI::App& command, std::string* target);

}  // namespace ecrm::cli
