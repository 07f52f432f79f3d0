#include "domain/event.h"

#include <array>

namespace taskstore::domain {
namespace {

// In the order of EventData's alternatives.
constexpr std::array<std::string_view, std::variant_size_v<EventData>>
    kTypeNames = {"TaskCreated",   "TaskSoftDeleted", "TaskEdited",
                  "TaskCompleted", "TaskReopened",    "TaskRestored",
                  "TaskPurged"};

}  // namespace

TaskId TaskIdOf(const EventData& data) {
  return std::visit([](const auto& event) { return event.task_id; }, data);
}

std::string_view EventTypeName(const EventData& data) {
  return kTypeNames[data.index()];
}

std::optional<std::size_t> EventTypeIndex(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return i;
  }
  return std::nullopt;
}

Event ErasedForm(const Event& event) {
  Event erased = event;
  if (auto* created = std::get_if<TaskCreated>(&erased.data)) {
    created->title.clear();
    created->description.clear();
  } else if (auto* edited = std::get_if<TaskEdited>(&erased.data)) {
    if (edited->title) edited->title->clear();
    if (edited->description) edited->description->clear();
  }
  return erased;
}

}  // namespace taskstore::domain
