// Delta table write/read/log-replay, Keel vs DuckDB on the same data in the same run.
//
//   delta_bench [rows=10000000] [dir=/tmp] [commits=1000]
//
// (1) appends `rows` rows (id long, value double, name string of 12-20 bytes, ts timestamp;
//     ~12% nulls in the nullable columns) to a new Keel table in 100 commits of rows/100 rows
//     (DeltaTable::Write: data file, commit, a checkpoint every 10 commits), vs DuckDB writing the
//     same 100 batches as 100 Parquet files (COPY ... TO, PRAGMA threads=1);
// (2) reads the latest version (Keel DeltaTable::Read = snapshot load + ScanTable) vs DuckDB
//     read_parquet over the live files the log names, and over its own 100 files;
// (3) reads version 50 (time travel) vs DuckDB read_parquet over the files live at version 50;
// (4) loads the latest snapshot of two tables of `commits` one-row commits, one with a
//     checkpoint every 10 commits and one without checkpoints, vs DuckDB read_json over the 1,000
//     JSON commit files (what a reader without checkpoints has to parse).
// Prints seconds and Keel/DuckDB ratios (below 1.0 means Keel is faster). DuckDB (from
// tests/interop/node_modules) is skipped when node or the package is missing.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "storage/batch/record_batch.h"
#include "storage/delta/delta_table.h"
#include "storage/delta/scan.h"

