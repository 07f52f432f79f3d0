// Naming and listing of the log's segment files (see record_format.h).
#ifndef TASKSTORE_EVENTLOG_SEGMENT_FILES_H_
#define TASKSTORE_EVENTLOG_SEGMENT_FILES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/event.h"
#include "eventlog/file_system.h"

namespace taskstore::eventlog {

struct SegmentFile {
  domain::Sequence first_sequence = 0;
  std::string name;  // within the data directory
};

// "segment-00000000000000000001.tslog" for 1.
std::string SegmentName(domain::Sequence first_sequence);

// The first sequence number in a segment's name; nullopt for other names.
std::optional<domain::Sequence> ParseSegmentName(std::string_view name);

// The segments in `directory`, in log order. Other files are ignored.
Result<std::vector<SegmentFile>> ListSegments(FileSystem& file_system,
                                              const std::string& directory);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_SEGMENT_FILES_H_
