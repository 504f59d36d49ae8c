// The flow engine: enrolments, their steps, the change triggers and follows.
#include <date/tz.h>
#include <sodium.h>

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "automation/service.hpp"
#include "core/crypto.hpp"
#include "core/money.hpp"
#include "customers/repo.hpp"
#include "http/wire.hpp"

namespace ecrm::automation {

namespace json = boost::json;
using storage::Connection;
using storage::TxMode;

namespace {

constexpr int kMaxStepsPerAdvance = 200;  // a flow has no cycle: this only guards the loop
constexpr int kDueBatch = 200;
constexpr int kOrderBatch = 1000;
constexpr int kProductScanEvery = 12;  // passes of the worker (a minute at the default 5 s)
// A change trigger turned on looks back this far at most (a cart abandoned last month is past
// saving).
constexpr UnixMs kLookBack = 2 * kMsPerDay;

bool manual_like(TriggerKind k) { return k == TriggerKind::kManual; }

std::optional<std::int64_t> cart_field(const json::object& context, std::string_view name) {
  if (auto* cart = context.if_contains("cart"); cart && cart->is_object()) {
    if (auto* v = cart->as_object().if_contains(name); v && v->is_int64()) return v->as_int64();
  }
  return std::nullopt;
}

}  // namespace

Result<Flow> AutomationService::flow(const std::string& key) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto found, repo_.flow(*lease, key));
  if (!found) return Error::not_found("no flow " + key);
  return std::move(*found);
}

Result<Flow> AutomationService::put_flow(const std::string& key, const FlowInput& input) {
  if (key.empty() || key.size() > 100 ||
      !std::all_of(key.begin(), key.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
      })) {
    return Error::invalid("key may hold only a-z, 0-9, '_' and '-' (1 to 100 characters)", "key");
  }
  if (input.name.empty()) return Error::invalid("name must not be empty", "name");
  ECRM_ASSIGN_OR_RETURN(auto templates, messaging_.templates());
  std::set<std::string> keys;
  for (const auto& t : templates) keys.insert(t.key);
  ECRM_RETURN_IF_ERROR(validate(input.definition, "definition",
                                [&](const std::string& k) { return keys.count(k) > 0; }));
  Flow f;
  f.key = key;
  f.name = input.name;
  f.description = input.description.value_or("");
  f.enabled = input.enabled.value_or(false);
  f.definition = input.definition;
  f.trigger = std::string(wire::enum_name(input.definition.trigger.kind));
  f.updated_at = now_ms();
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.put_flow(c, f);
  }));
  return flow(key);
}

