#include "http/router.h"

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/html_pages.h"
#include "http/json_codec.h"
#include "http/openapi_document.h"
#include "http/problem.h"
#include "http/prometheus_text.h"
#include "http/signin_page.h"
#include "http/target.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";

// The pages use no scripts and only their own inline style; a policy that
// allows nothing else takes the teeth out of any escaping slip.
constexpr std::string_view kHtmlPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// What a handler is given.
struct Call {
  domain::TaskStore& store;
  const AdminActions& admin;
  const OpsOptions& ops;
  const Request& request;
  const Target& target;
  std::string_view id;  // the path segment matched by "{id}", if any
};

using Handler = Response (*)(const Call&);

// ---------------------------------------------------------------------
// Building responses

Response JsonResponse(HttpStatus status, std::string body) {
  Response response(status, 11);
  response.set(field::content_type, ToBeast(kJsonType));
  response.body() = std::move(body);
  return response;
}

Response HtmlResponse(HttpStatus status, std::string body) {
  Response response(status, 11);
  response.set(field::content_type, ToBeast(kHtmlType));
  response.set("Content-Security-Policy", ToBeast(kHtmlPolicy));
  response.body() = std::move(body);
  return response;
}

Response HtmlErrorPage(HttpStatus status, std::string_view message) {
  return HtmlResponse(
      status, RenderErrorPage(
                  static_cast<unsigned>(status),
                  ToStd(boost::beast::http::obsolete_reason(status)), message));
}

Response SeeOther(std::string_view location) {
  Response response(HttpStatus::see_other, 11);
  response.set(field::location, ToBeast(location));
  return response;
}

// ---------------------------------------------------------------------
// Reading requests

// The canonical decimal form only, so that each task has one URL.
std::optional<domain::TaskId> ParseTaskId(std::string_view text) {
  if (text.empty() || text.front() < '1' || text.front() > '9') {
    return std::nullopt;
  }
  domain::TaskId id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return id;
}

std::string NoSuchTask(std::string_view id) {
  return "there is no task \"" + std::string(id) +
         "\"; task ids are whole numbers such as 1 or 42";
}

// True when the Content-Type's media type, ignoring parameters such as
// charset, is `wanted`.
bool HasMediaType(const Request& request, std::string_view wanted) {
  std::string_view type = ToStd(request[field::content_type]);
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
    type.remove_suffix(1);
  }
  return boost::beast::iequals(ToBeast(type), ToBeast(wanted));
}

// True when a browser says the request comes from a page of another site
// than this one. Browsers send Origin with every cross-site form post;
// "null" (a sandboxed or privacy-stripped origin) counts as foreign.
bool IsCrossSite(const Request& request) {
  auto origin_field = request.find(field::origin);
  if (origin_field == request.end()) return false;
  std::string_view origin = ToStd(origin_field->value());
  std::size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return true;
  return !boost::beast::iequals(ToBeast(origin.substr(scheme_end + 3)),
                                request[field::host]);
}

std::string_view SearchTerm(const Target& target) {
  if (auto term = FindParam(target.query, "search")) return *term;
  return FindParam(target.query, "searchterm").value_or("");
}

// ---------------------------------------------------------------------
// JSON API

Response GetHealth(const Call&) {
  return JsonResponse(HttpStatus::ok, R"({"status":"ok"})");
}

Response ListTasks(const Call& call) {
  std::vector<domain::Task> tasks = call.store.Search(SearchTerm(call.target));
  return JsonResponse(HttpStatus::ok, TaskListJson(tasks));
}

Response CreateTask(const Call& call) {
  if (!HasMediaType(call.request, kJsonType)) {
    std::string_view sent = ToStd(call.request[field::content_type]);
    return ProblemResponse(
        HttpStatus::unsupported_media_type,
        "send the task as Content-Type: application/json" +
            (sent.empty() ? std::string(" (none was given)")
                          : " (not \"" + std::string(sent) + "\")"));
  }
  Result<domain::CreateTask> command = ParseCreateTaskJson(call.request.body());
  if (!command.ok()) return ProblemResponse(command.status());

  Result<domain::Task> task = call.store.Create(*command);
  if (!task.ok()) return ProblemResponse(task.status());

  Response response = JsonResponse(HttpStatus::created, TaskJson(*task));
  response.set(field::location,
               ToBeast("/api/tasks/" + std::to_string(task->id)));
  return response;
}

