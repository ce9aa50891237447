#include "common/json.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace keel::json {

double Value::as_double() const {
  if (is_int()) return static_cast<double>(std::get<int64_t>(v_));
  return std::get<double>(v_);
}

const Value* Value::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const Member& m : as_object()) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Value& Value::Set(std::string_view key, Value v) {
  Value& slot = (*this)[key];
  slot = std::move(v);
  return slot;
}

Value& Value::operator[](std::string_view key) {
  if (is_null()) v_ = Object{};
  Object& obj = as_object();
  for (Member& m : obj) {
    if (m.first == key) return m.second;
  }
  obj.emplace_back(std::string(key), Value());
  return obj.back().second;
}

bool Value::Erase(std::string_view key) {
  if (!is_object()) return false;
  Object& obj = as_object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it->first == key) {
      obj.erase(it);
      return true;
    }
  }
  return false;
}

Value& Value::Append(Value v) {
  if (is_null()) v_ = Array{};
  Array& arr = as_array();
  arr.push_back(std::move(v));
  return arr.back();
}

size_t Value::size() const {
  if (is_array()) return as_array().size();
  if (is_object()) return as_object().size();
  return 0;
}

// ---- serialisation ---------------------------------------------------------------------------

void AppendQuoted(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

namespace {

void AppendDouble(double d, std::string* out) {
  if (std::isnan(d)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(d)) {
    out->append(d > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view text(buf, res.ptr - buf);
  out->append(text);
  // Keep a double recognisable as one after a round trip ("1.0", not "1").
  if (text.find_first_of(".eE") == std::string_view::npos) out->append(".0");
}

void Indent(int depth, std::string* out) {
  out->push_back('\n');
  out->append(static_cast<size_t>(depth) * 2, ' ');
}

void DumpTo(const Value& v, bool pretty, int depth, std::string* out) {
  switch (v.type()) {
    case Type::kNull: out->append("null"); break;
    case Type::kBool: out->append(v.as_bool() ? "true" : "false"); break;
    case Type::kInt: out->append(std::to_string(v.as_int())); break;
    case Type::kDouble: AppendDouble(v.as_double(), out); break;
    case Type::kString: AppendQuoted(v.as_string(), out); break;
    case Type::kArray: {
      const auto& arr = v.as_array();
      out->push_back('[');
      for (size_t i = 0; i < arr.size(); ++i) {
        if (i) out->push_back(',');
        if (pretty) Indent(depth + 1, out);
        DumpTo(arr[i], pretty, depth + 1, out);
      }
      if (pretty && !arr.empty()) Indent(depth, out);
      out->push_back(']');
      break;
    }
    case Type::kObject: {
      const auto& obj = v.as_object();
      out->push_back('{');
      for (size_t i = 0; i < obj.size(); ++i) {
        if (i) out->push_back(',');
        if (pretty) Indent(depth + 1, out);
        AppendQuoted(obj[i].first, out);
        out->append(pretty ? ": " : ":");
        DumpTo(obj[i].second, pretty, depth + 1, out);
      }
      if (pretty && !obj.empty()) Indent(depth, out);
      out->push_back('}');
      break;
    }
  }
}

}  // namespace

std::string Value::Dump(bool pretty) const {
  std::string out;
  DumpTo(*this, pretty, 0, &out);
  return out;
}

// ---- parsing ---------------------------------------------------------------------------------

namespace {

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options) : s_(text), options_(options) {}

  Result<Value> ParseDocument() {
    Value v;
    KEEL_RETURN_IF_ERROR(ParseValue(0, &v));
    SkipSpace();
    if (pos_ != s_.size()) return Error("unexpected text after the JSON value");
    return v;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Malformed("malformed JSON at byte " + std::to_string(pos_) + ": " +
                             std::string(what));
  }

  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status ParseValue(size_t depth, Value* out) {
    if (depth > options_.max_depth) {
      return Error("nesting deeper than " + std::to_string(options_.max_depth) + " levels");
    }
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end of input");
    char c = s_[pos_];
    switch (c) {
      case '{': return ParseObject(depth, out);
      case '[': return ParseArray(depth, out);
      case '"': {
        std::string str;
        KEEL_RETURN_IF_ERROR(ParseString(&str));
        *out = Value(std::move(str));
        return Status::OK();
      }
      case 't':
        if (Consume("true")) { *out = Value(true); return Status::OK(); }
        return Error("invalid literal");
      case 'f':
        if (Consume("false")) { *out = Value(false); return Status::OK(); }
        return Error("invalid literal");
      case 'n':
        if (Consume("null")) { *out = Value(); return Status::OK(); }
        return Error("invalid literal");
      case 'N':
        if (Consume("NaN")) { *out = Value(std::nan("")); return Status::OK(); }
        return Error("invalid literal");
      case 'I':
        if (Consume("Infinity")) { *out = Value(HUGE_VAL); return Status::OK(); }
        return Error("invalid literal");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Error(std::string("unexpected character '") + c + "'");
    }
  }

  Status ParseObject(size_t depth, Value* out) {
    ++pos_;  // '{'
    Value::Object obj;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      *out = Value(std::move(obj));
      return Status::OK();
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Error("expected a string key");
      std::string key;
      KEEL_RETURN_IF_ERROR(ParseString(&key));
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      Value member;
      KEEL_RETURN_IF_ERROR(ParseValue(depth + 1, &member));
      // A repeated key keeps the last value, as most parsers do.
      bool replaced = false;
      for (auto& m : obj) {
        if (m.first == key) {
          m.second = std::move(member);
          replaced = true;
          break;
        }
      }
      if (!replaced) obj.emplace_back(std::move(key), std::move(member));
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unexpected end of input in object");
      if (s_[pos_] == ',') { ++pos_; continue; }
      if (s_[pos_] == '}') { ++pos_; break; }
      return Error("expected ',' or '}'");
    }
    *out = Value(std::move(obj));
    return Status::OK();
  }

  Status ParseArray(size_t depth, Value* out) {
    ++pos_;  // '['
    Value::Array arr;
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      *out = Value(std::move(arr));
      return Status::OK();
    }
    while (true) {
      Value element;
      KEEL_RETURN_IF_ERROR(ParseValue(depth + 1, &element));
      arr.push_back(std::move(element));
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unexpected end of input in array");
      if (s_[pos_] == ',') { ++pos_; continue; }
      if (s_[pos_] == ']') { ++pos_; break; }
      return Error("expected ',' or ']'");
    }
    *out = Value(std::move(arr));
    return Status::OK();
  }

  bool ReadHex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_ + i];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    pos_ += 4;
    *cp = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // Length of the valid UTF-8 sequence starting at s_[pos_], or 0 when invalid.
  size_t Utf8SequenceLength() const {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s_[pos_ + i]); };
    unsigned char c = byte(0);
    size_t n;
    uint32_t cp;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return 0;
    if (pos_ + n > s_.size()) return 0;
    for (size_t i = 1; i < n; ++i) {
      if ((byte(i) & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (byte(i) & 0x3F);
    }
    // Refuse overlong forms, surrogates and code points past U+10FFFF.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
  }

  Status ParseString(std::string* out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return Error("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return Status::OK();
      }
      if (c < 0x20) return Error("control character in string");
      if (c == '\\') {
        ++pos_;
        if (pos_ >= s_.size()) return Error("unterminated escape");
        char e = s_[pos_++];
        switch (e) {
          case '"': out->push_back('"'); break;
          case '\\': out->push_back('\\'); break;
          case '/': out->push_back('/'); break;
          case 'b': out->push_back('\b'); break;
          case 'f': out->push_back('\f'); break;
          case 'n': out->push_back('\n'); break;
          case 'r': out->push_back('\r'); break;
          case 't': out->push_back('\t'); break;
          case 'u': {
            uint32_t cp;
            if (!ReadHex4(&cp)) return Error("bad \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              uint32_t low;
              if (!Consume("\\u") || !ReadHex4(&low) || low < 0xDC00 || low > 0xDFFF) {
                return Error("unpaired surrogate in \\u escape");
              }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return Error("unpaired surrogate in \\u escape");
            }
            AppendUtf8(cp, out);
            break;
          }
          default: return Error("unknown escape");
        }
        continue;
      }
      size_t n = Utf8SequenceLength();
      if (n == 0) return Error("invalid UTF-8 in string");
      out->append(s_.substr(pos_, n));
      pos_ += n;
    }
  }

  Status ParseNumber(Value* out) {
    size_t start = pos_;
    if (s_[pos_] == '-') {
      ++pos_;
      if (Consume("Infinity")) {
        *out = Value(-HUGE_VAL);
        return Status::OK();
      }
    }
    auto digits = [&] {
      size_t n = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') { ++pos_; ++n; }
      return n;
    };
    size_t int_start = pos_;
    if (digits() == 0) return Error("expected digits");
    if (s_[int_start] == '0' && pos_ - int_start > 1) return Error("leading zero in number");
    bool is_integer = true;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      is_integer = false;
      if (digits() == 0) return Error("expected digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      is_integer = false;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Error("expected digits in exponent");
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + pos_;
    if (is_integer) {
      int64_t i;
      auto res = std::from_chars(first, last, i);
      if (res.ec == std::errc() && res.ptr == last) {
        *out = Value(static_cast<long long>(i));
        return Status::OK();
      }
      // Too large for int64: fall through to double, as JavaScript clients would see it.
    }
    double d;
    auto res = std::from_chars(first, last, d);
    if (res.ec == std::errc::result_out_of_range) {
      d = (*first == '-') ? -HUGE_VAL : HUGE_VAL;
    } else if (res.ec != std::errc() || res.ptr != last) {
      return Error("bad number");
    }
    *out = Value(d);
    return Status::OK();
  }

  std::string_view s_;
  const ParseOptions& options_;
  size_t pos_ = 0;
};

}  // namespace

