#include "exchange/importer.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "catalog/repo.hpp"
#include "core/csv.hpp"
#include "customers/repo.hpp"
#include "exchange/rows.hpp"
#include "http/wire.hpp"
#include "orders/repo.hpp"

namespace ecrm::exchange {

namespace json = boost::json;
using orders::OrderStatus;
using storage::Connection;
using storage::TxMode;

namespace {

constexpr std::int64_t kProgressEveryRows = 4096;

// Order of the statuses along the life cycle, for "forward only" updates.
int status_rank(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPlaced: return 0;
    case OrderStatus::kPaid: return 1;
    case OrderStatus::kShipped: return 2;
    case OrderStatus::kDelivered: return 3;
    case OrderStatus::kReturned: return 4;
    case OrderStatus::kCancelled: return 4;
  }
  return 0;
}

bool is_final(OrderStatus s) { return s == OrderStatus::kReturned || s == OrderStatus::kCancelled; }

// What one batch did; added to the report only once its transaction committed.
struct BatchOutcome {
  std::int64_t inserted = 0, updated = 0, unchanged = 0;
  std::int64_t created_customers = 0, created_products = 0;
  std::vector<RowError> errors;
  std::vector<std::string> warnings;
  // Customers whose referrer is not stored yet: (customer id, referrer external id, line).
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> pending_referrals;
};

// The customer's API form without its timestamps: equal when an import changed nothing.
json::object comparable(const customers::Customer& c) {
  json::object o = wire::to_json(c).as_object();
  o.erase("updated_at");
  o.erase("created_at");
  return o;
}

bool same_product(const catalog::Product& a, const catalog::Product& b) {
  return a.sku == b.sku && a.name == b.name && a.category_id == b.category_id &&
         a.brand == b.brand && a.price == b.price && a.cost == b.cost &&
         a.currency == b.currency && a.line == b.line && a.version == b.version &&
         a.stock_on_hand == b.stock_on_hand && a.active == b.active &&
         a.consumable == b.consumable && a.repurchase_days == b.repurchase_days;
}

// The number of an order key written as "#<number>" (as exports write orders without an
// external id).
std::optional<std::int64_t> numbered_key(const std::string& key) {
  if (key.size() < 2 || key.front() != '#') return std::nullopt;
  auto number = orders::order_number(key);
  if (!number || "#" + std::to_string(*number) != key) return std::nullopt;
  return number;
}

std::string product_sku_for(const OrderLineRecord& line) {
  if (!line.sku.empty()) return line.sku;
  return "shopify-" + catalog::slug_from_name(line.name);
}

}  // namespace

// One read of the file: validation only (`write_` false) or writing batches.
class Importer::Pass {
 public:
  Pass(Importer& owner, const ImportOptions& options, ImportReport& report, bool write)
      : owner_(owner), options_(options), report_(report), write_(write) {}

  Status run(std::istream& in) {
    CsvReader reader(in);
    std::vector<std::string> fields;
    ECRM_ASSIGN_OR_RETURN(bool has_header, reader.next(fields));
    if (!has_header) return csv_error(1, "the file is empty: expected a header row");
    if (report_.format == Format::kAuto) report_.format = detect_format(options_.entity, fields);
    switch (options_.entity) {
      case Entity::kCustomers: {
        ECRM_ASSIGN_OR_RETURN(auto rows, CustomerRows::bind(fields, report_.format));
        customer_rows_ = std::move(rows);
        break;
      }
      case Entity::kProducts: {
        ECRM_ASSIGN_OR_RETURN(auto rows, ProductRows::bind(fields, report_.format));
        product_rows_ = std::move(rows);
        break;
      }
      case Entity::kOrders: {
        ECRM_ASSIGN_OR_RETURN(auto rows, OrderRows::bind(fields, report_.format));
        order_rows_ = std::move(rows);
        break;
      }
    }
    progress(in);
    for (;;) {
      auto more = reader.next(fields);
      if (!more.ok()) {
        // The parser cannot resynchronise after a malformed record: stop here.
        report_.add_error({reader.line(), "", more.error().message});
        stopped_ = true;
        break;
      }
      if (!*more) break;
      ++report_.rows_read;
      ECRM_RETURN_IF_ERROR(add_row(fields, reader.line()));
      if (report_.rows_read % kProgressEveryRows == 0) progress(in);
    }
    if (order_rows_) {
      if (auto last = order_rows_->finish()) add_order(std::move(*last));
    }
    ECRM_RETURN_IF_ERROR(flush());
    if (write_) ECRM_RETURN_IF_ERROR(resolve_pending_referrals());
    in.clear();
    progress(in);
    return {};
  }

