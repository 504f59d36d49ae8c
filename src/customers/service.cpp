#include "customers/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

#include "http/wire.hpp"

namespace ecrm::customers {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

std::string trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

char lower(char ch) { return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch; }

std::string lower_ascii(std::string text) {
  for (char& ch : text) ch = lower(ch);
  return text;
}

Status check_text(const std::string& value, std::string_view field, std::size_t max_length) {
  if (value.size() > max_length) {
    return Error::invalid(
        std::string(field) + " is longer than " + std::to_string(max_length) + " bytes",
        std::string(field));
  }
  for (unsigned char ch : value) {
    if (ch < 0x20 || ch == 0x7f) {
      return Error::invalid(std::string(field) + " must not contain control characters",
                            std::string(field));
    }
  }
  return {};
}

// A YYYY-MM-DD date from 1900 on, not after `latest` when given.
Result<std::string> check_date(const std::string& text, std::string_view field,
                               std::optional<UnixMs> latest) {
  auto parsed = parse_date(text);
  if (text.size() != 10 || !parsed || *parsed < parse_date("1900-01-01").value_or(0)) {
    return Error::invalid(std::string(field) + " must be a date YYYY-MM-DD from 1900 on",
                          std::string(field));
  }
  if (latest && *parsed > *latest) {
    return Error::invalid(std::string(field) + " must not be in the future", std::string(field));
  }
  return text;
}

Error unknown_customer(std::int64_t id, std::string field) {
  return Error::unprocessable("there is no customer " + std::to_string(id), std::move(field),
                              "unknown_customer");
}

Status must_be_live(const Customer& x, std::string_view field = {}) {
  if (x.merged_into) {
    return Error::conflict("customer " + std::to_string(x.id) + " was merged into customer " +
                               std::to_string(*x.merged_into),
                           std::string(field), "customer_merged");
  }
  if (x.erased_at) {
    return Error::conflict("customer " + std::to_string(x.id) + " was erased", std::string(field),
                           "customer_erased");
  }
  return {};
}

// ---- the steps of CustomerService::apply() ---------------------------------------------------

// A text field: trimmed, at most `max_length` bytes, no control characters.
Status set_text(const std::optional<std::string>& value, std::string& out, std::string_view field,
                std::size_t max_length) {
  if (!value) return {};
  out = trim(*value);
  return check_text(out, field, max_length);
}

// The external id, name, place, company and where the customer came from.
Status apply_profile(const CustomerInput& in, Customer& x) {
  if (in.external_id) {
    std::string v = trim(*in.external_id);
    ECRM_RETURN_IF_ERROR(check_text(v, "external_id", kMaxExternalId));
    x.external_id = v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  ECRM_RETURN_IF_ERROR(set_text(in.name, x.name, "name", kMaxName));
  ECRM_RETURN_IF_ERROR(set_text(in.city, x.city, "city", kMaxCity));
  ECRM_RETURN_IF_ERROR(set_text(in.country, x.country, "country", kMaxCountry));
  if (in.type) x.type = *in.type;
  ECRM_RETURN_IF_ERROR(set_text(in.company, x.company, "company", kMaxCompany));
  if (in.employee_count) {
    const auto& count = *in.employee_count;
    if (count && (*count < 0 || *count > kMaxEmployees)) {
      return Error::invalid("employee_count must be from 0 to " + std::to_string(kMaxEmployees),
                            "employee_count");
    }
    x.employee_count = count;
  }
  ECRM_RETURN_IF_ERROR(set_text(in.source, x.source, "source", kMaxSource));
  if (in.channel) {
    x.channel = lower_ascii(trim(*in.channel));
    ECRM_RETURN_IF_ERROR(check_text(x.channel, "channel", kMaxSource));
  }
  return {};
}

// E-mail, phone and birthday: "" clears them, a value must be valid.
Status apply_contact(const CustomerInput& in, Customer& x, UnixMs now) {
  if (in.email) {
    std::string v = trim(*in.email);
    if (!v.empty()) ECRM_RETURN_IF_ERROR(normalize_email(v));
    x.email = v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  if (in.phone) {
    std::string v = trim(*in.phone);
    if (!v.empty()) ECRM_RETURN_IF_ERROR(normalize_phone(v));
    x.phone = v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  if (in.birthday) {
    std::string v = trim(*in.birthday);
    if (v.empty()) {
      x.birthday.reset();
    } else {
      ECRM_ASSIGN_OR_RETURN(x.birthday, check_date(v, "birthday", now));
    }
  }
  return {};
}

// Gender (unknown or "" clears it) and the language tag (zh_CN is read as zh-CN).
Status apply_gender_and_language(const CustomerInput& in, Customer& x) {
  if (in.gender) {
    std::string v = lower_ascii(trim(*in.gender));
    if (v.empty() || v == "unknown") {
      x.gender.reset();
    } else {
      x.gender = wire::parse_enum<Gender>(v);
      if (!x.gender) {
        return Error::invalid("gender must be female, male, other or unknown", "gender");
      }
    }
  }
  if (in.language) {
    std::string v = trim(*in.language);
    std::replace(v.begin(), v.end(), '_', '-');
    bool ok = v.empty() || (v.size() >= 2 && v.size() <= kMaxLanguage &&
                            std::all_of(v.begin(), v.end(), [](char ch) {
                              return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                                     (ch >= '0' && ch <= '9') || ch == '-';
                            }));
    if (!ok) {
      return Error::invalid("language must be a language tag such as zh-CN or en", "language");
    }
    x.language = v;
  }
  return {};
}

// Free attributes: a JSON object of at most kMaxAttributesBytes, stored compact.
Status apply_attributes(const CustomerInput& in, Customer& x) {
  if (!in.attributes) return {};
  json::error_code ec;
  json::value parsed = json::parse(*in.attributes, ec);
  if (ec || !parsed.is_object()) {
    return Error::invalid("attributes must be a JSON object", "attributes");
  }
  std::string text = json::serialize(parsed);
  if (text.size() > kMaxAttributesBytes) {
    return Error::invalid(
        "attributes must be at most " + std::to_string(kMaxAttributesBytes) + " bytes of JSON",
        "attributes");
  }
  x.attributes = std::move(text);
  return {};
}

// A new decision per channel given (`at` defaults to now); null clears the channel's decision.
Status apply_consent(const CustomerInput& in, Customer& x, UnixMs now) {
  if (!in.consent) return {};
  for (ConsentChannel channel : kConsentChannels) {
    const auto& change = in.consent->of(channel);
    if (!change) continue;
    Consent consent;
    if (const auto& decision = *change) {
      consent.granted = decision->granted;
      consent.at = decision->at.value_or(now);
      consent.how = trim(decision->how.value_or(""));
      std::string field = "consent." + std::string(wire::enum_name(channel)) + ".how";
      ECRM_RETURN_IF_ERROR(check_text(consent.how, field, kMaxConsentHow));
    }
    x.consent_for(channel) = consent;
  }
  return {};
}

// Tags replace the set: trimmed, unique, sorted.
Status apply_tags(const CustomerInput& in, Customer& x) {
  if (!in.tags) return {};
  std::set<std::string> tags;
  for (const auto& raw : *in.tags) {
    std::string tag = trim(raw);
    if (tag.empty()) return Error::invalid("tags must not be empty", "tags");
    ECRM_RETURN_IF_ERROR(check_text(tag, "tags", kMaxTag));
    tags.insert(tag);
  }
  if (tags.size() > kMaxTags) {
    return Error::invalid("a customer has at most " + std::to_string(kMaxTags) + " tags", "tags");
  }
  x.tags.assign(tags.begin(), tags.end());
  return {};
}

// Anniversaries replace the list, in the order given; each needs a kind and a date.
Status apply_anniversaries(const CustomerInput& in, Customer& x) {
  if (!in.anniversaries) return {};
  if (in.anniversaries->size() > kMaxAnniversaries) {
    return Error::invalid(
        "a customer has at most " + std::to_string(kMaxAnniversaries) + " anniversaries",
        "anniversaries");
  }
  std::vector<Anniversary> list;
  for (const auto& raw : *in.anniversaries) {
    Anniversary a{lower_ascii(trim(raw.kind)), trim(raw.date), trim(raw.label.value_or(""))};
    if (a.kind.empty()) {
      return Error::invalid("every anniversary needs a kind", "anniversaries", "required");
    }
    ECRM_RETURN_IF_ERROR(check_text(a.kind, "anniversaries", kMaxAnniversaryKind));
    ECRM_RETURN_IF_ERROR(check_text(a.label, "anniversaries", kMaxAnniversaryLabel));
    ECRM_ASSIGN_OR_RETURN(a.date, check_date(a.date, "anniversaries", std::nullopt));
    list.push_back(std::move(a));
  }
  x.anniversaries = std::move(list);
  return {};
}

// ---- merges ----------------------------------------------------------------------------------

// The fields a merge may fill, as paths into the customer's JSON form (wire::to_json); consent
// per channel, so that a later decision on another channel does not stop an undo.
constexpr std::string_view kMergedFields[] = {
    "name",        "email",      "phone",         "birthday",       "gender",       "city",
    "country",     "language",   "company",       "employee_count", "source",       "channel",
    "referred_by", "attributes", "consent.email", "consent.sms",    "consent.phone"};

// The value at `path` ("city", "consent.email") of a customer's JSON form; nullptr when none.
json::value* at_path(json::object& customer, std::string_view path) {
  auto dot = path.find('.');
  json::value* value = customer.if_contains(path.substr(0, dot));
  if (value && dot != std::string_view::npos) {
    value = value->is_object() ? value->as_object().if_contains(path.substr(dot + 1)) : nullptr;
  }
  return value;
}

// Snapshots stored before consent and attributes crossed as JSON objects named the consent
// fields "consent_email" … and held the attributes as text.
void upgrade_stored_change(MergeChange& change) {
  if (change.field.rfind("consent_", 0) == 0) change.field[7] = '.';
  if (change.field != "attributes") return;
  for (json::value* value : {&change.before, &change.after}) {
    if (value->is_string()) *value = wire::to_json(wire::JsonText(std::string(value->as_string())));
  }
}

bool same_anniversary(const Anniversary& a, const Anniversary& b) {
  return a.kind == b.kind && a.date == b.date;
}

// Fills what `survivor` lacks from `other` (see the header comment), recording the tags and
// anniversaries it adds in `snapshot`.
void combine(Customer& survivor, const Customer& other, MergeSnapshot& snapshot) {
  for (auto member : {&Customer::name, &Customer::city, &Customer::country, &Customer::language,
                      &Customer::company, &Customer::source, &Customer::channel}) {
    if ((survivor.*member).empty()) survivor.*member = other.*member;
  }
  for (auto member : {&Customer::email, &Customer::phone, &Customer::birthday}) {
    if (!(survivor.*member)) survivor.*member = other.*member;
  }
  if (!survivor.gender) survivor.gender = other.gender;
  if (!survivor.employee_count) survivor.employee_count = other.employee_count;
  std::optional<std::int64_t> inherited_referrer =
      other.referred_by != survivor.id ? other.referred_by : std::nullopt;
  if (!survivor.referred_by || survivor.referred_by == other.id) {
    survivor.referred_by = inherited_referrer;
  }
  json::value mine = wire::to_json(survivor.attributes);
  json::value theirs = wire::to_json(other.attributes);
  for (const auto& [key, value] : theirs.as_object()) {
    if (!mine.as_object().contains(key)) mine.as_object()[key] = value;
  }
  survivor.attributes = json::serialize(mine);
  for (ConsentChannel channel : kConsentChannels) {
    Consent& kept = survivor.consent_for(channel);
    const Consent& given = other.consent_for(channel);
    if (!given.granted) continue;
    if (!kept.granted || given.at.value_or(0) > kept.at.value_or(0)) kept = given;
  }
  for (const auto& tag : other.tags) {
    auto at = std::lower_bound(survivor.tags.begin(), survivor.tags.end(), tag);
    if (at != survivor.tags.end() && *at == tag) continue;
    survivor.tags.insert(at, tag);
    snapshot.tags_added.push_back(tag);
  }
  for (const auto& a : other.anniversaries) {
    bool known = std::any_of(survivor.anniversaries.begin(), survivor.anniversaries.end(),
                             [&](const Anniversary& b) { return same_anniversary(a, b); });
    if (!known && survivor.anniversaries.size() < kMaxAnniversaries) {
      survivor.anniversaries.push_back(a);
      snapshot.anniversaries_added.push_back(a);
    }
  }
}

std::int64_t average(std::int64_t total, std::int64_t count) {
  if (count <= 0) return 0;
  return (total + (total >= 0 ? count / 2 : -count / 2)) / count;  // rounded half away from 0
}

CustomerSummaryView summary_view(std::int64_t id, const CustomerSummary& s) {
  CustomerSummaryView out;
  out.customer_id = id;
  out.order_count = s.order_count;
  if (!s.revenue.empty()) {
    const CurrencyRevenue& main = s.revenue.front();
    out.lifetime_revenue = main.revenue;
    out.currency = main.currency;
    out.average_order_value = average(main.revenue, main.orders);
  }
  out.first_order_at = s.first_order_at;
  out.last_order_at = s.last_order_at;
  out.returns = s.returns;
  for (const auto& r : s.revenue) {
    out.revenue_by_currency.push_back(
        {r.currency, r.orders, r.revenue, average(r.revenue, r.orders)});
  }
  out.favourite_categories = s.favourite_categories;
  return out;
}

}  // namespace

Result<std::string> normalize_email(const std::string& email) {
  std::string out = lower_ascii(trim(email));
  auto at = out.find('@');
  bool ok = !out.empty() && out.size() <= 254 && at != std::string::npos && at > 0 &&
            at + 1 < out.size() && out.find('@', at + 1) == std::string::npos &&
            out.find('.', at + 1) != std::string::npos && out.back() != '.' &&
            out.find_first_of(" \t\r\n,;<>\"()[]\\") == std::string::npos;
  if (!ok) return Error::invalid("email must be a valid e-mail address", "email");
  return out;
}

Result<std::string> normalize_phone(const std::string& phone) {
  std::string text = trim(phone);
  std::string digits;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') {
      digits += ch;
    } else if (std::string_view(" +-().//").find(ch) == std::string_view::npos) {
      return Error::invalid("phone may hold digits, spaces and + - ( ) . / only", "phone");
    }
  }
  if (digits.size() > 2 && digits.compare(0, 2, "00") == 0 && text.rfind("00", 0) == 0) {
    digits.erase(0, 2);
  }
  if (digits.size() < 5 || digits.size() > 20) {
    return Error::invalid("phone must have 5 to 20 digits", "phone");
  }
  return digits;
}

std::string name_key(const std::string& name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (char ch : name) {
    auto byte = static_cast<unsigned char>(ch);
    bool part = byte >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                (ch >= '0' && ch <= '9');
    if (part) {
      word += lower(ch);
    } else {
      flush();
    }
  }
  flush();
  std::sort(words.begin(), words.end());
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

void derive_keys(Customer& x) {
  x.email_normalized.reset();
  if (x.email) {
    if (auto n = normalize_email(*x.email); n.ok()) x.email_normalized = *n;
  }
  x.phone_normalized.reset();
  if (x.phone) {
    if (auto n = normalize_phone(*x.phone); n.ok()) x.phone_normalized = *n;
  }
  x.name_key = name_key(x.name);
  x.city_key = city_key(x.city);
}

CustomerService::CustomerService(storage::Database& db) : db_(db) {}

void CustomerService::attach(CustomerRecords& records) { records_.push_back(&records); }

Result<Customer> CustomerService::must_find(Connection& c, std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find(c, id));
  if (!found) return Error::not_found("no such customer: " + std::to_string(id));
  return std::move(*found);
}

Status CustomerService::apply(const CustomerInput& in, Customer& x, Connection& c) {
  const UnixMs now = now_ms();
  ECRM_RETURN_IF_ERROR(apply_profile(in, x));
  ECRM_RETURN_IF_ERROR(apply_contact(in, x, now));
  ECRM_RETURN_IF_ERROR(apply_gender_and_language(in, x));
  ECRM_RETURN_IF_ERROR(apply_referrer(in, x, c));
  ECRM_RETURN_IF_ERROR(apply_attributes(in, x));
  ECRM_RETURN_IF_ERROR(apply_consent(in, x, now));
  ECRM_RETURN_IF_ERROR(apply_tags(in, x));
  ECRM_RETURN_IF_ERROR(apply_anniversaries(in, x));
  if (x.name.empty() && !x.email && !x.phone) {
    return Error::invalid("a customer needs a name, an e-mail address or a phone number", "name",
                          "required");
  }
  derive_keys(x);
  return {};
}

// The referrer must be another live customer; null clears it.
Status CustomerService::apply_referrer(const CustomerInput& in, Customer& x, Connection& c) {
  if (!in.referred_by) return {};
  if (auto referrer_id = *in.referred_by) {
    if (*referrer_id == x.id) {
      return Error::unprocessable("a customer cannot refer themselves", "referred_by");
    }
    ECRM_ASSIGN_OR_RETURN(auto referrer, repo_.find(c, *referrer_id));
    if (!referrer) return unknown_customer(*referrer_id, "referred_by");
    if (auto live = must_be_live(*referrer, "referred_by"); !live.ok()) {
      Error error = live.error();
      error.kind = ErrorKind::kUnprocessable;
      return error;
    }
  }
  x.referred_by = *in.referred_by;
  return {};
}

Result<Customer> CustomerService::create(const CustomerInput& input) {
  return with_transaction<Customer>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Customer> {
    Customer x;
    ECRM_RETURN_IF_ERROR(apply(input, x, c));
    x.created_at = x.updated_at = now_ms();
    ECRM_ASSIGN_OR_RETURN(x.id, repo_.insert(c, x));
    return x;
  });
}

