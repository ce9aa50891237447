// Delta acceptance: many writer PROCESSES on one table (delta_stress_writer, see
// tests/storage/delta/tools/) and SIGKILL at random moments. Whatever a writer acknowledged is in
// the table exactly once, every version stays readable and reads back the same forever, no
// partial commit is ever visible, and leftovers of crashed writers (temporary files, a torn
// checkpoint) do not stop the table from loading.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "common/fs/file_system.h"
#include "common/json.h"
#include "storage/batch/row.h"
#include "storage/batch/value_format.h"
#include "storage/delta/checkpoint.h"
#include "storage/delta/delta_table.h"
#include "storage/delta/log_listing.h"
#include "storage/delta/scan.h"
#include "storage/delta/snapshot.h"
#include "testutil/keel_process.h"
#include "testutil/node_interop.h"
#include "testutil/temp_dir.h"

#ifndef DELTA_STRESS_WRITER
#error "CMake gives delta_tests the path of delta_stress_writer as DELTA_STRESS_WRITER"
#endif

namespace keel::delta {
namespace {

using Key = std::pair<int64_t, int64_t>;  // (writer, seq)

struct StressRow {
  int64_t value = 0;
  std::string payload;
  bool operator==(const StressRow& o) const { return value == o.value && payload == o.payload; }
};

// The rows of one version by key. `duplicates` lists keys seen more than once.
struct TableState {
  std::map<Key, StressRow> rows;
  std::vector<Key> duplicates;
  int64_t timestamp_ms = 0;  // of the version
};

// One "ack VERSION WRITER FIRST_SEQ COUNT" line.
struct AppendAck {
  int64_t version, writer, first_seq, count;
};

// One "ack-update VERSION ROWS KIND ARG" line.
struct UpdateAck {
  int64_t version, rows;
  std::string kind;  // "writer" or "seq-below"
  int64_t arg;
  bool Matches(const Key& key) const {
    return kind == "writer" ? key.first == arg : key.second < arg;
  }
};

// What one writer process reported.
struct WriterReport {
  int exit_code = -1;
  bool killed = false;
  std::vector<AppendAck> appends;
  std::vector<UpdateAck> updates;
  int conflicts = 0;
  int noops = 0;
  std::vector<std::string> errors;  // "error ..." lines and anything unexpected
};

// Parses the complete lines of a writer's stdout (a kill may cut the last one).
WriterReport ParseReport(const testutil::ProcessResult& r) {
  WriterReport report;
  report.exit_code = r.exit_code;
  report.killed = r.timed_out;
  std::string text = r.stdout_text.substr(0, r.stdout_text.rfind('\n') + 1);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string tag;
    words >> tag;
    if (tag == "ack") {
      AppendAck a{};
      words >> a.version >> a.writer >> a.first_seq >> a.count;
      report.appends.push_back(a);
    } else if (tag == "ack-update") {
      UpdateAck u{};
      words >> u.version >> u.rows >> u.kind >> u.arg;
      report.updates.push_back(u);
    } else if (line == "conflict RESOURCE_CONFLICT") {
      ++report.conflicts;
    } else if (tag == "noop-update" || tag == "created" || tag == "checkpoint") {
      ++report.noops;
    } else {
      report.errors.push_back(line);
    }
  }
  if (!r.stderr_text.empty() && !report.killed) report.errors.push_back(r.stderr_text);
  return report;
}

WriterReport RunWriter(const std::vector<std::string>& args, int64_t kill_after_ms = 60'000) {
  testutil::RunOptions options;
  options.timeout_millis = kill_after_ms;
  auto r = testutil::RunProcess(DELTA_STRESS_WRITER, args, options);
  if (!r.ok()) {
    WriterReport failed;
    failed.errors.push_back("cannot start delta_stress_writer: " + r.status().ToString());
    return failed;
  }
  return ParseReport(*r);
}

// Runs every argument list as its own process at once; each is killed after its kill_after_ms.
std::vector<WriterReport> RunWriters(const std::vector<std::vector<std::string>>& args,
                                     const std::vector<int64_t>& kill_after_ms) {
  std::vector<WriterReport> reports(args.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < args.size(); ++i) {
    threads.emplace_back([&, i] { reports[i] = RunWriter(args[i], kill_after_ms[i]); });
  }
  for (auto& t : threads) t.join();
  return reports;
}

Result<TableState> ReadState(const std::string& root, std::optional<int64_t> version) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot,
                        Snapshot::Load(FileSystem::Default(), root, TimeTravel{version, {}}));
  KEEL_ASSIGN_OR_RETURN(auto rows, ScanTable(*snapshot));
  TableState state;
  state.timestamp_ms = snapshot->timestamp_ms();
  for (const batch::Row& row : batch::ToRows(rows)) {
    Key key{row[0].as<int64_t>(), row[1].as<int64_t>()};
    StressRow value{row[2].as<int64_t>(), row[3].is_null() ? "" : row[3].as<std::string>()};
    if (!state.rows.emplace(key, value).second) state.duplicates.push_back(key);
  }
  return state;
}

