#include "orders/service.hpp"

#include "catalog/configurator.hpp"

#include <algorithm>
#include <map>

namespace ecrm::orders {

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

Status check_text(const std::string& value, const std::string& field, std::size_t max_length,
                  bool allow_newlines = false) {
  if (value.size() > max_length) {
    return Error::invalid(field + " is longer than " + std::to_string(max_length) + " bytes",
                          field);
  }
  for (unsigned char ch : value) {
    if ((ch < 0x20 && !(allow_newlines && (ch == '\n' || ch == '\t'))) || ch == 0x7f) {
      return Error::invalid(field + " must not contain control characters", field);
    }
  }
  return {};
}

std::string line_field(std::size_t index, std::string_view name) {
  return "lines[" + std::to_string(index) + "]." + std::string(name);
}

std::string next_list(OrderStatus from) {
  std::string out;
  for (OrderStatus s : next_statuses(from)) {
    if (!out.empty()) out += ", ";
    out += wire::enum_name(s);
  }
  return out.empty() ? "none (it is final)" : out;
}

}  // namespace

OrderService::OrderService(storage::Database& db) : db_(db) {}

Result<std::optional<catalog::ConfigurationQuote>> OrderService::configure_line(
    Connection& c, const catalog::Product& product, const OrderLineInput& in, std::size_t index) {
  ECRM_ASSIGN_OR_RETURN(auto config, configurations_.load(c, product));
  if (config.groups.empty()) {
    if (in.options && !in.options->empty()) {
      return Error::unprocessable("product " + product.sku + " has no options to choose",
                                  line_field(index, "options"), "not_configurable");
    }
    return std::optional<catalog::ConfigurationQuote>{};
  }
  if (in.unit_price) {
    return Error::unprocessable("a configured line is priced from its options; leave out "
                                "unit_price",
                                line_field(index, "unit_price"), "configured_price");
  }
  static const std::vector<std::int64_t> kNone;
  const auto& chosen = in.options ? *in.options : kNone;
  auto quote = catalog::quote_configuration(config, chosen, in.quantity);
  if (!quote.ok()) {
    Error error = std::move(quote).error();
    error.field = "lines[" + std::to_string(index) + "]." + error.field;
    return error;
  }
  if (!quote->valid) {
    const auto& first = quote->problems.front();
    std::string message = "the configuration of line " + std::to_string(index) + " is not valid: ";
    for (std::size_t k = 0; k < quote->problems.size(); ++k) {
      if (k > 0) message += "; ";
      message += quote->problems[k].message;
    }
    return Error::unprocessable(std::move(message),
                                "lines[" + std::to_string(index) + "]." + first.field, first.code);
  }
  return std::optional<catalog::ConfigurationQuote>{std::move(*quote)};
}

void OrderService::add_listener(OrderListener& listener) { listeners_.push_back(&listener); }

