// Web nodes (`ecrm serve --no-worker`) and `ecrm worker` processes on the same database: the
// recomputation, the rebuild and the feedback mining a request asks for are queued as job rows,
// run once by a worker and their results served by both web nodes (a full mining run asked for
// on a web node is run full); scheduled runs are queued once; a worker killed
// with SIGKILL in the middle of a job (held there by --test-job-delay) loses it to a second
// worker once its lease has run out, and the job finishes once. Job rows are read from the
// database.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "crm_support.hpp"
#include "storage/database.hpp"

namespace ecrm::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr std::int64_t kDay = 86'400'000;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `ecrm worker --db URL ARGS` (or `ecrm serve`, `command`) as a child process on an existing
// database, its output in a log file.
class WorkerProcess {
 public:
  WorkerProcess(const std::string& db_url, std::vector<std::string> extra_args,
                const std::string& command = "worker") {
    static int serial = 0;
    log_path_ = (fs::temp_directory_path() / ("ecrm-worker-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(++serial) + ".log"))
                    .string();
    std::vector<std::string> args = {binary_path(), command, "--db", db_url};
    if (command == "serve") {
      for (std::string a : {"--port", "0", "--threads", "2", "--web-root"}) args.push_back(a);
      args.push_back(source_dir() + "/web/dist");
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = spawn_logged(args, {}, log_path_);
    const std::regex ready(command == "serve" ? R"(serving (http://127\.0\.0\.1:\d+)/)"
                                              : R"(worker (running))");
    base_url_ = wait_until_ready(pid_, log_path_, 0, ready, "ecrm " + command);
  }
  ~WorkerProcess() {
    if (pid_ > 0) terminate();
    fs::remove(log_path_);
  }
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  int pid() const { return pid_; }
  const std::string& base_url() const { return base_url_; }  // `ecrm serve`
  // The lease owner name of this worker's claims ("host:pid").
  std::string owner_suffix() const { return ":" + std::to_string(pid_); }
  std::string log() const { return read_text_file(log_path_); }
  void kill_hard() { kill_process(pid_); }
  // SIGTERM; the exit status, -1 when it did not end within 30 s.
  int terminate() { return stop_process(pid_, 30); }

 private:
  std::string log_path_;
  std::string base_url_;
  int pid_ = -1;
};

struct JobRow {
  std::int64_t id = 0;
  std::string state, requested_by, lease_owner;
  std::int64_t attempts = 0, heartbeats = 0;
};

// Waits up to `seconds` for `done`; false when it never held.
bool eventually(const std::function<bool()>& done, int seconds = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

class WorkerApi : public CrmApi {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--no-worker"}, {{"ECRM_ADMIN_EMAIL", kAdminEmail},
                                                  {"ECRM_ADMIN_PASSWORD", kAdminPassword}});
  }

  // The jobs of `kind`, oldest first.
  std::vector<JobRow> jobs(const std::string& kind) {
    std::vector<JobRow> out;
    auto db = storage::open_database(server_->db_url(), {.max_connections = 1});
    if (!db.ok()) {
      ADD_FAILURE() << db.error().message;
      return out;
    }
    auto lease = (*db)->acquire();
    EXPECT_TRUE(lease.ok());
    std::vector<storage::Value> params = {kind};
    auto read = (*lease)->query(
        "SELECT id, state, requested_by, lease_owner, attempts, heartbeats FROM jobs "
        "WHERE kind = $1 ORDER BY id",
        params, [&](const storage::RowView& row) {
          out.push_back(JobRow{row.get_int(0), row.get_string(1), row.get_string(2),
                               row.get_string(3), row.get_int(4), row.get_int(5)});
        });
    EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().message);
    return out;
  }

  std::int64_t count(const std::string& sql) {
    auto db = storage::open_database(server_->db_url(), {.max_connections = 1});
    if (!db.ok()) return -1;
    auto lease = (*db)->acquire();
    auto n = (*lease)->query_int(sql);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
    return n.ok() ? n->value_or(0) : -1;
  }

