#include "eventlog/event_codec.h"

#include <gtest/gtest.h>

#include "eventlog/record_format.h"

namespace taskstore::eventlog {
namespace {

using domain::Event;
using domain::EventOrigin;
using domain::TaskCompleted;
using domain::TaskCreated;
using domain::TaskEdited;
using domain::TaskPurged;
using domain::TaskReopened;
using domain::TaskRestored;
using domain::TaskSoftDeleted;

// An origin with only an actor, one byte long.
const EventOrigin kActorOnly{"a", "", "", 0};

std::vector<Event> EveryKindOfEvent() {
  EventOrigin origin{"alice", "req-1", "key-1", 0x0123456789abcdefull};
  return {
      Event{1, 1'700'000'000'000'000, TaskCreated{1, "Write docs", "", 5},
            kActorOnly},
      Event{2, -3,
            TaskCreated{2, "Ünïcødé 日本語", std::string(65'536, 'd'),
                        -1'000'000}},
      Event{3, 9, TaskSoftDeleted{1}, kActorOnly},
      Event{~0ull, 0, TaskSoftDeleted{~0ull}},
      Event{5, 10, TaskEdited{2, "New title", std::nullopt}, origin},
      Event{6, 11, TaskEdited{2, std::nullopt, ""}, origin},
      Event{7, 12, TaskEdited{2, "Both", "changed"},
            EventOrigin{"bob", "", "", 0}},
      Event{8, 13, TaskCompleted{2}, origin},
      Event{9, 14, TaskReopened{2}, origin},
      Event{10, 15, TaskRestored{1}, origin},
      Event{11, 16, TaskPurged{1}, origin},
  };
}

TEST(EventCodec, EveryEventRoundTrips) {
  for (const Event& event : EveryKindOfEvent()) {
    SCOPED_TRACE(event.sequence);
    Result<Event> decoded = DecodeEvent(EncodeEvent(event));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, event);
  }
}

// Payloads of layout 1, written by the first release's encoder before
// events had an origin; logs of that time must keep replaying.
constexpr std::string_view kLayout1Created(
    "\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x80\x19\x85\x13\x45\x06\x00"
    "\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0a\x00\x00\x00\x00\x00"
    "\x00\x00\x57\x72\x69\x74\x65\x20\x64\x6f\x63\x73\x06\x00\x00\x00\x00\x00"
    "\x00\x00\x66\x6f\x72\x20\x76\x31\x00\xb6\x7e\x49\x13\x45\x06\x00",
    70);
constexpr std::string_view kLayout1SoftDeleted(
    "\x01\x02\x02\x00\x00\x00\x00\x00\x00\x00\x00\x61\x0f\x8b\x13\x45\x06\x00"
    "\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00",
    30);

TEST(EventCodec, DecodesLayout1PayloadsWithAnEmptyOrigin) {
  Result<Event> created = DecodeEvent(kLayout1Created);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(
      *created,
      (Event{1, 1'764'800'000'000'000,
             TaskCreated{1, "Write docs", "for v1", 1'764'799'000'000'000}}));

  Result<Event> deleted = DecodeEvent(kLayout1SoftDeleted);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(*deleted, (Event{2, 1'764'800'100'000'000, TaskSoftDeleted{1}}));
  EXPECT_EQ(deleted->origin, EventOrigin{});
}

TEST(EventCodec, EncodesEventsWithoutOriginAsLayout1ByteForByte) {
  for (std::string_view payload : {kLayout1Created, kLayout1SoftDeleted}) {
    Result<Event> decoded = DecodeEvent(payload);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(EncodeEvent(*decoded), payload);
  }
}

TEST(EventCodec, WritesTheCurrentLayout) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[0]);
  EXPECT_EQ(static_cast<std::uint8_t>(payload[1]), kLayoutMarker);
  EXPECT_EQ(static_cast<std::uint8_t>(payload[2]), kCurrentLayout);
}

TEST(EventCodec, RejectsUnknownLayout) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[0]);
  payload[2] = 3;
  EXPECT_EQ(DecodeEvent(payload).status().ToString(),
            "corruption: payload layout 3 is not one this build reads");
}

TEST(EventCodec, RejectsTruncatedPayloads) {
  for (const Event& event : EveryKindOfEvent()) {
    SCOPED_TRACE(event.sequence);
    std::string payload = EncodeEvent(event);
    for (std::size_t size = 0;
         size < std::min<std::size_t>(payload.size(), 200); ++size) {
      EXPECT_EQ(DecodeEvent(payload.substr(0, size)).status().code(),
                StatusCode::kCorruption);
    }
  }
}

TEST(EventCodec, RejectsStrayBytes) {
  Result<Event> decoded = DecodeEvent(EncodeEvent(EveryKindOfEvent()[2]) + "x");
  EXPECT_EQ(decoded.status().ToString(),
            "corruption: 1 stray bytes after the event");
}

TEST(EventCodec, RejectsUnknownTypeTag) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[2]);
  payload[3] = 99;  // the tag follows the endianness, marker, layout bytes
  EXPECT_EQ(DecodeEvent(payload).status().ToString(),
            "corruption: unknown event type tag 99");
}

// With kActorOnly, the body's class version follows the endianness,
// marker, layout and tag bytes, the sequence and time, the origin's
// version, a one-byte string, two empty strings and the fingerprint.
constexpr std::size_t kBodyVersionAt = 4 + 8 + 8 + 4 + (8 + 1) + 2 * 8 + 8;

TEST(EventCodec, RejectsNewerClassVersion) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[2]);
  payload[kBodyVersionAt] = 2;
  Result<Event> decoded = DecodeEvent(payload);
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("newer than this build"),
            std::string::npos);
}

TEST(EventCodec, RejectsHugeStringLengthWithoutAllocating) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[0]);
  // The title's uint64 length follows the body's version and the task id.
  std::size_t length_at = kBodyVersionAt + 4 + 8;
  payload[length_at + 7] = 0x7F;
  EXPECT_EQ(DecodeEvent(payload).status().code(), StatusCode::kCorruption);
}

TEST(EventCodec, RejectsBadPresenceByte) {
  std::string payload =
      EncodeEvent(Event{5, 10, TaskEdited{2, "T", {}}, kActorOnly});
  std::size_t presence_at = kBodyVersionAt + 4 + 8;
  ASSERT_EQ(payload[presence_at], 1);
  payload[presence_at] = 2;
  EXPECT_EQ(DecodeEvent(payload).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace taskstore::eventlog
