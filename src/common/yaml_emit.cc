// Emitting YAML as PyYAML's safe_dump lays it out. Our own code: yaml-cpp's emitter writes a
// different layout and quoting.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "common/yaml.h"
#include "common/yaml_internal.h"

namespace keel::yaml {

using internal::DecodeUtf8;
using internal::IsDigit;
using internal::IsHex;
using internal::IsOneOf;
using internal::ResolvePlain;

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

struct Escape {
  uint32_t cp;
  std::string_view text;
};
// Short escapes of a double-quoted scalar; other control characters are written \xNN.
constexpr Escape kEscapes[] = {
    {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\t', "\\t"}, {'\r', "\\r"}};

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
    const Escape* escape = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                                        [cp](const Escape& e) { return e.cp == cp; });
    if (escape != std::end(kEscapes)) {
      out->append(escape->text);
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      out->append("\\x");
      out->push_back(kHex[cp >> 4]);
      out->push_back(kHex[cp & 0xF]);
    } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
      out->append("\\u");
      for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(cp >> shift) & 0xF]);
    } else {
      out->append(s.substr(pos, len));
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
