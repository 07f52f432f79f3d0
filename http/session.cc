#include "http/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <utility>

#include "http/event_stream.h"
#include "http/problem.h"
#include "http/router.h"

namespace taskstore::http {
namespace {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

// How much the wait for a new request reads at once.
constexpr std::size_t kFirstReadBytes = 4096;

// After refusing a request whose body was not read, the connection is
// kept open this long, discarding what the client still sends, so that
// closing does not reset it before the client has read the refusal.
constexpr std::chrono::seconds kDrainTime{2};

// Access lines show at most this much of a path.
constexpr std::size_t kLoggedPathBytes = 200;

bool IsParseError(beast::error_code error) {
  return error.category() ==
         beast_http::make_error_code(beast_http::error::bad_target).category();
}

// The refusal for a request the parser rejected, or nullopt when the
// client went away or was too slow and there is no one to answer.
std::optional<Response> RefusalFor(beast::error_code error) {
  if (error == beast_http::error::body_limit) {
    return ProblemResponse(HttpStatus::payload_too_large,
                           "the request body is larger than this server "
                           "accepts");
  }
  if (error == beast_http::error::header_limit) {
    return ProblemResponse(HttpStatus::request_header_fields_too_large,
                           "the request header is larger than " +
                               std::to_string(kHeaderLimit) + " bytes");
  }
  // partial_message means the client closed in the middle of a request.
  if (IsParseError(error) && error != beast_http::error::partial_message) {
    return ProblemResponse(HttpStatus::bad_request,
                           "malformed HTTP request: " + error.message());
  }
  return std::nullopt;
}

}  // namespace

Session::Session(boost::asio::ip::tcp::socket socket, domain::TaskStore& store,
                 EventNotifier& notifier, Logger& logger,
                 const ServerOptions& options)
    : stream_(std::move(socket)),
      store_(store),
      notifier_(notifier),
      logger_(logger),
      options_(options) {}

void Session::Start() {
  boost::asio::dispatch(stream_.get_executor(),
                        beast::bind_front_handler(&Session::DoWaitForRequest,
                                                  shared_from_this()));
}

void Session::Shutdown() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    // Only a connection between requests is cut; a request that has begun
    // to arrive is answered (see OnRead and OnWrite).
    if (self->phase_ == Phase::kIdle) self->stream_.cancel();
  });
}

