// A raw TCP client for the tests that send the server bytes no HTTP
// library would: malformed, truncated, dribbled or pipelined requests. It
// connects to 127.0.0.1 only and reads responses with a small parser of
// its own, so that what the server sends is checked byte for byte.
#ifndef TASKSTORE_TESTS_RAW_HTTP_H_
#define TASKSTORE_TESTS_RAW_HTTP_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskstore::testing_support {

struct RawResponse {
  int status = 0;
  std::string reason;
  // Names in lower case, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of the first header called `name` (any case), or "".
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

// One connection to 127.0.0.1:port. Every wait is bounded by the timeout
// it is given. Not thread-safe: one per thread.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();

  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the connect failed; error() says why.
  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  // Writes all of `bytes`; false when the connection failed.
  bool Send(std::string_view bytes);

  // Sends FIN: the server sees the end of the stream.
  void ShutdownWrite();

  // Reads one response. `head` says it answers a HEAD request (no body
  // whatever Content-Length says). nullopt, with error() set, when none
  // arrives whole within `timeout` or it is not HTTP/1.x.
  std::optional<RawResponse> Read(std::chrono::milliseconds timeout,
                                  bool head = false);

  // True when the server closes the connection (end of stream or reset)
  // within `timeout`; what it sends before that is discarded.
  bool AwaitClose(std::chrono::milliseconds timeout);

  // Whatever arrives until the server closes or `timeout` passes.
  std::string ReadToClose(std::chrono::milliseconds timeout);

 private:
  // Reads more into buffer_ until `deadline`; false on timeout, end of
  // stream or error (closed_ set for the latter two).
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;  // received and not yet consumed
  bool closed_ = false;
  std::string error_;
};

// A request's bytes: "METHOD target HTTP/1.1", Host, the `headers` lines
// (each "Name: value" without CRLF), Content-Length when `body` is not
// empty, and the body.
std::string RawRequest(std::string_view method, std::string_view target,
                       const std::vector<std::string>& headers = {},
                       std::string_view body = "");

}  // namespace taskstore::testing_support

#endif  // TASKSTORE_TESTS_RAW_HTTP_H_
