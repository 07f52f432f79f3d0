// Maps an HTTP request to its response: the JSON API under /api, the
// HTML pages under /tasks and the health check. A pure function of the
// store and the request, with no sockets, so tests drive it directly.
//
// Routes (HEAD is answered wherever GET is, with the same headers and no
// body):
//   GET    /                         303 to /tasks
//   GET    /healthz                  200 {"status":"ok"}
//   GET    /api/tasks?search=TERM    200 {"tasks":[...]} (visible tasks);
//                                    as_of=RFC3339 for the past
//   POST   /api/tasks                201 task, Location: /api/tasks/{id}
//   GET    /api/tasks/{id}           200 task; 404 unknown; 410 deleted;
//                                    as_of=RFC3339 for the past
//   PATCH  /api/tasks/{id}           200 task; 404 unknown; 410 deleted
//   DELETE /api/tasks/{id}           204; 404 unknown; 410 deleted
//   POST   /api/tasks/{id}/restore   200 task; 404; 409 not deleted;
//                                    410 purged
//   GET    /api/tasks/{id}/history   200 {"events":[...]}; 404 unknown
//   GET    /api/events?after=SEQ&limit=N
//                                    200 {"events":[...], "next": SEQ or
//                                    null}: the global feed, events after
//                                    SEQ (default 0) in sequence order, at
//                                    most N (default 100, 1 to 1000); 400
//                                    for other values; with Accept:
//                                    text/event-stream, a live stream
//                                    (see RouteOrStream)
//   GET    /api/trash?search=TERM    200 {"tasks":[...]} (deleted, not
//                                    purged, newest deletion first)
//   DELETE /api/trash/{id}           204 purged; 404; 409 not deleted;
//                                    410 purged
//   GET    /tasks?searchterm=TERM    200 HTML list
//   POST   /tasks                    303 to /tasks; 400 page with the error
//   POST   /tasks/{id}/delete        303 to /tasks; 404/410 HTML page
//   POST   /tasks/{id}/complete      303 to /tasks (form: completed=true
//                                    or false)
//   GET    /tasks/{id}/edit          200 HTML edit form
//   POST   /tasks/{id}/edit          303 to /tasks; 400 form with the error
//   GET    /tasks/{id}/history       200 HTML history
//   GET    /trash?searchterm=TERM    200 HTML trash
//   POST   /tasks/{id}/restore       303 to /trash
//   POST   /trash/{id}/purge         303 to /trash
//
// Every route reads X-Actor (default "anonymous"), X-Request-Id (a new
// one when absent; echoed in every response) and Idempotency-Key, and
// records them in the events it causes; a malformed one is 400 (see
// domain::ValidateWriteContext). The key's request fingerprint covers the
// method, target and body. Responses with a task carry ETag: "<version>";
// PATCH, DELETE, restore and purge honour If-Match (412 on mismatch).
//   POST   /api/admin/snapshot       200 {"snapshot": file name}; 501 when
//                                    the process takes no snapshots
//   GET    /readyz                   200 {"status":"ready"}; 503 problem
//                                    naming why writes would fail
//   GET    /metrics                  200 Prometheus text (metrics_page.h)
//   GET    /api/openapi.json         200 the OpenAPI document
//   GET    /signin                   200 HTML form for the token
//   POST   /signin                   303 to /tasks with the sign-in
//                                    cookie; 401 page for a wrong token
//
// With a token (OpsOptions::access), writes and admin routes need it; see
// access_policy.h. With a CORS origin (OpsOptions::cors), the API answers
// that origin's browsers; see cors.h.
//
// The search term is the query parameter "search" or else "searchterm",
// on the API and the page alike; none means every visible task.
//
// {id} is the task id as a canonical decimal number: "1", "42", never
// "01", "+1" or "0". Any other segment names no task, so it is 404 Not
// Found, like an id that was never used; it is not 400, because it is a
// path that does not exist rather than a malformed request.
//
// Errors: JSON routes answer with RFC 9457 problems (see problem.h), HTML
// routes with an HTML page; an unknown path is a 404 problem, a known
// path with another method a 405 problem whose Allow header lists the
// methods that path has. POST /api/tasks needs Content-Type
// application/json (415 otherwise) and a body described in json_codec.h
// (400 otherwise); POST /tasks needs an urlencoded form (415 otherwise).
// Store errors map through the table in problem.h.
//
// Form posts and admin requests whose Origin header names another site
// than the Host header are refused with 403, so that other web pages
// cannot add or delete tasks through a visitor's browser. Requests
// without Origin (curl, older browsers) pass. The JSON routes need no
// such check: their content type and DELETE make browsers ask first (CORS
// preflight), which gets 405 unless cors.h's allowed origin asks. Admin
// requests from that origin are not refused either.
//
// With OpsOptions::loopback_names_only (set when the server listens on a
// loopback address), a request whose Host header names anything but
// 127.0.0.1, localhost or [::1] (any port) is refused with 421
// Misdirected Request: a page of another site that points its own DNS
// name at 127.0.0.1 (DNS rebinding) sends its own name as Host, and so
// can neither read nor write. A request without Host (which no browser
// sends) is served.
//
// Every response carries `Cache-Control: no-store`, the request's HTTP
// version and keep-alive choice, and (but for a 204) its Content-Length;
// callers send it as it is.
#ifndef TASKSTORE_HTTP_ROUTER_H_
#define TASKSTORE_HTTP_ROUTER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/page.h"
#include "domain/task_store.h"
#include "http/access_policy.h"
#include "http/cors.h"
#include "http/message.h"
#include "http/metrics_page.h"
#include "http/request_metrics.h"