  bool stopped() const { return stopped_; }

 private:
  void progress(std::istream& in) {
    if (!options_.on_progress) return;
    ImportProgress p;
    p.phase = write_ ? "importing" : "validating";
    p.bytes_total = options_.bytes_total;
    auto pos = in.tellg();
    p.bytes_done = pos >= 0 ? static_cast<std::uint64_t>(pos) : options_.bytes_total;
    if (in.eof() || !in.good()) p.bytes_done = options_.bytes_total;
    p.rows_read = report_.rows_read;
    options_.on_progress(p);
  }

  Status add_row(const std::vector<std::string>& fields, std::int64_t line) {
    if (customer_rows_) {
      auto record = customer_rows_->parse(fields, line);
      if (!record.ok()) return bad(line, record.error());
      customer_batch_.push_back(std::move(record).value());
      if (static_cast<int>(customer_batch_.size()) >= options_.batch_size) return flush();
    } else if (product_rows_) {
      auto record = product_rows_->parse(fields, line);
      if (!record.ok()) return bad(line, record.error());
      product_batch_.push_back(std::move(record).value());
      if (static_cast<int>(product_batch_.size()) >= options_.batch_size) return flush();
    } else {
      std::vector<RowError> errors;
      auto completed = order_rows_->add(fields, line, errors);
      for (auto& e : errors) report_.add_error(std::move(e));
      if (completed) {
        add_order(std::move(*completed));
        if (static_cast<int>(order_batch_.size()) >= options_.batch_size) return flush();
      }
    }
    return {};
  }

  void add_order(OrderRecord record) {
    ++report_.records;
    if (record.bad) return;
    order_batch_.push_back(std::move(record));
  }

  Status bad(std::int64_t line, const Error& error) {
    ++report_.records;
    report_.add_error({line, error.field, error.message});
    return {};
  }

  Status flush() {
    if (customer_batch_.empty() && product_batch_.empty() && order_batch_.empty()) return {};
    BatchOutcome outcome;
    std::function<Status(Connection&)> body = [&](Connection& c) -> Status {
      outcome = BatchOutcome{};
      if (!customer_batch_.empty()) {
        if (!write_) return write_customers(c, outcome);
        // The batch's new customers are indexed for search with one statement at its end.
        ECRM_RETURN_IF_ERROR(search::defer_index(c, customers::kCustomerIndex));
        ECRM_RETURN_IF_ERROR(write_customers(c, outcome));
        return search::flush_deferred(c, customers::kCustomerIndex);
      }
      if (!product_batch_.empty()) return write_products(c, outcome);
      if (!write_) return write_orders(c, outcome);
      ECRM_RETURN_IF_ERROR(search::defer_index(c, orders::kOrderIndex));
      ECRM_RETURN_IF_ERROR(write_orders(c, outcome));
      return search::flush_deferred(c, orders::kOrderIndex);
    };
    Status status = write_ ? storage::with_transaction(owner_.db_, TxMode::kWrite, body)
                           : storage::with_transaction(owner_.db_, TxMode::kRead, body);
    if (customer_rows_) report_.records += static_cast<std::int64_t>(customer_batch_.size());
    if (product_rows_) report_.records += static_cast<std::int64_t>(product_batch_.size());
    customer_batch_.clear();
    product_batch_.clear();
    order_batch_.clear();
    ECRM_RETURN_IF_ERROR(status);
    report_.inserted += outcome.inserted;
    report_.updated += outcome.updated;
    report_.unchanged += outcome.unchanged;
    report_.created_customers += outcome.created_customers;
    report_.created_products += outcome.created_products;
    for (auto& e : outcome.errors) report_.add_error(std::move(e));
    for (auto& w : outcome.warnings) report_.add_warning(std::move(w));
    for (auto& p : outcome.pending_referrals) pending_referrals_.push_back(std::move(p));
    if (write_ && (outcome.inserted + outcome.updated) > 0) report_.committed = true;
    return {};
  }