Status AutomationService::delete_flow(const std::string& key) {
  static const std::set<std::string> shipped{
      "birthday_card", "birthday_recommendations", "anniversary_card",
      "anniversary_recommendations", "new_version", "cart_recovery", "win_back"};
  if (shipped.count(key)) {
    return Error::conflict("a shipped flow cannot be deleted: turn it off", "key", "shipped");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(bool found, repo_.delete_flow(*lease, key));
  if (!found) return Error::not_found("no flow " + key);
  return {};
}

Result<FlowStats> AutomationService::flow_stats(const std::string& key) {
  ECRM_ASSIGN_OR_RETURN(auto f, flow(key));
  FlowStats out;
  out.key = f.key;
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(out.enrolments, repo_.enrolment_counts(*lease, key));
  ECRM_ASSIGN_OR_RETURN(out.messages, repo_.message_counts(*lease, key));
  ECRM_ASSIGN_OR_RETURN(out.events, repo_.event_counts(*lease, key));
  return out;
}

Result<std::vector<Enrolment>> AutomationService::enrolments(const std::string& key,
                                                             std::optional<std::int64_t> customer_id,
                                                             std::int64_t before_id, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.enrolments(*lease, key, customer_id, before_id, limit);
}

Result<std::vector<Flow>> AutomationService::enabled_flows(TriggerKind kind) {
  ECRM_ASSIGN_OR_RETURN(auto all, flows());
  std::vector<Flow> out;
  for (auto& f : all) {
    if (f.enabled && f.definition.trigger.kind == kind && !f.definition.steps.empty()) {
      out.push_back(std::move(f));
    }
  }
  return out;
}

Result<bool> AutomationService::enrol_one(const Flow& flow, std::int64_t customer_id,
                                         const std::string& occurrence, json::object context,
                                         UnixMs triggered_at, RunSummary* summary) {
  const UnixMs now = now_ms();
  auto queued = storage::with_transaction<int>(db_, TxMode::kWrite, [&](Connection& c) -> Result<int> {
    ECRM_ASSIGN_OR_RETURN(auto facts, repo_.facts(c, customer_id, now));
    if (!facts) return -1;
    bool failed = false;
    const bool ok = all_hold(flow.definition.conditions, *facts,
                             [&](ConditionField field, const std::vector<std::string>& values) {
                               auto b = repo_.bought(c, customer_id, field, values);
                               if (!b.ok()) failed = true;
                               return b.ok() && *b;
                             });
    if (failed) return Error::unavailable("could not check the flow's conditions");
    if (!ok) return -1;
    NewEnrolment n;
    n.flow_key = flow.key;
    n.customer_id = customer_id;
    n.occurrence = occurrence;
    n.step = first_step(flow.definition);
    n.context = json::serialize(context);
    n.triggered_at = triggered_at;
    ECRM_ASSIGN_OR_RETURN(auto id, repo_.enrol(c, n, now));
    if (!id) return -1;  // enrolled for this occurrence before
    ECRM_ASSIGN_OR_RETURN(auto row, repo_.lock_enrolment(c, *id));
    if (!row) return Error::internal("the enrolment just made is gone");
    return advance(c, flow, *row, now, true);
  });
  if (!queued.ok()) return std::move(queued).error();
  if (*queued < 0) return false;
  if (summary) {
    ++summary->enrolled;
    ++summary->by_flow[flow.key];
    summary->queued += *queued;
  }
  return true;
}

Result<UnixMs> AutomationService::wait_until(const std::string& time_of_day, UnixMs now) const {
  try {
    const date::time_zone* zone = options_.time_zone.empty() ? date::current_zone()
                                                             : date::locate_zone(options_.time_zone);
    using namespace std::chrono;
    const auto local = zone->to_local(sys_time<milliseconds>(milliseconds(now)));
    const auto day = date::floor<date::days>(local);
    const auto at = minutes(std::stoi(time_of_day.substr(0, 2)) * 60 +
                            std::stoi(time_of_day.substr(3, 2)));
    auto target = day + at;
    if (target <= local) target += date::days(1);
    const auto sys = zone->to_sys(date::local_time<milliseconds>(target), date::choose::latest);
    return static_cast<UnixMs>(sys.time_since_epoch().count());
  } catch (const std::exception& e) {
    return Error::invalid(std::string("cannot wait until ") + time_of_day + ": " + e.what(),
                          "until");
  }
}

Status AutomationService::apply_tags(Connection& c, std::int64_t customer_id, const Step& step) {
  customers::CustomerRepo customers;
  ECRM_ASSIGN_OR_RETURN(auto customer, customers.find(c, customer_id));
  if (!customer) return {};
  std::set<std::string> tags(customer->tags.begin(), customer->tags.end());
  for (const auto& t : step.add_tags) tags.insert(t);
  for (const auto& t : step.remove_tags) tags.erase(t);
  std::vector<std::string> next(tags.begin(), tags.end());
  if (next == customer->tags) return {};
  customer->tags = std::move(next);
  customer->updated_at = now_ms();
  ECRM_RETURN_IF_ERROR(customers.update(c, *customer));
  return customers.replace_tags(c, customer_id, customer->tags);
}

Result<int> AutomationService::advance(Connection& c, const Flow& flow, EnrolmentRow& e, UnixMs now,
                                       bool fresh) {
  int queued = 0;
  json::object context;
  {
    boost::system::error_code ec;
    auto parsed = json::parse(e.context, ec);
    if (!ec && parsed.is_object()) context = std::move(parsed.as_object());
  }
  auto finish = [&](const std::string& status, const std::string& reason) {
    e.status = status;
    e.reason = reason;
    e.step.reset();
    e.next_at.reset();
  };
  if (flow.definition.cancel_on_purchase.value_or(false)) {
    // A cart's purchase counts from its last activity (an order placed before the cart was
    // abandoned came first too).
    const UnixMs since = cart_field(context, "active_at").value_or(e.triggered_at);
    ECRM_ASSIGN_OR_RETURN(bool bought, repo_.purchased_since(c, e.customer_id, since,
                                                             cart_field(context, "id")));
    if (bought) {
      finish("cancelled", "a purchase came first");
      ECRM_RETURN_IF_ERROR(repo_.save_enrolment(c, e, now));
      return 0;
    }
  }
  bool at_start = fresh;
  for (int guard = 0; guard < kMaxStepsPerAdvance; ++guard) {
    if (!e.step) {
      finish("done", "");
      break;
    }
    auto index = step_index(flow.definition, *e.step);
    if (!index) {
      finish("cancelled", "the flow has no step '" + *e.step + "' any more");
      break;
    }
    const Step& step = flow.definition.steps[*index];
    std::optional<std::string> next = step.next;
    switch (step.type) {
      case StepType::kSend: {
        ECRM_ASSIGN_OR_RETURN(auto customer, customers::CustomerRepo().find(c, e.customer_id));
        if (!customer || customer->merged_into || customer->erased_at) {
          finish("cancelled", "the customer is gone");
          ECRM_RETURN_IF_ERROR(repo_.save_enrolment(c, e, now));
          return queued;
        }
        // Recommendations the template shows are the customer's when it is sent (messaging asks
        // for them), unless the trigger gave them.
        const json::object& data = context;
        messaging::NewMessage m;
        m.customer_id = e.customer_id;
        m.template_key = *step.template_key;
        m.source = flow.key;
        m.dedupe_key = flow.key + ":" + std::to_string(e.customer_id) + ":" + e.occurrence +
                       ":" + step.id;
        m.data = json::serialize(data);
        m.drop_when_capped = flow.definition.on_cap == OnCap::kDrop;
        ECRM_ASSIGN_OR_RETURN(auto message, messaging_.queue(c, m));
        if (message) {
          e.message_id = *message;
          ++queued;
        }
        break;
      }
      case StepType::kWait: {
        UnixMs until = 0;
        if (step.until) {
          ECRM_ASSIGN_OR_RETURN(until, wait_until(*step.until, now));
        } else {
          // The first step's delay counts from the trigger (a cart: from its abandonment).
          const UnixMs base = at_start ? e.triggered_at : now;
          until = base + static_cast<UnixMs>(step.minutes.value_or(0) * 60'000.0);
        }
        e.step = next_step(flow.definition, *index, next);
        if (until > now) {
          e.status = "waiting";
          e.next_at = until;
          ECRM_RETURN_IF_ERROR(repo_.save_enrolment(c, e, now));
          return queued;
        }
        at_start = false;
        continue;
      }
      case StepType::kBranch: {
        ECRM_ASSIGN_OR_RETURN(auto facts, repo_.facts(c, e.customer_id, now));
        bool failed = false;
        const bool ok = facts && all_hold(step.conditions, *facts,
                                          [&](ConditionField field, const std::vector<std::string>& v) {
                                            auto b = repo_.bought(c, e.customer_id, field, v);
                                            if (!b.ok()) failed = true;
                                            return b.ok() && *b;
                                          });
        if (failed) return Error::unavailable("could not check the branch's conditions");
        const auto& chosen = ok ? step.then : step.otherwise;
        if (chosen) next = chosen;
        break;
      }
      case StepType::kSplit: {
        const int draw = draw_percent(e.id, flow.key + ":" + step.id);
        const int holdout = static_cast<int>(step.holdout_percent.value_or(0));
        if (draw < holdout) {
          e.variant = "holdout";
          finish("holdout", "held out of the split '" + step.id + "'");
          ECRM_RETURN_IF_ERROR(repo_.save_enrolment(c, e, now));
          return queued;
        }
        // The rest spread over the variants by their shares.
        const int rest = draw_percent(e.id, flow.key + ":" + step.id + ":variant");
        int acc = 0;
        for (const auto& v : step.variants) {
          acc += static_cast<int>(v.share);
          if (rest < acc) {
            e.variant = v.name;
            if (v.next) next = v.next;
            break;
          }
        }
        break;
      }
      case StepType::kTag:
        ECRM_RETURN_IF_ERROR(apply_tags(c, e.customer_id, step));
        break;
      case StepType::kTask:
        ECRM_RETURN_IF_ERROR(repo_.add_task(
            c, e.customer_id, *step.title, flow.key,
            step.due_days ? std::optional<UnixMs>(now + *step.due_days * kMsPerDay) : std::nullopt,
            now));
        break;
      case StepType::kWebhook: {
        json::object body{{"flow", flow.key},
                          {"step", step.id},
                          {"enrolment_id", e.id},
                          {"customer_id", e.customer_id},
                          {"occurrence", e.occurrence},
                          {"variant", e.variant},
                          {"context", context},
                          {"at", now}};
        ECRM_RETURN_IF_ERROR(repo_.add_webhook_call(c, *step.url, json::serialize(body), flow.key, now));
        break;
      }
      case StepType::kExit:
        e.step.reset();
        continue;
    }
    at_start = false;
    e.step = next_step(flow.definition, *index, next);
  }
  ECRM_RETURN_IF_ERROR(repo_.save_enrolment(c, e, now));
  return queued;
}

Result<EnrolResult> AutomationService::enrol(const std::string& key, const EnrolRequest& request) {
  ECRM_ASSIGN_OR_RETURN(auto f, flow(key));
  if (!f.enabled) return Error::conflict("the flow " + key + " is off", {}, "flow_off");
  if (!manual_like(f.definition.trigger.kind)) {
    return Error::conflict("the flow " + key + " starts by its trigger (" + f.trigger +
                               "), not by hand",
                           {}, "not_manual");
  }
  const std::string occurrence =
      request.occurrence.value_or("manual:" + std::to_string(now_ms()));
  EnrolResult out;
  for (std::size_t i = 0; i < request.customer_ids.size(); ++i) {
    ECRM_ASSIGN_OR_RETURN(bool enrolled, enrol_one(f, request.customer_ids[i], occurrence, {},
                                                    now_ms(), nullptr));
    (enrolled ? out.enrolled : out.skipped)++;
  }
  return out;
}

Result<WorkSummary> AutomationService::work(UnixMs now) {
  WorkSummary out;
  ECRM_ASSIGN_OR_RETURN(out.enrolled, scan_abandoned_carts(now));
  ECRM_ASSIGN_OR_RETURN(auto orders, scan_orders(now));
  out.enrolled += orders;
  ECRM_RETURN_IF_ERROR(scan_follow_events());
  if (passes_++ % kProductScanEvery == 0) {
    ECRM_ASSIGN_OR_RETURN(auto products, scan_products(now));
    out.enrolled += products;
  }
  ECRM_ASSIGN_OR_RETURN(auto all, flows());
  std::map<std::string, const Flow*> by_key;
  for (const auto& f : all) by_key[f.key] = &f;
  for (;;) {
    std::vector<std::int64_t> due;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(due, repo_.due_enrolments(*lease, now, kDueBatch));
    }
    if (due.empty()) break;
    for (std::int64_t id : due) {
      ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
        ECRM_ASSIGN_OR_RETURN(auto e, repo_.lock_enrolment(c, id));
        // Another worker may have moved it on meanwhile.
        if (!e || e->status != "waiting" || !e->next_at || *e->next_at > now) return {};
        auto it = by_key.find(e->flow_key);
        if (it == by_key.end() || !it->second->enabled) {
          e->status = "cancelled";
          e->reason = it == by_key.end() ? "the flow was deleted" : "the flow was turned off";
          e->step.reset();
          e->next_at.reset();
          return repo_.save_enrolment(c, *e, now);
        }
        ECRM_ASSIGN_OR_RETURN(auto queued, advance(c, *it->second, *e, now, false));
        (void)queued;
        return {};
      }));
      ++out.advanced;
    }
    if (static_cast<int>(due.size()) < kDueBatch) break;
  }
  ECRM_ASSIGN_OR_RETURN(auto calls, webhooks_.send_due(now_ms()));
  (void)calls;
  return out;
}