namespace taskstore::http {

// What the admin routes ask of the process beyond the store. An empty
// function makes its route answer 501 Not Implemented.
struct AdminActions {
  // Writes a snapshot now; returns its file name.
  std::function<Result<std::string>()> take_snapshot;
};

// What the operational routes and checks use; the defaults leave
// everything open and uncounted.
struct OpsOptions {
  AccessPolicy access;
  CorsPolicy cors;
  // Counts and times every routed request; null: nothing is counted.
  RequestMetrics* requests = nullptr;
  // The log's figures for /metrics; empty: they are left out.
  std::function<StorageFigures()> storage_figures;
  // Refuse requests naming another host than a loopback one (see above).
  bool loopback_names_only = false;
};

// The page size of GET /api/events when the query gives none, and the
// largest it accepts: those of every list.
inline constexpr std::size_t kDefaultFeedLimit = domain::kDefaultPageSize;
inline constexpr std::size_t kMaxFeedLimit = domain::kMaxPageSize;

// Thread-safe as far as `store`, `admin` and `ops` are (TaskStore and
// RequestMetrics are). Blocks while the store makes a write durable.
Response Route(domain::TaskStore& store, const Request& request,
               const AdminActions& admin = {}, const OpsOptions& ops = {});

// One path of the route table and the methods it answers, for checks
// that the documentation agrees with the code.
struct RouteMethods {
  std::string path;                  // "/api/tasks/{id}"
  std::vector<std::string> methods;  // "GET", "POST", ...; HEAD left out,
                                     // as every GET answers it
};

// Every route, in table order.
std::vector<RouteMethods> ListRoutes();

// What a server that can stream is to send.
struct Routed {
  // A whole response, or, when `stream_after` is set, the head of a
  // Server-Sent Events stream (no body and no length; the connection
  // closes when the stream ends).
  Response response;
  // Set for a stream: the events after this sequence number are to follow
  // (see event_stream.h).
  std::optional<domain::Sequence> stream_after;
};

// As Route, except that GET /api/events with an Accept header that names
// text/event-stream is answered by a stream of the events after `after`,
// or after the Last-Event-ID header, which wins (an EventSource sends it
// when it reconnects). A bad value of either is a 400 problem.
Routed RouteOrStream(domain::TaskStore& store, const Request& request,
                     const AdminActions& admin = {},
                     const OpsOptions& ops = {});

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_ROUTER_H_
