#include "storage/delta/file_stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "storage/batch/value_parse.h"
#include "storage/delta/expression.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::Int128;
using batch::Row;
using batch::TypeId;
using batch::Value;

DataType T(TypeId id) { return DataType::Primitive(id); }
int64_t Micros(const char* text) { return batch::ParseTimestamp(text)->micros; }

batch::Schema SparkSchema() {
  batch::Schema s;
  s.fields = {{"as_int", T(TypeId::kInt)},
              {"as_long", T(TypeId::kLong)},
              {"as_byte", T(TypeId::kByte)},
              {"as_short", T(TypeId::kShort)},
              {"as_float", T(TypeId::kFloat)},
              {"as_double", T(TypeId::kDouble)},
              {"as_string", T(TypeId::kString)},
              {"as_date", T(TypeId::kDate)},
              {"as_timestamp", T(TypeId::kTimestamp)},
              {"as_big_decimal", DataType::Decimal(38, 18)}};
  return s;
}

// As Spark 3 / Delta write it for a one-row file.
constexpr const char* kSparkStats =
    R"({"numRecords":1,"minValues":{"as_int":0,"as_long":0,"as_byte":0,"as_short":0,)"
    R"("as_float":0.0,"as_double":0.0,"as_string":"0","as_date":"2000-01-01",)"
    R"("as_timestamp":"2000-01-01T00:00:00.000-08:00","as_big_decimal":0},)"
    R"("maxValues":{"as_int":0,"as_long":0,"as_byte":0,"as_short":0,"as_float":0.0,)"
    R"("as_double":0.0,"as_string":"0","as_date":"2000-01-01",)"
    R"("as_timestamp":"2000-01-01T00:00:00.000-08:00","as_big_decimal":0},)"
    R"("nullCount":{"as_int":0,"as_long":0,"as_byte":0,"as_short":0,"as_float":0,)"
    R"("as_double":0,"as_string":0,"as_date":0,"as_timestamp":0,"as_big_decimal":0}})";

TEST(FileStatsTest, ParsesSparkStatisticsWithZoneOffsets) {
  auto stats = ParseFileStats(kSparkStats, SparkSchema());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->num_records, 1);
  ASSERT_EQ(stats->columns.size(), 10u);
  for (const char* name : {"as_int", "as_long", "as_byte", "as_short"}) {
    const ColumnStats* cs = stats->Find(name);
    ASSERT_NE(cs, nullptr) << name;
    EXPECT_EQ(cs->min, Value(int64_t{0})) << name;
    EXPECT_EQ(cs->max, Value(int64_t{0})) << name;
    EXPECT_EQ(cs->null_count, 0) << name;
  }
  EXPECT_EQ(stats->Find("as_float")->min, Value(0.0f));
  EXPECT_EQ(stats->Find("as_double")->max, Value(0.0));
  EXPECT_EQ(stats->Find("as_string")->min, Value(std::string("0")));
  EXPECT_EQ(stats->Find("as_date")->min, Value(int64_t{10957}));
  EXPECT_EQ(stats->Find("as_big_decimal")->max, Value(Int128{0}));
  // 2000-01-01T08:00:00Z. Spark cuts timestamps to milliseconds, so the max may be up to
  // 999 µs later than written.
  EXPECT_EQ(stats->Find("as_timestamp")->min, Value(int64_t{946713600000000}));
  EXPECT_EQ(stats->Find("as_timestamp")->max, Value(int64_t{946713600000999}));
}