Result<std::int64_t> AutomationService::scan_abandoned_carts(UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto flows, enabled_flows(TriggerKind::kCartAbandoned));
  if (flows.empty()) return 0;
  std::int64_t enrolled = 0;
  for (const auto& f : flows) {
    const std::string name = "cart_abandoned:" + f.key;
    std::optional<std::int64_t> from;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(from, repo_.cursor(*lease, name));
    }
    const UnixMs since = std::max({from.value_or(0), f.enabled_at.value_or(now), now - kLookBack});
    std::vector<AbandonedCart> carts;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(carts, repo_.abandoned_carts(*lease, since, now + 1, options_.abandon_after));
    }
    for (const auto& cart : carts) {
      json::array items;
      boost::system::error_code ec;
      auto parsed = json::parse(cart.items, ec);
      if (!ec && parsed.is_array()) {
        for (const auto& raw : parsed.as_array()) {
          if (!raw.is_object()) continue;
          const auto& o = raw.as_object();
          json::object item;
          if (auto* n = o.if_contains("name"); n && n->is_string()) item["name"] = *n;
          else if (auto* p = o.if_contains("product"); p && p->is_string()) item["name"] = *p;
          if (auto* q = o.if_contains("quantity"); q && q->is_int64()) {
            item["quantity"] = std::to_string(q->as_int64());
          }
          if (auto* p = o.if_contains("price"); p && p->is_int64()) {
            item["price"] = format_money(p->as_int64(), cart.currency);
          }
          items.push_back(std::move(item));
        }
      }
      json::object context{{"cart", json::object{{"id", cart.cart_id},
                                                  {"active_at", cart.abandoned_at - options_.abandon_after},
                                                  {"items", std::move(items)},
                                                  {"total", format_money(cart.value, cart.currency)}}}};
      ECRM_ASSIGN_OR_RETURN(bool e, enrol_one(f, cart.customer_id,
                                               "cart:" + std::to_string(cart.cart_id),
                                               std::move(context), cart.abandoned_at, nullptr));
      if (e) ++enrolled;
    }
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(repo_.set_cursor(*lease, name, now + 1));
  }
  return enrolled;
}

