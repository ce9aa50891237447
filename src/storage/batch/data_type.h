#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::batch {

// The Delta/Spark type system that every layer above storage sees. Parquet physical types never
// leak past storage/parquet: the reader maps them onto these.
enum class TypeId {
  kBoolean,
  kByte,   // int8
  kShort,  // int16
  kInt,    // int32
  kLong,   // int64
  kFloat,
  kDouble,
  kString,  // UTF-8 bytes
  kBinary,
  kDate,          // days since 1970-01-01
  kTimestamp,     // microseconds since the epoch, UTC
  kTimestampNtz,  // microseconds since the epoch, no time zone
  kDecimal,       // unscaled 128-bit integer with precision and scale
  kStruct,
  kArray,
  kMap,
};

// Deepest nesting of struct/array/map the storage layer accepts; deeper schemas are refused.
inline constexpr int kMaxTypeDepth = 64;
// Largest decimal precision (Spark and Delta: 38 digits, fits 128 bits).
inline constexpr int kMaxDecimalPrecision = 38;

struct Field;

// A column type. Nested types hold their children as Fields: a struct its members, an array one
// field named "element", a map two fields "key" and "value". A value type, cheap enough to copy
// for schemas of ordinary size.
struct DataType {
  TypeId id = TypeId::kInt;
  int precision = 0;  // kDecimal only
  int scale = 0;      // kDecimal only
  std::vector<Field> children;

  static DataType Primitive(TypeId id);
  static DataType Decimal(int precision, int scale);
  static DataType Struct(std::vector<Field> fields);
  static DataType Array(DataType element, bool contains_null = true);
  static DataType Map(DataType key, DataType value, bool value_contains_null = true);

  bool is_nested() const {
    return id == TypeId::kStruct || id == TypeId::kArray || id == TypeId::kMap;
  }
  // Spark's simpleString spelling: "int", "decimal(10,2)", "array<string>",
  // "struct<a:int,b:string>", "map<string,int>".
  std::string ToString() const;
  bool operator==(const DataType& other) const;
};

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;

  bool operator==(const Field& other) const {
    return name == other.name && type == other.type && nullable == other.nullable;
  }
};

// The ordered top-level fields of a table or batch.
struct Schema {
  std::vector<Field> fields;

  // Index of the field named `name` (exact match), or nullopt.
  std::optional<size_t> FieldIndex(std::string_view name) const;
  // Spark's column resolution: the exact match, else the only match ignoring ASCII case;
  // nullopt when there is none or the name is ambiguous.
  std::optional<size_t> ResolveFieldIndex(std::string_view name) const;
  std::string ToString() const;
  bool operator==(const Schema& other) const { return fields == other.fields; }
};

// Name of a primitive type as Spark spells it ("long", "timestamp_ntz").
std::string_view TypeIdName(TypeId id);

}  // namespace keel::batch
