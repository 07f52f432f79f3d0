#!/usr/bin/env bash
# Builds the log reader's libFuzzer target with clang and runs it for a
# bounded time (default 60 s) from the seed corpus in fuzz/corpus.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTASKSTORE_FUZZ=ON \
  -DTASKSTORE_BUILD_TESTS=OFF -DTASKSTORE_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-fuzz --target log_reader_fuzzer
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp fuzz/corpus/* "$work"/
./build-fuzz/log_reader_fuzzer -max_total_time="$seconds" -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 "$work" 2>&1 | tail -n 12
