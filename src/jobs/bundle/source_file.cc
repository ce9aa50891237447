#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/yaml.h"
#include "jobs/bundle/bundle.h"
#include "jobs/bundle/source_file_internal.h"

namespace keel::jobs::bundle_internal {

std::string JoinKey(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string JoinIndex(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

// "a.b[2]" -> "a.b", "a.b" -> "a", "a" -> "".
std::string ParentPath(const std::string& path) {
  if (!path.empty() && path.back() == ']') {
    size_t open = path.rfind('[');
    if (open != std::string::npos) return path.substr(0, open);
  }
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

Status ErrorAt(const Origin& origin, const std::string& message) {
  return Status::InvalidArgument(origin.Describe() + ": " + message);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(none)" : out;
}

std::string Origin::Describe() const {
  if (file == nullptr) return description;
  for (std::string p = path;; p = ParentPath(p)) {
    auto it = file->locations.find(p);
    if (it != file->locations.end()) {
      return file->name + ":" + std::to_string(it->second.first) + ":" +
             std::to_string(it->second.second);
    }
    if (p.empty()) break;
  }
  return path.empty() ? file->name : file->name + ": " + path;
}

Status RequireObject(const Origin& origin, const json::Value& v, std::string_view what) {
  if (v.is_object()) return Status::OK();
  return ErrorAt(origin, std::string(what) + " must be a mapping");
}

// Refuses members of `obj` (at `path` in `file`) not in `allowed`: a typo is an error.
Status RejectUnknownKeys(const SourceFile& file, const std::string& path, const json::Value& obj,
                         std::initializer_list<std::string_view> allowed, std::string_view what) {
  for (const auto& [key, value] : obj.as_object()) {
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (known) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    return ErrorAt(At(file, JoinKey(path, key)), "unknown field '" + key + "' in " +
                                                     std::string(what) + "; expected one of " +
                                                     JoinNames(names));
  }
  return Status::OK();
}

// Reads and parses root/rel, refusing files over kMaxBundleFileBytes.
Result<SourceFile> ReadSource(const std::string& root, const std::string& rel) {
  std::string path = root + "/" + rel;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IOError(rel + ": cannot read: " + std::strerror(errno));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxBundleFileBytes) {
    return Status::LimitExceeded(rel + ": the file has " + std::to_string(st.st_size) +
                                 " bytes; bundle files are limited to " +
                                 std::to_string(kMaxBundleFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::IOError(rel + ": cannot read the file");
  SourceFile file;
  file.name = rel;
  yaml::ParseOptions options;
  options.max_input_bytes = kMaxBundleFileBytes;
  Result<yaml::Located> parsed = yaml::ParseWithLocations(text.str(), options);
  if (!parsed.ok()) return parsed.status().WithContext(rel);
  file.doc = std::move(parsed->value);
  file.locations = std::move(parsed->locations);
  return file;
}

// Copies the locations under `prefix` in `locations`, relative to it.
Locations LocationsUnder(const Locations& locations, const std::string& prefix) {
  Locations out;
  for (auto it = locations.lower_bound(prefix); it != locations.end(); ++it) {
    const std::string& path = it->first;
    if (path.compare(0, prefix.size(), prefix) != 0) break;
    if (path.size() == prefix.size()) continue;
    char next = path[prefix.size()];
    if (next == '.') {
      out[path.substr(prefix.size() + 1)] = it->second;
    } else if (next == '[') {
      out[path.substr(prefix.size())] = it->second;
    }
  }
  return out;
}

}  // namespace keel::jobs::bundle_internal
