#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "app/open_store.h"
#include "eventlog/crc32c.h"
#include "eventlog/memory_file_system.h"
#include "eventlog/record_format.h"
#include "eventlog/segment_reader.h"
#include "snapshots/snapshot_codec.h"
#include "snapshots/snapshot_format.h"
#include "snapshots/snapshot_store.h"
#include "tests/test_support.h"

namespace taskstore {
namespace {

using snapshots::EncodeSnapshot;
using snapshots::SnapshotName;

constexpr char kDir[] = "/data";

// A data directory on an in-memory file system, opened the way `serve`
// opens it.
class SnapshotTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Reopen().ok()); }

  Status Reopen(bool use_snapshots = true) {
    opened_.reset();
    app::OpenOptions options;
    options.clock = testing_support::SteppingClock();
    options.use_snapshots = use_snapshots;
    Result<app::OpenStore> opened =
        app::OpenDataDirectory(fs_, kDir, options, logger_);
    if (!opened.ok()) return opened.status();
    opened_ = std::make_unique<app::OpenStore>(std::move(opened).value());
    return Status::Ok();
  }

  domain::TaskStore& store() { return *opened_->store; }

  void CreateTasks(int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(store().Create({"task " + std::to_string(i), "d", {}}).ok());
    }
  }

  std::string TakeSnapshot() {
    Result<std::string> name =
        snapshots::WriteSnapshot(fs_, kDir, store().StateCopy(), 3, logger_);
    EXPECT_TRUE(name.ok()) << name.status().ToString();
    return name.ok() ? *name : "";
  }

  // The state in one canonical serialization.
  std::string Canonical() { return EncodeSnapshot(store().StateCopy()); }

  std::string Path(const std::string& name) {
    return std::string(kDir) + "/" + name;
  }

  bool Warned(const std::string& part) {
    for (const std::string& warning : logger_.warnings()) {
      if (warning.find(part) != std::string::npos) return true;
    }
    return false;
  }

  eventlog::MemoryFileSystem fs_;
  testing_support::RecordingLogger logger_;
  std::unique_ptr<app::OpenStore> opened_;
};

TEST_F(SnapshotTest, CodecRoundTripsTheWholeState) {
  CreateTasks(5);
  ASSERT_TRUE(store().SoftDelete({2}).ok());
  domain::Projection state = store().StateCopy();
  Result<snapshots::DecodedSnapshot> decoded =
      snapshots::DecodeSnapshot(EncodeSnapshot(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->state, state);
  EXPECT_EQ(decoded->header.last_sequence, state.last_sequence());
}

TEST_F(SnapshotTest, StartUpLoadsTheSnapshotAndReplaysOnlyTheTail) {
  CreateTasks(10);
  TakeSnapshot();
  CreateTasks(3);
  ASSERT_TRUE(store().SoftDelete({4}).ok());
  std::string before = Canonical();
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(opened_->snapshot_sequence, 10u);
  EXPECT_EQ(Canonical(), before);
}

TEST_F(SnapshotTest, RemovingEverySnapshotChangesNothing) {
  CreateTasks(4);
  std::string name = TakeSnapshot();
  CreateTasks(2);
  std::string before = Canonical();
  opened_.reset();
  ASSERT_TRUE(fs_.Remove(Path(name)).ok());
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(opened_->snapshot_sequence, 0u);
  EXPECT_EQ(Canonical(), before);
}

TEST_F(SnapshotTest, KeepsOnlyTheNewestK) {
  for (int i = 0; i < 5; ++i) {
    CreateTasks(1);
    TakeSnapshot();
  }
  Result<std::vector<snapshots::SnapshotFile>> kept =
      snapshots::ListSnapshots(fs_, kDir);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 3u);
  EXPECT_EQ(kept->front().last_sequence, 5u);
}

// ---- Snapshots that must be skipped ----

class DamagedSnapshotTest : public SnapshotTest {
 protected:
  // Two snapshots (at 3 and 6 events) and two more events; returns the
  // name of the newer one, which the test then damages.
  std::string Prepare() {
    CreateTasks(3);
    TakeSnapshot();
    CreateTasks(3);
    std::string newer = TakeSnapshot();
    CreateTasks(2);
    expected_ = Canonical();
    opened_.reset();
    return newer;
  }

