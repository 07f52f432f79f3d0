// End-to-end tests of the `taskstore` executable. Each test gets a fresh
// data directory, runs the real binary on it (`serve`, `import`, `log`) and
// talks to the server over HTTP on 127.0.0.1 only.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "eventlog/record_format.h"
#include "tests/server_process.h"

namespace {

namespace http = boost::beast::http;
using nlohmann::json;
using taskstore::testing_support::CommandResult;
using taskstore::testing_support::Exchange;
using taskstore::testing_support::GetEveryPage;
using taskstore::testing_support::kStopTimeout;
using taskstore::testing_support::ReadWholeFile;
using taskstore::testing_support::Reply;
using taskstore::testing_support::ServerProcess;
using taskstore::testing_support::Strings;
using namespace std::chrono_literals;

constexpr char kRedisCommits[] = TASKSTORE_SHARED_DATA "/redis-commits.jsonl";

// What the data set holds, per its README and the import rules.
constexpr std::size_t kDataSetLines = 10839;
constexpr std::size_t kDataSetValid = 10356;
constexpr std::size_t kDataSetTooLong = 483;
constexpr std::size_t kTitleLimit = 100;  // code points, from the spec

constexpr auto kStartTimeout = 20s;
constexpr auto kCommandTimeout = 30s;

// ---------------------------------------------------------------------------
// Small text and file helpers

void WriteWholeFile(const std::string& path, const std::string& content) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << content;
}