  // A record that fails while writing. Without skip_bad the file was validated first, so this
  // is a change made by someone else since: stop, and keep what the earlier batches wrote.
  Status record_failed(BatchOutcome& outcome, std::int64_t line, const Error& error) {
    if (write_ && !options_.skip_bad) {
      Error stop = error;
      stop.message = "line " + std::to_string(line) + ": " + error.message;
      return stop;
    }
    outcome.errors.push_back({line, error.field, error.message});
    return {};
  }

  // --- customers ------------------------------------------------------------------------------

  Status write_customers(Connection& c, BatchOutcome& outcome) {
    std::vector<std::string> external_ids, emails;
    for (const auto& r : customer_batch_) {
      if (r.input.external_id && !r.input.external_id->empty()) {
        external_ids.push_back(*r.input.external_id);
      }
      if (r.referrer_external_id && !r.referrer_external_id->empty()) {
        external_ids.push_back(*r.referrer_external_id);
      }
      if (r.email_key) emails.push_back(*r.email_key);
    }
    ECRM_ASSIGN_OR_RETURN(auto by_external, repo_.customers_by_external_id(c, external_ids));
    ECRM_ASSIGN_OR_RETURN(auto by_email, repo_.customers_by_email(c, emails));
    customers::CustomerRepo customers;
    const UnixMs now = now_ms();
    for (auto& r : customer_batch_) {
      std::optional<std::int64_t> existing;
      if (r.input.external_id && !r.input.external_id->empty()) {
        if (auto it = by_external.find(*r.input.external_id); it != by_external.end()) {
          existing = it->second;
        }
      } else if (r.email_key) {
        if (auto it = by_email.find(*r.email_key); it != by_email.end()) existing = it->second;
      }
      customers::CustomerInput input = r.input;
      std::optional<std::string> pending_referrer;
      if (r.referrer_external_id) {
        if (r.referrer_external_id->empty()) {
          input.referred_by = std::optional<std::int64_t>();
        } else if (auto it = by_external.find(*r.referrer_external_id); it != by_external.end()) {
          input.referred_by = std::optional<std::int64_t>(it->second);
        } else {
          pending_referrer = *r.referrer_external_id;
        }
      }
      customers::Customer x;
      std::optional<json::object> before;
      if (existing) {
        ECRM_ASSIGN_OR_RETURN(auto found, customers.find(c, *existing));
        if (!found) return Error::internal("customer vanished during import");
        x = std::move(*found);
        before = comparable(x);
        if (input.referred_by && *input.referred_by == x.id) input.referred_by.reset();
        // A consent decision the customer already has keeps its recorded time and source.
        for (auto channel : customers::kConsentChannels) {
          if (!input.consent) break;
          auto& change = input.consent->of(channel);
          if (!change) continue;
          std::optional<bool> granted;
          if (*change) granted = (*change)->granted;
          if (granted == x.consent_for(channel).granted) change.reset();
        }
      }
      if (auto applied = owner_.customers_.apply(input, x, c); !applied.ok()) {
        ECRM_RETURN_IF_ERROR(record_failed(outcome, r.line, applied.error()));
        continue;
      }
      if (existing) {
        if (comparable(x) == *before) {
          ++outcome.unchanged;
        } else {
          ++outcome.updated;
          if (write_) {
            x.updated_at = now;
            ECRM_RETURN_IF_ERROR(customers.update(c, x));
            if (input.tags) ECRM_RETURN_IF_ERROR(customers.replace_tags(c, x.id, x.tags));
            if (input.anniversaries) {
              ECRM_RETURN_IF_ERROR(customers.replace_anniversaries(c, x.id, x.anniversaries));
            }
          }
        }
      } else {
        ++outcome.inserted;
        if (write_) {
          x.created_at = x.updated_at = now;
          ECRM_ASSIGN_OR_RETURN(x.id, customers.insert(c, x));
          if (x.external_id) by_external[*x.external_id] = x.id;
          if (r.email_key) by_email.emplace(*r.email_key, x.id);
        } else {
          // Later rows of this file may refer to it.
          if (x.external_id) seen_external_ids_.insert(*x.external_id);
        }
      }
      if (pending_referrer) {
        if (write_) {
          outcome.pending_referrals.emplace_back(x.id, *pending_referrer, r.line);
        } else if (!seen_external_ids_.count(*pending_referrer)) {
          outcome.pending_referrals.emplace_back(0, *pending_referrer, r.line);
        }
      }
    }
    return {};
  }

