// Abuse over raw sockets: a few hundred malformed, truncated, oversized,
// slow and pipelined requests, generated from a fixed seed, sent one after
// another to the real server while a well-behaved client keeps working
// beside them. After each, the server must still answer a normal request
// promptly; no answer may be a server error; and the well-behaved client
// must see no failure at all.
//
// The seed is fixed (kSeed), so every run sends the same bytes; a failure
// names the seed, the case's index and its kind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/beast/http/verb.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/raw_http.h"
#include "tests/server_process.h"

namespace {

namespace beast_http = boost::beast::http;
using nlohmann::json;
using taskstore::testing_support::HttpConnection;
using taskstore::testing_support::kStopTimeout;
using taskstore::testing_support::RawConnection;
using taskstore::testing_support::RawRequest;
using taskstore::testing_support::RawResponse;
using taskstore::testing_support::Reply;
using taskstore::testing_support::ServerProcess;
using namespace std::chrono_literals;

constexpr std::uint32_t kSeed = 20261204;
constexpr int kRandomCases = 300;
constexpr auto kStartTimeout = 20s;
constexpr auto kAnswerTimeout = 5000ms;
// The server runs with these, so that slow cases end soon.
constexpr int kRequestTimeoutSeconds = 1;
constexpr int kIdleTimeoutSeconds = 2;

// One abusive exchange.
struct Abuse {
  std::string name;
  // Sent in order, with `pause` between pieces.
  std::vector<std::string> pieces;
  std::chrono::milliseconds pause{0};
  // True: end the stream after the last piece (the server sees FIN). False:
  // stall, leaving the server to its timeouts.
  bool finish = true;
  // When set, the first answer must have this status.
  int expected_status = 0;
  // At least this many answers must arrive (pipelined valid requests).
  std::size_t min_answers = 0;
};

// Well-formed requests that the mutations start from. No HEAD: its answer
// has no body, which a reader of raw bytes cannot tell apart.
std::vector<std::string> ValidRequests() {
  return {
      RawRequest("GET", "/healthz"),
      RawRequest("GET", "/api/tasks?search=robust+ness%21"),
      RawRequest("POST", "/api/tasks", {"Content-Type: application/json"},
                 R"({"title": "robust", "description": "from the suite"})"),
      RawRequest("POST", "/tasks",
                 {"Content-Type: application/x-www-form-urlencoded"},
                 "title=form+robust&description=x"),
      RawRequest("GET", "/api/tasks/1/history"),
      RawRequest("DELETE", "/api/tasks/999999"),
      RawRequest("GET", "/tasks?searchterm=robust"),
      "POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
      "application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "6\r\n{\"titl\r\n9\r\ne\": \"ch\"}\r\n0\r\n\r\n",
  };
}

class AbuseMaker {
 public:
  explicit AbuseMaker(std::uint32_t seed) : random_(seed) {}

  Abuse Next() {
    static const std::vector<std::function<Abuse(AbuseMaker&)>> kMakers = {
        &AbuseMaker::Truncated,     &AbuseMaker::FlippedBytes,
        &AbuseMaker::InsertedBytes, &AbuseMaker::SpecialByte,
        &AbuseMaker::Garbage,       &AbuseMaker::HugeHeader,
        &AbuseMaker::ManyHeaders,   &AbuseMaker::HugeBody,
        &AbuseMaker::TwoLengths,    &AbuseMaker::BadChunks,
        &AbuseMaker::BadUtf8,       &AbuseMaker::Pipelined,
        &AbuseMaker::OddVersion,    &AbuseMaker::BareLineFeeds,
        &AbuseMaker::SplitAnywhere,
    };
    return kMakers[Below(kMakers.size())](*this);
  }

  // Stalls part-way: the server must cut these on its own.
  Abuse Slow() {
    std::string request = Pick(ValidRequests());
    std::size_t sent = 1 + Below(request.size() - 2);
    Abuse abuse{"slow: " + std::to_string(sent) + " bytes, one at a time",
                {},
                100ms,
                /*finish=*/false};
    for (std::size_t i = 0; i < sent; ++i) {
      abuse.pieces.push_back(request.substr(i, 1));
    }
    return abuse;
  }

 private:
  std::size_t Below(std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_);
  }
  char RandomByte() { return static_cast<char>(Below(256)); }
  std::string RandomBytes(std::size_t count) {
    std::string bytes;
    for (std::size_t i = 0; i < count; ++i) bytes += RandomByte();
    return bytes;
  }
  std::string Pick(const std::vector<std::string>& options) {
    return options[Below(options.size())];
  }

  Abuse Truncated() {
    std::string request = Pick(ValidRequests());
    std::size_t keep = Below(request.size());
    return {"truncated at " + std::to_string(keep), {request.substr(0, keep)}};
  }

  Abuse FlippedBytes() {
    std::string request = Pick(ValidRequests());
    std::size_t flips = 1 + Below(3);
    for (std::size_t i = 0; i < flips; ++i) {
      request[Below(request.size())] = RandomByte();
    }
    return {"flipped " + std::to_string(flips) + " bytes", {request}};
  }

  Abuse InsertedBytes() {
    std::string request = Pick(ValidRequests());
    std::size_t at = Below(request.size());
    request.insert(at, RandomBytes(1 + Below(40)));
    return {"random bytes inserted at " + std::to_string(at), {request}};
  }

  Abuse SpecialByte() {
    static const std::string kSpecial =
        std::string("\0\r\n :\t\x7f\x80\xff%+", 11);
    std::string request = Pick(ValidRequests());
    std::size_t at = Below(request.size());
    request[at] = kSpecial[Below(kSpecial.size())];
    return {"special byte at " + std::to_string(at), {request}};
  }

  Abuse Garbage() { return {"garbage", {RandomBytes(1 + Below(3000))}}; }

  Abuse HugeHeader() {
    return {"header past the limit",
            {RawRequest("GET", "/healthz",
                        {"X-Huge: " + std::string(9000 + Below(20000), 'h')})},
            0ms,
            true,
            431};
  }

  Abuse ManyHeaders() {
    std::vector<std::string> headers;
    for (int i = 0; i < 1200; ++i)
      headers.push_back("X-" + std::to_string(i) + ": v");
    return {"many headers",
            {RawRequest("GET", "/healthz", headers)},
            0ms,
            true,
            431};
  }

  Abuse HugeBody() {
    bool expect = Below(2) == 0;
    return {"announced body past the limit",
            {"POST /api/tasks HTTP/1.1\r\nHost: localhost\r\n"
             "Content-Type: application/json\r\n" +
             std::string(expect ? "Expect: 100-continue\r\n" : "") +
             "Content-Length: " + std::to_string((2 << 20) + Below(1 << 20)) +
             "\r\n\r\n" + RandomBytes(Below(1000))},
            0ms,
            true,
            413};
  }

  Abuse TwoLengths() {
    return {"two different Content-Lengths",
            {"POST /api/tasks HTTP/1.1\r\nHost: localhost\r\n"
             "Content-Type: application/json\r\nContent-Length: 2\r\n"
             "Content-Length: 14\r\n\r\n{\"title\": \"x\"}"},
            0ms,
            true,
            400};
  }

  Abuse BadChunks() {
    static const std::vector<std::string> kBodies = {
        "zz\r\nabc\r\n0\r\n\r\n",
        "ffffffffffffffffffff\r\n",
        "3\r\nabcdef\r\n0\r\n\r\n",
        "-1\r\n\r\n",
        "3;ext=\"unterminated\r\nabc\r\n0\r\n\r\n",
    };
    std::string body = Pick(kBodies);
    return {"bad chunked body",
            {"POST /api/tasks HTTP/1.1\r\nHost: localhost\r\n"
             "Content-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n" +
             body}};
  }

  Abuse BadUtf8() {
    static const std::vector<std::string> kRequests = {
        RawRequest("GET", "/api/tasks?search=%C0%AF"),
        RawRequest("GET", "/tasks/%ED%A0%80/delete"),
        RawRequest("GET", "/healthz", {"Origin: http://\xc3\x28"}),
        RawRequest("POST", "/api/tasks", {"Content-Type: application/json"},
                   "{\"title\": \"\xf5\x80\x80\x80\"}"),
        RawRequest("POST", "/tasks",
                   {"Content-Type: application/x-www-form-urlencoded"},
                   "title=%FE"),
    };
    return {"invalid UTF-8", {Pick(kRequests)}, 0ms, true, 400};
  }

  Abuse Pipelined() {
    std::size_t good = 1 + Below(8);
    std::string all;
    for (std::size_t i = 0; i < good; ++i) all += Pick(ValidRequests());
    bool spoil = Below(2) == 0;
    if (spoil) all += "GARBAGE\r\n\r\n";
    Abuse abuse{
        "pipelined " + std::to_string(good) + (spoil ? " then garbage" : ""),
        {all}};
    abuse.min_answers = good;
    return abuse;
  }

  Abuse OddVersion() {
    static const std::vector<std::string> kLines = {
        "GET /healthz HTTP/2.0\r\nHost: localhost\r\n\r\n",
        "GET /healthz HTTP/0.9\r\nHost: localhost\r\n\r\n",
        "GET /healthz HTTP/1.9\r\nHost: localhost\r\n\r\n",
        "GET /healthz HTTP/1.1x\r\nHost: localhost\r\n\r\n",
        "GET /healthz\r\n\r\n",
        "GET  /healthz  HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "BREW /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET http://example.com/healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET /healthz HTTP/1.1\r\n Folded: header\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nNo-Colon\r\n\r\n",
    };
    return {"odd request line or field", {Pick(kLines)}};
  }

  Abuse BareLineFeeds() {
    std::string request = Pick(ValidRequests());
    std::string bare;
    for (char c : request) {
      if (c != '\r') bare += c;
    }
    return {"bare line feeds", {bare}};
  }

  Abuse SplitAnywhere() {
    // A valid request cut into small pieces that arrive in quick
    // succession: the parser must put it back together.
    std::string request = Pick(ValidRequests());
    Abuse abuse{"valid, in pieces", {}, 2ms};
    for (std::size_t at = 0; at < request.size();) {
      std::size_t length = 1 + Below(7);
      abuse.pieces.push_back(request.substr(at, length));
      at += length;
    }
    abuse.min_answers = 1;
    return abuse;
  }

  std::mt19937 random_;
};

// Keeps creating and reading tasks on a kept-alive connection until told
// to stop; every answer must be the expected one.
class WellBehavedClient {
 public:
  explicit WellBehavedClient(std::uint16_t port)
      : thread_([this, port] { Run(port); }) {}
  ~WellBehavedClient() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  int requests() const { return requests_; }
  const std::vector<std::string>& failures() const { return failures_; }
  const std::vector<std::uint64_t>& created() const { return created_; }

