#include "app/sync_flag.h"

#include <charconv>
#include <string>

namespace taskstore::app {

Status ApplySyncFlag(std::string_view flag, eventlog::LogOptions& options) {
  constexpr std::string_view kIntervalPrefix = "interval=";
  if (flag == "always") {
    options.sync = eventlog::SyncMode::kAlways;
    return Status::Ok();
  }
  if (flag == "none") {
    options.sync = eventlog::SyncMode::kNone;
    return Status::Ok();
  }
  if (flag.starts_with(kIntervalPrefix)) {
    std::string_view digits = flag.substr(kIntervalPrefix.size());
    int milliseconds = 0;
    auto [end, error] = std::from_chars(
        digits.data(), digits.data() + digits.size(), milliseconds);
    if (error == std::errc() && end == digits.data() + digits.size() &&
        milliseconds >= 1 && milliseconds <= 60'000) {
      options.sync = eventlog::SyncMode::kInterval;
      options.sync_interval = std::chrono::milliseconds(milliseconds);
      return Status::Ok();
    }
  }
  return InvalidArgumentError("--sync " + std::string(flag) +
                              ": expected always, interval=MS (1 to 60000) "
                              "or none");
}

}  // namespace taskstore::app
