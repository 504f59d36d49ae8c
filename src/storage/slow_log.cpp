#include "storage/slow_log.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <string>

namespace ecrm::storage {

void SlowStatementTimer::report(std::int64_t rows) const {
  const auto took = std::chrono::steady_clock::now() - started_;
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  if (ms < threshold_ms_) return;
  // One line: runs of white space become one space; long statements are cut.
  constexpr std::size_t kMaxText = 400;
  std::string text;
  text.reserve(std::min(sql_.size(), kMaxText));
  for (char ch : sql_) {
    if (text.size() >= kMaxText) {
      text += "...";
      break;
    }
    const bool space = std::isspace(static_cast<unsigned char>(ch)) != 0;
    if (space && (text.empty() || text.back() == ' ')) continue;
    text += space ? ' ' : ch;
  }
  spdlog::warn("slow statement: {:.1f} ms, {} rows: {}", ms, rows, text);
}

}  // namespace ecrm::storage
