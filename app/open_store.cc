#include "app/open_store.h"

#include <chrono>
#include <limits>
#include <optional>

#include "snapshots/snapshot_store.h"

namespace taskstore::app {

Result<OpenStore> OpenDataDirectory(eventlog::FileSystem& file_system,
                                    const std::string& data_directory,
                                    const OpenOptions& options,
                                    Logger& logger) {
  TASKSTORE_RETURN_IF_ERROR(file_system.CreateDirectories(data_directory));

  OpenStore opened;
  std::string lock_path = eventlog::JoinPath(data_directory, kLockFileName);
  Result<std::unique_ptr<eventlog::FileLock>> lock =
      file_system.Lock(lock_path);
  if (!lock.ok()) {
    return lock.status().WithContext("data directory " + data_directory +
                                     " is in use");
  }
  opened.lock = std::move(lock).value();

  auto started = std::chrono::steady_clock::now();
  domain::Projection state;
  domain::Sequence newest_allowed =
      std::numeric_limits<domain::Sequence>::max();
  while (true) {
    std::string source = "the log";
    state = domain::Projection();
    state.DeferIndexing();  // built once, when the replay is done
    eventlog::ResumePoint resume;
    if (options.use_snapshots) {
      Result<std::optional<snapshots::LoadedSnapshot>> snapshot =
          snapshots::LoadNewestSnapshot(file_system, data_directory, logger,
                                        newest_allowed);
      if (!snapshot.ok()) return snapshot.status();
      if (*snapshot) {
        state = std::move((*snapshot)->state);
        source = (*snapshot)->name;
        resume = {state.last_sequence(), (*snapshot)->fingerprint};
      }
    }
    Result<std::unique_ptr<eventlog::EventLog>> log = eventlog::EventLog::Open(
        file_system, data_directory, options.log, logger,
        [&state](const domain::Event& event) { return state.Apply(event); },
        resume);
    if (!log.ok() && log.status().code() == StatusCode::kFailedPrecondition &&
        resume.sequence > 0) {
      // The snapshot was taken from another history of this log (one cut
      // back by recovery or repair, or a restored backup): never use it.
      TASKSTORE_RETURN_IF_ERROR(snapshots::SetSnapshotAside(
          file_system, data_directory, source, log.status().message(), logger));
      newest_allowed = resume.sequence - 1;
      continue;
    }
    if (!log.ok()) {
      return log.status().WithContext("cannot open the event log in " +
                                      data_directory);
    }
    if ((*log)->last_sequence() < resume.sequence) {
      // The snapshot is ahead of the log; LoadNewestSnapshot says so when
      // it skips it on the next round.
      newest_allowed = (*log)->last_sequence();
      continue;
    }
    opened.log = std::move(log).value();
    opened.snapshot_sequence = resume.sequence;
    logger.Info("started from " + source + " at sequence " +
                std::to_string(resume.sequence));
    break;
  }
  state.ResumeIndexing();
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);

  logger.Info(
      "loaded " + std::to_string(state.last_sequence()) + " events from " +
      data_directory + " in " + std::to_string(elapsed.count()) +
      " ms: " + std::to_string(state.visible_count()) + " visible tasks, " +
      std::to_string(state.task_count() - state.visible_count()) + " deleted");
  opened.store = std::make_unique<domain::TaskStore>(
      std::move(state), *opened.log, options.clock);
  return opened;
}

}  // namespace taskstore::app
