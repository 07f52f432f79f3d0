#include "eventlog/event_log.h"

#include "eventlog/crc32c.h"
#include "eventlog/event_codec.h"
#include "eventlog/record_format.h"
#include "eventlog/segment_files.h"
#include "eventlog/segment_reader.h"

namespace taskstore::eventlog {
namespace {

std::string Where(const std::string& path, std::uint64_t offset,
                  domain::Sequence sequence) {
  return path + " at offset " + std::to_string(offset) + " (sequence " +
         std::to_string(sequence) + ")";
}

// A file that stops inside an otherwise correct file header.
bool IsTornHeader(std::string_view content) {
  return content.size() < kFileHeaderSize &&
         MakeFileHeader().starts_with(content);
}

struct ReplayEnd {
  domain::Sequence last_sequence = 0;
  std::string newest_segment;  // empty when there is none
};

// Logs how far a long replay has come, at most every few seconds.
class ReplayProgress {
 public:
  explicit ReplayProgress(Logger& logger) : logger_(logger) {}

  void Count() {
    if (++events_ % kCheckEvery != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_report_ < kReportEvery) return;
    last_report_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    logger_.Info("replayed " + std::to_string(events_) + " events (" +
                 std::to_string(static_cast<long>(events_ / seconds)) +
                 " events/s)");
  }

 private:
  static constexpr std::uint64_t kCheckEvery = 1 << 16;
  static constexpr std::chrono::seconds kReportEvery{2};

  Logger& logger_;
  std::uint64_t events_ = 0;
  const std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_report_ = start_;
};

Result<ReplayEnd> Replay(FileSystem& file_system, const std::string& directory,
                         TailPolicy policy, Logger& logger,
                         const EventVisitor& on_event,
                         const ResumePoint& resume) {
  const domain::Sequence skip_through = resume.sequence;
  Result<std::vector<SegmentFile>> segments =
      ListSegments(file_system, directory);
  if (!segments.ok()) return segments.status();

  // Start at the segment that holds the resume event, whose fingerprint
  // is checked; those before it are covered by the caller's snapshot.
  std::size_t first_read = 0;
  for (std::size_t i = 1; i < segments->size(); ++i) {
    if ((*segments)[i].first_sequence <= skip_through) first_read = i;
  }

  ReplayEnd end;
  ReplayProgress progress(logger);
  domain::Sequence expected =
      first_read == 0 ? 1 : (*segments)[first_read].first_sequence;
  for (std::size_t i = first_read; i < segments->size(); ++i) {
    const SegmentFile& segment = (*segments)[i];
    const bool last_segment = i + 1 == segments->size();
    std::string path = JoinPath(directory, segment.name);
    if (segment.first_sequence != expected) {
      return CorruptionError(path + " begins at sequence " +
                             std::to_string(segment.first_sequence) +
                             " but sequence " + std::to_string(expected) +
                             " comes next: a segment is missing");
    }

    Result<std::string> content = file_system.ReadFile(path);
    if (!content.ok()) return content.status();
    if (last_segment && IsTornHeader(*content)) {
      // A crash while a segment was being created can leave a short file
      // only if the file system reorders the rename before the data; it
      // holds no events, so it is removed and made anew.
      if (policy == TailPolicy::kCutOff) {
        TASKSTORE_RETURN_IF_ERROR(file_system.Remove(path));
        TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(directory));
        logger.Warning("removed " + path +
                       ": its file header was cut short "
                       "at " +
                       std::to_string(content->size()) + " bytes");
      }
      break;
    }
    SegmentReader reader(*content);
    TASKSTORE_RETURN_IF_ERROR(reader.CheckHeader().WithContext(path));

    for (ReadStep step = reader.Next(); step.kind != ReadStep::Kind::kEnd;
         step = reader.Next()) {
      if (step.kind == ReadStep::Kind::kDamaged) {
        // Only the last append can be torn by a crash, and nothing is ever
        // written after it; damage with valid records behind it (or in a
        // later segment) must be bit rot or tampering, and dropping what
        // follows would lose acknowledged events.
        if (!last_segment ||
            reader.HasValidRecordAfter(step.offset,
                                       [expected](std::string_view payload) {
                                         return IsEventFrom(payload, expected);
                                       })) {
          return CorruptionError(
              Where(path, step.offset, expected) + ": " + step.problem +
              ", and valid records follow; run `taskstore verify` to list "
              "the damage");
        }
        std::uint64_t cut = content->size() - step.offset;
        if (policy == TailPolicy::kCutOff) {
          TASKSTORE_RETURN_IF_ERROR(file_system.Truncate(path, step.offset));
          logger.Warning("cut off a torn write of " + std::to_string(cut) +
                         " bytes at the end of " +
                         Where(path, step.offset, expected) + ": " +
                         step.problem);
        }
        break;
      }

      if (expected < skip_through) {
        ++expected;  // framing and checksum are sound; the snapshot has it
        continue;
      }
      if (expected == skip_through) {
        if (Crc32c(step.payload) != resume.fingerprint) {
          return FailedPreconditionError(
              Where(path, step.offset, expected) +
              ": the event differs from the one the snapshot ends with");
        }
        ++expected;
        continue;
      }
      Result<domain::Event> event = DecodeEvent(step.payload);
      if (!event.ok()) {
        return event.status().WithContext(Where(path, step.offset, expected));
      }
      if (event->sequence != expected) {
        return CorruptionError(Where(path, step.offset, expected) +
                               ": holds sequence " +
                               std::to_string(event->sequence));
      }
      TASKSTORE_RETURN_IF_ERROR(
          on_event(*event).WithContext(Where(path, step.offset, expected)));
      progress.Count();
      ++expected;
    }
    end.newest_segment = segment.name;
  }
  end.last_sequence = expected - 1;
  return end;
}

// The size of every segment file in `directory`. The file system tells a
// size only through an open appendable file; opening one reads nothing
// (mapping would fault every page in), so this stays cheap for segments
// a snapshot let the replay skip. The files exist, so none is created.
Result<std::uint64_t> SegmentBytes(FileSystem& file_system,
                                   const std::string& directory) {
  Result<std::vector<SegmentFile>> segments =
      ListSegments(file_system, directory);
  if (!segments.ok()) return segments.status();
  std::uint64_t bytes = 0;
  for (const SegmentFile& segment : *segments) {
    Result<std::unique_ptr<AppendableFile>> file =
        file_system.OpenAppendable(JoinPath(directory, segment.name));
    if (!file.ok()) return file.status();
    bytes += (*file)->Size();
  }
  return bytes;
}

}  // namespace

