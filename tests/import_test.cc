// Tests of app::ReadImportFile: which lines of a JSON Lines file become
// tasks, which are reported as problems, and under which line numbers.
#include "app/import.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace taskstore::app {
namespace {

using Strings = std::vector<std::string>;
using Lines = std::vector<std::size_t>;

constexpr char kRedisCommits[] = TASKSTORE_SHARED_DATA "/redis-commits.jsonl";

// The plan of `text`, read as a whole file.
ImportPlan Read(const std::string& text) {
  std::istringstream input(text);
  return ReadImportFile(input);
}

// `piece` written `count` times.
std::string Repeat(const std::string& piece, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += piece;
  return text;
}

// One line holding an object with only `title`. `title` must need no JSON
// escaping.
std::string TitleLine(const std::string& title) {
  return "{\"title\": \"" + title + "\"}\n";
}

// Passes when `reason` contains `word`.
testing::AssertionResult Mentions(const std::string& reason,
                                  const std::string& word) {
  if (reason.find(word) != std::string::npos) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure()
         << "reason \"" << reason << "\" does not mention \"" << word << "\"";
}

std::vector<std::string> TitlesOf(const ImportPlan& plan) {
  std::vector<std::string> titles;
  for (const domain::CreateTask& task : plan.tasks) {
    titles.push_back(task.title);
  }
  return titles;
}

std::vector<std::size_t> ProblemLinesOf(const ImportPlan& plan) {
  std::vector<std::size_t> lines;
  for (const ImportProblem& problem : plan.problems) {
    lines.push_back(problem.line);
  }
  return lines;
}

TEST(ReadImportFile, EmptyInputHasNoTasksAndNoProblems) {
  ImportPlan plan = Read("");

  EXPECT_TRUE(plan.tasks.empty());
  EXPECT_TRUE(plan.problems.empty());
}

TEST(ReadImportFile, ReadsValidLinesInFileOrder) {
  ImportPlan plan = Read(
      "{\"title\": \"first\", \"description\": \"one\", "
      "\"created\": \"2009-03-22T10:30:00Z\"}\n"
      "{\"title\": \"second\"}\n"
      "{\"title\": \"third\", \"description\": \"three\"}\n");

  ASSERT_TRUE(plan.problems.empty());
  ASSERT_EQ(plan.tasks.size(), 3u);
  EXPECT_EQ(plan.tasks[0].title, "first");
  EXPECT_EQ(plan.tasks[0].description, "one");
  EXPECT_EQ(plan.tasks[0].created_at, 1237717800000000);
  EXPECT_EQ(plan.tasks[1].title, "second");
  EXPECT_EQ(plan.tasks[1].description, "");
  EXPECT_EQ(plan.tasks[1].created_at, std::nullopt);
  EXPECT_EQ(plan.tasks[2].title, "third");
  EXPECT_EQ(plan.tasks[2].description, "three");
}

TEST(ReadImportFile, ReadsALastLineWithoutNewline) {
  ImportPlan plan = Read("{\"title\": \"a\"}\n{\"title\": \"b\"}");

  EXPECT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({"a", "b"}));
}

TEST(ReadImportFile, AcceptsAFileThatStartsWithAByteOrderMark) {
  ImportPlan plan = Read("\xEF\xBB\xBF{\"title\": \"first\"}\n"
                         "{\"title\": \"second\"}\n");
  EXPECT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({"first", "second"}));
}

TEST(ReadImportFile, AcceptsWindowsLineEndings) {
  ImportPlan plan = Read("{\"title\": \"a\"}\r\n\r\n{\"title\": \"b\"}\r\n");

  EXPECT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({"a", "b"}));
}

TEST(ReadImportFile, SkipsBlankLinesWithoutReportingThem) {
  ImportPlan plan =
      Read("\n   \n{\"title\": \"a\"}\n\t\n\n{\"title\": \"b\"}\n");

  EXPECT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({"a", "b"}));
}

TEST(ReadImportFile, NumbersProblemsByFileLineCountingBlankLines) {
  ImportPlan plan = Read(
      "{\"title\": \"ok\"}\n"  // 1
      "\n"                     // 2
      "{\"title\": 7}\n"       // 3
      "   \n"                  // 4
      "{\"title\": \"ok\"}\n"  // 5
      "not json\n"             // 6
      "\n"                     // 7
      "{}\n");                 // 8

  EXPECT_EQ(ProblemLinesOf(plan), Lines({3, 6, 8}));
  EXPECT_EQ(plan.tasks.size(), 2u);
}

