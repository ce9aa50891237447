#include "server/handlers/table_render.h"

#include "storage/batch/value_format.h"
#include "storage/delta/schema_json.h"

namespace keel::server::handlers {

namespace {

json::Value RenderColumn(const catalog::ColumnInfo& c) {
  json::Value v;
  v.Set("name", c.name);
  v.Set("type_text", c.type_text);
  v.Set("type_name", c.type_name);
  v.Set("type_json", c.type_json);
  if (c.type_name == "DECIMAL") {
    v.Set("type_precision", c.type_precision);
    v.Set("type_scale", c.type_scale);
  }
  v.Set("position", c.position);
  v.Set("nullable", c.nullable);
  if (c.partition_index) v.Set("partition_index", *c.partition_index);
  return v;
}

json::Value StringMap(const std::map<std::string, std::string>& m) {
  json::Value out = json::Value::MakeObject();
  for (const auto& [k, v] : m) out.Set(k, v);
  return out;
}

json::Value SchemaObject(const std::string& schema_json) {
  auto parsed = json::Parse(schema_json);
  return parsed.ok() ? std::move(*parsed) : json::Value(schema_json);
}

}  // namespace

json::Value RenderTableInfo(const catalog::TableInfo& t) {
  const catalog::SecurableInfo& s = t.securable;
  json::Value v;
  v.Set("name", s.name);
  v.Set("catalog_name", t.catalog_name);
  v.Set("schema_name", t.schema_name);
  v.Set("full_name", s.full_name);
  v.Set("table_type", "MANAGED");
  v.Set("data_source_format", "DELTA");
  json::Value columns = json::Value::MakeArray();
  for (const auto& c : t.columns) columns.Append(RenderColumn(c));
  v.Set("columns", std::move(columns));
  v.Set("storage_location", s.storage_location);
  v.Set("owner", s.owner);
  if (!s.comment.empty()) v.Set("comment", s.comment);
  v.Set("properties", StringMap(s.properties));
  v.Set("created_at", s.created_at);
  v.Set("created_by", s.created_by);
  v.Set("updated_at", s.updated_at);
  v.Set("updated_by", s.updated_by);
  v.Set("table_id", s.id);
  if (t.version < 0) return v;  // the Delta log could not be read (see ListTables)
  v.Set("version", t.version);
  v.Set("version_timestamp", t.version_timestamp_ms);
  v.Set("schema", SchemaObject(t.schema_json));
  json::Value partitions = json::Value::MakeArray();
  for (const auto& p : t.partition_columns) partitions.Append(p);
  v.Set("partition_columns", std::move(partitions));
  v.Set("num_files", t.num_files);
  v.Set("num_records", t.num_records ? json::Value(*t.num_records) : json::Value());
  v.Set("min_reader_version", t.min_reader_version);
  v.Set("min_writer_version", t.min_writer_version);
  v.Set("delta_properties", StringMap(t.delta_properties));
  return v;
}

json::Value RenderTableRows(const catalog::TableRows& rows, int64_t max_rows) {
  json::Value v;
  v.Set("schema", SchemaObject(delta::SchemaToString(rows.rows.schema)));
  json::Value list = json::Value::MakeArray();
  int64_t n = rows.rows.num_rows;
  if (max_rows >= 0 && n > max_rows) n = max_rows;
  for (int64_t i = 0; i < n; ++i) {
    auto row = json::Parse(batch::RowToJson(rows.rows, i));
    list.Append(row.ok() ? std::move(*row) : json::Value());
  }
  v.Set("rows", std::move(list));
  v.Set("version", rows.version);
  if (n < rows.rows.num_rows) v.Set("truncated", true);
  return v;
}

json::Value RenderCommitRecord(const delta::CommitRecord& c) {
  json::Value v;
  v.Set("version", c.version);
  v.Set("timestamp", c.timestamp_ms);
  v.Set("operation", c.operation);
  const json::Value* params =
      c.commit_info.is_object() ? c.commit_info.Find("operationParameters") : nullptr;
  v.Set("operation_parameters", params ? *params : json::Value::MakeObject());
  v.Set("commit_info", c.commit_info);
  return v;
}

json::Value RenderCommitResult(const delta::CommitResult& c) {
  json::Value v;
  v.Set("version", c.version);
  v.Set("skipped", c.skipped);
  v.Set("rows_written", c.rows_written);
  v.Set("rows_affected", c.rows_affected);
  v.Set("files_added", c.files_added);
  v.Set("files_removed", c.files_removed);
  return v;
}

}  // namespace keel::server::handlers
