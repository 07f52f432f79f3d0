// How the real `taskstore serve` behaves as an HTTP/1.1 server, checked
// over raw sockets on 127.0.0.1: keep-alive and pipelining, Expect:
// 100-continue, chunked bodies, limits, timeouts, the connection and
// per-connection request caps, request ids, the access log, graceful
// shutdown and the default address.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/raw_http.h"
#include "tests/server_process.h"

namespace {

using nlohmann::json;
using taskstore::testing_support::kStopTimeout;
using taskstore::testing_support::RawConnection;
using taskstore::testing_support::RawRequest;
using taskstore::testing_support::RawResponse;
using taskstore::testing_support::ServerProcess;
using taskstore::testing_support::Strings;
using namespace std::chrono_literals;

constexpr auto kStartTimeout = 20s;
// How long a prompt answer may take on a loaded machine.
constexpr auto kAnswerTimeout = 5000ms;

std::string JsonPost(const std::string& title,
                     const std::vector<std::string>& extra = {}) {
  std::vector<std::string> headers = {"Content-Type: application/json"};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return RawRequest("POST", "/api/tasks", headers,
                    json{{"title", title}}.dump());
}

// The lines of `log` that are access lines.
Strings AccessLines(const std::string& log) {
  Strings lines;
  std::istringstream input(log);
  std::string line;
  while (std::getline(input, line)) {
    if (line.find(" access ") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

bool IsGeneratedId(const std::string& id) {
  static const std::regex kHex32("[0-9a-f]{32}");
  return std::regex_match(id, kHex32);
}

class ConductTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taskstore-conduct-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    data_ = root_ + "/data";
    ASSERT_EQ(::mkdir(data_.c_str(), 0755), 0) << std::strerror(errno);
  }

  void TearDown() override {
    server_.Terminate();
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  testing::AssertionResult StartServer(const Strings& flags = {}) {
    server_ = ServerProcess::Launch(
        data_, root_ + "/serve-" + std::to_string(++starts_) + ".err", flags);
    if (server_.AwaitListening(kStartTimeout)) {
      return testing::AssertionSuccess();
    }
    return testing::AssertionFailure() << server_.problem() << "; stderr:\n"
                                       << server_.Stderr();
  }

  // SIGTERM, and the exit code.
  std::optional<int> StopServer() {
    server_.Signal(SIGTERM);
    return server_.WaitForExit(kStopTimeout);
  }

  std::uint16_t Port() const { return server_.port(); }

  // One request on a new connection.
  std::optional<RawResponse> Ask(const std::string& request,
                                 bool head = false) {
    RawConnection connection(Port());
    if (!connection.Send(request)) return std::nullopt;
    std::optional<RawResponse> response = connection.Read(kAnswerTimeout, head);
    if (!response) ADD_FAILURE() << connection.error();
    return response;
  }

  // True when a fresh client gets 200 from /healthz promptly.
  bool Healthy() {
    std::optional<RawResponse> health = Ask(RawRequest("GET", "/healthz"));
    return health && health->status == 200;
  }

  std::string root_;
  std::string data_;
  ServerProcess server_;
  int starts_ = 0;
};

// ---------------------------------------------------------------------------
// Protocol

TEST_F(ConductTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  ASSERT_TRUE(StartServer());
  RawConnection connection(Port());
  ASSERT_TRUE(connection.Send(
      RawRequest("GET", "/healthz") + JsonPost("first") + JsonPost("second") +
      RawRequest("GET", "/api/tasks/2") + RawRequest("HEAD", "/api/tasks") +
      RawRequest("DELETE", "/api/tasks/1") + RawRequest("GET", "/nowhere")));

  std::vector<int> statuses;
  for (bool head : {false, false, false, false, true, false, false}) {
    std::optional<RawResponse> response = connection.Read(kAnswerTimeout, head);
    ASSERT_TRUE(response) << connection.error();
    statuses.push_back(response->status);
    if (statuses.size() == 4) {
      EXPECT_EQ(json::parse(response->body)["title"], "second");
    }
    if (head) {
      EXPECT_NE(response->Header("content-length"), "0");
      EXPECT_EQ(response->Header("content-type"), "application/json");
    }
    EXPECT_EQ(response->Header("connection"), "");  // kept alive
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 201, 201, 200, 200, 204, 404}));
  // The HEAD answer had no body: the next answer followed at once.
  EXPECT_FALSE(connection.AwaitClose(200ms));
}

TEST_F(ConductTest, ErrorsAreProblemDocumentsWithTheRightStatus) {
  ASSERT_TRUE(StartServer({"--body-limit", "1000"}));
  struct Case {
    const char* what;
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"unknown path", RawRequest("GET", "/nowhere"), 404},
      {"bad escape", RawRequest("GET", "/api/tasks?search=%zz"), 400},
      {"invalid UTF-8 in the path", RawRequest("GET", "/api/tasks/%FF"), 400},
      {"invalid UTF-8 in the query",
       RawRequest("GET", "/api/tasks?search=%C3%28"), 400},
      {"invalid UTF-8 in a header value",
       RawRequest("GET", "/healthz", {"Accept-Language: \xff\xfe"}), 400},
      {"invalid UTF-8 in the body",
       RawRequest("POST", "/api/tasks", {"Content-Type: application/json"},
                  "{\"title\": \"\xc3\x28\"}"),
       400},
      {"malformed JSON",
       RawRequest("POST", "/api/tasks", {"Content-Type: application/json"},
                  "{"),
       400},
      {"not JSON",
       RawRequest("POST", "/api/tasks", {"Content-Type: text/plain"}, "title"),
       415},
      {"body past the limit",
       RawRequest("POST", "/api/tasks", {"Content-Type: application/json"},
                  std::string(1001, ' ')),
       413},
      {"header past 8 KiB",
       RawRequest("GET", "/healthz", {"X-Big: " + std::string(9000, 'a')}),
       431},
      {"malformed request line", "GET\r\n\r\n", 400},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.what);
    std::optional<RawResponse> response = Ask(test.request);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, test.status) << response->body;
    EXPECT_EQ(response->Header("content-type"), "application/problem+json");
    json problem = json::parse(response->body, nullptr, false);
    EXPECT_EQ(problem.value("status", 0), test.status);
    EXPECT_FALSE(problem.value("detail", "").empty());
  }
  EXPECT_TRUE(Healthy());
}

