#include "ml/train/git_info.h"

#include <sys/wait.h>

#include <cstdio>

namespace keel::ml {

namespace {

// Single-quotes `s` for sh.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The output of `git -C dir <args>` with trailing newlines trimmed; nullopt when it fails.
std::optional<std::string> Git(const std::string& dir, const std::string& args) {
  std::string command = "git -C " + ShellQuote(dir) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  // A porcelain status of a huge tree is long; only whether it is empty matters, so cap it.
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) {
    if (out.size() < (1 << 20)) out.append(buf, n);
  }
  int rc = pclose(pipe);
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) return std::nullopt;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::optional<GitInfo> ReadGitInfo(const std::string& dir) {
  std::optional<std::string> commit = Git(dir, "rev-parse HEAD");
  if (!commit || commit->size() != 40) return std::nullopt;
  GitInfo info;
  info.commit = *commit;
  std::optional<std::string> branch = Git(dir, "symbolic-ref --short -q HEAD");
  if (branch) info.branch = *branch;
  std::optional<std::string> url = Git(dir, "remote get-url origin");
  if (url) info.repo_url = *url;
  std::optional<std::string> status = Git(dir, "status --porcelain --untracked-files=no");
  info.dirty = status && !status->empty();
  return info;
}

}  // namespace keel::ml
