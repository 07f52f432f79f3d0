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
#include <unordered_map>
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
  static constexpr std::uint8_t kPurged = 4;  // always with kDeleted

  UnixMicros created_at = 0;
  UnixMicros deleted_at = kNoTime;
  std::uint64_t text_offset = 0;  // title, then description, then folded
  std::uint32_t title_size = 0;   // bytes
  std::uint32_t description_size = 0;
  std::uint32_t folded_size = 0;  // FoldForSearch(title), the search key
  std::uint8_t flags = 0;
  std::uint8_t reserved[3] = {};      // zero; makes the padding explicit
  Sequence last_event = 0;            // newest event about this task
  std::uint32_t version = 0;          // the number of events about this task
  std::uint8_t reserved_end[4] = {};  // zero

  friend bool operator==(const TaskRecord&, const TaskRecord&) = default;
};

// What the projection keeps of one event; events[s - 1] is event s. The
// title and description of a TaskCreated or TaskEdited event are the block
// of text its task pointed at once the event was applied, so they are not
// stored twice.
struct EventRecord {
  // The index of the event's type in EventData, plus one.
  enum class Kind : std::uint8_t {
    kCreated = 1,
    kSoftDeleted = 2,
    kEdited = 3,
    kCompleted = 4,
    kReopened = 5,
    kRestored = 6,
    kPurged = 7,
  };
  // Which fields a TaskEdited carried.
  static constexpr std::uint8_t kHasTitle = 1;
  static constexpr std::uint8_t kHasDescription = 2;

  UnixMicros recorded_at = 0;
  TaskId task_id = 0;
  Sequence previous = 0;          // the task's event before this one; 0: none
  std::uint64_t text_offset = 0;  // title, then description
  std::uint32_t title_size = 0;
  std::uint32_t description_size = 0;
  std::uint64_t origin_offset = 0;  // actor, request id, idempotency key
  std::uint64_t request_fingerprint = 0;
  std::uint16_t actor_size = 0;
  std::uint16_t request_id_size = 0;
  std::uint16_t idempotency_key_size = 0;
  Kind kind = Kind::kCreated;
  std::uint8_t fields = 0;  // kHasTitle | kHasDescription, for kEdited

  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

// The whole state as plain arrays, for snapshots.
struct ProjectionImage {
  std::vector<TaskRecord> tasks;    // tasks[id - 1]
  std::vector<EventRecord> events;  // events[sequence - 1]
  // Every task's and event's strings. Text a task no longer points at
  // (after an edit) stays for its events; a purge overwrites its task's
  // text with zero bytes.
  std::string text;

  friend bool operator==(const ProjectionImage&,
                         const ProjectionImage&) = default;
};

// A search for one page of visible tasks (see Projection::Search).
struct TaskQuery {
  std::string_view term;  // as the user typed it; folded by the search
  TaskId after = 0;       // the page begins past this id
  std::size_t limit = kDefaultPageSize;  // at least 1
};

// A search for one page of the trash (see Projection::Trash).
struct TrashQuery {
  std::string_view term;  // as the user typed it; folded by the search
  // The page begins with deletions older than this sequence number (the
  // previous page's `next`); 0 begins with the newest.
  Sequence after = 0;
  std::size_t limit = kDefaultPageSize;  // at least 1
};

// The request that last used an idempotency key.
struct KeyUse {
  std::uint64_t request_fingerprint = 0;
  TaskId task_id = 0;
  Sequence last_event = 0;  // the request's last event

  friend bool operator==(const KeyUse&, const KeyUse&) = default;
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
  // linked in sequence order, flags or versions that disagree with the
  // history). The search keys are trusted as stored: recomputing them
  // would cost as much as a replay; snapshots are checksummed and
  // `taskstore verify` compares them with a full replay. The result has
  // no search index yet, so that events replayed after the snapshot are
  // not indexed one by one: call ResumeIndexing once they are applied.
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
  // an event about an unknown task, or one its task's state does not
  // allow (an edit, completion, reopening or deletion of a deleted task, a
  // completion of a completed task, a reopening of an open one, a restore
  // or purge of a task that is not deleted or already purged) is
  // Corruption and leaves the state unchanged. Erased events (see
  // ErasedForm) are accepted like any other.
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

  // Task `id` as it was after event `at`, folded from its history; nullopt
  // when it did not exist then. A purged task's text reads as erased.
  std::optional<Task> FindAsOf(TaskId id, Sequence at) const;