Result<Order> OrderService::create(const OrderInput& request, const std::string& actor) {
  Order order;
  order.customer_id = request.customer_id;
  if (request.external_id) {
    std::string v = trim(*request.external_id);
    ECRM_RETURN_IF_ERROR(check_text(v, "external_id", kMaxExternalId));
    if (!v.empty()) order.external_id = v;
  }
  order.channel = request.channel.value_or(Channel::kWeb);
  if (request.lines.empty() || request.lines.size() > kMaxLines) {
    return Error::invalid("an order needs 1 to " + std::to_string(kMaxLines) + " lines", "lines",
                          request.lines.empty() ? "required" : "");
  }
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const auto& line = request.lines[i];
    if (!line.product_id && !line.sku) {
      return Error::invalid("each line needs a product_id or a sku", line_field(i, "product_id"),
                            "required");
    }
    if (line.quantity < 1 || line.quantity > kMaxQuantity) {
      return Error::invalid("quantity must be from 1 to " + std::to_string(kMaxQuantity),
                            line_field(i, "quantity"));
    }
    if (line.unit_price && (*line.unit_price < 0 || *line.unit_price > kMaxAmount)) {
      return Error::invalid("unit_price must be from 0 to " + std::to_string(kMaxAmount),
                            line_field(i, "unit_price"));
    }
  }
  const std::int64_t discount = request.discount.value_or(0);
  const std::int64_t shipping = request.shipping.value_or(0);
  const std::int64_t tax = request.tax.value_or(0);
  for (auto [amount, field] :
       {std::pair{discount, "discount"}, std::pair{shipping, "shipping"}, std::pair{tax, "tax"}}) {
    if (amount < 0 || amount > kMaxAmount) {
      return Error::invalid(std::string(field) + " must be from 0 to " + std::to_string(kMaxAmount),
                            field);
    }
  }
  const UnixMs now = now_ms();
  order.placed_at = request.placed_at.value_or(now);
  if (order.placed_at < 0 || order.placed_at > now + kMsPerDay) {
    return Error::invalid("placed_at must not be in the future", "placed_at");
  }
  std::optional<std::string> currency;
  if (request.currency) {
    std::string v = trim(*request.currency);
    for (char& ch : v) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    if (v.size() != 3 ||
        !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
      return Error::invalid("currency must be a three-letter ISO 4217 code", "currency");
    }
    currency = v;
  }

  auto created = with_transaction<Order>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Order> {
    Order o = order;
    // Holds off a concurrent merge or erasure of the customer until this order is in.
    ECRM_RETURN_IF_ERROR(customers_.lock(c, o.customer_id));
    ECRM_ASSIGN_OR_RETURN(auto customer, customers_.find(c, o.customer_id));
    if (!customer) {
      return Error::unprocessable("there is no customer " + std::to_string(o.customer_id),
                                  "customer_id", "unknown_customer");
    }
    if (customer->merged_into) {
      return Error::unprocessable("customer " + std::to_string(o.customer_id) +
                                      " was merged into customer " +
                                      std::to_string(*customer->merged_into),
                                  "customer_id", "customer_merged");
    }
    if (customer->erased_at) {
      return Error::unprocessable("customer " + std::to_string(o.customer_id) + " was erased",
                                  "customer_id", "customer_erased");
    }
    std::optional<std::string> order_currency = currency;
    for (std::size_t i = 0; i < request.lines.size(); ++i) {
      const auto& in = request.lines[i];
      std::optional<catalog::Product> product;
      if (in.product_id) {
        ECRM_ASSIGN_OR_RETURN(product, catalog_.find_product(c, *in.product_id));
        if (!product) {
          return Error::unprocessable("there is no product " + std::to_string(*in.product_id),
                                      line_field(i, "product_id"), "unknown_product");
        }
      } else {
        ECRM_ASSIGN_OR_RETURN(product, catalog_.find_product_by_sku(c, trim(*in.sku)));
        if (!product) {
          return Error::unprocessable("there is no product with SKU '" + trim(*in.sku) + "'",
                                      line_field(i, "sku"), "unknown_product");
        }
      }
      if (!order_currency) order_currency = product->currency;
      if (!in.unit_price && product->currency != *order_currency) {
        return Error::unprocessable("product " + product->sku + " is priced in " +
                                        product->currency + ", the order in " + *order_currency +
                                        "; give the line a unit_price",
                                    line_field(i, "unit_price"), "currency_mismatch");
      }
      OrderLine line;
      line.product_id = product->id;
      line.sku = product->sku;
      line.name = product->name;
      line.quantity = in.quantity;
      line.unit_price = in.unit_price.value_or(product->price);
      ECRM_ASSIGN_OR_RETURN(auto configured, configure_line(c, *product, in, i));
      if (configured) {
        line.unit_price = configured->unit_price;
        line.options = std::move(configured->options);
      }
      line.line_total = line.quantity * line.unit_price;  // ≤ 1e6 × 1e11: no overflow
      o.subtotal += line.line_total;                      // ≤ 500 lines × 1e17: no overflow
      o.lines.push_back(std::move(line));
    }
    o.currency = *order_currency;
    if (discount > o.subtotal) {
      return Error::invalid("discount must not exceed the subtotal of the lines", "discount");
    }
    o.discount = discount;
    o.shipping = shipping;
    o.tax = tax;
    o.total = o.subtotal - o.discount + o.shipping + o.tax;
    o.status = OrderStatus::kPlaced;
    o.created_at = now;
    std::vector<std::vector<catalog::ChosenOption>> line_options;
    for (auto& line : o.lines) line_options.push_back(std::move(line.options));
    ECRM_ASSIGN_OR_RETURN(o, repo_.insert(c, std::move(o)));
    for (std::size_t i = 0; i < line_options.size() && i < o.lines.size(); ++i) {
      for (std::size_t k = 0; k < line_options[i].size(); ++k) {
        ECRM_ASSIGN_OR_RETURN(auto taken, configurations_.take_stock(
                                              c, line_options[i][k].option_id, o.lines[i].quantity));
        if (!taken) {
          return Error::conflict("option " + line_options[i][k].sku + " is out of stock",
                                 line_field(i, "options"), "out_of_stock");
        }
      }
      ECRM_RETURN_IF_ERROR(line_options_.insert(c, o.id, o.lines[i].id, line_options[i]));
    }
    StatusChange placed;
    placed.status = OrderStatus::kPlaced;
    placed.at = o.placed_at;
    placed.actor = actor;
    ECRM_RETURN_IF_ERROR(repo_.insert_status(c, o.id, placed));
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.find(c, o.id));
    if (!stored) return Error::internal("order vanished after insert");
    return std::move(*stored);
  });
  if (created.ok()) {
    for (OrderListener* listener : listeners_) listener->on_order_placed(*created);
  }
  return created;
}

