#include <gtest/gtest.h>

#include <string>

#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {
namespace {

using batch::DataType;
using batch::TypeId;

IngestOptions Jsonl() {
  IngestOptions o;
  o.format = TextFormat::kJsonLines;
  return o;
}

batch::RecordBatch MustParse(std::string_view text, const IngestOptions& options = Jsonl()) {
  auto r = ParseText(text, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  EXPECT_TRUE(r->Validate().ok()) << r->Validate().ToString();
  return std::move(r).value();
}

std::string ErrorOf(std::string_view text, const IngestOptions& options = Jsonl()) {
  auto r = ParseText(text, options);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(JsonLinesParserTest, InfersScalarsArraysAndStructs) {
  auto b = MustParse(
      R"({"id":1,"x":1,"ok":true,"day":"2024-01-02","tags":["a"],"p":{"lat":1.5,"n":null}})"
      "\n\n"
      R"({"id":2,"x":2.5,"ok":null,"day":"2024-01-03","tags":[],"p":{"lat":2,"n":"z"},"late":1})"
      "\n");
  ASSERT_EQ(b.num_rows, 2);
  EXPECT_EQ(b.schema.ToString(),
            "struct<id:long,x:double,ok:boolean,day:date,tags:array<string>,"
            "p:struct<lat:double,n:string>,late:long>");
  EXPECT_EQ(
      batch::RowToJson(b, 1),
      R"({"id":2,"x":2.5,"ok":null,"day":"2024-01-03","tags":[],"p":{"lat":2,"n":"z"},"late":1})");
}

TEST(JsonLinesParserTest, MixedTypesFallBackToTheirJsonText) {
  auto b = MustParse("{\"v\":1}\n{\"v\":\"a\"}\n{\"v\":[1]}\n");
  EXPECT_EQ(b.schema.ToString(), "struct<v:string>");
  EXPECT_EQ(b.columns[0].StringAt(0), "1");
  EXPECT_EQ(b.columns[0].StringAt(2), "[1]");
}

TEST(JsonLinesParserTest, ExplicitSchemaConvertsAndNamesBadValues) {
  IngestOptions o = Jsonl();
  o.schema.fields = {
      {"id", DataType::Primitive(TypeId::kInt), false},
      {"ts", DataType::Primitive(TypeId::kTimestamp), true},
      {"m", DataType::Map(DataType::Primitive(TypeId::kString), DataType::Primitive(TypeId::kLong)),
       true}};
  auto b =
      MustParse("{\"id\":1,\"ts\":\"2024-01-02T00:00:00+01:00\",\"m\":{\"a\":1},\"x\":0}\n", o);
  EXPECT_EQ(batch::RowToJson(b, 0), R"({"id":1,"ts":"2024-01-01T23:00:00.000000Z","m":{"a":1}})");
  std::string msg = ErrorOf("{\"id\":1}\n{\"id\":\"two\"}\n", o);
  EXPECT_NE(msg.find("line 2, column 'id'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"two\""), std::string::npos) << msg;
  msg = ErrorOf("{\"ts\":null}\n", o);
  EXPECT_NE(msg.find("not nullable"), std::string::npos) << msg;
}

TEST(JsonLinesParserTest, NonObjectLinesAreRefused) {
  std::string msg = ErrorOf("{\"a\":1}\n[1,2]\n");
  EXPECT_NE(msg.find("line 2 holds a JSON array, not an object"), std::string::npos) << msg;
  msg = ErrorOf("42\n");
  EXPECT_NE(msg.find("JSON number"), std::string::npos) << msg;
  msg = ErrorOf("{\"a\":1}\n{\"a\":\n");
  EXPECT_NE(msg.find("line 2 is not valid JSON"), std::string::npos) << msg;
}

TEST(JsonLinesParserTest, DeepNestingIsRefusedNotACrash) {
  std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}\n";
  std::string msg = ErrorOf(deep);
  EXPECT_NE(msg.find("line 1 is not valid JSON"), std::string::npos) << msg;
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10000, '}') + "\n";
  EXPECT_FALSE(ParseText(objects, Jsonl()).ok());
}

TEST(JsonLinesParserTest, EmptyInputHasNothingToInfer) {
  std::string msg = ErrorOf("");
  EXPECT_NE(msg.find("give a schema"), std::string::npos) << msg;
  IngestOptions o = Jsonl();
  o.schema.fields = {{"a", DataType::Primitive(TypeId::kLong), true}};
  EXPECT_EQ(MustParse("\n", o).num_rows, 0);
}

TEST(JsonLinesParserTest, InvalidUtf8AndEmptyNamesAreRefused) {
  EXPECT_NE(ErrorOf("{\"a\":\"\xFF\"}\n").find("UTF-8"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"\":1}\n").find("empty name"), std::string::npos);
}

TEST(JsonLinesParserTest, HugeStringValuesParse) {
  std::string big(8 << 20, 'y');
  auto b = MustParse("{\"s\":\"" + big + "\"}\n");
  EXPECT_EQ(b.columns[0].StringAt(0), big);
}

}  // namespace
}  // namespace keel::csv
