#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "http/target.h"

namespace taskstore::http {
namespace {

Target Parse(std::string_view text) {
  Result<Target> target = ParseTarget(text);
  EXPECT_TRUE(target.ok()) << text << ": " << target.status().ToString();
  return target.ok() ? *target : Target{};
}

std::vector<std::string> Segments(std::string_view text) {
  return Parse(text).segments;
}

TEST(ParseTarget, SplitsThePathIntoSegments) {
  Target target = Parse("/api/tasks/7/history");
  EXPECT_EQ(target.path, "/api/tasks/7/history");
  EXPECT_EQ(target.segments,
            (std::vector<std::string>{"api", "tasks", "7", "history"}));
  EXPECT_TRUE(target.query.empty());
}

TEST(ParseTarget, RootHasNoSegments) {
  EXPECT_TRUE(Segments("/").empty());
  EXPECT_TRUE(Segments("/?search=x").empty());
}

TEST(ParseTarget, TrailingSlashLeavesAnEmptySegment) {
  EXPECT_EQ(Segments("/api/tasks/"),
            (std::vector<std::string>{"api", "tasks", ""}));
}

TEST(ParseTarget, DecodesPercentEscapesInThePath) {
  Target target = Parse("/tasks/a%20b%21");
  EXPECT_EQ(target.path, "/tasks/a b!");
  EXPECT_EQ(target.segments, (std::vector<std::string>{"tasks", "a b!"}));
}

TEST(ParseTarget, EscapedSlashStaysInsideItsSegment) {
  Target target = Parse("/a%2Fb/c");
  EXPECT_EQ(target.path, "/a/b/c");
  EXPECT_EQ(target.segments, (std::vector<std::string>{"a/b", "c"}));
}

TEST(ParseTarget, PlusIsAPlusSignInThePath) {
  EXPECT_EQ(Parse("/c++").path, "/c++");
}

TEST(ParseTarget, PlusIsASpaceInTheQuery) {
  Target target = Parse("/tasks?searchterm=oat+milk");
  EXPECT_EQ(FindParam(target.query, "searchterm"), "oat milk");
}

TEST(ParseTarget, EscapedPlusIsAPlusSignInTheQuery) {
  Target target = Parse("/tasks?search=c%2B%2B");
  EXPECT_EQ(FindParam(target.query, "search"), "c++");
}

TEST(ParseTarget, DecodesUtf8EscapesInEitherCase) {
  EXPECT_EQ(FindParam(Parse("/?q=caf%C3%A9").query, "q"), "caf\u00e9");
  EXPECT_EQ(FindParam(Parse("/?q=caf%c3%a9").query, "q"), "caf\u00e9");
  EXPECT_EQ(Parse("/%E2%9C%93").path, "/\u2713");
}

TEST(ParseTarget, KeepsQueryParametersInOrder) {
  Target target = Parse("/x?b=2&a=1&&b=3&flag&=empty&c=");
  EXPECT_EQ(target.query, (std::vector<Param>{{"b", "2"},
                                              {"a", "1"},
                                              {"b", "3"},
                                              {"flag", ""},
                                              {"", "empty"},
                                              {"c", ""}}));
}

TEST(ParseTarget, DecodesQueryNamesToo) {
  EXPECT_EQ(Parse("/?search%20term=x").query,
            (std::vector<Param>{{"search term", "x"}}));
}

TEST(ParseTarget, ValueMayHoldAnEqualsSign) {
  EXPECT_EQ(FindParam(Parse("/?q=a=b").query, "q"), "a=b");
}

TEST(ParseTarget, AbsoluteFormIsReducedToPathAndQuery) {
  Target target = Parse("http://127.0.0.1:8080/api/tasks?search=x");
  EXPECT_EQ(target.path, "/api/tasks");
  EXPECT_EQ(FindParam(target.query, "search"), "x");

  EXPECT_EQ(Parse("HTTPS://example.com").path, "/");
  EXPECT_EQ(FindParam(Parse("http://example.com?q=1").query, "q"), "1");
}

// ---------------------------------------------------------------------
// Errors

TEST(ParseTarget, RejectsTargetsThatDoNotStartWithASlash) {
  for (std::string_view text : {"", "tasks", "*", "?q=1"}) {
    SCOPED_TRACE(text);
    Result<Target> target = ParseTarget(text);
    ASSERT_FALSE(target.ok());
    EXPECT_EQ(target.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ParseTarget, RejectsBadPercentEscapes) {
  struct Case {
    std::string_view target;
    std::string_view where;
  };
  for (Case c : std::vector<Case>{{"/a%ZZ", "path"},
                                  {"/a%2", "path"},
                                  {"/a%", "path"},
                                  {"/a%%41", "path"},
                                  {"/?q=%G0", "query"},
                                  {"/?q=50%", "query"},
                                  {"/?%zz=1", "query"}}) {
    SCOPED_TRACE(c.target);
    Result<Target> target = ParseTarget(c.target);
    ASSERT_FALSE(target.ok());
    EXPECT_EQ(target.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(target.status().message().rfind(c.where, 0), 0u)
        << target.status().message();
    EXPECT_NE(target.status().message().find("percent-escape"),
              std::string::npos);
  }
}

TEST(ParseTarget, BadEscapeMessageQuotesTheEscape) {
  Result<Target> target = ParseTarget("/?q=%ZZ");
  ASSERT_FALSE(target.ok());
  EXPECT_NE(target.status().message().find("\"%ZZ\""), std::string::npos)
      << target.status().message();
}

TEST(ParseTarget, RejectsEscapesThatDecodeToInvalidUtf8) {
  for (std::string_view bytes : {
           "%FF",           // never valid in UTF-8
           "%C3",           // a lead byte with no continuation
           "%A9",           // a continuation byte alone
           "%C0%AF",        // an overlong "/"
           "%ED%A0%80",     // a UTF-16 surrogate
           "%F4%90%80%80",  // past U+10FFFF
       }) {
    for (std::string_view prefix : {"/x", "/?q=", "/?"}) {
      std::string text = std::string(prefix) + std::string(bytes);
      SCOPED_TRACE(text);
      Result<Target> target = ParseTarget(text);
      ASSERT_FALSE(target.ok());
      EXPECT_EQ(target.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(target.status().message().find("UTF-8"), std::string::npos);
    }
  }
}

// ---------------------------------------------------------------------
// Form bodies and lookups

TEST(ParseUrlEncoded, DecodesAFormBody) {
  Result<std::vector<Param>> form =
      ParseUrlEncoded("title=Buy+milk&description=2%25+fat%0D%0Aplease");
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  EXPECT_EQ(*form, (std::vector<Param>{{"title", "Buy milk"},
                                       {"description", "2% fat\r\nplease"}}));
}

TEST(ParseUrlEncoded, EmptyTextHasNoParameters) {
  Result<std::vector<Param>> form = ParseUrlEncoded("");
  ASSERT_TRUE(form.ok());
  EXPECT_TRUE(form->empty());
}

TEST(ParseUrlEncoded, ErrorNamesTheParameter) {
  Result<std::vector<Param>> form = ParseUrlEncoded("title=ok&description=%");
  ASSERT_FALSE(form.ok());
  EXPECT_NE(form.status().message().find("\"description\""), std::string::npos)
      << form.status().message();
}

TEST(FindParam, ReturnsTheFirstOfRepeatedNames) {
  std::vector<Param> params = {{"a", "1"}, {"a", "2"}};
  EXPECT_EQ(FindParam(params, "a"), "1");
}

TEST(FindParam, MissingNameIsNullopt) {
  std::vector<Param> params = {{"a", "1"}};
  EXPECT_EQ(FindParam(params, "b"), std::nullopt);
}

// ---------------------------------------------------------------------
// Round trip over random text

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Escapes every byte except letters and digits, as a strict client would.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xF];
    }
  }
  return encoded;
}

TEST(ParseTarget, DecodingUndoesEncodingForRandomText) {
  constexpr std::uint32_t kSeed = 20240501;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937 random(kSeed);
  // ASCII, Latin, CJK and emoji, skipping the surrogate range.
  std::uniform_int_distribution<int> plane(0, 3);
  std::uniform_int_distribution<int> length(0, 12);
  const char32_t kLow[] = {0x20, 0xA0, 0x4E00, 0x1F300};
  const char32_t kHigh[] = {0x7E, 0x7FF, 0x9FFF, 0x1F5FF};

  for (int round = 0; round < 500; ++round) {
    std::string text;
    for (int i = length(random); i > 0; --i) {
      int p = plane(random);
      std::uniform_int_distribution<std::uint32_t> pick(kLow[p], kHigh[p]);
      AppendUtf8(text, pick(random));
    }
    SCOPED_TRACE("round " + std::to_string(round) + ": " + text);
    Target target =
        Parse("/t/" + PercentEncode(text) + "?q=" + PercentEncode(text));
    EXPECT_EQ(target.path, "/t/" + text);
    ASSERT_EQ(target.segments.size(), 2u);
    EXPECT_EQ(target.segments[1], text);
    EXPECT_EQ(FindParam(target.query, "q"), text);
  }
}

}  // namespace
}  // namespace taskstore::http
