#include "eventlog/segment_files.h"

#include <algorithm>

#include "eventlog/numbered_file_name.h"
#include "eventlog/record_format.h"

namespace taskstore::eventlog {

std::string SegmentName(domain::Sequence first_sequence) {
  return NumberedFileName(kSegmentPrefix, first_sequence, kSegmentSuffix);
}

std::optional<domain::Sequence> ParseSegmentName(std::string_view name) {
  // Sequence numbers start at 1, so "segment-…0" is a stray file, not a
  // segment; serve, verify and repair all ignore it alike.
  std::optional<domain::Sequence> first =
      ParseNumberedFileName(name, kSegmentPrefix, kSegmentSuffix);
  if (first == 0) return std::nullopt;
  return first;
}

Result<std::vector<SegmentFile>> ListSegments(FileSystem& file_system,
                                              const std::string& directory) {
  Result<std::vector<std::string>> names = file_system.List(directory);
  if (!names.ok()) return names.status();
  std::vector<SegmentFile> segments;
  for (const std::string& name : *names) {
    if (auto first = ParseSegmentName(name)) {
      segments.push_back(SegmentFile{*first, name});
    }
  }
  std::sort(segments.begin(), segments.end(),
            [](const SegmentFile& a, const SegmentFile& b) {
              return a.first_sequence < b.first_sequence;
            });
  return segments;
}

}  // namespace taskstore::eventlog
