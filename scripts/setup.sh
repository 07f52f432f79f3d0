#!/usr/bin/env bash
# Installs the Debian 12 packages taskstore builds and tests with.
# Idempotent; needs root (or sudo) and Debian's package archive.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config curl
  libboost1.74-dev      # Asio, Beast, CRC, endian
  libcereal-dev         # event and snapshot serialization
  nlohmann-json3-dev    # JSON in the API and the import
  libcli11-dev          # the command line
  libutf8proc-dev       # UTF-8 validation, NFKC case folding for search
  libgtest-dev libgmock-dev librapidcheck-dev  # tests
  libbenchmark-dev      # benchmarks
  clang libclang-rt-14-dev  # the libFuzzer target
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
