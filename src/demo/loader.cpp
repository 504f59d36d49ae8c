#include "demo/loader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <deque>
#include <future>
#include <memory>
#include <optional>

#include "catalog/repo.hpp"
#include "catalog/service.hpp"
#include "customers/repo.hpp"
#include "demo/generator.hpp"
#include "demo/repo.hpp"
#include "events/validate.hpp"
#include "events/writer.hpp"
#include "orders/repo.hpp"
#include "search/index.hpp"

namespace ecrm::demo {

using storage::Connection;
using storage::TxMode;
using storage::with_transaction;

namespace {

// Concurrent order writers on PostgreSQL (each holds a connection of its own).
constexpr int kPostgresWriters = 4;

struct CatalogIds {
  std::vector<std::int64_t> categories;
  std::vector<std::int64_t> products;
};

Result<CatalogIds> write_catalog(storage::Database& db, const PlannedCatalog& plan) {
  catalog::CatalogRepo repo;
  catalog::CatalogService service(db, catalog::CatalogConfig{kCurrency});
  return with_transaction<CatalogIds>(db, TxMode::kWrite, [&](Connection& c) -> Result<CatalogIds> {
    CatalogIds ids;
    for (const auto& planned : plan.categories) {
      catalog::Category category = planned.category;
      if (planned.parent) category.parent_id = ids.categories.at(*planned.parent);
      ECRM_ASSIGN_OR_RETURN(auto created, repo.insert_category(c, category));
      ids.categories.push_back(created.id);
    }
    std::vector<bool> has_products(plan.categories.size(), false);
    for (const auto& planned : plan.products) {
      catalog::Product product = planned.product;
      product.category_id = ids.categories.at(planned.category);
      ECRM_ASSIGN_OR_RETURN(auto created, repo.insert_product(c, product));
      ids.products.push_back(created.id);
      has_products[planned.category] = true;
    }
    // The tiers were computed with the catalog's rule already; recomputing after the bulk
    // insert is what keeps the stored tiers right whatever the plan said.
    for (std::size_t i = 0; i < plan.categories.size(); ++i) {
      if (has_products[i])
        ECRM_RETURN_IF_ERROR(service.recompute_price_tiers(c, ids.categories[i]));
    }
    return ids;
  });
}

orders::Order priced_order(const PlannedOrder& planned, std::int64_t customer_id,
                           const CatalogIds& catalog) {
  orders::Order order = planned.order;
  order.customer_id = customer_id;
  for (std::size_t i = 0; i < order.lines.size(); ++i) {
    order.lines[i].product_id = catalog.products.at(planned.line_products[i]);
  }
  return order;
}

// Inserts orders whose rows nothing else refers to, lines and history in multi-row statements,
// then gives each its last-change time.
Status write_plain_orders(Connection& c, orders::OrderRepo& repo, std::vector<orders::Order>& run) {
  if (run.empty()) return {};
  ECRM_RETURN_IF_ERROR(repo.insert_many(c, run));
  for (const auto& order : run) {
    if (order.updated_at != order.created_at) ECRM_RETURN_IF_ERROR(repo.update_status(c, order));
  }
  run.clear();
  return {};
}

// Inserts an order with returns: one row at a time, as the returns need the line ids.
Status write_order_with_returns(Connection& c, orders::OrderRepo& repo, const PlannedOrder& planned,
                                orders::Order order) {
  ECRM_ASSIGN_OR_RETURN(auto stored, repo.insert(c, std::move(order)));
  for (const auto& change : planned.order.history) {
    ECRM_RETURN_IF_ERROR(repo.insert_status(c, stored.id, change));
  }
  if (planned.order.updated_at != stored.updated_at) {
    stored.updated_at = planned.order.updated_at;
    ECRM_RETURN_IF_ERROR(repo.update_status(c, stored));
  }
  for (const auto& r : planned.returns) {
    orders::Return ret = r.ret;
    ret.order_id = stored.id;
    for (std::size_t i = 0; i < ret.lines.size(); ++i) {
      ret.lines[i].order_line_id = stored.lines.at(r.line_indexes[i]).id;
    }
    ECRM_ASSIGN_OR_RETURN(auto created, repo.insert_return(c, std::move(ret)));
    if (r.ret.updated_at != created.updated_at) {
      ECRM_RETURN_IF_ERROR(
          repo.update_return_status(c, created.id, r.ret.status, r.ret.note, r.ret.updated_at));
    }
  }
  return {};
}

// An order ready to write: the plan and its customer's id.
struct PendingOrder {
  PlannedOrder plan;
  std::int64_t customer_id = 0;
};

// Writes orders[from, to) in transactions of at most `per_transaction` orders.
Status write_orders(storage::Database& db, const std::vector<PendingOrder>& orders,
                    std::size_t from, std::size_t to, std::int64_t per_transaction,
                    const CatalogIds& catalog) {
  orders::OrderRepo repo;
  const auto step = static_cast<std::size_t>(per_transaction);
  for (std::size_t begin = from; begin < to; begin += step) {
    const std::size_t end = std::min(to, begin + step);
    ECRM_RETURN_IF_ERROR(with_transaction(db, TxMode::kWrite, [&](Connection& c) -> Status {
      // Indexed for search once, at the end (see search::defer_index).
      ECRM_RETURN_IF_ERROR(search::defer_index(c, orders::kOrderIndex));
      // In plan order (so ids follow it): runs of orders without returns go in together.
      std::vector<orders::Order> run;
      for (std::size_t k = begin; k < end; ++k) {
        auto order = priced_order(orders[k].plan, orders[k].customer_id, catalog);
        if (orders[k].plan.returns.empty()) {
          run.push_back(std::move(order));
          continue;
        }
        ECRM_RETURN_IF_ERROR(write_plain_orders(c, repo, run));
        ECRM_RETURN_IF_ERROR(write_order_with_returns(c, repo, orders[k].plan, std::move(order)));
      }
      ECRM_RETURN_IF_ERROR(write_plain_orders(c, repo, run));
      return search::flush_deferred(c, orders::kOrderIndex);
    }));
  }
  return {};
}

// Writes planned traffic through the events pipeline: each event as the JSON the tracking
// snippet posts, validated as POST /api/v1/events validates it (from a write key, with the
// visitor's device as its User-Agent would give it), handed to the ingestion writer in batches
// of whole visitors, in time order as a browser sends them. The writer derives visitors,
// sessions, carts and purchases as it does for the shop's pages.
class TrafficWriter {
 public:
  TrafficWriter(storage::Database& db, const PlannedCatalog& catalog)
      : writer_(db, events::WriterOptions{.abandon_after = kCartAbandonAfter}, nullptr),
        catalog_(catalog) {}

