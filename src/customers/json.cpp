#include "customers/json.hpp"

#include <boost/json.hpp>

namespace ecrm::customers {

namespace json = boost::json;

namespace {

template <typename T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

json::object customer_json(const Customer& x) {
  json::array tags;
  for (const auto& tag : x.tags) tags.push_back(json::value(tag));
  json::array anniversaries;
  for (const auto& a : x.anniversaries) {
    anniversaries.push_back(json::object{{"kind", a.kind}, {"date", a.date}, {"label", a.label}});
  }
  json::object consent;
  for (ConsentChannel channel : kConsentChannels) {
    const Consent& c = x.consent_for(channel);
    consent[to_string(channel)] =
        json::object{{"granted", or_null(c.granted)}, {"at", or_null(c.at)}, {"how", c.how}};
  }
  json::error_code ec;
  json::value attributes = json::parse(x.attributes, ec);
  if (ec || !attributes.is_object()) attributes = json::object{};
  return json::object{
      {"id", x.id},
      {"external_id", or_null(x.external_id)},
      {"name", x.name},
      {"email", or_null(x.email)},
      {"phone", or_null(x.phone)},
      {"birthday", or_null(x.birthday)},
      {"anniversaries", std::move(anniversaries)},
      {"gender", x.gender ? json::value(to_string(*x.gender)) : json::value(nullptr)},
      {"city", x.city},
      {"country", x.country},
      {"language", x.language},
      {"type", to_string(x.type)},
      {"company", x.company},
      {"employee_count", or_null(x.employee_count)},
      {"source", x.source},
      {"channel", x.channel},
      {"referred_by", or_null(x.referred_by)},
      {"tags", std::move(tags)},
      {"attributes", std::move(attributes)},
      {"consent", std::move(consent)},
      {"merged_into", or_null(x.merged_into)},
      {"erased_at", or_null(x.erased_at)},
      {"created_at", x.created_at},
      {"updated_at", x.updated_at}};
}

json::object merge_json(const Merge& m, bool with_snapshot) {
  json::object out{{"id", m.id},
                   {"survivor_id", m.survivor_id},
                   {"merged_id", m.merged_id},
                   {"merged_at", m.merged_at},
                   {"merged_by", m.merged_by},
                   {"undone_at", or_null(m.undone_at)},
                   {"snapshot_erased", m.snapshot.empty()}};
  if (with_snapshot) {
    json::error_code ec;
    json::value snapshot = json::parse(m.snapshot, ec);
    out["snapshot"] = ec ? json::value(nullptr) : snapshot;
  }
  return out;
}

}  // namespace ecrm::customers
