// The current state of every task, folded from the events in sequence
// order. Not thread-safe: TaskStore guards it.
#ifndef TASKSTORE_DOMAIN_PROJECTION_H_
#define TASKSTORE_DOMAIN_PROJECTION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/event.h"
#include "domain/task.h"

namespace taskstore::domain {

// What the projection keeps of one event in a task's history. The data of
// a TaskCreated event is the task's own title, description and creation
// time, so it is not stored twice.
struct HistoryEntry {
  enum class Kind : std::uint8_t { kCreated = 1, kSoftDeleted = 2 };

  Sequence sequence = 0;
  UnixMicros recorded_at = 0;
  Kind kind = Kind::kCreated;

  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

// One task with everything the projection derives from its events.
struct StoredTask {
  Task task;
  std::string folded_title;  // FoldForSearch(task.title)
  std::vector<HistoryEntry> history;

  friend bool operator==(const StoredTask&, const StoredTask&) = default;
};

class Projection {
 public:
  Projection() = default;

  // A projection restored from a snapshot of `tasks` (ids 1, 2, 3... in
  // order) taken after event `last_sequence`. Corruption when the tasks
  // are not a state some log could produce (ids out of order, a history
  // that does not begin with the creation, sequence numbers past
  // `last_sequence`). The folded titles are trusted as stored.
  static Result<Projection> Restore(std::vector<StoredTask> tasks,
                                    Sequence last_sequence);

  // Folds one event into the state. Events read back from storage are
  // checked, not trusted: a sequence number other than
  // last_sequence() + 1, a creation with an id other than next_task_id(),
  // or a deletion of an unknown or deleted task is Corruption and leaves
  // the state unchanged.
  Status Apply(const Event& event);

  // 0 before the first event.
  Sequence last_sequence() const { return last_sequence_; }

  // The id the next created task gets.
  TaskId next_task_id() const { return tasks_.size() + 1; }

  // The task with `id`, deleted or not; nullptr when there is none.
  // The pointer is valid until the next Apply.
  const Task* Find(TaskId id) const;

  // Visible (not deleted) tasks whose folded title contains the folded
  // `term` (see FoldForSearch), in creation order. An empty term matches
  // every visible task.
  std::vector<Task> Search(std::string_view term) const;

  // Every event about task `id`, oldest first; empty when there is none.
  std::vector<Event> HistoryOf(TaskId id) const;

  // Every task, ids 1, 2, 3..., for snapshots and comparisons.
  const std::vector<StoredTask>& tasks() const { return tasks_; }

  std::size_t visible_count() const { return visible_count_; }
  std::size_t task_count() const { return tasks_.size(); }

  friend bool operator==(const Projection&, const Projection&) = default;

 private:
  std::vector<StoredTask> tasks_;  // tasks_[id - 1]
  Sequence last_sequence_ = 0;
  std::size_t visible_count_ = 0;
};

// nullopt when `a` and `b` are equal; otherwise what differs first, naming
// the task ("task 12: title differs"), for reports.
std::optional<std::string> FirstDifference(const Projection& a,
                                           const Projection& b);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_PROJECTION_H_
