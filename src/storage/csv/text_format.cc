// Batches out as CSV or JSON-lines, and the format a file name implies.

#include "storage/batch/value_format.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<TextFormat> FormatFromFileName(std::string_view name) {
  if (EndsWith(name, ".csv") || EndsWith(name, ".tsv")) return TextFormat::kCsv;
  if (EndsWith(name, ".json") || EndsWith(name, ".jsonl") || EndsWith(name, ".ndjson")) {
    return TextFormat::kJsonLines;
  }
  return std::nullopt;
}

std::string FormatText(const batch::RecordBatch& batch, TextFormat format) {
  std::string out;
  if (format == TextFormat::kJsonLines) {
    for (int64_t r = 0; r < batch.num_rows; ++r) {
      out += batch::RowToJson(batch, r);
      out.push_back('\n');
    }
    return out;
  }
  for (size_t k = 0; k < batch.schema.fields.size(); ++k) {
    if (k) out.push_back(',');
    out += batch::QuoteCsv(batch.schema.fields[k].name);
  }
  out.push_back('\n');
  for (int64_t r = 0; r < batch.num_rows; ++r) {
    for (size_t k = 0; k < batch.columns.size(); ++k) {
      if (k) out.push_back(',');
      // An empty string is written "" so that it reads back as a string, not as null.
      const batch::Column& c = batch.columns[k];
      std::string field = batch::ValueToCsvField(c, r);
      if (field.empty() && c.IsValid(r)) {
        out += "\"\"";
      } else {
        out += batch::QuoteCsv(field);
      }
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace keel::csv
