#include "catalog/table_schema.h"

#include <cctype>
#include <set>

#include "catalog/names.h"
#include "common/json.h"
#include "common/limits.h"
#include "storage/delta/schema_json.h"

namespace keel::catalog {

using batch::DataType;
using batch::Field;
using batch::Schema;
using batch::TypeId;

namespace {

// Most columns a managed table may have.
constexpr size_t kMaxColumns = 4096;
// Longest schema text accepted from a user (DDL, type_text, type_json).
constexpr size_t kMaxSchemaTextBytes = 1 << 20;

std::string Lower(std::string_view s) { return NameKey(s); }

// Recursive descent over the DDL text; `pos_` is a byte offset for messages.
class DdlParser {
 public:
  explicit DdlParser(std::string_view text) : text_(text) {}

  Result<Schema> ParseColumns() {
    Schema schema;
    while (true) {
      KEEL_ASSIGN_OR_RETURN(Field field, ParseField(/*in_struct=*/false));
      schema.fields.push_back(std::move(field));
      SkipSpace();
      if (AtEnd()) break;
      KEEL_RETURN_IF_ERROR(Expect(','));
    }
    return schema;
  }

  Result<DataType> ParseWholeType() {
    KEEL_ASSIGN_OR_RETURN(DataType type, ParseType(0));
    SkipSpace();
    if (!AtEnd()) return Error("end of the type");
    return type;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                        text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  Status Error(std::string_view expected) const {
    std::string near(text_.substr(pos_, 20));
    for (char& c : near) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    return Status::InvalidArgument("schema: expected " + std::string(expected) + " at offset " +
                                   std::to_string(pos_) +
                                   (AtEnd() ? " (end of text)" : " near '" + near + "'") +
                                   "; write columns as 'id long, name string not null'");
  }

  Status Expect(char c) {
    SkipSpace();
    if (AtEnd() || text_[pos_] != c) return Error(std::string("'") + c + "'");
    ++pos_;
    return Status::OK();
  }

  // A column name: letters, digits, '_' (or any text in backquotes).
  Result<std::string> ParseName() {
    SkipSpace();
    if (!AtEnd() && text_[pos_] == '`') {
      size_t end = text_.find('`', pos_ + 1);
      if (end == std::string_view::npos) return Error("a closing '`'");
      std::string name(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return name;
    }
    size_t start = pos_;
    while (!AtEnd() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    if (pos_ == start) return Error("a column name");
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<int> ParseInt() {
    SkipSpace();
    size_t start = pos_;
    int value = 0;
    while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9' && pos_ - start < 4) {
      value = value * 10 + (text_[pos_] - '0');
      ++pos_;
    }
    if (pos_ == start) return Error("a number");
    return value;
  }

  bool TryKeyword(std::string_view word) {
    SkipSpace();
    if (text_.size() - pos_ < word.size() || Lower(text_.substr(pos_, word.size())) != word) {
      return false;
    }
    size_t after = pos_ + word.size();
    if (after < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[after])) || text_[after] == '_')) {
      return false;
    }
    pos_ = after;
    return true;
  }

  Result<Field> ParseField(bool in_struct) {
    Field field;
    KEEL_ASSIGN_OR_RETURN(field.name, ParseName());
    SkipSpace();
    if (in_struct && !AtEnd() && text_[pos_] == ':') ++pos_;
    KEEL_ASSIGN_OR_RETURN(field.type, ParseType(1));
    if (TryKeyword("not")) {
      if (!TryKeyword("null")) return Error("NULL after NOT");
      field.nullable = false;
    }
    return field;
  }

