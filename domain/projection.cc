#include "domain/projection.h"

#include <string>

#include "domain/text.h"

namespace taskstore::domain {
namespace {

std::string Describe(const Event& event) {
  return "event " + std::to_string(event.sequence) + " (" +
         std::string(EventTypeName(event.data)) + " of task " +
         std::to_string(TaskIdOf(event.data)) + ")";
}

}  // namespace

Projection::Entry* Projection::MutableEntry(TaskId id) {
  if (id == 0 || id > entries_.size()) return nullptr;
  return &entries_[id - 1];
}

const Task* Projection::Find(TaskId id) const {
  if (id == 0 || id > entries_.size()) return nullptr;
  return &entries_[id - 1].task;
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
    Entry entry;
    entry.task.id = created->task_id;
    entry.task.title = created->title;
    entry.task.description = created->description;
    entry.task.created_at = created->created_at;
    entry.folded_title = FoldForSearch(created->title);
    entry.history.push_back(event);
    entries_.push_back(std::move(entry));
    ++visible_count_;
  } else if (const auto* deleted = std::get_if<TaskSoftDeleted>(&event.data)) {
    Entry* entry = MutableEntry(deleted->task_id);
    if (entry == nullptr) {
      return CorruptionError(Describe(event) + " names an unknown task");
    }
    if (entry->task.deleted) {
      return CorruptionError(Describe(event) + " names a deleted task");
    }
    entry->task.deleted = true;
    entry->task.deleted_at = event.recorded_at;
    entry->history.push_back(event);
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
  for (const Entry& entry : entries_) {
    if (entry.task.deleted) continue;
    if (entry.folded_title.find(folded_term) == std::string::npos) continue;
    found.push_back(entry.task);
  }
  return found;
}

std::vector<Event> Projection::HistoryOf(TaskId id) const {
  if (id == 0 || id > entries_.size()) return {};
  return entries_[id - 1].history;
}

}  // namespace taskstore::domain
