#include "app/compaction_rules.h"

#include <optional>

namespace taskstore::app {

CompactionRules PurgeCompactionRules(domain::TaskStore&) {
  // TODO(purge-wiring): the domain has no purge event yet, so nothing
  // triggers a compaction and the rewrite keeps every event; once it has
  // one, `triggers` is "is a purge" and the rewrite gives the erased form
  // of every event of a purged task.
  return CompactionRules{
      .triggers = nullptr,
      .make_rewrite =
          [] {
            return [](const domain::Event&) -> std::optional<domain::Event> {
              return std::nullopt;
            };
          },
  };
}

}  // namespace taskstore::app
