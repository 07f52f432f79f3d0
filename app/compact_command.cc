#include <cstdio>

#include "app/commands.h"
#include "app/compaction.h"
#include "app/compaction_rules.h"
#include "app/open_store.h"
#include "app/snapshot_scheduler.h"
#include "app/stderr_logger.h"

namespace taskstore::app {

int RunCompact(const CompactFlags& flags) {
  StderrLogger logger;
  Result<OpenStore> opened = OpenDataDirectory(
      eventlog::PosixFileSystem(), flags.data_directory, {}, logger);
  if (!opened.ok()) {
    logger.Error(opened.status().ToString());
    return 1;
  }
  SnapshotScheduler snapshots(
      eventlog::PosixFileSystem(), flags.data_directory, *opened->store, logger,
      SnapshotPolicy{.every_events = 0, .keep = 1}, opened->snapshot_sequence);
  Compactor compactor(eventlog::PosixFileSystem(), flags.data_directory,
                      *opened->log, *opened->store, snapshots, logger,
                      PurgeCompactionRules(*opened->store),
                      CompactionOptions{.in_background = false});
  if (Status compacted = compactor.RunNow(); !compacted.ok()) {
    logger.Error(compacted.ToString());
    return 1;
  }
  std::printf("compacted %s through sequence %llu\n",
              flags.data_directory.c_str(),
              static_cast<unsigned long long>(opened->store->LastSequence()));
  return 0;
}

}  // namespace taskstore::app
