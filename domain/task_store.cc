#include "domain/task_store.h"

#include <string>
#include <utility>

namespace taskstore::domain {

TaskStore::TaskStore(Projection state, Journal& journal, Clock clock)
    : journal_(journal), clock_(std::move(clock)), state_(std::move(state)) {}

Result<TaskCreated> TaskStore::Decide(const CreateTask& command,
                                      TaskId id) const {
  Result<std::string> title = ValidateTitle(command.title);
  if (!title.ok()) return title.status();
  TASKSTORE_RETURN_IF_ERROR(ValidateDescription(command.description));

  TaskCreated created;
  created.task_id = id;
  created.title = std::move(title).value();
  created.description = command.description;
  created.created_at = command.created_at.value_or(0);
  return created;
}

Status TaskStore::Record(std::vector<Event> events) {
  // The journal is written before the state changes, so readers never see
  // an event that a crash could take back. Only writers change state_, and
  // they hold write_mutex_, so reading it here without state_mutex_ is safe.
  TASKSTORE_RETURN_IF_ERROR(journal_.Append(events));

  std::unique_lock lock(state_mutex_);
  for (const Event& event : events) {
    Status applied = state_.Apply(event);
    // Decide() checked every event against this very state.
    if (!applied.ok()) return applied.WithContext("applying a decided event");
  }
  return Status::Ok();
}

Result<Task> TaskStore::Create(const CreateTask& command) {
  Result<std::vector<Task>> created = CreateMany({command});
  if (!created.ok()) return created.status();
  return std::move(created.value().front());
}

Result<std::vector<Task>> TaskStore::CreateMany(
    const std::vector<CreateTask>& commands) {
  std::lock_guard write_lock(write_mutex_);

  UnixMicros now = clock_();
  TaskId next_id = state_.next_task_id();
  Sequence next_sequence = state_.last_sequence() + 1;
  std::vector<Event> events;
  events.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    Result<TaskCreated> created = Decide(commands[i], next_id + i);
    if (!created.ok()) {
      if (commands.size() == 1) return created.status();
      return created.status().WithContext("task " + std::to_string(i + 1));
    }
    if (!commands[i].created_at) created->created_at = now;
    events.push_back(Event{next_sequence + i, now, std::move(*created)});
  }
  TASKSTORE_RETURN_IF_ERROR(Record(events));

  std::vector<Task> tasks;
  tasks.reserve(events.size());
  std::shared_lock read_lock(state_mutex_);
  for (const Event& event : events) {
    tasks.push_back(*state_.Find(TaskIdOf(event.data)));
  }
  return tasks;
}

Status TaskStore::SoftDelete(const SoftDeleteTask& command) {
  std::lock_guard write_lock(write_mutex_);

  const Task* task = state_.Find(command.id);
  if (task == nullptr) {
    return NotFoundError("task " + std::to_string(command.id) +
                         " does not exist");
  }
  if (task->deleted) {
    return GoneError("task " + std::to_string(command.id) +
                     " is already deleted");
  }
  Event event{state_.last_sequence() + 1, clock_(),
              TaskSoftDeleted{command.id}};
  return Record({std::move(event)});
}

Result<Task> TaskStore::Get(TaskId id) const {
  std::shared_lock lock(state_mutex_);
  const Task* task = state_.Find(id);
  if (task == nullptr) {
    return NotFoundError("task " + std::to_string(id) + " does not exist");
  }
  if (task->deleted) {
    return GoneError("task " + std::to_string(id) + " was deleted");
  }
  return *task;
}

std::vector<Task> TaskStore::Search(std::string_view term) const {
  std::shared_lock lock(state_mutex_);
  return state_.Search(term);
}

Result<std::vector<Event>> TaskStore::History(TaskId id) const {
  std::shared_lock lock(state_mutex_);
  if (state_.Find(id) == nullptr) {
    return NotFoundError("task " + std::to_string(id) + " does not exist");
  }
  return state_.HistoryOf(id);
}

Projection TaskStore::StateCopy() const {
  std::shared_lock lock(state_mutex_);
  return state_;
}

}  // namespace taskstore::domain