TEST(FileStatsTest, SparkStatisticsDriveDataSkipping) {
  auto stats = ParseFileStats(kSparkStats, SparkSchema());
  ASSERT_TRUE(stats.ok());
  auto may = [&](const std::string& text) {
    auto e = Expression::Parse(text);
    EXPECT_TRUE(e.ok()) << text;
    EXPECT_TRUE(e->Bind(SparkSchema()).ok()) << text;
    return e->MayMatch(*stats);
  };
  EXPECT_TRUE(may("as_int = 0"));
  EXPECT_FALSE(may("as_int > 0"));
  EXPECT_FALSE(may("as_long IN (1, 2)"));
  EXPECT_TRUE(may("as_big_decimal = 0.000"));
  EXPECT_FALSE(may("as_big_decimal > 0.000000000000000001"));
  EXPECT_TRUE(may("as_string = '0'"));
  EXPECT_FALSE(may("as_string > '0'"));
  EXPECT_TRUE(may("as_date = '2000-01-01'"));
  EXPECT_FALSE(may("as_date > '2000-01-01'"));
  EXPECT_TRUE(may("as_timestamp = '2000-01-01 08:00:00Z'"));
  EXPECT_TRUE(may("as_timestamp = '2000-01-01T00:00:00-08:00'"));
  EXPECT_TRUE(may("as_timestamp > '2000-01-01T08:00:00.0005Z'")) << "within the cut millisecond";
  EXPECT_FALSE(may("as_timestamp > '2000-01-01T08:00:00.000999Z'"));
  EXPECT_FALSE(may("as_timestamp < '2000-01-01T08:00:00Z'"));
  EXPECT_FALSE(may("as_int IS NULL"));
  EXPECT_TRUE(may("as_int IS NOT NULL"));
}

TEST(FileStatsTest, BadValuesAreLeftOutAndOnlyANonObjectIsAnError) {
  batch::Schema schema{{{"id", T(TypeId::kLong)},
                        {"day", T(TypeId::kDate)},
                        {"price", DataType::Decimal(10, 2)},
                        {"f", T(TypeId::kDouble)},
                        {"ts", T(TypeId::kTimestamp)}}};
  auto stats = ParseFileStats(
      R"({"numRecords":"x","minValues":{"id":"abc","day":"2024-99-99","price":"x","f":"NaN",)"
      R"("ts":17},"maxValues":[],"nullCount":{"id":-1,"day":2.5,"price":3},"extra":1})",
      schema);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_FALSE(stats->num_records.has_value());
  ASSERT_EQ(stats->columns.size(), 1u);
  EXPECT_EQ(stats->Find("price")->null_count, 3);
  EXPECT_FALSE(stats->Find("price")->min.has_value());

  for (const char* bad : {"", "[1,2]", "not json", "{\"numRecords\":", "\"{}\"", "null"}) {
    auto r = ParseFileStats(bad, schema);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruption) << bad;
    EXPECT_NE(r.status().message().find("add.stats"), std::string::npos);
  }
  auto empty = ParseFileStats("{}", schema);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->columns.empty());
  // Nesting as deep as a JSON document can go is refused by the JSON parser, not the stack.
  std::string deep(100000, '[');
  EXPECT_FALSE(ParseFileStats(deep, schema).ok());
}

TEST(FileStatsTest, ParsedBoundsNeverMoveInwards) {
  batch::Schema schema{{{"f", T(TypeId::kFloat)},
                        {"dec", DataType::Decimal(38, 2)},
                        {"small", DataType::Decimal(10, 2)},
                        {"ts", T(TypeId::kTimestamp)}}};
  auto stats =
      ParseFileStats(R"({"minValues":{"f":0.1,"dec":123456789012345678901234.56,"small":12.5,)"
                     R"("ts":"9999-12-31T23:59:59.999999Z"},)"
                     R"("maxValues":{"f":0.1,"dec":123456789012345678901234.56,"small":"-0.5",)"
                     R"("ts":"2021-09-08T11:11:11.123+00:00"}})",
                     schema);
  ASSERT_TRUE(stats.ok());
  EXPECT_LE(stats->Find("f")->min->as<float>(), 0.1);
  EXPECT_GE(stats->Find("f")->max->as<float>(), 0.1);
  // Beyond 2^52 the double has lost digits: the bounds widen around the written value.
  Int128 written = batch::ParseDecimal("123456789012345678901234.56")->unscaled;
  EXPECT_LE(stats->Find("dec")->min->as<Int128>(), written);
  EXPECT_GE(stats->Find("dec")->max->as<Int128>(), written);
  EXPECT_GT(stats->Find("dec")->min->as<Int128>(), written - written / 100000000);
  EXPECT_EQ(stats->Find("small")->min, Value(Int128{1250})) << "exact below 2^52";
  EXPECT_EQ(stats->Find("small")->max, Value(Int128{-50}));
  // Six fractional digits are taken as written; three may hide up to 999 µs.
  EXPECT_EQ(stats->Find("ts")->min, Value(Micros("9999-12-31T23:59:59.999999Z")));
  EXPECT_EQ(stats->Find("ts")->max, Value(Micros("2021-09-08T11:11:11.123999Z")));
}

