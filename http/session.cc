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
#include <nlohmann/json.hpp>
#include <utility>

#include "domain/text.h"
#include "http/event_stream.h"
#include "http/problem.h"
#include "http/request_id.h"
#include "http/router.h"

namespace taskstore::http {
namespace {

// A header value without the white space around it.
boost::beast::string_view TrimmedValue(boost::beast::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  return value;
}

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;

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
std::optional<Response> RefusalFor(beast::error_code error,
                                   const ServerOptions& options) {
  if (error == beast_http::error::body_limit) {
    return ProblemResponse(HttpStatus::payload_too_large,
                           "the request body is larger than " +
                               std::to_string(options.body_limit) +
                               " bytes, the most this server accepts");
  }
  if (error == beast_http::error::header_limit) {
    return ProblemResponse(HttpStatus::request_header_fields_too_large,
                           "the request header is larger than " +
                               std::to_string(options.header_limit) + " bytes");
  }
  // partial_message means the client closed in the middle of a request.
  if (IsParseError(error) && error != beast_http::error::partial_message) {
    return ProblemResponse(HttpStatus::bad_request,
                           "malformed HTTP request: " + error.message());
  }
  return std::nullopt;
}

// The first header field whose value is not UTF-8, or "" when all are.
// X-Request-Id is left out: a bad one is replaced, not refused.
std::string FieldWithBadUtf8(const Request& header) {
  for (const auto& field : header) {
    if (beast::iequals(field.name_string(), ToBeast(kRequestIdField))) {
      continue;
    }
    if (!domain::CountCodePoints(ToStd(field.value()))) {
      return std::string(ToStd(field.name_string()));
    }
  }
  return "";
}

// The `detail` of a problem document, or the body itself when it is not
// one.
std::string ProblemDetail(const Response& response) {
  if (ToStd(response[beast_http::field::content_type]) != kProblemContentType) {
    return "";
  }
  nlohmann::json problem = nlohmann::json::parse(response.body(), nullptr,
                                                 /*allow_exceptions=*/false);
  if (problem.is_object() && problem.contains("detail") &&
      problem["detail"].is_string()) {
    return problem["detail"].get<std::string>();
  }
  return response.body();
}

std::string ClientOf(const boost::asio::ip::tcp::socket& socket) {
  beast::error_code error;
  auto peer = socket.remote_endpoint(error);
  if (error) return "";
  std::string address = peer.address().to_string();
  if (peer.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(peer.port());
}

}  // namespace

Session::Session(boost::asio::ip::tcp::socket socket, domain::TaskStore& store,
                 EventNotifier& notifier, Logger& logger,
                 const ServerOptions& options, ConnectionSlots::Slot slot)
    : stream_(std::move(socket)),
      store_(store),
      notifier_(notifier),
      logger_(logger),
      options_(options),
      slot_(std::move(slot)),
      client_(ClientOf(stream_.socket())) {}

void Session::Start() {
  boost::asio::dispatch(stream_.get_executor(),
                        beast::bind_front_handler(&Session::DoWaitForRequest,
                                                  shared_from_this()));
}

void Session::StartRefusing() {
  boost::asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->phase_ = Phase::kAnswering;
    self->started_ = Clock::now();
    self->request_id_ = NewRequestId();
    self->record_ = AccessRecord();
    Response refusal =
        ProblemResponse(HttpStatus::service_unavailable,
                        "the server has as many connections open as it "
                        "allows; try again in a moment");
    refusal.set(beast_http::field::retry_after, "1");
    self->Refuse(std::move(refusal));
  });
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
  started_ = Clock::now();
  request_id_.clear();
  record_ = AccessRecord();
  routed_ = false;
  ++requests_begun_;

  parser_.emplace();
  parser_->body_limit(options_.body_limit);
  parser_->header_limit(options_.header_limit);
  // One deadline covers the header and the body, so a client that sends
  // a byte now and then cannot hold the connection past it.
  stream_.expires_after(options_.request_timeout);
  header_bytes_ = 0;
  DoReadHeaderPart();
}

void Session::DoReadHeaderPart() {
  // Read piece by piece rather than with async_read_header: Beast's own
  // header limit applies only to the bytes its parser has not consumed
  // yet, and it consumes each whole field line, so fields that arrive in
  // separate reads would pass any limit. The sum is checked here.
  beast_http::async_read_some(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnHeaderPart, shared_from_this()));
}

void Session::OnHeaderPart(beast::error_code error, std::size_t bytes) {
  header_bytes_ += bytes;
  if (error) return OnHeader(error, header_bytes_);
  if (header_bytes_ > options_.header_limit) {
    return OnHeader(beast_http::error::header_limit, header_bytes_);
  }
  if (!parser_->is_header_done()) return DoReadHeaderPart();
  OnHeader({}, header_bytes_);
}

