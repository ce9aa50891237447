#include "storage/parquet/schema_builder.h"

#include <cmath>

#include "storage/parquet/schema.h"

namespace keel::parquet {

namespace {

using batch::TypeId;
using K = LogicalType::Kind;

int32_t Raw(Type t) { return static_cast<int32_t>(t); }
int32_t Raw(ConvertedType c) { return static_cast<int32_t>(c); }
int32_t Raw(Repetition r) { return static_cast<int32_t>(r); }

Status Append(const std::string& name, const batch::DataType& type, Repetition repetition,
              int depth, std::vector<SchemaElement>* out) {
  if (depth > kMaxSchemaDepth) {
    return Status::InvalidArgument("schema nests deeper than " + std::to_string(kMaxSchemaDepth));
  }
  SchemaElement e;
  e.name = name;
  e.repetition = Raw(repetition);
  switch (type.id) {
    case TypeId::kBoolean:
      e.type = Raw(Type::kBoolean);
      break;
    case TypeId::kByte:
    case TypeId::kShort:
      e.type = Raw(Type::kInt32);
      e.converted_type =
          Raw(type.id == TypeId::kByte ? ConvertedType::kInt8 : ConvertedType::kInt16);
      e.logical_type.kind = K::kInteger;
      e.logical_type.bit_width = type.id == TypeId::kByte ? 8 : 16;
      e.logical_type.is_signed = true;
      break;
    case TypeId::kInt:
      e.type = Raw(Type::kInt32);
      break;
    case TypeId::kLong:
      e.type = Raw(Type::kInt64);
      break;
    case TypeId::kFloat:
      e.type = Raw(Type::kFloat);
      break;
    case TypeId::kDouble:
      e.type = Raw(Type::kDouble);
      break;
    case TypeId::kString:
      e.type = Raw(Type::kByteArray);
      e.converted_type = Raw(ConvertedType::kUtf8);
      e.logical_type.kind = K::kString;
      break;
    case TypeId::kBinary:
      e.type = Raw(Type::kByteArray);
      break;
    case TypeId::kDate:
      e.type = Raw(Type::kInt32);
      e.converted_type = Raw(ConvertedType::kDate);
      e.logical_type.kind = K::kDate;
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      e.type = Raw(Type::kInt64);
      if (type.id == TypeId::kTimestamp) e.converted_type = Raw(ConvertedType::kTimestampMicros);
      e.logical_type.kind = K::kTimestamp;
      e.logical_type.adjusted_to_utc = type.id == TypeId::kTimestamp;
      e.logical_type.unit = TimeUnit::kMicros;
      break;
    case TypeId::kDecimal:
      if (type.precision < 1 || type.precision > batch::kMaxDecimalPrecision || type.scale < 0 ||
          type.scale > type.precision) {
        return Status::InvalidArgument("field '" + name + "' has invalid " + type.ToString());
      }
      if (type.precision <= 9) {
        e.type = Raw(Type::kInt32);
      } else if (type.precision <= 18) {
        e.type = Raw(Type::kInt64);
      } else {
        e.type = Raw(Type::kFixedLenByteArray);
        e.type_length = DecimalBytesForPrecision(type.precision);
      }
      e.converted_type = Raw(ConvertedType::kDecimal);
      e.precision = type.precision;
      e.scale = type.scale;
      e.logical_type.kind = K::kDecimal;
      e.logical_type.precision = type.precision;
      e.logical_type.scale = type.scale;
      break;
    case TypeId::kStruct: {
      if (type.children.empty()) {
        return Status::InvalidArgument("struct field '" + name +
                                       "' has no fields; Parquet "
                                       "cannot store an empty group");
      }
      e.num_children = static_cast<int32_t>(type.children.size());
      out->push_back(e);
      for (const batch::Field& f : type.children) {
        KEEL_RETURN_IF_ERROR(Append(f.name, f.type,
                                    f.nullable ? Repetition::kOptional : Repetition::kRequired,
                                    depth + 1, out));
      }
      return Status::OK();
    }
    case TypeId::kArray: {
      e.num_children = 1;
      e.converted_type = Raw(ConvertedType::kList);
      e.logical_type.kind = K::kList;
      out->push_back(e);
      SchemaElement list;
      list.name = "list";
      list.repetition = Raw(Repetition::kRepeated);
      list.num_children = 1;
      out->push_back(list);
      const batch::Field& el = type.children[0];
      return Append("element", el.type, el.nullable ? Repetition::kOptional : Repetition::kRequired,
                    depth + 2, out);
    }
    case TypeId::kMap: {
      e.num_children = 1;
      e.converted_type = Raw(ConvertedType::kMap);
      e.logical_type.kind = K::kMap;
      out->push_back(e);
      SchemaElement kv;
      kv.name = "key_value";
      kv.repetition = Raw(Repetition::kRepeated);
      kv.num_children = 2;
      out->push_back(kv);
      KEEL_RETURN_IF_ERROR(
          Append("key", type.children[0].type, Repetition::kRequired, depth + 2, out));
      const batch::Field& v = type.children[1];
      return Append("value", v.type, v.nullable ? Repetition::kOptional : Repetition::kRequired,
                    depth + 2, out);
    }
  }
  out->push_back(e);
  return Status::OK();
}

}  // namespace

int32_t DecimalBytesForPrecision(int precision) {
  // Smallest n with 2^(8n-1) > 10^precision.
  for (int32_t n = 1; n <= 16; ++n) {
    if ((8.0 * n - 1) * std::log10(2.0) >= precision) return n;
  }
  return 16;
}

Result<std::vector<SchemaElement>> BuildParquetSchema(const batch::Schema& schema) {
  if (schema.fields.empty()) {
    return Status::InvalidArgument("cannot write a Parquet file with no columns");
  }
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.fields.size());
  out.push_back(root);
  for (const batch::Field& f : schema.fields) {
    KEEL_RETURN_IF_ERROR(Append(
        f.name, f.type, f.nullable ? Repetition::kOptional : Repetition::kRequired, 1, &out));
  }
  return out;
}

}  // namespace keel::parquet