Result<std::int64_t> AutomationService::scan_orders(UnixMs now) {
  std::map<std::string, std::vector<Flow>> by_status;
  for (auto [kind, status] : {std::pair{TriggerKind::kOrderPlaced, "placed"},
                              std::pair{TriggerKind::kOrderShipped, "shipped"},
                              std::pair{TriggerKind::kOrderDelivered, "delivered"}}) {
    ECRM_ASSIGN_OR_RETURN(auto flows, enabled_flows(kind));
    if (!flows.empty()) by_status[status] = std::move(flows);
  }
  std::optional<std::int64_t> position, position_id;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(position, repo_.cursor(*lease, "orders:updated_at"));
    ECRM_ASSIGN_OR_RETURN(position_id, repo_.cursor(*lease, "orders:id"));
    if (by_status.empty() || !position) {
      // Nothing listens, or a first look: start from now (history is not mailed).
      ECRM_ASSIGN_OR_RETURN(auto latest, repo_.max_order_update(*lease));
      ECRM_RETURN_IF_ERROR(repo_.set_cursor(*lease, "orders:updated_at", latest.value_or(0)));
      ECRM_RETURN_IF_ERROR(repo_.set_cursor(*lease, "orders:id", std::numeric_limits<std::int64_t>::max()));
      return 0;
    }
  }
  std::int64_t enrolled = 0;
  UnixMs after = *position;
  std::int64_t after_id = position_id.value_or(0);
  for (;;) {
    std::vector<ChangedOrder> orders;
    {
      ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
      ECRM_ASSIGN_OR_RETURN(orders, repo_.changed_orders(*lease, after, after_id, kOrderBatch));
    }
    for (const auto& o : orders) {
      // "placed" also covers an order that arrives already paid.
      std::string status = o.status == "paid" ? "placed" : o.status;
      if (auto it = by_status.find(status); it != by_status.end()) {
        json::object context{{"order", json::object{{"number", o.external_id.value_or(std::to_string(o.id))},
                                                    {"status", o.status},
                                                    {"total", format_money(o.total, o.currency)}}}};
        for (const auto& f : it->second) {
          ECRM_ASSIGN_OR_RETURN(bool e, enrol_one(f, o.customer_id,
                                                   "order:" + std::to_string(o.id) + ":" + status,
                                                   context, o.updated_at, nullptr));
          if (e) ++enrolled;
        }
      }
      after = o.updated_at;
      after_id = o.id;
    }
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_RETURN_IF_ERROR(repo_.set_cursor(*lease, "orders:updated_at", after));
    ECRM_RETURN_IF_ERROR(repo_.set_cursor(*lease, "orders:id", after_id));
    if (static_cast<int>(orders.size()) < kOrderBatch) break;
  }
  (void)now;
  return enrolled;
}

