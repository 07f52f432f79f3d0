// Server-Sent Events on GET /api/events, through a real server on
// 127.0.0.1 over an in-memory store.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/logger.h"
#include "domain/journal.h"
#include "domain/task_store.h"
#include "http/event_notifier.h"
#include "http/server.h"
#include "tests/test_support.h"

namespace taskstore::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class AcceptingJournal final : public domain::Journal {
 public:
  Status Append(std::span<const domain::Event>) override {
    return Status::Ok();
  }
};

struct SseEvent {
  std::uint64_t id = 0;
  std::string type;
  std::string data;
};

// A blocking client of one stream. Reads time out after two seconds, so a
// missing event fails the test instead of hanging it.
class SseClient {
 public:
  SseClient(std::uint16_t port, const std::string& target,
            const std::string& extra_headers = "")
      : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval timeout{2, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
               sizeof timeout);
    std::string request = "GET " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Accept: text/event-stream\r\n" +
                          extra_headers + "\r\n";
    asio::write(socket_, asio::buffer(request));
    std::size_t end = ReadUntil("\r\n\r\n");
    head_ = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
  }

  const std::string& head() const { return head_; }

  // The next event or comment block; nullopt at the end of the stream or
  // on a timeout.
  std::optional<std::string> NextBlock() {
    std::size_t end = ReadUntil("\n\n");
    if (end == std::string::npos) return std::nullopt;
    std::string block = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    return block;
  }

  // The next event, skipping comments.
  std::optional<SseEvent> NextEvent() {
    while (std::optional<std::string> block = NextBlock()) {
      if (block->starts_with(":")) continue;
      SseEvent event;
      std::size_t at = 0;
      while (at < block->size()) {
        std::size_t line_end = block->find('\n', at);
        if (line_end == std::string::npos) line_end = block->size();
        std::string line = block->substr(at, line_end - at);
        if (line.starts_with("id: ")) event.id = std::stoull(line.substr(4));
        if (line.starts_with("event: ")) event.type = line.substr(7);
        if (line.starts_with("data: ")) event.data = line.substr(6);
        at = line_end + 1;
      }
      return event;
    }
    return std::nullopt;
  }

  // True when the server closed the stream (rather than a timeout).
  bool AtEnd() {
    char byte;
    boost::system::error_code error;
    socket_.read_some(asio::buffer(&byte, 1), error);
    return error == asio::error::eof;
  }

 private:
  std::size_t ReadUntil(std::string_view delimiter) {
    while (buffer_.find(delimiter) == std::string::npos) {
      char chunk[4096];
      boost::system::error_code error;
      std::size_t got = socket_.read_some(asio::buffer(chunk), error);
      if (error) return std::string::npos;
      buffer_.append(chunk, got);
    }
    return buffer_.find(delimiter);
  }

  asio::io_context io_;
  tcp::socket socket_;
  std::string buffer_;
  std::string head_;
};

class CountingSubscriber final : public EventSubscriber {
 public:
  void Wake() override { ++wakes; }
  void Close() override { ++closes; }
  int wakes = 0;
  int closes = 0;
};

TEST(EventNotifierTest, WakesLiveSubscribersAndForgetsExpiredOnes) {
  EventNotifier notifier;
  auto kept = std::make_shared<CountingSubscriber>();
  auto dropped = std::make_shared<CountingSubscriber>();
  ASSERT_TRUE(notifier.Subscribe(kept));
  ASSERT_TRUE(notifier.Subscribe(dropped));
  notifier.Publish();
  dropped.reset();
  notifier.Publish();
  EXPECT_EQ(kept->wakes, 2);
  EXPECT_EQ(notifier.subscriber_count(), 1u);
}

TEST(EventNotifierTest, CloseEndsSubscribersAndRefusesNewOnes) {
  EventNotifier notifier;
  auto early = std::make_shared<CountingSubscriber>();
  ASSERT_TRUE(notifier.Subscribe(early));
  notifier.Close();
  notifier.Close();
  EXPECT_EQ(early->closes, 1);
  auto late = std::make_shared<CountingSubscriber>();
  EXPECT_FALSE(notifier.Subscribe(late));
  notifier.Publish();
  EXPECT_EQ(late->wakes, 0);
}

class EventStreamTest : public ::testing::Test {
 protected:
  void StartServer(EventStreamOptions stream_options = {}) {
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.event_stream = stream_options;
    server_.emplace(store_, logger_, options);
    store_.SetCommitObserver(
        [this](domain::Sequence) { server_->NotifyCommitted(); });
    Result<std::uint16_t> port = server_->Listen();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    runner_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (runner_.joinable()) runner_.join();
  }

  void Add(std::string title, std::string description = "") {
    ASSERT_TRUE(
        store_.Create({std::move(title), std::move(description), {}}).ok());
  }

