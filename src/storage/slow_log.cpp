#include "storage/slow_log.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <string>

namespace ecrm::storage {

std::string one_line(std::string_view sql) {
  constexpr std::size_t kMaxText = 400;
  std::string text;
  text.reserve(std::min(sql.size(), kMaxText));
  for (char ch : sql) {
    if (text.size() >= kMaxText) {
      text += "...";
      break;
    }
    const bool space = std::isspace(static_cast<unsigned char>(ch)) != 0;
    if (space && (text.empty() || text.back() == ' ')) continue;
    text += space ? ' ' : ch;
  }
  return text;
}

void SlowStatementTimer::report(std::int64_t rows) const {
  const auto took = std::chrono::steady_clock::now() - started_;
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  if (ms < threshold_ms_) return;
  spdlog::warn("slow statement: {:.1f} ms, {} rows: {}", ms, rows, one_line(sql_));
}

void report_slow_write_lock(double held_ms, double waited_ms, std::string_view first) {
  spdlog::warn("slow write: held the write lock {:.1f} ms (waited {:.1f} ms for it), from: {}",
               held_ms, waited_ms, one_line(first));
}

void report_slow_write_wait(double waited_ms, std::string_view first) {
  spdlog::warn("slow write: waited {:.1f} ms for the write lock, to run: {}", waited_ms,
               one_line(first));
}

void report_slow_connection_wait(double waited_ms, int open) {
  spdlog::warn("slow connection: waited {:.1f} ms for a database connection ({} open, all in use)",
               waited_ms, open);
}

}  // namespace ecrm::storage
