#include "customers/service.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

#include "customers/json.hpp"

namespace ecrm::customers {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxExternalId = 100;
constexpr std::size_t kMaxCity = 100;
constexpr std::size_t kMaxCountry = 64;
constexpr std::size_t kMaxCompany = 200;
constexpr std::size_t kMaxSource = 100;
constexpr std::size_t kMaxConsentHow = 200;
constexpr std::size_t kMaxTag = 50;
constexpr std::size_t kMaxTags = 50;
constexpr std::size_t kMaxAnniversaries = 20;
constexpr std::size_t kMaxAttributesBytes = 16384;
constexpr std::int64_t kMaxEmployees = 1'000'000'000;

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


template <typename T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value consent_value(const Consent& c) {
  return json::object{{"granted", or_null(c.granted)}, {"at", or_null(c.at)}, {"how", c.how}};
}

// The fields a merge may change, as one flat JSON object (for the snapshot and the undo).
json::object merge_fields(const Customer& x) {
  json::object out{{"name", x.name},
                   {"email", or_null(x.email)},
                   {"phone", or_null(x.phone)},
                   {"birthday", or_null(x.birthday)},
                   {"gender", x.gender ? json::value(to_string(*x.gender)) : json::value(nullptr)},
                   {"city", x.city},
                   {"country", x.country},
                   {"language", x.language},
                   {"company", x.company},
                   {"employee_count", or_null(x.employee_count)},
                   {"source", x.source},
                   {"channel", x.channel},
                   {"referred_by", or_null(x.referred_by)},
                   {"attributes", x.attributes}};
  for (ConsentChannel channel : kConsentChannels) {
    out["consent_" + std::string(to_string(channel))] = consent_value(x.consent_for(channel));
  }
  return out;
}

std::optional<std::string> string_of(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  return std::string(v.get_string());
}

std::optional<std::int64_t> int_of(const json::value& v) {
  if (!v.is_int64()) return std::nullopt;
  return v.get_int64();
}

// Sets one field of merge_fields() from its JSON value.
void set_merge_field(Customer& x, std::string_view field, const json::value& v) {
  if (field == "name")
    x.name = string_of(v).value_or("");
  else if (field == "email")
    x.email = string_of(v);
  else if (field == "phone")
    x.phone = string_of(v);
  else if (field == "birthday")
    x.birthday = string_of(v);
  else if (field == "gender") {
    auto text = string_of(v);
    x.gender = text ? parse_gender(*text) : std::nullopt;
  } else if (field == "city")
    x.city = string_of(v).value_or("");
  else if (field == "country")
    x.country = string_of(v).value_or("");
  else if (field == "language")
    x.language = string_of(v).value_or("");
  else if (field == "company")
    x.company = string_of(v).value_or("");
  else if (field == "employee_count")
    x.employee_count = int_of(v);
  else if (field == "source")
    x.source = string_of(v).value_or("");
  else if (field == "channel")
    x.channel = string_of(v).value_or("");
  else if (field == "referred_by")
    x.referred_by = int_of(v);
  else if (field == "attributes")
    x.attributes = string_of(v).value_or("{}");
  else {
    for (ConsentChannel channel : kConsentChannels) {
      if (field != "consent_" + std::string(to_string(channel))) continue;
      Consent consent;
      if (v.is_object()) {
        const auto& o = v.get_object();
        if (auto it = o.find("granted"); it != o.end() && it->value().is_bool()) {
          consent.granted = it->value().get_bool();
        }
        if (auto it = o.find("at"); it != o.end()) consent.at = int_of(it->value());
        if (auto it = o.find("how"); it != o.end())
          consent.how = string_of(it->value()).value_or("");
      }
      x.consent_for(channel) = consent;
    }
  }
}

json::array id_array(const std::vector<std::int64_t>& ids) {
  json::array out;
  for (auto id : ids) out.push_back(id);
  return out;
}

std::vector<std::int64_t> ids_of(const json::value* v) {
  std::vector<std::int64_t> out;
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (item.is_int64()) out.push_back(item.get_int64());
  }
  return out;
}

