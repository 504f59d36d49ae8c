// Readers for the analysts' input files of `ecrm rules` and `ecrm recommend`. The only part of
// recommend/ that parses text; every error is kInvalidArgument with a message that starts
// "line N: " (N is the physical line the bad record starts on).
//
// In every reader items are named by their text with surrounding spaces and tabs trimmed, and item
// ids are numbered in byte-wise name order (so the engines' tie-breaks by id come out
// alphabetical).
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "recommend/evaluate.hpp"
#include "recommend/items.hpp"
#include "recommend/model.hpp"

namespace ecrm::recommend {

struct TransactionFile {
  ItemDictionary items;
  TransactionSet transactions;
};

// The "groceries" basket layout: no header; one transaction per line; items separated by commas,
// optionally quoted (RFC 4180, so a quoted item may hold a comma). Empty fields are ignored, and a
// line without any item (blank, or only commas and spaces) is not a transaction. An item listed
// twice in one basket counts once. Errors: malformed quoting.
Result<TransactionFile> read_baskets(std::istream& in);

// A CSV file with a header naming at least the columns `order_id` and `item` (others are ignored);
// one row per order line. The rows of an order need not be adjacent; each distinct order_id is one
// transaction. Errors: missing header or column, a row with too few fields, an empty order_id or
// item, malformed quoting.
Result<TransactionFile> read_order_items(std::istream& in);

struct CustomerOrderFile {
  ItemDictionary items;
  std::vector<std::string> customer_ids;  // index -> the file's customer_id
  std::vector<Order> orders;              // in order of first appearance
  // One product per item when the file has a `category` column (tiers from a `tier` column, else
  // derived from a `price` column with assign_price_tiers); empty otherwise.
  std::vector<Product> catalog;
};

// A CSV file with a header naming at least `customer_id`, `order_id`, `date` and `item`, and
// optionally `category`, `price` (a non-negative decimal, in major units) and `tier`
// (budget|mid|premium, or empty). An order is identified by customer_id and order_id together; its
// time is the earliest `date` of its rows (ISO-8601 date or date-time). An item's category, price
// and tier are taken from the first row that gives them. Errors: missing header or column, too few
// fields, an empty customer_id/order_id/item, a bad date, price or tier, malformed quoting.
Result<CustomerOrderFile> read_customer_orders(std::istream& in);

}  // namespace ecrm::recommend
