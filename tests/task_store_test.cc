#include "domain/task_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/test_support.h"

namespace taskstore::domain {
namespace {

// Keeps appended events in memory; can be slowed down (to let writers
// pile up behind a sync) or told to fail.
class FakeJournal final : public Journal {
 public:
  Status Append(std::span<const Event> events) override {
    std::lock_guard lock(mutex_);
    if (!failure_.ok()) return failure_;
    std::this_thread::sleep_for(delay_);
    events_.insert(events_.end(), events.begin(), events.end());
    ++appends_;
    return Status::Ok();
  }

  void Fail(Status failure) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(failure);
  }
  void Delay(std::chrono::milliseconds delay) { delay_ = delay; }

  std::vector<Event> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  int appends() {
    std::lock_guard lock(mutex_);
    return appends_;
  }

 private:
  std::mutex mutex_;
  std::vector<Event> events_;
  Status failure_;
  std::chrono::milliseconds delay_{0};
  int appends_ = 0;
};

class TaskStoreTest : public testing::Test {
 protected:
  FakeJournal journal_;
  TaskStore store_{Projection(), journal_, testing_support::SteppingClock()};
};

TEST_F(TaskStoreTest, CreateAssignsIdsAndTimes) {
  Result<Task> first = store_.Create({"  first  ", "d", {}});
  Result<Task> second = store_.Create({"second", "", 42});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->id, 1u);
  EXPECT_EQ(first->title, "first");
  EXPECT_EQ(second->id, 2u);
  EXPECT_EQ(second->created_at, 42);
  EXPECT_GT(first->created_at, 0);
}

