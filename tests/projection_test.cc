#include "domain/projection.h"

#include <gtest/gtest.h>

namespace taskstore::domain {
namespace {

class ProjectionTest : public testing::Test {
 protected:
  Status Create(std::string title) {
    TaskId id = state_.next_task_id();
    return state_.Apply(Next(TaskCreated{id, std::move(title), "", 7}));
  }
  Status Delete(TaskId id) { return state_.Apply(Next(TaskSoftDeleted{id})); }

  Event Next(EventData data) {
    return Event{state_.last_sequence() + 1, 100, std::move(data)};
  }

  std::vector<std::string> Titles(std::string_view term) {
    std::vector<std::string> titles;
    for (const Task& task : state_.Search(term)) titles.push_back(task.title);
    return titles;
  }

  Projection state_;
};

TEST_F(ProjectionTest, ListsVisibleTasksInCreationOrder) {
  ASSERT_TRUE(Create("b").ok());
  ASSERT_TRUE(Create("a").ok());
  ASSERT_TRUE(Create("c").ok());
  ASSERT_TRUE(Delete(2).ok());
  EXPECT_EQ(Titles(""), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(state_.visible_count(), 2u);
}

TEST_F(ProjectionTest, SearchIgnoresCaseAndDeletedTasks) {
  ASSERT_TRUE(Create("Fix CLUSTER failover").ok());
  ASSERT_TRUE(Create("cluster docs").ok());
  ASSERT_TRUE(Create("unrelated").ok());
  ASSERT_TRUE(Delete(2).ok());
  EXPECT_EQ(Titles("Cluster"),
            (std::vector<std::string>{"Fix CLUSTER failover"}));
  EXPECT_TRUE(Titles("no such words").empty());
}

TEST_F(ProjectionTest, DeletedTaskKeepsItsWholeHistory) {
  ASSERT_TRUE(Create("t").ok());
  ASSERT_TRUE(Delete(1).ok());
  std::optional<Task> task = state_.Find(1);
  ASSERT_TRUE(task.has_value());
  EXPECT_TRUE(task->deleted);
  EXPECT_EQ(task->deleted_at, 100);
  std::vector<Event> history = state_.HistoryOf(1);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(EventTypeName(history[0].data), "TaskCreated");
  EXPECT_EQ(EventTypeName(history[1].data), "TaskSoftDeleted");
}

// ---- Events that contradict the state are corruption ----

TEST_F(ProjectionTest, SequenceGapIsCorruption) {
  Status applied = state_.Apply(Event{2, 0, TaskCreated{1, "t", "", 0}});
  EXPECT_EQ(applied.code(), StatusCode::kCorruption);
  EXPECT_EQ(state_.last_sequence(), 0u);
}

TEST_F(ProjectionTest, UnexpectedTaskIdIsCorruption) {
  Status applied = state_.Apply(Event{1, 0, TaskCreated{5, "t", "", 0}});
  EXPECT_EQ(applied.code(), StatusCode::kCorruption);
}

TEST_F(ProjectionTest, DeletingUnknownOrDeletedTaskIsCorruption) {
  EXPECT_EQ(Delete(1).code(), StatusCode::kCorruption);
  ASSERT_TRUE(Create("t").ok());
  ASSERT_TRUE(Delete(1).ok());
  EXPECT_EQ(Delete(1).code(), StatusCode::kCorruption);
  EXPECT_EQ(state_.last_sequence(), 2u);
}

// ---- The life cycle ----

TEST_F(ProjectionTest, RefusesEventsTheTaskStateDoesNotAllow) {
  ASSERT_TRUE(Create("a").ok());
  struct Case {
    EventData data;
    const char* why;
  };
  for (const Case& c :
       std::vector<Case>{{TaskReopened{1}, "names an open task"},
                         {TaskRestored{1}, "names a task that is not deleted"},
                         {TaskPurged{1}, "names a task that is not deleted"},
                         {TaskEdited{2, "x", {}}, "names an unknown task"}}) {
    Status status = state_.Apply(Next(c.data));
    EXPECT_EQ(status.code(), StatusCode::kCorruption);
    EXPECT_NE(status.message().find(c.why), std::string::npos)
        << status.message();
  }
  ASSERT_TRUE(state_.Apply(Next(TaskCompleted{1})).ok());
  EXPECT_EQ(state_.Apply(Next(TaskCompleted{1})).code(),
            StatusCode::kCorruption);
  ASSERT_TRUE(Delete(1).ok());
  for (EventData data :
       {EventData{TaskEdited{1, "x", {}}}, EventData{TaskReopened{1}},
        EventData{TaskSoftDeleted{1}}}) {
    EXPECT_EQ(state_.Apply(Next(data)).code(), StatusCode::kCorruption);
  }
  ASSERT_TRUE(state_.Apply(Next(TaskPurged{1})).ok());
  EXPECT_EQ(state_.Apply(Next(TaskRestored{1})).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(state_.last_sequence(), 4u);
}

TEST_F(ProjectionTest, EditReFoldsTheSearchKey) {
  ASSERT_TRUE(Create("Straße").ok());
  ASSERT_TRUE(state_.Apply(Next(TaskEdited{1, "Weg", {}})).ok());
  EXPECT_TRUE(Titles("strasse").empty());
  EXPECT_EQ(Titles("WEG"), (std::vector<std::string>{"Weg"}));
}

TEST_F(ProjectionTest, ReplayOfErasedEventsGivesThePurgedState) {
  std::vector<Event> events = {
      Event{1, 100, TaskCreated{1, "Secret", "notes", 7}},
      Event{2, 101, TaskEdited{1, "Secret 2", std::nullopt}},
      Event{3, 102, TaskSoftDeleted{1}},
      Event{4, 103, TaskPurged{1}},
  };
  Projection live;
  Projection erased;
  for (const Event& event : events) {
    ASSERT_TRUE(live.Apply(event).ok());
    ASSERT_TRUE(erased.Apply(ErasedForm(event)).ok());
  }
  EXPECT_EQ(live.Find(1), erased.Find(1));
  EXPECT_EQ(live.HistoryOf(1), erased.HistoryOf(1));
  for (const Event& event : live.HistoryOf(1)) {
    EXPECT_EQ(event, ErasedForm(event));
  }
  EXPECT_EQ(live.image().text.find("Secret"), std::string::npos);
}

TEST_F(ProjectionTest, FindAsOfFoldsTheHistoryUpToAnEvent) {
  ASSERT_TRUE(Create("First").ok());
  ASSERT_TRUE(state_.Apply(Next(TaskEdited{1, "Second", "d"})).ok());
  ASSERT_TRUE(state_.Apply(Next(TaskCompleted{1})).ok());
  EXPECT_EQ(state_.FindAsOf(1, 0), std::nullopt);
  EXPECT_EQ(state_.FindAsOf(1, 1)->title, "First");
  EXPECT_EQ(state_.FindAsOf(1, 2)->description, "d");
  EXPECT_FALSE(state_.FindAsOf(1, 2)->completed);
  EXPECT_EQ(state_.FindAsOf(1, 3), state_.Find(1));
}

}  // namespace
TEST(ProjectionLayout, PurgedStateEqualsAReplayOfItsErasedEventsByContent) {
  Projection live;
  Sequence sequence = 0;
  auto apply = [&](EventData data) {
    ASSERT_TRUE(
        live.Apply(Event{++sequence, 1'700'000'000'000'000, std::move(data)})
            .ok());
  };
  apply(TaskCreated{1, "secret plan", "do not keep", 1'700'000'000'000'000});
  apply(TaskCreated{2, "keep me", "", 1'700'000'000'000'000});
  apply(TaskSoftDeleted{1});
  apply(TaskPurged{1});
  apply(TaskEdited{2, "kept and edited", std::nullopt});

  // What a compacted log holds: every event of the purged task erased.
  Projection replayed;
  for (Sequence s = 1; s <= live.last_sequence(); ++s) {
    ASSERT_TRUE(replayed.Apply(*live.EventAt(s)).ok());
  }
  EXPECT_FALSE(live.image() == replayed.image());  // laid out differently
  EXPECT_EQ(FirstDifference(live, replayed), std::nullopt);
  EXPECT_EQ(replayed.image().text.find("secret"), std::string::npos);
}

}  // namespace taskstore::domain