std::string Lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The non-empty lines of `text`.
Strings SplitLines(const std::string& text) {
  Strings lines;
  std::istringstream input(text);
  std::string line;
  while (std::getline(input, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Counted by hand, not with the product's code: every byte that is not a
// UTF-8 continuation byte starts a code point.
std::size_t CodePoints(std::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

// application/x-www-form-urlencoded and query-string escaping.
std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

// True when a process's message says that the data directory is taken.
bool SaysDirectoryIsLocked(const std::string& message) {
  std::string lower = Lower(message);
  return Contains(lower, "in use") || Contains(lower, "lock");
}

// A line of `text` naming both `file` and `offset ` + `offset`, or "".
std::string LineNaming(const std::string& text, const std::string& file,
                       std::uint64_t offset) {
  for (const std::string& line : SplitLines(text)) {
    if (Contains(line, file) &&
        Contains(line, "offset " + std::to_string(offset))) {
      return line;
    }
  }
  return "";
}

// ---------------------------------------------------------------------------
// The shared data set, read by the test itself

struct DataSetTask {
  std::size_t line = 0;  // 1-based
  std::string title;
};

// Every line of the data set in order. Each is an object with a string
// title and no surrounding white space.
std::vector<DataSetTask> ReadDataSet() {
  std::vector<DataSetTask> tasks;
  std::ifstream input(kRedisCommits, std::ios::binary);
  std::string line;
  std::size_t number = 0;
  while (std::getline(input, line)) {
    ++number;
    if (line.empty()) continue;
    json object = json::parse(line);
    tasks.push_back({number, object.at("title").get<std::string>()});
  }
  return tasks;
}

bool Importable(const DataSetTask& task) {
  return CodePoints(task.title) <= kTitleLimit;
}

// The number of the first line the import must reject, as text.
std::string FirstInvalidLine() {
  std::vector<DataSetTask> data_set = ReadDataSet();
  auto first = std::find_if_not(data_set.begin(), data_set.end(), Importable);
  return first == data_set.end() ? "<none>" : std::to_string(first->line);
}

// ---------------------------------------------------------------------------
// Reading replies

// The titles in a {"tasks": [...]} reply, in order; empty on a bad reply.
Strings TitlesIn(const Reply& reply) {
  Strings titles;
  json body = reply.Json();
  if (!body.is_object() || !body.contains("tasks")) return titles;
  for (const json& task : body["tasks"]) {
    titles.push_back(task.value("title", "<no title>"));
  }
  return titles;
}

std::vector<std::uint64_t> IdsIn(const Reply& reply) {
  std::vector<std::uint64_t> ids;
  json body = reply.Json();
  if (!body.is_object() || !body.contains("tasks")) return ids;
  for (const json& task : body["tasks"]) {
    ids.push_back(task.value("id", std::uint64_t{0}));
  }
  return ids;
}

std::string TaskPath(const json& task) {
  return "/api/tasks/" + std::to_string(task.value("id", std::uint64_t{0}));
}

// ---------------------------------------------------------------------------
// The fixture

class EndToEndTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taskstore-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    data_ = root_ + "/data";
    ASSERT_EQ(::mkdir(data_.c_str(), 0755), 0) << std::strerror(errno);
  }

  void TearDown() override {
    server_.Terminate();
    for (ServerProcess& stray : strays_) stray.Terminate();
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  // --- processes ---------------------------------------------------------

  // Starts `taskstore serve` on the data directory without waiting.
  ServerProcess Launch() {
    return ServerProcess::Launch(data_, NextPath("serve.err"));
  }

  struct FailedStart {
    bool listened = false;
    std::optional<int> exit_code;  // nullopt: still running
    std::string message;           // its stderr
  };

  // Starts a server that should fail to start, and waits for its end. One
  // that keeps running is ended in TearDown.
  FailedStart StartFailingServer() {
    FailedStart result;
    ServerProcess server = Launch();
    if (!server.running()) {
      result.message = server.problem();
      return result;
    }
    result.listened = server.AwaitListening(kStartTimeout);
    result.exit_code = server.WaitForExit(kStopTimeout);
    result.message = server.Stderr();
    if (server.running()) strays_.push_back(std::move(server));
    return result;
  }

  testing::AssertionResult StartServer() {
    if (server_.running()) return testing::AssertionFailure() << "running";
    server_ = Launch();
    if (server_.AwaitListening(kStartTimeout)) {
      return testing::AssertionSuccess();
    }
    testing::AssertionResult failure = testing::AssertionFailure()
                                       << server_.problem() << "; stderr:\n"
                                       << server_.Stderr();
    server_ = ServerProcess();
    return failure;
  }

  // Sends `signal` and expects a clean exit, with nothing more on stdout
  // than the one "listening on" line.
  testing::AssertionResult StopServer(int signal = SIGTERM) {
    if (!server_.running()) {
      return testing::AssertionFailure() << "not running";
    }
    server_.Signal(signal);
    std::optional<int> code = server_.WaitForExit(kStopTimeout);
    if (!code) {
      server_ = ServerProcess();
      return testing::AssertionFailure()
             << "the server ignored signal " << signal << " for "
             << kStopTimeout.count() << " s and was killed";
    }
    std::string rest = server_.DrainStdout();
    last_server_log_ = server_.Stderr();
    server_ = ServerProcess();
    if (*code != 0) {
      return testing::AssertionFailure()
             << "the server exited with " << *code << "; stderr:\n"
             << last_server_log_;
    }
    if (!rest.empty()) {
      return testing::AssertionFailure() << "stdout held more than one line:\n"
                                         << rest;
    }
    return testing::AssertionSuccess();
  }

  testing::AssertionResult RestartServer() {
    testing::AssertionResult stopped = StopServer();
    if (!stopped) return stopped;
    return StartServer();
  }

  // The stderr of the running server, or of the last one stopped.
  std::string ServerLog() const {
    if (server_.running()) return server_.Stderr();
    return last_server_log_;
  }

  // Runs `taskstore args...` to its end.
  CommandResult Run(const Strings& args) {
    return taskstore::testing_support::RunCommand(args, NextPath("command.out"),
                                                  NextPath("command.err"),
                                                  kCommandTimeout);
  }

  // Runs `taskstore import --data <data> file extra...`.
  CommandResult Import(const std::string& file, const Strings& extra = {}) {
    Strings args = {"import", "--data", data_, file};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  // The events printed by `taskstore log`, one JSON object each.
  std::vector<json> LogEvents(const Strings& extra = {}) {
    Strings args = {"log", "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult log = Run(args);
    EXPECT_EQ(log.exit_code, 0) << log.err;
    std::vector<json> events;
    for (const std::string& line : SplitLines(log.out)) {
      events.push_back(json::parse(line, nullptr, false));
    }
    return events;
  }

  // --- HTTP verbs -----------------------------------------------------------

  // The port of the running server.
  std::uint16_t Port() const { return server_.port(); }

  Reply Get(const std::string& target) {
    return Exchange(server_.port(), http::verb::get, target, "", "");
  }
  // Every page of a task list, as one reply (see GetEveryPage).
  Reply GetAll(const std::string& target) {
    return GetEveryPage(server_.port(), target, "tasks");
  }
  Reply Delete(const std::string& target) {
    return Exchange(server_.port(), http::verb::delete_, target, "", "");
  }
  Reply PostJson(const std::string& target, const json& body) {
    return Exchange(server_.port(), http::verb::post, target,
                    "application/json", body.dump());
  }
  Reply PostForm(const std::string& target, const std::string& body) {
    return Exchange(server_.port(), http::verb::post, target,
                    "application/x-www-form-urlencoded", body);
  }

  // Creates a task through the API and returns it as the server shows it.
  json CreateTask(const std::string& title,
                  const std::string& description = "") {
    Reply reply = PostJson("/api/tasks",
                           {{"title", title}, {"description", description}});
    EXPECT_EQ(reply.status, 201u) << reply;
    json task = reply.Json();
    EXPECT_TRUE(task.is_object()) << reply;
    if (!task.is_object()) return json::object();
    EXPECT_EQ(task.value("title", ""), title);
    EXPECT_TRUE(reply.location.ends_with(TaskPath(task)))
        << "Location: " << reply.location;
    return task;
  }

  // The titles of the visible tasks whose title contains `term`.
  Strings SearchTitles(const std::string& term) {
    Reply reply = GetAll("/api/tasks?search=" + UrlEncode(term));
    EXPECT_EQ(reply.status, 200u) << reply;
    return TitlesIn(reply);
  }

  Strings VisibleTitles() {
    Reply reply = GetAll("/api/tasks");
    EXPECT_EQ(reply.status, 200u) << reply;
    return TitlesIn(reply);
  }

  // --- the data directory ---------------------------------------------------

  // The path of the newest log segment, or "" when there is none.
  std::string NewestSegment() const {
    std::string newest;
    for (const auto& entry : std::filesystem::directory_iterator(data_)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with(taskstore::eventlog::kSegmentPrefix) &&
          name.ends_with(taskstore::eventlog::kSegmentSuffix) &&
          name > newest) {
        newest = name;
      }
    }
    return newest.empty() ? "" : data_ + "/" + newest;
  }

  struct SegmentCopy {
    std::string path;     // of the newest segment
    std::string name;     // its file name
    std::string content;  // its bytes after the server stopped
  };

  // Starts a server, creates `titles`, stops it and fills `log` with the
  // newest segment as it was left: the starting point of the damage tests.
  // A void function so that its assertions stop the test.
  void WriteTasksAndStop(const Strings& titles, SegmentCopy& log) {
    ASSERT_TRUE(StartServer());
    for (const std::string& title : titles) CreateTask(title);
    ASSERT_TRUE(StopServer());
    log.path = NewestSegment();
    ASSERT_FALSE(log.path.empty());
    log.name = std::filesystem::path(log.path).filename().string();
    log.content = ReadWholeFile(log.path);
  }

  // Writes `content` to a new file beside the data directory.
  std::string WriteInputFile(const std::string& content) {
    std::string path = NextPath("input.jsonl");
    WriteWholeFile(path, content);
    return path;
  }

 private:
  // A fresh file name under root_.
  std::string NextPath(const std::string& suffix) {
    return root_ + "/" + std::to_string(++files_) + "-" + suffix;
  }

 protected:
  std::string root_;  // removed with everything in it
  std::string data_;  // root_/data

 private:
  ServerProcess server_;  // the one StartServer() runs
  // Started by StartFailingServer() and still running then.
  std::vector<ServerProcess> strays_;
  std::string last_server_log_;
  int files_ = 0;
};

// ---------------------------------------------------------------------------
// Serving and restarting

TEST_F(EndToEndTest, CreatedAndDeletedTasksSurviveARestart) {
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(Get("/healthz").status, 200u);
  json milk = CreateTask("Buy milk", "two litres");
  json report = CreateTask("Write report");
  json bread = CreateTask("buy bread");
  EXPECT_EQ(milk.value("description", ""), "two litres");
  EXPECT_EQ(milk.value("completed", true), false);
  EXPECT_EQ(milk.value("deleted", true), false);
  EXPECT_TRUE(milk.contains("created_at"));
  EXPECT_TRUE(milk.contains("deleted_at") && milk["deleted_at"].is_null());

  EXPECT_EQ(SearchTitles("BUY"), Strings({"Buy milk", "buy bread"}));
  ASSERT_EQ(Delete(TaskPath(milk)).status, 204u);
  EXPECT_EQ(Get(TaskPath(milk)).status, 410u);
  EXPECT_EQ(Delete(TaskPath(milk)).status, 410u);
  EXPECT_EQ(SearchTitles("buy"), Strings({"buy bread"}));
  Reply unknown = Get("/api/tasks/999");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_TRUE(unknown.content_type.starts_with("application/problem+json"))
      << unknown;
  Reply history = Get(TaskPath(milk) + "/history");
  ASSERT_EQ(history.status, 200u) << history;
  Reply kept = Get(TaskPath(report));
  ASSERT_EQ(kept.status, 200u) << kept;

  ASSERT_TRUE(RestartServer());

  EXPECT_EQ(VisibleTitles(), Strings({"Write report", "buy bread"}));
  EXPECT_EQ(SearchTitles("BUY"), Strings({"buy bread"}));
  EXPECT_EQ(Get(TaskPath(milk)).status, 410u);
  EXPECT_EQ(Get(TaskPath(report)).Json(), kept.Json());
  Reply history_after = Get(TaskPath(milk) + "/history");
  EXPECT_EQ(history_after.Json(), history.Json());
  json events = history_after.Json()["events"];
  ASSERT_EQ(events.size(), 2u) << history_after;
  EXPECT_EQ(events[0]["type"], "TaskCreated");
  EXPECT_EQ(events[0]["sequence"], 1);
  EXPECT_EQ(events[1]["type"], "TaskSoftDeleted");
  EXPECT_EQ(events[1]["sequence"], 4);
  for (const json& event : events) EXPECT_EQ(event["task_id"], milk["id"]);

  json later = CreateTask("after the restart");
  EXPECT_EQ(later.value("id", 0), 4);
}

TEST_F(EndToEndTest, ConcurrentCreatesGetDistinctIdsAndAllSurviveARestart) {
  constexpr int kClients = 8;
  constexpr int kTasksEach = 10;
  ASSERT_TRUE(StartServer());
  const std::uint16_t port = Port();

  std::vector<std::vector<Reply>> replies(kClients);
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&replies, client, port] {
      for (int i = 0; i < kTasksEach; ++i) {
        json body = {{"title", "client " + std::to_string(client) + " task " +
                                   std::to_string(i)}};
        replies[client].push_back(Exchange(port, http::verb::post, "/api/tasks",
                                           "application/json", body.dump()));
      }
    });
  }
  for (std::thread& client : clients) client.join();

  std::vector<std::uint64_t> ids;
  for (const std::vector<Reply>& of_client : replies) {
    for (const Reply& reply : of_client) {
      ASSERT_EQ(reply.status, 201u) << reply;
      ids.push_back(reply.Json().value("id", std::uint64_t{0}));
    }
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::uint64_t> expected(kClients * kTasksEach);
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = i + 1;
  EXPECT_EQ(ids, expected);
  Strings before = VisibleTitles();
  EXPECT_EQ(before.size(), expected.size());

  ASSERT_TRUE(RestartServer());

  EXPECT_EQ(VisibleTitles(), before);
}

TEST_F(EndToEndTest, SigtermAndSigintStopTheServerCleanly) {
  const int signals[] = {SIGTERM, SIGINT};
  for (int signal : signals) {
    SCOPED_TRACE(strsignal(signal));
    ASSERT_TRUE(StartServer());
    CreateTask(std::string("before ") + strsignal(signal));

    EXPECT_TRUE(StopServer(signal));
  }

  ASSERT_TRUE(StartServer());
  EXPECT_EQ(VisibleTitles().size(), 2u);
}

TEST_F(EndToEndTest, SecondServerOnTheSameDataDirectoryExitsWithLockMessage) {
  ASSERT_TRUE(StartServer());
  CreateTask("held");

  FailedStart second = StartFailingServer();

  EXPECT_FALSE(second.listened) << "a second server is listening";
  EXPECT_EQ(second.exit_code, 1) << second.message;
  EXPECT_TRUE(SaysDirectoryIsLocked(second.message)) << second.message;
  EXPECT_EQ(Get("/healthz").status, 200u);
  EXPECT_EQ(VisibleTitles(), Strings({"held"}));
}

// ---------------------------------------------------------------------------
// Importing the shared data set

TEST_F(EndToEndTest, ImportSkippingInvalidLinesReportsTheDataSetCounts) {
  CommandResult import = Import(kRedisCommits, {"--skip-invalid"});

  EXPECT_EQ(import.exit_code, 0) << import.err;
  EXPECT_TRUE(
      import.out.ends_with("imported 10356 tasks, skipped 483 invalid lines\n"))
      << import.out;
  EXPECT_TRUE(Contains(import.err, "line " + FirstInvalidLine() + ": "))
      << import.err;
  std::vector<json> events = LogEvents();
  ASSERT_EQ(events.size(), kDataSetValid);
  EXPECT_EQ(events.front()["type"], "TaskCreated");
  EXPECT_EQ(events.back()["sequence"], kDataSetValid);
}

TEST_F(EndToEndTest, ImportedTasksAreFoundBySearchInAnyLetterCase) {
  std::vector<DataSetTask> data_set = ReadDataSet();
  ASSERT_EQ(data_set.size(), kDataSetLines);
  Strings expected;
  std::size_t importable = 0;
  for (const DataSetTask& task : data_set) {
    if (!Importable(task)) continue;
    ++importable;
    if (Contains(Lower(task.title), "cluster")) expected.push_back(task.title);
  }
  ASSERT_EQ(importable, kDataSetValid) << "the test's own reading is off";
  ASSERT_FALSE(expected.empty());
  CommandResult import = Import(kRedisCommits, {"--skip-invalid"});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  ASSERT_TRUE(StartServer());

  Reply found = GetAll("/api/tasks?search=cluster");
  ASSERT_EQ(found.status, 200u) << found;
  Strings titles = TitlesIn(found);
  EXPECT_EQ(titles.size(), expected.size());
  EXPECT_EQ(titles, expected);
  Reply upper = GetAll("/api/tasks?searchterm=CLUSTER");
  ASSERT_EQ(upper.status, 200u) << upper;
  EXPECT_EQ(TitlesIn(upper), expected);

  std::vector<std::uint64_t> ids = IdsIn(found);
  ASSERT_FALSE(ids.empty());
  std::uint64_t victim = ids[ids.size() / 2];
  std::string victim_path = "/api/tasks/" + std::to_string(victim);
  ASSERT_EQ(Delete(victim_path).status, 204u);
  ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(ids.size() / 2));
  EXPECT_EQ(IdsIn(GetAll("/api/tasks?search=Cluster")), ids);

  ASSERT_TRUE(RestartServer());

  EXPECT_EQ(IdsIn(GetAll("/api/tasks?search=cLuStEr")), ids);
  EXPECT_EQ(Get(victim_path).status, 410u);
  json first = Get("/api/tasks/1").Json();
  EXPECT_EQ(first.value("title", ""), "first commit");
  // The file says "2009-03-22T10:30:00+01:00".
  EXPECT_EQ(first.value("created_at", ""), "2009-03-22T09:30:00Z");
}

TEST_F(EndToEndTest, ImportWithInvalidLinesAndNoFlagImportsNothing) {
  CommandResult import = Import(kRedisCommits);

  EXPECT_EQ(import.exit_code, 1);
  EXPECT_TRUE(Contains(import.err, "line " + FirstInvalidLine() + ": "))
      << import.err;
  EXPECT_TRUE(Contains(import.err, std::to_string(kDataSetTooLong)))
      << import.err;
  EXPECT_TRUE(LogEvents().empty());
}

TEST_F(EndToEndTest, ImportRefusesWhileAServerHoldsTheLock) {
  std::string file =
      WriteInputFile("{\"title\": \"first\"}\n{\"title\": \"second\"}\n");
  ASSERT_TRUE(StartServer());

  CommandResult refused = Import(file);

  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(SaysDirectoryIsLocked(refused.err)) << refused.err;
  EXPECT_TRUE(VisibleTitles().empty());

  ASSERT_TRUE(StopServer());
  CommandResult imported = Import(file);
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out, "imported 2 tasks, skipped 0 invalid lines\n");
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(VisibleTitles(), Strings({"first", "second"}));
}

