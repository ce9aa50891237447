#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

// Expands the `include:` patterns of a bundle into files, without letting a pattern reach
// outside the bundle's root folder.
namespace keel::jobs {

struct IncludeGlobOptions {
  // Relative paths never returned (the project file itself). Default: none.
  std::vector<std::string> skip;
  // Directory entries the walk may visit in total before it gives up with
  // kRequestLimitExceeded (a `**` over a huge tree). Default: 200,000.
  size_t max_walk_entries = 200000;
};

// Appends to `files` the regular files under `root` matched by `pattern`, as paths relative to
// root, sorted, skipping those already in `files`.
//
// REQUIRES: `root` is absolute with symlinks resolved (std::filesystem::canonical).
// Pattern syntax: segments separated by '/'; in a segment `*` matches any run of characters
// other than '/', `?` one character and `[...]` a class (fnmatch without flags); a segment `**`
// matches any number of folders (a final `**` matches every file below). `.` segments are
// ignored. The walk does not enter `.git` or symlinked folders; a matched symlink to a file is
// followed and must resolve inside root.
//
// Errors (kInvalidParameterValue unless noted; messages start with "include '<pattern>'"):
// an empty or absolute pattern, a `..` segment, a matched file resolving outside root, a
// pattern without wildcards that names no file or names a folder; kRequestLimitExceeded when
// the walk passes max_walk_entries; kIOError when a folder cannot be read.
Status ExpandIncludePattern(const std::string& root, const std::string& pattern,
                            const IncludeGlobOptions& options, size_t* walk_entries,
                            std::vector<std::string>* files);

}  // namespace keel::jobs
