#include "storage/batch/data_type.h"

#include "common/strings.h"

namespace keel::batch {

DataType DataType::Primitive(TypeId id) {
  DataType t;
  t.id = id;
  return t;
}

DataType DataType::Decimal(int precision, int scale) {
  DataType t;
  t.id = TypeId::kDecimal;
  t.precision = precision;
  t.scale = scale;
  return t;
}

DataType DataType::Struct(std::vector<Field> fields) {
  DataType t;
  t.id = TypeId::kStruct;
  t.children = std::move(fields);
  return t;
}

DataType DataType::Array(DataType element, bool contains_null) {
  DataType t;
  t.id = TypeId::kArray;
  t.children.push_back(Field{"element", std::move(element), contains_null});
  return t;
}

DataType DataType::Map(DataType key, DataType value, bool value_contains_null) {
  DataType t;
  t.id = TypeId::kMap;
  t.children.push_back(Field{"key", std::move(key), false});
  t.children.push_back(Field{"value", std::move(value), value_contains_null});
  return t;
}

bool DataType::operator==(const DataType& other) const {
  return id == other.id && precision == other.precision && scale == other.scale &&
         children == other.children;
}

std::string_view TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kByte:
      return "byte";
    case TypeId::kShort:
      return "short";
    case TypeId::kInt:
      return "int";
    case TypeId::kLong:
      return "long";
    case TypeId::kFloat:
      return "float";
    case TypeId::kDouble:
      return "double";
    case TypeId::kString:
      return "string";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kTimestampNtz:
      return "timestamp_ntz";
    case TypeId::kDecimal:
      return "decimal";
    case TypeId::kStruct:
      return "struct";
    case TypeId::kArray:
      return "array";
    case TypeId::kMap:
      return "map";
  }
  return "unknown";
}

std::string DataType::ToString() const {
  switch (id) {
    case TypeId::kDecimal:
      return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kArray:
      return "array<" + children[0].type.ToString() + ">";
    case TypeId::kMap:
      return "map<" + children[0].type.ToString() + "," + children[1].type.ToString() + ">";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) s += ",";
        s += children[i].name + ":" + children[i].type.ToString();
      }
      return s + ">";
    }
    default:
      return std::string(TypeIdName(id));
  }
}

std::optional<size_t> Schema::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<size_t> Schema::ResolveFieldIndex(std::string_view name) const {
  if (auto exact = FieldIndex(name)) return exact;
  std::optional<size_t> found;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!EqualsIgnoringCase(fields[i].name, name)) continue;
    if (found) return std::nullopt;  // ambiguous
    found = i;
  }
  return found;
}

std::string Schema::ToString() const { return DataType::Struct(fields).ToString(); }

}  // namespace keel::batch
