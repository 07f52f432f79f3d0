// The `--sync` flag of `taskstore serve`.
#ifndef TASKSTORE_APP_SYNC_FLAG_H_
#define TASKSTORE_APP_SYNC_FLAG_H_

#include <string_view>

#include "base/result.h"
#include "eventlog/event_log.h"

namespace taskstore::app {

// "always" | "interval=MS" (1 ≤ MS ≤ 60000) | "none", applied to
// `options`. InvalidArgument naming the accepted forms otherwise.
Status ApplySyncFlag(std::string_view flag, eventlog::LogOptions& options);

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_SYNC_FLAG_H_
