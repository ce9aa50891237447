#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/batch/data_type.h"
#include "storage/delta/actions.h"
#include "storage/delta/checkpoint.h"
#include "storage/delta/log_listing.h"

namespace keel::delta {

// Which version of a table to load: the latest (both empty), a version, or the last version
// committed at or before a timestamp (milliseconds since the epoch).
struct TimeTravel {
  std::optional<int64_t> version;
  std::optional<int64_t> timestamp_ms;
};

// The state of a table at one version, reconstructed from the log: the newest complete
// checkpoint at or below the version (falling back to an older one, or to commit 0, when a
// checkpoint cannot be read) plus the commits after it. Immutable once loaded; share it freely.
//
// Commit timestamps are In-Commit Timestamps when present, else commitInfo.timestamp, else the
// commit file's modification time (copied tables keep their commitInfo, not their mtimes), made
// strictly increasing as Delta does.
//
// Errors: kResourceDoesNotExist (no _delta_log, no such version, timestamp before the first
// commit), kInvalidParameterValue (a version whose log was cleaned up), kCorruption (missing
// protocol or metaData, a gap in the commits, unreadable actions). Load does NOT check whether
// Keel supports the protocol: callers use table_features.h before reading data.
class Snapshot {
 public:
  static Result<std::shared_ptr<const Snapshot>> Load(FileSystem* fs, const std::string& root,
                                                      const TimeTravel& at = {});

  // The state before version 0 (version -1, no files), from which a table is created.
  static std::shared_ptr<const Snapshot> Empty(FileSystem* fs, const std::string& root);

  FileSystem* fs() const { return fs_; }
  const std::string& root() const { return root_; }
  int64_t version() const { return version_; }
  int64_t timestamp_ms() const { return timestamp_ms_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  const batch::Schema& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return metadata_.partition_columns; }
  // Live data files, sorted by path.
  const std::vector<AddFile>& files() const { return files_; }
  // Remove tombstones known to this snapshot (for vacuum and checkpoints).
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  const std::map<std::string, Txn>& txns() const { return txns_; }
  std::optional<int64_t> TxnVersion(const std::string& app_id) const;
  // Version of the checkpoint the replay started from; -1 when none.
  int64_t checkpoint_version() const { return checkpoint_version_; }
  // Sum of numRecords over the live files; nullopt when some file has no statistics.
  std::optional<int64_t> num_records() const;
  // A table property (metaData.configuration) or `fallback`.
  std::string Property(std::string_view key, std::string_view fallback = "") const;
  // delta.checkpointInterval (default 10).
  int64_t CheckpointInterval() const;

  // The content of a checkpoint of this version (tombstones older than the retention
  // delta.deletedFileRetentionDuration, default 7 days, before `now_ms` are dropped).
  CheckpointContent ToCheckpoint(int64_t now_ms) const;

 private:
  friend class SnapshotBuilder;
  Snapshot() = default;

  FileSystem* fs_ = nullptr;
  std::string root_;
  int64_t version_ = -1;
  int64_t timestamp_ms_ = 0;
  Protocol protocol_;
  Metadata metadata_;
  batch::Schema schema_;
  std::vector<AddFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, Txn> txns_;
  std::vector<DomainMetadata> domains_;
  int64_t checkpoint_version_ = -1;
};

// A commit of the table's history.
struct CommitRecord {
  int64_t version = 0;
  int64_t timestamp_ms = 0;
  std::string operation;
  json::Value commit_info;  // the whole commitInfo (null when the commit has none)
};

// The history of the table, newest first, at most `limit` entries (0: all available commits).
Result<std::vector<CommitRecord>> ReadHistory(FileSystem* fs, const std::string& root,
                                              int64_t limit = 0);
// The last version committed at or before `timestamp_ms`. kResourceDoesNotExist when the
// timestamp is before the earliest available commit; a timestamp after the latest commit gives
// the latest version.
Result<int64_t> VersionAtTimestamp(FileSystem* fs, const std::string& root, int64_t timestamp_ms);
// Reads each available commit once (the contiguous run of commits ending at the latest),
// oldest first, and passes its version, commit timestamp (made strictly increasing) and actions
// to `visit`; an error from `visit` stops the walk and is returned.
Status ForEachCommit(FileSystem* fs, const std::string& root,
                     const std::function<Status(int64_t version, int64_t timestamp_ms,
                                                std::vector<Action>& actions)>& visit);
// The actions of commit `version`.
Result<std::vector<Action>> ReadCommit(FileSystem* fs, const std::string& root, int64_t version);

// Parses a duration such as "interval 7 days", "168 hours", "30 minutes" (Delta's table
// property syntax) into milliseconds. kInvalidParameterValue otherwise.
Result<int64_t> ParseIntervalMillis(std::string_view text);

}  // namespace keel::delta
