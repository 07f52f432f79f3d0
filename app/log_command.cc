#include <cstdio>
#include <string>

#include "app/commands.h"
#include "app/open_store.h"
#include "app/stderr_logger.h"
#include "http/json_codec.h"

namespace taskstore::app {
int RunLog(const LogFlags& flags) {
  // Reading takes no lock, so an auditor can read beside a running server;
  // a write in flight at the end is left alone, not cut off.
  StderrLogger logger;
  Result<domain::Sequence> last = eventlog::ReadLog(
      eventlog::PosixFileSystem(), flags.data_directory,
      eventlog::TailPolicy::kLeaveBe, logger,
      [&flags](const domain::Event& event) {
        if (flags.task && domain::TaskIdOf(event.data) != *flags.task) {
          return Status::Ok();
        }
        std::string line = http::EventJson(event);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
        return Status::Ok();
      });
  if (!last.ok()) {
    logger.Error(last.status().ToString());
    return 1;
  }
  return 0;
}

}  // namespace taskstore::app
