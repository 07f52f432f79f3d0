// A task as clients see it.
#ifndef TASKSTORE_DOMAIN_TASK_H_
#define TASKSTORE_DOMAIN_TASK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"

namespace taskstore::domain {

using TaskId = std::uint64_t;

struct Task {
  TaskId id = 0;  // 1, 2, 3... in creation order; never reused
  std::string title;
  std::string description;
  bool completed = false;
  bool deleted = false;
  UnixMicros created_at = 0;
  std::optional<UnixMicros> deleted_at;  // set while deleted

  friend bool operator==(const Task&, const Task&) = default;
};

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_TASK_H_
