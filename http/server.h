// An asynchronous HTTP/1.1 server (Boost.Beast) that answers requests
// through Route (router.h). Connections are kept alive and may pipeline;
// each connection's requests are answered one at a time, in order.
//
// Usage:
//   Server server(store, logger, options);
//   Result<std::uint16_t> port = server.Listen();
//   if (!port.ok()) ...;
//   server.Run();  // until Stop() or SIGINT/SIGTERM
#ifndef TASKSTORE_HTTP_SERVER_H_
#define TASKSTORE_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/logger.h"
#include "base/result.h"
#include "domain/task_store.h"
#include "http/event_stream.h"
#include "http/router.h"

namespace taskstore::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an address or a name to resolve
  std::uint16_t port = 8080;       // 0 picks a free port
  int threads = 4;                 // io threads; values below 1 mean 1
  // Larger request bodies are refused with 413 (a body announced larger
  // is refused before it is read); larger request headers with 431.
  std::size_t body_limit = 1 << 20;
  std::uint32_t header_limit = 8 * 1024;
  // How long a request may take to arrive once its first byte has come
  // (a client that dribbles its header is cut when it runs out), and how
  // long a response may take to be written.
  std::chrono::seconds request_timeout{30};
  // How long a kept-alive connection may wait for its next request.
  std::chrono::seconds idle_timeout{60};
  // Open connections at most. One more is answered 503 with
  // `Retry-After: 1` and closed, without its request being read; past a
  // further kRefusingConnections being refused at once, new connections
  // are closed without an answer.
  // TODO(per-client-cap): the cap is for all clients together, so one
  // client that opens max_connections silent connections makes the others
  // get 503 until its idle timeouts run out. A cap per client address
  // would confine that to the one client.
  std::size_t max_connections = 512;
  // Requests one connection may carry; the last is answered with
  // `Connection: close`.
  std::size_t max_requests_per_connection = 1000;
  // How long a stopping server lets requests in flight finish before it
  // cuts their connections.
  std::chrono::seconds shutdown_grace{5};
  // Served on the admin routes (see router.h).
  AdminActions admin;
  // Heartbeat and write timeout of GET /api/events streams.
  EventStreamOptions event_stream;
  // Token, CORS and metrics (see router.h).
  OpsOptions ops;
};

// Connections being refused (see max_connections) at most at once.
inline constexpr std::size_t kRefusingConnections = 64;

// Conduct, beyond what router.h answers: keep-alive and pipelining
// (answered in order), `Expect: 100-continue` (100 is sent only when the
// body will be read; a body over the limit gets 413 unread; another
// expectation gets 417), chunked request bodies, 400 for header values
// that are not UTF-8 (but for X-Request-Id, which is replaced), and a
// request id on every request and response (see request_id.h).
class Server {
 public:
  // `store` and `logger` must outlive the server. Logs one access line per
  // request (see access_log.h); a 5xx's cause is on its line, once.
  Server(domain::TaskStore& store, Logger& logger, ServerOptions options);
  // REQUIRES: Run() is not running.
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port. Fails with InvalidArgument
  // when the host does not resolve and IOError when the socket cannot be
  // bound ("bind 127.0.0.1:8080: Address already in use").
  // FailedPrecondition when called twice.
  Result<std::uint16_t> Listen();

  // Serves on `threads` threads until Stop() is called or SIGINT/SIGTERM
  // arrives, then stops accepting, lets the requests in flight finish
  // (idle connections and event streams are closed at once; the last answer on
  // each busy one says `Connection: close`), and returns; connections still
  // busy after shutdown_grace are cut. Once the stop has begun, SIGINT and
  // SIGTERM are given back their default action, so a second signal ends
  // the process at once. Call once, after Listen() succeeded; otherwise
  // returns at once.
  void Run();

  // Asks Run() to wind down as above. Thread-safe; may be called before
  // Run() (which then returns almost at once), and more than once.
  void Stop();

  // Wakes the open event streams: the store has committed new events.
  // Cheap and thread-safe; meant for TaskStore::SetCommitObserver.
  void NotifyCommitted();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_SERVER_H_
