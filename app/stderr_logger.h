// The server's log: one line per message on standard error, with a UTC
// time and the level.
#ifndef TASKSTORE_APP_STDERR_LOGGER_H_
#define TASKSTORE_APP_STDERR_LOGGER_H_

#include <mutex>

#include "base/logger.h"

namespace taskstore::app {

class StderrLogger final : public Logger {
 public:
  void Log(LogLevel level, std::string_view message) override;

 private:
  std::mutex mutex_;  // keeps lines from interleaving
};

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_STDERR_LOGGER_H_
