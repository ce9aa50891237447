#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/batch/data_type.h"
#include "storage/batch/record_batch.h"

namespace keel::csv {

// Reading CSV and JSON-lines files into record batches (`keel tables ingest`), with schema
// inference, and writing batches back out as CSV or JSON-lines (`keel tables read --format`).

enum class TextFormat { kCsv, kJsonLines };

struct IngestOptions {
  TextFormat format = TextFormat::kCsv;
  // The schema to read with; empty (no fields): infer one from the first `infer_rows` rows.
  // Inference picks, per column, the narrowest of boolean, long, double, date, timestamp,
  // string that fits every non-empty value; JSON-lines also infers arrays and objects as
  // array<...> / struct<...>; all inferred columns are nullable.
  batch::Schema schema;
  int64_t infer_rows = 10000;
  // CSV: the first line names the columns (default), else columns are _c0, _c1, ...
  bool header = true;
  char delimiter = ',';
  // CSV cells equal to this are null (besides empty unquoted cells).
  std::string null_value;
  // Refuse files larger than this (bytes).
  int64_t max_bytes = int64_t{4} << 30;
};

// Parses `text` (the whole file). CSV follows RFC 4180 (quoted fields with "" escapes, CRLF or
// LF, quoted newlines); a row with the wrong number of cells, a value that does not fit the
// schema (naming line, column and value), invalid UTF-8, duplicate or empty column names, and
// JSON that is not one object per line are kInvalidParameterValue. Values use the text forms of
// storage/batch/value_format.h (dates YYYY-MM-DD, timestamps ISO-8601, decimals as text).
Result<batch::RecordBatch> ParseText(std::string_view text, const IngestOptions& options);

// Infers a schema only (same rules as ParseText).
Result<batch::Schema> InferSchema(std::string_view text, const IngestOptions& options);

// The format a file name implies: .csv/.tsv -> CSV (tab delimiter for .tsv), .json/.jsonl/
// .ndjson -> JSON-lines; nullopt otherwise.
std::optional<TextFormat> FormatFromFileName(std::string_view name);

// Writes `batch` as CSV (header line, RFC 4180 quoting, value_format forms) or JSON-lines (one
// object per row, the `keel parquet cat` contract).
std::string FormatText(const batch::RecordBatch& batch, TextFormat format);

}  // namespace keel::csv
