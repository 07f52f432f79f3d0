// Events to payload bytes and back, with cereal's portable binary archive.
//
// A payload is, in archive order: kLayoutMarker and the layout number
// (uint8 each, see record_format.h), the EventTag (uint8), the sequence
// number (uint64), the time of recording (int64 microseconds), the origin
// (cereal's class version (uint32), actor, request id and idempotency key
// as strings, request fingerprint uint64), then the event's own fields
// preceded by its class version (uint32). A string is a uint64 length and
// its bytes; an optional string a presence byte (0 or 1) and, if 1, the
// string.
//
// Payloads of layout 1 (no marker, no origin) still decode, with an empty
// origin, and an event with an empty origin is encoded in layout 1, byte
// for byte as the first release did. A new field is added by raising that
// event's class version and loading the old versions with a default, so that
// old logs keep replaying.
#ifndef TASKSTORE_EVENTLOG_EVENT_CODEC_H_
#define TASKSTORE_EVENTLOG_EVENT_CODEC_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/event.h"

namespace taskstore::eventlog {

std::string EncodeEvent(const domain::Event& event);

// Corruption when the bytes are not a whole event of a known type and
// version, or when bytes are left over.
Result<domain::Event> DecodeEvent(std::string_view payload);

// True when `payload` decodes as an event numbered `sequence` or later:
// what may follow damage in a real log, unlike record-shaped bytes that a
// client put inside a title or description.
bool IsEventFrom(std::string_view payload, domain::Sequence sequence);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_EVENT_CODEC_H_
