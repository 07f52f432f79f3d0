#include "domain/task_store.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>

namespace taskstore::domain {

// Decides the commands of one batch in order, against the committed state
// plus the events decided earlier in the same batch, which are not yet
// applied.
class TaskStore::BatchDecider {
 public:
  BatchDecider(const Projection& state, UnixMicros now)
      : state_(state),
        now_(now),
        next_id_(state.next_task_id()),
        next_sequence_(state.last_sequence() + 1) {}

  // Appends the events of `commands` to `events`, all or none.
  Status Decide(const std::vector<CreateTask>& commands,
                std::vector<Event>& events) {
    std::vector<Event> decided;
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
      decided.push_back(Event{next_sequence_ + i, now_, std::move(created)});
    }
    Take(decided, events);
    next_id_ += commands.size();
    return Status::Ok();
  }

  Status Decide(const SoftDeleteTask& command, std::vector<Event>& events) {
    bool created_in_batch =
        command.id >= state_.next_task_id() && command.id < next_id_;
    bool exists = state_.Exists(command.id);
    if (!exists && !created_in_batch) {
      return NotFoundError("task " + std::to_string(command.id) +
                           " does not exist");
    }
    if ((exists && state_.IsDeleted(command.id)) ||
        deleted_in_batch_.contains(command.id)) {
      return GoneError("task " + std::to_string(command.id) +
                       " is already deleted");
    }
    deleted_in_batch_.insert(command.id);
    std::vector<Event> decided{
        Event{next_sequence_, now_, TaskSoftDeleted{command.id}}};
    Take(decided, events);
    return Status::Ok();
  }

 private:
  void Take(std::vector<Event>& decided, std::vector<Event>& events) {
    next_sequence_ += decided.size();
    for (Event& event : decided) events.push_back(std::move(event));
  }

  const Projection& state_;
  const UnixMicros now_;
  TaskId next_id_;
  Sequence next_sequence_;
  std::unordered_set<TaskId> deleted_in_batch_;
};

TaskStore::TaskStore(Projection state, Journal& journal, Clock clock)
    : journal_(journal), clock_(std::move(clock)), state_(std::move(state)) {}

Result<Task> TaskStore::Create(const CreateTask& command) {
  Result<std::vector<Task>> created = CreateMany({command});
  if (!created.ok()) return created.status();
  return std::move(created.value().front());
}

Result<std::vector<Task>> TaskStore::CreateMany(
    const std::vector<CreateTask>& commands) {
  PendingWrite write{commands};
  return Submit(write);
}

Status TaskStore::SoftDelete(const SoftDeleteTask& command) {
  PendingWrite write{command};
  return Submit(write).status();
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
  std::vector<std::pair<PendingWrite*, std::size_t>> accepted;  // first event
  for (PendingWrite* write : batch) {
    std::size_t first = events.size();
    Status decided = std::visit(
        [&](const auto& command) { return decider.Decide(command, events); },
        write->command);
    if (decided.ok()) {
      accepted.emplace_back(write, first);
    } else {
      write->outcome = decided;
    }
  }
  if (events.empty()) return;

  // The journal is written before the state changes, so readers never see
  // an event that a crash could take back.
  Status journaled = journal_.Append(events);
  if (!journaled.ok()) {
    for (auto& [write, first] : accepted) write->outcome = journaled;
    return;
  }

  std::unique_lock state_lock(state_mutex_);
  for (const Event& event : events) {
    Status applied = state_.Apply(event);
    // The decider checked each event against this very state; a failure
    // here is a bug, reported rather than hidden.
    if (!applied.ok()) {
      for (auto& [write, first] : accepted) {
        write->outcome = applied.WithContext("applying a decided event");
      }
      return;
    }
  }
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    auto [write, first] = accepted[i];
    std::size_t end =
        i + 1 < accepted.size() ? accepted[i + 1].second : events.size();
    std::vector<Task> tasks;
    if (std::holds_alternative<std::vector<CreateTask>>(write->command)) {
      for (std::size_t e = first; e < end; ++e) {
        tasks.push_back(*state_.Find(TaskIdOf(events[e].data)));
      }
    }
    write->outcome = std::move(tasks);
  }
}

Result<Task> TaskStore::Get(TaskId id) const {
  std::shared_lock lock(state_mutex_);
  std::optional<Task> task = state_.Find(id);
  if (!task) {
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
  if (!state_.Exists(id)) {
    return NotFoundError("task " + std::to_string(id) + " does not exist");
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

Projection TaskStore::StateCopy() const {
  std::shared_lock lock(state_mutex_);
  return state_;
}

}  // namespace taskstore::domain
