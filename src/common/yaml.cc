// The YAML adapter: the only file that includes yaml-cpp. Parsing runs yaml-cpp's event parser
// (not its node tree) so that limits are enforced while the document is read; exceptions stay
// inside this file. Emitting is our own, to write the layout PyYAML writes.

#include "common/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <istream>
#include <streambuf>
#include <unordered_map>
#include <vector>

namespace keel::yaml {

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

// Decodes the UTF-8 sequence at text[pos]; returns its length (0 when invalid) and the code
// point in *cp.
size_t DecodeUtf8(std::string_view text, size_t pos, uint32_t* cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || b0 > 0xF4 || pos + len > text.size()) return 0;
  uint32_t value = b0 & (0x7F >> len);
  for (size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMinForLength[len] || value > 0x10FFFF) return 0;
  if (value >= 0xD800 && value <= 0xDFFF) return 0;
  *cp = value;
  return len;
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

// ---- scalar resolution (YAML 1.2 core schema) --------------------------------------------

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), s) != words.end();
}

// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
bool IsCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size()) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

json::Value ParseDouble(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Overflow reads as infinity and underflow as zero, as PyYAML's float() does.
    bool negative = !s.empty() && s[0] == '-';
    bool underflow =
        s.find_first_of("eE") != std::string_view::npos && s[s.find_first_of("eE") + 1] == '-';
    d = underflow ? 0.0 : HUGE_VAL;
    if (negative) d = -d;
  }
  return json::Value(d);
}

json::Value ParseInteger(std::string_view digits, int base, bool negative) {
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  bool fits =
      ec == std::errc() && magnitude <= (negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX});
  if (!fits) {
    // Too large for int64: a double, as keel's JSON parser does.
    double d = 0;
    for (char c : digits) d = d * base + (IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    return json::Value(negative ? -d : d);
  }
  if (negative) return json::Value(static_cast<int64_t>(0 - magnitude));
  return json::Value(static_cast<int64_t>(magnitude));
}

// The value of a plain scalar other than the null forms (yaml-cpp reports those as nulls).
json::Value ResolvePlain(std::string_view s) {
  if (IsOneOf(s, {"true", "True", "TRUE"})) return json::Value(true);
  if (IsOneOf(s, {"false", "False", "FALSE"})) return json::Value(false);
  if (IsOneOf(s, {"null", "Null", "NULL", "~"})) return json::Value();
  std::string_view body = s;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (AllOf(body, IsDigit)) return ParseInteger(body, 10, negative);
  if (body.size() > 2 && body.size() == s.size() && body[0] == '0') {
    if (body[1] == 'x' && AllOf(body.substr(2), IsHex))
      return ParseInteger(body.substr(2), 16, false);
    if (body[1] == 'o' && AllOf(body.substr(2), IsOctal))
      return ParseInteger(body.substr(2), 8, false);
  }
  if (IsCoreFloat(s)) return ParseDouble(s);
  if (IsOneOf(body, {".inf", ".Inf", ".INF"})) return json::Value(negative ? -HUGE_VAL : HUGE_VAL);
  if (IsOneOf(s, {".nan", ".NaN", ".NAN"})) return json::Value(std::nan(""));
  return json::Value(std::string(s));
}

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

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options) {}

  json::Value TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (ExpectingKey()) throw BuildError{mark, "a mapping key is null; keys must be scalars"};
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
    Complete(ScalarValue(mark, tag, value), anchor, mark);
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
    stack_.push_back(Frame{std::move(value), mark, anchor});
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

}  // namespace

Result<json::Value> Parse(std::string_view text, const ParseOptions& options) {
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
    TreeBuilder builder(text, options);
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

// ---- emitting ----------------------------------------------------------------------------

namespace {

// Python's repr(float), then PyYAML's touch-up so that the text reads back as a float:
// "1e+16" -> "1.0e+16".
std::string FormatDouble(double d) {
  if (std::isnan(d)) return ".nan";
  if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);  // "-1.2345e+02"
  std::string out;
  if (sci[0] == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  int decpt = exponent + 1;  // the value is 0.DIGITS x 10^decpt
  int ndigits = static_cast<int>(digits.size());
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0." + std::string(-decpt, '0') + digits;
    } else if (decpt >= ndigits) {
      out += digits + std::string(decpt - ndigits, '0') + ".0";
    } else {
      out += digits.substr(0, decpt) + "." + digits.substr(decpt);
    }
    return out;
  }
  out += digits.substr(0, 1) + "." + (ndigits > 1 ? digits.substr(1) : "0");
  out += exponent < 0 ? "e-" : "e+";
  std::string exp_digits = std::to_string(std::abs(exponent));
  if (exp_digits.size() < 2) exp_digits.insert(0, "0");
  return out + exp_digits;
}

bool IsDigitOrUnderscore(char c) { return IsDigit(c) || c == '_'; }

