// Compaction over the in-memory file system: the generic machinery
// (segment rewrite, snapshot replacement, the COMPACTED record) with a
// rewrite that erases the text of chosen tasks, stopped by a crash or a
// fault at every step. Once a compaction has finished, no file of the
// directory (segment, snapshot, set-aside or temporary) holds the text.
#include "app/compaction.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/compaction_rules.h"
#include "app/open_store.h"
#include "app/snapshot_scheduler.h"
#include "eventlog/event_log.h"
#include "eventlog/memory_file_system.h"
#include "tests/dying_file_system.h"
#include "tests/test_support.h"

namespace taskstore::app {
namespace {

using testing_support::DyingFileSystem;
using testing_support::RecordingLogger;

constexpr char kDirectory[] = "/data";
const std::set<domain::TaskId> kErased = {3, 7};

bool IsErased(domain::TaskId id) { return kErased.contains(id); }

// The test's stand-in for a purge: the creations of tasks 3 and 7 lose
// their text; deleting one of them makes a compaction due.
eventlog::EventRewrite EraseChosenTasks() {
  return [](const domain::Event& event) -> std::optional<domain::Event> {
    const auto* created = std::get_if<domain::TaskCreated>(&event.data);
    if (created == nullptr || !IsErased(created->task_id)) return std::nullopt;
    domain::Event erased = event;
    auto& data = std::get<domain::TaskCreated>(erased.data);
    data.title.clear();
    data.description.clear();
    return erased;
  };
}

CompactionRules TestRules() {
  return CompactionRules{
      .triggers =
          [](const domain::Event& event) {
            return std::holds_alternative<domain::TaskSoftDeleted>(
                       event.data) &&
                   IsErased(domain::TaskIdOf(event.data));
          },
      .make_rewrite = EraseChosenTasks,
  };
}

std::string Title(int id) {
  return (IsErased(id) ? "secret-title-" : "kept-title-") + std::to_string(id);
}

// A store open on a file system, with what compaction needs around it.
struct Opened {
  OpenStore store;
  std::unique_ptr<SnapshotScheduler> snapshots;
  std::unique_ptr<Compactor> compactor;

  domain::TaskStore& tasks() { return *store.store; }
};

class CompactionTest : public ::testing::Test {
 protected:
  // Opens the directory through `file_system`; fails the test when it
  // does not open.
  std::unique_ptr<Opened> Open(eventlog::FileSystem& file_system,
                               CompactionOptions options = {
                                   .in_background = false}) {
    OpenOptions open_options;
    open_options.log.segment_bytes = 400;  // a few events per segment
    open_options.clock = testing_support::SteppingClock();
    Result<OpenStore> store =
        OpenDataDirectory(file_system, kDirectory, open_options, logger_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return nullptr;
    auto opened = std::make_unique<Opened>();
    opened->store = std::move(store).value();
    opened->snapshots = std::make_unique<SnapshotScheduler>(
        file_system, kDirectory, opened->tasks(), logger_,
        SnapshotPolicy{.every_events = 0, .keep = 2},
        opened->store.snapshot_sequence);
    opened->compactor = std::make_unique<Compactor>(
        file_system, kDirectory, *opened->store.log, opened->tasks(),
        *opened->snapshots, logger_, TestRules(), options);
    return opened;
  }

  // Twelve tasks over several segments, deletions of 3, 7 and 10, and a
  // last event of a kept task; two snapshots, the newer of which ends with
  // an event the compaction rewrites (so a crash halfway makes start-up
  // set it aside).
  void Seed(eventlog::MemoryFileSystem& file_system) {
    std::unique_ptr<Opened> opened = Open(file_system);
    ASSERT_TRUE(opened);
    for (int id = 1; id <= 12; ++id) {
      ASSERT_TRUE(opened->tasks()
                      .Create({Title(id), "description of " + Title(id), {}})
                      .ok());
      if (id == 5 || id == 7) {
        ASSERT_TRUE(opened->snapshots->TakeNow().ok());
      }
    }
    for (domain::TaskId id : {3, 7, 10}) {
      ASSERT_TRUE(opened->tasks().SoftDelete({id}).ok());
    }
    ASSERT_TRUE(opened->tasks().Create({"kept-title-13", "", {}}).ok());
  }

  std::vector<domain::Event> EventsOnDisk(eventlog::FileSystem& file_system) {
    std::vector<domain::Event> events;
    Result<domain::Sequence> read = eventlog::ReadLog(
        file_system, kDirectory, eventlog::TailPolicy::kLeaveBe, logger_,
        [&events](const domain::Event& event) {
          events.push_back(event);
          return Status::Ok();
        });
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return events;
  }

  // Every event in `expected` is on disk, in its own or its erased form,
  // and nothing else is.
  void ExpectEachEventOldOrErased(eventlog::FileSystem& file_system,
                                  const std::vector<domain::Event>& expected) {
    std::vector<domain::Event> events = EventsOnDisk(file_system);
    ASSERT_EQ(events.size(), expected.size());
    eventlog::EventRewrite erase = EraseChosenTasks();
    for (std::size_t i = 0; i < events.size(); ++i) {
      std::optional<domain::Event> erased = erase(expected[i]);
      EXPECT_TRUE(events[i] == expected[i] || (erased && events[i] == *erased))
          << "event " << expected[i].sequence << " is half-written";
    }
  }

  // True when some file of the directory holds `text`.
  static bool AnyFileHolds(eventlog::MemoryFileSystem& file_system,
                           std::string_view text, bool segments_only = false) {
    std::vector<std::string> names = *file_system.List(kDirectory);
    for (const std::string& name : names) {
      if (segments_only && !name.starts_with("segment-")) continue;
      std::string content =
          *file_system.ReadFile(eventlog::JoinPath(kDirectory, name));
      if (content.find(text) != std::string::npos) return true;
    }
    return false;
  }

  static std::vector<std::string> Files(eventlog::MemoryFileSystem& fs) {
    return *fs.List(kDirectory);
  }

  RecordingLogger logger_;
};

TEST_F(CompactionTest, ErasesTheChosenTextFromEverySegmentAndKeepsTheRest) {
  eventlog::MemoryFileSystem file_system;
  Seed(file_system);
  std::vector<domain::Event> before = EventsOnDisk(file_system);
  {
    std::unique_ptr<Opened> opened = Open(file_system);
    ASSERT_TRUE(opened->compactor->Due());
    ASSERT_TRUE(opened->compactor->RunNow().ok());
    EXPECT_FALSE(opened->compactor->Due());
  }

  std::vector<domain::Event> after = EventsOnDisk(file_system);
  ASSERT_EQ(after.size(), before.size());
  eventlog::EventRewrite erase = EraseChosenTasks();
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i], erase(before[i]).value_or(before[i]));
  }
  EXPECT_FALSE(AnyFileHolds(file_system, "secret-"));
  EXPECT_TRUE(AnyFileHolds(file_system, "kept-title-12", true));
  EXPECT_TRUE(AnyFileHolds(file_system, "description of kept-title-1", true));

