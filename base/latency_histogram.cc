#include "base/latency_histogram.h"

#include <algorithm>

namespace taskstore {

void LatencyHistogram::Observe(std::chrono::nanoseconds duration) {
  // A clock that went backwards counts as no time at all.
  std::int64_t nanoseconds = std::max<std::int64_t>(duration.count(), 0);
  double seconds = static_cast<double>(nanoseconds) / 1e9;

  // Buckets are few, so a linear search costs less than anything cleverer.
  auto bound = std::lower_bound(kLatencyBucketBounds.begin(),
                                kLatencyBucketBounds.end(), seconds);
  if (bound != kLatencyBucketBounds.end()) {
    buckets_[bound - kLatencyBucketBounds.begin()].fetch_add(
        1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanoseconds_.fetch_add(static_cast<std::uint64_t>(nanoseconds),
                             std::memory_order_relaxed);
}

LatencySnapshot LatencyHistogram::Snapshot() const {
  LatencySnapshot snapshot;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative[i] = running;
  }
  // Read after the buckets, so that the total is never below the last
  // bucket's cumulative count.
  snapshot.count = std::max(count_.load(std::memory_order_relaxed), running);
  snapshot.sum_seconds =
      static_cast<double>(sum_nanoseconds_.load(std::memory_order_relaxed)) /
      1e9;
  return snapshot;
}

}  // namespace taskstore
