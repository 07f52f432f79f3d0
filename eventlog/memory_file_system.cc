#include "eventlog/memory_file_system.h"

#include <algorithm>

namespace taskstore::eventlog {
namespace {

std::string ParentOf(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

// Appends go through the file system, by path, so that a crash or a
// truncation seen by one handle is seen by all.
class MemoryFileSystem::File final : public AppendableFile {
 public:
  File(MemoryFileSystem& owner, std::string path)
      : owner_(owner), path_(std::move(path)) {}

  Status Append(std::string_view data) override {
    std::lock_guard lock(owner_.mutex_);
    return owner_.AppendLocked(path_, data);
  }

  Status Sync() override {
    std::lock_guard lock(owner_.mutex_);
    if (owner_.fail_syncs_) return IOError("fdatasync " + path_ + ": injected");
    auto found = owner_.files_.find(path_);
    if (found == owner_.files_.end()) {
      return IOError("fdatasync " + path_ + ": file is gone");
    }
    found->second.synced_size = found->second.content.size();
    return Status::Ok();
  }

  std::uint64_t Size() const override {
    std::lock_guard lock(owner_.mutex_);
    auto found = owner_.files_.find(path_);
    return found == owner_.files_.end() ? 0 : found->second.content.size();
  }

 private:
  MemoryFileSystem& owner_;
  const std::string path_;
};

class MemoryFileSystem::Lock_ final : public FileLock {
 public:
  Lock_(MemoryFileSystem& owner, std::string path)
      : owner_(owner), path_(std::move(path)) {}
  ~Lock_() override {
    std::lock_guard lock(owner_.mutex_);
    owner_.locks_.erase(path_);
  }

 private:
  MemoryFileSystem& owner_;
  const std::string path_;
};

Status MemoryFileSystem::AppendLocked(const std::string& path,
                                      std::string_view data) {
  auto found = files_.find(path);
  if (found == files_.end()) {
    return IOError("append to " + path + ": file is gone");
  }
  if (write_budget_ && data.size() > *write_budget_) {
    found->second.content.append(data.substr(0, *write_budget_));
    write_budget_ = 0;
    return NoSpaceError("append to " + path + ": No space left on device");
  }
  if (write_budget_) *write_budget_ -= data.size();
  found->second.content.append(data);
  return Status::Ok();
}

Result<std::unique_ptr<AppendableFile>> MemoryFileSystem::OpenAppendable(
    const std::string& path) {
  std::lock_guard lock(mutex_);
  files_.try_emplace(path);
  return std::unique_ptr<AppendableFile>(std::make_unique<File>(*this, path));
}

Result<std::string> MemoryFileSystem::ReadFile(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto found = files_.find(path);
  if (found == files_.end()) return NotFoundError(path + " does not exist");
  return found->second.content;
}

namespace {

// A copy stands in for a mapping.
class CopiedFile final : public MappedFile {
 public:
  explicit CopiedFile(std::string content) : content_(std::move(content)) {}
  std::string_view contents() const override { return content_; }

 private:
  const std::string content_;
};

}  // namespace

Result<std::unique_ptr<MappedFile>> MemoryFileSystem::MapFile(
    const std::string& path) {
  Result<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  return std::unique_ptr<MappedFile>(
      std::make_unique<CopiedFile>(std::move(content).value()));
}

Status MemoryFileSystem::Truncate(const std::string& path, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  auto found = files_.find(path);
  if (found == files_.end()) return NotFoundError(path + " does not exist");
  Node& node = found->second;
  node.content.resize(std::min<std::uint64_t>(size, node.content.size()));
  node.synced_size = node.content.size();  // Truncate syncs the file
  return Status::Ok();
}

Status MemoryFileSystem::Rename(const std::string& from,
                                const std::string& to) {
  std::lock_guard lock(mutex_);
  auto found = files_.find(from);
  if (found == files_.end()) return NotFoundError(from + " does not exist");

  // Until the directory is synced, a crash brings the old names back.
  if (found->second.entry_synced)
    durable_shadows_.try_emplace(from, found->second);
  auto replaced = files_.find(to);
  if (replaced != files_.end() && replaced->second.entry_synced) {
    durable_shadows_.try_emplace(to, replaced->second);
  }

  Node node = std::move(found->second);
  files_.erase(found);
  node.entry_synced = false;
  files_[to] = std::move(node);
  return Status::Ok();
}

Status MemoryFileSystem::Remove(const std::string& path) {
  std::lock_guard lock(mutex_);
  auto found = files_.find(path);
  if (found == files_.end()) return NotFoundError(path + " does not exist");
  if (found->second.entry_synced)
    durable_shadows_.try_emplace(path, found->second);
  files_.erase(found);
  return Status::Ok();
}

Result<std::vector<std::string>> MemoryFileSystem::List(
    const std::string& directory) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [path, node] : files_) {
    if (ParentOf(path) == directory) {
      names.push_back(path.substr(directory.size() + 1));
    }
  }
  return names;
}

Status MemoryFileSystem::CreateDirectories(const std::string&) {
  return Status::Ok();  // directories exist implicitly
}

Status MemoryFileSystem::SyncDirectory(const std::string& directory) {
  std::lock_guard lock(mutex_);
  if (fail_syncs_)
    return IOError("fsync directory " + directory + ": injected");
  for (auto& [path, node] : files_) {
    if (ParentOf(path) == directory) node.entry_synced = true;
  }
  std::erase_if(durable_shadows_, [&directory](const auto& entry) {
    return ParentOf(entry.first) == directory;
  });
  return Status::Ok();
}

Result<std::unique_ptr<FileLock>> MemoryFileSystem::Lock(
    const std::string& path) {
  std::lock_guard lock(mutex_);
  if (!locks_.insert(path).second) {
    return UnavailableError(path + " is held by another owner");
  }
  return std::unique_ptr<FileLock>(std::make_unique<Lock_>(*this, path));
}

void MemoryFileSystem::SetContent(const std::string& path,
                                  std::string content) {
  std::lock_guard lock(mutex_);
  Node& node = files_[path];
  node.content = std::move(content);
  node.synced_size = node.content.size();
  node.entry_synced = true;
}

void MemoryFileSystem::CrashAndLoseUnsynced() {
  std::lock_guard lock(mutex_);
  std::erase_if(files_,
                [](const auto& entry) { return !entry.second.entry_synced; });
  for (auto& [path, node] : durable_shadows_) files_[path] = std::move(node);
  durable_shadows_.clear();
  for (auto& [path, node] : files_) node.content.resize(node.synced_size);
}

void MemoryFileSystem::FailSyncs(bool fail) {
  std::lock_guard lock(mutex_);
  fail_syncs_ = fail;
}

void MemoryFileSystem::FailWritesAfter(std::optional<std::uint64_t> bytes) {
  std::lock_guard lock(mutex_);
  write_budget_ = bytes;
}

}  // namespace taskstore::eventlog
