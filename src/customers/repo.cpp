#include "customers/repo.hpp"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <limits>

#include "http/wire.hpp"
#include "search/index.hpp"
#include "storage/multi_row.hpp"

namespace ecrm::customers {

using storage::done;

using storage::kNull;
using storage::RowView;
using storage::Value;

namespace {

#define ECRM_CUSTOMER_COLUMNS                                                                 \
  "external_id, name, email, phone, email_normalized, phone_normalized, name_key, city_key, " \
  "birthday, gender, city, country, language, type, company, employee_count, source, "        \
  "channel, referred_by, attributes, email_consent, email_consent_at, email_consent_how, "    \
  "sms_consent, sms_consent_at, sms_consent_how, phone_consent, phone_consent_at, "           \
  "phone_consent_how, merged_into, erased_at, created_at, updated_at"

constexpr std::string_view kInsertCustomer =
    "INSERT INTO customers (" ECRM_CUSTOMER_COLUMNS
    ", search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
    "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34) "
    "RETURNING id";
constexpr std::string_view kUpdateCustomer =
    "UPDATE customers SET external_id = $1, name = $2, email = $3, phone = $4, "
    "email_normalized = $5, phone_normalized = $6, name_key = $7, city_key = $8, birthday = $9, "
    "gender = $10, city = $11, country = $12, language = $13, type = $14, company = $15, "
    "employee_count = $16, source = $17, channel = $18, referred_by = $19, attributes = $20, "
    "email_consent = $21, email_consent_at = $22, email_consent_how = $23, sms_consent = $24, "
    "sms_consent_at = $25, sms_consent_how = $26, phone_consent = $27, phone_consent_at = $28, "
    "phone_consent_how = $29, merged_into = $30, erased_at = $31, updated_at = $33, "
    "search_text = $34 WHERE id = $35 AND created_at = $32";
// No-op updates: portable row locks (SELECT … FOR UPDATE is not SQLite).
constexpr std::string_view kLockCustomer =
    "UPDATE customers SET updated_at = updated_at WHERE id = $1";
constexpr std::string_view kLockMerge =
    "UPDATE customer_merges SET undone_at = undone_at WHERE id = $1";
constexpr std::string_view kFindCustomer =
    "SELECT id, " ECRM_CUSTOMER_COLUMNS " FROM customers WHERE id = $1";
constexpr storage::MultiRowShape kCustomersById{
    "SELECT id, " ECRM_CUSTOMER_COLUMNS " FROM customers WHERE id IN (", 1, ")", "", true};
constexpr std::string_view kFindIdByExternalId = "SELECT id FROM customers WHERE external_id = $1";
// The customer list's columns, qualified (the search index's table joins in on SQLite).
constexpr std::string_view kListColumns =
    "c.id, c.external_id, c.name, c.email, c.phone, c.email_normalized, c.phone_normalized, "
    "c.name_key, c.city_key, c.birthday, c.gender, c.city, c.country, c.language, c.type, "
    "c.company, c.employee_count, c.source, c.channel, c.referred_by, c.attributes, "
    "c.email_consent, c.email_consent_at, c.email_consent_how, c.sms_consent, c.sms_consent_at, "
    "c.sms_consent_how, c.phone_consent, c.phone_consent_at, c.phone_consent_how, "
    "c.merged_into, c.erased_at, c.created_at, c.updated_at";

#undef ECRM_CUSTOMER_COLUMNS

constexpr std::string_view kTagsOf =
    "SELECT customer_id, tag FROM customer_tags WHERE customer_id = $1 ORDER BY tag";
constexpr std::string_view kDeleteTags = "DELETE FROM customer_tags WHERE customer_id = $1";
constexpr std::string_view kInsertTag =
    "INSERT INTO customer_tags (customer_id, tag) VALUES ($1, $2)";
constexpr std::string_view kAnniversariesOf =
    "SELECT customer_id, kind, date, label FROM customer_anniversaries WHERE customer_id = $1 "
    "ORDER BY id";
constexpr std::string_view kDeleteAnniversaries =
    "DELETE FROM customer_anniversaries WHERE customer_id = $1";
constexpr std::string_view kInsertAnniversary =
    "INSERT INTO customer_anniversaries (customer_id, kind, date, label) VALUES ($1, $2, $3, $4)";

// The three reasons, one branch each; $1/$2 the pair after which to continue, $3 one customer
// whose pairs are wanted (NULL: all), $4 the page size.
constexpr std::string_view kDuplicates =
    "SELECT a_id, b_id, MAX(by_email), MAX(by_phone), MAX(by_name) FROM ("
    "SELECT a.id AS a_id, b.id AS b_id, 1 AS by_email, 0 AS by_phone, 0 AS by_name "
    "FROM customers a JOIN customers b ON b.email_normalized = a.email_normalized AND b.id > a.id "
    "WHERE a.merged_into IS NULL AND b.merged_into IS NULL "
    "AND a.erased_at IS NULL AND b.erased_at IS NULL "
    "AND (a.id > $1 OR (a.id = $1 AND b.id > $2)) "
    "AND (CAST($3 AS BIGINT) IS NULL OR a.id = CAST($3 AS BIGINT) OR b.id = CAST($3 AS BIGINT)) "
    "UNION ALL "
    "SELECT a.id, b.id, 0, 1, 0 "
    "FROM customers a JOIN customers b ON b.phone_normalized = a.phone_normalized AND b.id > a.id "
    "WHERE a.merged_into IS NULL AND b.merged_into IS NULL "
    "AND a.erased_at IS NULL AND b.erased_at IS NULL "
    "AND (a.id > $1 OR (a.id = $1 AND b.id > $2)) "
    "AND (CAST($3 AS BIGINT) IS NULL OR a.id = CAST($3 AS BIGINT) OR b.id = CAST($3 AS BIGINT)) "
    "UNION ALL "
    "SELECT a.id, b.id, 0, 0, 1 "
    "FROM customers a JOIN customers b "
    "ON b.name_key = a.name_key AND b.city_key = a.city_key AND b.id > a.id "
    "WHERE a.name_key <> '' AND a.city_key <> '' "
    "AND a.merged_into IS NULL AND b.merged_into IS NULL "
    "AND a.erased_at IS NULL AND b.erased_at IS NULL "
    "AND (a.id > $1 OR (a.id = $1 AND b.id > $2)) "
    "AND (CAST($3 AS BIGINT) IS NULL OR a.id = CAST($3 AS BIGINT) OR b.id = CAST($3 AS BIGINT))"
    ") pairs GROUP BY a_id, b_id ORDER BY a_id, b_id LIMIT $4";

constexpr std::string_view kMoveReferrals =
    "UPDATE customers SET referred_by = $2 WHERE referred_by = $1 AND id <> $2 RETURNING id";
constexpr std::string_view kRestoreReferral =
    "UPDATE customers SET referred_by = $3 WHERE id = $1 AND referred_by = $2";
constexpr std::string_view kReferralsOf =
    "SELECT id FROM customers WHERE referred_by = $1 ORDER BY id";

constexpr std::string_view kInsertMerge =
    "INSERT INTO customer_merges (survivor_id, merged_id, snapshot, merged_at, merged_by) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";
constexpr std::string_view kFindMerge =
    "SELECT id, survivor_id, merged_id, snapshot, merged_at, merged_by, undone_at "
    "FROM customer_merges WHERE id = $1";
constexpr std::string_view kMergesOf =
    "SELECT id, survivor_id, merged_id, snapshot, merged_at, merged_by, undone_at "
    "FROM customer_merges WHERE survivor_id = $1 OR merged_id = $1 ORDER BY id";
constexpr std::string_view kCountLaterMerges =
    "SELECT COUNT(*) FROM customer_merges WHERE id > $1 AND undone_at IS NULL "
    "AND (survivor_id = $2 OR merged_id = $2 OR survivor_id = $3 OR merged_id = $3)";
constexpr std::string_view kMarkMergeUndone =
    "UPDATE customer_merges SET undone_at = $2 WHERE id = $1";
constexpr std::string_view kClearMergeSnapshots =
    "UPDATE customer_merges SET snapshot = '' WHERE survivor_id = $1 OR merged_id = $1";

Value opt(const std::optional<std::string>& v) { return v ? Value(*v) : kNull; }
Value opt(const std::optional<std::int64_t>& v) { return v ? Value(*v) : kNull; }
Value opt(const std::optional<bool>& v) { return v ? Value(std::int64_t{*v ? 1 : 0}) : kNull; }

// The customer's search document: name, e-mail, phone digits, company, external id and tags.
// Merged and erased customers have none, so that search never finds them.
std::string search_document(const Customer& x) {
  if (x.merged_into || x.erased_at) return {};
  search::Document doc;
  doc.field(x.name);
  doc.field(x.email_normalized ? *x.email_normalized : x.email.value_or(""));
  doc.field(x.phone_normalized.value_or(""));
  doc.field(x.company);
  doc.field(x.external_id.value_or(""));
  for (const auto& tag : x.tags) doc.field(tag);
  return doc.release();
}

// The values of the columns in ECRM_CUSTOMER_COLUMNS order ($1 … $33), then the search document
// ($34).
std::vector<Value> column_values(const Customer& x) {
  std::vector<Value> v;
  v.reserve(35);
  v.push_back(opt(x.external_id));
  v.push_back(x.name);
  v.push_back(opt(x.email));
  v.push_back(opt(x.phone));
  v.push_back(opt(x.email_normalized));
  v.push_back(opt(x.phone_normalized));
  v.push_back(x.name_key);
  v.push_back(x.city_key);
  v.push_back(opt(x.birthday));
  v.push_back(x.gender ? Value(std::string(wire::enum_name(*x.gender))) : kNull);
  v.push_back(x.city);
  v.push_back(x.country);
  v.push_back(x.language);
  v.push_back(std::string(wire::enum_name(x.type)));
  v.push_back(x.company);
  v.push_back(opt(x.employee_count));
  v.push_back(x.source);
  v.push_back(x.channel);
  v.push_back(opt(x.referred_by));
  v.push_back(static_cast<const std::string&>(x.attributes));
  for (ConsentChannel channel : kConsentChannels) {
    const Consent& consent = x.consent_for(channel);
    v.push_back(opt(consent.granted));
    v.push_back(opt(consent.at));
    v.push_back(consent.how);
  }
  v.push_back(opt(x.merged_into));
  v.push_back(opt(x.erased_at));
  v.push_back(x.created_at);
  v.push_back(x.updated_at);
  v.push_back(search_document(x));
  return v;
}

Customer read_customer(const RowView& row) {
  Customer x;
  x.id = row.get_int(0);
  x.external_id = row.get_optional_string(1);
  x.name = row.get_string(2);
  x.email = row.get_optional_string(3);
  x.phone = row.get_optional_string(4);
  x.email_normalized = row.get_optional_string(5);
  x.phone_normalized = row.get_optional_string(6);
  x.name_key = row.get_string(7);
  x.city_key = row.get_string(8);
  x.birthday = row.get_optional_string(9);
  if (!row.is_null(10)) x.gender = wire::parse_enum<Gender>(row.get_text(10));
  x.city = row.get_string(11);
  x.country = row.get_string(12);
  x.language = row.get_string(13);
  x.type = wire::parse_enum<CustomerType>(row.get_text(14)).value_or(CustomerType::kOther);
  x.company = row.get_string(15);
  x.employee_count = row.get_optional_int(16);
  x.source = row.get_string(17);
  x.channel = row.get_string(18);
  x.referred_by = row.get_optional_int(19);
  x.attributes = row.get_string(20);
  int column = 21;
  for (ConsentChannel channel : kConsentChannels) {
    Consent& consent = x.consent_for(channel);
    if (!row.is_null(column)) consent.granted = row.get_int(column) != 0;
    consent.at = row.get_optional_int(column + 1);
    consent.how = row.get_string(column + 2);
    column += 3;
  }
  x.merged_into = row.get_optional_int(30);
  x.erased_at = row.get_optional_int(31);
  x.created_at = row.get_int(32);
  x.updated_at = row.get_int(33);
  return x;
}

Merge read_merge(const RowView& row) {
  Merge m;
  m.id = row.get_int(0);
  m.survivor_id = row.get_int(1);
  m.merged_id = row.get_int(2);
  m.snapshot = row.get_string(3);
  m.merged_at = row.get_int(4);
  m.merged_by = row.get_string(5);
  m.undone_at = row.get_optional_int(6);
  return m;
}

Error external_id_taken(const Customer& customer) {
  return Error::conflict(
      "a customer with external id '" + customer.external_id.value_or("") + "' already exists",
      "external_id", "external_id_taken");
}

// Tags and anniversaries of the customers in `page` (ascending ids), by id lists: a page of a
// search may be spread over the whole table, so a range of ids could cover every customer.
constexpr storage::MultiRowShape kTagsOfIds{
    "SELECT customer_id, tag FROM customer_tags WHERE customer_id IN (", 1,
    ") ORDER BY customer_id, tag", "", true};
constexpr storage::MultiRowShape kAnniversariesOfIds{
    "SELECT customer_id, kind, date, label FROM customer_anniversaries WHERE customer_id IN (", 1,
    ") ORDER BY customer_id, id", "", true};

Customer& customer_of(Customer& x) { return x; }
Customer& customer_of(CustomerMatch& m) { return m.customer; }

// Reads the tags and anniversaries of `page`'s customers (in any order), by their ids.
template <typename Page>
Status load_details(Connection& c, Page& page) {
  if (page.empty()) return {};
  std::unordered_map<std::int64_t, Customer*> by_id;
  for (auto& entry : page) by_id.emplace(customer_of(entry).id, &customer_of(entry));
  auto find = [&](std::int64_t id) -> Customer* {
    auto it = by_id.find(id);
    return it != by_id.end() ? it->second : nullptr;
  };
  std::vector<std::int64_t> ids;
  for (auto& entry : page) ids.push_back(customer_of(entry).id);
  ECRM_RETURN_IF_ERROR(
      storage::query_in_list(c, kTagsOfIds, ids, [&](const RowView& row) {
        if (Customer* x = find(row.get_int(0))) x->tags.push_back(row.get_string(1));
      }));
  return storage::query_in_list(c, kAnniversariesOfIds, ids, [&](const RowView& row) {
    if (Customer* x = find(row.get_int(0))) {
      x->anniversaries.push_back({row.get_string(1), row.get_string(2), row.get_string(3)});
    }
  });
}

}  // namespace

Result<std::int64_t> CustomerRepo::insert(Connection& c, const Customer& customer) {
  auto values = column_values(customer);
  std::optional<std::int64_t> id;
  auto inserted =
      c.query(kInsertCustomer, values, [&](const RowView& row) { id = row.get_int(0); });
  if (!inserted.ok()) {
    if (inserted.error().kind == ErrorKind::kConflict && customer.external_id) {
      return external_id_taken(customer);
    }
    return std::move(inserted).error();
  }
  if (!id) return Error::internal("insert returned no id");
  ECRM_RETURN_IF_ERROR(replace_tags(c, *id, customer.tags));
  ECRM_RETURN_IF_ERROR(replace_anniversaries(c, *id, customer.anniversaries));
  return *id;
}

Status CustomerRepo::lock(Connection& c, std::int64_t id) {
  return done(c.execute(kLockCustomer, {id}));
}

Status CustomerRepo::lock_merge(Connection& c, std::int64_t merge_id) {
  return done(c.execute(kLockMerge, {merge_id}));
}

Result<std::optional<Customer>> CustomerRepo::find(Connection& c, std::int64_t id) {
  std::optional<Customer> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindCustomer, {id}, [&](const RowView& row) { found = read_customer(row); }));
  if (!found) return found;
  ECRM_RETURN_IF_ERROR(c.query(
      kTagsOf, {id}, [&](const RowView& row) { found->tags.push_back(row.get_string(1)); }));
  ECRM_RETURN_IF_ERROR(c.query(kAnniversariesOf, {id}, [&](const RowView& row) {
    found->anniversaries.push_back({row.get_string(1), row.get_string(2), row.get_string(3)});
  }));
  return found;
}

