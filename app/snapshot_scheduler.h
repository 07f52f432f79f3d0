// Takes snapshots of a running store: automatically every N events, in a
// background thread, and on demand.
#ifndef TASKSTORE_APP_SNAPSHOT_SCHEDULER_H_
#define TASKSTORE_APP_SNAPSHOT_SCHEDULER_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "base/logger.h"
#include "base/result.h"
#include "domain/task_store.h"
#include "eventlog/file_system.h"

namespace taskstore::app {

struct SnapshotPolicy {
  std::uint64_t every_events = 100'000;  // 0 turns automatic snapshots off
  int keep = 2;                          // newest snapshots kept
};

class SnapshotScheduler {
 public:
  // `file_system`, `store` and `logger` must outlive the scheduler.
  // `last_snapshot` is the sequence number the newest snapshot covers.
  SnapshotScheduler(eventlog::FileSystem& file_system, std::string directory,
                    domain::TaskStore& store, Logger& logger,
                    SnapshotPolicy policy, domain::Sequence last_snapshot);

  // Waits for a snapshot in progress.
  ~SnapshotScheduler();

  SnapshotScheduler(const SnapshotScheduler&) = delete;
  SnapshotScheduler& operator=(const SnapshotScheduler&) = delete;

  // Tell it that events up to `last_sequence` are committed; cheap. Wakes
  // the background writer once every_events have passed since the last
  // snapshot.
  void OnCommitted(domain::Sequence last_sequence);

  // Takes a snapshot now and returns its file name. Thread-safe. A failure
  // is returned, not logged: the caller reports it (the admin route's
  // access line does), so that it is logged once.
  Result<std::string> TakeNow();

  // Writes a snapshot of `state` and removes every other snapshot file,
  // set-aside and temporary ones included (see RemoveSnapshotsExcept),
  // before any other snapshot is taken. For compaction: a snapshot whose
  // state copy was made before a purge is finished before this one
  // begins, and is removed. Thread-safe.
  Result<std::string> WriteAndRemoveOthers(const domain::Projection& state);

 private:
  void RunInBackground();
  // REQUIRES: writing_ held.
  Result<std::string> WriteLocked(const domain::Projection& state);

  eventlog::FileSystem& file_system_;
  const std::string directory_;
  domain::TaskStore& store_;
  Logger& logger_;
  const SnapshotPolicy policy_;

  std::mutex writing_;  // one snapshot at a time

  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  domain::Sequence last_snapshot_;
  bool due_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_SNAPSHOT_SCHEDULER_H_
