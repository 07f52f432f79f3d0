// A projection to snapshot bytes and back (format: snapshot_format.h).
#ifndef TASKSTORE_SNAPSHOTS_SNAPSHOT_CODEC_H_
#define TASKSTORE_SNAPSHOTS_SNAPSHOT_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/projection.h"

namespace taskstore::snapshots {

// The whole file: header and body.
std::string EncodeSnapshot(const domain::Projection& state);

struct SnapshotHeader {
  domain::Sequence last_sequence = 0;
  std::uint32_t fingerprint = 0;  // eventlog::EventFingerprint of that event
};

// What a snapshot's header claims, after checking the header alone.
// Corruption for a short or damaged header; FailedPrecondition for a
// format version this build does not read.
Result<SnapshotHeader> ReadSnapshotHeader(std::string_view file);

// The state in a whole snapshot file. Corruption when any check fails:
// header, body length, body checksum, archive structure or the state's
// own consistency (see Projection::Restore).
struct DecodedSnapshot {
  SnapshotHeader header;
  domain::Projection state;
};
Result<DecodedSnapshot> DecodeSnapshot(std::string_view file);

}  // namespace taskstore::snapshots

#endif  // TASKSTORE_SNAPSHOTS_SNAPSHOT_CODEC_H_