// ---------------------------------------------------------------------------
// The audit log

TEST_F(EndToEndTest, LogForOneTaskPrintsOnlyThatTasksEvents) {
  ASSERT_TRUE(StartServer());
  CreateTask("a");
  json b = CreateTask("b");
  CreateTask("c");
  ASSERT_EQ(Delete(TaskPath(b)).status, 204u);
  json history = Get(TaskPath(b) + "/history").Json();
  ASSERT_TRUE(StopServer());

  std::vector<json> all = LogEvents();
  std::vector<json> of_b = LogEvents({"--task", "2"});

  ASSERT_EQ(all.size(), 4u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(all[i]["sequence"], i + 1);
  }
  ASSERT_EQ(of_b.size(), 2u);
  EXPECT_EQ(of_b[0]["type"], "TaskCreated");
  EXPECT_EQ(of_b[1]["type"], "TaskSoftDeleted");
  for (const json& event : of_b) EXPECT_EQ(event["task_id"], 2);
  EXPECT_EQ(json(of_b), history["events"]);
  EXPECT_TRUE(LogEvents({"--task", "99"}).empty());
}

TEST_F(EndToEndTest, LogFiltersCombineAndPrintPurgedTextErased) {
  ASSERT_TRUE(StartServer());
  CreateTask("keep me");
  json secret = CreateTask("secret plan");
  ASSERT_EQ(Delete(TaskPath(secret)).status, 204u);
  ASSERT_EQ(Delete("/api/trash/2").status, 204u);
  ASSERT_TRUE(StopServer());

  std::vector<json> all = LogEvents();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1]["data"]["title"], "");
  EXPECT_EQ(all[0]["actor"], "anonymous");
  EXPECT_EQ(LogEvents({"--after", "2"}).size(), 2u);
  EXPECT_EQ(LogEvents({"--type", "TaskPurged"}).size(), 1u);
  EXPECT_EQ(LogEvents({"--task", "2", "--type", "TaskCreated"}).size(), 1u);
  EXPECT_EQ(LogEvents({"--actor", "anonymous"}).size(), 4u);
  EXPECT_TRUE(LogEvents({"--actor", "bob"}).empty());
  EXPECT_EQ(LogEvents({"--since", "2000-01-01T00:00:00Z"}).size(), 4u);
  EXPECT_TRUE(LogEvents({"--since", "9999-01-01T00:00:00Z"}).empty());

  CommandResult table = Run({"log", "--data", data_, "--format", "table"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("TaskPurged"), std::string::npos);
  EXPECT_EQ(table.out.find("secret"), std::string::npos);

  for (Strings bad : {Strings{"--type", "TaskBurned"},
                      Strings{"--since", "yesterday"},
                      Strings{"--after", "-1"},
                      Strings{"--format", "xml"}}) {
    SCOPED_TRACE(bad[0] + " " + bad[1]);
    Strings args = {"log", "--data", data_};
    args.insert(args.end(), bad.begin(), bad.end());
    CommandResult result = Run(args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find(bad[0]), std::string::npos) << result.err;
  }
}

