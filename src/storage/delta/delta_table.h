#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/batch/record_batch.h"
#include "storage/delta/data_writer.h"
#include "storage/delta/scan.h"
#include "storage/delta/snapshot.h"
#include "storage/delta/transaction.h"

namespace keel::delta {

struct CreateTableOptions {
  batch::Schema schema;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> properties;  // metaData.configuration
  std::string name;
  std::string description;
};

enum class WriteMode { kAppend, kOverwrite };

struct WriteOptions {
  WriteMode mode = WriteMode::kAppend;
  // Overwrite only the rows matching this predicate (Delta's replaceWhere); every written row
  // must match it. Empty with kOverwrite: replace the whole table.
  std::string replace_where;
  // Add columns of the data that the table lacks (schema evolution) instead of refusing.
  bool merge_schema = false;
  // Idempotent writes: when the table already has txn (app_id, version >= txn_version) the
  // write is skipped and reported as such.
  std::string txn_app_id;
  int64_t txn_version = -1;
};

// What a change did.
struct CommitResult {
  int64_t version = -1;        // the version written; the current version when skipped
  bool skipped = false;        // an idempotent write that had already been done
  int64_t rows_written = 0;    // rows in new data files (inserted + copied + updated)
  int64_t rows_affected = 0;   // rows inserted, deleted or updated by the operation
  int64_t files_added = 0;
  int64_t files_removed = 0;
};

struct MergeOptions {
  std::vector<std::string> keys;    // key columns present in source and target
  bool update_matched = true;       // WHEN MATCHED THEN UPDATE SET * (false: leave the row)
  bool delete_matched = false;      // WHEN MATCHED THEN DELETE (instead of updating)
  bool insert_unmatched = true;     // WHEN NOT MATCHED THEN INSERT *
};

struct VacuumOptions {
  // Files unreferenced for longer than this are deleted; default: the table's
  // delta.deletedFileRetentionDuration (7 days).
  std::optional<int64_t> retention_ms;
  // Shorter retentions than the table's are refused unless this is set (as Delta's
  // retentionDurationCheck), because they break time travel and concurrent readers.
  bool allow_short_retention = false;
  bool dry_run = false;
};

struct VacuumResult {
  std::vector<std::string> deleted;  // paths relative to the table root
};

// Options of the whole handle.
struct TableOptions {
  const Clock* clock = Clock::System();
  DataWriteOptions data;
  CommitOptions commit;  // its clock is replaced by `clock`
};

// The front door to one Delta table directory: reads at any version, and every write operation
// as one optimistic transaction (see transaction.h for the concurrency rules). Every operation
// checks that Keel supports the table's protocol before touching data. A handle holds only the
// path; it is cheap and may be used from several threads (each call loads what it needs).
class DeltaTable {
 public:
  // Creates a new table (version 0: protocol (1,2), metaData, and no data). kAlreadyExists when
  // `root` already has a Delta log. Partition columns must be top-level primitive columns.
  static Result<DeltaTable> Create(FileSystem* fs, const std::string& root,
                                   const CreateTableOptions& options,
                                   const TableOptions& table_options = {});
  // Opens an existing table (kNotFound when `root` is not a Delta table).
  static Result<DeltaTable> Open(FileSystem* fs, const std::string& root,
                                 const TableOptions& table_options = {});

  const std::string& root() const { return root_; }

  Result<std::shared_ptr<const Snapshot>> Load(const TimeTravel& at = {}) const;
  Result<batch::RecordBatch> Read(const ScanOptions& scan = {}, const TimeTravel& at = {}) const;
  Result<std::vector<CommitRecord>> History(int64_t limit = 0) const;

  // Appends or overwrites. The data is matched to the table schema by column name: missing
  // nullable columns are null, narrower numeric types widen, extra columns are refused unless
  // merge_schema; nulls in non-nullable columns are refused.
  Result<CommitResult> Write(const batch::RecordBatch& data, const WriteOptions& options = {});
  // Deletes the rows where `predicate` is true (empty: every row).
  Result<CommitResult> Delete(const std::string& predicate);
  // Sets columns to expressions (SQL, may use the row's columns) where `predicate` is true.
  Result<CommitResult> Update(const std::string& predicate,
                              const std::vector<std::pair<std::string, std::string>>& assignments);
  // Upsert of `source` on key columns. Several source rows with one key are refused.
  Result<CommitResult> Merge(const batch::RecordBatch& source, const MergeOptions& options);
  // Makes the table's content that of an earlier version (a new commit; history is kept).
  Result<CommitResult> Restore(const TimeTravel& at);
  // Deletes data files no longer referenced by the current version and older than the
  // retention. Files of versions still in the log but beyond retention stop being readable.
  Result<VacuumResult> Vacuum(const VacuumOptions& options = {});
  // Writes a checkpoint of the current version now.
  Result<int64_t> Checkpoint();
  // Sets table properties (metaData.configuration); an empty value removes the key.
  Result<CommitResult> SetProperties(const std::map<std::string, std::string>& properties);

  // Change Data Feed between two versions (inclusive; end defaults to the latest): the table's
  // columns plus _change_type (insert, delete, update_preimage, update_postimage),
  // _commit_version and _commit_timestamp. Commits with cdc files are read from them; other
  // commits contribute their added files as inserts and removed files as deletes.
  Result<batch::RecordBatch> ReadChanges(int64_t start_version,
                                         std::optional<int64_t> end_version = std::nullopt) const;

 private:
  DeltaTable(FileSystem* fs, std::string root, TableOptions options);
  Result<std::shared_ptr<const Snapshot>> LoadForWrite() const;
  Transaction NewTransaction(std::shared_ptr<const Snapshot> snapshot) const;
  Result<batch::RecordBatch> ConformToSchema(const batch::RecordBatch& data,
                                             const batch::Schema& table, bool merge_schema,
                                             batch::Schema* evolved) const;
  // Deletes the rows where `predicate` is TRUE: files that may hold such rows are read, removed
  // and their remaining rows rewritten, all staged in *tx. rows_affected = rows deleted.
  Result<CommitResult> RewriteWhere(const Snapshot& snapshot, const Expression& predicate,
                                    Transaction* tx) const;
  Result<std::vector<AddFile>> WriteFiles(const Snapshot& snapshot,
                                          const batch::RecordBatch& rows) const;

  FileSystem* fs_;
  std::string root_;
  TableOptions options_;
};

}  // namespace keel::delta
