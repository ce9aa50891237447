#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"

namespace keel::json {

enum class Type { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

// A JSON document. Objects keep their members in insertion order so that output is stable and
// reads like the request that produced it; lookups are linear, which is right for the small
// objects of an API (use a map on top for large ones).
//
// Thread-safety: a value; const methods may be called concurrently.
class Value {
 public:
  using Array = std::vector<Value>;
  using Member = std::pair<std::string, Value>;
  using Object = std::vector<Member>;

  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<int64_t>(i)) {}
  Value(long i) : v_(static_cast<int64_t>(i)) {}
  Value(long long i) : v_(static_cast<int64_t>(i)) {}
  Value(unsigned i) : v_(static_cast<int64_t>(i)) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}

  static Value MakeArray() { return Value(Array{}); }
  static Value MakeObject() { return Value(Object{}); }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int() const { return type() == Type::kInt; }
  bool is_double() const { return type() == Type::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  // REQUIRES: the matching is_*() is true (as_double also accepts an int).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // Object access. Find returns nullptr when absent or when this is not an object.
  const Value* Find(std::string_view key) const;
  // Sets key to v (replacing an existing member); a null value becomes an object first.
  Value& Set(std::string_view key, Value v);
  // Returns the member, inserting null when absent; a null value becomes an object first.
  Value& operator[](std::string_view key);
  bool Erase(std::string_view key);

  // Array access; a null value becomes an array first.
  Value& Append(Value v);

  // Elements of an array or members of an object; 0 for scalars.
  size_t size() const;

  // Compact JSON (pretty: two-space indent). NaN and infinities are written as the bare
  // tokens NaN, Infinity and -Infinity, as Python's json module (and so MLflow) does.
  std::string Dump(bool pretty = false) const;

  bool operator==(const Value& other) const { return v_ == other.v_; }

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Object> v_;
};

struct ParseOptions {
  // Deeper documents are refused rather than risking the stack. Default: 64 levels.
  size_t max_depth = 64;
};

// Parses one JSON document (surrounding white space allowed, trailing garbage refused).
// Strings must be valid UTF-8. Integers that fit in int64 parse as kInt, other numbers as
// kDouble. Errors: kMalformedRequest with the byte offset of the problem.
Result<Value> Parse(std::string_view text, const ParseOptions& options = {});

// Appends `s` to `out` as a quoted JSON string.
void AppendQuoted(std::string_view s, std::string* out);

// Typed access to the fields of a request object, producing the errors users expect:
// a missing required field or a field of the wrong type is INVALID_PARAMETER_VALUE naming
// the field. An explicit JSON null counts as absent.
class FieldReader {
 public:
  // `what` names the object in messages ("request body").
  static Result<FieldReader> Make(const Value& value, std::string_view what = "request body");

  const Value* Get(std::string_view key) const;
  Result<std::string> RequiredString(std::string_view key) const;
  Result<std::optional<std::string>> OptionalString(std::string_view key) const;
  Result<std::optional<int64_t>> OptionalInt(std::string_view key) const;
  Result<std::optional<bool>> OptionalBool(std::string_view key) const;
  Result<std::optional<double>> OptionalDouble(std::string_view key) const;
  // A list of strings (absent -> empty).
  Result<std::vector<std::string>> StringList(std::string_view key) const;
  // Refuses any member whose key is not in `allowed`.
  Status RejectUnknown(std::initializer_list<std::string_view> allowed) const;

 private:
  explicit FieldReader(const Value* obj) : obj_(obj) {}
  const Value* obj_;
};

}  // namespace keel::json
