// `taskstore verify` and `taskstore repair`.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "app/commands.h"
#include "app/open_store.h"
#include "app/stderr_logger.h"
#include "domain/projection.h"
#include "eventlog/log_check.h"
#include "snapshots/snapshot_store.h"

namespace taskstore::app {
namespace {

// NotFound unless `data_directory` is an existing directory: these
// commands inspect a store, they never create one.
Status RequireDirectory(const std::string& data_directory) {
  std::error_code error;
  if (std::filesystem::is_directory(data_directory, error)) return Status::Ok();
  return NotFoundError("data directory " + data_directory + " does not exist");
}

// Takes the data directory's lock, so that no server writes meanwhile;
// a failure is logged.
Result<std::unique_ptr<eventlog::FileLock>> LockDirectory(
    const std::string& data_directory, Logger& logger) {
  if (Status exists = RequireDirectory(data_directory); !exists.ok()) {
    logger.Error(exists.ToString());
    return exists;
  }
  eventlog::FileSystem& file_system = eventlog::PosixFileSystem();
  Result<std::unique_ptr<eventlog::FileLock>> lock =
      file_system.Lock(eventlog::JoinPath(data_directory, kLockFileName));
  if (!lock.ok()) {
    Status status = lock.status().WithContext("data directory " +
                                              data_directory + " is in use");
    logger.Error(status.ToString());
    return status;
  }
  return lock;
}

// Compares the newest snapshot with `at_snapshot`, the state a full replay
// had reached at the snapshot's sequence number, and prints the outcome.
// True when they agree or there is no snapshot.
bool CompareSnapshot(const std::string& data_directory,
                     const snapshots::SnapshotFile& newest,
                     const std::optional<domain::Projection>& at_snapshot) {
  std::string path = eventlog::JoinPath(data_directory, newest.name);
  Result<snapshots::LoadedSnapshot> snapshot = snapshots::LoadSnapshot(
      eventlog::PosixFileSystem(), data_directory, newest);
  if (!snapshot.ok()) {
    std::printf("%s: %s\n", path.c_str(), snapshot.status().ToString().c_str());
    return false;
  }
  if (!at_snapshot) {
    std::printf("%s: covers sequence %llu, which the log does not reach\n",
                path.c_str(),
                static_cast<unsigned long long>(newest.last_sequence));
    return false;
  }
  if (std::optional<std::string> difference =
          domain::FirstDifference(*at_snapshot, snapshot->state)) {
    std::printf("%s differs from the log: %s\n", path.c_str(),
                difference->c_str());
    return false;
  }
  std::printf("%s agrees with the log\n", path.c_str());
  return true;
}

}  // namespace

int RunSnapshot(const SnapshotFlags& flags) {
  StderrLogger logger;
  if (Status exists = RequireDirectory(flags.data_directory); !exists.ok()) {
    logger.Error(exists.ToString());
    return 1;
  }
  Result<OpenStore> opened = OpenDataDirectory(
      eventlog::PosixFileSystem(), flags.data_directory, OpenOptions{}, logger);
  if (!opened.ok()) {
    logger.Error(opened.status().ToString());
    return 1;
  }
  Result<std::string> name = snapshots::WriteSnapshot(
      eventlog::PosixFileSystem(), flags.data_directory,
      opened->store->StateCopy(), flags.keep, logger);
  if (!name.ok()) {
    logger.Error(name.status().ToString());
    return 1;
  }
  std::printf("wrote %s\n", name->c_str());
  return 0;
}

int RunVerify(const VerifyFlags& flags) {
  StderrLogger logger;
  Result<std::unique_ptr<eventlog::FileLock>> lock =
      LockDirectory(flags.data_directory, logger);
  if (!lock.ok()) return 1;

  // The newest snapshot is checked against the state the replay reaches at
  // its sequence number.
  Result<std::vector<snapshots::SnapshotFile>> snapshot_files =
      snapshots::ListSnapshots(eventlog::PosixFileSystem(),
                               flags.data_directory);
  if (!snapshot_files.ok()) {
    logger.Error(snapshot_files.status().ToString());
    return 1;
  }
  std::optional<snapshots::SnapshotFile> newest;
  if (!snapshot_files->empty()) newest = snapshot_files->front();

  domain::Projection state;
  std::optional<domain::Projection> at_snapshot;
  if (newest && newest->last_sequence == 0) at_snapshot = state;
  Result<eventlog::LogCheck> check = eventlog::CheckLog(
      eventlog::PosixFileSystem(), flags.data_directory,
      [&](const domain::Event& event) {
        TASKSTORE_RETURN_IF_ERROR(state.Apply(event));
        if (newest && state.last_sequence() == newest->last_sequence) {
          at_snapshot = state;
        }
        return Status::Ok();
      });
  if (!check.ok()) {
    logger.Error(check.status().ToString());
    return 1;
  }

  for (const eventlog::LogProblem& problem : check->problems) {
    std::printf("%s\n", problem.ToString().c_str());
  }
  bool snapshot_agrees =
      !newest || CompareSnapshot(flags.data_directory, *newest, at_snapshot);
  std::printf(
      "%s: %llu valid events, %zu problems%s\n", flags.data_directory.c_str(),
      static_cast<unsigned long long>(check->events), check->problems.size(),
      check->healthy() ? ""
                       : "; `taskstore repair` keeps the valid "
                         "prefix and quarantines the rest");
  return check->healthy() && snapshot_agrees ? 0 : 1;
}

int RunRepair(const RepairFlags& flags) {
  StderrLogger logger;
  Result<std::unique_ptr<eventlog::FileLock>> lock =
      LockDirectory(flags.data_directory, logger);
  if (!lock.ok()) return 1;

  Result<eventlog::RepairOutcome> repaired =
      eventlog::RepairLog(eventlog::PosixFileSystem(), flags.data_directory,
                          SystemNowMicros, logger);
  if (!repaired.ok()) {
    logger.Error(repaired.status().ToString());
    return 1;
  }
  if (!repaired->changed) {
    std::printf("nothing to repair: %llu valid events\n",
                static_cast<unsigned long long>(repaired->kept_events));
  } else {
    std::printf("kept %llu events; moved the rest into %s\n",
                static_cast<unsigned long long>(repaired->kept_events),
                repaired->quarantine.c_str());
  }

  // A snapshot taken past the events kept describes a history the log no
  // longer has: set it aside now, so that verify agrees with the repaired
  // log at once instead of after the next start-up.
  Result<std::vector<snapshots::SnapshotFile>> snapshot_files =
      snapshots::ListSnapshots(eventlog::PosixFileSystem(),
                               flags.data_directory);
  if (!snapshot_files.ok()) {
    logger.Error(snapshot_files.status().ToString());
    return 1;
  }
  for (const snapshots::SnapshotFile& file : *snapshot_files) {
    if (file.last_sequence <= repaired->kept_events) continue;
    Status aside = snapshots::SetSnapshotAside(
        eventlog::PosixFileSystem(), flags.data_directory, file.name,
        "it covers events past the repaired log's end", logger);
    if (!aside.ok()) {
      logger.Error(aside.ToString());
      return 1;
    }
  }
  return 0;
}

}  // namespace taskstore::app
