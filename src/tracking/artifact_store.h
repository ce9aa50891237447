#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"

namespace keel::tracking {

// One entry of a listing, as MLflow's FileInfo: `path` is relative to the base the listing was
// made in (the listed directory joined with the entry's name), '/'-separated.
// The scheme of artifact URIs served by the mlflow-artifacts proxy ("mlflow-artifacts:/1/<run>/
// artifacts"); the rest of such a URI is a path relative to the artifact root.
inline constexpr std::string_view kArtifactProxyScheme = "mlflow-artifacts:/";

struct ArtifactEntry {
  std::string path;
  bool is_dir = false;
  int64_t file_size = 0;
};

struct ArtifactStoreOptions {
  // Longest accepted relative path and path segment. Defaults: 1024 and 255 bytes.
  size_t max_path_bytes = 1024;
  size_t max_segment_bytes = 255;
};

// Run artifacts on the local file system under one root directory. Every operation takes a
// `base` that Keel derived (e.g. "<experiment>/<run>/artifacts") and a `path` a client sent.
// Nothing is ever read or written outside root/base:
//  - paths are normalised and refused when they hold "..", are absolute, contain backslashes,
//    NUL or control bytes, or exceed the length limits;
//  - every directory on the way is opened with O_NOFOLLOW relative to its parent, and files
//    are opened with O_NOFOLLOW, so a symlink planted anywhere under the root is refused.
// Writes are atomic (temporary file, fsync, rename). Thread-safe.
//
// Errors: kInvalidParameterValue for a refused path (the message never shows server paths),
// kResourceDoesNotExist for a missing file, kIOError otherwise.
class ArtifactStore {
 public:
  explicit ArtifactStore(std::string root, ArtifactStoreOptions options = {});

  // "a/./b/" -> "a/b"; "" for the base itself. Refuses "a//b" (an absolute path in disguise).
  static Result<std::string> NormalizeRelativePath(std::string_view path,
                                                   const ArtifactStoreOptions& options = {});

  Status Put(std::string_view base, std::string_view path, std::string_view data);
  // Moves the finished file `source` (e.g. a streamed upload spooled to disk) into place as
  // `path`, by rename when it is on the same file system, else by copy; `source` is gone after
  // success. Atomic like Put.
  Status PutFile(std::string_view base, std::string_view path, const std::string& source);
  // Streams the whole of `source` (e.g. a file of another store) into `path`. Atomic like Put.
  Status PutFrom(std::string_view base, std::string_view path, const RandomAccessFile& source);
  Result<std::string> Get(std::string_view base, std::string_view path) const;
  // Opens a file for streaming reads (large downloads) with the same checks as Get.
  Result<std::unique_ptr<RandomAccessFile>> Open(std::string_view base,
                                                 std::string_view path) const;
  // Direct children of the directory `path`, sorted by name; empty when it does not exist.
  // Listing a file gives an empty list, as MLflow's local repository does.
  Result<std::vector<ArtifactEntry>> List(std::string_view base, std::string_view path) const;
  // Removes a file or a directory tree.
  Status Delete(std::string_view base, std::string_view path);

  const std::string& root() const { return root_; }

 private:
  // The opened (O_NOFOLLOW-walked) parent directory of base/path and the file's name.
  struct Parent {
    int dir_fd;  // owned by the caller
    std::string name;
  };
  Result<Parent> OpenParent(std::string_view base, std::string_view path, bool create) const;
  // Creates `path` from a temporary file in its directory that `write` fills (given the open
  // descriptor), then syncs it and renames it into place; on error nothing is left behind.
  Status WriteNew(std::string_view base, std::string_view path,
                  const std::function<Status(int fd)>& write);

  std::string root_;
  ArtifactStoreOptions options_;
};

}  // namespace keel::tracking
