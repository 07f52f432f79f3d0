#include "base/time.h"

#include <gtest/gtest.h>

namespace taskstore {
namespace {

constexpr UnixMicros kSecond = 1'000'000;

TEST(Rfc3339, ParsesUtcAndOffsetsToTheSameInstant) {
  Result<UnixMicros> utc = ParseRfc3339("2009-03-22T09:30:00Z");
  Result<UnixMicros> offset = ParseRfc3339("2009-03-22T10:30:00+01:00");
  Result<UnixMicros> negative = ParseRfc3339("2009-03-22T04:00:00-05:30");
  ASSERT_TRUE(utc.ok());
  ASSERT_TRUE(offset.ok());
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(*utc, 1237714200 * kSecond);
  EXPECT_EQ(*offset, *utc);
  EXPECT_EQ(*negative, *utc);
}

TEST(Rfc3339, KeepsFractionsDownToMicroseconds) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:01.5Z"), kSecond + 500'000);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00.1234569Z"), 123'456);
}

TEST(Rfc3339, FormatsUtcWithFractionOnlyWhenPresent) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1237714200 * kSecond + 42),
            "2009-03-22T09:30:00.000042Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Rfc3339, RoundTripsWhatItFormats) {
  for (UnixMicros time : {UnixMicros{0}, UnixMicros{951782400} * kSecond,
                          UnixMicros{4102444799} * kSecond + 999'999,
                          UnixMicros{-86400} * kSecond}) {
    SCOPED_TRACE(time);
    EXPECT_EQ(*ParseRfc3339(FormatRfc3339(time)), time);
  }
}

TEST(Rfc3339, RejectsMalformedText) {
  for (const char* text :
       {"", "2009-03-22", "2009-03-22T10:30:00", "2009-02-30T00:00:00Z",
        "2009-13-01T00:00:00Z", "2009-03-22T24:00:00Z", "2009-03-22T10:30Z",
        "2009-03-22T10:30:00+1:00", "2009-03-22T10:30:00.Z",
        "2009-03-22T10:30:00Zjunk", "yesterday", "9999-12-31T23:59:60Z",
        "0000-01-01T00:00:00+00:01"}) {
    SCOPED_TRACE(text);
    Result<UnixMicros> parsed = ParseRfc3339(text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace taskstore
