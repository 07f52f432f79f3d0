// libFuzzer target: arbitrary bytes as the only segment of a log, read by
// the start-up recovery (which may cut a tail), by `verify`, and by the
// event decoder. None of them may crash, hang, leak or read out of
// bounds, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/projection.h"
#include "eventlog/event_codec.h"
#include "eventlog/event_log.h"
#include "eventlog/log_check.h"
#include "eventlog/memory_file_system.h"

namespace {

using namespace taskstore;

void ReadBack(std::string bytes) {
  eventlog::MemoryFileSystem file_system;
  file_system.SetContent("/data/" + eventlog::SegmentName(1), bytes);
  NullLogger logger;

  domain::Projection checked;
  Result<eventlog::LogCheck> check = eventlog::CheckLog(
      file_system, "/data",
      [&checked](const domain::Event& event) { return checked.Apply(event); });
  (void)check;

  domain::Projection replayed;
  Result<domain::Sequence> last =
      eventlog::ReadLog(file_system, "/data", eventlog::TailPolicy::kCutOff,
                        logger, [&replayed](const domain::Event& event) {
                          return replayed.Apply(event);
                        });
  // Whatever recovery accepted must replay again, unchanged.
  if (last.ok()) {
    domain::Projection again;
    Result<domain::Sequence> second = eventlog::ReadLog(
        file_system, "/data", eventlog::TailPolicy::kCutOff, logger,
        [&again](const domain::Event& event) { return again.Apply(event); });
    if (!second.ok() || !(again == replayed)) __builtin_trap();
  }

  Result<domain::Event> event = eventlog::DecodeEvent(bytes);
  (void)event;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  ReadBack(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
