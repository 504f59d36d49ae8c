#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/app_setup.hpp"
#include "cli/command.hpp"
#include "core/money.hpp"
#include "demo/loader.hpp"

namespace ecrm::cli {
namespace {

struct DemoOptions {
  std::string db;
  std::int64_t customers = demo::kDefaultCustomers;
  std::string seed = std::to_string(demo::kDefaultSeed);
  bool if_empty = false;
};

std::string percent(double share) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
  return text;
}

void print_summary(const demo::DemoStats& s, std::uint64_t seed, double seconds) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2f s", seconds);
  std::cout << "demo shop loaded in " << elapsed << " (seed " << seed << ")\n"
            << "  catalog:   " << s.categories << " categories, " << s.products << " products ("
            << s.inactive_products << " older versions, inactive)\n"
            << "  customers: " << s.customers << " (" << s.referred << " referred, "
            << s.likely_duplicates << " likely duplicates)\n"
            << "  orders:    " << s.orders << " with " << s.order_lines << " lines; "
            << s.in_progress << " in progress, " << s.cancelled << " cancelled, "
            << s.returned_orders << " returned\n"
            << "  returns:   " << s.returns << " (" << s.refunded_returns << " refunded), "
            << percent(s.delivered_or_returned == 0
                           ? 0.0
                           : static_cast<double>(s.returns) /
                                 static_cast<double>(s.delivered_or_returned))
            << " of delivered orders\n"
            << "  revenue:   " << format_money(s.revenue, demo::kCurrency)
            << " net of refunds\n"
            << "  buyers:    " << s.buyers << ", of whom " << percent(s.repeat_share())
            << " bought more than once\n"
            << "  top 20% of buyers bring " << percent(s.top20_share) << " of revenue (Gini "
            << std::to_string(s.gini).substr(0, 4) << ")\n"
            << "  traffic:   " << s.events << " events from " << s.visitors << " visitors ("
            << s.customer_visitors << " customers' devices) over the last " << demo::kTrafficDays
            << " days; " << s.carts_purchased << " carts bought, " << s.carts_abandoned
            << " abandoned ("
            << percent(s.carts_purchased + s.carts_abandoned == 0
                           ? 0.0
                           : static_cast<double>(s.carts_abandoned) /
                                 static_cast<double>(s.carts_purchased + s.carts_abandoned))
            << ")\n";
}

const CommandRegistration kDemo{
    25, [](CLI::App& app) {
      auto options = std::make_shared<DemoOptions>();
      auto* cmd = app.add_subcommand(
          "demo",
          "Load a realistic demo shop (catalog, customers, two years of orders, the last 90 "
          "days of site traffic) into an empty database; the same seed gives the same shop");
      add_db_option(*cmd, &options->db);
      cmd->add_option("--customers", options->customers, "Number of customers, 1 to 10,000,000")
          ->capture_default_str();
      cmd->add_option("--seed", options->seed, "Random seed, 0 to 18446744073709551615")
          ->capture_default_str();
      cmd->add_flag("--if-empty", options->if_empty,
                    "Do nothing (and succeed) when the database already has customers");
      cmd->callback([options] {
        if (options->customers < demo::kMinCustomers || options->customers > demo::kMaxCustomers) {
          std::cerr << "ecrm demo: --customers must be from " << demo::kMinCustomers
                    << " to 10,000,000 (got " << options->customers << ")\n";
          exit_code() = kExitBadInput;
          return;
        }
        // Parsed here: CLI11 would wrap a negative number into an unsigned one.
        std::uint64_t seed = 0;
        const auto& text = options->seed;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
          std::cerr << "ecrm demo: --seed must be an unsigned integer from 0 to "
                       "18446744073709551615 (got '"
                    << text << "')\n";
          exit_code() = kExitBadInput;
          return;
        }
        const auto started = std::chrono::steady_clock::now();
        auto db = open_and_migrate(resolve_db_url(options->db));
        if (!db) {
          exit_code() = kExitFailure;
          return;
        }
        demo::DemoLoader loader(*db);
        if (options->if_empty) {
          auto existing = loader.count_customers();
          if (!existing.ok()) {
            std::cerr << "ecrm demo: " << existing.error().message << "\n";
            exit_code() = kExitFailure;
            return;
          }
          if (*existing > 0) {
            std::cout << "the database already has " << *existing
                      << " customers; no demo data loaded (--if-empty)\n";
            return;
          }
        }
        demo::DemoConfig config;
        config.seed = seed;
        config.customers = options->customers;
        // The history ends at the start of today (UTC), so runs on the same day give the same shop.
        const UnixMs now = now_ms();
        config.now = now - now % kMsPerDay;
        demo::LoadOptions load_options;
        const std::int64_t step = std::max<std::int64_t>(config.customers / 10, 50'000);
        std::int64_t next_report = step;
        load_options.progress = [&](std::int64_t done, std::int64_t total) {
          if (done >= next_report && done < total) {
            spdlog::info("demo: {} of {} customers written", done, total);
            next_report += step;
          }
        };
        auto stats = loader.load(config, load_options);
        if (!stats.ok()) {
          std::cerr << "ecrm demo: " << stats.error().message << "\n";
          if (stats.error().code == "database_not_empty") {
            std::cerr << "ecrm demo: use a new database, or --if-empty to skip loading when there "
                         "are customers already\n";
          }
          exit_code() = kExitFailure;
          return;
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        print_summary(*stats, config.seed, seconds);
      });
    }};

}  // namespace
}  // namespace ecrm::cli
