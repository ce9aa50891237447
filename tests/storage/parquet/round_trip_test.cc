#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "storage/batch/row.h"
#include "storage/parquet/file_reader.h"
#include "storage/parquet/file_writer.h"
#include "testutil/temp_dir.h"

namespace keel::parquet {
namespace {

using batch::DataType;
using batch::Field;
using batch::Int128;
using batch::Row;
using batch::Schema;
using batch::TypeId;
using batch::Value;

class RandomData {
 public:
  explicit RandomData(uint32_t seed) : rng_(seed) {}

  DataType RandomType(int depth) {
    int pick = Uniform(0, depth >= 2 ? 12 : 15);
    switch (pick) {
      case 0:
        return DataType::Primitive(TypeId::kBoolean);
      case 1:
        return DataType::Primitive(TypeId::kByte);
      case 2:
        return DataType::Primitive(TypeId::kShort);
      case 3:
        return DataType::Primitive(TypeId::kInt);
      case 4:
        return DataType::Primitive(TypeId::kLong);
      case 5:
        return DataType::Primitive(TypeId::kFloat);
      case 6:
        return DataType::Primitive(TypeId::kDouble);
      case 7:
        return DataType::Primitive(TypeId::kString);
      case 8:
        return DataType::Primitive(TypeId::kBinary);
      case 9:
        return DataType::Primitive(TypeId::kDate);
      case 10:
        return DataType::Primitive(Uniform(0, 1) ? TypeId::kTimestamp : TypeId::kTimestampNtz);
      case 11:
      case 12: {
        int p = Uniform(1, 38);
        return DataType::Decimal(p, Uniform(0, p));
      }
      case 13: {
        std::vector<Field> fields;
        int n = Uniform(1, 3);
        for (int i = 0; i < n; ++i) {
          fields.push_back(
              Field{"f" + std::to_string(i), RandomType(depth + 1), Uniform(0, 3) > 0});
        }
        return DataType::Struct(std::move(fields));
      }
      case 14:
        return DataType::Array(RandomType(depth + 1), Uniform(0, 1) == 1);
      default:
        return DataType::Map(DataType::Primitive(Uniform(0, 1) ? TypeId::kString : TypeId::kInt),
                             RandomType(depth + 1), Uniform(0, 1) == 1);
    }
  }

  Value RandomValue(const DataType& t, bool nullable, double null_rate) {
    if (nullable && Real() < null_rate) return Value();
    switch (t.id) {
      case TypeId::kBoolean:
        return Value(Uniform(0, 1) == 1);
      case TypeId::kByte:
        return Value(int64_t{Uniform(-128, 127)});
      case TypeId::kShort:
        return Value(int64_t{Uniform(-32768, 32767)});
      case TypeId::kInt:
      case TypeId::kDate:
        return Value(int64_t{Small() ? Uniform(0, 5) : static_cast<int32_t>(rng_())});
      case TypeId::kLong:
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        return Value(Small() ? int64_t{Uniform(0, 5)} : static_cast<int64_t>(rng_()) << 20);
      case TypeId::kFloat: {
        int k = Uniform(0, 20);
        float f = k == 0 ? std::nanf("") : k == 1 ? -0.0f : static_cast<float>(Real() * 1e6 - 5e5);
        return Value(f);
      }
      case TypeId::kDouble: {
        int k = Uniform(0, 20);
        double d = k == 0 ? std::nan("") : k == 1 ? INFINITY : Real() * 1e12 - 5e11;
        return Value(d);
      }
      case TypeId::kString:
      case TypeId::kBinary: {
        std::string s;
        int len = Small() ? Uniform(0, 2) : Uniform(0, 40);
        for (int i = 0; i < len; ++i) {
          s.push_back(
              static_cast<char>(t.id == TypeId::kString ? Uniform('a', 'z') : Uniform(0, 255)));
        }
        return Value(std::move(s));
      }
      case TypeId::kDecimal: {
        Int128 v = 0;
        int digits = Uniform(0, t.precision);
        for (int i = 0; i < digits; ++i) v = v * 10 + Uniform(0, 9);
        return Value(Uniform(0, 1) ? v : -v);
      }
      case TypeId::kStruct: {
        Value::List fields;
        for (const Field& f : t.children)
          fields.push_back(RandomValue(f.type, f.nullable, null_rate));
        return Value(std::move(fields));
      }
      case TypeId::kArray: {
        Value::List items;
        int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) {
          items.push_back(RandomValue(t.children[0].type, t.children[0].nullable, null_rate));
        }
        return Value(std::move(items));
      }
      case TypeId::kMap: {
        Value::Entries entries;
        int n = Uniform(0, 3);
        for (int i = 0; i < n; ++i) {
          entries.emplace_back(RandomValue(t.children[0].type, false, 0),
                               RandomValue(t.children[1].type, t.children[1].nullable, null_rate));
        }
        return Value(std::move(entries));
      }
    }
    return Value();
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Real() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  bool Small() { return Uniform(0, 3) == 0; }