  Result<DataType> ParseType(int depth) {
    if (depth > batch::kMaxTypeDepth) return Error("less deeply nested types");
    SkipSpace();
    size_t start = pos_;
    while (!AtEnd() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    std::string word = Lower(text_.substr(start, pos_ - start));
    if (word.empty()) {
      pos_ = start;
      return Error("a type");
    }
    struct Alias {
      std::string_view name;
      TypeId id;
    };
    static constexpr Alias kPrimitives[] = {
        {"boolean", TypeId::kBoolean},
        {"bool", TypeId::kBoolean},
        {"byte", TypeId::kByte},
        {"tinyint", TypeId::kByte},
        {"short", TypeId::kShort},
        {"smallint", TypeId::kShort},
        {"int", TypeId::kInt},
        {"integer", TypeId::kInt},
        {"long", TypeId::kLong},
        {"bigint", TypeId::kLong},
        {"float", TypeId::kFloat},
        {"real", TypeId::kFloat},
        {"double", TypeId::kDouble},
        {"string", TypeId::kString},
        {"binary", TypeId::kBinary},
        {"date", TypeId::kDate},
        {"timestamp", TypeId::kTimestamp},
        {"timestamp_ntz", TypeId::kTimestampNtz},
    };
    for (const Alias& a : kPrimitives) {
      if (a.name == word) return DataType::Primitive(a.id);
    }
    if (word == "decimal" || word == "numeric" || word == "dec") {
      SkipSpace();
      if (AtEnd() || text_[pos_] != '(') return DataType::Decimal(10, 0);
      ++pos_;
      KEEL_ASSIGN_OR_RETURN(int precision, ParseInt());
      int scale = 0;
      SkipSpace();
      if (!AtEnd() && text_[pos_] == ',') {
        ++pos_;
        KEEL_ASSIGN_OR_RETURN(scale, ParseInt());
      }
      KEEL_RETURN_IF_ERROR(Expect(')'));
      if (precision < 1 || precision > batch::kMaxDecimalPrecision || scale > precision) {
        return Status::InvalidArgument("schema: decimal(" + std::to_string(precision) + "," +
                                       std::to_string(scale) +
                                       ") is not valid; precision is 1-38 and scale at most "
                                       "the precision");
      }
      return DataType::Decimal(precision, scale);
    }
    if (word == "array") {
      KEEL_RETURN_IF_ERROR(Expect('<'));
      KEEL_ASSIGN_OR_RETURN(DataType element, ParseType(depth + 1));
      KEEL_RETURN_IF_ERROR(Expect('>'));
      return DataType::Array(std::move(element));
    }
    if (word == "map") {
      KEEL_RETURN_IF_ERROR(Expect('<'));
      KEEL_ASSIGN_OR_RETURN(DataType key, ParseType(depth + 1));
      KEEL_RETURN_IF_ERROR(Expect(','));
      KEEL_ASSIGN_OR_RETURN(DataType value, ParseType(depth + 1));
      KEEL_RETURN_IF_ERROR(Expect('>'));
      return DataType::Map(std::move(key), std::move(value));
    }
    if (word == "struct") {
      KEEL_RETURN_IF_ERROR(Expect('<'));
      std::vector<Field> fields;
      while (true) {
        KEEL_ASSIGN_OR_RETURN(Field f, ParseField(/*in_struct=*/true));
        fields.push_back(std::move(f));
        SkipSpace();
        if (!AtEnd() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        break;
      }
      KEEL_RETURN_IF_ERROR(Expect('>'));
      return DataType::Struct(std::move(fields));
    }
    pos_ = start;
    return Error(
        "a type (boolean, int, long, float, double, string, binary, date, timestamp, "
        "decimal(p,s), array<T>, map<K,V>, struct<...>)");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Status CheckLength(std::string_view text, std::string_view what) {
  if (text.size() > kMaxSchemaTextBytes) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxSchemaTextBytes));
  }
  return Status::OK();
}

std::string UcTypeName(const DataType& type) {
  std::string name(batch::TypeIdName(type.id));
  switch (type.id) {
    case TypeId::kDecimal:
      return "DECIMAL";
    case TypeId::kArray:
      return "ARRAY";
    case TypeId::kMap:
      return "MAP";
    case TypeId::kStruct:
      return "STRUCT";
    default:
      break;
  }
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // Spark's JSON names "integer"; UC's enum says INT.
  return name == "INTEGER" ? "INT" : name;
}

// The Spark JSON of one field, as UC's type_json carries it.
std::string FieldJson(const Field& field) {
  Schema one;
  one.fields.push_back(field);
  auto doc = json::Parse(delta::SchemaToString(one));
  if (!doc.ok() || doc->Find("fields") == nullptr || doc->Find("fields")->size() != 1) return "";
  return doc->Find("fields")->as_array()[0].Dump();
}

Status CheckNames(const std::vector<Field>& fields, std::string_view where) {
  std::set<std::string> seen;
  for (const Field& f : fields) {
    if (f.name.empty() || f.name.size() > kMaxNameBytes) {
      return Status::InvalidArgument("column names must be 1-" + std::to_string(kMaxNameBytes) +
                                     " bytes" + std::string(where));
    }
    for (char c : f.name) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return Status::InvalidArgument("column name '" + f.name.substr(0, 64) +
                                       "' holds a control character");
      }
    }
    if (!seen.insert(NameKey(f.name)).second) {
      return Status::InvalidArgument("column '" + f.name + "' appears twice" + std::string(where) +
                                     "; column names must be unique");
    }
    if (f.type.id == TypeId::kStruct) {
      KEEL_RETURN_IF_ERROR(CheckNames(f.type.children, " in struct '" + f.name + "'"));
    }
  }
  return Status::OK();
}

}  // namespace

