// The logging facade that library code is handed. Library code logs at
// module boundaries (a file opened, a tail cut off), never per record.
#ifndef TASKSTORE_BASE_LOGGER_H_
#define TASKSTORE_BASE_LOGGER_H_

#include <string_view>

namespace taskstore {

enum class LogLevel { kInfo, kWarning, kError };

class Logger {
 public:
  virtual ~Logger() = default;

  // Thread-safe in every implementation.
  virtual void Log(LogLevel level, std::string_view message) = 0;

  void Info(std::string_view message) { Log(LogLevel::kInfo, message); }
  void Warning(std::string_view message) { Log(LogLevel::kWarning, message); }
  void Error(std::string_view message) { Log(LogLevel::kError, message); }
};

// Discards everything; the default for tests that do not look at logs.
class NullLogger final : public Logger {
 public:
  void Log(LogLevel, std::string_view) override {}
};

}  // namespace taskstore

#endif  // TASKSTORE_BASE_LOGGER_H_
