#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite:
#   1. the storage, domain and HTTP suites again under AddressSanitizer and
#      UndefinedBehaviorSanitizer (build-asan/),
#   2. the log reader's libFuzzer target for a bounded time (build-fuzz/),
#   3. every test of the normal build (build/), whose ctest summary ends
#      the output; among them the browser walk of the HTML pages
#      (browser_walk_test), whose screenshots go to build/browser-artifacts/.
# FUZZ_SECONDS (default 30) bounds step 2; SKIP_SANITIZERS=1 skips 1 and 2.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== build"
bash scripts/build.sh

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== AddressSanitizer + UBSan"
  sanitized=(
    time_test text_test validation_test projection_test search_property_test
    task_store_test
    task_store_property_test crc32c_test event_codec_test segment_reader_test
    event_log_test event_log_property_test log_check_test snapshot_test
    crash_property_test sha256_test
    import_test sync_flag_test http_target_test http_router_test
    http_feed_test event_stream_test compaction_test
    http_access_log_test
    event_test http_lifecycle_routes_test
    http_ops_test prometheus_text_test openapi_test
  )
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTASKSTORE_SANITIZE=ON -DTASKSTORE_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j "$(nproc)" --target "${sanitized[@]}" |
    tail -n 1
  for test in "${sanitized[@]}"; do
    # The same fixed seed as under ctest (see tests/CMakeLists.txt).
    if ! RC_PARAMS="seed=20261204 max_success=150" \
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "build-asan/tests/$test" --gtest_brief=1 > "build-asan/$test.log" 2>&1
    then
      cat "build-asan/$test.log"
      echo "$test failed under the sanitizers"
      exit 1
    fi
  done
  echo "all ${#sanitized[@]} suites passed under the sanitizers"

  echo "== libFuzzer: the log reader and recovery"
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
fi

echo "== the whole suite"
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
