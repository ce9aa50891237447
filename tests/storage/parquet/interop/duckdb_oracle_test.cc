// DuckDB (from npm, @duckdb/node-api) as an independent oracle: every conformance file DuckDB
// can read must decode to the same values in Keel, and every file Keel writes must read back
// in DuckDB with identical values. Skipped only when node or the npm package is absent
// (scripts/install-deps installs it into tests/interop/node_modules).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>

#include "common/json.h"
#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/parquet/file_reader.h"
#include "storage/parquet/file_writer.h"
#include "testutil/temp_dir.h"

namespace keel::parquet {
namespace {

using json::Value;

std::string InteropDir() { return std::string(KEEL_SOURCE_DIR) + "/tests/interop"; }
std::string CorpusDir() { return std::string(KEEL_SOURCE_DIR) + "/../shared/conformance/parquet"; }

bool OracleAvailable(std::string* why) {
  if (std::system("command -v node > /dev/null 2>&1") != 0) {
    *why = "node is not installed";
    return false;
  }
  if (!std::filesystem::exists(InteropDir() + "/node_modules/@duckdb/node-api")) {
    *why = "tests/interop/node_modules lacks @duckdb/node-api; run scripts/install-deps";
    return false;
  }
  return true;
}

#define SKIP_WITHOUT_ORACLE()                        \
  do {                                               \
    std::string why;                                 \
    if (!OracleAvailable(&why)) GTEST_SKIP() << why; \
  } while (0)

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

// Runs the oracle script with `args`, returning its stdout lines.
std::vector<std::string> RunOracle(const std::vector<std::string>& args) {
  std::string cmd = "node " + Quote(InteropDir() + "/duckdb_rows.mjs");
  for (const auto& a : args) cmd += " " + Quote(a);
  std::vector<std::string> lines;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return lines;
  std::string all;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) all.append(buf, n);
  pclose(p);
  std::istringstream in(all);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool SameNumber(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
  double x = a.as_double(), y = b.as_double();
  if (x == y) return true;
  // FLOAT columns: DuckDB hands JS the widened double, Keel prints the shortest float.
  return static_cast<float>(x) == static_cast<float>(y);
}

// Keel's JSON value `k` means the same as DuckDB's `d`.
bool Same(const Value& k, const Value& d, std::string* why) {
  if (k.is_null() || d.is_null()) {
    if (k.is_null() && d.is_null()) return true;
    *why = "null vs " + (k.is_null() ? d.Dump() : k.Dump());
    return false;
  }
  if (k.is_number() && d.is_number()) {
    if (SameNumber(k, d)) return true;
    *why = k.Dump() + " vs " + d.Dump();
    return false;
  }
  if (k.is_string() && d.is_string()) {
    const std::string& a = k.as_string();
    const std::string& b = d.as_string();
    // DuckDB may type an instant as TIMESTAMP where Keel says UTC: the instant is the same.
    if (a == b || a == b + "Z" || b == a + "Z") return true;
    *why = "\"" + a + "\" vs \"" + b + "\"";
    return false;
  }
  if (k.is_bool() && d.is_bool()) {
    if (k.as_bool() == d.as_bool()) return true;
    *why = "bool differs";
    return false;
  }
  if (k.is_array() && d.is_array()) {
    if (k.size() != d.size()) {
      *why = "array sizes " + std::to_string(k.size()) + " vs " + std::to_string(d.size());
      return false;
    }
    for (size_t i = 0; i < k.size(); ++i) {
      if (!Same(k.as_array()[i], d.as_array()[i], why)) return false;
    }
    return true;
  }
  if (k.is_object() && d.is_object()) {
    if (k.size() != d.size()) {
      *why = "object sizes differ: " + k.Dump() + " vs " + d.Dump();
      return false;
    }
    // Positional: DuckDB may rename duplicate or odd column names.
    for (size_t i = 0; i < k.size(); ++i) {
      if (!Same(k.as_object()[i].second, d.as_object()[i].second, why)) {
        *why = "." + k.as_object()[i].first + ": " + *why;
        return false;
      }
    }
    return true;
  }
  *why = "kinds differ: " + k.Dump() + " vs " + d.Dump();
  return false;
}

// Compares Keel's rows of `batch` with the oracle lines [begin, end). Returns "" when equal.
std::string Compare(const batch::RecordBatch& batch, const std::vector<std::string>& lines,
                    size_t begin, size_t end) {
  if (static_cast<int64_t>(end - begin) != batch.num_rows) {
    return "row count " + std::to_string(batch.num_rows) + " vs DuckDB " +
           std::to_string(end - begin);
  }
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    std::string keel_line = batch::RowToJson(batch, r);
    auto k = json::Parse(keel_line);
    auto d = json::Parse(lines[begin + r]);
    if (!k.ok() || !d.ok()) return "unparsable JSON in row " + std::to_string(r);
    std::string why;
    if (!Same(*k, *d, &why)) {
      return "row " + std::to_string(r) + ": " + why + "\n  keel:   " + keel_line +
             "\n  duckdb: " + lines[begin + r];
    }
  }
  return "";
}

TEST(DuckDbOracleTest, KeelDecodesEveryConformanceFileToDuckDbsValues) {
  SKIP_WITHOUT_ORACLE();
  std::vector<std::string> files;
  for (auto& e : std::filesystem::directory_iterator(CorpusDir() + "/data")) {
    if (e.path().extension() == ".parquet") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  std::vector<std::string> lines = RunOracle(files);
  ASSERT_FALSE(lines.empty()) << "the oracle printed nothing";
  int compared = 0, duckdb_failed = 0;
  size_t i = 0;
  while (i < lines.size()) {
    auto header = json::Parse(lines[i]);
    ASSERT_TRUE(header.ok() && header->Find("file")) << lines[i];
    std::string file = header->Find("file")->as_string();
    size_t begin = ++i;
    while (i < lines.size() && lines[i].rfind("{\"file\":", 0) != 0) ++i;
    SCOPED_TRACE(file);
    if (!header->Find("error")->is_null()) {
      ++duckdb_failed;  // the README lists the 5 files DuckDB 1.5.6 cannot read
      continue;
    }
    if (file.find("nation.dict-malformed") != std::string::npos) continue;  // must fail in Keel
    auto reader = FileReader::Open(file);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto batch = (*reader)->ReadAll();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    std::string diff = Compare(*batch, lines, begin, i);
    EXPECT_EQ(diff, "");
    ++compared;
  }
  EXPECT_GE(compared, 55);
  EXPECT_LE(duckdb_failed, 5);
}

// One row per combination worth covering: every type, nulls at each level, empty containers.
batch::RecordBatch AllTypesBatch(int rows, uint32_t seed) {
  using batch::DataType;
  using batch::TypeId;
  using BV = batch::Value;
  batch::Schema s;
  auto P = [](TypeId id) { return DataType::Primitive(id); };
  s.fields = {
      {"bool", P(TypeId::kBoolean), true},
      {"byte", P(TypeId::kByte), true},
      {"short", P(TypeId::kShort), true},
      {"int", P(TypeId::kInt), false},
      {"long", P(TypeId::kLong), true},
      {"float", P(TypeId::kFloat), true},
      {"double", P(TypeId::kDouble), true},
      {"string", P(TypeId::kString), true},
      {"binary", P(TypeId::kBinary), true},
      {"date", P(TypeId::kDate), true},
      {"ts", P(TypeId::kTimestamp), true},
      {"ts_ntz", P(TypeId::kTimestampNtz), true},
      {"dec9", DataType::Decimal(9, 2), true},
      {"dec18", DataType::Decimal(18, 3), true},
      {"dec38", DataType::Decimal(38, 10), true},
      {"st", DataType::Struct({{"a", P(TypeId::kInt), true}, {"b", P(TypeId::kString), true}}),
       true},
      {"arr", DataType::Array(P(TypeId::kLong)), true},
      {"m", DataType::Map(P(TypeId::kString), P(TypeId::kDouble)), true},
      {"arr_st", DataType::Array(DataType::Struct({{"x", P(TypeId::kInt), true}})), true},
      {"m_int", DataType::Map(P(TypeId::kInt), DataType::Array(P(TypeId::kString))), true},
  };
  std::mt19937 rng(seed);
  auto coin = [&](int n) { return static_cast<int>(rng() % n) == 0; };
  auto str = [&](int len) {
    std::string x;
    for (int i = 0; i < len; ++i) x.push_back(static_cast<char>('a' + rng() % 26));
    return x;
  };
  auto big = [&](int digits) {
    batch::Int128 v = 0;
    for (int i = 0; i < digits; ++i) v = v * 10 + rng() % 10;
    return coin(2) ? -v : v;
  };
  std::vector<batch::Row> out;
  for (int r = 0; r < rows; ++r) {
    auto maybe = [&](BV v) { return coin(5) ? BV() : std::move(v); };
    batch::Row row;
    row.push_back(maybe(BV(coin(2))));
    row.push_back(maybe(BV(static_cast<int64_t>(static_cast<int8_t>(rng())))));
    row.push_back(maybe(BV(static_cast<int64_t>(static_cast<int16_t>(rng())))));
    row.push_back(BV(static_cast<int64_t>(static_cast<int32_t>(rng()))));
    row.push_back(maybe(BV(static_cast<int64_t>(rng()) * 1000003 - (int64_t{1} << 40))));
    row.push_back(maybe(BV(coin(10) ? std::nanf("") : static_cast<float>(rng() % 100000) / 8)));
    row.push_back(maybe(BV(coin(10) ? -INFINITY * 1.0 : (static_cast<double>(rng()) - 2e9) / 3)));
    row.push_back(maybe(BV(str(static_cast<int>(rng() % 20)))));
    row.push_back(maybe(BV(std::string(1 + rng() % 5, static_cast<char>(rng())))));
    row.push_back(maybe(BV(static_cast<int64_t>(rng() % 40000) - 5000)));
    row.push_back(maybe(BV(static_cast<int64_t>(rng()) * 997 * 1000)));
    row.push_back(maybe(BV(static_cast<int64_t>(rng()) * 1000 + 123)));
    row.push_back(maybe(BV(big(9))));
    row.push_back(maybe(BV(big(18))));
    row.push_back(maybe(BV(big(38))));
    row.push_back(
        maybe(BV(BV::List{maybe(BV(static_cast<int64_t>(rng() % 100))), maybe(BV(str(3)))})));
    BV::List arr;
    for (int k = static_cast<int>(rng() % 4); k > 0; --k)
      arr.push_back(maybe(BV(static_cast<int64_t>(rng()))));
    row.push_back(maybe(BV(std::move(arr))));
    BV::Entries m;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k)
      m.emplace_back(BV("k" + std::to_string(k)), maybe(BV(rng() / 7.0)));
    row.push_back(maybe(BV(std::move(m))));
    BV::List arr_st;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k)
      arr_st.push_back(maybe(BV(BV::List{maybe(BV(int64_t{k}))})));
    row.push_back(maybe(BV(std::move(arr_st))));
    BV::Entries mi;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
      mi.emplace_back(BV(int64_t{k}), maybe(BV(BV::List{maybe(BV(str(2)))})));
    }
    row.push_back(maybe(BV(std::move(mi))));
    out.push_back(std::move(row));
  }
  auto b = batch::FromRows(s, out);
  if (!b.ok()) ADD_FAILURE() << b.status().ToString();
  return std::move(b).value();
}