// ---------------------------------------------------------------------------
// The HTML pages

TEST_F(EndToEndTest, UnknownTransferCodingIsRefusedAndNotReadAsARequest) {
  ASSERT_TRUE(StartServer());
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), Port()});
  // The "body" is itself a request: a server that reads it as the next
  // one answers twice.
  const std::string smuggling =
      "POST /api/tasks HTTP/1.1\r\nHost: localhost\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n"
      "GET /smuggled HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  boost::asio::write(socket, boost::asio::buffer(smuggling));

  std::string answer;
  boost::system::error_code error;
  char chunk[4096];
  while (!error && answer.size() < 1 << 20) {
    std::size_t n = socket.read_some(boost::asio::buffer(chunk), error);
    answer.append(chunk, n);
  }
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << answer;
  EXPECT_TRUE(VisibleTitles().empty());
}

TEST_F(EndToEndTest, HtmlFormCreatesATaskThatThePageShowsEscaped) {
  const std::string title = "<img src=x onerror=alert(1)>";
  ASSERT_TRUE(StartServer());

  Reply created =
      PostForm("/tasks", "title=" + UrlEncode(title) + "&description=");

  EXPECT_EQ(created.status, 303u) << created;
  EXPECT_EQ(created.location, "/tasks");
  Reply page = Get("/tasks");
  ASSERT_EQ(page.status, 200u) << page;
  EXPECT_TRUE(page.content_type.starts_with("text/html")) << page;
  EXPECT_TRUE(Contains(page.body, "&lt;img")) << page.body;
  EXPECT_FALSE(Contains(page.body, title)) << page.body;
  EXPECT_EQ(SearchTitles("onerror"), Strings({title}));

  Reply filtered = Get("/tasks?searchterm=" + UrlEncode("ONERROR"));
  EXPECT_TRUE(Contains(filtered.body, "&lt;img")) << filtered;
  Reply other = Get("/tasks?searchterm=nothing-like-it");
  EXPECT_EQ(other.status, 200u) << other;
  EXPECT_FALSE(Contains(other.body, "&lt;img")) << other.body;

  Reply deleted = PostForm("/tasks/1/delete", "");
  EXPECT_EQ(deleted.status, 303u) << deleted;
  EXPECT_EQ(Get("/api/tasks/1").status, 410u);
}

