#include "eventlog/event_log.h"

#include <gtest/gtest.h>

#include "eventlog/memory_file_system.h"
#include "eventlog/record_format.h"
#include "eventlog/segment_reader.h"
#include "tests/test_support.h"

namespace taskstore::eventlog {
namespace {

using domain::Event;
using domain::TaskCreated;
using domain::TaskSoftDeleted;

constexpr char kDir[] = "/data";

class EventLogTest : public testing::Test {
 protected:
  // Opens the log, collecting the replayed events into replayed_.
  Status Open(LogOptions options = {}) {
    log_.reset();
    replayed_.clear();
    Result<std::unique_ptr<EventLog>> log =
        EventLog::Open(fs_, kDir, options, logger_, [this](const Event& event) {
          replayed_.push_back(event);
          return Status::Ok();
        });
    if (!log.ok()) return log.status();
    log_ = std::move(log).value();
    return Status::Ok();
  }

  // Appends the creation of a task whose id equals the sequence number.
  Status Append(std::string title) {
    domain::Sequence next = log_->last_sequence() + 1;
    Event event{next, 10, TaskCreated{next, std::move(title), "", 1}};
    return log_->Append(std::span(&event, 1));
  }

  std::string Segment(domain::Sequence first) {
    return JoinPath(kDir, SegmentName(first));
  }
  std::string Read(const std::string& path) { return *fs_.ReadFile(path); }

  std::vector<std::string> ReplayedTitles() {
    std::vector<std::string> titles;
    for (const Event& event : replayed_) {
      titles.push_back(std::get<TaskCreated>(event.data).title);
    }
    return titles;
  }

  MemoryFileSystem fs_;
  testing_support::RecordingLogger logger_;
  std::unique_ptr<EventLog> log_;
  std::vector<Event> replayed_;
};

TEST_F(EventLogTest, NewLogIsEmptyAndHasOneSegment) {
  ASSERT_TRUE(Open().ok());
  EXPECT_TRUE(replayed_.empty());
  EXPECT_EQ(Read(Segment(1)).size(), kFileHeaderSize);
}

TEST_F(EventLogTest, AppendedEventsReplayInOrder) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("a").ok());
  ASSERT_TRUE(Append("b").ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(Append("c").ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(EventLogTest, SyncedEventsSurviveAPowerCut) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("durable").ok());
  fs_.CrashAndLoseUnsynced();
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"durable"}));
}

TEST_F(EventLogTest, RollsToANewSegmentAtTheSizeLimit) {
  LogOptions small;
  small.segment_bytes = 200;
  ASSERT_TRUE(Open(small).ok());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(Append(std::string(40, 'a' + i)).ok());
  std::vector<std::string> names = *fs_.List(kDir);
  EXPECT_GT(names.size(), 3u);
  ASSERT_TRUE(Open(small).ok());
  EXPECT_EQ(replayed_.size(), 10u);
  EXPECT_EQ(replayed_.back().sequence, 10u);
}

TEST_F(EventLogTest, TornTailIsCutOffWithAWarningNamingFileAndOffset) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("kept").ok());
  std::string content = Read(Segment(1));
  std::size_t tail_at = content.size();
  ASSERT_TRUE(Append("torn").ok());
  log_.reset();
  fs_.SetContent(Segment(1), Read(Segment(1)).substr(0, tail_at + 5));

  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"kept"}));
  EXPECT_EQ(Read(Segment(1)).size(), tail_at);
  ASSERT_EQ(logger_.warnings().size(), 1u);
  EXPECT_NE(logger_.warnings()[0].find(Segment(1) + " at offset " +
                                       std::to_string(tail_at)),
            std::string::npos)
      << logger_.warnings()[0];

  ASSERT_TRUE(Append("after").ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"kept", "after"}));
}

TEST_F(EventLogTest, ReaderBesideAWriterLeavesATornTailAlone) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("kept").ok());
  std::string torn = Read(Segment(1)) + "\x01\x02";
  fs_.SetContent(Segment(1), torn);
  Result<domain::Sequence> last =
      ReadLog(fs_, kDir, TailPolicy::kLeaveBe, logger_,
              [](const Event&) { return Status::Ok(); });
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 1u);
  EXPECT_EQ(Read(Segment(1)), torn);
}

