#include "eventlog/event_codec.h"

#include <gtest/gtest.h>

namespace taskstore::eventlog {
namespace {

using domain::Event;
using domain::TaskCreated;
using domain::TaskSoftDeleted;

std::vector<Event> EveryKindOfEvent() {
  return {
      Event{1, 1'700'000'000'000'000, TaskCreated{1, "Write docs", "", 5}},
      Event{2, -3,
            TaskCreated{2, "Ünïcødé 日本語", std::string(65'536, 'd'),
                        -1'000'000}},
      Event{3, 9, TaskSoftDeleted{1}},
      Event{~0ull, 0, TaskSoftDeleted{~0ull}},
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

TEST(EventCodec, RejectsTruncatedPayloads) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[0]);
  for (std::size_t size = 0; size < payload.size(); ++size) {
    SCOPED_TRACE(size);
    EXPECT_EQ(DecodeEvent(payload.substr(0, size)).status().code(),
              StatusCode::kCorruption);
  }
}

TEST(EventCodec, RejectsStrayBytes) {
  Result<Event> decoded = DecodeEvent(EncodeEvent(EveryKindOfEvent()[2]) + "x");
  EXPECT_EQ(decoded.status().ToString(),
            "corruption: 1 stray bytes after the event");
}

TEST(EventCodec, RejectsUnknownTypeTag) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[2]);
  payload[1] = 99;  // the tag follows cereal's endianness byte
  EXPECT_EQ(DecodeEvent(payload).status().ToString(),
            "corruption: unknown event type tag 99");
}

TEST(EventCodec, RejectsNewerClassVersion) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[2]);
  // The version is the uint32 after tag, sequence and time.
  payload[1 + 1 + 8 + 8] = 2;
  Result<Event> decoded = DecodeEvent(payload);
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("newer than this build"),
            std::string::npos);
}

TEST(EventCodec, RejectsHugeStringLengthWithoutAllocating) {
  std::string payload = EncodeEvent(EveryKindOfEvent()[0]);
  // The title's uint64 length follows the version and the task id.
  std::size_t length_at = 1 + 1 + 8 + 8 + 4 + 8;
  payload[length_at + 7] = 0x7F;
  EXPECT_EQ(DecodeEvent(payload).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace taskstore::eventlog
