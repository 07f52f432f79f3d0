#include "domain/task_store.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace taskstore::domain {
namespace {

std::string NameOf(TaskId id) { return "task " + std::to_string(id); }

}  // namespace

// Decides the commands of one batch in order, against the committed state
// plus the events decided earlier in the same batch, which are not yet
// applied: those are kept as changed copies of their tasks and keys.
class TaskStore::BatchDecider {
 public:
  BatchDecider(const Projection& state, UnixMicros now)
      : state_(state),
        now_(now),
        next_id_(state.next_task_id()),
        next_sequence_(state.last_sequence() + 1) {}

  // Appends the events of `command` to `events` and the tasks to answer
  // with to `answers`, all or none.
  Status Decide(const Command& command, const WriteContext& context,
                std::vector<Event>& events, std::vector<Answer>& answers) {
    TASKSTORE_RETURN_IF_ERROR(ValidateWriteContext(context));
    if (!context.idempotency_key.empty()) {
      std::optional<KeyUse> use = FindKey(context.idempotency_key);
      if (use) {
        if (use->request_fingerprint != context.request_fingerprint) {
          return Status(StatusCode::kKeyMismatch,
                        "the idempotency key was used for another request");
        }
        answers.push_back(Answer{use->task_id, use->last_event});
        return Status::Ok();
      }
    }
    context_ = &context;
    std::vector<Event> decided;
    Status status = std::visit(
        [&](const auto& body) { return DecideBody(body, decided, answers); },
        command);
    if (!status.ok()) return status;
    for (Event& event : decided) {
      if (!context.idempotency_key.empty()) {
        keys_[context.idempotency_key] = KeyUse{
            context.request_fingerprint, TaskIdOf(event.data), event.sequence};
      }
      events.push_back(std::move(event));
    }
    return Status::Ok();
  }

 private:
  Status DecideBody(const std::vector<CreateTask>& commands,
                    std::vector<Event>& decided, std::vector<Answer>& answers) {
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const CreateTask& command = commands[i];
      Result<std::string> title = ValidateTitle(command.title);
      Status status = title.status();
      if (status.ok()) status = ValidateDescription(command.description);
      if (!status.ok()) {
        if (commands.size() == 1) return status;
        return status.WithContext("task " + std::to_string(i + 1));
      }
      TaskCreated created{next_id_ + i, std::move(title).value(),
                          command.description,
                          command.created_at.value_or(now_)};
      decided.push_back(
          Event(next_sequence_ + i, now_, std::move(created), Origin()));
    }
    for (const Event& event : decided) {
      const auto& created = std::get<TaskCreated>(event.data);
      Task task;
      task.id = created.task_id;
      task.title = created.title;
      task.description = created.description;
      task.created_at = created.created_at;
      task.version = 1;
      changed_[task.id] = std::move(task);
      answers.push_back(Answer{created.task_id, event.sequence});
    }
    next_id_ += commands.size();
    next_sequence_ += decided.size();
    return Status::Ok();
  }

  Status DecideBody(const UpdateTask& command, std::vector<Event>& decided,
                    std::vector<Answer>& answers) {
    Result<Task> found = Load(command.id);
    if (!found.ok()) return found.status();
    Task task = std::move(found).value();
    std::optional<std::string> title;
    if (command.title) {
      Result<std::string> valid = ValidateTitle(*command.title);
      if (!valid.ok()) return valid.status();
      title = std::move(valid).value();
    }
    if (command.description) {
      TASKSTORE_RETURN_IF_ERROR(ValidateDescription(*command.description));
    }
    TASKSTORE_RETURN_IF_ERROR(CheckVersion(task));
    if (task.deleted) return GoneError(NameOf(task.id) + " is deleted");

    TaskEdited edited{task.id, std::nullopt, std::nullopt};
    if (title && *title != task.title) {
      edited.title = title;
      task.title = *title;
    }
    if (command.description && *command.description != task.description) {
      edited.description = command.description;
      task.description = *command.description;
    }
    if (edited.title || edited.description) {
      Emit(std::move(edited), task, decided);
    }
    if (command.completed && *command.completed != task.completed) {
      task.completed = *command.completed;
      if (task.completed) {
        Emit(TaskCompleted{task.id}, task, decided);
      } else {
        Emit(TaskReopened{task.id}, task, decided);
      }
    }
    answers.push_back(Answer{task.id, next_sequence_ - 1});
    changed_[task.id] = std::move(task);
    return Status::Ok();
  }

  Status DecideBody(const SoftDeleteTask& command, std::vector<Event>& decided,
                    std::vector<Answer>& answers) {
    Result<Task> found = Load(command.id);
    if (!found.ok()) return found.status();
    Task task = std::move(found).value();
    TASKSTORE_RETURN_IF_ERROR(CheckVersion(task));
    if (task.deleted) {
      return GoneError(NameOf(task.id) + " is already deleted");
    }
    task.deleted = true;
    Emit(TaskSoftDeleted{task.id}, task, decided);
    answers.push_back(Answer{task.id, next_sequence_ - 1});
    changed_[task.id] = std::move(task);
    return Status::Ok();
  }

  // Restores and purges: both need a deleted task that is not purged.
  template <typename Body, typename Change>
  Status DecideOnDeleted(TaskId id, std::vector<Event>& decided,
                         std::vector<Answer>& answers, Change change) {
    Result<Task> found = Load(id);
    if (!found.ok()) return found.status();
    Task task = std::move(found).value();
    TASKSTORE_RETURN_IF_ERROR(CheckVersion(task));
    if (task.purged) return GoneError(NameOf(id) + " is purged");
    if (!task.deleted) {
      return FailedPreconditionError(NameOf(id) + " is not deleted");
    }
    change(task);
    Emit(Body{id}, task, decided);
    answers.push_back(Answer{id, next_sequence_ - 1});
    changed_[id] = std::move(task);
    return Status::Ok();
  }

  Status DecideBody(const RestoreTask& command, std::vector<Event>& decided,
                    std::vector<Answer>& answers) {
    return DecideOnDeleted<TaskRestored>(
        command.id, decided, answers, [](Task& task) { task.deleted = false; });
  }

  Status DecideBody(const PurgeTask& command, std::vector<Event>& decided,
                    std::vector<Answer>& answers) {
    return DecideOnDeleted<TaskPurged>(command.id, decided, answers,
                                       [](Task& task) {
                                         task.purged = true;
                                         task.title.clear();
                                         task.description.clear();
                                       });
  }

  // The task as the batch so far leaves it; NotFound when there is none.
  Result<Task> Load(TaskId id) const {
    auto changed = changed_.find(id);
    if (changed != changed_.end()) return changed->second;
    std::optional<Task> task = state_.Find(id);
    if (!task) return NotFoundError(NameOf(id) + " does not exist");
    return *std::move(task);
  }

  std::optional<KeyUse> FindKey(const std::string& key) const {
    auto found = keys_.find(key);
    if (found != keys_.end()) return found->second;
    return state_.FindKey(key);
  }

  Status CheckVersion(const Task& task) const {
    const auto& expected = context_->expected_versions;
    if (!expected || std::find(expected->begin(), expected->end(),
                               task.version) != expected->end()) {
      return Status::Ok();
    }
    return Status(StatusCode::kVersionMismatch,
                  NameOf(task.id) + " is at version " +
                      std::to_string(task.version) +
                      ", not the one the request expects");
  }

  EventOrigin Origin() const {
    return EventOrigin{context_->actor, context_->request_id,
                       context_->idempotency_key,
                       context_->request_fingerprint};
  }

  void Emit(EventData data, Task& task, std::vector<Event>& decided) {
    decided.push_back(Event(next_sequence_++, now_, std::move(data), Origin()));
    ++task.version;
  }

  const Projection& state_;
  const UnixMicros now_;
  TaskId next_id_;
  Sequence next_sequence_;
  const WriteContext* context_ = nullptr;  // of the command being decided
  std::unordered_map<TaskId, Task> changed_;
  std::unordered_map<std::string, KeyUse> keys_;
};

