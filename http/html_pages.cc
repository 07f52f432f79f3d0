#include "http/html_pages.h"

#include <string>

#include "base/sha256.h"
#include "base/time.h"
#include "http/target.h"

namespace taskstore::http {
namespace {

// One small style sheet, inline so that a page is a single response; the
// Content-Security-Policy allows exactly this text by its hash. It keeps
// to one readable column: full width on a phone, centred on a desktop.
// Controls are at least 44 px tall so that a finger hits them, and the
// keyboard focus is always drawn.
constexpr std::string_view kStyle = R"(
:root { color-scheme: light dark; --text: #1b1f24; --muted: #57606a;
  --line: #d0d7de; --field: #fff; --page: #f6f8fa; --card: #fff;
  --accent: #0b57d0; --on-accent: #fff; --danger: #b3261e; --focus: #e8710a;
  font: 100%/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu,
    "Noto Sans", "DejaVu Sans", sans-serif; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6edf3; --muted: #9da7b3; --line: #3d444d;
    --field: #0d1117; --page: #0d1117; --card: #161b22; --accent: #4c8df6;
    --on-accent: #0d1117; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; background: var(--page);
  color: var(--text); }
main { max-width: 44rem; margin: 0 auto; }
h1, h2, h3, p { overflow-wrap: anywhere; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: .25rem 0 1rem; }
h2 { font-size: 1.125rem; margin: 1.75rem 0 .75rem; }
a { color: var(--accent); }
input, textarea, button { font: inherit; min-height: 2.75rem;
  padding: .5rem .75rem; border-radius: .5rem; }
input, textarea { width: 100%; color: inherit; background: var(--field);
  border: 1px solid var(--line); }
textarea { resize: vertical; }
button { cursor: pointer; font-weight: 600; color: var(--on-accent);
  background: var(--accent); border: 1px solid var(--accent);
  padding-inline: 1rem; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.search { display: flex; gap: .5rem; }
.search input { flex: 1; min-width: 0; }
.add { display: grid; gap: .375rem; padding: 1rem; background: var(--card);
  border: 1px solid var(--line); border-radius: .75rem; }
.add label { font-weight: 600; }
.add label + input, .add label + textarea { margin-bottom: .5rem; }
.add button { justify-self: start; }
.error { color: var(--danger); font-weight: 600; margin: 0 0 .75rem; }
.tasks { list-style: none; margin: 0; padding: 0; }
.tasks li { display: flex; gap: .75rem; align-items: flex-start;
  justify-content: space-between; padding: .875rem 0;
  border-top: 1px solid var(--line); }
.tasks li:last-child { border-bottom: 1px solid var(--line); }
.tasks li > div { flex: 1; min-width: 0; }
.tasks h3 { font-size: 1rem; margin: 0; }
.tasks form { flex: none; }
.tasks button { color: var(--accent); background: transparent;
  border-color: currentColor; }
.tasks .delete { color: var(--danger); }
.description { margin: .25rem 0 0; white-space: pre-wrap; }
.created, .empty { color: var(--muted); }
.created { margin: .25rem 0 0; font-size: .875rem; }
@media (min-width: 48rem) {
  body { padding: 2rem; }
  h1 { font-size: 2rem; } }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
.completed h3 { text-decoration: line-through; opacity: .7; }
nav { margin: 0 0 1rem; display: flex; gap: 1rem; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; vertical-align: top;
  border-top: 1px solid #8885; overflow-wrap: anywhere; }
)";

std::string BuildPolicy() {
  return "default-src 'none'; style-src 'sha256-" + Base64(Sha256(kStyle)) +
         "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}

void AppendHead(std::string& html, std::string_view title) {
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n";
  html += "<meta charset=\"utf-8\">\n";
  html +=
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n";
  html += "<title>";
  html += HtmlEscape(title);
  html += "</title>\n<style>";
  html += kStyle;
  html += "</style>\n</head>\n<body>\n<main>\n";
}

void AppendFoot(std::string& html) { html += "</main>\n</body>\n</html>\n"; }

// "2024-05-01 09:30 UTC" for people, the exact time for machines.
void AppendTime(std::string& html, UnixMicros time) {
  std::string exact = FormatRfc3339(time);
  std::string shown = exact;
  std::size_t t = exact.find('T');
  if (t != std::string::npos && exact.size() >= t + 6) {
    shown = exact.substr(0, t) + " " + exact.substr(t + 1, 5) + " UTC";
  }
  html += "<time datetime=\"" + exact + "\">" + shown + "</time>";
}

void AppendSearchForm(std::string& html, std::string_view term) {
  html +=
      "<form class=\"search\" method=\"get\" action=\"/tasks\" "
      "role=\"search\">\n"
      "<input type=\"search\" name=\"searchterm\" "
      "aria-label=\"Search titles\" placeholder=\"Search titles\" value=\"";
  html += HtmlEscape(term);
  html += "\">\n<button type=\"submit\">Search</button>\n</form>\n";
}

void AppendAddForm(std::string& html, const TaskListPage& page) {
  html += "<h2>Add a task</h2>\n";
  if (!page.form_error.empty()) {
    html += "<p class=\"error\" role=\"alert\">";
    html += HtmlEscape(page.form_error);
    html += "</p>\n";
  }
  html +=
      "<form class=\"add\" method=\"post\" action=\"/tasks\">\n"
      "<label for=\"title\">Title</label>\n"
      "<input id=\"title\" name=\"title\" autocomplete=\"off\" required "
      "value=\"";
  html += HtmlEscape(page.entered_title);
  html +=
      "\">\n<label for=\"description\">Description</label>\n"
      "<textarea id=\"description\" name=\"description\" rows=\"3\">";
  html += HtmlEscape(page.entered_description);
  html +=
      "</textarea>\n<button type=\"submit\">Add task</button>\n"
      "</form>\n";
}

enum class Emphasis { kNormal, kDestructive };

void AppendButtonForm(std::string& html, std::string_view action,
                      std::string_view label, std::string_view aria_label,
                      Emphasis emphasis = Emphasis::kNormal) {
  html += "<form method=\"post\" action=\"";
  html += action;
  html += "\">";
  html += emphasis == Emphasis::kDestructive
              ? "<button type=\"submit\" class=\"delete\" aria-label=\""
              : "<button type=\"submit\" aria-label=\"";
  html += HtmlEscape(aria_label);
  html += "\">";
  html += label;
  html += "</button></form>\n";
}

// A checkbox that works without scripts: a button that shows the task's
// state (role "checkbox") and posts the other one.
void AppendCompletionToggle(std::string& html, const domain::Task& task) {
  html += "<form method=\"post\" action=\"/tasks/" + std::to_string(task.id) +
          "/complete\"><input type=\"hidden\" name=\"completed\" value=\"";
  html += task.completed ? "false" : "true";
  html += "\"><button type=\"submit\" role=\"checkbox\" aria-checked=\"";
  html += task.completed ? "true" : "false";
  html += "\" aria-label=\"Completed: ";
  html += HtmlEscape(task.title);
  html += "\">";
  html += task.completed ? "\u2611 Reopen" : "\u2610 Complete";
  html += "</button></form>\n";
}

void AppendTask(std::string& html, const domain::Task& task) {
  std::string id = std::to_string(task.id);
  html += "<li id=\"task-" + id + "\"";
  if (task.completed) html += " class=\"completed\"";
  html += ">\n<div>\n<h3>";
  html += HtmlEscape(task.title);
  html += "</h3>\n";
  if (!task.description.empty()) {
    html += "<p class=\"description\">";
    html += HtmlEscape(task.description);
    html += "</p>\n";
  }
  html += "<p class=\"created\">Created ";
  AppendTime(html, task.created_at);
  html += "</p>\n</div>\n<div class=\"actions\">\n";
  std::string title(task.title);
  AppendCompletionToggle(html, task);
  html += "<a href=\"/tasks/" + id + "/edit\">Edit</a>\n";
  html += "<a href=\"/tasks/" + id + "/history\">History</a>\n";
  AppendButtonForm(html, "/tasks/" + id + "/delete", "Delete",
                   "Delete " + title, Emphasis::kDestructive);
  html += "</div>\n</li>\n";
}

void AppendTaskList(std::string& html, const TaskListPage& page) {
  std::size_t count = page.tasks.size();
  bool paged = page.after != 0 || page.next;
  html += "<h2>";
  html += std::to_string(count);
  html += count == 1 ? " task" : " tasks";
  if (paged) html += " on this page";
  if (!page.search_term.empty()) {
    html += " matching \u201c";
    html += HtmlEscape(page.search_term);
    html += "\u201d";
  }
  html += "</h2>\n";
  if (count == 0 && page.after != 0) {
    html += "<p class=\"empty\">No more tasks.</p>\n";
    return;
  }
  if (count == 0) {
    html += page.search_term.empty()
                ? "<p class=\"empty\">Nothing to do yet.</p>\n"
                : "<p class=\"empty\"><a href=\"/tasks\">Show all "
                  "tasks</a></p>\n";
    return;
  }
  html += "<ul class=\"tasks\">\n";
  for (const domain::Task& task : page.tasks) AppendTask(html, task);
  html += "</ul>\n";
}

// "/tasks?searchterm=...&after=N&limit=M", keeping the search and the
// chosen page size; no `after` for the first page.
std::string ListLink(const TaskListPage& page, std::uint64_t after) {
  std::string link = "/tasks?searchterm=" + EncodeQueryValue(page.search_term);
  if (after != 0) link += "&after=" + std::to_string(after);
  if (page.limit) link += "&limit=" + std::to_string(*page.limit);
  return link;
}

void AppendPageLinks(std::string& html, const TaskListPage& page) {
  if (page.after == 0 && !page.next) return;
  html += "<nav class=\"pages\" aria-label=\"Pages\">\n";
  if (page.after != 0) {
    html +=
        "<a href=\"" + HtmlEscape(ListLink(page, 0)) + "\">First page</a>\n";
  }
  if (page.next) {
    html += "<a rel=\"next\" href=\"" + HtmlEscape(ListLink(page, *page.next)) +
            "\">Next page</a>\n";
  }
  html += "</nav>\n";
}

}  // namespace

std::string_view HtmlPagePolicy() {
  static const std::string policy = BuildPolicy();
  return policy;
}

std::string HtmlEscape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      case '\0':
        // HTML forbids NUL in text; browsers show U+FFFD in its place.
        escaped += "&#xFFFD;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string RenderTaskListPage(const TaskListPage& page) {
  std::string html;
  AppendHead(html, "Tasks");
  html += "<h1>Tasks</h1>\n";
  html += "<nav><a href=\"/trash\">Trash</a></nav>\n";
  AppendSearchForm(html, page.search_term);
  AppendAddForm(html, page);
  AppendTaskList(html, page);
  AppendPageLinks(html, page);
  AppendFoot(html);
  return html;
}

std::string RenderEditPage(const EditPage& page) {
  std::string id = std::to_string(page.task->id);
  std::string html;
  AppendHead(html, "Edit task");
  html += "<h1>Edit task</h1>\n";
  html += "<nav><a href=\"/tasks\">Back to the tasks</a>";
  html += "<a href=\"/tasks/" + id + "/history\">History</a></nav>\n";
  if (!page.form_error.empty()) {
    html += "<p class=\"error\" role=\"alert\">";
    html += HtmlEscape(page.form_error);
    html += "</p>\n";
  }
  html += "<form class=\"add\" method=\"post\" action=\"/tasks/" + id +
          "/edit\">\n<label for=\"title\">Title</label>\n"
          "<input id=\"title\" name=\"title\" autocomplete=\"off\" value=\"";
  html += HtmlEscape(page.entered_title);
  html +=
      "\">\n<label for=\"description\">Description</label>\n"
      "<textarea id=\"description\" name=\"description\" rows=\"5\">";
  html += HtmlEscape(page.entered_description);
  html += "</textarea>\n<button type=\"submit\">Save</button>\n</form>\n";
  AppendFoot(html);
  return html;
}

std::string RenderTrashPage(std::span<const domain::Task> tasks,
                            std::string_view search_term) {
  std::string html;
  AppendHead(html, "Trash");
  html +=
      "<h1>Trash</h1>\n<nav><a href=\"/tasks\">Back to the tasks</a>"
      "</nav>\n";
  html +=
      "<form class=\"search\" method=\"get\" action=\"/trash\" "
      "role=\"search\">\n<input type=\"search\" name=\"searchterm\" "
      "aria-label=\"Search the trash\" placeholder=\"Search the trash\" "
      "value=\"";
  html += HtmlEscape(search_term);
  html += "\">\n<button type=\"submit\">Search</button>\n</form>\n";
  if (tasks.empty()) {
    html += "<p class=\"empty\">The trash is empty.</p>\n";
    AppendFoot(html);
    return html;
  }
  html += "<ul class=\"tasks\">\n";
  for (const domain::Task& task : tasks) {
    std::string id = std::to_string(task.id);
    std::string title(task.title);
    html += "<li id=\"task-" + id + "\">\n<div>\n<h3>";
    html += HtmlEscape(task.title);
    html += "</h3>\n<p class=\"created\">Deleted ";
    if (task.deleted_at) AppendTime(html, *task.deleted_at);
    html += "</p>\n</div>\n<div class=\"actions\">\n";
    AppendButtonForm(html, "/tasks/" + id + "/restore", "Restore",
                     "Restore " + title);
    AppendButtonForm(html, "/trash/" + id + "/purge", "Purge", "Purge " + title,
                     Emphasis::kDestructive);
    html += "</div>\n</li>\n";
  }
  html += "</ul>\n";
  AppendFoot(html);
  return html;
}

namespace {

// What an event changed, in words.
std::string EventSummary(const domain::Event& event) {
  if (const auto* created = std::get_if<domain::TaskCreated>(&event.data)) {
    return "Created as \u201c" + created->title + "\u201d";
  }
  if (const auto* edited = std::get_if<domain::TaskEdited>(&event.data)) {
    std::string summary;
    if (edited->title) summary = "Title: \u201c" + *edited->title + "\u201d";
    if (edited->description) {
      if (!summary.empty()) summary += "; ";
      summary += "description changed";
    }
    return summary;
  }
  return "";
}

}  // namespace

std::string RenderHistoryPage(domain::TaskId id,
                              std::span<const domain::Event> events) {
  std::string html;
  std::string heading = "History of task " + std::to_string(id);
  AppendHead(html, heading);
  html += "<h1>" + heading + "</h1>\n";
  html +=
      "<nav><a href=\"/tasks\">Back to the tasks</a>"
      "<a href=\"/trash\">Trash</a></nav>\n";
  html +=
      "<table>\n<thead><tr><th>#</th><th>Event</th><th>When</th>"
      "<th>By</th><th>Change</th></tr></thead>\n<tbody>\n";
  for (const domain::Event& event : events) {
    html += "<tr><td>" + std::to_string(event.sequence) + "</td><td>";
    html += domain::EventTypeName(event.data);
    html += "</td><td>";
    AppendTime(html, event.recorded_at);
    html += "</td><td>";
    html += HtmlEscape(event.origin.actor);
    html += "</td><td>";
    html += HtmlEscape(EventSummary(event));
    html += "</td></tr>\n";
  }
  html += "</tbody>\n</table>\n";
  AppendFoot(html);
  return html;
}

std::string RenderErrorPage(unsigned status, std::string_view reason,
                            std::string_view message) {
  std::string heading = std::to_string(status) + " " + std::string(reason);
  std::string html;
  AppendHead(html, heading);
  html += "<h1>" + HtmlEscape(heading) + "</h1>\n<p>";
  html += HtmlEscape(message);
  html += "</p>\n<p><a href=\"/tasks\">Back to the tasks</a></p>\n";
  AppendFoot(html);
  return html;
}

}  // namespace taskstore::http
