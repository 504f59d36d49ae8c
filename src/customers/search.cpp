#include "customers/search.hpp"

namespace ecrm::customers {

search::Hit customer_hit(const Customer& x, search::MatchRank rank, const search::Query& query) {
  search::Hit hit;
  hit.id = x.id;
  hit.rank = rank;
  const std::string email = x.email.value_or("");
  const std::string phone = x.phone.value_or("");
  hit.title = !x.name.empty() ? x.name : !email.empty() ? email : phone;
  for (const std::string& part : {!email.empty() ? email : phone, x.company, x.city}) {
    if (part.empty() || part == hit.title) continue;
    if (!hit.subtitle.empty()) hit.subtitle += " · ";
    hit.subtitle += part;
  }
  auto add = [&](std::optional<search::Highlight> h) {
    if (h) hit.highlights.push_back(std::move(*h));
  };
  add(search::highlight("name", x.name, query));
  add(search::highlight("email", email, query));
  add(search::highlight_phone("phone", phone, query));
  add(search::highlight("company", x.company, query));
  add(search::highlight("external_id", x.external_id.value_or(""), query));
  for (const auto& tag : x.tags) add(search::highlight("tags", tag, query));
  return hit;
}

Result<std::vector<search::Hit>> CustomerSearch::search(const search::Query& query, int limit) {
  CustomerQuery filter;
  filter.q = query.text;
  ECRM_ASSIGN_OR_RETURN(auto found, service_.list(filter, {}, limit));
  std::vector<search::Hit> hits;
  hits.reserve(found.size());
  for (const auto& match : found) hits.push_back(customer_hit(match.customer, match.rank, query));
  return hits;
}

}  // namespace ecrm::customers