  // Referrers that came later in the file than the customers they referred.
  Status resolve_pending_referrals() {
    if (pending_referrals_.empty()) return {};
    return storage::with_transaction(owner_.db_, TxMode::kWrite, [&](Connection& c) -> Status {
      customers::CustomerRepo customers;
      for (const auto& [id, referrer, line] : pending_referrals_) {
        std::string key = referrer;
        ECRM_ASSIGN_OR_RETURN(auto found, repo_.customers_by_external_id(c, std::span(&key, 1)));
        auto it = found.find(referrer);
        if (it == found.end() || it->second == id) {
          report_.add_warning("line " + std::to_string(line) + ": referrer '" + referrer +
                              "' is not a known customer; the referral was not recorded");
          continue;
        }
        ECRM_ASSIGN_OR_RETURN(auto customer, customers.find(c, id));
        if (!customer) continue;
        customer->referred_by = it->second;
        ECRM_RETURN_IF_ERROR(customers.update(c, *customer));
      }
      return {};
    });
  }

  // --- products -------------------------------------------------------------------------------

  Result<std::optional<std::int64_t>> category_for(Connection& c,
                                                   const std::vector<std::string>& path,
                                                   bool& would_create) {
    std::string key;
    for (const auto& part : path) key += part + "\x1f";
    if (auto it = categories_.find(key); it != categories_.end()) return it->second;
    std::optional<std::int64_t> parent;
    catalog::CatalogRepo catalog;
    for (const auto& name : path) {
      std::optional<catalog::Category> found;
      if (!would_create) {
        ECRM_ASSIGN_OR_RETURN(found, catalog.find_category_by_name(c, parent, name));
      }
      if (found) {
        parent = found->id;
        continue;
      }
      if (!write_) {
        would_create = true;
        return std::optional<std::int64_t>();
      }
      catalog::Category category;
      category.parent_id = parent;
      category.name = name;
      std::string slug = catalog::slug_from_name(name);
      if (slug.empty()) slug = "category";
      std::string candidate = slug;
      for (int n = 2;; ++n) {
        ECRM_ASSIGN_OR_RETURN(bool taken, catalog.slug_exists(c, candidate));
        if (!taken) break;
        candidate = slug + "-" + std::to_string(n);
      }
      category.slug = candidate;
      category.created_at = category.updated_at = now_ms();
      ECRM_ASSIGN_OR_RETURN(auto created, catalog.insert_category(c, category));
      parent = created.id;
    }
    if (write_) categories_[key] = parent;
    return parent;
  }

