// The current state of every task, folded from the events in sequence
// order. Not thread-safe: TaskStore guards it.
//
// The state is kept in a few flat arrays (see ProjectionImage) rather than
// one object per task: a million tasks cost a handful of allocations, a
// search scans contiguous memory, and a snapshot is the arrays themselves.
#ifndef TASKSTORE_DOMAIN_PROJECTION_H_
#define TASKSTORE_DOMAIN_PROJECTION_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "domain/event.h"
#include "domain/page.h"
#include "domain/search_index.h"
#include "domain/task.h"

namespace taskstore::domain {

// One task's fixed-size part; its strings live in ProjectionImage::text.
// Snapshots store these records byte for byte (snapshots/snapshot_format.h),
// so the layout has no implicit padding.
struct TaskRecord {
  static constexpr UnixMicros kNoTime = std::numeric_limits<UnixMicros>::min();
  static constexpr std::uint8_t kCompleted = 1;
  static constexpr std::uint8_t kDeleted = 2;

  UnixMicros created_at = 0;
  UnixMicros deleted_at = kNoTime;
  std::uint64_t text_offset = 0;  // title, then description, then folded
  std::uint32_t title_size = 0;   // bytes
  std::uint32_t description_size = 0;
  std::uint32_t folded_size = 0;  // FoldForSearch(title), the search key
  std::uint8_t flags = 0;
  std::uint8_t reserved[3] = {};  // zero; makes the padding explicit
  Sequence last_event = 0;        // newest event about this task

  friend bool operator==(const TaskRecord&, const TaskRecord&) = default;
};

// What the projection keeps of one event; events[s - 1] is event s. The
// data of a TaskCreated event is its task's own title, description and
// creation time, so it is not stored twice.
struct EventRecord {
  enum class Kind : std::uint8_t { kCreated = 1, kSoftDeleted = 2 };

  UnixMicros recorded_at = 0;
  TaskId task_id = 0;
  Sequence previous = 0;  // the task's event before this one; 0 for none
  Kind kind = Kind::kCreated;
  std::uint8_t reserved[7] = {};  // zero; makes the padding explicit

  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

// The whole state as plain arrays, for snapshots.
struct ProjectionImage {
  std::vector<TaskRecord> tasks;    // tasks[id - 1]
  std::vector<EventRecord> events;  // events[sequence - 1]
  std::string text;                 // every task's strings, back to back

  friend bool operator==(const ProjectionImage&,
                         const ProjectionImage&) = default;
};

// A search for one page of visible tasks (see Projection::Search).
struct TaskQuery {
  std::string_view term;  // as the user typed it; folded by the search
  TaskId after = 0;       // the page begins past this id
  std::size_t limit = kDefaultPageSize;  // at least 1
};

class Projection {
 public:
  Projection() = default;

  // A copy holds the same state but no search index (see
  // ResumeIndexing): copies are taken for snapshots and comparisons,
  // which do not search, and copying the index would cost as much as the
  // rest of the state while writers wait.
  Projection(const Projection& other);
  Projection& operator=(const Projection& other);
  Projection(Projection&&) = default;
  Projection& operator=(Projection&&) = default;

  // A projection restored from a snapshot's image. Corruption when the
  // image is not a state some log could produce (strings outside the
  // text, histories that do not begin with the creation or are not
  // linked in sequence order, flags that disagree with the history).
  // The search keys are trusted as stored: recomputing them would cost
  // as much as a replay; snapshots are checksummed and `taskstore verify`
  // compares them with a full replay. The result has no search index
  // yet, so that events replayed after the snapshot are not indexed one
  // by one: call ResumeIndexing once they are applied.
  static Result<Projection> Restore(ProjectionImage image);

  // Stops keeping the search index current, for a replay: building it
  // once at the end is several times faster than adding tasks one by
  // one. Search stays correct meanwhile, by scanning.
  void DeferIndexing();

  // Builds the search index if it is not current, and keeps it current
  // from then on. A no-op when it is.
  void ResumeIndexing();

  // Folds one event into the state. Events read back from storage are
  // checked, not trusted: a sequence number other than
  // last_sequence() + 1, a creation with an id other than next_task_id(),
  // or a deletion of an unknown or deleted task is Corruption and leaves
  // the state unchanged.
  Status Apply(const Event& event);

  // 0 before the first event.
  Sequence last_sequence() const { return image_.events.size(); }

  // The id the next created task gets.
  TaskId next_task_id() const { return image_.tasks.size() + 1; }

  bool Exists(TaskId id) const { return id != 0 && id <= image_.tasks.size(); }

  // REQUIRES: Exists(id).
  bool IsDeleted(TaskId id) const;

  // The task with `id`, deleted or not; nullopt when there is none.
  std::optional<Task> Find(TaskId id) const;

  // Visible (not deleted) tasks whose folded title contains the folded
  // `term` (see FoldForSearch), in creation order. An empty term matches
  // every visible task. The page holds at most query.limit tasks with
  // ids above query.after; its `next` is the id to pass as `after` for
  // the following page (see domain/page.h for why pages stay stable).
  //
  // Terms of three or more bytes once folded are narrowed by the search
  // index; shorter ones scan the tasks in id order and stop when the
  // page is full, so a rare one- or two-byte term costs a scan.
  Page<Task> Search(const TaskQuery& query) const;

  // Every match of `term` at once, in creation order; for tests and
  // tools on small stores.
  std::vector<Task> Search(std::string_view term) const;

  // Every event about task `id`, oldest first; empty when there is none.
  std::vector<Event> HistoryOf(TaskId id) const;

  // Event `sequence` as it was recorded; nullopt past last_sequence().
  std::optional<Event> EventAt(Sequence sequence) const;

  const ProjectionImage& image() const { return image_; }

  std::size_t visible_count() const { return visible_count_; }
  std::size_t task_count() const { return image_.tasks.size(); }

  // Bytes held by the search index.
  std::size_t search_index_bytes() const { return index_.MemoryBytes(); }

  // Equal states; the search indexes, derived from the states, may differ
  // in layout and are not compared.
  friend bool operator==(const Projection& a, const Projection& b) {
    return a.image_ == b.image_ && a.visible_count_ == b.visible_count_;
  }

 private:
  std::string_view Title(const TaskRecord& record) const;
  std::string_view Description(const TaskRecord& record) const;
  std::string_view FoldedTitle(const TaskRecord& record) const;
  Task Materialize(TaskId id) const;
  bool IsVisibleMatch(TaskId id, std::string_view folded_term) const;
  std::string_view KeyOf(TaskId id) const;
  SearchIndex::KeySource Keys() const;
  Event Rebuild(Sequence sequence) const;  // REQUIRES: a known sequence

  ProjectionImage image_;
  std::size_t visible_count_ = 0;
  SearchIndex index_;    // over the folded titles; see search_index.h
  bool indexed_ = true;  // index_ covers every task
};

// nullopt when `a` and `b` are equal; otherwise what differs first, naming
// the task ("task 12: title differs"), for reports.
std::optional<std::string> FirstDifference(const Projection& a,
                                           const Projection& b);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_PROJECTION_H_
