#include "child_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ecrm::testing {

int spawn_logged(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::string& log_path) {
  std::vector<std::string> argv_text = args;
  const int pid = fork();
  if (pid == 0) {
    FILE* log = std::fopen(log_path.c_str(), "a");
    dup2(fileno(log), STDOUT_FILENO);
    dup2(fileno(log), STDERR_FILENO);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    std::perror("execv");
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

std::string wait_until_ready(int& pid, const std::string& log_path, std::size_t skip,
                             const std::regex& ready, const std::string& what) {
  for (int i = 0; i < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::string text = read_text_file(log_path);
    text = text.size() > skip ? text.substr(skip) : std::string();
    std::smatch m;
    if (std::regex_search(text, m, ready)) return m.size() > 1 ? m[1].str() : m[0].str();
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      throw std::runtime_error(what + " exited during start-up:\n" + text);
    }
  }
  throw std::runtime_error(what + " did not start within 15 s:\n" + read_text_file(log_path));
}

int stop_process(int& pid, int timeout_s) {
  if (pid <= 0) return -1;
  kill(pid, SIGTERM);
  for (int i = 0; i < timeout_s * 20; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_process(pid);
  return -1;
}

void kill_process(int& pid) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  pid = -1;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ecrm::testing