 private:
  void Run(std::uint16_t port) {
    HttpConnection connection(port, /*keep_alive=*/true);
    for (int i = 0; !stop_; ++i) {
      Reply reply;
      if (i % 3 == 0) {
        reply = connection.Send(
            beast_http::verb::post, "/api/tasks", "application/json",
            json{{"title", "steady " + std::to_string(i)}}.dump());
        if (reply.status == 201) created_.push_back(reply.Json()["id"]);
      } else {
        reply = connection.Send(
            beast_http::verb::get,
            i % 3 == 1 ? "/api/tasks?search=steady" : "/healthz");
      }
      ++requests_;
      unsigned wanted = i % 3 == 0 ? 201 : 200;
      if (reply.status != wanted) {
        std::ostringstream failure;
        failure << "request " << i << ": " << reply;
        failures_.push_back(failure.str());
      }
      std::this_thread::sleep_for(5ms);
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::vector<std::string> failures_;
  std::vector<std::uint64_t> created_;
  std::thread thread_;
};

class RobustnessTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taskstore-robust-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    std::string data = root_ + "/data";
    ASSERT_EQ(::mkdir(data.c_str(), 0755), 0) << std::strerror(errno);
    server_ = ServerProcess::Launch(
        data, root_ + "/serve.err",
        {"--request-timeout", std::to_string(kRequestTimeoutSeconds),
         "--idle-timeout", std::to_string(kIdleTimeoutSeconds)});
    ASSERT_TRUE(server_.AwaitListening(kStartTimeout))
        << server_.problem() << "; stderr:\n"
        << server_.Stderr();
  }