std::uint32_t EventFingerprint(const domain::Event& event) {
  return Crc32c(EncodeEvent(event));
}

Result<domain::Sequence> ReadLog(FileSystem& file_system,
                                 const std::string& directory,
                                 TailPolicy policy, Logger& logger,
                                 const EventVisitor& on_event) {
  Result<ReplayEnd> end =
      Replay(file_system, directory, policy, logger, on_event, {});
  if (!end.ok()) return end.status();
  return end->last_sequence;
}

EventLog::EventLog(FileSystem& file_system, std::string directory,
                   const LogOptions& options, Logger& logger,
                   domain::Sequence last_sequence)
    : file_system_(file_system),
      directory_(std::move(directory)),
      options_(options),
      logger_(logger),
      last_sequence_(last_sequence) {}

Result<std::unique_ptr<EventLog>> EventLog::Open(
    FileSystem& file_system, std::string directory, const LogOptions& options,
    Logger& logger, const EventVisitor& on_event, const ResumePoint& resume) {
  Result<ReplayEnd> end = Replay(file_system, directory, TailPolicy::kCutOff,
                                 logger, on_event, resume);
  if (!end.ok()) return end.status();

  std::unique_ptr<EventLog> log(new EventLog(
      file_system, std::move(directory), options, logger, end->last_sequence));
  TASKSTORE_RETURN_IF_ERROR(log->OpenTail(end->newest_segment));
  Result<std::uint64_t> bytes = SegmentBytes(file_system, log->directory_);
  if (!bytes.ok()) return bytes.status();
  log->statistics_.SetBytes(*bytes);
  if (options.sync == SyncMode::kInterval) {
    log->syncer_ = std::thread([raw = log.get()] { raw->SyncPeriodically(); });
  }
  if (options.sync == SyncMode::kNone) {
    logger.Warning(
        "the event log is not synced until shutdown (sync mode "
        "none): a crash loses acknowledged writes");
  }
  return log;
}

