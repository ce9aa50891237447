// Managed tables: Unity Catalog's /api/2.1/unity-catalog/tables and Keel's data extension
// /api/2.0/keel/tables/{full_name}/rows|history.

#include <algorithm>

#include "catalog/names.h"
#include "catalog/table_service.h"
#include "server/handlers/handlers.h"
#include "server/handlers/render.h"
#include "server/handlers/table_render.h"

namespace keel::server::handlers {

namespace {

// Rows a GET .../rows returns without a limit, and the most it returns with one.
constexpr int64_t kDefaultRowsPerRead = 1000;
constexpr int64_t kMaxRowsPerRead = 100000;
// Rows a POST .../rows may carry.
constexpr size_t kMaxRowsPerWrite = 100000;

Result<catalog::TableService*> Tables(Services& services) {
  if (services.tables == nullptr) {
    return Status::NotImplemented("managed tables are not enabled on this server");
  }
  return services.tables;
}

// One UC ColumnInfo of a create request.
struct RequestColumn {
  batch::Field field;
  std::optional<int64_t> position;
  std::optional<int64_t> partition_index;
};

Result<RequestColumn> ReadColumn(const json::Value& item, size_t index) {
  std::string what = "columns[" + std::to_string(index) + "]";
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(item, what));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"name", "type_name", "type_text", "type_json",
                                        "type_precision", "type_scale", "type_interval_type",
                                        "position", "nullable", "partition_index", "comment"}));
  KEEL_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  KEEL_ASSIGN_OR_RETURN(auto type_name, f.OptionalString("type_name"));
  KEEL_ASSIGN_OR_RETURN(auto type_text, f.OptionalString("type_text"));
  KEEL_ASSIGN_OR_RETURN(auto type_json, f.OptionalString("type_json"));
  KEEL_ASSIGN_OR_RETURN(auto precision, f.OptionalInt("type_precision"));
  KEEL_ASSIGN_OR_RETURN(auto scale, f.OptionalInt("type_scale"));
  KEEL_ASSIGN_OR_RETURN(auto nullable, f.OptionalBool("nullable"));
  KEEL_ASSIGN_OR_RETURN(auto comment, f.OptionalString("comment"));
  RequestColumn c;
  KEEL_ASSIGN_OR_RETURN(c.position, f.OptionalInt("position"));
  KEEL_ASSIGN_OR_RETURN(c.partition_index, f.OptionalInt("partition_index"));
  std::string name_type = type_name.value_or("");
  if (precision && !type_text && !type_json) {
    // UC sends DECIMAL with type_precision/type_scale.
    name_type += "(" + std::to_string(*precision) + "," + std::to_string(scale.value_or(0)) + ")";
  }
  KEEL_ASSIGN_OR_RETURN(
      c.field, catalog::ParseColumn(name, type_json.value_or(""), type_text.value_or(""), name_type,
                                    nullable.value_or(true)));
  (void)comment;
  return c;
}

