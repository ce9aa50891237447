#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/batch/row.h"
#include "storage/parquet/file_reader.h"

namespace keel::parquet {

// Rows where `column` (a top-level primitive field) lies in [lower, upper]; an absent bound is
// open. Bounds are row Values of the column's kind (int64 for integers, dates and timestamps in
// micros, float/double, string bytes, Int128 unscaled decimals); integers and floats may be
// mixed.
struct ColumnRange {
  std::string column;
  std::optional<batch::Value> lower;
  std::optional<batch::Value> upper;
};

// Row-group skipping: the indices of the row groups of `reader` that may hold rows matching
// every range, judged by the column chunk statistics (min_value/max_value in the type-defined
// order, legacy min/max only for signed numeric columns, null_count for all-null chunks). A
// group without usable statistics is kept. Pass the result to FileReader::ReadRowGroups.
// Errors: kInvalidParameterValue for an unknown or nested column, or a bound of another kind.
Result<std::vector<int>> SelectRowGroups(const FileReader& reader,
                                         const std::vector<ColumnRange>& ranges);

}  // namespace keel::parquet
