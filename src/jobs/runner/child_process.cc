#include "jobs/runner/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace keel::jobs {

std::string ExitInfo::Describe() const {
  if (!signaled) return "exit code " + std::to_string(exit_code);
  const char* name = strsignal(signal);
  return "killed by signal " + std::to_string(signal) + " (" + (name ? name : "?") + ")";
}

std::optional<ExitInfo> ReadExitStatus(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string kind;
  int value = 0;
  if (!(in >> kind >> value)) return std::nullopt;
  if (kind != "exit") return std::nullopt;
  ExitInfo info;
  info.exit_code = value;
  return info;
}

namespace {

// The supervisor: $0 is the status file, "$@" the command. A trapped (not ignored) TERM/INT/HUP
// lets the shell outlive the signal to the group and still record the command's status (the
// command itself starts with default dispositions). The record is one short write; a reader
// that finds it torn treats it as absent.
constexpr char kSupervisorScript[] =
    "trap : TERM INT HUP\n"
    "\"$@\"\n"
    "code=$?\n"
    "printf 'exit %d\\n' \"$code\" > \"$0\"\n"
    "exit $code\n";

int OpenLog(const std::string& path) {
  return open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_APPEND, 0644);
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

Result<ChildProcess> ChildProcess::Start(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return Status::InvalidArgument("a command needs at least the program to run");
  }
  if (spec.exit_status_path.empty()) return Status::InvalidArgument("exit_status_path is required");
  if (!spec.working_dir.empty() && access(spec.working_dir.c_str(), X_OK) != 0) {
    return Status::IOError("cannot enter the working directory " + spec.working_dir + ": " +
                           strerror(errno));
  }
  std::vector<std::string> words = {"sh", "-c", kSupervisorScript, spec.exit_status_path};
  words.insert(words.end(), spec.argv.begin(), spec.argv.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_copy = spec.env;
  std::vector<char*> envp;
  for (std::string& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_fd = OpenLog(spec.stdout_path);
  if (out_fd < 0)
    return Status::IOError("cannot open " + spec.stdout_path + ": " + strerror(errno));
  int err_fd = spec.stderr_path == spec.stdout_path ? dup(out_fd) : OpenLog(spec.stderr_path);
  if (err_fd < 0) {
    close(out_fd);
    return Status::IOError("cannot open " + spec.stderr_path + ": " + strerror(errno));
  }
  ::unlink(spec.exit_status_path.c_str());

  SpawnSetup setup;
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGCHLD, SIGHUP, SIGQUIT}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_USEVFORK);
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err_fd, 2);
  // Nothing of the runner (sockets, the metastore) leaks into tasks.
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3);
  if (!spec.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&setup.actions, spec.working_dir.c_str());
  }
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attr, argv.data(), envp.data());
  close(out_fd);
  close(err_fd);
  if (rc != 0) return Status::IOError(std::string("cannot start the task: ") + strerror(rc));
  ChildProcess child;
  child.pid_ = pid;
  child.pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  child.exit_status_path_ = spec.exit_status_path;
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept { *this = std::move(o); }

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (pidfd_ >= 0) close(pidfd_);
    pid_ = o.pid_;
    pidfd_ = o.pidfd_;
    exit_status_path_ = std::move(o.exit_status_path_);
    exited_ = o.exited_;
    o.pid_ = -1;
    o.pidfd_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pidfd_ >= 0) close(pidfd_);
}

std::optional<ExitInfo> ChildProcess::TryWait() {
  if (exited_) return exited_;
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  ExitInfo info;
  if (auto recorded = ReadExitStatus(exit_status_path_)) {
    info = *recorded;
  } else if (r > 0 && WIFSIGNALED(status)) {
    info.signaled = true;
    info.signal = WTERMSIG(status);
  } else if (r > 0) {
    info.exit_code = WEXITSTATUS(status);
  } else {
    info.exit_code = 127;  // someone else reaped it; no record of how it ended
  }
  exited_ = info;
  return exited_;
}

void ChildProcess::Signal(int sig) const {
  if (pid_ > 0 && !exited_) kill(-pid_, sig);
}

ExitInfo ChildProcess::Kill(int64_t grace_millis) {
  if (exited_) return *exited_;
  Signal(SIGTERM);
  bool reaped = false;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_millis);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped = true;
      break;
    }
    if (pidfd_ >= 0) {
      pollfd pfd{pidfd_, POLLIN, 0};
      poll(&pfd, 1, 20);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  // Whatever is left of the group: the command if it ignored SIGTERM, and anything it started.
  // (Liveness of the group cannot be asked reliably: zombies count as members until reaped.)
  kill(-pid_, SIGKILL);
  if (!reaped) {
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ExitInfo info;
  if (auto recorded = ReadExitStatus(exit_status_path_)) {
    info = *recorded;
  } else {
    info.signaled = true;
    info.signal = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  }
  exited_ = info;
  return info;
}

bool ProcessGroupAlive(pid_t pgid) {
  if (pgid <= 0) return false;
  return kill(-pgid, 0) == 0 || errno == EPERM;
}

}  // namespace keel::jobs