batch::Schema WideSchema() {
  batch::Schema s;
  s.fields = {
      {"id", T(TypeId::kLong)},
      {"name", T(TypeId::kString)},
      {"price", DataType::Decimal(10, 2)},
      {"ts", T(TypeId::kTimestamp)},
      {"day", T(TypeId::kDate)},
      {"f", T(TypeId::kDouble)},
      {"flag", T(TypeId::kBoolean)},
      {"bin", T(TypeId::kBinary)},
      {"tags", DataType::Array(T(TypeId::kString))},
      {"st", DataType::Struct({{"x", T(TypeId::kInt)}, {"y", T(TypeId::kString)}})},
  };
  return s;
}

batch::RecordBatch WideBatch() {
  std::vector<Row> rows = {
      {Value(int64_t{1}), Value(std::string("b")), Value(Int128{1250}),
       Value(Micros("2024-01-02T03:04:05.123456Z")), Value(int64_t{19724}), Value(1.5), Value(true),
       Value(std::string("xx")), Value(Value::List{Value(std::string("a"))}),
       Value(Value::List{Value(int64_t{1}), Value(std::string("q"))})},
      {Value(int64_t{3}), Value(std::string("a")), Value(Int128{-50}),
       Value(Micros("2024-01-02T03:04:05.123Z")), Value(int64_t{19722}), Value(std::nan("")),
       Value(false), Value(), Value(), Value()},
      {Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(Value::List{}),
       Value(Value::List{Value(), Value(std::string("r"))})},
  };
  auto batch = batch::FromRows(WideSchema(), rows);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return std::move(batch).value();
}

TEST(FileStatsTest, ComputesStatisticsAsSparkWritesThem) {
  EXPECT_EQ(ComputeFileStatsJson(WideBatch()),
            R"({"numRecords":3,)"
            R"("minValues":{"id":1,"name":"a","price":-0.50,"ts":"2024-01-02T03:04:05.123Z",)"
            R"("day":"2023-12-31","f":1.5,"st":{"x":1,"y":"q"}},)"
            R"("maxValues":{"id":3,"name":"b","price":12.50,"ts":"2024-01-02T03:04:05.124Z",)"
            R"("day":"2024-01-02","f":1.5,"st":{"x":1,"y":"r"}},)"
            R"("nullCount":{"id":1,"name":1,"price":1,"ts":1,"day":1,"f":1,"flag":1,"bin":2,)"
            R"("tags":1,"st":{"x":2,"y":1}}})");
  EXPECT_EQ(ComputeFileStatsJson(WideBatch(), {"day", "st", "tags"}),
            R"({"numRecords":3,)"
            R"("minValues":{"id":1,"name":"a","price":-0.50,"ts":"2024-01-02T03:04:05.123Z",)"
            R"("f":1.5},)"
            R"("maxValues":{"id":3,"name":"b","price":12.50,"ts":"2024-01-02T03:04:05.124Z",)"
            R"("f":1.5},)"
            R"("nullCount":{"id":1,"name":1,"price":1,"ts":1,"f":1,"flag":1,"bin":2}})");
  EXPECT_EQ(ComputeFileStatsJson(batch::RecordBatch::Make(WideSchema())),
            R"({"numRecords":0,"minValues":{},"maxValues":{},"nullCount":{"id":0,"name":0,)"
            R"("price":0,"ts":0,"day":0,"f":0,"flag":0,"bin":0,"tags":0,"st":{"x":0,"y":0}}})");
}