Result<Customer> CustomerService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return must_find(*lease, id);
}

Result<Customer> CustomerService::update(std::int64_t id, const CustomerInput& input) {
  return with_transaction<Customer>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Customer> {
    ECRM_RETURN_IF_ERROR(repo_.lock(c, id));
    ECRM_ASSIGN_OR_RETURN(auto x, must_find(c, id));
    ECRM_RETURN_IF_ERROR(must_be_live(x));
    ECRM_RETURN_IF_ERROR(apply(input, x, c));
    x.updated_at = now_ms();
    ECRM_RETURN_IF_ERROR(repo_.update(c, x));
    if (input.tags) ECRM_RETURN_IF_ERROR(repo_.replace_tags(c, id, x.tags));
    if (input.anniversaries) {
      ECRM_RETURN_IF_ERROR(repo_.replace_anniversaries(c, id, x.anniversaries));
    }
    return x;
  });
}

void CustomerService::add_query_check(QueryCheck check) {
  query_checks_.push_back(std::move(check));
}

Status CustomerService::check_query(const CustomerQuery& query) const {
  ECRM_RETURN_IF_ERROR(customers::check_query(query));
  for (const auto& check : query_checks_) ECRM_RETURN_IF_ERROR(check(query));
  return {};
}

Result<std::vector<CustomerMatch>> CustomerService::list(const CustomerQuery& query,
                                                         const ListPosition& after, int limit) {
  ECRM_RETURN_IF_ERROR(check_query(query));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list(*lease, query, after, limit);
}

