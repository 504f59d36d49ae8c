#include "cluster.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"
#include "harness.hpp"

namespace ecrm::testing {

namespace fs = std::filesystem;

Node::Node(std::string name, std::string db_url, std::vector<std::string> extra_args,
           std::map<std::string, std::string> env)
    : name_(std::move(name)) {
  std::random_device random;
  log_path_ = (fs::temp_directory_path() /
               ("ecrm-cluster-" + name_ + "-" + std::to_string(random()) + ".log"))
                  .string();
  std::vector<std::string> args = {
      binary_path(), "serve",     "--db", db_url,       "--port",
      "0",           "--threads", "2",    "--web-root", source_dir() + "/web/dist"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn_logged(args, env, log_path_);
  try {
    base_url_ = wait_until_ready(pid_, log_path_, 0,
                                 std::regex(R"(serving (http://127\.0\.0\.1:\d+)/)"),
                                 "node " + name_);
  } catch (...) {
    kill_hard();
    throw;
  }
}

Node::~Node() {
  if (pid_ > 0) terminate(30);
  fs::remove(log_path_);
}

int Node::terminate(int timeout_s) { return stop_process(pid_, timeout_s); }

void Node::kill_hard() { kill_process(pid_); }

std::string Node::log() const { return read_text_file(log_path_); }

}  // namespace ecrm::testing