// Length of the run of characters at the start of `s` that satisfy `pred`.
size_t Span(std::string_view s, bool (*pred)(char)) {
  size_t n = 0;
  while (n < s.size() && pred(s[n])) ++n;
  return n;
}

// PyYAML's float `[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?` and `\.[0-9_]+(...)?`, or its
// sexagesimal forms `[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?` (read loosely: a few more strings
// are quoted than PyYAML would, never fewer).
bool IsYaml11Number(std::string_view s) {
  size_t int_len = Span(s, IsDigitOrUnderscore);
  if (int_len > 0 && !IsDigit(s[0])) return false;
  s.remove_prefix(int_len);
  bool sexagesimal = false;
  while (int_len > 0 && !s.empty() && s[0] == ':') {
    size_t n = Span(s.substr(1), IsDigit);
    if (n == 0 || n > 2) return false;
    s.remove_prefix(1 + n);
    sexagesimal = true;
  }
  if (s.empty()) return int_len > 0;
  if (s[0] != '.') return false;
  s.remove_prefix(1);
  size_t frac_len = Span(s, IsDigitOrUnderscore);
  if (int_len == 0 && frac_len == 0) return false;
  s.remove_prefix(frac_len);
  if (s.empty()) return true;
  if (sexagesimal || s.size() < 3 || (s[0] != 'e' && s[0] != 'E') || (s[1] != '-' && s[1] != '+')) {
    return false;
  }
  return Span(s.substr(2), IsDigit) == s.size() - 2;
}

// Strings a YAML 1.1 reader (PyYAML, which MLflow uses) resolves to another type, beyond those
// of the core schema: yes/no/on/off, binary, octal and underscored numbers, sexagesimals, dates,
// merge keys.
bool LooksImplicitInYaml11(std::string_view s) {
  if (IsOneOf(s, {"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
                  "<<", "="})) {
    return true;
  }
  // A date or timestamp starts YYYY-M.
  if (s.size() >= 6 && Span(s, IsDigit) == 4 && s[4] == '-' && IsDigit(s[5])) return true;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'x')) {
    return std::all_of(body.begin() + 2, body.end(), [](char c) { return IsHex(c) || c == '_'; });
  }
  return IsYaml11Number(body);
}

bool IsSpaceOrEnd(std::string_view s, size_t i) {
  return i >= s.size() || s[i] == ' ' || s[i] == '\t';
}

// PyYAML's analyze_scalar, for block context: may `s` be written as a plain scalar?
bool PlainAllowed(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (s.substr(0, 3) == "---" || s.substr(0, 3) == "...") return false;
  if (std::string_view("#,[]{}&*!|>'\"%@`").find(s[0]) != std::string_view::npos) return false;
  if ((s[0] == '?' || s[0] == ':' || s[0] == '-') && IsSpaceOrEnd(s, 1)) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == ':' && IsSpaceOrEnd(s, i + 1)) return false;
    if (s[i] == '#' && s[i - 1] == ' ') return false;
  }
  if (ResolvePlain(s) != json::Value(std::string(s))) return false;
  return !LooksImplicitInYaml11(s);
}

// True when `s` holds something only a double-quoted scalar can carry: line breaks, control
// characters, YAML 1.1 line separators, or bytes that are not UTF-8.
bool NeedsDoubleQuotes(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, pos, &cp);
    if (len == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
      return true;
    }
    pos += len;
  }
  return false;
}

void AppendDoubleQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  for (size_t pos = 0; pos < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, pos, &cp);
    if (len == 0) {  // not UTF-8: the byte's value, which reads back as that code point
      cp = static_cast<unsigned char>(s[pos]);
      len = 1;
    }
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
          out->append("\\x");
          out->push_back(kHex[cp >> 4]);
          out->push_back(kHex[cp & 0xF]);
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
          out->append("\\u");
          for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
        } else {
          out->append(s.substr(pos, len));
        }
    }
    pos += len;
  }
  out->push_back('"');
}

// Where a long scalar may be folded: past column `width` (0: never), continuing on a new line
// indented by `indent`.
struct Fold {
  size_t indent = 0;
  size_t width = 0;
};

// Characters (not bytes) on the last line of `out`.
size_t CurrentColumn(const std::string& out) {
  size_t line_start = out.rfind('\n');
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  size_t column = 0;
  for (size_t i = line_start; i < out.size(); ++i) {
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

// The body of a plain or single-quoted scalar, folded as PyYAML's write_plain and
// write_single_quoted do: a lone space between two words becomes a line break once the line is
// past the width (a reader folds the break back into that space).
void AppendFoldable(std::string_view s, bool single_quoted, const Fold& fold, std::string* out) {
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ' ') {
      size_t run_end = std::min(s.find_first_not_of(' ', i), s.size());
      bool lone_inner_space = run_end == i + 1 && i != 0 && run_end != s.size();
      if (fold.width > 0 && lone_inner_space && CurrentColumn(*out) > fold.width) {
        out->push_back('\n');
        out->append(fold.indent, ' ');
      } else {
        out->append(s.substr(i, run_end - i));
      }
      i = run_end;
      continue;
    }
    if (single_quoted && s[i] == '\'') out->push_back('\'');
    out->push_back(s[i]);
    ++i;
  }
}

