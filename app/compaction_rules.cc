#include "app/compaction_rules.h"

#include <optional>
#include <utility>
#include <variant>
#include <vector>

namespace taskstore::app {
namespace {

bool IsPurge(const domain::Event& event) {
  return std::holds_alternative<domain::TaskPurged>(event.data);
}

// The tasks that `store` holds a purge of.
std::unordered_set<domain::TaskId> PurgedTasks(domain::TaskStore& store) {
  // TODO(purge-query): this reads every event of the store once per
  // compaction; a set of purged tasks kept by the projection would answer
  // at once.
  constexpr std::size_t kBatch = 4096;
  std::unordered_set<domain::TaskId> purged;
  domain::Sequence after = 0;
  while (true) {
    std::vector<domain::Event> events = store.EventsAfter(after, kBatch);
    for (const domain::Event& event : events) {
      if (IsPurge(event)) purged.insert(domain::TaskIdOf(event.data));
    }
    if (events.size() < kBatch) return purged;
    after = events.back().sequence;
  }
}

}  // namespace

eventlog::EventRewrite EraseEventsOf(
    std::unordered_set<domain::TaskId> purged) {
  return [purged = std::move(purged)](
             const domain::Event& event) -> std::optional<domain::Event> {
    if (!purged.contains(domain::TaskIdOf(event.data))) return std::nullopt;
    return domain::ErasedForm(event);
  };
}

CompactionRules PurgeCompactionRules(domain::TaskStore& store) {
  return CompactionRules{
      .triggers = IsPurge,
      .make_rewrite = [&store] { return EraseEventsOf(PurgedTasks(store)); },
  };
}

}  // namespace taskstore::app
