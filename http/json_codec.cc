#include "http/json_codec.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "base/time.h"

namespace taskstore::http {
namespace {

// Keeps members in the documented order rather than sorted by name.
using Json = nlohmann::ordered_json;

constexpr std::string_view kCreateExample =
    R"(; send an object such as {"title": "Buy milk", "description": ""})";

std::string Dump(const Json& json) {
  // The store only holds valid UTF-8, so replacing is never expected to
  // happen; it keeps dump() from throwing if that ever changes.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json ToJson(const domain::Task& task) {
  Json deleted_at = nullptr;
  if (task.deleted_at) deleted_at = FormatRfc3339(*task.deleted_at);
  return Json{
      {"id", task.id},
      {"title", task.title},
      {"description", task.description},
      {"completed", task.completed},
      {"deleted", task.deleted},
      {"created_at", FormatRfc3339(task.created_at)},
      {"deleted_at", std::move(deleted_at)},
  };
}

Json DataJson(const domain::EventData& data) {
  if (const auto* created = std::get_if<domain::TaskCreated>(&data)) {
    return Json{
        {"title", created->title},
        {"description", created->description},
        {"created_at", FormatRfc3339(created->created_at)},
    };
  }
  return Json::object();  // TaskSoftDeleted carries nothing but its id
}

Json ToJson(const domain::Event& event) {
  return Json{
      {"sequence", event.sequence},
      {"type", domain::EventTypeName(event.data)},
      {"recorded_at", FormatRfc3339(event.recorded_at)},
      {"task_id", domain::TaskIdOf(event.data)},
      {"data", DataJson(event.data)},
  };
}

// nlohmann's messages start with a tag such as
// "[json.exception.parse_error.101] "; people need only the rest.
std::string WithoutTag(std::string_view message) {
  std::size_t end_of_tag = message.find("] ");
  if (end_of_tag != std::string_view::npos) {
    message.remove_prefix(end_of_tag + 2);
  }
  return std::string(message);
}

}  // namespace

std::string TaskJson(const domain::Task& task) { return Dump(ToJson(task)); }

std::string TaskListJson(std::span<const domain::Task> tasks) {
  Json list = Json::array();
  for (const domain::Task& task : tasks) list.push_back(ToJson(task));
  return Dump(Json{{"tasks", std::move(list)}});
}

std::string EventJson(const domain::Event& event) {
  return Dump(ToJson(event));
}

std::string SnapshotJson(std::string_view name) {
  Json json = Json::object();
  json["snapshot"] = name;
  return Dump(json);
}

std::string EventListJson(std::span<const domain::Event> events) {
  Json list = Json::array();
  for (const domain::Event& event : events) list.push_back(ToJson(event));
  return Dump(Json{{"events", std::move(list)}});
}

std::string EventPageJson(std::span<const domain::Event> events,
                          std::optional<domain::Sequence> next) {
  Json list = Json::array();
  for (const domain::Event& event : events) list.push_back(ToJson(event));
  Json next_json = nullptr;
  if (next) next_json = *next;
  return Dump(
      Json{{"events", std::move(list)}, {"next", std::move(next_json)}});
}

Result<domain::CreateTask> ParseCreateTaskJson(std::string_view body) {
  if (body.empty()) {
    return InvalidArgumentError("request body is empty" +
                                std::string(kCreateExample));
  }
  Json json;
  try {
    json = Json::parse(body);
  } catch (const Json::exception& error) {
    // The JSON library reports by exception, a syntax error or a number
    // out of range alike; it stops here.
    return InvalidArgumentError("request body is not valid JSON (" +
                                WithoutTag(error.what()) + ")");
  }
  if (!json.is_object()) {
    return InvalidArgumentError("request body is a JSON " +
                                std::string(json.type_name()) +
                                std::string(kCreateExample));
  }

  domain::CreateTask command;
  auto title = json.find("title");
  if (title == json.end()) {
    return InvalidArgumentError(R"(member "title" is missing)" +
                                std::string(kCreateExample));
  }
  if (!title->is_string()) {
    return InvalidArgumentError(R"(member "title" must be a string, not )" +
                                std::string(title->type_name()));
  }
  command.title = title->get<std::string>();

  auto description = json.find("description");
  // null means "none", as in `taskstore import`.
  if (description != json.end() && !description->is_null()) {
    if (!description->is_string()) {
      return InvalidArgumentError(
          R"(member "description" must be a string, not )" +
          std::string(description->type_name()));
    }
    command.description = description->get<std::string>();
  }
  return command;
}

}  // namespace taskstore::http
