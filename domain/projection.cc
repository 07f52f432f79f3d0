#include "domain/projection.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "domain/text.h"

namespace taskstore::domain {
namespace {

// Whether a page holding `count` tasks with `bytes` of text takes one
// more of `more_bytes`: within `limit`, and within kMaxPageTextBytes
// unless the page is still empty.
bool PageHasRoom(std::size_t count, std::size_t limit, std::size_t bytes,
                 std::size_t more_bytes) {
  if (count >= limit) return false;
  return count == 0 || bytes + more_bytes <= kMaxPageTextBytes;
}

using Kind = EventRecord::Kind;

constexpr std::uint8_t kLastKind = static_cast<std::uint8_t>(Kind::kPurged);

std::string Describe(const Event& event) {
  return "event " + std::to_string(event.sequence) + " (" +
         std::string(EventTypeName(event.data)) + " of task " +
         std::to_string(TaskIdOf(event.data)) + ")";
}

Kind KindOf(const EventData& data) {
  return static_cast<Kind>(data.index() + 1);
}

// The part of a task's state that decides which events may follow.
struct Lifecycle {
  bool completed = false;
  bool deleted = false;
  bool purged = false;
};

// Why an event of `kind` may not follow `state`; nullptr when it may.
// Creations are checked elsewhere.
const char* Refusal(const Lifecycle& state, Kind kind) {
  switch (kind) {
    case Kind::kCreated:
      return "creates a task that exists";
    case Kind::kEdited:
    case Kind::kSoftDeleted:
      if (state.deleted) return "names a deleted task";
      return nullptr;
    case Kind::kCompleted:
      if (state.deleted) return "names a deleted task";
      if (state.completed) return "names a completed task";
      return nullptr;
    case Kind::kReopened:
      if (state.deleted) return "names a deleted task";
      if (!state.completed) return "names an open task";
      return nullptr;
    case Kind::kRestored:
    case Kind::kPurged:
      if (state.purged) return "names a purged task";
      if (!state.deleted) return "names a task that is not deleted";
      return nullptr;
  }
  return "is of an unknown kind";
}

// REQUIRES: Refusal(state, kind) == nullptr.
void Advance(Lifecycle& state, Kind kind) {
  switch (kind) {
    case Kind::kCompleted:
      state.completed = true;
      break;
    case Kind::kReopened:
      state.completed = false;
      break;
    case Kind::kSoftDeleted:
      state.deleted = true;
      break;
    case Kind::kRestored:
      state.deleted = false;
      break;
    case Kind::kPurged:
      state.purged = true;
      break;
    case Kind::kCreated:
    case Kind::kEdited:
      break;
  }
}

std::uint8_t FlagsOf(const Lifecycle& state) {
  return (state.completed ? TaskRecord::kCompleted : 0) |
         (state.deleted ? TaskRecord::kDeleted : 0) |
         (state.purged ? TaskRecord::kPurged : 0);
}

bool Fits(std::uint64_t offset, std::uint64_t size, std::uint64_t total) {
  return offset <= total && size <= total - offset;
}

// Checks that every task of `image` is what replaying its own history
// would build. Messages are built only on failure: this runs for every
// task at start-up.
Status CheckImage(const ProjectionImage& image) {
  const std::uint64_t text_size = image.text.size();
  for (std::size_t i = 0; i < image.events.size(); ++i) {
    const EventRecord& event = image.events[i];
    std::uint64_t origin_size = std::uint64_t{event.actor_size} +
                                event.request_id_size +
                                event.idempotency_key_size;
    std::uint8_t kind = static_cast<std::uint8_t>(event.kind);
    if (!Fits(event.text_offset,
              std::uint64_t{event.title_size} + event.description_size,
              text_size) ||
        !Fits(event.origin_offset, origin_size, text_size) || kind == 0 ||
        kind > kLastKind ||
        (event.fields &
         ~(EventRecord::kHasTitle | EventRecord::kHasDescription)) != 0 ||
        (event.fields != 0 && event.kind != Kind::kEdited)) {
      return CorruptionError("event " + std::to_string(i + 1) +
                             " is malformed");
    }
  }

  std::size_t linked_events = 0;
  std::vector<Sequence> history;
  for (std::size_t i = 0; i < image.tasks.size(); ++i) {
    const TaskRecord& record = image.tasks[i];
    const TaskId id = i + 1;
    auto fail = [id](std::string_view why) {
      return CorruptionError("task " + std::to_string(id) + " " +
                             std::string(why));
    };
    std::uint64_t size = std::uint64_t{record.title_size} +
                         record.description_size + record.folded_size;
    if (!Fits(record.text_offset, size, text_size)) {
      return fail("has its strings outside the text");
    }

    // Walk the history back from the newest event to the creation, then
    // fold it forward.
    history.clear();
    Sequence newer = std::numeric_limits<Sequence>::max();
    for (Sequence at = record.last_event; at != 0;
         at = image.events[at - 1].previous) {
      if (at > image.events.size() || at >= newer) {
        return fail("has a history out of sequence order");
      }
      if (image.events[at - 1].task_id != id) {
        return fail("has another task's event");
      }
      history.push_back(at);
      newer = at;
    }
    linked_events += history.size();
    if (history.empty() ||
        image.events[history.back() - 1].kind != Kind::kCreated) {
      return fail("has no creation in its history");
    }
    Lifecycle state;
    for (auto at = history.rbegin() + 1; at != history.rend(); ++at) {
      Kind kind = image.events[*at - 1].kind;
      if (Refusal(state, kind) != nullptr) {
        return fail("has an event its state does not allow");
      }
      Advance(state, kind);
    }
    if (record.flags != FlagsOf(state)) {
      return fail("has flags that disagree with its history");
    }
    if (state.deleted != (record.deleted_at != TaskRecord::kNoTime)) {
      return fail("disagrees with its history on deletion");
    }
    if (state.purged && size != 0) return fail("keeps text once purged");
    if (record.version != history.size()) {
      return fail("has a version other than its number of events");
    }
  }
  // Each history link was checked to point at its own task's event; equal
  // counts mean no event is left outside every history.
  if (linked_events != image.events.size()) {
    return CorruptionError("the snapshot holds events no task owns");
  }
  return Status::Ok();
}

}  // namespace

Result<Projection> Projection::Restore(ProjectionImage image) {
  TASKSTORE_RETURN_IF_ERROR(CheckImage(image));
  Projection restored;
  for (const TaskRecord& record : image.tasks) {
    if ((record.flags & TaskRecord::kDeleted) == 0) ++restored.visible_count_;
  }
  restored.image_ = std::move(image);
  for (Sequence at = 1; at <= restored.last_sequence(); ++at) {
    restored.RememberKey(restored.image_.events[at - 1], at);
  }
  restored.indexed_ = false;
  return restored;
}

Projection::Projection(const Projection& other)
    : image_(other.image_),
      visible_count_(other.visible_count_),
      indexed_(false),
      keys_(other.keys_) {}

Projection& Projection::operator=(const Projection& other) {
  if (this == &other) return *this;
  image_ = other.image_;
  visible_count_ = other.visible_count_;
  index_ = SearchIndex();
  indexed_ = false;
  keys_ = other.keys_;
  return *this;
}

void Projection::DeferIndexing() {
  index_ = SearchIndex();
  indexed_ = false;
}

void Projection::ResumeIndexing() {
  if (indexed_) return;
  index_.Rebuild(task_count(), Keys());
  indexed_ = true;
}

std::string_view Projection::Text(std::uint64_t offset,
                                  std::uint64_t size) const {
  return std::string_view(image_.text).substr(offset, size);
}

std::string_view Projection::Title(const TaskRecord& record) const {
  return Text(record.text_offset, record.title_size);
}

std::string_view Projection::Description(const TaskRecord& record) const {
  return Text(record.text_offset + record.title_size, record.description_size);
}

std::string_view Projection::FoldedTitle(const TaskRecord& record) const {
  return Text(record.text_offset + record.title_size + record.description_size,
              record.folded_size);
}

bool Projection::IsDeleted(TaskId id) const {
  return (image_.tasks[id - 1].flags & TaskRecord::kDeleted) != 0;
}

Task Projection::Materialize(TaskId id) const {
  const TaskRecord& record = image_.tasks[id - 1];
  Task task;
  task.id = id;
  task.title = Title(record);
  task.description = Description(record);
  task.completed = (record.flags & TaskRecord::kCompleted) != 0;
  task.deleted = (record.flags & TaskRecord::kDeleted) != 0;
  task.purged = (record.flags & TaskRecord::kPurged) != 0;
  task.created_at = record.created_at;
  if (record.deleted_at != TaskRecord::kNoTime) {
    task.deleted_at = record.deleted_at;
    // Nothing but a purge may follow a deletion.
    Sequence deletion = record.last_event;
    if (task.purged) deletion = image_.events[deletion - 1].previous;
    task.deleted_sequence = deletion;
  }
  task.version = record.version;
  return task;
}

std::optional<Task> Projection::Find(TaskId id) const {
  if (!Exists(id)) return std::nullopt;
  return Materialize(id);
}

void Projection::WriteTaskText(TaskId id, std::string_view title,
                               std::string_view description) {
  std::string folded = FoldForSearch(title);
  TaskRecord& record = image_.tasks[id - 1];
  record.text_offset = image_.text.size();
  record.title_size = static_cast<std::uint32_t>(title.size());
  record.description_size = static_cast<std::uint32_t>(description.size());
  record.folded_size = static_cast<std::uint32_t>(folded.size());
  image_.text += title;
  image_.text += description;
  image_.text += folded;

  // The new key's trigrams join the index; the old key's entries stay
  // until the next rebuild, and the search's own check rejects them.
  if (indexed_) index_.Add(id, KeyOf(id), Keys());
}

void Projection::EraseTaskText(TaskId id) {
  auto zero = [this](std::uint64_t offset, std::uint64_t size) {
    std::memset(image_.text.data() + offset, 0, size);
  };
  // The events first: the newest creation or edit shares its block with
  // the task, and its title must still be readable to size the block.
  TaskRecord& record = image_.tasks[id - 1];
  for (Sequence at = record.last_event; at != 0;
       at = image_.events[at - 1].previous) {
    EventRecord& entry = image_.events[at - 1];
    // A creation's or edit's block of text ends with the search key of
    // its title, which the record does not size; folding again finds it.
    std::uint64_t folded_size =
        FoldForSearch(Text(entry.text_offset, entry.title_size)).size();
    zero(entry.text_offset, std::uint64_t{entry.title_size} +
                                entry.description_size + folded_size);
    entry.text_offset = 0;
    entry.title_size = 0;
    entry.description_size = 0;
  }
  zero(record.text_offset, std::uint64_t{record.title_size} +
                               record.description_size + record.folded_size);
  WriteTaskText(id, "", "");
  record.text_offset = 0;
}

void Projection::WriteOrigin(const EventOrigin& origin, EventRecord& entry) {
  entry.origin_offset = image_.text.size();
  entry.actor_size = static_cast<std::uint16_t>(origin.actor.size());
  entry.request_id_size = static_cast<std::uint16_t>(origin.request_id.size());
  entry.idempotency_key_size =
      static_cast<std::uint16_t>(origin.idempotency_key.size());
  entry.request_fingerprint = origin.request_fingerprint;
  image_.text += origin.actor;
  image_.text += origin.request_id;
  image_.text += origin.idempotency_key;
}

void Projection::RememberKey(const EventRecord& entry, Sequence sequence) {
  // TODO(key-expiry): keys are kept for good, one map entry (the key and
  // 24 bytes) per keyed request; a retention window, recorded in the log
  // so that replay forgets the same keys, would bound the table.
  if (entry.idempotency_key_size == 0) return;
  std::string key(
      Text(entry.origin_offset + entry.actor_size + entry.request_id_size,
           entry.idempotency_key_size));
  keys_[std::move(key)] =
      KeyUse{entry.request_fingerprint, entry.task_id, sequence};
}

std::optional<KeyUse> Projection::FindKey(const std::string& key) const {
  auto found = keys_.find(key);
  if (found == keys_.end()) return std::nullopt;
  return found->second;
}

Status Projection::Apply(const Event& event) {
  if (event.sequence != last_sequence() + 1) {
    return CorruptionError(Describe(event) + " follows event " +
                           std::to_string(last_sequence()) +
                           "; sequence numbers must have no gaps");
  }
  constexpr std::size_t kMaxOriginString =
      std::numeric_limits<std::uint16_t>::max();
  const EventOrigin& origin = event.origin;
  if (origin.actor.size() > kMaxOriginString ||
      origin.request_id.size() > kMaxOriginString ||
      origin.idempotency_key.size() > kMaxOriginString) {
    return CorruptionError(Describe(event) + " has an oversized origin");
  }

  const TaskId id = TaskIdOf(event.data);
  const Kind kind = KindOf(event.data);
  EventRecord entry{};
  entry.recorded_at = event.recorded_at;
  entry.task_id = id;
  entry.kind = kind;

  if (const auto* created = std::get_if<TaskCreated>(&event.data)) {
    if (id != next_task_id()) {
      return CorruptionError(Describe(event) + " expected task id " +
                             std::to_string(next_task_id()));
    }
    TaskRecord record;
    record.created_at = created->created_at;
    image_.tasks.push_back(record);
    WriteTaskText(id, created->title, created->description);
    ++visible_count_;
  } else {
    if (!Exists(id)) {
      return CorruptionError(Describe(event) + " names an unknown task");
    }
    TaskRecord& record = image_.tasks[id - 1];
    Lifecycle state{(record.flags & TaskRecord::kCompleted) != 0,
                    (record.flags & TaskRecord::kDeleted) != 0,
                    (record.flags & TaskRecord::kPurged) != 0};
    if (const char* refusal = Refusal(state, kind)) {
      return CorruptionError(Describe(event) + " " + refusal);
    }
    Advance(state, kind);
    record.flags = FlagsOf(state);
    entry.previous = record.last_event;

    if (const auto* edited = std::get_if<TaskEdited>(&event.data)) {
      std::string title(edited->title ? *edited->title : Title(record));
      std::string description(edited->description ? *edited->description
                                                  : Description(record));
      WriteTaskText(id, title, description);
      entry.fields = (edited->title ? EventRecord::kHasTitle : 0) |
                     (edited->description ? EventRecord::kHasDescription : 0);
    } else if (kind == Kind::kSoftDeleted) {
      record.deleted_at = event.recorded_at;
      --visible_count_;
    } else if (kind == Kind::kRestored) {
      record.deleted_at = TaskRecord::kNoTime;
      ++visible_count_;
    } else if (kind == Kind::kPurged) {
      EraseTaskText(id);
    }
  }

  TaskRecord& record = image_.tasks[id - 1];
  if (kind == Kind::kCreated || kind == Kind::kEdited) {
    entry.text_offset = record.text_offset;
    entry.title_size = record.title_size;
    entry.description_size = record.description_size;
  }
  WriteOrigin(origin, entry);
  record.last_event = event.sequence;
  ++record.version;
  image_.events.push_back(entry);
  RememberKey(entry, event.sequence);
  return Status::Ok();
}

std::string_view Projection::KeyOf(TaskId id) const {
  return FoldedTitle(image_.tasks[id - 1]);
}

SearchIndex::KeySource Projection::Keys() const {
  return [this](TaskId id) { return KeyOf(id); };
}

std::size_t Projection::TextBytesOf(TaskId id) const {
  const TaskRecord& record = image_.tasks[id - 1];
  return std::size_t{record.title_size} + record.description_size;
}

bool Projection::IsVisibleMatch(TaskId id, std::string_view folded_term) const {
  const TaskRecord& record = image_.tasks[id - 1];
  return (record.flags & TaskRecord::kDeleted) == 0 &&
         FoldedTitle(record).find(folded_term) != std::string_view::npos;
}

Page<Task> Projection::Search(const TaskQuery& query) const {
  const std::string folded_term = FoldForSearch(query.term);
  const std::size_t limit = std::max<std::size_t>(query.limit, 1);

  // Collect one match more than the page holds: it tells whether a next
  // page exists without a second search.
  Page<Task> page;
  std::size_t text_bytes = 0;
  bool more = false;
  auto take = [&](TaskId id) {
    if (!IsVisibleMatch(id, folded_term)) return true;
    if (!PageHasRoom(page.items.size(), limit, text_bytes, TextBytesOf(id))) {
      more = true;
      return false;
    }
    text_bytes += TextBytesOf(id);
    page.items.push_back(Materialize(id));
    return true;
  };

  if (indexed_ && folded_term.size() >= SearchIndex::kMinTermSize) {
    index_.ForEachCandidate(folded_term, query.after, take);
  } else {
    // `after` comes from clients: past the last task (up to the largest
    // 64-bit number, whose successor would wrap to 0) the page is empty.
    const TaskId first = query.after < task_count() ? query.after + 1 : 0;
    for (TaskId id = first; first != 0 && id <= task_count(); ++id) {
      if (!take(id)) break;
    }
  }
  if (more) page.next = page.items.back().id;
  return page;
}

std::vector<Task> Projection::Search(std::string_view term) const {
  return Search({term, 0, std::numeric_limits<std::size_t>::max() - 1}).items;
}

std::vector<Task> Projection::Trash(std::string_view term) const {
  // The whole trash at once, for tests and tools; pages come from the
  // walk below.
  std::string folded_term = FoldForSearch(term);
  std::vector<Task> found;
  for (std::size_t i = 0; i < image_.tasks.size(); ++i) {
    const TaskRecord& record = image_.tasks[i];
    if ((record.flags & TaskRecord::kDeleted) == 0 ||
        (record.flags & TaskRecord::kPurged) != 0) {
      continue;
    }
    if (FoldedTitle(record).find(folded_term) == std::string_view::npos) {
      continue;
    }
    found.push_back(Materialize(i + 1));
  }
  std::sort(found.begin(), found.end(), [](const Task& a, const Task& b) {
    return *a.deleted_sequence > *b.deleted_sequence;
  });
  return found;
}

Page<Task> Projection::Trash(const TrashQuery& query) const {
  const std::string folded_term = FoldForSearch(query.term);
  const std::size_t limit = std::max<std::size_t>(query.limit, 1);
  Sequence at = last_sequence();
  if (query.after != 0) at = std::min(at, query.after - 1);

  std::size_t text_bytes = 0;

  // A task is in the trash when its newest event is the deletion being
  // looked at: a restore or a purge would have come later.
  //
  // TODO(trash-index): a term that matches few deleted tasks walks every
  // event back to the first. The search index yields candidates by id,
  // not by deletion, so pages cannot come from it without a sort; a list
  // of live deletions in sequence order would let the walk skip every
  // other event.
  Page<Task> page;
  for (; at != 0; --at) {
    const EventRecord& entry = image_.events[at - 1];
    if (entry.kind != EventRecord::Kind::kSoftDeleted) continue;
    const TaskRecord& record = image_.tasks[entry.task_id - 1];
    if (record.last_event != at) continue;
    if (FoldedTitle(record).find(folded_term) == std::string_view::npos) {
      continue;
    }
    const std::size_t bytes = TextBytesOf(entry.task_id);
    if (!PageHasRoom(page.items.size(), limit, text_bytes, bytes)) {
      page.next = page.items.back().deleted_sequence;
      break;
    }
    text_bytes += bytes;
    page.items.push_back(Materialize(entry.task_id));
  }
  return page;
}

std::vector<Sequence> Projection::SequencesOf(TaskId id) const {
  std::vector<Sequence> sequences;
  for (Sequence at = image_.tasks[id - 1].last_event; at != 0;
       at = image_.events[at - 1].previous) {
    sequences.push_back(at);
  }
  std::reverse(sequences.begin(), sequences.end());
  return sequences;
}

std::optional<Task> Projection::FindAsOf(TaskId id, Sequence at) const {
  if (!Exists(id)) return std::nullopt;
  std::vector<Sequence> sequences = SequencesOf(id);
  if (sequences.front() > at) return std::nullopt;

  Task task;
  task.id = id;
  task.created_at = image_.tasks[id - 1].created_at;
  Lifecycle state;
  for (Sequence sequence : sequences) {
    if (sequence > at) break;
    const EventRecord& entry = image_.events[sequence - 1];
    if (entry.kind == Kind::kCreated || entry.kind == Kind::kEdited) {
      bool all = entry.kind == Kind::kCreated;
      if (all || (entry.fields & EventRecord::kHasTitle) != 0) {
        task.title = Text(entry.text_offset, entry.title_size);
      }
      if (all || (entry.fields & EventRecord::kHasDescription) != 0) {
        task.description =
            Text(entry.text_offset + entry.title_size, entry.description_size);
      }
    }
    Advance(state, entry.kind);
    if (entry.kind == Kind::kSoftDeleted) {
      task.deleted_at = entry.recorded_at;
      task.deleted_sequence = sequence;
    } else if (entry.kind == Kind::kRestored) {
      task.deleted_at.reset();
      task.deleted_sequence.reset();
    }
    ++task.version;
  }
  task.completed = state.completed;
  task.deleted = state.deleted;
  task.purged = state.purged;
  return task;
}

std::vector<Task> Projection::SearchAsOf(std::string_view term,
                                         Sequence at) const {
  std::string folded_term = FoldForSearch(term);
  std::vector<Task> found;
  for (TaskId id = 1; id <= task_count(); ++id) {
    std::optional<Task> task = FindAsOf(id, at);
    // Tasks are created in id order, so no later one existed either.
    if (!task) break;
    if (task->deleted) continue;
    if (FoldForSearch(task->title).find(folded_term) == std::string::npos) {
      continue;
    }
    found.push_back(std::move(*task));
  }
  return found;
}

Sequence Projection::LastSequenceAt(UnixMicros instant) const {
  Sequence count = 0;
  while (count < last_sequence() &&
         image_.events[count].recorded_at <= instant) {
    ++count;
  }
  return count;
}

Event Projection::Rebuild(Sequence sequence) const {
  const EventRecord& entry = image_.events[sequence - 1];
  const TaskId id = entry.task_id;
  Event event(sequence, entry.recorded_at, TaskSoftDeleted{id});
  std::string title(Text(entry.text_offset, entry.title_size));
  std::string description(
      Text(entry.text_offset + entry.title_size, entry.description_size));
  switch (entry.kind) {
    case Kind::kCreated:
      event.data = TaskCreated{id, std::move(title), std::move(description),
                               image_.tasks[id - 1].created_at};
      break;
    case Kind::kEdited: {
      TaskEdited edited{id, std::nullopt, std::nullopt};
      if ((entry.fields & EventRecord::kHasTitle) != 0) {
        edited.title = std::move(title);
      }
      if ((entry.fields & EventRecord::kHasDescription) != 0) {
        edited.description = std::move(description);
      }
      event.data = std::move(edited);
      break;
    }
    case Kind::kCompleted:
      event.data = TaskCompleted{id};
      break;
    case Kind::kReopened:
      event.data = TaskReopened{id};
      break;
    case Kind::kRestored:
      event.data = TaskRestored{id};
      break;
    case Kind::kPurged:
      event.data = TaskPurged{id};
      break;
    case Kind::kSoftDeleted:
      break;
  }
  std::uint64_t at = entry.origin_offset;
  event.origin.actor = Text(at, entry.actor_size);
  at += entry.actor_size;
  event.origin.request_id = Text(at, entry.request_id_size);
  at += entry.request_id_size;
  event.origin.idempotency_key = Text(at, entry.idempotency_key_size);
  event.origin.request_fingerprint = entry.request_fingerprint;
  return event;
}

std::optional<Event> Projection::EventAt(Sequence sequence) const {
  if (sequence == 0 || sequence > last_sequence()) return std::nullopt;
  return Rebuild(sequence);
}

std::vector<Event> Projection::HistoryOf(TaskId id) const {
  if (!Exists(id)) return {};
  std::vector<Event> events;
  for (Sequence at : SequencesOf(id)) events.push_back(Rebuild(at));
  return events;
}

std::optional<std::string> FirstDifference(const Projection& a,
                                           const Projection& b) {
  // States are compared by what they hold, not by where their text sits:
  // a purge zeroes a task's text where it lies, while a replay of the
  // compacted log never writes it, so the same state can be laid out in
  // two ways.
  auto layout_free = [](TaskRecord record) {
    record.text_offset = 0;
    return record;
  };
  auto search_key = [](const Projection& state, TaskId id) {
    const TaskRecord& record = state.image().tasks[id - 1];
    return std::string_view(state.image().text)
        .substr(
            record.text_offset + record.title_size + record.description_size,
            record.folded_size);
  };
  std::size_t common = std::min(a.task_count(), b.task_count());
  for (TaskId id = 1; id <= common; ++id) {
    std::string task = "task " + std::to_string(id) + ": ";
    Task x = *a.Find(id);
    Task y = *b.Find(id);
    if (x.title != y.title) return task + "title differs";
    if (x.description != y.description) return task + "description differs";
    if (x.deleted != y.deleted || x.deleted_at != y.deleted_at) {
      return task + "deletion differs";
    }
    if (!(x == y)) return task + "differs";
    if (a.HistoryOf(id) != b.HistoryOf(id)) return task + "history differs";
    if (!(layout_free(a.image().tasks[id - 1]) ==
          layout_free(b.image().tasks[id - 1]))) {
      return task + "stored form differs";
    }
    if (search_key(a, id) != search_key(b, id)) {
      return task + "search key differs";
    }
  }
  if (a.task_count() != b.task_count()) {
    return "task " + std::to_string(common + 1) + ": exists in only one";
  }
  // Every event belongs to a task, so equal histories mean equal events,
  // and the idempotency keys are read from the events.
  if (a.last_sequence() != b.last_sequence()) {
    return std::string("the number of events differs");
  }
  return std::nullopt;
}

}  // namespace taskstore::domain
