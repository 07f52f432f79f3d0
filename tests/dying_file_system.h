// A FileSystem over another that "dies" after a given number of changing
// operations (open for append, append, sync, truncate, rename, remove,
// directory sync): from then on every changing operation fails without
// reaching the file system below, as if the process had been killed at
// that point. In the kFailSyncs mode only syncs fail once the budget is
// spent, and the rest goes on, as on a disk whose flushes fail. Combined
// with MemoryFileSystem::CrashAndLoseUnsynced() it stops an operation at
// each of its steps in turn (raise the budget until the operation
// succeeds). Reads always pass. Thread-safe as far as the inner one is.
#ifndef TASKSTORE_TESTS_DYING_FILE_SYSTEM_H_
#define TASKSTORE_TESTS_DYING_FILE_SYSTEM_H_

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eventlog/file_system.h"

namespace taskstore::testing_support {

class DyingFileSystem final : public eventlog::FileSystem {
 public:
  enum class Mode { kDie, kFailSyncs };

  // `inner` must outlive this object and every file it opens.
  explicit DyingFileSystem(eventlog::FileSystem& inner, Mode mode = Mode::kDie)
      : inner_(inner), mode_(mode) {}

  // How many changing operations pass from now on; a negative number
  // lifts the limit.
  void set_budget(long budget) { budget_ = budget < 0 ? kUnlimited : budget; }

  // True once an operation was refused.
  bool died() const { return budget_ < 0; }

  Result<std::unique_ptr<eventlog::AppendableFile>> OpenAppendable(
      const std::string& path) override {
    if (!Spend()) return Dead("open " + path);
    Result<std::unique_ptr<eventlog::AppendableFile>> file =
        inner_.OpenAppendable(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<eventlog::AppendableFile>(
        std::make_unique<File>(*this, std::move(file).value()));
  }
  Result<std::string> ReadFile(const std::string& path) override {
    return inner_.ReadFile(path);
  }
  Result<std::unique_ptr<eventlog::MappedFile>> MapFile(
      const std::string& path) override {
    return inner_.MapFile(path);
  }
  Status Truncate(const std::string& path, std::uint64_t size) override {
    if (!Spend()) return Dead("truncate " + path);
    return inner_.Truncate(path, size);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    if (!Spend()) return Dead("rename " + from);
    return inner_.Rename(from, to);
  }
  Status Remove(const std::string& path) override {
    if (!Spend()) return Dead("remove " + path);
    return inner_.Remove(path);
  }
  Result<std::vector<std::string>> List(const std::string& directory) override {
    return inner_.List(directory);
  }
  Status CreateDirectories(const std::string& directory) override {
    return inner_.CreateDirectories(directory);
  }
  Status SyncDirectory(const std::string& directory) override {
    if (!Spend(/*is_sync=*/true)) return Dead("sync " + directory);
    return inner_.SyncDirectory(directory);
  }
  Result<std::unique_ptr<eventlog::FileLock>> Lock(
      const std::string& path) override {
    return inner_.Lock(path);
  }

 private:
  class File final : public eventlog::AppendableFile {
   public:
    File(DyingFileSystem& owner, std::unique_ptr<eventlog::AppendableFile> file)
        : owner_(owner), file_(std::move(file)) {}
    Status Append(std::string_view data) override {
      if (!owner_.Spend()) return Dead("append");
      return file_->Append(data);
    }
    Status Sync() override {
      if (!owner_.Spend(/*is_sync=*/true)) return Dead("sync");
      return file_->Sync();
    }
    std::uint64_t Size() const override { return file_->Size(); }

   private:
    DyingFileSystem& owner_;
    std::unique_ptr<eventlog::AppendableFile> file_;
  };

  static Status Dead(const std::string& what) {
    return IOError(what + ": the process is dead");
  }

  static constexpr long kUnlimited = 1L << 60;

  // False when the operation must fail.
  bool Spend(bool is_sync = false) {
    if (mode_ == Mode::kFailSyncs && !is_sync) return true;
    return budget_.fetch_sub(1) > 0;
  }

  eventlog::FileSystem& inner_;
  const Mode mode_;
  std::atomic<long> budget_ = kUnlimited;
};

}  // namespace taskstore::testing_support

#endif  // TASKSTORE_TESTS_DYING_FILE_SYSTEM_H_