std::string KeyText(const Key& k) {
  return "(writer " + std::to_string(k.first) + ", seq " + std::to_string(k.second) + ")";
}

// A fingerprint of a version's rows: the sorted row texts, hashed.
size_t Fingerprint(const TableState& state) {
  std::string all;
  for (const auto& [key, row] : state.rows) {
    all += std::to_string(key.first) + "," + std::to_string(key.second) + "," +
           std::to_string(row.value) + "," + row.payload + "\n";
  }
  return std::hash<std::string>()(all);
}

std::string LogDirOf(const std::string& root) { return root + "/_delta_log"; }

// Every NNN.json of the log: versions contiguous from 0 and every line a JSON object with one
// action. Returns "" when all is well.
std::string CheckCommitFiles(const std::string& root, int64_t* latest) {
  static const std::regex kCommit("^[0-9]{20}\\.json$");
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(LogDirOf(root))) {
    std::string name = e.path().filename().string();
    if (std::regex_match(name, kCommit)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::stoll(names[i].substr(0, 20)) != static_cast<int64_t>(i)) {
      return "commit files are not contiguous at " + names[i];
    }
    auto text = FileSystem::Default()->ReadFile(LogDirOf(root) + "/" + names[i]);
    if (!text.ok()) return text.status().ToString();
    if (text->empty() || text->back() != '\n') return names[i] + " does not end with a newline";
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
      auto parsed = json::Parse(line);
      if (!parsed.ok() || !parsed->is_object() || parsed->size() != 1) {
        return names[i] + " has a line that is not one action: " + line;
      }
    }
  }
  *latest = static_cast<int64_t>(names.size()) - 1;
  return "";
}

// The independent replay (tests/interop/delta_replay.mjs, written from PROTOCOL.md) accepts
// the log, finds its newest checkpoint equal to replaying every commit, and reads `rows`.
// Skipped (with a note) without node and @duckdb/node-api.
void ExpectIndependentReplayReads(const std::string& root, const std::map<Key, StressRow>& rows) {
  std::string why;
  if (!testutil::NodeInteropAvailable(&why)) {
    std::printf("[ replay   ] independent replay skipped: %s\n", why.c_str());
    return;
  }
  auto replay = testutil::RunInteropScript("delta_replay.mjs", {root});
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  std::istringstream lines(replay->stdout_text);
  std::string line;
  std::getline(lines, line);
  ASSERT_EQ(line.find("\"error\""), std::string::npos) << line << replay->stderr_text;
  std::map<Key, StressRow> replayed;
  while (std::getline(lines, line)) {
    auto row = json::Parse(line);
    ASSERT_TRUE(row.ok()) << line;
    Key key{row->Find("writer")->as_int(), row->Find("seq")->as_int()};
    StressRow value{row->Find("value")->as_int(), row->Find("payload")->as_string()};
    EXPECT_TRUE(replayed.emplace(key, value).second) << KeyText(key) << " replayed twice";
  }
  EXPECT_TRUE(replayed == rows) << "the replay read " << replayed.size() << " rows, Keel "
                                << rows.size();
}

std::vector<std::string> AppendArgs(const std::string& root, int64_t writer, int64_t duration_ms,
                                    int64_t pause_ms) {
  return {"append",        root,
          "--writer",      std::to_string(writer),
          "--duration-ms", std::to_string(duration_ms),
          "--pause-ms",    std::to_string(pause_ms)};
}