Result<std::vector<Customer>> CustomerRepo::find_many(Connection& c,
                                                     std::span<const std::int64_t> ids) {
  std::vector<Customer> out;
  ECRM_RETURN_IF_ERROR(storage::query_in_list(
      c, kCustomersById, ids, [&](const RowView& row) { out.push_back(read_customer(row)); }));
  ECRM_RETURN_IF_ERROR(load_details(c, out));
  return out;
}

Result<std::optional<std::int64_t>> CustomerRepo::find_id_by_external_id(
    Connection& c, const std::string& external_id) {
  return c.query_int(kFindIdByExternalId, {external_id});
}

Status CustomerRepo::update(Connection& c, const Customer& customer) {
  auto values = column_values(customer);
  values.push_back(customer.id);
  auto changed = c.execute(kUpdateCustomer, values);
  if (!changed.ok()) {
    if (changed.error().kind == ErrorKind::kConflict && customer.external_id) {
      return external_id_taken(customer);
    }
    return std::move(changed).error();
  }
  if (*changed != 1) return Error::internal("customer update matched " + std::to_string(*changed));
  return {};
}

Status CustomerRepo::replace_tags(Connection& c, std::int64_t id,
                                  const std::vector<std::string>& tags) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteTags, {id})));
  for (const auto& tag : tags) ECRM_RETURN_IF_ERROR(done(c.execute(kInsertTag, {id, tag})));
  return {};
}