TEST_F(EventLogTest, UnsyncedModeLosesAppendsOnACrash) {
  LogOptions unsynced;
  unsynced.sync = SyncMode::kNone;
  ASSERT_TRUE(Open(unsynced).ok());
  ASSERT_TRUE(Append("not yet durable").ok());
  fs_.CrashAndLoseUnsynced();
  std::unique_ptr<EventLog> crashed = std::move(log_);  // no close yet
  ASSERT_TRUE(Open().ok());
  EXPECT_TRUE(replayed_.empty());
}

TEST_F(EventLogTest, ClosingSyncsWhatIsPending) {
  LogOptions unsynced;
  unsynced.sync = SyncMode::kNone;
  ASSERT_TRUE(Open(unsynced).ok());
  ASSERT_TRUE(Append("made durable at close").ok());
  log_.reset();
  fs_.CrashAndLoseUnsynced();
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(),
            (std::vector<std::string>{"made durable at close"}));
}

TEST_F(EventLogTest, SyncMakesUnsyncedAppendsDurableAndReportsAFailure) {
  LogOptions unsynced;
  unsynced.sync = SyncMode::kNone;
  ASSERT_TRUE(Open(unsynced).ok());
  ASSERT_TRUE(Append("synced on demand").ok());
  ASSERT_TRUE(log_->Sync().ok());
  fs_.CrashAndLoseUnsynced();
  std::unique_ptr<EventLog> crashed = std::move(log_);
  ASSERT_TRUE(Open(unsynced).ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"synced on demand"}));

  ASSERT_TRUE(Append("not durable").ok());
  fs_.FailSyncs(true);
  EXPECT_EQ(log_->Sync().code(), StatusCode::kUnavailable);
}

TEST_F(EventLogTest, RecordShapedTextInATornRecordDoesNotStopRecovery) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("kept").ok());
  std::size_t torn_at = Read(Segment(1)).size();
  // A client may send text that contains a whole, checksummed frame.
  domain::Sequence next = log_->last_sequence() + 1;
  Event event{next, 10,
              TaskCreated{next, "t", FrameRecord("payload-shaped text"), 1}};
  ASSERT_TRUE(log_->Append(std::span(&event, 1)).ok());
  log_.reset();
  std::string content = Read(Segment(1));
  fs_.SetContent(Segment(1), content.substr(0, content.size() - 3));

  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(), (std::vector<std::string>{"kept"}));
  EXPECT_EQ(Read(Segment(1)).size(), torn_at);
}

// ---- Damage that must stop the start ----

TEST_F(EventLogTest, DamageFollowedByValidRecordsRefusesToOpen) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("first").ok());
  std::size_t second_at = Read(Segment(1)).size();
  ASSERT_TRUE(Append("second").ok());
  ASSERT_TRUE(Append("third").ok());
  log_.reset();
  std::string content = Read(Segment(1));
  content[second_at + kRecordHeaderSize + 3] ^= 0x01;
  fs_.SetContent(Segment(1), content);

  Status opened = Open();
  EXPECT_EQ(opened.code(), StatusCode::kCorruption);
  EXPECT_NE(opened.message().find(Segment(1) + " at offset " +
                                  std::to_string(second_at) + " (sequence 2)"),
            std::string::npos)
      << opened.message();
  EXPECT_EQ(Read(Segment(1)), content);  // nothing was cut
}

TEST_F(EventLogTest, DamagedRecordInAnOlderSegmentRefusesToOpen) {
  LogOptions small;
  small.segment_bytes = 100;
  ASSERT_TRUE(Open(small).ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Append(std::string(50, 'x')).ok());
  log_.reset();
  std::string first = Read(Segment(1));
  first.back() ^= 0x01;
  fs_.SetContent(Segment(1), first);
  EXPECT_EQ(Open(small).code(), StatusCode::kCorruption);
}

