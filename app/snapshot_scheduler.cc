#include "app/snapshot_scheduler.h"

#include <chrono>

#include "snapshots/snapshot_store.h"

namespace taskstore::app {

SnapshotScheduler::SnapshotScheduler(eventlog::FileSystem& file_system,
                                     std::string directory,
                                     domain::TaskStore& store, Logger& logger,
                                     SnapshotPolicy policy,
                                     domain::Sequence last_snapshot)
    : file_system_(file_system),
      directory_(std::move(directory)),
      store_(store),
      logger_(logger),
      policy_(policy),
      last_snapshot_(last_snapshot) {
  if (policy_.every_events > 0) {
    worker_ = std::thread([this] { RunInBackground(); });
  }
}

SnapshotScheduler::~SnapshotScheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void SnapshotScheduler::OnCommitted(domain::Sequence last_sequence) {
  if (policy_.every_events == 0) return;
  std::lock_guard lock(mutex_);
  if (due_ || last_sequence < last_snapshot_ + policy_.every_events) return;
  due_ = true;
  wake_.notify_all();
}

Result<std::string> SnapshotScheduler::TakeNow() {
  std::lock_guard writing(writing_);
  // Writers wait only for this copy; encoding and writing happen after.
  auto started = std::chrono::steady_clock::now();
  domain::Projection state = store_.StateCopy();
  auto copied = std::chrono::steady_clock::now();
  logger_.Info(
      "snapshot of " + directory_ + ": copied the state in " +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         copied - started)
                         .count()) +
      " ms");
  return WriteLocked(state);
}

Result<std::string> SnapshotScheduler::WriteAndRemoveOthers(
    const domain::Projection& state) {
  std::lock_guard writing(writing_);
  Result<std::string> name = WriteLocked(state);
  if (!name.ok()) return name;
  Status removed =
      snapshots::RemoveSnapshotsExcept(file_system_, directory_, *name);
  if (!removed.ok()) {
    logger_.Error("removing the snapshots other than " + *name + " from " +
                  directory_ + " failed: " + removed.ToString());
    return removed;
  }
  return name;
}

Result<std::string> SnapshotScheduler::WriteLocked(
    const domain::Projection& state) {
  auto started = std::chrono::steady_clock::now();
  Result<std::string> name = snapshots::WriteSnapshot(
      file_system_, directory_, state, policy_.keep, logger_);
  if (!name.ok()) {
    return name.status().WithContext("snapshot of " + directory_);
  }
  auto written = std::chrono::steady_clock::now();
  logger_.Info(
      "snapshot " + *name + ": wrote it in " +
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         written - started)
                         .count()) +
      " ms");

  std::lock_guard lock(mutex_);
  if (state.last_sequence() > last_snapshot_) {
    last_snapshot_ = state.last_sequence();
  }
  return name;
}

void SnapshotScheduler::RunInBackground() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) return;
    lock.unlock();
    // The next due point tries again.
    if (Result<std::string> name = TakeNow(); !name.ok()) {
      logger_.Error(name.status().ToString());
    }
    lock.lock();
    due_ = false;
  }
}

}  // namespace taskstore::app
