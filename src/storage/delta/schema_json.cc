#include "storage/delta/schema_json.h"

#include <cstdlib>

#include "common/json.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::Field;
using batch::TypeId;

Result<DataType> ParseType(const json::Value& v, int depth);

Result<Field> ParseField(const json::Value& v, int depth) {
  if (!v.is_object()) return Status::Corruption("schema field is not a JSON object");
  const json::Value* name = v.Find("name");
  const json::Value* type = v.Find("type");
  if (name == nullptr || !name->is_string() || type == nullptr) {
    return Status::Corruption("schema field lacks 'name' or 'type'");
  }
  Field f;
  f.name = name->as_string();
  KEEL_ASSIGN_OR_RETURN(f.type, ParseType(*type, depth + 1));
  const json::Value* nullable = v.Find("nullable");
  f.nullable = nullable == nullptr || !nullable->is_bool() || nullable->as_bool();
  return f;
}

Result<DataType> ParsePrimitive(const std::string& name) {
  static const struct {
    const char* name;
    TypeId id;
  } kNames[] = {{"boolean", TypeId::kBoolean},   {"byte", TypeId::kByte},
                {"short", TypeId::kShort},       {"integer", TypeId::kInt},
                {"long", TypeId::kLong},         {"float", TypeId::kFloat},
                {"double", TypeId::kDouble},     {"string", TypeId::kString},
                {"binary", TypeId::kBinary},     {"date", TypeId::kDate},
                {"timestamp", TypeId::kTimestamp}, {"timestamp_ntz", TypeId::kTimestampNtz}};
  for (const auto& n : kNames) {
    if (name == n.name) return DataType::Primitive(n.id);
  }
  if (name.rfind("decimal", 0) == 0) {
    int precision = 10, scale = 0;  // Spark's "decimal" alone is decimal(10,0)
    if (name != "decimal") {
      char close = 0;
      if (std::sscanf(name.c_str(), "decimal(%d,%d%c", &precision, &scale, &close) != 3 ||
          close != ')') {
        if (std::sscanf(name.c_str(), "decimal(%d, %d%c", &precision, &scale, &close) != 3 ||
            close != ')') {
          return Status::Corruption("schema type '" + name + "' is not decimal(p,s)");
        }
      }
    }
    if (precision < 1 || precision > batch::kMaxDecimalPrecision || scale < 0 ||
        scale > precision) {
      return Status::Corruption("schema type '" + name + "' has an invalid precision or scale");
    }
    return DataType::Decimal(precision, scale);
  }
  return Status::NotImplemented("column type '" + name + "' is not supported by Keel");
}

Result<DataType> ParseType(const json::Value& v, int depth) {
  if (depth > batch::kMaxTypeDepth) {
    return Status::Corruption("schema nests deeper than " +
                              std::to_string(batch::kMaxTypeDepth) + " levels");
  }
  if (v.is_string()) return ParsePrimitive(v.as_string());
  if (!v.is_object()) return Status::Corruption("schema type is neither a name nor an object");
  const json::Value* kind = v.Find("type");
  if (kind == nullptr || !kind->is_string()) return Status::Corruption("schema type lacks 'type'");
  const std::string& k = kind->as_string();
  if (k == "struct") {
    const json::Value* fields = v.Find("fields");
    if (fields == nullptr || !fields->is_array()) {
      return Status::Corruption("struct type lacks 'fields'");
    }
    std::vector<Field> out;
    for (const auto& f : fields->as_array()) {
      KEEL_ASSIGN_OR_RETURN(auto field, ParseField(f, depth));
      out.push_back(std::move(field));
    }
    return DataType::Struct(std::move(out));
  }
  if (k == "array") {
    const json::Value* element = v.Find("elementType");
    if (element == nullptr) return Status::Corruption("array type lacks 'elementType'");
    KEEL_ASSIGN_OR_RETURN(auto e, ParseType(*element, depth + 1));
    const json::Value* cn = v.Find("containsNull");
    return DataType::Array(std::move(e), cn == nullptr || !cn->is_bool() || cn->as_bool());
  }
  if (k == "map") {
    const json::Value* key = v.Find("keyType");
    const json::Value* value = v.Find("valueType");
    if (key == nullptr || value == nullptr) {
      return Status::Corruption("map type lacks 'keyType' or 'valueType'");
    }
    KEEL_ASSIGN_OR_RETURN(auto kt, ParseType(*key, depth + 1));
    KEEL_ASSIGN_OR_RETURN(auto vt, ParseType(*value, depth + 1));
    const json::Value* vcn = v.Find("valueContainsNull");
    return DataType::Map(std::move(kt), std::move(vt),
                         vcn == nullptr || !vcn->is_bool() || vcn->as_bool());
  }
  return Status::NotImplemented("column type '" + k + "' is not supported by Keel");
}

json::Value TypeToJson(const DataType& t);

json::Value FieldToJson(const Field& f) {
  json::Value o = json::Value::MakeObject();
  o.Set("name", f.name);
  o.Set("type", TypeToJson(f.type));
  o.Set("nullable", f.nullable);
  o.Set("metadata", json::Value::MakeObject());
  return o;
}

json::Value TypeToJson(const DataType& t) {
  switch (t.id) {
    case TypeId::kStruct: {
      json::Value o = json::Value::MakeObject();
      o.Set("type", "struct");
      json::Value fields = json::Value::MakeArray();
      for (const auto& f : t.children) fields.Append(FieldToJson(f));
      o.Set("fields", std::move(fields));
      return o;
    }
    case TypeId::kArray: {
      json::Value o = json::Value::MakeObject();
      o.Set("type", "array");
      o.Set("elementType", TypeToJson(t.children[0].type));
      o.Set("containsNull", t.children[0].nullable);
      return o;
    }
    case TypeId::kMap: {
      json::Value o = json::Value::MakeObject();
      o.Set("type", "map");
      o.Set("keyType", TypeToJson(t.children[0].type));
      o.Set("valueType", TypeToJson(t.children[1].type));
      o.Set("valueContainsNull", t.children[1].nullable);
      return o;
    }
    case TypeId::kInt:
      return json::Value("integer");
    case TypeId::kDecimal:
      return json::Value("decimal(" + std::to_string(t.precision) + "," +
                         std::to_string(t.scale) + ")");
    default:
      return json::Value(std::string(batch::TypeIdName(t.id)));
  }
}

}  // namespace

Result<batch::Schema> ParseSchemaString(std::string_view text) {
  auto parsed = json::Parse(text, json::ParseOptions{.max_depth = 4 * batch::kMaxTypeDepth});
  if (!parsed.ok()) {
    return Status::Corruption("table schema is not valid JSON: " + parsed.status().message());
  }
  KEEL_ASSIGN_OR_RETURN(auto type, ParseType(*parsed, 0));
  if (type.id != TypeId::kStruct) return Status::Corruption("table schema is not a struct type");
  batch::Schema schema;
  schema.fields = std::move(type.children);
  return schema;
}

std::string SchemaToString(const batch::Schema& schema) {
  return TypeToJson(DataType::Struct(schema.fields)).Dump();
}

bool SchemaHasInvariants(std::string_view json) {
  return json.find("delta.invariants") != std::string_view::npos;
}

}  // namespace keel::delta
