// Batches out as CSV or JSON-lines, and the format a file name implies.

#include <charconv>
#include <cmath>

#include "common/strings.h"
#include "storage/batch/value_format.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         EqualsIgnoringCase(s.substr(s.size() - suffix.size()), suffix);
}

// Appends value `i` of `c` as one CSV field. Integers and strings, the bulk of most tables, are
// written straight into `out`; other types go through value_format's text forms. An empty
// string is written "" so that it reads back as a string, not as null.
void AppendCsvField(const batch::Column& c, int64_t i, std::string* out) {
  if (!c.IsValid(i)) return;
  switch (c.type.id) {
    case batch::TypeId::kByte:
    case batch::TypeId::kShort:
    case batch::TypeId::kInt:
    case batch::TypeId::kLong: {
      char buf[24];
      int64_t v = c.type.id == batch::TypeId::kLong ? c.i64[i] : c.i32[i];
      out->append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
      return;
    }
    case batch::TypeId::kBoolean:
      out->append(c.bools[i] ? "true" : "false");
      return;
    case batch::TypeId::kDouble:
      if (std::isfinite(c.f64[i])) {
        char buf[32];
        out->append(buf, std::to_chars(buf, buf + sizeof(buf), c.f64[i]).ptr);
        return;
      }
      break;  // NaN and infinities: value_format spells them
    case batch::TypeId::kString: {
      std::string_view s = c.StringAt(i);
      if (s.empty()) {
        out->append("\"\"");
      } else if (s.find_first_of(",\"\r\n") != std::string_view::npos) {
        out->append(batch::QuoteCsv(s));
      } else {
        out->append(s);
      }
      return;
    }
    default:
      break;
  }
  std::string field = batch::ValueToCsvField(c, i);
  out->append(field.empty() ? "\"\"" : batch::QuoteCsv(field));
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
      AppendCsvField(batch.columns[k], r, &out);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace keel::csv