Result<std::vector<DuplicateCandidate>> CustomerService::duplicates(const DuplicateQuery& query,
                                                                    std::int64_t after_a,
                                                                    std::int64_t after_b,
                                                                    int limit) {
  const std::optional<std::int64_t>& customer_id = query.customer;
  return with_transaction<std::vector<DuplicateCandidate>>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<std::vector<DuplicateCandidate>> {
        if (customer_id) ECRM_RETURN_IF_ERROR(must_find(c, *customer_id));
        ECRM_ASSIGN_OR_RETURN(auto pairs,
                              repo_.duplicates(c, customer_id, after_a, after_b, limit));
        std::vector<DuplicateCandidate> out;
        for (const auto& pair : pairs) {
          DuplicateCandidate candidate;
          ECRM_ASSIGN_OR_RETURN(candidate.a, must_find(c, pair.a));
          ECRM_ASSIGN_OR_RETURN(candidate.b, must_find(c, pair.b));
          if (pair.same_email) candidate.reasons.push_back(DuplicateReason::kEmail);
          if (pair.same_phone) candidate.reasons.push_back(DuplicateReason::kPhone);
          if (pair.same_name_and_city) candidate.reasons.push_back(DuplicateReason::kNameCity);
          out.push_back(std::move(candidate));
        }
        return out;
      });
}