  // Turns the visitors' events into validated events, ready to send; `orders` are the
  // customer's (purchases name them), null for anonymous visitors.
  Status stage(const std::vector<PlannedVisitor>& visitors,
               const std::vector<PlannedOrder>* orders) {
    events::ValidationContext context{events::Sender::kWriteKey, now_ms(), {}};
    for (const auto& visitor : visitors) {
      if (staged_.empty() || staged_.back().size() >= kEventsPerBatch) staged_.emplace_back();
      auto& batch = staged_.back();
      context.device = visitor.device;
      for (std::size_t i = 0; i < visitor.events.size(); ++i) {
        auto event = events::validate_event(to_json(visitor, i, orders),
                                            static_cast<int>(batch.size()), context);
        if (!event.ok()) {
          return Error::internal("a planned " +
                                 std::string(wire::enum_name(visitor.events[i].type)) +
                                 " event is invalid: " + event.error().message);
        }
        batch.push_back(std::move(event).value());
      }
    }
    return {};
  }

  // Hands what is staged to the ingestion writer (waiting for earlier batches when many are
  // in flight). Customers named by identify events must be committed.
  Status send() {
    for (auto& batch : staged_) {
      while (in_flight_.size() >= kBatchesInFlight) ECRM_RETURN_IF_ERROR(settle_oldest());
      in_flight_.push_back(writer_.submit(std::move(batch)));
    }
    staged_.clear();
    return {};
  }