  AcceptingJournal journal_;
  NullLogger logger_;
  domain::TaskStore store_{domain::Projection(), journal_,
                           testing_support::SteppingClock()};
  std::optional<Server> server_;
  std::thread runner_;
  std::uint16_t port_ = 0;
};

TEST_F(EventStreamTest, HeadSaysEventStreamAndSendsTheBacklog) {
  StartServer();
  Add("first", "line one\nline two");
  Add("second");

  SseClient client(port_, "/api/events");
  EXPECT_TRUE(client.head().starts_with("HTTP/1.1 200 OK")) << client.head();
  EXPECT_NE(client.head().find("Content-Type: text/event-stream"),
            std::string::npos);
  EXPECT_EQ(client.head().find("Content-Length"), std::string::npos);

  std::optional<SseEvent> first = client.NextEvent();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, 1u);
  EXPECT_EQ(first->type, "TaskCreated");
  EXPECT_NE(first->data.find(R"("description":"line one\nline two")"),
            std::string::npos)
      << first->data;
  std::optional<SseEvent> second = client.NextEvent();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, 2u);
}

TEST_F(EventStreamTest, StreamStartedBeforeAnyEventReceivesThemLive) {
  StartServer();
  SseClient client(port_, "/api/events");
  for (int i = 1; i <= 5; ++i) {
    Add("live " + std::to_string(i));
    std::optional<SseEvent> event = client.NextEvent();
    ASSERT_TRUE(event) << "event " << i << " did not arrive";
    EXPECT_EQ(event->id, static_cast<std::uint64_t>(i));
    EXPECT_NE(event->data.find("live " + std::to_string(i)), std::string::npos);
  }
}

TEST_F(EventStreamTest, LastEventIdWinsOverAfter) {
  StartServer();
  for (int i = 0; i < 5; ++i) Add("task");
  SseClient client(port_, "/api/events?after=1", "Last-Event-ID: 3\r\n");
  std::optional<SseEvent> event = client.NextEvent();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->id, 4u);
}

TEST_F(EventStreamTest, IdleStreamSendsHeartbeats) {
  StartServer({.heartbeat = std::chrono::milliseconds(50)});
  SseClient client(port_, "/api/events");
  std::optional<std::string> block = client.NextBlock();
  ASSERT_TRUE(block);
  EXPECT_EQ(*block, ": heartbeat");
}

TEST_F(EventStreamTest, ResumingWithLastEventIdMissesAndRepeatsNothing) {
  StartServer();
  constexpr int kEvents = 400;
  std::thread writer([this] {
    for (int i = 0; i < kEvents; ++i) {
      Add("task " + std::to_string(i));
      if (i % 8 == 0)
        std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
  });

  std::mt19937 random(20261204);
  std::vector<std::uint64_t> seen;
  int connections = 0;
  while (seen.size() < kEvents && connections < 1000) {
    std::string resume;
    if (!seen.empty()) {
      resume = "Last-Event-ID: " + std::to_string(seen.back()) + "\r\n";
    }
    SseClient client(port_, "/api/events", resume);
    ++connections;
    int take = std::uniform_int_distribution<int>(1, 40)(random);
    for (int i = 0; i < take && seen.size() < kEvents; ++i) {
      std::optional<SseEvent> event = client.NextEvent();
      ASSERT_TRUE(event) << "after " << seen.size() << " events";
      seen.push_back(event->id);
    }
  }  // each client disconnects in the middle of the stream
  writer.join();

  ASSERT_EQ(seen.size(), std::size_t{kEvents});
  for (std::size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i], i + 1) << "at position " << i;
  }
  EXPECT_GT(connections, 5);
}

TEST_F(EventStreamTest, SlowReaderBlocksNeitherWritersNorOtherStreams) {
  StartServer({.heartbeat = std::chrono::milliseconds(15'000),
               .write_timeout = std::chrono::milliseconds(500)});
  // Connects and then never reads.
  SseClient stalled(port_, "/api/events");
  SseClient reader(port_, "/api/events");

  constexpr int kEvents = 150;
  const std::string big(30'000, 'x');
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kEvents; ++i) Add("big", big);
  // Several megabytes stand unread in the stalled stream's way; the writes
  // went through all the same.
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(5));

  for (int i = 1; i <= kEvents; ++i) {
    std::optional<SseEvent> event = reader.NextEvent();
    ASSERT_TRUE(event) << "event " << i;
    ASSERT_EQ(event->id, static_cast<std::uint64_t>(i));
  }
}

TEST_F(EventStreamTest, StoppingTheServerEndsTheStreams) {
  StartServer();
  SseClient client(port_, "/api/events");
  Add("one");
  ASSERT_TRUE(client.NextEvent());
  server_->Stop();
  runner_.join();
  EXPECT_TRUE(client.AtEnd());
}

}  // namespace
}  // namespace taskstore::http