void Session::OnHeader(beast::error_code error, std::size_t bytes) {
  if (error) return OnRead(error, bytes);
  NoteRequestLine();
  const Request& header = parser_->get();

  // A body framed by a transfer coding other than chunked has no length
  // this server can find; reading on would take the body for the next
  // request. A coding besides chunked ("gzip, chunked") is one the server
  // would not undo, so the body would be read as something it is not.
  // RFC 9112 section 6.1 asks for 400 and a closed connection for both.
  if (header.count(beast_http::field::transfer_encoding) != 0 &&
      (!parser_->chunked() ||
       !beast::iequals(
           TrimmedValue(header[beast_http::field::transfer_encoding]),
           "chunked"))) {
    return OnRead(beast_http::error::bad_transfer_encoding, bytes);
  }
  // Only HTTP/1.x is spoken, and the response must not claim a version
  // the server does not have. Beast 1.74's parser already refuses every
  // version but 1.0 and 1.1 as malformed (400); this holds should a later
  // Beast pass others on, answering a later 1.x as 1.1 (RFC 9110 section
  // 6.2).
  if (header.version() / 10 != 1) {
    return Refuse(ProblemResponse(HttpStatus::http_version_not_supported,
                                  "this server speaks HTTP/1.0 and HTTP/1.1"));
  }
  if (header.version() > 11) parser_->get().version(11);
  if (std::string bad = FieldWithBadUtf8(header); !bad.empty()) {
    return Refuse(ProblemResponse(
        HttpStatus::bad_request,
        "the value of header field " + bad + " is not valid UTF-8"));
  }

  // A client that asked to hear first whether its body is wanted (RFC 9110
  // section 10.1.1) would otherwise sit out its own timer before sending.
  // A body over the limit never gets here: the parser refuses it from its
  // Content-Length. Any other expectation cannot be met (417).
  auto expect = header.find(beast_http::field::expect);
  if (expect != header.end()) {
    if (!beast::iequals(expect->value(), "100-continue")) {
      return Refuse(ProblemResponse(
          HttpStatus::expectation_failed,
          "the only expectation this server meets is 100-continue"));
    }
    if (header.version() >= 11 && !parser_->is_done()) {
      continue_ = {HttpStatus::continue_, 11};
      return beast_http::async_write(
          stream_, continue_,
          beast::bind_front_handler(&Session::OnContinueSent,
                                    shared_from_this()));
    }
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

void Session::NoteRequestLine() {
  // The start line is known even when a limit stopped the parser later,
  // and so are the fields before the limit.
  const Request& header = parser_->get();
  if (!header.target().empty()) {
    record_.method = std::string(ToStd(header.method_string()));
    std::string_view target = ToStd(header.target());
    record_.path =
        target.substr(0, std::min(target.find('?'), kLoggedPathBytes));
  }
  if (request_id_.empty()) {
    request_id_ = RequestIdFor(ToStd(header[ToBeast(kRequestIdField)]));
  }
}

void Session::OnRead(beast::error_code error, std::size_t) {
  phase_ = Phase::kAnswering;
  NoteRequestLine();
  if (error) return AnswerUnreadable(error);

  Request request = parser_->release();
  // The router reads the id from the request to record it with events.
  request.set(ToBeast(kRequestIdField), request_id_);
  Response response;
  try {
    Routed routed =
        RouteOrStream(store_, request, options_.admin, options_.ops);
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
  routed_ = true;
  bool last_allowed = requests_begun_ >= options_.max_requests_per_connection;
  bool then_close = stopping_ || last_allowed || response.need_eof();
  if (then_close) response.keep_alive(false);
  DoWrite(std::move(response), then_close);
}

void Session::AnswerUnreadable(beast::error_code error) {
  std::optional<Response> refusal = RefusalFor(error, options_);
  if (refusal) return Refuse(std::move(*refusal));

  if (error == beast::error::timeout) {
    // The client began a request and did not finish it in time; the
    // stream has closed the socket already.
    record_.status = static_cast<unsigned>(HttpStatus::request_timeout);
    record_.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        Clock::now() - started_);
    record_.request_id = request_id_;
    record_.client = client_;
    record_.note = "request not complete within " +
                   std::to_string(options_.request_timeout.count()) +
                   " s; connection closed without an answer";
    logger_.Info(FormatAccessLine(record_));
  }
  DoClose();
}

void Session::Refuse(Response refusal) {
  phase_ = Phase::kAnswering;
  // The rest of the request is unread, so the connection cannot carry
  // another one.
  refusal.keep_alive(false);
  refusal.prepare_payload();
  drain_ = true;
  DoWrite(std::move(refusal), /*then_close=*/true);
}

void Session::HandOverToStream(Response head, domain::Sequence after) {
  response_ = head;
  LogAccess("");
  // The socket leaves this session, whose stream_ stays behind empty, so
  // that Shutdown() on a session about to end still finds its executor.
  auto stream = std::make_shared<EventStream>(
      stream_.release_socket(), store_, notifier_, logger_,
      options_.event_stream, after, std::move(slot_));
  stream->Start(std::move(head));
}

void Session::DoWrite(Response response, bool then_close) {
  response_ = std::move(response);
  response_.set(ToBeast(kRequestIdField), request_id_);
  close_after_ = then_close;
  stream_.expires_after(options_.request_timeout);
  beast_http::async_write(
      stream_, response_,
      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code error, std::size_t) {
  LogAccess(error ? "the answer could not be sent: " + error.message() : "");
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

void Session::LogAccess(std::string note) {
  record_.status = response_.result_int();
  record_.bytes = response_.body().size();
  record_.duration = std::chrono::duration_cast<std::chrono::microseconds>(
      Clock::now() - started_);
  record_.request_id = request_id_;
  record_.client = client_;
  record_.note = std::move(note);
  // Refusals the session makes itself (505, a full house's 503) are about
  // the client or the load, not failures of the server.
  if (record_.status < 500 || !routed_) {
    return logger_.Info(FormatAccessLine(record_));
  }

  // A server-side failure is logged here and nowhere else.
  // TODO(error-log): a 5xx HTML page (a form add that hit a full disk) is
  // logged without its cause; Route would have to hand the cause over
  // beside the response.
  record_.error = ProblemDetail(response_);
  logger_.Error(FormatAccessLine(record_));
}

}  // namespace taskstore::http
