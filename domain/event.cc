#include "domain/event.h"

namespace taskstore::domain {
namespace {

template <typename... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};

}  // namespace

TaskId TaskIdOf(const EventData& data) {
  return std::visit([](const auto& event) { return event.task_id; }, data);
}

std::string_view EventTypeName(const EventData& data) {
  return std::visit(
      Overloaded{
          [](const TaskCreated&) { return std::string_view("TaskCreated"); },
          [](const TaskSoftDeleted&) {
            return std::string_view("TaskSoftDeleted");
          },
      },
      data);
}

}  // namespace taskstore::domain
