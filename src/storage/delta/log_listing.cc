#include "storage/delta/log_listing.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace keel::delta {
namespace {

constexpr size_t kVersionDigits = 20;

// Parses exactly `n` decimal digits at the start of `s`.
bool ParseDigits(std::string_view s, size_t n, int64_t* out) {
  if (s.size() < n) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string LogDir(const std::string& table_root) { return JoinPath(table_root, "_delta_log"); }

std::string VersionDigits(int64_t version) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020lld", static_cast<long long>(version));
  return buf;
}

std::string CommitPath(const std::string& table_root, int64_t version) {
  return JoinPath(LogDir(table_root), VersionDigits(version) + ".json");
}

int64_t LogListing::latest_version() const {
  int64_t latest = commits.empty() ? -1 : commits.back();
  if (!checkpoints.empty()) latest = std::max(latest, checkpoints.back().version);
  return latest;
}

bool LogListing::HasCommits(int64_t from, int64_t to) const {
  if (from > to) return true;
  auto it = std::lower_bound(commits.begin(), commits.end(), from);
  // Commits are unique and sorted, so [from, to] is present iff it occupies to-from+1 slots.
  auto end = std::upper_bound(commits.begin(), commits.end(), to);
  return it != commits.end() && *it == from && end - it == to - from + 1;
}

Result<LogListing> ListLog(FileSystem* fs, const std::string& table_root) {
  const std::string dir = LogDir(table_root);
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(dir));
  if (!exists) {
    return Status::NotFound("'" + table_root +
                                        "' is not a Delta table: it has no _delta_log directory");
  }
  KEEL_ASSIGN_OR_RETURN(auto names, fs->ListDir(dir));
  LogListing out;
  // version -> (declared parts -> part number -> name)
  std::map<int64_t, std::map<int64_t, std::map<int64_t, std::string>>> parts;
  for (const std::string& name : names) {
    int64_t version = 0;
    if (name.size() <= kVersionDigits || name[kVersionDigits] != '.' ||
        !ParseDigits(name, kVersionDigits, &version)) {
      continue;
    }
    std::string_view rest = std::string_view(name).substr(kVersionDigits);
    if (rest == ".json") {
      out.commits.push_back(version);
    } else if (rest == ".checkpoint.parquet") {
      parts[version][1][1] = name;
    } else if (rest.size() == std::string_view(".checkpoint.0000000001.0000000002.parquet").size() &&
               rest.substr(0, 12) == ".checkpoint." && rest.substr(rest.size() - 8) == ".parquet") {
      int64_t part = 0, total = 0;
      std::string_view nums = rest.substr(12);
      if (ParseDigits(nums, 10, &part) && nums[10] == '.' &&
          ParseDigits(nums.substr(11), 10, &total) && part >= 1 && part <= total) {
        parts[version][total][part] = name;
      }
    }
  }
  for (const auto& [version, by_total] : parts) {
    // Prefer the complete set with the fewest parts (a single file when both exist).
    for (const auto& [total, files] : by_total) {
      if (static_cast<int64_t>(files.size()) != total) continue;
      CheckpointFiles cp;
      cp.version = version;
      for (const auto& [part, name] : files) cp.paths.push_back(JoinPath(dir, name));
      out.checkpoints.push_back(std::move(cp));
      break;
    }
  }
  return out;
}

}  // namespace keel::delta