Result<Schema> ParseSchemaDdl(std::string_view ddl) {
  KEEL_RETURN_IF_ERROR(CheckLength(ddl, "schema"));
  return DdlParser(ddl).ParseColumns();
}

Result<DataType> ParseTypeText(std::string_view text) {
  KEEL_RETURN_IF_ERROR(CheckLength(text, "type_text"));
  return DdlParser(text).ParseWholeType();
}

Result<Field> ParseColumn(std::string_view name, std::string_view type_json,
                          std::string_view type_text, std::string_view type_name, bool nullable) {
  std::string col = "column '" + std::string(name.substr(0, 64)) + "': ";
  if (!type_json.empty()) {
    KEEL_RETURN_IF_ERROR(CheckLength(type_json, "type_json"));
    auto doc = json::Parse(type_json);
    if (!doc.ok() || !doc->is_object()) {
      return Status::InvalidArgument(col +
                                     "type_json must be the Spark JSON of the field, e.g. "
                                     "{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,"
                                     "\"metadata\":{}}");
    }
    json::Value field = *doc;
    const json::Value* json_name = field.Find("name");
    if (json_name != nullptr && (!json_name->is_string() || json_name->as_string() != name)) {
      return Status::InvalidArgument(col + "type_json names a different column");
    }
    field.Set("name", std::string(name));
    if (field.Find("nullable") == nullptr) field.Set("nullable", nullable);
    if (field.Find("metadata") == nullptr) field.Set("metadata", json::Value::MakeObject());
    json::Value wrapper;
    wrapper.Set("type", "struct");
    wrapper["fields"].Append(std::move(field));
    auto schema = delta::ParseSchemaString(wrapper.Dump());
    if (!schema.ok()) {
      return Status::InvalidArgument(col + "bad type_json: " + schema.status().message());
    }
    if (schema->fields.size() != 1) return Status::InvalidArgument(col + "bad type_json");
    return std::move(schema->fields[0]);
  }
  std::string_view text = !type_text.empty() ? type_text : type_name;
  if (text.empty()) {
    return Status::InvalidArgument(col + "give its type as type_json, type_text or type_name");
  }
  auto type = ParseTypeText(text);
  if (!type.ok()) return Status::InvalidArgument(col + type.status().message());
  Field f;
  f.name = std::string(name);
  f.type = std::move(*type);
  f.nullable = nullable;
  return f;
}

std::vector<ColumnInfo> ToColumnInfos(const Schema& schema,
                                      const std::vector<std::string>& partition_columns) {
  std::vector<ColumnInfo> out;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const Field& f = schema.fields[i];
    ColumnInfo c;
    c.name = f.name;
    c.type_text = f.type.ToString();
    c.type_name = UcTypeName(f.type);
    c.type_json = FieldJson(f);
    c.type_precision = f.type.precision;
    c.type_scale = f.type.scale;
    c.position = static_cast<int>(i);
    c.nullable = f.nullable;
    for (size_t p = 0; p < partition_columns.size(); ++p) {
      if (partition_columns[p] == f.name) c.partition_index = static_cast<int>(p);
    }
    out.push_back(std::move(c));
  }
  return out;
}

Status ValidateTableSchema(const Schema& schema,
                           const std::vector<std::string>& partition_columns) {
  if (schema.fields.empty()) {
    return Status::InvalidArgument("a table needs at least one column");
  }
  if (schema.fields.size() > kMaxColumns) {
    return Status::InvalidArgument("a table may have at most " + std::to_string(kMaxColumns) +
                                   " columns, not " + std::to_string(schema.fields.size()));
  }
  KEEL_RETURN_IF_ERROR(CheckNames(schema.fields, ""));
  std::set<std::string> seen;
  for (const std::string& p : partition_columns) {
    auto idx = schema.FieldIndex(p);
    if (!idx) {
      return Status::InvalidArgument("partition column '" + p.substr(0, 64) +
                                     "' is not a column of the table");
    }
    if (schema.fields[*idx].type.is_nested()) {
      return Status::InvalidArgument("partition column '" + p +
                                     "' must have a primitive type, not " +
                                     schema.fields[*idx].type.ToString());
    }
    if (!seen.insert(p).second) {
      return Status::InvalidArgument("partition column '" + p + "' is listed twice");
    }
  }
  if (partition_columns.size() == schema.fields.size()) {
    return Status::InvalidArgument("at least one column must not be a partition column");
  }
  return Status::OK();
}

}  // namespace keel::catalog