Result<MergeOutcome> CustomerService::merge(std::int64_t survivor_id, const MergeRequest& request,
                                            const std::string& actor) {
  const std::int64_t other_id = request.other_id;
  if (survivor_id == other_id) {
    return Error::invalid("a customer cannot be merged into itself", "other_id");
  }
  return with_transaction<MergeOutcome>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<MergeOutcome> {
        ECRM_RETURN_IF_ERROR(repo_.lock(c, std::min(survivor_id, other_id)));
        ECRM_RETURN_IF_ERROR(repo_.lock(c, std::max(survivor_id, other_id)));
        ECRM_ASSIGN_OR_RETURN(auto survivor, must_find(c, survivor_id));
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.find(c, other_id));
        if (!found) return unknown_customer(other_id, "other_id");
        Customer other = std::move(*found);
        ECRM_RETURN_IF_ERROR(must_be_live(survivor));
        ECRM_RETURN_IF_ERROR(must_be_live(other, "other_id"));
        const UnixMs now = now_ms();

        MergeSnapshot snapshot;
        json::object before = wire::to_json(survivor).as_object();
        combine(survivor, other, snapshot);
        derive_keys(survivor);
        survivor.updated_at = now;
        json::object after = wire::to_json(survivor).as_object();
        for (std::string_view field : kMergedFields) {
          const json::value* was = at_path(before, field);
          const json::value* is = at_path(after, field);
          if (was && is && *was != *is) {
            snapshot.changes.push_back({std::string(field), *was, *is});
          }
        }
        ECRM_RETURN_IF_ERROR(repo_.update(c, survivor));
        if (!snapshot.tags_added.empty()) {
          ECRM_RETURN_IF_ERROR(repo_.replace_tags(c, survivor_id, survivor.tags));
        }
        if (!snapshot.anniversaries_added.empty()) {
          ECRM_RETURN_IF_ERROR(repo_.replace_anniversaries(c, survivor_id, survivor.anniversaries));
        }
        ECRM_ASSIGN_OR_RETURN(snapshot.referrals, repo_.move_referrals(c, other_id, survivor_id));
        for (CustomerRecords* records : records_) {
          ECRM_ASSIGN_OR_RETURN(snapshot.records[std::string(records->name())],
                                records->reassign(c, other_id, survivor_id));
        }
        snapshot.merged = other;
        other.merged_into = survivor_id;
        other.updated_at = now;
        ECRM_RETURN_IF_ERROR(repo_.update(c, other));

        Merge merge;
        merge.survivor_id = survivor_id;
        merge.merged_id = other_id;
        merge.snapshot = json::serialize(wire::to_json(snapshot));
        merge.merged_at = now;
        merge.merged_by = actor;
        ECRM_ASSIGN_OR_RETURN(merge.id, repo_.insert_merge(c, merge));
        return MergeOutcome{merge_view(merge, false), std::move(survivor), std::move(other)};
      });
}

