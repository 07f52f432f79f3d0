// Compaction: after a task is purged, its text must leave the data
// directory. A compaction rewrites the log segments that hold events of
// purged tasks into their erased form (eventlog/segment_rewrite.h), keeping
// every sequence number, then replaces all snapshots with one of the
// already-purged state (the compacted log replayed), and finally records in the
// file COMPACTED the sequence number it covered.
//
// When it runs: in the background after every commit that holds a purge;
// at start-up when a purge after the recorded sequence exists (a crash
// interrupted a compaction or came before it); and on demand with
// `taskstore compact`. Every step is atomic on disk (temporary file,
// fdatasync, rename, directory fsync), and a compaction run again over a
// half-done one finishes it, so a crash at any point is harmless.
//
// TODO(quarantine-purge): the quarantine directories of `taskstore
// repair` are left as they are and may hold a purged task's text; erasing
// there would mean decoding damaged bytes, which repair keeps for people.
#ifndef TASKSTORE_APP_COMPACTION_H_
#define TASKSTORE_APP_COMPACTION_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "app/snapshot_scheduler.h"
#include "base/logger.h"
#include "base/result.h"
#include "domain/task_store.h"
#include "eventlog/event_log.h"
#include "eventlog/file_system.h"
#include "eventlog/segment_rewrite.h"

namespace taskstore::app {

// What compaction needs to know of the domain.
struct CompactionRules {
  // True for an event after which a compaction is due (a purge). Empty:
  // nothing ever makes one due.
  std::function<bool(const domain::Event&)> triggers;
  // The rewrite that erases what is to go, as the store stands when it is
  // called; events committed later may be left for the next compaction.
  std::function<eventlog::EventRewrite()> make_rewrite;
};

// The file that records how far compaction has come: "compacted through
// <sequence>\n", written atomically. Missing or unreadable means 0, which
// at worst makes a compaction run again.
inline constexpr char kCompactedFileName[] = "COMPACTED";

// The sequence number the last finished compaction covered; 0 when none
// is recorded. Warns about an unreadable file.
domain::Sequence ReadCompactedThrough(eventlog::FileSystem& file_system,
                                      const std::string& directory,
                                      Logger& logger);

Status WriteCompactedThrough(eventlog::FileSystem& file_system,
                             const std::string& directory,
                             domain::Sequence through);

struct CompactionOptions {
  // Compact in a background thread after each commit with a purge. Off:
  // only RunNow() compacts.
  bool in_background = true;
  // How long the background thread waits before trying again after a
  // failure.
  std::chrono::milliseconds retry_after{60'000};
};

class Compactor {
 public:
  // Everything passed in must outlive the compactor. `log` and `store`
  // are the ones open on `directory`; `snapshots` takes its snapshots.
  Compactor(eventlog::FileSystem& file_system, std::string directory,
            eventlog::EventLog& log, domain::TaskStore& store,
            SnapshotScheduler& snapshots, Logger& logger, CompactionRules rules,
            CompactionOptions options = {});

  // Waits for a compaction in progress.
  ~Compactor();

  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

  // True when an event after the sequence recorded in COMPACTED triggers
  // a compaction. Reads the events from the store, in memory.
  bool Due();

  // Compacts now. Thread-safe; one compaction runs at a time.
  Status RunNow();

  // Tell it that events up to `last_sequence` are committed; wakes the
  // background thread when one of them triggers a compaction. Called from
  // the commit observer.
  void OnCommitted(domain::Sequence last_sequence);

 private:
  bool AnyTriggerAfter(domain::Sequence after, domain::Sequence through);
  void RunInBackground();

  eventlog::FileSystem& file_system_;
  const std::string directory_;
  eventlog::EventLog& log_;
  domain::TaskStore& store_;
  SnapshotScheduler& snapshots_;
  Logger& logger_;
  const CompactionRules rules_;
  const CompactionOptions options_;

  std::mutex running_;  // one compaction at a time

  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  domain::Sequence checked_through_ = 0;  // commits looked at for triggers
  bool due_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_COMPACTION_H_
