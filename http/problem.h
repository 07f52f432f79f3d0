// Error responses as RFC 9457 problem details
// (`application/problem+json`), and the one table that maps the store's
// status codes to HTTP statuses.
#ifndef TASKSTORE_HTTP_PROBLEM_H_
#define TASKSTORE_HTTP_PROBLEM_H_

#include <string_view>

#include "base/status.h"
#include "http/message.h"

namespace taskstore::http {

inline constexpr std::string_view kProblemContentType =
    "application/problem+json";

// The HTTP status that a store error becomes:
//   InvalidArgument 400, NotFound 404, Gone 410, FailedPrecondition 409,
//   Corruption 500, IOError 500, NoSpace 507, Unavailable 503,
//   VersionMismatch 412, KeyMismatch 422.
// kOk maps to 200, though no caller should need it.
HttpStatus HttpStatusOf(StatusCode code);

// The problem document {"type", "title", "status", "detail"}. `type` is
// "about:blank", so `title` is the status's reason phrase ("Not Found");
// `detail` says what went wrong in words a person can act on.
std::string ProblemJson(HttpStatus status, std::string_view detail);

// A response with the document above as its body and the content type set.
// The caller sets the version, keep-alive and payload size.
Response ProblemResponse(HttpStatus status, std::string_view detail);

// The problem for a store error: status from the table, the error's
// message as detail. REQUIRES: !error.ok().
Response ProblemResponse(const Status& error);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_PROBLEM_H_
