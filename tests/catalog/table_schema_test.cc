// Schemas as users write them (DDL, UC ColumnInfo) and the checks every managed table passes.

#include "catalog/table_schema.h"

#include <gtest/gtest.h>

#include "catalog/table_service.h"

namespace keel::catalog {
namespace {

using batch::DataType;
using batch::TypeId;

TEST(TableSchemaTest, DdlReadsPrimitivesAliasesNestedTypesAndNotNull) {
  auto s = ParseSchemaDdl(
      "id BIGINT not null, n int, name string, price decimal(10, 2), tags array<string>, "
      "attrs map<string,double>, point struct<x:double, y double>, `odd name` timestamp_ntz, "
      "d date");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->fields.size(), 9u);
  EXPECT_EQ(s->fields[0].type.id, TypeId::kLong);
  EXPECT_FALSE(s->fields[0].nullable);
  EXPECT_TRUE(s->fields[1].nullable);
  EXPECT_EQ(s->fields[1].type.id, TypeId::kInt);
  EXPECT_EQ(s->fields[3].type, DataType::Decimal(10, 2));
  EXPECT_EQ(s->fields[4].type.ToString(), "array<string>");
  EXPECT_EQ(s->fields[5].type.ToString(), "map<string,double>");
  EXPECT_EQ(s->fields[6].type.ToString(), "struct<x:double,y:double>");
  EXPECT_EQ(s->fields[7].name, "odd name");
  EXPECT_EQ(s->fields[7].type.id, TypeId::kTimestampNtz);
}

TEST(TableSchemaTest, BadDdlIsInvalidParameterValueNamingTheOffset) {
  for (const char* bad :
       {"", "id", "id lon", "id long,", "id decimal(40,2)", "id decimal(5,6)", "a array<string",
        "a map<string>", "id long not", "id long extra", "a struct<>", "`unterminated long"}) {
    auto s = ParseSchemaDdl(bad);
    EXPECT_EQ(s.status().code(), ErrorCode::kInvalidParameterValue) << bad;
  }
  std::string deep = "a ";
  for (int i = 0; i < 100; ++i) deep += "array<";
  deep += "int";
  for (int i = 0; i < 100; ++i) deep += ">";
  EXPECT_EQ(ParseSchemaDdl(deep).status().code(), ErrorCode::kInvalidParameterValue);
  auto msg = ParseSchemaDdl("id lon").status().message();
  EXPECT_NE(msg.find("offset 3"), std::string::npos) << msg;
}

TEST(TableSchemaTest, ColumnsComeFromTypeJsonThenTypeTextThenTypeName) {
  auto from_json = ParseColumn("id", R"({"name":"id","type":"long","nullable":false})", "string",
                               "STRING", true);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_EQ(from_json->type.id, TypeId::kLong);
  EXPECT_FALSE(from_json->nullable);
  auto from_text = ParseColumn("t", "", "array<int>", "ARRAY", true);
  ASSERT_TRUE(from_text.ok());
  EXPECT_EQ(from_text->type.ToString(), "array<int>");
  auto from_name = ParseColumn("d", "", "", "DATE", false);
  ASSERT_TRUE(from_name.ok());
  EXPECT_EQ(from_name->type.id, TypeId::kDate);
  EXPECT_FALSE(from_name->nullable);
  EXPECT_FALSE(ParseColumn("x", "", "", "", true).ok());
  EXPECT_FALSE(ParseColumn("x", "[1]", "", "", true).ok());
  EXPECT_FALSE(ParseColumn("x", R"({"name":"y","type":"long"})", "", "", true).ok());
  EXPECT_EQ(ParseColumn("x", R"({"type":"void"})", "", "", true).status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST(TableSchemaTest, ColumnInfosCarryUnityCatalogTypeNamesAndPartitionIndices) {
  auto s = ParseSchemaDdl("id int, amount decimal(12,3), day date, m map<string,long>");
  ASSERT_TRUE(s.ok());
  auto cols = ToColumnInfos(*s, {"day"});
  ASSERT_EQ(cols.size(), 4u);
  EXPECT_EQ(cols[0].type_name, "INT");
  EXPECT_EQ(cols[1].type_name, "DECIMAL");
  EXPECT_EQ(cols[1].type_precision, 12);
  EXPECT_EQ(cols[1].type_scale, 3);
  EXPECT_EQ(cols[2].type_name, "DATE");
  EXPECT_EQ(cols[2].partition_index, 0);
  EXPECT_FALSE(cols[0].partition_index.has_value());
  EXPECT_EQ(cols[3].type_name, "MAP");
  EXPECT_EQ(cols[3].position, 3);
  // type_json round-trips through ParseColumn.
  for (const auto& c : cols) {
    auto back = ParseColumn(c.name, c.type_json, "", "", true);
    ASSERT_TRUE(back.ok()) << c.type_json;
    EXPECT_EQ(back->type, s->fields[c.position].type);
  }
}

TEST(TableSchemaTest, TableSchemasNeedUniqueNamesAndPrimitivePartitionColumns) {
  auto s = ParseSchemaDdl("id long, name string, tags array<string>");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(ValidateTableSchema(*s, {"name"}).ok());
  EXPECT_FALSE(ValidateTableSchema(*s, {"tags"}).ok());
  EXPECT_FALSE(ValidateTableSchema(*s, {"nope"}).ok());
  EXPECT_FALSE(ValidateTableSchema(*s, {"name", "name"}).ok());
  EXPECT_FALSE(ValidateTableSchema(*s, {"id", "name", "tags"}).ok());
  EXPECT_FALSE(ValidateTableSchema({}, {}).ok());
  auto dup = ParseSchemaDdl("id long, ID int");
  ASSERT_TRUE(dup.ok());
  EXPECT_FALSE(ValidateTableSchema(*dup, {}).ok());
  auto nested_dup = ParseSchemaDdl("s struct<a:int, a:int>");
  ASSERT_TRUE(nested_dup.ok());
  EXPECT_FALSE(ValidateTableSchema(*nested_dup, {}).ok());
  batch::Schema control;
  control.fields.push_back({std::string("a\nb"), DataType::Primitive(TypeId::kInt), true});
  EXPECT_FALSE(ValidateTableSchema(control, {}).ok());
}

TEST(TableSchemaTest, TimeTravelTextIsAVersionOrAnIsoOrEpochTimestamp) {
  auto latest = ParseTimeTravel("", "");
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->version || latest->timestamp_ms);
  EXPECT_EQ(ParseTimeTravel("3", "")->version, 3);
  EXPECT_EQ(ParseTimeTravel("", "1700000000000")->timestamp_ms, 1700000000000);
  EXPECT_EQ(ParseTimeTravel("", "2023-11-14T22:13:20Z")->timestamp_ms, 1700000000000);
  EXPECT_EQ(ParseTimeTravel("", "2023-11-14T23:13:20.5+01:00")->timestamp_ms, 1700000000500);
  for (auto [v, t] : std::vector<std::pair<const char*, const char*>>{
           {"-1", ""}, {"x", ""}, {"1", "2"}, {"", "yesterday"}, {"", "2023-13-01"}}) {
    EXPECT_EQ(ParseTimeTravel(v, t).status().code(), ErrorCode::kInvalidParameterValue)
        << v << " / " << t;
  }
}

}  // namespace
}  // namespace keel::catalog
