// Measures the durable write path and the replay path of the event log
// against the ceilings of the disk they run on, in one run:
//   - ceiling: a loop that writes one record-sized block and fdatasyncs it;
//   - durable creates per second through TaskStore (group commit) with
//     1, 16 and 64 concurrent writers, each waiting for its own sync;
//   - replay: events per second rebuilt at start-up, next to a plain
//     sequential read of the same segment files.
// Usage: taskstore_log_bench [--dir DIR] [--seconds S] [--events N]
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "app/open_store.h"
#include "base/logger.h"
#include "eventlog/event_codec.h"
#include "eventlog/segment_reader.h"

namespace {

using Clock = std::chrono::steady_clock;
using taskstore::NullLogger;
using taskstore::Result;
using taskstore::app::OpenDataDirectory;
using taskstore::app::OpenOptions;
using taskstore::app::OpenStore;

double Seconds(Clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

// Writes `block` and fdatasyncs, over and over, for `seconds`.
double RawSyncsPerSecond(const std::string& path, double seconds) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  if (fd < 0) {
    std::perror("open");
    std::exit(1);
  }
  std::string block = taskstore::eventlog::FrameRecord(std::string(90, 'x'));
  long count = 0;
  auto start = Clock::now();
  while (Seconds(Clock::now() - start) < seconds) {
    if (::write(fd, block.data(), block.size()) < 0 || ::fdatasync(fd) != 0) {
      std::perror("write/fdatasync");
      std::exit(1);
    }
    ++count;
  }
  double rate = count / Seconds(Clock::now() - start);
  ::close(fd);
  return rate;
}

OpenStore Open(const std::string& directory) {
  static NullLogger logger;
  Result<OpenStore> opened = OpenDataDirectory(
      taskstore::eventlog::PosixFileSystem(), directory, OpenOptions{}, logger);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(opened).value();
}

// Durable creates per second with `writers` threads for `seconds`.
double CreatesPerSecond(const std::string& directory, int writers,
                        double seconds) {
  std::filesystem::remove_all(directory);
  OpenStore opened = Open(directory);
  std::atomic<long> created{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int i = 0; i < writers; ++i) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        if (!opened.store->Create({"benchmark task title", "", {}}).ok()) {
          std::fprintf(stderr, "create failed\n");
          std::exit(1);
        }
        created.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  return created.load() / Seconds(Clock::now() - start);
}

void FillStore(const std::string& directory, long events) {
  std::filesystem::remove_all(directory);
  OpenStore opened = Open(directory);
  std::vector<taskstore::domain::CreateTask> batch(
      1000, {"a realistic task title of some forty chars", "", {}});
  for (long done = 0; done < events; done += 1000) {
    if (!opened.store->CreateMany(batch).ok()) std::exit(1);
  }
}

// Reads every file of `directory` sequentially; returns bytes read.
long ReadAllFiles(const std::string& directory) {
  long bytes = 0;
  std::vector<char> buffer(1 << 20);
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    int fd = ::open(entry.path().c_str(), O_RDONLY);
    ssize_t n;
    while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) bytes += n;
    ::close(fd);
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  std::string directory = "/tmp/taskstore-bench";
  double seconds = 3;
  long events = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dir") == 0) directory = argv[i + 1];
    if (std::strcmp(argv[i], "--seconds") == 0)
      seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--events") == 0) events = std::atol(argv[i + 1]);
  }
  std::filesystem::create_directories(directory);

  double ceiling = RawSyncsPerSecond(directory + "/raw-sync-probe", seconds);
  std::printf("ceiling: write + fdatasync loop        %10.0f ops/s\n", ceiling);
  for (int writers : {1, 16, 64}) {
    double rate = CreatesPerSecond(directory + "/store", writers, seconds);
    std::printf(
        "durable creates, %2d writers           %10.0f /s  "
        "(%.2fx the ceiling)\n",
        writers, rate, rate / ceiling);
  }

  std::string store = directory + "/replay";
  FillStore(store, events);
  std::system(("sync; cat " + store + "/segment-* > /dev/null").c_str());
  auto start = Clock::now();
  long bytes = ReadAllFiles(store);
  double read_seconds = Seconds(Clock::now() - start);
  start = Clock::now();
  OpenStore opened = Open(store);
  double replay_seconds = Seconds(Clock::now() - start);
  std::printf("sequential read of the log (%ld MiB)   %10.0f MiB/s\n",
              bytes >> 20, (bytes >> 20) / read_seconds);
  std::printf(
      "replay of %ld events                %10.0f events/s  "
      "(%.3fx the read; %.2f s vs %.3f s)\n",
      events, events / replay_seconds, read_seconds / replay_seconds,
      replay_seconds, read_seconds);
  std::filesystem::remove_all(directory);
  return 0;
}