  void execute(const std::string& sql) {
    auto db = storage::open_database(server_->db_url(), {.max_connections = 1});
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto lease = (*db)->acquire();
    ASSERT_TRUE(lease.ok());
    auto done = (*lease)->execute(sql, {});
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  // Ten customers with two orders each (of a product made here), so that the models are fitted;
  // returns the customers' ids.
  std::vector<std::int64_t> shop() {
    static int round = 0;
    const std::string sku = "WK-" + std::to_string(++round);
    const std::int64_t product = create(
        "/api/v1/products",
        json::object{
            {"sku", sku + "-A"}, {"name", "Worked thing"}, {"price", 1000}, {"currency", "EUR"}});
    const std::int64_t other = create(
        "/api/v1/products",
        json::object{
            {"sku", sku + "-B"}, {"name", "Other thing"}, {"price", 500}, {"currency", "EUR"}});
    std::vector<std::int64_t> customers;
    for (int k = 0; k < 10; ++k) {
      const std::int64_t id =
          create("/api/v1/customers", json::object{{"name", "Worker " + std::to_string(k)}});
      customers.push_back(id);
      for (int n = 0; n < 2; ++n) {
        auto r = post(
            "/api/v1/orders",
            json::object{
                {"customer_id", id},
                {"placed_at", unix_ms() - (30 + 40 * n + 7 * k) * kDay},
                {"lines",
                 json::array{
                     json::object{
                         {"product_id", product}, {"quantity", 1}, {"unit_price", 1000 + 100 * k}},
                     json::object{{"product_id", other}, {"quantity", 1}, {"unit_price", 500}}}}});
        EXPECT_EQ(r.status, 201) << r.body;
      }
    }
    return customers;
  }

  // A run asked for at `path` (POST `first`, then `again`) on the web node without a worker is
  // only queued: 202 queued, a second request 409, and still queued a while later.
  void expect_only_queued(const std::string& first, const std::string& again,
                          const std::function<json::object()>& status) {
    auto started = post(first, json::object{});
    ASSERT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(started.json().at("state").as_string(), "queued") << started.body;
    expect_error(post(again, json::object{}), 409, "already_running");
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(status().at("state").as_string(), "queued");
  }

  json::object recompute_status() {
    auto r = get("/api/v1/analytics/recompute");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }

  // Waits until the web node reports the recomputation idle after a successful run.
  json::object wait_recomputed(int seconds = 60) {
    json::object state;
    eventually(
        [&] {
          state = recompute_status();
          return state.at("state").as_string() == "idle" && !state.at("model_id").is_null();
        },
        seconds);
    EXPECT_EQ(state.at("state").as_string(), "idle") << json::serialize(state);
    EXPECT_EQ(state.at("last_status").as_string(), "ok") << json::serialize(state);
    return state;
  }
};

class WorkerNodes : public WorkerApi {};

TEST_F(WorkerNodes, RequestsOnTheWebNodeAreQueuedAndRunOnceByTheWorker) {
  const std::vector<std::int64_t> customers = shop();

  // Without a worker the web node only queues the recomputation.
  ASSERT_NO_FATAL_FAILURE(expect_only_queued("/api/v1/analytics/recompute",
                                             "/api/v1/analytics/recompute",
                                             [&] { return recompute_status(); }));
  {
    auto queued = jobs("analytics_recompute");
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].state, "queued");
    EXPECT_EQ(queued[0].requested_by, kAdminEmail);
    EXPECT_EQ(queued[0].attempts, 0);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM analytics_models"), 0);
  EXPECT_EQ(get("/api/v1/analytics/customers/" + std::to_string(customers[0]) + "/scores")
                .json()
                .at("scored"),
            json::value(false));

  // A second web node on the same database sees the same queued job.
  WorkerProcess node_b(server_->db_url(), {"--no-worker"}, "serve");
  HttpClient b(node_b.base_url());
  b.csrf_token =
      std::string(b.send_json("POST", "/api/v1/auth/login",
                              json::object{{"email", kAdminEmail}, {"password", kAdminPassword}})
                      .json()
                      .at("csrf_token")
                      .as_string());
  EXPECT_EQ(b.get("/api/v1/analytics/recompute").json().at("state").as_string(), "queued");
  EXPECT_EQ(b.send_json("POST", "/api/v1/analytics/recompute", json::object{}).status, 409);

