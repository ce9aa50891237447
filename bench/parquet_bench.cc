// Parquet write/read throughput, Keel vs DuckDB on the same data in the same run.
//
//   parquet_bench [rows=10000000] [dir=/tmp]
//
// Generates `rows` rows (id long, value double, name string of ~16 bytes, ts timestamp; ~10%
// nulls in each nullable column), writes them with Keel (SNAPPY, single thread), reads them back
// fully and one column only, then asks DuckDB (tests/interop/node_modules, PRAGMA threads=1)
// to write the same data and read the same files. Prints seconds and Keel/DuckDB ratios
// (below 1.0 means Keel is faster). DuckDB is skipped when node or the package is missing.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "storage/batch/record_batch.h"
#include "storage/parquet/file_reader.h"
#include "storage/parquet/file_writer.h"

namespace {

using keel::batch::Column;
using keel::batch::DataType;
using keel::batch::RecordBatch;
using keel::batch::Schema;
using keel::batch::TypeId;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

RecordBatch Generate(int64_t rows) {
  Schema s;
  s.fields = {{"id", DataType::Primitive(TypeId::kLong), false},
              {"value", DataType::Primitive(TypeId::kDouble), true},
              {"name", DataType::Primitive(TypeId::kString), true},
              {"ts", DataType::Primitive(TypeId::kTimestamp), true}};
  RecordBatch b = RecordBatch::Make(s);
  std::mt19937_64 rng(12345);
  Column& id = b.columns[0];
  Column& value = b.columns[1];
  Column& name = b.columns[2];
  Column& ts = b.columns[3];
  for (Column* c : {&value, &name, &ts}) c->validity.reserve(rows);
  id.i64.reserve(rows);
  value.f64.reserve(rows);
  ts.i64.reserve(rows);
  name.offsets.reserve(rows + 1);
  name.bytes.reserve(rows * 15);
  static const char kAlpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int64_t r = 0; r < rows; ++r) {
    uint64_t x = rng();
    id.i64.push_back(r * 3 + static_cast<int64_t>(x % 3));
    id.length++;
    auto nul = [&](int shift) { return ((x >> shift) & 15) < 2; };  // ~12% nulls
    if (nul(8))
      value.AppendNull();
    else {
      value.f64.push_back(static_cast<double>(x >> 11) / 1024.0);
      value.validity.push_back(1);
      value.length++;
    }
    if (nul(12))
      name.AppendNull();
    else {
      int len = 12 + static_cast<int>((x >> 20) % 9);
      uint64_t y = rng();
      for (int i = 0; i < len; ++i) name.bytes.push_back(kAlpha[(y >> (i * 3 % 60)) % 36]);
      name.offsets.push_back(static_cast<int64_t>(name.bytes.size()));
      name.validity.push_back(1);
      name.length++;
    }
    if (nul(16))
      ts.AppendNull();
    else {
      ts.i64.push_back(1700000000000000LL + r * 1000 + static_cast<int64_t>((x >> 30) % 1000));
      ts.validity.push_back(1);
      ts.length++;
    }
  }
  b.num_rows = rows;
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10000000;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  std::string keel_file = dir + "/keel_bench_keel.parquet";
  std::string duck_file = dir + "/keel_bench_duckdb.parquet";

  RecordBatch batch = Generate(rows);
  if (auto s = batch.Validate(); !s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  double t0 = Now();
  {
    auto w = keel::parquet::FileWriter::Open(keel_file, batch.schema);
    if (!w.ok() || !(*w)->Write(batch).ok() || !(*w)->Close().ok()) {
      std::cerr << "keel write failed\n";
      return 1;
    }
  }
  double keel_write = Now() - t0;

  auto read = [&](const std::string& file, std::vector<int> cols) {
    double start = Now();
    auto r = keel::parquet::FileReader::Open(file);
    if (!r.ok()) {
      std::cerr << r.status().ToString() << "\n";
      std::exit(1);
    }
    auto all = (*r)->ReadAll(cols);
    if (!all.ok() || all->num_rows != rows) {
      std::cerr << "keel read failed: " << all.status().ToString() << "\n";
      std::exit(1);
    }
    return Now() - start;
  };
  double keel_read = read(keel_file, {});
  double keel_read_one = read(keel_file, {2});

  std::printf("rows=%lld\n", static_cast<long long>(rows));
  std::printf("keel   write %.3fs  full read %.3fs  one-column read (name) %.3fs\n", keel_write,
              keel_read, keel_read_one);

  std::string interop = std::string(KEEL_SOURCE_DIR) + "/tests/interop";
  std::string cmd = "node " + std::string(KEEL_SOURCE_DIR) + "/bench/parquet_bench_duckdb.mjs " +
                    interop + " " + keel_file + " " + duck_file;
  FILE* p = popen(cmd.c_str(), "r");
  double dw = 0, dr = 0, dr1 = 0, dk = 0, dk1 = 0;
  if (!p || std::fscanf(p, "%lf %lf %lf %lf %lf", &dw, &dr, &dr1, &dk, &dk1) != 5) {
    std::printf("duckdb: not available (node or tests/interop/node_modules missing)\n");
    if (p) pclose(p);
    return 0;
  }
  pclose(p);
  double keel_read_duck = read(duck_file, {});
  double keel_read_duck_one = read(duck_file, {2});
  std::printf(
      "duckdb write %.3fs  full read %.3fs  one-column read (name) %.3fs   (its own file)\n", dw,
      dr, dr1);
  std::printf("duckdb full read %.3fs  one-column read %.3fs   (Keel's file)\n", dk, dk1);
  std::printf("keel   full read %.3fs  one-column read %.3fs   (DuckDB's file)\n", keel_read_duck,
              keel_read_duck_one);
  std::printf(
      "ratio keel/duckdb: write %.2f  full read %.2f  one-column read %.2f"
      "  (same file each: Keel's file %.2f / %.2f, DuckDB's file %.2f / %.2f)\n",
      keel_write / dw, keel_read / dr, keel_read_one / dr1, keel_read / dk, keel_read_one / dk1,
      keel_read_duck / dr, keel_read_duck_one / dr1);
  return 0;
}
