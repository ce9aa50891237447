#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/batch/record_batch.h"
#include "storage/batch/row.h"

namespace keel::batch {

// Whole-column operations used by table scans and writes. All of them work on the storage
// vectors directly (no per-value Value boxing) so that they keep up with the Parquet codecs.

// Appends values [offset, offset + count) of `src` to `dst`. REQUIRES: same type, a valid range.
void AppendRange(const Column& src, int64_t offset, int64_t count, Column* dst);
// The rows of `src` whose `keep` byte is non-zero (keep.size() == src.length).
Column Filter(const Column& src, const std::vector<uint8_t>& keep);
RecordBatch Filter(const RecordBatch& src, const std::vector<uint8_t>& keep);
// The rows `rows` of `src`, in that order (indices valid).
Column Take(const Column& src, const std::vector<int64_t>& rows);
RecordBatch Take(const RecordBatch& src, const std::vector<int64_t>& rows);
// Rows [offset, offset + count) of `src`.
RecordBatch Slice(const RecordBatch& src, int64_t offset, int64_t count);
// `length` copies of `value` (a null Value gives an all-null column). kInvalidParameterValue when
// the value does not fit the type.
Result<Column> MakeConstant(const DataType& type, const Value& value, int64_t length);
// Appends every batch to *dst; all must have dst->schema.
void AppendBatch(const RecordBatch& src, RecordBatch* dst);

}  // namespace keel::batch
