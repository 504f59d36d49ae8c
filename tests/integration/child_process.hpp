// Child processes of the tests: `ecrm serve` and `ecrm worker` started with their output in a log
// file, waited for until a line of the log says they are ready, and stopped.
#pragma once

#include <map>
#include <regex>
#include <string>
#include <vector>

namespace ecrm::testing {

// Starts args[0] with `args` and the environment plus `env`, its standard output and error
// appended to `log_path`. The child's pid.
int spawn_logged(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::string& log_path);

// Waits up to 15 s until the log past its first `skip` bytes matches `ready`; its first capture.
// Throws std::runtime_error with the log when the process exits first (`pid` is then -1) or the
// time runs out (the process is left running). `what` names it in the message.
std::string wait_until_ready(int& pid, const std::string& log_path, std::size_t skip,
                             const std::regex& ready, const std::string& what);

// SIGTERM, then SIGKILL after `timeout_s`: the exit status (128 + signal when killed by one), or
// -1 when it had to be killed. `pid` is -1 afterwards.
int stop_process(int& pid, int timeout_s);
// SIGKILL, no chance to clean up; `pid` is -1 afterwards.
void kill_process(int& pid);

// The whole file, or "" when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace ecrm::testing
