// Logging set-up. Everything logs through spdlog's default logger; the HTTP access log has its
// own asynchronous logger so that a busy server does not wait on the terminal.
#pragma once

#include <memory>
#include <string>

namespace spdlog { class logger; }

namespace ecrm {

// Configures the default logger (stderr, level from `level`: trace|debug|info|warn|error|off).
void init_logging(const std::string& level);

// The access logger: asynchronous, writes to stdout. Created on first call.
std::shared_ptr<spdlog::logger> access_logger();

}  // namespace ecrm
