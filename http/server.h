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
  // Larger request bodies are refused with 413; headers past 8 KiB with
  // 431.
  std::size_t body_limit = 1 << 20;
  // How long a request may take to arrive once it has begun, and how long
  // a response may take to be written.
  std::chrono::seconds request_timeout{30};
  // How long a kept-alive connection may wait for its next request.
  std::chrono::seconds idle_timeout{60};
  // Served on the admin routes (see router.h).
  AdminActions admin;
  // Heartbeat and write timeout of GET /api/events streams.
  EventStreamOptions event_stream;
};

// TODO(connection-limit): connections are not capped; each idle one holds
// a socket and its buffers until idle_timeout. A cap (refusing or queueing
// past it) matters once the server listens beyond 127.0.0.1.
class Server {
 public:
  // `store` and `logger` must outlive the server. Logs one access line per
  // request ("GET /api/tasks 200 512B 3ms") and each error once.
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
  // (idle connections and event streams are closed at once), and returns;
  // connections still busy after a few seconds are cut. Call once, after
  // Listen() succeeded; otherwise returns at once.
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
