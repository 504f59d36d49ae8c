#include <iostream>

#include "auth/service.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"

namespace ecrm::cli {
namespace {

struct UserAddOptions {
  std::string db;
  std::string email;
  std::string role;
  std::string name;
  std::string password;
};

const CommandRegistration kUser{30, [](CLI::App& app) {
  auto* user = app.add_subcommand("user", "Manage staff users");
  user->require_subcommand(1);
  auto options = std::make_shared<UserAddOptions>();
  auto* add = user->add_subcommand("add", "Create a staff user (prints a generated password "
                                          "when --password is not given)");
  add_db_option(*add, &options->db);
  add->add_option("--email", options->email, "E-mail address (the login)")->required();
  std::vector<std::string> roles = wire::enum_names<auth::Role>();
  add->add_option("--role", options->role, "The staff role: what it may do is in auth/access.cpp")
      ->required()
      ->check(CLI::IsMember(roles));
  add->add_option("--name", options->name, "Display name");
  add->add_option("--password", options->password, "Password (at least 8 characters)");
  add->callback([options] {
    auto db = open_and_migrate(resolve_db_url(options->db));
    if (!db) {
      exit_code() = kExitFailure;
      return;
    }
    auth::AuthService service(*db);
    auth::UserInput request;
    request.email = options->email;
    request.name = options->name;
    request.role = *wire::parse_enum<auth::Role>(options->role);
    if (!options->password.empty()) request.password = options->password;
    auto created = service.create_user(request);
    if (!created.ok()) {
      std::cerr << "ecrm: " << created.error().message << "\n";
      exit_code() = created.error().kind == ErrorKind::kInvalidArgument ||
                            created.error().kind == ErrorKind::kConflict
                        ? kExitBadInput
                        : kExitFailure;
      return;
    }
    std::cout << "created " << wire::enum_name(created->user.role) << " " << created->user.email
              << " (id " << created->user.id << ")\n";
    if (created->password) {
      std::cout << "password: " << *created->password << "\n";
    }
  });
}};

}  // namespace
}  // namespace ecrm::cli