// ---------------------------------------------------------------------------
// Damaged logs

TEST_F(EndToEndTest, TornTailIsCutOffOnRestartWithAWarning) {
  const unsigned seed = 20240501;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::string noise(61, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  // A record header claiming 100 payload bytes, followed by only 10.
  std::string cut_record("\x12\x34\x56\x78\x64\x00\x00\x00", 8);
  cut_record += std::string(10, 'p');
  struct Case {
    std::string name;
    std::string tail;
  };
  const Case cases[] = {
      {"part of a record header", std::string("\x07\x00\x00", 3)},
      {"a record cut short", cut_record},
      {"random bytes", noise},
  };
  const Strings titles = {"one", "two", "three"};
  SegmentCopy log;
  ASSERT_NO_FATAL_FAILURE(WriteTasksAndStop(titles, log));
  const std::string& segment = log.path;
  const std::string& intact = log.content;
  const std::string& file_name = log.name;

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteWholeFile(segment, intact + c.tail);
    EXPECT_EQ(LogEvents().size(), titles.size()) << "log reads past a tail";
    EXPECT_EQ(ReadWholeFile(segment), intact + c.tail) << "log changed it";

    ASSERT_TRUE(StartServer());

    EXPECT_EQ(VisibleTitles(), titles);
    std::string warning = LineNaming(ServerLog(), file_name, intact.size());
    EXPECT_TRUE(Contains(Lower(warning), "warn")) << ServerLog();
    EXPECT_EQ(ReadWholeFile(segment), intact);
    ASSERT_TRUE(StopServer());
  }

  ASSERT_TRUE(StartServer());
  CreateTask("four");
  ASSERT_TRUE(RestartServer());
  EXPECT_EQ(VisibleTitles(), Strings({"one", "two", "three", "four"}));
}

