#include "storage/batch/value_format.h"

#include "common/base64.h"

#include <gtest/gtest.h>

#include <cmath>

#include "storage/batch/row.h"

namespace keel::batch {
namespace {

TEST(ValueFormatTest, FormatsDatesTimestampsAndDecimalsAsTheContractSays) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(19723), "2024-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatTimestampMicros(1704164645123456, true), "2024-01-02T03:04:05.123456Z");
  EXPECT_EQ(FormatTimestampMicros(-1, true), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampMicros(0, false), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(FormatDecimal(100, 2), "1.00");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(42, 0), "42");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Encode("abc"), "YWJj");
  EXPECT_EQ(Base64Encode(""), "");
}

TEST(ValueFormatTest, RowsBecomeJsonObjectsWithSpecialFloatsAsStrings) {
  Schema s;
  s.fields.push_back({"d", DataType::Primitive(TypeId::kDouble), true});
  s.fields.push_back({"b", DataType::Primitive(TypeId::kBinary), true});
  s.fields.push_back(
      {"m", DataType::Map(DataType::Primitive(TypeId::kInt), DataType::Primitive(TypeId::kString)),
       true});
  s.fields.push_back({"t", DataType::Struct({{"x", DataType::Decimal(5, 2), true}}), true});
  std::vector<Row> rows{
      Row{Value(std::nan("")), Value(std::string("hi")),
          Value(Value::Entries{{Value(int64_t{1}), Value(std::string("a\"b"))}}),
          Value(Value::List{Value(Int128{-150})})},
      Row{Value(-HUGE_VAL), Value(), Value(), Value()},
      Row{Value(1.5), Value(std::string()), Value(Value::Entries{}), Value(Value::List{Value()})}};
  auto b = FromRows(s, rows);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(RowToJson(*b, 0),
            R"({"d":"NaN","b":"aGk=","m":[{"key":1,"value":"a\"b"}],"t":{"x":"-1.50"}})");
  EXPECT_EQ(RowToJson(*b, 1), R"({"d":"-Infinity","b":null,"m":null,"t":null})");
  EXPECT_EQ(RowToJson(*b, 2), R"({"d":1.5,"b":"","m":[],"t":{"x":null}})");
  EXPECT_EQ(QuoteCsv("a,b"), "\"a,b\"");
  EXPECT_EQ(QuoteCsv("plain"), "plain");
}

}  // namespace
}  // namespace keel::batch