  // An import running on a web node (a row as the node writes it) is not the worker's to fail
  // when it starts.
  execute(
      "INSERT INTO import_jobs (entity, format, status, phase, dry_run, skip_bad, file_name, "
      "bytes_total, created_by, created_at) VALUES ('customers', 'ecrm', 'running', 'rows', 0, "
      "0, 'running.csv', 100, 'owner@example.com', 1)");

  WorkerProcess worker(server_->db_url(), {"--job-lease", "2"});
  const json::object done = wait_recomputed();
  EXPECT_EQ(done.at("claimed_by").as_string(), "");
  EXPECT_EQ(count("SELECT COUNT(*) FROM import_jobs WHERE status = 'running'"), 1);

  // Run once, by the worker; its scheduled first run was not queued next to the requested one.
  auto finished = jobs("analytics_recompute");
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].state, "done");
  EXPECT_EQ(finished[0].attempts, 1);
  EXPECT_TRUE(finished[0].lease_owner.ends_with(worker.owner_suffix())) << finished[0].lease_owner;
  EXPECT_EQ(count("SELECT COUNT(*) FROM analytics_models"), 1);

  // The web node serves the results.
  auto pareto = get("/api/v1/analytics/pareto");
  ASSERT_EQ(pareto.status, 200) << pareto.body;
  EXPECT_EQ(pareto.json().at("customers").as_int64(), 10) << pareto.body;
  auto scores = get("/api/v1/analytics/customers/" + std::to_string(customers[0]) + "/scores");
  ASSERT_EQ(scores.status, 200) << scores.body;
  EXPECT_EQ(scores.json().at("scored"), json::value(true)) << scores.body;
  EXPECT_EQ(scores.json().at("model_id"), done.at("model_id")) << scores.body;
  auto scores_b = b.get("/api/v1/analytics/customers/" + std::to_string(customers[0]) + "/scores");
  ASSERT_EQ(scores_b.status, 200) << scores_b.body;
  EXPECT_EQ(scores_b.json().at("model_id"), done.at("model_id")) << scores_b.body;
  EXPECT_EQ(b.get("/api/v1/analytics/pareto").json().at("customers").as_int64(), 10);

  // The rebuild: the worker's scheduled first run, then one asked for on the web node.
  ASSERT_TRUE(eventually([&] {
    auto rows = jobs("recommend_rebuild");
    return rows.size() == 1 && rows[0].state == "done";
  })) << worker.log();
  EXPECT_EQ(jobs("recommend_rebuild")[0].requested_by, "schedule");
  const auto rebuilt = rebuild_recommendations();
  auto rebuilds = jobs("recommend_rebuild");
  ASSERT_EQ(rebuilds.size(), 2u);
  for (const auto& job : rebuilds) {
    EXPECT_EQ(job.state, "done");
    EXPECT_EQ(job.attempts, 1);
  }
  EXPECT_EQ(rebuilds[1].requested_by, kAdminEmail);
  EXPECT_EQ(count("SELECT COUNT(*) FROM recommend_builds"), 2);
  auto lists = get("/api/v1/customers/" + std::to_string(customers[0]) + "/recommendations");
  EXPECT_EQ(lists.status, 200) << lists.body;

  // Nothing more is scheduled while the builds are fresh; SIGTERM ends the worker cleanly.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(jobs("analytics_recompute").size(), 1u);
  EXPECT_EQ(jobs("recommend_rebuild").size(), 2u);
  EXPECT_EQ(worker.terminate(), 0);
}

