#pragma once

// Table schemas as users write them and as Unity Catalog shows them: a DDL-style column list
// ("id long, name string not null, price decimal(10,2)") for the CLI, one UC ColumnInfo per
// column (type_text, type_name, type_json) for the REST API, and the checks every managed
// table's schema passes before any securable or file is made.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/batch/data_type.h"

namespace keel::catalog {

// Unity Catalog's ColumnInfo.
struct ColumnInfo {
  std::string name;
  std::string type_text;   // Spark simpleString: "bigint", "decimal(10,2)", "array<string>"
  std::string type_name;   // UC ColumnTypeName: "LONG", "DECIMAL", "ARRAY", ...
  std::string type_json;   // the Spark JSON of the field: {"name":..,"type":..,"nullable":..}
  int type_precision = 0;  // decimals only
  int type_scale = 0;      // decimals only
  int position = 0;        // 0-based
  bool nullable = true;
  std::optional<int> partition_index;  // position in the partition columns, when one
};

// Parses "name type [not null], ..." where type is a Spark type name (boolean, byte/tinyint,
// short/smallint, int/integer, long/bigint, float/real, double, string, binary, date,
// timestamp, timestamp_ntz, decimal(p,s)) or array<T>, map<K,V>, struct<a:T, b:T>. Names and
// types are case-insensitive for the type keywords. kInvalidParameterValue names the position
// and what was expected.
Result<batch::Schema> ParseSchemaDdl(std::string_view ddl);

// One type in the same syntax ("decimal(10,2)", "array<string>").
Result<batch::DataType> ParseTypeText(std::string_view text);

// One UC column: `type_json` (Spark field JSON) wins, else `type_text`, else `type_name` (a
// primitive). kInvalidParameterValue when none gives a type or they do not parse.
Result<batch::Field> ParseColumn(std::string_view name, std::string_view type_json,
                                 std::string_view type_text, std::string_view type_name,
                                 bool nullable);

// The UC ColumnInfo of every field, with partition indices.
std::vector<ColumnInfo> ToColumnInfos(const batch::Schema& schema,
                                      const std::vector<std::string>& partition_columns);

// What every managed table's schema must satisfy: 1-4096 columns, non-empty unique names
// (ignoring case, as Delta does) without control characters, nesting within the storage
// layer's limit, and partition columns that name distinct top-level primitive columns.
Status ValidateTableSchema(const batch::Schema& schema,
                           const std::vector<std::string>& partition_columns);

}  // namespace keel::catalog