 private:
  std::mt19937 rng_;
};

void ExpectRoundTrip(const batch::RecordBatch& batch, const WriterOptions& options) {
  auto bytes = FileWriter::WriteToBuffer(batch, options);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto reader = FileReader::OpenBuffer(std::move(bytes).value(), "round-trip.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto back = (*reader)->ReadAll();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->Validate().ok()) << back->Validate().ToString();
  EXPECT_EQ(back->schema.ToString(), batch.schema.ToString());
  EXPECT_EQ(back->schema, batch.schema);
  ASSERT_EQ(back->num_rows, batch.num_rows);
  auto want = batch::ToRows(batch);
  auto got = batch::ToRows(*back);
  for (size_t r = 0; r < want.size(); ++r) {
    ASSERT_EQ(got[r], want[r]) << "row " << r << " schema " << batch.schema.ToString();
  }
}

TEST(ParquetRoundTripTest, RandomSchemasAndDataSurviveWriteThenRead) {
  const Codec codecs[] = {Codec::kSnappy, Codec::kZstd, Codec::kGzip, Codec::kUncompressed,
                          Codec::kLz4Raw};
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    RandomData rd(seed);
    Schema schema;
    int ncols = rd.Uniform(1, 5);
    for (int c = 0; c < ncols; ++c) {
      schema.fields.push_back(
          Field{"c" + std::to_string(c), rd.RandomType(0), rd.Uniform(0, 3) > 0});
    }
    int nrows = rd.Uniform(0, 300);
    double null_rate = rd.Real() * 0.5;
    std::vector<Row> rows;
    for (int r = 0; r < nrows; ++r) {
      Row row;
      for (const Field& f : schema.fields)
        row.push_back(rd.RandomValue(f.type, f.nullable, null_rate));
      rows.push_back(std::move(row));
    }
    auto batch = batch::FromRows(schema, rows);
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    WriterOptions options;
    options.codec = codecs[seed % 5];
    options.dictionary = seed % 3 != 0;
    options.page_bytes = rd.Uniform(0, 1) ? 64 : 1 << 20;
    options.row_group_rows = rd.Uniform(0, 1) ? 37 : 1 << 20;
    SCOPED_TRACE("seed " + std::to_string(seed) + " schema " + schema.ToString());
    ExpectRoundTrip(*batch, options);
  }
}

TEST(ParquetRoundTripTest, DictionaryFallsBackToPlainWhenTooLarge) {
  Schema schema;
  schema.fields.push_back(Field{"s", DataType::Primitive(TypeId::kString), true});
  std::vector<Row> rows;
  for (int i = 0; i < 5000; ++i) rows.push_back(Row{Value(std::to_string(i * 7919) + "-value")});
  auto batch = batch::FromRows(schema, rows);
  ASSERT_TRUE(batch.ok());
  WriterOptions options;
  options.dictionary_page_bytes = 1024;
  auto bytes = FileWriter::WriteToBuffer(*batch, options);
  ASSERT_TRUE(bytes.ok());
  auto reader = FileReader::OpenBuffer(*bytes, "fallback.parquet");
  ASSERT_TRUE(reader.ok());
  const ColumnMetaData& md = *(*reader)->metadata().row_groups[0].columns[0].meta_data;
  EXPECT_FALSE(md.dictionary_page_offset.has_value());
  ExpectRoundTrip(*batch, options);
}

TEST(ParquetRoundTripTest, WriterRecordsStatisticsCreatedByAndColumnOrders) {
  Schema schema;
  schema.fields.push_back(Field{"x", DataType::Primitive(TypeId::kLong), true});
  schema.fields.push_back(Field{"d", DataType::Primitive(TypeId::kDouble), true});
  std::vector<Row> rows{Row{Value(int64_t{5}), Value(std::nan(""))}, Row{Value(), Value(-0.0)},
                        Row{Value(int64_t{-3}), Value(2.5)}};
  auto batch = batch::FromRows(schema, rows);
  ASSERT_TRUE(batch.ok());
  auto bytes = FileWriter::WriteToBuffer(*batch);
  ASSERT_TRUE(bytes.ok());
  auto reader = FileReader::OpenBuffer(*bytes, "stats.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const FileMetaData& md = (*reader)->metadata();
  EXPECT_EQ(md.created_by.value_or(""), "keel version 0.1.0");
  EXPECT_EQ(md.column_orders.size(), 2u);
  const Statistics& s = *md.row_groups[0].columns[0].meta_data->statistics;
  int64_t lo, hi;
  std::memcpy(&lo, s.min_value->data(), 8);
  std::memcpy(&hi, s.max_value->data(), 8);
  EXPECT_EQ(lo, -3);
  EXPECT_EQ(hi, 5);
  EXPECT_EQ(*s.null_count, 1);
  const Statistics& ds = *md.row_groups[0].columns[1].meta_data->statistics;
  double dlo, dhi;
  std::memcpy(&dlo, ds.min_value->data(), 8);
  std::memcpy(&dhi, ds.max_value->data(), 8);
  EXPECT_EQ(dlo, -0.0);
  EXPECT_EQ(dhi, 2.5);
  EXPECT_EQ(md.row_groups[0].columns[0].meta_data->codec, static_cast<int32_t>(Codec::kSnappy));
}

TEST(ParquetRoundTripTest, EmptyBatchesAndManyWritesMakeValidFiles) {
  Schema schema;
  schema.fields.push_back(Field{"x", DataType::Primitive(TypeId::kLong), true});
  schema.fields.push_back(
      Field{"tags", DataType::Array(DataType::Primitive(TypeId::kString)), true});
  batch::RecordBatch empty = batch::RecordBatch::Make(schema);
  ExpectRoundTrip(empty, WriterOptions());

  std::vector<Row> rows{Row{Value(int64_t{1}), Value(Value::List{Value(std::string("a"))})},
                        Row{Value(), Value(Value::List{})}};
  auto b = batch::FromRows(schema, rows);
  ASSERT_TRUE(b.ok());
  // Three Write calls make three row groups that read back as one batch.
  testutil::TempDir dir;
  std::string path = dir.Join("many.parquet");
  auto w = FileWriter::Open(path, schema);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*w)->Write(*b).ok());
  ASSERT_TRUE((*w)->Write(empty).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto reader = FileReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_row_groups(), 3);
  auto all = (*reader)->ReadAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->num_rows, 6);
  EXPECT_EQ(batch::ToRows(*all)[5], rows[1]);
  // Nothing but the file itself is left beside it (the temporary was renamed).
  size_t slash = path.find_last_of('/');
  auto names = FileSystem::Default()->ListDir(path.substr(0, slash));
  ASSERT_TRUE(names.ok());
  for (const auto& n : *names) EXPECT_EQ(n.find(".keel-tmp"), std::string::npos) << n;
}

TEST(ParquetRoundTripTest, WriterRejectsNullInNonNullableField) {
  Schema schema;
  schema.fields.push_back(Field{"x", DataType::Primitive(TypeId::kLong), false});
  batch::RecordBatch b = batch::RecordBatch::Make(schema);
  b.columns[0].AppendNull();
  b.num_rows = 1;
  auto bytes = FileWriter::WriteToBuffer(b);
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("'x'"), std::string::npos);
}

}  // namespace
}  // namespace keel::parquet
