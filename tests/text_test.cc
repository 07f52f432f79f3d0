#include "domain/text.h"

#include <gtest/gtest.h>

namespace taskstore::domain {
namespace {

TEST(CountCodePoints, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("Straße"), 6u);
  EXPECT_EQ(CountCodePoints("日本語"), 3u);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80"), 1u);  // an emoji
}

TEST(CountCodePoints, RejectsMalformedUtf8) {
  for (const char* bytes : {"\xC3", "\xC0\xAF", "\xED\xA0\x80",
                            "\xF4\x90\x80\x80", "a\xFF", "\x80"}) {
    SCOPED_TRACE(testing::PrintToString(std::string(bytes)));
    EXPECT_FALSE(CountCodePoints(bytes).has_value());
  }
}

TEST(TrimWhiteSpace, RemovesUnicodeSpaceAtBothEnds) {
  EXPECT_EQ(TrimWhiteSpace("  a b \t\n"), "a b");
  EXPECT_EQ(TrimWhiteSpace("\u00A0\u3000task\u2003"), "task");
  EXPECT_EQ(TrimWhiteSpace(" \u2028 "), "");
  EXPECT_EQ(TrimWhiteSpace("x"), "x");
}

TEST(HasControlCharacter, AllowsTabOnly) {
  EXPECT_FALSE(HasControlCharacter("a\tb"));
  EXPECT_TRUE(HasControlCharacter("a\nb"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("a\u0085b"));
}

TEST(FoldForSearch, MatchesAcrossCaseWidthAndSpecialFolds) {
  EXPECT_EQ(FoldForSearch("CLUSTER"), FoldForSearch("cluster"));
  EXPECT_EQ(FoldForSearch("Straße"), FoldForSearch("STRASSE"));
  EXPECT_EQ(FoldForSearch("ＴＡＳＫ"), FoldForSearch("task"));
  EXPECT_EQ(FoldForSearch("ΣΊΣΥΦΟΣ"), FoldForSearch("σίσυφος"));
}

}  // namespace
}  // namespace taskstore::domain
