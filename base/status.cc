#include "base/status.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace taskstore {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kGone:
      return "gone";
    case StatusCode::kFailedPrecondition:
      return "failed precondition";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kNoSpace:
      return "no space";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kVersionMismatch:
      return "version mismatch";
    case StatusCode::kKeyMismatch:
      return "key mismatch";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string message)
    : code_(code), message_(std::move(message)) {}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text(StatusCodeName(code_));
  text += ": ";
  text += message_;
  return text;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

Status InvalidArgumentError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
Status NotFoundError(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message));
}
Status GoneError(std::string message) {
  return Status(StatusCode::kGone, std::move(message));
}
Status FailedPreconditionError(std::string message) {
  return Status(StatusCode::kFailedPrecondition, std::move(message));
}
Status CorruptionError(std::string message) {
  return Status(StatusCode::kCorruption, std::move(message));
}
Status IOError(std::string message) {
  return Status(StatusCode::kIOError, std::move(message));
}
Status NoSpaceError(std::string message) {
  return Status(StatusCode::kNoSpace, std::move(message));
}
Status UnavailableError(std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message));
}

Status ErrnoError(std::string_view context, int error_number) {
  std::string message(context);
  message += ": ";
  message += std::strerror(error_number);
  // Running out of space is the one I/O failure a client can wait out,
  // so it keeps its own code.
  if (error_number == ENOSPC || error_number == EDQUOT) {
    return NoSpaceError(std::move(message));
  }
  return IOError(std::move(message));
}

}  // namespace taskstore
