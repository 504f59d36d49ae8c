// `ecrm automation run --date YYYY-MM-DD`: enrols and queues the date-triggered flows
// (birthdays, anniversaries) for that day and prints what it did as JSON; a running server's
// delivery worker sends the messages.
#include <boost/json.hpp>

#include <cstdlib>
#include <iostream>

#include "automation/service.hpp"
#include "catalog/service.hpp"
#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "http/wire.hpp"
#include "messaging/service.hpp"
#include "recommend/service.hpp"

namespace ecrm::cli {
namespace {

struct AutomationArgs {
  std::string db;
  std::string date;
};

int run(const AutomationArgs& args) {
  auto db = open_and_migrate(resolve_db_url(args.db));
  if (!db) return kExitFailure;
  messaging::MessagingOptions options;
  if (const char* from = std::getenv("ECRM_MAIL_FROM"); from && *from) options.mail_from = from;
  if (const char* url = std::getenv("ECRM_PUBLIC_URL"); url && *url) options.base_url = url;
  if (const char* name = std::getenv("ECRM_SHOP_NAME"); name && *name) options.shop_name = name;
  messaging::MessagingService messaging(*db, options);
  recommend::RecommendService recommend(*db, recommend::RecommendOptions{});
  catalog::CatalogService catalog(*db);
  automation::AutomationService automation(*db, messaging, recommend, catalog);
  if (auto installed = automation.install_defaults(); !installed.ok()) {
    std::cerr << "ecrm automation: " << installed.error().message << "\n";
    return kExitFailure;
  }
  auto summary = automation.run_date(args.date);
  if (!summary.ok()) {
    std::cerr << "ecrm automation run: " << summary.error().message << "\n";
    return summary.error().kind == ErrorKind::kInvalidArgument ? kExitBadInput : kExitFailure;
  }
  std::cout << boost::json::serialize(wire::to_json(*summary)) << "\n";
  return kExitOk;
}

const CommandRegistration kAutomation{60, [](CLI::App& app) {
  auto args = std::make_shared<AutomationArgs>();
  auto* cmd = app.add_subcommand("automation", "Run the automation flows");
  cmd->require_subcommand(1);
  auto* run_cmd = cmd->add_subcommand(
      "run", "Enrol and queue the date-triggered flows (birthdays, anniversaries) for a day");
  add_db_option(*run_cmd, &args->db);
  run_cmd->add_option("--date", args->date, "The day, YYYY-MM-DD, in the shop's time zone")
      ->required();
  run_cmd->callback([args] { exit_code() = run(*args); });
}};

}  // namespace
}  // namespace ecrm::cli