Result<Order> OrderService::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find(*lease, id));
  if (!found) return Error::not_found("no such order: " + std::to_string(id));
  return std::move(*found);
}

Result<std::vector<ProductSales>> OrderService::product_sales(std::int64_t product_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto product, catalog_.find_product(*lease, product_id));
  if (!product) return Error::not_found("no such product: " + std::to_string(product_id));
  return repo_.product_sales(*lease, product_id);
}

Result<std::vector<Order>> OrderService::list(const OrderQuery& query,
                                              std::optional<std::int64_t> after_id, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list(*lease, query, after_id, limit);
}

Result<Order> OrderService::change_status(std::int64_t id, const StatusRequest& request,
                                          const std::string& actor) {
  StatusChange change;
  change.status = request.status;
  change.note = trim(request.note.value_or(""));
  ECRM_RETURN_IF_ERROR(check_text(change.note, "note", kMaxNote, true));
  if (request.carrier) {
    change.carrier = trim(*request.carrier);
    ECRM_RETURN_IF_ERROR(check_text(change.carrier, "carrier", kMaxShipmentText));
  }
  if (request.tracking_number) {
    change.tracking_number = trim(*request.tracking_number);
    ECRM_RETURN_IF_ERROR(check_text(change.tracking_number, "tracking_number", kMaxShipmentText));
  }
  change.actor = actor;
  const UnixMs now = now_ms();
  change.at = request.at.value_or(now);
  if (change.at > now + kMsPerDay) {
    return Error::invalid("at must not be in the future", "at");
  }
  OrderStatus from = OrderStatus::kPlaced;
  auto changed = with_transaction<Order>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Order> {
    ECRM_RETURN_IF_ERROR(repo_.lock(c, id));
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find(c, id));
    if (!found) return Error::not_found("no such order: " + std::to_string(id));
    Order order = std::move(*found);
    from = order.status;
    if (!can_transition(order.status, change.status)) {
      return Error::conflict("an order that is " + std::string(wire::enum_name(order.status)) +
                                 " cannot become " + std::string(wire::enum_name(change.status)) +
                                 "; next: " + next_list(order.status),
                             "status", "invalid_transition");
    }
    if (!order.history.empty() && change.at < order.history.back().at) {
      return Error::unprocessable("at is before the order's previous status change", "at");
    }
    if (request.carrier) order.carrier = change.carrier;
    if (request.tracking_number) order.tracking_number = change.tracking_number;
    order.status = change.status;
    order.updated_at = now;
    ECRM_RETURN_IF_ERROR(repo_.insert_status(c, id, change));
    ECRM_RETURN_IF_ERROR(repo_.update_status(c, order));
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.find(c, id));
    if (!stored) return Error::internal("order vanished after update");
    return std::move(*stored);
  });
  if (changed.ok()) {
    for (OrderListener* listener : listeners_) listener->on_order_status_changed(*changed, from);
  }
  return changed;
}

