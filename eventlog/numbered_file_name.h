// Names of the form PREFIX + a 20-digit zero-padded number + SUFFIX, which
// sort in numeric order: log segments and snapshots.
#ifndef TASKSTORE_EVENTLOG_NUMBERED_FILE_NAME_H_
#define TASKSTORE_EVENTLOG_NUMBERED_FILE_NAME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taskstore::eventlog {

inline constexpr std::size_t kFileNumberDigits = 20;

std::string NumberedFileName(std::string_view prefix, std::uint64_t number,
                             std::string_view suffix);

// The number in `name`; nullopt when `name` has another form.
std::optional<std::uint64_t> ParseNumberedFileName(std::string_view name,
                                                   std::string_view prefix,
                                                   std::string_view suffix);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_NUMBERED_FILE_NAME_H_
