#include "exchange/jobs.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <streambuf>

#include "core/time.hpp"

namespace ecrm::exchange {

namespace {

// Reads at most `length` bytes of a file from `offset`.
class RangeBuf : public std::streambuf {
 public:
  RangeBuf(const std::string& path, std::uint64_t offset, std::uint64_t length)
      : file_(path, std::ios::binary), left_(length) {
    file_.seekg(static_cast<std::streamoff>(offset));
  }
  bool ok() const { return static_cast<bool>(file_); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (left_ == 0) return traits_type::eof();
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left_, buffer_.size()));
    file_.read(buffer_.data(), static_cast<std::streamsize>(want));
    std::size_t got = static_cast<std::size_t>(file_.gcount());
    if (got == 0) return traits_type::eof();
    left_ -= got;
    done_ += got;
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    return traits_type::to_int_type(*gptr());
  }
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    // Only "where am I" (tellg) is supported: progress reporting.
    if (off != 0 || dir != std::ios_base::cur) return pos_type(off_type(-1));
    return pos_type(static_cast<off_type>(done_ - static_cast<std::uint64_t>(egptr() - gptr())));
  }

 private:
  std::ifstream file_;
  std::uint64_t left_;
  std::uint64_t done_ = 0;
  std::array<char, 1 << 16> buffer_{};
};

class RangeStream : public std::istream {
 public:
  RangeStream(const std::string& path, std::uint64_t offset, std::uint64_t length)
      : std::istream(nullptr), buf_(path, offset, length) {
    rdbuf(&buf_);
    if (!buf_.ok()) setstate(std::ios::failbit);
  }

 private:
  RangeBuf buf_;
};

void fill(ImportJob& job, const ImportReport& report) {
  job.format = report.format;
  job.rows_read = report.rows_read;
  job.records = report.records;
  job.inserted = report.inserted;
  job.updated = report.updated;
  job.unchanged = report.unchanged;
  job.bad_rows = report.bad_rows;
  job.errors = report.errors;
  job.warnings = report.warnings;
  job.message = report.message;
}

}  // namespace

Result<std::unique_ptr<std::istream>> open_upload(const UploadedFile& file) {
  std::unique_ptr<std::istream> in =
      std::make_unique<RangeStream>(file.path, file.offset, file.length);
  if (!*in) return Error::unavailable("cannot open the uploaded file " + file.path);
  return in;
}

ImportJobs::ImportJobs(storage::Database& db, Importer& importer)
    : db_(db), importer_(importer), worker_([this] { work(); }) {}

ImportJobs::~ImportJobs() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status ImportJobs::recover() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto n, repo_.fail_unfinished_jobs(
                                    *lease, now_ms(),
                                    "the server stopped before this import finished; upload the "
                                    "file again (rows already upserted are updated in place)"));
  if (n > 0) spdlog::warn("{} unfinished import jobs marked failed", n);
  return {};
}

Result<ImportJob> ImportJobs::submit(UploadedFile file, ImportOptions options,
                                     const std::string& actor) {
  ImportJob job;
  job.entity = options.entity;
  job.format = options.format;
  job.status = JobStatus::kQueued;
  job.dry_run = options.dry_run;
  job.skip_bad = options.skip_bad;
  job.file_name = file.name;
  job.bytes_total = static_cast<std::int64_t>(file.length);
  job.created_by = actor;
  job.created_at = format_iso8601(now_ms());
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(job.id, repo_.insert_job(*lease, job));
  }
  options.actor = actor;
  options.bytes_total = file.length;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Pending{job.id, std::move(file), std::move(options)});
  }
  wake_.notify_one();
  return job;
}

Result<ImportJob> ImportJobs::get(std::int64_t id) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto job, repo_.find_job(*lease, id));
  if (!job) return Error::not_found("no such import job: " + std::to_string(id));
  return *job;
}

Result<std::vector<ImportJob>> ImportJobs::list(std::optional<std::int64_t> after, int limit) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  return repo_.list_jobs(*lease, after, limit);
}

void ImportJobs::work() {
  for (;;) {
    Pending pending;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      pending = std::move(queue_.front());
      queue_.pop_front();
    }
    run_job(pending);
  }
}

