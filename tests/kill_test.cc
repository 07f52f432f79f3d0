// Kill test of the `taskstore` executable. Concurrent clients, each on its
// own keep-alive connection to 127.0.0.1, create tasks with unique titles
// while the server is killed with SIGKILL at a random moment; the server is
// then restarted on the same data directory, round after round (a fresh
// directory every 50 rounds keeps long runs linear). After each restart:
//   - every create that was answered 201 is there with the id and title of
//     its answer (creates left unanswered may be there or not);
//   - every task has a title some client sent, and no title is there twice;
//   - the ids are exactly 1..N, in creation order;
//   - every task seen after the previous restart is still there, unchanged;
//   - the server accepts a new create, and gives it the id N + 1.
// After the last round on a directory the server stops cleanly and
// `taskstore verify` finds nothing wrong.
//
// Usage: kill_test [--rounds=N] [--seed=N] [gtest flags...]
//   --rounds=N  kills per test (default 25, a few seconds); raise it for
//               longer local runs: kill_test --rounds=1000
//   --seed=N    seeds the random kill moments (default 20261204). The seed
//               is printed at the start and named in every failure; the
//               same seed gives the same kill delays, but thread timing
//               still varies from run to run.
//
// The test signals only the server it started, by its pid.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <boost/beast/http/verb.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

#include "tests/server_process.h"

namespace {

namespace http = boost::beast::http;
using nlohmann::json;
using taskstore::testing_support::Exchange;
using taskstore::testing_support::GetEveryPage;
using taskstore::testing_support::HttpConnection;
using taskstore::testing_support::kStopTimeout;
using taskstore::testing_support::Reply;
using taskstore::testing_support::RunCommand;
using taskstore::testing_support::ServerProcess;
using taskstore::testing_support::Strings;
using namespace std::chrono_literals;

constexpr char kUsage[] =
    "usage: kill_test [--rounds=N] [--seed=N] [gtest flags...]\n";

struct KillTestOptions {
  int rounds = 25;
  std::uint32_t seed = 20261204;
};

// Set once by main() from the command line, before any test runs.
KillTestOptions options_from_flags;

constexpr int kClients = 8;
// How long after the clients start the server is killed.
constexpr int kMinKillDelayMs = 20;
constexpr int kMaxKillDelayMs = 300;
// Kills and restarts on one data directory. Every check lists all its
// tasks, so a run's time grows with the square of this.
constexpr int kRoundsPerDirectory = 50;
// Replaying a long log takes a while on a slow disk.
constexpr auto kStartTimeout = 30s;
constexpr auto kCommandTimeout = 60s;
// How long a client waits after a failed exchange before the next.
constexpr auto kRetryPause = 5ms;
// A failure lists this many problems at most.
constexpr std::size_t kProblemsShown = 20;

// A failure shows this many lines of a server's stderr, which also holds
// one access line per request.
constexpr std::size_t kLogLinesShown = 20;

// The first `count` lines of `text`.
std::string HeadLines(const std::string& text, std::size_t count) {
  std::size_t end = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t newline = text.find('\n', end);
    if (newline == std::string::npos) return text;
    end = newline + 1;
  }
  return text.substr(0, end);
}

// The last `count` lines of `text`, the last of which may be unfinished.
std::string TailLines(const std::string& text, std::size_t count) {
  // Each step finds the newline before one more line.
  const std::size_t steps = text.ends_with('\n') ? count + 1 : count;
  std::size_t start = text.size();
  for (std::size_t i = 0; i < steps; ++i) {
    if (start == 0) return text;
    start = text.rfind('\n', start - 1);
    if (start == std::string::npos) return text;
  }
  return text.substr(start + 1);
}

// A create the server answered 201, as the answer described it.
struct Created {
  std::uint64_t id = 0;
  std::string title;
};

// What one client did in one round.
struct ClientRecord {
  Strings sent;                   // every title it sent, answered or not
  std::vector<Created> answered;  // the 201 answers
  Strings unexpected;             // any other answer, described
};

// The title of client `client`'s `n`th create in round `round`: unique
// within a run.
std::string CreateTitle(int round, int client, int n) {
  return "kill round " + std::to_string(round) + " client " +
         std::to_string(client) + " task " + std::to_string(n);
}

std::string CreateBody(const std::string& title) {
  return json{{"title", title}}.dump();
}

