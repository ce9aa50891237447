#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace keel::testutil {

// Running the `keel` binary (or any program) as a child process from tests. The binary's path
// is a parameter here because KEEL_BINARY is defined only for test binaries; tests use the
// wrappers in testutil/keel_binary.h, which supply it.

struct ProcessResult {
  int exit_code = -1;  // the exit status; 128 + signal number when killed by a signal
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

struct RunOptions {
  static constexpr int64_t kDefaultTimeoutMillis = 60'000;
  // "KEY=VALUE" entries added to (or replacing in) the parent's environment.
  std::vector<std::string> env;
  // The child (and its process group) gets SIGKILL after this long. Default: 60 s.
  int64_t timeout_millis = kDefaultTimeoutMillis;
  // Written to the child's stdin, which is then closed.
  std::string stdin_text;
  // The child's working directory; empty: the parent's. (The binary path must then be absolute.)
  std::string cwd;
};

// Runs `binary args...` in its own process group and waits for it, capturing stdout and
// stderr. A non-zero exit is a successful Result (look at exit_code). Errors: kIOError when
// the process cannot be started.
Result<ProcessResult> RunProcess(const std::string& binary, const std::vector<std::string>& args,
                                 const RunOptions& options = {});

struct KeelServerOptions {
  static constexpr int64_t kDefaultStartupTimeoutMillis = 20'000;
  static constexpr int64_t kDefaultStopTimeoutMillis = 10'000;

  std::string binary;                   // path of `keel`; required (see KeelBinary())
  std::string home;                     // --home; required
  std::string host = "127.0.0.1";       // --host
  uint16_t port = 0;                    // --port; 0 picks a free port
  std::vector<std::string> extra_args;  // appended after the standard flags
  std::vector<std::string> env;         // "KEY=VALUE" added to the environment
  // Where keel-server.stdout / keel-server.stderr go. Default: `home`.
  std::string log_dir;
  // Start() fails when GET /health has not answered 200 by then. Default: 20 s.
  int64_t startup_timeout_millis = kDefaultStartupTimeoutMillis;
  // Stop() sends SIGKILL when SIGTERM has not ended the process by then. Default: 10 s.
  int64_t stop_timeout_millis = kDefaultStopTimeoutMillis;
};

// A `keel server --home DIR --host H --port P` child process in its own process group, for
// integration tests (Redis's start_server). Start() returns once GET /health answers 200, and
// fails fast with the server's stderr if the process exits first. The destructor stops it.
//
// Thread-safety: not thread-safe; drive it from the test's thread.
class KeelServer {
 public:
  explicit KeelServer(KeelServerOptions options);
  ~KeelServer();
  KeelServer(const KeelServer&) = delete;
  KeelServer& operator=(const KeelServer&) = delete;

  // Errors: kIOError (cannot spawn, or the process exited: the message holds its stderr),
  // kTemporarilyUnavailable (no healthy answer within startup_timeout_millis; the process is
  // killed), kInvalidState (already running).
  Status Start();
  // SIGTERM to the process group, then wait; SIGKILL after stop_timeout_millis. Returns
  // kInternalError when SIGKILL was needed (a graceful-shutdown bug). OK when not running.
  Status Stop();
  // SIGKILL to the process group, then wait (crash tests).
  void Kill();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& host() const { return options_.host; }
  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT"
  std::string base_url() const;
  // The exit code of the last run (128 + signal when killed); -1 while running or never run.
  int exit_code() const { return exit_code_; }
  std::string stderr_path() const;
  // The server's stderr so far (its log).
  std::string ReadStderr() const;

 private:
  // Waits up to `timeout_millis` for the child to exit; returns true when it did.
  bool WaitForExit(int64_t timeout_millis);

  KeelServerOptions options_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace keel::testutil
