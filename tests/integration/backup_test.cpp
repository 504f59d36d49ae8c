// Backups over the real binary: `ecrm backup` taken while event batches are being ingested,
// `ecrm restore` into an empty database, `ecrm check` on the result; a non-empty target, a
// backup of a newer schema and a file that is no backup are refused with nothing changed; a broken
// order total is found by `ecrm check`.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "crm_support.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string temp_file(const std::string& name) {
  return (fs::temp_directory_path() / ("ecrm-backup-" + std::to_string(::getpid()) + "-" + name)).string();
}

std::unique_ptr<storage::Database> open(const std::string& url) {
  auto db = storage::open_database(url);
  if (!db.ok()) throw std::runtime_error(db.error().message);
  return std::move(db).value();
}

std::int64_t count(const std::string& url, const std::string& sql) {
  auto db = open(url);
  auto lease = db->acquire();
  EXPECT_TRUE(lease.ok());
  auto n = (*lease)->query_int(sql);
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
  return n.ok() ? n->value_or(0) : -1;
}

std::int64_t table_count(const std::string& url) {
  return count(url, test_backend() == "postgresql"
                        ? "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
                        : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
}

int known_version() { return storage::embedded_migrations().back().version; }

class Backups : public CrmApi {};

TEST_F(Backups, TakenWhileIngestingRestoresEveryRowCommittedBeforeIt) {
  // Something of every kind the check reads: a product, a customer, an order with its lines.
  const auto category = create("/api/v1/categories", json::object{{"name", "Backup kit"}});
  const auto product = create("/api/v1/products", json::object{{"sku", "BK-1"},
                                                               {"name", "Backup tape"},
                                                               {"price", 1250},
                                                               {"currency", "EUR"},
                                                               {"category_id", category}});
  const auto customer = create("/api/v1/customers", json::object{{"name", "Bea Backup"}});
  auto ordered = post("/api/v1/orders",
                      json::object{{"customer_id", customer},
                                   {"discount", 100},
                                   {"shipping", 490},
                                   {"lines", json::array{json::object{{"product_id", product}, {"quantity", 3}}}}});
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  const auto order = ordered.json().at("id").as_int64();
  const auto order_total = ordered.json().at("total").as_int64();
  ASSERT_EQ(order_total, 3 * 1250 - 100 + 490);

  auto key_made = post("/api/v1/write-keys", json::object{{"name", "backup"}});
  ASSERT_EQ(key_made.status, 201) << key_made.body;
  const std::string key(key_made.json().at("key").as_string());

  // Clients ingest batches the whole time; each acknowledged batch is kept with when its answer came.
  struct Acked {
    Clock::time_point at;
    std::vector<std::string> ids;
  };
  constexpr int kClients = 3, kPerBatch = 40;
  std::mutex mutex;
  std::vector<Acked> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> batches{0};
  std::vector<std::thread> clients;
  const std::string url = server_->base_url();
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(url);
      for (int b = 0; !stop.load(); ++b) {
        json::array batch;
        std::vector<std::string> ids;
        for (int i = 0; i < kPerBatch; ++i) {
          ids.push_back("bk-" + std::to_string(c) + "-" + std::to_string(b) + "-" + std::to_string(i));
          batch.push_back(json::object{{"event_id", ids.back()},
                                       {"type", "page_view"},
                                       {"anonymous_id", "bk-v" + std::to_string(c * 10 + i % 10)},
                                       {"ts", unix_ms()},
                                       {"properties", json::object{{"url", "https://shop.example/" + ids.back()}}}});
        }
        auto r = client.request("POST", "/api/v1/events?key=" + key,
                                json::serialize(json::object{{"events", batch}}));
        const auto answered = Clock::now();
        if (r.status != 200) {
          ADD_FAILURE() << "an event batch was refused while the backup ran: " << r.status << " " << r.body;
          return;
        }
        std::lock_guard lock(mutex);
        acknowledged.push_back({answered, std::move(ids)});
        ++batches;
      }
    });
  }
  while (batches.load() < 15) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  const std::string file = temp_file("live.backup");
  const auto began = Clock::now();
  std::string out;
  const int backed_up = server_->run_cli({"backup", "--to", file}, &out);
  const int during = batches.load();
  while (batches.load() < during + 10) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_EQ(backed_up, 0) << out;
  EXPECT_NE(out.find("backed up"), std::string::npos) << out;
  ASSERT_TRUE(fs::exists(file));
  EXPECT_FALSE(fs::exists(file + ".partial"));

  // Restored into an empty database, which `ecrm check` finds whole.
  ScratchDatabase target;
  ASSERT_EQ(run_ecrm({"restore", "--from", file, "--db", target.url()}, &out), 0) << out;
  EXPECT_NE(out.find("restored"), std::string::npos) << out;
  ASSERT_EQ(run_ecrm({"check", "--db", target.url()}, &out), 0) << out;
  EXPECT_NE(out.find("no problems found"), std::string::npos) << out;

  // Every batch acknowledged before the backup began is in it, each event once.
  std::set<std::string> restored;
  std::int64_t rows = 0;
  {
    auto db = open(target.url());
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)
                    ->query("SELECT event_id FROM events WHERE event_id LIKE 'bk-%'", {},
                            [&](const storage::RowView& row) {
                              restored.insert(row.get_string(0));
                              ++rows;
                            })
                    .ok());
    auto total = (*lease)->query_int("SELECT total FROM orders WHERE id = $1", {order});
    ASSERT_TRUE(total.ok());
    EXPECT_EQ(total->value_or(-1), order_total) << "the order is restored with its total";
  }
  EXPECT_EQ(rows, static_cast<std::int64_t>(restored.size())) << "an event restored twice";
  std::size_t before = 0, missing = 0;
  for (const auto& batch : acknowledged) {
    if (batch.at >= began) continue;
    ++before;
    for (const auto& id : batch.ids) missing += restored.count(id) == 0;
  }
  EXPECT_GE(before, 15u);
  EXPECT_EQ(missing, 0u) << "events acknowledged before the backup began are missing from it";
  // And the copy is of one moment: fewer events than the source holds after the clients stopped.
  EXPECT_LT(rows, count(server_->db_url(), "SELECT COUNT(*) FROM events WHERE event_id LIKE 'bk-%'"));
  std::printf("backup test: %zu batches acknowledged before the backup, %lld events restored\n", before,
              static_cast<long long>(rows));

  // A second restore into the now non-empty database is refused and changes nothing.
  ASSERT_EQ(run_ecrm({"restore", "--from", file, "--db", target.url()}, &out), 2) << out;
  EXPECT_NE(out.find("not empty"), std::string::npos) << out;
  EXPECT_EQ(count(target.url(), "SELECT COUNT(*) FROM events WHERE event_id LIKE 'bk-%'"), rows);

  // A broken order total is named by `ecrm check`, which then exits 1.
  {
    auto db = open(target.url());
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->execute("UPDATE orders SET total = total + 1 WHERE id = $1", {order}).ok());
  }
  EXPECT_EQ(run_ecrm({"check", "--db", target.url()}, &out), 1) << out;
  EXPECT_NE(out.find("order " + std::to_string(order) + ": total " + std::to_string(order_total + 1)),
            std::string::npos)
      << out;

  // A search index that no longer holds what its table does: named too. SQLite: the customer's
  // terms taken out of the FTS5 index; PostgreSQL: the customer's document deleted from the side
  // table, as if its trigger had been dropped.
  const std::int64_t buyer =
      count(target.url(), "SELECT customer_id FROM orders WHERE id = " + std::to_string(order));
  EXPECT_NE(out.find("search: ok"), std::string::npos) << out;
  {
    auto db = open(target.url());
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    const bool sqlite = (*lease)->backend() == storage::Backend::kSqlite;
    auto broken = sqlite
                      ? (*lease)->execute(
                            "INSERT INTO customers_search (customers_search, rowid, search_text) "
                            "SELECT 'delete', id, search_text FROM customers WHERE id = $1",
                            {buyer})
                      : (*lease)->execute("DELETE FROM customers_documents WHERE id = $1", {buyer});
    ASSERT_TRUE(broken.ok()) << broken.error().message;
  }
  EXPECT_EQ(run_ecrm({"check", "--db", target.url()}, &out), 1) << out;
  EXPECT_NE(out.find("search: 1 problem(s)"), std::string::npos) << out;
  EXPECT_TRUE(out.find("customers_search: does not match customers") != std::string::npos ||
              out.find("customers " + std::to_string(buyer) +
                       ": has no document in customers_documents") != std::string::npos)
      << out;
  fs::remove(file);
}