TEST(FileStatsTest, ComputedStatisticsRoundTripThroughTheParser) {
  batch::RecordBatch batch = WideBatch();
  auto stats = ParseFileStats(ComputeFileStatsJson(batch), batch.schema);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->num_records, 3);
  EXPECT_EQ(stats->Find("id")->min, Value(int64_t{1}));
  EXPECT_EQ(stats->Find("id")->max, Value(int64_t{3}));
  EXPECT_EQ(stats->Find("id")->null_count, 1);
  EXPECT_EQ(stats->Find("price")->min, Value(Int128{-50}));
  EXPECT_EQ(stats->Find("price")->max, Value(Int128{1250}));
  EXPECT_EQ(stats->Find("day")->min, Value(int64_t{19722}));
  EXPECT_EQ(stats->Find("name")->max, Value(std::string("b")));
  EXPECT_EQ(stats->Find("f")->min, Value(1.5));
  // Every timestamp lies within the parsed bounds.
  EXPECT_LE(stats->Find("ts")->min->as<int64_t>(), Micros("2024-01-02T03:04:05.123Z"));
  EXPECT_GE(stats->Find("ts")->max->as<int64_t>(), Micros("2024-01-02T03:04:05.123456Z"));
  EXPECT_EQ(stats->Find("st.x")->min, Value(int64_t{1}));
  EXPECT_EQ(stats->Find("st.x")->null_count, 2);
  EXPECT_EQ(stats->Find("st.y")->max, Value(std::string("r")));
  EXPECT_EQ(stats->Find("tags")->null_count, 1);
  EXPECT_FALSE(stats->Find("tags")->min.has_value());
  EXPECT_EQ(stats->Find("bin")->null_count, 2);
  EXPECT_FALSE(stats->Find("flag")->min.has_value());
  EXPECT_EQ(stats->Find("st"), nullptr);
}

TEST(FileStatsTest, TimestampBoundsRoundOutwardsToMilliseconds) {
  batch::Schema schema{{{"ts", T(TypeId::kTimestamp)}, {"ntz", T(TypeId::kTimestampNtz)}}};
  auto batch = batch::FromRows(schema, {{Value(int64_t{-1}), Value(int64_t{1500})},
                                        {Value(int64_t{1}), Value(int64_t{2000})}});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(ComputeFileStatsJson(*batch),
            R"({"numRecords":2,)"
            R"("minValues":{"ts":"1969-12-31T23:59:59.999Z","ntz":"1970-01-01T00:00:00.001"},)"
            R"("maxValues":{"ts":"1970-01-01T00:00:00.001Z","ntz":"1970-01-01T00:00:00.002"},)"
            R"("nullCount":{"ts":0,"ntz":0}})");
}

TEST(FileStatsTest, StringsFloatsAndNaNs) {
  batch::Schema schema{{{"s", T(TypeId::kString)},
                        {"nan", T(TypeId::kFloat)},
                        {"g", T(TypeId::kFloat)},
                        {"t", T(TypeId::kString)}}};
  std::string e_acute = "\xc3\xa9";
  std::string long_text = "a";
  for (int k = 0; k < 40; ++k) long_text += e_acute;  // 81 bytes
  std::string exact(kMaxStatsStringBytes, 'z');
  auto batch = batch::FromRows(
      schema, {{Value(long_text), Value(std::nanf("")), Value(-0.25f), Value(exact)},
               {Value(long_text + "x"), Value(std::nanf("")), Value(std::nanf("")),
                Value(std::string("b"))}});
  ASSERT_TRUE(batch.ok());
  std::string prefix = "a";
  for (int k = 0; k < 15; ++k) prefix += e_acute;  // 31 bytes: the 32nd would split a character
  EXPECT_EQ(ComputeFileStatsJson(*batch), R"({"numRecords":2,"minValues":{"s":")" + prefix +
                                              R"(","g":-0.25,"t":"b"},)" +
                                              R"("maxValues":{"g":-0.25,"t":")" + exact + R"("},)" +
                                              R"("nullCount":{"s":0,"nan":0,"g":0,"t":0}})");
}

TEST(FileStatsTest, ComputesMillionsOfRowsQuickly) {
  batch::Schema schema{{{"x", T(TypeId::kLong)}, {"s", T(TypeId::kString)}}};
  batch::RecordBatch batch = batch::RecordBatch::Make(schema);
  const int64_t n = 2000000;
  batch.num_rows = n;
  batch.columns[0].length = n;
  batch.columns[0].i64.resize(n);
  batch.columns[1].length = n;
  for (int64_t i = 0; i < n; ++i) {
    batch.columns[0].i64[i] = (i * 7919) % n;
    batch.columns[1].bytes += static_cast<char>('a' + i % 26);
    batch.columns[1].offsets.push_back(i + 1);
  }
  auto start = std::chrono::steady_clock::now();
  std::string json = ComputeFileStatsJson(batch);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(json, R"({"numRecords":2000000,"minValues":{"x":0,"s":"a"},)"
                  R"("maxValues":{"x":1999999,"s":"z"},"nullCount":{"x":0,"s":0}})");
  EXPECT_LT(seconds, 5.0);
}

}  // namespace
}  // namespace keel::delta
