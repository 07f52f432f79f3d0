#include "http/router.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/html_pages.h"
#include "http/json_codec.h"
#include "http/openapi_document.h"
#include "http/pagination.h"
#include "http/problem.h"
#include "http/prometheus_text.h"
#include "http/signin_page.h"
#include "http/target.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kMergePatchType = "application/merge-patch+json";
constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";
constexpr std::string_view kEventStreamType = "text/event-stream";

// What a handler is given.
struct Call {
  domain::TaskStore& store;
  const AdminActions& admin;
  const OpsOptions& ops;
  const Request& request;
  const Target& target;
  std::string_view id;  // the path segment matched by "{id}", if any
  // The actor, request id and idempotency key of the request; handlers
  // add the If-Match versions where they honour them.
  const domain::WriteContext& context;
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
  response.set("Content-Security-Policy", ToBeast(HtmlPagePolicy()));
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
  if (text.empty() || text.front() == '0') return std::nullopt;
  return ParseWholeNumber(text);
}

// A count or sequence number in canonical decimal ("0", "42"; not "",
// "+1", "01" or "1e3").
std::optional<std::uint64_t> ParseWholeNumber(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
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

// True when the Host header names this machine's loopback interface:
// 127.0.0.1, localhost or [::1], with or without a port.
bool NamesLoopback(const Request& request) {
  // No Host at all cannot come from a browser, so it cannot be a
  // rebinding page; such a request is served as before.
  if (request.find(field::host) == request.end()) return true;
  std::string_view host = ToStd(request[field::host]);
  if (host.starts_with("[::1]")) {
    host.remove_prefix(5);
  } else {
    std::size_t colon = host.rfind(':');
    std::string_view name = host.substr(0, colon);
    if (name != "127.0.0.1" &&
        !boost::beast::iequals(ToBeast(name), "localhost")) {
      return false;
    }
    host.remove_prefix(name.size());
  }
  if (host.empty()) return true;
  if (host.front() != ':' || host.size() == 1) return false;
  return std::all_of(host.begin() + 1, host.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view SearchTerm(const Target& target) {
  if (auto term = FindParam(target.query, "search")) return *term;
  return FindParam(target.query, "searchterm").value_or("");
}

// The events of `events` (ascending sequence numbers) on the page that
// `params` asks for, the sequence number being the cursor. A task's
// history is short, so it is read whole and cut here.
domain::Page<domain::Event> PageOfEvents(std::vector<domain::Event> events,
                                         const PageParams& params) {
  auto first =
      std::upper_bound(events.begin(), events.end(), params.after,
                       [](std::uint64_t after, const domain::Event& event) {
                         return after < event.sequence;
                       });
  domain::Page<domain::Event> page;
  std::size_t left = static_cast<std::size_t>(events.end() - first);
  std::size_t taken = std::min(left, params.limit);
  page.items.assign(std::make_move_iterator(first),
                    std::make_move_iterator(first + taken));
  if (taken < left) page.next = page.items.back().sequence;
  return page;
}

// The page of `tasks` (ascending ids) that `params` asks for, the id
// being the cursor; for lists computed whole, such as a past state.
domain::Page<domain::Task> PageOfTasks(std::vector<domain::Task> tasks,
                                       const PageParams& params) {
  auto first =
      std::upper_bound(tasks.begin(), tasks.end(), params.after,
                       [](std::uint64_t after, const domain::Task& task) {
                         return after < task.id;
                       });
  domain::Page<domain::Task> page;
  std::size_t left = static_cast<std::size_t>(tasks.end() - first);
  std::size_t taken = std::min(left, params.limit);
  page.items.assign(std::make_move_iterator(first),
                    std::make_move_iterator(first + taken));
  if (taken < left) page.next = page.items.back().id;
  return page;
}

std::string_view HeaderValue(const Request& request, std::string_view name) {
  auto found = request.find(ToBeast(name));
  if (found == request.end()) return {};
  return ToStd(found->value());
}

// 64-bit FNV-1a over the method, target and body, each ended by a zero
// byte: requests with the same fingerprint are, for the purpose of an
// idempotency key, the same request.
std::uint64_t RequestFingerprint(const Request& request) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&hash](unsigned char byte) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  };
  for (std::string_view part :
       {ToStd(request.method_string()), ToStd(request.target()),
        std::string_view(request.body())}) {
    for (unsigned char byte : part) mix(byte);
    mix(0);
  }
  return hash;
}

