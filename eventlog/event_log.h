// The durable, append-only event log: segment files in one directory (see
// record_format.h), replayed in full on open.
#ifndef TASKSTORE_EVENTLOG_EVENT_LOG_H_
#define TASKSTORE_EVENTLOG_EVENT_LOG_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "base/logger.h"
#include "base/result.h"
#include "domain/event.h"
#include "domain/journal.h"
#include "eventlog/file_system.h"
#include "eventlog/log_statistics.h"
#include "eventlog/segment_files.h"
#include "eventlog/segment_rewrite.h"

namespace taskstore::eventlog {

// When appends become durable.
enum class SyncMode {
  kAlways,    // fdatasync before Append returns (the default)
  kInterval,  // a background fdatasync every sync_interval: a crash may
              // lose the appends of the last interval
  kNone,      // only at close; for benchmarks, never for data you keep
};

struct LogOptions {
  SyncMode sync = SyncMode::kAlways;
  std::chrono::milliseconds sync_interval{100};

  // A segment is closed and a new one begun once an append would grow it
  // past this size (a single batch may still exceed it).
  std::uint64_t segment_bytes = 64ull << 20;
};

// Where a replay may begin: after event `sequence`, whose payload's CRC32C
// must be `fingerprint` (see EventFingerprint).
struct ResumePoint {
  domain::Sequence sequence = 0;  // 0: replay everything
  std::uint32_t fingerprint = 0;
};

// The fingerprint of an event: the CRC32C of its encoded payload.
std::uint32_t EventFingerprint(const domain::Event& event);

// Called with each replayed event in sequence order; a non-OK result stops
// the replay and is returned with the event's position as context.
using EventVisitor = std::function<Status(const domain::Event&)>;

// How ReadLog treats a damaged tail of the last segment.
enum class TailPolicy {
  kCutOff,   // truncate it (and log a warning): the writer's recovery
  kLeaveBe,  // stop before it, change nothing: for readers beside a writer
};

// Reads every event in `directory` in order. A damaged record at the end
// of the last segment, with no valid record after it, is what a crash in
// the middle of an append leaves: it is cut off or left alone per
// `policy`. Any other damage (a bad record followed by valid ones, a bad
// file header, a missing segment, a gap in sequence numbers) is
// Corruption naming the segment, byte offset and sequence number.
// Returns the last sequence number read (0 for an empty log).
Result<domain::Sequence> ReadLog(FileSystem& file_system,
                                 const std::string& directory,
                                 TailPolicy policy, Logger& logger,
                                 const EventVisitor& on_event);

class EventLog final : public domain::Journal {
 public:
  // Replays the log in `directory` (cutting off a torn tail) through
  // `on_event`, then opens it for appending. The caller holds the data
  // directory's lock. `file_system` and `logger` must outlive the log.
  //
  // With a `resume` point (the last event of a snapshot the caller
  // restored), events up to it are not decoded or passed on: segments
  // that end before it are not even read, and the records before it in
  // the segment that holds it are only checked for their framing and
  // checksum. The payload of the resume event must have the snapshot's
  // fingerprint, or the snapshot belongs to another history (a log cut
  // back and grown again, a restored backup): FailedPrecondition. When the
  // log ends before the resume point, last_sequence() says so and the
  // caller must not trust its snapshot.
  static Result<std::unique_ptr<EventLog>> Open(FileSystem& file_system,
                                                std::string directory,
                                                const LogOptions& options,
                                                Logger& logger,
                                                const EventVisitor& on_event,
                                                const ResumePoint& resume = {});

  // Syncs what is not yet durable (unless the log is read-only).
  ~EventLog() override;

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends and, under SyncMode::kAlways, fdatasyncs. Thread-safe.
  //
  // A failed write (ENOSPC, a short write) is undone by truncating back,
  // so nothing of it can replay; the log accepts appends again later. A
  // failed sync leaves the log read-only for good: the kernel may have
  // dropped the unsynced pages, so retrying could report a write durable
  // that is not. Appends then fail with Unavailable saying why.
  Status Append(std::span<const domain::Event> events) override;

  // Passes every event of the log through `rewrite` and replaces the
  // segments where an event changes (see segment_rewrite.h), for
  // compaction. Appends go on meanwhile, except while the newest segment
  // is rewritten: that happens under the log's lock, after syncing what
  // was appended, and appends then continue on the new file. Crash-safe:
  // every state on disk replays to the same events, each in its old or
  // its new form.
  //
  // A failure leaves the log usable, except when the directory fsync
  // after replacing the newest segment fails: a crash could then bring the
  // old file back without the appends made since, so the log goes
  // read-only as after a failed sync. Call from one thread at a time.
  Result<RewriteCount> RewriteSegments(const EventRewrite& rewrite);
  // Makes every append so far durable now, whatever the sync mode: for a
  // clean stop. Fails when the sync fails or an earlier one did (the log
  // is then read-only).
  Status Sync();

  domain::Sequence last_sequence() const;

  // Non-OK once the log has gone read-only (Unavailable, saying why).
  Status Health() const override;

  // Events appended, bytes on disk and fdatasync latencies. Reading them
  // takes no lock. Valid as long as the log.
  const LogStatistics& statistics() const { return statistics_; }

 private:
  EventLog(FileSystem& file_system, std::string directory,
           const LogOptions& options, Logger& logger,
           domain::Sequence last_sequence);

  // Opens the newest segment, or creates the first.
  Status OpenTail(const std::string& newest_segment);

  // Syncs the open segment if needed. REQUIRES: mutex_ held.
  Status SyncLocked();

  // The background syncer of SyncMode::kInterval.
  void SyncPeriodically();

  // (Re)opens segment_path_ for appending.
  Status ReopenSegment();

  // Closes the current segment and starts one whose first event is
  // `first_sequence`.
  Status StartSegment(domain::Sequence first_sequence);

  FileSystem& file_system_;
  const std::string directory_;
  const LogOptions options_;
  Logger& logger_;

  mutable std::mutex mutex_;  // guards everything below
  std::string segment_path_;
  std::unique_ptr<AppendableFile> segment_;
  domain::Sequence last_sequence_;
  Status broken_;
  bool unsynced_ = false;  // appended bytes await an fdatasync
  bool closing_ = false;
  std::condition_variable closing_changed_;
  std::thread syncer_;  // runs only under SyncMode::kInterval

  LogStatistics statistics_;  // thread-safe on its own
};

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_EVENT_LOG_H_
