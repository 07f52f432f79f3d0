#include "http/cors.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;

// Every request header the API reads, besides the ones browsers may send
// without asking.
constexpr std::string_view kAllowedHeaders =
    "Content-Type, Authorization, If-Match, Idempotency-Key, X-Actor, "
    "X-Request-Id, Last-Event-ID";

// The response headers a page's script may read, besides the basic ones.
constexpr std::string_view kExposedHeaders = "ETag, Location, X-Request-Id";

void AddVaryOrigin(Response& response) {
  auto vary = response.find(field::vary);
  if (vary == response.end()) {
    response.set(field::vary, "Origin");
  } else {
    response.set(field::vary, std::string(ToStd(vary->value())) + ", Origin");
  }
}

}  // namespace

Status ValidateOrigin(std::string_view origin) {
  auto refuse = [origin](std::string_view why) {
    return InvalidArgumentError("\"" + std::string(origin) +
                                "\" is not a web origin such as "
                                "https://tasks.example or "
                                "http://localhost:3000: " +
                                std::string(why));
  };
  std::string_view rest;
  if (origin.starts_with("http://")) {
    rest = origin.substr(7);
  } else if (origin.starts_with("https://")) {
    rest = origin.substr(8);
  } else {
    return refuse("it must begin with http:// or https://");
  }
  if (rest.empty() || rest.front() == ':') return refuse("the host is missing");
  for (char c : rest) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':' ||
                   c == '[' || c == ']';
    if (!allowed) {
      return refuse(c == '/' ? "a path (even \"/\") must not follow the host"
                             : "it holds a character no host or port has");
    }
  }
  return Status::Ok();
}

bool IsAllowedOrigin(const CorsPolicy& policy, const Request& request) {
  auto origin = request.find(field::origin);
  return policy.enabled() && origin != request.end() &&
         boost::beast::iequals(origin->value(), ToBeast(policy.allowed_origin));
}

bool IsCorsPath(std::string_view path) { return path.starts_with("/api/"); }

std::optional<Response> AnswerPreflight(const CorsPolicy& policy,
                                        const Request& request,
                                        std::string_view path,
                                        std::string_view allowed_methods) {
  if (request.method() != verb::options || !IsCorsPath(path) ||
      request.find(field::access_control_request_method) == request.end() ||
      !IsAllowedOrigin(policy, request)) {
    return std::nullopt;
  }
  Response response(HttpStatus::no_content, 11);
  response.set(field::access_control_allow_origin,
               ToBeast(policy.allowed_origin));
  response.set(field::access_control_allow_methods, ToBeast(allowed_methods));
  response.set(field::access_control_allow_headers, ToBeast(kAllowedHeaders));
  response.set(field::access_control_max_age,
               std::to_string(kPreflightMaxAgeSeconds));
  AddVaryOrigin(response);
  return response;
}

void AddCorsHeaders(const CorsPolicy& policy, const Request& request,
                    std::string_view path, Response& response) {
  if (!policy.enabled() || !IsCorsPath(path)) return;
  if (response.find(field::access_control_allow_origin) != response.end()) {
    return;  // a preflight answer, complete already
  }
  AddVaryOrigin(response);
  if (!IsAllowedOrigin(policy, request)) return;
  response.set(field::access_control_allow_origin,
               ToBeast(policy.allowed_origin));
  response.set(field::access_control_expose_headers, ToBeast(kExposedHeaders));
}

}  // namespace taskstore::http