// A request id for a request that brought none: a random prefix chosen
// once per process and a counter, unique within the process and unlikely
// to repeat across restarts.
std::string NewRequestId() {
  static const std::uint64_t prefix = [] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }();
  static std::atomic<std::uint64_t> counter{0};
  char text[40];
  std::snprintf(text, sizeof text, "%016llx-%llu",
                static_cast<unsigned long long>(prefix),
                static_cast<unsigned long long>(++counter));
  return text;
}

// The write context of `request`: X-Actor (or "anonymous"), X-Request-Id
// (or a new one), Idempotency-Key and the fingerprint.
domain::WriteContext ContextOf(const Request& request) {
  domain::WriteContext context;
  std::string_view actor = HeaderValue(request, "X-Actor");
  if (!actor.empty()) context.actor = actor;
  context.request_id = HeaderValue(request, "X-Request-Id");
  if (context.request_id.empty()) context.request_id = NewRequestId();
  context.idempotency_key = HeaderValue(request, "Idempotency-Key");
  if (!context.idempotency_key.empty()) {
    context.request_fingerprint = RequestFingerprint(request);
  }
  return context;
}

// The versions an If-Match header accepts: nullopt without the header or
// for "*" (any current task); otherwise the versions of its strong entity
// tags, "\"7\"" for version 7. Weak tags and malformed entries match no
// version, as strong comparison requires.
std::optional<std::vector<std::uint64_t>> ExpectedVersions(
    const Request& request) {
  auto field_at = request.find(field::if_match);
  if (field_at == request.end()) return std::nullopt;
  std::string_view list = ToStd(field_at->value());
  std::vector<std::uint64_t> versions;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view tag = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view()
                                           : list.substr(comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) {
      tag.remove_prefix(1);
    }
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) {
      tag.remove_suffix(1);
    }
    if (tag == "*") return std::nullopt;
    if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') continue;
    std::string_view digits = tag.substr(1, tag.size() - 2);
    std::uint64_t version = 0;
    auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (error == std::errc() && end == digits.data() + digits.size()) {
      versions.push_back(version);
    }
  }
  return versions;
}

// The write context of a call with its If-Match condition.
domain::WriteContext Conditional(const Call& call) {
  domain::WriteContext context = call.context;
  context.expected_versions = ExpectedVersions(call.request);
  return context;
}

// The strong entity tag of a task's current version.
std::string ETagOf(const domain::Task& task) {
  return "\"" + std::to_string(task.version) + "\"";
}

Response TaskResponse(HttpStatus status, const domain::Task& task);

// The instant of an "as_of" query parameter; nullopt without one.
Result<std::optional<UnixMicros>> AsOf(const Target& target) {
  std::optional<std::string_view> text = FindParam(target.query, "as_of");
  if (!text) return std::optional<UnixMicros>();
  Result<UnixMicros> instant = ParseRfc3339(*text);
  if (!instant.ok()) return instant.status().WithContext("as_of");
  return std::optional<UnixMicros>(*instant);
}

// ---------------------------------------------------------------------
// JSON API

Response GetHealth(const Call&) {
  return JsonResponse(HttpStatus::ok, R"({"status":"ok"})");
}

Response ListTasks(const Call& call) {
  Result<PageParams> params = ParsePageParams(call.target.query);
  if (!params.ok()) return ProblemResponse(params.status());
  Result<std::optional<UnixMicros>> as_of = AsOf(call.target);
  if (!as_of.ok()) return ProblemResponse(as_of.status());
  std::string_view term = SearchTerm(call.target);
  domain::Page<domain::Task> page =
      *as_of ? PageOfTasks(call.store.SearchAsOf(term, **as_of), *params)
             : call.store.Search(
                   domain::TaskQuery{term, params->after, params->limit});
  return JsonResponse(HttpStatus::ok, TaskListJson(page.items, page.next));
}

