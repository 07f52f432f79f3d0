// Figures about the event log's work since the process opened it: events
// appended, bytes on disk, and how long each fdatasync took. The log keeps
// them; whoever reports them (a metrics page, a benchmark) reads them here
// and decides the format.
#ifndef TASKSTORE_EVENTLOG_LOG_STATISTICS_H_
#define TASKSTORE_EVENTLOG_LOG_STATISTICS_H_

#include <atomic>
#include <chrono>
#include <cstdint>

#include "base/latency_histogram.h"

namespace taskstore::eventlog {

struct LogFigures {
  std::uint64_t events_appended = 0;  // since the log was opened
  std::uint64_t log_bytes = 0;        // every segment file, headers included
  LatencySnapshot sync_latency;       // each fdatasync of a segment
};

// Thread-safe and lock-free; updates cost a relaxed atomic add each.
class LogStatistics {
 public:
  void SetBytes(std::uint64_t bytes) {
    log_bytes_.store(bytes, std::memory_order_relaxed);
  }
  void AddBytes(std::uint64_t bytes) {
    log_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void CountEvents(std::uint64_t events) {
    events_appended_.fetch_add(events, std::memory_order_relaxed);
  }
  void ObserveSync(std::chrono::nanoseconds duration) {
    sync_latency_.Observe(duration);
  }

  LogFigures Figures() const {
    return {events_appended_.load(std::memory_order_relaxed),
            log_bytes_.load(std::memory_order_relaxed),
            sync_latency_.Snapshot()};
  }

 private:
  std::atomic<std::uint64_t> events_appended_{0};
  std::atomic<std::uint64_t> log_bytes_{0};
  LatencyHistogram sync_latency_;
};

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_LOG_STATISTICS_H_
