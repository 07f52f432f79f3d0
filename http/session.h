// One client connection of the Server: reads a request, answers it through
// Route, writes the response, and reads the next, so pipelined requests
// are answered one at a time in the order they came. Internal to
// server.cc.
#ifndef TASKSTORE_HTTP_SESSION_H_
#define TASKSTORE_HTTP_SESSION_H_

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "base/logger.h"
#include "domain/task_store.h"
#include "http/access_log.h"
#include "http/connection_slots.h"
#include "http/event_notifier.h"
#include "http/message.h"
#include "http/server.h"

namespace taskstore::http {

// TODO(session-tests): sessions are exercised only over real sockets (the
// end-to-end, conduct and robustness tests). Templating Session on its
// stream type would let Beast's test::stream drive timeouts, limits and
// pipelining in unit tests.
class Session : public std::enable_shared_from_this<Session> {
 public:
  // `socket` should have a strand as its executor: the session's handlers
  // then never run concurrently. `store`, `logger` and `options` must
  // outlive every handler of the session; `slot` is given back when the
  // session ends, or passes to the event stream the session hands its
  // connection to. `notifier` wakes those streams.
  Session(boost::asio::ip::tcp::socket socket, domain::TaskStore& store,
          EventNotifier& notifier, Logger& logger, const ServerOptions& options,
          ConnectionSlots::Slot slot);

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts serving. The session keeps itself alive through its pending
  // operations and ends when the connection closes.
  void Start();

  // Instead of Start(): answers 503 Service Unavailable with
  // `Retry-After: 1` at once, without reading a request, and closes.
  void StartRefusing();

  // Asks the session to finish: an idle connection is closed at once; a
  // request being read or answered is answered first, and the connection
  // closed after it. Thread-safe.
  void Shutdown();

 private:
  enum class Phase { kIdle, kReading, kAnswering };

  void DoWaitForRequest();
  void OnFirstBytes(boost::beast::error_code error, std::size_t bytes);
  void DoReadRequest();
  void DoReadHeaderPart();
  void OnHeaderPart(boost::beast::error_code error, std::size_t bytes);
  void OnHeader(boost::beast::error_code error, std::size_t bytes);
  void OnContinueSent(boost::beast::error_code error, std::size_t bytes);
  void DoReadBody();
  void OnRead(boost::beast::error_code error, std::size_t bytes);
  // Takes the method, path and request id of the request being read into
  // record_ and request_id_.
  void NoteRequestLine();
  void AnswerUnreadable(boost::beast::error_code error);
  // Gives the connection to an EventStream that starts with `head`; the
  // session ends.
  void HandOverToStream(Response head, domain::Sequence after);
  void Refuse(Response refusal);
  void DoWrite(Response response, bool then_close);
  void OnWrite(boost::beast::error_code error, std::size_t bytes);
  void DoClose();
  void DoDrainAndClose();
  void OnDrain(boost::beast::error_code error, std::size_t bytes);
  void LogAccess(std::string note);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  Response response_;  // alive while it is written
  boost::beast::http::response<boost::beast::http::empty_body> continue_;

  domain::TaskStore& store_;
  EventNotifier& notifier_;
  Logger& logger_;
  const ServerOptions& options_;
  std::optional<ConnectionSlots::Slot> slot_;  // moves to a stream
  const std::string client_;  // "address:port", for the access log

  Phase phase_ = Phase::kIdle;
  bool stopping_ = false;     // Shutdown() was called
  bool close_after_ = false;  // close once response_ is written
  bool drain_ = false;        // the request was not read to its end
  std::size_t requests_begun_ = 0;
  std::size_t header_bytes_ = 0;  // of the request being read
  bool routed_ = false;           // response_ came from Route

  // The request being answered, for its response and access line.
  std::chrono::steady_clock::time_point started_;
  std::string request_id_;
  AccessRecord record_;
};

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_SESSION_H_
