// A TaskStore over a real EventLog on an in-memory file system, which a
// test can restart (replaying the log) or crash.
#ifndef TASKSTORE_TESTS_STORE_FIXTURE_H_
#define TASKSTORE_TESTS_STORE_FIXTURE_H_

#include <memory>
#include <stdexcept>

#include "domain/task_store.h"
#include "eventlog/event_log.h"
#include "eventlog/memory_file_system.h"
#include "tests/test_support.h"

namespace taskstore::testing_support {

class StoreUnderTest {
 public:
  explicit StoreUnderTest(eventlog::LogOptions options = {})
      : options_(options) {
    Status started = Restart();
    if (!started.ok()) throw std::runtime_error(started.ToString());
  }

  // Drops the store and the open log, then replays the log as a new
  // process would. Returns the replay's status.
  Status Restart() {
    store_.reset();
    log_.reset();
    domain::Projection state;
    Result<std::unique_ptr<eventlog::EventLog>> log = eventlog::EventLog::Open(
        fs_, "/data", options_, logger_,
        [&state](const domain::Event& event) { return state.Apply(event); });
    if (!log.ok()) return log.status();
    log_ = std::move(log).value();
    store_ = std::make_unique<domain::TaskStore>(std::move(state), *log_,
                                                 SteppingClock());
    return Status::Ok();
  }

  domain::TaskStore& store() { return *store_; }
  eventlog::MemoryFileSystem& fs() { return fs_; }
  RecordingLogger& logger() { return logger_; }

 private:
  const eventlog::LogOptions options_;
  eventlog::MemoryFileSystem fs_;
  RecordingLogger logger_;
  std::unique_ptr<eventlog::EventLog> log_;
  std::unique_ptr<domain::TaskStore> store_;
};

}  // namespace taskstore::testing_support

#endif  // TASKSTORE_TESTS_STORE_FIXTURE_H_