  // Visible (not deleted) tasks whose folded title contains the folded
  // `term` (see FoldForSearch), in creation order. An empty term matches
  // every visible task. The page holds at most query.limit tasks with
  // ids above query.after, and ends early rather than pass
  // kMaxPageTextBytes of text; its `next` is the id to pass as `after`
  // for the following page (see domain/page.h for why pages stay stable).
  //
  // Terms of three or more bytes once folded are narrowed by the search
  // index; shorter ones scan the tasks in id order and stop when the
  // page is full, so a rare one- or two-byte term costs a scan.
  Page<Task> Search(const TaskQuery& query) const;

  // Every match of `term` at once, in creation order; for tests and
  // tools on small stores.
  std::vector<Task> Search(std::string_view term) const;

  // As Search, on the state after event `at`. Folds every task's history
  // and every title: linear in the events up to `at`.
  std::vector<Task> SearchAsOf(std::string_view term, Sequence at) const;

  // Deleted tasks that are not purged, whose folded title contains the
  // folded `term`, most recently deleted first (by
  // Task::deleted_sequence).
  std::vector<Task> Trash(std::string_view term) const;

  // One page of the trash: as above, at most query.limit tasks (and
  // kMaxPageTextBytes of text) deleted before sequence query.after; `next` is
  // the sequence number of the last one's deletion when more follow. Walks the
  // events from the newest back and stops when the page is full, so a page
  // costs what it shows plus the events it skips.
  Page<Task> Trash(const TrashQuery& query) const;

  // The number of events in the longest prefix of the log recorded at or
  // before `instant`: the state "as of" that instant.
  Sequence LastSequenceAt(UnixMicros instant) const;

  // Every event about task `id`, oldest first; empty when there is none.
  std::vector<Event> HistoryOf(TaskId id) const;

  // Event `sequence` as it was recorded (erased if its task is purged);
  // nullopt past last_sequence().
  std::optional<Event> EventAt(Sequence sequence) const;

  // The request that last used idempotency `key`; nullopt for none.
  std::optional<KeyUse> FindKey(const std::string& key) const;

  const ProjectionImage& image() const { return image_; }

  std::size_t visible_count() const { return visible_count_; }
  std::size_t task_count() const { return image_.tasks.size(); }

  // Bytes held by the search index.
  std::size_t search_index_bytes() const { return index_.MemoryBytes(); }

  // Equal states; the search indexes, derived from the states, may differ
  // in layout and are not compared.
  friend bool operator==(const Projection& a, const Projection& b) {
    return a.image_ == b.image_ && a.visible_count_ == b.visible_count_ &&
           a.keys_ == b.keys_;
  }

 private:
  std::string_view Title(const TaskRecord& record) const;
  std::string_view Description(const TaskRecord& record) const;
  std::string_view FoldedTitle(const TaskRecord& record) const;
  std::string_view Text(std::uint64_t offset, std::uint64_t size) const;
  Task Materialize(TaskId id) const;
  bool IsVisibleMatch(TaskId id, std::string_view folded_term) const;
  std::size_t TextBytesOf(TaskId id) const;  // title and description
  std::string_view KeyOf(TaskId id) const;
  SearchIndex::KeySource Keys() const;
  Event Rebuild(Sequence sequence) const;  // REQUIRES: a known sequence
  std::vector<Sequence> SequencesOf(TaskId id) const;  // oldest first

  // The one place that sets a task's title, description and search key:
  // appends them as a new block of text and points the task at it.
  void WriteTaskText(TaskId id, std::string_view title,
                     std::string_view description);

  // Overwrites every string of task `id` and of its events with zero
  // bytes and empties them.
  void EraseTaskText(TaskId id);

  // Appends `origin`'s strings to the text and points `entry` at them.
  void WriteOrigin(const EventOrigin& origin, EventRecord& entry);
  void RememberKey(const EventRecord& entry, Sequence sequence);

  ProjectionImage image_;
  std::size_t visible_count_ = 0;
  SearchIndex index_;    // over the folded titles; see search_index.h
  bool indexed_ = true;  // index_ covers every task
  std::unordered_map<std::string, KeyUse> keys_;
};

// nullopt when `a` and `b` are equal; otherwise what differs first, naming
// the task ("task 12: title differs"), for reports.
std::optional<std::string> FirstDifference(const Projection& a,
                                           const Projection& b);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_PROJECTION_H_