Response ListTrash(const Call& call) {
  Result<PageParams> params = ParsePageParams(call.target.query);
  if (!params.ok()) return ProblemResponse(params.status());
  domain::Page<domain::Task> page = call.store.Trash(domain::TrashQuery{
      SearchTerm(call.target), params->after, params->limit});
  return JsonResponse(HttpStatus::ok, TaskListJson(page.items, page.next));
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

  Result<domain::Task> task = call.store.Create(*command, call.context);
  if (!task.ok()) return ProblemResponse(task.status());

  Response response = TaskResponse(HttpStatus::created, *task);
  response.set(field::location,
               ToBeast("/api/tasks/" + std::to_string(task->id)));
  return response;
}

Response TaskResponse(HttpStatus status, const domain::Task& task) {
  Response response = JsonResponse(status, TaskJson(task));
  response.set(field::etag, ToBeast(ETagOf(task)));
  return response;
}

Response GetTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Result<std::optional<UnixMicros>> as_of = AsOf(call.target);
  if (!as_of.ok()) return ProblemResponse(as_of.status());
  Result<domain::Task> task =
      *as_of ? call.store.GetAsOf(*id, **as_of) : call.store.Get(*id);
  if (!task.ok()) return ProblemResponse(task.status());
  return TaskResponse(HttpStatus::ok, *task);
}

Response UnsupportedJsonType(const Request& request) {
  std::string_view sent = ToStd(request[field::content_type]);
  return ProblemResponse(
      HttpStatus::unsupported_media_type,
      "send the change as Content-Type: application/json" +
          (sent.empty() ? std::string(" (none was given)")
                        : " (not \"" + std::string(sent) + "\")"));
}

Response PatchTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  if (!HasMediaType(call.request, kJsonType) &&
      !HasMediaType(call.request, kMergePatchType)) {
    return UnsupportedJsonType(call.request);
  }
  Result<domain::UpdateTask> command =
      ParseUpdateTaskJson(*id, call.request.body());
  if (!command.ok()) return ProblemResponse(command.status());
  Result<domain::Task> task = call.store.Update(*command, Conditional(call));
  if (!task.ok()) return ProblemResponse(task.status());
  return TaskResponse(HttpStatus::ok, *task);
}

Response DeleteTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Status deleted = call.store.SoftDelete({*id}, Conditional(call));
  if (!deleted.ok()) return ProblemResponse(deleted);
  return Response(HttpStatus::no_content, 11);
}

Response RestoreTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Result<domain::Task> task = call.store.Restore({*id}, Conditional(call));
  if (!task.ok()) return ProblemResponse(task.status());
  return TaskResponse(HttpStatus::ok, *task);
}

Response PurgeTask(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Status purged = call.store.Purge({*id}, Conditional(call));
  if (!purged.ok()) return ProblemResponse(purged);
  return Response(HttpStatus::no_content, 11);
}

Response GetHistory(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return ProblemResponse(HttpStatus::not_found, NoSuchTask(call.id));
  Result<PageParams> params = ParsePageParams(call.target.query);
  if (!params.ok()) return ProblemResponse(params.status());
  Result<std::vector<domain::Event>> events = call.store.History(*id);
  if (!events.ok()) return ProblemResponse(events.status());
  domain::Page<domain::Event> page = PageOfEvents(*events, *params);
  return JsonResponse(HttpStatus::ok, EventListJson(page.items, page.next));
}

// Where a page of the feed starts and how long it is.
struct FeedQuery {
  domain::Sequence after = 0;
  std::size_t limit = kDefaultFeedLimit;
};

