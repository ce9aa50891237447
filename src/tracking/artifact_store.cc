#include "tracking/artifact_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/random.h"

namespace keel::tracking {

namespace {

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::vector<std::string> Segments(std::string_view clean) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < clean.size()) {
    size_t slash = clean.find('/', start);
    if (slash == std::string_view::npos) slash = clean.size();
    out.emplace_back(clean.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

Status Refused(std::string_view why) {
  return Status::InvalidArgument("invalid artifact path: " + std::string(why));
}

Status IoError(std::string_view what, int err) {
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound("artifact not found");
  if (err == ELOOP) return Refused("it goes through a symbolic link");
  return Status::IOError(std::string(what) + ": " + std::strerror(err));
}

// Opens (creating when asked) each directory of `segments` below `dir_fd`, never following
// symlinks. Returns the fd of the last one.
Result<Fd> WalkDirs(int dir_fd, const std::vector<std::string>& segments, size_t count,
                    bool create) {
  Fd current(::dup(dir_fd));
  if (!current.ok()) return IoError("dup", errno);
  for (size_t i = 0; i < count; ++i) {
    const char* name = segments[i].c_str();
    if (create && ::mkdirat(current.get(), name, 0755) != 0 && errno != EEXIST) {
      return IoError("mkdir", errno);
    }
    Fd next(::openat(current.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.ok()) {
      int err = errno;
      // A symlink on the way is refused outright rather than reported as missing.
      struct stat st;
      if (::fstatat(current.get(), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        return Refused("it goes through a symbolic link");
      }
      return IoError("open directory", err);
    }
    current = std::move(next);
  }
  return current;
}

}  // namespace

ArtifactStore::ArtifactStore(std::string root, ArtifactStoreOptions options)
    : root_(std::move(root)), options_(options) {}

Result<std::string> ArtifactStore::NormalizeRelativePath(std::string_view path,
                                                         const ArtifactStoreOptions& options) {
  if (path.size() > options.max_path_bytes) {
    return Refused("longer than " + std::to_string(options.max_path_bytes) + " bytes");
  }
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) return Refused("control characters are not allowed");
    if (c == '\\') return Refused("backslashes are not allowed; use '/'");
  }
  if (!path.empty() && path.front() == '/') return Refused("it must be relative, not absolute");
  if (path.size() >= 2 && path[1] == ':') return Refused("drive letters are not allowed");
  // "a//b" would hide an absolute path inside a longer one ("<run>/artifacts//etc/passwd").
  std::string_view body = path;
  if (!body.empty() && body.back() == '/') body.remove_suffix(1);  // "dir/" lists a directory
  if (body.find("//") != std::string_view::npos) return Refused("empty path segments ('//')");
  std::string out;
  for (const std::string& seg : Segments(body)) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") return Refused("'..' is not allowed");
    if (seg.size() > options.max_segment_bytes) {
      return Refused("a path segment is longer than " + std::to_string(options.max_segment_bytes) +
                     " bytes");
    }
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

Result<ArtifactStore::Parent> ArtifactStore::OpenParent(std::string_view base,
                                                        std::string_view path, bool create) const {
  KEEL_ASSIGN_OR_RETURN(std::string clean_base, NormalizeRelativePath(base, options_));
  KEEL_ASSIGN_OR_RETURN(std::string clean, NormalizeRelativePath(path, options_));
  if (clean.empty()) return Refused("it names no file");
  if (create) {
    std::error_code ec;
    std::filesystem::create_directories(root_, ec);
    if (ec) return Status::IOError("cannot create the artifact root: " + ec.message());
  }
  Fd root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.ok()) {
    if (!create) return Status::NotFound("artifact not found");
    return IoError("open artifact root", errno);
  }
  std::vector<std::string> segments =
      Segments(clean_base.empty() ? clean : clean_base + "/" + clean);
  KEEL_ASSIGN_OR_RETURN(Fd dir, WalkDirs(root.get(), segments, segments.size() - 1, create));
  return Parent{dir.release(), segments.back()};
}

namespace {

// Moves the finished temporary file `tmp` of directory `dir` to `name`, refusing to replace a
// directory or a symlink. Removes `tmp` on failure.
Status Install(int dir, const std::string& tmp, const std::string& name) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
    ::unlinkat(dir, tmp.c_str(), 0);
    return Refused("it names a directory or a link, not a file");
  }
  if (::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(dir, tmp.c_str(), 0);
    return IoError("rename artifact", err);
  }
  ::fsync(dir);
  return Status::OK();
}

std::string TempName(const std::string& name) {
  return "." + name.substr(0, 64) + ".tmp-" + NewId().substr(0, 12);
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return IoError("write artifact", errno);
    data.remove_prefix(static_cast<size_t>(w));
  }
  return Status::OK();
}

}  // namespace

Status ArtifactStore::WriteNew(std::string_view base, std::string_view path,
                               const std::function<Status(int fd)>& write) {
  KEEL_ASSIGN_OR_RETURN(Parent parent, OpenParent(base, path, true));
  Fd dir(parent.dir_fd);
  std::string tmp = TempName(parent.name);
  Fd file(
      ::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!file.ok()) return IoError("create artifact", errno);
  Status s = write(file.get());
  if (s.ok() && ::fsync(file.get()) != 0) s = IoError("sync artifact", errno);
  if (!s.ok()) {
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    return s;
  }
  return Install(dir.get(), tmp, parent.name);
}

