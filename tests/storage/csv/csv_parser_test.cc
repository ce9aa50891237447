#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {
namespace {

using batch::DataType;
using batch::TypeId;
using batch::Value;

batch::RecordBatch MustParse(std::string_view text, const IngestOptions& options = {}) {
  auto r = ParseText(text, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  EXPECT_TRUE(r->Validate().ok()) << r->Validate().ToString();
  return std::move(r).value();
}

std::string ErrorOf(std::string_view text, const IngestOptions& options = {}) {
  auto r = ParseText(text, options);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue) << r.status().ToString();
  return r.status().message();
}

TEST(CsvParserTest, InfersTheNarrowestTypeOfEachColumn) {
  auto b = MustParse(
      "flag,n,x,d,ts,s\n"
      "true,1,1.5,2024-01-02,2024-01-02T03:04:05Z,a\n"
      "FALSE,-7,2,2024-02-29,2024-01-02 03:04,b\n");
  ASSERT_EQ(b.num_rows, 2);
  EXPECT_EQ(b.schema.ToString(),
            "struct<flag:boolean,n:long,x:double,d:date,ts:timestamp,s:string>");
  EXPECT_EQ(
      batch::RowToJson(b, 0),
      R"({"flag":true,"n":1,"x":1.5,"d":"2024-01-02","ts":"2024-01-02T03:04:05.000000Z","s":"a"})");
  EXPECT_EQ(
      batch::RowToJson(b, 1),
      R"({"flag":false,"n":-7,"x":2,"d":"2024-02-29","ts":"2024-01-02T03:04:00.000000Z","s":"b"})");
}

TEST(CsvParserTest, EmptyUnquotedCellsAndTheNullValueAreNull) {
  IngestOptions o;
  o.null_value = "NA";
  auto b = MustParse("a,b,s\n1,,x\nNA,2,\"\"\n", o);
  EXPECT_EQ(b.schema.ToString(), "struct<a:long,b:long,s:string>");
  EXPECT_EQ(batch::RowToJson(b, 0), R"({"a":1,"b":null,"s":"x"})");
  EXPECT_EQ(batch::RowToJson(b, 1), R"({"a":null,"b":2,"s":""})");
}

TEST(CsvParserTest, QuotedCellsKeepDelimitersQuotesAndLineBreaks) {
  auto b =
      MustParse("id,text\r\n1,\"a,b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n4,x\"y\n");
  ASSERT_EQ(b.num_rows, 4);
  EXPECT_EQ(b.columns[1].StringAt(0), "a,b");
  EXPECT_EQ(b.columns[1].StringAt(1), "say \"hi\"");
  EXPECT_EQ(b.columns[1].StringAt(2), "two\nlines");
  EXPECT_EQ(b.columns[1].StringAt(3), "x\"y");
}

TEST(CsvParserTest, LineNumbersCountLineBreaksInsideQuotes) {
  std::string msg = ErrorOf("a,b\n1,\"x\ny\"\n2\n");
  EXPECT_NE(msg.find("line 4 has 1 cells"), std::string::npos) << msg;
}

TEST(CsvParserTest, NoHeaderNamesColumnsByPosition) {
  IngestOptions o;
  o.header = false;
  o.delimiter = ';';
  auto b = MustParse("1;x\n2;y", o);
  EXPECT_EQ(b.schema.ToString(), "struct<_c0:long,_c1:string>");
  EXPECT_EQ(b.num_rows, 2);
}

TEST(CsvParserTest, BlankLinesAndAByteOrderMarkAreSkipped) {
  auto b = MustParse("\xEF\xBB\xBFid\n1\n\n2\n\n");
  EXPECT_EQ(b.schema.fields[0].name, "id");
  EXPECT_EQ(b.num_rows, 2);
}

TEST(CsvParserTest, ExplicitSchemaMatchesHeaderColumnsByName) {
  IngestOptions o;
  o.schema.fields = {{"price", DataType::Decimal(6, 2), true},
                     {"day", DataType::Primitive(TypeId::kDate), true},
                     {"n", DataType::Primitive(TypeId::kInt), false},
                     {"extra", DataType::Primitive(TypeId::kString), true},
                     {"tags", DataType::Array(DataType::Primitive(TypeId::kLong)), true}};
  auto b = MustParse("n,day,price,tags\n3,2024-01-02,12.5,\"[1,2]\"\n", o);
  EXPECT_EQ(batch::RowToJson(b, 0),
            R"({"price":"12.50","day":"2024-01-02","n":3,"extra":null,"tags":[1,2]})");
}

TEST(CsvParserTest, ValueNotFittingTheSchemaNamesLineColumnAndValue) {
  IngestOptions o;
  o.schema.fields = {{"id", DataType::Primitive(TypeId::kInt), true},
                     {"score", DataType::Primitive(TypeId::kDouble), true}};
  std::string msg = ErrorOf("id,score\n1,2.5\n2,high\n", o);
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'score'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'high'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("double"), std::string::npos) << msg;

  msg = ErrorOf("id,score\n3000000000,1\n", o);
  EXPECT_NE(msg.find("'3000000000' is not a valid int"), std::string::npos) << msg;

  o.schema.fields[1].type = DataType::Decimal(4, 1);
  msg = ErrorOf("id,score\n1,1.25\n", o);
  EXPECT_NE(msg.find("decimal(4,1)"), std::string::npos) << msg;
  msg = ErrorOf("id,score\n1,1000.0\n", o);
  EXPECT_NE(msg.find("'1000.0'"), std::string::npos) << msg;
}

TEST(CsvParserTest, NullInANotNullColumnIsRefused) {
  IngestOptions o;
  o.schema.fields = {{"id", DataType::Primitive(TypeId::kLong), false}};
  std::string msg = ErrorOf("id\n1\n\"\"\n", o);
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not nullable"), std::string::npos) << msg;
}