TEST(DuckDbOracleTest, DuckDbReadsEveryTypeKeelWritesWithIdenticalValues) {
  SKIP_WITHOUT_ORACLE();
  testutil::TempDir dir;
  std::vector<std::string> paths;
  std::vector<batch::RecordBatch> batches;
  int variant = 0;
  for (Codec codec : {Codec::kSnappy, Codec::kZstd, Codec::kGzip, Codec::kUncompressed}) {
    for (bool dictionary : {true, false}) {
      WriterOptions options;
      options.codec = codec;
      options.dictionary = dictionary;
      options.page_bytes = variant % 2 ? 512 : 1 << 20;
      options.row_group_rows = variant % 3 == 0 ? 100 : 1 << 20;
      batches.push_back(AllTypesBatch(300, 7 + variant));
      std::string path = dir.Join("keel_" + std::to_string(variant++) + ".parquet");
      auto w = FileWriter::Open(path, batches.back().schema, options);
      ASSERT_TRUE(w.ok()) << w.status().ToString();
      ASSERT_TRUE((*w)->Write(batches.back()).ok());
      ASSERT_TRUE((*w)->Close().ok());
      paths.push_back(path);
    }
  }
  std::vector<std::string> lines = RunOracle(paths);
  size_t i = 0;
  for (size_t f = 0; f < paths.size(); ++f) {
    SCOPED_TRACE(paths[f]);
    ASSERT_LT(i, lines.size());
    auto header = json::Parse(lines[i]);
    ASSERT_TRUE(header.ok()) << lines[i];
    ASSERT_TRUE(header->Find("error")->is_null()) << lines[i];
    size_t begin = ++i;
    while (i < lines.size() && lines[i].rfind("{\"file\":", 0) != 0) ++i;
    EXPECT_EQ(Compare(batches[f], lines, begin, i), "");
  }
}

