#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"

namespace keel::delta {

// Names of the files in `<table>/_delta_log` and what a directory listing says about them.

std::string LogDir(const std::string& table_root);
// "<root>/_delta_log/00000000000000000007.json"
std::string CommitPath(const std::string& table_root, int64_t version);
// "00000000000000000007" (20 digits).
std::string VersionDigits(int64_t version);

// A classic checkpoint whose every part is present.
struct CheckpointFiles {
  int64_t version = 0;
  std::vector<std::string> paths;  // part 1..n, full paths
};

struct LogListing {
  std::vector<int64_t> commits;               // versions with a commit file, ascending
  std::vector<CheckpointFiles> checkpoints;   // complete classic checkpoints, ascending
  // Highest version the log knows (commit or checkpoint); -1 when there is none.
  int64_t latest_version() const;
  // True when commits [from, to] are all present.
  bool HasCommits(int64_t from, int64_t to) const;
};

// Lists `<root>/_delta_log`. Anything that is not a commit or classic checkpoint name (.crc
// files, _last_checkpoint, temporaries, V2 UUID checkpoints, compacted logs) is ignored;
// multi-part checkpoints with a missing part are left out. Errors: kResourceDoesNotExist when
// there is no _delta_log directory ("not a Delta table").
Result<LogListing> ListLog(FileSystem* fs, const std::string& table_root);

}  // namespace keel::delta