  void ExpectFallbackWithWarning(const std::string& name,
                                 domain::Sequence used) {
    ASSERT_TRUE(Reopen().ok());
    EXPECT_EQ(opened_->snapshot_sequence, used);
    EXPECT_EQ(Canonical(), expected_);
    EXPECT_TRUE(Warned("skipping snapshot " + Path(name)));
  }

  std::string expected_;
};

TEST_F(DamagedSnapshotTest, FlippedBodyBitFallsBackToTheOlderSnapshot) {
  std::string name = Prepare();
  std::string bytes = *fs_.ReadFile(Path(name));
  bytes[snapshots::kHeaderSize + 10] ^= 0x04;
  fs_.SetContent(Path(name), bytes);
  ExpectFallbackWithWarning(name, 3);
}

TEST_F(DamagedSnapshotTest, TruncatedSnapshotIsSkipped) {
  std::string name = Prepare();
  fs_.SetContent(Path(name), fs_.ReadFile(Path(name))->substr(0, 30));
  ExpectFallbackWithWarning(name, 3);
}

TEST_F(DamagedSnapshotTest, FutureFormatVersionIsSkipped) {
  std::string name = Prepare();
  std::string bytes = *fs_.ReadFile(Path(name));
  bytes[snapshots::kVersionOffset] = 9;
  fs_.SetContent(Path(name), bytes);
  ExpectFallbackWithWarning(name, 3);
}

TEST_F(DamagedSnapshotTest, Version1SnapshotIsSkippedAndTheLogReplayed) {
  std::string name = Prepare();
  // A header as the first release wrote it, with a valid checksum.
  std::string bytes = *fs_.ReadFile(Path(name));
  bytes[snapshots::kVersionOffset] = 1;
  std::string header = bytes.substr(0, snapshots::kHeaderCrcOffset);
  std::uint32_t crc = eventlog::MaskCrc(eventlog::Crc32c(header));
  for (int i = 0; i < 4; ++i) {
    bytes[snapshots::kHeaderCrcOffset + i] = static_cast<char>(crc >> (8 * i));
  }
  fs_.SetContent(Path(name), bytes);
  ExpectFallbackWithWarning(name, 3);
  EXPECT_TRUE(
      Warned("snapshot format version 1 is not the one this build "
             "reads"));
}

TEST_F(SnapshotTest, SnapshotAfterAPurgeHoldsNoTraceOfTheText) {
  ASSERT_TRUE(store().Create({"Zebra secret", "Quagga notes", {}}).ok());
  ASSERT_TRUE(store().Update({1, "Okapi secret", {}, true}).ok());
  ASSERT_TRUE(store().SoftDelete({1}).ok());
  ASSERT_TRUE(store().Purge({1}).ok());
  std::string name = TakeSnapshot();
  std::string bytes = *fs_.ReadFile(Path(name));
  for (std::string_view secret : {"Zebra", "Quagga", "Okapi", "zebra"}) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
  std::string before = Canonical();
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(opened_->snapshot_sequence, 5u);
  EXPECT_EQ(Canonical(), before);
  EXPECT_EQ(store().History(1)->size(), 5u);
}

TEST_F(DamagedSnapshotTest, SnapshotAheadOfTheLogIsSkipped) {
  std::string name = Prepare();
  // A snapshot claiming more events than the log holds (say, a log restored
  // from an older backup).
  std::string bytes = *fs_.ReadFile(Path(name));
  ASSERT_TRUE(fs_.Remove(Path(name)).ok());
  fs_.SetContent(Path(SnapshotName(100)), bytes);
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(Canonical(), expected_);
  EXPECT_TRUE(Warned("skipping snapshot " + Path(SnapshotName(100))));
}