// One client's loop: creates tasks, one at a time on one connection, until
// `stop` is set. A failed exchange (the server is gone) leaves that create
// unanswered; the client goes on, reconnecting, until it is told to stop.
// Every title is in `record.sent` before it is sent.
void CreateUntilStopped(std::uint16_t port, int round, int client,
                        const std::atomic<bool>& stop, ClientRecord& record) {
  HttpConnection connection(port, /*keep_alive=*/true);
  for (int n = 0; !stop.load(); ++n) {
    const std::string title = CreateTitle(round, client, n);
    record.sent.push_back(title);
    Reply reply = connection.Send(http::verb::post, "/api/tasks",
                                  "application/json", CreateBody(title));
    if (reply.status == 0) {
      // Most likely the server is gone; do not spin on refused connects.
      std::this_thread::sleep_for(kRetryPause);
      continue;
    }
    json task = reply.Json();
    Created created{task.value("id", std::uint64_t{0}),
                    task.value("title", "")};
    if (reply.status != 201 || created.id == 0 || created.title != title) {
      std::ostringstream description;
      description << title << ": " << reply;
      record.unexpected.push_back(description.str());
      continue;
    }
    record.answered.push_back(std::move(created));
  }
}

// Collects problems and shows the first kProblemsShown of them.
class Problems {
 public:
  void Add(std::string problem) {
    ++count_;
    if (shown_.size() < kProblemsShown) shown_.push_back(std::move(problem));
  }

  bool empty() const { return count_ == 0; }

  testing::AssertionResult Result(const std::string& context) const {
    if (count_ == 0) return testing::AssertionSuccess();
    testing::AssertionResult failure = testing::AssertionFailure();
    failure << count_ << " problem(s) " << context << ":\n";
    for (const std::string& problem : shown_) {
      failure << "  " << problem << "\n";
    }
    if (count_ > shown_.size()) {
      failure << "  ... and " << count_ - shown_.size() << " more\n";
    }
    return failure;
  }

 private:
  std::size_t count_ = 0;
  Strings shown_;
};

// A way to run the server: the flags added to `taskstore serve`.
struct ServeVariant {
  std::string name;
  Strings extra_args;
};

// Names the variant in gtest's and ctest's output.
void PrintTo(const ServeVariant& variant, std::ostream* out) {
  *out << variant.name;
}

