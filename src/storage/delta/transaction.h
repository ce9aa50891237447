#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/result.h"
#include "storage/delta/actions.h"
#include "storage/delta/expression.h"
#include "storage/delta/snapshot.h"

namespace keel::delta {

struct CommitOptions {
  const Clock* clock = Clock::System();
  // Commit attempts before giving up on a table that keeps moving (blind appends and
  // non-conflicting retries).
  int max_attempts = 10000;
  // Write a checkpoint after commits whose version is a multiple of delta.checkpointInterval.
  bool checkpoint = true;
};

// An optimistic transaction (PROTOCOL.md "Optimistic Concurrency Control"): it reads a snapshot,
// stages actions and commits them as the next version with put-if-absent of the commit file.
// When another writer won that version, the winning commits are checked against what this
// transaction read and changed, with Delta's rules:
//   - a blind append (read nothing) never conflicts and is retried at the next version;
//   - a new protocol or metaData, or the same txn appId, conflicts;
//   - files added by the winner that may match what this transaction read (its read predicate,
//     or the whole table) conflict (ConcurrentAppend);
//   - files removed by the winner that this transaction read or removes conflict
//     (ConcurrentDeleteRead / ConcurrentDeleteDelete).
// A conflict is kResourceConflict with a message naming the winning version, its operation and
// what conflicted; the losing transaction wrote no commit (its data files are left for vacuum).
//
// Not thread-safe; one transaction per writer.
class Transaction {
 public:
  Transaction(std::shared_ptr<const Snapshot> read_snapshot, CommitOptions options = {});

  const Snapshot& read_snapshot() const { return *read_snapshot_; }

  // What the transaction's result depends on. Without any of these it is a blind append.
  void ReadWholeTable() { read_whole_table_ = true; }
  // Reads the rows where `predicate` (bound to the table schema) holds, from `files`.
  void ReadWhere(const Expression& predicate, const std::vector<const AddFile*>& files);

  void Add(AddFile add) { adds_.push_back(std::move(add)); }
  // Removes a live file of the read snapshot (dataChange as given).
  void Remove(const AddFile& file, bool data_change = true);
  void SetMetadata(Metadata metadata) { metadata_ = std::move(metadata); }
  void SetProtocol(Protocol protocol) { protocol_ = std::move(protocol); }
  // Idempotent writes: records (app_id, version) in the same commit.
  void SetTxn(std::string app_id, int64_t version);
  void AddCdc(AddCdcFile cdc) { cdcs_.push_back(std::move(cdc)); }

  bool has_changes() const {
    return !adds_.empty() || !removes_.empty() || metadata_ || protocol_ || txn_;
  }

  // Commits and returns the version written. `operation` and `parameters` go into commitInfo
  // (as Spark writes them: WRITE, DELETE, UPDATE, MERGE, RESTORE, CREATE TABLE, ...); `metrics`
  // into operationMetrics (string values, as Spark does).
  Result<int64_t> Commit(const std::string& operation, json::Value parameters = {},
                         json::Value metrics = {});

 private:
  Status CheckConflicts(int64_t winner_version, const std::vector<Action>& winner) const;
  std::string CommitText(int64_t version, int64_t now_ms, const std::string& operation,
                         const json::Value& parameters, const json::Value& metrics) const;
  void MaybeCheckpoint(int64_t version) const;

  std::shared_ptr<const Snapshot> read_snapshot_;
  CommitOptions options_;
  bool read_whole_table_ = false;
  std::vector<Expression> read_predicates_;
  std::vector<std::string> read_files_;  // decoded paths
  std::vector<AddFile> adds_;
  std::vector<RemoveFile> removes_;
  std::vector<AddCdcFile> cdcs_;
  std::optional<Metadata> metadata_;
  std::optional<Protocol> protocol_;
  std::optional<Txn> txn_;
};

}  // namespace keel::delta