EventLog::~EventLog() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  closing_changed_.notify_all();
  if (syncer_.joinable()) syncer_.join();

  std::lock_guard lock(mutex_);
  if (Status synced = SyncLocked(); !synced.ok()) {
    logger_.Error("closing the event log: " + synced.ToString());
  }
}

Status EventLog::Sync() {
  std::lock_guard lock(mutex_);
  return SyncLocked();
}

domain::Sequence EventLog::last_sequence() const {
  std::lock_guard lock(mutex_);
  return last_sequence_;
}

Status EventLog::Health() const {
  std::lock_guard lock(mutex_);
  return broken_;
}

Status EventLog::SyncLocked() {
  if (!broken_.ok()) return broken_;
  if (!unsynced_ || segment_ == nullptr) return Status::Ok();
  auto started = std::chrono::steady_clock::now();
  Status synced = segment_->Sync();
  statistics_.ObserveSync(std::chrono::steady_clock::now() - started);
  if (!synced.ok()) {
    broken_ = UnavailableError(
        "the event log is read-only after a failed "
        "sync (" +
        synced.ToString() + "); restart taskstore to recover");
    logger_.Error(broken_.message());
    return broken_;
  }
  unsynced_ = false;
  return Status::Ok();
}

void EventLog::SyncPeriodically() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    closing_changed_.wait_for(lock, options_.sync_interval,
                              [this] { return closing_; });
    // A failure is logged and kept in broken_ by SyncLocked.
    (void)SyncLocked();
  }
}

Status EventLog::OpenTail(const std::string& newest_segment) {
  if (newest_segment.empty()) return StartSegment(last_sequence_ + 1);

  segment_path_ = JoinPath(directory_, newest_segment);
  return ReopenSegment();
}

Status EventLog::ReopenSegment() {
  Result<std::unique_ptr<AppendableFile>> file =
      file_system_.OpenAppendable(segment_path_);
  if (!file.ok()) return file.status();
  segment_ = std::move(file).value();
  return Status::Ok();
}

Status EventLog::StartSegment(domain::Sequence first_sequence) {
  // The header is written under a temporary name and renamed into place,
  // so a segment file that exists always has a whole header.
  std::string name = SegmentName(first_sequence);
  std::string path = JoinPath(directory_, name);
  std::string temporary = path + ".tmp";
  {
    Result<std::unique_ptr<AppendableFile>> file =
        file_system_.OpenAppendable(temporary);
    if (!file.ok()) return file.status();
    if ((*file)->Size() != 0) {
      TASKSTORE_RETURN_IF_ERROR(file_system_.Truncate(temporary, 0));
      file = file_system_.OpenAppendable(temporary);
      if (!file.ok()) return file.status();
    }
    TASKSTORE_RETURN_IF_ERROR((*file)->Append(MakeFileHeader()));
    TASKSTORE_RETURN_IF_ERROR((*file)->Sync());
  }
  TASKSTORE_RETURN_IF_ERROR(file_system_.Rename(temporary, path));
  TASKSTORE_RETURN_IF_ERROR(file_system_.SyncDirectory(directory_));

  segment_path_ = path;
  TASKSTORE_RETURN_IF_ERROR(ReopenSegment());
  statistics_.AddBytes(kFileHeaderSize);
  logger_.Info("started log segment " + path);
  return Status::Ok();
}

