#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/batch/record_batch.h"

namespace keel::batch {

// One value of any type, for the layers above storage that think in rows. The schema gives the
// meaning: an int64 may be a long, a date (days) or a timestamp (micros); a string may be UTF-8
// or binary; a List may be an array or the fields of a struct; Entries are a map.
class Value {
 public:
  using List = std::vector<Value>;
  using Entries = std::vector<std::pair<Value, Value>>;
  using Storage = std::variant<std::monostate, bool, int64_t, float, double, std::string, Int128,
                               List, Entries>;

  Value() = default;  // null
  template <typename T>
  explicit Value(T v) : v_(std::move(v)) {}

  bool is_null() const { return v_.index() == 0; }
  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(v_);
  }
  // REQUIRES: is<T>().
  template <typename T>
  const T& as() const {
    return std::get<T>(v_);
  }
  const Storage& storage() const { return v_; }

  // Equality where NaN equals NaN (bitwise float comparison), so round-trip tests can compare.
  bool operator==(const Value& other) const;

 private:
  Storage v_;
};

using Row = std::vector<Value>;

// Value `i` of `column` (null when not valid).
Value ValueAt(const Column& column, int64_t i);
// Every row of a batch.
std::vector<Row> ToRows(const RecordBatch& batch);
// Appends `value` to `column`. Error kInvalidParameterValue when the value does not fit the
// column's type (names the type).
Status AppendValue(const Value& value, Column* column);
// A batch built from rows; every row must have one value per field.
Result<RecordBatch> FromRows(const Schema& schema, const std::vector<Row>& rows);

}  // namespace keel::batch
