// Property: whatever fails and whenever the power goes, every acknowledged
// change survives, in order, nothing that was never sent appears, and the
// store takes new writes after recovery.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "tests/store_fixture.h"

namespace taskstore {
namespace {

using testing_support::StoreUnderTest;

// One fault the file system is told to inject before a command.
enum class Fault { kNone, kFullDisk, kFailedSync };

RC_GTEST_PROP(CrashRecovery, AcknowledgedChangesSurviveAnyFaultAndPowerCut,
              ()) {
  StoreUnderTest sut;
  std::vector<std::string> attempted;     // every title sent, in order
  std::vector<std::string> acknowledged;  // titles whose create said OK
  std::set<std::string> deleted;          // titles whose delete said OK
  std::set<std::string> completed;        // titles whose completion did

  const int steps = *rc::gen::inRange(1, 40);
  const int crash_at = *rc::gen::inRange(0, steps + 1);
  for (int step = 0; step < steps; ++step) {
    if (step == crash_at) break;
    Fault fault = *rc::gen::weightedElement<Fault>(
        {{8, Fault::kNone}, {1, Fault::kFullDisk}, {1, Fault::kFailedSync}});
    if (fault == Fault::kFullDisk) {
      sut.fs().FailWritesAfter(*rc::gen::inRange<std::uint64_t>(0, 200));
    }
    if (fault == Fault::kFailedSync) sut.fs().FailSyncs(true);

    auto visible = sut.store().Search("");
    int choice = *rc::gen::inRange(0, 8);
    if (!visible.empty() && choice < 2) {
      const domain::Task& victim =
          visible[*rc::gen::inRange<std::size_t>(0, visible.size())];
      if (sut.store().SoftDelete({victim.id}).ok()) {
        deleted.insert(victim.title);
      }
    } else if (!visible.empty() && choice < 3) {
      const domain::Task& task =
          visible[*rc::gen::inRange<std::size_t>(0, visible.size())];
      if (sut.store().Update({task.id, {}, {}, true}).ok()) {
        completed.insert(task.title);
      }
    } else {
      std::string title = "task " + std::to_string(attempted.size());
      attempted.push_back(title);
      if (sut.store().Create({title, "", {}}).ok()) {
        acknowledged.push_back(title);
      }
    }
    sut.fs().FailWritesAfter(std::nullopt);
    sut.fs().FailSyncs(false);
  }

  sut.fs().CrashAndLoseUnsynced();
  RC_ASSERT(sut.Restart().ok());

  // Every task is one that was sent; the acknowledged ones are all there,
  // in the order they were acknowledged, deleted if their delete was.
  domain::Projection state = sut.store().StateCopy();
  std::vector<std::string> present;
  for (domain::TaskId id = 1; id <= state.task_count(); ++id) {
    domain::Task task = *state.Find(id);
    RC_ASSERT(std::find(attempted.begin(), attempted.end(), task.title) !=
              attempted.end());
    if (deleted.contains(task.title)) RC_ASSERT(task.deleted);
    if (completed.contains(task.title)) RC_ASSERT(task.completed);
    if (std::find(acknowledged.begin(), acknowledged.end(), task.title) !=
        acknowledged.end()) {
      present.push_back(task.title);
    }
  }
  RC_ASSERT(present == acknowledged);

  Result<domain::Task> after = sut.store().Create({"after recovery", "", {}});
  RC_ASSERT(after.ok());
  RC_ASSERT(sut.Restart().ok());
  RC_ASSERT(sut.store().Get(after->id).ok());
}

}  // namespace
}  // namespace taskstore
