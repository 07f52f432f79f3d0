// The access line's logfmt and the request ids it carries.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "http/access_log.h"
#include "http/request_id.h"

namespace taskstore::http {
namespace {

using namespace std::chrono_literals;

TEST(LogfmtValue, PlainValuesStayBare) {
  EXPECT_EQ(LogfmtValue("/api/tasks"), "/api/tasks");
  EXPECT_EQ(LogfmtValue("a-b_c.d:1"), "a-b_c.d:1");
}

TEST(LogfmtValue, ValuesThatWouldSplitOrMisleadAreQuotedAndEscaped) {
  struct Case {
    std::string value;
    std::string logged;
  };
  const Case cases[] = {
      {"", "\"\""},
      {"two words", "\"two words\""},
      {"a=b", "\"a=b\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"line\nbreak\r\ttab", "\"line\\nbreak\\r\\ttab\""},
      {"caf\xc3\xa9", "\"caf\\xc3\\xa9\""},
      {"del\x7f", "\"del\\x7f\""},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.logged);
    EXPECT_EQ(LogfmtValue(test.value), test.logged);
  }
  // A NUL needs its length given.
  EXPECT_EQ(LogfmtValue(std::string("a\0b", 3)), "\"a\\x00b\"");
}

TEST(FormatAccessLine, ListsTheFieldsInOrderAndLeavesEmptyOptionalOnesOut) {
  AccessRecord record;
  record.method = "GET";
  record.path = "/api/tasks";
  record.status = 200;
  record.bytes = 512;
  record.duration = 3214us;
  record.request_id = "abc";
  EXPECT_EQ(FormatAccessLine(record),
            "access method=GET path=/api/tasks status=200 bytes=512 "
            "duration_ms=3.214 request_id=abc");

  record.client = "127.0.0.1:5000";
  record.status = 500;
  record.error = "disk full";
  record.note = "x";
  record.duration = 7us;
  EXPECT_EQ(FormatAccessLine(record),
            "access method=GET path=/api/tasks status=500 bytes=512 "
            "duration_ms=0.007 request_id=abc client=127.0.0.1:5000 "
            "error=\"disk full\" note=x");
}

TEST(FormatAccessLine, AHostilePathCannotForgeAField) {
  AccessRecord record;
  record.path = "/x status=200 request_id=forged\nfake line";
  std::string line = FormatAccessLine(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(" path=\"/x status=200 request_id=forged\\nfake line\" "),
            std::string::npos)
      << line;
}

TEST(RequestId, AcceptsVisibleAsciiUpToTheLimit) {
  EXPECT_TRUE(IsAcceptableRequestId("a"));
  EXPECT_TRUE(IsAcceptableRequestId("trace-42/a.b:c"));
  EXPECT_TRUE(IsAcceptableRequestId(std::string(kMaxRequestIdLength, 'x')));
  EXPECT_FALSE(IsAcceptableRequestId(""));
  EXPECT_FALSE(
      IsAcceptableRequestId(std::string(kMaxRequestIdLength + 1, 'x')));
  EXPECT_FALSE(IsAcceptableRequestId("two words"));
  EXPECT_FALSE(IsAcceptableRequestId("tab\there"));
  EXPECT_FALSE(IsAcceptableRequestId("caf\xc3\xa9"));
  EXPECT_FALSE(IsAcceptableRequestId("del\x7f"));
}

TEST(RequestId, NewIdsAre32HexDigitsAndDoNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    ASSERT_TRUE(IsAcceptableRequestId(id));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(RequestId, ASentIdIsKeptWhenAcceptableAndReplacedOtherwise) {
  EXPECT_EQ(RequestIdFor("mine-1"), "mine-1");
  std::string replaced = RequestIdFor("not mine");
  EXPECT_EQ(replaced.size(), 32u);
  EXPECT_EQ(RequestIdFor("").size(), 32u);
}

}  // namespace
}  // namespace taskstore::http