// One commit of one row, (writer, 0).
WriterReport AppendOneRow(const std::string& root, int64_t writer) {
  std::vector<std::string> args = AppendArgs(root, writer, 60'000, 0);
  args.insert(args.end(), {"--commits", "1", "--max-rows", "1"});
  return RunWriter(args);
}

// ---- (a) eight appenders and two updaters run to the end --------------------------------------

constexpr int kAppenders = 8;
constexpr int kIdleWriters = 2;  // rows written before the run; only updaters touch them
constexpr int64_t kRunMillis = 8'000;

TEST(DeltaConcurrencyTest, EightAppendersAndTwoUpdatersLoseNothingAndEveryVersionReads) {
  testutil::TempDir dir("keel-delta-stress");
  const std::string root = dir.Join("t");
  WriterReport created = RunWriter({"create", root, "--checkpoint-interval", "5"});
  ASSERT_EQ(created.exit_code, 0) << ::testing::PrintToString(created.errors);
  std::vector<WriterReport> seeded;
  for (int w = kAppenders; w < kAppenders + kIdleWriters; ++w) {
    seeded.push_back(AppendOneRow(root, w));
    ASSERT_EQ(seeded.back().exit_code, 0) << ::testing::PrintToString(seeded.back().errors);
  }

  std::vector<std::vector<std::string>> args;
  // The pauses keep the history to a few hundred versions, each of which is read back below.
  for (int w = 0; w < kAppenders; ++w) args.push_back(AppendArgs(root, w, kRunMillis, 200));
  for (int u = 0; u < 2; ++u) {
    args.push_back({"update", root, "--writer", std::to_string(100 + u), "--duration-ms",
                    std::to_string(kRunMillis), "--targets",
                    std::to_string(kAppenders + kIdleWriters), "--pause-ms", "20"});
  }
  std::vector<WriterReport> reports = RunWriters(args, std::vector<int64_t>(args.size(), 60'000));
  reports.insert(reports.end(), seeded.begin(), seeded.end());

  std::map<int64_t, AppendAck> append_at;  // version -> the append acknowledged there
  std::map<int64_t, UpdateAck> update_at;
  int conflicts = 0;
  for (const WriterReport& r : reports) {
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(r.errors.empty()) << ::testing::PrintToString(r.errors);
    conflicts += r.conflicts;
    for (const AppendAck& a : r.appends) {
      EXPECT_TRUE(append_at.emplace(a.version, a).second)
          << "version " << a.version << " acknowledged twice";
    }
    for (const UpdateAck& u : r.updates) {
      EXPECT_TRUE(update_at.emplace(u.version, u).second && !append_at.count(u.version))
          << "version " << u.version << " acknowledged twice";
    }
  }
  EXPECT_GT(update_at.size(), 0u) << "no update committed (" << conflicts << " conflicts)";
  std::printf("[ stress   ] %zu appends, %zu updates, %d update conflicts\n", append_at.size(),
              update_at.size(), conflicts);

  int64_t latest = -1;
  ASSERT_EQ(CheckCommitFiles(root, &latest), "");
  auto listing = ListLog(FileSystem::Default(), root);
  ASSERT_TRUE(listing.ok());
  EXPECT_GE(listing->checkpoints.size(), 2u) << "checkpointInterval=5 wrote no checkpoints";
  // Every commit after the creation was acknowledged: all writers ended normally.
  EXPECT_EQ(static_cast<size_t>(latest), append_at.size() + update_at.size());

  // Replay the history version by version: each is its predecessor plus exactly what the
  // acknowledgement of that version says.
  auto previous = ReadState(root, 0);
  std::vector<int64_t> timestamps;  // of versions 1..latest
  ASSERT_TRUE(previous.ok()) << previous.status().ToString();
  EXPECT_TRUE(previous->rows.empty());
  for (int64_t v = 1; v <= latest; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    auto state = ReadState(root, v);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    ASSERT_TRUE(state->duplicates.empty()) << KeyText(state->duplicates[0]) << " twice";
    TableState expected = *previous;
    if (auto a = append_at.find(v); a != append_at.end()) {
      for (int64_t s = a->second.first_seq; s < a->second.first_seq + a->second.count; ++s) {
        std::string payload = "w" + std::to_string(a->second.writer) + "-s" + std::to_string(s);
        EXPECT_TRUE(
            expected.rows.emplace(Key{a->second.writer, s}, StressRow{s * 10, payload}).second)
            << KeyText({a->second.writer, s}) << " appended twice";
      }
    } else if (auto u = update_at.find(v); u != update_at.end()) {
      int64_t matched = 0;
      for (auto& [key, row] : expected.rows) {
        if (!u->second.Matches(key)) continue;
        ++row.value;
        ++matched;
      }
      EXPECT_EQ(matched, u->second.rows);
    } else {
      FAIL() << "nobody acknowledged this version";
    }
    EXPECT_EQ(state->rows.size(), expected.rows.size());
    ASSERT_TRUE(state->rows == expected.rows) << "rows differ from the acknowledged history";
    EXPECT_GT(state->timestamp_ms, previous->timestamp_ms) << "commit timestamps must increase";
    timestamps.push_back(state->timestamp_ms);
    previous = std::move(state);
  }
  auto latest_state = ReadState(root, std::nullopt);
  ASSERT_TRUE(latest_state.ok());
  EXPECT_TRUE(latest_state->rows == previous->rows);
  // Time travel by timestamp finds each version written by the racing writers (a sample).
  for (size_t i = 0; i < timestamps.size(); i += std::max<size_t>(1, timestamps.size() / 25)) {
    auto at = Snapshot::Load(FileSystem::Default(), root, TimeTravel{{}, timestamps[i]});
    ASSERT_TRUE(at.ok()) << at.status().ToString();
    EXPECT_EQ((*at)->version(), static_cast<int64_t>(i) + 1) << "timestamp " << timestamps[i];
  }

  ExpectIndependentReplayReads(root, latest_state->rows);
}

// ---- (b) SIGKILL at random moments ------------------------------------------------------------

constexpr int kCrashRounds = 30;
constexpr int kWritersPerRound = 3;
constexpr int kMaxRowsPerAppend = 4;

// Acknowledged appends of one writer, and what the table must therefore hold for it.
struct WriterHistory {
  int64_t next_seq = 0;  // first seq not acknowledged
  std::vector<AppendAck> acks;
};

// Checks the latest version against everything acknowledged so far: each acknowledged row once,
// and of unacknowledged rows only the one batch a writer was committing when it was killed.
void CheckLatestAgainstAcks(const TableState& latest,
                            const std::map<int64_t, WriterHistory>& writers) {
  ASSERT_TRUE(latest.duplicates.empty()) << KeyText(latest.duplicates[0]) << " is there twice";
  for (const auto& [writer, history] : writers) {
    for (const AppendAck& a : history.acks) {
      for (int64_t s = a.first_seq; s < a.first_seq + a.count; ++s) {
        ASSERT_TRUE(latest.rows.count({writer, s})) << "acknowledged " << KeyText({writer, s})
                                                    << " (version " << a.version << ") is missing";
      }
    }
  }
  std::map<int64_t, std::vector<int64_t>> unacked;  // writer -> seqs
  for (const auto& [key, row] : latest.rows) {
    auto it = writers.find(key.first);
    int64_t next = it == writers.end() ? 0 : it->second.next_seq;
    if (key.second >= next) unacked[key.first].push_back(key.second);
  }
  for (const auto& [writer, seqs] : unacked) {
    int64_t next = writers.count(writer) ? writers.at(writer).next_seq : 0;
    ASSERT_LE(seqs.size(), static_cast<size_t>(kMaxRowsPerAppend))
        << "writer " << writer << " has more unacknowledged rows than one batch";
    for (size_t i = 0; i < seqs.size(); ++i) {
      ASSERT_EQ(seqs[i], next + static_cast<int64_t>(i))
          << "writer " << writer << ": unacknowledged rows that no single commit could write";
    }
  }
}

TEST(DeltaConcurrencyTest, SigkillAtRandomMomentsLosesNoAckedRowAndNoVersionChanges) {
  testutil::TempDir dir("keel-delta-crash");
  const std::string root = dir.Join("t");
  WriterReport created = RunWriter({"create", root, "--checkpoint-interval", "2"});
  ASSERT_EQ(created.exit_code, 0) << ::testing::PrintToString(created.errors);

  std::mt19937 rng(20261125);
  std::map<int64_t, WriterHistory> writers;
  std::map<int64_t, size_t> fingerprints;    // version -> rows as first read
  std::map<int64_t, std::set<Key>> keys_at;  // version -> its keys as first read
  int killed = 0, acked = 0, updates = 0;
  int64_t latest = 0;
  auto verify_version = [&](int64_t v) {
    auto state = ReadState(root, v);
    ASSERT_TRUE(state.ok()) << "version " << v << ": " << state.status().ToString();
    size_t fp = Fingerprint(*state);
    auto [it, first_time] = fingerprints.emplace(v, fp);
    ASSERT_EQ(it->second, fp) << "version " << v << " reads differently than it did before";
    if (!first_time) return;
    for (const auto& [key, row] : state->rows) keys_at[v].insert(key);
  };
  for (int round = 0; round < kCrashRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<std::vector<std::string>> args;
    std::vector<int64_t> kill_after;
    for (int i = 0; i < kWritersPerRound; ++i) {
      int64_t writer = round * kWritersPerRound + i;
      // The pause bounds the history (every version is read back, so its cost is quadratic in
      // the versions) on a fast machine; a commit still takes a good part of a writer's time.
      args.push_back(AppendArgs(root, writer, 10'000, 40));
      kill_after.push_back(20 + static_cast<int64_t>(rng() % 300));
    }
    if (round % 3 == 0) {  // a checkpoint writer killed too, racing the writers' own
      args.push_back({"checkpoint", root});
      kill_after.push_back(5 + static_cast<int64_t>(rng() % 60));
    }
    if (round % 2 == 1) {  // an updater killed mid-UPDATE: a torn one would lose or repeat rows
      args.push_back({"update", root, "--writer", "1000", "--duration-ms", "10000", "--targets",
                      std::to_string((round + 1) * kWritersPerRound), "--pause-ms", "20"});
      kill_after.push_back(20 + static_cast<int64_t>(rng() % 300));
    }
    std::vector<WriterReport> reports = RunWriters(args, kill_after);
    for (size_t i = 0; i < reports.size(); ++i) {
      ASSERT_TRUE(reports[i].errors.empty()) << ::testing::PrintToString(reports[i].errors);
      ASSERT_TRUE(reports[i].killed || reports[i].exit_code == 0) << reports[i].exit_code;
      killed += reports[i].killed;
      updates += static_cast<int>(reports[i].updates.size());
      for (const AppendAck& a : reports[i].appends) {
        WriterHistory& h = writers[a.writer];
        ASSERT_EQ(a.first_seq, h.next_seq);
        h.next_seq += a.count;
        h.acks.push_back(a);
        ++acked;
      }
    }

    ASSERT_EQ(CheckCommitFiles(root, &latest), "");
    auto table = DeltaTable::Open(FileSystem::Default(), root);
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    auto state = ReadState(root, std::nullopt);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    CheckLatestAgainstAcks(*state, writers);
    // New versions are recorded on first sight; a few older ones are read again.
    for (int64_t v = 0; v <= latest; ++v) {
      if (!fingerprints.count(v)) verify_version(v);
    }
    for (int i = 0; i < 4; ++i) verify_version(static_cast<int64_t>(rng() % (latest + 1)));
    if (HasFatalFailure()) return;
  }
  for (int64_t v = 0; v <= latest; ++v) verify_version(v);
  auto final_state = ReadState(root, std::nullopt);
  ASSERT_TRUE(final_state.ok());
  ExpectIndependentReplayReads(root, final_state->rows);
  // Every acknowledged version holds its acknowledged rows and its predecessor does not.
  for (const auto& [writer, history] : writers) {
    for (const AppendAck& a : history.acks) {
      const std::set<Key>& at = keys_at[a.version];
      const std::set<Key>& before = keys_at[a.version - 1];
      for (int64_t seq = a.first_seq; seq < a.first_seq + a.count; ++seq) {
        EXPECT_TRUE(at.count({writer, seq}) && !before.count({writer, seq}))
            << "the ack of version " << a.version << " names " << KeyText({writer, seq})
            << ", which that version did not add";
      }
    }
  }
  EXPECT_GT(acked, kCrashRounds) << "the writers were killed before committing anything";
  // Temporary files left in the log show kills that landed inside a commit or a checkpoint.
  int torn_commits = 0, torn_checkpoints = 0;
  for (const auto& e : std::filesystem::directory_iterator(LogDirOf(root))) {
    std::string name = e.path().filename().string();
    torn_commits += name.find(".json.tmp-") != std::string::npos;
    torn_checkpoints += name.find(".checkpoint.parquet.keel-tmp") != std::string::npos;
  }
  EXPECT_GT(killed, kCrashRounds * kWritersPerRound / 2);
  std::printf(
      "[ crash    ] %d rounds, %d kills, %d acknowledged appends and %d updates, %lld versions; "
      "left in the log by kills: %d commit and %d checkpoint temporaries\n",
      kCrashRounds, killed, acked, updates, static_cast<long long>(latest + 1), torn_commits,
      torn_checkpoints);
}

// ---- idempotent writes racing -------------------------------------------------------------------

// Writers retrying one idempotent write (the same txn appId and version) at once: exactly one
// commits it; each other one reports it skipped, or loses with RESOURCE_CONFLICT. The rows are
// in the table once.
TEST(DeltaConcurrencyTest, RacingIdempotentWritesOfOneTxnCommitItOnce) {
  testutil::TempDir dir("keel-delta-txn");
  const std::string root = dir.Join("t");
  ASSERT_EQ(RunWriter({"create", root}).exit_code, 0);
  auto table = DeltaTable::Open(FileSystem::Default(), root);
  ASSERT_TRUE(table.ok());
  auto schema = table->Load();
  ASSERT_TRUE(schema.ok());
  constexpr int kTxnVersions = 10, kThreads = 4;
  std::mutex mu;
  std::vector<std::string> errors;
  std::map<int, int> committed;  // txn version -> writers that committed it
  for (int txn = 0; txn < kTxnVersions; ++txn) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, txn] {
        auto rows = batch::FromRows((*schema)->schema(),
                                    {{batch::Value(int64_t{txn}), batch::Value(int64_t{0}),
                                      batch::Value(int64_t{0}), batch::Value()}});
        WriteOptions w;
        w.txn_app_id = "app";
        w.txn_version = txn;
        auto r = rows.ok() ? table->Write(*rows, w) : Result<CommitResult>(rows.status());
        std::lock_guard<std::mutex> lock(mu);
        if (r.ok() && !r->skipped) ++committed[txn];
        if (!r.ok() && r.status().code() != ErrorCode::kResourceConflict) {
          errors.push_back(r.status().ToString());
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_TRUE(errors.empty()) << errors[0];
  auto state = ReadState(root, std::nullopt);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->duplicates.empty()) << KeyText(state->duplicates[0]) << " written twice";
  for (int txn = 0; txn < kTxnVersions; ++txn) {
    EXPECT_EQ(committed[txn], 1) << "txn version " << txn;
    EXPECT_TRUE(state->rows.count({txn, 0})) << "txn version " << txn << " lost";
  }
}

// ---- checkpoints of one version written at once ----------------------------------------------

// Two writers may checkpoint the same version at the same moment (the committer's automatic
// checkpoint and an explicit DeltaTable::Checkpoint, or two explicit ones). Each must succeed and
// the file left behind must be a whole checkpoint.
//
// (Each parquet::FileWriter has its own temporary name, so racing writers never share one.)
TEST(DeltaConcurrencyTest, ConcurrentCheckpointsOfOneVersionAllSucceedAndLeaveAWholeFile) {
  testutil::TempDir dir("keel-delta-ckpt");
  const std::string root = dir.Join("t");
  ASSERT_EQ(RunWriter({"create", root, "--checkpoint-interval", "1000"}).exit_code, 0);
  auto table = DeltaTable::Open(FileSystem::Default(), root);
  ASSERT_TRUE(table.ok());
  constexpr int kVersions = 15, kThreads = 4;
  std::mutex mu;
  std::vector<std::string> failures;
  for (int v = 1; v <= kVersions; ++v) {
    ASSERT_EQ(AppendOneRow(root, v).exit_code, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        auto written = table->Checkpoint();
        if (written.ok()) return;
        std::lock_guard<std::mutex> lock(mu);
        failures.push_back(written.status().ToString());
      });
    }
    for (auto& t : threads) t.join();
    auto actions = ReadCheckpointFile(FileSystem::Default(), CheckpointPath(root, v));
    EXPECT_TRUE(actions.ok()) << "checkpoint " << v << ": " << actions.status().ToString();
  }
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << kVersions * kThreads
                                << " Checkpoint() calls failed; first: " << failures[0];
}

// ---- leftovers of crashed writers -------------------------------------------------------------

class DeltaLeftoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Join("t");
    ASSERT_EQ(RunWriter({"create", root_, "--checkpoint-interval", "2"}).exit_code, 0);
    // Versions 1..7, checkpoints at 2, 4 and 6.
    for (int w = 0; w < 7; ++w) {
      ASSERT_EQ(AppendOneRow(root_, w).exit_code, 0);
    }
    auto state = ReadState(root_, std::nullopt);
    ASSERT_TRUE(state.ok());
    expected_ = Fingerprint(*state);
  }

  std::string LogFile(const std::string& name) const { return LogDirOf(root_) + "/" + name; }

  void Truncate(int64_t checkpoint_version, uint64_t keep_bytes) {
    std::string path = CheckpointPath(root_, checkpoint_version);
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    std::filesystem::resize_file(
        path, std::min<uint64_t>(keep_bytes, std::filesystem::file_size(path) / 2));
  }

  // Loads the latest version; its rows must be those before the damage.
  void ExpectLoads(int64_t expected_checkpoint) {
    auto snapshot = Snapshot::Load(FileSystem::Default(), root_);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    EXPECT_EQ((*snapshot)->version(), 7);
    EXPECT_EQ((*snapshot)->checkpoint_version(), expected_checkpoint);
    auto state = ReadState(root_, std::nullopt);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    EXPECT_EQ(Fingerprint(*state), expected_);
  }

  testutil::TempDir dir_{"keel-delta-leftover"};
  std::string root_;
  size_t expected_ = 0;
};

TEST_F(DeltaLeftoverTest, TemporaryFilesOfACrashedCommitAreIgnoredAndDoNotBlockTheNextCommit) {
  FileSystem* fs = FileSystem::Default();
  ASSERT_TRUE(fs->WriteFileAtomic(LogFile("00000000000000000008.json.tmp-0123456789ab"),
                                  "{\"add\":{\"path\":\"x.parquet\",\"partitionVa")
                  .ok());
  ASSERT_TRUE(
      fs->WriteFileAtomic(LogFile("00000000000000000008.checkpoint.parquet.keel-tmp"), "PAR1 torn")
          .ok());
  ASSERT_TRUE(fs->WriteFileAtomic(LogFile("_last_checkpoint.tmp-0123456789ab"), "{\"vers").ok());
  ExpectLoads(6);
  WriterReport next = AppendOneRow(root_, 50);
  ASSERT_EQ(next.exit_code, 0) << ::testing::PrintToString(next.errors);
  ASSERT_EQ(next.appends.size(), 1u);
  EXPECT_EQ(next.appends[0].version, 8);
  auto state = ReadState(root_, 8);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->rows.size(), 8u);
}

