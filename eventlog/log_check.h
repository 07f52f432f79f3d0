// Offline inspection and repair of a data directory's event log, for
// `taskstore verify` and `taskstore repair`. Both need the directory's
// lock held by the caller.
#ifndef TASKSTORE_EVENTLOG_LOG_CHECK_H_
#define TASKSTORE_EVENTLOG_LOG_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/logger.h"
#include "base/result.h"
#include "base/time.h"
#include "domain/event.h"
#include "eventlog/event_log.h"
#include "eventlog/file_system.h"

namespace taskstore::eventlog {

struct LogProblem {
  std::string segment;            // file name within the data directory
  std::uint64_t offset = 0;       // byte offset in that file
  domain::Sequence sequence = 0;  // the sequence number expected there
  std::string what;
  bool torn_tail = false;  // a crash's torn final write; `serve` cuts it off

  // "segment-…tslog at offset 42 (sequence 7): record checksum mismatch".
  std::string ToString() const;
};

struct LogCheck {
  domain::Sequence events = 0;       // valid events read
  std::vector<LogProblem> problems;  // in log order

  // True when no problem other than a torn tail was found.
  bool healthy() const;
};

// Reads the whole log without changing it, listing every problem instead
// of stopping at the first: after damage it resumes at the next valid
// record. `on_event` sees each valid event up to the first problem (a
// state cannot be folded past a hole); a non-OK result is listed as a
// problem at that event (a projection uses this to report events that
// contradict the state). Fails only when the directory cannot be listed.
Result<LogCheck> CheckLog(FileSystem& file_system, const std::string& directory,
                          const EventVisitor& on_event);

struct RepairOutcome {
  bool changed = false;
  std::string quarantine;  // directory holding the removed bytes, if any
  domain::Sequence kept_events = 0;
};

// Keeps the longest valid prefix of the log and moves everything after it
// into a new directory "quarantine-<UTC time>" inside `directory`: the
// rest of the damaged segment as "<segment name>.from-<offset>", later
// segments whole. No byte is deleted; each step is made durable before
// the next, so a crash midway loses nothing. A torn tail alone is also
// moved aside rather than cut.
Result<RepairOutcome> RepairLog(FileSystem& file_system,
                                const std::string& directory, Clock clock,
                                Logger& logger);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_LOG_CHECK_H_