namespace {

using keel::FileSystem;
using keel::batch::Column;
using keel::batch::DataType;
using keel::batch::RecordBatch;
using keel::batch::Schema;
using keel::batch::TypeId;
namespace delta = keel::delta;

constexpr int kCommits = 100;
constexpr int64_t kOldVersion = 50;

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void Die(const std::string& what, const keel::Status& s) {
  std::cerr << what << ": " << s.ToString() << "\n";
  std::exit(1);
}

Schema BenchSchema() {
  Schema s;
  s.fields = {{"id", DataType::Primitive(TypeId::kLong), false},
              {"value", DataType::Primitive(TypeId::kDouble), true},
              {"name", DataType::Primitive(TypeId::kString), true},
              {"ts", DataType::Primitive(TypeId::kTimestamp), true}};
  return s;
}

// Rows [first, first + n) of the benchmark data; the same arguments give the same rows.
RecordBatch Batch(int64_t first, int64_t n) {
  RecordBatch b = RecordBatch::Make(BenchSchema());
  std::mt19937_64 rng(static_cast<uint64_t>(first) * 2654435761u + 1);
  Column& id = b.columns[0];
  Column& value = b.columns[1];
  Column& name = b.columns[2];
  Column& ts = b.columns[3];
  static const char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (int64_t r = first; r < first + n; ++r) {
    const uint64_t x = rng();
    id.i64.push_back(r);
    id.length++;
    // Each nullable column is null when its 4-bit slice of x is 0 or 1 (12.5%).
    if (((x >> 4) & 15) < 2) {
      value.AppendNull();
    } else {
      value.f64.push_back(static_cast<double>(x >> 12) / 4096.0);
      value.MarkAppendedValid();
    }
    if (((x >> 8) & 15) < 2) {
      name.AppendNull();
    } else {
      const uint64_t y = rng();
      const int len = 12 + static_cast<int>(y % 9);
      for (int i = 0; i < len; ++i) name.bytes.push_back(kLetters[(y >> (2 * i + 4)) % 36]);
      name.offsets.push_back(static_cast<int64_t>(name.bytes.size()));
      name.MarkAppendedValid();
    }
    if (((x >> 16) & 15) < 2) {
      ts.AppendNull();
    } else {
      ts.i64.push_back(1700000000000000LL + r * 1000);
      ts.MarkAppendedValid();
    }
  }
  b.num_rows = n;
  return b;
}

delta::DeltaTable CreateTable(const std::string& root, int64_t checkpoint_interval) {
  std::filesystem::remove_all(root);
  delta::CreateTableOptions o;
  o.schema = BenchSchema();
  o.properties["delta.checkpointInterval"] = std::to_string(checkpoint_interval);
  auto t = delta::DeltaTable::Create(FileSystem::Default(), root, o);
  if (!t.ok()) Die("create " + root, t.status());
  return *t;
}

// Full paths of the live files of `table` at `version`, one a line, into `list_path`.
void WriteFileList(const delta::DeltaTable& table, int64_t version, const std::string& list_path) {
  auto snapshot = table.Load(delta::TimeTravel{version, std::nullopt});
  if (!snapshot.ok()) Die("load", snapshot.status());
  std::ofstream out(list_path);
  for (const auto& f : (*snapshot)->files()) {
    auto path = delta::DataFilePath(table.root(), f.path);
    if (!path.ok()) Die("data file path", path.status());
    out << *path << "\n";
  }
}

double TimedRead(const delta::DeltaTable& table, delta::TimeTravel at, int64_t expected_rows) {
  double start = Seconds();
  auto rows = table.Read({}, at);
  if (!rows.ok()) Die("read", rows.status());
  if (rows->num_rows != expected_rows) {
    std::cerr << "read " << rows->num_rows << " rows, expected " << expected_rows << "\n";
    std::exit(1);
  }
  return Seconds() - start;
}

// The fastest of `repeats` snapshot loads of the latest version (the first warms the cache).
double TimedLoad(const std::string& root, int repeats) {
  double best = 1e9;
  for (int i = 0; i < repeats; ++i) {
    double start = Seconds();
    auto s = delta::Snapshot::Load(FileSystem::Default(), root);
    if (!s.ok()) Die("snapshot load", s.status());
    best = std::min(best, Seconds() - start);
  }
  return best;
}

void AppendOneRowCommits(const std::string& root, int64_t checkpoint_interval, int commits) {
  delta::DeltaTable t = CreateTable(root, checkpoint_interval);
  for (int c = 0; c < commits; ++c) {
    auto r = t.Write(Batch(c, 1));
    if (!r.ok()) Die("append", r.status());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10000000;
  const std::string dir = argc > 2 ? argv[2] : "/tmp";
  const int log_commits = argc > 3 ? std::atoi(argv[3]) : 1000;
  const std::string bench_dir = dir + "/keel_delta_bench";
  const std::string keel_root = bench_dir + "/keel_table";
  const int64_t per_commit = rows / kCommits;
  std::filesystem::create_directories(bench_dir);

  // (1) 100 appends; generating the batches is not timed.
  delta::DeltaTable table = CreateTable(keel_root, 10);
  double keel_write = 0;
  for (int c = 0; c < kCommits; ++c) {
    RecordBatch b = Batch(c * per_commit, per_commit);
    double start = Seconds();
    auto r = table.Write(b);
    if (!r.ok()) Die("write", r.status());
    keel_write += Seconds() - start;
  }
  // (2), (3)
  // The first read after the writes is reported apart: it pays for warming up (page faults of
  // fresh memory, files just written); DuckDB's timed reads come after untimed ones too.
  const double keel_first_read = TimedRead(table, {}, per_commit * kCommits);
  const double keel_read = TimedRead(table, {}, per_commit * kCommits);
  const double keel_read_old =
      TimedRead(table, {kOldVersion, std::nullopt}, per_commit * kOldVersion);
  // (4)
  const std::string with_checkpoints = bench_dir + "/log_checkpointed";
  const std::string without_checkpoints = bench_dir + "/log_plain";
  AppendOneRowCommits(with_checkpoints, 10, log_commits);
  AppendOneRowCommits(without_checkpoints, 1'000'000'000, log_commits);
  const double load_checkpointed = TimedLoad(with_checkpoints, 5);
  const double load_plain = TimedLoad(without_checkpoints, 5);

  std::printf("rows=%lld in %d commits; log tables of %d one-row commits\n",
              static_cast<long long>(per_commit * kCommits), kCommits, log_commits);
  std::printf("keel   write %.3fs  read latest %.3fs (first read after writing %.3fs)  read v%lld "
              "%.3fs\n",
              keel_write, keel_read, keel_first_read, static_cast<long long>(kOldVersion),
              keel_read_old);
  std::printf(
      "keel   snapshot load: checkpoint every 10 %.4fs  no checkpoint %.4fs  "
      "(ratio %.2f)\n",
      load_checkpointed, load_plain, load_checkpointed / load_plain);

  const std::string latest_list = bench_dir + "/files_latest.txt";
  const std::string old_list = bench_dir + "/files_v50.txt";
  WriteFileList(table, kCommits, latest_list);
  WriteFileList(table, kOldVersion, old_list);
  const std::string duck_dir = bench_dir + "/duckdb_files";
  std::filesystem::remove_all(duck_dir);
  std::filesystem::create_directories(duck_dir);
  const std::string src = KEEL_SOURCE_DIR;
  const std::string cmd = "node " + src + "/bench/delta_bench_duckdb.mjs " + src +
                          "/tests/interop " + latest_list + " " + old_list + " " + duck_dir + " " +
                          without_checkpoints + "/_delta_log";
  FILE* p = popen(cmd.c_str(), "r");
  double dw = 0, dr_own = 0, dr_keel = 0, dr_old = 0, dj = 0;
  if (!p || std::fscanf(p, "%lf %lf %lf %lf %lf", &dw, &dr_own, &dr_keel, &dr_old, &dj) != 5) {
    std::printf("duckdb: not available (node or tests/interop/node_modules missing)\n");
    if (p) pclose(p);
    return 0;
  }
  pclose(p);
  std::printf(
      "duckdb write %.3fs  read own files %.3fs  read Keel's live files %.3fs  "
      "read v%lld files %.3fs\n",
      dw, dr_own, dr_keel, static_cast<long long>(kOldVersion), dr_old);
  std::printf("duckdb read_json of the %d commit files %.4fs\n", log_commits, dj);
  std::printf(
      "ratio keel/duckdb: write %.2f  read latest %.2f (vs its own files %.2f)  read v%lld %.2f"
      "  snapshot load: checkpointed %.4f, no checkpoint %.4f\n",
      keel_write / dw, keel_read / dr_keel, keel_read / dr_own, static_cast<long long>(kOldVersion),
      keel_read_old / dr_old, load_checkpointed / dj, load_plain / dj);
  return 0;
}
