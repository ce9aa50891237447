#pragma once

#include <string>

#include "common/result.h"

// The code a deployed job runs: an immutable copy of one git commit's files, so that a deploy
// from a checkout with uncommitted edits still runs exactly what was committed, and promoting a
// commit to staging and prod runs the same bytes there.
namespace keel::jobs {

// The state of a git checkout.
struct GitState {
  std::string commit;  // full SHA-1 of HEAD
  std::string branch;  // empty when HEAD is detached
  bool dirty = false;  // tracked files have uncommitted changes
  // Where repo_dir is inside the repository ("" at its top, else "ml/project/"), so that a
  // bundle in a subfolder finds itself inside a snapshot of the whole tree.
  std::string prefix;
};

// Asks git (`git -C repo_dir ...`) where the checkout stands.
// Errors: kInvalidParameterValue when repo_dir is not inside a git work tree with at least one
// commit, or git is not installed.
Result<GitState> ReadGitState(const std::string& repo_dir);

// Exports the tree of `commit` from the repository at `repo_dir` into
// `snapshots_root/<commit>` and returns that path. `commit` is a full 40-hex-digit SHA-1
// (upper case is accepted and written lower case); names like HEAD or branches are refused so
// that a snapshot's name always says what it holds. Uses `git archive` (so files marked
// export-ignore in the commit's .gitattributes are left out and submodules are not included)
// and `tar`, run directly, never through a shell.
//
// Atomic and idempotent: the files are extracted into a scratch folder `.tmp-<commit>-XXXXXX`
// beside the snapshot, synced, and renamed into place; a snapshot that already exists is
// returned as is. Concurrent callers (threads or processes) for the same commit each extract
// and the first rename wins; the others discard their copy. A crash can leave a scratch folder
// behind, never a partial snapshot; scratch folders may be deleted when no snapshot is being
// taken. snapshots_root is created if needed.
//
// Errors: kInvalidParameterValue for a malformed commit or a commit that is not in the
// repository; kIOError when files cannot be written or git or tar fail.
Result<std::string> SnapshotCommit(const std::string& repo_dir, const std::string& commit,
                                   const std::string& snapshots_root);

}  // namespace keel::jobs
