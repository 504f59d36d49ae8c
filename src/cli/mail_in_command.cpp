// `ecrm mail-in`: reads one RFC 5322 message on stdin, as an MTA pipes it (e.g. a Postfix alias
// "replies: |/usr/bin/ecrm mail-in --db …"), and records it: a reply to one of our messages on
// the customer's timeline and in the reply rate, a bounce as a bounced message and a
// suppressed address. Prints what it was as JSON. Exits 0 for mail it cannot match too (the MTA
// must not bounce it back); 65 when stdin holds no message.
#include <boost/json.hpp>

#include <iostream>
#include <iterator>

#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "http/wire.hpp"
#include "messaging/service.hpp"

namespace ecrm::cli {
namespace {

constexpr std::size_t kMaxMessage = 50u << 20;

struct MailInArgs {
  std::string db;
};

int run(const MailInArgs& args) {
  std::string raw;
  char buffer[65536];
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    raw.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
    if (raw.size() > kMaxMessage) {
      std::cerr << "ecrm mail-in: the message is larger than 50 MiB\n";
      return kExitBadInput;
    }
  }
  if (raw.find_first_not_of(" \r\n\t") == std::string::npos) {
    std::cerr << "ecrm mail-in: no message on stdin\n";
    return kExitBadInput;
  }
  auto db = open_and_migrate(resolve_db_url(args.db));
  if (!db) return kExitFailure;
  messaging::MessagingService messaging(*db, messaging::MessagingOptions{});
  auto result = messaging.receive(raw);
  if (!result.ok()) {
    std::cerr << "ecrm mail-in: " << result.error().message << "\n";
    return kExitFailure;
  }
  std::cout << boost::json::serialize(wire::to_json(*result)) << "\n";
  return kExitOk;
}

const CommandRegistration kMailIn{61, [](CLI::App& app) {
  auto args = std::make_shared<MailInArgs>();
  auto* cmd = app.add_subcommand(
      "mail-in", "Record one inbound e-mail read on stdin: a reply to a message, or a bounce");
  add_db_option(*cmd, &args->db);
  cmd->callback([args] { exit_code() = run(*args); });
}};

}  // namespace
}  // namespace ecrm::cli