Result<FeedQuery> ParseFeedQuery(const Target& target) {
  FeedQuery query;
  if (auto after = FindParam(target.query, "after")) {
    std::optional<std::uint64_t> value = ParseWholeNumber(*after);
    if (!value) {
      return InvalidArgumentError(
          "after must be a sequence number such as 0 or 42, not \"" +
          std::string(*after) + "\"");
    }
    query.after = *value;
  }
  if (auto limit = FindParam(target.query, "limit")) {
    std::optional<std::uint64_t> value = ParseWholeNumber(*limit);
    if (!value || *value < 1 || *value > kMaxFeedLimit) {
      return InvalidArgumentError("limit must be a whole number from 1 to " +
                                  std::to_string(kMaxFeedLimit) + ", not \"" +
                                  std::string(*limit) + "\"");
    }
    query.limit = *value;
  }
  return query;
}

Response ListEvents(const Call& call) {
  Result<FeedQuery> query = ParseFeedQuery(call.target);
  if (!query.ok()) return ProblemResponse(query.status());

  // One event more than asked for tells whether another page follows.
  std::vector<domain::Event> events =
      call.store.EventsAfter(query->after, query->limit + 1);
  std::optional<domain::Sequence> next;
  if (events.size() > query->limit) {
    events.resize(query->limit);
    next = events.back().sequence;
  }
  return JsonResponse(HttpStatus::ok, EventPageJson(events, next));
}

bool AcceptsEventStream(const Request& request) {
  std::string_view accept = ToStd(request[field::accept]);
  std::string lowered(accept);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered.find(kEventStreamType) != std::string::npos;
}

// The head of a stream, or a problem when the starting point is bad.
Routed StartEventStream(const Request& request, const Target& target) {
  Result<FeedQuery> query = ParseFeedQuery(target);
  if (!query.ok()) return {ProblemResponse(query.status()), std::nullopt};
  domain::Sequence after = query->after;
  auto last_id = request.find("Last-Event-ID");
  if (last_id != request.end() && !last_id->value().empty()) {
    std::optional<std::uint64_t> value =
        ParseWholeNumber(ToStd(last_id->value()));
    if (!value) {
      return {ProblemResponse(HttpStatus::bad_request,
                              "Last-Event-ID must be a sequence number such "
                              "as 42, not \"" +
                                  std::string(ToStd(last_id->value())) + "\""),
              std::nullopt};
    }
    after = *value;
  }
  Response head(HttpStatus::ok, 11);
  head.set(field::content_type, ToBeast(kEventStreamType));
  // Tells buffering proxies to pass each event on at once.
  head.set("X-Accel-Buffering", "no");
  return {std::move(head), after};
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

// The model of an HTML list page showing `found`, which must outlive it.
TaskListPage ListPageOf(const Call& call, const PageParams& params,
                        std::string_view term,
                        const domain::Page<domain::Task>& found) {
  TaskListPage page;
  page.tasks = found.items;
  page.search_term = term;
  page.after = params.after;
  page.next = found.next;
  if (FindParam(call.target.query, "limit")) page.limit = params.limit;
  return page;
}

Response ShowList(const Call& call) {
  Result<PageParams> params = ParsePageParams(call.target.query);
  if (!params.ok()) {
    return HtmlErrorPage(HttpStatus::bad_request, params.status().message());
  }
  std::string_view term = SearchTerm(call.target);
  domain::Page<domain::Task> found =
      call.store.Search(domain::TaskQuery{term, params->after, params->limit});
  return HtmlResponse(HttpStatus::ok, RenderTaskListPage(ListPageOf(
                                          call, *params, term, found)));
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
    Result<domain::Task> task = call.store.Create(command, call.context);
    if (task.ok()) return SeeOther("/tasks");
    failure = task.status();
  } else {
    failure = form.status().WithContext("form");
  }

  // Show the list again with the message beside the form and the values
  // as they were typed. Invalid UTF-8 cannot reach this point: both a
  // bad form and a bad field are rejected before anything is echoed.
  domain::Page<domain::Task> first = call.store.Search(domain::TaskQuery{});
  TaskListPage page;
  page.tasks = first.items;
  page.next = first.next;
  page.form_error = failure.message();
  page.entered_title = command.title;
  page.entered_description = command.description;
  return HtmlResponse(HttpStatusOf(failure.code()), RenderTaskListPage(page));
}

