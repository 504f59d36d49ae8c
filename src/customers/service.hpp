// The customer archive: profiles with validation (errors name the field), search and filters,
// duplicate detection, identity merges that can be undone, the privacy export and erasure, and
// the 360° timeline and summary. Rows that other capabilities keep about a customer are reached
// through the CustomerRecords they attach (records.hpp). No SQL here (repo.cpp), no HTTP
// (http_routes.cpp).
//
// Merging customer M into survivor S, in one transaction:
//  - S keeps every field it has; each field S lacks (e-mail, phone, birthday, city, company, …)
//    is taken from M; custom attributes are combined (S wins on a shared key); for each consent
//    channel the more recent decision wins; M's tags and anniversaries are added to S's;
//  - customers referred by M and every attached record (orders, …) move to S;
//  - M stays as a row marked merged_into = S, hidden from lists and refused for edits;
//  - the merge is stored with a JSON snapshot of what changed and what moved.
// Undoing it puts back each field of S that still holds the value the merge gave it, removes the
// tags and anniversaries it added, moves the referrals and records that still belong to S back
// to M, and revives M. Only the newest merge involving either customer can be undone, and not
// once either was erased (erasure empties the snapshot, which holds personal data).
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "customers/model.hpp"
#include "customers/records.hpp"
#include "customers/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::customers {

// A consent decision as a request gives it; `at` defaults to the time of the request.
struct ConsentDecision {
  bool granted = false;
  std::optional<UnixMs> at;
  std::optional<std::string> how;
};
ECRM_DESCRIBE(ConsentDecision, granted, at, how)
ECRM_WIRE_RULES(ConsentDecision, rule(&ConsentDecision::at, {.format = "date-time"}),
                rule(&ConsentDecision::how, {.max_length = kMaxConsentHow}))

// Per channel: absent keeps the decision, null clears it ("never asked"), a value replaces it.
using ConsentChanges = PerChannel<std::optional<std::optional<ConsentDecision>>>;
ECRM_DESCRIBE(ConsentChanges, email, sms, phone)

struct AnniversaryInput {
  std::string kind;
  std::string date;  // YYYY-MM-DD
  std::optional<std::string> label;
};
ECRM_DESCRIBE(AnniversaryInput, kind, date, label)
ECRM_WIRE_RULES(AnniversaryInput,
                rule(&AnniversaryInput::kind, {.max_length = kMaxAnniversaryKind}),
                rule(&AnniversaryInput::date, {.format = "date"}),
                rule(&AnniversaryInput::label, {.max_length = kMaxAnniversaryLabel}))

// The body of a create (POST) and of a change (PATCH), which follow the same rules: absent
// fields are left alone (create: defaults); null or "" clears a text field and null the others;
// tags and anniversaries replace the whole list.
struct CustomerInput {
  std::optional<std::string> external_id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> birthday;  // YYYY-MM-DD
  std::optional<std::string> gender;    // female | male | other; unknown or "" clears
  std::optional<std::string> city;
  std::optional<std::string> country;
  std::optional<std::string> language;
  std::optional<CustomerType> type;
  std::optional<std::string> company;
  std::optional<std::optional<std::int64_t>> employee_count;
  std::optional<std::string> source;
  std::optional<std::string> channel;
  std::optional<std::optional<std::int64_t>> referred_by;
  std::optional<wire::JsonText> attributes;
  std::optional<ConsentChanges> consent;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<AnniversaryInput>> anniversaries;
};
ECRM_DESCRIBE(CustomerInput, external_id, name, email, phone, birthday, gender, city, country,
              language, type, company, employee_count, source, channel, referred_by, attributes,
              consent, tags, anniversaries)
