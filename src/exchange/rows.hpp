// From CSV rows to import records, for each entity in each supported column layout. Pure: no
// database, no files. Every error names the row's line and the column at fault.
//
// ecrm's own layout (what `ecrm export` writes; money in integer minor units, times ISO-8601):
//  customers: external_id, name, email, phone, birthday, gender, city, country, language, type,
//    company, employee_count, source, channel, referred_by (the referrer's external id), tags
//    (comma-separated), anniversaries ("kind:YYYY-MM-DD" separated by ';'), attributes (a JSON
//    object), email_consent / sms_consent / phone_consent (yes, no or empty). Matched on
//    external_id, else on the e-mail address.
//  products: sku, name, category ("Parent > Child"), brand, price, cost, currency, line, version,
//    stock_on_hand, active, consumable, repurchase_days. Matched on sku.
//  orders, one row per order line, the rows of one order next to each other: external_id,
//    customer_external_id or customer_email (customer_name, customer_phone), placed_at, channel,
//    status, status_at, currency, discount, shipping, tax, carrier, tracking_number, sku,
//    product_name, quantity, unit_price. Matched on external_id.
// Only the columns present are applied: a file with external_id and tags changes only tags.
//
// Shopify's exports (money in decimal major units, times like "2024-05-01 10:22:33 -0400"):
//  customers: Customer ID, First Name, Last Name, Email, Phone, Accepts Email Marketing (or
//    Accepts Marketing), Accepts SMS Marketing, Default Address Company / City / Country Code /
//    Phone (or Company, City, Country Code, Country), Tags, Note.
//  orders: Name (the order number, the match key), Email, Financial Status, Paid at,
//    Fulfillment Status, Fulfilled at, Currency, Shipping, Taxes, Discount Amount, Created at,
//    Cancelled at, Source, Lineitem quantity, Lineitem name, Lineitem price, Lineitem sku,
//    Billing Name, Billing Phone, Billing City, Billing Country. The order's own columns are
//    read from its first row.
//  products: Handle, Title, Vendor, Type (or Product Category), Variant SKU, Variant Price,
//    Cost per item, Variant Inventory Qty, Status; later rows of a handle are its variants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/model.hpp"
#include "core/csv.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "customers/service.hpp"
#include "exchange/model.hpp"
#include "orders/model.hpp"

namespace ecrm::exchange {

// The layout a header row is in, for kAuto.
Format detect_format(Entity entity, const std::vector<std::string>& header);

struct CustomerRecord {
  std::int64_t line = 0;
  customers::CustomerInput input;
  std::optional<std::string> referrer_external_id;  // engaged empty string: clear
  // The match key when there is no external id: the normalised e-mail address.
  std::optional<std::string> email_key;
};

struct ProductRecord {
  std::int64_t line = 0;
  std::string sku;
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> category_path;  // engaged empty: uncategorised
  std::optional<std::string> brand;
  std::optional<std::int64_t> price;
  std::optional<std::optional<std::int64_t>> cost;
  std::optional<std::string> currency;
  std::optional<std::string> line_name;
  std::optional<int> version;
  std::optional<std::int64_t> stock_on_hand;
  std::optional<bool> active;
  std::optional<bool> consumable;
  std::optional<std::optional<int>> repurchase_days;
};

struct OrderLineRecord {
  std::int64_t line = 0;
  std::string sku;   // may be empty in Shopify files: the name identifies the product then
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;
};

struct OrderRecord {
  std::int64_t line = 0;  // of its first row
  std::string external_id;
  std::optional<std::string> customer_external_id;
  std::optional<std::string> customer_email;
  std::string customer_name;
  std::string customer_phone;
  std::string customer_city;
  std::string customer_country;
  orders::Channel channel = orders::Channel::kWeb;
  std::string currency;
  std::int64_t discount = 0;
  std::int64_t shipping = 0;
  std::int64_t tax = 0;
  UnixMs placed_at = 0;
  orders::OrderStatus status = orders::OrderStatus::kPlaced;
  // Status changes after `placed`, oldest first (the last one is `status`).
  std::vector<std::pair<orders::OrderStatus, UnixMs>> history;
  std::string carrier;
  std::string tracking_number;
  std::vector<OrderLineRecord> lines;
  bool bad = false;  // a row of it had an error: the whole order is left out
};

// Reads customer rows of one layout (kEcrm or kShopify).
class CustomerRows {
 public:
  // Checks the header: kInvalidArgument naming line 1 when a required column is missing.
  static Result<CustomerRows> bind(const std::vector<std::string>& header, Format format);
  Result<CustomerRecord> parse(const std::vector<std::string>& fields, std::int64_t line) const;

 private:
  Format format_ = Format::kEcrm;
  std::vector<std::optional<std::size_t>> columns_;
};

class ProductRows {
 public:
  static Result<ProductRows> bind(const std::vector<std::string>& header, Format format);
  // Shopify variant rows inherit the title, vendor and type of their handle's first row, so
  // rows must be parsed in file order.
  Result<ProductRecord> parse(const std::vector<std::string>& fields, std::int64_t line);

 private:
  Format format_ = Format::kEcrm;
  std::vector<std::optional<std::size_t>> columns_;
  std::string handle_, title_, vendor_, type_;
};

// Turns order-line rows into orders: rows with the same order key next to each other form one
// order. Feed rows with add(); an order is complete when a row of another order arrives or at
// finish().
class OrderRows {
 public:
  static Result<OrderRows> bind(const std::vector<std::string>& header, Format format);
  // Adds a row. Returns the order the previous rows formed when this row starts a new one.
  // Errors are recorded in `errors` (and the order marked bad).
  std::optional<OrderRecord> add(const std::vector<std::string>& fields, std::int64_t line,
                                 std::vector<RowError>& errors);
  std::optional<OrderRecord> finish();

 private:
  Result<OrderRecord> parse_header(const std::vector<std::string>& fields, std::int64_t line) const;
  Result<OrderLineRecord> parse_line(const std::vector<std::string>& fields, std::int64_t line,
                                     const std::string& currency) const;

  Format format_ = Format::kEcrm;
  std::vector<std::optional<std::size_t>> columns_;
  std::optional<OrderRecord> current_;
};

// Text helpers shared with the tests.
// ISO-8601, "YYYY-MM-DD", or Shopify's "YYYY-MM-DD HH:MM:SS +HHMM".
std::optional<UnixMs> parse_time_text(std::string_view text);
// yes/no, true/false, 1/0, y/n (any case); nullopt for anything else.
std::optional<bool> parse_yes_no(std::string_view text);

}  // namespace ecrm::exchange
