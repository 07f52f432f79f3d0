// Opens a data directory for writing: takes its lock, replays the event
// log into a projection and wires the TaskStore over the log.
#ifndef TASKSTORE_APP_OPEN_STORE_H_
#define TASKSTORE_APP_OPEN_STORE_H_

#include <memory>
#include <string>

#include "base/logger.h"
#include "base/result.h"
#include "base/time.h"
#include "domain/task_store.h"
#include "eventlog/event_log.h"
#include "eventlog/file_system.h"

namespace taskstore::app {

// Everything a process needs to write to one data directory. Members are
// declared in the order they must be built and torn down in reverse.
struct OpenStore {
  domain::Sequence snapshot_sequence = 0;  // what the snapshot covered
  std::unique_ptr<eventlog::FileLock> lock;
  std::unique_ptr<eventlog::EventLog> log;
  std::unique_ptr<domain::TaskStore> store;
};

struct OpenOptions {
  eventlog::LogOptions log;
  Clock clock = SystemNowMicros;
  bool use_snapshots = true;  // false replays the whole log
};

// Creates `data_directory` if missing. Starts from the newest usable
// snapshot (see snapshots/snapshot_store.h) and replays the log after it;
// a snapshot the log does not reach is skipped for an older one or for a
// full replay. Unavailable when another process holds the directory;
// Corruption (naming segment, offset and sequence) when the log is damaged
// other than by a torn final write.
Result<OpenStore> OpenDataDirectory(eventlog::FileSystem& file_system,
                                    const std::string& data_directory,
                                    const OpenOptions& options, Logger& logger);

// The lock file's name inside a data directory.
inline constexpr char kLockFileName[] = "LOCK";

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_OPEN_STORE_H_
