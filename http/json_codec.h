// The JSON forms of tasks and events that the API sends, and the JSON
// body it accepts to create a task. Text in, text out, so that callers
// need no JSON library.
#ifndef TASKSTORE_HTTP_JSON_CODEC_H_
#define TASKSTORE_HTTP_JSON_CODEC_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/commands.h"
#include "domain/event.h"
#include "domain/task.h"

namespace taskstore::http {

// {"id", "title", "description", "completed", "deleted", "created_at",
// "deleted_at", "version"}; times are RFC 3339 UTC, "deleted_at" is null
// while the task is visible; "version" is the number of events about the
// task (the ETag's value).
std::string TaskJson(const domain::Task& task);

// {"tasks": [task...], "next": cursor or null}: one page, in the given
// order (see domain/page.h).
std::string TaskListJson(std::span<const domain::Task> tasks,
                         std::optional<std::uint64_t> next);

// {"events": [event...], "next": cursor or null}: one page, in the given
// order (see domain/page.h), where an event is
// {"sequence", "type", "recorded_at", "task_id", "data", "actor",
// "request_id"}; "data" is {"title", "description", "created_at"} for
// TaskCreated, the fields it changed ({"title"?, "description"?}) for
// TaskEdited and {} for the others; "actor" and "request_id" are null for
// events recorded before they were kept.
std::string EventListJson(std::span<const domain::Event> events,
                          std::optional<std::uint64_t> next);

// A page of the global feed: {"events": [event...], "next": sequence or
// null}, where "next" is the value of `after` that asks for the following
// page, and null on the last page.
std::string EventPageJson(std::span<const domain::Event> events,
                          std::optional<domain::Sequence> next);

// One event on its own, as in EventListJson.
std::string EventJson(const domain::Event& event);

// {"snapshot": name}.
std::string SnapshotJson(std::string_view name);

// Reads a create request, {"title": string, "description"?: string or
// null}. Fails with InvalidArgument, saying what to fix, when the body is
// not JSON, not an object, lacks a string "title", has a "description"
// that is not a string, or has any other member (a misspelt one would
// lose its text). The title and
// description are not validated here; the store does that.
Result<domain::CreateTask> ParseCreateTaskJson(std::string_view body);

// Reads a change request, an object with any of "title" (string),
// "description" (string) and "completed" (boolean), into a command for
// task `id`. Fails with InvalidArgument for a body that is not a JSON
// object, a member of another type, or any other member.
Result<domain::UpdateTask> ParseUpdateTaskJson(domain::TaskId id,
                                               std::string_view body);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_JSON_CODEC_H_
