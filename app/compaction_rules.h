// The compaction rules of this store's domain: which events make a
// compaction due and how an event of a purged task is erased (see
// compaction.h).
#ifndef TASKSTORE_APP_COMPACTION_RULES_H_
#define TASKSTORE_APP_COMPACTION_RULES_H_

#include "app/compaction.h"
#include "domain/task_store.h"

namespace taskstore::app {

// `store` must outlive the rules.
CompactionRules PurgeCompactionRules(domain::TaskStore& store);

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_COMPACTION_RULES_H_
