// Errors as values. Every fallible call that crosses a module boundary
// returns a Status (or a Result<T>, see result.h) whose message says what
// failed and where, e.g. "append to /data/segment-1.tslog: No space left".
#ifndef TASKSTORE_BASE_STATUS_H_
#define TASKSTORE_BASE_STATUS_H_

#include <string>
#include <string_view>

namespace taskstore {

// A short canonical list; http/ maps each code to one HTTP status.
enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller's input is wrong; retrying won't help
  kNotFound,            // no such task (or file)
  kGone,                // the task exists but is soft-deleted
  kFailedPrecondition,  // the state does not allow the command
  kCorruption,          // stored bytes are damaged or inconsistent
  kIOError,             // the operating system refused an operation
  kNoSpace,             // a write failed for lack of space
  kUnavailable,         // the store is read-only or locked by another process
  kVersionMismatch,     // the task is not at the version the caller expects
  kKeyMismatch,         // an idempotency key was used for another request
};

// Returns a stable lower-case name such as "corruption".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "corruption: segment-1.tslog offset 42: bad checksum".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status GoneError(std::string message);
Status FailedPreconditionError(std::string message);
Status CorruptionError(std::string message);
Status IOError(std::string message);
Status NoSpaceError(std::string message);
Status UnavailableError(std::string message);

// An IOError or NoSpaceError (for ENOSPC/EDQUOT) built from errno.
Status ErrnoError(std::string_view context, int error_number);

}  // namespace taskstore

#endif  // TASKSTORE_BASE_STATUS_H_
