// End-to-end tests of the event feed and of compaction on the real
// `taskstore` executable, over HTTP on 127.0.0.1 only.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/verb.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/server_process.h"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using taskstore::testing_support::CommandResult;
using taskstore::testing_support::Exchange;
using taskstore::testing_support::ReadWholeFile;
using taskstore::testing_support::Reply;
using taskstore::testing_support::RunCommand;
using taskstore::testing_support::ServerProcess;
using namespace std::chrono_literals;

constexpr auto kStartTimeout = 20s;

// Reads a Server-Sent Events stream with blocking reads that give up after
// two seconds.
class StreamReader {
 public:
  StreamReader(std::uint16_t port, const std::string& target) : socket_(io_) {
    socket_.connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval timeout{2, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout,
               sizeof timeout);
    asio::write(socket_, asio::buffer("GET " + target +
                                      " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Accept: text/event-stream\r\n\r\n"));
  }

  // Reads until `text` has arrived; false on a timeout or the end.
  bool ReadUntil(const std::string& text) {
    while (received_.find(text) == std::string::npos) {
      char chunk[4096];
      boost::system::error_code error;
      std::size_t got = socket_.read_some(asio::buffer(chunk), error);
      if (error) return false;
      received_.append(chunk, got);
    }
    return true;
  }

  // True once the server has closed the stream.
  bool Ended() {
    char chunk[4096];
    boost::system::error_code error;
    while (!error) socket_.read_some(asio::buffer(chunk), error);
    return error == asio::error::eof;
  }

  const std::string& received() const { return received_; }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  std::string received_;
};

class FeedEndToEndTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taskstore-feed-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    data_ = root_ + "/data";
  }

  void TearDown() override {
    server_.Terminate();
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  void StartServer() {
    server_ = ServerProcess::Launch(data_, root_ + "/serve.err");
    ASSERT_TRUE(server_.AwaitListening(kStartTimeout))
        << server_.problem() << "\n"
        << server_.Stderr();
  }

  Reply Send(http::verb method, const std::string& target,
             const std::string& body = "") {
    return Exchange(server_.port(), method, target,
                    body.empty() ? "" : "application/json", body);
  }

  std::uint64_t Create(const std::string& title,
                       const std::string& description) {
    Reply reply = Send(
        http::verb::post, "/api/tasks",
        nlohmann::json{{"title", title}, {"description", description}}.dump());
    EXPECT_EQ(reply.status, 201u) << reply;
    return reply.Json().value("id", 0);
  }

  CommandResult Run(const std::vector<std::string>& args) {
    return RunCommand(args, root_ + "/cmd.out", root_ + "/cmd.err", 30s);
  }

  // The names of the files under the data directory whose bytes hold
  // `text`, at any depth.
  std::vector<std::string> FilesHolding(const std::string& text) {
    std::vector<std::string> holding;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(data_)) {
      if (!entry.is_regular_file()) continue;
      if (ReadWholeFile(entry.path()).find(text) != std::string::npos) {
        holding.push_back(entry.path().filename());
      }
    }
    return holding;
  }

  std::string root_;
  std::string data_;
  ServerProcess server_;
};

