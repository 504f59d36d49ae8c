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

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "customers/model.hpp"
#include "customers/records.hpp"
#include "customers/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::customers {

// A create or a change. Absent fields are left alone (create: defaults); for text fields an
// empty string clears the value.
struct CustomerInput {
  std::optional<std::string> external_id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> birthday;  // YYYY-MM-DD
  std::optional<std::string> gender;    // female | male | other | unknown
  std::optional<std::string> city;
  std::optional<std::string> country;
  std::optional<std::string> language;
  std::optional<std::string> type;
  std::optional<std::string> company;
  std::optional<std::optional<std::int64_t>> employee_count;  // engaged nullopt: clear
  std::optional<std::string> source;
  std::optional<std::string> channel;
  std::optional<std::optional<std::int64_t>> referred_by;  // engaged nullopt: clear
  std::optional<std::string> attributes;                   // JSON object text
  // Per ConsentChannel: a new decision (`at` defaults to now); granted == nullopt clears it.
  std::array<std::optional<Consent>, 3> consent;
  std::optional<std::vector<std::string>> tags;           // replaces the set
  std::optional<std::vector<Anniversary>> anniversaries;  // replaces the list
};

struct DuplicateCandidate {
  DuplicatePair pair;
  Customer a;
  Customer b;
};

struct MergeOutcome {
  Merge merge;
  Customer survivor;
  Customer merged;
};

class CustomerService {
 public:
  explicit CustomerService(storage::Database& db);

  // Adds a kind of customer records to merges, undos, exports, erasure, timeline and summary.
  // Call before serving; `records` must outlive the service.
  void attach(CustomerRecords& records);

  // Validates and creates a customer. Errors: kInvalidArgument naming the field;
  // kUnprocessable (unknown_customer, field referred_by); kConflict external_id_taken.
  Result<Customer> create(const CustomerInput& input);
  // Any customer, merged and erased ones included; kNotFound.
  Result<Customer> get(std::int64_t id);
  // Applies changes with create's validation. kConflict customer_merged / customer_erased for
  // customers that were merged away or erased; kNotFound.
  Result<Customer> update(std::int64_t id, const CustomerInput& input);
  // Live customers (not merged, not erased) matching `filter`, by id after `after`.
  Result<std::vector<Customer>> list(const CustomerFilter& filter,
                                     std::optional<std::int64_t> after, int limit);

  // Likely duplicates: pairs of live customers with the same normalised e-mail, the same
  // normalised phone, or the same name words and city; ordered by the pair's ids and continued
  // after (after_a, after_b); only pairs involving `customer_id` when given.
  Result<std::vector<DuplicateCandidate>> duplicates(std::optional<std::int64_t> customer_id,
                                                     std::int64_t after_a, std::int64_t after_b,
                                                     int limit);

  // Merges `other_id` into `survivor_id` (see the header comment); `actor` is recorded.
  // Errors: kInvalidArgument (field other_id) for the same id twice; kNotFound for the
  // survivor; kUnprocessable (unknown_customer, field other_id) for the other; kConflict
  // customer_merged / customer_erased when either is no longer live.
  Result<MergeOutcome> merge(std::int64_t survivor_id, std::int64_t other_id,
                             const std::string& actor);
  // Undoes a merge. kNotFound; kConflict merge_undone (already undone), later_merge (a newer
  // merge involves either customer: undo that first), merge_not_reversible (erased since).
  Result<MergeOutcome> undo_merge(std::int64_t merge_id);
  // Merges involving the customer, oldest first; kNotFound for an unknown customer.
  Result<std::vector<Merge>> merges_of(std::int64_t customer_id);

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
  Result<CustomerSummary> summary(std::int64_t id);

  // Validates `input` and applies it to `customer` (create's and update's rules; a referrer is
  // checked on `c`) without storing anything: for bulk writers (import) that store the result
  // through CustomerRepo in their own transactions. Errors as for create().
  Status apply(const CustomerInput& input, Customer& customer, storage::Connection& c);

 private:
  Result<Customer> must_find(storage::Connection& c, std::int64_t id);

  storage::Database& db_;
  CustomerRepo repo_;
  std::vector<CustomerRecords*> records_;
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
