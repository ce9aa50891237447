#include "storage/batch/row.h"

#include <gtest/gtest.h>

#include <cmath>

namespace keel::batch {
namespace {

Schema NestedSchema() {
  Schema s;
  s.fields.push_back({"id", DataType::Primitive(TypeId::kLong), false});
  s.fields.push_back({"name", DataType::Primitive(TypeId::kString), true});
  s.fields.push_back({"tags", DataType::Array(DataType::Primitive(TypeId::kString)), true});
  s.fields.push_back(
      {"attrs",
       DataType::Map(DataType::Primitive(TypeId::kString), DataType::Primitive(TypeId::kDouble)),
       true});
  s.fields.push_back({"point",
                      DataType::Struct({{"x", DataType::Primitive(TypeId::kFloat), true},
                                        {"d", DataType::Decimal(10, 2), true}}),
                      true});
  return s;
}

TEST(RowTest, RowsRoundTripThroughColumnsIncludingNullsAndNesting) {
  Schema schema = NestedSchema();
  std::vector<Row> rows;
  rows.push_back(Row{Value(int64_t{1}), Value(std::string("a")),
                     Value(Value::List{Value(std::string("x")), Value()}),
                     Value(Value::Entries{{Value(std::string("k")), Value(std::nan(""))}}),
                     Value(Value::List{Value(1.5f), Value(Int128{12345})})});
  rows.push_back(Row{Value(int64_t{2}), Value(), Value(), Value(), Value()});
  rows.push_back(Row{Value(int64_t{3}), Value(std::string("")), Value(Value::List{}),
                     Value(Value::Entries{}), Value(Value::List{Value(), Value()})});
  auto batch = FromRows(schema, rows);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_TRUE(batch->Validate().ok()) << batch->Validate().ToString();
  EXPECT_EQ(batch->num_rows, 3);
  EXPECT_EQ(ToRows(*batch), rows);
}

TEST(RowTest, FromRowsRejectsValueOfWrongType) {
  Schema schema = NestedSchema();
  std::vector<Row> rows{Row{Value(std::string("no")), Value(), Value(), Value(), Value()}};
  auto batch = FromRows(schema, rows);
  ASSERT_FALSE(batch.ok());
  EXPECT_NE(batch.status().message().find("id"), std::string::npos);
}

TEST(DataTypeTest, ToStringUsesSparkSpelling) {
  EXPECT_EQ(NestedSchema().ToString(),
            "struct<id:long,name:string,tags:array<string>,attrs:map<string,double>,"
            "point:struct<x:float,d:decimal(10,2)>>");
}

}  // namespace
}  // namespace keel::batch
