#include "jobs/bundle/code_snapshot.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>
#include <vector>

#include "ml/train/git_info.h"

extern char** environ;

namespace keel::jobs {

namespace {

namespace fs = std::filesystem;

// How much of a tool's output is kept for error messages.
constexpr size_t kMaxToolOutputBytes = 16 * 1024;

struct ToolResult {
  bool ok = false;
  std::string how;     // "exit code 128", "killed by signal 9"
  std::string output;  // stdout and stderr, interleaved, at most kMaxToolOutputBytes
};

void CloseQuietly(int fd) {
  if (fd >= 0) ::close(fd);
}

// Runs argv[0] (found on PATH) with `argv`, no shell, stdin from /dev/null, and waits for it.
// Errors only when the process cannot be started; a tool that fails is reported in ToolResult.
Result<ToolResult> RunTool(const std::vector<std::string>& argv) {
  // Everything the child needs is prepared before fork: after fork in a multi-threaded process
  // only async-signal-safe calls are allowed.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) return Status::IOError(std::string("cannot open /dev/null: ") + strerror(errno));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    CloseQuietly(null_fd);
    return Status::IOError(std::string("cannot create a pipe: ") + strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    CloseQuietly(null_fd);
    CloseQuietly(pipe_fds[0]);
    CloseQuietly(pipe_fds[1]);
    return Status::IOError("cannot start " + argv[0] + ": " + strerror(err));
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the copies, so only fds 0-2 reach the tool.
    if (::dup2(null_fd, 0) < 0 || ::dup2(pipe_fds[1], 1) < 0 || ::dup2(pipe_fds[1], 2) < 0) {
      _exit(127);
    }
    ::execvp(args[0], args.data());
    static const char kMessage[] = "cannot execute the program (is it installed?)\n";
    ssize_t ignored = ::write(2, kMessage, sizeof(kMessage) - 1);
    (void)ignored;
    _exit(127);
  }
  CloseQuietly(null_fd);
  CloseQuietly(pipe_fds[1]);
  ToolResult result;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // Keep draining past the cap so the tool never blocks on a full pipe.
    size_t keep = std::min(static_cast<size_t>(n), kMaxToolOutputBytes - result.output.size());
    result.output.append(buffer, keep);
  }
  CloseQuietly(pipe_fds[0]);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return Status::IOError(std::string("waitpid: ") + strerror(errno));
  }
  if (WIFEXITED(wait_status)) {
    result.ok = WEXITSTATUS(wait_status) == 0;
    result.how = "exit code " + std::to_string(WEXITSTATUS(wait_status));
  } else {
    result.how = "killed by signal " + std::to_string(WTERMSIG(wait_status));
  }
  while (!result.output.empty() && (result.output.back() == '\n' || result.output.back() == ' ')) {
    result.output.pop_back();
  }
  return result;
}

// An error for a tool that ran and failed: "`git archive` failed (exit code 128): fatal: ...".
Status ToolFailed(const std::string& what, const ToolResult& result) {
  std::string message = "`" + what + "` failed (" + result.how + ")";
  if (!result.output.empty()) message += ": " + result.output;
  return Status::IOError(message);
}

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// fsyncs `path` (a file or folder). Symlinks are not followed.
Status SyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return Status::IOError("cannot open '" + path + "' to sync: " + strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError("cannot sync '" + path + "': " + strerror(err));
  return Status::OK();
}

// fsyncs every file and folder under `dir`, so that the rename that publishes it never exposes
// empty files after a crash.
Status SyncTree(const std::string& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::file_status status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_regular_file(status)) {
      KEEL_RETURN_IF_ERROR(SyncPath(it->path().string(), false));
    } else if (fs::is_directory(status)) {
      KEEL_RETURN_IF_ERROR(SyncPath(it->path().string(), true));
    }
  }
  if (ec) return Status::IOError("cannot walk '" + dir + "': " + ec.message());
  return SyncPath(dir, true);
}

// Removes the scratch folder and tar file unless released.
class ScratchCleanup {
 public:
  ScratchCleanup(std::string dir, std::string tar) : dir_(std::move(dir)), tar_(std::move(tar)) {}
  ~ScratchCleanup() {
    std::error_code ec;
    fs::remove(tar_, ec);
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  void KeepDir() { dir_.clear(); }

 private:
  std::string dir_;
  std::string tar_;
};

}  // namespace

Result<GitState> ReadGitState(const std::string& repo_dir) {
  std::optional<ml::GitInfo> info = ml::ReadGitInfo(repo_dir);
  if (!info) {
    return Status::InvalidArgument("'" + repo_dir +
                                   "' is not inside a git checkout with a commit (or git is not "
                                   "installed); commit the bundle to git first");
  }
  GitState state;
  state.commit = info->commit;
  state.branch = info->branch;
  state.dirty = info->dirty;
  KEEL_ASSIGN_OR_RETURN(ToolResult prefix,
                        RunTool({"git", "-C", repo_dir, "rev-parse", "--show-prefix"}));
  if (!prefix.ok) return ToolFailed("git rev-parse --show-prefix", prefix);
  state.prefix = prefix.output;
  while (!state.prefix.empty() && (state.prefix.back() == '\n' || state.prefix.back() == '\r')) {
    state.prefix.pop_back();
  }
  return state;
}

