#!/usr/bin/env bash
# Installs the Debian 12 packages taskstore builds and tests with, then
# the browser tests' npm packages into tests/browser/node_modules (pinned
# by tests/browser/package-lock.json; no npm package goes system-wide).
# Idempotent; needs root (or sudo), Debian's package archive and the npm
# registry.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config curl
  libboost1.74-dev      # Asio, Beast, CRC, endian
  libcereal-dev         # event and snapshot serialization
  nlohmann-json3-dev    # JSON in the API and the import
  libcli11-dev          # the command line
  libutf8proc-dev       # UTF-8 validation, NFKC case folding for search
  libssl-dev            # SHA-256 of the pages' style for the CSP
  libgtest-dev libgmock-dev librapidcheck-dev  # tests
  libbenchmark-dev      # benchmarks
  clang libclang-rt-14-dev  # the libFuzzer target
  chromium              # the browser tests drive /usr/bin/chromium
)
# The browser tests run on Node.js; Debian's only when none is installed.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm keeps a copy of the lock file it installed from; when it is newer
# than ours, node_modules already holds exactly the pinned packages.
browser_tests=tests/browser
if ! [ "$browser_tests/node_modules/.package-lock.json" -nt \
       "$browser_tests/package-lock.json" ]; then
  echo "setup: npm ci in $browser_tests" >&2
  (cd "$browser_tests" &&
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
