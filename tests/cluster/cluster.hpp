// Nodes of a cluster for tests: `ecrm serve` processes started on a database the test names
// (several on one database), each on a free loopback port. The database itself comes from the
// integration harness (ScratchDatabase: a SQLite file or a new PostgreSQL database).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ecrm::testing {

class Node {
 public:
  // Starts `ecrm serve --db DB_URL` with `extra_args` and `env`, and waits until it serves.
  // Throws std::runtime_error (with the node's log) when it does not start within 15 s.
  Node(std::string name, std::string db_url, std::vector<std::string> extra_args = {},
       std::map<std::string, std::string> env = {});
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }
  const std::string& base_url() const { return base_url_; }
  int pid() const { return pid_; }
  // SIGTERM, then waits up to `timeout_s`; the exit status, or -1 on timeout (then SIGKILL).
  int terminate(int timeout_s = 30);
  // SIGKILL, no chance to clean up.
  void kill_hard();
  std::string log() const;

 private:
  std::string name_;
  std::string log_path_;
  std::string base_url_;
  int pid_ = -1;
};

}  // namespace ecrm::testing
