#include "app/import.h"

#include <nlohmann/json.hpp>

#include "base/time.h"

namespace taskstore::app {
namespace {

using nlohmann::json;

// The task of one line, or the reason it is invalid.
Result<domain::CreateTask> ParseLine(const std::string& line) {
  json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return InvalidArgumentError("not valid JSON");
  if (!object.is_object()) return InvalidArgumentError("not a JSON object");

  domain::CreateTask task;
  auto title = object.find("title");
  if (title == object.end() || !title->is_string()) {
    return InvalidArgumentError("\"title\" is missing or not a string");
  }
  Result<std::string> valid_title =
      domain::ValidateTitle(title->get_ref<const std::string&>());
  if (!valid_title.ok()) return valid_title.status();
  task.title = std::move(valid_title).value();

  auto description = object.find("description");
  if (description != object.end() && !description->is_null()) {
    if (!description->is_string()) {
      return InvalidArgumentError("\"description\" is not a string");
    }
    task.description = description->get<std::string>();
    TASKSTORE_RETURN_IF_ERROR(domain::ValidateDescription(task.description));
  }

  auto created = object.find("created");
  if (created != object.end() && !created->is_null()) {
    if (!created->is_string()) {
      return InvalidArgumentError("\"created\" is not a string");
    }
    Result<UnixMicros> time =
        ParseRfc3339(created->get_ref<const std::string&>());
    if (!time.ok()) return time.status().WithContext("\"created\"");
    task.created_at = *time;
  }
  return task;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

}  // namespace

ImportPlan ReadImportFile(std::istream& input) {
  ImportPlan plan;
  std::string line;
  std::size_t number = 0;
  while (std::getline(input, line)) {
    ++number;
    if (IsBlank(line)) continue;
    Result<domain::CreateTask> task = ParseLine(line);
    if (task.ok()) {
      plan.tasks.push_back(std::move(task).value());
    } else {
      plan.problems.push_back(ImportProblem{number, task.status().message()});
    }
  }
  return plan;
}

}  // namespace taskstore::app
