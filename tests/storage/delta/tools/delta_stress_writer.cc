// A writer process for the Delta concurrency and crash tests (tests/storage/delta/
// concurrency_test.cc). Several of these run at once on one table; the tests kill some of them
// with SIGKILL and then check the table against what was acknowledged. A line goes to stdout
// (flushed) only after the operation it reports has returned OK, so every "ack" line is a
// promise that the commit is durable.
//
//   delta_stress_writer create ROOT [--checkpoint-interval N]        (default N = 5)
//       schema: writer int, seq long, value long, payload string; prints "created 0".
//   delta_stress_writer append ROOT --writer W --duration-ms D [--first-seq S] [--max-rows R]
//                                   [--pause-ms P] [--commits N] [--seed X]
//       loop for D ms (or N commits): append 1..R rows (W, seq, value = seq * 10, payload
//       "wW-sSEQ") with consecutive seqs from S; prints "ack VERSION W FIRST_SEQ COUNT" after each
//       commit.
//   delta_stress_writer update ROOT --writer W --duration-ms D --targets N [--pause-ms P]
//                                   [--seed X]
//       loop for D ms: UPDATE SET value = value + 1 WHERE writer = T (T < N) or WHERE seq < K;
//       prints "ack-update VERSION ROWS writer T" / "ack-update VERSION ROWS seq-below K",
//       "noop-update" when no row matched (nothing committed) and "conflict RESOURCE_CONFLICT"
//       when a concurrent commit won.
//   delta_stress_writer checkpoint ROOT
//       writes a checkpoint of the latest version; prints "checkpoint VERSION".
//
// Any other error prints "error CODE message" to stdout and exits with 1; usage errors exit 2.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/error_code.h"
#include "common/fs/file_system.h"
#include "storage/batch/row.h"
#include "storage/delta/delta_table.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::TypeId;
using batch::Value;

batch::Schema StressSchema() {
  batch::Schema s;
  s.fields = {{"writer", DataType::Primitive(TypeId::kInt), false},
              {"seq", DataType::Primitive(TypeId::kLong), false},
              {"value", DataType::Primitive(TypeId::kLong), false},
              {"payload", DataType::Primitive(TypeId::kString), true}};
  return s;
}

// Prints one line and flushes it, so a kill right after loses nothing already reported.
void Say(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

int Fail(const Status& s) {
  Say("error " + std::string(ErrorCodeName(s.code())) + " " + s.ToString());
  return 1;
}

// "--name value" flags after the positional arguments.
struct Flags {
  std::map<std::string, std::string> values;

  int64_t Int(const std::string& name, int64_t fallback) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : std::atoll(it->second.c_str());
  }
};

bool ParseFlags(int argc, char** argv, int first, Flags* flags) {
  for (int i = first; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return false;
    flags->values[name.substr(2)] = argv[i + 1];
  }
  return true;
}

class Deadline {
 public:
  explicit Deadline(int64_t duration_ms)
      : end_(std::chrono::steady_clock::now() + std::chrono::milliseconds(duration_ms)) {}
  bool passed() const { return std::chrono::steady_clock::now() >= end_; }

 private:
  std::chrono::steady_clock::time_point end_;
};

int Create(const std::string& root, const Flags& flags) {
  CreateTableOptions o;
  o.schema = StressSchema();
  o.name = "stress";
  o.properties["delta.checkpointInterval"] = std::to_string(flags.Int("checkpoint-interval", 5));
  auto table = DeltaTable::Create(FileSystem::Default(), root, o);
  if (!table.ok()) return Fail(table.status());
  Say("created 0");
  return 0;
}

