// Walks the records of one segment held in memory. Knows framing only:
// payloads are returned undecoded.
#ifndef TASKSTORE_EVENTLOG_SEGMENT_READER_H_
#define TASKSTORE_EVENTLOG_SEGMENT_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace taskstore::eventlog {

struct ReadStep {
  enum class Kind {
    kRecord,   // `payload` holds a record whose CRC matched
    kEnd,      // the segment ended exactly after the previous record
    kDamaged,  // the bytes at `offset` are not a whole, valid record
  };
  Kind kind = Kind::kEnd;
  std::uint64_t offset = 0;  // where the record (or the damage) starts
  std::string_view payload;  // kRecord only; points into the segment
  std::string problem;       // kDamaged only: what is wrong
};

class SegmentReader {
 public:
  // `content` is a whole segment file and must outlive the reader.
  explicit SegmentReader(std::string_view content) : content_(content) {}

  // Corruption unless the content starts with a valid file header.
  Status CheckHeader() const;

  // The next record. After kEnd or kDamaged, further calls repeat it.
  // REQUIRES: CheckHeader() returned OK.
  ReadStep Next();

  // True when a valid record (plausible length, matching CRC) starts at
  // any offset after `offset`: the test that tells damage in the middle of
  // a segment from a write torn by a crash, which can only be last.
  //
  // `accept`, when given, must also approve the candidate's payload: a
  // caller that knows what may follow (events with later sequence
  // numbers) so ignores a record-shaped run of bytes inside a client's
  // text.
  using PayloadCheck = std::function<bool(std::string_view payload)>;
  bool HasValidRecordAfter(std::uint64_t offset,
                           const PayloadCheck& accept = nullptr) const {
    return FindValidRecordAfter(offset, accept).has_value();
  }

  // The first offset after `offset` at which a valid (and accepted)
  // record starts.
  std::optional<std::uint64_t> FindValidRecordAfter(
      std::uint64_t offset, const PayloadCheck& accept = nullptr) const;

  // Makes Next() continue at `offset`, where a record starts.
  void SkipTo(std::uint64_t offset) { next_offset_ = offset; }

 private:
  // The record at `offset`, or kDamaged; never kEnd.
  ReadStep RecordAt(std::uint64_t offset) const;

  const std::string_view content_;
  std::uint64_t next_offset_ = 0;  // 0 means "just after the header"
};

// A file header for a new segment.
std::string MakeFileHeader();

// The framed record of `payload`.
// REQUIRES: 0 < payload.size() <= kMaxPayload.
std::string FrameRecord(std::string_view payload);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_SEGMENT_READER_H_
