// `taskstore verify` and `taskstore repair`.
#include <cstdio>

#include "app/commands.h"
#include "app/open_store.h"
#include "app/stderr_logger.h"
#include "domain/projection.h"
#include "eventlog/log_check.h"

namespace taskstore::app {
namespace {

// Takes the data directory's lock, so that no server writes meanwhile.
Result<std::unique_ptr<eventlog::FileLock>> LockDirectory(
    const std::string& data_directory) {
  eventlog::FileSystem& file_system = eventlog::PosixFileSystem();
  Result<std::unique_ptr<eventlog::FileLock>> lock = file_system.Lock(
      eventlog::JoinPath(data_directory, kLockFileName));
  if (!lock.ok()) {
    return lock.status().WithContext("data directory " + data_directory +
                                     " is in use");
  }
  return lock;
}

}  // namespace

int RunVerify(const VerifyFlags& flags) {
  StderrLogger logger;
  Result<std::unique_ptr<eventlog::FileLock>> lock =
      LockDirectory(flags.data_directory);
  if (!lock.ok()) {
    logger.Error(lock.status().ToString());
    return 1;
  }

  domain::Projection state;
  Result<eventlog::LogCheck> check = eventlog::CheckLog(
      eventlog::PosixFileSystem(), flags.data_directory,
      [&state](const domain::Event& event) { return state.Apply(event); });
  if (!check.ok()) {
    logger.Error(check.status().ToString());
    return 1;
  }

  for (const eventlog::LogProblem& problem : check->problems) {
    std::printf("%s\n", problem.ToString().c_str());
  }
  std::printf("%s: %llu valid events, %zu problems%s\n",
              flags.data_directory.c_str(),
              static_cast<unsigned long long>(check->events),
              check->problems.size(),
              check->healthy() ? "" : "; `taskstore repair` keeps the valid "
                                      "prefix and quarantines the rest");
  return check->healthy() ? 0 : 1;
}

int RunRepair(const RepairFlags& flags) {
  StderrLogger logger;
  Result<std::unique_ptr<eventlog::FileLock>> lock =
      LockDirectory(flags.data_directory);
  if (!lock.ok()) {
    logger.Error(lock.status().ToString());
    return 1;
  }

  Result<eventlog::RepairOutcome> repaired = eventlog::RepairLog(
      eventlog::PosixFileSystem(), flags.data_directory, SystemNowMicros,
      logger);
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
  return 0;
}

}  // namespace taskstore::app
