#include "customers/model.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
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

std::vector<std::string> advisor_options(const CustomerQuery& query) {
  std::vector<std::string> out;
  if (!query.advisor_answer) return out;
  std::string_view rest = *query.advisor_answer;
  for (;;) {
    const auto comma = rest.find(',');
    std::string_view key = rest.substr(0, comma);
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    if (std::find(out.begin(), out.end(), key) == out.end()) out.emplace_back(key);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

Status check_query(const CustomerQuery& query) {
  if ((query.advisor_question || query.advisor_answer) && !query.advisor_questionnaire) {
    return Error::invalid(
        "advisor_questionnaire is required with advisor_question or "
        "advisor_answer",
        "advisor_questionnaire");
  }
  if (query.advisor_answer && !query.advisor_question) {
    return Error::invalid("advisor_question is required with advisor_answer", "advisor_question");
  }
  if (query.advisor_question && query.advisor_question->empty()) {
    return Error::invalid("advisor_question must not be empty", "advisor_question");
  }
  const auto options = advisor_options(query);
  if (options.size() > kMaxAdvisorOptions) {
    return Error::invalid("advisor_answer names at most 50 options", "advisor_answer");
  }
  for (const auto& key : options) {
    if (key.empty() || key.size() > kMaxAdvisorKey) {
      return Error::invalid(
          "advisor_answer must be option keys (1 to 64 bytes) separated by "
          "commas",
          "advisor_answer");
    }
  }
  return {};
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