Status CustomerRepo::replace_anniversaries(Connection& c, std::int64_t id,
                                           const std::vector<Anniversary>& anniversaries) {
  ECRM_RETURN_IF_ERROR(done(c.execute(kDeleteAnniversaries, {id})));
  for (const auto& a : anniversaries) {
    ECRM_RETURN_IF_ERROR(done(c.execute(kInsertAnniversary, {id, a.kind, a.date, a.label})));
  }
  return {};
}

namespace {

using search::MatchRank;

// The advisor condition (model.hpp: CustomerQuery): over the customer's latest submission to
// the questionnaire (advisor's advisor_submissions, one index read by customer and id) and the
// options it chose (advisor_answer_options).
void append_advisor_condition(search::Sql& sql, const CustomerQuery& filter) {
  sql << " AND EXISTS (SELECT 1 FROM advisor_submissions ad WHERE ad.customer_id = c.id "
         "AND ad.questionnaire_id = ";
  sql.bind(*filter.advisor_questionnaire);
  sql << " AND ad.id = (SELECT max(ad2.id) FROM advisor_submissions ad2 "
         "WHERE ad2.customer_id = c.id AND ad2.questionnaire_id = ";
  sql.bind(*filter.advisor_questionnaire);
  sql << ")";
  if (filter.advisor_question) {
    sql << " AND EXISTS (SELECT 1 FROM advisor_answer_options ao WHERE ao.submission_id = ad.id "
           "AND ao.question = ";
    sql.bind(*filter.advisor_question);
    const auto options = advisor_options(filter);
    if (!options.empty()) {
      sql << " AND ao.option_key IN (";
      for (std::size_t i = 0; i < options.size(); ++i) {
        if (i > 0) sql << ", ";
        sql.bind(options[i]);
      }
      sql << ")";
    }
    sql << ")";
  }
  sql << ")";
}

// Whether the list has conditions besides the search text.
bool has_filters(const CustomerQuery& filter) {
  return filter.tag || filter.city || filter.type || filter.created_from || filter.created_to ||
         filter.tier || filter.segment || filter.min_clv || filter.advisor_questionnaire;
}

// Whether a search's page reads its ids from PostgreSQL's side table of documents alone
// (search::append_documents_page): nothing but the text to check.
bool pages_from_documents(storage::Backend backend, const CustomerQuery& filter) {
  return backend == storage::Backend::kPostgres && !kCustomerIndex.documents_table.empty() &&
         !has_filters(filter);
}

// The list statement for one rank of a search (or the plain list when `q` is empty): one access
// path drives it in id order — the search index, else the tag index, else the city index, else
// the tier or segment index of the scores, else the type index, else the table — and every
// other filter is checked on the rows it yields (on SQLite with unary '+', which keeps the
// planner on the driving index).
// With `ids_only`, the statement selects the matching ids alone (or what `columns` writes, over
// the customers as `c`), unordered and without a limit (`after` and `limit` unused), appended to
// `sql`.
// With `or_better` (a search), the statement reads the rows matching at `rank` or a better rank,
// each with search::append_exact_flag's flag after the list's columns.
void append_list_statement(search::Sql& sql, const CustomerQuery& filter,
                           const std::optional<std::string>& city_key, const search::Query& q,
                           MatchRank rank, std::int64_t after, int limit, bool ids_only,
                           const std::function<void(search::Sql&)>* columns = nullptr,
                           bool or_better = false, const search::Reading& how = {}) {
  using storage::Backend;
  const Backend backend = sql.backend();
  const bool sqlite = backend == Backend::kSqlite;
  const std::string plus = sqlite ? "+" : "";
  enum class Driver { kSearch, kTag, kCity, kScores, kType, kTable } driver = Driver::kTable;
  if (!q.empty()) {
    driver = Driver::kSearch;
  } else if (filter.tag) {
    driver = Driver::kTag;
  } else if (city_key) {
    driver = Driver::kCity;
  } else if (filter.tier || filter.segment) {
    driver = Driver::kScores;
  } else if (filter.type) {
    driver = Driver::kType;
  }
  std::string key = "c.id";
  std::string order = key;
  sql << "SELECT ";
  if (ids_only && columns) {
    (*columns)(sql);
  } else {
    sql << (ids_only ? std::string_view("c.id") : kListColumns);
  }
  if (or_better && driver == Driver::kSearch) {
    sql << ", ";
    search::append_exact_flag(sql, kCustomerIndex, "c", q);
  }
  sql << " FROM ";
  if (driver == Driver::kSearch && !ids_only && pages_from_documents(backend, filter)) {
    // The page's ids from the documents, then its customers (merged and erased ones have no
    // document; the conditions stay, for the planner's sake and the reader's).
    const std::string id = search::append_documents_page(sql, kCustomerIndex, "c", q, rank,
                                                         or_better, after, limit, how);
    sql << " WHERE c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY " << id;
    return;
  }
  if (driver == Driver::kSearch) {
    auto source = search::match_source(backend, kCustomerIndex, "c", rank, how);
    sql << source.from << " WHERE ";
    if (or_better) {
      search::append_match_or_better(sql, kCustomerIndex, "c", q, rank, how);
    } else {
      search::append_match(sql, kCustomerIndex, "c", q, rank, how);
    }
    key = source.key;
    order = source.order;
  } else if (driver == Driver::kTag) {
    sql << "customer_tags t CROSS JOIN customers c WHERE c.id = t.customer_id AND t.tag = ";
    sql.bind(*filter.tag);
    key = "t.customer_id";
  } else if (driver == Driver::kScores) {
    // The tier's index when there is a tier, else the segment's.
    sql << "customer_scores s CROSS JOIN customers c WHERE c.id = s.customer_id AND s.";
    sql << (filter.tier ? "tier = " : "segment = ");
    sql.bind(std::string(filter.tier ? wire::enum_name(*filter.tier)
                                     : wire::enum_name(*filter.segment)));
    if (filter.tier && filter.segment) {
      sql << " AND " << plus << "s.segment = ";
      sql.bind(std::string(wire::enum_name(*filter.segment)));
    }
    if (filter.min_clv) {
      sql << " AND s.clv >= ";
      sql.bind(*filter.min_clv);
    }
    key = "s.customer_id";
  } else {
    sql << "customers c WHERE 1 = 1";
  }
  if (!ids_only) {
    sql << " AND " << key << " > ";
    sql.bind(after);
  }
  sql << " AND " << plus << "c.merged_into IS NULL AND " << plus << "c.erased_at IS NULL";
  if (filter.tag && driver != Driver::kTag) {
    sql << " AND EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = ";
    sql.bind(*filter.tag);
    sql << ")";
  }
  if (city_key) {
    sql << " AND " << (driver == Driver::kCity ? "" : plus) << "c.city_key = ";
    sql.bind(*city_key);
  }
  if (filter.type) {
    sql << " AND " << (driver == Driver::kType ? "" : plus) << "c.type = ";
    sql.bind(std::string(wire::enum_name(*filter.type)));
  }
  if (filter.created_from) {
    sql << " AND " << plus << "c.created_at >= ";
    sql.bind(*filter.created_from);
  }
  if (filter.created_to) {
    sql << " AND " << plus << "c.created_at < ";
    sql.bind(*filter.created_to);
  }
  if (driver != Driver::kScores && (filter.tier || filter.segment || filter.min_clv)) {
    sql << " AND EXISTS (SELECT 1 FROM customer_scores s WHERE s.customer_id = c.id";
    if (filter.tier) {
      sql << " AND s.tier = ";
      sql.bind(std::string(wire::enum_name(*filter.tier)));
    }
    if (filter.segment) {
      sql << " AND s.segment = ";
      sql.bind(std::string(wire::enum_name(*filter.segment)));
    }
    if (filter.min_clv) {
      sql << " AND s.clv >= ";
      sql.bind(*filter.min_clv);
    }
    sql << ")";
  }
  if (filter.advisor_questionnaire) append_advisor_condition(sql, filter);
  if (ids_only) return;
  sql << " ORDER BY " << (driver == Driver::kSearch ? order : key) << " LIMIT ";
  sql.bind(std::int64_t{limit});
}

search::Sql list_statement(storage::Backend backend, const CustomerQuery& filter,
                           const std::optional<std::string>& city_key, const search::Query& q,
                           MatchRank rank, std::int64_t after, int limit,
                           const search::Reading& how = {}) {
  search::Sql sql(backend);
  append_list_statement(sql, filter, city_key, q, rank, after, limit, false, nullptr, false, how);
  return sql;
}

// A search's first page reads its exact and prefix ranks with one statement (the first `limit`
// customers matching either, each with the exact flag): see search::ranked_ids.
search::Sql exact_or_prefix_statement(storage::Backend backend, const CustomerQuery& filter,
                                      const std::optional<std::string>& city_key,
                                      const search::Query& q, int limit,
                                      const search::Reading& how = {}) {
  search::Sql sql(backend);
  append_list_statement(sql, filter, city_key, q, MatchRank::kPrefix, 0, limit, false, nullptr,
                        true, how);
  return sql;
}

}  // namespace

