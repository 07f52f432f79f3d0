#include "app/stderr_logger.h"

#include <cstdio>
#include <string>

#include "base/time.h"

namespace taskstore::app {
namespace {

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

}  // namespace

void StderrLogger::Log(LogLevel level, std::string_view message) {
  std::string line = FormatRfc3339(SystemNowMicros());
  line += ' ';
  line += LevelName(level);
  line += ": ";
  line += message;
  line += '\n';
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace taskstore::app
