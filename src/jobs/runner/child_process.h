#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

// A task's process: any executable, started in its own process group with its output sent to
// files, under a small supervisor that records how it ended. The supervisor is `/bin/sh`,
// started with posix_spawn (no fork of the runner, whose memory would otherwise be copied on
// write for as long as the task runs): it runs the command, survives the SIGTERM sent to the
// group, and writes `exit_status_path`, so a runner that restarts after a crash can tell a task
// that finished from one that died with it.
namespace keel::jobs {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on the PATH of `env`
  std::vector<std::string> env;   // the complete environment, "NAME=value"
  std::string working_dir;        // "" = the runner's
  std::string stdout_path;        // created or truncated
  std::string stderr_path;
  std::string exit_status_path;  // written when the command ends: "exit N" (N > 128: signal)
};

struct ExitInfo {
  int exit_code = 0;  // when !signaled
  int signal = 0;     // when signaled
  bool signaled = false;
  bool ok() const { return !signaled && exit_code == 0; }
  std::string Describe() const;  // "exit code 3", "killed by signal 9 (Killed)"
};

// Reads an exit status file written by the supervisor. nullopt if absent or unreadable.
std::optional<ExitInfo> ReadExitStatus(const std::string& path);

// Thread-compatible: one owner polls and signals it. Destroying a running ChildProcess does not
// stop it (use Kill first).
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  // Errors: kInvalidParameterValue for an empty argv; kIOError when the log files cannot be
  // opened, the working directory cannot be entered or the supervisor cannot start. A command
  // that cannot be executed (not found, not executable) starts and exits 127 with the reason in
  // its stderr file, as in a shell.
  static Result<ChildProcess> Start(const ProcessSpec& spec);

  // The process group id (= the supervisor's pid); signal -pgid to reach the whole tree.
  pid_t pgid() const { return pid_; }
  // A file descriptor that becomes readable when the supervisor exits (a pidfd), for poll().
  int wait_fd() const { return pidfd_; }

  // Reaps the supervisor if it has exited; then returns how the command ended (read from the
  // status file; a supervisor killed before writing it reports its own signal).
  std::optional<ExitInfo> TryWait();
  // Sends `sig` to the whole process group.
  void Signal(int sig) const;
  // SIGTERM to the group, up to `grace_millis` for the command to end, then SIGKILL to whatever
  // is left of the group; reaps the supervisor.
  ExitInfo Kill(int64_t grace_millis);

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::string exit_status_path_;
  std::optional<ExitInfo> exited_;
};

// Whether any process of group `pgid` exists (zombies count; for recovery after a restart).
bool ProcessGroupAlive(pid_t pgid);

}  // namespace keel::jobs
