#include "events/writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "events/tracker.hpp"
#include "core/thread_name.hpp"

namespace ecrm::events {

namespace {

constexpr int kAttempts = 4;
constexpr int kMaxMergeHops = 16;

bool is_cart_event(EventType type) {
  return type == EventType::kAddToCart || type == EventType::kRemoveFromCart ||
         type == EventType::kCheckoutStep || type == EventType::kPurchase;
}

// One event of the group on its way into the log.
struct Item {
  IncomingEvent* event = nullptr;  // its event_id and properties move into the log row
  std::size_t batch = 0;
};

// fdatasync of the file at `path` (an empty path: nothing to sync, commits sync themselves). A
// file written through another descriptor is synced all the same (the page cache is per file).
Status sync_file(const std::string& path) {
  if (path.empty()) return {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::unavailable("cannot open " + path + ": " + std::strerror(errno));
  int rc = ::fdatasync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return Error::unavailable("fdatasync of " + path + " failed: " + std::strerror(saved));
  return {};
}

}  // namespace

IngestWriter::IngestWriter(storage::Database& db, WriterOptions options, MetricsRegistry* metrics)
    : db_(db), options_(options), metrics_(metrics) {
  const int writers =
      db_.backend() == storage::Backend::kPostgres ? std::max(1, options_.postgres_writers) : 1;
  for (int i = 0; i < writers; ++i) {
    threads_.emplace_back([this] {
      name_this_thread("event-writer");
      run();
    });
  }
  if (db_.backend() == storage::Backend::kSqlite) {
    syncer_ = std::thread([this] {
      name_this_thread("event-sync");
      sync_loop();
    });
  }
}

IngestWriter::~IngestWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
  {
    std::lock_guard lock(mutex_);
    writer_done_ = true;
  }
  synced_.notify_all();
  if (syncer_.joinable()) syncer_.join();
}

void IngestWriter::answer(std::vector<Pending>& group, std::vector<BatchOutcome>& outcomes) {
  for (std::size_t i = 0; i < group.size(); ++i) group[i].promise.set_value(std::move(outcomes[i]));
}

void IngestWriter::sync_loop() {
  for (;;) {
    std::deque<Committed> batch;
    std::string path;
    {
      std::unique_lock lock(mutex_);
      synced_.wait(lock, [this] { return writer_done_ || !committed_.empty(); });
      if (committed_.empty()) return;  // the writer stopped and everything is answered
      batch.swap(committed_);
      path = wal_path_;
    }
    auto started = std::chrono::steady_clock::now();
    Status synced = sync_file(path);
    if (metrics_) {
      metrics_->histogram("ecrm_events_sync_seconds", "Duration of event log syncs (SQLite)")
          .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    for (auto& c : batch) {
      if (synced.ok()) {
        answer(c.group, c.outcomes);
      } else {
        // Committed, but not known to be on disk: the client retries, and the retry is
        // answered as duplicates if the events survived.
        spdlog::error("syncing the event log failed: {}", synced.error().message);
        for (auto& pending : c.group) pending.promise.set_value(synced.error());
      }
    }
  }
}

std::future<Result<BatchOutcome>> IngestWriter::submit(std::vector<IncomingEvent> events) {
  Pending pending{std::move(events), {}};
  auto future = pending.promise.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      pending.promise.set_value(Error::unavailable("the server is shutting down"));
      return future;
    }
    queue_.push_back(std::move(pending));
  }
  wake_.notify_one();
  return future;
}