  Status write_products(Connection& c, BatchOutcome& outcome) {
    std::vector<std::string> skus;
    for (const auto& r : product_batch_) skus.push_back(r.sku);
    ECRM_ASSIGN_OR_RETURN(auto by_sku, repo_.products_by_sku(c, skus));
    catalog::CatalogRepo catalog;
    std::set<std::optional<std::int64_t>> tier_groups;
    for (auto& r : product_batch_) {
      std::optional<catalog::Product> existing;
      if (auto it = by_sku.find(r.sku); it != by_sku.end()) {
        ECRM_ASSIGN_OR_RETURN(existing, catalog.find_product(c, it->second.id));
      }
      bool new_category = false;
      std::optional<std::optional<std::int64_t>> category;
      if (r.category_path) {
        if (r.category_path->empty()) {
          category = std::optional<std::int64_t>();
        } else {
          ECRM_ASSIGN_OR_RETURN(auto id, category_for(c, *r.category_path, new_category));
          category = id;
        }
      }
      catalog::Product p;
      if (existing) {
        p = *existing;
        if (r.name) p.name = *r.name;
        if (category) p.category_id = *category;
        if (r.brand) p.brand = *r.brand;
        if (r.price) p.price = *r.price;
        if (r.cost) p.cost = *r.cost;
        if (r.currency) p.currency = *r.currency;
        if (r.line_name) p.line = *r.line_name;
        if (r.version) p.version = *r.version;
        if (r.stock_on_hand) p.stock_on_hand = *r.stock_on_hand;
        if (r.active) p.active = *r.active;
        if (r.consumable) p.consumable = *r.consumable;
        if (r.repurchase_days) p.repurchase_days = *r.repurchase_days;
        if (!p.consumable) p.repurchase_days.reset();
        for (char& ch : p.currency) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (auto valid = owner_.catalog_.validate(p); !valid.ok()) {
          ECRM_RETURN_IF_ERROR(record_failed(outcome, r.line, valid.error()));
          continue;
        }
        if (same_product(p, *existing) && !new_category) {
          ++outcome.unchanged;
          continue;
        }
        ++outcome.updated;
        if (write_) {
          p.updated_at = now_ms();
          ECRM_RETURN_IF_ERROR(catalog.update_product(c, p));
          if (p.price != existing->price || p.active != existing->active ||
              p.category_id != existing->category_id) {
            tier_groups.insert(p.category_id);
            tier_groups.insert(existing->category_id);
          }
        }
        continue;
      }
      if (!r.price) {
        ECRM_RETURN_IF_ERROR(record_failed(
            outcome, r.line, Error::invalid("price is required for a new product", "price")));
        continue;
      }
      catalog::ProductInput request;
      request.sku = r.sku;
      request.name = r.name.value_or(r.sku);
      request.category_id = category.value_or(std::nullopt);
      request.brand = r.brand.value_or("");
      request.price = *r.price;
      if (r.cost) request.cost = *r.cost;
      request.currency = r.currency;
      request.line = r.line_name.value_or("");
      request.version = r.version.value_or(1);
      request.stock_on_hand = r.stock_on_hand.value_or(0);
      request.active = r.active.value_or(true);
      request.consumable = r.consumable.value_or(false);
      if (r.repurchase_days) request.repurchase_days = *r.repurchase_days;
      auto prepared = owner_.catalog_.prepare_product(request);
      if (!prepared.ok()) {
        ECRM_RETURN_IF_ERROR(record_failed(outcome, r.line, prepared.error()));
        continue;
      }
      ++outcome.inserted;
      if (write_) {
        ECRM_ASSIGN_OR_RETURN(auto created, catalog.insert_product(c, *prepared));
        by_sku[created.sku] = {created.id, created.name};
        tier_groups.insert(created.category_id);
      }
    }
    for (const auto& group : tier_groups) {
      ECRM_RETURN_IF_ERROR(owner_.catalog_.recompute_price_tiers(c, group));
    }
    return {};
  }

  // --- orders ---------------------------------------------------------------------------------