TEST_F(EndToEndTest, DamageBeforeValidRecordsStopsServeNamingTheOffset) {
  using taskstore::eventlog::kCrcSize;
  using taskstore::eventlog::kFileHeaderSize;
  using taskstore::eventlog::kRecordHeaderSize;
  struct Case {
    std::string name;
    std::size_t byte;  // within the first record
  };
  const Case cases[] = {
      {"checksum", 1},
      {"length", kCrcSize},
      {"payload", kRecordHeaderSize + 2},
  };
  const Strings titles = {"one", "two", "three"};
  SegmentCopy log;
  ASSERT_NO_FATAL_FAILURE(WriteTasksAndStop(titles, log));
  const std::string& segment = log.path;
  const std::string& intact = log.content;
  const std::string& file_name = log.name;

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string damaged = intact;
    ASSERT_LT(kFileHeaderSize + c.byte, damaged.size());
    damaged[kFileHeaderSize + c.byte] ^= 0x01;
    WriteWholeFile(segment, damaged);

    FailedStart serve = StartFailingServer();

    EXPECT_FALSE(serve.listened) << "serving a damaged log";
    EXPECT_EQ(serve.exit_code, 1) << serve.message;
    EXPECT_NE(LineNaming(serve.message, file_name, kFileHeaderSize), "")
        << serve.message;
    EXPECT_EQ(ReadWholeFile(segment), damaged) << "the damage was modified";
    CommandResult log = Run({"log", "--data", data_});
    EXPECT_EQ(log.exit_code, 1) << log.out;
  }

  WriteWholeFile(segment, intact);
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(VisibleTitles(), titles);
}

}  // namespace