Result<Return> OrderService::create_return(std::int64_t order_id, const ReturnInput& request) {
  std::string note = trim(request.note.value_or(""));
  ECRM_RETURN_IF_ERROR(check_text(note, "note", kMaxNote, true));
  if (request.lines.empty() || request.lines.size() > kMaxLines) {
    return Error::invalid("a return needs 1 to " + std::to_string(kMaxLines) + " lines", "lines",
                          request.lines.empty() ? "required" : "");
  }
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const auto& line = request.lines[i];
    if (line.quantity < 1 || line.quantity > kMaxQuantity) {
      return Error::invalid("quantity must be from 1 to " + std::to_string(kMaxQuantity),
                            line_field(i, "quantity"));
    }
  }
  auto opened = with_transaction<Return>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Return> {
    ECRM_RETURN_IF_ERROR(repo_.lock(c, order_id));
    ECRM_ASSIGN_OR_RETURN(auto found, repo_.find(c, order_id));
    if (!found) return Error::not_found("no such order: " + std::to_string(order_id));
    const Order& order = *found;
    if (order.status != OrderStatus::kShipped && order.status != OrderStatus::kDelivered) {
      return Error::conflict("only shipped or delivered orders can be returned; this one is " +
                                 std::string(wire::enum_name(order.status)),
                             {}, "not_returnable");
    }
    std::map<std::int64_t, std::int64_t> left;  // order line -> quantity still returnable
    std::map<std::int64_t, const OrderLine*> lines;
    for (const auto& line : order.lines) {
      left[line.id] = line.quantity - line.returned_quantity;
      lines[line.id] = &line;
    }
    Return ret;
    ret.order_id = order_id;
    ret.customer_id = order.customer_id;
    ret.currency = order.currency;
    ret.reason = request.reason;
    ret.note = note;
    ret.status = ReturnStatus::kRequested;
    ret.created_at = now_ms();
    for (std::size_t i = 0; i < request.lines.size(); ++i) {
      const auto& in = request.lines[i];
      auto it = lines.find(in.order_line_id);
      if (it == lines.end()) {
        return Error::unprocessable("order " + std::to_string(order_id) + " has no line " +
                                        std::to_string(in.order_line_id),
                                    line_field(i, "order_line_id"), "unknown_order_line");
      }
      if (in.quantity > left[it->first]) {
        return Error::unprocessable("only " + std::to_string(left[it->first]) + " of line " +
                                        std::to_string(it->first) + " can still be returned",
                                    line_field(i, "quantity"), "quantity_exceeds_remaining");
      }
      left[it->first] -= in.quantity;
      ReturnLine line;
      line.order_line_id = it->first;
      line.product_id = it->second->product_id;
      line.sku = it->second->sku;
      line.quantity = in.quantity;
      line.amount = line.quantity * it->second->unit_price;
      ret.refund_amount += line.amount;
      ret.lines.push_back(std::move(line));
    }
    return repo_.insert_return(c, std::move(ret));
  });
  if (opened.ok()) {
    for (OrderListener* listener : listeners_) listener->on_return_changed(*opened, std::nullopt);
  }
  return opened;
}

