#include "service/customer_records.hpp"

#include <boost/json.hpp>

#include "http/wire.hpp"

namespace ecrm::service {

namespace json = boost::json;
using customers::TimelineEntry;

namespace {
constexpr std::string_view kSource = "interaction";
constexpr std::size_t kSummaryChars = 120;

// The first line of a text, cut at a UTF-8 character boundary.
std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() <= kSummaryChars) return line;
  std::size_t cut = kSummaryChars;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return line.substr(0, cut) + "…";
}
}  // namespace

Result<std::vector<std::int64_t>> ServiceCustomerRecords::reassign(storage::Connection& c,
                                                                   std::int64_t from,
                                                                   std::int64_t to) {
  return repo_.reassign_customer(c, from, to);
}

Status ServiceCustomerRecords::restore(storage::Connection& c, std::span<const std::int64_t> ids,
                                       std::int64_t from, std::int64_t to) {
  return repo_.restore_customer(c, ids, from, to);
}

Result<json::value> ServiceCustomerRecords::export_records(storage::Connection& c,
                                                           std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto interactions, repo_.interactions_of_customer(c, customer_id));
  ECRM_ASSIGN_OR_RETURN(auto tickets, repo_.tickets_of_customer(c, customer_id));
  json::array ticket_items;
  for (const auto& t : tickets) {
    ECRM_ASSIGN_OR_RETURN(auto whole, repo_.find_ticket(c, t.id));
    if (whole) ticket_items.push_back(wire::to_json(ticket_view(*whole)));
  }
  return json::value(json::object{{"interactions", wire::to_json(interactions)},
                                  {"tickets", std::move(ticket_items)}});
}

Status ServiceCustomerRecords::erase(storage::Connection& c, std::int64_t customer_id) {
  return repo_.erase_customer(c, customer_id);
}

Result<std::vector<TimelineEntry>> ServiceCustomerRecords::timeline(
    storage::Connection& c, std::int64_t customer_id, const customers::TimelinePosition& after,
    int limit) {
  ECRM_ASSIGN_OR_RETURN(auto items, repo_.interaction_timeline(c, customer_id, after.at,
                                                               after.id_bound_for(kSource), limit));
  std::vector<TimelineEntry> out;
  for (const auto& x : items) {
    const std::string channel(wire::enum_name(x.channel));
    const std::string direction(wire::enum_name(x.direction));
    std::string summary = x.direction == Direction::kInternal ? "Internal note"
                          : x.direction == Direction::kOutbound ? "To the customer by " + channel
                                                                : "From the customer by " + channel;
    if (x.ticket_id) summary += " on ticket #" + std::to_string(*x.ticket_id);
    const std::string gist = first_line(x.subject.empty() ? x.content : x.subject);
    if (!gist.empty()) summary += ": " + gist;
    json::object data{{"interaction_id", x.id}, {"channel", channel}, {"direction", direction}};
    if (x.ticket_id) data["ticket_id"] = *x.ticket_id;
    if (x.duration_seconds) data["duration_seconds"] = *x.duration_seconds;
    if (x.agent_id) data["agent_id"] = *x.agent_id;
    out.push_back(TimelineEntry{x.occurred_at, std::string(kSource), x.id,
                                "interaction." + channel, std::move(summary), std::move(data)});
  }
  return out;
}

}  // namespace ecrm::service
