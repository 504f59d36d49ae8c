// The customer record and what hangs off it, as plain values: tags, anniversaries, consent per
// channel, identity merges, the 360° timeline and summary. The types that cross the API are
// described next to their definitions (core/describe.hpp); the request bodies are in service.hpp.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/rfm.hpp"
#include "core/describe.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace ecrm::customers {

// Limits of the record: the service checks them and the request types declare them.
inline constexpr std::size_t kMaxName = 200;
inline constexpr std::size_t kMaxExternalId = 100;
inline constexpr std::size_t kMaxEmail = 254;
inline constexpr std::size_t kMaxCity = 100;
inline constexpr std::size_t kMaxCountry = 64;
inline constexpr std::size_t kMaxLanguage = 35;
inline constexpr std::size_t kMaxCompany = 200;
inline constexpr std::size_t kMaxSource = 100;  // source and channel
inline constexpr std::size_t kMaxConsentHow = 200;
inline constexpr std::size_t kMaxTag = 50;
inline constexpr std::size_t kMaxTags = 50;
inline constexpr std::size_t kMaxAnniversaries = 20;
inline constexpr std::size_t kMaxAnniversaryKind = 50;
inline constexpr std::size_t kMaxAnniversaryLabel = 100;
inline constexpr std::size_t kMaxAttributesBytes = 16384;
inline constexpr std::int64_t kMaxEmployees = 1'000'000'000;
inline constexpr std::size_t kMaxQuery = 200;

enum class CustomerType { kHome, kBusiness, kEducation, kGovernment, kOther };
ECRM_DESCRIBE_ENUM(CustomerType, kHome, kBusiness, kEducation, kGovernment, kOther)

enum class Gender { kFemale, kMale, kOther };
ECRM_DESCRIBE_ENUM(Gender, kFemale, kMale, kOther)

// The channels a customer can consent (or refuse) to be contacted on.
enum class ConsentChannel { kEmail, kSms, kPhone };
ECRM_DESCRIBE_ENUM(ConsentChannel, kEmail, kSms, kPhone)
inline constexpr std::array<ConsentChannel, 3> kConsentChannels = {
    ConsentChannel::kEmail, ConsentChannel::kSms, ConsentChannel::kPhone};

// A recorded consent decision: given or refused, when, and how (e.g. "checkout checkbox").
struct Consent {
  std::optional<bool> granted;  // nullopt: never asked
  std::optional<UnixMs> at;
  std::string how;
};
ECRM_DESCRIBE(Consent, granted, at, how)

// One value per consent channel; crosses the wire as {"email": …, "sms": …, "phone": …}.
template <typename T>
struct PerChannel {
  T email{};
  T sms{};
  T phone{};

  T& of(ConsentChannel c) {
    switch (c) {
      case ConsentChannel::kEmail:
        return email;
      case ConsentChannel::kSms:
        return sms;
      case ConsentChannel::kPhone:
        break;
    }
    return phone;
  }
  const T& of(ConsentChannel c) const { return const_cast<PerChannel*>(this)->of(c); }
};
using ConsentByChannel = PerChannel<Consent>;
ECRM_DESCRIBE(ConsentByChannel, email, sms, phone)

struct Anniversary {
  std::string kind;  // "wedding", "membership", …
  std::string date;  // YYYY-MM-DD
  std::string label;
};
ECRM_DESCRIBE(Anniversary, kind, date, label)
ECRM_WIRE_RULES(Anniversary, rule(&Anniversary::date, {.format = "date"}))

struct Customer {
  std::int64_t id = 0;
  std::optional<std::string> external_id;
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> birthday;     // YYYY-MM-DD
  std::vector<Anniversary> anniversaries;  // in the order given
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
  std::vector<std::string> tags;  // sorted, unique
  wire::JsonText attributes;      // a JSON object
  ConsentByChannel consent;
  std::optional<std::int64_t> merged_into;
  std::optional<UnixMs> erased_at;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;

  // Derived keys for duplicate detection (see normalize_email() etc. in service.hpp); internal.
  std::optional<std::string> email_normalized;
  std::optional<std::string> phone_normalized;
  std::string name_key;
  std::string city_key;

  Consent& consent_for(ConsentChannel c) { return consent.of(c); }
  const Consent& consent_for(ConsentChannel c) const { return consent.of(c); }
};
ECRM_DESCRIBE(Customer, id, external_id, name, email, phone, birthday, anniversaries, gender, city,
              country, language, type, company, employee_count, source, channel, referred_by, tags,
              attributes, consent, merged_into, erased_at, created_at, updated_at)
ECRM_WIRE_RULES(Customer, rule(&Customer::birthday, {.format = "date"}),
                rule(&Customer::erased_at, {.format = "date-time"}),
                rule(&Customer::created_at, {.format = "date-time"}),
                rule(&Customer::updated_at, {.format = "date-time"}))

// The stored, compared form of a city: trimmed, inner spaces collapsed, ASCII lower-cased.
std::string city_key(std::string_view city);

inline constexpr std::size_t kMaxAdvisorKey = 64;
inline constexpr std::size_t kMaxAdvisorAnswer = 1000;
inline constexpr std::size_t kMaxAdvisorOptions = 50;

