// The delivery worker's outcome journal: an append-only record of what the relay answered for
// each message, written the moment it answers, and folded into the outbox (the message's row and
// its events) later, a batch at a time.
//
// A record is one line, written with a single write() on a file opened with O_APPEND: once
// write() has returned, the record is in the operating system's page cache and survives the
// process being killed, as a SQLite commit in WAL mode with synchronous=NORMAL does (neither is
// flushed to the disk by the write; a power loss may lose the last ones of both). A line cut short
// by a crash does not parse and is skipped.
//
// The journal is `path` (a lock file, held with flock() by the one process using the journal, so
// that two processes never share one) and one segment per writer, `path.N`, each written by one
// thread only. Records are folded idempotently: a record applies only to a row still `sending`
// with the record's attempt number, so a record folded twice (a crash between the fold's commit
// and the segment being emptied) or one for a row taken over since changes nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "messaging/repo.hpp"

namespace ecrm::messaging {

// One message's outcome as the journal keeps it.
struct JournalRecord {
  std::int64_t message_id = 0;
  std::int64_t customer_id = 0;
  int attempts = 0;  // the row's attempt count when it was claimed
  Outcome outcome;
  std::string event;  // the customer's timeline entry; empty: none
  std::string detail;
  UnixMs at = 0;  // when the relay answered (or the message was held or dropped)
};

class OutcomeJournal {
 public:
  // Opens the journal at `path` (creating its lock file) and locks it for this process. nullptr
  // when another process holds it; kUnavailable when the file cannot be opened.
  static Result<std::unique_ptr<OutcomeJournal>> open(const std::string& path);
  ~OutcomeJournal();
  OutcomeJournal(const OutcomeJournal&) = delete;
  OutcomeJournal& operator=(const OutcomeJournal&) = delete;

  const std::string& path() const { return path_; }

  // The records of every segment (left by a process that ended before folding them), in the
  // order each segment holds them; lines that do not parse (cut short) are skipped.
  Result<std::vector<JournalRecord>> read_segments() const;
  // Removes every segment: call once what read_segments() returned is folded, and before any
  // writer is made.
  Status remove_segments() const;

  // Appends to one segment; one thread at a time.
  class Writer {
   public:
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    // Writes `record` as one line with one write(); an error (the disk full) leaves the segment
    // as it was or with a line cut short.
    Status append(const JournalRecord& record);
    // Empties the segment: every record in it is folded.
    Status clear();
    // Removes the segment (when it is empty: the worker stops).
    void remove();

   private:
    friend class OutcomeJournal;
    Writer(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::string path_;
    int fd_ = -1;
    std::string line_;
  };
  // A writer on segment `index` (path.index), created empty.
  Result<std::unique_ptr<Writer>> writer(int index);

 private:
  OutcomeJournal(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::string path_;
  int lock_fd_ = -1;
};

// The record as one line of JSON (without its line end), and back; nullopt when `line` is not a
// whole record.
std::string journal_line(const JournalRecord& record);
std::optional<JournalRecord> parse_journal_line(std::string_view line);

}  // namespace ecrm::messaging
