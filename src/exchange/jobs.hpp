// Import jobs run by the server: an upload is recorded as a queued job and imported by one
// background thread, one job at a time (imports are write-heavy; one at a time keeps SQLite's
// single writer free for the shop's own traffic between batches). Progress and the outcome are
// written to the job's row, so any process serving the API can report them.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exchange/importer.hpp"
#include "exchange/model.hpp"
#include "exchange/repo.hpp"
#include "storage/database.hpp"

namespace ecrm::exchange {

// Where an uploaded CSV is: a file, or a byte range of it (a multipart upload's file part).
struct UploadedFile {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string name;                     // as the browser gave it, for people
  std::shared_ptr<const void> keep_alive;  // keeps a temporary file until the job ends
};

class ImportJobs {
 public:
  ImportJobs(storage::Database& db, Importer& importer);
  // Waits for the running job to end; queued jobs stay queued (recover() fails them next time).
  ~ImportJobs();
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Marks jobs a previous process left queued or running as failed. Call once at start-up.
  Status recover();

  // Records a queued job and schedules it. `options.on_progress` is replaced.
  Result<ImportJob> submit(UploadedFile file, ImportOptions options, const std::string& actor);

  Result<ImportJob> get(std::int64_t id);
  // Jobs newest first, continuing after job `after` (the older ones).
  Result<std::vector<ImportJob>> list(std::optional<std::int64_t> after, int limit);

 private:
  struct Pending {
    std::int64_t id;
    UploadedFile file;
    ImportOptions options;
  };
  void work();
  void run_job(Pending& pending);

  storage::Database& db_;
  Importer& importer_;
  ExchangeRepo repo_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

// Opens `file` (or its byte range) for reading.
Result<std::unique_ptr<std::istream>> open_upload(const UploadedFile& file);

// Finds the file part of a multipart/form-data body stored at `path`: the part named `field`
// (or, when there is none, the first part with a filename). kInvalidArgument (field `file`)
// when the body is not well-formed or has no such part.
Result<UploadedFile> find_multipart_file(const std::string& path, const std::string& boundary,
                                         const std::string& field);

}  // namespace ecrm::exchange