void Session::DoWaitForRequest() {
  if (stopping_) return DoClose();
  // A pipelined request may be in the buffer already.
  if (buffer_.size() > 0) return DoReadRequest();

  // Between requests the idle timeout applies, not the request timeout.
  phase_ = Phase::kIdle;
  stream_.expires_after(options_.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(beast::error_code error, std::size_t bytes) {
  buffer_.commit(bytes);
  // End of stream, idle timeout, reset or Shutdown(): nothing to answer.
  if (error) return DoClose();
  DoReadRequest();
}

void Session::DoReadRequest() {
  phase_ = Phase::kReading;
  started_ = std::chrono::steady_clock::now();
  method_ = "-";
  path_ = "-";

  parser_.emplace();
  parser_->body_limit(options_.body_limit);
  parser_->header_limit(kHeaderLimit);
  stream_.expires_after(options_.request_timeout);
  beast_http::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code error, std::size_t bytes) {
  if (error) return OnRead(error, bytes);
  // A client that asked to hear first whether its body is wanted (RFC 9110
  // section 10.1.1) would otherwise sit out its own timer before sending.
  const Request& header = parser_->get();
  // A body framed by a transfer coding other than chunked has no length
  // this server can find; reading on would take the body for the next
  // request. RFC 9112 section 6.1 asks for 400 and a closed connection.
  if (header.count(beast_http::field::transfer_encoding) != 0 &&
      !parser_->chunked()) {
    return OnRead(beast_http::error::bad_transfer_encoding, bytes);
  }
  if (header.version() >= 11 &&
      beast::iequals(header[beast_http::field::expect], "100-continue")) {
    continue_ = {HttpStatus::continue_, 11};
    return beast_http::async_write(
        stream_, continue_,
        beast::bind_front_handler(&Session::OnContinueSent,
                                  shared_from_this()));
  }
  DoReadBody();
}

void Session::OnContinueSent(beast::error_code error, std::size_t) {
  if (error) return DoClose();
  DoReadBody();
}

void Session::DoReadBody() {
  beast_http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::OnRead(beast::error_code error, std::size_t) {
  phase_ = Phase::kAnswering;
  // The start line is known even when a limit stopped the parser later.
  const Request& header = parser_->get();
  if (!header.target().empty()) {
    method_ = std::string(ToStd(header.method_string()));
    std::string_view target = ToStd(header.target());
    path_ = target.substr(0, std::min(target.find('?'), kLoggedPathBytes));
  }
  if (error) return AnswerUnreadable(error);

  Request request = parser_->release();
  Response response;
  try {
    Routed routed = RouteOrStream(store_, request, options_.admin);
    if (routed.stream_after && !stopping_) {
      return HandOverToStream(std::move(routed.response), *routed.stream_after);
    }
    response = std::move(routed.response);
    if (routed.stream_after) {
      // The server is stopping; a stream would end at once.
      response = ProblemResponse(HttpStatus::service_unavailable,
                                 "the server is stopping");
      response.prepare_payload();
    }
  } catch (const std::exception& exception) {
    // Nothing in Route is meant to throw; if something does (memory ran
    // out, a Beast precondition), this request fails, not the server.
    response =
        ProblemResponse(HttpStatus::internal_server_error,
                        std::string("internal error: ") + exception.what());
    response.keep_alive(false);
    response.prepare_payload();
  }
  bool then_close = stopping_ || response.need_eof();
  if (stopping_) response.keep_alive(false);
  DoWrite(std::move(response), then_close);
}

void Session::AnswerUnreadable(beast::error_code error) {
  std::optional<Response> refusal = RefusalFor(error);
  if (!refusal) return DoClose();
  // The rest of the request is unread, so the connection cannot carry
  // another one.
  refusal->keep_alive(false);
  refusal->prepare_payload();
  drain_ = true;
  DoWrite(std::move(*refusal), /*then_close=*/true);
}

void Session::HandOverToStream(Response head, domain::Sequence after) {
  response_ = head;
  LogAccess();
  // The socket leaves this session, whose stream_ stays behind empty, so
  // that Shutdown() on a session about to end still finds its executor.
  auto stream =
      std::make_shared<EventStream>(stream_.release_socket(), store_, notifier_,
                                    logger_, options_.event_stream, after);
  stream->Start(std::move(head));
}

void Session::DoWrite(Response response, bool then_close) {
  response_ = std::move(response);
  close_after_ = then_close;
  stream_.expires_after(options_.request_timeout);
  beast_http::async_write(
      stream_, response_,
      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code error, std::size_t) {
  LogAccess();
  if (error) return DoClose();
  if (drain_) return DoDrainAndClose();
  if (close_after_) return DoClose();
  DoWaitForRequest();
}

void Session::DoClose() {
  // Sending FIN lets the client read everything written so far; the
  // socket itself closes when the last handler lets go of the session.
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send,
                            ignored);
}

void Session::DoDrainAndClose() {
  DoClose();
  buffer_.clear();
  stream_.expires_after(kDrainTime);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      beast::bind_front_handler(&Session::OnDrain, shared_from_this()));
}

void Session::OnDrain(beast::error_code error, std::size_t) {
  // Keeps discarding until the client closes or kDrainTime has passed.
  if (error) return;
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      beast::bind_front_handler(&Session::OnDrain, shared_from_this()));
}

void Session::LogAccess() {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  unsigned status = response_.result_int();
  std::string line = method_ + " " + path_ + " " + std::to_string(status) +
                     " " + std::to_string(response_.body().size()) + "B " +
                     std::to_string(elapsed.count()) + "ms";
  if (status < 500) return logger_.Info(line);

  // A server-side failure is logged here and nowhere else; a problem
  // document says what failed.
  // TODO(error-log): a 5xx HTML page (a form add that hit a full disk) is
  // logged without its cause; Route would have to hand the cause over
  // beside the response.
  if (ToStd(response_[beast_http::field::content_type]) ==
      kProblemContentType) {
    line += " ";
    line += response_.body();
  }
  logger_.Error(line);
}

}  // namespace taskstore::http
