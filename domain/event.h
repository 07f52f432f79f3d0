// The facts the store records. Events are immutable once appended; the
// state of every task is a fold over them in sequence order.
//
// Adding a field or an event type is a change of the on-disk format: see
// eventlog/record_format.h and docs/storage-format.md.
#ifndef TASKSTORE_DOMAIN_EVENT_H_
#define TASKSTORE_DOMAIN_EVENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/time.h"
#include "domain/task.h"

namespace taskstore::domain {

using Sequence = std::uint64_t;

struct TaskCreated {
  TaskId task_id = 0;
  std::string title;  // validated and trimmed
  std::string description;
  UnixMicros created_at = 0;  // may predate the event (imported tasks)

  friend bool operator==(const TaskCreated&, const TaskCreated&) = default;
};

struct TaskSoftDeleted {
  TaskId task_id = 0;

  friend bool operator==(const TaskSoftDeleted&,
                         const TaskSoftDeleted&) = default;
};

using EventData = std::variant<TaskCreated, TaskSoftDeleted>;

// An event in its envelope.
struct Event {
  Sequence sequence = 0;       // global, 1, 2, 3... without gaps
  UnixMicros recorded_at = 0;  // when the store accepted it, UTC
  EventData data;

  friend bool operator==(const Event&, const Event&) = default;
};

// The task an event is about.
TaskId TaskIdOf(const EventData& data);

// "TaskCreated", "TaskSoftDeleted": the names used in the API and the CLI.
std::string_view EventTypeName(const EventData& data);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_EVENT_H_
