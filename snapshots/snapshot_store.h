// Snapshot files in a data directory: written atomically, listed, pruned
// and loaded newest first.
#ifndef TASKSTORE_SNAPSHOTS_SNAPSHOT_STORE_H_
#define TASKSTORE_SNAPSHOTS_SNAPSHOT_STORE_H_

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/logger.h"
#include "base/result.h"
#include "domain/projection.h"
#include "eventlog/file_system.h"

namespace taskstore::snapshots {

struct SnapshotFile {
  domain::Sequence last_sequence = 0;
  std::string name;  // within the data directory
};

// "snapshot-00000000000000000042.tssnap" for 42.
std::string SnapshotName(domain::Sequence last_sequence);

// The snapshots in `directory`, newest first. Other files are ignored.
Result<std::vector<SnapshotFile>> ListSnapshots(
    eventlog::FileSystem& file_system, const std::string& directory);

// Writes a snapshot of `state`: to a temporary file, fsync, rename into
// place, fsync of the directory, so a crash at any point leaves the old
// snapshots or the new one, never half of one under a snapshot's name.
// Then removes all but the newest `keep` (at least 1). Returns the name.
Result<std::string> WriteSnapshot(eventlog::FileSystem& file_system,
                                  const std::string& directory,
                                  const domain::Projection& state, int keep,
                                  Logger& logger);

// Removes every snapshot file in `directory` but `keep`: older and newer
// snapshots, set-aside ("<name>.stale") ones and temporaries a crash left
// ("<name>.tmp"), then fsyncs the directory. For compaction, after which
// no file may hold what the state no longer does.
Status RemoveSnapshotsExcept(eventlog::FileSystem& file_system,
                             const std::string& directory,
                             const std::string& keep);

struct LoadedSnapshot {
  std::string name;
  domain::Projection state;
  std::uint32_t fingerprint = 0;  // of the last event covered
};

// Maps and decodes `file`. Corruption when any check of DecodeSnapshot
// fails or the header's sequence number is not the one in the file name.
Result<LoadedSnapshot> LoadSnapshot(eventlog::FileSystem& file_system,
                                    const std::string& directory,
                                    const SnapshotFile& file);

// Renames snapshot `name` to "<name>.stale", out of every later choice,
// and logs why. For a snapshot that does not belong to the log's history.
Status SetSnapshotAside(eventlog::FileSystem& file_system,
                        const std::string& directory, const std::string& name,
                        const std::string& reason, Logger& logger);

// The newest snapshot that loads and covers at most `newest_allowed`
// events. Damaged, truncated, future-version and too-new snapshots are
// skipped with a warning naming them (and left in place: a too-new one may
// be the log's future after a repair is undone); nullopt when none is
// usable. Fails only when the directory cannot be listed. A snapshot of
// another history of the log is caught later, by its fingerprint (see
// EventLog::Open).
Result<std::optional<LoadedSnapshot>> LoadNewestSnapshot(
    eventlog::FileSystem& file_system, const std::string& directory,
    Logger& logger,
    domain::Sequence newest_allowed =
        std::numeric_limits<domain::Sequence>::max());

}  // namespace taskstore::snapshots

#endif  // TASKSTORE_SNAPSHOTS_SNAPSHOT_STORE_H_
