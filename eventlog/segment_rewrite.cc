#include "eventlog/segment_rewrite.h"

#include "eventlog/event_codec.h"
#include "eventlog/record_format.h"
#include "eventlog/segment_files.h"
#include "eventlog/segment_reader.h"

namespace taskstore::eventlog {

Result<RewriteCount> RewriteSegment(FileSystem& file_system,
                                    const std::string& directory,
                                    const std::string& name,
                                    const EventRewrite& rewrite) {
  std::string path = JoinPath(directory, name);
  Result<std::string> content = file_system.ReadFile(path);
  if (!content.ok()) return content.status();
  SegmentReader reader(*content);
  TASKSTORE_RETURN_IF_ERROR(reader.CheckHeader().WithContext(path));

  // Unchanged records are copied byte for byte, so an event the rewrite
  // leaves alone keeps its exact payload (and snapshot fingerprint).
  RewriteCount count;
  std::string rewritten = MakeFileHeader();
  for (ReadStep step = reader.Next(); step.kind != ReadStep::Kind::kEnd;
       step = reader.Next()) {
    auto where = [&] {
      return path + " at offset " + std::to_string(step.offset);
    };
    if (step.kind == ReadStep::Kind::kDamaged) {
      return CorruptionError(where() + ": " + step.problem +
                             "; a damaged segment is not rewritten");
    }
    Result<domain::Event> event = DecodeEvent(step.payload);
    if (!event.ok()) return event.status().WithContext(where());
    std::optional<domain::Event> changed = rewrite(*event);
    if (!changed || *changed == *event) {
      rewritten += FrameRecord(step.payload);
      continue;
    }
    if (changed->sequence != event->sequence) {
      return InvalidArgumentError(where() + ": the rewrite of event " +
                                  std::to_string(event->sequence) +
                                  " changed its sequence number");
    }
    std::string payload = EncodeEvent(*changed);
    if (payload.size() > kMaxPayload) {
      return InvalidArgumentError(where() +
                                  ": the rewritten event is larger "
                                  "than a record holds");
    }
    rewritten += FrameRecord(payload);
    ++count.events;
  }
  if (count.events == 0) return count;

  std::string temporary = path + std::string(kRewriteSuffix);
  Status written = [&]() -> Status {
    Result<std::unique_ptr<AppendableFile>> file =
        file_system.OpenAppendable(temporary);
    if (!file.ok()) return file.status();
    if ((*file)->Size() != 0) {
      TASKSTORE_RETURN_IF_ERROR(file_system.Truncate(temporary, 0));
    }
    TASKSTORE_RETURN_IF_ERROR((*file)->Append(rewritten));
    TASKSTORE_RETURN_IF_ERROR((*file)->Sync());
    return file_system.Rename(temporary, path);
  }();
  if (!written.ok()) {
    // The segment is untouched; the partial copy only takes space.
    (void)file_system.Remove(temporary);
    return written.WithContext("rewriting " + path);
  }
  count.segments = 1;
  return count;
}

Status RemoveRewriteLeftovers(FileSystem& file_system,
                              const std::string& directory) {
  Result<std::vector<std::string>> names = file_system.List(directory);
  if (!names.ok()) return names.status();
  bool removed = false;
  for (const std::string& name : *names) {
    if (!name.ends_with(kRewriteSuffix)) continue;
    std::string_view segment(name);
    segment.remove_suffix(kRewriteSuffix.size());
    if (!ParseSegmentName(segment)) continue;
    TASKSTORE_RETURN_IF_ERROR(file_system.Remove(JoinPath(directory, name)));
    removed = true;
  }
  if (removed) return file_system.SyncDirectory(directory);
  return Status::Ok();
}

}  // namespace taskstore::eventlog