Result<MergeOutcome> CustomerService::undo_merge(std::int64_t merge_id) {
  return with_transaction<MergeOutcome>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<MergeOutcome> {
        ECRM_RETURN_IF_ERROR(repo_.lock_merge(c, merge_id));
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_merge(c, merge_id));
        if (!found) return Error::not_found("no such merge: " + std::to_string(merge_id));
        Merge merge = std::move(*found);
        ECRM_RETURN_IF_ERROR(repo_.lock(c, std::min(merge.survivor_id, merge.merged_id)));
        ECRM_RETURN_IF_ERROR(repo_.lock(c, std::max(merge.survivor_id, merge.merged_id)));
        if (merge.undone_at) {
          return Error::conflict("merge " + std::to_string(merge_id) + " was already undone", {},
                                 "merge_undone");
        }
        if (merge.snapshot.empty()) {
          return Error::conflict("a customer of this merge was erased since; it cannot be undone",
                                 {}, "merge_not_reversible");
        }
        ECRM_ASSIGN_OR_RETURN(
            bool later, repo_.has_later_merge(c, merge_id, merge.survivor_id, merge.merged_id));
        if (later) {
          return Error::conflict("a later merge involves these customers; undo it first", {},
                                 "later_merge");
        }
        std::optional<MergeSnapshot> snapshot = merge_view(merge, true).snapshot;
        if (!snapshot) return Error::internal("unreadable merge snapshot");
        ECRM_ASSIGN_OR_RETURN(auto current, must_find(c, merge.survivor_id));
        ECRM_ASSIGN_OR_RETURN(auto other, must_find(c, merge.merged_id));
        const UnixMs now = now_ms();

        // Fields: put back those that still hold what the merge gave them.
        json::object fields = wire::to_json(current).as_object();
        for (MergeChange& change : snapshot->changes) {
          upgrade_stored_change(change);
          json::value* value = at_path(fields, change.field);
          if (value && *value == change.after) *value = change.before;
        }
        auto restored = wire::read<Customer>(fields);
        if (!restored.ok()) return Error::internal("merge undo: " + restored.error().message);
        Customer survivor = std::move(restored).value();
        std::size_t tag_count = survivor.tags.size();
        for (const auto& tag : snapshot->tags_added) {
          auto it = std::find(survivor.tags.begin(), survivor.tags.end(), tag);
          if (it != survivor.tags.end()) survivor.tags.erase(it);
        }
        std::size_t anniversary_count = survivor.anniversaries.size();
        for (const auto& a : snapshot->anniversaries_added) {
          auto it = std::find_if(survivor.anniversaries.begin(), survivor.anniversaries.end(),
                                 [&](const Anniversary& b) { return same_anniversary(a, b); });
          if (it != survivor.anniversaries.end()) survivor.anniversaries.erase(it);
        }
        derive_keys(survivor);
        survivor.updated_at = now;
        ECRM_RETURN_IF_ERROR(repo_.update(c, survivor));
        if (survivor.tags.size() != tag_count) {
          ECRM_RETURN_IF_ERROR(repo_.replace_tags(c, survivor.id, survivor.tags));
        }
        if (survivor.anniversaries.size() != anniversary_count) {
          ECRM_RETURN_IF_ERROR(repo_.replace_anniversaries(c, survivor.id, survivor.anniversaries));
        }
        for (auto id : snapshot->referrals) {
          ECRM_RETURN_IF_ERROR(repo_.restore_referral(c, id, survivor.id, other.id));
        }
        for (CustomerRecords* owner : records_) {
          auto ids = snapshot->records.find(std::string(owner->name()));
          if (ids == snapshot->records.end() || ids->second.empty()) continue;
          ECRM_RETURN_IF_ERROR(owner->restore(c, ids->second, survivor.id, other.id));
        }
        other.merged_into.reset();
        other.updated_at = now;
        ECRM_RETURN_IF_ERROR(repo_.update(c, other));
        ECRM_RETURN_IF_ERROR(repo_.mark_merge_undone(c, merge_id, now));
        merge.undone_at = now;
        return MergeOutcome{merge_view(merge, false), std::move(survivor), std::move(other)};
      });
}

