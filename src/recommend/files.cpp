#include "recommend/files.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/csv.hpp"
#include "core/time.hpp"
#include "recommend/classes.hpp"
#include "recommend/fraction.hpp"

namespace ecrm::recommend {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Reads the header line; an empty input is an error naming the expected columns.
Result<CsvHeader> read_header(CsvReader& reader, std::string_view expected) {
  std::vector<std::string> fields;
  ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
  if (!more) {
    return csv_error(1, "empty file: expected a header with columns " + std::string(expected));
  }
  return CsvHeader(fields);
}

// The trimmed value of column `column` of a record, or an error when the record is too short or
// (when required) the value is empty.
Result<std::string_view> value_at(const std::vector<std::string>& fields, std::size_t column,
                                  std::size_t header_size, std::string_view name, std::int64_t line,
                                  bool required = true) {
  if (fields.size() <= column) {
    return csv_error(line,
                     "expected " + std::to_string(header_size) + " fields, found " +
                         std::to_string(fields.size()),
                     std::string(name));
  }
  std::string_view value = trim(fields[column]);
  if (required && value.empty()) {
    return csv_error(line, "empty " + std::string(name), std::string(name));
  }
  return value;
}

// Renumbers items by name and rewrites the given id lists.
void sort_items(ItemDictionary& items, TransactionSet& transactions) {
  std::vector<ItemId> mapping = items.sort_by_name();
  remap(transactions, mapping);
}

}  // namespace

Result<TransactionFile> read_baskets(std::istream& in) {
  TransactionFile file;
  CsvReader reader(in);
  std::vector<std::string> fields;
  std::vector<ItemId> basket;
  while (true) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    basket.clear();
    if (reader.line() == 1 && !fields.empty() && fields[0].rfind("\xEF\xBB\xBF", 0) == 0) {
      fields[0].erase(0, 3);  // a UTF-8 byte order mark
    }
    for (const std::string& field : fields) {
      std::string_view item = trim(field);
      if (!item.empty()) basket.push_back(file.items.intern(item));
    }
    if (!basket.empty()) file.transactions.add(basket);
  }
  file.transactions.item_count = file.items.size();
  sort_items(file.items, file.transactions);
  return file;
}

Result<TransactionFile> read_order_items(std::istream& in) {
  TransactionFile file;
  CsvReader reader(in);
  ECRM_ASSIGN_OR_RETURN(CsvHeader header, read_header(reader, "order_id,item"));
  ECRM_ASSIGN_OR_RETURN(std::size_t order_column, header.require("order_id"));
  ECRM_ASSIGN_OR_RETURN(std::size_t item_column, header.require("item"));
  std::unordered_map<std::string, std::uint32_t> order_index;
  std::vector<std::vector<ItemId>> orders;
  std::vector<std::string> fields;
  while (true) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    ECRM_ASSIGN_OR_RETURN(std::string_view order,
                          value_at(fields, order_column, header.size(), "order_id", reader.line()));
    ECRM_ASSIGN_OR_RETURN(std::string_view item,
                          value_at(fields, item_column, header.size(), "item", reader.line()));
    auto [it, inserted] =
        order_index.emplace(std::string(order), static_cast<std::uint32_t>(orders.size()));
    if (inserted) orders.emplace_back();
    orders[it->second].push_back(file.items.intern(item));
  }
  for (auto& items : orders) file.transactions.add(std::move(items));
  file.transactions.item_count = file.items.size();
  sort_items(file.items, file.transactions);
  return file;
}

