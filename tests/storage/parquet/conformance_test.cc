// Runs the reader over ../shared/conformance/parquet (apache/parquet-testing files): every
// readable file decodes with the README's row count, the upstream _expect.csv files match
// value by value, and every bad or encrypted file is a clean error.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "storage/batch/value_format.h"
#include "storage/parquet/file_reader.h"

namespace keel::parquet {
namespace {

std::string Dir() { return std::string(KEEL_SOURCE_DIR) + "/../shared/conformance/parquet"; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Files(const std::string& sub, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(Dir() + "/" + sub, ec)) {
    std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "| data/x.parquet | 12 | ..." rows of the README table.
std::map<std::string, int64_t> ReadmeRowCounts() {
  std::map<std::string, int64_t> out;
  std::istringstream in(Slurp(Dir() + "/README.md"));
  std::regex row(R"(^\| (data/[^ ]+) \| (\d+) \|)");
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, row)) out[m[1]] = std::stoll(m[2]);
  }
  return out;
}

// Files in data/ that the README says a reader must refuse.
bool MustFail(const std::string& name) { return name == "nation.dict-malformed.parquet"; }

#define SKIP_WITHOUT_CORPUS() \
  if (!std::filesystem::exists(Dir())) GTEST_SKIP() << "no conformance corpus at " << Dir()

TEST(ParquetConformanceTest, EveryReadableDataFileDecodesWithTheReadmeRowCount) {
  SKIP_WITHOUT_CORPUS();
  auto counts = ReadmeRowCounts();
  auto files = Files("data", ".parquet");
  ASSERT_GE(files.size(), 60u);
  for (const std::string& name : files) {
    SCOPED_TRACE(name);
    auto reader = FileReader::Open(Dir() + "/data/" + name);
    if (MustFail(name)) {
      if (reader.ok()) {
        auto all = (*reader)->ReadAll();
        EXPECT_FALSE(all.ok());
        if (!all.ok()) EXPECT_EQ(all.status().code(), ErrorCode::kCorruption);
      }
      continue;
    }
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto all = (*reader)->ReadAll();
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_TRUE(all->Validate().ok()) << all->Validate().ToString();
    ASSERT_TRUE(counts.count("data/" + name)) << "README has no row count";
    EXPECT_EQ(all->num_rows, counts["data/" + name]);
  }
}

// Minimal RFC 4180 reader: fields with a flag telling whether they were quoted.
struct CsvField {
  std::string text;
  bool quoted = false;
};

std::vector<std::vector<CsvField>> ParseCsv(const std::string& s) {
  std::vector<std::vector<CsvField>> rows(1);
  CsvField field;
  bool in_quotes = false, field_started = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field.text.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.text.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      in_quotes = field.quoted = field_started = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field = CsvField();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field));
      field = CsvField();
      field_started = false;
      rows.emplace_back();
    } else {
      field.text.push_back(c);
      field_started = true;
    }
  }
  if (field_started || !rows.back().empty()) rows.back().push_back(std::move(field));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(ParquetConformanceTest, DeltaEncodedFilesMatchTheirUpstreamExpectCsv) {
  SKIP_WITHOUT_CORPUS();
  auto expects = Files("data", "_expect.csv");
  ASSERT_EQ(expects.size(), 4u);
  for (const std::string& csv_name : expects) {
    std::string parquet_name = csv_name.substr(0, csv_name.size() - 11) + ".parquet";
    SCOPED_TRACE(parquet_name);
    auto rows = ParseCsv(Slurp(Dir() + "/data/" + csv_name));
    auto reader = FileReader::Open(Dir() + "/data/" + parquet_name);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto batch = (*reader)->ReadAll();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_EQ(static_cast<int64_t>(rows.size()) - 1, batch->num_rows);
    ASSERT_EQ(rows[0].size(), batch->columns.size());
    int64_t compared = 0;
    for (int64_t r = 0; r < batch->num_rows; ++r) {
      const auto& row = rows[r + 1];
      ASSERT_EQ(row.size(), batch->columns.size()) << "csv row " << r;
      for (size_t c = 0; c < row.size(); ++c) {
        const batch::Column& col = batch->columns[c];
        bool expect_null = row[c].text.empty() && !row[c].quoted;
        ASSERT_EQ(!col.IsValid(r), expect_null) << "row " << r << " column " << c;
        if (!expect_null) {
          ASSERT_EQ(batch::ValueToCsvField(col, r), row[c].text) << "row " << r << " column " << c;
        }
        ++compared;
      }
    }
    EXPECT_GT(compared, 0);
  }
}