Response GetTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Result<domain::Task> task = call.store.Get(*id);
  if (!task.ok()) return ProblemResponse(task.status());
  return JsonResponse(HttpStatus::ok, TaskJson(*task));
}

Response DeleteTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Status deleted = call.store.SoftDelete({*id});
  if (!deleted.ok()) return ProblemResponse(deleted);
  return Response(HttpStatus::no_content, 11);
}

Response GetHistory(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Result<std::vector<domain::Event>> events = call.store.History(*id);
  if (!events.ok()) return ProblemResponse(events.status());
  return JsonResponse(HttpStatus::ok, EventListJson(*events));
}

Response TakeSnapshot(const Call& call) {
  // The origin the operator allowed is trusted like this site itself.
  if (IsCrossSite(call.request) &&
      !IsAllowedOrigin(call.ops.cors, call.request)) {
    return ProblemResponse(HttpStatus::forbidden,
                           "admin requests from another web site are refused");
  }
  if (!call.admin.take_snapshot) {
    return ProblemResponse(HttpStatus::not_implemented,
                           "this server takes no snapshots");
  }
  Result<std::string> name = call.admin.take_snapshot();
  if (!name.ok()) return ProblemResponse(name.status());
  return JsonResponse(HttpStatus::ok, SnapshotJson(*name));
}

// ---------------------------------------------------------------------
// Operations

Response GetReadiness(const Call& call) {
  Status health = call.store.Health();
  if (!health.ok()) {
    return ProblemResponse(HttpStatus::service_unavailable, health.message());
  }
  return JsonResponse(HttpStatus::ok, R"({"status":"ready"})");
}

Response GetMetrics(const Call& call) {
  MetricsSources sources{call.ops.requests, call.store.Counts(),
                         call.store.Health(), std::nullopt};
  if (call.ops.storage_figures) sources.storage = call.ops.storage_figures();
  Response response(HttpStatus::ok, 11);
  response.set(field::content_type, ToBeast(kPrometheusContentType));
  response.body() = RenderMetrics(sources);
  return response;
}

Response GetOpenApi(const Call&) {
  return JsonResponse(HttpStatus::ok, std::string(OpenApiDocument()));
}

// ---------------------------------------------------------------------
// HTML pages

Response RedirectToList(const Call&) { return SeeOther("/tasks"); }

Response ShowList(const Call& call) {
  std::string_view term = SearchTerm(call.target);
  std::vector<domain::Task> tasks = call.store.Search(term);
  TaskListPage page;
  page.tasks = tasks;
  page.search_term = term;
  return HtmlResponse(HttpStatus::ok, RenderTaskListPage(page));
}

Response RefuseCrossSite() {
  return HtmlErrorPage(HttpStatus::forbidden,
                       "This form was sent from another web site.");
}

Response AddFromForm(const Call& call) {
  if (IsCrossSite(call.request)) return RefuseCrossSite();
  if (!HasMediaType(call.request, kFormType)) {
    return HtmlErrorPage(
        HttpStatus::unsupported_media_type,
        "The form must be sent as " + std::string(kFormType) + ".");
  }

  domain::CreateTask command;
  Status failure;
  Result<std::vector<Param>> form = ParseUrlEncoded(call.request.body());
  if (form.ok()) {
    command.title = FindParam(*form, "title").value_or("");
    command.description = FindParam(*form, "description").value_or("");
    Result<domain::Task> task = call.store.Create(command);
    if (task.ok()) return SeeOther("/tasks");
    failure = task.status();
  } else {
    failure = form.status().WithContext("form");
  }

  // Show the list again with the message beside the form and the values
  // as they were typed. Invalid UTF-8 cannot reach this point: both a
  // bad form and a bad field are rejected before anything is echoed.
  std::vector<domain::Task> tasks = call.store.Search("");
  TaskListPage page;
  page.tasks = tasks;
  page.form_error = failure.message();
  page.entered_title = command.title;
  page.entered_description = command.description;
  return HtmlResponse(HttpStatusOf(failure.code()), RenderTaskListPage(page));
}