  // One snapshot is left, and nothing temporary.
  int snapshots = 0;
  for (const std::string& name : Files(file_system)) {
    EXPECT_FALSE(name.ends_with(".tmp") || name.ends_with(".stale") ||
                 name.ends_with(".rewrite"))
        << name;
    if (name.ends_with(".tssnap")) ++snapshots;
  }
  EXPECT_EQ(snapshots, 1);
  EXPECT_EQ(ReadCompactedThrough(file_system, kDirectory, logger_),
            before.back().sequence);
  EXPECT_TRUE(Open(file_system));
}

TEST_F(CompactionTest, SegmentsWithNothingToEraseAreNotRewritten) {
  eventlog::MemoryFileSystem file_system;
  Seed(file_system);
  std::map<std::string, std::string> before;
  int with_secrets = 0;
  for (const std::string& name : Files(file_system)) {
    if (!name.starts_with("segment-")) continue;
    before[name] = *file_system.ReadFile(eventlog::JoinPath(kDirectory, name));
    if (before[name].find("secret-") != std::string::npos) ++with_secrets;
  }
  ASSERT_GT(before.size(), 3u);

  std::unique_ptr<Opened> opened = Open(file_system);
  Result<eventlog::RewriteCount> count = opened->store.log->RewriteSegments(
      [](const domain::Event&) { return std::nullopt; });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->segments, 0);
  count = opened->store.log->RewriteSegments(EraseChosenTasks());
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->events, 2);
  EXPECT_EQ(count->segments, with_secrets);
  for (const auto& [name, content] : before) {
    if (content.find("secret-") != std::string::npos) continue;
    EXPECT_EQ(*file_system.ReadFile(eventlog::JoinPath(kDirectory, name)),
              content)
        << name;
  }
}

TEST_F(CompactionTest, AppendsGoOnAfterTheOpenSegmentIsReplaced) {
  eventlog::MemoryFileSystem file_system;
  Seed(file_system);
  std::unique_ptr<Opened> opened = Open(file_system);
  ASSERT_TRUE(opened->compactor->RunNow().ok());
  ASSERT_TRUE(opened->tasks().Create({"kept-after", "", {}}).ok());
  opened.reset();

  std::vector<domain::Event> events = EventsOnDisk(file_system);
  ASSERT_FALSE(events.empty());
  const auto* created = std::get_if<domain::TaskCreated>(&events.back().data);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->title, "kept-after");
}