Result<CustomerOrderFile> read_customer_orders(std::istream& in) {
  CustomerOrderFile file;
  CsvReader reader(in);
  ECRM_ASSIGN_OR_RETURN(CsvHeader header, read_header(reader, "customer_id,order_id,date,item"));
  ECRM_ASSIGN_OR_RETURN(std::size_t customer_column, header.require("customer_id"));
  ECRM_ASSIGN_OR_RETURN(std::size_t order_column, header.require("order_id"));
  ECRM_ASSIGN_OR_RETURN(std::size_t date_column, header.require("date"));
  ECRM_ASSIGN_OR_RETURN(std::size_t item_column, header.require("item"));
  const auto category_column = header.find("category");
  const auto price_column = header.find("price");
  const auto tier_column = header.find("tier");

  std::unordered_map<std::string, CustomerIndex> customer_index;
  std::unordered_map<std::string, std::uint32_t> order_index;  // "customer\x1forder" -> index
  std::vector<Product> catalog;
  std::vector<bool> priced;
  std::vector<std::string> fields;
  while (true) {
    ECRM_ASSIGN_OR_RETURN(bool more, reader.next(fields));
    if (!more) break;
    const std::int64_t line = reader.line();
    const std::size_t width = header.size();
    ECRM_ASSIGN_OR_RETURN(std::string_view customer,
                          value_at(fields, customer_column, width, "customer_id", line));
    ECRM_ASSIGN_OR_RETURN(std::string_view order,
                          value_at(fields, order_column, width, "order_id", line));
    ECRM_ASSIGN_OR_RETURN(std::string_view date_text,
                          value_at(fields, date_column, width, "date", line));
    ECRM_ASSIGN_OR_RETURN(std::string_view item_name,
                          value_at(fields, item_column, width, "item", line));
    auto date = parse_iso8601(date_text);
    if (!date) {
      return csv_error(line, "bad date '" + std::string(date_text) + "' (expected YYYY-MM-DD)",
                       "date");
    }
    ItemId item = file.items.intern(item_name);
    if (item >= catalog.size()) {
      catalog.resize(item + 1u);
      priced.resize(item + 1u, false);
    }
    if (category_column) {
      ECRM_ASSIGN_OR_RETURN(std::string_view category,
                            value_at(fields, *category_column, width, "category", line, false));
      if (catalog[item].category.empty()) catalog[item].category = std::string(category);
    }
    if (price_column) {
      ECRM_ASSIGN_OR_RETURN(std::string_view price_text,
                            value_at(fields, *price_column, width, "price", line, false));
      if (!price_text.empty()) {
        auto price = parse_fraction(price_text);
        if (!price.ok()) return csv_error(line, "bad price: " + price.error().message, "price");
        if (!priced[item]) {
          unsigned __int128 minor =
              (static_cast<unsigned __int128>(price->numerator) * 100 + price->denominator / 2) /
              price->denominator;
          catalog[item].price = static_cast<std::int64_t>(minor);
          priced[item] = true;
        }
      }
    }
    if (tier_column) {
      ECRM_ASSIGN_OR_RETURN(std::string_view tier_text,
                            value_at(fields, *tier_column, width, "tier", line, false));
      PriceTier tier = PriceTier::kUnknown;
      if (tier_text == "budget") {
        tier = PriceTier::kBudget;
      } else if (tier_text == "mid") {
        tier = PriceTier::kMid;
      } else if (tier_text == "premium") {
        tier = PriceTier::kPremium;
      } else if (!tier_text.empty()) {
        return csv_error(line, "bad tier '" + std::string(tier_text) + "' (budget, mid or premium)",
                         "tier");
      }
      if (catalog[item].tier == PriceTier::kUnknown) catalog[item].tier = tier;
    }
    auto [c_it, new_customer] = customer_index.emplace(
        std::string(customer), static_cast<CustomerIndex>(file.customer_ids.size()));
    if (new_customer) file.customer_ids.emplace_back(customer);
    std::string key;
    key.append(customer).push_back('\x1f');
    key.append(order);
    auto [o_it, new_order] =
        order_index.emplace(std::move(key), static_cast<std::uint32_t>(file.orders.size()));
    if (new_order) file.orders.push_back(Order{c_it->second, *date, {}});
    Order& target = file.orders[o_it->second];
    target.at_ms = std::min(target.at_ms, *date);
    target.items.push_back(item);
  }
  catalog.resize(file.items.size());
  std::vector<ItemId> mapping = file.items.sort_by_name();
  for (Order& order : file.orders) {
    for (ItemId& item : order.items) item = mapping[item];
    std::sort(order.items.begin(), order.items.end());
    order.items.erase(std::unique(order.items.begin(), order.items.end()), order.items.end());
  }
  if (category_column) {
    file.catalog.resize(catalog.size());
    for (ItemId old_id = 0; old_id < catalog.size(); ++old_id) {
      file.catalog[mapping[old_id]] = std::move(catalog[old_id]);
    }
    assign_price_tiers(file.catalog);
  }
  return file;
}

}  // namespace ecrm::recommend