TEST(CsvParserTest, FileColumnNotInTheSchemaIsRefused) {
  IngestOptions o;
  o.schema.fields = {{"id", DataType::Primitive(TypeId::kLong), true}};
  std::string msg = ErrorOf("id,other\n1,2\n", o);
  EXPECT_NE(msg.find("'other'"), std::string::npos) << msg;
}

TEST(CsvParserTest, RaggedRowsAreRefused) {
  std::string msg = ErrorOf("a,b,c\n1,2,3\n4,5\n");
  EXPECT_NE(msg.find("line 3 has 2 cells"), std::string::npos) << msg;
  EXPECT_NE(msg.find("3 columns"), std::string::npos) << msg;
  msg = ErrorOf("a,b\n1,2,3\n");
  EXPECT_NE(msg.find("line 2 has 3 cells"), std::string::npos) << msg;
}

TEST(CsvParserTest, UnterminatedQuoteIsRefused) {
  std::string msg = ErrorOf("a,b\n1,2\n3,\"open\n4,5\n");
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not closed"), std::string::npos) << msg;
}

TEST(CsvParserTest, TextAfterAClosingQuoteIsRefused) {
  std::string msg = ErrorOf("a\n\"x\"y\n");
  EXPECT_NE(msg.find("after a closing quote"), std::string::npos) << msg;
}

TEST(CsvParserTest, InvalidUtf8IsRefusedWithItsLine) {
  std::string msg = ErrorOf("a\nok\nbad\xC3\x28\n");
  EXPECT_NE(msg.find("line 3 is not valid UTF-8"), std::string::npos) << msg;
  // Overlong encodings and surrogates are not UTF-8 either.
  EXPECT_FALSE(ParseText("a\n\xC0\xAF\n", {}).ok());
  EXPECT_FALSE(ParseText("a\n\xED\xA0\x80\n", {}).ok());
  EXPECT_TRUE(ParseText("a\n\xE2\x82\xAC\xF0\x9F\x98\x80\n", {}).ok());
}

TEST(CsvParserTest, EmptyFileIsRefused) {
  std::string msg = ErrorOf("");
  EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
  EXPECT_FALSE(InferSchema("\n\n", {}).ok());
}

TEST(CsvParserTest, HeaderOnlyGivesNoRowsAndStringColumns) {
  auto b = MustParse("a,b\n");
  EXPECT_EQ(b.num_rows, 0);
  EXPECT_EQ(b.schema.ToString(), "struct<a:string,b:string>");
}

TEST(CsvParserTest, DuplicateOrEmptyColumnNamesAreRefused) {
  std::string msg = ErrorOf("id,name,id\n1,2,3\n");
  EXPECT_NE(msg.find("'id' appears twice"), std::string::npos) << msg;
  msg = ErrorOf("id,,x\n1,2,3\n");
  EXPECT_NE(msg.find("column 2 has an empty name"), std::string::npos) << msg;
}

TEST(CsvParserTest, FileLargerThanMaxBytesIsRefused) {
  IngestOptions o;
  o.max_bytes = 8;
  auto r = ParseText("a,b\n1,2\n3,4\n", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kRequestLimitExceeded);
}

TEST(CsvParserTest, HugeFieldsParseWhole) {
  std::string big(20 << 20, 'x');
  big[1000] = '"';
  std::string escaped;
  for (char c : big) {
    escaped += c;
    if (c == '"') escaped += '"';
  }
  auto b = MustParse("id,blob\n1,\"" + escaped + "\"\n2,short\n");
  ASSERT_EQ(b.num_rows, 2);
  EXPECT_EQ(b.columns[1].StringAt(0), big);
  EXPECT_EQ(b.columns[1].StringAt(1), "short");

  // A huge bad value is quoted shortened in the message.
  IngestOptions o;
  o.schema.fields = {{"id", DataType::Primitive(TypeId::kLong), true},
                     {"blob", DataType::Primitive(TypeId::kLong), true}};
  std::string msg = ErrorOf("id,blob\n1," + std::string(1 << 20, '9') + "x\n", o);
  EXPECT_LT(msg.size(), 400u);
  EXPECT_NE(msg.find("bytes)"), std::string::npos) << msg;
}

TEST(CsvParserTest, ParsesTensOfMegabytesQuickly) {
  std::string text = "id,score,name,day\n";
  int64_t rows = 0;
  while (text.size() < (32 << 20)) {
    text += std::to_string(rows) + "," + std::to_string(rows * 0.25) + ",\"name " +
            std::to_string(rows % 1000) + "\",2024-01-" + std::to_string(10 + rows % 20) + "\n";
    ++rows;
  }
  auto start = std::chrono::steady_clock::now();
  auto b = MustParse(text);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(b.num_rows, rows);
  EXPECT_EQ(b.schema.ToString(), "struct<id:long,score:double,name:string,day:date>");
  // 32 MB; the bound is loose for Debug and sanitizer builds on a shared machine.
  EXPECT_LT(seconds, 20.0);
  std::cout << "parsed " << text.size() / (1 << 20) << " MB in " << seconds << " s\n";
}

TEST(CsvParserTest, InferSchemaLooksOnlyAtTheFirstInferRows) {
  IngestOptions o;
  o.infer_rows = 2;
  auto s = InferSchema("a\n1\n2\nx\n", o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ToString(), "struct<a:long>");
  // ParseText with the same options then names the value that does not fit.
  std::string msg = ErrorOf("a\n1\n2\nx\n", o);
  EXPECT_NE(msg.find("line 4, column 'a': 'x' is not a valid long"), std::string::npos) << msg;
}

}  // namespace
}  // namespace keel::csv