TEST_F(CompactionTest, ACrashAtEveryStepLeavesEachEventWholeAndLosesNone) {
  int steps = 0;
  for (long budget = 0;; ++budget) {
    SCOPED_TRACE("crash after " + std::to_string(budget) + " operations");
    eventlog::MemoryFileSystem file_system;
    Seed(file_system);
    std::vector<domain::Event> acknowledged = EventsOnDisk(file_system);

    DyingFileSystem dying(file_system);
    bool finished = false;
    {
      std::unique_ptr<Opened> opened = Open(dying);
      ASSERT_TRUE(opened);
      dying.set_budget(budget);
      finished = opened->compactor->RunNow().ok() && !dying.died();
    }
    file_system.CrashAndLoseUnsynced();

    ExpectEachEventOldOrErased(file_system, acknowledged);
    std::unique_ptr<Opened> reopened = Open(file_system);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->tasks().LastSequence(), acknowledged.back().sequence);
    if (finished) {
      EXPECT_FALSE(reopened->compactor->Due());
      EXPECT_FALSE(AnyFileHolds(file_system, "secret-"));
      break;
    }

    // The interrupted compaction is still due, and the next one finishes
    // it: nothing of the erased text is left in the log, and no
    // set-aside or temporary copy survives anywhere.
    ASSERT_TRUE(reopened->compactor->Due());
    ASSERT_TRUE(reopened->compactor->RunNow().ok());
    EXPECT_FALSE(AnyFileHolds(file_system, "secret-"));
    for (const std::string& name : Files(file_system)) {
      EXPECT_FALSE(name.ends_with(".stale") || name.ends_with(".rewrite") ||
                   name.ends_with(".tssnap.tmp"))
          << name;
    }
    ++steps;
    ASSERT_LT(budget, 500) << "the compaction never finished";
  }
  // Several segments, a snapshot and the record: dozens of steps.
  EXPECT_GT(steps, 20);
}

TEST_F(CompactionTest, FailedSyncsLoseNoAcknowledgedEvent) {
  for (long budget = 0;; ++budget) {
    SCOPED_TRACE("syncs fail after " + std::to_string(budget));
    eventlog::MemoryFileSystem file_system;
    Seed(file_system);
    std::vector<domain::Event> acknowledged = EventsOnDisk(file_system);

    DyingFileSystem failing(file_system, DyingFileSystem::Mode::kFailSyncs);
    bool finished = false;
    {
      std::unique_ptr<Opened> opened = Open(failing);
      ASSERT_TRUE(opened);
      failing.set_budget(budget);
      finished = opened->compactor->RunNow().ok() && !failing.died();
      // The disk recovers; whatever the store still accepts is
      // acknowledged and must survive the crash below.
      failing.set_budget(-1);
      Result<domain::Task> more =
          opened->tasks().Create({"kept-after-failure", "", {}});
      if (more.ok()) {
        acknowledged.push_back(
            *opened->tasks()
                 .EventsAfter(acknowledged.back().sequence, 1)
                 .begin());
      } else {
        EXPECT_EQ(more.status().code(), StatusCode::kUnavailable)
            << more.status().ToString();
      }
    }
    file_system.CrashAndLoseUnsynced();

    ExpectEachEventOldOrErased(file_system, acknowledged);
    ASSERT_TRUE(Open(file_system));
    if (finished) break;
    ASSERT_LT(budget, 100) << "the compaction never finished";
  }
}

TEST_F(CompactionTest, FullDiskAtAnyByteLosesNoAcknowledgedEvent) {
  for (std::uint64_t bytes : {0, 1, 20, 100, 400, 700, 1000, 1500, 3000}) {
    SCOPED_TRACE("disk full after " + std::to_string(bytes) + " bytes");
    eventlog::MemoryFileSystem file_system;
    Seed(file_system);
    std::vector<domain::Event> acknowledged = EventsOnDisk(file_system);
    {
      std::unique_ptr<Opened> opened = Open(file_system);
      ASSERT_TRUE(opened);
      file_system.FailWritesAfter(bytes);
      (void)opened->compactor->RunNow();
      file_system.FailWritesAfter(std::nullopt);
      ASSERT_TRUE(opened->tasks().Create({"kept-after-full", "", {}}).ok());
      acknowledged.push_back(
          opened->tasks().EventsAfter(acknowledged.back().sequence, 1).front());
      // Space is back: the next compaction goes through.
      ASSERT_TRUE(opened->compactor->RunNow().ok());
    }
    file_system.CrashAndLoseUnsynced();
    ExpectEachEventOldOrErased(file_system, acknowledged);
    EXPECT_FALSE(AnyFileHolds(file_system, "secret-"));
  }
}

