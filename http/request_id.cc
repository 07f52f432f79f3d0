#include "http/request_id.h"

#include <algorithm>
#include <cstdint>
#include <random>

namespace taskstore::http {

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return c >= 0x21 && c <= 0x7E; });
}

std::string NewRequestId() {
  // One generator per thread, seeded from the system's entropy, so ids of
  // different threads and processes do not repeat each other and no lock
  // is taken per request.
  thread_local std::mt19937_64 generator = [] {
    std::random_device entropy;
    std::seed_seq seed{entropy(), entropy(), entropy(), entropy()};
    return std::mt19937_64(seed);
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (int digit = 0; digit < 16; ++digit) {
      id += kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

std::string RequestIdFor(std::string_view sent) {
  if (IsAcceptableRequestId(sent)) return std::string(sent);
  return NewRequestId();
}

}  // namespace taskstore::http