ECRM_WIRE_RULES(
    CustomerInput,
    rule(&CustomerInput::external_id, {.max_length = kMaxExternalId, .null_clears = true}),
    rule(&CustomerInput::name, {.max_length = kMaxName, .null_clears = true}),
    rule(&CustomerInput::email, {.max_length = kMaxEmail, .null_clears = true}),
    rule(&CustomerInput::phone, {.null_clears = true}),
    rule(&CustomerInput::birthday, {.format = "date", .null_clears = true}),
    rule(&CustomerInput::gender,
         {.description = "female, male or other; unknown clears it", .null_clears = true}),
    rule(&CustomerInput::city, {.max_length = kMaxCity, .null_clears = true}),
    rule(&CustomerInput::country, {.max_length = kMaxCountry, .null_clears = true}),
    rule(&CustomerInput::language, {.max_length = kMaxLanguage, .null_clears = true}),
    rule(&CustomerInput::company, {.max_length = kMaxCompany, .null_clears = true}),
    rule(&CustomerInput::employee_count, {.minimum = 0, .maximum = kMaxEmployees}),
    rule(&CustomerInput::source, {.max_length = kMaxSource, .null_clears = true}),
    rule(&CustomerInput::channel, {.max_length = kMaxSource, .null_clears = true}),
    rule(&CustomerInput::attributes, {.null_clears = true}),
    rule(&CustomerInput::consent, {.closed = true}),
    rule(&CustomerInput::tags, {.max_length = kMaxTags, .null_clears = true}),
    rule(&CustomerInput::anniversaries, {.max_length = kMaxAnniversaries, .null_clears = true}))

// The query parameters of the duplicates list.
struct DuplicateQuery {
  std::optional<std::int64_t> customer;  // only pairs involving this customer
};
ECRM_DESCRIBE(DuplicateQuery, customer)

struct MergeRequest {
  std::int64_t other_id = 0;  // the customer merged into the one in the path
};
ECRM_DESCRIBE(MergeRequest, other_id)

struct MergeOutcome {
  MergeView merge;
  Customer survivor;
  Customer merged;
};
ECRM_DESCRIBE(MergeOutcome, merge, survivor, merged)

struct CurrencyRevenueView {
  std::string currency;
  std::int64_t orders = 0;
  std::int64_t revenue = 0;
  std::int64_t average_order_value = 0;
};
ECRM_DESCRIBE(CurrencyRevenueView, currency, orders, revenue, average_order_value)

// A customer's lifetime figures; the headline ones in the main currency (the one with most
// orders), null without orders.
struct CustomerSummaryView {
  std::int64_t customer_id = 0;
  std::int64_t order_count = 0;
  std::int64_t lifetime_revenue = 0;
  std::optional<std::string> currency;
  std::optional<std::int64_t> average_order_value;
  std::optional<UnixMs> first_order_at;
  std::optional<UnixMs> last_order_at;
  std::int64_t returns = 0;
  std::vector<CurrencyRevenueView> revenue_by_currency;
  std::vector<CategoryShare> favourite_categories;
};
ECRM_DESCRIBE(CustomerSummaryView, customer_id, order_count, lifetime_revenue, currency,
              average_order_value, first_order_at, last_order_at, returns, revenue_by_currency,
              favourite_categories)

// The privacy export's own part; each attached kind of records adds a member of its name.
struct CustomerExport {
  UnixMs exported_at = 0;
  Customer customer;
  std::vector<std::int64_t> referred_customers;
  std::vector<MergeView> merges;
};
ECRM_DESCRIBE(CustomerExport, exported_at, customer, referred_customers, merges)

class CustomerService {
 public:
  explicit CustomerService(storage::Database& db);

  // Adds a kind of customer records to merges, undos, exports, erasure, timeline and summary.
  // Call before serving; `records` must outlive the service.
  void attach(CustomerRecords& records);

  // A check of the part of a customer-list filter another capability owns (the advisor: the
  // questionnaire, question and options its condition names exist). Returns kInvalidArgument
  // or kNotFound naming the member. Call before serving.
  using QueryCheck = std::function<Status(const CustomerQuery&)>;
  void add_query_check(QueryCheck check);
  // check_query() (model.hpp) and then every added check: what a filter must pass before it
  // selects customers (the list, campaigns' audiences).
  Status check_query(const CustomerQuery& query) const;