TEST_F(TaskStoreTest, RefusedCommandsAppendNothing) {
  ASSERT_TRUE(store_.Create({"t", "", {}}).ok());
  ASSERT_TRUE(store_.SoftDelete({1}).ok());
  EXPECT_EQ(store_.Create({"", "", {}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.SoftDelete({1}).code(), StatusCode::kGone);
  EXPECT_EQ(store_.SoftDelete({7}).code(), StatusCode::kNotFound);
  EXPECT_EQ(journal_.events().size(), 2u);
}

TEST_F(TaskStoreTest, CreateManyIsAllOrNothingAndNamesTheBadOne) {
  Result<std::vector<Task>> created =
      store_.CreateMany({{"ok", "", {}}, {"  ", "", {}}, {"ok too", "", {}}});
  EXPECT_EQ(created.status().ToString(),
            "invalid argument: task 2: title is empty");
  EXPECT_TRUE(journal_.events().empty());
}

TEST_F(TaskStoreTest, JournalFailureLeavesStateUnchanged) {
  journal_.Fail(NoSpaceError("disk full"));
  EXPECT_EQ(store_.Create({"t", "", {}}).status().code(), StatusCode::kNoSpace);
  EXPECT_TRUE(store_.Search("").empty());
  EXPECT_EQ(store_.Get(1).status().code(), StatusCode::kNotFound);
}

TEST_F(TaskStoreTest, EventsAfterPagesThroughTheJournalInOrder) {
  ASSERT_TRUE(store_.Create({"a", "", {}}).ok());
  ASSERT_TRUE(store_.Create({"b", "", {}}).ok());
  ASSERT_TRUE(store_.SoftDelete({1}).ok());
  EXPECT_EQ(store_.LastSequence(), 3u);

  std::vector<Event> all = journal_.events();
  EXPECT_EQ(store_.EventsAfter(0, 10), all);
  EXPECT_EQ(store_.EventsAfter(1, 1), std::vector<Event>{all[1]});
  EXPECT_EQ(store_.EventsAfter(2, 5), std::vector<Event>{all[2]});
  EXPECT_TRUE(store_.EventsAfter(3, 5).empty());
  EXPECT_TRUE(store_.EventsAfter(99, 5).empty());
  EXPECT_TRUE(store_.EventsAfter(0, 0).empty());
}

TEST_F(TaskStoreTest, ConcurrentWritersShareAppendsAndGetDistinctIds) {
  journal_.Delay(std::chrono::milliseconds(2));
  constexpr int kThreads = 16;
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  std::vector<std::vector<TaskId>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &ids] {
      for (int i = 0; i < kPerThread; ++i) {
        Result<Task> task = store_.Create({"task", "", {}});
        ASSERT_TRUE(task.ok()) << task.status().ToString();
        ids[t].push_back(task->id);
        if (i % 4 == 0) {
          ASSERT_TRUE(store_.SoftDelete({task->id}).ok());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<TaskId> distinct;
  for (const auto& some : ids) distinct.insert(some.begin(), some.end());
  EXPECT_EQ(distinct.size(), std::size_t{kThreads * kPerThread});

  // The journal saw every event once, in sequence, and replaying it gives
  // the live state.
  Projection replayed;
  for (const Event& event : journal_.events()) {
    ASSERT_TRUE(replayed.Apply(event).ok());
  }
  EXPECT_EQ(replayed, store_.StateCopy());
  EXPECT_LT(journal_.appends(), static_cast<int>(journal_.events().size()));
}

TEST_F(TaskStoreTest, ConcurrentRepeatsOfOneKeyRecordOnce) {
  // Writers pile up behind the slow journal, so repeats of one key land in
  // one batch as well as in later ones.
  journal_.Delay(std::chrono::milliseconds(2));
  WriteContext context;
  context.idempotency_key = "once";
  context.request_fingerprint = 42;
  constexpr int kThreads = 12;
  std::vector<std::thread> threads;
  std::vector<TaskId> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &ids, &context] {
      Result<Task> task = store_.Create({"pay rent", "", {}}, context);
      ASSERT_TRUE(task.ok()) << task.status().ToString();
      ids[t] = task->id;
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(std::set<TaskId>(ids.begin(), ids.end()), std::set<TaskId>{1});
  ASSERT_EQ(journal_.events().size(), 1u);
  EXPECT_EQ(journal_.events()[0].origin.idempotency_key, "once");

  WriteContext other = context;
  other.request_fingerprint = 43;
  EXPECT_EQ(store_.Create({"pay rent", "", {}}, other).status().code(),
            StatusCode::kKeyMismatch);
}

TEST_F(TaskStoreTest, ExpectedVersionsGuardWritesAndRecordNothingOnMismatch) {
  ASSERT_TRUE(store_.Create({"a", "", {}}).ok());
  WriteContext stale;
  stale.expected_versions = std::vector<std::uint64_t>{2, 3};
  Result<Task> refused = store_.Update({1, "b", {}, {}}, stale);
  EXPECT_EQ(refused.status().code(), StatusCode::kVersionMismatch);
  EXPECT_EQ(refused.status().message(),
            "task 1 is at version 1, not the one the request expects");
  WriteContext current;
  current.expected_versions = std::vector<std::uint64_t>{1};
  Result<Task> updated = store_.Update({1, "b", {}, true}, current);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 3u);
  EXPECT_EQ(journal_.events().size(), 3u);
}

TEST_F(TaskStoreTest, CountsVisibleAndDeletedTasks) {
  EXPECT_EQ(store_.Counts().visible, 0u);
  ASSERT_TRUE(store_.Create({"one", "", {}}).ok());
  ASSERT_TRUE(store_.Create({"two", "", {}}).ok());
  ASSERT_TRUE(store_.SoftDelete({1}).ok());
  TaskCounts counts = store_.Counts();
  EXPECT_EQ(counts.visible, 1u);
  EXPECT_EQ(counts.deleted, 1u);
}

TEST_F(TaskStoreTest, HealthIsTheJournals) {
  // The fake keeps the default: a journal that never breaks for good.
  EXPECT_TRUE(store_.Health().ok());
}

}  // namespace
}  // namespace taskstore::domain
