// A Server-Sent Events stream of the global feed on one connection, which
// a Session hands over to once Route has answered GET /api/events with the
// head of a stream (see router.h). Internal to the server.
//
// Each event is sent as
//   id: <sequence>
//   event: <type name>
//   data: <the event's JSON, as in GET /api/events>
//   <blank line>
// in sequence order, starting after the sequence the request named, first
// the backlog and then live as the store commits. Only committed events
// are read, so only durable ones are sent (under the log's default sync
// mode; see README.md for the others). While nothing happens a comment
// line (": heartbeat") goes out every heartbeat interval, which also finds
// out when the client has gone away.
//
// The stream reads events from the store in small batches and holds at
// most one batch (about kStreamBatchBytes) while it is written: a slow
// reader falls behind and catches up later; nothing piles up for it and
// no writer waits for it. A reader that takes in nothing for the write
// timeout is cut off.
#ifndef TASKSTORE_HTTP_EVENT_STREAM_H_
#define TASKSTORE_HTTP_EVENT_STREAM_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "base/logger.h"
#include "domain/task_store.h"
#include "http/connection_slots.h"
#include "http/event_notifier.h"
#include "http/message.h"

namespace taskstore::http {

// Roughly the most a stream holds to write at once.
inline constexpr std::size_t kStreamBatchBytes = 64 * 1024;

struct EventStreamOptions {
  std::chrono::milliseconds heartbeat{15'000};
  // How long one write may take before the reader counts as gone.
  std::chrono::milliseconds write_timeout{30'000};
};

class EventStream final : public EventSubscriber,
                          public std::enable_shared_from_this<EventStream> {
 public:
  // `socket` should have a strand as its executor. `store`, `notifier`
  // and `logger` must outlive the stream's handlers; `slot`, the
  // connection's place under the server's cap, is held until the stream
  // ends.
  EventStream(boost::asio::ip::tcp::socket socket, domain::TaskStore& store,
              EventNotifier& notifier, Logger& logger,
              EventStreamOptions options, domain::Sequence after,
              std::optional<ConnectionSlots::Slot> slot = std::nullopt);

  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Writes `head` (the response head Route made: status and fields, no
  // body), then the events. The stream keeps itself alive through its
  // pending operations and ends when the client goes or the notifier
  // closes it.
  void Start(Response head);

  void Wake() override;
  void Close() override;

 private:
  void OnHeadWritten(boost::beast::error_code error, std::size_t bytes);
  // Sends the next batch of events, or waits when there is none.
  void DoSendEvents();
  void DoWaitForEvents();
  void OnWaitEnded(boost::beast::error_code error);
  void DoWrite();
  void OnWrite(boost::beast::error_code error, std::size_t bytes);
  void DoClose();

  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer heartbeat_;
  domain::TaskStore& store_;
  EventNotifier& notifier_;
  Logger& logger_;
  const EventStreamOptions options_;
  const std::optional<ConnectionSlots::Slot> slot_;

  Response head_;  // alive while it is written
  std::optional<
      boost::beast::http::response_serializer<boost::beast::http::string_body>>
      head_serializer_;
  std::string out_;  // the bytes being written

  // Touched only on the stream's strand.
  domain::Sequence sent_through_;  // the last event written
  bool writing_ = false;
  bool closing_ = false;

  // True while a Wake() is posted and has not run yet, so that a burst of
  // commits posts one wake-up, not one per commit.
  std::atomic<bool> wake_posted_ = false;
};

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_EVENT_STREAM_H_
