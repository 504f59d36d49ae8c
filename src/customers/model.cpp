#include "customers/model.hpp"

#include <boost/json/parse.hpp>

#include <limits>
#include <tuple>

#include "http/wire.hpp"

namespace ecrm::customers {

MergeView merge_view(const Merge& m, bool with_snapshot) {
  MergeView out{m.id,        m.survivor_id, m.merged_id,        m.merged_at,
                m.merged_by, m.undone_at,   m.snapshot.empty(), std::nullopt};
  if (with_snapshot && !m.snapshot.empty()) {
    boost::json::error_code ec;
    auto parsed = boost::json::parse(m.snapshot, ec);
    if (!ec) {
      if (auto snapshot = wire::read<MergeSnapshot>(parsed); snapshot.ok()) {
        out.snapshot = std::move(snapshot).value();
      }
    }
  }
  return out;
}

std::string city_key(std::string_view city) {
  while (!city.empty() && city.front() == ' ') city.remove_prefix(1);
  while (!city.empty() && city.back() == ' ') city.remove_suffix(1);
  std::string out;
  for (char ch : city) {
    if (ch == ' ' && !out.empty() && out.back() == ' ') continue;
    out += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  }
  return out;
}

std::int64_t TimelinePosition::id_bound_for(std::string_view of_source) const {
  if (of_source < source) return std::numeric_limits<std::int64_t>::max();
  if (of_source == source) return id;
  return 0;
}

bool timeline_before(const TimelinePosition& a, const TimelinePosition& b) {
  return std::tie(a.at, a.source, a.id) > std::tie(b.at, b.source, b.id);
}

}  // namespace ecrm::customers
