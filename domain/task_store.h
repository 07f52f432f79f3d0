// The store's front door: validates commands against the current state,
// records accepted ones through the Journal and answers queries.
//
// Thread-safe. Concurrent writers are committed in groups that share one
// journal append (and so one fdatasync); readers run concurrently and see
// only events the journal has made durable.
//
// Every write takes a WriteContext (commands.h). Its checks come in this
// order, and the first that fails decides the answer:
//   1. the context itself (InvalidArgument for a bad actor, request id or
//      key);
//   2. the idempotency key: a key last used by a request with the same
//      fingerprint answers as that request did, as of its last event,
//      and records nothing; a key used by another request is
//      KeyMismatch. A request that recorded nothing (it failed or
//      changed nothing) leaves its key unused;
//   3. the task exists (NotFound), the fields are valid
//      (InvalidArgument);
//   4. the expected versions (VersionMismatch);
//   5. the task's state allows the command (Gone, FailedPrecondition).
#ifndef TASKSTORE_DOMAIN_TASK_STORE_H_
#define TASKSTORE_DOMAIN_TASK_STORE_H_

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/commands.h"
#include "domain/event.h"
#include "domain/journal.h"
#include "domain/projection.h"
#include "domain/task.h"

namespace taskstore::domain {

struct TaskCounts {
  std::size_t visible = 0;
  std::size_t deleted = 0;
};

class TaskStore {
 public:
  // `state` is the projection replayed from `journal`'s events; `journal`
  // must outlive the store. Builds the state's search index if it has
  // none (see Projection::ResumeIndexing).
  TaskStore(Projection state, Journal& journal, Clock clock);

  TaskStore(const TaskStore&) = delete;
  TaskStore& operator=(const TaskStore&) = delete;

  // Records a TaskCreated event and returns the new task.
  // InvalidArgument for a bad title or description; the journal's error
  // when the event could not be made durable.
  Result<Task> Create(const CreateTask& command,
                      const WriteContext& context = {});

  // Validates every command first; if any is invalid nothing is recorded
  // and the error names its index ("task 3: title is empty"). Otherwise
  // appends all the events in one durable batch.
  Result<std::vector<Task>> CreateMany(const std::vector<CreateTask>& commands,
                                       const WriteContext& context = {});

  // Records a TaskEdited event when the title or description changes
  // (only the changed fields), then a TaskCompleted or TaskReopened event
  // when the completion changes; returns the task after them. NotFound
  // for an unknown task, InvalidArgument for a bad field, Gone for a
  // deleted task (even when nothing would change).
  Result<Task> Update(const UpdateTask& command,
                      const WriteContext& context = {});

  // Records a TaskSoftDeleted event. NotFound for an unknown task, Gone
  // for a task already deleted; neither records anything.
  Status SoftDelete(const SoftDeleteTask& command,
                    const WriteContext& context = {});

  // Records a TaskRestored event and returns the visible task. NotFound
  // for an unknown task, Gone for a purged one, FailedPrecondition for
  // one that is not deleted.
  Result<Task> Restore(const RestoreTask& command,
                       const WriteContext& context = {});

  // Records a TaskPurged event, which erases the task's text. NotFound
  // for an unknown task, Gone for a purged one, FailedPrecondition for
  // one that is not deleted.
  Status Purge(const PurgeTask& command, const WriteContext& context = {});

  // NotFound for an unknown task; Gone (with no task) for a deleted one.
  Result<Task> Get(TaskId id) const;

  // See Projection::Search: one page of visible tasks matching a term.
  Page<Task> Search(const TaskQuery& query) const;

  // Every visible task matching `term`; for tests and small stores.
  // As Get, on the state as of `instant` (see Projection::LastSequenceAt):
  // NotFound for a task that did not exist yet.
  Result<Task> GetAsOf(TaskId id, UnixMicros instant) const;

  // See Projection::Search.
  std::vector<Task> Search(std::string_view term) const;

  // See Projection::SearchAsOf, as of `instant`.
  std::vector<Task> SearchAsOf(std::string_view term, UnixMicros instant) const;

  // See Projection::Trash.
  std::vector<Task> Trash(std::string_view term) const;

  // Every event of the task, deleted or not. NotFound for an unknown task.
  Result<std::vector<Event>> History(TaskId id) const;

  // Up to `limit` events with sequence numbers after `after`, in sequence
  // order: the global feed. Only committed (durable) events are seen.
  std::vector<Event> EventsAfter(Sequence after, std::size_t limit) const;

  // The sequence number of the newest committed event; 0 for none.
  Sequence LastSequence() const;
  // How many tasks are visible and how many deleted. Cheap: no copy.
  TaskCounts Counts() const;

  // The journal's health (see Journal::Health): non-OK when writes can no
  // longer succeed, while reads still do.
  Status Health() const;

  // A copy of the whole state, for comparisons and snapshots. Writers
  // wait while it is taken; readers do not.
  Projection StateCopy() const;

  // Calls `observer` with the last sequence number after every commit,
  // from the committing thread, outside the store's locks. Set it before
  // the store is shared between threads.
  void SetCommitObserver(std::function<void(Sequence)> observer);

 private:
  using Command = std::variant<std::vector<CreateTask>, UpdateTask,
                               SoftDeleteTask, RestoreTask, PurgeTask>;

  // A task as the answer to a write: task `task_id` as of event `as_of`.
  struct Answer {
    TaskId task_id = 0;
    Sequence as_of = 0;
  };

  // One caller's command waiting to be committed (group commit, see the
  // .cc file). Lives on the caller's stack.
  struct PendingWrite {
    Command command;
    const WriteContext& context;
    Result<std::vector<Task>> outcome = std::vector<Task>();
    bool lead = false;  // this caller commits the next batch
    bool done = false;  // outcome is final
  };
  class BatchDecider;

  Result<Task> SubmitOne(Command command, const WriteContext& context);

  // Queues `write` and returns once it is committed or refused.
  Result<std::vector<Task>> Submit(PendingWrite& write);

  // Decides, journals and applies a batch. Run by one leader at a time.
  void CommitBatch(const std::vector<PendingWrite*>& batch);

  Journal& journal_;
  const Clock clock_;
  std::function<void(Sequence)> commit_observer_;

  std::mutex queue_mutex_;  // guards queue_, leader_active_ and the flags
  std::condition_variable queue_changed_;
  std::vector<PendingWrite*> queue_;
  bool leader_active_ = false;

  // Written only by the leader, which holds state_mutex_ exclusively for
  // the brief apply; readers hold it shared.
  mutable std::shared_mutex state_mutex_;
  Projection state_;
};

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_TASK_STORE_H_