TEST_F(WorkerNodes, AKilledWorkersJobIsTakenOverAfterItsLeaseAndFinishedOnce) {
  shop();
  const std::int64_t models_before = count("SELECT COUNT(*) FROM analytics_models");
  auto started = post("/api/v1/analytics/recompute", json::object{});
  ASSERT_EQ(started.status, 202) << started.body;
  const std::int64_t job_id = jobs("analytics_recompute").back().id;

  // The first worker claims the job and holds it (the test delay), renewing its lease.
  auto first = std::make_unique<WorkerProcess>(
      server_->db_url(), std::vector<std::string>{"--job-lease", "2", "--test-job-delay", "120"});
  const std::string first_owner = first->owner_suffix();
  ASSERT_TRUE(eventually([&] {
    auto rows = jobs("analytics_recompute");
    return rows.back().state == "running" && rows.back().lease_owner.ends_with(first_owner);
  })) << first->log();
  EXPECT_NE(recompute_status().at("state").as_string(), "idle");

  // A second worker does not take a job whose lease is being renewed.
  WorkerProcess second(server_->db_url(), {"--job-lease", "2"});
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  {
    auto rows = jobs("analytics_recompute");
    ASSERT_EQ(rows.back().id, job_id);
    EXPECT_EQ(rows.back().state, "running");
    EXPECT_TRUE(rows.back().lease_owner.ends_with(first_owner)) << rows.back().lease_owner;
    EXPECT_EQ(rows.back().attempts, 1);
    EXPECT_GE(rows.back().heartbeats, 3);
  }

  // Killed mid-job: the second worker takes it over once the lease has run out.
  first->kill_hard();
  const json::object done = wait_recomputed(30);
  auto rows = jobs("analytics_recompute");
  ASSERT_EQ(rows.back().id, job_id);
  EXPECT_EQ(rows.back().state, "done");
  EXPECT_EQ(rows.back().attempts, 2);
  EXPECT_TRUE(rows.back().lease_owner.ends_with(second.owner_suffix())) << rows.back().lease_owner;
  EXPECT_NE(second.log().find("taken over"), std::string::npos) << second.log();
  // Finished once: one more model, one job for the request.
  EXPECT_EQ(count("SELECT COUNT(*) FROM analytics_models"), models_before + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(jobs("analytics_recompute").back().id, job_id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM analytics_models"), models_before + 1);
  EXPECT_TRUE(eventually(
      [&] { return count("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')") == 0; },
      15));
  EXPECT_EQ(second.terminate(), 0);
}

TEST_F(WorkerNodes, AFullFeedbackMiningAskedOnTheWebNodeIsRunFullByTheWorker) {
  auto mining_status = [&] {
    auto r = get("/api/v1/feedback/mining");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  };
  // Queued on the web node, the full run recorded on the job row for the worker.
  ASSERT_NO_FATAL_FAILURE(expect_only_queued("/api/v1/feedback/mining?full=true",
                                             "/api/v1/feedback/mining", mining_status));
  const auto queued = jobs("feedback_mining");
  ASSERT_FALSE(queued.empty());
  const std::int64_t job_id = queued.back().id;
  EXPECT_EQ(queued.back().state, "queued");
  EXPECT_EQ(queued.back().requested_by, kAdminEmail);
  EXPECT_EQ(count("SELECT full_requested FROM feedback_jobs"), 1);

  WorkerProcess worker(server_->db_url(), {"--job-lease", "2"});
  ASSERT_TRUE(eventually([&] {
    auto rows = jobs("feedback_mining");
    return rows.back().id == job_id && rows.back().state == "done";
  })) << worker.log();
  EXPECT_EQ(jobs("feedback_mining").back().attempts, 1);
  EXPECT_TRUE(jobs("feedback_mining").back().lease_owner.ends_with(worker.owner_suffix()));
  json::object state;
  ASSERT_TRUE(eventually([&] {
    state = mining_status();
    return state.at("state").as_string() == "idle";
  })) << json::serialize(state);
  EXPECT_EQ(state.at("last_status").as_string(), "ok") << json::serialize(state);
  EXPECT_EQ(state.at("full"), json::value(true)) << json::serialize(state);
  EXPECT_EQ(count("SELECT full_requested FROM feedback_jobs"), 0);

  // The next run asked for is not full: the worker took the request with its run.
  ASSERT_EQ(post("/api/v1/feedback/mining", json::object{}).status, 202);
  ASSERT_TRUE(eventually([&] {
    auto rows = jobs("feedback_mining");
    return rows.back().id != job_id && rows.back().state == "done";
  })) << worker.log();
  ASSERT_TRUE(eventually([&] {
    state = mining_status();
    return state.at("state").as_string() == "idle";
  })) << json::serialize(state);
  EXPECT_EQ(state.at("full"), json::value(false)) << json::serialize(state);
  EXPECT_EQ(worker.terminate(), 0);
}

}  // namespace
}  // namespace ecrm::testing