TEST_F(CompactionTest, ConcurrentAppendsDuringCompactionAreAllKept) {
  eventlog::MemoryFileSystem file_system;
  Seed(file_system);
  std::unique_ptr<Opened> opened = Open(file_system);
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(opened->tasks().Create({"kept-live", "", {}}).ok());
    }
    done = true;
  });
  int compactions = 0;
  while (!done || compactions == 0) {
    ASSERT_TRUE(opened->compactor->RunNow().ok());
    ++compactions;
  }
  writer.join();
  domain::Sequence last = opened->tasks().LastSequence();
  std::vector<domain::Event> live = opened->tasks().EventsAfter(0, last);
  opened.reset();

  file_system.CrashAndLoseUnsynced();
  ExpectEachEventOldOrErased(file_system, live);
  EXPECT_FALSE(AnyFileHolds(file_system, "secret-"));
}

TEST_F(CompactionTest, BackgroundCompactionFollowsATriggeringCommit) {
  eventlog::MemoryFileSystem file_system;
  {
    std::unique_ptr<Opened> opened = Open(file_system, {.in_background = true});
    ASSERT_TRUE(opened);
    opened->tasks().SetCommitObserver([&opened](domain::Sequence last) {
      opened->compactor->OnCommitted(last);
    });
    for (int id = 1; id <= 8; ++id) {
      ASSERT_TRUE(opened->tasks().Create({Title(id), "", {}}).ok());
    }
    ASSERT_TRUE(opened->tasks().SoftDelete({3}).ok());
    // Waits for the background compaction to record itself.
    for (int i = 0; i < 500; ++i) {
      if (ReadCompactedThrough(file_system, kDirectory, logger_) >= 9) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_EQ(ReadCompactedThrough(file_system, kDirectory, logger_), 9u);
  EXPECT_FALSE(AnyFileHolds(file_system, "secret-title-3", true));
  EXPECT_TRUE(AnyFileHolds(file_system, "kept-title-8", true));
}

TEST_F(CompactionTest, UnreadableRecordCountsAsNoCompaction) {
  eventlog::MemoryFileSystem file_system;
  EXPECT_EQ(ReadCompactedThrough(file_system, kDirectory, logger_), 0u);
  ASSERT_TRUE(WriteCompactedThrough(file_system, kDirectory, 42).ok());
  EXPECT_EQ(ReadCompactedThrough(file_system, kDirectory, logger_), 42u);
  EXPECT_TRUE(logger_.warnings().empty());

  for (const char* bad : {"", "compacted through \n", "compacted through 4x\n",
                          "compacted through 42"}) {
    file_system.SetContent("/data/COMPACTED", bad);
    EXPECT_EQ(ReadCompactedThrough(file_system, kDirectory, logger_), 0u)
        << bad;
  }
  EXPECT_EQ(logger_.warnings().size(), 4u);
}

// ---------------------------------------------------------------------
// The rules of this store's domain

TEST(PurgeCompactionRulesTest, ErasesEveryEventOfAPurgedTaskAndNoOther) {
  eventlog::EventRewrite rewrite = EraseEventsOf({2});
  domain::Event created(5, 100, domain::TaskCreated{2, "title", "text", 90});
  domain::Event edited(6, 101, domain::TaskEdited{2, "new title", {}});
  domain::Event deleted(7, 102, domain::TaskSoftDeleted{2});
  domain::Event other(8, 103, domain::TaskCreated{3, "kept", "kept", 95});

  EXPECT_EQ(rewrite(created), domain::ErasedForm(created));
  EXPECT_EQ(std::get<domain::TaskCreated>(rewrite(created)->data).title, "");
  EXPECT_EQ(rewrite(edited), domain::ErasedForm(edited));
  EXPECT_EQ(rewrite(deleted).value_or(other), deleted);  // nothing to erase
  EXPECT_FALSE(rewrite(other));
}

TEST(PurgeCompactionRulesTest, OnlyAPurgeTriggersACompaction) {
  testing_support::RecordingLogger logger;
  class NoJournal final : public domain::Journal {
    Status Append(std::span<const domain::Event>) override {
      return Status::Ok();
    }
  } journal;
  domain::TaskStore store(domain::Projection(), journal,
                          testing_support::SteppingClock());
  CompactionRules rules = PurgeCompactionRules(store);
  EXPECT_TRUE(rules.triggers(domain::Event(1, 0, domain::TaskPurged{1})));
  EXPECT_FALSE(rules.triggers(domain::Event(1, 0, domain::TaskSoftDeleted{1})));
  ASSERT_TRUE(store.Create({"title", "", {}}).ok());
  // No purge in the store: the rewrite keeps everything.
  EXPECT_FALSE(rules.make_rewrite()(store.EventsAfter(0, 1).front()));
}

}  // namespace
}  // namespace taskstore::app
