// Shared helpers of the analytics unit tests: where the CDNOW data is, and running the CLI.
#pragma once

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace ecrm::analytics::testing {

// The CDNOW folder: $ECRM_SOURCE_DIR/../shared/data/cdnow, else /work/shared/data/cdnow;
// nullopt if neither holds the files.
inline std::optional<std::filesystem::path> cdnow_dir() {
  std::vector<std::filesystem::path> candidates;
  if (const char* source = std::getenv("ECRM_SOURCE_DIR"); source != nullptr && *source != 0) {
    candidates.push_back(std::filesystem::path(source) / ".." / "shared" / "data" / "cdnow");
  }
  candidates.emplace_back("/work/shared/data/cdnow");
  for (const auto& dir : candidates) {
    if (std::filesystem::exists(dir / "cdnow_summary.csv") &&
        std::filesystem::exists(dir / "cdnow_transactions.csv")) {
      return dir;
    }
  }
  return std::nullopt;
}

#define ECRM_REQUIRE_CDNOW(dir)                                                            \
  const auto dir##_found = ::ecrm::analytics::testing::cdnow_dir();                        \
  if (!dir##_found) {                                                                      \
    GTEST_SKIP() << "CDNOW data not found: neither $ECRM_SOURCE_DIR/../shared/data/cdnow " \
                    "nor /work/shared/data/cdnow holds cdnow_summary.csv";                 \
  }                                                                                        \
  const std::filesystem::path dir = *dir##_found

// The ecrm binary under test: $ECRM_BINARY, else the one this test target was built with.
inline std::string ecrm_binary() {
  if (const char* env = std::getenv("ECRM_BINARY"); env != nullptr && *env != 0) return env;
  return ECRM_BINARY_PATH;
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs `ecrm <args>` through the shell (args must be shell-safe), capturing stdout and stderr.
inline RunResult run_ecrm(const std::string& args) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(std::rand());
  const auto out_path = dir / ("ecrm_out_" + tag);
  const auto err_path = dir / ("ecrm_err_" + tag);
  const std::string command = "'" + ecrm_binary() + "' " + args + " >'" + out_path.string() +
                              "' 2>'" + err_path.string() + "'";
  const int status = std::system(command.c_str());
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

}  // namespace ecrm::analytics::testing