  Status write_orders(Connection& c, BatchOutcome& outcome) {
    const bool shopify = report_.format == Format::kShopify;
    std::vector<std::string> order_keys, customer_keys, emails, skus;
    for (const auto& o : order_batch_) {
      order_keys.push_back(o.external_id);
      if (o.customer_external_id) customer_keys.push_back(*o.customer_external_id);
      if (o.customer_email) {
        auto key = customers::normalize_email(*o.customer_email);
        if (key.ok()) emails.push_back(*key);
      }
      for (const auto& l : o.lines) skus.push_back(product_sku_for(l));
    }
    ECRM_ASSIGN_OR_RETURN(auto stored, repo_.orders_by_external_id(c, order_keys));
    // Keys "#<number>" (what an export gives orders without an external id) also name the stored
    // order of that number when it has no external id; otherwise they are the new order's key.
    std::vector<std::int64_t> numbers;
    for (const auto& key : order_keys) {
      if (stored.count(key)) continue;
      if (auto number = numbered_key(key)) numbers.push_back(*number);
    }
    if (!numbers.empty()) {
      ECRM_ASSIGN_OR_RETURN(auto by_number, repo_.orders_without_external_id(c, numbers));
      for (auto& [number, state] : by_number) stored.emplace("#" + std::to_string(number), state);
    }
    ECRM_ASSIGN_OR_RETURN(auto by_external, repo_.customers_by_external_id(c, customer_keys));
    ECRM_ASSIGN_OR_RETURN(auto by_email, repo_.customers_by_email(c, emails));
    ECRM_ASSIGN_OR_RETURN(auto by_sku, repo_.products_by_sku(c, skus));
    orders::OrderRepo orders_repo;
    customers::CustomerRepo customers_repo;
    catalog::CatalogRepo catalog_repo;
    bool created_uncategorised = false;
    const UnixMs now = now_ms();
    std::vector<orders::Order> new_orders;
    for (auto& o : order_batch_) {
      // An order already stored: move its status forward.
      auto existing = stored.find(o.external_id);
      if (existing != stored.end()) {
        StoredOrderState& s = existing->second;
        if (o.status == s.status && o.carrier == s.carrier && o.tracking_number == s.tracking_number) {
          ++outcome.unchanged;
          continue;
        }
        if (write_ && s.id == 0) {
          // Inserted earlier in this batch and not stored yet: store the batch so far first.
          ECRM_RETURN_IF_ERROR(orders_repo.insert_many(c, new_orders));
          for (const auto& n : new_orders) stored[*n.external_id].id = n.id;
          new_orders.clear();
        }
        if (o.status != s.status &&
            (is_final(s.status) || status_rank(o.status) < status_rank(s.status))) {
          ECRM_RETURN_IF_ERROR(record_failed(
              outcome, o.line,
              Error::unprocessable("order " + o.external_id + " is already " +
                                       std::string(wire::enum_name(s.status)) +
                                       "; its status cannot change to " +
                                       std::string(wire::enum_name(o.status)),
                                   "status")));
          continue;
        }
        ++outcome.updated;
        if (write_) {
          UnixMs at = o.history.empty() ? now : o.history.back().second;
          if (at < s.last_change_at) at = s.last_change_at;
          std::string carrier = o.carrier.empty() ? s.carrier : o.carrier;
          std::string tracking = o.tracking_number.empty() ? s.tracking_number : o.tracking_number;
          ECRM_RETURN_IF_ERROR(repo_.update_order_state(c, s.id, o.status, carrier, tracking, now));
          if (o.status != s.status) {
            orders::StatusChange change;
            change.status = o.status;
            change.at = at;
            change.note = "import";
            change.carrier = carrier;
            change.tracking_number = tracking;
            change.actor = options_.actor;
            ECRM_RETURN_IF_ERROR(orders_repo.insert_status(c, s.id, change));
          }
          s.status = o.status;
          s.carrier = carrier;
          s.tracking_number = tracking;
        }
        continue;
      }

      // The customer.
      std::optional<std::int64_t> customer_id;
      std::optional<std::string> email_key;
      if (o.customer_email) {
        auto key = customers::normalize_email(*o.customer_email);
        if (key.ok()) email_key = *key;
      }
      if (o.customer_external_id) {
        if (auto it = by_external.find(*o.customer_external_id); it != by_external.end()) {
          customer_id = it->second;
        } else {
          ECRM_RETURN_IF_ERROR(record_failed(
              outcome, o.line,
              Error::unprocessable("unknown customer '" + *o.customer_external_id +
                                       "' (import the customers first)",
                                   "customer_external_id")));
          continue;
        }
      } else if (email_key) {
        if (auto it = by_email.find(*email_key); it != by_email.end()) {
          customer_id = it->second;
        } else if (would_create_emails_.count(*email_key) && !write_) {
          customer_id = 0;
        } else {
          customers::CustomerInput input;
          input.email = o.customer_email;
          input.name = o.customer_name;
          if (!o.customer_phone.empty()) input.phone = o.customer_phone;
          input.city = o.customer_city;
          input.country = o.customer_country;
          input.source = shopify ? "shopify" : "import";
          customers::Customer x;
          if (auto applied = owner_.customers_.apply(input, x, c); !applied.ok()) {
            // A malformed billing phone should not lose the order: keep the customer without it.
            input.phone.reset();
            if (auto again = owner_.customers_.apply(input, x, c); !again.ok()) {
              ECRM_RETURN_IF_ERROR(record_failed(outcome, o.line, again.error()));
              continue;
            }
          }
          ++outcome.created_customers;
          if (write_) {
            x.created_at = x.updated_at = now;
            ECRM_ASSIGN_OR_RETURN(x.id, customers_repo.insert(c, x));
            customer_id = x.id;
            by_email[*email_key] = x.id;
          } else {
            would_create_emails_.insert(*email_key);
            customer_id = 0;
          }
        }
      }
      if (!customer_id) continue;

      // The lines and their products.
      orders::Order order;
      order.external_id = o.external_id;
      order.customer_id = *customer_id;
      order.channel = o.channel;
      order.status = o.status;
      order.currency = o.currency;
      bool failed = false;
      for (const auto& l : o.lines) {
        std::string sku = product_sku_for(l);
        std::int64_t product_id = 0;
        std::string product_name;
        if (auto it = by_sku.find(sku); it != by_sku.end()) {
          product_id = it->second.id;
          product_name = it->second.name;
        } else if (!shopify) {
          ECRM_RETURN_IF_ERROR(record_failed(
              outcome, l.line,
              Error::unprocessable("unknown SKU '" + sku + "' (import the products first)", "sku")));
          failed = true;
          break;
        } else if (!write_) {
          if (would_create_skus_.insert(sku).second) ++outcome.created_products;
        } else {
          catalog::ProductInput request;
          request.sku = sku;
          request.name = l.name.empty() ? sku : l.name;
          request.price = l.unit_price;
          request.currency = o.currency;
          auto prepared = owner_.catalog_.prepare_product(request);
          if (!prepared.ok()) {
            ECRM_RETURN_IF_ERROR(record_failed(outcome, l.line, prepared.error()));
            failed = true;
            break;
          }
          ECRM_ASSIGN_OR_RETURN(auto created, catalog_repo.insert_product(c, *prepared));
          product_id = created.id;
          product_name = created.name;
          by_sku[sku] = {created.id, created.name};
          ++outcome.created_products;
          created_uncategorised = true;
        }
        orders::OrderLine line;
        line.product_id = product_id;
        line.sku = sku;
        line.name = !l.name.empty() ? l.name : !product_name.empty() ? product_name : sku;
        line.quantity = l.quantity;
        line.unit_price = l.unit_price;
        line.line_total = l.quantity * l.unit_price;
        order.subtotal += line.line_total;
        order.item_count += l.quantity;
        order.lines.push_back(std::move(line));
      }
      if (failed) continue;
      if (o.discount > order.subtotal) {
        ECRM_RETURN_IF_ERROR(record_failed(
            outcome, o.line,
            Error::invalid("discount must not exceed the subtotal of the lines", "discount")));
        continue;
      }
      order.discount = o.discount;
      order.shipping = o.shipping;
      order.tax = o.tax;
      order.total = order.subtotal - order.discount + order.shipping + order.tax;
      order.carrier = o.carrier;
      order.tracking_number = o.tracking_number;
      order.placed_at = o.placed_at;
      order.created_at = now;
      ++outcome.inserted;
      if (!write_) continue;
      orders::StatusChange placed;
      placed.status = OrderStatus::kPlaced;
      placed.at = o.placed_at;
      placed.note = "import";
      placed.actor = options_.actor;
      order.history.push_back(std::move(placed));
      for (const auto& [status, at] : o.history) {
        orders::StatusChange change;
        change.status = status;
        change.at = at;
        change.note = "import";
        change.actor = options_.actor;
        if (status == OrderStatus::kShipped) {
          change.carrier = o.carrier;
          change.tracking_number = o.tracking_number;
        }
        order.history.push_back(std::move(change));
      }
      // A later row of this file with the same order number updates it (or is unchanged).
      stored.emplace(o.external_id,
                     StoredOrderState{0, o.status, o.carrier, o.tracking_number,
                                      o.history.empty() ? o.placed_at : o.history.back().second});
      new_orders.push_back(std::move(order));
    }
    ECRM_RETURN_IF_ERROR(orders_repo.insert_many(c, new_orders));
    if (created_uncategorised) {
      ECRM_RETURN_IF_ERROR(owner_.catalog_.recompute_price_tiers(c, std::nullopt));
    }
    return {};
  }