bool same_anniversary(const Anniversary& a, const Anniversary& b) {
  return a.kind == b.kind && a.date == b.date;
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
  std::string city;
  for (char ch : lower_ascii(trim(x.city))) {
    if (ch == ' ' && !city.empty() && city.back() == ' ') continue;
    city += ch;
  }
  x.city_key = city;
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
  if (in.external_id) {
    std::string v = trim(*in.external_id);
    ECRM_RETURN_IF_ERROR(check_text(v, "external_id", kMaxExternalId));
    x.external_id = v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  if (in.name) {
    x.name = trim(*in.name);
    ECRM_RETURN_IF_ERROR(check_text(x.name, "name", kMaxName));
  }
  if (in.email) {
    std::string v = trim(*in.email);
    if (v.empty()) {
      x.email.reset();
    } else {
      ECRM_RETURN_IF_ERROR(normalize_email(v));
      x.email = v;
    }
  }
  if (in.phone) {
    std::string v = trim(*in.phone);
    if (v.empty()) {
      x.phone.reset();
    } else {
      ECRM_RETURN_IF_ERROR(normalize_phone(v));
      x.phone = v;
    }
  }
  if (in.birthday) {
    std::string v = trim(*in.birthday);
    if (v.empty()) {
      x.birthday.reset();
    } else {
      ECRM_ASSIGN_OR_RETURN(x.birthday, check_date(v, "birthday", now));
    }
  }
  if (in.gender) {
    std::string v = lower_ascii(trim(*in.gender));
    if (v.empty() || v == "unknown") {
      x.gender.reset();
    } else {
      x.gender = parse_gender(v);
      if (!x.gender) {
        return Error::invalid("gender must be female, male, other or unknown", "gender");
      }
    }
  }
  if (in.city) {
    x.city = trim(*in.city);
    ECRM_RETURN_IF_ERROR(check_text(x.city, "city", kMaxCity));
  }
  if (in.country) {
    x.country = trim(*in.country);
    ECRM_RETURN_IF_ERROR(check_text(x.country, "country", kMaxCountry));
  }
  if (in.language) {
    std::string v = trim(*in.language);
    std::replace(v.begin(), v.end(), '_', '-');
    bool ok = v.empty() ||
              (v.size() >= 2 && v.size() <= 35 && std::all_of(v.begin(), v.end(), [](char ch) {
                 return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '-';
               }));
    if (!ok)
      return Error::invalid("language must be a language tag such as zh-CN or en", "language");
    x.language = v;
  }
  if (in.type) {
    auto type = parse_customer_type(lower_ascii(trim(*in.type)));
    if (!type) {
      return Error::invalid("type must be home, business, education, government or other", "type");
    }
    x.type = *type;
  }
  if (in.company) {
    x.company = trim(*in.company);
    ECRM_RETURN_IF_ERROR(check_text(x.company, "company", kMaxCompany));
  }
  if (in.employee_count) {
    if (*in.employee_count && (**in.employee_count < 0 || **in.employee_count > kMaxEmployees)) {
      return Error::invalid("employee_count must be from 0 to " + std::to_string(kMaxEmployees),
                            "employee_count");
    }
    x.employee_count = *in.employee_count;
  }
  if (in.source) {
    x.source = trim(*in.source);
    ECRM_RETURN_IF_ERROR(check_text(x.source, "source", kMaxSource));
  }
  if (in.channel) {
    x.channel = lower_ascii(trim(*in.channel));
    ECRM_RETURN_IF_ERROR(check_text(x.channel, "channel", kMaxSource));
  }
  if (in.referred_by) {
    if (auto referrer_id = *in.referred_by) {
      if (*referrer_id == x.id) {
        return Error::unprocessable("a customer cannot refer themselves", "referred_by");
      }
      ECRM_ASSIGN_OR_RETURN(auto referrer, repo_.find(c, *referrer_id));
      if (!referrer) return unknown_customer(*referrer_id, "referred_by");
      if (referrer->merged_into || referrer->erased_at) {
        auto status = must_be_live(*referrer, "referred_by");
        Error error = status.error();
        error.kind = ErrorKind::kUnprocessable;
        return error;
      }
    }
    x.referred_by = *in.referred_by;
  }
  if (in.attributes) {
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
  }
  for (ConsentChannel channel : kConsentChannels) {
    const auto& change = in.consent[static_cast<std::size_t>(channel)];
    if (!change) continue;
    std::string field = "consent." + std::string(to_string(channel));
    Consent consent;
    if (change->granted) {
      consent.granted = change->granted;
      consent.at = change->at.value_or(now);
      consent.how = trim(change->how);
      ECRM_RETURN_IF_ERROR(check_text(consent.how, field + ".how", kMaxConsentHow));
    }
    x.consent_for(channel) = consent;
  }
  if (in.tags) {
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
  }
  if (in.anniversaries) {
    if (in.anniversaries->size() > kMaxAnniversaries) {
      return Error::invalid(
          "a customer has at most " + std::to_string(kMaxAnniversaries) + " anniversaries",
          "anniversaries");
    }
    std::vector<Anniversary> list;
    for (const auto& raw : *in.anniversaries) {
      Anniversary a{lower_ascii(trim(raw.kind)), trim(raw.date), trim(raw.label)};
      if (a.kind.empty()) {
        return Error::invalid("every anniversary needs a kind", "anniversaries", "required");
      }
      ECRM_RETURN_IF_ERROR(check_text(a.kind, "anniversaries", 50));
      ECRM_RETURN_IF_ERROR(check_text(a.label, "anniversaries", 100));
      ECRM_ASSIGN_OR_RETURN(a.date, check_date(a.date, "anniversaries", std::nullopt));
      list.push_back(std::move(a));
    }
    x.anniversaries = std::move(list);
  }
  if (x.name.empty() && !x.email && !x.phone) {
    return Error::invalid("a customer needs a name, an e-mail address or a phone number", "name",
                          "required");
  }
  derive_keys(x);
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

Result<std::vector<Customer>> CustomerService::list(const CustomerFilter& filter,
                                                    std::optional<std::int64_t> after, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list(*lease, filter, after, limit);
}

Result<std::vector<DuplicateCandidate>> CustomerService::duplicates(
    std::optional<std::int64_t> customer_id, std::int64_t after_a, std::int64_t after_b,
    int limit) {
  return with_transaction<std::vector<DuplicateCandidate>>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<std::vector<DuplicateCandidate>> {
        if (customer_id) ECRM_RETURN_IF_ERROR(must_find(c, *customer_id));
        ECRM_ASSIGN_OR_RETURN(auto pairs,
                              repo_.duplicates(c, customer_id, after_a, after_b, limit));
        std::vector<DuplicateCandidate> out;
        for (const auto& pair : pairs) {
          ECRM_ASSIGN_OR_RETURN(auto a, must_find(c, pair.a));
          ECRM_ASSIGN_OR_RETURN(auto b, must_find(c, pair.b));
          out.push_back(DuplicateCandidate{pair, std::move(a), std::move(b)});
        }
        return out;
      });
}

Result<MergeOutcome> CustomerService::merge(std::int64_t survivor_id, std::int64_t other_id,
                                            const std::string& actor) {
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
        const json::object before = merge_fields(survivor);

        auto fill = [](std::string& mine, const std::string& theirs) {
          if (mine.empty()) mine = theirs;
        };
        fill(survivor.name, other.name);
        fill(survivor.city, other.city);
        fill(survivor.country, other.country);
        fill(survivor.language, other.language);
        fill(survivor.company, other.company);
        fill(survivor.source, other.source);
        fill(survivor.channel, other.channel);
        if (!survivor.email) survivor.email = other.email;
        if (!survivor.phone) survivor.phone = other.phone;
        if (!survivor.birthday) survivor.birthday = other.birthday;
        if (!survivor.gender) survivor.gender = other.gender;
        if (!survivor.employee_count) survivor.employee_count = other.employee_count;
        std::optional<std::int64_t> inherited_referrer =
            other.referred_by != survivor_id ? other.referred_by : std::nullopt;
        if (!survivor.referred_by || survivor.referred_by == other_id) {
          survivor.referred_by = inherited_referrer;
        }
        {
          json::error_code ec;
          json::value mine = json::parse(survivor.attributes, ec);
          if (ec || !mine.is_object()) mine = json::object{};
          json::value theirs = json::parse(other.attributes, ec);
          if (!ec && theirs.is_object()) {
            for (const auto& [key, value] : theirs.get_object()) {
              if (!mine.get_object().contains(key)) mine.get_object()[key] = value;
            }
          }
          survivor.attributes = json::serialize(mine);
        }
        for (ConsentChannel channel : kConsentChannels) {
          Consent& mine = survivor.consent_for(channel);
          const Consent& theirs = other.consent_for(channel);
          if (!theirs.granted) continue;
          if (!mine.granted || theirs.at.value_or(0) > mine.at.value_or(0)) mine = theirs;
        }
        json::array tags_added;
        for (const auto& tag : other.tags) {
          if (!std::binary_search(survivor.tags.begin(), survivor.tags.end(), tag)) {
            tags_added.push_back(json::value(tag));
            survivor.tags.insert(std::lower_bound(survivor.tags.begin(), survivor.tags.end(), tag),
                                 tag);
          }
        }
        json::array anniversaries_added;
        for (const auto& a : other.anniversaries) {
          bool known = std::any_of(survivor.anniversaries.begin(), survivor.anniversaries.end(),
                                   [&](const Anniversary& b) { return same_anniversary(a, b); });
          if (!known && survivor.anniversaries.size() < kMaxAnniversaries) {
            survivor.anniversaries.push_back(a);
            anniversaries_added.push_back(
                json::object{{"kind", a.kind}, {"date", a.date}, {"label", a.label}});
          }
        }
        derive_keys(survivor);
        survivor.updated_at = now;

        const json::object after = merge_fields(survivor);
        json::array changes;
        for (const auto& [field, value] : before) {
          if (after.at(field) != value) {
            changes.push_back(
                json::object{{"field", field}, {"before", value}, {"after", after.at(field)}});
          }
        }
        ECRM_RETURN_IF_ERROR(repo_.update(c, survivor));
        if (!tags_added.empty())
          ECRM_RETURN_IF_ERROR(repo_.replace_tags(c, survivor_id, survivor.tags));
        if (!anniversaries_added.empty()) {
          ECRM_RETURN_IF_ERROR(repo_.replace_anniversaries(c, survivor_id, survivor.anniversaries));
        }
        ECRM_ASSIGN_OR_RETURN(auto referrals, repo_.move_referrals(c, other_id, survivor_id));
        json::object moved;
        for (CustomerRecords* records : records_) {
          ECRM_ASSIGN_OR_RETURN(auto ids, records->reassign(c, other_id, survivor_id));
          moved[records->name()] = id_array(ids);
        }
        json::object snapshot{{"changes", std::move(changes)},
                              {"tags_added", std::move(tags_added)},
                              {"anniversaries_added", std::move(anniversaries_added)},
                              {"referrals", id_array(referrals)},
                              {"records", std::move(moved)},
                              {"merged", customer_json(other)}};
        other.merged_into = survivor_id;
        other.updated_at = now;
        ECRM_RETURN_IF_ERROR(repo_.update(c, other));

        Merge merge;
        merge.survivor_id = survivor_id;
        merge.merged_id = other_id;
        merge.snapshot = json::serialize(snapshot);
        merge.merged_at = now;
        merge.merged_by = actor;
        ECRM_ASSIGN_OR_RETURN(merge.id, repo_.insert_merge(c, merge));
        return MergeOutcome{std::move(merge), std::move(survivor), std::move(other)};
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
        json::error_code ec;
        json::value parsed = json::parse(merge.snapshot, ec);
        if (ec || !parsed.is_object()) return Error::internal("unreadable merge snapshot");
        const json::object& snapshot = parsed.get_object();
        ECRM_ASSIGN_OR_RETURN(auto survivor, must_find(c, merge.survivor_id));
        ECRM_ASSIGN_OR_RETURN(auto other, must_find(c, merge.merged_id));
        const UnixMs now = now_ms();

        // Fields: put back those that still hold what the merge gave them.
        const json::object current = merge_fields(survivor);
        if (const auto* changes = snapshot.if_contains("changes"); changes && changes->is_array()) {
          for (const auto& change : changes->get_array()) {
            if (!change.is_object()) continue;
            const auto& o = change.get_object();
            const auto* field = o.if_contains("field");
            if (!field || !field->is_string() || !o.contains("before") || !o.contains("after")) {
              continue;
            }
            std::string name(field->get_string());
            if (current.contains(name) && current.at(name) == o.at("after")) {
              set_merge_field(survivor, name, o.at("before"));
            }
          }
        }
        bool tags_changed = false;
        if (const auto* added = snapshot.if_contains("tags_added"); added && added->is_array()) {
          for (const auto& tag : added->get_array()) {
            if (!tag.is_string()) continue;
            auto it = std::find(survivor.tags.begin(), survivor.tags.end(),
                                std::string(tag.get_string()));
            if (it != survivor.tags.end()) {
              survivor.tags.erase(it);
              tags_changed = true;
            }
          }
        }
        bool anniversaries_changed = false;
        if (const auto* added = snapshot.if_contains("anniversaries_added");
            added && added->is_array()) {
          for (const auto& item : added->get_array()) {
            if (!item.is_object()) continue;
            Anniversary a{string_of(item.get_object().at("kind")).value_or(""),
                          string_of(item.get_object().at("date")).value_or(""), ""};
            auto it = std::find_if(survivor.anniversaries.begin(), survivor.anniversaries.end(),
                                   [&](const Anniversary& b) { return same_anniversary(a, b); });
            if (it != survivor.anniversaries.end()) {
              survivor.anniversaries.erase(it);
              anniversaries_changed = true;
            }
          }
        }
        derive_keys(survivor);
        survivor.updated_at = now;
        ECRM_RETURN_IF_ERROR(repo_.update(c, survivor));
        if (tags_changed) ECRM_RETURN_IF_ERROR(repo_.replace_tags(c, survivor.id, survivor.tags));
        if (anniversaries_changed) {
          ECRM_RETURN_IF_ERROR(repo_.replace_anniversaries(c, survivor.id, survivor.anniversaries));
        }
        for (auto id : ids_of(snapshot.if_contains("referrals"))) {
          ECRM_RETURN_IF_ERROR(repo_.restore_referral(c, id, survivor.id, other.id));
        }
        const json::value* records = snapshot.if_contains("records");
        for (CustomerRecords* owner : records_) {
          const json::value* ids = records && records->is_object()
                                       ? records->get_object().if_contains(owner->name())
                                       : nullptr;
          auto list = ids_of(ids);
          if (!list.empty()) ECRM_RETURN_IF_ERROR(owner->restore(c, list, survivor.id, other.id));
        }
        other.merged_into.reset();
        other.updated_at = now;
        ECRM_RETURN_IF_ERROR(repo_.update(c, other));
        ECRM_RETURN_IF_ERROR(repo_.mark_merge_undone(c, merge_id, now));
        merge.undone_at = now;
        return MergeOutcome{std::move(merge), std::move(survivor), std::move(other)};
      });
}