Status EventLog::Append(std::span<const domain::Event> events) {
  std::lock_guard lock(mutex_);
  if (!broken_.ok()) return broken_;
  if (events.empty()) return Status::Ok();

  std::string batch;
  for (const domain::Event& event : events) {
    std::string payload = EncodeEvent(event);
    if (payload.size() > kMaxPayload) {
      return InvalidArgumentError(
          "event " + std::to_string(event.sequence) + " encodes to " +
          std::to_string(payload.size()) + " bytes, more than a record holds");
    }
    batch += FrameRecord(payload);
  }

  if (segment_->Size() > kFileHeaderSize &&
      segment_->Size() + batch.size() > options_.segment_bytes) {
    // The old segment is made durable first: a crash must never keep a
    // later segment while losing the end of an earlier one.
    TASKSTORE_RETURN_IF_ERROR(SyncLocked());
    TASKSTORE_RETURN_IF_ERROR(StartSegment(events.front().sequence));
  }

  std::uint64_t size_before = segment_->Size();
  Status written = segment_->Append(batch);
  if (!written.ok()) {
    // Take back whatever part of the batch reached the file, so that a
    // later append does not land behind a torn record.
    segment_.reset();
    Status undone = file_system_.Truncate(segment_path_, size_before);
    if (undone.ok()) undone = ReopenSegment();
    if (!undone.ok()) {
      broken_ = UnavailableError(
          "the event log is read-only: a failed append to " + segment_path_ +
          " could not be undone (" + undone.ToString() + ")");
      logger_.Error(broken_.message());
    }
    return written;
  }

  unsynced_ = true;
  statistics_.AddBytes(batch.size());
  if (options_.sync == SyncMode::kAlways) {
    TASKSTORE_RETURN_IF_ERROR(SyncLocked());
  }
  last_sequence_ = events.back().sequence;
  statistics_.CountEvents(events.size());
  return Status::Ok();
}

Result<RewriteCount> EventLog::RewriteSegments(const EventRewrite& rewrite) {
  TASKSTORE_RETURN_IF_ERROR(RemoveRewriteLeftovers(file_system_, directory_));

  // Segments before the open one are never written again, so they are
  // rewritten without holding up appends.
  std::string open_segment;
  {
    std::lock_guard lock(mutex_);
    open_segment = segment_path_;
  }
  Result<std::vector<SegmentFile>> segments =
      ListSegments(file_system_, directory_);
  if (!segments.ok()) return segments.status();
  RewriteCount count;
  domain::Sequence done_before = 0;  // segments starting before are done
  for (const SegmentFile& segment : *segments) {
    if (JoinPath(directory_, segment.name) == open_segment) break;
    Result<RewriteCount> one =
        RewriteSegment(file_system_, directory_, segment.name, rewrite);
    if (!one.ok()) return one.status();
    count += *one;
    done_before = segment.first_sequence + 1;
  }
  if (count.segments > 0) {
    TASKSTORE_RETURN_IF_ERROR(file_system_.SyncDirectory(directory_));
  }

  // The rest, the open segment among them (and any segment begun
  // meanwhile), with appends held off.
  std::lock_guard lock(mutex_);
  TASKSTORE_RETURN_IF_ERROR(SyncLocked());
  segments = ListSegments(file_system_, directory_);
  if (!segments.ok()) return segments.status();
  bool open_replaced = false;
  int replaced = 0;
  for (const SegmentFile& segment : *segments) {
    if (segment.first_sequence < done_before) continue;
    Result<RewriteCount> one =
        RewriteSegment(file_system_, directory_, segment.name, rewrite);
    if (!one.ok()) return one.status();
    count += *one;
    replaced += one->segments;
    if (one->segments > 0 &&
        JoinPath(directory_, segment.name) == segment_path_) {
      open_replaced = true;
    }
  }
  if (replaced == 0) return count;

  Status finished = Status::Ok();
  if (open_replaced) {
    // The name now holds the new file, while the handle may still point at
    // the old one (on POSIX it does).
    segment_.reset();
    finished = ReopenSegment();
  }
  if (finished.ok()) finished = file_system_.SyncDirectory(directory_);
  if (!finished.ok() && open_replaced) {
    // Appends to the new file could vanish in a crash that brings the old
    // name back; refusing them is the only safe answer.
    broken_ = UnavailableError("the event log is read-only: replacing " +
                               segment_path_ + " during compaction failed (" +
                               finished.ToString() +
                               "); restart taskstore to recover");
    logger_.Error(broken_.message());
    return broken_;
  }
  TASKSTORE_RETURN_IF_ERROR(finished);

  // The rewritten segments are smaller. An append racing this count may
  // be counted twice or not at all until the next rewrite or restart; the
  // figure is a gauge for people, not a bound anything relies on.
  if (Result<std::uint64_t> bytes = SegmentBytes(file_system_, directory_);
      bytes.ok()) {
    statistics_.SetBytes(*bytes);
  }
  return count;
}

}  // namespace taskstore::eventlog