void IngestWriter::run() {
  std::optional<storage::Lease> lease;
  for (;;) {
    std::vector<Pending> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything submitted is answered
      std::size_t events = 0;
      while (!queue_.empty() &&
             (group.empty() || events + queue_.front().events.size() <= options_.max_group_events)) {
        events += queue_.front().events.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    auto started = std::chrono::steady_clock::now();
    Result<std::vector<BatchOutcome>> outcome = Error::unavailable("not stored");
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      if (!lease) {
        auto acquired = db_.acquire();
        if (!acquired.ok()) {
          outcome = std::move(acquired).error();
          continue;
        }
        lease.emplace(std::move(acquired).value());
        Status ready;
        if (syncer_.joinable()) {
          // SQLite: commits stay at synchronous=NORMAL; the syncer makes them durable.
          auto path = repo_.wal_path(**lease);
          if (path.ok() && !path->empty()) {
            std::lock_guard lock(mutex_);
            wal_path_ = *path;
          } else if (path.ok()) {
            ready = repo_.make_commits_durable(**lease);  // no log file: sync on commit
          } else {
            ready = std::move(path).error();
          }
        } else {
          ready = repo_.make_commits_durable(**lease);
        }
        if (!ready.ok()) {
          outcome = std::move(ready).error();
          lease.reset();
          continue;
        }
      }
      outcome = [&]() -> Result<std::vector<BatchOutcome>> {
        ECRM_ASSIGN_OR_RETURN(auto tx, storage::Transaction::begin(**lease, storage::TxMode::kWrite));
        ECRM_ASSIGN_OR_RETURN(auto outcomes, store(**lease, group));
        ECRM_RETURN_IF_ERROR(tx.commit());
        return outcomes;
      }();
      if (outcome.ok() || outcome.error().kind != ErrorKind::kUnavailable) break;
      lease.reset();  // a lost or busy connection: start over on a fresh one
    }
    if (!outcome.ok()) {
      spdlog::error("storing {} event batches failed: {}", group.size(), outcome.error().message);
      lease.reset();
      for (auto& pending : group) pending.promise.set_value(outcome.error());
      continue;
    }
    if (metrics_) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics_->histogram("ecrm_events_commit_seconds", "Duration of event group commits")
          .observe(seconds);
      metrics_->counter("ecrm_events_commits_total", "Event group commits").inc();
      std::uint64_t accepted = 0, duplicates = 0;
      for (const auto& o : *outcome) {
        accepted += static_cast<std::uint64_t>(o.accepted);
        duplicates += static_cast<std::uint64_t>(o.duplicates);
      }
      metrics_->counter("ecrm_events_stored_total", "Events stored, by result", {{"result", "accepted"}})
          .inc(accepted);
      metrics_->counter("ecrm_events_stored_total", "Events stored, by result", {{"result", "duplicate"}})
          .inc(duplicates);
    }
    if (syncer_.joinable()) {
      {
        std::lock_guard lock(mutex_);
        committed_.push_back(Committed{std::move(group), std::move(*outcome)});
      }
      synced_.notify_all();
    } else {
      answer(group, *outcome);
    }
  }
}

// One group on its way into the log, inside the writer's transaction. Each step is one group
// of set-based statements over the whole group; run() takes them in order.
class IngestWriter::GroupStore {
 public:
  // With `assume_new` (PostgreSQL), the group's event ids are not looked up among the stored
  // ones and its events are inserted without a conflict check; run() then fails when one was
  // stored already, and found_stored() says so.
  GroupStore(storage::Connection& c, EventRepo& repo, UnixMs abandon_after,
             std::vector<Pending>& group, bool assume_new)
      : c_(c), repo_(repo), abandon_after_(abandon_after), group_(group),
        outcomes_(group.size()), assume_new_(assume_new) {}

  bool found_stored() const { return found_stored_; }

  Result<std::vector<BatchOutcome>> run() {
    skip_repeats_in_group();
    ECRM_RETURN_IF_ERROR(skip_stored_events());
    ECRM_RETURN_IF_ERROR(upsert_visitors());
    ECRM_RETURN_IF_ERROR(resolve_customers());
    ECRM_RETURN_IF_ERROR(load_open_carts());
    track_visitors();
    ECRM_RETURN_IF_ERROR(store_sessions());
    ECRM_RETURN_IF_ERROR(store_carts());
    ECRM_RETURN_IF_ERROR(store_events());
    ECRM_RETURN_IF_ERROR(store_visitors());
    ECRM_RETURN_IF_ERROR(store_purchases());
    for (auto& outcome : outcomes_) {
      std::sort(outcome.errors.begin(), outcome.errors.end(),
                [](const EventError& a, const EventError& b) { return a.index < b.index; });
    }
    return std::move(outcomes_);
  }

 private:
  // The events of one visitor: items_[begin, end).
  struct Span {
    std::size_t begin = 0, end = 0;
    bool cart_events = false;
  };
  // An event row to insert, and where its session id will come from.
  struct Row {
    EventRow row;
    std::size_t batch = 0;
    std::size_t tracker = 0;
    std::size_t session_slot = 0;
  };

  // Duplicates within the group: the first occurrence is stored.
  void skip_repeats_in_group() {
    std::unordered_set<std::string_view> seen;
    for (std::size_t b = 0; b < group_.size(); ++b) {
      for (auto& e : group_[b].events) {
        if (!seen.insert(e.event_id).second) {
          outcomes_[b].duplicates += 1;
          continue;
        }
        items_.push_back(Item{&e, b});
      }
    }
  }