TEST_F(FeedEndToEndTest, FeedPagesAndStreamsLiveUntilTheServerStops) {
  StartServer();
  for (int i = 1; i <= 3; ++i) {
    Create("feed task " + std::to_string(i), "");
  }
  Reply page = Send(http::verb::get, "/api/events?limit=2");
  ASSERT_EQ(page.status, 200u) << page;
  EXPECT_EQ(page.Json()["events"].size(), 2u);
  EXPECT_EQ(page.Json()["next"], 2);
  Reply last = Send(http::verb::get, "/api/events?after=2");
  EXPECT_EQ(last.Json()["events"][0]["data"]["title"], "feed task 3");
  EXPECT_TRUE(last.Json()["next"].is_null());

  StreamReader stream(server_.port(), "/api/events?after=1");
  ASSERT_TRUE(stream.ReadUntil("id: 3\n")) << stream.received();
  EXPECT_EQ(stream.received().find("id: 1\n"), std::string::npos);
  Create("live task", "");
  ASSERT_TRUE(stream.ReadUntil("\"live task\"")) << stream.received();
  EXPECT_NE(stream.received().find("id: 4\nevent: TaskCreated\ndata: {"),
            std::string::npos);

  // A stream open does not hold the server's stop.
  auto asked = std::chrono::steady_clock::now();
  server_.Signal(SIGTERM);
  EXPECT_EQ(server_.WaitForExit(10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 4s);
  EXPECT_TRUE(stream.Ended());
}

TEST_F(FeedEndToEndTest, CompactCommandKeepsEveryLiveTaskAndItsHistory) {
  StartServer();
  Create("keep-title-one", "keep-description-one");
  Create("keep-title-two", "keep-description-two");
  ASSERT_EQ(Send(http::verb::post, "/api/admin/snapshot").status, 200u);
  ASSERT_EQ(server_.Terminate(), 0);

  CommandResult compacted = Run({"compact", "--data", data_});
  ASSERT_EQ(compacted.exit_code, 0) << compacted.err;
  EXPECT_NE(compacted.out.find("compacted"), std::string::npos);
  EXPECT_EQ(ReadWholeFile(data_ + "/COMPACTED"), "compacted through 2\n");
  for (const char* text : {"keep-title-one", "keep-description-two"}) {
    EXPECT_FALSE(FilesHolding(text).empty()) << text;
  }
  CommandResult verified = Run({"verify", "--data", data_});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

TEST_F(FeedEndToEndTest, PurgedTextIsNowhereInTheDataDirectoryAfterCompaction) {
  StartServer();
  std::uint64_t kept = Create("keep-title-alpha", "keep-description-alpha");
  std::uint64_t purged =
      Create("purge-me-title-7f3a", "purge-me-description-7f3a");
  ASSERT_EQ(Send(http::verb::patch, "/api/tasks/" + std::to_string(purged),
                 R"({"title": "purge-me-edited-7f3a"})")
                .status,
            200u);
  Create("keep-title-beta", "");
  // A snapshot that holds the text, and a deletion that does not erase it.
  ASSERT_EQ(Send(http::verb::post, "/api/admin/snapshot").status, 200u);
  ASSERT_EQ(
      Send(http::verb::delete_, "/api/tasks/" + std::to_string(purged)).status,
      204u);
  ASSERT_EQ(Send(http::verb::post, "/api/admin/snapshot").status, 200u);
  Reply history_before = Send(
      http::verb::get, "/api/tasks/" + std::to_string(purged) + "/history");
  ASSERT_EQ(history_before.status, 200u);

  ASSERT_EQ(
      Send(http::verb::delete_, "/api/trash/" + std::to_string(purged)).status,
      204u);
  // Three creations, an edit, a deletion and the purge: six events, and
  // the background compaction records that it covered them.
  const std::string done = "compacted through 6\n";
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (ReadWholeFile(data_ + "/COMPACTED") != done &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(ReadWholeFile(data_ + "/COMPACTED"), done) << server_.Stderr();
  ASSERT_EQ(server_.Terminate(), 0);

  for (const char* text : {"purge-me-title-7f3a", "purge-me-description-7f3a",
                           "purge-me-edited-7f3a", "purge-me"}) {
    std::vector<std::string> holding = FilesHolding(text);
    EXPECT_TRUE(holding.empty()) << text << " is in " << holding.front();
  }
  for (const char* text :
       {"keep-title-alpha", "keep-description-alpha", "keep-title-beta"}) {
    EXPECT_FALSE(FilesHolding(text).empty()) << text;
  }

  // The history still tells what happened, with the same sequence numbers
  // and times, the text erased.
  StartServer();
  Reply history = Send(http::verb::get,
                       "/api/tasks/" + std::to_string(purged) + "/history");
  ASSERT_EQ(history.status, 200u) << history;
  std::vector<std::string> types;
  const nlohmann::json before = history_before.Json()["events"];
  const nlohmann::json after = history.Json()["events"];
  ASSERT_EQ(after.size(), before.size() + 1);
  for (std::size_t i = 0; i < after.size(); ++i) {
    types.push_back(after[i]["type"]);
    if (i < before.size()) {
      EXPECT_EQ(after[i]["sequence"], before[i]["sequence"]);
      EXPECT_EQ(after[i]["recorded_at"], before[i]["recorded_at"]);
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"TaskCreated", "TaskEdited",
                                             "TaskSoftDeleted", "TaskPurged"}));
  EXPECT_EQ(after[0]["data"]["title"], "");
  EXPECT_EQ(Send(http::verb::get, "/api/tasks/" + std::to_string(kept))
                .Json()["title"],
            "keep-title-alpha");
  ASSERT_EQ(server_.Terminate(), 0);
  CommandResult verified = Run({"verify", "--data", data_});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

}  // namespace
