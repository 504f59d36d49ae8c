#include "core/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace ecrm {

void init_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("ecrm");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

std::shared_ptr<spdlog::logger> access_logger() {
  static std::once_flag once;
  static std::shared_ptr<spdlog::logger> logger;
  std::call_once(once, [] {
    spdlog::init_thread_pool(8192, 1);
    logger = spdlog::create_async_nb<spdlog::sinks::stdout_sink_mt>("access");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e access %v");
    logger->flush_on(spdlog::level::info);  // flushed by the logger thread, not the caller
  });
  return logger;
}

}  // namespace ecrm
