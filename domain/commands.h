// Commands are requests to change the store. Each is validated against the
// current state before anything is written; an accepted command becomes
// one event.
#ifndef TASKSTORE_DOMAIN_COMMANDS_H_
#define TASKSTORE_DOMAIN_COMMANDS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "domain/task.h"

namespace taskstore::domain {

// Limits that clients see in error messages and in the README.
inline constexpr std::size_t kMaxTitleCodePoints = 100;
inline constexpr std::size_t kMaxDescriptionBytes = 65'536;

struct CreateTask {
  std::string title;
  std::string description;
  std::optional<UnixMicros> created_at;  // defaults to the time of recording
};

struct SoftDeleteTask {
  TaskId id = 0;
};

// The title as it will be stored: trimmed of surrounding white space.
// Fails with InvalidArgument when the title is not valid UTF-8, is empty
// after trimming, holds a control character or is longer than
// kMaxTitleCodePoints code points after trimming.
Result<std::string> ValidateTitle(std::string_view title);

// Fails with InvalidArgument when the description is not valid UTF-8 or
// is longer than kMaxDescriptionBytes bytes.
Status ValidateDescription(std::string_view description);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_COMMANDS_H_