Result<std::int64_t> AutomationService::scan_products(UnixMs now) {
  std::vector<ProductChange> changes;
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    ECRM_ASSIGN_OR_RETURN(changes, repo_.product_changes(c));
    return {};
  }));
  std::int64_t enrolled = 0;
  const std::string day = format_date(now);
  for (const auto& ch : changes) {
    json::object data;
    if (ch.change == ChangeKind::kPriceDrop) data["old_price"] = ch.old_price;
    ECRM_ASSIGN_OR_RETURN(auto n, notify_followers(ch.product_id, ch.change, std::move(data),
                                                   std::string(wire::enum_name(ch.change)) + ":" +
                                                       std::to_string(ch.product_id) + ":" + day));
    enrolled += n;
  }
  return enrolled;
}

Result<std::int64_t> AutomationService::notify_followers(std::int64_t product_id, ChangeKind change,
                                                         json::object data,
                                                         const std::string& occurrence) {
  ECRM_ASSIGN_OR_RETURN(auto flows, enabled_flows(TriggerKind::kFollowedChanged));
  std::erase_if(flows, [&](const Flow& f) {
    return f.definition.trigger.change && *f.definition.trigger.change != change;
  });
  if (flows.empty()) return 0;
  auto product = catalog_.get_product(product_id);
  if (!product.ok()) return 0;
  json::object p{{"name", product->name},
                 {"product_id", product->id},
                 {"sku", product->sku},
                 {"brand", product->brand},
                 {"price", format_money(product->price, product->currency)}};
  if (auto* old = data.if_contains("old_price"); old && old->is_int64()) {
    p["old_price"] = format_money(old->as_int64(), product->currency);
  }
  json::object context{{"product", std::move(p)},
                       {"change", json::object{{std::string(wire::enum_name(change)), true}}}};
  if (auto* v = data.if_contains("version"); v) context["version"] = *v;
  std::vector<std::int64_t> followers;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(followers, repo_.followers(*lease, product_id));
  }
  std::int64_t enrolled = 0;
  for (const auto& f : flows) {
    for (std::int64_t customer_id : followers) {
      ECRM_ASSIGN_OR_RETURN(bool e, enrol_one(f, customer_id, occurrence, context, now_ms(), nullptr));
      if (e) ++enrolled;
    }
  }
  return enrolled;
}