Response ShowSignIn(const Call& call) {
  return HtmlResponse(HttpStatus::ok,
                      RenderSignInPage({call.ops.access.enabled(), ""}));
}

// Checked like any form post, so that another site cannot sign a
// visitor's browser in with a token of its choosing.
Response SignIn(const Call& call) {
  if (IsCrossSite(call.request)) return RefuseCrossSite();
  const AccessPolicy& access = call.ops.access;
  if (!access.enabled()) return SeeOther("/tasks");

  Result<std::vector<Param>> form = ParseUrlEncoded(call.request.body());
  std::string_view token;
  if (form.ok()) token = FindParam(*form, "token").value_or("");
  if (!ConstantTimeEquals(access.token, token)) {
    return HtmlResponse(HttpStatus::unauthorized,
                        RenderSignInPage({true, "That is not the token."}));
  }
  Response response = SeeOther("/tasks");
  response.set(field::set_cookie, SessionCookie(access));
  return response;
}

Response DeleteFromForm(const Call& call) {
  if (IsCrossSite(call.request)) return RefuseCrossSite();
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  Status deleted = call.store.SoftDelete({*id});
  if (!deleted.ok()) {
    return HtmlErrorPage(HttpStatusOf(deleted.code()), deleted.message());
  }
  return SeeOther("/tasks");
}

// ---------------------------------------------------------------------
// The route table

struct Endpoint {
  // Path segments joined by "/"; "{id}" matches any one segment.
  std::string_view pattern;
  Handler get;  // also answers HEAD
  Handler post;
  Handler del;
};

constexpr std::array kEndpoints = {
    Endpoint{"", RedirectToList, nullptr, nullptr},
    Endpoint{"healthz", GetHealth, nullptr, nullptr},
    Endpoint{"readyz", GetReadiness, nullptr, nullptr},
    Endpoint{"metrics", GetMetrics, nullptr, nullptr},
    Endpoint{"api/openapi.json", GetOpenApi, nullptr, nullptr},
    Endpoint{"api/tasks", ListTasks, CreateTask, nullptr},
    Endpoint{"api/tasks/{id}", GetTask, nullptr, DeleteTask},
    Endpoint{"api/tasks/{id}/history", GetHistory, nullptr, nullptr},
    Endpoint{"api/admin/snapshot", nullptr, TakeSnapshot, nullptr},
    Endpoint{"tasks", ShowList, AddFromForm, nullptr},
    Endpoint{"tasks/{id}/delete", nullptr, DeleteFromForm, nullptr},
    Endpoint{"signin", ShowSignIn, SignIn, nullptr},
};

// True when `segments` fit `pattern`; sets `*id` to the "{id}" segment.
bool Matches(std::string_view pattern, const std::vector<std::string>& segments,
             std::string_view* id) {
  std::size_t index = 0;
  while (!pattern.empty()) {
    std::size_t slash = pattern.find('/');
    std::string_view part = pattern.substr(0, slash);
    pattern = slash == std::string_view::npos ? std::string_view()
                                              : pattern.substr(slash + 1);
    if (index == segments.size()) return false;
    if (part == "{id}") {
      *id = segments[index];
    } else if (part != segments[index]) {
      return false;
    }
    ++index;
  }
  return index == segments.size();
}

Handler HandlerFor(const Endpoint& endpoint, verb method) {
  switch (method) {
    case verb::get:
    case verb::head:
      return endpoint.get;
    case verb::post:
      return endpoint.post;
    case verb::delete_:
      return endpoint.del;
    default:
      return nullptr;
  }
}