TEST(ReadImportFile, KeepsValidLinesBesideInvalidOnes) {
  ImportPlan plan = Read(TitleLine("keep me") + "[]\n" + TitleLine("me too"));

  EXPECT_EQ(TitlesOf(plan), Strings({"keep me", "me too"}));
  EXPECT_EQ(ProblemLinesOf(plan), Lines({2}));
}

TEST(ReadImportFile, IgnoresUnknownKeys) {
  ImportPlan plan = Read(
      "{\"title\": \"t\", \"priority\": 3, \"tags\": [\"a\"], "
      "\"owner\": {\"name\": \"x\"}, \"completed\": true}\n");

  EXPECT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({"t"}));
}

TEST(ReadImportFile, TreatsNullDescriptionAsEmpty) {
  ImportPlan plan = Read("{\"title\": \"t\", \"description\": null}\n");

  ASSERT_TRUE(plan.problems.empty());
  ASSERT_EQ(plan.tasks.size(), 1u);
  EXPECT_EQ(plan.tasks[0].description, "");
}

TEST(ReadImportFile, TrimsWhiteSpaceAroundTitles) {
  ImportPlan plan = Read(TitleLine("  \\t padded title \\u00a0 "));

  ASSERT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({"padded title"}));
}

TEST(ReadImportFile, CountsTitleLengthInCodePointsNotBytes) {
  struct Case {
    std::string name;
    std::string character;  // one code point, 1 to 4 bytes of UTF-8
  };
  const Case cases[] = {
      {"ASCII", "a"},
      {"two-byte", "\xC3\xBC"},           // ü
      {"three-byte", "\xE2\x82\xAC"},     // €
      {"four-byte", "\xF0\x9F\x90\xB1"},  // 🐱
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string at_limit = Repeat(c.character, domain::kMaxTitleCodePoints);
    std::string over_limit = at_limit + c.character;

    ImportPlan plan = Read(TitleLine(at_limit) + TitleLine(over_limit));

    EXPECT_EQ(TitlesOf(plan), Strings({at_limit}));
    ASSERT_EQ(plan.problems.size(), 1u);
    EXPECT_EQ(plan.problems[0].line, 2u);
    EXPECT_TRUE(Mentions(plan.problems[0].reason, "101"));
  }
}

TEST(ReadImportFile, MeasuresTitleLengthAfterTrimming) {
  std::string title = Repeat("\xC3\xA9", domain::kMaxTitleCodePoints);

  ImportPlan plan = Read(TitleLine("   " + title + "   "));

  EXPECT_TRUE(plan.problems.empty());
  EXPECT_EQ(TitlesOf(plan), Strings({title}));
}

TEST(ReadImportFile, ConvertsCreatedTimesToUtcMicroseconds) {
  struct Case {
    std::string created;
    UnixMicros expected;
  };
  const Case cases[] = {
      {"2009-03-22T10:30:00Z", 1237717800000000},
      {"2009-03-22T10:30:00+01:00", 1237714200000000},
      {"2009-03-22T05:30:00-04:00", 1237714200000000},
      {"2024-05-01T09:30:00.25-02:30", 1714564800250000},
      {"1969-12-31T23:59:59Z", -1000000},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.created);

    ImportPlan plan =
        Read("{\"title\": \"t\", \"created\": \"" + c.created + "\"}\n");

    ASSERT_TRUE(plan.problems.empty());
    ASSERT_EQ(plan.tasks.size(), 1u);
    EXPECT_EQ(plan.tasks[0].created_at, c.expected);
  }
}

TEST(ReadImportFile, LeavesCreatedUnsetWhenNull) {
  ImportPlan plan = Read("{\"title\": \"t\", \"created\": null}\n");

  ASSERT_EQ(plan.tasks.size(), 1u);
  EXPECT_EQ(plan.tasks[0].created_at, std::nullopt);
}

// ---------------------------------------------------------------------------
// Invalid lines