// The columns of a create request in position order, and the partition columns in
// partition_index order.
Status ReadColumns(const json::FieldReader& f, catalog::CreateTableRequest* req) {
  const json::Value* columns = f.Get("columns");
  if (columns == nullptr || !columns->is_array() || columns->size() == 0) {
    return Status::InvalidArgument(
        "field 'columns' must be a non-empty array of ColumnInfo "
        "objects ({name, type_name, type_text, type_json, ...})");
  }
  std::vector<RequestColumn> read;
  for (size_t i = 0; i < columns->size(); ++i) {
    KEEL_ASSIGN_OR_RETURN(RequestColumn c, ReadColumn(columns->as_array()[i], i));
    read.push_back(std::move(c));
  }
  bool any_position = std::any_of(read.begin(), read.end(), [](auto& c) { return c.position; });
  if (any_position) {
    std::vector<bool> seen(read.size());
    for (const auto& c : read) {
      if (!c.position || *c.position < 0 || *c.position >= static_cast<int64_t>(read.size()) ||
          seen[*c.position]) {
        return Status::InvalidArgument("column positions must be 0.." +
                                       std::to_string(read.size() - 1) +
                                       ", each once (or leave them all out)");
      }
      seen[*c.position] = true;
    }
    std::sort(read.begin(), read.end(),
              [](const auto& a, const auto& b) { return *a.position < *b.position; });
  }
  std::vector<std::pair<int64_t, std::string>> partitions;
  for (auto& c : read) {
    if (c.partition_index) {
      if (*c.partition_index < 0) {
        return Status::InvalidArgument("partition_index must not be negative");
      }
      partitions.emplace_back(*c.partition_index, c.field.name);
    }
    req->schema.fields.push_back(std::move(c.field));
  }
  std::sort(partitions.begin(), partitions.end());
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (partitions[i].first != static_cast<int64_t>(i)) {
      return Status::InvalidArgument("partition_index values must be 0.." +
                                     std::to_string(partitions.size() - 1) + ", each once");
    }
    req->partition_columns.push_back(partitions[i].second);
  }
  return Status::OK();
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = std::min(s.find(',', start), s.size());
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<http::Response> CreateTable(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(
      f.RejectUnknown({"name", "catalog_name", "schema_name", "table_type", "data_source_format",
                       "columns", "comment", "properties", "storage_location"}));
  KEEL_ASSIGN_OR_RETURN(std::string name, f.RequiredString("name"));
  KEEL_ASSIGN_OR_RETURN(std::string catalog_name, f.RequiredString("catalog_name"));
  KEEL_ASSIGN_OR_RETURN(std::string schema_name, f.RequiredString("schema_name"));
  KEEL_ASSIGN_OR_RETURN(auto table_type, f.OptionalString("table_type"));
  KEEL_ASSIGN_OR_RETURN(auto format, f.OptionalString("data_source_format"));
  KEEL_ASSIGN_OR_RETURN(auto location, f.OptionalString("storage_location"));
  KEEL_ASSIGN_OR_RETURN(auto comment, f.OptionalString("comment"));
  if (table_type && *table_type != "MANAGED") {
    return Status::InvalidArgument(
        "table_type must be MANAGED (external tables and views are "
        "not supported)");
  }
  if (format && *format != "DELTA") {
    return Status::InvalidArgument("data_source_format must be DELTA");
  }
  if (location && !location->empty()) {
    return Status::InvalidArgument(
        "storage_location must not be given: Keel places managed "
        "tables itself");
  }
  // Validated here only so that "a.b" + "." + "c" cannot form another full name.
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(catalog_name, "catalog"));
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(schema_name, "schema"));
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(name, "table"));
  catalog::CreateTableRequest req;
  req.full_name = catalog_name + "." + schema_name + "." + name;
  req.comment = comment.value_or("");
  KEEL_ASSIGN_OR_RETURN(req.properties, ReadProperties(f));
  KEEL_RETURN_IF_ERROR(ReadColumns(f, &req));
  KEEL_ASSIGN_OR_RETURN(catalog::TableInfo info, tables->CreateTable(ctx.caller(), req));
  return http::Response::Json(200, RenderTableInfo(info));
}

Result<http::Response> GetTable(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  KEEL_ASSIGN_OR_RETURN(auto at, catalog::ParseTimeTravel(ctx.Query("version").value_or(""),
                                                          ctx.Query("timestamp").value_or("")));
  KEEL_ASSIGN_OR_RETURN(catalog::TableInfo info,
                        tables->DescribeTable(ctx.caller(), ctx.PathParam("full_name"), at));
  return http::Response::Json(200, RenderTableInfo(info));
}

Result<http::Response> ListTables(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  auto catalog_name = ctx.Query("catalog_name");
  auto schema_name = ctx.Query("schema_name");
  if (!catalog_name || !schema_name) {
    return Status::InvalidArgument(
        "missing required parameters 'catalog_name' and "
        "'schema_name'");
  }
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(*catalog_name, "catalog"));
  KEEL_RETURN_IF_ERROR(catalog::ValidateObjectName(*schema_name, "schema"));
  KEEL_ASSIGN_OR_RETURN(int64_t max_results, ctx.QueryInt("max_results", 0));
  KEEL_ASSIGN_OR_RETURN(catalog::TablePage page,
                        tables->ListTables(ctx.caller(), *catalog_name + "." + *schema_name,
                                           max_results, ctx.Query("page_token").value_or("")));
  json::Value list = json::Value::MakeArray();
  for (const auto& t : page.tables) list.Append(RenderTableInfo(t));
  json::Value body;
  body.Set("tables", std::move(list));
  if (!page.next_page_token.empty()) body.Set("next_page_token", page.next_page_token);
  return http::Response::Json(200, body);
}