// The query parameters of the customer list. Tier, segment and min_clv (minor units) come from
// the analytics scores; customers without scores never match them.
// The advisor condition looks at each customer's latest answers to `advisor_questionnaire`
// (advisor/): alone, customers who took it; with `advisor_question`, those who answered that
// question; with `advisor_answer` too (option keys separated by commas), those who chose at
// least one of those options. check_query() says which combinations hold.
struct CustomerQuery {
  std::optional<std::string> q;  // see the rule below
  std::optional<CustomerType> type;
  std::optional<std::string> tag;
  std::optional<std::string> city;     // case-insensitive
  std::optional<UnixMs> created_from;  // inclusive
  std::optional<UnixMs> created_to;    // exclusive
  std::optional<analytics::Tier> tier;
  std::optional<analytics::Segment> segment;
  std::optional<std::int64_t> min_clv;
  std::optional<std::int64_t> advisor_questionnaire;
  std::optional<std::string> advisor_question;
  std::optional<std::string> advisor_answer;
};
ECRM_DESCRIBE(CustomerQuery, q, type, tag, city, created_from, created_to, tier, segment, min_clv,
              advisor_questionnaire, advisor_question, advisor_answer)
ECRM_WIRE_RULES(CustomerQuery,
                rule(&CustomerQuery::q,
                     {.max_length = kMaxQuery,
                      .description = "text in the name (any script), e-mail, company, external "
                                     "id or tags, or phone digits however written; exact matches "
                                     "come first, then prefixes, then substrings (three "
                                     "characters or more)"}),
                rule(&CustomerQuery::created_from, {.format = "date-time"}),
                rule(&CustomerQuery::created_to, {.format = "date-time"}),
                rule(&CustomerQuery::min_clv, {.description = "minor units"}),
                rule(&CustomerQuery::advisor_questionnaire,
                     {.minimum = 1,
                      .description = "customers whose latest answers to this advisor "
                                     "questionnaire match advisor_question and advisor_answer"}),
                rule(&CustomerQuery::advisor_question,
                     {.max_length = kMaxAdvisorKey,
                      .description = "a question's key: customers who answered it (needs "
                                     "advisor_questionnaire)"}),
                rule(&CustomerQuery::advisor_answer,
                     {.max_length = kMaxAdvisorAnswer,
                      .description = "option keys separated by commas: customers who chose at "
                                     "least one of them (needs advisor_question)"}))

// The option keys of `advisor_answer`, trimmed, in the order given, without repeats.
std::vector<std::string> advisor_options(const CustomerQuery& query);

// Checks the combinations a customer-list filter's own members allow (the advisor condition:
// a question needs its questionnaire, an answer its question; each option key non-empty, at
// most 50). kInvalidArgument naming the member. Whether the questionnaire, question and options
// exist is the advisor's check (CustomerService::add_query_check).
Status check_query(const CustomerQuery& query);

// A likely duplicate pair (a.id < b.id) and why it was flagged.
struct DuplicatePair {
  std::int64_t a = 0;
  std::int64_t b = 0;
  bool same_email = false;
  bool same_phone = false;
  bool same_name_and_city = false;
};

enum class DuplicateReason { kEmail, kPhone, kNameCity };
ECRM_DESCRIBE_ENUM(DuplicateReason, kEmail, kPhone, kNameCity)

// A likely duplicate pair with both customers.
struct DuplicateCandidate {
  Customer a;
  Customer b;
  std::vector<DuplicateReason> reasons;
};
ECRM_DESCRIBE(DuplicateCandidate, a, b, reasons)

struct Merge {
  std::int64_t id = 0;
  std::int64_t survivor_id = 0;
  std::int64_t merged_id = 0;
  std::string snapshot;  // JSON text (MergeSnapshot); empty once either customer was erased
  UnixMs merged_at = 0;
  std::string merged_by;
  std::optional<UnixMs> undone_at;
};

// A customer field a merge filled: `field` is its path in the customer's JSON form ("city",
// "consent.email"), `before`/`after` its values there.
struct MergeChange {
  std::string field;
  boost::json::value before;
  boost::json::value after;
};
ECRM_DESCRIBE(MergeChange, field, before, after)
ECRM_WIRE_RULES(MergeChange, rule(&MergeChange::before, {.null_clears = true}),
                rule(&MergeChange::after, {.null_clears = true}))

// What a merge changed and moved, stored with it so that an undo can put it back.
struct MergeSnapshot {
  std::vector<MergeChange> changes;
  std::vector<std::string> tags_added;
  std::vector<Anniversary> anniversaries_added;
  std::vector<std::int64_t> referrals;                       // customers it re-pointed
  std::map<std::string, std::vector<std::int64_t>> records;  // by CustomerRecords::name()
  Customer merged;                                           // the merged customer before
};
ECRM_DESCRIBE(MergeSnapshot, changes, tags_added, anniversaries_added, referrals, records, merged)

// A merge as the API shows it; the snapshot only in a customer's merge history.
struct MergeView {
  std::int64_t id = 0;
  std::int64_t survivor_id = 0;
  std::int64_t merged_id = 0;
  UnixMs merged_at = 0;
  std::string merged_by;
  std::optional<UnixMs> undone_at;
  bool snapshot_erased = false;
  std::optional<MergeSnapshot> snapshot;
};
ECRM_DESCRIBE(MergeView, id, survivor_id, merged_id, merged_at, merged_by, undone_at,
              snapshot_erased, snapshot)

MergeView merge_view(const Merge& merge, bool with_snapshot);

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
ECRM_DESCRIBE(TimelineEntry, at, kind, summary, source, id, data)

// True when `a` comes before `b` in timeline order (newer first).
bool timeline_before(const TimelinePosition& a, const TimelinePosition& b);

struct CategoryShare {
  std::int64_t category_id = 0;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t revenue = 0;  // minor units, in the customer's main currency
};
ECRM_DESCRIBE(CategoryShare, category_id, name, quantity, revenue)

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
