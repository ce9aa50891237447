#pragma once

// Private to storage/csv: the pieces text_ingest.h's functions are built from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "storage/batch/column.h"
#include "storage/batch/data_type.h"
#include "storage/batch/record_batch.h"
#include "storage/batch/row.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {

// Most columns a file may have; wider headers are refused before any column is allocated.
inline constexpr size_t kMaxColumns = 10000;
// Deepest JSON nesting a JSON-lines value may have (arrays and objects inside one line).
inline constexpr size_t kMaxJsonDepth = batch::kMaxTypeDepth;
// Longest cell text quoted back in an error message.
inline constexpr size_t kMaxQuotedValueBytes = 80;

// ---- utf8.cc -------------------------------------------------------------------------------
// kInvalidParameterValue naming the line of the first byte that is not UTF-8.
Status ValidateUtf8(std::string_view text);

// ---- cell_parse.cc -------------------------------------------------------------------------
// The scalar text forms: integers and floats as std::from_chars reads them (a leading '+'
// allowed; NaN and Infinity spelled either way), booleans true/false in any case.
bool ParseInt64Text(std::string_view text, int64_t* out);
bool ParseDoubleText(std::string_view text, double* out);
bool ParseBoolText(std::string_view text, bool* out);
// Appends the text form of one scalar value (value_format.h forms, booleans case-insensitive,
// binary as base64) to `column`. False when the text does not fit the type; the caller names
// line, column and value. Nested types take their JSON text.
bool AppendCell(std::string_view text, batch::Column* column);
// Appends a JSON value; false when it does not fit the column's type.
bool AppendJson(const json::Value& value, batch::Column* column);
// `text` shortened for an error message, quoted.
std::string QuoteForMessage(std::string_view text);

// ---- schema_inference.cc -------------------------------------------------------------------
// The type of one column while rows are being looked at: which of the scalar types every value
// seen so far fits, or the shape of nested JSON values.
class TypeGuess {
 public:
  // A CSV cell or a JSON string (never null or empty; callers skip those).
  void ObserveText(std::string_view text);
  // A JSON value (null is ignored). `depth` counts the enclosing arrays and objects.
  void ObserveJson(const json::Value& value, int depth = 0);
  // The narrowest type that fits every observed value; string when nothing was observed.
  batch::DataType Result() const;

 private:
  enum Candidate : uint8_t {
    kBoolean = 1,
    kLong = 2,
    kDouble = 4,
    kDate = 8,
    kTimestamp = 16,
  };
  enum class Shape { kUnknown, kScalar, kArray, kStruct, kString };
  void SetShape(Shape shape);

  Shape shape_ = Shape::kUnknown;
  uint8_t candidates_ = kBoolean | kLong | kDouble | kDate | kTimestamp;
  std::vector<TypeGuess> element_;                         // kArray: one guess for every element
  std::vector<std::pair<std::string, TypeGuess>> fields_;  // kStruct, in order of first sight
};

// Checks the column names of a file or schema: none empty, none repeated.
Status CheckColumnNames(const std::vector<std::string>& names);

// ---- csv_parser.cc / jsonl_parser.cc -------------------------------------------------------
// The format-specific halves of ParseText and InferSchema; `text` is already checked for size
// and UTF-8.
Result<batch::RecordBatch> ParseCsv(std::string_view text, const IngestOptions& options);
Result<batch::Schema> InferCsvSchema(std::string_view text, const IngestOptions& options);
Result<batch::RecordBatch> ParseJsonLines(std::string_view text, const IngestOptions& options);
Result<batch::Schema> InferJsonLinesSchema(std::string_view text, const IngestOptions& options);

}  // namespace keel::csv