// The form of a POST from a page, or the error page to answer with
// instead: cross-site posts and other content types are refused.
//
// TODO(form-idempotency): form posts honour an Idempotency-Key header,
// but a browser's plain form cannot send one; a hidden field with a key
// made when the page is rendered would protect a double-clicked button.
Result<std::vector<Param>> ReadForm(const Call& call, Response& refusal) {
  if (IsCrossSite(call.request)) {
    refusal = RefuseCrossSite();
    return FailedPreconditionError("cross-site");
  }
  if (!HasMediaType(call.request, kFormType)) {
    refusal = HtmlErrorPage(
        HttpStatus::unsupported_media_type,
        "The form must be sent as " + std::string(kFormType) + ".");
    return FailedPreconditionError("media type");
  }
  Result<std::vector<Param>> form = ParseUrlEncoded(call.request.body());
  if (!form.ok()) {
    refusal = HtmlErrorPage(HttpStatus::bad_request,
                            form.status().WithContext("form").message());
  }
  return form;
}

Response HtmlStoreError(const Status& error) {
  return HtmlErrorPage(HttpStatusOf(error.code()), error.message());
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
  Status deleted = call.store.SoftDelete({*id}, call.context);
  if (!deleted.ok()) return HtmlStoreError(deleted);
  return SeeOther("/tasks");
}

Response CompleteFromForm(const Call& call) {
  Response refusal;
  Result<std::vector<Param>> form = ReadForm(call, refusal);
  if (!form.ok()) return refusal;
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  std::string_view completed = FindParam(*form, "completed").value_or("");
  if (completed != "true" && completed != "false") {
    return HtmlErrorPage(HttpStatus::bad_request,
                         "The form's \"completed\" must be true or false.");
  }
  domain::UpdateTask command;
  command.id = *id;
  command.completed = completed == "true";
  Result<domain::Task> task = call.store.Update(command, call.context);
  if (!task.ok()) return HtmlStoreError(task.status());
  return SeeOther("/tasks");
}

Response ShowEditForm(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  Result<domain::Task> task = call.store.Get(*id);
  if (!task.ok()) return HtmlStoreError(task.status());
  EditPage page;
  page.task = &*task;
  page.entered_title = task->title;
  page.entered_description = task->description;
  return HtmlResponse(HttpStatus::ok, RenderEditPage(page));
}

Response EditFromForm(const Call& call) {
  Response refusal;
  Result<std::vector<Param>> form = ReadForm(call, refusal);
  if (!form.ok()) return refusal;
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  domain::UpdateTask command;
  command.id = *id;
  command.title = FindParam(*form, "title").value_or("");
  command.description = FindParam(*form, "description").value_or("");
  Result<domain::Task> task = call.store.Update(command, call.context);
  if (task.ok()) return SeeOther("/tasks");
  const Status failure = task.status();
  if (failure.code() != StatusCode::kInvalidArgument) {
    return HtmlStoreError(failure);
  }

  // Show the form again with the message and the values as typed.
  Result<domain::Task> current = call.store.Get(*id);
  if (!current.ok()) return HtmlStoreError(current.status());
  EditPage page;
  page.task = &*current;
  page.form_error = failure.message();
  page.entered_title = *command.title;
  page.entered_description = *command.description;
  return HtmlResponse(HttpStatus::bad_request, RenderEditPage(page));
}

Response ShowTrash(const Call& call) {
  Result<PageParams> params = ParsePageParams(call.target.query);
  if (!params.ok()) {
    return HtmlErrorPage(HttpStatus::bad_request, params.status().message());
  }
  std::string_view term = SearchTerm(call.target);
  domain::Page<domain::Task> found =
      call.store.Trash(domain::TrashQuery{term, params->after, params->limit});
  return HtmlResponse(HttpStatus::ok,
                      RenderTrashPage(ListPageOf(call, *params, term, found)));
}