search::Sql CustomerRepo::list_sql(storage::Backend backend, const CustomerQuery& filter,
                                   MatchRank rank, const search::Reading& how) {
  const search::Query q = filter.q ? search::parse_query(*filter.q) : search::Query{};
  std::optional<std::string> city;
  if (filter.city) city = city_key(*filter.city);
  return list_statement(backend, filter, city, q, rank, 0, 50, how);
}

search::Sql CustomerRepo::exact_or_prefix_sql(storage::Backend backend,
                                              const CustomerQuery& filter,
                                              const search::Reading& how) {
  const search::Query q = filter.q ? search::parse_query(*filter.q) : search::Query{};
  std::optional<std::string> city;
  if (filter.city) city = city_key(*filter.city);
  return exact_or_prefix_statement(backend, filter, city, q, 50, how);
}

void CustomerRepo::append_audience(search::Sql& sql, const CustomerQuery& filter) {
  const search::Query q = filter.q ? search::parse_query(*filter.q) : search::Query{};
  std::optional<std::string> city;
  if (filter.city) city = city_key(*filter.city);
  std::vector<MatchRank> ranks{MatchRank::kExact};
  if (!q.empty()) {
    ranks = {MatchRank::kExact, MatchRank::kPrefix};
    if (q.substring_searchable()) ranks.push_back(MatchRank::kSubstring);
  }
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0) sql << " UNION ";
    append_list_statement(sql, filter, city, q, ranks[i], 0, 0, true);
  }
}

