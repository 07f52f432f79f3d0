#include "eventlog/crc32c.h"

#include <bit>
#include <boost/crc.hpp>

namespace taskstore::eventlog {
namespace {

// Reflected Castagnoli polynomial, initial and final XOR of all ones.
using Crc32cComputer =
    boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true>;

constexpr std::uint32_t kMaskDelta = 0x6b3c5a71;

}  // namespace

std::uint32_t Crc32c(std::string_view data) {
  Crc32cComputer crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

std::uint32_t Crc32c(std::string_view first, std::string_view second) {
  Crc32cComputer crc;
  crc.process_bytes(first.data(), first.size());
  crc.process_bytes(second.data(), second.size());
  return crc.checksum();
}

std::uint32_t MaskCrc(std::uint32_t crc) {
  return std::rotr(crc, 13) + kMaskDelta;
}

std::uint32_t UnmaskCrc(std::uint32_t masked) {
  return std::rotl(masked - kMaskDelta, 13);
}

}  // namespace taskstore::eventlog
