#include "domain/event.h"

namespace taskstore::domain {

TaskId TaskIdOf(const EventData& data) {
  return std::visit([](const auto& event) { return event.task_id; }, data);
}

std::string_view EventTypeName(const EventData& data) {
  if (std::holds_alternative<TaskCreated>(data)) return "TaskCreated";
  return "TaskSoftDeleted";
}

}  // namespace taskstore::domain
