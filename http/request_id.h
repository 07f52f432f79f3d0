// Request ids: the `X-Request-Id` header that ties a request to its
// access-log line, its response and the events it records.
//
// A client may send its own id; the server keeps it when it is acceptable
// and otherwise makes a new one, sets it on the request before routing and
// echoes it on every response.
#ifndef TASKSTORE_HTTP_REQUEST_ID_H_
#define TASKSTORE_HTTP_REQUEST_ID_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace taskstore::http {

inline constexpr std::string_view kRequestIdField = "X-Request-Id";

// Longer ids are replaced rather than kept.
inline constexpr std::size_t kMaxRequestIdLength = 128;

// True when `id` is 1 to kMaxRequestIdLength bytes of visible ASCII
// (0x21 to 0x7E: no spaces, controls or bytes past ASCII), so that it can
// be logged and echoed as it is.
bool IsAcceptableRequestId(std::string_view id);

// A new id: 32 lowercase hex digits from a random 128-bit number, unique
// for every practical purpose. Thread-safe.
std::string NewRequestId();

// `sent` when it is acceptable, a new id otherwise.
std::string RequestIdFor(std::string_view sent);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_REQUEST_ID_H_
