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
      {"version", task.version},
  };
}

// Null for an empty origin string: events recorded before origins were
// kept.
Json OrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

Json DataJson(const domain::EventData& data) {
  if (const auto* created = std::get_if<domain::TaskCreated>(&data)) {
    return Json{
        {"title", created->title},
        {"description", created->description},
        {"created_at", FormatRfc3339(created->created_at)},
    };
  }
  if (const auto* edited = std::get_if<domain::TaskEdited>(&data)) {
    Json json = Json::object();
    if (edited->title) json["title"] = *edited->title;
    if (edited->description) json["description"] = *edited->description;
    return json;
  }
  return Json::object();  // the others carry nothing but their task's id
}

Json ToJson(const domain::Event& event) {
  return Json{
      {"sequence", event.sequence},
      {"type", domain::EventTypeName(event.data)},
      {"recorded_at", FormatRfc3339(event.recorded_at)},
      {"task_id", domain::TaskIdOf(event.data)},
      {"data", DataJson(event.data)},
      {"actor", OrNull(event.origin.actor)},
      {"request_id", OrNull(event.origin.request_id)},
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

// A page's "next": the cursor, or null on the last page.
Json Cursor(std::optional<std::uint64_t> next) {
  if (!next) return nullptr;
  return *next;
}

}  // namespace

std::string TaskJson(const domain::Task& task) { return Dump(ToJson(task)); }

std::string TaskListJson(std::span<const domain::Task> tasks,
                         std::optional<std::uint64_t> next) {
  Json list = Json::array();
  for (const domain::Task& task : tasks) list.push_back(ToJson(task));
  return Dump(Json{{"tasks", std::move(list)}, {"next", Cursor(next)}});
}

std::string EventJson(const domain::Event& event) {
  return Dump(ToJson(event));
}

std::string SnapshotJson(std::string_view name) {
  Json json = Json::object();
  json["snapshot"] = name;
  return Dump(json);
}

std::string EventListJson(std::span<const domain::Event> events,
                          std::optional<std::uint64_t> next) {
  Json list = Json::array();
  for (const domain::Event& event : events) list.push_back(ToJson(event));
  return Dump(Json{{"events", std::move(list)}, {"next", Cursor(next)}});
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

namespace {

constexpr std::string_view kUpdateExample =
    R"(; send an object such as {"title": "Buy oat milk", "completed": true})";

// The body parsed as a JSON object, or InvalidArgument saying what is
// wrong with it; `example` ends the message.
Result<Json> ParseObject(std::string_view body, std::string_view example) {
  if (body.empty()) {
    return InvalidArgumentError("request body is empty" + std::string(example));
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
                                std::string(example));
  }
  return json;
}

Status WrongType(const std::string& name, std::string_view wanted,
                 const Json& value) {
  return InvalidArgumentError("member \"" + name + "\" must be " +
                              std::string(wanted) + ", not " +
                              std::string(value.type_name()));
}

}  // namespace

Result<domain::UpdateTask> ParseUpdateTaskJson(domain::TaskId id,
                                               std::string_view body) {
  Result<Json> json = ParseObject(body, kUpdateExample);
  if (!json.ok()) return json.status();
  domain::UpdateTask command;
  command.id = id;
  for (const auto& [name, value] : json->items()) {
    if (name == "title" || name == "description") {
      if (!value.is_string()) return WrongType(name, "a string", value);
      (name == "title" ? command.title : command.description) =
          value.get<std::string>();
    } else if (name == "completed") {
      if (!value.is_boolean()) return WrongType(name, "true or false", value);
      command.completed = value.get<bool>();
    } else {
      return InvalidArgumentError(
          "member \"" + name +
          "\" is not one of \"title\", \"description\" and \"completed\"");
    }
  }
  return command;
}

Result<domain::CreateTask> ParseCreateTaskJson(std::string_view body) {
  Result<Json> parsed = ParseObject(body, kCreateExample);
  if (!parsed.ok()) return parsed.status();
  const Json& json = *parsed;

  // A misspelt member ("descripton") would otherwise lose its text
  // without a word, so every member must be one the API knows.
  for (const auto& [name, value] : json.items()) {
    if (name != "title" && name != "description") {
      return InvalidArgumentError("unknown member \"" + name +
                                  "\"; a task has \"title\" and "
                                  "\"description\"");
    }
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
