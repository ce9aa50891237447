#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "storage/batch/record_batch.h"

namespace keel::ml {

// The feature columns of a batch converted to doubles, column by column, in the model's feature
// order: what models read. A plain value type.
struct FeatureMatrix {
  int64_t num_rows = 0;
  // columns[feature_idx][row_idx]; one vector of num_rows values per feature.
  std::vector<std::vector<double>> columns;
};

// Finds each of `feature_names` in `input` by exact name and converts it to doubles (longs
// beyond 2^53 lose precision, as they do in pandas).
// Errors: kInvalidParameterValue for a missing column (naming it and the model's features), a
// column that is not byte, short, int, long, float or double (naming its type), or a null
// (naming the column and the row); kInternalError for a malformed batch.
Result<FeatureMatrix> ExtractFeatures(const batch::RecordBatch& input,
                                      const std::vector<std::string>& feature_names);

}  // namespace keel::ml