TEST(ParquetConformanceTest, ByteStreamSplitColumnsEqualTheirPlainTwins) {
  SKIP_WITHOUT_CORPUS();
  auto reader = FileReader::Open(Dir() + "/data/byte_stream_split_extended.gzip.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batch = (*reader)->ReadAll();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  int pairs = 0;
  for (size_t c = 0; c < batch->columns.size(); ++c) {
    const std::string& name = batch->schema.fields[c].name;
    if (name.size() < 6 || name.substr(name.size() - 6) != "_plain") continue;
    std::string twin = name.substr(0, name.size() - 6) + "_byte_stream_split";
    auto t = batch->schema.FieldIndex(twin);
    ASSERT_TRUE(t.has_value()) << twin;
    for (int64_t r = 0; r < batch->num_rows; ++r) {
      std::string a, b;
      batch::AppendValueJson(batch->columns[c], r, &a);
      batch::AppendValueJson(batch->columns[*t], r, &b);
      ASSERT_EQ(a, b) << name << " row " << r;
    }
    ++pairs;
  }
  EXPECT_EQ(pairs, 7);
}

TEST(ParquetConformanceTest, BadAndEncryptedFilesFailCleanlyNamingPathAndOffset) {
  SKIP_WITHOUT_CORPUS();
  std::vector<std::string> paths;
  for (const auto& n : Files("bad_data", ".parquet")) paths.push_back(Dir() + "/bad_data/" + n);
  for (const auto& n : Files("encrypted", ".encrypted")) paths.push_back(Dir() + "/encrypted/" + n);
  ASSERT_EQ(paths.size(), 10u);
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    auto reader = FileReader::Open(path);
    Status s = reader.ok() ? (*reader)->ReadAll().status() : reader.status();
    if (path.find("ARROW-GH-43605") != std::string::npos) {
      // Dictionary indices with bit width 0: decoding them (all entry 0) is allowed.
      continue;
    }
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
    if (s.code() == ErrorCode::kCorruption) {
      EXPECT_NE(s.message().find("byte offset"), std::string::npos) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), ErrorCode::kNotImplemented) << s.ToString();
      EXPECT_NE(s.message().find("encrypt"), std::string::npos) << s.ToString();
    }
  }
}

std::vector<std::string> JsonRows(const std::string& name, int64_t limit = -1) {
  auto reader = FileReader::Open(Dir() + "/data/" + name);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  auto batch = (*reader)->ReadAll();
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  if (!batch.ok()) return {};
  std::vector<std::string> out;
  for (int64_t r = 0; r < batch->num_rows && (limit < 0 || r < limit); ++r) {
    out.push_back(batch::RowToJson(*batch, r));
  }
  return out;
}

TEST(ParquetConformanceTest, AllTypesPlainDecodesImpalaInt96AndDictionaryPages) {
  SKIP_WITHOUT_CORPUS();
  auto rows = JsonRows("alltypes_plain.parquet", 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0],
            R"({"id":4,"bool_col":true,"tinyint_col":0,"smallint_col":0,"int_col":0,)"
            R"("bigint_col":0,"float_col":0,"double_col":0,"date_string_col":"MDMvMDEvMDk=",)"
            R"("string_col":"MA==","timestamp_col":"2009-03-01T00:00:00.000000Z"})");
  EXPECT_EQ(rows[1],
            R"({"id":5,"bool_col":false,"tinyint_col":1,"smallint_col":1,"int_col":1,)"
            R"("bigint_col":10,"float_col":1.1,"double_col":10.1,"date_string_col":"MDMvMDEvMDk=",)"
            R"("string_col":"MQ==","timestamp_col":"2009-03-01T00:01:00.000000Z"})");
}

TEST(ParquetConformanceTest, DecimalsInEveryPhysicalTypeReadAsTheSameValues) {
  SKIP_WITHOUT_CORPUS();
  for (const char* name :
       {"int32_decimal.parquet", "int64_decimal.parquet", "fixed_length_decimal.parquet",
        "fixed_length_decimal_legacy.parquet", "byte_array_decimal.parquet"}) {
    SCOPED_TRACE(name);
    auto rows = JsonRows(name);
    ASSERT_EQ(rows.size(), 24u);
    for (int i = 0; i < 24; ++i) {
      EXPECT_EQ(rows[i], "{\"value\":\"" + std::to_string(i + 1) + ".00\"}");
    }
  }
}

TEST(ParquetConformanceTest, NestedListsMapsAndStructsAssembleFromLevels) {
  SKIP_WITHOUT_CORPUS();
  auto lists = JsonRows("list_columns.parquet");
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0], R"({"int64_list":[1,2,3],"utf8_list":["abc","efg","hij"]})");
  EXPECT_EQ(lists[1], R"({"int64_list":[null,1],"utf8_list":null})");
  EXPECT_EQ(lists[2], R"({"int64_list":[4],"utf8_list":["efg",null,"hij","xyz"]})");
  auto nested = JsonRows("nested_lists.snappy.parquet", 1);
  ASSERT_EQ(nested.size(), 1u);
  EXPECT_EQ(nested[0], R"({"a":[[["a","b"],["c"]],[null,["d"]]],"b":1})");
  auto nulls = JsonRows("nulls.snappy.parquet", 1);
  EXPECT_EQ(nulls[0], R"({"b_struct":{"b_c_int":null}})");
  auto maps = JsonRows("nested_maps.snappy.parquet", 1);
  EXPECT_EQ(maps[0], R"({"a":{"a":[{"key":1,"value":true},{"key":2,"value":false}]},"b":1,"c":1})");
}