  // Validates and creates a customer. Errors: kInvalidArgument naming the field;
  // kUnprocessable (unknown_customer, field referred_by); kConflict external_id_taken.
  Result<Customer> create(const CustomerInput& input);
  // Any customer, merged and erased ones included; kNotFound.
  Result<Customer> get(std::int64_t id);
  // Applies changes with create's validation. kConflict customer_merged / customer_erased for
  // customers that were merged away or erased; kNotFound.
  Result<Customer> update(std::int64_t id, const CustomerInput& input);
  // Live customers (not merged, not erased) matching `query`, after `after` (see
  // CustomerRepo::list for the order).
  Result<std::vector<CustomerMatch>> list(const CustomerQuery& query, const ListPosition& after,
                                          int limit);

  // Likely duplicates: pairs of live customers with the same normalised e-mail, the same
  // normalised phone, or the same name words and city; ordered by the pair's ids and continued
  // after (after_a, after_b); only pairs involving `query.customer` when given (kNotFound when
  // there is no such customer).
  Result<std::vector<DuplicateCandidate>> duplicates(const DuplicateQuery& query,
                                                     std::int64_t after_a, std::int64_t after_b,
                                                     int limit);

  // Merges `request.other_id` into `survivor_id` (see the header comment); `actor` is recorded.
  // Errors: kInvalidArgument (field other_id) for the same id twice; kNotFound for the
  // survivor; kUnprocessable (unknown_customer, field other_id) for the other; kConflict
  // customer_merged / customer_erased when either is no longer live.
  Result<MergeOutcome> merge(std::int64_t survivor_id, const MergeRequest& request,
                             const std::string& actor);
  // Undoes a merge. kNotFound; kConflict merge_undone (already undone), later_merge (a newer
  // merge involves either customer: undo that first), merge_not_reversible (erased since).
  Result<MergeOutcome> undo_merge(std::int64_t merge_id);
  // Merges involving the customer, oldest first, with their snapshots; kNotFound for an unknown
  // customer.
  Result<std::vector<MergeView>> merges_of(std::int64_t customer_id);

  // Everything held on the customer as one JSON document; kNotFound.
  Result<boost::json::object> export_data(std::int64_t id);
  // Removes the customer's personal data (profile fields, tags, anniversaries, merge snapshots,
  // personal data in attached records) and keeps the row, anonymised, so that orders still add
  // up. kNotFound; kConflict already_erased.
  Result<Customer> erase(std::int64_t id);

  // The customer's timeline (own events, then every attached kind of record), newest first,
  // after `after` (nullopt: from the newest), at most `limit` entries. kNotFound.
  Result<std::vector<TimelineEntry>> timeline(std::int64_t id,
                                              const std::optional<TimelinePosition>& after,
                                              int limit);
  // Lifetime figures from the attached records. kNotFound.
  Result<CustomerSummaryView> summary(std::int64_t id);

  // Validates `input` and applies it to `customer` (create's and update's rules; a referrer is
  // checked on `c`) without storing anything: for bulk writers (import) that store the result
  // through CustomerRepo in their own transactions. Errors as for create().
  Status apply(const CustomerInput& input, Customer& customer, storage::Connection& c);

 private:
  Result<Customer> must_find(storage::Connection& c, std::int64_t id);
  Status apply_referrer(const CustomerInput& input, Customer& customer, storage::Connection& c);

  storage::Database& db_;
  CustomerRepo repo_;
  std::vector<CustomerRecords*> records_;
  std::vector<QueryCheck> query_checks_;
};

// Normalisations for storage and duplicate detection; errors name the field.
// E-mail: trimmed, lower-cased, one '@' with text on both sides and a dot in the domain.
Result<std::string> normalize_email(const std::string& email);
// Phone: digits only, a leading international "00" dropped; 5 to 20 digits, and only digits,
// spaces and + - ( ) . / in the input.
Result<std::string> normalize_phone(const std::string& phone);
// Name words lower-cased and sorted: "Smith,  John" and "john smith" give "john smith".
std::string name_key(const std::string& name);
// Fills the stored duplicate-detection keys (email_normalized, phone_normalized, name_key,
// city_key) from the customer's e-mail, phone, name and city. For bulk writers that insert
// through CustomerRepo directly; the service calls it on every create and change.
void derive_keys(Customer& customer);

}  // namespace ecrm::customers
