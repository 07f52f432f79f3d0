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
  TaskId id = 0;      // 1, 2, 3... in creation order; never reused
  std::string title;  // empty once purged
  std::string description;
  bool completed = false;
  bool deleted = false;
  bool purged = false;  // its text is erased; implies deleted
  UnixMicros created_at = 0;
  std::optional<UnixMicros> deleted_at;  // set while deleted
  // The sequence number of the deletion, set while deleted: the order of
  // the trash.
  std::optional<std::uint64_t> deleted_sequence;
  std::uint64_t version = 0;  // the number of events about the task

  friend bool operator==(const Task&, const Task&) = default;
};

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_TASK_H_