TaskStore::TaskStore(Projection state, Journal& journal, Clock clock)
    : journal_(journal), clock_(std::move(clock)), state_(std::move(state)) {
  state_.ResumeIndexing();
}

Result<Task> TaskStore::SubmitOne(Command command,
                                  const WriteContext& context) {
  PendingWrite write{std::move(command), context};
  Result<std::vector<Task>> tasks = Submit(write);
  if (!tasks.ok()) return tasks.status();
  return std::move(tasks.value().front());
}

Result<Task> TaskStore::Create(const CreateTask& command,
                               const WriteContext& context) {
  return SubmitOne(std::vector<CreateTask>{command}, context);
}

Result<std::vector<Task>> TaskStore::CreateMany(
    const std::vector<CreateTask>& commands, const WriteContext& context) {
  PendingWrite write{commands, context};
  return Submit(write);
}

Result<Task> TaskStore::Update(const UpdateTask& command,
                               const WriteContext& context) {
  return SubmitOne(command, context);
}

Status TaskStore::SoftDelete(const SoftDeleteTask& command,
                             const WriteContext& context) {
  return SubmitOne(command, context).status();
}

Result<Task> TaskStore::Restore(const RestoreTask& command,
                                const WriteContext& context) {
  return SubmitOne(command, context);
}

Status TaskStore::Purge(const PurgeTask& command, const WriteContext& context) {
  return SubmitOne(command, context).status();
}

