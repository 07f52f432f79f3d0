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
//     fingerprint    4 bytes  CRC32C of the log payload of the last event
//                             covered (0 for none), which ties the
//                             snapshot to one history of the log
//     last sequence  8 bytes  the last event the state includes
//     body length    8 bytes
//     body crc       4 bytes  masked CRC32C of the body
//     header crc     4 bytes  masked CRC32C of the 36 bytes before it
//
//   body: cereal's portable binary archive, little-endian, holding the
//   projection's image (domain/projection.h): the task count N (uint64)
//   and N TaskRecords of kTaskRecordSize bytes, the event count M
//   (uint64) and M EventRecords of kEventRecordSize bytes, then the
//   text's size (uint64) and bytes. A record is its fields in declaration
//   order at the offsets below, little-endian, reserved bytes zero:
//
//   TaskRecord (kTaskRecordSize)         EventRecord (kEventRecordSize)
//    0 created_at int64 µs                 0 recorded_at int64 µs
//    8 deleted_at int64 µs                 8 task_id uint64
//      (INT64_MIN when unset)             16 previous uint64
//   16 text_offset uint64                 24 text_offset uint64
//   24 title_size uint32                  32 title_size uint32
//   28 description_size uint32            36 description_size uint32
//   32 folded_size uint32                 40 origin_offset uint64
//   36 flags uint8 (1 completed,          48 request_fingerprint uint64
//      2 deleted, 4 purged)               56 actor_size uint16
//   37 reserved[3]                        58 request_id_size uint16
//   40 last_event uint64                  60 idempotency_key_size uint16
//   48 version uint32                     62 kind uint8 (the event tag)
//   52 reserved[4]                        63 fields uint8 (TaskEdited: 1
//                                            title, 2 description)
//
// Text that no task points at any more (a title replaced by an edit) stays
// in the text for its events; a purged task's text is overwritten with
// zero bytes and its sizes set to 0.
//
// Version 1 (before edits, purges and event origins) had 48- and 32-byte
// records; such snapshots are skipped with a warning and the log is
// replayed instead.
//
// Whole records rather than fields one by one keep loading to three
// copies, which is what makes start-up from a snapshot fast; the layout is
// pinned by static_asserts in snapshot_codec.cc.
#ifndef TASKSTORE_SNAPSHOTS_SNAPSHOT_FORMAT_H_
#define TASKSTORE_SNAPSHOTS_SNAPSHOT_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace taskstore::snapshots {

inline constexpr std::string_view kMagic = "TSKSNAP1";
inline constexpr std::uint32_t kFormatVersion = 2;

inline constexpr std::size_t kMagicOffset = 0;
inline constexpr std::size_t kVersionOffset = 8;
inline constexpr std::size_t kFingerprintOffset = 12;
inline constexpr std::size_t kLastSequenceOffset = 16;
inline constexpr std::size_t kBodyLengthOffset = 24;
inline constexpr std::size_t kBodyCrcOffset = 32;
inline constexpr std::size_t kHeaderCrcOffset = 36;
inline constexpr std::size_t kHeaderSize = 40;

inline constexpr std::size_t kTaskRecordSize = 56;
inline constexpr std::size_t kEventRecordSize = 64;

inline constexpr std::string_view kFilePrefix = "snapshot-";
inline constexpr std::string_view kFileSuffix = ".tssnap";

}  // namespace taskstore::snapshots

#endif  // TASKSTORE_SNAPSHOTS_SNAPSHOT_FORMAT_H_