Status AutomationService::scan_follow_events() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto upto, repo_.max_event_id(*lease));
  ECRM_ASSIGN_OR_RETURN(auto from, repo_.cursor(*lease, "events:follow"));
  if (!from) {
    // A first look: what follows from now on (older events are history).
    return repo_.set_cursor(*lease, "events:follow", upto.value_or(0));
  }
  if (!upto || *upto <= *from) return {};
  ECRM_ASSIGN_OR_RETURN(auto events, repo_.follow_events(*lease, *from, *upto));
  for (const auto& e : events) {
    boost::system::error_code ec;
    auto parsed = json::parse(e.properties, ec);
    if (ec || !parsed.is_object()) continue;
    const auto& p = parsed.as_object();
    const auto* name = p.if_contains("name");
    if (!name || !name->is_string() || (name->as_string() != "follow" && name->as_string() != "unfollow")) {
      continue;
    }
    std::optional<std::int64_t> target;
    std::string kind = "product";
    if (const auto* sku = p.if_contains("sku"); sku && sku->is_string()) {
      ECRM_ASSIGN_OR_RETURN(target, repo_.product_by_sku(*lease, std::string(sku->as_string())));
    } else if (const auto* slug = p.if_contains("category"); slug && slug->is_string()) {
      kind = "category";
      ECRM_ASSIGN_OR_RETURN(target, repo_.category_by_slug(*lease, std::string(slug->as_string())));
    }
    if (!target) continue;  // an unknown product or category: nothing to follow
    if (name->as_string() == "follow") {
      ECRM_RETURN_IF_ERROR(repo_.follow(*lease, e.customer_id, kind, *target, now_ms()));
    } else {
      ECRM_ASSIGN_OR_RETURN(bool removed, repo_.unfollow(*lease, e.customer_id, kind, *target));
      (void)removed;
    }
  }
  return repo_.set_cursor(*lease, "events:follow", *upto);
}