Response RestoreFromForm(const Call& call) {
  if (IsCrossSite(call.request)) return RefuseCrossSite();
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  Result<domain::Task> task = call.store.Restore({*id}, call.context);
  if (!task.ok()) return HtmlStoreError(task.status());
  return SeeOther("/trash");
}

Response PurgeFromForm(const Call& call) {
  if (IsCrossSite(call.request)) return RefuseCrossSite();
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  Status purged = call.store.Purge({*id}, call.context);
  if (!purged.ok()) return HtmlStoreError(purged);
  return SeeOther("/trash");
}

Response ShowHistory(const Call& call) {
  std::optional<domain::TaskId> id = ParseTaskId(call.id);
  if (!id) return HtmlErrorPage(HttpStatus::not_found, NoSuchTask(call.id));
  Result<std::vector<domain::Event>> events = call.store.History(*id);
  if (!events.ok()) return HtmlStoreError(events.status());
  return HtmlResponse(HttpStatus::ok, RenderHistoryPage(*id, *events));
}

// ---------------------------------------------------------------------
// The route table

struct Endpoint {
  // Path segments joined by "/"; "{id}" matches any one segment.
  std::string_view pattern;
  Handler get;  // also answers HEAD
  Handler post;
  Handler del;
  Handler patch = nullptr;
};

constexpr std::array kEndpoints = {
    Endpoint{"", RedirectToList, nullptr, nullptr},
    Endpoint{"healthz", GetHealth, nullptr, nullptr},
    Endpoint{"readyz", GetReadiness, nullptr, nullptr},
    Endpoint{"metrics", GetMetrics, nullptr, nullptr},
    Endpoint{"api/openapi.json", GetOpenApi, nullptr, nullptr},
    Endpoint{"api/tasks", ListTasks, CreateTask, nullptr},
    Endpoint{"api/tasks/{id}", GetTask, nullptr, DeleteTask, PatchTask},
    Endpoint{"api/tasks/{id}/history", GetHistory, nullptr, nullptr},
    Endpoint{"api/events", ListEvents, nullptr, nullptr},
    Endpoint{"api/tasks/{id}/restore", nullptr, RestoreTask, nullptr},
    Endpoint{"api/trash", ListTrash, nullptr, nullptr},
    Endpoint{"api/trash/{id}", nullptr, nullptr, PurgeTask},
    Endpoint{"api/admin/snapshot", nullptr, TakeSnapshot, nullptr},
    Endpoint{"tasks", ShowList, AddFromForm, nullptr},
    Endpoint{"tasks/{id}/delete", nullptr, DeleteFromForm, nullptr},
    Endpoint{"tasks/{id}/complete", nullptr, CompleteFromForm, nullptr},
    Endpoint{"tasks/{id}/edit", ShowEditForm, EditFromForm, nullptr},
    Endpoint{"tasks/{id}/restore", nullptr, RestoreFromForm, nullptr},
    Endpoint{"tasks/{id}/history", ShowHistory, nullptr, nullptr},
    Endpoint{"trash", ShowTrash, nullptr, nullptr},
    Endpoint{"trash/{id}/purge", nullptr, PurgeFromForm, nullptr},
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
    case verb::patch:
      return endpoint.patch;
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
  if (endpoint.patch) add("PATCH");
  return allowed;
}

// The route a request matched, for metrics; kUnmatchedRoute for none.
struct Dispatched {
  Response response;
  std::string_view route = kUnmatchedRoute;
};