Result<std::vector<Merge>> CustomerService::merges_of(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_RETURN_IF_ERROR(must_find(*lease, customer_id));
  return repo_.merges_of(*lease, customer_id);
}

Result<json::object> CustomerService::export_data(std::int64_t id) {
  return with_transaction<json::object>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<json::object> {
        ECRM_ASSIGN_OR_RETURN(auto x, must_find(c, id));
        json::object out{{"exported_at", now_ms()}, {"customer", customer_json(x)}};
        ECRM_ASSIGN_OR_RETURN(auto referrals, repo_.referrals_of(c, id));
        out["referred_customers"] = id_array(referrals);
        ECRM_ASSIGN_OR_RETURN(auto merges, repo_.merges_of(c, id));
        json::array merge_list;
        for (const auto& m : merges) merge_list.push_back(merge_json(m, false));
        out["merges"] = std::move(merge_list);
        for (CustomerRecords* records : records_) {
          ECRM_ASSIGN_OR_RETURN(auto data, records->export_records(c, id));
          out[records->name()] = std::move(data);
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

Result<CustomerSummary> CustomerService::summary(std::int64_t id) {
  return with_transaction<CustomerSummary>(
      db_, TxMode::kRead, [&](Connection& c) -> Result<CustomerSummary> {
        ECRM_RETURN_IF_ERROR(must_find(c, id));
        CustomerSummary summary;
        for (CustomerRecords* records : records_) {
          ECRM_RETURN_IF_ERROR(records->summarize(c, id, summary));
        }
        return summary;
      });
}

}  // namespace ecrm::customers
