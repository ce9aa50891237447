#include "testutil/keel_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/http/http_client.h"
#include "server/http/socket_io.h"
#include "testutil/free_port.h"

extern char** environ;

namespace keel::testutil {

namespace {

// How often Start() probes /health, and how long one probe may take.
constexpr int64_t kHealthPollMillis = 50;
constexpr int64_t kHealthProbeTimeoutMillis = 1'000;
// How much of a failed server's stderr goes into the error message.
constexpr size_t kStderrTailBytes = 4096;

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The parent's environment with `overrides` ("KEY=VALUE") applied.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& o : overrides) {
      if (o.substr(0, o.find('=')) == key) replaced = true;
    }
    if (!replaced) env.push_back(std::move(entry));
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// posix_spawn with its own process group (so that signals reach the whole tree) and default
// signal dispositions. `actions` set up the child's stdin/stdout/stderr.
Result<pid_t> Spawn(const std::string& binary, const std::vector<std::string>& args,
                    const std::vector<std::string>& env_overrides,
                    posix_spawn_file_actions_t* actions) {
  std::vector<std::string> argv_strings;
  argv_strings.push_back(binary);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = MergedEnvironment(env_overrides);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, binary.c_str(), actions, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Status::IOError("cannot start '" + binary + "': " + std::strerror(rc));
  }
  return pid;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Result<ProcessResult> RunProcess(const std::string& binary, const std::vector<std::string>& args,
                                 const RunOptions& options) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IOError("pipe failed");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Status::IOError("pipe failed");
  }
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return Status::IOError("pipe failed");
  }
  http::UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  http::UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);
  http::UniqueFd in_read(in_pipe[0]), in_write(in_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  Result<pid_t> pid = Spawn(binary, args, options.env, &actions);
  posix_spawn_file_actions_destroy(&actions);
  if (!pid.ok()) return pid.status();
  out_write.reset();
  err_write.reset();
  in_read.reset();

  // Feed stdin and drain stdout/stderr together, so that no pipe fills up and deadlocks.
  ProcessResult result;
  int64_t deadline = http::MonotonicMillis() + options.timeout_millis;
  std::string_view to_write = options.stdin_text;
  if (to_write.empty()) in_write.reset();
  if (in_write.valid()) {
    Status s = http::SetNonBlocking(in_write.get());
    (void)s;
  }
  while (out_read.valid() || err_read.valid()) {
    std::vector<pollfd> fds;
    if (out_read.valid()) fds.push_back({out_read.get(), POLLIN, 0});
    if (err_read.valid()) fds.push_back({err_read.get(), POLLIN, 0});
    if (in_write.valid()) fds.push_back({in_write.get(), POLLOUT, 0});
    int64_t left = deadline - http::MonotonicMillis();
    if (left <= 0) {
      result.timed_out = true;
      ::kill(-*pid, SIGKILL);
      break;
    }
    int rc = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(left, 1000)));
    if (rc < 0 && errno != EINTR) break;
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      if (in_write.valid() && p.fd == in_write.get()) {
        ssize_t n = ::write(p.fd, to_write.data(), to_write.size());
        if (n > 0) to_write.remove_prefix(static_cast<size_t>(n));
        if (n < 0 && errno != EAGAIN && errno != EINTR) to_write = {};
        if (to_write.empty()) in_write.reset();
        continue;
      }
      char buf[8192];
      ssize_t n = ::read(p.fd, buf, sizeof(buf));
      bool is_out = out_read.valid() && p.fd == out_read.get();
      if (n > 0) {
        (is_out ? result.stdout_text : result.stderr_text).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        (is_out ? out_read : err_read).reset();
      }
    }
  }
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = DecodeWaitStatus(status);
  return result;
}

KeelServer::KeelServer(KeelServerOptions options) : options_(std::move(options)) {
  if (options_.log_dir.empty()) options_.log_dir = options_.home;
}

KeelServer::~KeelServer() {
  if (running()) {
    Status s = Stop();
    (void)s;  // a destructor cannot report; tests that care call Stop() themselves
  }
}

std::string KeelServer::base_url() const {
  return "http://" + options_.host + ":" + std::to_string(port_);
}

std::string KeelServer::stderr_path() const { return options_.log_dir + "/keel-server.stderr"; }

std::string KeelServer::ReadStderr() const { return ReadFileOrEmpty(stderr_path()); }

Status KeelServer::Start() {
  if (running())
    return Status::InvalidState("keel server already running (pid " + std::to_string(pid_) + ")");
  if (options_.binary.empty() || options_.home.empty()) {
    return Status::InvalidArgument("KeelServerOptions needs binary and home");
  }
  port_ = options_.port;
  if (port_ == 0) {
    KEEL_ASSIGN_OR_RETURN(port_, FindFreePort());
  }
  std::vector<std::string> args = {"server",      "--home", options_.home,        "--host",
                                   options_.host, "--port", std::to_string(port_)};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());

  std::string stdout_path = options_.log_dir + "/keel-server.stdout";
  std::string err_path = stderr_path();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  Result<pid_t> pid = Spawn(options_.binary, args, options_.env, &actions);
  posix_spawn_file_actions_destroy(&actions);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  exit_code_ = -1;

  int64_t deadline = http::MonotonicMillis() + options_.startup_timeout_millis;
  http::ClientOptions probe;
  probe.timeout_millis = kHealthProbeTimeoutMillis;
  while (http::MonotonicMillis() < deadline) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      exit_code_ = DecodeWaitStatus(status);
      std::string err = ReadStderr();
      if (err.size() > kStderrTailBytes) err = "..." + err.substr(err.size() - kStderrTailBytes);
      return Status::IOError("keel server exited with code " + std::to_string(exit_code_) +
                             " before answering /health; its stderr:\n" + err);
    }
    Result<http::ClientResponse> health =
        http::Send("GET", options_.host, port_, "/health", {}, {}, probe);
    if (health.ok() && health->status == 200) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(kHealthPollMillis));
  }
  Kill();
  return Status::Unavailable("keel server on port " + std::to_string(port_) +
                             " did not answer GET /health with 200 within " +
                             std::to_string(options_.startup_timeout_millis) + " ms; see " +
                             stderr_path());
}

bool KeelServer::WaitForExit(int64_t timeout_millis) {
  int64_t deadline = http::MonotonicMillis() + timeout_millis;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno == ECHILD)) {
      exit_code_ = done == pid_ ? DecodeWaitStatus(status) : -1;
      pid_ = -1;
      return true;
    }
    if (http::MonotonicMillis() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status KeelServer::Stop() {
  if (!running()) return Status::OK();
  pid_t group = pid_;
  ::kill(-group, SIGTERM);
  if (WaitForExit(options_.stop_timeout_millis)) return Status::OK();
  ::kill(-group, SIGKILL);
  WaitForExit(options_.stop_timeout_millis);
  return Status::Internal("keel server (pid " + std::to_string(group) + ") ignored SIGTERM for " +
                          std::to_string(options_.stop_timeout_millis) + " ms and was killed");
}

void KeelServer::Kill() {
  if (!running()) return;
  ::kill(-pid_, SIGKILL);
  WaitForExit(options_.stop_timeout_millis);
}

}  // namespace keel::testutil