Status ArtifactStore::Put(std::string_view base, std::string_view path, std::string_view data) {
  return WriteNew(base, path, [&](int fd) { return WriteAll(fd, data); });
}

Status ArtifactStore::PutFrom(std::string_view base, std::string_view path,
                              const RandomAccessFile& source) {
  return WriteNew(base, path, [&](int fd) -> Status {
    std::string chunk;
    for (uint64_t at = 0; at < source.size(); at += chunk.size()) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(1 << 20, source.size() - at));
      KEEL_RETURN_IF_ERROR(source.ReadAt(at, n, &chunk));
      if (chunk.empty()) return Status::IOError("unexpected end of a file while copying");
      KEEL_RETURN_IF_ERROR(WriteAll(fd, chunk));
    }
    return Status::OK();
  });
}

Status ArtifactStore::PutFile(std::string_view base, std::string_view path,
                              const std::string& source) {
  KEEL_ASSIGN_OR_RETURN(Parent parent, OpenParent(base, path, true));
  Fd dir(parent.dir_fd);
  std::string tmp = TempName(parent.name);
  if (::renameat(AT_FDCWD, source.c_str(), dir.get(), tmp.c_str()) == 0) {
    return Install(dir.get(), tmp, parent.name);
  }
  if (errno != EXDEV) return IoError("move uploaded artifact", errno);
  // Another file system: copy in bounded chunks.
  int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return IoError("open uploaded artifact", errno);
  KEEL_ASSIGN_OR_RETURN(auto in, RandomAccessFileFromFd(fd, "the uploaded artifact"));
  KEEL_RETURN_IF_ERROR(PutFrom(base, path, *in));
  ::unlink(source.c_str());
  return Status::OK();
}

Result<std::unique_ptr<RandomAccessFile>> ArtifactStore::Open(std::string_view base,
                                                              std::string_view path) const {
  KEEL_ASSIGN_OR_RETURN(Parent parent, OpenParent(base, path, false));
  Fd dir(parent.dir_fd);
  int fd = ::openat(dir.get(), parent.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return IoError("open artifact", errno);
  auto file = RandomAccessFileFromFd(fd, "artifact");
  if (!file.ok()) return Refused("it names a directory, not a file");
  return file;
}

Result<std::string> ArtifactStore::Get(std::string_view base, std::string_view path) const {
  KEEL_ASSIGN_OR_RETURN(auto file, Open(base, path));
  std::string out;
  KEEL_RETURN_IF_ERROR(file->ReadAt(0, file->size(), &out));
  return out;
}

Result<std::vector<ArtifactEntry>> ArtifactStore::List(std::string_view base,
                                                       std::string_view path) const {
  KEEL_ASSIGN_OR_RETURN(std::string clean_base, NormalizeRelativePath(base, options_));
  KEEL_ASSIGN_OR_RETURN(std::string clean, NormalizeRelativePath(path, options_));
  std::vector<ArtifactEntry> out;
  Fd root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.ok()) return out;
  std::string joined =
      clean_base.empty() ? clean : (clean.empty() ? clean_base : clean_base + "/" + clean);
  std::vector<std::string> segments = Segments(joined);
  Result<Fd> dir = WalkDirs(root.get(), segments, segments.size(), false);
  if (!dir.ok()) {
    if (dir.status().code() == ErrorCode::kResourceDoesNotExist) return out;
    return dir.status();
  }
  int fd = ::dup(dir->get());
  DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (d == nullptr) {
    if (fd >= 0) ::close(fd);
    return IoError("list artifacts", errno);
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name.rfind('.', 0) == 0) continue;  // hides temp files
    struct stat st;
    if (::fstatat(dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) continue;  // links are not artifacts
    ArtifactEntry entry;
    entry.path = clean.empty() ? name : clean + "/" + name;
    entry.is_dir = S_ISDIR(st.st_mode);
    entry.file_size = entry.is_dir ? 0 : static_cast<int64_t>(st.st_size);
    out.push_back(std::move(entry));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(),
            [](const ArtifactEntry& a, const ArtifactEntry& b) { return a.path < b.path; });
  return out;
}

Status ArtifactStore::Delete(std::string_view base, std::string_view path) {
  KEEL_ASSIGN_OR_RETURN(std::string clean_base, NormalizeRelativePath(base, options_));
  KEEL_ASSIGN_OR_RETURN(std::string clean, NormalizeRelativePath(path, options_));
  if (clean.empty()) return Refused("it names no file");
  Fd root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.ok()) return Status::NotFound("artifact not found");
  std::vector<std::string> segments =
      Segments(clean_base.empty() ? clean : clean_base + "/" + clean);
  KEEL_ASSIGN_OR_RETURN(Fd dir, WalkDirs(root.get(), segments, segments.size() - 1, false));
  const std::string& name = segments.back();
  struct stat st;
  if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return IoError("stat artifact", errno);
  }
  if (S_ISDIR(st.st_mode)) {
    // The directory was reached without following links, so removing the tree by its real
    // path stays inside the root (remove_all does not follow symlinks it meets inside).
    std::error_code ec;
    std::filesystem::remove_all(
        root_ + "/" + (clean_base.empty() ? clean : clean_base + "/" + clean), ec);
    if (ec) return Status::IOError("cannot delete artifacts: " + ec.message());
    return Status::OK();
  }
  if (::unlinkat(dir.get(), name.c_str(), 0) != 0) return IoError("delete artifact", errno);
  return Status::OK();
}

}  // namespace keel::tracking
