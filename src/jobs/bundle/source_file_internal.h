#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"

// Bundle files as parsed YAML with the place of every node, and the helpers that turn a JSON
// path into "file:line:column" for messages. Private to jobs/bundle.
namespace keel::jobs::bundle_internal {

using Locations = std::map<std::string, std::pair<int, int>>;

// One parsed bundle file.
struct SourceFile {
  std::string name;  // relative to the bundle root, as shown in messages
  json::Value doc;
  Locations locations;  // JSON path -> 1-based (line, column), from yaml::ParseWithLocations
};

// Reads and parses root/rel. Errors: kRequestLimitExceeded over kMaxBundleFileBytes,
// kInvalidParameterValue "<rel>: invalid YAML at line N, column M: ...", kIOError.
Result<SourceFile> ReadSource(const std::string& root, const std::string& rel);

// JSON paths as yaml::Located spells them: "a.b", "a.b[2]".
std::string JoinKey(const std::string& path, std::string_view key);
std::string JoinIndex(const std::string& path, size_t index);
// "a.b[2]" -> "a.b", "a.b" -> "a", "a" -> "".
std::string ParentPath(const std::string& path);

// The locations under `prefix`, relative to it ("resources.jobs.x.tasks[0]" under
// "resources.jobs.x" -> "tasks[0]").
Locations LocationsUnder(const Locations& locations, const std::string& prefix);

// Where a value came from, for messages: a place in a file, or a command-line override.
struct Origin {
  const SourceFile* file = nullptr;  // not owned; outlives the Origin
  std::string path;                  // JSON path in `file`
  std::string description;           // when file is null: "--var name"

  // "keel.yml:12:5" (the path's location, or its nearest located ancestor's), or
  // "keel.yml: resources.jobs.x" without locations, or the description.
  std::string Describe() const;
};

inline Origin At(const SourceFile& file, std::string path) {
  return Origin{&file, std::move(path), ""};
}

// kInvalidParameterValue "<where>: <message>".
Status ErrorAt(const Origin& origin, const std::string& message);

// "a, b, c", or "(none)".
std::string JoinNames(const std::vector<std::string>& names);

Status RequireObject(const Origin& origin, const json::Value& v, std::string_view what);

// Refuses members of `obj` (at `path` in `file`) not in `allowed`: a typo is an error, not
// silently ignored. REQUIRES: obj is an object.
Status RejectUnknownKeys(const SourceFile& file, const std::string& path, const json::Value& obj,
                         std::initializer_list<std::string_view> allowed, std::string_view what);

}  // namespace keel::jobs::bundle_internal
