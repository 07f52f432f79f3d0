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

}  // namespace
}  // namespace taskstore::domain
