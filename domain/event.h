// The facts the store records. Events are immutable once appended; the
// state of every task is a fold over them in sequence order.
//
// Adding a field or an event type is a change of the on-disk format: see
// eventlog/record_format.h and docs/storage-format.md.
#ifndef TASKSTORE_DOMAIN_EVENT_H_
#define TASKSTORE_DOMAIN_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// A new title, a new description or both; an absent field is unchanged.
struct TaskEdited {
  TaskId task_id = 0;
  std::optional<std::string> title;  // validated and trimmed
  std::optional<std::string> description;

  friend bool operator==(const TaskEdited&, const TaskEdited&) = default;
};

struct TaskCompleted {
  TaskId task_id = 0;

  friend bool operator==(const TaskCompleted&, const TaskCompleted&) = default;
};

struct TaskReopened {
  TaskId task_id = 0;

  friend bool operator==(const TaskReopened&, const TaskReopened&) = default;
};

struct TaskSoftDeleted {
  TaskId task_id = 0;

  friend bool operator==(const TaskSoftDeleted&,
                         const TaskSoftDeleted&) = default;
};

// Brings a soft-deleted task back.
struct TaskRestored {
  TaskId task_id = 0;

  friend bool operator==(const TaskRestored&, const TaskRestored&) = default;
};

// Erases a soft-deleted task's text for good: from then on every event of
// the task reads as its ErasedForm. The task stays in the history.
struct TaskPurged {
  TaskId task_id = 0;

  friend bool operator==(const TaskPurged&, const TaskPurged&) = default;
};

using EventData =
    std::variant<TaskCreated, TaskSoftDeleted, TaskEdited, TaskCompleted,
                 TaskReopened, TaskRestored, TaskPurged>;

// Who asked for an event and through which request. Events recorded
// before these were kept have every field empty (and 0).
struct EventOrigin {
  std::string actor;       // the client's name for itself, or "anonymous"
  std::string request_id;  // the request that caused the event
  // The client's Idempotency-Key, empty when it sent none, and a
  // fingerprint of the whole request (method, path, body) that carried it;
  // together they let a repeated request be recognised after a restart.
  std::string idempotency_key;
  std::uint64_t request_fingerprint = 0;

  friend bool operator==(const EventOrigin&, const EventOrigin&) = default;
};

// An event in its envelope.
struct Event {
  Event() = default;
  Event(Sequence sequence, UnixMicros recorded_at, EventData data,
        EventOrigin origin = {})
      : sequence(sequence),
        recorded_at(recorded_at),
        data(std::move(data)),
        origin(std::move(origin)) {}

  Sequence sequence = 0;       // global, 1, 2, 3... without gaps
  UnixMicros recorded_at = 0;  // when the store accepted it, UTC
  EventData data;
  EventOrigin origin;

  friend bool operator==(const Event&, const Event&) = default;
};

// The task an event is about.
TaskId TaskIdOf(const EventData& data);

// "TaskCreated", "TaskEdited", ...: the names used in the API and the CLI.
std::string_view EventTypeName(const EventData& data);

// The event type called `name` (as EventTypeName spells it), as the index
// of its alternative in EventData; nullopt for an unknown name.
std::optional<std::size_t> EventTypeIndex(std::string_view name);

// `event` as it reads once its task is purged: the title and description
// it carries emptied (a field a TaskEdited left absent stays absent),
// everything else kept. Events without text are returned unchanged.
Event ErasedForm(const Event& event);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_EVENT_H_
