#include "harness.hpp"

#include "child_process.hpp"

#include <gtest/gtest.h>

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "storage/database.hpp"

namespace ecrm::testing {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

std::string random_suffix() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::ostringstream out;
  out << std::hex << gen();
  return out.str();
}

std::string pg_admin_url() {
  std::string file = env_or("ECRM_TEST_PG_URL_FILE", "");
  if (!file.empty()) {
    std::ifstream in(file);
    std::string url;
    if (in >> url) return url;
  }
  return env_or("ECRM_TEST_PG_URL", "");
}

std::string with_database(const std::string& url, const std::string& database) {
  // postgresql://user@host:port/db[?params] -> replace db
  auto scheme_end = url.find("://");
  auto slash = url.find('/', scheme_end + 3);
  auto query = url.find('?', scheme_end + 3);
  std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  std::string params = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + database + params;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    static_cast<std::multimap<std::string, std::string>*>(user)->emplace(name, value);
  }
  return size * count;
}

}  // namespace

std::string binary_path() { return env_or("ECRM_BINARY", "build/ecrm"); }

namespace {

// Every API response the suite receives is recorded; at the end of the run they are checked
// against the OpenAPI document with a JSON Schema validator (tests/scripts/check_responses.py):
// an undeclared status or field fails the run.
class ResponseLog {
 public:
  static ResponseLog& instance() {
    static ResponseLog log;
    return log;
  }
  const std::string& path() const { return path_; }

  void record(const std::string& method, const std::string& target, const HttpResult& result) {
    std::string path = target.substr(0, target.find('?'));
    if (path.rfind("/api/", 0) != 0 && path != "/healthz" && path != "/readyz" &&
        path != "/metrics") {
      return;
    }
    std::string type = result.header("content-type");
    bool keep = result.body.size() <= (8u << 20) && type.rfind("application/json", 0) == 0;
    json::object line{{"method", method},
                      {"path", path},
                      {"status", result.status},
                      {"content_type", type},
                      {"body", keep ? json::value(result.body) : json::value(nullptr)}};
    std::lock_guard lock(mutex_);
    out_ << json::serialize(line) << "\n";
    out_.flush();
  }

 private:
  ResponseLog()
      : path_((fs::temp_directory_path() / ("ecrm-responses-" + random_suffix() + ".jsonl"))
                  .string()),
        out_(path_) {}
  std::string path_;
  std::mutex mutex_;
  std::ofstream out_;
};

class ResponseCheck : public ::testing::Environment {
 public:
  void TearDown() override {
    const std::string log = ResponseLog::instance().path();
    const std::string openapi = log + ".openapi.json";
    std::string command = binary_path() + " openapi > " + openapi + " && /usr/bin/python3 " +
                          source_dir() + "/tests/scripts/check_responses.py " + openapi + " " +
                          log + " 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    int status = pclose(pipe);
    std::cout << output;
    EXPECT_EQ(status, 0) << "responses that do not match the OpenAPI document (above)";
    std::error_code ec;
    fs::remove(openapi, ec);
    if (status == 0) fs::remove(log, ec);
  }
};

[[maybe_unused]] const auto* const kResponseCheck =
    ::testing::AddGlobalTestEnvironment(new ResponseCheck);

}  // namespace
std::string source_dir() { return env_or("ECRM_SOURCE_DIR", "."); }
std::string test_backend() { return env_or("ECRM_TEST_DB", "sqlite"); }

