// Test harness for API tests over real HTTP: starts `ecrm serve` as a child process on a free
// loopback port against a fresh database (SQLite file or a new PostgreSQL database), and a small
// libcurl client with a cookie jar.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecrm::testing {

struct HttpResult {
  long status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // lower-case names
  boost::json::value json() const;                  // parsed body (null if not JSON)
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends a request; `headers` are "Name: value" lines. Cookies persist across calls.
  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = {}, std::vector<std::string> headers = {});
  HttpResult get(const std::string& path, std::vector<std::string> headers = {}) {
    return request("GET", path, {}, std::move(headers));
  }
  // JSON body; adds X-CSRF-Token when a token is set.
  HttpResult send_json(const std::string& method, const std::string& path,
                       const boost::json::value& body, std::vector<std::string> headers = {});

  std::string csrf_token;
  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  void* curl_;
};

// Which database the suite runs on: ECRM_TEST_DB=sqlite (default) or postgresql (the cluster URL
// is read from the file named by ECRM_TEST_PG_URL_FILE or from ECRM_TEST_PG_URL).
std::string test_backend();

class ServerProcess {
 public:
  // Creates a fresh database and starts the server on it. Aborts the test run on failure.
  ServerProcess(std::vector<std::string> extra_args = {},
                std::map<std::string, std::string> env = {});
  ~ServerProcess();

  const std::string& base_url() const { return base_url_; }
  const std::string& db_url() const { return db_url_; }
  int pid() const { return pid_; }
  // Runs `ecrm ARGS --db <this server's db>` to completion; returns the exit code and output.
  int run_cli(std::vector<std::string> args, std::string* output = nullptr) const;
  // Sends SIGTERM and waits up to `timeout_s`; returns the exit status (-1 on timeout).
  int terminate(int timeout_s = 30);
  // Kills the server with SIGKILL (no chance to clean up) and reaps it.
  void kill_hard();
  // Starts the server again on the same database, with the same arguments, after terminate()
  // or kill_hard(); base_url() changes. Aborts the test run on failure.
  void restart();
  std::string log() const;

 private:
  std::string db_url_;
  std::string log_path_;
  std::string base_url_;
  std::string sqlite_path_;
  std::string pg_database_;
  std::vector<std::string> args_;
  std::map<std::string, std::string> env_;
  int pid_ = -1;

  void start();
};

// An empty database of the suite's backend that no server runs on (a SQLite file path or a new
// PostgreSQL database), removed when this goes.
class ScratchDatabase {
 public:
  ScratchDatabase();
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::string sqlite_path_;
  std::string pg_database_;
};

// Runs `ecrm ARGS` to completion; returns the exit code and (standard output and error) output.
int run_ecrm(const std::vector<std::string>& args, std::string* output = nullptr);

std::string binary_path();
std::string source_dir();

}  // namespace ecrm::testing
