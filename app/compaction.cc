#include "app/compaction.h"

#include <charconv>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

namespace taskstore::app {
namespace {

constexpr std::string_view kCompactedPrefix = "compacted through ";

// How many events one look at the store reads when scanning for triggers.
constexpr std::size_t kScanBatch = 4096;

}  // namespace

domain::Sequence ReadCompactedThrough(eventlog::FileSystem& file_system,
                                      const std::string& directory,
                                      Logger& logger) {
  std::string path = eventlog::JoinPath(directory, kCompactedFileName);
  Result<std::string> content = file_system.ReadFile(path);
  if (!content.ok()) {
    if (content.status().code() != StatusCode::kNotFound) {
      logger.Warning("cannot read " + path + " (" +
                     content.status().ToString() +
                     "); compacting again if a purge is recorded");
    }
    return 0;
  }
  std::string_view text = *content;
  domain::Sequence through = 0;
  bool valid = text.starts_with(kCompactedPrefix) && text.ends_with('\n');
  if (valid) {
    text.remove_prefix(kCompactedPrefix.size());
    text.remove_suffix(1);
    auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), through);
    valid = error == std::errc() && end == text.data() + text.size();
  }
  if (!valid) {
    logger.Warning(path +
                   " is not \"compacted through N\"; compacting again if a "
                   "purge is recorded");
    return 0;
  }
  return through;
}

Status WriteCompactedThrough(eventlog::FileSystem& file_system,
                             const std::string& directory,
                             domain::Sequence through) {
  std::string path = eventlog::JoinPath(directory, kCompactedFileName);
  std::string temporary = path + ".tmp";
  std::string content =
      std::string(kCompactedPrefix) + std::to_string(through) + "\n";
  Status written = [&]() -> Status {
    Result<std::unique_ptr<eventlog::AppendableFile>> file =
        file_system.OpenAppendable(temporary);
    if (!file.ok()) return file.status();
    if ((*file)->Size() != 0) {
      TASKSTORE_RETURN_IF_ERROR(file_system.Truncate(temporary, 0));
    }
    TASKSTORE_RETURN_IF_ERROR((*file)->Append(content));
    TASKSTORE_RETURN_IF_ERROR((*file)->Sync());
    return file_system.Rename(temporary, path);
  }();
  if (!written.ok()) {
    (void)file_system.Remove(temporary);
    return written.WithContext("writing " + path);
  }
  return file_system.SyncDirectory(directory);
}

Compactor::Compactor(eventlog::FileSystem& file_system, std::string directory,
                     eventlog::EventLog& log, domain::TaskStore& store,
                     SnapshotScheduler& snapshots, Logger& logger,
                     CompactionRules rules, CompactionOptions options)
    : file_system_(file_system),
      directory_(std::move(directory)),
      log_(log),
      store_(store),
      snapshots_(snapshots),
      logger_(logger),
      rules_(std::move(rules)),
      options_(options),
      checked_through_(store.LastSequence()) {
  if (options_.in_background && rules_.triggers) {
    worker_ = std::thread([this] { RunInBackground(); });
  }
}

Compactor::~Compactor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

bool Compactor::AnyTriggerAfter(domain::Sequence after,
                                domain::Sequence through) {
  while (after < through) {
    std::vector<domain::Event> events = store_.EventsAfter(
        after, std::min<domain::Sequence>(kScanBatch, through - after));
    if (events.empty()) return false;
    for (const domain::Event& event : events) {
      if (rules_.triggers(event)) return true;
    }
    after = events.back().sequence;
  }
  return false;
}

bool Compactor::Due() {
  if (!rules_.triggers) return false;
  // TODO(compaction-scan): with no compaction recorded this rebuilds every
  // event of the store once per start; a count of purges kept by the
  // projection would answer at once.
  domain::Sequence through =
      ReadCompactedThrough(file_system_, directory_, logger_);
  return AnyTriggerAfter(through, store_.LastSequence());
}

Status Compactor::RunNow() {
  if (!rules_.make_rewrite) {
    return FailedPreconditionError("this store has nothing to compact");
  }
  std::lock_guard running(running_);
  auto started = std::chrono::steady_clock::now();

  // Every event up to here is covered: the rewrite is made afterwards, from
  // a store that already holds them.
  domain::Sequence through = store_.LastSequence();
  eventlog::EventRewrite rewrite = rules_.make_rewrite();

  Result<eventlog::RewriteCount> count = log_.RewriteSegments(rewrite);
  if (!count.ok()) {
    return count.status().WithContext("compacting the log in " + directory_);
  }
  // The snapshot is of the compacted log replayed, not of the state in
  // memory: a purge leaves zeroed text there where a replay of erased
  // events leaves none, and a snapshot without the zeroed holes is
  // smaller. Both agree by content (domain::FirstDifference, which
  // `taskstore verify` uses), so later snapshots of the state in memory
  // verify too.
  domain::Projection replayed;
  Result<domain::Sequence> read = eventlog::ReadLog(
      file_system_, directory_, eventlog::TailPolicy::kLeaveBe, logger_,
      [&replayed](const domain::Event& event) {
        return replayed.Apply(event);
      });
  if (!read.ok()) {
    return read.status().WithContext("replaying the compacted log in " +
                                     directory_);
  }
  Result<std::string> snapshot = snapshots_.WriteAndRemoveOthers(replayed);
  if (!snapshot.ok()) {
    return snapshot.status().WithContext("replacing the snapshots in " +
                                         directory_);
  }
  TASKSTORE_RETURN_IF_ERROR(
      WriteCompactedThrough(file_system_, directory_, through));

  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  logger_.Info("compacted " + directory_ + " through sequence " +
               std::to_string(through) + ": rewrote " +
               std::to_string(count->events) + " events in " +
               std::to_string(count->segments) + " segments, kept snapshot " +
               *snapshot + ", in " + std::to_string(elapsed.count()) + " ms");
  return Status::Ok();
}

void Compactor::OnCommitted(domain::Sequence last_sequence) {
  if (!rules_.triggers) return;
  std::lock_guard lock(mutex_);
  if (last_sequence <= checked_through_) return;
  bool triggered = AnyTriggerAfter(checked_through_, last_sequence);
  checked_through_ = last_sequence;
  if (!triggered || due_) return;
  due_ = true;
  wake_.notify_all();
}

void Compactor::RunInBackground() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    Status compacted = RunNow();
    lock.lock();
    if (!compacted.ok()) {
      logger_.Error("compaction failed: " + compacted.ToString() +
                    "; trying again later");
      due_ = true;
      wake_.wait_for(lock, options_.retry_after, [this] { return stopping_; });
    }
  }
}

}  // namespace taskstore::app
