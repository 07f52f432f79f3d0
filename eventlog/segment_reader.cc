#include "eventlog/segment_reader.h"

#include "base/little_endian.h"
#include "eventlog/crc32c.h"
#include "eventlog/record_format.h"

namespace taskstore::eventlog {
namespace {

std::uint32_t LoadLittle32(std::string_view bytes, std::size_t offset) {
  return LoadLittleEndian<std::uint32_t>(bytes, offset);
}

void AppendLittle32(std::string& out, std::uint32_t value) {
  AppendLittleEndian(out, value);
}

ReadStep Damaged(std::uint64_t offset, std::string problem) {
  ReadStep step;
  step.kind = ReadStep::Kind::kDamaged;
  step.offset = offset;
  step.problem = std::move(problem);
  return step;
}

}  // namespace

std::string MakeFileHeader() {
  std::string header(kMagic);
  AppendLittle32(header, kFormatVersion);
  AppendLittle32(header, MaskCrc(Crc32c(header)));
  return header;
}

std::string FrameRecord(std::string_view payload) {
  std::string length;
  AppendLittle32(length, static_cast<std::uint32_t>(payload.size()));

  std::string record;
  record.reserve(kRecordHeaderSize + payload.size());
  AppendLittle32(record, MaskCrc(Crc32c(length, payload)));
  record += length;
  record += payload;
  return record;
}

Status SegmentReader::CheckHeader() const {
  if (content_.size() < kFileHeaderSize) {
    return CorruptionError("file header is cut short (" +
                           std::to_string(content_.size()) + " of " +
                           std::to_string(kFileHeaderSize) + " bytes)");
  }
  if (content_.substr(0, kMagicSize) != kMagic) {
    return CorruptionError("not a taskstore log segment (bad magic)");
  }
  std::string_view covered = content_.substr(0, kMagicSize + kVersionSize);
  if (UnmaskCrc(LoadLittle32(content_, covered.size())) != Crc32c(covered)) {
    return CorruptionError("file header checksum mismatch");
  }
  std::uint32_t version = LoadLittle32(content_, kMagicSize);
  if (version != kFormatVersion) {
    return CorruptionError("unsupported log format version " +
                           std::to_string(version) + " (this build reads " +
                           std::to_string(kFormatVersion) + ")");
  }
  return Status::Ok();
}

ReadStep SegmentReader::RecordAt(std::uint64_t offset) const {
  std::uint64_t left = content_.size() - offset;
  if (left < kRecordHeaderSize) {
    return Damaged(
        offset, "record header cut short (" + std::to_string(left) + " bytes)");
  }
  std::uint32_t length = LoadLittle32(content_, offset + kCrcSize);
  if (length == 0 || length > kMaxPayload) {
    return Damaged(offset,
                   "impossible record length " + std::to_string(length));
  }
  if (length > left - kRecordHeaderSize) {
    return Damaged(offset, "record claims " + std::to_string(length) +
                               " payload bytes but only " +
                               std::to_string(left - kRecordHeaderSize) +
                               " follow its header");
  }

  std::string_view length_bytes =
      content_.substr(offset + kCrcSize, kLengthSize);
  std::string_view payload =
      content_.substr(offset + kRecordHeaderSize, length);
  std::uint32_t stored = UnmaskCrc(LoadLittle32(content_, offset));
  if (stored != Crc32c(length_bytes, payload)) {
    return Damaged(offset, "record checksum mismatch");
  }

  ReadStep step;
  step.kind = ReadStep::Kind::kRecord;
  step.offset = offset;
  step.payload = payload;
  return step;
}

ReadStep SegmentReader::Next() {
  std::uint64_t offset = next_offset_ == 0 ? kFileHeaderSize : next_offset_;
  if (offset == content_.size()) {
    ReadStep end;
    end.offset = offset;
    return end;
  }
  ReadStep step = RecordAt(offset);
  if (step.kind == ReadStep::Kind::kRecord) {
    next_offset_ = offset + kRecordHeaderSize + step.payload.size();
  } else {
    next_offset_ = offset;  // stay on the damage
  }
  return step;
}

std::optional<std::uint64_t> SegmentReader::FindValidRecordAfter(
    std::uint64_t offset, const PayloadCheck& accept) const {
  // Most offsets fail on the length check at once; only plausible lengths
  // cost a CRC, so the scan is cheap for the short tails it usually sees.
  for (std::uint64_t at = offset + 1; at + kRecordHeaderSize < content_.size();
       ++at) {
    ReadStep step = RecordAt(at);
    if (step.kind != ReadStep::Kind::kRecord) continue;
    if (accept && !accept(step.payload)) continue;
    return at;
  }
  return std::nullopt;
}

}  // namespace taskstore::eventlog
