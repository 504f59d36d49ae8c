// `ecrm secrets keygen FILE`: writes a new key file (0600). `ecrm secrets seal`: seals the
// secrets stored in clear with the key of --secret-key-file (serve and worker do the same at
// start-up) and says how many.
#include <iostream>

#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "cli/secrets.hpp"
#include "core/secret_box.hpp"

namespace ecrm::cli {
namespace {

struct SecretsOptions {
  std::string db;
  std::string key_file;
};

const CommandRegistration kSecrets{
    25, [](CLI::App& app) {
      auto options = std::make_shared<SecretsOptions>();
      auto* cmd =
          app.add_subcommand("secrets", "The key that seals the secrets stored in the database");
      cmd->require_subcommand(1);

      auto* keygen =
          cmd->add_subcommand("keygen", "Write a new key file, readable by its owner only");
      keygen->add_option("file", options->key_file, "The key file to create (never overwritten)")
          ->required();
      keygen->callback([options] {
        if (auto made = SecretBox::create_key_file(options->key_file); !made.ok()) {
          std::cerr << "ecrm: " << made.error().message << "\n";
          exit_code() = kExitFailure;
          return;
        }
        std::cout << "wrote a new key to " << options->key_file
                  << "; keep a copy with the database's backups\n";
      });

      auto* seal = cmd->add_subcommand(
          "seal", "Seal the secrets stored in clear with the key of --secret-key-file");
      add_db_option(*seal, &options->db);
      seal->callback([options] {
        if (secret_key_file().empty()) {
          std::cerr << "ecrm: give the key file with --secret-key-file or ECRM_SECRET_KEY_FILE\n";
          exit_code() = kExitBadInput;
          return;
        }
        // open_and_migrate seals them; running it again finds none left.
        auto db = open_and_migrate(resolve_db_url(options->db));
        if (!db) {
          exit_code() = kExitFailure;
          return;
        }
        auto left = install_secret_key(*db);
        if (!left.ok() || *left != 0) {
          std::cerr << "ecrm: secrets still in clear\n";
          exit_code() = kExitFailure;
          return;
        }
        std::cout << "every secret in the database is sealed with the key in " << secret_key_file()
                  << "\n";
      });
    }};

}  // namespace
}  // namespace ecrm::cli
