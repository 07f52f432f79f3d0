#include "http/problem.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace taskstore::http {

HttpStatus HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return HttpStatus::ok;
    case StatusCode::kInvalidArgument:
      // 400 rather than 422: clients treat both alike, and 400 is the one
      // every client library knows.
      return HttpStatus::bad_request;
    case StatusCode::kNotFound:
      return HttpStatus::not_found;
    case StatusCode::kGone:
      return HttpStatus::gone;
    case StatusCode::kFailedPrecondition:
      return HttpStatus::conflict;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      return HttpStatus::internal_server_error;
    case StatusCode::kNoSpace:
      return HttpStatus::insufficient_storage;
    case StatusCode::kUnavailable:
      return HttpStatus::service_unavailable;
    case StatusCode::kVersionMismatch:
      return HttpStatus::precondition_failed;
    case StatusCode::kKeyMismatch:
      return HttpStatus::unprocessable_entity;
  }
  return HttpStatus::internal_server_error;
}

std::string ProblemJson(HttpStatus status, std::string_view detail) {
  nlohmann::ordered_json problem = {
      {"type", "about:blank"},
      {"title", std::string(boost::beast::http::obsolete_reason(status))},
      {"status", static_cast<unsigned>(status)},
      {"detail", std::string(detail)},
  };
  // Replacing bad UTF-8 (rather than throwing) keeps an error about bad
  // input from turning into a second error.
  return problem.dump(-1, ' ', false,
                      nlohmann::ordered_json::error_handler_t::replace);
}

Response ProblemResponse(HttpStatus status, std::string_view detail) {
  Response response(status, 11);
  response.set(boost::beast::http::field::content_type,
               ToBeast(kProblemContentType));
  response.body() = ProblemJson(status, detail);
  return response;
}

Response ProblemResponse(const Status& error) {
  // TODO(problem-detail): 5xx details carry the store's own message, which
  // may name files under the data directory. Right for a server on
  // 127.0.0.1; a server open to others should send a generic detail and
  // keep the message for the log.
  return ProblemResponse(HttpStatusOf(error.code()), error.message());
}

}  // namespace taskstore::http
