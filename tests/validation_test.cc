#include <gtest/gtest.h>

#include <string>

#include "domain/commands.h"

namespace taskstore::domain {
namespace {

std::string Repeat(std::string_view unit, std::size_t times) {
  std::string text;
  for (std::size_t i = 0; i < times; ++i) text += unit;
  return text;
}

TEST(ValidateTitle, AcceptsExactlyOneHundredCodePoints) {
  EXPECT_TRUE(ValidateTitle(Repeat("a", 100)).ok());
  EXPECT_TRUE(ValidateTitle(Repeat("é", 100)).ok());   // 200 bytes
  EXPECT_TRUE(ValidateTitle(Repeat("日", 100)).ok());  // 300 bytes
}

TEST(ValidateTitle, RejectsOneHundredAndOneCodePoints) {
  for (std::string_view unit : {"a", "é", "日", "\xF0\x9F\x98\x80"}) {
    SCOPED_TRACE(unit);
    Result<std::string> title = ValidateTitle(Repeat(unit, 101));
    ASSERT_FALSE(title.ok());
    EXPECT_EQ(title.status().message(),
              "title is 101 characters long; at most 100 are allowed");
  }
}

TEST(ValidateTitle, TrimsWhiteSpaceBeforeCounting) {
  Result<std::string> title = ValidateTitle("  " + Repeat("a", 100) + "\n");
  ASSERT_TRUE(title.ok());
  EXPECT_EQ(*title, Repeat("a", 100));
}

TEST(ValidateTitle, RejectsEmptyAndBlank) {
  for (const char* blank : {"", " ", "\t\n", "\u3000"}) {
    SCOPED_TRACE(blank);
    Result<std::string> title = ValidateTitle(blank);
    ASSERT_FALSE(title.ok());
    EXPECT_EQ(title.status().message(), "title is empty");
  }
}

TEST(ValidateTitle, RejectsInvalidUtf8AndControlCharacters) {
  EXPECT_EQ(ValidateTitle("bad \xC3").status().message(),
            "title is not valid UTF-8");
  EXPECT_EQ(ValidateTitle("two\nlines").status().message(),
            "title contains a control character");
}

TEST(ValidateDescription, AllowsUpTo65536Bytes) {
  EXPECT_TRUE(ValidateDescription("").ok());
  EXPECT_TRUE(ValidateDescription(std::string(65'536, 'x')).ok());
  Status too_long = ValidateDescription(std::string(65'537, 'x'));
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.message(),
            "description is 65537 bytes long; at most 65536 are allowed");
}

TEST(ValidateDescription, AllowsLinesButNotInvalidUtf8) {
  EXPECT_TRUE(ValidateDescription("line one\nline two").ok());
  EXPECT_EQ(ValidateDescription("\xFF").message(),
            "description is not valid UTF-8");
}

}  // namespace
}  // namespace taskstore::domain
