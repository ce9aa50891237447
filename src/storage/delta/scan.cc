#include "storage/delta/scan.h"

#include <algorithm>

#include "storage/batch/column_ops.h"
#include "storage/delta/file_stats.h"
#include "storage/delta/partition_values.h"
#include "storage/delta/schema_adapter.h"
#include "storage/delta/table_features.h"
#include "storage/parquet/file_reader.h"

namespace keel::delta {
namespace {

using batch::Column;
using batch::RecordBatch;

// The partition value of `name` in `file`, or null when absent.
std::optional<std::string> PartitionText(const AddFile& file, const std::string& name) {
  auto it = file.partition_values.find(name);
  if (it == file.partition_values.end()) return std::nullopt;
  return it->second;
}

}  // namespace

Result<std::string> DataFilePath(const std::string& table_root, const std::string& log_path) {
  KEEL_ASSIGN_OR_RETURN(std::string path, DecodePath(log_path));
  if (path.rfind("file:", 0) == 0) {
    std::string_view p = std::string_view(path).substr(5);
    while (p.size() > 1 && p[0] == '/' && p[1] == '/') p.remove_prefix(1);
    return std::string(p);
  }
  if (path.find("://") != std::string::npos) {
    return Status::NotImplemented("data file '" + path +
                                  "' is on a remote file system, which Keel does not read");
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0) {
      return Status::Corruption("data file path '" + log_path + "' leaves the table directory");
    }
    start = end + 1;
  }
  if (!path.empty() && path[0] == '/') return path;
  return JoinPath(table_root, path);
}

FileStats FileStatsWithPartitions(const Snapshot& snapshot, const AddFile& f, int offset_minutes) {
  FileStats stats;
  if (f.stats) {
    auto parsed = ParseFileStats(*f.stats, snapshot.schema());
    if (parsed.ok()) stats = std::move(*parsed);
  }
  for (const std::string& p : snapshot.partition_columns()) {
    auto idx = snapshot.schema().FieldIndex(p);
    if (!idx) continue;
    const batch::Field& field = snapshot.schema().fields[*idx];
    auto value = ParsePartitionValue(PartitionText(f, p), field.type, offset_minutes);
    if (!value.ok()) continue;  // unknown: no skipping on it
    ColumnStats cs;
    if (value->is_null()) {
      if (stats.num_records) cs.null_count = stats.num_records;
    } else {
      cs.min = *value;
      cs.max = *value;
      cs.null_count = 0;
    }
    stats.columns[p] = std::move(cs);
  }
  return stats;
}

std::vector<const AddFile*> SelectFiles(const Snapshot& snapshot, const Expression* filter,
                                        int offset_minutes) {
  std::vector<const AddFile*> out;
  out.reserve(snapshot.files().size());
  for (const AddFile& f : snapshot.files()) {
    if (filter != nullptr &&
        !filter->MayMatch(FileStatsWithPartitions(snapshot, f, offset_minutes))) {
      continue;
    }
    out.push_back(&f);
  }
  return out;
}