Result<Follow> AutomationService::follow(const FollowInput& input) {
  const std::string kind(wire::enum_name(input.target_kind));
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto customer, customers::CustomerRepo().find(*lease, input.customer_id));
  if (!customer || customer->merged_into || customer->erased_at) {
    return Error::invalid("no such customer", "customer_id");
  }
  const std::string_view check = input.target_kind == FollowKind::kProduct
                                     ? "SELECT id FROM products WHERE id = $1"
                                     : "SELECT id FROM categories WHERE id = $1";
  ECRM_ASSIGN_OR_RETURN(auto target, lease->query_int(check, {input.target_id}));
  if (!target) return Error::invalid("no such " + kind, "target_id");
  ECRM_RETURN_IF_ERROR(repo_.follow(*lease, input.customer_id, kind, input.target_id, now_ms()));
  ECRM_ASSIGN_OR_RETURN(auto all, repo_.follows(*lease, input.customer_id));
  for (auto& f : all) {
    if (f.target_kind == input.target_kind && f.target_id == input.target_id) return std::move(f);
  }
  return Error::internal("the follow was not stored");
}

Status AutomationService::unfollow(const FollowInput& input) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(bool found, repo_.unfollow(*lease, input.customer_id,
                                                   std::string(wire::enum_name(input.target_kind)),
                                                   input.target_id));
  if (!found) return Error::not_found("the customer does not follow it");
  return {};
}

Result<std::vector<Follow>> AutomationService::follows(std::int64_t customer_id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.follows(*lease, customer_id);
}

}  // namespace ecrm::automation