  void TearDown() override {
    server_.Terminate();
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  // Sends `abuse`, collects the answers and checks them.
  void Deliver(const Abuse& abuse) {
    RawConnection connection(server_.port());
    ASSERT_TRUE(connection.connected()) << connection.error();
    for (const std::string& piece : abuse.pieces) {
      // The server may close early (a refusal); what it said still counts.
      if (!connection.Send(piece)) break;
      if (abuse.pause.count() > 0) std::this_thread::sleep_for(abuse.pause);
    }
    if (abuse.finish) connection.ShutdownWrite();

    std::vector<RawResponse> answers;
    while (std::optional<RawResponse> answer =
               connection.Read(kAnswerTimeout)) {
      answers.push_back(std::move(*answer));
    }
    const std::string& end = connection.error();
    EXPECT_TRUE(end.starts_with("closed before a whole response header") &&
                end.find("(got") == std::string::npos)
        << "the connection did not end cleanly after " << answers.size()
        << " answers: " << end;

    for (const RawResponse& answer : answers) {
      EXPECT_TRUE((answer.status >= 100 && answer.status < 500) ||
                  answer.status == 505)
          << answer.status << " " << answer.body;
      if (answer.status >= 400) {
        // Problems from the API and the protocol, pages from the HTML
        // routes.
        std::string type = answer.Header("content-type");
        EXPECT_TRUE(type == "application/problem+json" ||
                    type.starts_with("text/html"))
            << answer.status << " " << type;
      }
      if (answer.status >= 200) {
        EXPECT_FALSE(answer.Header("x-request-id").empty());
      }
    }
    if (abuse.expected_status != 0) {
      ASSERT_FALSE(answers.empty());
      EXPECT_EQ(answers.front().status, abuse.expected_status)
          << answers.front().body;
    }
    EXPECT_GE(answers.size(), abuse.min_answers);
  }

  // A fresh client must get 200 from /healthz within kAnswerTimeout.
  void ExpectHealthy() {
    RawConnection connection(server_.port());
    ASSERT_TRUE(connection.Send(RawRequest("GET", "/healthz")));
    std::optional<RawResponse> health = connection.Read(kAnswerTimeout);
    ASSERT_TRUE(health) << "the server did not answer a normal request: "
                        << connection.error();
    EXPECT_EQ(health->status, 200);
  }

  std::string root_;
  ServerProcess server_;
};

TEST_F(RobustnessTest, AbuseNeverHurtsTheServerOrAWellBehavedClient) {
  AbuseMaker maker(kSeed);
  WellBehavedClient steady(server_.port());

  for (int i = 0; i < kRandomCases; ++i) {
    Abuse abuse = maker.Next();
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", case " +
                 std::to_string(i) + ": " + abuse.name);
    Deliver(abuse);
    ExpectHealthy();
    if (HasFatalFailure()) return;
  }

