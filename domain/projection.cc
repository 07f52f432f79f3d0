#include "domain/projection.h"

#include <algorithm>
#include <string>

#include "base/result.h"
#include "domain/text.h"

namespace taskstore::domain {
namespace {

std::string Describe(const Event& event) {
  return "event " + std::to_string(event.sequence) + " (" +
         std::string(EventTypeName(event.data)) + " of task " +
         std::to_string(TaskIdOf(event.data)) + ")";
}

// Checks that `stored` is what replaying its own history would build.
Status CheckRestored(const StoredTask& stored, TaskId expected_id,
                     Sequence last_sequence) {
  // Built only on failure: this runs for every task at start-up.
  auto task = [expected_id] { return "task " + std::to_string(expected_id); };
  if (stored.task.id != expected_id) {
    return CorruptionError(task() + " is stored with id " +
                           std::to_string(stored.task.id));
  }
  const auto& history = stored.history;
  if (history.empty() || history.front().kind != HistoryEntry::Kind::kCreated) {
    return CorruptionError(task() + " has no creation in its history");
  }
  Sequence previous = 0;
  bool deleted = false;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].sequence <= previous || history[i].sequence > last_sequence) {
      return CorruptionError(task() + " has history out of sequence order");
    }
    previous = history[i].sequence;
    if (history[i].kind != HistoryEntry::Kind::kCreated &&
        history[i].kind != HistoryEntry::Kind::kSoftDeleted) {
      return CorruptionError(task() + " has an event of unknown kind");
    }
    if (i > 0 && history[i].kind == HistoryEntry::Kind::kCreated) {
      return CorruptionError(task() + " is created twice");
    }
    if (history[i].kind == HistoryEntry::Kind::kSoftDeleted) {
      if (deleted) return CorruptionError(task() + " is deleted twice");
      deleted = true;
    }
  }
  if (stored.task.deleted != deleted ||
      stored.task.deleted_at.has_value() != deleted) {
    return CorruptionError(task() + " disagrees with its history on deletion");
  }
  // The search key is not recomputed: that would cost as much as a replay.
  // Snapshots are checksummed, and `taskstore verify` compares them with a
  // full replay.
  return Status::Ok();
}

}  // namespace

Result<Projection> Projection::Restore(std::vector<StoredTask> tasks,
                                       Sequence last_sequence) {
  Projection restored;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    TASKSTORE_RETURN_IF_ERROR(CheckRestored(tasks[i], i + 1, last_sequence));
    if (!tasks[i].task.deleted) ++restored.visible_count_;
  }
  restored.tasks_ = std::move(tasks);
  restored.last_sequence_ = last_sequence;
  return restored;
}

const Task* Projection::Find(TaskId id) const {
  if (id == 0 || id > tasks_.size()) return nullptr;
  return &tasks_[id - 1].task;
}

Status Projection::Apply(const Event& event) {
  if (event.sequence != last_sequence_ + 1) {
    return CorruptionError(Describe(event) + " follows event " +
                           std::to_string(last_sequence_) +
                           "; sequence numbers must have no gaps");
  }

  if (const auto* created = std::get_if<TaskCreated>(&event.data)) {
    if (created->task_id != next_task_id()) {
      return CorruptionError(Describe(event) + " expected task id " +
                             std::to_string(next_task_id()));
    }
    StoredTask stored;
    stored.task.id = created->task_id;
    stored.task.title = created->title;
    stored.task.description = created->description;
    stored.task.created_at = created->created_at;
    stored.folded_title = FoldForSearch(created->title);
    stored.history.push_back(HistoryEntry{event.sequence, event.recorded_at,
                                          HistoryEntry::Kind::kCreated});
    tasks_.push_back(std::move(stored));
    ++visible_count_;
  } else if (const auto* deleted = std::get_if<TaskSoftDeleted>(&event.data)) {
    if (deleted->task_id == 0 || deleted->task_id > tasks_.size()) {
      return CorruptionError(Describe(event) + " names an unknown task");
    }
    StoredTask& stored = tasks_[deleted->task_id - 1];
    if (stored.task.deleted) {
      return CorruptionError(Describe(event) + " names a deleted task");
    }
    stored.task.deleted = true;
    stored.task.deleted_at = event.recorded_at;
    stored.history.push_back(HistoryEntry{event.sequence, event.recorded_at,
                                          HistoryEntry::Kind::kSoftDeleted});
    --visible_count_;
  }

  last_sequence_ = event.sequence;
  return Status::Ok();
}

std::vector<Task> Projection::Search(std::string_view term) const {
  // TODO(search-index): a linear scan over every title; fine for tens of
  // thousands of tasks, to be replaced by an index for millions.
  std::string folded_term = FoldForSearch(term);
  std::vector<Task> found;
  for (const StoredTask& stored : tasks_) {
    if (stored.task.deleted) continue;
    if (stored.folded_title.find(folded_term) == std::string::npos) continue;
    found.push_back(stored.task);
  }
  return found;
}

std::vector<Event> Projection::HistoryOf(TaskId id) const {
  if (id == 0 || id > tasks_.size()) return {};
  const StoredTask& stored = tasks_[id - 1];
  std::vector<Event> events;
  for (const HistoryEntry& entry : stored.history) {
    Event event{entry.sequence, entry.recorded_at, TaskSoftDeleted{id}};
    if (entry.kind == HistoryEntry::Kind::kCreated) {
      event.data = TaskCreated{id, stored.task.title, stored.task.description,
                               stored.task.created_at};
    }
    events.push_back(std::move(event));
  }
  return events;
}

std::optional<std::string> FirstDifference(const Projection& a,
                                           const Projection& b) {
  std::size_t common = std::min(a.task_count(), b.task_count());
  for (std::size_t i = 0; i < common; ++i) {
    const StoredTask& x = a.tasks()[i];
    const StoredTask& y = b.tasks()[i];
    if (x == y) continue;
    std::string task = "task " + std::to_string(i + 1) + ": ";
    if (x.task.title != y.task.title) return task + "title differs";
    if (x.task.description != y.task.description) {
      return task + "description differs";
    }
    if (x.task.deleted != y.task.deleted || x.task.deleted_at != y.task.deleted_at) {
      return task + "deletion differs";
    }
    if (x.history != y.history) return task + "history differs";
    if (x.folded_title != y.folded_title) return task + "search key differs";
    return task + "differs";
  }
  if (a.task_count() != b.task_count()) {
    return "task " + std::to_string(common + 1) + ": exists in only one";
  }
  if (a.last_sequence() != b.last_sequence()) {
    return "last sequence " + std::to_string(a.last_sequence()) + " vs " +
           std::to_string(b.last_sequence());
  }
  return std::nullopt;
}

}  // namespace taskstore::domain