Result<std::vector<MergeView>> CustomerService::merges_of(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(must_find(*lease, customer_id));
  ECRM_ASSIGN_OR_RETURN(auto merges, repo_.merges_of(*lease, customer_id));
  std::vector<MergeView> out;
  for (const auto& m : merges) out.push_back(merge_view(m, true));
  return out;
}

Result<json::object> CustomerService::export_data(std::int64_t id) {
  return with_transaction<json::object>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<json::object> {
        CustomerExport data;
        data.exported_at = now_ms();
        ECRM_ASSIGN_OR_RETURN(data.customer, must_find(c, id));
        ECRM_ASSIGN_OR_RETURN(data.referred_customers, repo_.referrals_of(c, id));
        ECRM_ASSIGN_OR_RETURN(auto merges, repo_.merges_of(c, id));
        for (const auto& m : merges) data.merges.push_back(merge_view(m, false));
        json::object out = wire::to_json(data).as_object();
        for (CustomerRecords* records : records_) {
          ECRM_ASSIGN_OR_RETURN(out[records->name()], records->export_records(c, id));
        }
        return out;
      });
}

Result<Customer> CustomerService::erase(std::int64_t id) {
  return with_transaction<Customer>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Customer> {
    ECRM_RETURN_IF_ERROR(repo_.lock(c, id));
    ECRM_ASSIGN_OR_RETURN(auto x, must_find(c, id));
    if (x.erased_at) {
      return Error::conflict("customer " + std::to_string(id) + " was already erased", {},
                             "already_erased");
    }
    // What is kept: the row itself (orders point at it), its type and country (not personal on
    // their own, needed for accounting), its place in merges, and its timestamps.
    Customer erased;
    erased.id = x.id;
    erased.type = x.type;
    erased.country = x.country;
    erased.merged_into = x.merged_into;
    erased.created_at = x.created_at;
    erased.updated_at = erased.erased_at.emplace(now_ms());
    derive_keys(erased);
    ECRM_RETURN_IF_ERROR(repo_.update(c, erased));
    ECRM_RETURN_IF_ERROR(repo_.replace_tags(c, id, {}));
    ECRM_RETURN_IF_ERROR(repo_.replace_anniversaries(c, id, {}));
    ECRM_RETURN_IF_ERROR(repo_.clear_merge_snapshots(c, id));
    for (CustomerRecords* records : records_) ECRM_RETURN_IF_ERROR(records->erase(c, id));
    return erased;
  });
}

