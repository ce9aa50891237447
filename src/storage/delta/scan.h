#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/batch/record_batch.h"
#include "storage/delta/actions.h"
#include "storage/delta/expression.h"
#include "storage/delta/file_stats.h"
#include "storage/delta/snapshot.h"

namespace keel::delta {

struct ScanOptions {
  // Columns to return, in this order; empty means every column of the table schema.
  std::vector<std::string> columns;
  // Rows for which this predicate (SQL text) is true; files whose statistics or partition
  // values exclude it are not opened. Empty: every row.
  std::string filter;
  // Zone of partition timestamps written without one (see partition_values.h), minutes east
  // of UTC.
  int partition_timestamp_offset_minutes = 0;
  // Stop after this many rows (-1: no limit).
  int64_t limit = -1;
};

// Reads the rows of a snapshot. Checks that Keel supports the table's reader protocol before
// opening any data file. Data files are matched to the table schema by column name: columns
// missing from a file (added later by schema evolution) read as null, narrower integer and
// float types widen, partition columns come from add.partitionValues (never from directory
// names). Rows come file by file in path order.
//
// Errors: kNotImplemented (unsupported protocol), kInvalidParameterValue (unknown column, bad
// filter), kCorruption (a data file that is missing or damaged, or whose column types cannot be
// read as the table's), kIOError.
Result<batch::RecordBatch> ScanTable(const Snapshot& snapshot, const ScanOptions& options = {});

// The live files of `snapshot` that may hold rows where `filter` (bound to the table schema) is
// true, judged by add.stats and partition values. A null filter selects every file.
std::vector<const AddFile*> SelectFiles(const Snapshot& snapshot, const Expression* filter,
                                        int partition_timestamp_offset_minutes = 0);

// The statistics of `file` with its partition values entered as exact column ranges, for
// Expression::MayMatch.
FileStats FileStatsWithPartitions(const Snapshot& snapshot, const AddFile& file,
                                  int partition_timestamp_offset_minutes = 0);

// Every column of one data file as the table sees it: table schema order, partition columns
// filled in. `fields` are indices into snapshot.schema().fields (empty: all).
Result<batch::RecordBatch> ReadDataFile(const Snapshot& snapshot, const AddFile& file,
                                        const std::vector<int>& fields = {},
                                        int partition_timestamp_offset_minutes = 0);

// A Parquet file of the table read as `schema` (data files, and cdc files whose schema has the
// extra _change_type column): fields matched by name, partition columns filled in from
// `partition_values`. `fields` are indices into schema.fields (empty: all).
Result<batch::RecordBatch> ReadFileAsSchema(FileSystem* fs, const std::string& table_root,
                                            const std::string& log_path,
                                            const PartitionValues& partition_values,
                                            const batch::Schema& schema,
                                            const std::vector<std::string>& partition_columns,
                                            const std::vector<int>& fields = {},
                                            int partition_timestamp_offset_minutes = 0);

// Full path of a data file named in the log (decoded; absolute file: URIs allowed).
// kCorruption when the path would leave the table directory through "..".
Result<std::string> DataFilePath(const std::string& table_root, const std::string& log_path);

}  // namespace keel::delta
