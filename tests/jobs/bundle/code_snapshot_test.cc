#include "jobs/bundle/code_snapshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testutil/temp_dir.h"

namespace keel::jobs {
namespace {

namespace fs = std::filesystem;

// Runs argv without a shell and returns its stdout with the trailing newline trimmed; fails
// the test when it exits non-zero.
std::string RunTool(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe";
    return "";
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << argv[0] << " " << argv[1];
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CodeSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.Join("repo");
    snapshots_ = dir_.Join("snapshots");
    fs::create_directories(repo_);
    Git({"init", "-q", "-b", "main"});
  }

  std::string Git(std::vector<std::string> args) {
    std::vector<std::string> argv = {"git", "-C",          repo_, "-c", "user.email=ci@example.com",
                                     "-c",  "user.name=CI"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunTool(argv);
  }

  void Write(const std::string& rel, const std::string& text) {
    fs::path path = fs::path(repo_) / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  // Commits everything in the work tree and returns the commit's SHA-1.
  std::string CommitAll(const std::string& message) {
    Git({"add", "-A"});
    Git({"commit", "-q", "-m", message});
    return Git({"rev-parse", "HEAD"});
  }

  // Names in `snapshots_` (to see that no scratch folders are left behind).
  std::vector<std::string> SnapshotEntries() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(snapshots_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  testutil::TempDir dir_{"keel-snapshot-test"};
  std::string repo_;
  std::string snapshots_;
};

TEST_F(CodeSnapshotTest, SnapshotHoldsTheCommittedFilesNotTheDirtyWorkingTree) {
  Write("train.py", "print('v1')\n");
  Write("jobs/train.yml", "name: train\n");
  Write("run.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(fs::path(repo_) / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
  std::string commit = CommitAll("first");
  Write("train.py", "print('v2, not committed')\n");
  Write("untracked.txt", "scratch\n");

  Result<GitState> state = ReadGitState(repo_);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->commit, commit);
  EXPECT_EQ(state->branch, "main");
  EXPECT_TRUE(state->dirty);

  Result<std::string> snapshot = SnapshotCommit(repo_, commit, snapshots_);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(*snapshot, snapshots_ + "/" + commit);
  EXPECT_EQ(ReadFile(*snapshot + "/train.py"), "print('v1')\n");
  EXPECT_EQ(ReadFile(*snapshot + "/jobs/train.yml"), "name: train\n");
  EXPECT_FALSE(fs::exists(*snapshot + "/untracked.txt"));
  EXPECT_FALSE(fs::exists(*snapshot + "/.git"));
  EXPECT_NE(fs::status(*snapshot + "/run.sh").permissions() & fs::perms::owner_exec,
            fs::perms::none);
  EXPECT_EQ(SnapshotEntries(), std::vector<std::string>{commit});
}

TEST_F(CodeSnapshotTest, AnOlderCommitSnapshotsItsOwnContent) {
  Write("model.txt", "one\n");
  std::string first = CommitAll("first");
  Write("model.txt", "two\n");
  Write("added.txt", "new\n");
  std::string second = CommitAll("second");

  Result<std::string> old_snapshot = SnapshotCommit(repo_, first, snapshots_);
  ASSERT_TRUE(old_snapshot.ok()) << old_snapshot.status().ToString();
  EXPECT_EQ(ReadFile(*old_snapshot + "/model.txt"), "one\n");
  EXPECT_FALSE(fs::exists(*old_snapshot + "/added.txt"));
  Result<std::string> new_snapshot = SnapshotCommit(repo_, second, snapshots_);
  ASSERT_TRUE(new_snapshot.ok()) << new_snapshot.status().ToString();
  EXPECT_EQ(ReadFile(*new_snapshot + "/model.txt"), "two\n");
}

TEST_F(CodeSnapshotTest, ASecondSnapshotOfTheSameCommitReturnsTheFirst) {
  Write("a.txt", "a\n");
  std::string commit = CommitAll("first");
  Result<std::string> first = SnapshotCommit(repo_, commit, snapshots_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // A marker the second call would lose if it extracted again.
  std::ofstream(*first + "/marker") << "kept";
  Result<std::string> second = SnapshotCommit(repo_, commit, snapshots_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, *first);
  EXPECT_EQ(ReadFile(*second + "/marker"), "kept");
  // Upper-case hex names the same snapshot.
  std::string upper = commit;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  Result<std::string> third = SnapshotCommit(repo_, upper, snapshots_);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(*third, *first);
}

TEST_F(CodeSnapshotTest, ConcurrentSnapshotsOfOneCommitAgree) {
  for (int file_idx = 0; file_idx < 50; ++file_idx) {
    Write("src/f" + std::to_string(file_idx) + ".txt", std::string(1000, 'x'));
  }
  std::string commit = CommitAll("many files");
  constexpr int kThreads = 4;
  std::vector<Result<std::string>> results(kThreads, Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back(
        [&, thread_idx] { results[thread_idx] = SnapshotCommit(repo_, commit, snapshots_); });
  }
  for (std::thread& t : threads) t.join();
  for (const Result<std::string>& result : results) {
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(*result, snapshots_ + "/" + commit);
  }
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(snapshots_ + "/" + commit + "/src")) {
    EXPECT_EQ(fs::file_size(entry.path()), 1000u);
    ++files;
  }
  EXPECT_EQ(files, 50u);
  EXPECT_EQ(SnapshotEntries(), std::vector<std::string>{commit});
}

TEST_F(CodeSnapshotTest, MalformedCommitsAreRefusedBeforeTouchingDisk) {
  Write("a.txt", "a\n");
  std::string commit = CommitAll("first");
  for (std::string bad : {std::string("HEAD"), std::string("main"), commit.substr(0, 12),
                          commit + "0", std::string(40, 'g'), "--output=/tmp/x" + commit,
                          std::string("../") + commit.substr(3), std::string()}) {
    SCOPED_TRACE(bad);
    Result<std::string> snapshot = SnapshotCommit(repo_, bad, snapshots_);
    ASSERT_FALSE(snapshot.ok());
    EXPECT_EQ(snapshot.status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_NE(snapshot.status().message().find("40 hex digits"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(snapshots_));
}

TEST_F(CodeSnapshotTest, ACommitNotInTheRepositoryIsRefused) {
  Write("a.txt", "a\n");
  CommitAll("first");
  Result<std::string> snapshot = SnapshotCommit(repo_, std::string(40, 'a'), snapshots_);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_EQ(snapshot.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(snapshot.status().message().find("not in the repository"), std::string::npos);
  EXPECT_FALSE(fs::exists(snapshots_ + "/" + std::string(40, 'a')));
}

TEST_F(CodeSnapshotTest, ANonRepositoryIsRefused) {
  std::string plain = dir_.Join("plain");
  fs::create_directories(plain);
  Result<std::string> snapshot = SnapshotCommit(plain, std::string(40, 'a'), snapshots_);
  ASSERT_FALSE(snapshot.ok());
  EXPECT_NE(snapshot.status().message().find("not a git repository"), std::string::npos)
      << snapshot.status().message();
  Result<GitState> state = ReadGitState(plain);
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), ErrorCode::kInvalidParameterValue);
}

TEST_F(CodeSnapshotTest, ReadGitStateSeesACleanCheckoutAndADetachedHead) {
  Write("a.txt", "a\n");
  std::string commit = CommitAll("first");
  Result<GitState> clean = ReadGitState(repo_);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_FALSE(clean->dirty);
  Git({"checkout", "-q", "--detach", commit});
  Result<GitState> detached = ReadGitState(repo_);
  ASSERT_TRUE(detached.ok()) << detached.status().ToString();
  EXPECT_EQ(detached->commit, commit);
  EXPECT_EQ(detached->branch, "");
}

}  // namespace
}  // namespace keel::jobs