std::string AllowedMethods(const Endpoint& endpoint) {
  std::string allowed;
  auto add = [&](std::string_view method) {
    if (!allowed.empty()) allowed += ", ";
    allowed += method;
  };
  if (endpoint.get) {
    add("GET");
    add("HEAD");
  }
  if (endpoint.post) add("POST");
  if (endpoint.del) add("DELETE");
  return allowed;
}

// The route a request matched, for metrics; kUnmatchedRoute for none.
struct Routed {
  Response response;
  std::string_view route = kUnmatchedRoute;
};

Routed Dispatch(domain::TaskStore& store, const Request& request,
                const AdminActions& admin, const OpsOptions& ops) {
  Result<Target> target = ParseTarget(ToStd(request.target()));
  if (!target.ok()) {
    return {
        ProblemResponse(HttpStatus::bad_request,
                        "bad request target: " + target.status().message())};
  }

  for (const Endpoint& endpoint : kEndpoints) {
    std::string_view id;
    if (!Matches(endpoint.pattern, target->segments, &id)) continue;
    Routed routed{Response(), endpoint.pattern};
    if (auto preflight = AnswerPreflight(ops.cors, request, target->path,
                                         AllowedMethods(endpoint))) {
      routed.response = std::move(*preflight);
      return routed;
    }
    Handler handler = HandlerFor(endpoint, request.method());
    if (handler == nullptr) {
      std::string allowed = AllowedMethods(endpoint);
      routed.response = ProblemResponse(
          HttpStatus::method_not_allowed,
          std::string(ToStd(request.method_string())) + " is not allowed on " +
              target->path + "; use " + allowed);
      routed.response.set(field::allow, ToBeast(allowed));
      return routed;
    }
    if (ops.access.enabled() && NeedsToken(request.method(), target->path) &&
        !CarriesToken(ops.access, request, target->path)) {
      routed.response = RefuseWithoutToken(target->path);
      return routed;
    }
    routed.response = handler(Call{store, admin, ops, request, *target, id});
    return routed;
  }
  return {
      ProblemResponse(HttpStatus::not_found, "nothing is at " + target->path)};
}

// "/api/tasks/{id}" for the table's "api/tasks/{id}".
std::string RoutePath(std::string_view pattern) {
  return "/" + std::string(pattern);
}

}  // namespace

Response Route(domain::TaskStore& store, const Request& request,
               const AdminActions& admin, const OpsOptions& ops) {
  auto started = std::chrono::steady_clock::now();
  Routed routed = Dispatch(store, request, admin, ops);
  Response& response = routed.response;

  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.set(field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  std::string_view raw_target = ToStd(request.target());
  AddCorsHeaders(ops.cors, request, raw_target.substr(0, raw_target.find('?')),
                 response);
  // A 204 must carry no Content-Length (RFC 9110 section 8.6), which
  // prepare_payload would add.
  if (response.result() != HttpStatus::no_content) response.prepare_payload();
  // HEAD gets GET's headers, Content-Length included, and no body.
  if (request.method() == verb::head) response.body().clear();

  if (ops.requests != nullptr) {
    std::string route = routed.route == kUnmatchedRoute
                            ? std::string(kUnmatchedRoute)
                            : RoutePath(routed.route);
    ops.requests->Record(route, request.method(), response.result_int(),
                         std::chrono::steady_clock::now() - started);
  }
  return response;
}

std::vector<RouteMethods> ListRoutes() {
  std::vector<RouteMethods> routes;
  for (const Endpoint& endpoint : kEndpoints) {
    RouteMethods route{RoutePath(endpoint.pattern), {}};
    std::string methods = AllowedMethods(endpoint);
    std::string_view allowed = methods;
    while (!allowed.empty()) {
      std::size_t comma = allowed.find(", ");
      std::string_view method = allowed.substr(0, comma);
      allowed =
          comma == std::string_view::npos ? "" : allowed.substr(comma + 2);
      if (method != "HEAD") route.methods.emplace_back(method);
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace taskstore::http