  // Waits until everything sent is stored.
  Status wait() {
    while (!in_flight_.empty()) ECRM_RETURN_IF_ERROR(settle_oldest());
    return {};
  }

  // Sends what is staged and waits for it; returns how many events were stored in all.
  Result<std::int64_t> finish() {
    ECRM_RETURN_IF_ERROR(send());
    ECRM_RETURN_IF_ERROR(wait());
    return accepted_;
  }

 private:
  static constexpr std::size_t kEventsPerBatch = 2000;
  static constexpr std::size_t kBatchesInFlight = 8;

  Status settle_oldest() {
    auto outcome = in_flight_.front().get();
    in_flight_.pop_front();
    if (!outcome.ok()) return std::move(outcome).error();
    if (!outcome->errors.empty()) {
      return Error::internal("the events writer refused a planned event: " +
                             outcome->errors.front().message);
    }
    accepted_ += outcome->accepted;
    return {};
  }

  // Event `i` of `visitor` as the snippet would post it. Event ids are time-ordered, as the
  // snippet's are, and unique per visitor and event.
  boost::json::value to_json(const PlannedVisitor& visitor, std::size_t i,
                             const std::vector<PlannedOrder>* orders) const {
    namespace json = boost::json;
    const PlannedEvent& e = visitor.events[i];
    json::object properties;
    auto product_fields = [&](std::size_t index) {
      const auto& p = catalog_.products.at(index).product;
      properties["sku"] = p.sku;
      properties["name"] = p.name;
      properties["price"] = p.price;
      properties["currency"] = kCurrency;
    };
    switch (e.type) {
      case events::EventType::kPageView:
        properties["url"] = e.url;
        if (!e.referrer.empty()) properties["referrer"] = e.referrer;
        break;
      case events::EventType::kProductView:
        product_fields(*e.product);
        break;
      case events::EventType::kAddToCart:
      case events::EventType::kRemoveFromCart:
        product_fields(*e.product);
        properties["quantity"] = e.quantity;
        break;
      case events::EventType::kSearch:
        properties["query"] = e.text;
        break;
      case events::EventType::kCheckoutStep:
        properties["step"] = e.step;
        break;
      case events::EventType::kPurchase: {
        const auto& order = orders->at(*e.order).order;
        properties["order_id"] = order.external_id.value_or("");
        properties["total"] = order.total;
        properties["currency"] = order.currency;
        json::array items;
        for (const auto& line : order.lines) {
          items.push_back(json::object{{"sku", line.sku},
                                       {"name", line.name},
                                       {"quantity", line.quantity},
                                       {"price", line.unit_price}});
        }
        properties["items"] = std::move(items);
        break;
      }
      case events::EventType::kIdentify:
        properties["external_id"] = e.text;
        break;
      case events::EventType::kCustom:
        properties["name"] = e.text;
        break;
    }
    return json::object{{"event_id", event_id(visitor, i)},
                        {"type", wire::enum_name(e.type)},
                        {"anonymous_id", visitor.anonymous_id},
                        {"ts", e.ts},
                        {"properties", std::move(properties)}};
  }

  static std::string event_id(const PlannedVisitor& visitor, std::size_t i) {
    static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string ts(9, '0');
    auto t = static_cast<std::uint64_t>(visitor.events[i].ts);
    for (std::size_t k = ts.size(); k-- > 0; t /= 36) ts[k] = kDigits[t % 36];
    return ts + "-" + visitor.anonymous_id + "-" + std::to_string(i);
  }

  events::IngestWriter writer_;
  const PlannedCatalog& catalog_;
  std::vector<std::vector<events::IncomingEvent>> staged_;  // batches of whole visitors
  std::deque<std::future<Result<events::BatchOutcome>>> in_flight_;
  std::int64_t accepted_ = 0;
};

}  // namespace

DemoLoader::DemoLoader(storage::Database& db) : db_(db) {}

Result<std::int64_t> DemoLoader::count_customers() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return DemoRepo().count_customers(*lease);
}