Result<http::Response> DeleteTable(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  KEEL_RETURN_IF_ERROR(tables->DropTable(ctx.caller(), ctx.PathParam("full_name")));
  return http::Response::Json(200, json::Value::MakeObject());
}

Result<http::Response> ReadTableRows(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  KEEL_ASSIGN_OR_RETURN(auto at, catalog::ParseTimeTravel(ctx.Query("version").value_or(""),
                                                          ctx.Query("timestamp").value_or("")));
  KEEL_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", kDefaultRowsPerRead));
  if (limit > kMaxRowsPerRead) {
    return Status::InvalidArgument("limit may be at most " + std::to_string(kMaxRowsPerRead) +
                                   "; page with 'where' or read with 'keel tables read'");
  }
  delta::ScanOptions scan;
  scan.columns = SplitCommas(ctx.Query("columns").value_or(""));
  scan.filter = ctx.Query("where").value_or("");
  scan.limit = limit + 1;  // one more, to tell whether rows were left out
  KEEL_ASSIGN_OR_RETURN(catalog::TableRows rows,
                        tables->Read(ctx.caller(), ctx.PathParam("full_name"), scan, at));
  return http::Response::Json(200, RenderTableRows(rows, limit));
}

Result<http::Response> WriteTableRows(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"rows", "mode", "merge_schema", "replace_where"}));
  KEEL_ASSIGN_OR_RETURN(auto mode, f.OptionalString("mode"));
  KEEL_ASSIGN_OR_RETURN(auto merge_schema, f.OptionalBool("merge_schema"));
  KEEL_ASSIGN_OR_RETURN(auto replace_where, f.OptionalString("replace_where"));
  catalog::TextWriteRequest req;
  req.format = csv::TextFormat::kJsonLines;
  if (!mode || *mode == "append") {
    req.write.mode = delta::WriteMode::kAppend;
  } else if (*mode == "overwrite") {
    req.write.mode = delta::WriteMode::kOverwrite;
  } else {
    return Status::InvalidArgument("mode must be 'append' or 'overwrite'");
  }
  req.write.merge_schema = merge_schema.value_or(false);
  req.write.replace_where = replace_where.value_or("");
  const json::Value* rows = f.Get("rows");
  if (rows == nullptr || !rows->is_array() || rows->size() == 0) {
    return Status::InvalidArgument("field 'rows' must be a non-empty array of objects");
  }
  if (rows->size() > kMaxRowsPerWrite) {
    return Status::LimitExceeded("at most " + std::to_string(kMaxRowsPerWrite) +
                                 " rows per request; split the write");
  }
  // The rows go through the same JSON-lines parser as `keel tables write --from x.jsonl`.
  std::string text;
  for (size_t i = 0; i < rows->size(); ++i) {
    const json::Value& row = rows->as_array()[i];
    if (!row.is_object()) {
      return Status::InvalidArgument("rows[" + std::to_string(i) + "] must be an object");
    }
    text += row.Dump();
    text += '\n';
  }
  KEEL_ASSIGN_OR_RETURN(delta::CommitResult result,
                        tables->WriteText(ctx.caller(), ctx.PathParam("full_name"), text, req));
  return http::Response::Json(200, RenderCommitResult(result));
}

Result<http::Response> GetTableHistory(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(catalog::TableService * tables, Tables(services));
  KEEL_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 0));
  KEEL_ASSIGN_OR_RETURN(auto history,
                        tables->History(ctx.caller(), ctx.PathParam("full_name"), limit));
  json::Value list = json::Value::MakeArray();
  for (const auto& c : history) list.Append(RenderCommitRecord(c));
  json::Value body;
  body.Set("history", std::move(list));
  return http::Response::Json(200, body);
}

}  // namespace keel::server::handlers
