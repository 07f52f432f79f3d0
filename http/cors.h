// Cross-origin access to the JSON API (paths under /api/) for one web
// origin that the operator names (`--cors-origin`). Without one, browsers
// keep their same-origin rule: no response carries CORS headers and a
// preflight is refused as any OPTIONS request is (405).
//
// With one, requests whose Origin is exactly that origin get
// `Access-Control-Allow-Origin` and `Access-Control-Expose-Headers`; a
// preflight (OPTIONS with Origin and Access-Control-Request-Method) of a
// known API path from it is answered 204 with the path's methods, the
// request headers the API reads, and a max age. Every API response then
// carries `Vary: Origin`, since it depends on the Origin header. No
// credentials (cookies) are allowed across origins: the API takes its
// token from the Authorization header.
#ifndef TASKSTORE_HTTP_CORS_H_
#define TASKSTORE_HTTP_CORS_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "http/message.h"

namespace taskstore::http {

struct CorsPolicy {
  // A serialized origin, "https://tasks.example" or
  // "http://localhost:3000"; empty: no cross-origin access.
  std::string allowed_origin;

  bool enabled() const { return !allowed_origin.empty(); }
};

// How long a browser may cache a preflight's answer.
inline constexpr int kPreflightMaxAgeSeconds = 600;

// OK when `origin` is a serialized origin: "http://" or "https://", a
// host, an optional ":port", and nothing after it (no path, not even
// "/"). InvalidArgument saying what is wrong otherwise.
Status ValidateOrigin(std::string_view origin);

// True when `request`'s Origin is the allowed origin.
bool IsAllowedOrigin(const CorsPolicy& policy, const Request& request);

// True when CORS rules apply to `path`.
bool IsCorsPath(std::string_view path);

// The 204 answer to a preflight of `path` (whose methods are
// `allowed_methods`, "GET, HEAD, POST"), or nullopt when `request` is no
// preflight from the allowed origin.
std::optional<Response> AnswerPreflight(const CorsPolicy& policy,
                                        const Request& request,
                                        std::string_view path,
                                        std::string_view allowed_methods);

// Adds the headers of an actual (not preflight) response to `request`
// for `path`.
void AddCorsHeaders(const CorsPolicy& policy, const Request& request,
                    std::string_view path, Response& response);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_CORS_H_
