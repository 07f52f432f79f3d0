// Time to first served request, with and without a snapshot, measured in
// one run on the same store: the store is filled with `--events` events,
// snapshotted, and the real `taskstore serve` is started on it until
// GET /healthz answers, first with the snapshot and then with the snapshot
// moved aside (a full replay). Prints both times, their ratio and the
// snapshot's size against the log's.
// Usage: taskstore_startup_bench --binary build/taskstore
//            [--dir DIR] [--events N] [--runs R]
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/open_store.h"
#include "snapshots/snapshot_store.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using taskstore::NullLogger;

extern "C" char** environ;

constexpr int kPort = 18931;

void Fill(const std::string& directory, long events) {
  NullLogger logger;
  auto opened = taskstore::app::OpenDataDirectory(
      taskstore::eventlog::PosixFileSystem(), directory,
      taskstore::app::OpenOptions{}, logger);
  if (!opened.ok()) std::exit(1);
  // Titles vary so that folding and search keys are realistic in size.
  const char* words[] = {"fix",      "cluster", "replica", "memory", "leak",
                         "Sentinel", "AOF",     "rewrite", "docs",   "test"};
  std::vector<taskstore::domain::CreateTask> batch;
  for (long i = 0; i < events; ++i) {
    std::string title = words[i % 10];
    title += ' ';
    title += words[(i / 10) % 10];
    title += " in module " + std::to_string(i % 977);
    batch.push_back({title, "", {}});
    if (batch.size() == 10'000 || i + 1 == events) {
      if (!opened->store->CreateMany(batch).ok()) std::exit(1);
      batch.clear();
    }
  }
  auto written = taskstore::snapshots::WriteSnapshot(
      taskstore::eventlog::PosixFileSystem(), directory,
      opened->store->StateCopy(), 1, logger);
  if (!written.ok()) std::exit(1);
}

bool Healthy() {
  namespace beast = boost::beast;
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), kPort});
    beast::http::request<beast::http::empty_body> request(
        beast::http::verb::get, "/healthz", 11);
    request.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(socket, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(socket, buffer, response);
    return response.result() == beast::http::status::ok;
  } catch (const std::exception&) {
    return false;
  }
}

// Seconds from spawning `serve` until /healthz answers 200.
double SecondsToFirstAnswer(const std::string& binary,
                            const std::string& directory) {
  std::string port = std::to_string(kPort);
  std::vector<std::string> args = {
      binary,   "serve", "--data",           directory,
      "--port", port,    "--snapshot-every", "0"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  auto start = Clock::now();
  pid_t pid;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(),
                  environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  while (!Healthy()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (Clock::now() - start > std::chrono::minutes(5)) std::exit(1);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  posix_spawn_file_actions_destroy(&actions);
  return seconds;
}

std::uintmax_t SizeOf(const std::string& directory, std::string_view prefix) {
  std::uintmax_t size = 0;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().filename().string().starts_with(prefix)) {
      size += entry.file_size();
    }
  }
  return size;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = "build/taskstore";
  std::string directory = "/tmp/taskstore-startup-bench";
  long events = 1'000'000;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--binary") == 0) binary = argv[i + 1];
    if (std::strcmp(argv[i], "--dir") == 0) directory = argv[i + 1];
    if (std::strcmp(argv[i], "--events") == 0) events = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
  }
  fs::remove_all(directory);
  Fill(directory, events);

  std::string snapshot;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".tssnap") snapshot = entry.path();
  }
  // The best of several runs, so page-cache warm-up does not count.
  double with = 1e9, without = 1e9;
  for (int run = 0; run < runs; ++run) {
    with = std::min(with, SecondsToFirstAnswer(binary, directory));
  }
  std::uintmax_t log_bytes = SizeOf(directory, "segment-");
  std::uintmax_t snapshot_bytes = SizeOf(directory, "snapshot-");
  fs::rename(snapshot, directory + "/moved-aside");
  for (int run = 0; run < runs; ++run) {
    without = std::min(without, SecondsToFirstAnswer(binary, directory));
  }

  std::printf("events: %ld\n", events);
  std::printf("first answer with snapshot:    %8.3f s\n", with);
  std::printf("first answer with full replay: %8.3f s\n", without);
  std::printf("speed-up: %.1fx\n", without / with);
  std::printf("log: %ju MiB, snapshot: %ju MiB (%.2fx the log)\n",
              log_bytes >> 20, snapshot_bytes >> 20,
              static_cast<double>(snapshot_bytes) / log_bytes);
  fs::remove_all(directory);
  return 0;
}
