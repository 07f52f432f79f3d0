// An in-memory FileSystem for tests that can simulate the failures a real
// disk has:
//   - power loss: CrashAndLoseUnsynced() drops every byte written since the
//     file's last successful Sync(), and every rename or creation since
//     the directory's last SyncDirectory();
//   - a failed sync: FailSyncs();
//   - a full disk or short write: FailWritesAfter(n bytes) makes the append
//     that would cross the budget write only the bytes that fit and fail
//     with a NoSpace error.
// Thread-safe.
#ifndef TASKSTORE_EVENTLOG_MEMORY_FILE_SYSTEM_H_
#define TASKSTORE_EVENTLOG_MEMORY_FILE_SYSTEM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "eventlog/file_system.h"

namespace taskstore::eventlog {

class MemoryFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<AppendableFile>> OpenAppendable(
      const std::string& path) override;
  Result<std::string> ReadFile(const std::string& path) override;
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) override;
  Status Truncate(const std::string& path, std::uint64_t size) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& directory) override;
  Status CreateDirectories(const std::string& directory) override;
  Status SyncDirectory(const std::string& directory) override;
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override;

  // Replaces the content of `path` (creating it), as synced. For tests
  // that damage files on purpose.
  void SetContent(const std::string& path, std::string content);

  // Simulates a power cut: unsynced bytes and unsynced directory entries
  // are lost. Open files keep working on the surviving content.
  void CrashAndLoseUnsynced();

  // Every later Sync() and SyncDirectory() fails with an I/O error.
  void FailSyncs(bool fail);

  // After `bytes` more appended bytes, appends fail with NoSpace, writing
  // only the part that fits. nullopt lifts the limit.
  void FailWritesAfter(std::optional<std::uint64_t> bytes);

 private:
  class File;
  class Lock_;
  struct Node {
    std::string content;
    std::uint64_t synced_size = 0;  // bytes of content that survive a crash
    bool entry_synced = false;      // does the name survive a crash?
  };

  // REQUIRES: mutex_ held.
  Status AppendLocked(const std::string& path, std::string_view data);

  std::mutex mutex_;
  std::map<std::string, Node> files_;
  // Names that a crash would bring back, with their durable content, for
  // entries renamed or removed since their directory was last synced.
  std::map<std::string, Node> durable_shadows_;
  std::set<std::string> locks_;
  bool fail_syncs_ = false;
  std::optional<std::uint64_t> write_budget_;
};

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_MEMORY_FILE_SYSTEM_H_
