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
  pid_ = fork();
  if (pid_ == 0) {
    FILE* log = std::fopen(log_path_.c_str(), "a");
    dup2(fileno(log), STDOUT_FILENO);
    dup2(fileno(log), STDERR_FILENO);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror("execv");
    _exit(127);
  }
  std::regex ready(R"(serving http://127\.0\.0\.1:(\d+)/)");
  for (int i = 0; i < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::smatch m;
    std::string text = log();
    if (std::regex_search(text, m, ready)) {
      base_url_ = "http://127.0.0.1:" + m[1].str();
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("node " + name_ + " exited during start-up:\n" + text);
    }
  }
  std::string text = log();
  kill_hard();
  throw std::runtime_error("node " + name_ + " did not start within 15 s:\n" + text);
}

Node::~Node() {
  if (pid_ > 0) terminate(30);
  fs::remove(log_path_);
}

int Node::terminate(int timeout_s) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  for (int i = 0; i < timeout_s * 20; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_hard();
  return -1;
}

void Node::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string Node::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ecrm::testing
