// The customer record and what hangs off it, as plain values: tags, anniversaries, consent per
// channel, identity merges, the 360° timeline and summary.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace ecrm::customers {

enum class CustomerType { kHome, kBusiness, kEducation, kGovernment, kOther };
std::string_view to_string(CustomerType type);
std::optional<CustomerType> parse_customer_type(std::string_view text);

enum class Gender { kFemale, kMale, kOther };
std::string_view to_string(Gender gender);
std::optional<Gender> parse_gender(std::string_view text);

// The channels a customer can consent (or refuse) to be contacted on.
enum class ConsentChannel { kEmail, kSms, kPhone };
inline constexpr std::array<ConsentChannel, 3> kConsentChannels = {
    ConsentChannel::kEmail, ConsentChannel::kSms, ConsentChannel::kPhone};
std::string_view to_string(ConsentChannel channel);

// A recorded consent decision: given or refused, when, and how (e.g. "checkout checkbox").
struct Consent {
  std::optional<bool> granted;  // nullopt: never asked
  std::optional<UnixMs> at;
  std::string how;
};

struct Anniversary {
  std::string kind;  // "wedding", "membership", …
  std::string date;  // YYYY-MM-DD
  std::string label;
};

struct Customer {
  std::int64_t id = 0;
  std::optional<std::string> external_id;
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> birthday;  // YYYY-MM-DD
  std::optional<Gender> gender;
  std::string city;
  std::string country;
  std::string language;
  CustomerType type = CustomerType::kHome;
  std::string company;
  std::optional<std::int64_t> employee_count;
  std::string source;
  std::string channel;
  std::optional<std::int64_t> referred_by;
  std::string attributes = "{}";           // JSON object text
  std::array<Consent, 3> consent;          // indexed by ConsentChannel
  std::vector<std::string> tags;           // sorted, unique
  std::vector<Anniversary> anniversaries;  // in the order given
  std::optional<std::int64_t> merged_into;
  std::optional<UnixMs> erased_at;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;

  // Derived keys for duplicate detection (see normalize_email() etc. in service.hpp).
  std::optional<std::string> email_normalized;
  std::optional<std::string> phone_normalized;
  std::string name_key;
  std::string city_key;

  Consent& consent_for(ConsentChannel c) { return consent[static_cast<std::size_t>(c)]; }
  const Consent& consent_for(ConsentChannel c) const {
    return consent[static_cast<std::size_t>(c)];
  }
};

// A likely duplicate pair (a.id < b.id) and why it was flagged.
struct DuplicatePair {
  std::int64_t a = 0;
  std::int64_t b = 0;
  bool same_email = false;
  bool same_phone = false;
  bool same_name_and_city = false;
};

struct Merge {
  std::int64_t id = 0;
  std::int64_t survivor_id = 0;
  std::int64_t merged_id = 0;
  std::string snapshot;  // JSON text; empty once either customer was erased
  UnixMs merged_at = 0;
  std::string merged_by;
  std::optional<UnixMs> undone_at;
};

// A position in a customer's timeline. Entries are ordered newest first by (at, source, id),
// where `source` names the table an entry comes from and `id` its row there.
struct TimelinePosition {
  UnixMs at = 0;
  std::string source;
  std::int64_t id = 0;

  // For a source's query "at < P.at OR (at = P.at AND id < bound)": the id bound that selects
  // exactly the entries of `of_source` that come after this position.
  std::int64_t id_bound_for(std::string_view of_source) const;
};

struct TimelineEntry {
  UnixMs at = 0;
  std::string source;  // e.g. "order_status", "return"
  std::int64_t id = 0;
  std::string kind;     // e.g. "order.placed", "order.shipped", "return.requested"
  std::string summary;  // one line for people
  boost::json::object data;

  TimelinePosition position() const { return {at, source, id}; }
};

// True when `a` comes before `b` in timeline order (newer first).
bool timeline_before(const TimelinePosition& a, const TimelinePosition& b);

struct CategoryShare {
  std::int64_t category_id = 0;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t revenue = 0;  // minor units, in the customer's main currency
};

struct CurrencyRevenue {
  std::string currency;
  std::int64_t orders = 0;   // orders that count (not cancelled)
  std::int64_t revenue = 0;  // their totals less refunds, minor units
};

struct CustomerSummary {
  std::int64_t order_count = 0;          // orders not cancelled
  std::vector<CurrencyRevenue> revenue;  // most orders first
  std::optional<UnixMs> first_order_at;
  std::optional<UnixMs> last_order_at;
  std::int64_t returns = 0;
  std::vector<CategoryShare> favourite_categories;  // by quantity bought, most first
};

}  // namespace ecrm::customers
