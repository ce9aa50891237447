// The YAML adapter: the only file that includes yaml-cpp. Parsing runs yaml-cpp's event parser
// (not its node tree) so that limits are enforced while the document is read; exceptions stay
// inside this file. Emitting is our own (yaml_emit.cc).

#include "common/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <istream>
#include <map>
#include <streambuf>
#include <unordered_map>
#include <vector>

#include "common/yaml_internal.h"

namespace keel::yaml {

using internal::DecodeUtf8;
using internal::ResolvePlain;

namespace {

// ---- input checks ------------------------------------------------------------------------

std::string Location(int line, int column) {
  if (line < 0) return "";
  return " at line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1);
}

Status InvalidYaml(const YAML::Mark& mark, std::string_view message) {
  return Status::InvalidArgument("invalid YAML" + Location(mark.line, mark.column) + ": " +
                                 std::string(message));
}

// YAML's c-printable set, with tab and both line breaks.
bool IsYamlPrintable(uint32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return true;
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp >= 0x80 && cp < 0xA0) return cp == 0x85;
  return cp != 0xFFFE && cp != 0xFFFF;
}

// Refuses bytes that are not YAML text before yaml-cpp sees them: it would take some binary
// prefixes for a UTF-16 or UTF-32 byte order mark and read garbage as a string.
Status CheckText(std::string_view text) {
  int line = 0;
  int column = 0;
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(text, pos, &cp);
    if (len == 0) {
      return Status::InvalidArgument("invalid YAML" + Location(line, column) +
                                     ": the text is not valid UTF-8 (binary data?)");
    }
    if (!IsYamlPrintable(cp)) {
      return Status::InvalidArgument("invalid YAML" + Location(line, column) +
                                     ": control character " + std::to_string(cp) +
                                     " is not allowed in YAML text");
    }
    if (cp == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
    pos += len;
  }
  return Status::OK();
}

// An istream source over the caller's bytes, without copying them.
class ViewStreamBuf : public std::streambuf {
 public:
  explicit ViewStreamBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // read-only: the get area is never written
    setg(begin, begin, begin + text.size());
  }
};

// ---- the event handler that builds the tree ----------------------------------------------

// Thrown by the handler to stop yaml-cpp's parser; caught in Parse.
struct BuildError {
  YAML::Mark mark;
  std::string message;
};

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

struct Measure {
  size_t nodes = 0;
  size_t depth = 0;
};

Measure MeasureValue(const json::Value& v) {
  Measure m{1, 0};
  auto add_child = [&m](const json::Value& child) {
    Measure c = MeasureValue(child);
    m.nodes += c.nodes;
    m.depth = std::max(m.depth, c.depth + 1);
  };
  if (v.is_array()) {
    m.depth = 1;
    for (const json::Value& e : v.as_array()) add_child(e);
  } else if (v.is_object()) {
    m.depth = 1;
    for (const auto& member : v.as_object()) add_child(member.second);
  }
  return m;
}

// yaml-cpp accepts a quoted scalar that is still open at the end of the input (when the input
// ends with a line break) and returns the rest of the document as its text. Given the position
// where a node starts (its properties, then its content), reports whether a quoted scalar there
// is closed. REQUIRES: pos is a byte offset into text (no byte order mark before it).
bool QuotedScalarIsClosed(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos;
    } else if (c == '!' || c == '&' || c == '#') {  // a tag, an anchor or a comment: skip it
      while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\n' &&
             (c == '#' || text[pos] != '\r')) {
        ++pos;
      }
    } else {
      break;
    }
  }
  if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"')) return true;
  char quote = text[pos];
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '"' || i + 1 >= text.size() || text[i + 1] != '\'') return true;
      ++i;  // '' is an escaped quote inside single quotes
    }
  }
  return false;
}

using Locations = std::map<std::string, std::pair<int, int>>;

class TreeBuilder : public YAML::EventHandler {
 public:
  // Records the position of every node in *locations when it is not null.
  TreeBuilder(std::string_view text, const ParseOptions& options, Locations* locations)
      : text_(text), options_(options), locations_(locations) {}

