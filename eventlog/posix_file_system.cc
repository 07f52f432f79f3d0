// The FileSystem of a POSIX system (Linux).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "eventlog/file_system.h"

namespace taskstore::eventlog {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }

 private:
  const int fd_;
};

// Opens `path` read-only and reports its size; NotFound when missing.
Result<std::unique_ptr<FileDescriptor>> OpenForReading(const std::string& path,
                                                       std::size_t* size) {
  // O_NONBLOCK keeps a FIFO under a data file's name from blocking the
  // open; it has no effect on the regular files accepted below.
  int raw_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (raw_fd < 0) {
    if (errno == ENOENT) return NotFoundError(path + " does not exist");
    return ErrnoError("open " + path, errno);
  }
  auto fd = std::make_unique<FileDescriptor>(raw_fd);
  struct stat info;
  if (::fstat(fd->get(), &info) != 0) return ErrnoError("stat " + path, errno);
  if (!S_ISREG(info.st_mode)) {
    return IOError("read " + path + ": not a regular file");
  }
  *size = static_cast<std::size_t>(info.st_size);
  return fd;
}

class PosixAppendableFile final : public AppendableFile {
 public:
  PosixAppendableFile(std::string path, int fd, std::uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t written = ::write(fd_.get(), data.data(), data.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("append to " + path_, errno);
      }
      size_ += static_cast<std::uint64_t>(written);
      data.remove_prefix(static_cast<size_t>(written));
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_.get()) != 0) {
      return ErrnoError("fdatasync " + path_, errno);
    }
    return Status::Ok();
  }

  std::uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  FileDescriptor fd_;
  std::uint64_t size_;
};

class PosixMappedFile final : public MappedFile {
 public:
  PosixMappedFile(void* address, std::size_t size)
      : address_(address), size_(size) {}
  ~PosixMappedFile() override {
    if (size_ != 0) ::munmap(address_, size_);
  }

  std::string_view contents() const override {
    return std::string_view(static_cast<const char*>(address_), size_);
  }

 private:
  void* const address_;
  const std::size_t size_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}

 private:
  FileDescriptor fd_;  // closing it releases the flock
};

class Posix final : public FileSystem {
 public:
  Result<std::unique_ptr<AppendableFile>> OpenAppendable(
      const std::string& path) override {
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("open " + path, errno);
    struct stat info;
    if (::fstat(fd, &info) != 0) {
      int error = errno;
      ::close(fd);
      return ErrnoError("stat " + path, error);
    }
    return std::unique_ptr<AppendableFile>(
        std::make_unique<PosixAppendableFile>(
            path, fd, static_cast<std::uint64_t>(info.st_size)));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    std::size_t size = 0;
    Result<std::unique_ptr<FileDescriptor>> opened =
        OpenForReading(path, &size);
    if (!opened.ok()) return opened.status();
    const FileDescriptor& fd = **opened;

    std::string content(size, '\0');
    size_t filled = 0;
    while (filled < content.size()) {
      ssize_t n =
          ::read(fd.get(), content.data() + filled, content.size() - filled);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("read " + path, errno);
      }
      if (n == 0) break;  // the file shrank while we read it
      filled += static_cast<size_t>(n);
    }
    content.resize(filled);
    return content;
  }

  Result<std::unique_ptr<MappedFile>> MapFile(
      const std::string& path) override {
    std::size_t size = 0;
    Result<std::unique_ptr<FileDescriptor>> opened =
        OpenForReading(path, &size);
    if (!opened.ok()) return opened.status();
    const FileDescriptor& fd = **opened;
    void* address = nullptr;
    if (size != 0) {
      // Read ahead: the caller reads the whole file once, front to back.
      address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                       fd.get(), 0);
      if (address == MAP_FAILED) return ErrnoError("mmap " + path, errno);
      ::madvise(address, size, MADV_SEQUENTIAL);
    }
    return std::unique_ptr<MappedFile>(
        std::make_unique<PosixMappedFile>(address, size));
  }

  Status Truncate(const std::string& path, std::uint64_t size) override {
    int raw_fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (raw_fd < 0) return ErrnoError("open " + path, errno);
    FileDescriptor fd(raw_fd);
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
      return ErrnoError("truncate " + path, errno);
    }
    if (::fsync(fd.get()) != 0) return ErrnoError("fsync " + path, errno);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoError("rename " + from + " to " + to, errno);
    }
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoError("remove " + path, errno);
    return Status::Ok();
  }

  Result<std::vector<std::string>> List(const std::string& directory) override {
    DIR* dir = ::opendir(directory.c_str());
    if (dir == nullptr) return ErrnoError("list " + directory, errno);
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir)) {
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      names.emplace_back(name);
    }
    ::closedir(dir);
    return names;
  }

  Status CreateDirectories(const std::string& directory) override {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error) {
      return IOError("create directory " + directory + ": " + error.message());
    }
    return Status::Ok();
  }

  Status SyncDirectory(const std::string& directory) override {
    int raw_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (raw_fd < 0) return ErrnoError("open directory " + directory, errno);
    FileDescriptor fd(raw_fd);
    if (::fsync(fd.get()) != 0) {
      return ErrnoError("fsync directory " + directory, errno);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoError("open lock file " + path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK) {
        return UnavailableError(path +
                                " is held by another taskstore process; "
                                "stop it or use another data directory");
      }
      return ErrnoError("lock " + path, error);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
  }
};

}  // namespace

FileSystem& PosixFileSystem() {
  static Posix* file_system = new Posix();
  return *file_system;
}

std::string JoinPath(std::string_view directory, std::string_view name) {
  std::string path(directory);
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

}  // namespace taskstore::eventlog