TEST_F(Backups, ANewerSchemaAndAFileThatIsNoBackupAreRefused) {
  // A database of a schema this binary does not know yet: its backup is refused on restore.
  ScratchDatabase future;
  ASSERT_EQ(run_ecrm({"migrate", "--db", future.url()}), 0);
  {
    auto db = open(future.url());
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)
                    ->execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)",
                              {std::int64_t{known_version() + 1}})
                    .ok());
  }
  const std::string file = temp_file("future.backup");
  std::string out;
  ASSERT_EQ(run_ecrm({"backup", "--to", file, "--db", future.url()}, &out), 0) << out;
  ScratchDatabase target;
  EXPECT_EQ(run_ecrm({"restore", "--from", file, "--db", target.url()}, &out), 2) << out;
  EXPECT_NE(out.find("newer than this binary"), std::string::npos) << out;
  EXPECT_EQ(table_count(target.url()), 0) << "nothing was restored";

  // `ecrm check` names the version it does not know.
  EXPECT_EQ(run_ecrm({"check", "--db", future.url()}, &out), 1) << out;
  EXPECT_NE(out.find("version " + std::to_string(known_version() + 1)), std::string::npos) << out;

  // A file that is no backup.
  {
    std::ofstream junk(file, std::ios::trunc);
    junk << "name,email\nnot,a backup\n";
  }
  EXPECT_EQ(run_ecrm({"restore", "--from", file, "--db", target.url()}, &out), 2) << out;
  EXPECT_EQ(table_count(target.url()), 0) << "nothing was restored";
  // No file at all.
  fs::remove(file);
  EXPECT_EQ(run_ecrm({"restore", "--from", file, "--db", target.url()}, &out), 2) << out;
  EXPECT_NE(out.find("no backup at"), std::string::npos) << out;
}

}  // namespace
}  // namespace ecrm::testing
