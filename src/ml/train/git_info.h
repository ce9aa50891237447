#pragma once

#include <optional>
#include <string>

// The code version a training run came from, as MLflow records it: the git commit, branch and
// remote of the working directory, and whether it had uncommitted changes.
namespace keel::ml {

struct GitInfo {
  std::string commit;    // full SHA-1
  std::string branch;    // empty when detached
  std::string repo_url;  // remote "origin", empty when none
  bool dirty = false;    // uncommitted changes to tracked files
};

// Asks git about `dir` (runs `git -C dir ...`). nullopt when `dir` is not inside a git work tree
// or git is not installed: a run without a code version is still a run.
std::optional<GitInfo> ReadGitInfo(const std::string& dir);

}  // namespace keel::ml
