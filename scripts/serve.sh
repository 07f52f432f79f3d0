#!/usr/bin/env bash
# Sets up, builds and serves ./data on http://127.0.0.1:8080.
# Extra arguments go to `taskstore serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target taskstore
exec ./build/taskstore serve --data ./data "$@"
