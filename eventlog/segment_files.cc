#include "eventlog/segment_files.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "eventlog/record_format.h"

namespace taskstore::eventlog {

std::string SegmentName(domain::Sequence first_sequence) {
  char digits[kSegmentNumberDigits + 1];
  std::snprintf(digits, sizeof digits, "%020llu",
                static_cast<unsigned long long>(first_sequence));
  std::string name(kSegmentPrefix);
  name += digits;
  name += kSegmentSuffix;
  return name;
}

std::optional<domain::Sequence> ParseSegmentName(std::string_view name) {
  if (name.size() != kSegmentPrefix.size() + kSegmentNumberDigits +
                         kSegmentSuffix.size() ||
      !name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) {
    return std::nullopt;
  }
  std::string_view digits =
      name.substr(kSegmentPrefix.size(), kSegmentNumberDigits);
  domain::Sequence number = 0;
  auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return number;
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