int Append(const std::string& root, const Flags& flags) {
  auto table = DeltaTable::Open(FileSystem::Default(), root);
  if (!table.ok()) return Fail(table.status());
  const int64_t writer = flags.Int("writer", 0);
  const int64_t max_rows = std::max<int64_t>(1, flags.Int("max-rows", 4));
  const int64_t pause_ms = flags.Int("pause-ms", 0);
  std::mt19937_64 rng(static_cast<uint64_t>(flags.Int("seed", writer * 7919 + getpid())));
  Deadline deadline(flags.Int("duration-ms", 1000));
  int64_t seq = flags.Int("first-seq", 0);
  int64_t commits_left = flags.Int("commits", -1);
  while (!deadline.passed() && commits_left-- != 0) {
    const int64_t count = 1 + static_cast<int64_t>(rng() % max_rows);
    std::vector<batch::Row> rows;
    for (int64_t i = 0; i < count; ++i) {
      const int64_t s = seq + i;
      rows.push_back({Value(writer), Value(s), Value(s * 10),
                      Value("w" + std::to_string(writer) + "-s" + std::to_string(s))});
    }
    auto data = batch::FromRows(StressSchema(), rows);
    if (!data.ok()) return Fail(data.status());
    auto committed = table->Write(*data);
    if (!committed.ok()) return Fail(committed.status());
    Say("ack " + std::to_string(committed->version) + " " + std::to_string(writer) + " " +
        std::to_string(seq) + " " + std::to_string(count));
    seq += count;
    if (pause_ms > 0) usleep(static_cast<useconds_t>(pause_ms * 1000));
  }
  return 0;
}

int Update(const std::string& root, const Flags& flags) {
  auto table = DeltaTable::Open(FileSystem::Default(), root);
  if (!table.ok()) return Fail(table.status());
  const int64_t targets = std::max<int64_t>(1, flags.Int("targets", 8));
  const int64_t pause_ms = flags.Int("pause-ms", 0);
  std::mt19937_64 rng(static_cast<uint64_t>(flags.Int("seed", flags.Int("writer", 0) + getpid())));
  Deadline deadline(flags.Int("duration-ms", 1000));
  while (!deadline.passed()) {
    // Two kinds of predicate: one writer's rows (files of other writers are skipped by their
    // statistics) and a seq range across every writer (touches many files, conflicts often).
    std::string kind, arg, predicate;
    if (rng() % 3 != 0) {
      kind = "writer";
      arg = std::to_string(rng() % targets);
      predicate = "writer = " + arg;
    } else {
      kind = "seq-below";
      arg = std::to_string(1 + rng() % 20);
      predicate = "seq < " + arg;
    }
    auto result = table->Update(predicate, {{"value", "value + 1"}});
    if (!result.ok()) {
      if (result.status().code() != ErrorCode::kResourceConflict) return Fail(result.status());
      Say("conflict " + std::string(ErrorCodeName(result.status().code())));
    } else if (result->rows_affected == 0) {
      Say("noop-update");
    } else {
      Say("ack-update " + std::to_string(result->version) + " " +
          std::to_string(result->rows_affected) + " " + kind + " " + arg);
    }
    if (pause_ms > 0) usleep(static_cast<useconds_t>(pause_ms * 1000));
  }
  return 0;
}

int WriteCheckpoint(const std::string& root) {
  auto table = DeltaTable::Open(FileSystem::Default(), root);
  if (!table.ok()) return Fail(table.status());
  auto version = table->Checkpoint();
  if (!version.ok()) return Fail(version.status());
  Say("checkpoint " + std::to_string(*version));
  return 0;
}

int Main(int argc, char** argv) {
  Flags flags;
  if (argc < 3 || !ParseFlags(argc, argv, 3, &flags)) {
    std::fprintf(stderr,
                 "usage: delta_stress_writer create|append|update|checkpoint ROOT [--flag value]"
                 "...\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::string root = argv[2];
  if (mode == "create") return Create(root, flags);
  if (mode == "append") return Append(root, flags);
  if (mode == "update") return Update(root, flags);
  if (mode == "checkpoint") return WriteCheckpoint(root);
  std::fprintf(stderr, "delta_stress_writer: unknown mode '%s'\n", mode.c_str());
  return 2;
}

}  // namespace
}  // namespace keel::delta

int main(int argc, char** argv) { return keel::delta::Main(argc, argv); }
