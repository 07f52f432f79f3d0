// A histogram of durations with fixed buckets, cheap enough to update on
// every request or fsync: one relaxed atomic add per bucket hit, plus one
// each for the count and the sum. It knows nothing of any output format.
#ifndef TASKSTORE_BASE_LATENCY_HISTOGRAM_H_
#define TASKSTORE_BASE_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace taskstore {

// The upper bounds of the buckets, in seconds, from 100 µs to 10 s; a
// duration above the last falls only into the implicit "infinite" bucket.
inline constexpr std::array<double, 15> kLatencyBucketBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   10.0};

// What a histogram held at one moment.
struct LatencySnapshot {
  // cumulative[i]: observations of at most kLatencyBucketBounds[i]
  // seconds.
  std::array<std::uint64_t, kLatencyBucketBounds.size()> cumulative{};
  std::uint64_t count = 0;  // every observation, the "infinite" bucket
  double sum_seconds = 0;
};

// Thread-safe and lock-free. A snapshot taken while others observe may
// count an observation in `count` but not yet in its bucket (or the other
// way round); each figure on its own is exact.
class LatencyHistogram {
 public:
  void Observe(std::chrono::nanoseconds duration);

  LatencySnapshot Snapshot() const;

 private:
  // Per bucket, not cumulative; Snapshot() adds them up.
  std::array<std::atomic<std::uint64_t>, kLatencyBucketBounds.size()>
      buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanoseconds_{0};
};

}  // namespace taskstore

#endif  // TASKSTORE_BASE_LATENCY_HISTOGRAM_H_
