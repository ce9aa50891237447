#include <gtest/gtest.h>

#include <cmath>

#include "storage/batch/row.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {
namespace {

using batch::DataType;
using batch::Row;
using batch::TypeId;
using batch::Value;

batch::RecordBatch Sample() {
  batch::Schema s;
  s.fields = {{"id", DataType::Primitive(TypeId::kLong), true},
              {"name", DataType::Primitive(TypeId::kString), true},
              {"score", DataType::Primitive(TypeId::kDouble), true},
              {"day", DataType::Primitive(TypeId::kDate), true},
              {"price", DataType::Decimal(8, 2), true}};
  std::vector<Row> rows{
      Row{Value(int64_t{1}), Value(std::string("a,\"b\"")), Value(1.5), Value(int64_t{19724}),
          Value(batch::Int128{1250})},
      Row{Value(int64_t{2}), Value(std::string("")), Value(std::nan("")), Value(), Value()},
      Row{Value(), Value(), Value(), Value(), Value()}};
  auto b = batch::FromRows(s, rows);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

TEST(TextFormatTest, CsvQuotesAndKeepsEmptyStringsApartFromNulls) {
  EXPECT_EQ(FormatText(Sample(), TextFormat::kCsv),
            "id,name,score,day,price\n"
            "1,\"a,\"\"b\"\"\",1.5,2024-01-02,12.50\n"
            "2,\"\",NaN,,\n"
            ",,,,\n");
}

TEST(TextFormatTest, JsonLinesWritesOneObjectPerRow) {
  EXPECT_EQ(FormatText(Sample(), TextFormat::kJsonLines),
            "{\"id\":1,\"name\":\"a,\\\"b\\\"\",\"score\":1.5,\"day\":\"2024-01-02\","
            "\"price\":\"12.50\"}\n"
            "{\"id\":2,\"name\":\"\",\"score\":\"NaN\",\"day\":null,\"price\":null}\n"
            "{\"id\":null,\"name\":null,\"score\":null,\"day\":null,\"price\":null}\n");
}

TEST(TextFormatTest, WrittenTextReadsBackWithTheSameSchema) {
  batch::RecordBatch original = Sample();
  for (TextFormat format : {TextFormat::kCsv, TextFormat::kJsonLines}) {
    IngestOptions o;
    o.format = format;
    o.schema = original.schema;
    auto back = ParseText(FormatText(original, format), o);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(batch::ToRows(*back), batch::ToRows(original));
  }
}

TEST(TextFormatTest, FormatFromFileNameFollowsTheExtension) {
  EXPECT_EQ(FormatFromFileName("a.csv"), TextFormat::kCsv);
  EXPECT_EQ(FormatFromFileName("A.TSV"), TextFormat::kCsv);
  EXPECT_EQ(FormatFromFileName("x.json"), TextFormat::kJsonLines);
  EXPECT_EQ(FormatFromFileName("x.jsonl"), TextFormat::kJsonLines);
  EXPECT_EQ(FormatFromFileName("x.ndjson"), TextFormat::kJsonLines);
  EXPECT_EQ(FormatFromFileName("x.parquet"), std::nullopt);
  EXPECT_EQ(FormatFromFileName("csv"), std::nullopt);
}

}  // namespace
}  // namespace keel::csv
