// The compaction rules of this store's domain: a purge makes a compaction
// due, and every event of a purged task is rewritten to its erased form
// (domain::ErasedForm). See compaction.h.
#ifndef TASKSTORE_APP_COMPACTION_RULES_H_
#define TASKSTORE_APP_COMPACTION_RULES_H_

#include <unordered_set>

#include "app/compaction.h"
#include "domain/task_store.h"
#include "eventlog/segment_rewrite.h"

namespace taskstore::app {

// The rewrite that erases every event of the tasks in `purged` and keeps
// every other event.
eventlog::EventRewrite EraseEventsOf(std::unordered_set<domain::TaskId> purged);

// `store` must outlive the rules. The rewrite is made from the purges the
// store holds when a compaction begins.
CompactionRules PurgeCompactionRules(domain::TaskStore& store);

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_COMPACTION_RULES_H_
