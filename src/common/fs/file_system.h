#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace keel {

// A file opened for positional reads. Thread-safe: ReadAt may be called concurrently.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `out` (resized to what was read; shorter only at EOF).
  virtual Status ReadAt(uint64_t offset, size_t n, std::string* out) const = 0;
  virtual uint64_t size() const = 0;
};

// A file opened for sequential writing. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Flushes to the device (fsync).
  virtual Status Sync() = 0;
  virtual Status Close() = 0;
};

// The one door to files, after LevelDB's Env: storage code goes through it so that tests can
// inject faults. Paths are absolute or relative to the working directory; callers derive them,
// never taking them from requests. Thread-safe.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The real POSIX file system (process-wide, never deleted).
  static FileSystem* Default();

  virtual Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) = 0;
  // Creates or truncates.
  virtual Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path) = 0;

  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Writes to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
  // directory: readers see the old or the new content, never a mix.
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data) = 0;
  // Like WriteFileAtomic but fails with kResourceAlreadyExists when `path` exists (hard link of
  // the temporary file, so two racing writers cannot both succeed). The Delta commit primitive.
  virtual Status PutIfAbsent(const std::string& path, std::string_view data) = 0;

  virtual Status CreateDirs(const std::string& path) = 0;
  virtual Result<bool> Exists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Last modification time, milliseconds since the epoch.
  virtual Result<int64_t> ModifiedTimeMillis(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes a directory tree; OK when it does not exist.
  virtual Status RemoveAll(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
};

// A RandomAccessFile over an open file descriptor, which it takes over (closed on error too);
// `name` is used in messages. For callers that open files themselves (e.g. with O_NOFOLLOW
// relative to a directory). Refuses directories.
Result<std::unique_ptr<RandomAccessFile>> RandomAccessFileFromFd(int fd, std::string name);

// "a/b" joined with "c" -> "a/b/c".
std::string JoinPath(std::string_view a, std::string_view b);

// The last `max_bytes` of a file (all of it when smaller), e.g. the end of a log. Sets
// *truncated when there was more (truncated may be null).
Result<std::string> ReadFileTail(FileSystem* fs, const std::string& path, uint64_t max_bytes,
                                 bool* truncated = nullptr);

}  // namespace keel