bool CustomerRepo::append_audience_rows(search::Sql& sql, const CustomerQuery& filter,
                                        const std::function<void(search::Sql&)>& columns) {
  const search::Query q = filter.q ? search::parse_query(*filter.q) : search::Query{};
  if (!q.empty()) return false;  // a statement per match rank
  std::optional<std::string> city;
  if (filter.city) city = city_key(*filter.city);
  append_list_statement(sql, filter, city, q, MatchRank::kExact, 0, 0, true, &columns);
  return true;
}

Result<std::vector<CustomerMatch>> CustomerRepo::list(Connection& c, const CustomerQuery& filter,
                                                      const ListPosition& after, int limit,
                                                      std::optional<search::Shape> shape) {
  const search::Query q = filter.q ? search::parse_query(*filter.q) : search::Query{};
  std::optional<std::string> city;
  if (filter.city) city = city_key(*filter.city);
  std::vector<MatchRank> ranks{MatchRank::kExact};
  if (!q.empty()) {
    ranks = {MatchRank::kExact, MatchRank::kPrefix};
    if (q.substring_searchable()) ranks.push_back(MatchRank::kSubstring);
  }
  std::vector<CustomerMatch> out;
  search::Reading how;
  if (!q.empty() && shape) {
    how = search::reading_in_shape(*shape);
  } else if (!q.empty()) {
    // The probe starts where the page does; the list's other filters make a walk read more.
    ECRM_ASSIGN_OR_RETURN(how, search::reading(c, kCustomerIndex, q,
                                               {.after = after.id, .limit = limit,
                                                .filtered = has_filters(filter)}));
  }
  bool prefix_read = false;
  if (!q.empty() && after.rank == MatchRank::kExact && after.id == 0 && limit > 0 &&
      pages_from_documents(c.backend(), filter) && q.substring_searchable() &&
      search::ranks_share_statement(q) &&
      how.shape(MatchRank::kPrefix) == search::Shape::kIndex &&
      how.shape(MatchRank::kSubstring) == search::Shape::kIndex) {
    // Every rank from the index: one statement (search::append_documents_ranked_page).
    search::Sql sql(c.backend());
    sql << "SELECT " << kListColumns << ", c_doc.rank FROM ";
    const std::string order =
        search::append_documents_ranked_page(sql, kCustomerIndex, "c", q, limit);
    sql << " WHERE c.merged_into IS NULL AND c.erased_at IS NULL ORDER BY " << order;
    ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const RowView& row) {
      out.push_back({read_customer(row), search::kMatchRanks[row.get_int(34)]});
    }));
    ECRM_RETURN_IF_ERROR(load_details(c, out));
    return out;
  }
  if (!q.empty() && after.rank == MatchRank::kExact && after.id == 0 && limit > 0 &&
      search::ranks_share_statement(q)) {
    std::vector<CustomerMatch> exact, prefix;
    const search::Sql both = exact_or_prefix_statement(c.backend(), filter, city, q, limit, how);
    ECRM_RETURN_IF_ERROR(c.query(both.text(), both.params(), [&](const RowView& row) {
      if (row.get_int(34) != 0) {
        exact.push_back({read_customer(row), MatchRank::kExact});
      } else {
        prefix.push_back({read_customer(row), MatchRank::kPrefix});
      }
    }));
    if (static_cast<int>(exact.size() + prefix.size()) >= limit) {
      // Exact matches may lie beyond the limit; the prefix rows read are still the prefix
      // rank's first ones, as many as the page can take after the exact rank's.
      exact.clear();
      const search::Sql sql =
          list_statement(c.backend(), filter, city, q, MatchRank::kExact, 0, limit, how);
      ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const RowView& row) {
        exact.push_back({read_customer(row), MatchRank::kExact});
      }));
    }
    out = std::move(exact);
    for (auto& match : prefix) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(std::move(match));
    }
    prefix_read = true;
  }
  for (MatchRank rank : ranks) {
    if (rank < after.rank) continue;
    if (prefix_read && rank != MatchRank::kSubstring) continue;
    const int wanted = limit - static_cast<int>(out.size());
    if (wanted <= 0) break;
    const search::Sql sql = list_statement(c.backend(), filter, city, q, rank,
                                           rank == after.rank ? after.id : 0, wanted, how);
    ECRM_RETURN_IF_ERROR(c.query(sql.text(), sql.params(), [&](const RowView& row) {
      out.push_back({read_customer(row), rank});
    }));
  }
  ECRM_RETURN_IF_ERROR(load_details(c, out));
  return out;
}

