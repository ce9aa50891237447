// ParseText and InferSchema: the checks every format shares, then the format's own reader.

#include "storage/csv/text_ingest.h"

#include "storage/csv/text_ingest_internal.h"

namespace keel::csv {

namespace {

Status CheckText(std::string_view text, const IngestOptions& options) {
  if (static_cast<int64_t>(text.size()) > options.max_bytes) {
    return Status::LimitExceeded(
        "the file has " + std::to_string(text.size()) + " bytes, more than the limit of " +
        std::to_string(options.max_bytes) + "; split it into smaller files");
  }
  if (options.format == TextFormat::kCsv &&
      (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')) {
    return Status::InvalidArgument("the CSV delimiter cannot be a quote or a line break");
  }
  if (!options.schema.fields.empty()) {
    std::vector<std::string> names;
    for (const auto& f : options.schema.fields) names.push_back(f.name);
    KEEL_RETURN_IF_ERROR(CheckColumnNames(names));
  }
  return ValidateUtf8(text);
}

// A byte-order mark is not part of the first column's name.
std::string_view WithoutBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

}  // namespace

Result<batch::RecordBatch> ParseText(std::string_view text, const IngestOptions& options) {
  KEEL_RETURN_IF_ERROR(CheckText(text, options));
  text = WithoutBom(text);
  if (options.format == TextFormat::kJsonLines) return ParseJsonLines(text, options);
  return ParseCsv(text, options);
}

Result<batch::Schema> InferSchema(std::string_view text, const IngestOptions& options) {
  KEEL_RETURN_IF_ERROR(CheckText(text, options));
  text = WithoutBom(text);
  if (options.format == TextFormat::kJsonLines) return InferJsonLinesSchema(text, options);
  return InferCsvSchema(text, options);
}

}  // namespace keel::csv
