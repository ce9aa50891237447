// keel delta describe|cat|history PATH: look at a Delta table by its directory, without a
// workspace (the Delta counterpart of `keel parquet`).

#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "common/fs/file_system.h"
#include "common/json.h"
#include "storage/batch/value_format.h"
#include "storage/batch/value_parse.h"
#include "storage/csv/text_ingest.h"
#include "storage/delta/scan.h"
#include "storage/delta/snapshot.h"
#include "storage/delta/table_features.h"
#include "storage/parquet/file_reader.h"

namespace keel::cli {

namespace {

constexpr const char* kUsage =
    "usage: keel delta describe PATH [--version N | --timestamp ISO8601] [--output text|json]\n"
    "       keel delta cat PATH [--version N | --timestamp ISO8601] [--columns a,b] [--where SQL]\n"
    "                      [--limit N] [--format jsonl|csv]\n"
    "       keel delta history PATH [--limit N] [--output text|json]\n";

// Spark schemas nest deeper than API requests do; the storage layer's own cap bounds them.
constexpr size_t kMaxSchemaJsonDepth = 4 * batch::kMaxTypeDepth;

// Tables written without add.stats (older Spark, some golden tables) have their row counts only
// in the Parquet footers; past this many files, reading them all costs more than describe should.
constexpr size_t kMaxFootersToCount = 1000;

json::Value IsoTime(int64_t ms) {
  return json::Value(batch::FormatTimestampMicros(ms * 1000, /*utc=*/true));
}

json::Value StringList(const std::vector<std::string>& items) {
  json::Value a = json::Value::MakeArray();
  for (const auto& s : items) a.Append(s);
  return a;
}

json::Value OptionalString(const std::optional<std::string>& s) {
  return s ? json::Value(*s) : json::Value();
}

// Takes --version / --timestamp. A timestamp without a zone is UTC, as Delta's own readers take
// it; a date alone means its midnight.
Result<delta::TimeTravel> TakeTimeTravel(Args& args) {
  delta::TimeTravel at;
  KEEL_ASSIGN_OR_RETURN(at.version, args.IntFlag("version"));
  KEEL_ASSIGN_OR_RETURN(auto timestamp, args.Flag("timestamp"));
  if (at.version && timestamp) {
    return Status::InvalidArgument("give --version or --timestamp, not both");
  }
  if (at.version && *at.version < 0) return Status::InvalidArgument("--version must be >= 0");
  if (timestamp) {
    auto ts = batch::ParseTimestamp(*timestamp);
    if (!ts) {
      return Status::InvalidArgument("--timestamp '" + *timestamp +
                                     "' is not ISO-8601; write e.g. 2024-01-02T03:04:05Z");
    }
    // Floor division, so that instants before 1970 round down like whole milliseconds do.
    at.timestamp_ms = ts->micros / 1000 - (ts->micros % 1000 < 0 ? 1 : 0);
  }
  return at;
}

// Loads the snapshot and refuses tables Keel cannot read, before anything is printed.
Result<std::shared_ptr<const delta::Snapshot>> LoadReadable(const std::string& path,
                                                            const delta::TimeTravel& at) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, delta::Snapshot::Load(FileSystem::Default(), path, at));
  KEEL_RETURN_IF_ERROR(delta::CheckReadSupported(snapshot->protocol(), snapshot->metadata()));
  return snapshot;
}

// Rows of the snapshot: the sum of add.stats numRecords, else of the data files' footers (exact,
// since readable tables have no deletion vectors); null when neither is known.
json::Value NumRecords(const delta::Snapshot& s) {
  if (auto records = s.num_records()) return json::Value(*records);
  if (s.files().size() > kMaxFootersToCount) return json::Value();
  int64_t rows = 0;
  for (const auto& f : s.files()) {
    auto path = delta::DataFilePath(s.root(), f.path);
    if (!path.ok()) return json::Value();
    auto reader = parquet::FileReader::Open(*path, s.fs());
    if (!reader.ok()) return json::Value();
    rows += (*reader)->num_rows();
  }
  return json::Value(rows);
}

