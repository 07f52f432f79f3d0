#include "snapshots/snapshot_store.h"

#include <algorithm>

#include "eventlog/numbered_file_name.h"
#include "snapshots/snapshot_codec.h"
#include "snapshots/snapshot_format.h"

namespace taskstore::snapshots {
std::string SnapshotName(domain::Sequence last_sequence) {
  return eventlog::NumberedFileName(kFilePrefix, last_sequence, kFileSuffix);
}

Result<std::vector<SnapshotFile>> ListSnapshots(
    eventlog::FileSystem& file_system, const std::string& directory) {
  Result<std::vector<std::string>> names = file_system.List(directory);
  if (!names.ok()) return names.status();
  std::vector<SnapshotFile> snapshots;
  for (const std::string& name : *names) {
    if (auto last =
            eventlog::ParseNumberedFileName(name, kFilePrefix, kFileSuffix)) {
      snapshots.push_back(SnapshotFile{*last, name});
    }
  }
  std::sort(snapshots.begin(), snapshots.end(),
            [](const SnapshotFile& a, const SnapshotFile& b) {
              return a.last_sequence > b.last_sequence;
            });
  return snapshots;
}

namespace {

// Writes `bytes` to `temporary` and makes them durable. A temporary file
// left by an earlier crash is started afresh.
Status WriteTemporary(eventlog::FileSystem& file_system,
                      const std::string& temporary, std::string_view bytes) {
  Result<std::unique_ptr<eventlog::AppendableFile>> file =
      file_system.OpenAppendable(temporary);
  if (!file.ok()) return file.status();
  if ((*file)->Size() != 0) {
    TASKSTORE_RETURN_IF_ERROR(file_system.Truncate(temporary, 0));
  }
  TASKSTORE_RETURN_IF_ERROR((*file)->Append(bytes));
  return (*file)->Sync();
}

}  // namespace

Result<std::string> WriteSnapshot(eventlog::FileSystem& file_system,
                                  const std::string& directory,
                                  const domain::Projection& state, int keep,
                                  Logger& logger) {
  std::string name = SnapshotName(state.last_sequence());
  std::string path = eventlog::JoinPath(directory, name);
  std::string temporary = path + ".tmp";
  std::string bytes = EncodeSnapshot(state);
  Status written = WriteTemporary(file_system, temporary, bytes);
  if (written.ok()) written = file_system.Rename(temporary, path);
  if (!written.ok()) {
    // Do not leave a partial file holding space on a disk that may be
    // full; a failure to remove it changes nothing about the outcome.
    (void)file_system.Remove(temporary);
    return written;
  }
  TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(directory));
  logger.Info("wrote snapshot " + path + " (" + std::to_string(bytes.size()) +
              " bytes, " + std::to_string(state.task_count()) + " tasks)");

  Result<std::vector<SnapshotFile>> snapshots =
      ListSnapshots(file_system, directory);
  if (!snapshots.ok()) return snapshots.status();
  // The one just written is kept whatever its rank: a newer-numbered
  // snapshot may be one the log has not reached.
  int kept = 1;
  for (const SnapshotFile& snapshot : *snapshots) {
    if (snapshot.name == name) continue;
    if (kept < std::max(keep, 1)) {
      ++kept;
      continue;
    }
    TASKSTORE_RETURN_IF_ERROR(
        file_system.Remove(eventlog::JoinPath(directory, snapshot.name)));
  }
  TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(directory));
  return name;
}

Status RemoveSnapshotsExcept(eventlog::FileSystem& file_system,
                             const std::string& directory,
                             const std::string& keep) {
  Result<std::vector<std::string>> names = file_system.List(directory);
  if (!names.ok()) return names.status();
  bool removed = false;
  for (const std::string& name : *names) {
    if (name == keep) continue;
    std::string_view base(name);
    for (std::string_view extra : {".stale", ".tmp"}) {
      if (base.ends_with(extra)) base.remove_suffix(extra.size());
    }
    if (!eventlog::ParseNumberedFileName(base, kFilePrefix, kFileSuffix)) {
      continue;
    }
    TASKSTORE_RETURN_IF_ERROR(
        file_system.Remove(eventlog::JoinPath(directory, name)));
    removed = true;
  }
  if (removed) return file_system.SyncDirectory(directory);
  return Status::Ok();
}

Result<LoadedSnapshot> LoadSnapshot(eventlog::FileSystem& file_system,
                                    const std::string& directory,
                                    const SnapshotFile& file) {
  Result<std::unique_ptr<eventlog::MappedFile>> mapped =
      file_system.MapFile(eventlog::JoinPath(directory, file.name));
  if (!mapped.ok()) return mapped.status();
  Result<DecodedSnapshot> decoded = DecodeSnapshot((*mapped)->contents());
  if (!decoded.ok()) return decoded.status();
  if (decoded->header.last_sequence != file.last_sequence) {
    return CorruptionError("its header says sequence " +
                           std::to_string(decoded->header.last_sequence));
  }
  return LoadedSnapshot{file.name, std::move(decoded->state),
                        decoded->header.fingerprint};
}

Status SetSnapshotAside(eventlog::FileSystem& file_system,
                        const std::string& directory, const std::string& name,
                        const std::string& reason, Logger& logger) {
  std::string path = eventlog::JoinPath(directory, name);
  TASKSTORE_RETURN_IF_ERROR(file_system.Rename(path, path + ".stale"));
  TASKSTORE_RETURN_IF_ERROR(file_system.SyncDirectory(directory));
  logger.Warning("set snapshot " + path + " aside as " + name +
                 ".stale: " + reason);
  return Status::Ok();
}

Result<std::optional<LoadedSnapshot>> LoadNewestSnapshot(
    eventlog::FileSystem& file_system, const std::string& directory,
    Logger& logger, domain::Sequence newest_allowed) {
  Result<std::vector<SnapshotFile>> snapshots =
      ListSnapshots(file_system, directory);
  if (!snapshots.ok()) return snapshots.status();

  for (const SnapshotFile& snapshot : *snapshots) {
    std::string path = eventlog::JoinPath(directory, snapshot.name);
    if (snapshot.last_sequence > newest_allowed) {
      logger.Warning("skipping snapshot " + path + ": it covers sequence " +
                     std::to_string(snapshot.last_sequence) +
                     " but the log ends at " + std::to_string(newest_allowed));
      continue;
    }
    Result<LoadedSnapshot> loaded =
        LoadSnapshot(file_system, directory, snapshot);
    if (!loaded.ok()) {
      logger.Warning("skipping snapshot " + path + ": " +
                     loaded.status().ToString());
      continue;
    }
    return std::optional<LoadedSnapshot>(std::move(loaded).value());
  }
  return std::optional<LoadedSnapshot>();
}

}  // namespace taskstore::snapshots