TEST(ReadImportFile, ReportsEachKindOfInvalidLine) {
  struct Case {
    std::string name;
    std::string line;
    std::string reason_mentions;  // a word the reason must contain
  };
  const Case cases[] = {
      {"invalid JSON", "{\"title\": \"t\"", "JSON"},
      {"plain text", "buy milk", "JSON"},
      {"an array", "[\"buy milk\"]", "object"},
      {"a string", "\"buy milk\"", "object"},
      {"a number", "42", "object"},
      {"null", "null", "object"},
      {"missing title", "{\"description\": \"d\"}", "title"},
      {"numeric title", "{\"title\": 42}", "title"},
      {"null title", "{\"title\": null}", "title"},
      {"array title", "{\"title\": [\"t\"]}", "title"},
      {"empty title", "{\"title\": \"\"}", "title"},
      {"blank title", "{\"title\": \" \\t \"}", "title"},
      {"control character in title", "{\"title\": \"a\\u0007b\"}", "title"},
      {"numeric description", "{\"title\": \"t\", \"description\": 1}",
       "description"},
      {"object description", "{\"title\": \"t\", \"description\": {}}",
       "description"},
      {"created is not a time", "{\"title\": \"t\", \"created\": \"soon\"}",
       "created"},
      {"created without offset",
       "{\"title\": \"t\", \"created\": \"2024-05-01T09:30:00\"}", "created"},
      {"created on no such day",
       "{\"title\": \"t\", \"created\": \"2023-02-29T09:30:00Z\"}", "created"},
      {"created as a number", "{\"title\": \"t\", \"created\": 1700000000}",
       "created"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);

    ImportPlan plan = Read(TitleLine("fine") + c.line + "\n");

    EXPECT_EQ(TitlesOf(plan), Strings({"fine"}));
    ASSERT_EQ(plan.problems.size(), 1u);
    EXPECT_EQ(plan.problems[0].line, 2u);
    EXPECT_TRUE(Mentions(plan.problems[0].reason, c.reason_mentions));
  }
}

TEST(ReadImportFile, RejectsInvalidUtf8) {
  const std::string lines[] = {
      "{\"title\": \"caf\xC3\"}",   // cut-off sequence
      "{\"title\": \"\xFF\xFE\"}",  // bytes never in UTF-8
      "{\"title\": \"\xC0\xAF\"}",  // overlong '/'
      "{\"title\": \"t\", \"description\": \"\xED\xA0\x80\"}",  // surrogate
  };
  for (const std::string& line : lines) {
    SCOPED_TRACE(line);

    ImportPlan plan = Read(line + "\n");

    EXPECT_TRUE(plan.tasks.empty());
    EXPECT_EQ(ProblemLinesOf(plan), Lines({1}));
  }
}

TEST(ReadImportFile, RejectsTooLongDescription) {
  std::string description(domain::kMaxDescriptionBytes + 1, 'd');

  ImportPlan plan =
      Read("{\"title\": \"t\", \"description\": \"" + description + "\"}\n");

  EXPECT_TRUE(plan.tasks.empty());
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_TRUE(Mentions(plan.problems[0].reason, "description"));
}

// ---------------------------------------------------------------------------
// The shared data set

TEST(ReadImportFile, ReadsTheRedisCommitsDataSet) {
  std::ifstream input(kRedisCommits, std::ios::binary);
  ASSERT_TRUE(input) << "cannot open " << kRedisCommits;

  ImportPlan plan = ReadImportFile(input);

  EXPECT_EQ(plan.tasks.size(), 10356u);
  ASSERT_EQ(plan.problems.size(), 483u);
  for (std::size_t i = 0; i < plan.problems.size(); ++i) {
    SCOPED_TRACE("problem on line " + std::to_string(plan.problems[i].line));
    EXPECT_TRUE(Mentions(plan.problems[i].reason, "title"));
    if (i > 0) {
      EXPECT_GT(plan.problems[i].line, plan.problems[i - 1].line);
    }
    EXPECT_LE(plan.problems[i].line, 10839u);
  }
  ASSERT_FALSE(plan.tasks.empty());
  EXPECT_EQ(plan.tasks[0].title, "first commit");
  EXPECT_EQ(plan.tasks[0].created_at, 1237714200000000);
}

}  // namespace
}  // namespace taskstore::app