Result<std::vector<TimelineEntry>> CustomerService::timeline(
    std::int64_t id, const std::optional<TimelinePosition>& after, int limit) {
  const TimelinePosition start = after.value_or(TimelinePosition{
      std::numeric_limits<UnixMs>::max(), "", std::numeric_limits<std::int64_t>::max()});
  return with_transaction<std::vector<TimelineEntry>>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<std::vector<TimelineEntry>> {
        ECRM_ASSIGN_OR_RETURN(auto x, must_find(c, id));
        std::vector<TimelineEntry> entries;
        auto add = [&](TimelineEntry entry) {
          if (timeline_before(start, entry.position())) entries.push_back(std::move(entry));
        };
        add(TimelineEntry{x.created_at, "customer", x.id, "customer.created",
                          "Customer record created", json::object{}});
        ECRM_ASSIGN_OR_RETURN(auto merges, repo_.merges_of(c, id));
        for (const auto& m : merges) {
          bool survivor = m.survivor_id == id;
          json::object data{
              {"merge_id", m.id}, {"survivor_id", m.survivor_id}, {"merged_id", m.merged_id}};
          add(TimelineEntry{
              m.merged_at, "customer_merge", m.id,
              survivor ? "customer.merged" : "customer.merged_into",
              survivor ? "Customer #" + std::to_string(m.merged_id) + " merged into this record"
                       : "Merged into customer #" + std::to_string(m.survivor_id),
              data});
          if (m.undone_at) {
            add(TimelineEntry{*m.undone_at, "customer_merge_undo", m.id, "customer.merge_undone",
                              "Merge #" + std::to_string(m.id) + " undone", data});
          }
        }
        for (CustomerRecords* records : records_) {
          ECRM_ASSIGN_OR_RETURN(auto more, records->timeline(c, id, start, limit));
          for (auto& entry : more) add(std::move(entry));
        }
        std::sort(entries.begin(), entries.end(),
                  [](const TimelineEntry& a, const TimelineEntry& b) {
                    return timeline_before(a.position(), b.position());
                  });
        if (entries.size() > static_cast<std::size_t>(limit)) entries.resize(limit);
        return entries;
      });
}

Result<CustomerSummaryView> CustomerService::summary(std::int64_t id) {
  return with_transaction<CustomerSummaryView>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<CustomerSummaryView> {
        ECRM_RETURN_IF_ERROR(must_find(c, id));
        CustomerSummary summary;
        for (CustomerRecords* records : records_) {
          ECRM_RETURN_IF_ERROR(records->summarize(c, id, summary));
        }
        return summary_view(id, summary);
      });
}

}  // namespace ecrm::customers