void AppendString(std::string_view s, const Fold& fold, std::string* out) {
  if (NeedsDoubleQuotes(s)) {
    AppendDoubleQuoted(s, out);
  } else if (PlainAllowed(s)) {
    AppendFoldable(s, false, fold, out);
  } else {
    out->push_back('\'');
    AppendFoldable(s, true, fold, out);
    out->push_back('\'');
  }
}

// YAML limits an implicit mapping key to 1024 characters; longer keys are written explicitly.
constexpr size_t kMaxSimpleKeyBytes = 1024;

bool IsEmptyContainer(const json::Value& v) {
  return (v.is_array() || v.is_object()) && v.size() == 0;
}

// Scalars and empty containers, which fit on the line of their key or dash.
void AppendInline(const json::Value& v, const Fold& fold, std::string* out) {
  switch (v.type()) {
    case json::Type::kNull:
      out->append("null");
      break;
    case json::Type::kBool:
      out->append(v.as_bool() ? "true" : "false");
      break;
    case json::Type::kInt:
      out->append(std::to_string(v.as_int()));
      break;
    case json::Type::kDouble:
      out->append(FormatDouble(v.as_double()));
      break;
    case json::Type::kString:
      AppendString(v.as_string(), fold, out);
      break;
    case json::Type::kArray:
      out->append("[]");
      break;
    case json::Type::kObject:
      out->append("{}");
      break;
  }
}

class BlockEmitter {
 public:
  BlockEmitter(const EmitOptions& options, std::string* out) : options_(options), out_(out) {}

  // Writes a non-empty container whose first line continues the current one when `inline_first`
  // (after "- "), every other line indented by `indent`.
  void Container(const json::Value& v, size_t indent, bool inline_first) {
    if (v.is_object()) {
      Mapping(v.as_object(), indent, inline_first);
    } else {
      Sequence(v.as_array(), indent, inline_first);
    }
  }

 private:
  void Mapping(const json::Value::Object& members, size_t indent, bool inline_first) {
    std::vector<const json::Value::Member*> order;
    for (const auto& member : members) order.push_back(&member);
    if (options_.sort_keys) {
      std::stable_sort(order.begin(), order.end(),
                       [](const auto* a, const auto* b) { return a->first < b->first; });
    }
    bool first = true;
    for (const json::Value::Member* member : order) {
      if (!(first && inline_first)) out_->append(indent, ' ');
      first = false;
      std::string key;
      AppendString(member->first, Fold{}, &key);  // keys are never folded
      if (key.size() > kMaxSimpleKeyBytes) {
        // Too long for an implicit key: the explicit form "? key" newline ": value".
        out_->append("? ").append(key).append("\n").append(indent, ' ').push_back(':');
      } else {
        out_->append(key).push_back(':');
      }
      const json::Value& value = member->second;
      if (!value.is_array() && !value.is_object()) {
        out_->push_back(' ');
        AppendInline(value, Fold{indent + 2, options_.width}, out_);
        out_->push_back('\n');
      } else if (IsEmptyContainer(value)) {
        out_->append(value.is_array() ? " []\n" : " {}\n");
      } else {
        out_->push_back('\n');
        // PyYAML writes a sequence under a key at the key's own indentation.
        Container(value, value.is_array() ? indent : indent + 2, false);
      }
    }
  }

  void Sequence(const json::Value::Array& items, size_t indent, bool inline_first) {
    bool first = true;
    for (const json::Value& item : items) {
      if (!(first && inline_first)) out_->append(indent, ' ');
      first = false;
      out_->append("- ");
      if ((item.is_array() || item.is_object()) && !IsEmptyContainer(item)) {
        Container(item, indent + 2, true);
      } else {
        AppendInline(item, Fold{indent + 2, options_.width}, out_);
        out_->push_back('\n');
      }
    }
  }

  const EmitOptions& options_;
  std::string* out_;
};

}  // namespace

std::string Emit(const json::Value& value, const EmitOptions& options) {
  std::string out;
  if ((value.is_array() || value.is_object()) && !IsEmptyContainer(value)) {
    BlockEmitter(options, &out).Container(value, 0, false);
    return out;
  }
  AppendInline(value, Fold{2, options.width}, &out);
  out.push_back('\n');
  // PyYAML ends a document that is a lone plain scalar with an explicit end marker.
  if (value.is_null() || value.is_bool() || value.is_number() ||
      (value.is_string() && !out.empty() && out[0] != '\'' && out[0] != '"')) {
    out.append("...\n");
  }
  return out;
}

}  // namespace keel::yaml