  // Duplicates of stored events; then the rest per visitor, in time order (stable: equal times
  // keep their arrival order).
  Status skip_stored_events() {
    std::set<std::string> existing;
    if (!assume_new_) {
      std::vector<std::string> ids;
      ids.reserve(items_.size());
      for (const auto& item : items_) ids.push_back(item.event->event_id);
      ECRM_ASSIGN_OR_RETURN(existing, repo_.existing_event_ids(c_, ids));
    }
    if (!existing.empty()) {
      std::erase_if(items_, [&](const Item& item) {
        if (!existing.count(item.event->event_id)) return false;
        outcomes_[item.batch].duplicates += 1;
        return true;
      });
    }
    std::stable_sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) {
      if (a.event->anonymous_id != b.event->anonymous_id) {
        return a.event->anonymous_id < b.event->anonymous_id;
      }
      return a.event->ts < b.event->ts;
    });
    return {};
  }

  // The group's visitors, in anonymous-id order: one upsert for all (on PostgreSQL it locks
  // their rows in that order, so concurrent writers cannot deadlock).
  Status upsert_visitors() {
    std::vector<VisitorKey> keys;
    for (std::size_t i = 0; i < items_.size();) {
      Span span{i, i, false};
      const std::string& anonymous_id = items_[i].event->anonymous_id;
      keys.push_back(VisitorKey{anonymous_id, items_[i].event->ts});
      for (; i < items_.size() && items_[i].event->anonymous_id == anonymous_id; ++i) {
        span.cart_events = span.cart_events || is_cart_event(items_[i].event->type);
      }
      span.end = i;
      spans_.push_back(span);
    }
    ECRM_ASSIGN_OR_RETURN(visitors_, repo_.upsert_visitors(c_, keys));
    return {};
  }

  // The live customer a reference leads to (following merges); nullopt when unknown.
  Result<std::optional<std::int64_t>> follow(std::optional<CustomerRef> ref) {
    for (int hop = 0; ref && ref->merged_into && hop < kMaxMergeHops; ++hop) {
      ECRM_ASSIGN_OR_RETURN(ref, repo_.customer_by_id(c_, *ref->merged_into));
    }
    if (!ref) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>(ref->id);
  }

  // Customers named by events, identified by external id, or awaited by visitors identified
  // before their customer existed: looked up together, then followed along merges.
  Status resolve_customers() {
    std::vector<std::int64_t> ids;
    std::vector<std::string> externals;
    for (const auto& item : items_) {
      const IncomingEvent& e = *item.event;
      if (e.customer_id) {
        ids.push_back(*e.customer_id);
      } else if (e.type == EventType::kIdentify && e.external_id) {
        externals.push_back(*e.external_id);
      }
    }
    for (const auto& v : visitors_) {
      if (v.external_id && !v.customer_id) externals.push_back(*v.external_id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::sort(externals.begin(), externals.end());
    externals.erase(std::unique(externals.begin(), externals.end()), externals.end());
    ECRM_ASSIGN_OR_RETURN(auto found_ids, repo_.customers_by_id(c_, ids));
    ECRM_ASSIGN_OR_RETURN(auto found_externals, repo_.customers_by_external_id(c_, externals));
    for (std::int64_t id : ids) {
      auto it = found_ids.find(id);
      ECRM_ASSIGN_OR_RETURN(by_id_[id], follow(it == found_ids.end()
                                                   ? std::nullopt
                                                   : std::optional<CustomerRef>(it->second)));
    }
    for (const std::string& external : externals) {
      auto it = found_externals.find(external);
      ECRM_ASSIGN_OR_RETURN(by_external_id_[external],
                            follow(it == found_externals.end()
                                       ? std::nullopt
                                       : std::optional<CustomerRef>(it->second)));
    }
    return {};
  }

  // The open carts that the group's cart events continue.
  Status load_open_carts() {
    std::vector<std::int64_t> cart_ids;
    for (std::size_t t = 0; t < spans_.size(); ++t) {
      if (spans_[t].cart_events && visitors_[t].cart_id) cart_ids.push_back(*visitors_[t].cart_id);
    }
    ECRM_ASSIGN_OR_RETURN(auto carts, repo_.find_carts(c_, cart_ids));
    for (auto& cart : carts) stored_carts_.emplace(cart.id, std::move(cart));
    return {};
  }

  // Applies each visitor's events in time order to its identity, sessions and cart, and makes
  // their log rows. Events naming an unknown customer are refused.
  void track_visitors() {
    rows_.reserve(items_.size());
    trackers_.reserve(spans_.size());
    for (std::size_t t = 0; t < spans_.size(); ++t) {
      Visitor& visitor = visitors_[t];
      bool pending_identity = false;
      if (visitor.external_id && !visitor.customer_id) {
        // Identified earlier as a shop customer id that was unknown then: link once it exists.
        if (auto live = by_external_id_[*visitor.external_id]) {
          visitor.customer_id = live;
          visitor.identified_at = now_;
          pending_identity = true;
        }
      }
      trackers_.emplace_back(std::move(visitor), abandon_after_);
      attribute_.push_back(pending_identity);
      for (std::size_t i = spans_[t].begin; i < spans_[t].end; ++i) track(t, items_[i]);
    }
  }

  void track(std::size_t t, const Item& item) {
    VisitorTracker& tracker = trackers_[t];
    IncomingEvent& e = *item.event;
    std::optional<std::int64_t> named;
    if (e.customer_id) {
      named = by_id_[*e.customer_id];
      if (!named) {
        outcomes_[item.batch].errors.push_back(
            EventError{e.index, "unknown_customer",
                       "no customer with id " + std::to_string(*e.customer_id), "customer_id"});
        return;
      }
    }
    std::optional<std::int64_t> identified = named;
    if (e.type == EventType::kIdentify && !identified && e.external_id) {
      identified = by_external_id_[*e.external_id];
    }
    if (named && !tracker.visitor().customer_id) tracker.link_customer(*named, e.ts);
    if (is_cart_event(e.type) && tracker.wants_cart()) {
      auto it = stored_carts_.find(*tracker.visitor().cart_id);
      tracker.set_cart(it == stored_carts_.end() ? std::nullopt
                                                 : std::optional<Cart>(std::move(it->second)));
    }
    std::size_t slot = tracker.apply(e, identified);
    Row row;
    row.batch = item.batch;
    row.tracker = t;
    row.session_slot = slot;
    EventRow& r = row.row;
    r.event_id = e.event_id;  // copied: the group may be stored again (see store())
    r.type = std::string(wire::enum_name(e.type));
    r.visitor_id = tracker.visitor().id;
    r.anonymous_id = e.anonymous_id;
    r.customer_id = named ? named : tracker.visitor().customer_id;
    r.client_session_id = e.client_session_id;
    r.ts = e.ts;
    r.received_at = now_;
    r.product = e.product;
    r.quantity = e.quantity;
    r.value = e.type == EventType::kPurchase ? tracker.last_purchase_value() : e.value;
    r.currency = e.currency;
    r.properties = e.properties;
    rows_.push_back(std::move(row));
  }

  // New and continued sessions (before the events, which name their session).
  Status store_sessions() {
    std::vector<Session*> fresh;
    std::vector<SessionUpdate> updates;
    for (auto& tracker : trackers_) {
      for (auto& slot : tracker.sessions()) {
        if (slot.is_new) {
          fresh.push_back(&slot.session);
        } else if (slot.added_events > 0) {
          updates.push_back(SessionUpdate{&slot.session, slot.added_events, slot.added_page_views});
        }
      }
    }
    ECRM_ASSIGN_OR_RETURN(auto ids, repo_.new_session_ids(c_, fresh.size()));
    for (std::size_t i = 0; i < fresh.size(); ++i) fresh[i]->id = ids[i];
    ECRM_RETURN_IF_ERROR(
        repo_.insert_sessions(c_, std::vector<const Session*>(fresh.begin(), fresh.end())));
    ECRM_RETURN_IF_ERROR(repo_.update_sessions(c_, updates));
    for (auto& tracker : trackers_) {
      if (auto current = tracker.current_session_slot()) {
        tracker.visitor().session_id = tracker.sessions()[*current].session.id;
      }
    }
    return {};
  }

  // New and changed carts; a cart carried on from an abandoned one names it.
  Status store_carts() {
    std::vector<Cart*> fresh;
    std::vector<const Cart*> changed;
    for (auto& tracker : trackers_) {
      for (auto& slot : tracker.carts()) {
        if (slot.is_new) {
          fresh.push_back(&slot.cart);
        } else if (slot.changed) {
          changed.push_back(&slot.cart);
        }
      }
    }
    ECRM_ASSIGN_OR_RETURN(auto ids, repo_.new_cart_ids(c_, fresh.size()));
    for (std::size_t i = 0; i < fresh.size(); ++i) fresh[i]->id = ids[i];
    for (auto& tracker : trackers_) {
      auto& carts = tracker.carts();
      for (auto& slot : carts) {
        if (slot.recovered_from_slot) {
          slot.cart.recovered_from = carts[*slot.recovered_from_slot].cart.id;
        }
      }
      if (auto current = tracker.current_cart_slot()) {
        tracker.visitor().cart_id = carts[*current].cart.id;
      }
    }
    ECRM_RETURN_IF_ERROR(
        repo_.insert_carts(c_, std::vector<const Cart*>(fresh.begin(), fresh.end())));
    return repo_.update_carts(c_, changed);
  }

  // The event rows, counted per batch as accepted or (stored meanwhile by another process)
  // duplicates.
  Status store_events() {
    std::vector<EventRow> event_rows;
    event_rows.reserve(rows_.size());
    for (auto& row : rows_) {
      row.row.session_id = trackers_[row.tracker].sessions()[row.session_slot].session.id;
      event_rows.push_back(std::move(row.row));
    }
    if (assume_new_) {
      ECRM_ASSIGN_OR_RETURN(bool all_new, repo_.insert_new_events(c_, event_rows));
      if (!all_new) {
        found_stored_ = true;
        return Error::conflict("an event of the group is stored already");
      }
      for (const auto& row : rows_) outcomes_[row.batch].accepted += 1;
      return {};
    }
    ECRM_ASSIGN_OR_RETURN(auto inserted, repo_.insert_events(c_, event_rows));
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (inserted[i]) {
        outcomes_[rows_[i].batch].accepted += 1;
      } else {
        outcomes_[rows_[i].batch].duplicates += 1;
      }
    }
    return {};
  }

  // The visitors' new state; a visitor newly linked to a customer gives it its earlier events.
  Status store_visitors() {
    std::vector<const Visitor*> updated;
    updated.reserve(trackers_.size());
    for (std::size_t t = 0; t < trackers_.size(); ++t) {
      const Visitor& v = trackers_[t].visitor();
      updated.push_back(&v);
      if ((attribute_[t] || trackers_[t].linked_customer()) && v.customer_id) {
        ECRM_RETURN_IF_ERROR(repo_.attribute_events(c_, v.id, *v.customer_id));
      }
    }
    return repo_.update_visitors(c_, updated);
  }

  // What purchases bought, per visitor.
  Status store_purchases() {
    std::vector<PurchaseItemRow> purchases;
    for (const auto& tracker : trackers_) {
      for (const auto& item : tracker.purchased()) {
        purchases.push_back(PurchaseItemRow{tracker.visitor().id, item.product, item.quantity,
                                            item.price, item.currency, item.ts});
      }
    }
    return repo_.insert_purchase_items(c_, purchases);
  }

  storage::Connection& c_;
  EventRepo& repo_;
  const UnixMs abandon_after_;
  const UnixMs now_ = now_ms();
  std::vector<Pending>& group_;
  std::vector<BatchOutcome> outcomes_;  // one per batch of the group
  bool assume_new_ = false;
  bool found_stored_ = false;
  std::vector<Item> items_;             // the group's new events
  std::vector<Span> spans_;             // per visitor
  std::vector<Visitor> visitors_;       // per span, as stored
  std::unordered_map<std::int64_t, std::optional<std::int64_t>> by_id_;
  std::unordered_map<std::string, std::optional<std::int64_t>> by_external_id_;
  std::unordered_map<std::int64_t, Cart> stored_carts_;
  std::vector<Row> rows_;
  std::vector<VisitorTracker> trackers_;  // per span
  std::vector<bool> attribute_;  // per tracker: give the visitor's earlier events to its customer
};

Result<std::vector<BatchOutcome>> IngestWriter::store(storage::Connection& c,
                                                      std::vector<Pending>& group) {
  if (c.backend() == storage::Backend::kPostgres) {
    // A group rarely holds an event stored before (a client's retry), so it is first stored
    // without looking its ids up, its events inserted without a conflict check. When one was
    // stored, that insert fails: everything the group wrote goes back to the savepoint, and
    // the group is stored again, looking the ids up.
    ECRM_RETURN_IF_ERROR(storage::done(c.execute("SAVEPOINT events_group")));
    GroupStore optimistic(c, repo_, options_.abandon_after, group, true);
    auto outcome = optimistic.run();
    if (outcome.ok() || !optimistic.found_stored()) return outcome;
    ECRM_RETURN_IF_ERROR(storage::done(c.execute("ROLLBACK TO SAVEPOINT events_group")));
  }
  return GroupStore(c, repo_, options_.abandon_after, group, false).run();
}

}  // namespace ecrm::events