json::value HttpResult::json() const {
  json::error_code ec;
  auto value = json::parse(body, ec);
  return ec ? json::value(nullptr) : value;
}

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)) {
  curl_ = curl_easy_init();
  curl_easy_setopt(static_cast<CURL*>(curl_), CURLOPT_COOKIEFILE, "");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResult HttpClient::request(const std::string& method, const std::string& path,
                               const std::string& body, std::vector<std::string> headers) {
  CURL* curl = static_cast<CURL*>(curl_);
  HttpResult result;
  std::string url = base_url_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  headers.push_back("Expect:");
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(list);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
  if (code != CURLE_OK) {
    result.status = -1;
    result.body = curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  ResponseLog::instance().record(method, path, result);
  return result;
}

HttpResult HttpClient::send_json(const std::string& method, const std::string& path,
                                 const json::value& body, std::vector<std::string> headers) {
  headers.push_back("Content-Type: application/json");
  if (!csrf_token.empty()) headers.push_back("X-CSRF-Token: " + csrf_token);
  return request(method, path, json::serialize(body), std::move(headers));
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args,
                             std::map<std::string, std::string> env) {
  std::string suffix = random_suffix();
  if (test_backend() == "postgresql") {
    std::string admin = pg_admin_url();
    if (admin.empty()) throw std::runtime_error("no PostgreSQL URL (ECRM_TEST_PG_URL_FILE)");
    auto db = storage::open_database(admin);
    if (!db.ok()) throw std::runtime_error(db.error().message);
    auto lease = (*db)->acquire();
    pg_database_ = "ecrm_it_" + suffix;
    auto created = (*lease)->execute_script("CREATE DATABASE " + pg_database_);
    if (!created.ok()) throw std::runtime_error(created.error().message);
    db_url_ = with_database(admin, pg_database_);
  } else {
    sqlite_path_ = (fs::temp_directory_path() / ("ecrm-it-" + suffix + ".db")).string();
    db_url_ = "sqlite:" + sqlite_path_;
  }
  log_path_ = (fs::temp_directory_path() / ("ecrm-it-" + suffix + ".log")).string();

  args_ = {binary_path(), "serve", "--db", db_url_, "--port", "0",
           "--threads", "2", "--web-root", source_dir() + "/web/dist"};
  args_.insert(args_.end(), extra_args.begin(), extra_args.end());
  env_ = std::move(env);
  start();
}

void ServerProcess::start() {
  // A restart appends to the log, so the ready line to wait for is the next one.
  const std::size_t already = log().size();
  pid_ = spawn_logged(args_, env_, log_path_);
  base_url_ = wait_until_ready(pid_, log_path_, already,
                               std::regex(R"(serving (http://127\.0\.0\.1:\d+)/)"), "ecrm serve");
}

void ServerProcess::kill_hard() { kill_process(pid_); }

void ServerProcess::restart() {
  if (pid_ > 0) terminate(30);
  start();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) terminate(30);
  if (!sqlite_path_.empty()) {
    for (const char* s : {"", "-wal", "-shm", "-delivery"}) fs::remove(sqlite_path_ + s);
  }
  if (!pg_database_.empty()) {
    auto db = storage::open_database(pg_admin_url());
    if (db.ok()) {
      auto lease = (*db)->acquire();
      if (lease.ok()) (void)(*lease)->execute_script("DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)");
    }
  }
  fs::remove(log_path_);
}

ScratchDatabase::ScratchDatabase() {
  std::string suffix = random_suffix();
  if (test_backend() == "postgresql") {
    auto db = storage::open_database(pg_admin_url());
    if (!db.ok()) throw std::runtime_error(db.error().message);
    auto lease = (*db)->acquire();
    if (!lease.ok()) throw std::runtime_error(lease.error().message);
    pg_database_ = "ecrm_scratch_" + suffix;
    auto created = (*lease)->execute_script("CREATE DATABASE " + pg_database_);
    if (!created.ok()) throw std::runtime_error(created.error().message);
    url_ = with_database(pg_admin_url(), pg_database_);
  } else {
    sqlite_path_ = (fs::temp_directory_path() / ("ecrm-scratch-" + suffix + ".db")).string();
    url_ = "sqlite:" + sqlite_path_;
  }
}

ScratchDatabase::~ScratchDatabase() {
  if (!sqlite_path_.empty()) {
    for (const char* s : {"", "-wal", "-shm", "-journal"}) fs::remove(sqlite_path_ + s);
  }
  if (!pg_database_.empty()) {
    auto db = storage::open_database(pg_admin_url());
    if (db.ok()) {
      auto lease = (*db)->acquire();
      if (lease.ok()) (void)(*lease)->execute_script("DROP DATABASE IF EXISTS " + pg_database_ + " WITH (FORCE)");
    }
  }
}

int ServerProcess::terminate(int timeout_s) { return stop_process(pid_, timeout_s); }

std::string ServerProcess::log() const { return read_text_file(log_path_); }

int ServerProcess::run_cli(std::vector<std::string> args, std::string* output) const {
  args.push_back("--db");
  args.push_back(db_url_);
  return run_ecrm(std::move(args), output);
}

int run_ecrm(const std::vector<std::string>& args, std::string* output) {
  std::string command = binary_path();
  for (const auto& a : args) {
    std::string quoted = "'";
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " " + quoted + "'";
  }
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string text;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
  int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ecrm::testing
