// `ecrm mail-in`: reads one RFC 5322 message on stdin, as an MTA pipes it (e.g. a Postfix alias
// "service: |/usr/bin/ecrm mail-in --db …"), and takes it in (service/inbound.hpp): a reply to one
// of our marketing messages or a bounce goes to messaging (the customer's timeline, the reply
// rate, suppression); a customer's mail opens a ticket or joins one; an auto-reply is ignored.
// Prints what became of it as JSON on stdout.
//
// Exit codes are sysexits(3), which MTAs understand: 0 when the mail was taken in, also when it
// was ignored, a duplicate or unmatched (the MTA must not bounce it back); 65 (EX_DATAERR) when
// stdin holds no message, one larger than 50 MiB, or no e-mail at all (the MTA returns it to
// the sender with the message on stderr); 75 (EX_TEMPFAIL) when the database failed (the MTA
// keeps the mail and tries again later).
#include <boost/json.hpp>

#include <iostream>
#include <iterator>

#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "http/wire.hpp"
#include "messaging/service.hpp"
#include "service/inbound.hpp"
#include "service/service.hpp"

namespace ecrm::cli {
namespace {

constexpr std::size_t kMaxMessage = 50u << 20;
constexpr int kExitDataErr = 65;   // EX_DATAERR
constexpr int kExitTempFail = 75;  // EX_TEMPFAIL

struct MailInArgs {
  std::string db;
  std::string mail_from = "Shop <shop@example.com>";
  std::vector<std::string> own_addresses;
  double max_attachment_mb = 10;
};

// The address in "Shop <shop@example.com>" (or the text itself).
std::string bare_address(const std::string& text) {
  const auto open = text.find('<');
  const auto close = text.find('>', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) return text.substr(open + 1, close - open - 1);
  return text;
}

int run(const MailInArgs& args) {
  std::string raw;
  char buffer[65536];
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    raw.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
    if (raw.size() > kMaxMessage) {
      std::cerr << "ecrm mail-in: the message is larger than 50 MiB\n";
      return kExitDataErr;
    }
  }
  if (raw.find_first_not_of(" \r\n\t") == std::string::npos) {
    std::cerr << "ecrm mail-in: no message on stdin\n";
    return kExitDataErr;
  }
  auto db = open_and_migrate(resolve_db_url(args.db));
  if (!db) return kExitTempFail;
  messaging::MessagingService messaging(*db, messaging::MessagingOptions{});
  service::ServiceDesk desk(*db, messaging);
  service::InboundOptions options;
  options.own_addresses = args.own_addresses;
  if (!args.mail_from.empty()) options.own_addresses.push_back(bare_address(args.mail_from));
  options.limits.max_attachment_bytes = static_cast<std::size_t>(args.max_attachment_mb * 1024 * 1024);
  options.limits.max_total_attachment_bytes =
      std::max(options.limits.max_total_attachment_bytes, options.limits.max_attachment_bytes);
  service::MailIn mail_in(*db, messaging, desk, options);
  auto result = mail_in.receive(raw);
  if (!result.ok()) {
    std::cerr << "ecrm mail-in: " << result.error().message << "\n";
    return result.error().kind == ErrorKind::kInvalidArgument ? kExitDataErr : kExitTempFail;
  }
  std::cout << boost::json::serialize(wire::to_json(*result)) << "\n";
  return kExitOk;
}

const CommandRegistration kMailIn{61, [](CLI::App& app) {
  auto args = std::make_shared<MailInArgs>();
  auto* cmd = app.add_subcommand(
      "mail-in",
      "Take in one inbound e-mail read on stdin: a reply to a message or a bounce, else a "
      "customer's mail onto a ticket (exit 0; 65 not an e-mail; 75 try again later)");
  add_db_option(*cmd, &args->db);
  cmd->add_option("--mail-from", args->mail_from,
                  "The shop's sending address: mail from it is never taken as a customer's")
      ->capture_default_str()
      ->envname("ECRM_MAIL_FROM");
  cmd->add_option("--own-address", args->own_addresses,
                  "Another address of the shop's own (repeatable): mail from it opens no ticket");
  cmd->add_option("--max-attachment-mb", args->max_attachment_mb,
                  "Largest attachment kept; a larger one is left out and named in the ticket")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 50.0));
  cmd->callback([args] { exit_code() = run(*args); });
}};

}  // namespace
}  // namespace ecrm::cli