Result<std::vector<DuplicatePair>> CustomerRepo::duplicates(Connection& c,
                                                            std::optional<std::int64_t> customer_id,
                                                            std::int64_t after_a,
                                                            std::int64_t after_b, int limit) {
  std::vector<DuplicatePair> out;
  ECRM_RETURN_IF_ERROR(c.query(kDuplicates,
                               {after_a, after_b, opt(customer_id), std::int64_t{limit}},
                               [&](const RowView& row) {
                                 DuplicatePair pair;
                                 pair.a = row.get_int(0);
                                 pair.b = row.get_int(1);
                                 pair.same_email = row.get_int(2) != 0;
                                 pair.same_phone = row.get_int(3) != 0;
                                 pair.same_name_and_city = row.get_int(4) != 0;
                                 out.push_back(pair);
                               }));
  return out;
}

Result<std::vector<std::int64_t>> CustomerRepo::move_referrals(Connection& c, std::int64_t from,
                                                               std::int64_t to) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(c.query(kMoveReferrals, {from, to},
                               [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  std::sort(ids.begin(), ids.end());
  return ids;
}

Status CustomerRepo::restore_referral(Connection& c, std::int64_t id, std::int64_t from,
                                      std::int64_t to) {
  return done(c.execute(kRestoreReferral, {id, from, to}));
}

Result<std::vector<std::int64_t>> CustomerRepo::referrals_of(Connection& c, std::int64_t id) {
  std::vector<std::int64_t> ids;
  ECRM_RETURN_IF_ERROR(
      c.query(kReferralsOf, {id}, [&](const RowView& row) { ids.push_back(row.get_int(0)); }));
  return ids;
}

Result<std::int64_t> CustomerRepo::insert_merge(Connection& c, const Merge& merge) {
  ECRM_ASSIGN_OR_RETURN(
      auto id, c.query_int(kInsertMerge, {merge.survivor_id, merge.merged_id, merge.snapshot,
                                          merge.merged_at, merge.merged_by}));
  if (!id) return Error::internal("insert returned no id");
  return *id;
}

Result<std::optional<Merge>> CustomerRepo::find_merge(Connection& c, std::int64_t id) {
  std::optional<Merge> found;
  ECRM_RETURN_IF_ERROR(
      c.query(kFindMerge, {id}, [&](const RowView& row) { found = read_merge(row); }));
  return found;
}

Result<std::vector<Merge>> CustomerRepo::merges_of(Connection& c, std::int64_t customer_id) {
  std::vector<Merge> out;
  ECRM_RETURN_IF_ERROR(c.query(kMergesOf, {customer_id},
                               [&](const RowView& row) { out.push_back(read_merge(row)); }));
  return out;
}

Result<bool> CustomerRepo::has_later_merge(Connection& c, std::int64_t merge_id, std::int64_t a,
                                           std::int64_t b) {
  ECRM_ASSIGN_OR_RETURN(auto n, c.query_int(kCountLaterMerges, {merge_id, a, b}));
  return n.value_or(0) > 0;
}

Status CustomerRepo::mark_merge_undone(Connection& c, std::int64_t merge_id, UnixMs at) {
  return done(c.execute(kMarkMergeUndone, {merge_id, at}));
}

Status CustomerRepo::clear_merge_snapshots(Connection& c, std::int64_t customer_id) {
  return done(c.execute(kClearMergeSnapshots, {customer_id}));
}

}  // namespace ecrm::customers