TEST_F(DeltaLeftoverTest, TruncatedNewestCheckpointFallsBackToTheOlderOne) {
  auto pointer = FileSystem::Default()->ReadFile(LogFile("_last_checkpoint"));
  ASSERT_TRUE(pointer.ok());
  auto parsed = json::Parse(*pointer);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->Find("version")->as_int(), 6) << "_last_checkpoint must name the torn file";
  Truncate(6, 100);
  ExpectLoads(4);
  // An older version whose own checkpoint is torn reads from the one before it as well.
  auto v6 = ReadState(root_, 6);
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_EQ(v6->rows.size(), 6u);
}

TEST_F(DeltaLeftoverTest, EveryCheckpointTornOrEmptyFallsBackToTheCommits) {
  Truncate(6, 100);
  Truncate(4, 4);  // just the magic
  std::filesystem::resize_file(CheckpointPath(root_, 2), 0);
  ASSERT_TRUE(FileSystem::Default()->WriteFileAtomic(LogFile("_last_checkpoint"), "{garbage").ok());
  ExpectLoads(-1);
  // The next writer commits and checkpoints again (version 8 is a multiple of 2).
  ASSERT_EQ(AppendOneRow(root_, 60).exit_code, 0);
  auto snapshot = Snapshot::Load(FileSystem::Default(), root_);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ((*snapshot)->version(), 8);
  EXPECT_EQ((*snapshot)->checkpoint_version(), 8);
}

}  // namespace
}  // namespace keel::delta