TEST_F(EventLogTest, MissingSegmentIsCorruption) {
  LogOptions small;
  small.segment_bytes = 100;
  ASSERT_TRUE(Open(small).ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Append(std::string(50, 'x')).ok());
  log_.reset();
  ASSERT_TRUE(fs_.Remove(Segment(2)).ok());
  Status opened = Open(small);
  EXPECT_EQ(opened.code(), StatusCode::kCorruption);
  EXPECT_NE(opened.message().find("a segment is missing"), std::string::npos);
}

TEST_F(EventLogTest, DamagedFileHeaderIsCorruption) {
  ASSERT_TRUE(Open().ok());
  log_.reset();
  fs_.SetContent(Segment(1), "NOTALOG!" + std::string(8, '\0'));
  EXPECT_EQ(Open().code(), StatusCode::kCorruption);
}

// ---- Write failures ----

TEST_F(EventLogTest, FailedSyncMakesTheLogReadOnly) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("before").ok());
  fs_.FailSyncs(true);
  Status failed = Append("unsynced");
  EXPECT_EQ(failed.code(), StatusCode::kUnavailable);
  fs_.FailSyncs(false);
  // No retry pretends the lost sync worked.
  EXPECT_EQ(Append("later").code(), StatusCode::kUnavailable);
  EXPECT_FALSE(log_->Health().ok());
}

TEST_F(EventLogTest, ShortWriteIsUndoneAndAppendsResumeWhenSpaceIsBack) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("before").ok());
  std::size_t size = Read(Segment(1)).size();
  fs_.FailWritesAfter(5);
  EXPECT_EQ(Append("no room").code(), StatusCode::kNoSpace);
  EXPECT_EQ(Read(Segment(1)).size(), size);
  fs_.FailWritesAfter(std::nullopt);
  ASSERT_TRUE(Append("room again").ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(ReplayedTitles(),
            (std::vector<std::string>{"before", "room again"}));
  EXPECT_EQ(replayed_.back().sequence, 2u);
}

// ---- Statistics ----

// The bytes of every segment file in the directory.
std::uint64_t SegmentBytesOnDisk(MemoryFileSystem& fs) {
  std::uint64_t bytes = 0;
  Result<std::vector<std::string>> names = fs.List(kDir);
  for (const std::string& name : *names) {
    bytes += fs.ReadFile(JoinPath(kDir, name))->size();
  }
  return bytes;
}

TEST_F(EventLogTest, StatisticsCountAppendsBytesAndSyncs) {
  ASSERT_TRUE(Open().ok());
  EXPECT_EQ(log_->statistics().Figures().log_bytes, kFileHeaderSize);
  ASSERT_TRUE(Append("one").ok());
  ASSERT_TRUE(Append("two").ok());

  LogFigures figures = log_->statistics().Figures();
  EXPECT_EQ(figures.events_appended, 2u);
  EXPECT_EQ(figures.log_bytes, SegmentBytesOnDisk(fs_));
  EXPECT_EQ(figures.sync_latency.count, 2u);
}

TEST_F(EventLogTest, StatisticsStartFromTheBytesAlreadyOnDisk) {
  LogOptions small;
  small.segment_bytes = 64;
  ASSERT_TRUE(Open(small).ok());
  for (const char* title : {"a", "b", "c", "d"})
    ASSERT_TRUE(Append(title).ok());

  ASSERT_TRUE(Open(small).ok());
  LogFigures figures = log_->statistics().Figures();
  EXPECT_EQ(figures.events_appended, 0u);
  EXPECT_EQ(figures.log_bytes, SegmentBytesOnDisk(fs_));
  EXPECT_GT(fs_.List(kDir)->size(), 1u);
}

TEST_F(EventLogTest, StatisticsLeaveOutAWriteThatWasUndone) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(Append("before").ok());
  fs_.FailWritesAfter(5);
  EXPECT_FALSE(Append("no room").ok());
  LogFigures figures = log_->statistics().Figures();
  EXPECT_EQ(figures.events_appended, 1u);
  EXPECT_EQ(figures.log_bytes, SegmentBytesOnDisk(fs_));
}

}  // namespace
}  // namespace taskstore::eventlog
