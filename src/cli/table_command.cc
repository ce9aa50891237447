// keel tables: managed Delta tables in the catalog (same service and grants as the REST API).

#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/workspace.h"
#include "common/clock.h"
#include "common/fs/file_system.h"
#include "server/handlers/table_render.h"
#include "storage/delta/schema_json.h"

namespace keel::cli {

namespace {

using server::handlers::RenderCommitResult;
using server::handlers::RenderTableInfo;

constexpr std::string_view kUsage =
    "usage: keel tables create|list|describe|history|read|write|ingest|delete|update|merge|restore|"
    "vacuum ...\n"
    "  create CAT.SCH.TBL --schema 'id long, name string' | --schema-json FILE\n"
    "         [--partition-by a,b] [--property k=v]... [--comment C]\n"
    "  list CAT.SCH\n"
    "  describe NAME [--version N | --timestamp ISO]\n"
    "  history NAME [--limit N]\n"
    "  read NAME [--version N | --timestamp ISO] [--columns a,b] [--where SQL] [--limit N]\n"
    "       [--format jsonl|csv]\n"
    "  write NAME --from FILE [--mode append|overwrite] [--merge-schema] [--replace-where SQL]\n"
    "  merge NAME --from FILE --keys a,b [--when-matched update|delete|ignore] [--no-insert]\n"
    "  ingest NAME --from FILE [--mode append|overwrite] [--format csv|jsonl]\n"
    "  delete NAME [--where SQL]   (without --where: drops the table and its files)\n"
    "  update NAME --set col=EXPR [--set ...] [--where SQL]\n"
    "  restore NAME --version N | --timestamp ISO\n"
    "  vacuum NAME [--retain-hours H] [--dry-run] [--allow-short-retention]\n";

Result<delta::TimeTravel> TakeTimeTravel(Args& args) {
  KEEL_ASSIGN_OR_RETURN(std::string version, args.FlagOr("version", ""));
  KEEL_ASSIGN_OR_RETURN(std::string timestamp, args.FlagOr("timestamp", ""));
  return catalog::ParseTimeTravel(version, timestamp);
}

Result<delta::WriteMode> TakeMode(Args& args) {
  KEEL_ASSIGN_OR_RETURN(std::string mode, args.FlagOr("mode", "append"));
  if (mode == "append") return delta::WriteMode::kAppend;
  if (mode == "overwrite") return delta::WriteMode::kOverwrite;
  return Status::InvalidArgument("--mode must be append or overwrite, not '" + mode + "'");
}

Result<csv::TextFormat> ParseFormat(const std::string& name) {
  if (name == "csv") return csv::TextFormat::kCsv;
  if (name == "jsonl" || name == "json") return csv::TextFormat::kJsonLines;
  return Status::InvalidArgument("--format must be csv or jsonl, not '" + name + "'");
}

// --from FILE (required) and its format: --format, else the file's extension.
Result<std::pair<std::string, csv::TextFormat>> TakeInput(Args& args) {
  KEEL_ASSIGN_OR_RETURN(auto from, args.Flag("from"));
  KEEL_ASSIGN_OR_RETURN(auto format_name, args.Flag("format"));
  if (!from) return Status::InvalidArgument("--from FILE is required (a .csv or .jsonl file)");
  csv::TextFormat format = csv::TextFormat::kCsv;
  if (format_name) {
    KEEL_ASSIGN_OR_RETURN(format, ParseFormat(*format_name));
  } else if (from->size() >= 4 && from->compare(from->size() - 4, 4, ".tsv") == 0) {
    return Status::InvalidArgument(
        "tab-separated files are not supported by keel tables yet; "
        "convert '" +
        *from + "' to CSV or JSON-lines");
  } else if (auto implied = csv::FormatFromFileName(*from)) {
    format = *implied;
  } else {
    return Status::InvalidArgument("cannot tell the format of '" + *from +
                                   "' from its name; pass --format csv or --format jsonl");
  }
  KEEL_ASSIGN_OR_RETURN(std::string text, FileSystem::Default()->ReadFile(*from));
  return std::make_pair(std::move(text), format);
}

Result<catalog::CreateTableRequest> TakeCreateRequest(Args& args, const std::string& name) {
  catalog::CreateTableRequest req;
  req.full_name = name;
  KEEL_ASSIGN_OR_RETURN(auto ddl, args.Flag("schema"));
  KEEL_ASSIGN_OR_RETURN(auto schema_file, args.Flag("schema-json"));
  KEEL_ASSIGN_OR_RETURN(auto partition_by, args.Flag("partition-by"));
  KEEL_ASSIGN_OR_RETURN(auto comment, args.Flag("comment"));
  KEEL_ASSIGN_OR_RETURN(auto properties, RepeatedFlag(args, "property"));
  if (ddl.has_value() == schema_file.has_value()) {
    return Status::InvalidArgument(
        "give the columns with --schema 'id long, name string' or --schema-json FILE (one of "
        "them)");
  }
  if (ddl) {
    KEEL_ASSIGN_OR_RETURN(req.schema, catalog::ParseSchemaDdl(*ddl));
  } else {
    KEEL_ASSIGN_OR_RETURN(std::string text, FileSystem::Default()->ReadFile(*schema_file));
    auto schema = delta::ParseSchemaString(text);
    if (!schema.ok()) {
      return Status::InvalidArgument(*schema_file +
                                     " is not a Spark JSON schema: " + schema.status().message());
    }
    req.schema = std::move(*schema);
  }
  if (partition_by) req.partition_columns = SplitCommaList(*partition_by);
  for (const std::string& p : properties) {
    KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(p, "property"));
    req.properties[kv.first] = kv.second;
  }
  req.comment = comment.value_or("");
  return req;
}

// describe in text form: the main facts, then the columns as a table.
void PrintTableInfo(std::ostream& out, OutputFormat format, const json::Value& info) {
  if (format == OutputFormat::kJson) {
    PrintValue(out, format, info);
    return;
  }
  json::Value summary;
  for (const char* key : {"full_name", "owner", "comment", "storage_location", "version",
                          "num_files", "num_records", "partition_columns", "table_id"}) {
    if (const json::Value* v = info.Find(key)) summary.Set(key, *v);
  }
  PrintValue(out, format, summary);
  out << "\n";
  PrintValue(out, format, *info.Find("columns"), {"name", "type_text", "nullable"});
}

Status RunVerb(const std::string& verb, Args& args, std::ostream& out) {
  KEEL_ASSIGN_OR_RETURN(Session s, OpenSession(args));
  catalog::TableService& tables = *s.ws.tables;
  KEEL_ASSIGN_OR_RETURN(std::string name, args.Positional(verb == "list" ? "schema full name "
                                                                           "(CATALOG.SCHEMA)"
                                                                         : "table full name "
                                                                           "(CAT.SCH.TBL)"));
  if (verb == "create") {
    KEEL_ASSIGN_OR_RETURN(auto req, TakeCreateRequest(args, name));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto info, tables.CreateTable(s.caller, req));
    PrintTableInfo(out, s.format, RenderTableInfo(info));
    return Status::OK();
  }
  if (verb == "list") {
    KEEL_RETURN_IF_ERROR(args.Finish());
    json::Value list = json::Value::MakeArray();
    std::string token;
    do {
      KEEL_ASSIGN_OR_RETURN(auto page, tables.ListTables(s.caller, name, 0, token));
      for (const auto& t : page.tables) list.Append(RenderTableInfo(t));
      token = page.next_page_token;
    } while (!token.empty());
    PrintValue(out, s.format, list, {"full_name", "owner", "version", "num_records", "comment"});
    return Status::OK();
  }
  if (verb == "describe" || verb == "get") {
    KEEL_ASSIGN_OR_RETURN(auto at, TakeTimeTravel(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto info, tables.DescribeTable(s.caller, name, at));
    PrintTableInfo(out, s.format, RenderTableInfo(info));
    return Status::OK();
  }
  if (verb == "history") {
    KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto history, tables.History(s.caller, name, limit.value_or(0)));
    json::Value list = json::Value::MakeArray();
    for (const auto& c : history) {
      json::Value row = server::handlers::RenderCommitRecord(c);
      if (s.format == OutputFormat::kText)
        row.Set("timestamp", FormatIso8601Millis(c.timestamp_ms));
      list.Append(std::move(row));
    }
    PrintValue(out, s.format, list, {"version", "timestamp", "operation"});
    return Status::OK();
  }
  if (verb == "read") {
    KEEL_ASSIGN_OR_RETURN(auto at, TakeTimeTravel(args));
    delta::ScanOptions scan;
    KEEL_ASSIGN_OR_RETURN(auto columns, args.Flag("columns"));
    KEEL_ASSIGN_OR_RETURN(scan.filter, args.FlagOr("where", ""));
    KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
    KEEL_ASSIGN_OR_RETURN(std::string format_name, args.FlagOr("format", "jsonl"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(csv::TextFormat format, ParseFormat(format_name));
    if (columns) scan.columns = SplitCommaList(*columns);
    if (limit && *limit < 0) return Status::InvalidArgument("--limit must not be negative");
    scan.limit = limit.value_or(-1);
    KEEL_ASSIGN_OR_RETURN(auto rows, tables.Read(s.caller, name, scan, at));
    out << csv::FormatText(rows.rows, format);
    return Status::OK();
  }
  if (verb == "write") {
    catalog::TextWriteRequest req;
    KEEL_ASSIGN_OR_RETURN(req.write.mode, TakeMode(args));
    req.write.merge_schema = args.BoolFlag("merge-schema");
    KEEL_ASSIGN_OR_RETURN(req.write.replace_where, args.FlagOr("replace-where", ""));
    KEEL_ASSIGN_OR_RETURN(auto input, TakeInput(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    req.format = input.second;
    KEEL_ASSIGN_OR_RETURN(auto result, tables.WriteText(s.caller, name, input.first, req));
    PrintValue(out, s.format, RenderCommitResult(result));
    return Status::OK();
  }
  if (verb == "ingest") {
    catalog::IngestRequest req;
    KEEL_ASSIGN_OR_RETURN(req.mode, TakeMode(args));
    KEEL_ASSIGN_OR_RETURN(auto input, TakeInput(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    req.format = input.second;
    KEEL_ASSIGN_OR_RETURN(auto result, tables.Ingest(s.caller, name, input.first, req));
    json::Value v = RenderCommitResult(result.commit);
    v.Set("created", result.created);
    PrintValue(out, s.format, v);
    return Status::OK();
  }
  if (verb == "delete") {
    KEEL_ASSIGN_OR_RETURN(auto where, args.Flag("where"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (!where) {
      KEEL_RETURN_IF_ERROR(tables.DropTable(s.caller, name));
      if (s.format == OutputFormat::kJson) out << "{}\n";
      return Status::OK();
    }
    if (where->empty()) {
      return Status::InvalidArgument(
          "--where needs a predicate; to delete every row use "
          "--where 'true'");
    }
    KEEL_ASSIGN_OR_RETURN(auto result, tables.DeleteRows(s.caller, name, *where));
    PrintValue(out, s.format, RenderCommitResult(result));
    return Status::OK();
  }
  if (verb == "update") {
    KEEL_ASSIGN_OR_RETURN(auto sets, RepeatedFlag(args, "set"));
    KEEL_ASSIGN_OR_RETURN(std::string where, args.FlagOr("where", ""));
    KEEL_RETURN_IF_ERROR(args.Finish());
    std::vector<std::pair<std::string, std::string>> assignments;
    for (const std::string& a : sets) {
      KEEL_ASSIGN_OR_RETURN(auto kv, SplitAssignment(a, "set"));
      assignments.push_back(std::move(kv));
    }
    KEEL_ASSIGN_OR_RETURN(auto result, tables.UpdateRows(s.caller, name, where, assignments));
    PrintValue(out, s.format, RenderCommitResult(result));
    return Status::OK();
  }
  if (verb == "merge") {
    delta::MergeOptions options;
    KEEL_ASSIGN_OR_RETURN(auto keys, args.Flag("keys"));
    KEEL_ASSIGN_OR_RETURN(std::string matched, args.FlagOr("when-matched", "update"));
    bool no_insert = args.BoolFlag("no-insert");
    KEEL_ASSIGN_OR_RETURN(auto input, TakeInput(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (!keys || keys->empty()) {
      return Status::InvalidArgument(
          "--keys COL[,COL...] is required: the columns that match rows");
    }
    options.keys = SplitCommaList(*keys);
    if (matched == "update") {
      options.update_matched = true;
    } else if (matched == "delete") {
      options.update_matched = false;
      options.delete_matched = true;
    } else if (matched == "ignore") {
      options.update_matched = false;
    } else {
      return Status::InvalidArgument("--when-matched must be update, delete or ignore");
    }
    options.insert_unmatched = !no_insert;
    KEEL_ASSIGN_OR_RETURN(auto result,
                          tables.MergeText(s.caller, name, input.first, input.second, options));
    PrintValue(out, s.format, RenderCommitResult(result));
    return Status::OK();
  }
  if (verb == "restore") {
    KEEL_ASSIGN_OR_RETURN(auto at, TakeTimeTravel(args));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto result, tables.Restore(s.caller, name, at));
    PrintValue(out, s.format, RenderCommitResult(result));
    return Status::OK();
  }
  if (verb == "vacuum") {
    delta::VacuumOptions options;
    KEEL_ASSIGN_OR_RETURN(auto hours, args.IntFlag("retain-hours"));
    options.dry_run = args.BoolFlag("dry-run");
    options.allow_short_retention = args.BoolFlag("allow-short-retention");
    KEEL_RETURN_IF_ERROR(args.Finish());
    if (hours) {
      if (*hours < 0) return Status::InvalidArgument("--retain-hours must not be negative");
      options.retention_ms = *hours * 3'600'000;
    }
    KEEL_ASSIGN_OR_RETURN(auto result, tables.Vacuum(s.caller, name, options));
    json::Value v;
    json::Value files = json::Value::MakeArray();
    for (const auto& f : result.deleted) files.Append(f);
    v.Set(options.dry_run ? "would_delete" : "deleted", std::move(files));
    PrintValue(out, s.format, v);
    return Status::OK();
  }
  return Status::InvalidArgument("unknown command 'keel tables " + verb +
                                 "'; run 'keel tables' "
                                 "for the list");
}

}  // namespace

int RunTablesCommand(Args& args, std::ostream& out, std::ostream& err) {
  return RunVerbCommand(args, out, err, kUsage, RunVerb);
}

}  // namespace keel::cli
