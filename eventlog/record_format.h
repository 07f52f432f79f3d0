// The on-disk format of the event log. This header is the one place that
// defines it; docs/storage-format.md explains the reasons.
//
// The log is a series of segment files in the data directory, named
// "segment-" + the 20-digit, zero-padded sequence number of the segment's
// first event + ".tslog". Segments are ordered by that number, and their
// events continue each other's sequence numbers without gaps.
//
// A segment is a file header followed by records:
//
//   file header (kFileHeaderSize bytes)
//     magic          8 bytes  kMagic
//     format version 4 bytes  little-endian, kFormatVersion
//     header crc     4 bytes  little-endian, masked CRC32C of the 12 bytes
//                             before it
//
//   record (kRecordHeaderSize + length bytes)
//     crc            4 bytes  little-endian, masked CRC32C of the length
//                             field followed by the payload
//     length         4 bytes  little-endian, payload bytes, 1..kMaxPayload
//     payload        length bytes: one event in cereal's portable binary
//                    archive, little-endian, in one of the payload
//                    layouts below (see event_codec.h)
#ifndef TASKSTORE_EVENTLOG_RECORD_FORMAT_H_
#define TASKSTORE_EVENTLOG_RECORD_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace taskstore::eventlog {

inline constexpr std::string_view kMagic = "TSKEVLOG";
inline constexpr std::uint32_t kFormatVersion = 1;

inline constexpr std::size_t kMagicSize = 8;
inline constexpr std::size_t kVersionSize = 4;
inline constexpr std::size_t kCrcSize = 4;
inline constexpr std::size_t kLengthSize = 4;

inline constexpr std::size_t kFileHeaderSize =
    kMagicSize + kVersionSize + kCrcSize;
inline constexpr std::size_t kRecordHeaderSize = kCrcSize + kLengthSize;

// No event comes near this (a description is at most 64 KiB); a larger
// length field is damage.
inline constexpr std::uint32_t kMaxPayload = 1u << 20;

inline constexpr std::string_view kSegmentPrefix = "segment-";
inline constexpr std::string_view kSegmentSuffix = ".tslog";

// Event type tags: the first field of every payload. Values are never
// reused or renumbered.
enum class EventTag : std::uint8_t {
  kTaskCreated = 1,
  kTaskSoftDeleted = 2,
  kTaskEdited = 3,
  kTaskCompleted = 4,
  kTaskReopened = 5,
  kTaskRestored = 6,
  kTaskPurged = 7,
};

// Payload layouts, told apart by the payload's first byte after cereal's
// own endianness byte:
//   layout 1 (the first release): the EventTag, sequence, time of
//     recording, the event body. It has no origin (actor, request id,
//     idempotency key); readers give such events an empty one.
//   layout 2 (written now): kLayoutMarker, the layout number (uint8, 2),
//     then the EventTag, sequence, time of recording, the origin and the
//     event body. An event whose origin is empty (one recorded before
//     origins were kept) is still written in layout 1, so that encoding it
//     again gives the bytes it has in the log.
// kLayoutMarker is a value no EventTag takes, so a layout 1 payload can
// never be mistaken for a later one.
inline constexpr std::uint8_t kLayoutMarker = 0xFF;
inline constexpr std::uint8_t kCurrentLayout = 2;

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_RECORD_FORMAT_H_