TEST_F(ConductTest, HeaderFieldsArrivingPieceByPieceCountTowardTheLimit) {
  ASSERT_TRUE(StartServer());
  RawConnection connection(Port());
  ASSERT_TRUE(connection.Send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"));
  // 40 pieces of 400 bytes: each small, together twice the 8 KiB limit.
  for (int piece = 0; piece < 40; ++piece) {
    std::string fields;
    for (int i = 0; i < 40; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";
    if (!connection.Send(fields)) break;  // refused already
    std::this_thread::sleep_for(5ms);
  }
  connection.Send("\r\n");
  std::optional<RawResponse> refused = connection.Read(kAnswerTimeout);
  ASSERT_TRUE(refused) << connection.error();
  EXPECT_EQ(refused->status, 431);
}

TEST_F(ConductTest, VersionsOtherThan10And11AreRefusedAsMalformed) {
  ASSERT_TRUE(StartServer());
  for (const char* version : {"HTTP/1.9", "HTTP/2.0", "HTTP/0.9"}) {
    SCOPED_TRACE(version);
    RawConnection connection(Port());
    ASSERT_TRUE(connection.Send("GET /healthz " + std::string(version) +
                                "\r\nHost: localhost\r\n\r\n"));
    std::string answer = connection.ReadToClose(kAnswerTimeout);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 ")) << answer;
  }
  std::optional<RawResponse> old = Ask("GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 200);
}

TEST_F(ConductTest, WrongMethodIs405WithAllowAndHeadWorksWhereGetDoes) {
  ASSERT_TRUE(StartServer());
  std::optional<RawResponse> wrong = Ask(RawRequest("PUT", "/api/tasks"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("allow"), "GET, HEAD, POST");

  for (const char* path : {"/healthz", "/api/tasks", "/tasks"}) {
    SCOPED_TRACE(path);
    std::optional<RawResponse> get = Ask(RawRequest("GET", path));
    std::optional<RawResponse> head = Ask(RawRequest("HEAD", path), true);
    ASSERT_TRUE(get && head);
    EXPECT_EQ(head->status, get->status);
    EXPECT_EQ(head->Header("content-length"), get->Header("content-length"));
  }
}

TEST_F(ConductTest, PercentEscapesAndPlusDecodeInPathsQueriesAndForms) {
  ASSERT_TRUE(StartServer());
  std::optional<RawResponse> created = Ask(RawRequest(
      "POST", "/tasks", {"Content-Type: application/x-www-form-urlencoded"},
      "title=milk+%26+honey%2B%C3%A9"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 303);

  std::optional<RawResponse> found =
      Ask(RawRequest("GET", "/api/tasks?search=milk+%26+HONEY%2b%c3%a9"));
  ASSERT_TRUE(found);
  json tasks = json::parse(found->body)["tasks"];
  ASSERT_EQ(tasks.size(), 1u) << found->body;
  EXPECT_EQ(tasks[0]["title"], "milk & honey+\xc3\xa9");

  // In a path "+" stays a plus sign and escapes decode: "%31" is "1".
  std::optional<RawResponse> by_escape =
      Ask(RawRequest("GET", "/api/tasks/%31"));
  ASSERT_TRUE(by_escape);
  EXPECT_EQ(by_escape->status, 200);
  std::optional<RawResponse> by_plus = Ask(RawRequest("GET", "/api/tasks/+1"));
  ASSERT_TRUE(by_plus);
  EXPECT_EQ(by_plus->status, 404);
}

TEST_F(ConductTest, ExpectContinueGets100AndThenTheAnswer) {
  ASSERT_TRUE(StartServer());
  RawConnection connection(Port());
  std::string body = json{{"title", "asked first"}}.dump();
  ASSERT_TRUE(connection.Send(
      "POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
      "application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n"));

  std::optional<RawResponse> go_on = connection.Read(kAnswerTimeout);
  ASSERT_TRUE(go_on) << connection.error();
  EXPECT_EQ(go_on->status, 100);
  ASSERT_TRUE(connection.Send(body));
  std::optional<RawResponse> created = connection.Read(kAnswerTimeout);
  ASSERT_TRUE(created) << connection.error();
  EXPECT_EQ(created->status, 201);
}

TEST_F(ConductTest, ExpectContinueWithAnOversizedBodyGets413WithoutReadingIt) {
  ASSERT_TRUE(StartServer());
  RawConnection connection(Port());
  ASSERT_TRUE(connection.Send(
      "POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
      "application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: 2000000\r\n\r\n"));

  std::optional<RawResponse> refused = connection.Read(kAnswerTimeout);
  ASSERT_TRUE(refused) << connection.error();
  EXPECT_EQ(refused->status, 413);
  EXPECT_EQ(refused->Header("connection"), "close");
  EXPECT_TRUE(connection.AwaitClose(kAnswerTimeout));
}

TEST_F(ConductTest, AnExpectationOtherThanContinueIs417) {
  ASSERT_TRUE(StartServer());
  std::optional<RawResponse> refused = Ask(RawRequest(
      "POST", "/api/tasks",
      {"Content-Type: application/json", "Expect: the-impossible"}, "{}"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 417);
}

TEST_F(ConductTest, ChunkedBodiesAreAcceptedAndCountTowardTheLimit) {
  ASSERT_TRUE(StartServer({"--body-limit", "100"}));
  std::optional<RawResponse> created =
      Ask("POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          "application/json\r\n"
          "Transfer-Encoding: chunked\r\n\r\n"
          "a\r\n{\"title\": \r\n"
          "9\r\n\"chunked\"\r\n"
          "1\r\n}\r\n"
          "0\r\n\r\n");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(json::parse(created->body)["title"], "chunked");

  std::string big_chunk(80, ' ');
  std::optional<RawResponse> refused =
      Ask("POST /api/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
          "application/json\r\n"
          "Transfer-Encoding: chunked\r\n\r\n"
          "50\r\n" +
          big_chunk + "\r\n50\r\n" + big_chunk + "\r\n0\r\n\r\n");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

// ---------------------------------------------------------------------------
// Request ids and the access log

TEST_F(ConductTest, AGoodRequestIdIsEchoedAndABadOneReplaced) {
  ASSERT_TRUE(StartServer());
  struct Case {
    const char* what;
    std::vector<std::string> headers;
    std::string expected;  // "" when a generated id is expected
  };
  const std::vector<Case> cases = {
      {"none", {}, ""},
      {"a good one", {"X-Request-Id: trace-42/a.b"}, "trace-42/a.b"},
      {"one with a space", {"X-Request-Id: two words"}, ""},
      {"one too long", {"X-Request-Id: " + std::string(129, 'a')}, ""},
      {"the longest",
       {"X-Request-Id: " + std::string(128, 'a')},
       std::string(128, 'a')},
      {"one past ASCII", {"X-Request-Id: caf\xc3\xa9"}, ""},
  };
  std::vector<std::string> seen;
  for (const Case& test : cases) {
    SCOPED_TRACE(test.what);
    std::optional<RawResponse> response =
        Ask(RawRequest("GET", "/healthz", test.headers));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    std::string id = response->Header("x-request-id");
    if (test.expected.empty()) {
      EXPECT_TRUE(IsGeneratedId(id)) << id;
    } else {
      EXPECT_EQ(id, test.expected);
    }
    seen.push_back(id);
  }
  EXPECT_NE(seen[0], seen[2]);

  // Refusals carry one too.
  std::optional<RawResponse> refused = Ask(
      RawRequest("GET", "/healthz",
                 {"X-Request-Id: r-431", "X-Big: " + std::string(9000, 'b')}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 431);
  EXPECT_EQ(refused->Header("x-request-id"), "r-431");
}

TEST_F(ConductTest, EveryRequestGetsOneStructuredAccessLine) {
  ASSERT_TRUE(StartServer());
  RawConnection connection(Port());
  ASSERT_TRUE(connection.Send(
      RawRequest("GET", "/healthz", {"X-Request-Id: first"}) +
      JsonPost("logged", {"X-Request-Id: second"}) +
      RawRequest("GET", "/a%20b?secret=1", {"X-Request-Id: third"})));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(connection.Read(kAnswerTimeout));
  ASSERT_EQ(StopServer(), 0);

  Strings lines = AccessLines(server_.Stderr());
  ASSERT_EQ(lines.size(), 3u) << server_.Stderr();
  const std::regex kLine(
      R"(.* info: access method=(\S+) path=(\S+) status=(\d+) bytes=(\d+) )"
      R"(duration_ms=\d+\.\d{3} request_id=(\S+) client=127\.0\.0\.1:\d+$)");
  const std::vector<Strings> expected = {
      {"GET", "/healthz", "200", "15", "first"},
      {"POST", "/api/tasks", "201", "", "second"},
      {"GET", "/a%20b", "404", "", "third"},
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    std::smatch match;
    ASSERT_TRUE(std::regex_match(lines[i], match, kLine));
    EXPECT_EQ(match[1], expected[i][0]);
    EXPECT_EQ(match[2], expected[i][1]);  // no query
    EXPECT_EQ(match[3], expected[i][2]);
    if (!expected[i][3].empty()) {
      EXPECT_EQ(match[4], expected[i][3]);
    }
    EXPECT_EQ(match[5], expected[i][4]);
  }
}

TEST_F(ConductTest, AServerErrorIsLoggedOnceOnItsAccessLine) {
  ASSERT_TRUE(StartServer({"--snapshot-every", "0"}));
  std::optional<RawResponse> created = Ask(JsonPost("one"));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201);
  // A directory where the snapshot's temporary file must go makes the
  // snapshot fail.
  std::string in_the_way = data_ + "/snapshot-00000000000000000001.tssnap.tmp";
  ASSERT_EQ(::mkdir(in_the_way.c_str(), 0755), 0) << std::strerror(errno);

  std::optional<RawResponse> failed = Ask(
      RawRequest("POST", "/api/admin/snapshot", {"X-Request-Id: snap-1"}, ""));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500) << failed->body;
  ASSERT_EQ(StopServer(), 0);

  Strings mentions;
  std::istringstream log(server_.Stderr());
  std::string line;
  while (std::getline(log, line)) {
    if (line.find(".tssnap.tmp") != std::string::npos) mentions.push_back(line);
  }
  ASSERT_EQ(mentions.size(), 1u) << server_.Stderr();
  EXPECT_NE(mentions[0].find(" error: access method=POST "), std::string::npos)
      << mentions[0];
  EXPECT_NE(mentions[0].find(" request_id=snap-1 "), std::string::npos);
  EXPECT_NE(mentions[0].find(" error=\""), std::string::npos);
}

// ---------------------------------------------------------------------------
// Protection

TEST_F(ConductTest, AClientDribblingItsHeaderIsCutWhileOthersAreServed) {
  ASSERT_TRUE(StartServer({"--request-timeout", "2"}));
  const std::string request = RawRequest("GET", "/healthz");
  RawConnection slow(Port());
  const auto began = std::chrono::steady_clock::now();
  bool cut = false;
  for (char byte : request) {
    if (!slow.Send(std::string(1, byte)) || slow.AwaitClose(1000ms)) {
      cut = true;
      break;
    }
    EXPECT_TRUE(Healthy());  // the others are served meanwhile
  }
  auto took = std::chrono::steady_clock::now() - began;
  EXPECT_TRUE(cut) << "the whole request was dribbled in";
  EXPECT_GE(took, 1500ms);
  EXPECT_LE(took, 6s);
  ASSERT_EQ(StopServer(), 0);  // the log line may follow the close
  EXPECT_NE(server_.Stderr().find("request not complete within 2 s"),
            std::string::npos);
}

TEST_F(ConductTest, AClientThatNeverReadsIsCutWhileOthersAreServed) {
  ASSERT_TRUE(StartServer({"--request-timeout", "2"}));
  // Ten tasks with long descriptions make each list about 600 KB.
  const std::string description(60000, 'd');
  for (int i = 0; i < 10; ++i) {
    std::optional<RawResponse> created = Ask(RawRequest(
        "POST", "/api/tasks", {"Content-Type: application/json"},
        json{{"title", "big"}, {"description", description}}.dump()));
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201);
  }

  RawConnection deaf(Port());
  std::string lists;
  for (int i = 0; i < 100; ++i) lists += RawRequest("GET", "/api/tasks");
  ASSERT_TRUE(deaf.Send(lists));
  const auto began = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - began < 2500ms) {
    EXPECT_TRUE(Healthy());
    std::this_thread::sleep_for(100ms);
  }

  // The answer the server was writing timed out and the connection closed.
  ASSERT_EQ(StopServer(), 0);
  EXPECT_NE(server_.Stderr().find("the answer could not be sent"),
            std::string::npos);
}

TEST_F(ConductTest, AnIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout) {
  ASSERT_TRUE(StartServer({"--idle-timeout", "1"}));
  RawConnection connection(Port());
  ASSERT_TRUE(connection.Send(RawRequest("GET", "/healthz")));
  ASSERT_TRUE(connection.Read(kAnswerTimeout));
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection.AwaitClose(kAnswerTimeout));
  EXPECT_GE(std::chrono::steady_clock::now() - began, 800ms);
}

TEST_F(ConductTest, ConnectionsPastTheLimitGet503WithRetryAfter) {
  ASSERT_TRUE(StartServer({"--max-connections", "2"}));
  auto first = std::make_unique<RawConnection>(Port());
  RawConnection second(Port());
  for (RawConnection* held : {first.get(), &second}) {
    ASSERT_TRUE(held->Send(RawRequest("GET", "/healthz")));
    ASSERT_TRUE(held->Read(kAnswerTimeout)) << held->error();
  }

  RawConnection third(Port());
  ASSERT_TRUE(third.Send(RawRequest("GET", "/healthz")));
  std::optional<RawResponse> refused = third.Read(kAnswerTimeout);
  ASSERT_TRUE(refused) << third.error();
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_EQ(refused->Header("connection"), "close");
  EXPECT_TRUE(third.AwaitClose(kAnswerTimeout));

  // Once one closes, a slot is free again.
  first.reset();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    std::optional<RawResponse> health = Ask(RawRequest("GET", "/healthz"));
    served = health && health->status == 200;
    if (!served) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(served);
  EXPECT_NE(server_.Stderr().find("connection limit of 2 reached"),
            std::string::npos);
}

TEST_F(ConductTest, AConnectionCarriesAtMostTheRequestLimit) {
  ASSERT_TRUE(StartServer({"--max-requests-per-connection", "3"}));
  RawConnection connection(Port());
  std::string five;
  for (int i = 0; i < 5; ++i) five += RawRequest("GET", "/healthz");
  ASSERT_TRUE(connection.Send(five));
  for (int i = 1; i <= 3; ++i) {
    std::optional<RawResponse> response = connection.Read(kAnswerTimeout);
    ASSERT_TRUE(response) << connection.error();
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->Header("connection"), i == 3 ? "close" : "");
  }
  EXPECT_TRUE(connection.ReadToClose(kAnswerTimeout).empty());
}

TEST_F(ConductTest, TheServerListensOnLoopbackUnlessToldOtherwise) {
  // Started by hand, without the --host that ServerProcess passes.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = taskstore::testing_support::Spawn(
      {"serve", "--data", data_, "--port", "0"}, fds[1], root_ + "/own.err");
  ::close(fds[1]);
  ASSERT_GT(pid, 0);
  std::string first_line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') first_line += c;
  ::close(fds[0]);

  std::smatch match;
  bool matched =
      std::regex_match(first_line, match,
                       std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"));
  std::string listening;
  if (matched) {
    // The kernel's table: local address 0100007F is 127.0.0.1, state 0A
    // is LISTEN.
    char port_hex[8];
    std::snprintf(port_hex, sizeof port_hex, "%04X",
                  static_cast<unsigned>(std::stoi(match[1].str())));
    std::ifstream table("/proc/" + std::to_string(pid) + "/net/tcp");
    std::string line;
    while (std::getline(table, line)) {
      if (line.find(":" + std::string(port_hex) + " ") != std::string::npos &&
          line.find(" 0A ") != std::string::npos) {
        listening = line;
      }
    }
  }
  EXPECT_EQ(taskstore::testing_support::Terminate(pid), 0);
  ASSERT_TRUE(matched) << first_line;
  EXPECT_NE(listening.find("0100007F:"), std::string::npos) << listening;
}

// ---------------------------------------------------------------------------
// Shutdown

TEST_F(ConductTest, SigtermFinishesTheRequestInFlightAndKeepsItsWrite) {
  // --sync none: only the shutdown makes the write durable.
  ASSERT_TRUE(StartServer({"--sync", "none"}));
  RawConnection idle(Port());
  ASSERT_TRUE(idle.Send(RawRequest("GET", "/healthz")));
  ASSERT_TRUE(idle.Read(kAnswerTimeout));

  std::string request = JsonPost("in flight");
  RawConnection busy(Port());
  ASSERT_TRUE(busy.Send(request.substr(0, request.size() - 5)));
  std::this_thread::sleep_for(200ms);
  server_.Signal(SIGTERM);

  EXPECT_TRUE(idle.AwaitClose(kAnswerTimeout));  // idle: closed at once
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(busy.Send(request.substr(request.size() - 5)));
  std::optional<RawResponse> created = busy.Read(kAnswerTimeout);
  ASSERT_TRUE(created) << busy.error();
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(created->Header("connection"), "close");
  EXPECT_EQ(server_.WaitForExit(kStopTimeout), 0) << server_.Stderr();
  EXPECT_NE(server_.Stderr().find("; the log is durable"), std::string::npos)
      << server_.Stderr();

  ASSERT_TRUE(StartServer());
  std::optional<RawResponse> kept = Ask(RawRequest("GET", "/api/tasks/1"));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->status, 200);
}

TEST_F(ConductTest, ASecondSignalEndsTheServerAtOnce) {
  ASSERT_TRUE(StartServer({"--shutdown-grace", "30"}));
  // A request that never completes keeps the first stop waiting.
  RawConnection busy(Port());
  ASSERT_TRUE(
      busy.Send("POST /api/tasks HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Length: 100\r\n\r\n{"));
  std::this_thread::sleep_for(200ms);
  server_.Signal(SIGTERM);
  EXPECT_FALSE(server_.WaitForExit(500ms));

  const auto began = std::chrono::steady_clock::now();
  server_.Signal(SIGTERM);
  std::optional<int> code = server_.WaitForExit(kStopTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  EXPECT_EQ(code, 128 + SIGTERM);
}

}  // namespace
