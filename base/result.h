// Result<T>: either a value or a non-OK Status.
#ifndef TASKSTORE_BASE_RESULT_H_
#define TASKSTORE_BASE_RESULT_H_

#include <cassert>
#include <utility>
#include <variant>

#include "base/status.h"

namespace taskstore {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose
  // REQUIRES: !status.ok().
  Result(Status status) : state_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(state_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(state_); }

  // The error, or OK when a value is held.
  Status status() const {
    return ok() ? Status::Ok() : std::get<Status>(state_);
  }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace taskstore

// Evaluates a Status expression and returns it from the enclosing function
// when it is not OK.
#define TASKSTORE_RETURN_IF_ERROR(expr)                    \
  do {                                                     \
    ::taskstore::Status taskstore_status_ = (expr);        \
    if (!taskstore_status_.ok()) return taskstore_status_; \
  } while (false)

#endif  // TASKSTORE_BASE_RESULT_H_
