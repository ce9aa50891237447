// TableService: writes given as CSV or JSON-lines text (`keel tables write|ingest`,
// POST /api/2.0/keel/tables/{name}/rows).

#include <limits>

#include "catalog/names.h"
#include "catalog/table_service.h"

namespace keel::catalog {

namespace {

std::string ColumnList(const batch::Schema& schema) {
  std::string out;
  for (const auto& f : schema.fields) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// Parses `text` for a table with `table_schema`: the text's columns (matched by name) take the
// table's types; columns the table lacks are refused unless `merge_schema`, when they keep
// their inferred types (Delta then adds them).
Result<batch::RecordBatch> ParseForTable(std::string_view text, csv::TextFormat format,
                                         const batch::Schema& table_schema, bool merge_schema,
                                         const std::string& table_name) {
  csv::IngestOptions options;
  options.format = format;
  // Every row, so that a column first seen late in JSON-lines is not missed.
  options.infer_rows = std::numeric_limits<int64_t>::max();
  KEEL_ASSIGN_OR_RETURN(batch::Schema found, csv::InferSchema(text, options));
  if (found.fields.empty()) {
    return Status::InvalidArgument("the data for table '" + table_name + "' has no columns");
  }
  batch::Schema read_as;
  for (const batch::Field& f : found.fields) {
    auto idx = table_schema.FieldIndex(f.name);
    if (idx) {
      // Nullable here: Delta refuses nulls in non-nullable columns with a clearer message.
      read_as.fields.push_back({f.name, table_schema.fields[*idx].type, true});
    } else if (merge_schema) {
      read_as.fields.push_back(f);
    } else {
      return Status::InvalidArgument(
          "column '" + f.name.substr(0, 64) + "' of the data is not in table '" + table_name +
          "' (its columns are " + ColumnList(table_schema) +
          "); rename it, or add it to the table with merge_schema (--merge-schema)");
    }
  }
  options.schema = std::move(read_as);
  return csv::ParseText(text, options);
}

}  // namespace

Result<delta::CommitResult> TableService::WriteText(const Principal& caller,
                                                    std::string_view full_name,
                                                    std::string_view text,
                                                    const TextWriteRequest& request) {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  KEEL_ASSIGN_OR_RETURN(auto snapshot, o.table.Load());
  KEEL_ASSIGN_OR_RETURN(batch::RecordBatch data,
                        ParseForTable(text, request.format, snapshot->schema(),
                                      request.write.merge_schema, o.securable.full_name));
  return Wrote(caller, o.securable, o.table.Write(data, request.write));
}

Result<delta::CommitResult> TableService::MergeText(const Principal& caller,
                                                    std::string_view full_name,
                                                    std::string_view text, csv::TextFormat format,
                                                    const delta::MergeOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Opened o, OpenFor(caller, full_name, Privilege::kModify));
  KEEL_ASSIGN_OR_RETURN(auto snapshot, o.table.Load());
  KEEL_ASSIGN_OR_RETURN(batch::RecordBatch data,
                        ParseForTable(text, format, snapshot->schema(), false,
                                      o.securable.full_name));
  return Wrote(caller, o.securable, o.table.Merge(data, options));
}

Result<IngestResult> TableService::Ingest(const Principal& caller, std::string_view full_name,
                                          std::string_view text, const IngestRequest& request) {
  KEEL_RETURN_IF_ERROR(SplitFullName(full_name, 3, "table").status());
  IngestResult result;
  auto existing = catalog_->GetSecurable(caller, SecurableType::kTable, full_name);
  if (existing.ok() || existing.status().code() != ErrorCode::kResourceDoesNotExist) {
    KEEL_RETURN_IF_ERROR(existing.status());
    TextWriteRequest write;
    write.format = request.format;
    write.write.mode = request.mode;
    KEEL_ASSIGN_OR_RETURN(result.commit, WriteText(caller, full_name, text, write));
    return result;
  }

  // A new table: parse everything first, so that bad data creates nothing.
  csv::IngestOptions options;
  options.format = request.format;
  options.schema = request.schema;
  KEEL_ASSIGN_OR_RETURN(batch::RecordBatch data, csv::ParseText(text, options));
  CreateTableRequest create;
  create.full_name = std::string(full_name);
  create.schema = data.schema;
  create.partition_columns = request.partition_columns;
  auto made = CreateTable(caller, create);
  if (!made.ok() && made.status().code() == ErrorCode::kResourceAlreadyExists) {
    // Another ingest created it first: append to (or overwrite) that table instead.
    delta::WriteOptions write;
    write.mode = request.mode;
    KEEL_ASSIGN_OR_RETURN(result.commit, Write(caller, full_name, data, write));
    return result;
  }
  KEEL_RETURN_IF_ERROR(made.status());
  auto written = Write(caller, made->securable.full_name, data, {});
  if (!written.ok()) {
    // The table was made for this data; without it, it must not stay behind.
    (void)DropTable(caller, made->securable.full_name);
    return written.status();
  }
  result.created = true;
  result.commit = *written;
  return result;
}

}  // namespace keel::catalog
