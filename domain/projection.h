// The current state of every task, folded from the events in sequence
// order. Not thread-safe: TaskStore guards it.
#ifndef TASKSTORE_DOMAIN_PROJECTION_H_
#define TASKSTORE_DOMAIN_PROJECTION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/event.h"
#include "domain/task.h"

namespace taskstore::domain {

class Projection {
 public:
  // Folds one event into the state. Events read back from storage are
  // checked, not trusted: a sequence number other than
  // last_sequence() + 1, a creation with an id other than next_task_id(),
  // or a deletion of an unknown or deleted task is Corruption and leaves
  // the state unchanged.
  Status Apply(const Event& event);

  // 0 before the first event.
  Sequence last_sequence() const { return last_sequence_; }

  // The id the next created task gets.
  TaskId next_task_id() const { return entries_.size() + 1; }

  // The task with `id`, deleted or not; nullptr when there is none.
  // The pointer is valid until the next Apply.
  const Task* Find(TaskId id) const;

  // Visible (not deleted) tasks whose folded title contains the folded
  // `term` (see FoldForSearch), in creation order. An empty term matches
  // every visible task.
  std::vector<Task> Search(std::string_view term) const;

  // Every event about task `id`, oldest first; empty when there is none.
  std::vector<Event> HistoryOf(TaskId id) const;

  std::size_t visible_count() const { return visible_count_; }
  std::size_t task_count() const { return entries_.size(); }

  friend bool operator==(const Projection&, const Projection&) = default;

 private:
  struct Entry {
    Task task;
    std::string folded_title;
    std::vector<Event> history;

    friend bool operator==(const Entry&, const Entry&) = default;
  };

  Entry* MutableEntry(TaskId id);

  std::vector<Entry> entries_;  // entries_[id - 1]
  Sequence last_sequence_ = 0;
  std::size_t visible_count_ = 0;
};

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_PROJECTION_H_