Result<Value> Parse(std::string_view text, const ParseOptions& options) {
  return Parser(text, options).ParseDocument();
}

// ---- FieldReader -----------------------------------------------------------------------------

namespace {

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "null";
    case Type::kBool: return "a boolean";
    case Type::kInt: return "an integer";
    case Type::kDouble: return "a number";
    case Type::kString: return "a string";
    case Type::kArray: return "an array";
    case Type::kObject: return "an object";
  }
  return "a value";
}

Status WrongType(std::string_view key, std::string_view want, const Value& got) {
  return Status::InvalidArgument("field '" + std::string(key) + "' must be " + std::string(want) +
                                 ", not " + std::string(TypeName(got.type())));
}

}  // namespace

Result<FieldReader> FieldReader::Make(const Value& value, std::string_view what) {
  if (!value.is_object()) {
    return Status::Malformed(std::string(what) + " must be a JSON object, not " +
                             std::string(TypeName(value.type())));
  }
  return FieldReader(&value);
}

const Value* FieldReader::Get(std::string_view key) const {
  const Value* v = obj_->Find(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

Result<std::string> FieldReader::RequiredString(std::string_view key) const {
  const Value* v = Get(key);
  if (v == nullptr) {
    return Status::InvalidArgument("missing required field '" + std::string(key) + "'");
  }
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return v->as_string();
}

Result<std::optional<std::string>> FieldReader::OptionalString(std::string_view key) const {
  const Value* v = Get(key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(key, "a string", *v);
  return std::optional<std::string>(v->as_string());
}

Result<std::optional<int64_t>> FieldReader::OptionalInt(std::string_view key) const {
  const Value* v = Get(key);
  if (v == nullptr) return std::optional<int64_t>();
  if (v->is_int()) return std::optional<int64_t>(v->as_int());
  // Clients written in JavaScript and protobuf's JSON mapping send int64 as strings.
  if (v->is_string()) {
    const std::string& s = v->as_string();
    int64_t i;
    auto res = std::from_chars(s.data(), s.data() + s.size(), i);
    if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size()) {
      return std::optional<int64_t>(i);
    }
  }
  return WrongType(key, "an integer", *v);
}

Result<std::optional<bool>> FieldReader::OptionalBool(std::string_view key) const {
  const Value* v = Get(key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(key, "a boolean", *v);
  return std::optional<bool>(v->as_bool());
}

Result<std::optional<double>> FieldReader::OptionalDouble(std::string_view key) const {
  const Value* v = Get(key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return WrongType(key, "a number", *v);
  return std::optional<double>(v->as_double());
}

Result<std::vector<std::string>> FieldReader::StringList(std::string_view key) const {
  std::vector<std::string> out;
  const Value* v = Get(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return WrongType(key, "an array of strings", *v);
  for (const Value& e : v->as_array()) {
    if (!e.is_string()) return WrongType(key, "an array of strings", e);
    out.push_back(e.as_string());
  }
  return out;
}

Status FieldReader::RejectUnknown(std::initializer_list<std::string_view> allowed) const {
  for (const auto& m : obj_->as_object()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || (m.first == a);
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) {
        if (!list.empty()) list += ", ";
        list += a;
      }
      return Status::InvalidArgument("unknown field '" + m.first + "'; expected one of: " + list);
    }
  }
  return Status::OK();
}

}  // namespace keel::json
