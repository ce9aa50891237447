// Tests of the test harness itself (tests/testutil): temp dirs, ports, child processes and the
// KeelServer launcher. The launcher is tested against a tiny stand-in server written in Python
// (skipped without python3), and lightly against the real `keel` binary when it has `server`.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/http/http_client.h"
#include "server/http/server.h"
#include "testutil/free_port.h"
#include "testutil/keel_binary.h"
#include "testutil/keel_process.h"
#include "testutil/temp_dir.h"

namespace keel::testutil {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Writes an executable script to `path`.
void WriteScript(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0755);
}

// A stand-in for `keel server --home H --host H --port P` that answers GET /health with 200
// after a short delay and exits 0 on SIGTERM.
constexpr const char* kFakeServer = R"(#!/usr/bin/python3
import http.server, signal, sys, time
args = sys.argv[1:]
assert args[0] == "server", args
port = int(args[args.index("--port") + 1])
host = args[args.index("--host") + 1]
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/health" else 404
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        sys.stderr.write("request\n")
time.sleep(0.2)
http.server.HTTPServer((host, port), H).serve_forever()
)";

TEST(TempDirTest, CreatesADirectoryAndRemovesItWithItsContents) {
  std::string path;
  {
    TempDir dir;
    path = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::create_directories(dir.Join("a/b"));
    std::ofstream(dir.Join("a/b/file")) << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(FreePortTest, ReturnsAPortThatCanBeBound) {
  Result<uint16_t> port = FindFreePort();
  ASSERT_TRUE(port.ok()) << port.status().ToString();
  http::HttpServerOptions options;
  options.port = *port;
  options.worker_threads = 1;
  http::HttpServer server(options, [](const http::Request&) { return http::Response(); });
  Status s = server.Start();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(RunProcessTest, CapturesStdoutStderrAndTheExitCode) {
  RunOptions options;
  options.env = {"KEEL_TEST_VAR=hello"};
  Result<ProcessResult> r =
      RunProcess("/bin/sh", {"-c", "echo out $KEEL_TEST_VAR; echo err >&2; exit 3"}, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stdout_text, "out hello\n");
  EXPECT_EQ(r->stderr_text, "err\n");
  EXPECT_FALSE(r->timed_out);
}

TEST(RunProcessTest, FeedsStdin) {
  RunOptions options;
  options.stdin_text = "line one\nline two\n";
  Result<ProcessResult> r = RunProcess("/bin/sh", {"-c", "wc -l"}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stdout_text.find('2') != std::string::npos, true) << r->stdout_text;
}

TEST(RunProcessTest, KillsTheProcessGroupAfterTheTimeout) {
  RunOptions options;
  options.timeout_millis = 200;
  int64_t start = http::MonotonicMillis();
  Result<ProcessResult> r = RunProcess("/bin/sh", {"-c", "sleep 30 & sleep 30"}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);
  EXPECT_LT(http::MonotonicMillis() - start, 5'000);
}

TEST(RunProcessTest, ReportsAMissingBinaryAsAnError) {
  Result<ProcessResult> r = RunProcess("/nonexistent/keel", {});
  EXPECT_FALSE(r.ok());
}

TEST(KeelServerTest, StartsWaitsForHealthAndStopsWithSigterm) {
  if (::access(kPython, X_OK) != 0) GTEST_SKIP() << "needs " << kPython;
  TempDir dir;
  WriteScript(dir.Join("fake-keel"), kFakeServer);
  KeelServerOptions options;
  options.binary = dir.Join("fake-keel");
  options.home = dir.path();
  KeelServer server(options);
  Status s = server.Start();
  ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << server.ReadStderr();
  EXPECT_TRUE(server.running());
  Result<http::ClientResponse> r = http::Send("GET", server.base_url() + "/health");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  Status stopped = server.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.exit_code(), 0);
  EXPECT_NE(server.ReadStderr().find("request"), std::string::npos);
}

TEST(KeelServerTest, FailsFastWithTheServersStderrWhenItExits) {
  TempDir dir;
  WriteScript(dir.Join("broken-keel"), "#!/bin/sh\necho 'cannot open metastore' >&2\nexit 2\n");
  KeelServerOptions options;
  options.binary = dir.Join("broken-keel");
  options.home = dir.path();
  KeelServer server(options);
  int64_t start = http::MonotonicMillis();
  Status s = server.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_LT(http::MonotonicMillis() - start, 5'000);
  EXPECT_NE(s.message().find("cannot open metastore"), std::string::npos) << s.message();
  EXPECT_EQ(server.exit_code(), 2);
}

TEST(KeelServerTest, KillEndsTheServerAtOnce) {
  if (::access(kPython, X_OK) != 0) GTEST_SKIP() << "needs " << kPython;
  TempDir dir;
  WriteScript(dir.Join("fake-keel"), kFakeServer);
  KeelServerOptions options;
  options.binary = dir.Join("fake-keel");
  options.home = dir.path();
  KeelServer server(options);
  ASSERT_TRUE(server.Start().ok());
  server.Kill();
  EXPECT_FALSE(server.running());
  EXPECT_EQ(server.exit_code(), 128 + SIGKILL);
  EXPECT_FALSE(http::Send("GET", server.base_url() + "/health").ok());
}

TEST(KeelServerTest, RealBinaryAnswersHealth) {
  if (::access(KeelBinary().c_str(), X_OK) != 0) GTEST_SKIP() << "no keel binary yet";
  Result<ProcessResult> help = RunKeel({"--help"});
  if (!help.ok() || (help->stdout_text + help->stderr_text).find("server") == std::string::npos) {
    GTEST_SKIP() << "this keel has no `server` command yet";
  }
  TempDir home;
  Result<ProcessResult> init = RunKeel({"init", "--home", home.path()});
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  ASSERT_EQ(init->exit_code, 0) << init->stdout_text << init->stderr_text;
  KeelServer server(DefaultKeelServerOptions(home.path()));
  Status s = server.Start();
  ASSERT_TRUE(s.ok()) << s.ToString();
  Status stopped = server.Stop();
  EXPECT_TRUE(stopped.ok()) << stopped.ToString() << "\n" << server.ReadStderr();
  EXPECT_EQ(server.exit_code(), 0);
}

}  // namespace
}  // namespace keel::testutil