Result<RecordBatch> ReadFileAsSchema(FileSystem* fs, const std::string& table_root,
                                     const std::string& log_path,
                                     const PartitionValues& partition_values,
                                     const batch::Schema& table,
                                     const std::vector<std::string>& partition_columns,
                                     const std::vector<int>& fields_in, int offset_minutes) {
  std::vector<int> fields = fields_in;
  if (fields.empty()) {
    for (size_t i = 0; i < table.fields.size(); ++i) fields.push_back(static_cast<int>(i));
  }
  auto is_partition = [&](const std::string& name) {
    return std::find(partition_columns.begin(), partition_columns.end(), name) !=
           partition_columns.end();
  };
  KEEL_ASSIGN_OR_RETURN(std::string path, DataFilePath(table_root, log_path));
  KEEL_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(path, fs));

  // Which file columns to read, and where each table field comes from.
  std::vector<int> file_columns;
  std::vector<int> source(fields.size(), -1);  // position in file_columns, -1: none
  for (size_t k = 0; k < fields.size(); ++k) {
    const batch::Field& f = table.fields[fields[k]];
    if (is_partition(f.name)) continue;
    if (auto idx = reader->schema().ResolveFieldIndex(f.name)) {
      source[k] = static_cast<int>(file_columns.size());
      file_columns.push_back(static_cast<int>(*idx));
    }
  }
  RecordBatch raw;
  int64_t rows = reader->num_rows();
  if (!file_columns.empty()) {
    KEEL_ASSIGN_OR_RETURN(raw, reader->ReadAll(file_columns));
    rows = raw.num_rows;
  }
  RecordBatch out;
  out.num_rows = rows;
  for (size_t k = 0; k < fields.size(); ++k) {
    const batch::Field& f = table.fields[fields[k]];
    out.schema.fields.push_back(f);
    if (is_partition(f.name)) {
      auto it = partition_values.find(f.name);
      std::optional<std::string> text = it == partition_values.end() ? std::nullopt : it->second;
      KEEL_ASSIGN_OR_RETURN(auto value, ParsePartitionValue(text, f.type, offset_minutes));
      KEEL_ASSIGN_OR_RETURN(auto column, batch::MakeConstant(f.type, value, rows));
      out.columns.push_back(std::move(column));
    } else if (source[k] < 0) {
      out.columns.push_back(NullColumn(f.type, rows));
    } else {
      KEEL_ASSIGN_OR_RETURN(auto column, AdaptColumn(std::move(raw.columns[source[k]]), f.type,
                                                     "column '" + f.name + "' of " + path));
      out.columns.push_back(std::move(column));
    }
  }
  return out;
}

Result<RecordBatch> ReadDataFile(const Snapshot& snapshot, const AddFile& file,
                                 const std::vector<int>& fields, int offset_minutes) {
  return ReadFileAsSchema(snapshot.fs(), snapshot.root(), file.path, file.partition_values,
                          snapshot.schema(), snapshot.partition_columns(), fields, offset_minutes);
}

Result<RecordBatch> ScanTable(const Snapshot& snapshot, const ScanOptions& options) {
  KEEL_RETURN_IF_ERROR(CheckReadSupported(snapshot.protocol(), snapshot.metadata()));
  const batch::Schema& table = snapshot.schema();
  std::vector<int> wanted;
  for (const std::string& name : options.columns) {
    auto idx = table.FieldIndex(name);
    if (!idx) {
      std::string names;
      for (const auto& f : table.fields) names += (names.empty() ? "" : ", ") + f.name;
      return Status::InvalidArgument("table has no column '" + name + "'; its columns are " +
                                     names);
    }
    wanted.push_back(static_cast<int>(*idx));
  }
  if (wanted.empty()) {
    for (size_t i = 0; i < table.fields.size(); ++i) wanted.push_back(static_cast<int>(i));
  }
  std::optional<Expression> filter;
  std::vector<int> read = wanted;  // projected columns plus those the filter needs
  if (!options.filter.empty()) {
    KEEL_ASSIGN_OR_RETURN(auto expr, Expression::Parse(options.filter));
    KEEL_RETURN_IF_ERROR(expr.Bind(table));
    for (const std::string& name : expr.ReferencedColumns()) {
      int idx = static_cast<int>(*table.FieldIndex(name));
      if (std::find(read.begin(), read.end(), idx) == read.end()) read.push_back(idx);
    }
    filter = std::move(expr);
  }
  RecordBatch result;
  for (int i : wanted) result.schema.fields.push_back(table.fields[i]);
  result = RecordBatch::Make(result.schema);
  for (const AddFile* file : SelectFiles(snapshot, filter ? &*filter : nullptr,
                                         options.partition_timestamp_offset_minutes)) {
    if (options.limit >= 0 && result.num_rows >= options.limit) break;
    KEEL_ASSIGN_OR_RETURN(
        auto part, ReadDataFile(snapshot, *file, read, options.partition_timestamp_offset_minutes));
    if (filter) {
      KEEL_ASSIGN_OR_RETURN(auto keep, filter->EvaluatePredicate(part));
      part = batch::Filter(part, keep);
    }
    // Project away the filter-only columns (they are at the end of `read`).
    part.columns.resize(wanted.size());
    part.schema.fields.resize(wanted.size());
    int64_t take = part.num_rows;
    if (options.limit >= 0) take = std::min(take, options.limit - result.num_rows);
    if (take < part.num_rows) part = batch::Slice(part, 0, take);
    batch::AppendBatch(part, &result);
  }
  return result;
}

}  // namespace keel::delta
