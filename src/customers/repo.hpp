// SQL for customers, their tags and anniversaries, referrals, duplicate detection and merges.
// Every statement is a named constant in repo.cpp; every method takes the connection to run on,
// so callers choose the transaction.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "customers/model.hpp"
#include "search/index.hpp"
#include "storage/database.hpp"

namespace ecrm::customers {

// The customers' search index (merged and erased customers have an empty document, and on
// PostgreSQL no row in the side table of documents).
inline const search::TextIndex kCustomerIndex{
    "customers",         {"search_text"},       "customers_search",
    "customers_numbers", "customers_documents", "t.merged_into IS NULL AND t.erased_at IS NULL"};

using storage::Connection;

// Where a customer list continues: after this id within this match rank (kExact, the only rank,
// when there is no search text).
struct ListPosition {
  search::MatchRank rank = search::MatchRank::kExact;
  std::int64_t id = 0;
};

// A listed customer and how it matched the search text.
struct CustomerMatch {
  Customer customer;
  search::MatchRank rank = search::MatchRank::kExact;
};

class CustomerRepo {
 public:
  // Inserts the customer with its tags and anniversaries; returns the new id. kConflict
  // (external_id_taken, field external_id) when the external id is in use.
  Result<std::int64_t> insert(Connection& c, const Customer& customer);
  // The customer with tags and anniversaries, merged or erased ones included.
  Result<std::optional<Customer>> find(Connection& c, std::int64_t id);
  // Customers by id, in no particular order (ids of no customer left out).
  Result<std::vector<Customer>> find_many(Connection& c, std::span<const std::int64_t> ids);
  Result<std::optional<std::int64_t>> find_id_by_external_id(Connection& c,
                                                             const std::string& external_id);
  // Takes the customer's row lock for the rest of the transaction (PostgreSQL; SQLite's write
  // transactions hold the database lock already), so that read-check-write sequences such as
  // merges cannot interleave. Call before reading what is checked.
  Status lock(Connection& c, std::int64_t id);
  // The same for a merge record.
  Status lock_merge(Connection& c, std::int64_t merge_id);
  // Writes every column but id and created_at. kConflict (external_id_taken) as for insert.
  Status update(Connection& c, const Customer& customer);
  Status replace_tags(Connection& c, std::int64_t id, const std::vector<std::string>& tags);
  Status replace_anniversaries(Connection& c, std::int64_t id,
                               const std::vector<Anniversary>& anniversaries);

  // Customers that are neither merged nor erased, matching `query`, after `after`, at most
  // `limit`, with tags and anniversaries. With a search text (`q`) they come by match rank
  // (exact, prefix, substring) and by id within a rank; without, by id.
  // A search's ranks are read as search::reading chooses, or all in `shape` when given (tests).
  Result<std::vector<CustomerMatch>> list(Connection& c, const CustomerQuery& query,
                                          const ListPosition& after, int limit,
                                          std::optional<search::Shape> shape = std::nullopt);
  // Appends to `sql` a statement selecting the ids of every customer list() would find for
  // `query` (unordered: an audience, e.g. a campaign's).
  static void append_audience(search::Sql& sql, const CustomerQuery& query);
  // When `query` is read by one statement (no search text), appends that statement selecting
  // what `columns` writes over the customers found (as `c`, each once, unordered) and returns
  // true: the caller may add conditions on `c` (" AND …"), and a large audience is read in one
  // pass. Otherwise appends nothing and returns false (append_audience then gives the ids).
  static bool append_audience_rows(search::Sql& sql, const CustomerQuery& query,
                                   const std::function<void(search::Sql&)>& columns);
  // The statement list() runs for `query` at `rank` on a first page, reading the index `how`
  // chooses (for query-plan checks).
  static search::Sql list_sql(storage::Backend backend, const CustomerQuery& query,
                              search::MatchRank rank, const search::Reading& how = {});
  // The statement list() runs first for a search's exact and prefix ranks together on a first
  // page, when search::ranks_share_statement allows (for query-plan checks).
  static search::Sql exact_or_prefix_sql(storage::Backend backend, const CustomerQuery& query,
                                         const search::Reading& how = {});

  // Likely duplicate pairs among live customers, ordered by (a, b), after the pair
  // (after_a, after_b); only pairs involving `customer_id` when given.
  Result<std::vector<DuplicatePair>> duplicates(Connection& c,
                                                std::optional<std::int64_t> customer_id,
                                                std::int64_t after_a, std::int64_t after_b,
                                                int limit);

  // Points every customer referred by `from` (but `to` itself) at `to`; returns their ids.
  Result<std::vector<std::int64_t>> move_referrals(Connection& c, std::int64_t from,
                                                   std::int64_t to);
  // Points customer `id` back at `to` if it is still referred by `from`.
  Status restore_referral(Connection& c, std::int64_t id, std::int64_t from, std::int64_t to);
  // Customers referred by `id`, ascending.
  Result<std::vector<std::int64_t>> referrals_of(Connection& c, std::int64_t id);

  Result<std::int64_t> insert_merge(Connection& c, const Merge& merge);
  Result<std::optional<Merge>> find_merge(Connection& c, std::int64_t id);
  // Merges involving `customer_id` on either side, oldest first.
  Result<std::vector<Merge>> merges_of(Connection& c, std::int64_t customer_id);
  // True when a merge newer than `merge_id` that is not undone involves `a` or `b`.
  Result<bool> has_later_merge(Connection& c, std::int64_t merge_id, std::int64_t a,
                               std::int64_t b);
  Status mark_merge_undone(Connection& c, std::int64_t merge_id, UnixMs at);
  // Empties the snapshots of every merge involving `customer_id` (they hold personal data).
  Status clear_merge_snapshots(Connection& c, std::int64_t customer_id);
};

}  // namespace ecrm::customers
