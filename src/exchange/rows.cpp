#include "exchange/rows.hpp"

#include "core/money.hpp"
#include "http/wire.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <limits>

namespace ecrm::exchange {
namespace {

using orders::OrderStatus;

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// A column the reader looks for, under its name in each layout ("" when the layout lacks it;
// several Shopify names separated by '|').
struct ColumnSpec {
  std::string_view ecrm;
  std::string_view shopify;
};

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t pos = text.find(sep, start);
    out.push_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string header_key(std::string_view name) {
  // Header names compare without surrounding spaces, a UTF-8 BOM or case.
  if (name.size() >= 3 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);
  return lower(trim_view(name));
}

// Column positions for `specs` in `header` (nullopt when absent).
std::vector<std::optional<std::size_t>> bind_columns(const std::vector<std::string>& header,
                                                     std::span<const ColumnSpec> specs,
                                                     Format format) {
  std::vector<std::string> keys;
  keys.reserve(header.size());
  for (const auto& h : header) keys.push_back(header_key(h));
  std::vector<std::optional<std::size_t>> out(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::string_view names = format == Format::kShopify ? specs[i].shopify : specs[i].ecrm;
    if (names.empty()) continue;
    for (auto name : split(names, '|')) {
      auto it = std::find(keys.begin(), keys.end(), lower(name));
      if (it != keys.end()) {
        out[i] = static_cast<std::size_t>(it - keys.begin());
        break;
      }
    }
  }
  return out;
}

Status require_columns(const std::vector<std::optional<std::size_t>>& columns,
                       std::span<const ColumnSpec> specs, Format format,
                       std::initializer_list<std::size_t> required) {
  for (std::size_t key : required) {
    if (columns[key]) continue;
    std::string_view names = format == Format::kShopify ? specs[key].shopify : specs[key].ecrm;
    std::string name(split(names, '|').front());
    return csv_error(1, "missing column '" + name + "'", name);
  }
  return {};
}

// The cell for `key`: nullopt when the file has no such column; trimmed text otherwise.
std::optional<std::string_view> cell(const std::vector<std::optional<std::size_t>>& columns,
                                     const std::vector<std::string>& fields, std::size_t key) {
  if (!columns[key]) return std::nullopt;
  std::size_t index = *columns[key];
  if (index >= fields.size()) return std::string_view{};
  return trim_view(fields[index]);
}

// The column's name in the file's layout, for error messages.
std::string column_name(std::span<const ColumnSpec> specs, Format format, std::size_t key) {
  std::string_view names = format == Format::kShopify ? specs[key].shopify : specs[key].ecrm;
  return std::string(split(names, '|').front());
}

Error row_error(std::int64_t line, std::string field, std::string message) {
  return Error::invalid("line " + std::to_string(line) + ": " + message, std::move(field));
}

Result<std::int64_t> parse_integer(std::string_view text, std::int64_t line,
                                   const std::string& field, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return row_error(line, field, field + " must be a whole number, not '" + std::string(text) + "'");
  }
  if (value < min || value > max) {
    return row_error(line, field,
                     field + " must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

constexpr std::int64_t kMaxAmount = 1'000'000'000'000'000;  // minor units

// --- customers --------------------------------------------------------------------------------

enum CustomerColumn : std::size_t {
  kCExternalId, kCName, kCFirstName, kCLastName, kCEmail, kCPhone, kCAddressPhone, kCBirthday,
  kCGender, kCCity, kCCountry, kCLanguage, kCType, kCCompany, kCEmployees, kCSource, kCChannel,
  kCReferredBy, kCTags, kCAnniversaries, kCAttributes, kCEmailConsent, kCSmsConsent,
  kCPhoneConsent, kCNote, kCCustomerColumns
};

constexpr ColumnSpec kCustomerSpecs[kCCustomerColumns] = {
    {"external_id", "Customer ID"},
    {"name", ""},
    {"", "First Name"},
    {"", "Last Name"},
    {"email", "Email"},
    {"phone", "Phone"},
    {"", "Default Address Phone"},
    {"birthday", ""},
    {"gender", ""},
    {"city", "Default Address City|City"},
    {"country", "Default Address Country Code|Country Code|Country"},
    {"language", ""},
    {"type", ""},
    {"company", "Default Address Company|Company"},
    {"employee_count", ""},
    {"source", ""},
    {"channel", ""},
    {"referred_by", ""},
    {"tags", "Tags"},
    {"anniversaries", ""},
    {"attributes", ""},
    {"email_consent", "Accepts Email Marketing|Accepts Marketing"},
    {"sms_consent", "Accepts SMS Marketing"},
    {"phone_consent", ""},
    {"", "Note"},
};

std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> tags;
  for (auto part : split(text, ',')) {
    auto tag = trim_view(part);
    if (!tag.empty()) tags.emplace_back(tag);
  }
  return tags;
}

// A consent column: yes or no records a decision, empty clears it (never asked).
Result<std::optional<std::optional<customers::ConsentDecision>>> parse_consent(
    std::optional<std::string_view> text, std::int64_t line, const std::string& field,
    const std::string& how) {
  using Change = std::optional<std::optional<customers::ConsentDecision>>;
  if (!text) return Change();
  if (text->empty()) return Change(std::optional<customers::ConsentDecision>());
  auto granted = parse_yes_no(*text);
  if (!granted) return row_error(line, field, field + " must be yes or no");
  return Change(customers::ConsentDecision{*granted, std::nullopt, how});
}

}  // namespace

Format detect_format(Entity entity, const std::vector<std::string>& header) {
  std::vector<std::string> keys;
  for (const auto& h : header) keys.push_back(header_key(h));
  auto has = [&](std::string_view name) {
    return std::find(keys.begin(), keys.end(), lower(name)) != keys.end();
  };
  switch (entity) {
    case Entity::kCustomers:
      return has("first name") && has("email") && !has("external_id") ? Format::kShopify
                                                                       : Format::kEcrm;
    case Entity::kProducts:
      return has("handle") && has("variant sku") ? Format::kShopify : Format::kEcrm;
    case Entity::kOrders:
      return has("lineitem quantity") ? Format::kShopify : Format::kEcrm;
  }
  return Format::kEcrm;
}

Result<CustomerRows> CustomerRows::bind(const std::vector<std::string>& header, Format format) {
  CustomerRows rows;
  rows.format_ = format;
  rows.columns_ = bind_columns(header, kCustomerSpecs, format);
  const auto& c = rows.columns_;
  if (!c[kCExternalId] && !c[kCEmail]) {
    std::string names = format == Format::kShopify ? "'Customer ID' or 'Email'"
                                                    : "'external_id' or 'email'";
    return csv_error(1, "missing column: the file needs " + names + " to match customers",
                     format == Format::kShopify ? "Email" : "external_id");
  }
  return rows;
}

Result<CustomerRecord> CustomerRows::parse(const std::vector<std::string>& fields,
                                           std::int64_t line) const {
  const bool shopify = format_ == Format::kShopify;
  auto get = [&](std::size_t key) { return cell(columns_, fields, key); };
  auto name_of = [&](std::size_t key) { return column_name(kCustomerSpecs, format_, key); };
  auto str = [](std::optional<std::string_view> v) {
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  };
  CustomerRecord record;
  record.line = line;
  auto& in = record.input;
  in.external_id = str(get(kCExternalId));
  if (shopify) {
    auto first = get(kCFirstName), last = get(kCLastName);
    if (first || last) {
      std::string name(first.value_or(""));
      if (last && !last->empty()) name += (name.empty() ? "" : " ") + std::string(*last);
      in.name = name;
    }
  } else {
    in.name = str(get(kCName));
  }
  in.email = str(get(kCEmail));
  in.phone = str(get(kCPhone));
  if (shopify && (!in.phone || in.phone->empty())) {
    if (auto p = get(kCAddressPhone); p && !p->empty()) in.phone = std::string(*p);
  }
  in.birthday = str(get(kCBirthday));
  in.gender = str(get(kCGender));
  in.city = str(get(kCCity));
  in.country = str(get(kCCountry));
  in.language = str(get(kCLanguage));
  if (auto type = get(kCType); type && !type->empty()) {
    in.type = wire::parse_enum<customers::CustomerType>(lower(*type));
    if (!in.type) {
      return row_error(
          line, "type",
          "type must be " + wire::one_of_text(wire::enum_names<customers::CustomerType>()));
    }
  }
  in.company = str(get(kCCompany));
  if (auto count = get(kCEmployees)) {
    if (count->empty()) {
      in.employee_count = std::optional<std::int64_t>();
    } else {
      ECRM_ASSIGN_OR_RETURN(auto n, parse_integer(*count, line, name_of(kCEmployees), 0,
                                                  10'000'000));
      in.employee_count = std::optional<std::int64_t>(n);
    }
  }
  in.source = str(get(kCSource));
  in.channel = str(get(kCChannel));
  if (shopify && !in.source) in.source = "shopify";
  if (auto referrer = get(kCReferredBy)) record.referrer_external_id = std::string(*referrer);
  if (auto tags = get(kCTags)) in.tags = split_tags(*tags);
  if (auto list = get(kCAnniversaries)) {
    std::vector<customers::AnniversaryInput> anniversaries;
    for (auto part : split(*list, ';')) {
      auto item = trim_view(part);
      if (item.empty()) continue;
      auto colon = item.rfind(':');
      if (colon == std::string_view::npos) {
        return row_error(line, "anniversaries",
                         "anniversaries must be kind:YYYY-MM-DD separated by ';', not '" +
                             std::string(item) + "'");
      }
      anniversaries.push_back({std::string(trim_view(item.substr(0, colon))),
                               std::string(trim_view(item.substr(colon + 1))), std::nullopt});
    }
    in.anniversaries = std::move(anniversaries);
  }
  in.attributes = str(get(kCAttributes));
  if (in.attributes && in.attributes->empty()) in.attributes = "{}";
  if (shopify) {
    if (auto note = get(kCNote); note && !note->empty()) {
      boost::json::object attributes{{"note", std::string(*note)}};
      in.attributes = boost::json::serialize(attributes);
    }
  }
  const std::string how = shopify ? "shopify import" : "import";
  if (get(kCEmailConsent) || get(kCSmsConsent) || get(kCPhoneConsent)) {
    auto& consent = in.consent.emplace();
    for (auto [column, change] :
         {std::pair{kCEmailConsent, &consent.email}, std::pair{kCSmsConsent, &consent.sms},
          std::pair{kCPhoneConsent, &consent.phone}}) {
      ECRM_ASSIGN_OR_RETURN(*change, parse_consent(get(column), line, name_of(column), how));
    }
  }
  bool has_external = in.external_id && !in.external_id->empty();
  if (!has_external) {
    if (!in.email || in.email->empty()) {
      std::string field = name_of(columns_[kCExternalId] ? kCExternalId : kCEmail);
      return row_error(line, field,
                       "a row needs " +
                           std::string(shopify ? "a Customer ID or an Email"
                                               : "an external_id or an email") +
                           " so that importing it again updates the same customer");
    }
    auto key = customers::normalize_email(*in.email);
    if (!key.ok()) return row_error(line, name_of(kCEmail), key.error().message);
    record.email_key = *key;
  }
  return record;
}

// --- products ---------------------------------------------------------------------------------

namespace {

enum ProductColumn : std::size_t {
  kPSku, kPName, kPCategory, kPBrand, kPPrice, kPCost, kPCurrency, kPLine, kPVersion, kPStock,
  kPActive, kPConsumable, kPRepurchase, kPHandle, kPStatus, kProductColumns
};

constexpr ColumnSpec kProductSpecs[kProductColumns] = {
    {"sku", "Variant SKU"},
    {"name", "Title"},
    {"category", "Type|Product Category"},
    {"brand", "Vendor"},
    {"price", "Variant Price"},
    {"cost", "Cost per item"},
    {"currency", ""},
    {"line", ""},
    {"version", ""},
    {"stock_on_hand", "Variant Inventory Qty"},
    {"active", ""},
    {"consumable", ""},
    {"repurchase_days", ""},
    {"", "Handle"},
    {"", "Status"},
};

std::vector<std::string> category_path(std::string_view text) {
  std::vector<std::string> path;
  for (auto part : split(text, '>')) {
    auto name = trim_view(part);
    if (!name.empty()) path.emplace_back(name);
  }
  return path;
}

}  // namespace

Result<ProductRows> ProductRows::bind(const std::vector<std::string>& header, Format format) {
  ProductRows rows;
  rows.format_ = format;
  rows.columns_ = bind_columns(header, kProductSpecs, format);
  if (format == Format::kShopify) {
    ECRM_RETURN_IF_ERROR(require_columns(rows.columns_, kProductSpecs, format, {kPHandle, kPSku}));
  } else {
    ECRM_RETURN_IF_ERROR(require_columns(rows.columns_, kProductSpecs, format, {kPSku}));
  }
  return rows;
}

Result<ProductRecord> ProductRows::parse(const std::vector<std::string>& fields,
                                         std::int64_t line) {
  const bool shopify = format_ == Format::kShopify;
  auto get = [&](std::size_t key) { return cell(columns_, fields, key); };
  auto name_of = [&](std::size_t key) { return column_name(kProductSpecs, format_, key); };
  ProductRecord record;
  record.line = line;
  std::optional<std::string_view> title = get(kPName), vendor = get(kPBrand), type = get(kPCategory);
  if (shopify) {
    std::string handle(get(kPHandle).value_or(""));
    if (handle != handle_ || (title && !title->empty())) {
      handle_ = handle;
      title_ = std::string(title.value_or(""));
      vendor_ = std::string(vendor.value_or(""));
      type_ = std::string(type.value_or(""));
    }
    title = title_;
    vendor = vendor_;
    type = type_;
  }
  record.sku = std::string(get(kPSku).value_or(""));
  if (record.sku.empty()) return row_error(line, name_of(kPSku), name_of(kPSku) + " is required");
  if (title) record.name = std::string(*title);
  if (type) record.category_path = category_path(*type);
  if (vendor) record.brand = std::string(*vendor);
  if (auto currency = get(kPCurrency); currency && !currency->empty()) {
    record.currency = std::string(*currency);
  }
  auto money = [&](std::size_t key) -> Result<std::optional<std::int64_t>> {
    auto text = get(key);
    if (!text || text->empty()) return std::optional<std::int64_t>();
    if (shopify) {
      auto value = parse_money(*text, record.currency.value_or("USD"));
      if (!value.ok()) return row_error(line, name_of(key), value.error().message);
      return std::optional<std::int64_t>(*value);
    }
    ECRM_ASSIGN_OR_RETURN(auto value, parse_integer(*text, line, name_of(key), 0, kMaxAmount));
    return std::optional<std::int64_t>(value);
  };
  ECRM_ASSIGN_OR_RETURN(record.price, money(kPPrice));
  if (auto cost = get(kPCost)) {
    ECRM_ASSIGN_OR_RETURN(auto value, money(kPCost));
    record.cost = value;
  }
  if (auto text = get(kPLine)) record.line_name = std::string(*text);
  if (auto text = get(kPVersion); text && !text->empty()) {
    ECRM_ASSIGN_OR_RETURN(auto v, parse_integer(*text, line, name_of(kPVersion), 1, 1'000'000));
    record.version = static_cast<int>(v);
  }
  if (auto text = get(kPStock); text && !text->empty()) {
    ECRM_ASSIGN_OR_RETURN(record.stock_on_hand,
                          parse_integer(*text, line, name_of(kPStock), -1'000'000'000,
                                        1'000'000'000));
  }
  auto flag = [&](std::size_t key) -> Result<std::optional<bool>> {
    auto text = get(key);
    if (!text || text->empty()) return std::optional<bool>();
    auto value = parse_yes_no(*text);
    if (!value) return row_error(line, name_of(key), name_of(key) + " must be yes or no");
    return std::optional<bool>(*value);
  };
  ECRM_ASSIGN_OR_RETURN(record.active, flag(kPActive));
  ECRM_ASSIGN_OR_RETURN(record.consumable, flag(kPConsumable));
  if (shopify) {
    if (auto status = get(kPStatus); status && !status->empty()) {
      std::string s = lower(*status);
      if (s != "active" && s != "draft" && s != "archived") {
        return row_error(line, "Status", "Status must be active, draft or archived");
      }
      record.active = s == "active";
    }
  }
  if (auto text = get(kPRepurchase)) {
    if (text->empty()) {
      record.repurchase_days = std::optional<int>();
    } else {
      ECRM_ASSIGN_OR_RETURN(auto days, parse_integer(*text, line, name_of(kPRepurchase), 1, 3650));
      record.repurchase_days = std::optional<int>(static_cast<int>(days));
    }
  }
  return record;
}

// --- orders -----------------------------------------------------------------------------------

namespace {

enum OrderColumn : std::size_t {
  kOExternalId, kOCustomerExternalId, kOEmail, kOCustomerName, kOCustomerPhone, kOCity,
  kOCountry, kOPlacedAt, kOChannel, kOStatus, kOStatusAt, kOCurrency, kODiscount, kOShipping,
  kOTax, kOCarrier, kOTracking, kOSku, kOProductName, kOQuantity, kOUnitPrice, kOFinancial,
  kOPaidAt, kOFulfillment, kOFulfilledAt, kOCancelledAt, kOSource, kOrderColumns
};

constexpr ColumnSpec kOrderSpecs[kOrderColumns] = {
    {"external_id", "Name"},
    {"customer_external_id", ""},
    {"customer_email", "Email"},
    {"customer_name", "Billing Name"},
    {"customer_phone", "Billing Phone|Phone"},
    {"", "Billing City"},
    {"", "Billing Country"},
    {"placed_at", "Created at"},
    {"channel", ""},
    {"status", ""},
    {"status_at", ""},
    {"currency", "Currency"},
    {"discount", "Discount Amount"},
    {"shipping", "Shipping"},
    {"tax", "Taxes"},
    {"carrier", ""},
    {"tracking_number", ""},
    {"sku", "Lineitem sku"},
    {"product_name", "Lineitem name"},
    {"quantity", "Lineitem quantity"},
    {"unit_price", "Lineitem price"},
    {"", "Financial Status"},
    {"", "Paid at"},
    {"", "Fulfillment Status"},
    {"", "Fulfilled at"},
    {"", "Cancelled at"},
    {"", "Source"},
};

orders::Channel shopify_channel(std::string_view source) {
  std::string s = lower(source);
  if (s == "pos") return orders::Channel::kStore;
  if (s == "iphone" || s == "android" || s == "shopify_mobile") return orders::Channel::kApp;
  if (s == "shopify_draft_order") return orders::Channel::kPhone;
  return orders::Channel::kWeb;
}

}  // namespace

Result<OrderRows> OrderRows::bind(const std::vector<std::string>& header, Format format) {
  OrderRows rows;
  rows.format_ = format;
  rows.columns_ = bind_columns(header, kOrderSpecs, format);
  const auto& c = rows.columns_;
  if (format == Format::kShopify) {
    ECRM_RETURN_IF_ERROR(require_columns(c, kOrderSpecs, format,
                                         {kOExternalId, kOEmail, kOPlacedAt, kOQuantity,
                                          kOUnitPrice, kOProductName}));
  } else {
    ECRM_RETURN_IF_ERROR(require_columns(c, kOrderSpecs, format,
                                         {kOExternalId, kOPlacedAt, kOSku, kOQuantity, kOUnitPrice}));
    if (!c[kOCustomerExternalId] && !c[kOEmail]) {
      return csv_error(1, "missing column: the file needs 'customer_external_id' or 'customer_email'",
                       "customer_external_id");
    }
  }
  return rows;
}

Result<OrderRecord> OrderRows::parse_header(const std::vector<std::string>& fields,
                                            std::int64_t line) const {
  const bool shopify = format_ == Format::kShopify;
  auto get = [&](std::size_t key) { return cell(columns_, fields, key); };
  auto name_of = [&](std::size_t key) { return column_name(kOrderSpecs, format_, key); };
  OrderRecord o;
  o.line = line;
  o.external_id = std::string(get(kOExternalId).value_or(""));
  if (auto v = get(kOCustomerExternalId); v && !v->empty()) o.customer_external_id = std::string(*v);
  if (auto v = get(kOEmail); v && !v->empty()) o.customer_email = std::string(*v);
  o.customer_name = std::string(get(kOCustomerName).value_or(""));
  o.customer_phone = std::string(get(kOCustomerPhone).value_or(""));
  o.customer_city = std::string(get(kOCity).value_or(""));
  o.customer_country = std::string(get(kOCountry).value_or(""));
  if (!o.customer_external_id && !o.customer_email) {
    std::string field = name_of(columns_[kOCustomerExternalId] ? kOCustomerExternalId : kOEmail);
    return row_error(line, field, shopify ? "Email is required to find the customer"
                                          : "customer_external_id or customer_email is required");
  }
  if (o.customer_email) {
    auto normalized = customers::normalize_email(*o.customer_email);
    if (!normalized.ok()) return row_error(line, name_of(kOEmail), normalized.error().message);
  }
  auto time_of = [&](std::size_t key, bool required) -> Result<std::optional<UnixMs>> {
    auto text = get(key);
    if (!text || text->empty()) {
      if (required) return row_error(line, name_of(key), name_of(key) + " is required");
      return std::optional<UnixMs>();
    }
    auto t = parse_time_text(*text);
    if (!t) {
      return row_error(line, name_of(key),
                       name_of(key) + " must be a date-time such as 2024-05-01T10:22:33Z, not '" +
                           std::string(*text) + "'");
    }
    return std::optional<UnixMs>(*t);
  };
  ECRM_ASSIGN_OR_RETURN(auto placed, time_of(kOPlacedAt, true));
  o.placed_at = *placed;
  o.currency = std::string(get(kOCurrency).value_or(""));
  if (o.currency.empty()) o.currency = "USD";
  for (char& ch : o.currency) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (o.currency.size() != 3 ||
      !std::all_of(o.currency.begin(), o.currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    return row_error(line, name_of(kOCurrency), "currency must be a 3-letter ISO 4217 code");
  }
  auto amount = [&](std::size_t key) -> Result<std::int64_t> {
    auto text = get(key);
    if (!text || text->empty()) return std::int64_t{0};
    if (shopify) {
      auto value = parse_money(*text, o.currency);
      if (!value.ok()) return row_error(line, name_of(key), value.error().message);
      if (*value < 0) return row_error(line, name_of(key), name_of(key) + " must not be negative");
      return *value;
    }
    return parse_integer(*text, line, name_of(key), 0, kMaxAmount);
  };
  ECRM_ASSIGN_OR_RETURN(o.discount, amount(kODiscount));
  ECRM_ASSIGN_OR_RETURN(o.shipping, amount(kOShipping));
  ECRM_ASSIGN_OR_RETURN(o.tax, amount(kOTax));
  o.carrier = std::string(get(kOCarrier).value_or(""));
  o.tracking_number = std::string(get(kOTracking).value_or(""));
  if (shopify) {
    o.channel = shopify_channel(get(kOSource).value_or(""));
    ECRM_ASSIGN_OR_RETURN(auto paid_at, time_of(kOPaidAt, false));
    ECRM_ASSIGN_OR_RETURN(auto fulfilled_at, time_of(kOFulfilledAt, false));
    ECRM_ASSIGN_OR_RETURN(auto cancelled_at, time_of(kOCancelledAt, false));
    std::string financial = lower(get(kOFinancial).value_or(""));
    std::string fulfillment = lower(get(kOFulfillment).value_or(""));
    bool paid = paid_at || financial == "paid" || financial == "partially_refunded" ||
                financial == "refunded" || financial == "partially_paid";
    if (paid) o.history.emplace_back(OrderStatus::kPaid, paid_at.value_or(o.placed_at));
    if (cancelled_at || financial == "voided") {
      UnixMs at = cancelled_at.value_or(o.history.empty() ? o.placed_at : o.history.back().second);
      if (!o.history.empty() && at < o.history.back().second) at = o.history.back().second;
      o.history.emplace_back(OrderStatus::kCancelled, at);
    } else if (fulfillment == "fulfilled" || fulfilled_at) {
      UnixMs at = fulfilled_at.value_or(o.history.empty() ? o.placed_at : o.history.back().second);
      o.history.emplace_back(OrderStatus::kShipped, at);
      if (financial == "refunded") o.history.emplace_back(OrderStatus::kReturned, at);
    }
  } else {
    if (auto channel = get(kOChannel); channel && !channel->empty()) {
      auto parsed = wire::parse_enum<orders::Channel>(lower(*channel));
      if (!parsed) {
        return row_error(line, "channel", "channel must be web, app, phone, store or partner");
      }
      o.channel = *parsed;
    }
    if (auto status = get(kOStatus); status && !status->empty()) {
      auto parsed = wire::parse_enum<orders::OrderStatus>(lower(*status));
      if (!parsed) {
        return row_error(line, "status",
                         "status must be placed, paid, shipped, delivered, returned or cancelled");
      }
      ECRM_ASSIGN_OR_RETURN(auto at, time_of(kOStatusAt, false));
      if (*parsed != OrderStatus::kPlaced) o.history.emplace_back(*parsed, at.value_or(o.placed_at));
    }
  }
  if (shopify) {
    for (auto& [status, at] : o.history) {
      if (at < o.placed_at) at = o.placed_at;
    }
  }
  if (!o.history.empty()) o.status = o.history.back().first;
  if (!shopify && !o.history.empty() && o.history.back().second < o.placed_at) {
    return row_error(line, "status_at", "status_at must not be before placed_at");
  }
  return o;
}

Result<OrderLineRecord> OrderRows::parse_line(const std::vector<std::string>& fields,
                                              std::int64_t line,
                                              const std::string& currency) const {
  const bool shopify = format_ == Format::kShopify;
  auto get = [&](std::size_t key) { return cell(columns_, fields, key); };
  auto name_of = [&](std::size_t key) { return column_name(kOrderSpecs, format_, key); };
  OrderLineRecord l;
  l.line = line;
  l.sku = std::string(get(kOSku).value_or(""));
  l.name = std::string(get(kOProductName).value_or(""));
  if (l.sku.empty() && (!shopify || l.name.empty())) {
    return row_error(line, name_of(kOSku), name_of(kOSku) + " is required");
  }
  auto qty = get(kOQuantity).value_or("");
  if (qty.empty()) return row_error(line, name_of(kOQuantity), name_of(kOQuantity) + " is required");
  ECRM_ASSIGN_OR_RETURN(l.quantity, parse_integer(qty, line, name_of(kOQuantity), 1, 1'000'000));
  auto price = get(kOUnitPrice).value_or("");
  if (price.empty()) {
    return row_error(line, name_of(kOUnitPrice), name_of(kOUnitPrice) + " is required");
  }
  if (shopify) {
    auto value = parse_money(price, currency);
    if (!value.ok()) return row_error(line, name_of(kOUnitPrice), value.error().message);
    if (*value < 0) {
      return row_error(line, name_of(kOUnitPrice), name_of(kOUnitPrice) + " must not be negative");
    }
    l.unit_price = *value;
  } else {
    ECRM_ASSIGN_OR_RETURN(l.unit_price,
                          parse_integer(price, line, name_of(kOUnitPrice), 0, kMaxAmount / 1'000'000));
  }
  return l;
}

std::optional<OrderRecord> OrderRows::add(const std::vector<std::string>& fields,
                                          std::int64_t line, std::vector<RowError>& errors) {
  auto key = cell(columns_, fields, kOExternalId).value_or("");
  std::optional<OrderRecord> completed;
  auto fail = [&](const Error& e) {
    errors.push_back({line, e.field, e.message});
  };
  if (key.empty()) {
    // Without an order key the row cannot join an order or start one.
    fail(row_error(line, column_name(kOrderSpecs, format_, kOExternalId),
                   column_name(kOrderSpecs, format_, kOExternalId) + " is required"));
    return completed;
  }
  if (!current_ || current_->external_id != key) {
    if (current_) completed = std::move(current_);
    current_.reset();
    auto header = parse_header(fields, line);
    if (!header.ok()) {
      OrderRecord bad;
      bad.line = line;
      bad.external_id = std::string(key);
      bad.bad = true;
      current_ = std::move(bad);
      fail(header.error());
      return completed;
    }
    current_ = std::move(header).value();
  }
  if (current_->bad) {
    // Later rows of a bad order are checked too, so every bad row is reported at once.
    auto l = parse_line(fields, line, current_->currency.empty() ? "USD" : current_->currency);
    if (!l.ok()) fail(l.error());
    return completed;
  }
  if (current_->lines.size() >= 10'000) {
    fail(row_error(line, "", "an order has at most 10,000 lines"));
    current_->bad = true;
    return completed;
  }
  auto l = parse_line(fields, line, current_->currency);
  if (!l.ok()) {
    fail(l.error());
    current_->bad = true;
    return completed;
  }
  current_->lines.push_back(std::move(l).value());
  return completed;
}

std::optional<OrderRecord> OrderRows::finish() {
  std::optional<OrderRecord> out = std::move(current_);
  current_.reset();
  return out;
}

// --- text helpers -----------------------------------------------------------------------------

std::optional<UnixMs> parse_time_text(std::string_view text) {
  text = trim_view(text);
  if (auto t = parse_iso8601(text)) return t;
  // Shopify: "2024-05-01 10:22:33 -0400" (or "+0800").
  if (text.size() == 25 && text[10] == ' ' && text[19] == ' ' &&
      (text[20] == '+' || text[20] == '-')) {
    std::string iso(text.substr(0, 10));
    iso += 'T';
    iso += text.substr(11, 8);
    iso += text.substr(20, 3);
    iso += ':';
    iso += text.substr(23, 2);
    return parse_iso8601(iso);
  }
  return std::nullopt;
}

std::optional<bool> parse_yes_no(std::string_view text) {
  std::string s = lower(trim_view(text));
  if (s == "yes" || s == "y" || s == "true" || s == "1") return true;
  if (s == "no" || s == "n" || s == "false" || s == "0") return false;
  return std::nullopt;
}

}  // namespace ecrm::exchange
