#include "eventlog/log_check.h"

#include <gtest/gtest.h>

#include "domain/projection.h"
#include "eventlog/record_format.h"
#include "eventlog/segment_reader.h"
#include "tests/store_fixture.h"

namespace taskstore::eventlog {
namespace {

using testing_support::StoreUnderTest;

class LogCheckTest : public testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 6; ++i) {
      ASSERT_TRUE(
          sut_.store().Create({"task " + std::to_string(i), "", {}}).ok());
    }
  }

  std::string SegmentPath() { return "/data/" + SegmentName(1); }

  // Offset of the record holding event `sequence`.
  std::size_t RecordOffset(domain::Sequence sequence) {
    std::string content = *sut_.fs().ReadFile(SegmentPath());
    SegmentReader reader(content);
    ReadStep step = reader.Next();
    for (domain::Sequence s = 1; s < sequence; ++s) step = reader.Next();
    return step.offset;
  }

  void FlipPayloadByteOf(domain::Sequence sequence) {
    std::size_t at = RecordOffset(sequence) + kRecordHeaderSize + 2;
    std::string content = *sut_.fs().ReadFile(SegmentPath());
    content[at] ^= 0x40;
    sut_.fs().SetContent(SegmentPath(), content);
  }

  Result<LogCheck> Check() {
    auto state = std::make_shared<domain::Projection>();
    return CheckLog(sut_.fs(), "/data", [state](const domain::Event& event) {
      return state->Apply(event);
    });
  }

  StoreUnderTest sut_;
};

TEST_F(LogCheckTest, HealthyLogHasNoProblems) {
  Result<LogCheck> check = Check();
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->events, 6u);
  EXPECT_TRUE(check->problems.empty());
  EXPECT_TRUE(check->healthy());
}

TEST_F(LogCheckTest, ListsEveryDamagedRecordWithItsPlace) {
  std::size_t second = RecordOffset(2);
  std::size_t fifth = RecordOffset(5);
  FlipPayloadByteOf(5);  // later first: a reader stops at the first damage
  FlipPayloadByteOf(2);
  Result<LogCheck> check = Check();
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->healthy());
  ASSERT_GE(check->problems.size(), 2u);
  EXPECT_EQ(check->problems[0].offset, second);
  EXPECT_EQ(check->problems[0].sequence, 2u);
  EXPECT_EQ(check->problems[0].ToString(),
            SegmentName(1) + " at offset " + std::to_string(second) +
                " (sequence 2): record checksum mismatch");
  bool fifth_listed = false;
  for (const LogProblem& problem : check->problems) {
    fifth_listed |= problem.offset == fifth;
  }
  EXPECT_TRUE(fifth_listed);
}

TEST_F(LogCheckTest, TornTailIsListedButHealthy) {
  std::string content = *sut_.fs().ReadFile(SegmentPath());
  sut_.fs().SetContent(SegmentPath(), content + "\x07\x00\x00");
  Result<LogCheck> check = Check();
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_TRUE(check->problems[0].torn_tail);
  EXPECT_TRUE(check->healthy());
}

TEST_F(LogCheckTest, RepairKeepsTheValidPrefixAndQuarantinesTheRest) {
  std::size_t third = RecordOffset(3);
  FlipPayloadByteOf(3);
  std::string damaged = *sut_.fs().ReadFile(SegmentPath());
  EXPECT_EQ(sut_.Restart().code(), StatusCode::kCorruption);

  testing_support::RecordingLogger logger;
  Result<RepairOutcome> repaired = RepairLog(
      sut_.fs(), "/data", [] { return UnixMicros{0}; }, logger);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_TRUE(repaired->changed);
  EXPECT_EQ(repaired->kept_events, 2u);

  // Every byte is still somewhere: the prefix in place, the rest aside.
  std::string quarantined =
      *sut_.fs().ReadFile(repaired->quarantine + "/" + SegmentName(1) +
                          ".from-" + std::to_string(third));
  EXPECT_EQ(*sut_.fs().ReadFile(SegmentPath()) + quarantined, damaged);

  ASSERT_TRUE(sut_.Restart().ok());
  EXPECT_EQ(sut_.store().Search("").size(), 2u);
  ASSERT_TRUE(sut_.store().Create({"after repair", "", {}}).ok());
  ASSERT_TRUE(sut_.Restart().ok());
  EXPECT_EQ(sut_.store().Search("").size(), 3u);
}

TEST_F(LogCheckTest, RepairOfAHealthyLogChangesNothing) {
  testing_support::RecordingLogger logger;
  Result<RepairOutcome> repaired = RepairLog(
      sut_.fs(), "/data", [] { return UnixMicros{0}; }, logger);
  ASSERT_TRUE(repaired.ok());
  EXPECT_FALSE(repaired->changed);
  EXPECT_EQ(repaired->kept_events, 6u);
}

}  // namespace
}  // namespace taskstore::eventlog