TEST(DuckDbOracleTest, DuckDbSeesKeelsEncodingsStatisticsAndCreatedBy) {
  SKIP_WITHOUT_ORACLE();
  testutil::TempDir dir;
  batch::RecordBatch b = AllTypesBatch(200, 99);
  std::string path = dir.Join("meta.parquet");
  auto w = FileWriter::Open(path, b.schema);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(b).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto lines =
      RunOracle({"--sql",
                 "SELECT path_in_schema, compression, encodings, stats_null_count, "
                 "stats_min_value, stats_max_value FROM parquet_metadata(" +
                     SqlQuote(path) + ") WHERE path_in_schema IN ('long', 'string', 'int')"});
  ASSERT_EQ(lines.size(), 3u);
  auto file_meta = RunOracle(
      {"--sql", "SELECT created_by, num_rows FROM parquet_file_metadata(" + SqlQuote(path) + ")"});
  ASSERT_EQ(file_meta.size(), 1u);
  EXPECT_EQ(file_meta[0], R"({"created_by":"keel version 0.1.0","num_rows":200})");
  auto reader = FileReader::Open(path);
  ASSERT_TRUE(reader.ok());
  auto all = (*reader)->ReadAll();
  ASSERT_TRUE(all.ok());
  for (const std::string& line : lines) {
    auto row = json::Parse(line);
    ASSERT_TRUE(row.ok()) << line;
    std::string col = row->Find("path_in_schema")->as_string();
    SCOPED_TRACE(line);
    EXPECT_EQ(row->Find("compression")->as_string(), "SNAPPY");
    EXPECT_NE(row->Find("encodings")->as_string().find("RLE_DICTIONARY"), std::string::npos);
    size_t idx = *all->schema.FieldIndex(col);
    const batch::Column& c = all->columns[idx];
    EXPECT_EQ(row->Find("stats_null_count")->as_int(), c.null_count());
    if (col == "long") {
      int64_t lo = INT64_MAX, hi = INT64_MIN;
      for (int64_t r = 0; r < c.length; ++r) {
        if (!c.IsValid(r)) continue;
        lo = std::min(lo, c.i64[r]);
        hi = std::max(hi, c.i64[r]);
      }
      EXPECT_EQ(row->Find("stats_min_value")->as_string(), std::to_string(lo));
      EXPECT_EQ(row->Find("stats_max_value")->as_string(), std::to_string(hi));
    }
  }
}

}  // namespace
}  // namespace keel::parquet
