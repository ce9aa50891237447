#include "storage/parquet/row_group_filter.h"

#include <gtest/gtest.h>

#include "storage/parquet/file_writer.h"

namespace keel::parquet {
namespace {

using batch::DataType;
using batch::Row;
using batch::TypeId;
using batch::Value;

// 1000 rows in 10 row groups: id 0..999, name "n0000".."n0999", price id/100 as decimal(9,2),
// and `empty`, null in the first 500 rows.
std::unique_ptr<FileReader> TenGroups() {
  batch::Schema s;
  s.fields = {{"id", DataType::Primitive(TypeId::kLong), false},
              {"name", DataType::Primitive(TypeId::kString), true},
              {"price", DataType::Decimal(9, 2), true},
              {"late", DataType::Primitive(TypeId::kDouble), true}};
  std::vector<Row> rows;
  for (int64_t i = 0; i < 1000; ++i) {
    char name[16];
    std::snprintf(name, sizeof(name), "n%04d", static_cast<int>(i));
    rows.push_back(Row{Value(i), Value(std::string(name)), Value(static_cast<batch::Int128>(i)),
                       i < 500 ? Value() : Value(static_cast<double>(i))});
  }
  auto batch = batch::FromRows(s, rows);
  EXPECT_TRUE(batch.ok());
  WriterOptions options;
  options.row_group_rows = 100;
  auto bytes = FileWriter::WriteToBuffer(*batch, options);
  EXPECT_TRUE(bytes.ok());
  auto reader = FileReader::OpenBuffer(std::move(bytes).value(), "groups.parquet");
  EXPECT_TRUE(reader.ok());
  return std::move(reader).value();
}

TEST(RowGroupFilterTest, SkipsRowGroupsWhoseMinMaxExcludeTheRange) {
  auto reader = TenGroups();
  auto groups = SelectRowGroups(*reader, {{"id", Value(int64_t{250}), Value(int64_t{420})}});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, (std::vector<int>{2, 3, 4}));
  auto batch = reader->ReadRowGroups(*groups, {0});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->num_rows, 300);
  EXPECT_EQ(batch->columns[0].i64[0], 200);
}

TEST(RowGroupFilterTest, CombinesRangesOnStringsDecimalsAndOpenBounds) {
  auto reader = TenGroups();
  auto groups = SelectRowGroups(*reader, {{"name", Value(std::string("n0850")), std::nullopt},
                                          {"price", std::nullopt, Value(batch::Int128{905})}});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, (std::vector<int>{8, 9}));
  auto none = SelectRowGroups(*reader, {{"id", Value(int64_t{5000}), std::nullopt}});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(RowGroupFilterTest, SkipsAllNullGroupsAndComparesIntegersWithDoubles) {
  auto reader = TenGroups();
  auto groups = SelectRowGroups(*reader, {{"late", Value(int64_t{0}), std::nullopt}});
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, (std::vector<int>{5, 6, 7, 8, 9}));
}

TEST(RowGroupFilterTest, RejectsUnknownColumnsAndBoundsOfAnotherKind) {
  auto reader = TenGroups();
  EXPECT_FALSE(SelectRowGroups(*reader, {{"nope", Value(int64_t{1}), std::nullopt}}).ok());
  auto bad = SelectRowGroups(*reader, {{"id", Value(std::string("x")), std::nullopt}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'id'"), std::string::npos);
}

}  // namespace
}  // namespace keel::parquet