  Importer& owner_;
  const ImportOptions& options_;
  ImportReport& report_;
  bool write_;
  bool stopped_ = false;
  ExchangeRepo repo_;
  std::optional<CustomerRows> customer_rows_;
  std::optional<ProductRows> product_rows_;
  std::optional<OrderRows> order_rows_;
  std::vector<CustomerRecord> customer_batch_;
  std::vector<ProductRecord> product_batch_;
  std::vector<OrderRecord> order_batch_;
  std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> pending_referrals_;
  std::map<std::string, std::optional<std::int64_t>> categories_;
  // Validation only: keys that earlier rows of the file would create.
  std::unordered_set<std::string> seen_external_ids_;
  std::unordered_set<std::string> would_create_emails_;
  std::unordered_set<std::string> would_create_skus_;
};

Importer::Importer(storage::Database& db, customers::CustomerService& customers,
                   catalog::CatalogService& catalog)
    : db_(db), customers_(customers), catalog_(catalog) {}

Result<ImportReport> Importer::run(const InputOpener& open, const ImportOptions& options) {
  auto started = std::chrono::steady_clock::now();
  ImportReport report;
  report.entity = options.entity;
  report.format = options.format;
  report.dry_run = options.dry_run;
  report.skip_bad = options.skip_bad;

  auto one_pass = [&](bool write) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(auto in, open());
    Pass pass(*this, options, report, write);
    ECRM_RETURN_IF_ERROR(pass.run(*in));
    return pass.stopped();
  };

  const bool validate_first = !options.dry_run && !options.skip_bad;
  ECRM_ASSIGN_OR_RETURN(bool stopped, one_pass(!options.dry_run && options.skip_bad));
  if (validate_first && report.bad_rows == 0 && !stopped) {
    // The file is clean: read it again, writing this time.
    report.rows_read = report.records = report.inserted = report.updated = report.unchanged = 0;
    report.created_customers = report.created_products = 0;
    report.warnings.clear();
    auto written = one_pass(true);
    if (!written.ok()) {
      report.message = "the import stopped part-way: " + written.error().message +
                       ". Batches before it were stored (" + std::to_string(report.inserted) +
                       " inserted, " + std::to_string(report.updated) + " updated).";
      report.add_error({0, written.error().field, written.error().message});
      report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return report;
    }
  }

  std::string counts = std::to_string(report.inserted) + " inserted, " +
                       std::to_string(report.updated) + " updated, " +
                       std::to_string(report.unchanged) + " unchanged";
  if (options.dry_run) {
    report.message = report.bad_rows == 0
                         ? "the file is valid; importing it would give " + counts
                         : std::to_string(report.bad_rows) + " bad rows; the good ones would give " +
                               counts;
  } else if (stopped && !options.skip_bad) {
    report.message = "the file is malformed: nothing was imported";
  } else if (report.bad_rows > 0 && !options.skip_bad) {
    report.message = std::to_string(report.bad_rows) +
                     " bad rows: nothing was imported (fix them, or import with skip_bad to "
                     "import the good rows)";
  } else if (report.bad_rows > 0) {
    report.message = counts + "; " + std::to_string(report.bad_rows) + " bad rows skipped";
  } else {
    report.message = counts;
  }
  if (report.created_customers > 0) {
    report.message += "; " + std::to_string(report.created_customers) + " new customers";
  }
  if (report.created_products > 0) {
    report.message += "; " + std::to_string(report.created_products) + " new products";
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace ecrm::exchange
