// Properties of recovery: a log cut anywhere still opens with exactly its
// complete records, and no single flipped bit passes unnoticed.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "eventlog/record_format.h"
#include "eventlog/segment_reader.h"
#include "tests/store_fixture.h"

namespace taskstore {
namespace {

using testing_support::StoreUnderTest;

const std::string kSegment = "/data/" + eventlog::SegmentName(1);

// Fills the store with `count` random events (creations, deletions,
// completions, reopenings, restores) and returns the offsets at which each
// record ends, in order.
std::vector<std::size_t> WriteRandomHistory(StoreUnderTest& sut, int count) {
  for (int i = 0; i < count; ++i) {
    auto visible = sut.store().Search("");
    auto trash = sut.store().Trash("");
    int choice = *rc::gen::inRange(0, 8);
    if (!visible.empty() && choice < 2) {
      auto victim = *rc::gen::inRange<std::size_t>(0, visible.size());
      RC_ASSERT(sut.store().SoftDelete({visible[victim].id}).ok());
    } else if (!visible.empty() && choice < 4) {
      const domain::Task& task =
          visible[*rc::gen::inRange<std::size_t>(0, visible.size())];
      RC_ASSERT(sut.store().Update({task.id, {}, {}, !task.completed}).ok());
    } else if (!trash.empty() && choice < 5) {
      RC_ASSERT(sut.store().Restore({trash.front().id}).ok());
    } else {
      std::string title = *rc::gen::nonEmpty(
          rc::gen::container<std::string>(rc::gen::inRange('a', 'z')));
      RC_ASSERT(sut.store().Create({title.substr(0, 100), "", {}}).ok());
    }
  }

  std::string content = *sut.fs().ReadFile(kSegment);
  eventlog::SegmentReader reader(content);
  std::vector<std::size_t> ends;
  for (auto step = reader.Next();
       step.kind == eventlog::ReadStep::Kind::kRecord; step = reader.Next()) {
    ends.push_back(step.offset + eventlog::kRecordHeaderSize +
                   step.payload.size());
  }
  RC_ASSERT(ends.size() == static_cast<std::size_t>(count));
  return ends;
}

RC_GTEST_PROP(LogRecovery, CutAtAnyByteKeepsExactlyTheCompleteRecords, ()) {
  StoreUnderTest sut;
  std::vector<std::size_t> ends =
      WriteRandomHistory(sut, *rc::gen::inRange(1, 30));
  domain::Projection full = sut.store().StateCopy();
  std::string content = *sut.fs().ReadFile(kSegment);

  std::size_t cut = *rc::gen::inRange<std::size_t>(0, content.size() + 1);
  sut.fs().SetContent(kSegment, content.substr(0, cut));
  RC_ASSERT(sut.Restart().ok());

  std::size_t complete = static_cast<std::size_t>(
      std::upper_bound(ends.begin(), ends.end(), cut) - ends.begin());
  domain::Projection state = sut.store().StateCopy();
  RC_ASSERT(state.last_sequence() == complete);
  for (domain::TaskId id = 1; id <= state.task_count(); ++id) {
    RC_ASSERT(state.Find(id)->title == full.Find(id)->title);
  }

  // The store takes new writes after the cut.
  RC_ASSERT(sut.store().Create({"after the cut", "", {}}).ok());
  RC_ASSERT(sut.Restart().ok());
  RC_ASSERT(sut.store().StateCopy().last_sequence() == complete + 1);
}

RC_GTEST_PROP(LogRecovery, EverySingleBitFlipIsDetected, ()) {
  StoreUnderTest sut;
  std::vector<std::size_t> ends =
      WriteRandomHistory(sut, *rc::gen::inRange(1, 20));
  std::string content = *sut.fs().ReadFile(kSegment);

  std::size_t bit = *rc::gen::inRange<std::size_t>(0, content.size() * 8);
  content[bit / 8] ^= static_cast<char>(1 << (bit % 8));
  sut.fs().SetContent(kSegment, content);
  std::size_t warnings_before = sut.logger().warnings().size();
  Status reopened = sut.Restart();

  // Either the start is refused, or (damage in the last record, which is
  // what a torn write looks like) the record is cut off with a warning.
  if (!reopened.ok()) {
    RC_ASSERT(reopened.code() == StatusCode::kCorruption);
    return;
  }
  RC_ASSERT(sut.logger().warnings().size() == warnings_before + 1);
  std::size_t damaged_record_start =
      ends.size() >= 2 ? ends[ends.size() - 2] : eventlog::kFileHeaderSize;
  RC_ASSERT(bit / 8 >= damaged_record_start);
  RC_ASSERT(sut.store().StateCopy().last_sequence() == ends.size() - 1);
}

}  // namespace
}  // namespace taskstore