Result<Return> OrderService::get_return(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_return(*lease, id));
  if (!found) return Error::not_found("no such return: " + std::to_string(id));
  return std::move(*found);
}

Result<std::vector<Return>> OrderService::returns_of(std::int64_t order_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto order, repo_.find(*lease, order_id));
  if (!order) return Error::not_found("no such order: " + std::to_string(order_id));
  return repo_.returns_of(*lease, order_id);
}

Result<bool> OrderService::maybe_mark_returned(Connection& c, Order& order, UnixMs at,
                                               const std::string& actor) {
  if (!can_transition(order.status, OrderStatus::kReturned)) return false;
  ECRM_ASSIGN_OR_RETURN(auto settled, repo_.returned_quantities(c, order.id, true));
  std::map<std::int64_t, std::int64_t> back(settled.begin(), settled.end());
  for (const auto& line : order.lines) {
    if (back[line.id] < line.quantity) return false;
  }
  StatusChange change;
  change.status = OrderStatus::kReturned;
  change.at = std::max(at, order.history.empty() ? at : order.history.back().at);
  change.note = "every item came back";
  change.actor = actor;
  order.status = OrderStatus::kReturned;
  order.updated_at = at;
  ECRM_RETURN_IF_ERROR(repo_.insert_status(c, order.id, change));
  ECRM_RETURN_IF_ERROR(repo_.update_status(c, order));
  return true;
}

Result<Return> OrderService::change_return_status(std::int64_t id,
                                                  const ReturnStatusRequest& request,
                                                  const std::string& actor) {
  const ReturnStatus status = request.status;
  std::string note = trim(request.note.value_or(""));
  ECRM_RETURN_IF_ERROR(check_text(note, "note", kMaxNote, true));
  ReturnStatus from = ReturnStatus::kRequested;
  std::optional<Order> returned_order;  // set when the order became `returned`
  OrderStatus order_from = OrderStatus::kDelivered;
  auto changed =
      with_transaction<Return>(db_, TxMode::kWrite, [&](Connection& c) -> Result<Return> {
        returned_order.reset();
        ECRM_RETURN_IF_ERROR(repo_.lock_return(c, id));
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.find_return(c, id));
        if (!found) return Error::not_found("no such return: " + std::to_string(id));
        from = found->status;
        ECRM_RETURN_IF_ERROR(repo_.lock(c, found->order_id));
        if (!can_transition(found->status, status)) {
          return Error::conflict("a return that is " + std::string(wire::enum_name(found->status)) +
                                     " cannot become " + std::string(wire::enum_name(status)),
                                 "status", "invalid_transition");
        }
        const UnixMs now = now_ms();
        ECRM_RETURN_IF_ERROR(
            repo_.update_return_status(c, id, status, note.empty() ? found->note : note, now));
        if (status == ReturnStatus::kReceived || status == ReturnStatus::kRefunded) {
          ECRM_ASSIGN_OR_RETURN(auto order, repo_.find(c, found->order_id));
          if (!order) return Error::internal("return without an order");
          const OrderStatus before = order->status;
          ECRM_ASSIGN_OR_RETURN(bool marked, maybe_mark_returned(c, *order, now, actor));
          if (marked) {
            order_from = before;
            returned_order = std::move(*order);
          }
        }
        ECRM_ASSIGN_OR_RETURN(auto stored, repo_.find_return(c, id));
        if (!stored) return Error::internal("return vanished after update");
        return std::move(*stored);
      });
  if (changed.ok()) {
    for (OrderListener* listener : listeners_) listener->on_return_changed(*changed, from);
    if (returned_order) {
      for (OrderListener* listener : listeners_) {
        listener->on_order_status_changed(*returned_order, order_from);
      }
    }
  }
  return changed;
}

}  // namespace ecrm::orders
