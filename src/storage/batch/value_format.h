#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/batch/column.h"
#include "storage/batch/record_batch.h"

namespace keel::batch {

// The stable text forms of values (the `keel parquet cat` contract, used by every layer that
// shows table data):
//   integers and floats as JSON numbers, NaN/Infinity/-Infinity as the strings "NaN",
//   "Infinity", "-Infinity"; strings as strings; binary as base64; dates YYYY-MM-DD;
//   timestamps 2024-01-02T03:04:05.123456Z (timestamp_ntz without the Z); decimals as strings
//   with their scale ("-12.50"); structs as objects; arrays as arrays; maps as objects when
//   the keys are strings, else arrays of {"key": k, "value": v}; null as null.

// Appends value `i` of `column` as JSON to *out.
void AppendValueJson(const Column& column, int64_t i, std::string* out);
// Row `row` of `batch` as one JSON object, keys = column names in schema order.
std::string RowToJson(const RecordBatch& batch, int64_t row);
// Value `i` for a CSV cell (unquoted): scalars in the forms above without JSON quoting,
// nested values as their JSON text, null as the empty string.
std::string ValueToCsvField(const Column& column, int64_t i);
// Quotes a CSV field when it holds a comma, quote, CR or LF (RFC 4180).
std::string QuoteCsv(std::string_view field);

// Helpers exposed for other formatters.
std::string FormatDate(int32_t days);
std::string FormatTimestampMicros(int64_t micros, bool utc);
std::string FormatDecimal(Int128 unscaled, int scale);

}  // namespace keel::batch