Result<std::string> SnapshotCommit(const std::string& repo_dir, const std::string& commit,
                                   const std::string& snapshots_root) {
  std::string sha;
  for (char c : commit) sha.push_back(c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c);
  if (sha.size() != 40 || !std::all_of(sha.begin(), sha.end(), IsHex)) {
    return Status::InvalidArgument("commit '" + commit.substr(0, 64) +
                                   "' is not a full SHA-1; give the 40 hex digits that "
                                   "`git rev-parse HEAD` prints");
  }
  if (repo_dir.empty() || snapshots_root.empty()) {
    return Status::InvalidArgument("SnapshotCommit needs a repository and a snapshots folder");
  }
  std::error_code ec;
  fs::path root = fs::absolute(snapshots_root, ec);
  if (ec) return Status::IOError("bad snapshots folder '" + snapshots_root + "': " + ec.message());
  std::string final_dir = (root / sha).string();
  fs::file_status existing = fs::symlink_status(final_dir, ec);
  if (!ec && fs::is_directory(existing)) return final_dir;
  if (!ec && fs::exists(existing)) {
    return Status::IOError("snapshot path '" + final_dir + "' exists and is not a folder");
  }

  KEEL_ASSIGN_OR_RETURN(ToolResult is_repo,
                        RunTool({"git", "-C", repo_dir, "rev-parse", "--git-dir"}));
  if (!is_repo.ok) {
    return Status::InvalidArgument("'" + repo_dir + "' is not a git repository: " + is_repo.output);
  }
  KEEL_ASSIGN_OR_RETURN(ToolResult has_commit,
                        RunTool({"git", "-C", repo_dir, "cat-file", "-e", sha + "^{commit}"}));
  if (!has_commit.ok) {
    return Status::InvalidArgument("commit " + sha + " is not in the repository at '" + repo_dir +
                                   "'; commit or fetch it first");
  }

  fs::create_directories(root, ec);
  if (ec) {
    return Status::IOError("cannot create snapshots folder '" + root.string() +
                           "': " + ec.message());
  }
  std::string scratch_template = (root / (".tmp-" + sha + "-XXXXXX")).string();
  std::vector<char> scratch_buf(scratch_template.begin(), scratch_template.end());
  scratch_buf.push_back('\0');
  if (::mkdtemp(scratch_buf.data()) == nullptr) {
    return Status::IOError("cannot create a scratch folder in '" + root.string() +
                           "': " + strerror(errno));
  }
  std::string scratch = scratch_buf.data();
  std::string tar_path = scratch + ".tar";
  ScratchCleanup cleanup(scratch, tar_path);

  KEEL_ASSIGN_OR_RETURN(ToolResult archive, RunTool({"git", "-C", repo_dir, "archive",
                                                     "--format=tar", "--output=" + tar_path, sha}));
  if (!archive.ok) return ToolFailed("git archive " + sha, archive);
  // --no-same-owner/permissions: files belong to the caller with its umask, whoever runs this.
  KEEL_ASSIGN_OR_RETURN(ToolResult extract, RunTool({"tar", "-x", "-f", tar_path, "-C", scratch,
                                                     "--no-same-owner", "--no-same-permissions"}));
  if (!extract.ok) return ToolFailed("tar -x", extract);
  // mkdtemp made the folder 0700; a snapshot is read by whoever runs the jobs.
  if (::chmod(scratch.c_str(), 0755) != 0) {
    return Status::IOError("cannot chmod '" + scratch + "': " + strerror(errno));
  }
  KEEL_RETURN_IF_ERROR(SyncTree(scratch));

  // RENAME_NOREPLACE: a concurrent caller that renamed first keeps its snapshot, even if the
  // commit's tree is empty (a plain rename would replace an empty folder).
  if (::renameat2(AT_FDCWD, scratch.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_NOREPLACE) != 0) {
    int err = errno;
    if (err == EINVAL || err == ENOSYS) {
      // A file system without RENAME_NOREPLACE: plain rename still refuses a non-empty target.
      if (::rename(scratch.c_str(), final_dir.c_str()) != 0)
        err = errno;
      else
        err = 0;
    }
    if (err != 0) {
      if ((err == EEXIST || err == ENOTEMPTY) && fs::is_directory(final_dir, ec)) {
        return final_dir;  // another caller won; cleanup discards our copy
      }
      return Status::IOError("cannot rename snapshot into '" + final_dir + "': " + strerror(err));
    }
  }
  cleanup.KeepDir();
  KEEL_RETURN_IF_ERROR(SyncPath(root.string(), true));
  return final_dir;
}

}  // namespace keel::jobs
