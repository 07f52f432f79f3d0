#include "eventlog/log_check.h"

#include "domain/projection.h"
#include "eventlog/event_codec.h"
#include "eventlog/record_format.h"
#include "eventlog/segment_files.h"
#include "eventlog/segment_reader.h"

namespace taskstore::eventlog {

std::string LogProblem::ToString() const {
  return segment + " at offset " + std::to_string(offset) + " (sequence " +
         std::to_string(sequence) + "): " + what +
         (torn_tail ? " [a torn final write; serve cuts it off]" : "");
}

bool LogCheck::healthy() const {
  for (const LogProblem& problem : problems) {
    if (!problem.torn_tail) return false;
  }
  return true;
}

Result<LogCheck> CheckLog(FileSystem& file_system, const std::string& directory,
                          const EventVisitor& on_event) {
  Result<std::vector<SegmentFile>> segments =
      ListSegments(file_system, directory);
  if (!segments.ok()) return segments.status();

  LogCheck check;
  domain::Sequence expected = 1;
  // After damage, how many records were lost is unknown: the next valid
  // record sets the sequence, and the events after it cannot be folded
  // into a state that misses some, so they are no longer visited. One
  // problem is reported per damage, not one per event behind it.
  bool resynchronizing = false;
  bool visiting = true;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const SegmentFile& segment = (*segments)[i];
    const bool last_segment = i + 1 == segments->size();
    auto report = [&](std::uint64_t offset, std::string what, bool torn) {
      check.problems.push_back(
          LogProblem{segment.name, offset, expected, std::move(what), torn});
      if (!torn) visiting = false;
    };

    if (segment.first_sequence != expected && !resynchronizing) {
      report(0,
             "segment begins at sequence " +
                 std::to_string(segment.first_sequence) +
                 ": events are missing before it",
             false);
    }
    expected = segment.first_sequence;
    resynchronizing = false;
    Result<std::string> content =
        file_system.ReadFile(JoinPath(directory, segment.name));
    if (!content.ok()) {
      report(0, content.status().message(), false);
      resynchronizing = true;
      continue;
    }
    SegmentReader reader(*content);
    if (Status header = reader.CheckHeader(); !header.ok()) {
      report(0, header.message(), false);
      resynchronizing = true;
      continue;
    }

    for (ReadStep step = reader.Next(); step.kind != ReadStep::Kind::kEnd;
         step = reader.Next()) {
      if (step.kind == ReadStep::Kind::kDamaged) {
        domain::Sequence damaged = expected;
        std::optional<std::uint64_t> resume = reader.FindValidRecordAfter(
            step.offset, [damaged](std::string_view payload) {
              return IsEventFrom(payload, damaged);
            });
        report(step.offset, step.problem, last_segment && !resume);
        if (!resume) break;
        reader.SkipTo(*resume);
        resynchronizing = true;
        continue;
      }
      Result<domain::Event> event = DecodeEvent(step.payload);
      if (!event.ok()) {
        report(step.offset, event.status().message(), false);
        ++expected;
        continue;
      }
      if (event->sequence != expected && !resynchronizing) {
        report(step.offset,
               "holds sequence " + std::to_string(event->sequence) + " where " +
                   std::to_string(expected) + " was expected",
               false);
      }
      expected = event->sequence;
      resynchronizing = false;
      if (visiting) {
        if (Status visited = on_event(*event); !visited.ok()) {
          report(step.offset, visited.message(), false);
        }
      }
      ++check.events;
      ++expected;
    }
  }
  return check;
}

Result<RepairOutcome> RepairLog(FileSystem& file_system,
                                const std::string& directory, Clock clock,
                                Logger& logger) {
  // Everything from the first problem on goes; CheckLog lists them all.
  Result<std::vector<SegmentFile>> segments =
      ListSegments(file_system, directory);
  if (!segments.ok()) return segments.status();
  domain::Projection state;
  Result<LogCheck> check = CheckLog(
      file_system, directory,
      [&state](const domain::Event& event) { return state.Apply(event); });
  if (!check.ok()) return check.status();

  RepairOutcome outcome;
  if (check->problems.empty()) {
    outcome.kept_events = check->events;
    return outcome;
  }
  const LogProblem& first = check->problems.front();
  outcome.kept_events = first.sequence - 1;

  std::string stamp = FormatRfc3339(clock());
  for (char& c : stamp) {
    if (c == ':') c = '-';  // keep the name portable
  }
  outcome.quarantine = JoinPath(directory, "quarantine-" + stamp);
  TASKSTORE_RETURN_IF_ERROR(file_system.CreateDirectories(outcome.quarantine));

  bool past_damage = false;
  for (const SegmentFile& segment : *segments) {
    std::string path = JoinPath(directory, segment.name);
    if (past_damage || (segment.name == first.segment && first.offset == 0)) {
      // The whole file goes: a rename moves it without copying a byte.
      TASKSTORE_RETURN_IF_ERROR(
          file_system.Rename(path, JoinPath(outcome.quarantine, segment.name)));
      past_damage = true;
      continue;
    }
    if (segment.name != first.segment) continue;

    // Copy the damaged tail aside and make the copy durable before the
    // original bytes are cut.
    Result<std::string> content = file_system.ReadFile(path);
    if (!content.ok()) return content.status();
    std::string aside =
        JoinPath(outcome.quarantine,
                 segment.name + ".from-" + std::to_string(first.offset));
    Result<std::unique_ptr<AppendableFile>> copy =
        file_system.OpenAppendable(aside);
    if (!copy.ok()) return copy.status();
    TASKSTORE_RETURN_IF_ERROR(
        (*copy)->Append(std::string_view(*content).substr(first.offset)));
    TASKSTORE_RETURN_IF_ERROR((*copy)->Sync());
    TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(outcome.quarantine));
    TASKSTORE_RETURN_IF_ERROR(file_system.Truncate(path, first.offset));
    past_damage = true;
  }
  TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(outcome.quarantine));
  TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(directory));

  outcome.changed = true;
  logger.Warning("repaired " + directory + ": kept " +
                 std::to_string(outcome.kept_events) + " events; moved " +
                 first.segment + " from offset " +
                 std::to_string(first.offset) +
                 " on, and every later segment, into " + outcome.quarantine +
                 " (the first problem: " + first.what + ")");
  return outcome;
}

}  // namespace taskstore::eventlog
