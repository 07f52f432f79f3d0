#include "domain/event.h"

#include <gtest/gtest.h>

namespace taskstore::domain {
namespace {

TEST(ErasedForm, EmptiesTheTextOfACreation) {
  Event created{1, 5, TaskCreated{1, "Secret", "more secret", 4},
                EventOrigin{"alice", "r1", "k1", 9}};
  Event erased = ErasedForm(created);
  EXPECT_EQ(erased, (Event{1, 5, TaskCreated{1, "", "", 4},
                           EventOrigin{"alice", "r1", "k1", 9}}));
}

TEST(ErasedForm, EmptiesOnlyTheFieldsAnEditCarried) {
  Event edited{2, 6, TaskEdited{1, "New", std::nullopt}};
  EXPECT_EQ(ErasedForm(edited), (Event{2, 6, TaskEdited{1, "", std::nullopt}}));
  Event both{3, 7, TaskEdited{1, "New", "Text"}};
  EXPECT_EQ(ErasedForm(both), (Event{3, 7, TaskEdited{1, "", ""}}));
}

TEST(ErasedForm, KeepsEventsWithoutText) {
  for (EventData data :
       {EventData{TaskSoftDeleted{1}}, EventData{TaskCompleted{1}},
        EventData{TaskPurged{1}}, EventData{TaskReopened{1}},
        EventData{TaskRestored{1}}}) {
    Event event{4, 8, data, EventOrigin{"bob", "", "", 0}};
    EXPECT_EQ(ErasedForm(event), event);
  }
}

TEST(EventTypeName, NamesEveryTypeAndMapsBack) {
  EventData data = TaskPurged{3};
  EXPECT_EQ(EventTypeName(data), "TaskPurged");
  EXPECT_EQ(EventTypeIndex("TaskPurged"), data.index());
  EXPECT_EQ(EventTypeIndex("TaskCreated"), 0u);
  EXPECT_EQ(EventTypeIndex("taskcreated"), std::nullopt);
}

}  // namespace
}  // namespace taskstore::domain
