#include "snapshots/snapshot_codec.h"

#include <bit>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cstddef>
#include <optional>
#include <sstream>

#include "base/little_endian.h"
#include "base/view_stream_buffer.h"
#include "eventlog/crc32c.h"
#include "eventlog/event_log.h"
#include "snapshots/snapshot_format.h"

namespace taskstore::snapshots {
namespace {

using domain::EventRecord;
using domain::ProjectionImage;
using domain::TaskRecord;
using eventlog::Crc32c;
using eventlog::MaskCrc;
using eventlog::UnmaskCrc;

// The body copies records byte for byte, which is the documented format
// only on a little-endian machine and with exactly this layout.
static_assert(std::endian::native == std::endian::little,
              "snapshots store records in little-endian byte order");
static_assert(sizeof(TaskRecord) == kTaskRecordSize &&
              offsetof(TaskRecord, created_at) == 0 &&
              offsetof(TaskRecord, deleted_at) == 8 &&
              offsetof(TaskRecord, text_offset) == 16 &&
              offsetof(TaskRecord, title_size) == 24 &&
              offsetof(TaskRecord, description_size) == 28 &&
              offsetof(TaskRecord, folded_size) == 32 &&
              offsetof(TaskRecord, flags) == 36 &&
              offsetof(TaskRecord, last_event) == 40 &&
              offsetof(TaskRecord, version) == 48);
static_assert(sizeof(EventRecord) == kEventRecordSize &&
              offsetof(EventRecord, recorded_at) == 0 &&
              offsetof(EventRecord, task_id) == 8 &&
              offsetof(EventRecord, previous) == 16 &&
              offsetof(EventRecord, text_offset) == 24 &&
              offsetof(EventRecord, title_size) == 32 &&
              offsetof(EventRecord, description_size) == 36 &&
              offsetof(EventRecord, origin_offset) == 40 &&
              offsetof(EventRecord, request_fingerprint) == 48 &&
              offsetof(EventRecord, actor_size) == 56 &&
              offsetof(EventRecord, request_id_size) == 58 &&
              offsetof(EventRecord, idempotency_key_size) == 60 &&
              offsetof(EventRecord, kind) == 62 &&
              offsetof(EventRecord, fields) == 63);

// Records go through cereal as raw bytes (element size 1), so the archive
// never reorders them.
template <typename Archive, typename Record>
void SaveRecords(Archive& archive, const std::vector<Record>& records) {
  archive(static_cast<std::uint64_t>(records.size()));
  archive(cereal::binary_data(reinterpret_cast<const char*>(records.data()),
                              records.size() * sizeof(Record)));
}

std::string EncodeBody(const ProjectionImage& image) {
  std::ostringstream stream(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(
        stream, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
    SaveRecords(archive, image.tasks);
    SaveRecords(archive, image.events);
    archive(static_cast<std::uint64_t>(image.text.size()));
    archive(cereal::binary_data(image.text.data(), image.text.size()));
  }
  return std::move(stream).str();
}

// Loads the image, refusing counts that the body is too short to hold
// before allocating for them.
Result<ProjectionImage> DecodeBody(std::string_view body) {
  ViewStreamBuffer buffer(body);
  std::istream stream(&buffer);
  ProjectionImage image;
  auto fits = [&buffer](std::uint64_t count, std::size_t element_size) {
    return count <= buffer.remaining() / element_size;
  };
  try {
    cereal::PortableBinaryInputArchive archive(
        stream, cereal::PortableBinaryInputArchive::Options::LittleEndian());
    std::uint64_t count = 0;
    archive(count);
    if (!fits(count, sizeof(TaskRecord))) {
      return CorruptionError("task count exceeds the snapshot");
    }
    image.tasks.resize(count);
    archive(cereal::binary_data(reinterpret_cast<char*>(image.tasks.data()),
                                count * sizeof(TaskRecord)));

    archive(count);
    if (!fits(count, sizeof(EventRecord))) {
      return CorruptionError("event count exceeds the snapshot");
    }
    image.events.resize(count);
    archive(cereal::binary_data(reinterpret_cast<char*>(image.events.data()),
                                count * sizeof(EventRecord)));

    archive(count);
    if (!fits(count, 1)) return CorruptionError("text exceeds the snapshot");
    image.text.resize(count);
    archive(cereal::binary_data(image.text.data(), count));
  } catch (const cereal::Exception& error) {
    return CorruptionError(std::string("undecodable snapshot body: ") +
                           error.what());
  }
  if (buffer.remaining() != 0) {
    return CorruptionError(std::to_string(buffer.remaining()) +
                           " stray bytes after the snapshot body");
  }
  return image;
}

}  // namespace

std::string EncodeSnapshot(const domain::Projection& state) {
  std::string body = EncodeBody(state.image());

  std::optional<domain::Event> last = state.EventAt(state.last_sequence());
  std::string file(kMagic);
  AppendLittleEndian<std::uint32_t>(file, kFormatVersion);
  AppendLittleEndian<std::uint32_t>(
      file, last ? eventlog::EventFingerprint(*last) : 0);
  AppendLittleEndian<std::uint64_t>(file, state.last_sequence());
  AppendLittleEndian<std::uint64_t>(file, body.size());
  AppendLittleEndian<std::uint32_t>(file, MaskCrc(Crc32c(body)));
  AppendLittleEndian<std::uint32_t>(file, MaskCrc(Crc32c(file)));
  file += body;
  return file;
}

Result<SnapshotHeader> ReadSnapshotHeader(std::string_view file) {
  if (file.size() < kHeaderSize) {
    return CorruptionError("snapshot header cut short (" +
                           std::to_string(file.size()) + " bytes)");
  }
  if (file.substr(kMagicOffset, kMagic.size()) != kMagic) {
    return CorruptionError("not a taskstore snapshot (bad magic)");
  }
  std::uint32_t header_crc =
      UnmaskCrc(LoadLittleEndian<std::uint32_t>(file, kHeaderCrcOffset));
  if (header_crc != Crc32c(file.substr(0, kHeaderCrcOffset))) {
    return CorruptionError("snapshot header checksum mismatch");
  }
  std::uint32_t version = LoadLittleEndian<std::uint32_t>(file, kVersionOffset);
  if (version != kFormatVersion) {
    return FailedPreconditionError("snapshot format version " +
                                   std::to_string(version) +
                                   " is not the one this build reads (" +
                                   std::to_string(kFormatVersion) + ")");
  }
  SnapshotHeader header;
  header.last_sequence =
      LoadLittleEndian<std::uint64_t>(file, kLastSequenceOffset);
  header.fingerprint =
      LoadLittleEndian<std::uint32_t>(file, kFingerprintOffset);
  return header;
}

Result<DecodedSnapshot> DecodeSnapshot(std::string_view file) {
  Result<SnapshotHeader> header = ReadSnapshotHeader(file);
  if (!header.ok()) return header.status();
  const domain::Sequence last_sequence = header->last_sequence;

  std::uint64_t body_length =
      LoadLittleEndian<std::uint64_t>(file, kBodyLengthOffset);
  if (body_length != file.size() - kHeaderSize) {
    return CorruptionError(
        "snapshot body is " + std::to_string(file.size() - kHeaderSize) +
        " bytes, its header says " + std::to_string(body_length));
  }
  std::string_view body = file.substr(kHeaderSize);
  std::uint32_t body_crc =
      UnmaskCrc(LoadLittleEndian<std::uint32_t>(file, kBodyCrcOffset));
  if (body_crc != Crc32c(body)) {
    return CorruptionError("snapshot body checksum mismatch");
  }

  Result<ProjectionImage> image = DecodeBody(body);
  if (!image.ok()) return image.status();
  if (image->events.size() != last_sequence) {
    return CorruptionError(
        "snapshot holds " + std::to_string(image->events.size()) +
        " events but its header says " + std::to_string(last_sequence));
  }
  Result<domain::Projection> state =
      domain::Projection::Restore(std::move(image).value());
  if (!state.ok()) return state.status();
  return DecodedSnapshot{*header, std::move(state).value()};
}

}  // namespace taskstore::snapshots