Dispatched Dispatch(domain::TaskStore& store, const Request& request,
                    const AdminActions& admin, const OpsOptions& ops,
                    const domain::WriteContext& context) {
  Status valid = domain::ValidateWriteContext(context);
  if (!valid.ok()) {
    return {ProblemResponse(HttpStatus::bad_request,
                            "bad X-Actor, X-Request-Id or Idempotency-Key "
                            "header: " +
                                valid.message())};
  }
  if (ops.loopback_names_only && !NamesLoopback(request)) {
    return {ProblemResponse(
        HttpStatus::misdirected_request,
        "this server answers only to 127.0.0.1, localhost and [::1], not "
        "to Host \"" +
            std::string(ToStd(request[field::host])) + "\"")};
  }
  Result<Target> target = ParseTarget(ToStd(request.target()));
  if (!target.ok()) {
    return {
        ProblemResponse(HttpStatus::bad_request,
                        "bad request target: " + target.status().message())};
  }

  for (const Endpoint& endpoint : kEndpoints) {
    std::string_view id;
    if (!Matches(endpoint.pattern, target->segments, &id)) continue;
    Dispatched routed{Response(), endpoint.pattern};
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
    // A page of another site can send some API writes without asking
    // first (a form may POST to any URL), so every API write whose Origin
    // is another site than this one or the allowed origin is refused;
    // the HTML forms check the same on their own pages.
    const bool write = request.method() != verb::get &&
                       request.method() != verb::head &&
                       request.method() != verb::options;
    if (write && target->path.starts_with("/api/") && IsCrossSite(request) &&
        !IsAllowedOrigin(ops.cors, request)) {
      routed.response = ProblemResponse(
          HttpStatus::forbidden, "writes from another web site are refused");
      return routed;
    }
    if (ops.access.enabled() && NeedsToken(request.method(), target->path) &&
        !CarriesToken(ops.access, request, target->path)) {
      routed.response = RefuseWithoutToken(target->path);
      return routed;
    }
    routed.response =
        handler(Call{store, admin, ops, request, *target, id, context});
    return routed;
  }
  return {
      ProblemResponse(HttpStatus::not_found, "nothing is at " + target->path)};
}

// "/api/tasks/{id}" for the table's "api/tasks/{id}".
std::string RoutePath(std::string_view pattern) {
  return "/" + std::string(pattern);
}

// The fields every response carries.
void Finish(const Request& request, const OpsOptions& ops, Response& response) {
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.set(field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  std::string_view raw_target = ToStd(request.target());
  AddCorsHeaders(ops.cors, request, raw_target.substr(0, raw_target.find('?')),
                 response);
}

}  // namespace

Response Route(domain::TaskStore& store, const Request& request,
               const AdminActions& admin, const OpsOptions& ops) {
  auto started = std::chrono::steady_clock::now();
  domain::WriteContext context = ContextOf(request);
  Dispatched routed = Dispatch(store, request, admin, ops, context);
  Response& response = routed.response;
  // A request id that failed validation is not echoed; a new one is.
  if (!domain::ValidateToken("request id", context.request_id,
                             domain::kMaxRequestIdBytes, false)
           .ok()) {
    context.request_id = NewRequestId();
  }
  response.set("X-Request-Id", ToBeast(context.request_id));
  Finish(request, ops, response);
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

Routed RouteOrStream(domain::TaskStore& store, const Request& request,
                     const AdminActions& admin, const OpsOptions& ops) {
  if (request.method() == verb::get && AcceptsEventStream(request) &&
      (!ops.loopback_names_only || NamesLoopback(request))) {
    Result<Target> target = ParseTarget(ToStd(request.target()));
    if (target.ok() && target->segments.size() == 2 &&
        target->segments[0] == "api" && target->segments[1] == "events") {
      auto started = std::chrono::steady_clock::now();
      Routed routed = StartEventStream(request, *target);
      Finish(request, ops, routed.response);
      std::string_view request_id = HeaderValue(request, "X-Request-Id");
      routed.response.set(
          "X-Request-Id",
          ToBeast(request_id.empty() ? NewRequestId()
                                     : std::string(request_id)));
      if (routed.stream_after) {
        // The stream ends with the connection; it has no length.
        routed.response.keep_alive(false);
      } else {
        routed.response.prepare_payload();
      }
      if (ops.requests != nullptr) {
        ops.requests->Record("/api/events", request.method(),
                             routed.response.result_int(),
                             std::chrono::steady_clock::now() - started);
      }
      return routed;
    }
  }
  return {Route(store, request, admin, ops), std::nullopt};
}

}  // namespace taskstore::http