class KillTest : public testing::TestWithParam<ServeVariant> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taskstore-kill-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
  }

  // Keeps the data directories and server logs of a failed test.
  void TearDown() override {
    server_.Terminate();
    if (root_.empty()) return;
    if (HasFailure()) {
      std::cout << "[ kill     ] kept " << root_ << " for inspection"
                << std::endl;
      return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  // Makes a new, empty data directory the current one, with an empty
  // model. REQUIRES: no server runs.
  testing::AssertionResult UseNewDataDirectory() {
    data_ = root_ + "/data-" + std::to_string(++directories_);
    if (::mkdir(data_.c_str(), 0755) != 0) {
      return testing::AssertionFailure()
             << "mkdir " << data_ << ": " << std::strerror(errno);
    }
    sent_.clear();
    answered_.clear();
    last_answered_.clear();
    known_.clear();
    return testing::AssertionSuccess();
  }

  testing::AssertionResult StartServer() {
    if (server_.running()) return testing::AssertionFailure() << "running";
    server_ = ServerProcess::Launch(data_, NextPath("serve.err"),
                                    GetParam().extra_args);
    if (server_.AwaitListening(kStartTimeout)) {
      return testing::AssertionSuccess();
    }
    testing::AssertionResult failure = testing::AssertionFailure()
                                       << server_.problem() << "; stderr:\n"
                                       << server_.Stderr();
    server_ = ServerProcess();
    return failure;
  }

  // SIGTERM, and a clean exit.
  testing::AssertionResult StopServer() {
    server_.Signal(SIGTERM);
    std::optional<int> code = server_.WaitForExit(kStopTimeout);
    std::string log = server_.Stderr();
    server_ = ServerProcess();
    if (code == 0) return testing::AssertionSuccess();
    testing::AssertionResult failure = testing::AssertionFailure();
    if (code) {
      failure << "the server exited with " << *code;
    } else {
      failure << "the server ignored SIGTERM and was killed";
    }
    return failure << "; stderr:\n" << log;
  }

  // Runs kClients clients against the server and kills it with SIGKILL
  // `delay` after they started. Takes what the clients did into the model.
  testing::AssertionResult CreateUntilKilled(int round,
                                             std::chrono::milliseconds delay) {
    const std::uint16_t port = server_.port();
    std::atomic<bool> stop{false};
    std::vector<ClientRecord> records(kClients);
    std::vector<std::thread> clients;
    for (int client = 0; client < kClients; ++client) {
      clients.emplace_back([&, client] {
        CreateUntilStopped(port, round, client, stop, records[client]);
      });
    }
    std::this_thread::sleep_for(delay);
    const std::string log_path = server_.stderr_path();
    const int exit_code = server_.Kill();
    stop = true;
    for (std::thread& client : clients) client.join();

    Problems problems;
    if (exit_code != 128 + SIGKILL) {
      problems.Add(
          "the server was no longer running when it was killed " +
          std::string("(exit code ") + std::to_string(exit_code) +
          "); the end of its stderr:\n" +
          TailLines(taskstore::testing_support::ReadWholeFile(log_path),
                    kLogLinesShown));
    }
    last_answered_.clear();
    for (ClientRecord& record : records) {
      totals_.sent += record.sent.size();
      totals_.answered += record.answered.size();
      sent_.insert(record.sent.begin(), record.sent.end());
      answered_.insert(answered_.end(), record.answered.begin(),
                       record.answered.end());
      if (!record.answered.empty()) {
        last_answered_.push_back(record.answered.back());
      }
      for (std::string& unexpected : record.unexpected) {
        problems.Add("unexpected answer to " + unexpected);
      }
    }
    return problems.Result("while the clients created tasks");
  }

  // Compares the tasks the restarted server lists with the model.
  testing::AssertionResult CheckTasksAfterRestart() {
    Reply listing = GetEveryPage(server_.port(), "/api/tasks", "tasks");
    json body = listing.Json();
    if (listing.status != 200 || !body.is_object() || !body.contains("tasks") ||
        !body["tasks"].is_array()) {
      return testing::AssertionFailure() << "GET /api/tasks: " << listing;
    }

    Problems problems;
    Strings titles;  // titles[id - 1]
    std::unordered_set<std::string> seen;
    for (const json& task : body["tasks"]) {
      const std::uint64_t id = task.value("id", std::uint64_t{0});
      const std::string title = task.value("title", "");
      if (id != titles.size() + 1) {
        problems.Add("task number " + std::to_string(titles.size() + 1) +
                     " in the list has id " + std::to_string(id));
      }
      if (!sent_.contains(title)) {
        problems.Add("task " + std::to_string(id) + " has the title \"" +
                     title + "\", which no client sent");
      }
      if (!seen.insert(title).second) {
        problems.Add("the title \"" + title + "\" is there twice");
      }
      titles.push_back(title);
    }
    for (const Created& created : answered_) {
      if (created.id > titles.size()) {
        problems.Add("answered create " + std::to_string(created.id) + " \"" +
                     created.title + "\" is missing");
      } else if (titles[created.id - 1] != created.title) {
        problems.Add("answered create " + std::to_string(created.id) + " \"" +
                     created.title + "\" now has the title \"" +
                     titles[created.id - 1] + "\"");
      }
    }
    for (std::size_t i = 0; i < known_.size(); ++i) {
      if (i >= titles.size()) {
        problems.Add("task " + std::to_string(i + 1) + " \"" + known_[i] +
                     "\", there after an earlier restart, is gone");
      } else if (titles[i] != known_[i]) {
        problems.Add("task " + std::to_string(i + 1) + " \"" + known_[i] +
                     "\", there after an earlier restart, is now \"" +
                     titles[i] + "\"");
      }
    }
    // The newest answers were the last to be synced: read them one by one.
    HttpConnection connection(server_.port(), /*keep_alive=*/true);
    for (const Created& created : last_answered_) {
      const std::string target = "/api/tasks/" + std::to_string(created.id);
      Reply reply = connection.Send(http::verb::get, target);
      if (reply.status != 200 ||
          reply.Json().value("title", "") != created.title) {
        std::ostringstream description;
        description << "GET " << target << " (\"" << created.title
                    << "\"): " << reply;
        problems.Add(description.str());
      }
    }

    if (problems.empty()) known_ = std::move(titles);
    return problems.Result("after the restart; the start of its stderr:\n" +
                           HeadLines(server_.Stderr(), kLogLinesShown));
  }

  // Creates one more task on the restarted server, which must get the next
  // id.
  testing::AssertionResult CreateAfterRestart(int round) {
    const std::string title =
        "kill round " + std::to_string(round) + " after the restart";
    sent_.insert(title);
    ++totals_.sent;
    ++totals_.answered;
    Reply reply = Exchange(server_.port(), http::verb::post, "/api/tasks",
                           "application/json", CreateBody(title));
    json task = reply.Json();
    const std::uint64_t expected_id = known_.size() + 1;
    if (reply.status != 201 || task.value("title", "") != title ||
        task.value("id", std::uint64_t{0}) != expected_id) {
      return testing::AssertionFailure()
             << "POST \"" << title << "\", expecting id " << expected_id << ": "
             << reply;
    }
    answered_.push_back({expected_id, title});
    known_.push_back(title);
    return testing::AssertionSuccess();
  }

  // Stops the server cleanly and runs `taskstore verify` on the data
  // directory.
  testing::AssertionResult FinishDataDirectory() {
    testing::AssertionResult stopped = StopServer();
    if (!stopped) return stopped;
    totals_.tasks += known_.size();
    totals_.kept_unanswered += known_.size() - answered_.size();
    taskstore::testing_support::CommandResult verify =
        RunCommand({"verify", "--data", data_}, NextPath("verify.out"),
                   NextPath("verify.err"), kCommandTimeout);
    if (verify.exit_code == 0) return testing::AssertionSuccess();
    return testing::AssertionFailure()
           << "verify exited with " << verify.exit_code << ":\n"
           << verify.out << verify.err;
  }

  // How the run went, for the log.
  std::string Summary(int rounds) const {
    return std::to_string(rounds) + " kills on " +
           std::to_string(directories_) + " data director" +
           (directories_ == 1 ? "y; " : "ies; ") +
           std::to_string(totals_.sent) + " creates sent, " +
           std::to_string(totals_.answered) + " answered 201, " +
           std::to_string(totals_.kept_unanswered) + " unanswered but kept; " +
           std::to_string(totals_.tasks) + " tasks in all";
  }

 private:
  // A fresh file name under root_.
  std::string NextPath(const std::string& suffix) {
    return root_ + "/" + std::to_string(++files_) + "-" + suffix;
  }

  std::string root_;  // removed with everything in it
  std::string data_;  // root_/data-<directories_>
  int directories_ = 0;
  ServerProcess server_;
  int files_ = 0;

  // The model of the current data directory.
  std::unordered_set<std::string> sent_;  // every title sent to it
  std::vector<Created> answered_;         // every 201 it gave
  std::vector<Created> last_answered_;    // each client's last, this round
  Strings known_;  // the titles listed after the last restart, by id - 1

  struct Totals {
    std::size_t sent = 0;
    std::size_t answered = 0;
    std::size_t kept_unanswered = 0;
    std::size_t tasks = 0;
  };
  Totals totals_;  // over every data directory
};

TEST_P(KillTest, AnsweredCreatesSurviveSigkillAndRestart) {
  const KillTestOptions options = options_from_flags;
  const std::string replay =
      "kill_test --seed=" + std::to_string(options.seed) +
      " --rounds=" + std::to_string(options.rounds);
  std::cout << "[ kill     ] " << replay << std::endl;
  SCOPED_TRACE(replay);
  std::mt19937 random(options.seed);
  std::uniform_int_distribution<int> kill_delay_ms(kMinKillDelayMs,
                                                   kMaxKillDelayMs);

  for (int first = 1; first <= options.rounds; first += kRoundsPerDirectory) {
    const int last = std::min(options.rounds, first + kRoundsPerDirectory - 1);
    ASSERT_TRUE(UseNewDataDirectory());
    ASSERT_TRUE(StartServer());

    for (int round = first; round <= last; ++round) {
      const std::chrono::milliseconds delay(kill_delay_ms(random));
      SCOPED_TRACE("round " + std::to_string(round) + ", killed after " +
                   std::to_string(delay.count()) + " ms");

      ASSERT_TRUE(CreateUntilKilled(round, delay));
      ASSERT_TRUE(StartServer());

      ASSERT_TRUE(CheckTasksAfterRestart());
      ASSERT_TRUE(CreateAfterRestart(round));
    }
    ASSERT_TRUE(FinishDataDirectory());
  }
  std::cout << "[ kill     ] " << Summary(options.rounds) << std::endl;
}

// With frequent snapshots a kill also lands while one is written, and most
// restarts load a snapshot and replay only the log after it.
INSTANTIATE_TEST_SUITE_P(Serve, KillTest,
                         testing::Values(ServeVariant{"DefaultFlags", {}},
                                         ServeVariant{
                                             "SnapshotEvery500Events",
                                             {"--snapshot-every", "500"}}),
                         [](const testing::TestParamInfo<ServeVariant>& info) {
                           return info.param.name;
                         });

// Parses `arg` when it is `name` followed by a number into `value`. False
// when `arg` is some other flag; exits on a bad number.
template <typename Number>
bool ParseFlag(std::string_view arg, std::string_view name, Number& value) {
  if (!arg.starts_with(name)) return false;
  std::string_view digits = arg.substr(name.size());
  auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    std::cerr << "kill_test: " << arg << " is not a valid number\n" << kUsage;
    std::exit(2);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Takes out our flags; gtest gets the rest, and anything it leaves is a
  // mistake.
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!ParseFlag(arg, "--rounds=", options_from_flags.rounds) &&
        !ParseFlag(arg, "--seed=", options_from_flags.seed)) {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  testing::InitGoogleTest(&argc, argv);
  if (argc > 1) {
    std::cerr << "kill_test: unknown argument " << argv[1] << "\n" << kUsage;
    return 2;
  }
  if (options_from_flags.rounds < 1) {
    std::cerr << "kill_test: --rounds must be at least 1\n" << kUsage;
    return 2;
  }
  return RUN_ALL_TESTS();
}