Result<DemoStats> DemoLoader::load(const DemoConfig& config, const LoadOptions& options) {
  if (config.customers < kMinCustomers || config.customers > kMaxCustomers) {
    return Error::invalid("customers must be from " + std::to_string(kMinCustomers) + " to " +
                              std::to_string(kMaxCustomers),
                          "customers");
  }
  {
    DemoRepo repo;
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto customers, repo.count_customers(*lease));
    ECRM_ASSIGN_OR_RETURN(auto catalog, repo.count_catalog(*lease));
    ECRM_ASSIGN_OR_RETURN(auto orders, repo.count_orders(*lease));
    if (customers + catalog + orders > 0) {
      return Error::conflict("the database already holds " + std::to_string(customers) +
                                 " customers, " + std::to_string(orders) + " orders and " +
                                 std::to_string(catalog) +
                                 " products and categories; the demo shop loads only into an "
                                 "empty database",
                             {}, "database_not_empty");
    }
  }

  const PlannedCatalog catalog_plan = plan_catalog(config);
  ECRM_ASSIGN_OR_RETURN(auto catalog_ids, write_catalog(db_, catalog_plan));
  StatsCollector stats;
  stats.add(catalog_plan);

  const CustomerPlanner planner(catalog_plan, config);
  TrafficWriter traffic(db_, catalog_plan);
  CartTally carts;
  std::int64_t visitors = 0;
  const std::int64_t batch = std::max<std::int64_t>(1, options.batch);
  // SQLite has one writer at a time, so its orders are written inline, and a batch's traffic
  // goes to the events writer once its orders are in, to be stored while the next batch is
  // generated (and before that batch's customers are written, so that no writer waits on the
  // other's lock). PostgreSQL takes concurrent writers: each batch's orders go to a few
  // threads, each with its own connection, while its traffic goes to the events writer and
  // the next batch's customers are generated and written.
  const int writers = db_.backend() == storage::Backend::kPostgres ? kPostgresWriters : 1;
  std::vector<std::int64_t> customer_ids;  // by customer index
  customer_ids.reserve(static_cast<std::size_t>(config.customers));
  customers::CustomerRepo customer_repo;
  std::int64_t order_number = 0;

  struct InFlight {
    std::shared_ptr<const std::vector<PendingOrder>> orders;
    std::vector<std::future<Status>> jobs;
    std::int64_t done = 0;  // customers written once these orders are in
  };
  std::optional<InFlight> in_flight;
  // Waits for the previous batch's order writers; the first error wins.
  auto settle = [&]() -> Status {
    if (!in_flight) return {};
    Status first_error;
    for (auto& job : in_flight->jobs) {
      Status status = job.get();
      if (!status.ok() && first_error.ok()) first_error = std::move(status);
    }
    const std::int64_t done = in_flight->done;
    in_flight.reset();
    ECRM_RETURN_IF_ERROR(first_error);
    if (options.progress) options.progress(done, config.customers);
    return {};
  };

  for (std::int64_t first = 0; first < config.customers; first += batch) {
    const std::int64_t last = std::min(config.customers, first + batch);
    std::vector<PlannedCustomer> plans;
    plans.reserve(static_cast<std::size_t>(last - first));
    for (std::int64_t i = first; i < last; ++i) plans.push_back(planner.plan(i));
    number_orders(plans, &order_number);
    if (writers == 1) ECRM_RETURN_IF_ERROR(traffic.wait());

    auto ids = with_transaction<std::vector<std::int64_t>>(
        db_, TxMode::kWrite, [&](Connection& c) -> Result<std::vector<std::int64_t>> {
          std::vector<std::int64_t> inserted;
          ECRM_RETURN_IF_ERROR(search::defer_index(c, customers::kCustomerIndex));
          for (const auto& plan : plans) {
            customers::Customer customer = plan.customer;
            if (plan.referrer) {
              const auto r = static_cast<std::size_t>(*plan.referrer);
              customer.referred_by =
                  r < customer_ids.size() ? customer_ids[r] : inserted.at(r - customer_ids.size());
            }
            ECRM_ASSIGN_OR_RETURN(auto id, customer_repo.insert(c, customer));
            inserted.push_back(id);
          }
          ECRM_RETURN_IF_ERROR(search::flush_deferred(c, customers::kCustomerIndex));
          return inserted;
        });
    if (!ids.ok()) {
      (void)settle();
      return std::move(ids).error();
    }
    customer_ids.insert(customer_ids.end(), ids->begin(), ids->end());
    for (const auto& plan : plans) {
      stats.add(plan);
      for (const auto& visitor : plan.visitors) tally_carts(visitor, config.now, carts);
      visitors += static_cast<std::int64_t>(plan.visitors.size());
      Status staged = traffic.stage(plan.visitors, &plan.orders);
      if (!staged.ok()) {
        (void)settle();
        return std::move(staged).error();
      }
    }

    auto pending = std::make_shared<std::vector<PendingOrder>>();
    for (auto& plan : plans) {
      for (auto& order : plan.orders) {
        pending->push_back(
            PendingOrder{std::move(order), customer_ids[static_cast<std::size_t>(plan.index)]});
      }
    }
    ECRM_RETURN_IF_ERROR(settle());
    // The customers are in: their devices' identify events find them.
    if (writers == 1) {
      ECRM_RETURN_IF_ERROR(write_orders(db_, *pending, 0, pending->size(), batch, catalog_ids));
      ECRM_RETURN_IF_ERROR(traffic.send());
      if (options.progress) options.progress(last, config.customers);
      continue;
    }
    ECRM_RETURN_IF_ERROR(traffic.send());
    InFlight next;
    next.orders = pending;
    next.done = last;
    const std::size_t slice = (pending->size() + writers - 1) / writers;
    for (std::size_t from = 0; from < pending->size(); from += slice) {
      const std::size_t to = std::min(pending->size(), from + slice);
      next.jobs.push_back(
          std::async(std::launch::async, [this, pending, from, to, batch, &catalog_ids] {
            return write_orders(db_, *pending, from, to, batch, catalog_ids);
          }));
    }
    in_flight = std::move(next);
  }
  ECRM_RETURN_IF_ERROR(settle());
  // Anonymous visitors, as many as the customers' own carts call for.
  const std::int64_t customer_visitors = visitors;
  const auto days = anonymous_traffic(carts);
  for (std::int64_t day = 0; day < kTrafficDays; ++day) {
    const auto anonymous = planner.plan_anonymous(day, days[static_cast<std::size_t>(day)]);
    for (const auto& visitor : anonymous) tally_carts(visitor, config.now, carts);
    visitors += static_cast<std::int64_t>(anonymous.size());
    ECRM_RETURN_IF_ERROR(traffic.stage(anonymous, nullptr));
    ECRM_RETURN_IF_ERROR(traffic.send());
  }
  ECRM_ASSIGN_OR_RETURN(const std::int64_t events, traffic.finish());
  // The shop is loaded in one go: its search indexes are merged once, as a shop's indexes end up
  // after a while of merging in the background.
  for (const search::TextIndex* index :
       {&customers::kCustomerIndex, &orders::kOrderIndex, &catalog::kProductIndex}) {
    ECRM_RETURN_IF_ERROR(with_transaction(
        db_, TxMode::kWrite, [&](Connection& c) -> Status { return search::optimize(c, *index); }));
  }
  DemoStats out = stats.finish();
  out.visitors = visitors;
  out.customer_visitors = customer_visitors;
  out.events = events;
  for (std::size_t day = 0; day < carts.purchased.size(); ++day) {
    out.carts_purchased += carts.purchased[day];
    out.carts_abandoned += carts.abandoned[day];
  }
  return out;
}

}  // namespace ecrm::demo
