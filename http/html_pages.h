// Server-rendered HTML pages for people using a browser: the task list
// with its search and add forms, and a small error page. Plain HTML forms,
// no scripts; every string from a user is escaped.
#ifndef TASKSTORE_HTTP_HTML_PAGES_H_
#define TASKSTORE_HTTP_HTML_PAGES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/event.h"
#include "domain/task.h"

namespace taskstore::http {

// The Content-Security-Policy header for every page rendered here. It
// allows nothing but the pages' own inline style sheet, named by its
// SHA-256 hash, and form posts to this server: no script may run, so an
// escaping slip cannot turn into script injection.
std::string_view HtmlPagePolicy();

// `text` with & < > " ' replaced by character references, safe inside
// element content and inside quoted attribute values.
std::string HtmlEscape(std::string_view text);

// What the task list page shows. The views must outlive the rendering.
struct TaskListPage {
  std::span<const domain::Task> tasks;  // one page of visible tasks, in order
  std::string_view search_term;         // shown in the search box

  // Where this page begins, and the cursor of the next page (nullopt on
  // the last); see domain/page.h. `limit` is carried into the page links
  // when the person chose one.
  std::uint64_t after = 0;
  std::optional<std::uint64_t> next;
  std::optional<std::size_t> limit;

  // After a failed add: the message, and the values entered so that the
  // person need not type them again. Empty otherwise.
  std::string_view form_error;
  std::string_view entered_title;
  std::string_view entered_description;
};

// The full /tasks page: a search form (GET /tasks?searchterm=), an add
// form (POST /tasks with "title" and "description"), a link to the trash
// (/trash) and one row per task with its title, description, creation
// date, a completion toggle (POST /tasks/{id}/complete with
// "completed=true" to complete, "completed=false" to reopen; its button
// has role "checkbox" with aria-checked, and reads "☐ Complete" or
// "☑ Reopen"), links to edit (/tasks/{id}/edit) and to
// its history (/tasks/{id}/history), and a delete button
// (POST /tasks/{id}/delete).
std::string RenderTaskListPage(const TaskListPage& page);

// What the edit page shows. The views must outlive the rendering.
struct EditPage {
  const domain::Task* task = nullptr;  // the task as stored
  std::string_view form_error;         // after a failed edit; else empty
  std::string_view entered_title;      // the values in the form
  std::string_view entered_description;
};

// /tasks/{id}/edit: a form posting "title" and "description" to
// /tasks/{id}/edit ("Save"), and a link back to the list.
std::string RenderEditPage(const EditPage& page);

// /trash: the deleted tasks in the given order, each with its deletion
// time, a "Restore" button (POST /tasks/{id}/restore) and a "Purge"
// button (POST /trash/{id}/purge); a search form (GET /trash?searchterm=).
std::string RenderTrashPage(std::span<const domain::Task> tasks,
                            std::string_view search_term);

// /tasks/{id}/history: one row per event, oldest first, with its
// sequence number, type, time, actor and what it changed.
std::string RenderHistoryPage(domain::TaskId id,
                              std::span<const domain::Event> events);

// A small page for `status` (e.g. 404, "Not Found") with `message` and a
// link back to the list.
std::string RenderErrorPage(unsigned status, std::string_view reason,
                            std::string_view message);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_HTML_PAGES_H_
