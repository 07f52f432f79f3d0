// The few file operations the log (and the snapshots) need, behind an
// interface so that tests can swap in an in-memory, fault-injecting file
// system (see memory_file_system.h) for the POSIX one.
//
// Paths are plain strings; directories are joined with '/'.
#ifndef TASKSTORE_EVENTLOG_FILE_SYSTEM_H_
#define TASKSTORE_EVENTLOG_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace taskstore::eventlog {

// A file open for appending. Not thread-safe.
class AppendableFile {
 public:
  virtual ~AppendableFile() = default;

  // Writes `data` at the end. On failure some prefix of `data` may have
  // been written; the caller decides how to undo it.
  virtual Status Append(std::string_view data) = 0;

  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;

  // Bytes in the file, including unsynced ones.
  virtual std::uint64_t Size() const = 0;
};

// A whole file's bytes, read-only, for as long as the object lives.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual std::string_view contents() const = 0;
};

// Held while a directory is in use; released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens `path` for appending, creating it empty when missing.
  virtual Result<std::unique_ptr<AppendableFile>> OpenAppendable(
      const std::string& path) = 0;

  // The whole content of `path`; NotFound when it does not exist.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;

  // The whole content of `path`, mapped rather than copied where the
  // system allows (mmap): for large files read once, such as snapshots.
  // The file must not be changed while it is mapped.
  virtual Result<std::unique_ptr<MappedFile>> MapFile(
      const std::string& path) = 0;

  // Cuts `path` to `size` bytes and makes the new length durable.
  virtual Status Truncate(const std::string& path, std::uint64_t size) = 0;

  // Atomically replaces `to` with `from`. Durable once the directory is
  // synced.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;

  virtual Status Remove(const std::string& path) = 0;

  // Names (not paths) of the entries in `directory`, in no set order.
  virtual Result<std::vector<std::string>> List(
      const std::string& directory) = 0;

  // Creates `directory` and its parents; OK when it exists.
  virtual Status CreateDirectories(const std::string& directory) = 0;

  // Makes creations, renames and removals in `directory` durable.
  virtual Status SyncDirectory(const std::string& directory) = 0;

  // Takes an exclusive lock on `path` (created when missing) without
  // waiting. Unavailable when another process or owner holds it.
  virtual Result<std::unique_ptr<FileLock>> Lock(const std::string& path) = 0;
};

// The real file system. Thread-safe.
FileSystem& PosixFileSystem();

// "dir/name".
std::string JoinPath(std::string_view directory, std::string_view name);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_FILE_SYSTEM_H_
