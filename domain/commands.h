// Commands are requests to change the store. Each is validated against the
// current state before anything is written; an accepted command becomes
// events (none when it would change nothing).
#ifndef TASKSTORE_DOMAIN_COMMANDS_H_
#define TASKSTORE_DOMAIN_COMMANDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/task.h"

namespace taskstore::domain {

// Limits that clients see in error messages and in the README.
inline constexpr std::size_t kMaxTitleCodePoints = 100;
inline constexpr std::size_t kMaxDescriptionBytes = 65'536;
inline constexpr std::size_t kMaxActorBytes = 100;
inline constexpr std::size_t kMaxRequestIdBytes = 200;
inline constexpr std::size_t kMaxIdempotencyKeyBytes = 200;

struct CreateTask {
  std::string title;
  std::string description;
  std::optional<UnixMicros> created_at;  // defaults to the time of recording
};

// Changes any of a task's title, description and completion; an absent
// field stays as it is.
struct UpdateTask {
  TaskId id = 0;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<bool> completed;
};

struct SoftDeleteTask {
  TaskId id = 0;
};

struct RestoreTask {
  TaskId id = 0;
};

struct PurgeTask {
  TaskId id = 0;
};

// Who sends a command, and the conditions it is sent under. Recorded in
// the origin of every event the command causes.
struct WriteContext {
  std::string actor = "anonymous";
  std::string request_id;
  // An Idempotency-Key: a command repeated with the same key and the same
  // request_fingerprint is answered as the first was and records nothing.
  // Empty for none.
  std::string idempotency_key;
  std::uint64_t request_fingerprint = 0;
  // If-Match: the task's version must be one of these, or the command is
  // refused. nullopt for no condition.
  std::optional<std::vector<std::uint64_t>> expected_versions;
};

// The title as it will be stored: trimmed of surrounding white space.
// Fails with InvalidArgument when the title is not valid UTF-8, is empty
// after trimming, holds a control character or is longer than
// kMaxTitleCodePoints code points after trimming.
Result<std::string> ValidateTitle(std::string_view title);

// Fails with InvalidArgument when the description is not valid UTF-8 or
// is longer than kMaxDescriptionBytes bytes.
Status ValidateDescription(std::string_view description);

// Fails with InvalidArgument, naming `what` ("actor"), when `text` is
// longer than `max_bytes` or holds anything but printable ASCII (0x21 to
// 0x7E; spaces included only when `allow_spaces`).
Status ValidateToken(std::string_view what, std::string_view text,
                     std::size_t max_bytes, bool allow_spaces);

// Checks the actor (1 to kMaxActorBytes, spaces allowed), request id and
// idempotency key (up to their limits, no spaces).
Status ValidateWriteContext(const WriteContext& context);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_COMMANDS_H_