TEST(ParquetConformanceTest, Int96TimestampsBeyondTheNanosecondRangeConvertToMicros) {
  SKIP_WITHOUT_CORPUS();
  auto rows = JsonRows("int96_from_spark.parquet");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], R"({"a":"2024-01-01T20:34:56.123456Z"})");
  EXPECT_EQ(rows[2], R"({"a":"9999-12-31T03:00:00.000000Z"})");
  EXPECT_EQ(rows[4], R"({"a":null})");
}

// DuckDB cannot read these, so their LZ4_RAW twins (which it can, and which the oracle test
// checks) are the reference.
TEST(ParquetConformanceTest, HadoopAndRawLz4FilesMatchTheirLz4RawTwins) {
  SKIP_WITHOUT_CORPUS();
  auto reference = JsonRows("lz4_raw_compressed.parquet");
  ASSERT_EQ(reference.size(), 4u);
  EXPECT_EQ(reference[2], R"({"c0":1593604801,"c1":"YWJj","v11":42.125})");
  EXPECT_EQ(JsonRows("hadoop_lz4_compressed.parquet"), reference);
  EXPECT_EQ(JsonRows("non_hadoop_lz4_compressed.parquet"), reference);
  auto larger = JsonRows("lz4_raw_compressed_larger.parquet");
  ASSERT_EQ(larger.size(), 10000u);
  EXPECT_EQ(JsonRows("hadoop_lz4_compressed_larger.parquet"), larger);
}

// A MAP whose key_value group has no value field reads as the list of its keys (the file's
// other columns hold the same numbers as a real map and a list).
TEST(ParquetConformanceTest, MapWithoutValueFieldReadsAsListOfKeys) {
  SKIP_WITHOUT_CORPUS();
  auto rows = JsonRows("map_no_value.parquet");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0],
            R"({"my_map":[{"key":1,"value":null},{"key":2,"value":null},{"key":3,"value":null}],)"
            R"("my_map_no_v":[1,2,3],"my_list":[1,2,3]})");
}

TEST(ParquetConformanceTest, PageChecksumsAreVerifiedWhenEnabled) {
  SKIP_WITHOUT_CORPUS();
  ReaderOptions verify;
  verify.verify_page_checksums = true;
  for (const char* good :
       {"datapage_v1-uncompressed-checksum.parquet",
        "datapage_v1-snappy-compressed-checksum.parquet",
        "plain-dict-uncompressed-checksum.parquet", "rle-dict-snappy-checksum.parquet"}) {
    auto r = FileReader::Open(Dir() + "/data/" + good, FileSystem::Default(), verify);
    ASSERT_TRUE(r.ok()) << good;
    auto b = (*r)->ReadAll();
    EXPECT_TRUE(b.ok()) << good << ": " << b.status().ToString();
  }
  for (const char* bad :
       {"datapage_v1-corrupt-checksum.parquet", "rle-dict-uncompressed-corrupt-checksum.parquet"}) {
    auto r = FileReader::Open(Dir() + "/data/" + bad, FileSystem::Default(), verify);
    ASSERT_TRUE(r.ok()) << bad;
    auto b = (*r)->ReadAll();
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(b.status().message().find("checksum mismatch at byte offset"), std::string::npos)
        << b.status().ToString();
    // Without verification the (intact) values still decode.
    auto lenient = FileReader::Open(Dir() + "/data/" + bad);
    ASSERT_TRUE(lenient.ok());
    EXPECT_TRUE((*lenient)->ReadAll().ok()) << bad;
  }
}

// Truncations and bit flips of good files must give an error or a valid batch, never a
// crash, hang or huge allocation (run under ASan/UBSan in the asan build).
TEST(ParquetConformanceTest, TruncatedAndBitFlippedFilesNeverCrash) {
  SKIP_WITHOUT_CORPUS();
  std::mt19937 rng(42);
  int errors = 0, decoded = 0;
  for (const char* name :
       {"alltypes_plain.parquet", "datapage_v2.snappy.parquet", "nested_maps.snappy.parquet",
        "delta_byte_array.parquet", "nullable.impala.parquet", "byte_stream_split.zstd.parquet",
        "lz4_raw_compressed.parquet", "rle_boolean_encoding.parquet", "list_columns.parquet",
        "int96_from_spark.parquet", "delta_binary_packed.parquet"}) {
    std::string good = Slurp(Dir() + "/data/" + name);
    ASSERT_FALSE(good.empty()) << name;
    std::vector<std::string> variants;
    for (size_t cut = 0; cut < good.size(); cut += 1 + good.size() / 40) {
      variants.push_back(good.substr(0, cut));
    }
    for (int i = 0; i < 150; ++i) {
      std::string v = good;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) v[rng() % v.size()] ^= static_cast<char>(1 << (rng() % 8));
      variants.push_back(std::move(v));
    }
    for (std::string& v : variants) {
      auto reader = FileReader::OpenBuffer(std::move(v), name);
      Status s = reader.ok() ? (*reader)->ReadAll().status() : reader.status();
      if (s.ok())
        ++decoded;
      else
        ++errors;
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(decoded, 0);
}

}  // namespace
}  // namespace keel::parquet
