// JSON-lines (one JSON object per line) into a columnar batch.

#include <unordered_map>

#include "storage/csv/text_ingest_internal.h"

namespace keel::csv {

namespace {

const char* TypeName(json::Type t) {
  switch (t) {
    case json::Type::kNull:
      return "null";
    case json::Type::kBool:
      return "boolean";
    case json::Type::kInt:
    case json::Type::kDouble:
      return "number";
    case json::Type::kString:
      return "string";
    case json::Type::kArray:
      return "array";
    case json::Type::kObject:
      return "object";
  }
  return "value";
}

// Calls fn(line_number, object) for every non-blank line, stopping at the first error or after
// `max_lines` objects (-1: all).
template <typename Fn>
Status ForEachObject(std::string_view text, int64_t max_lines, Fn&& fn) {
  json::ParseOptions parse_options;
  parse_options.max_depth = kMaxJsonDepth;
  int64_t line = 0, seen = 0;
  size_t pos = 0;
  while (pos < text.size() && (max_lines < 0 || seen < max_lines)) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view s = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (s.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto v = json::Parse(s, parse_options);
    if (!v.ok()) {
      return Status::InvalidArgument("line " + std::to_string(line) + " is not valid JSON (" +
                                     v.status().message() + "); write one JSON object per line");
    }
    if (!v->is_object()) {
      return Status::InvalidArgument("line " + std::to_string(line) + " holds a JSON " +
                                     TypeName(v->type()) +
                                     ", not an object; write one JSON object per line");
    }
    ++seen;
    KEEL_RETURN_IF_ERROR(fn(line, *v));
  }
  return Status::OK();
}

}  // namespace

Result<batch::Schema> InferJsonLinesSchema(std::string_view text, const IngestOptions& options) {
  std::vector<std::string> names;
  std::vector<TypeGuess> guesses;
  std::unordered_map<std::string, size_t> index;
  KEEL_RETURN_IF_ERROR(
      ForEachObject(text, options.infer_rows, [&](int64_t, const json::Value& obj) -> Status {
        for (const auto& [key, value] : obj.as_object()) {
          auto [it, inserted] = index.try_emplace(key, names.size());
          if (inserted) {
            if (names.size() >= kMaxColumns) {
              return Status::LimitExceeded("the objects have more than " +
                                           std::to_string(kMaxColumns) + " distinct fields");
            }
            names.push_back(key);
            guesses.emplace_back();
          }
          guesses[it->second].ObserveJson(value);
        }
        return Status::OK();
      }));
  if (names.empty()) {
    return Status::InvalidArgument(
        "the file has no JSON objects with fields to infer a schema from; give a schema");
  }
  KEEL_RETURN_IF_ERROR(CheckColumnNames(names));
  batch::Schema schema;
  for (size_t j = 0; j < names.size(); ++j) {
    schema.fields.push_back({names[j], guesses[j].Result(), true});
  }
  return schema;
}

Result<batch::RecordBatch> ParseJsonLines(std::string_view text, const IngestOptions& options) {
  batch::Schema schema = options.schema;
  if (schema.fields.empty()) {
    KEEL_ASSIGN_OR_RETURN(schema, InferJsonLinesSchema(text, options));
  }
  std::unordered_map<std::string_view, size_t> field_index;
  for (size_t f = 0; f < schema.fields.size(); ++f) field_index[schema.fields[f].name] = f;
  batch::RecordBatch out = batch::RecordBatch::Make(schema);
  std::vector<const json::Value*> slots(schema.fields.size());
  const json::Value null_value;
  KEEL_RETURN_IF_ERROR(ForEachObject(text, -1, [&](int64_t line, const json::Value& obj) {
    std::fill(slots.begin(), slots.end(), &null_value);
    // Members the schema does not name are ignored, as Spark's JSON reader does.
    for (const auto& [key, value] : obj.as_object()) {
      auto it = field_index.find(key);
      if (it != field_index.end()) slots[it->second] = &value;
    }
    for (size_t f = 0; f < slots.size(); ++f) {
      const batch::Field& field = schema.fields[f];
      if (slots[f]->is_null() && !field.nullable) {
        return Status::InvalidArgument("line " + std::to_string(line) + ", column " +
                                       QuoteForMessage(field.name) +
                                       ": the value is missing but the column is not nullable");
      }
      if (!AppendJson(*slots[f], &out.columns[f])) {
        return Status::InvalidArgument(
            "line " + std::to_string(line) + ", column " + QuoteForMessage(field.name) + ": " +
            QuoteForMessage(slots[f]->Dump()) + " is not a valid " + field.type.ToString());
      }
    }
    ++out.num_rows;
    return Status::OK();
  }));
  return out;
}

}  // namespace keel::csv
