#include "exchange/model.hpp"

namespace ecrm::exchange {

namespace {

// Messages quote cells, which may be long: each is kept to what a stored job is read back with
// (wire::kDefaultMaxLength bytes), cut at a character boundary.
std::string clipped(std::string text) {
  if (text.size() <= wire::kDefaultMaxLength) return text;
  std::size_t end = wire::kDefaultMaxLength - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "\u2026";
}

}  // namespace

void ImportReport::add_error(RowError error) {
  ++bad_rows;
  error.message = clipped(std::move(error.message));
  if (errors.size() < kMaxReportedErrors) errors.push_back(std::move(error));
}

void ImportReport::add_warning(std::string warning) {
  if (warnings.size() < kMaxReportedWarnings) warnings.push_back(clipped(std::move(warning)));
}

}  // namespace ecrm::exchange