void ImportJobs::run_job(Pending& pending) {
  ImportJob job;
  {
    auto found = get(pending.id);
    if (!found.ok()) {
      spdlog::error("import job {} cannot be read: {}", pending.id, found.error().message);
      return;
    }
    job = std::move(found).value();
  }
  auto save = [&](const ImportJob& j) {
    auto status = storage::with_transaction(db_, storage::TxMode::kWrite,
                                            [&](storage::Connection& c) { return repo_.update_job(c, j); });
    if (!status.ok()) spdlog::warn("import job {}: cannot save progress: {}", j.id, status.error().message);
  };
  job.status = JobStatus::kRunning;
  job.started_at = format_iso8601(now_ms());
  save(job);
  auto last_saved = std::chrono::steady_clock::now();
  pending.options.on_progress = [&](const ImportProgress& p) {
    job.phase = p.phase;
    job.bytes_done = static_cast<std::int64_t>(p.bytes_done);
    job.rows_read = p.rows_read;
    auto now = std::chrono::steady_clock::now();
    if (now - last_saved >= std::chrono::milliseconds(500)) {
      last_saved = now;
      save(job);
    }
  };
  const UploadedFile& file = pending.file;
  auto report = importer_.run([&file] { return open_upload(file); }, pending.options);
  job.phase.clear();
  job.finished_at = format_iso8601(now_ms());
  if (!report.ok()) {
    job.status = JobStatus::kFailed;
    job.message = report.error().message;
    if (report.error().kind == ErrorKind::kInvalidArgument) {
      ImportReport bad;
      bad.add_error({1, report.error().field, report.error().message});
      job.errors = bad.errors;
      job.bad_rows = 1;
    }
  } else {
    fill(job, *report);
    job.bytes_done = job.bytes_total;
    bool failed = report->bad_rows > 0 && !report->skip_bad && !report->dry_run;
    job.status = failed ? JobStatus::kFailed : JobStatus::kSucceeded;
  }
  save(job);
  spdlog::info("import job {} ({}) {}: {}", job.id, wire::enum_name(job.entity),
               wire::enum_name(job.status), job.message);
}

Result<UploadedFile> find_multipart_file(const std::string& path, const std::string& boundary,
                                         const std::string& field) {
  auto bad = [](const std::string& why) {
    return Error::invalid("malformed multipart body: " + why, "file");
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::unavailable("cannot read the upload");
  const std::string delimiter = "--" + boundary;
  // Scans the body for every delimiter position, keeping only offsets (constant memory).
  std::vector<std::uint64_t> marks;
  {
    std::vector<char> buffer(1 << 20);
    std::string carry;
    std::uint64_t base = 0;  // file offset of carry[0]
    for (;;) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      std::size_t got = static_cast<std::size_t>(in.gcount());
      if (got == 0) break;
      std::string window = carry + std::string(buffer.data(), got);
      std::size_t pos = 0;
      while ((pos = window.find(delimiter, pos)) != std::string::npos) {
        std::uint64_t at = base + pos;
        if (marks.empty() || marks.back() != at) marks.push_back(at);
        if (marks.size() > 1000) return bad("too many parts");
        pos += delimiter.size();
      }
      std::size_t keep = std::min(window.size(), delimiter.size());
      base += window.size() - keep;
      carry = window.substr(window.size() - keep);
    }
  }
  if (marks.size() < 2) return bad("no parts");
  in.clear();
  std::optional<UploadedFile> first_file;
  for (std::size_t i = 0; i + 1 < marks.size(); ++i) {
    std::uint64_t start = marks[i] + delimiter.size();
    // Part headers end at the first blank line.
    in.seekg(static_cast<std::streamoff>(start));
    std::string headers;
    headers.resize(static_cast<std::size_t>(std::min<std::uint64_t>(8192, marks[i + 1] - start)));
    in.read(headers.data(), static_cast<std::streamsize>(headers.size()));
    headers.resize(static_cast<std::size_t>(in.gcount()));
    auto end = headers.find("\r\n\r\n");
    if (end == std::string::npos) return bad("part without headers");
    std::string head = headers.substr(0, end);
    std::string lower_head = head;
    std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    auto param = [&](const std::string& name) -> std::optional<std::string> {
      auto pos = lower_head.find("; " + name + "=\"");
      if (pos == std::string::npos) pos = lower_head.find(";" + name + "=\"");
      if (pos == std::string::npos) return std::nullopt;
      pos = head.find('"', pos) + 1;
      auto close = head.find('"', pos);
      if (close == std::string::npos) return std::nullopt;
      return head.substr(pos, close - pos);
    };
    UploadedFile part;
    part.path = path;
    part.offset = start + end + 4;
    std::uint64_t part_end = marks[i + 1];
    // The CRLF before the next delimiter belongs to the framing.
    if (part_end >= 2 && part_end - 2 >= part.offset) part_end -= 2;
    if (part_end < part.offset) return bad("truncated part");
    part.length = part_end - part.offset;
    part.name = param("filename").value_or("");
    if (param("name").value_or("") == field) return part;
    if (!first_file && param("filename")) first_file = part;
  }
  if (first_file) return *first_file;
  return Error::invalid("the form has no file part named '" + field + "'", "file");
}

}  // namespace ecrm::exchange
