#include "app/open_store.h"

#include <chrono>

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
  Result<std::unique_ptr<eventlog::EventLog>> log = eventlog::EventLog::Open(
      file_system, data_directory, options.log, logger,
      [&state](const domain::Event& event) { return state.Apply(event); });
  if (!log.ok()) {
    return log.status().WithContext("cannot open the event log in " +
                                    data_directory);
  }
  opened.log = std::move(log).value();
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);

  logger.Info("replayed " + std::to_string(state.last_sequence()) +
              " events from " + data_directory + " in " +
              std::to_string(elapsed.count()) + " ms: " +
              std::to_string(state.visible_count()) + " visible tasks, " +
              std::to_string(state.task_count() - state.visible_count()) +
              " deleted");
  opened.store = std::make_unique<domain::TaskStore>(std::move(state),
                                                     *opened.log,
                                                     options.clock);
  return opened;
}

}  // namespace taskstore::app
