// Helpers shared by the storage tests.
#ifndef TASKSTORE_TESTS_TEST_SUPPORT_H_
#define TASKSTORE_TESTS_TEST_SUPPORT_H_

#include <mutex>
#include <string>
#include <vector>

#include "base/logger.h"

namespace taskstore::testing_support {

// Keeps every message, for tests that check what was logged.
class RecordingLogger final : public Logger {
 public:
  void Log(LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    if (level != LogLevel::kInfo) warnings_.emplace_back(message);
  }

  // Warnings and errors, oldest first.
  std::vector<std::string> warnings() {
    std::lock_guard lock(mutex_);
    return warnings_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> warnings_;
};

// A fixed clock that moves one second per reading.
class SteppingClock {
 public:
  std::int64_t operator()() { return now_ += 1'000'000; }

 private:
  std::int64_t now_ = 1'700'000'000'000'000;
};

}  // namespace taskstore::testing_support

#endif  // TASKSTORE_TESTS_TEST_SUPPORT_H_
