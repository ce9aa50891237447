#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "ml/train/training_spec.h"
#include "storage/batch/record_batch.h"

// Splitting a table's rows into train / validation / test, reproducibly: the same rows, spec and
// seed always give the same split (Keel's own shuffle, not the standard library's, whose
// algorithm may differ between builds).
namespace keel::ml {

struct RowSplit {
  // Row indices into the table, ascending within each part.
  std::vector<int64_t> train, validation, test;
};

// Random split by split.train/validation/test (each part gets round(n * fraction) rows, train
// the rest); with `classes` (one class index per row) and split.stratify, each class is split
// in those proportions. With split.time_column, rows are ordered by that column (numeric, date
// or timestamp, no nulls; ties keep table order) and cut in that order, oldest into train.
// Errors (kInvalidParameterValue): a missing or unusable time column, a train part left empty.
Result<RowSplit> SplitRows(const batch::RecordBatch& data, const SplitSpec& split,
                           const std::vector<double>* classes);

// A permutation of 0..n-1 from `seed` (Fisher-Yates over SplitMix64).
std::vector<int64_t> ShuffledIndices(int64_t n, uint64_t seed);

}  // namespace keel::ml
