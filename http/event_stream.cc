#include "http/event_stream.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>
#include <vector>

#include "http/json_codec.h"

namespace taskstore::http {
namespace {

namespace beast = boost::beast;

// Events read from the store per look; the byte bound is what limits a
// batch, this only keeps one look short.
constexpr std::size_t kEventsPerRead = 64;

// The socket's send buffer for a stream (see Start).
constexpr int kSendBufferBytes = 64 * 1024;

constexpr std::string_view kHeartbeat = ": heartbeat\n\n";

void AppendEvent(const domain::Event& event, std::string& out) {
  out += "id: ";
  out += std::to_string(event.sequence);
  out += "\nevent: ";
  out += domain::EventTypeName(event.data);
  // The JSON is on one line: the encoder escapes every line break inside
  // strings, so one data line carries it whole.
  out += "\ndata: ";
  out += EventJson(event);
  out += "\n\n";
}

}  // namespace

EventStream::EventStream(boost::asio::ip::tcp::socket socket,
                         domain::TaskStore& store, EventNotifier& notifier,
                         Logger& logger, EventStreamOptions options,
                         domain::Sequence after, ConnectionSlots::Slot slot)
    : stream_(std::move(socket)),
      heartbeat_(stream_.get_executor()),
      store_(store),
      notifier_(notifier),
      logger_(logger),
      options_(options),
      sent_through_(after),
      slot_(std::move(slot)) {}

void EventStream::Start(Response head) {
  head_ = std::move(head);

  // The kernel would otherwise let a reader that stopped reading hold
  // megabytes of queued events (its send buffer grows on its own); a
  // small one keeps what a stalled stream holds near the bound of what
  // the stream itself buffers.
  boost::system::error_code ignored;
  stream_.socket().set_option(
      boost::asio::socket_base::send_buffer_size(kSendBufferBytes), ignored);
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    // Subscribing before the first read of the store means no commit can
    // fall between that read and the first wake-up.
    if (!self->notifier_.Subscribe(self)) return self->DoClose();
    self->head_serializer_.emplace(self->head_);
    self->writing_ = true;
    self->stream_.expires_after(self->options_.write_timeout);
    beast::http::async_write_header(
        self->stream_, *self->head_serializer_,
        beast::bind_front_handler(&EventStream::OnHeadWritten, self));
  });
}

void EventStream::Wake() {
  if (wake_posted_.exchange(true)) return;
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->wake_posted_ = false;
    // A stream that is writing looks for new events when the write ends;
    // one that waits is woken by cancelling its heartbeat timer.
    if (!self->writing_) self->heartbeat_.cancel();
  });
}

void EventStream::Close() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    self->heartbeat_.cancel();
    // A write to a reader that does not read would hold the server's stop
    // for the whole write timeout.
    if (self->writing_) self->stream_.cancel();
  });
}

void EventStream::OnHeadWritten(beast::error_code error, std::size_t) {
  writing_ = false;
  head_serializer_.reset();
  if (error) return DoClose();
  DoSendEvents();
}

void EventStream::DoSendEvents() {
  if (closing_) return DoClose();
  out_.clear();
  while (out_.size() < kStreamBatchBytes) {
    std::vector<domain::Event> events =
        store_.EventsAfter(sent_through_, kEventsPerRead);
    for (const domain::Event& event : events) {
      if (out_.size() >= kStreamBatchBytes) break;
      AppendEvent(event, out_);
      sent_through_ = event.sequence;
    }
    if (events.size() < kEventsPerRead) break;
  }
  if (out_.empty()) return DoWaitForEvents();
  DoWrite();
}

void EventStream::DoWaitForEvents() {
  heartbeat_.expires_after(options_.heartbeat);
  heartbeat_.async_wait(
      beast::bind_front_handler(&EventStream::OnWaitEnded, shared_from_this()));
}

void EventStream::OnWaitEnded(beast::error_code error) {
  if (closing_) return DoClose();
  // Cancelled: woken because events may have come.
  if (error) return DoSendEvents();
  out_.assign(kHeartbeat);
  DoWrite();
}

void EventStream::DoWrite() {
  writing_ = true;
  stream_.expires_after(options_.write_timeout);
  boost::beast::net::async_write(
      stream_, boost::asio::buffer(out_),
      beast::bind_front_handler(&EventStream::OnWrite, shared_from_this()));
}

void EventStream::OnWrite(beast::error_code error, std::size_t) {
  writing_ = false;
  if (error) {
    if (error == beast::error::timeout) {
      logger_.Warning("closed an event stream whose reader took nothing for " +
                      std::to_string(options_.write_timeout.count()) + " ms");
    }
    return DoClose();
  }
  // Commits that came during the write did not cancel anything; this
  // look at the store finds them.
  DoSendEvents();
}

void EventStream::DoClose() {
  closing_ = true;
  heartbeat_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send,
                            ignored);
}

}  // namespace taskstore::http
