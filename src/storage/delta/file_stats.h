#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/batch/data_type.h"
#include "storage/batch/record_batch.h"
#include "storage/batch/row.h"

namespace keel::delta {

// Per-column statistics of one data file, as Delta's `add.stats` JSON carries them. Values are
// row Values of the column's kind (storage/batch/row.h): int64 for integer types, dates (days)
// and timestamps (micros); float/double; string bytes; Int128 unscaled decimals. A missing
// field means "unknown", never "none".
struct ColumnStats {
  std::optional<batch::Value> min;
  std::optional<batch::Value> max;
  std::optional<int64_t> null_count;
};

// Statistics of one data file. Keys of `columns` are top-level column names, and dotted paths
// ("a.b") for fields of structs. Partition columns are entered by the reader with min = max =
// the partition value (null_count = num_records for a null partition), so that one check
// covers data skipping on both.
struct FileStats {
  std::optional<int64_t> num_records;
  std::map<std::string, ColumnStats> columns;

  const ColumnStats* Find(const std::string& column) const {
    auto it = columns.find(column);
    return it == columns.end() ? nullptr : &it->second;
  }
};

// Parses `add.stats` (a JSON string: numRecords, minValues, maxValues, nullCount) against the
// table schema. Values of a type the schema does not give, or that fail to parse, are left out
// (statistics are hints). Errors: kCorruption only when `json` is not a JSON object.
Result<FileStats> ParseFileStats(std::string_view json, const batch::Schema& schema);

// The `add.stats` JSON for `batch` (numRecords, and minValues/maxValues/nullCount for the
// primitive columns, strings truncated to a prefix for min and dropped for max when longer than
// kMaxStatsStringBytes). Columns named in `skip` (partition columns) are left out.
std::string ComputeFileStatsJson(const batch::RecordBatch& batch,
                                 const std::vector<std::string>& skip = {});

inline constexpr size_t kMaxStatsStringBytes = 32;

}  // namespace keel::delta
