#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "cli/commands.h"
#include "common/json.h"
#include "storage/batch/row.h"
#include "storage/parquet/file_writer.h"
#include "testutil/temp_dir.h"

namespace keel::cli {
namespace {

using batch::DataType;
using batch::Row;
using batch::TypeId;
using batch::Value;

struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

CommandRun RunParquet(std::vector<std::string> words) {
  Args args(std::move(words));
  std::ostringstream out, err;
  int code = RunParquetCommand(args, out, err);
  return {code, out.str(), err.str()};
}

class ParquetCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    batch::Schema s;
    s.fields.push_back({"id", DataType::Primitive(TypeId::kLong), false});
    s.fields.push_back({"score", DataType::Primitive(TypeId::kDouble), true});
    s.fields.push_back({"name", DataType::Primitive(TypeId::kString), true});
    s.fields.push_back({"ts", DataType::Primitive(TypeId::kTimestamp), true});
    s.fields.push_back({"price", DataType::Decimal(10, 2), true});
    s.fields.push_back({"tags", DataType::Array(DataType::Primitive(TypeId::kString)), true});
    std::vector<Row> rows{Row{Value(int64_t{1}), Value(std::nan("")), Value(std::string("a,b")),
                              Value(int64_t{1704164645123456}), Value(batch::Int128{1250}),
                              Value(Value::List{Value(std::string("x")), Value()})},
                          Row{Value(int64_t{2}), Value(2.5), Value(), Value(), Value(), Value()}};
    auto batch = batch::FromRows(s, rows);
    ASSERT_TRUE(batch.ok());
    path_ = dir_.Join("t.parquet");
    auto w = parquet::FileWriter::Open(path_, s);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->Write(*batch).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  testutil::TempDir dir_;
  std::string path_;
};

TEST_F(ParquetCommandTest, CatPrintsOneJsonObjectPerRowInTheContractForms) {
  CommandRun r = RunParquet({"cat", path_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"id\":1,\"score\":\"NaN\",\"name\":\"a,b\",\"ts\":\"2024-01-02T03:04:05.123456Z\","
            "\"price\":\"12.50\",\"tags\":[\"x\",null]}\n"
            "{\"id\":2,\"score\":2.5,\"name\":null,\"ts\":null,\"price\":null,\"tags\":null}\n");
}

TEST_F(ParquetCommandTest, CatProjectsColumnsLimitsRowsAndWritesCsv) {
  CommandRun r =
      RunParquet({"cat", path_, "--columns", "name,id", "--limit", "1", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "name,id\n\"a,b\",1\n");
}

TEST_F(ParquetCommandTest, CatNamesTheColumnsWhenOneIsUnknown) {
  CommandRun r = RunParquet({"cat", path_, "--columns", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("nope"), std::string::npos);
  EXPECT_NE(r.err.find("id, score"), std::string::npos);
}

TEST_F(ParquetCommandTest, SchemaAndMetaPrintJson) {
  CommandRun s = RunParquet({"schema", path_, "--output", "json"});
  ASSERT_EQ(s.code, 0) << s.err;
  auto sj = json::Parse(s.out);
  ASSERT_TRUE(sj.ok()) << s.out;
  EXPECT_EQ(sj->Find("fields")->as_array()[4].Find("type")->as_string(), "decimal(10,2)");
  CommandRun m = RunParquet({"meta", path_, "--output", "json"});
  ASSERT_EQ(m.code, 0) << m.err;
  auto mj = json::Parse(m.out);
  ASSERT_TRUE(mj.ok()) << m.out;
  EXPECT_EQ(mj->Find("created_by")->as_string(), "keel version 0.1.0");
  EXPECT_EQ(mj->Find("num_rows")->as_int(), 2);
  const json::Value& col0 = mj->Find("row_groups")->as_array()[0].Find("columns")->as_array()[0];
  EXPECT_EQ(col0.Find("codec")->as_string(), "SNAPPY");
  EXPECT_EQ(col0.Find("statistics")->Find("min")->as_int(), 1);
  EXPECT_EQ(col0.Find("statistics")->Find("max")->as_int(), 2);
}

TEST_F(ParquetCommandTest, CorruptFileIsAnErrorNamingThePath) {
  std::string bad = dir_.Join("bad.parquet");
  ASSERT_TRUE(FileSystem::Default()->WriteFileAtomic(bad, "PAR1 not really parquet").ok());
  CommandRun r = RunParquet({"cat", bad});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(bad), std::string::npos);
  EXPECT_NE(r.err.find("byte offset"), std::string::npos);
}

TEST_F(ParquetCommandTest, UnknownVerbPrintsUsage) {
  CommandRun r = RunParquet({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("usage: keel parquet"), std::string::npos);
}

}  // namespace
}  // namespace keel::cli
