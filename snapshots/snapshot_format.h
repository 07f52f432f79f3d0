// The on-disk format of a snapshot of the projection. This header is the
// one place that defines it; docs/storage-format.md explains the reasons.
//
// A snapshot is one file in the data directory, named "snapshot-" + the
// 20-digit, zero-padded sequence number of the last event it covers +
// ".tssnap". It is written under the name + ".tmp" and renamed into place.
//
//   header (kHeaderSize bytes, integers little-endian)
//     magic          8 bytes  kMagic
//     format version 4 bytes  kFormatVersion
//     reserved       4 bytes  zero
//     last sequence  8 bytes  the last event the state includes
//     body length    8 bytes
//     body crc       4 bytes  masked CRC32C of the body
//     header crc     4 bytes  masked CRC32C of the 36 bytes before it
//
//   body: cereal's portable binary archive, little-endian, holding
//     task count N (uint64), then, each as one array of N elements:
//     created_at (int64 µs), deleted_at (int64 µs, kNoTime when visible),
//     flags (uint8: kCompletedFlag | kDeletedFlag), title length,
//     description length, folded title length, history length (uint32
//     each); then the bytes of every title, description and folded title
//     back to back (uint64 length, then the bytes); then the history
//     entries of all tasks in id order as three arrays: sequence (uint64),
//     recorded_at (int64 µs), kind (uint8, HistoryEntry::Kind).
//
// Columns rather than one record per task keep loading to a few large
// copies, which is what makes start-up from a snapshot fast.
#ifndef TASKSTORE_SNAPSHOTS_SNAPSHOT_FORMAT_H_
#define TASKSTORE_SNAPSHOTS_SNAPSHOT_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace taskstore::snapshots {

inline constexpr std::string_view kMagic = "TSKSNAP1";
inline constexpr std::uint32_t kFormatVersion = 1;

inline constexpr std::size_t kMagicOffset = 0;
inline constexpr std::size_t kVersionOffset = 8;
inline constexpr std::size_t kReservedOffset = 12;
inline constexpr std::size_t kLastSequenceOffset = 16;
inline constexpr std::size_t kBodyLengthOffset = 24;
inline constexpr std::size_t kBodyCrcOffset = 32;
inline constexpr std::size_t kHeaderCrcOffset = 36;
inline constexpr std::size_t kHeaderSize = 40;

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
inline constexpr std::uint8_t kCompletedFlag = 1;
inline constexpr std::uint8_t kDeletedFlag = 2;

inline constexpr std::string_view kFilePrefix = "snapshot-";
inline constexpr std::string_view kFileSuffix = ".tssnap";

}  // namespace taskstore::snapshots

#endif  // TASKSTORE_SNAPSHOTS_SNAPSHOT_FORMAT_H_