Result<std::vector<Task>> TaskStore::Submit(PendingWrite& write) {
  // Group commit: the first writer to find no leader becomes one. It takes
  // every queued write, commits them with one journal append, marks them
  // done and hands leadership to the next queued writer, if any. Writers
  // that queue meanwhile wait, so one fdatasync covers them all, and no
  // leader serves more than one batch beyond its own.
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&write);
  if (!leader_active_) {
    leader_active_ = true;
    write.lead = true;
  }
  queue_changed_.wait(lock, [&write] { return write.done || write.lead; });
  if (write.done) return std::move(write.outcome);

  std::vector<PendingWrite*> batch;
  batch.swap(queue_);
  lock.unlock();
  CommitBatch(batch);
  if (commit_observer_) commit_observer_(state_.last_sequence());
  lock.lock();

  for (PendingWrite* member : batch) member->done = true;
  if (queue_.empty()) {
    leader_active_ = false;
  } else {
    queue_.front()->lead = true;
  }
  queue_changed_.notify_all();
  return std::move(write.outcome);
}

void TaskStore::CommitBatch(const std::vector<PendingWrite*>& batch) {
  // Only the leader changes state_, so it reads it here without a lock.
  BatchDecider decider(state_, clock_());
  std::vector<Event> events;
  // Each accepted write with its answers.
  std::vector<std::pair<PendingWrite*, std::vector<Answer>>> accepted;
  for (PendingWrite* write : batch) {
    std::vector<Answer> answers;
    Status decided =
        decider.Decide(write->command, write->context, events, answers);
    if (decided.ok()) {
      accepted.emplace_back(write, std::move(answers));
    } else {
      write->outcome = decided;
    }
  }

  if (!events.empty()) {
    // The journal is written before the state changes, so readers never
    // see an event that a crash could take back.
    Status journaled = journal_.Append(events);
    if (!journaled.ok()) {
      for (auto& [write, answers] : accepted) write->outcome = journaled;
      return;
    }
  }

  std::unique_lock state_lock(state_mutex_);
  for (const Event& event : events) {
    Status applied = state_.Apply(event);
    // The decider checked each event against this very state; a failure
    // here is a bug, reported rather than hidden.
    if (!applied.ok()) {
      for (auto& [write, answers] : accepted) {
        write->outcome = applied.WithContext("applying a decided event");
      }
      return;
    }
  }
  for (auto& [write, answers] : accepted) {
    std::vector<Task> tasks;
    for (const Answer& answer : answers) {
      tasks.push_back(*state_.FindAsOf(answer.task_id, answer.as_of));
    }
    write->outcome = std::move(tasks);
  }
}

Result<Task> TaskStore::Get(TaskId id) const {
  std::shared_lock lock(state_mutex_);
  std::optional<Task> task = state_.Find(id);
  if (!task) return NotFoundError(NameOf(id) + " does not exist");
  if (task->deleted) return GoneError(NameOf(id) + " was deleted");
  return *task;
}

Result<Task> TaskStore::GetAsOf(TaskId id, UnixMicros instant) const {
  std::shared_lock lock(state_mutex_);
  std::optional<Task> task =
      state_.FindAsOf(id, state_.LastSequenceAt(instant));
  if (!task) return NotFoundError(NameOf(id) + " did not exist then");
  if (task->deleted) return GoneError(NameOf(id) + " was deleted then");
  return *task;
}

Page<Task> TaskStore::Search(const TaskQuery& query) const {
  std::shared_lock lock(state_mutex_);
  return state_.Search(query);
}

std::vector<Task> TaskStore::Search(std::string_view term) const {
  std::shared_lock lock(state_mutex_);
  return state_.Search(term);
}

std::vector<Task> TaskStore::SearchAsOf(std::string_view term,
                                        UnixMicros instant) const {
  std::shared_lock lock(state_mutex_);
  return state_.SearchAsOf(term, state_.LastSequenceAt(instant));
}

std::vector<Task> TaskStore::Trash(std::string_view term) const {
  std::shared_lock lock(state_mutex_);
  return state_.Trash(term);
}

Result<std::vector<Event>> TaskStore::History(TaskId id) const {
  std::shared_lock lock(state_mutex_);
  if (!state_.Exists(id)) {
    return NotFoundError(NameOf(id) + " does not exist");
  }
  return state_.HistoryOf(id);
}

std::vector<Event> TaskStore::EventsAfter(Sequence after,
                                          std::size_t limit) const {
  std::shared_lock lock(state_mutex_);
  std::vector<Event> events;
  Sequence last = state_.last_sequence();
  if (after >= last) return events;
  std::size_t available = last - after;
  events.reserve(std::min(limit, available));
  for (Sequence at = after + 1; at <= last && events.size() < limit; ++at) {
    events.push_back(*state_.EventAt(at));
  }
  return events;
}

Sequence TaskStore::LastSequence() const {
  std::shared_lock lock(state_mutex_);
  return state_.last_sequence();
}

void TaskStore::SetCommitObserver(std::function<void(Sequence)> observer) {
  commit_observer_ = std::move(observer);
}

TaskCounts TaskStore::Counts() const {
  std::shared_lock lock(state_mutex_);
  return {state_.visible_count(), state_.task_count() - state_.visible_count()};
}

Status TaskStore::Health() const { return journal_.Health(); }

Projection TaskStore::StateCopy() const {
  std::shared_lock lock(state_mutex_);
  return state_;
}

}  // namespace taskstore::domain