json::Value DescribeJson(const delta::Snapshot& s) {
  const delta::Protocol& p = s.protocol();
  const delta::Metadata& m = s.metadata();
  json::Value out = json::Value::MakeObject();
  out.Set("version", s.version());
  out.Set("timestamp", IsoTime(s.timestamp_ms()));
  out.Set("timestamp_ms", s.timestamp_ms());
  out.Set("id", m.id);
  out.Set("name", OptionalString(m.name));
  out.Set("description", OptionalString(m.description));
  out.Set("format", m.format_provider);
  out.Set("created_time", m.created_time ? json::Value(*m.created_time) : json::Value());
  out.Set("min_reader_version", p.min_reader_version);
  out.Set("min_writer_version", p.min_writer_version);
  if (p.reader_features) out.Set("reader_features", StringList(*p.reader_features));
  if (p.writer_features) out.Set("writer_features", StringList(*p.writer_features));
  out.Set("partition_columns", StringList(m.partition_columns));
  json::Value properties = json::Value::MakeObject();
  for (const auto& [k, v] : m.configuration) properties.Set(k, v);
  out.Set("properties", std::move(properties));
  // The log's own schema JSON (field metadata included); Load has already checked it parses.
  json::ParseOptions deep;
  deep.max_depth = kMaxSchemaJsonDepth;
  auto schema = json::Parse(m.schema_string, deep);
  out.Set("schema", schema.ok() ? std::move(schema).value() : json::Value(m.schema_string));
  out.Set("num_files", static_cast<int64_t>(s.files().size()));
  int64_t size = 0;
  for (const auto& f : s.files()) size += f.size;
  out.Set("size_bytes", size);
  out.Set("num_records", NumRecords(s));
  out.Set("checkpoint_version",
          s.checkpoint_version() >= 0 ? json::Value(s.checkpoint_version()) : json::Value());
  return out;
}

// One history entry: the commitInfo fields Spark's DESCRIBE HISTORY shows.
json::Value HistoryEntryJson(const delta::CommitRecord& c) {
  json::Value out = json::Value::MakeObject();
  out.Set("version", c.version);
  out.Set("timestamp", IsoTime(c.timestamp_ms));
  out.Set("timestamp_ms", c.timestamp_ms);
  out.Set("operation", c.operation);
  for (const char* key : {"operationParameters", "readVersion", "isolationLevel", "isBlindAppend",
                          "operationMetrics", "engineInfo"}) {
    const json::Value* v = c.commit_info.Find(key);
    out.Set(key, v ? *v : json::Value());
  }
  return out;
}

Status Describe(Args& args, std::ostream& out) {
  KEEL_ASSIGN_OR_RETURN(OutputFormat fmt, TakeOutputFormat(args));
  KEEL_ASSIGN_OR_RETURN(delta::TimeTravel at, TakeTimeTravel(args));
  KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("PATH"));
  KEEL_RETURN_IF_ERROR(args.Finish());
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadReadable(path, at));
  json::Value d = DescribeJson(*snapshot);
  if (fmt == OutputFormat::kText) d.Set("schema", snapshot->schema().ToString());
  PrintValue(out, fmt, d);
  return Status::OK();
}

Status Cat(Args& args, std::ostream& out) {
  KEEL_ASSIGN_OR_RETURN(delta::TimeTravel at, TakeTimeTravel(args));
  KEEL_ASSIGN_OR_RETURN(auto columns, args.Flag("columns"));
  KEEL_ASSIGN_OR_RETURN(auto where, args.Flag("where"));
  KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
  KEEL_ASSIGN_OR_RETURN(std::string format, args.FlagOr("format", "jsonl"));
  KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("PATH"));
  KEEL_RETURN_IF_ERROR(args.Finish());
  if (format != "jsonl" && format != "csv") {
    return Status::InvalidArgument("--format must be jsonl or csv, not '" + format + "'");
  }
  if (limit && *limit < 0) return Status::InvalidArgument("--limit must be >= 0");
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadReadable(path, at));
  delta::ScanOptions options;
  if (columns) options.columns = SplitCommaList(*columns);
  if (where) options.filter = *where;
  if (limit) options.limit = *limit;
  KEEL_ASSIGN_OR_RETURN(batch::RecordBatch rows, delta::ScanTable(*snapshot, options));
  if (format == "csv") {
    out << csv::FormatText(rows, csv::TextFormat::kCsv);
  } else {
    for (int64_t r = 0; r < rows.num_rows; ++r) out << batch::RowToJson(rows, r) << "\n";
  }
  return Status::OK();
}

Status History(Args& args, std::ostream& out) {
  KEEL_ASSIGN_OR_RETURN(OutputFormat fmt, TakeOutputFormat(args));
  KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
  KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("PATH"));
  KEEL_RETURN_IF_ERROR(args.Finish());
  if (limit && *limit <= 0) return Status::InvalidArgument("--limit must be > 0");
  // History reads only commitInfo, which every protocol version writes the same way, so tables
  // Keel cannot read data from still show theirs.
  KEEL_ASSIGN_OR_RETURN(auto commits,
                        delta::ReadHistory(FileSystem::Default(), path, limit.value_or(0)));
  json::Value list = json::Value::MakeArray();
  for (const auto& c : commits) list.Append(HistoryEntryJson(c));
  PrintValue(out, fmt, list, {"version", "timestamp", "operation", "engineInfo"});
  return Status::OK();
}

}  // namespace

int RunDeltaCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb || (*verb != "describe" && *verb != "cat" && *verb != "history")) {
    err << kUsage;
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status {
    if (*verb == "describe") return Describe(args, out);
    if (*verb == "cat") return Cat(args, out);
    return History(args, out);
  });
}

}  // namespace keel::cli
