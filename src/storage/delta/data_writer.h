#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/fs/file_system.h"
#include "common/result.h"
#include "storage/batch/record_batch.h"
#include "storage/delta/actions.h"
#include "storage/parquet/file_writer.h"

namespace keel::delta {

struct DataWriteOptions {
  // Largest number of rows in one data file; bigger partitions are split.
  int64_t max_rows_per_file = int64_t{8} << 20;
  parquet::WriterOptions parquet;
};

// Writes `batch` (whose schema is the table schema) as new Parquet data files under
// `table_root`, one set of files per distinct combination of partition values, in Hive-style
// directories ("region=eu/part-00000-<uuid>.c000.snappy.parquet"). Partition columns are not
// stored in the files; their values go into the returned add actions, with size,
// modificationTime, dataChange=true and the file statistics. Files appear atomically; on error
// the files already written are left for vacuum (no commit names them).
Result<std::vector<AddFile>> WriteDataFiles(FileSystem* fs, const std::string& table_root,
                                            const std::vector<std::string>& partition_columns,
                                            const batch::RecordBatch& batch, int64_t now_ms,
                                            const DataWriteOptions& options = {});

// A random UUID string (8-4-4-4-12 hex), as Delta uses for table ids and file names.
std::string NewUuid();

}  // namespace keel::delta