  // Slow clients stall; the server cuts each once the request timeout has
  // passed, without a word, while it keeps serving the others.
  for (int i = 0; i < 4; ++i) {
    Abuse abuse = maker.Slow();
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", slow case " +
                 std::to_string(i) + ": " + abuse.name);
    RawConnection connection(server_.port());
    for (const std::string& piece : abuse.pieces) {
      if (!connection.Send(piece)) break;
      std::this_thread::sleep_for(abuse.pause);
    }
    EXPECT_TRUE(connection.AwaitClose(
        std::chrono::seconds(kRequestTimeoutSeconds + 3)));
    ExpectHealthy();
  }

  // A connection that says nothing is closed after the idle timeout.
  RawConnection silent(server_.port());
  EXPECT_TRUE(silent.AwaitClose(std::chrono::seconds(kIdleTimeoutSeconds + 3)));

  steady.Stop();
  EXPECT_GT(steady.requests(), 10);
  EXPECT_TRUE(steady.failures().empty())
      << steady.failures().size()
      << " failures, the first: " << steady.failures().front();
  for (std::uint64_t id : steady.created()) {
    Reply task = taskstore::testing_support::Exchange(
        server_.port(), beast_http::verb::get,
        "/api/tasks/" + std::to_string(id), "", "");
    EXPECT_EQ(task.status, 200u) << task;
  }

  // Nothing the clients did was a failure of the server's.
  server_.Signal(SIGTERM);
  EXPECT_EQ(server_.WaitForExit(kStopTimeout), 0);
  EXPECT_EQ(server_.Stderr().find(" error: "), std::string::npos)
      << server_.Stderr().substr(0, 4000);
}

}  // namespace