  json::Value TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (ExpectingKey()) throw BuildError{mark, "a mapping key is null; keys must be scalars"};
    Locate(mark);
    Complete(json::Value(), anchor, mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (ExpectingKey()) throw BuildError{mark, "aliases are not supported as mapping keys"};
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw BuildError{mark, "the alias refers to an anchor that is not complete (a cycle?)"};
    }
    Measure m = MeasureValue(it->second);
    alias_nodes_ += m.nodes;
    if (alias_nodes_ > options_.max_alias_nodes) {
      throw BuildError{mark, "aliases expand to more than " +
                                 std::to_string(options_.max_alias_nodes) + " nodes"};
    }
    if (stack_.size() + m.depth > options_.max_depth) throw DepthError(mark);
    Locate(mark);  // the copied nodes have no places of their own
    Complete(it->second, YAML::NullAnchor, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (tag != "?" && mark.pos >= 0 && !QuotedScalarIsClosed(text_, mark.pos)) {
      throw BuildError{mark, "the quoted string that starts here is never closed"};
    }
    if (ExpectingKey()) {
      if (anchor != YAML::NullAnchor) anchors_[anchor] = json::Value(value);
      SetKey(value, mark);
      return;
    }
    json::Value scalar = ScalarValue(mark, tag, value);
    Locate(mark);
    Complete(std::move(scalar), anchor, mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, tag, "seq", anchor, json::Value::MakeArray());
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, tag, "map", anchor, json::Value::MakeObject());
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    json::Value value;
    YAML::Mark mark;
    YAML::anchor_t anchor = YAML::NullAnchor;
    bool has_key = false;
    std::string key;
    YAML::Mark key_mark;
    std::string path;  // JSON path of this node; kept only when recording locations
  };

  BuildError DepthError(const YAML::Mark& mark) const {
    return BuildError{mark, "nesting deeper than " + std::to_string(options_.max_depth) +
                                " levels; flatten the document"};
  }

  bool ExpectingKey() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().has_key;
  }

  void SetKey(const std::string& key, const YAML::Mark& mark) {
    Frame& frame = stack_.back();
    if (frame.value.Find(key) != nullptr) {
      throw BuildError{mark, "duplicate mapping key '" + key + "'"};
    }
    frame.key = key;
    frame.key_mark = mark;
    frame.has_key = true;
  }

  json::Value ScalarValue(const YAML::Mark& mark, const std::string& tag,
                          const std::string& value) const {
    if (tag == "?") return ResolvePlain(value);
    if (tag == "!") return json::Value(value);  // quoted or block scalar
    std::string_view name = tag;
    if (name.substr(0, kCoreTagPrefix.size()) == kCoreTagPrefix) {
      name.remove_prefix(kCoreTagPrefix.size());
      if (name == "str") return json::Value(value);
      json::Value resolved = value.empty() ? json::Value() : ResolvePlain(value);
      bool ok = (name == "null" && resolved.is_null()) || (name == "bool" && resolved.is_bool()) ||
                (name == "int" && resolved.is_int()) || (name == "float" && resolved.is_number());
      if (ok) return name == "float" ? json::Value(resolved.as_double()) : resolved;
    }
    throw BuildError{mark, "unsupported tag '" + tag + "' on scalar '" + value.substr(0, 40) + "'"};
  }

  void Open(const YAML::Mark& mark, const std::string& tag, std::string_view kind,
            YAML::anchor_t anchor, json::Value value) {
    if (ExpectingKey()) throw BuildError{mark, "mapping keys must be scalars"};
    if (tag != "?" && tag != "!" && tag != "" &&
        tag != std::string(kCoreTagPrefix) + std::string(kind)) {
      throw BuildError{mark, "unsupported tag '" + tag + "'"};
    }
    if (stack_.size() >= options_.max_depth) throw DepthError(mark);
    Frame frame;
    frame.path = Locate(mark);
    frame.value = std::move(value);
    frame.mark = mark;
    frame.anchor = anchor;
    stack_.push_back(std::move(frame));
  }

  // Returns the JSON path of the node starting at `mark` and records where it is: a mapping
  // member at its key (where an editor should point, and on the key's line even when the value
  // starts on the next), any other node at its own first character. REQUIRES: the node's key,
  // if any, has been set. Returns "" when not recording.
  std::string Locate(const YAML::Mark& mark) {
    if (locations_ == nullptr) return std::string();
    std::string path;
    YAML::Mark where = mark;
    if (!stack_.empty()) {
      const Frame& parent = stack_.back();
      if (parent.value.is_array()) {
        path = parent.path + "[" + std::to_string(parent.value.size()) + "]";
      } else {
        path = parent.path.empty() ? parent.key : parent.path + "." + parent.key;
        where = parent.key_mark;
      }
    }
    if (where.line >= 0) (*locations_)[path] = {where.line + 1, where.column + 1};
    return path;
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Complete(std::move(frame.value), frame.anchor, frame.mark);
  }

  // Places a finished node into its parent (or as the root) and records its anchor.
  void Complete(json::Value value, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = value;
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.value.is_array()) {
      parent.value.Append(std::move(value));
      return;
    }
    parent.value.as_object().emplace_back(std::move(parent.key), std::move(value));
    parent.has_key = false;
  }

  std::string_view text_;
  const ParseOptions& options_;
  Locations* locations_;  // not owned; may be null
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, json::Value> anchors_;
  size_t alias_nodes_ = 0;
  json::Value root_;
};

// Stops at the start of a second document.
class SecondDocumentGuard : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw BuildError{mark, "more than one document; a file holds a single YAML document"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Parse and ParseWithLocations: one code path, so both accept and refuse the same documents.
Result<json::Value> ParseDocument(std::string_view text, const ParseOptions& options,
                                  Locations* locations) {
  if (text.size() > options.max_input_bytes) {
    return Status::InvalidArgument("YAML document of " + std::to_string(text.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(options.max_input_bytes) + " bytes");
  }
  KEEL_RETURN_IF_ERROR(CheckText(text));
  // Marks are then byte offsets into `text` (see QuotedScalarIsClosed).
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  try {
    ViewStreamBuf buf(text);
    std::istream in(&buf);
    YAML::Parser parser(in);
    TreeBuilder builder(text, options, locations);
    if (!parser.HandleNextDocument(builder)) return json::Value();
    SecondDocumentGuard guard;
    if (parser.HandleNextDocument(guard)) {
      return InvalidYaml(YAML::Mark::null_mark(), "more than one document");
    }
    return builder.TakeRoot();
  } catch (const BuildError& e) {
    return InvalidYaml(e.mark, e.message);
  } catch (const YAML::Exception& e) {
    return InvalidYaml(e.mark, e.msg);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("invalid YAML: ") + e.what());
  } catch (...) {
    return Status::InvalidArgument("invalid YAML: the parser failed");
  }
}

}  // namespace

Result<json::Value> Parse(std::string_view text, const ParseOptions& options) {
  return ParseDocument(text, options, nullptr);
}

Result<Located> ParseWithLocations(std::string_view text, const ParseOptions& options) {
  Located located;
  KEEL_ASSIGN_OR_RETURN(located.value, ParseDocument(text, options, &located.locations));
  return located;
}

}  // namespace keel::yaml