TEST_F(DamagedSnapshotTest, SnapshotOfAnotherHistoryIsSetAside) {
  std::string name = Prepare();  // snapshot at 6, log at 8
  // Cut the log back to 5 events, as recovery or repair may, then let it
  // grow again with other events: the snapshot at 6 no longer describes it.
  std::string segment = Path(eventlog::SegmentName(1));
  std::string log = *fs_.ReadFile(segment);
  ASSERT_TRUE(Reopen(/*use_snapshots=*/false).ok());
  opened_.reset();
  std::vector<std::size_t> ends;
  {
    eventlog::SegmentReader reader(log);
    for (auto step = reader.Next();
         step.kind == eventlog::ReadStep::Kind::kRecord; step = reader.Next()) {
      ends.push_back(step.offset + eventlog::kRecordHeaderSize +
                     step.payload.size());
    }
  }
  fs_.SetContent(segment, log.substr(0, ends[4]));
  ASSERT_TRUE(Reopen().ok());
  ASSERT_TRUE(store().Create({"a different sixth", "", {}}).ok());
  ASSERT_TRUE(store().Create({"and seventh", "", {}}).ok());
  std::string grown = Canonical();
  opened_.reset();

  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(Canonical(), grown);
  EXPECT_EQ(opened_->snapshot_sequence, 3u);
  EXPECT_TRUE(Warned("set snapshot " + Path(name) + " aside"));
  EXPECT_TRUE(fs_.ReadFile(Path(name) + ".stale").ok());
}

// ---- Crashes while a snapshot is written ----

TEST_F(SnapshotTest, CrashAtAnyPointOfWritingKeepsTheState) {
  CreateTasks(6);
  TakeSnapshot();
  CreateTasks(4);
  std::string expected = Canonical();
  std::size_t size = EncodeSnapshot(store().StateCopy()).size();

  // Fail the write after every possible number of bytes, then lose what
  // was not synced, as a power cut would.
  for (std::size_t budget = 0; budget <= size; budget += 1 + size / 40) {
    SCOPED_TRACE(budget);
    fs_.FailWritesAfter(budget);
    Result<std::string> name =
        snapshots::WriteSnapshot(fs_, kDir, store().StateCopy(), 3, logger_);
    fs_.FailWritesAfter(std::nullopt);
    fs_.CrashAndLoseUnsynced();
    ASSERT_TRUE(Reopen().ok());
    EXPECT_EQ(Canonical(), expected);
  }

  fs_.FailSyncs(true);
  EXPECT_FALSE(
      snapshots::WriteSnapshot(fs_, kDir, store().StateCopy(), 3, logger_)
          .ok());
  fs_.FailSyncs(false);
  fs_.CrashAndLoseUnsynced();
  ASSERT_TRUE(Reopen().ok());
  EXPECT_EQ(Canonical(), expected);
}

// ---- Property ----

RC_GTEST_PROP(SnapshotProperty, SnapshotPlusTailEqualsFullReplay, ()) {
  eventlog::MemoryFileSystem fs;
  NullLogger logger;
  app::OpenOptions options;
  options.clock = testing_support::SteppingClock();
  auto open = [&](bool use_snapshots) {
    options.use_snapshots = use_snapshots;
    Result<app::OpenStore> opened =
        app::OpenDataDirectory(fs, kDir, options, logger);
    RC_ASSERT(opened.ok());
    return std::move(opened).value();
  };

  int events = *rc::gen::inRange(0, 40);
  int snapshot_at = *rc::gen::inRange(0, events + 1);
  {
    app::OpenStore opened = open(true);
    for (int i = 0; i < events; ++i) {
      if (i == snapshot_at) {
        RC_ASSERT(snapshots::WriteSnapshot(fs, kDir, opened.store->StateCopy(),
                                           2, logger)
                      .ok());
      }
      auto visible = opened.store->Search("");
      if (!visible.empty() && *rc::gen::inRange(0, 3) == 0) {
        auto pick = *rc::gen::inRange<std::size_t>(0, visible.size());
        RC_ASSERT(opened.store->SoftDelete({visible[pick].id}).ok());
      } else {
        std::string title = *rc::gen::nonEmpty(
            rc::gen::container<std::string>(rc::gen::inRange('a', 'z')));
        RC_ASSERT(opened.store->Create({title, "", {}}).ok());
      }
    }
  }

  std::string from_snapshot = EncodeSnapshot(open(true).store->StateCopy());
  std::string full_replay = EncodeSnapshot(open(false).store->StateCopy());
  RC_ASSERT(from_snapshot == full_replay);
}

}  // namespace
}  // namespace taskstore
