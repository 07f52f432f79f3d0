#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "app/commands.h"
#include "app/open_store.h"
#include "app/stderr_logger.h"
#include "http/json_codec.h"

namespace taskstore::app {
namespace {

// One event as the API's history shows it, on one line. http/ offers only
// the list form, so the single element is taken back out of it.
std::string EventLine(const domain::Event& event) {
  nlohmann::ordered_json list = nlohmann::ordered_json::parse(
      http::EventListJson(std::span<const domain::Event>(&event, 1)));
  return list["events"][0].dump();
}

}  // namespace

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
        std::string line = EventLine(event);
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
