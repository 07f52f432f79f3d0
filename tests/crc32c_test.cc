#include "eventlog/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace taskstore::eventlog {
namespace {

TEST(Crc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32cPortable("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);  // RFC 3720 B.4
}

TEST(Crc32c, TwoPartsEqualTheirConcatenation) {
  EXPECT_EQ(Crc32c("1234", "56789"), Crc32c("123456789"));
  EXPECT_EQ(Crc32c("", "abc"), Crc32c("abc"));
}

TEST(Crc32c, FastPathAgreesWithBoostOnEveryLengthAndAlignment) {
  std::mt19937 random(20261204);
  std::string buffer(4096 + 16, '\0');
  for (char& c : buffer) c = static_cast<char>(random());
  for (std::size_t offset = 0; offset < 16; ++offset) {
    for (std::size_t length :
         {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4096}) {
      SCOPED_TRACE(testing::Message() << offset << "+" << length);
      std::string_view data(buffer.data() + offset, length);
      EXPECT_EQ(Crc32c(data), Crc32cPortable(data));
      std::size_t split = length / 3;
      EXPECT_EQ(Crc32c(data.substr(0, split), data.substr(split)),
                Crc32cPortable(data));
    }
  }
}

TEST(Crc32c, MaskRoundTripsAndChangesTheValue) {
  std::mt19937 random(20261204);
  for (int i = 0; i < 1000; ++i) {
    std::uint32_t crc = random();
    EXPECT_EQ(UnmaskCrc(MaskCrc(crc)), crc);
  }
  EXPECT_NE(MaskCrc(Crc32c("abc")), Crc32c("abc"));
}

}  // namespace
}  // namespace taskstore::eventlog
