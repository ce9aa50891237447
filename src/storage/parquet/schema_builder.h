#pragma once

#include <vector>

#include "common/result.h"
#include "storage/batch/data_type.h"
#include "storage/parquet/format.h"

namespace keel::parquet {

// The Parquet schema elements (depth first, root first) the writer uses for `schema`:
//   byte/short -> INT32 with INT(8|16); date -> INT32 DATE; timestamp -> INT64
//   TIMESTAMP(UTC, MICROS) (+ TIMESTAMP_MICROS); timestamp_ntz -> INT64 TIMESTAMP(local,
//   MICROS); decimal(p,s) -> INT32 (p <= 9), INT64 (p <= 18), else FIXED_LEN_BYTE_ARRAY of the
//   fewest bytes; string -> BYTE_ARRAY STRING (+ UTF8); array -> 3-level LIST (list/element);
//   map -> MAP with a repeated key_value group (key required).
// Error kInvalidParameterValue for an empty schema, bad decimal or too deep nesting.
Result<std::vector<SchemaElement>> BuildParquetSchema(const batch::Schema& schema);

// Bytes of the FIXED_LEN_BYTE_ARRAY that holds decimals of `precision` digits.
int32_t DecimalBytesForPrecision(int precision);

}  // namespace keel::parquet
