// CRC32C (Castagnoli), the checksum of every log record and snapshot, and
// its masked form as stored on disk.
#ifndef TASKSTORE_EVENTLOG_CRC32C_H_
#define TASKSTORE_EVENTLOG_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace taskstore::eventlog {

// CRC32C of `data` (0xE3069283 for "123456789"). Uses the SSE4.2 crc32
// instruction when the processor has it, Boost.CRC otherwise.
std::uint32_t Crc32c(std::string_view data);

// CRC32C of `first` followed by `second`, without concatenating them.
std::uint32_t Crc32c(std::string_view first, std::string_view second);

// The same values computed by Boost.CRC alone: the reference the fast
// path is tested and benchmarked against.
std::uint32_t Crc32cPortable(std::string_view data);

// True when Crc32c uses the SSE4.2 instruction on this machine.
bool Crc32cIsAccelerated();

// The stored form of a CRC. Masking keeps the CRC of a byte string that
// itself contains CRCs (a log inside a payload, a record copied into a
// quarantine file) from being trivially related to the embedded ones.
std::uint32_t MaskCrc(std::uint32_t crc);
std::uint32_t UnmaskCrc(std::uint32_t masked);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_CRC32C_H_
