#include "eventlog/crc32c.h"

#include <bit>
#include <boost/crc.hpp>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace taskstore::eventlog {
namespace {

// Reflected Castagnoli polynomial, initial and final XOR of all ones.
using Crc32cComputer =
    boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

constexpr std::uint32_t kMaskDelta = 0x6b3c5a71;

// Continues a CRC over `data`, where `state` is the running register (not
// yet XORed with the final value).
std::uint32_t ExtendPortable(std::uint32_t state, std::string_view data) {
  // Boost's computer starts from an initial remainder we set to the
  // running state; its final XOR is undone to hand the register back.
  Crc32cComputer crc(state ^ 0xFFFFFFFF);
  crc.process_bytes(data.data(), data.size());
  return crc.checksum() ^ 0xFFFFFFFF;
}

#if defined(__x86_64__)
// The crc32 instruction computes exactly CRC32C's reflected update, eight
// bytes per instruction; the bytes before and after the 8-byte words go
// one at a time.
__attribute__((target("sse4.2"))) std::uint32_t ExtendAccelerated(
    std::uint32_t state, std::string_view data) {
  const char* p = data.data();
  std::size_t n = data.size();
  std::uint64_t register64 = state;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);  // unaligned-safe load
    register64 = _mm_crc32_u64(register64, word);
    p += 8;
    n -= 8;
  }
  auto register32 = static_cast<std::uint32_t>(register64);
  while (n > 0) {
    register32 = _mm_crc32_u8(register32, static_cast<unsigned char>(*p));
    ++p;
    --n;
  }
  return register32;
}

bool DetectSse42() { return __builtin_cpu_supports("sse4.2"); }
#else
std::uint32_t ExtendAccelerated(std::uint32_t state, std::string_view data) {
  return ExtendPortable(state, data);
}
bool DetectSse42() { return false; }
#endif

const bool kAccelerated = DetectSse42();

std::uint32_t Extend(std::uint32_t state, std::string_view data) {
  return kAccelerated ? ExtendAccelerated(state, data)
                      : ExtendPortable(state, data);
}

}  // namespace

std::uint32_t Crc32c(std::string_view data) {
  return Extend(0xFFFFFFFF, data) ^ 0xFFFFFFFF;
}

std::uint32_t Crc32c(std::string_view first, std::string_view second) {
  return Extend(Extend(0xFFFFFFFF, first), second) ^ 0xFFFFFFFF;
}

std::uint32_t Crc32cPortable(std::string_view data) {
  Crc32cComputer crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

bool Crc32cIsAccelerated() { return kAccelerated; }

std::uint32_t MaskCrc(std::uint32_t crc) {
  return std::rotr(crc, 13) + kMaskDelta;
}

std::uint32_t UnmaskCrc(std::uint32_t masked) {
  return std::rotl(masked - kMaskDelta, 13);
}

}  // namespace taskstore::eventlog
