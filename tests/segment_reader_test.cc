#include "eventlog/segment_reader.h"

#include <gtest/gtest.h>

#include "eventlog/record_format.h"

namespace taskstore::eventlog {
namespace {

using Kind = ReadStep::Kind;

class SegmentReaderTest : public testing::Test {
 protected:
  void Write(std::string_view payload) { content_ += FrameRecord(payload); }
  void Shrink(std::size_t bytes) { content_.resize(content_.size() - bytes); }
  void FlipByte(std::size_t offset) { content_[offset] ^= 0x20; }

  // Payloads read until the first non-record; the last element is "END"
  // or "DAMAGED@offset".
  std::vector<std::string> ReadAll() {
    SegmentReader reader(content_);
    std::vector<std::string> read;
    EXPECT_TRUE(reader.CheckHeader().ok());
    for (;;) {
      ReadStep step = reader.Next();
      if (step.kind == Kind::kEnd) {
        read.push_back("END");
        return read;
      }
      if (step.kind == Kind::kDamaged) {
        read.push_back("DAMAGED@" + std::to_string(step.offset));
        return read;
      }
      read.emplace_back(step.payload);
    }
  }

  std::string content_ = MakeFileHeader();
};

TEST_F(SegmentReaderTest, ReadsRecordsBackInOrder) {
  Write("one");
  Write(std::string(70'000, 'x'));
  Write("three");
  std::vector<std::string> read = ReadAll();
  ASSERT_EQ(read.size(), 4u);
  EXPECT_EQ(read[0], "one");
  EXPECT_EQ(read[1].size(), 70'000u);
  EXPECT_EQ(read[2], "three");
  EXPECT_EQ(read[3], "END");
}

TEST_F(SegmentReaderTest, EmptySegmentEndsAtOnce) {
  EXPECT_EQ(ReadAll(), (std::vector<std::string>{"END"}));
}

TEST_F(SegmentReaderTest, TruncatedTrailingRecordIsDamagedAtItsStart) {
  Write("kept");
  std::size_t torn_at = content_.size();
  Write("torn away");
  Shrink(3);
  EXPECT_EQ(ReadAll(), (std::vector<std::string>{
                           "kept", "DAMAGED@" + std::to_string(torn_at)}));
  SegmentReader reader(content_);
  EXPECT_FALSE(reader.HasValidRecordAfter(torn_at));
}

TEST_F(SegmentReaderTest, ChecksumMismatchIsFoundAndValidRecordsAfterIt) {
  Write("first");
  std::size_t damaged_at = content_.size();
  Write("second");
  Write("third");
  FlipByte(damaged_at + kRecordHeaderSize + 1);
  EXPECT_EQ(ReadAll(), (std::vector<std::string>{
                           "first", "DAMAGED@" + std::to_string(damaged_at)}));
  SegmentReader reader(content_);
  EXPECT_TRUE(reader.HasValidRecordAfter(damaged_at));
}

TEST_F(SegmentReaderTest, ZeroFilledTailIsDamage) {
  Write("record");
  content_.append(64, '\0');
  EXPECT_EQ(
      ReadAll().back(),
      "DAMAGED@" + std::to_string(kFileHeaderSize + kRecordHeaderSize + 6));
}

// ---- File headers ----

TEST(SegmentHeader, RejectsShortBadMagicBadCrcAndFutureVersion) {
  std::string header = MakeFileHeader();
  std::string bad_magic = header;
  bad_magic[0] = 'X';
  std::string bad_crc = header;
  bad_crc.back() ^= 1;
  std::string future = header;
  future[kMagicSize] = 2;

  for (const std::string& content :
       {header.substr(0, 10), bad_magic, bad_crc, future}) {
    EXPECT_EQ(SegmentReader(content).CheckHeader().code(),
              StatusCode::kCorruption);
  }
  EXPECT_TRUE(SegmentReader(header).CheckHeader().ok());
}

}  // namespace
}  // namespace taskstore::eventlog
