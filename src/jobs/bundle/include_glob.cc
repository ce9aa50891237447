#include "jobs/bundle/include_glob.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

namespace keel::jobs {

namespace {

namespace fs = std::filesystem;

bool HasWildcard(const std::string& segment) {
  return segment.find_first_of("*?[") != std::string::npos;
}

std::string JoinRelative(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

struct DirEntry {
  std::string name;
  bool is_dir = false;  // a real folder, not a symlink to one
};

// Walks the folders under `root` matching pattern segments, collecting matched files (which
// may still be symlinks; the caller checks where they lead).
class GlobWalker {
 public:
  GlobWalker(const std::string& root, const std::string& pattern, std::vector<std::string> segments,
             size_t max_entries, size_t* entries)
      : root_(root),
        pattern_(pattern),
        segments_(std::move(segments)),
        max_entries_(max_entries),
        entries_(entries) {}

  Status Walk(const std::string& rel_dir, size_t segment_idx) {
    if (segment_idx >= segments_.size()) return Status::OK();
    std::vector<DirEntry> listing;
    KEEL_RETURN_IF_ERROR(List(rel_dir, &listing));
    const std::string& segment = segments_[segment_idx];
    bool last = segment_idx + 1 == segments_.size();
    if (segment == "**") {
      // Zero folders, then one or more.
      KEEL_RETURN_IF_ERROR(Walk(rel_dir, segment_idx + 1));
      for (const DirEntry& entry : listing) {
        if (entry.is_dir)
          KEEL_RETURN_IF_ERROR(Walk(JoinRelative(rel_dir, entry.name), segment_idx));
      }
      return Status::OK();
    }
    for (const DirEntry& entry : listing) {
      if (::fnmatch(segment.c_str(), entry.name.c_str(), 0) != 0) continue;
      std::string rel = JoinRelative(rel_dir, entry.name);
      if (last) {
        if (!entry.is_dir) matches_.insert(rel);
      } else if (entry.is_dir) {
        KEEL_RETURN_IF_ERROR(Walk(rel, segment_idx + 1));
      }
    }
    return Status::OK();
  }

  const std::set<std::string>& matches() const { return matches_; }

 private:
  // The entries of root/rel_dir, without `.git`. A folder that does not exist lists empty (a
  // glob may match nothing).
  Status List(const std::string& rel_dir, std::vector<DirEntry>* listing) {
    fs::path dir = rel_dir.empty() ? fs::path(root_) : fs::path(root_) / rel_dir;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return Status::OK();
    }
    if (ec) {
      return Status::IOError("include '" + pattern_ + "': cannot list folder '" +
                             (rel_dir.empty() ? "." : rel_dir) + "': " + ec.message());
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (++*entries_ > max_entries_) {
        return Status::LimitExceeded("include '" + pattern_ + "': globbing visited more than " +
                                     std::to_string(max_entries_) +
                                     " files and folders; use a narrower pattern");
      }
      std::string name = it->path().filename().string();
      if (name == ".git") continue;
      std::error_code status_ec;
      fs::file_status status = it->symlink_status(status_ec);
      if (status_ec) continue;  // vanished while listing
      listing->push_back({name, fs::is_directory(status)});
    }
    if (ec) {
      return Status::IOError("include '" + pattern_ + "': cannot list folder '" +
                             (rel_dir.empty() ? "." : rel_dir) + "': " + ec.message());
    }
    std::sort(listing->begin(), listing->end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return Status::OK();
  }

  const std::string& root_;
  const std::string& pattern_;
  const std::vector<std::string> segments_;
  const size_t max_entries_;
  size_t* entries_;
  std::set<std::string> matches_;
};

// OK when root/rel resolves (through symlinks) to a regular file inside root.
Status CheckInsideRoot(const std::string& root, const std::string& pattern,
                       const std::string& rel) {
  std::error_code ec;
  fs::path resolved = fs::canonical(fs::path(root) / rel, ec);
  if (ec) {
    return Status::InvalidArgument("include '" + pattern + "': cannot resolve '" + rel +
                                   "': " + ec.message());
  }
  const std::string& text = resolved.native();
  bool inside = text.size() > root.size() && text.compare(0, root.size(), root) == 0 &&
                (root.back() == '/' || text[root.size()] == '/');
  if (!inside) {
    return Status::InvalidArgument("include '" + pattern + "': '" + rel +
                                   "' is a symlink leading outside the bundle folder; bundle "
                                   "files must live inside it");
  }
  if (!fs::is_regular_file(resolved, ec)) {
    return Status::InvalidArgument("include '" + pattern + "': '" + rel +
                                   "' is not a file; include files, e.g. '" + rel + "/*.yml'");
  }
  return Status::OK();
}

}  // namespace

Status ExpandIncludePattern(const std::string& root, const std::string& pattern,
                            const IncludeGlobOptions& options, size_t* walk_entries,
                            std::vector<std::string>* files) {
  if (pattern.empty()) return Status::InvalidArgument("include '': the pattern is empty");
  if (pattern.front() == '/') {
    return Status::InvalidArgument("include '" + pattern +
                                   "': absolute paths are not allowed; give a path relative to "
                                   "the folder of keel.yml");
  }
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= pattern.size()) {
    size_t slash = pattern.find('/', start);
    if (slash == std::string::npos) slash = pattern.size();
    std::string segment = pattern.substr(start, slash - start);
    start = slash + 1;
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      return Status::InvalidArgument("include '" + pattern +
                                     "': '..' is not allowed; included files must live inside "
                                     "the bundle folder");
    }
    segments.push_back(std::move(segment));
  }
  if (segments.empty()) {
    return Status::InvalidArgument("include '" + pattern + "': the pattern names no file");
  }
  // A final `**` means every file below, as in gitignore.
  if (segments.back() == "**") segments.push_back("*");

  std::vector<std::string> matched;
  bool literal = std::none_of(segments.begin(), segments.end(), HasWildcard);
  if (literal) {
    std::string rel;
    for (const std::string& segment : segments) rel = JoinRelative(rel, segment);
    std::error_code ec;
    fs::file_status status = fs::symlink_status(fs::path(root) / rel, ec);
    if (ec || !fs::exists(status)) {
      return Status::InvalidArgument("include '" + pattern +
                                     "': no such file in the bundle folder");
    }
    matched.push_back(rel);
  } else {
    GlobWalker walker(root, pattern, segments, options.max_walk_entries, walk_entries);
    KEEL_RETURN_IF_ERROR(walker.Walk("", 0));
    matched.assign(walker.matches().begin(), walker.matches().end());
  }

  for (const std::string& rel : matched) {
    if (std::find(options.skip.begin(), options.skip.end(), rel) != options.skip.end()) continue;
    KEEL_RETURN_IF_ERROR(CheckInsideRoot(root, pattern, rel));
    if (std::find(files->begin(), files->end(), rel) == files->end()) files->push_back(rel);
  }
  return Status::OK();
}

}  // namespace keel::jobs
