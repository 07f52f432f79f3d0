// CRC32C throughput: the SSE4.2 path used by the log and snapshots next
// to Boost.CRC, its reference, on the same buffers in the same run.
// Run: build/taskstore_crc32c_bench
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "eventlog/crc32c.h"

namespace {

std::string RandomBytes(std::size_t size) {
  std::mt19937 random(20261204);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

void BM_Crc32cAccelerated(benchmark::State& state) {
  std::string bytes = RandomBytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(taskstore::eventlog::Crc32c(bytes));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.SetLabel(taskstore::eventlog::Crc32cIsAccelerated() ? "sse4.2"
                                                            : "fallback");
}

void BM_Crc32cBoost(benchmark::State& state) {
  std::string bytes = RandomBytes(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(taskstore::eventlog::Crc32cPortable(bytes));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// A typical record (100 bytes) and a large block (1 MiB).
BENCHMARK(BM_Crc32cAccelerated)->Arg(100)->Arg(1 << 20);
BENCHMARK(BM_Crc32cBoost)->Arg(100)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
