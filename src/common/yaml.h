#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/json.h"
#include "common/result.h"

// The one adapter over the YAML library (STYLE.md §5.2 rule 4): YAML documents in and out as
// keel json::Value trees, so no other file sees yaml-cpp or its exceptions.
namespace keel::yaml {

struct ParseOptions {
  // Larger input is refused before parsing. Default: 16 MiB.
  size_t max_input_bytes = 16 * 1024 * 1024;
  // Deeper nesting of mappings and sequences is refused rather than risking the stack.
  // Default: 64 levels.
  size_t max_depth = 64;
  // Aliases (*name) copy the anchored node; more nodes than this copied in total is refused,
  // which stops "billion laughs" documents. Default: 1,000,000 nodes.
  size_t max_alias_nodes = 1000000;
};

// Parses one YAML document into a json::Value:
//   mappings  -> objects, members in document order (keys are the scalars' text; duplicate,
//                null or non-scalar keys are refused)
//   sequences -> arrays
//   plain scalars resolve by the YAML 1.2 core schema: `null`, `~` or nothing -> null;
//                true/false (also True/TRUE/False/FALSE) -> bool; decimal, 0x and 0o integers
//                that fit int64 -> int (larger ones -> double); decimal floats, .inf, .nan ->
//                double; everything else -> string (so `yes`, `on` and dates stay strings)
//   quoted scalars and those tagged !!str -> string
// Anchors and aliases are expanded. An empty document is null. Input must be UTF-8 without
// control characters other than tab, CR and LF.
//
// Errors: kInvalidParameterValue with the line and column of the problem (syntax errors, tabs
// used as indentation, unclosed quotes, invalid bytes, a second document, unsupported tags) and
// for input over the size or depth limits. Never throws.
Result<json::Value> Parse(std::string_view text, const ParseOptions& options = {});

// A document with where each of its nodes is, for messages that point into the file.
struct Located {
  json::Value value;
  // The 1-based line and column (counting bytes) of each node by JSON path: "" is the root,
  // members join keys with '.' and elements add "[i]" ("tasks[2].depends_on[0].task_key"). A
  // mapping member is placed at its key, any other node at its first character. Nodes copied by
  // an alias have no entries of their own (the alias has one). Keys holding '.' or '[' make
  // paths ambiguous; a caller looking a path up may fall back to its nearest ancestor.
  std::map<std::string, std::pair<int, int>> locations;
};

// Parse, also recording where each node is. Accepts and refuses exactly what Parse does.
Result<Located> ParseWithLocations(std::string_view text, const ParseOptions& options = {});

struct EmitOptions {
  // Writes the members of every object sorted by key (byte order, which for UTF-8 is code point
  // order), as yaml.safe_dump does by default. Default: false, keeping the object's own order.
  bool sort_keys = false;
  // Plain and single-quoted strings are folded at a space once a line is longer than this many
  // characters, as PyYAML does (its `width`). 0: never fold. Default: 80.
  size_t width = 80;
};

// Block-style YAML, laid out as Python's yaml.safe_dump(default_flow_style=False) writes it:
// two-space indentation for nested mappings, sequences under a key written `- item` at the
// key's indentation, `{}` and `[]` for empty containers, doubles as Python's repr (`1.0`,
// `1.0e+20`, `.nan`, `.inf`). Strings are plain unless they would read back as another type
// (for YAML 1.1 readers such as PyYAML too: `yes`, `on`, `1:30`, dates) or contain indicator
// characters; then single-quoted, or double-quoted with escapes when they contain line breaks or
// control characters. Long plain and single-quoted strings are folded at spaces past
// `width`. Parse(Emit(v)) == v for every value whose strings are valid UTF-8 (with sort_keys, up
// to member order).
std::string Emit(const json::Value& value, const EmitOptions& options = {});

}  // namespace keel::yaml
