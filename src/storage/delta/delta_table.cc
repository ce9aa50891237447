#include "storage/delta/delta_table.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "storage/delta/checkpoint.h"
#include "storage/delta/delta_table_internal.h"
#include "storage/delta/schema_adapter.h"
#include "storage/delta/schema_json.h"
#include "storage/delta/table_features.h"

namespace keel::delta {
namespace {

std::string ColumnList(const batch::Schema& schema) {
  std::string out;
  for (const auto& f : schema.fields) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

bool IsPartitionable(const batch::DataType& t) {
  switch (t.id) {
    case batch::TypeId::kFloat:
    case batch::TypeId::kDouble:
    case batch::TypeId::kBinary:
    case batch::TypeId::kStruct:
    case batch::TypeId::kArray:
    case batch::TypeId::kMap:
      return false;
    default:
      return true;
  }
}

}  // namespace

DeltaTable::DeltaTable(FileSystem* fs, std::string root, TableOptions options)
    : fs_(fs), root_(std::move(root)), options_(std::move(options)) {
  options_.commit.clock = options_.clock;
}

Result<DeltaTable> DeltaTable::Create(FileSystem* fs, const std::string& root,
                                      const CreateTableOptions& options,
                                      const TableOptions& table_options) {
  if (options.schema.fields.empty()) {
    return Status::InvalidArgument("a table needs at least one column");
  }
  for (size_t i = 0; i < options.schema.fields.size(); ++i) {
    const auto& f = options.schema.fields[i];
    if (f.name.empty()) return Status::InvalidArgument("column names must not be empty");
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoringCase(options.schema.fields[j].name, f.name)) {
        return Status::InvalidArgument("column '" + f.name +
                                       "' appears twice (names are "
                                       "case-insensitive)");
      }
    }
  }
  for (const std::string& p : options.partition_columns) {
    auto idx = options.schema.FieldIndex(p);
    if (!idx) {
      return Status::InvalidArgument("partition column '" + p + "' is not a column; columns are " +
                                     ColumnList(options.schema));
    }
    if (!IsPartitionable(options.schema.fields[*idx].type)) {
      return Status::InvalidArgument("column '" + p + "' of type " +
                                     options.schema.fields[*idx].type.ToString() +
                                     " cannot be a partition column");
    }
  }
  if (options.partition_columns.size() >= options.schema.fields.size()) {
    return Status::InvalidArgument(
        "a table needs at least one column that is not a partition "
        "column");
  }
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(CommitPath(root, 0)));
  if (exists) return Status::AlreadyExists("a Delta table already exists at '" + root + "'");
  for (const auto& [k, v] : options.properties) {
    if (k == "delta.columnMapping.mode" && v != "none") {
      return Status::NotImplemented("column mapping is not supported by Keel");
    }
  }
  DeltaTable table(fs, root, table_options);
  Metadata m;
  m.id = NewUuid();
  if (!options.name.empty()) m.name = options.name;
  if (!options.description.empty()) m.description = options.description;
  m.schema_string = SchemaToString(options.schema);
  m.partition_columns = options.partition_columns;
  m.configuration = options.properties;
  m.created_time = table.options_.clock->NowMillis();
  KEEL_RETURN_IF_ERROR(fs->CreateDirs(root));
  Transaction tx = table.NewTransaction(Snapshot::Empty(fs, root));
  tx.SetProtocol(DefaultWriteProtocol());
  tx.SetMetadata(m);
  json::Value params = json::Value::MakeObject();
  params.Set("isManaged", "false");
  params.Set("description", options.description);
  params.Set("partitionBy", JsonList(options.partition_columns).Dump());
  params.Set("properties", json::Value(json::Value::MakeObject()).Dump());
  KEEL_RETURN_IF_ERROR(tx.Commit("CREATE TABLE", std::move(params)).status());
  return table;
}

Result<DeltaTable> DeltaTable::Open(FileSystem* fs, const std::string& root,
                                    const TableOptions& table_options) {
  KEEL_ASSIGN_OR_RETURN(auto listing, ListLog(fs, root));
  if (listing.latest_version() < 0) {
    return Status::NotFound("'" + root + "' is not a Delta table: its _delta_log has no commits");
  }
  return DeltaTable(fs, root, table_options);
}

Result<std::shared_ptr<const Snapshot>> DeltaTable::Load(const TimeTravel& at) const {
  return Snapshot::Load(fs_, root_, at);
}

Result<std::shared_ptr<const Snapshot>> DeltaTable::LoadForWrite() const {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, Load());
  KEEL_RETURN_IF_ERROR(CheckWriteSupported(snapshot->protocol(), snapshot->metadata()));
  return snapshot;
}

Transaction DeltaTable::NewTransaction(std::shared_ptr<const Snapshot> snapshot) const {
  return Transaction(std::move(snapshot), options_.commit);
}

Result<batch::RecordBatch> DeltaTable::Read(const ScanOptions& scan, const TimeTravel& at) const {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, Load(at));
  return ScanTable(*snapshot, scan);
}

Result<std::vector<CommitRecord>> DeltaTable::History(int64_t limit) const {
  return ReadHistory(fs_, root_, limit);
}

Result<batch::RecordBatch> DeltaTable::ConformToSchema(const batch::RecordBatch& data,
                                                       const batch::Schema& table_schema,
                                                       bool merge_schema,
                                                       batch::Schema* evolved) const {
  *evolved = table_schema;
  for (const auto& f : data.schema.fields) {
    if (table_schema.ResolveFieldIndex(f.name)) continue;
    if (!merge_schema) {
      return Status::InvalidArgument("column '" + f.name +
                                     "' is not in the table (columns: " + ColumnList(table_schema) +
                                     "); enable schema merging to add it");
    }
    batch::Field added = f;
    added.nullable = true;  // rows written before have no value for it
    evolved->fields.push_back(std::move(added));
  }
  batch::RecordBatch out;
  out.schema = *evolved;
  out.num_rows = data.num_rows;
  for (const auto& field : evolved->fields) {
    auto idx = data.schema.ResolveFieldIndex(field.name);
    if (!idx) {
      if (!field.nullable) {
        return Status::InvalidArgument("column '" + field.name +
                                       "' is required (NOT NULL) but the data lacks it");
      }
      out.columns.push_back(NullColumn(field.type, data.num_rows));
      continue;
    }
    auto adapted = AdaptColumn(data.columns[*idx], field.type, "column '" + field.name + "'");
    if (!adapted.ok()) {
      return Status::InvalidArgument("column '" + field.name + "' has type " +
                                     data.schema.fields[*idx].type.ToString() +
                                     " in the data but " + field.type.ToString() +
                                     " in the table, and cannot be written as it");
    }
    if (!field.nullable && adapted->null_count() > 0) {
      return Status::InvalidArgument("column '" + field.name +
                                     "' is NOT NULL but the data has nulls in it");
    }
    out.columns.push_back(std::move(*adapted));
  }
  KEEL_RETURN_IF_ERROR(out.Validate());
  return out;
}

Result<std::vector<AddFile>> DeltaTable::WriteFiles(const Snapshot& snapshot,
                                                    const batch::RecordBatch& rows) const {
  return WriteDataFiles(fs_, root_, snapshot.partition_columns(), rows, options_.clock->NowMillis(),
                        options_.data);
}

Result<CommitResult> DeltaTable::Write(const batch::RecordBatch& data,
                                       const WriteOptions& options) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadForWrite());
  CommitResult result;
  if (!options.txn_app_id.empty()) {
    auto done = snapshot->TxnVersion(options.txn_app_id);
    if (done && *done >= options.txn_version) {
      result.version = snapshot->version();
      result.skipped = true;
      return result;
    }
  }
  const bool overwrite = options.mode == WriteMode::kOverwrite;
  if (overwrite && snapshot->Property("delta.appendOnly") == "true") {
    return Status::InvalidState("table '" + root_ +
                                "' is append-only (delta.appendOnly=true): it cannot be "
                                "overwritten");
  }
  batch::Schema evolved;
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        ConformToSchema(data, snapshot->schema(), options.merge_schema, &evolved));
  Transaction tx = NewTransaction(snapshot);
  if (!(evolved == snapshot->schema())) {
    Metadata m = snapshot->metadata();
    m.schema_string = SchemaToString(evolved);
    tx.SetMetadata(std::move(m));
  }
  json::Value params = json::Value::MakeObject();
  params.Set("mode", overwrite ? "Overwrite" : "Append");
  params.Set("partitionBy", JsonList(snapshot->partition_columns()).Dump());
  if (overwrite) {
    if (options.replace_where.empty()) {
      tx.ReadWholeTable();
      for (const AddFile& f : snapshot->files()) tx.Remove(f);
      result.files_removed = static_cast<int64_t>(snapshot->files().size());
    } else {
      KEEL_ASSIGN_OR_RETURN(auto predicate, Expression::Parse(options.replace_where));
      KEEL_RETURN_IF_ERROR(predicate.Bind(evolved));
      KEEL_ASSIGN_OR_RETURN(auto match, predicate.EvaluatePredicate(rows));
      if (std::find(match.begin(), match.end(), 0) != match.end()) {
        return Status::InvalidArgument(
            "some written rows do not match the replaceWhere "
            "predicate '" +
            options.replace_where + "'");
      }
      KEEL_ASSIGN_OR_RETURN(auto removed, RewriteWhere(*snapshot, predicate, &tx));
      result.files_removed = removed.files_removed;
      result.files_added += removed.files_added;
      result.rows_written += removed.rows_written;
      params.Set("predicate", options.replace_where);
    }
  }
  KEEL_ASSIGN_OR_RETURN(auto adds, WriteFiles(*snapshot, rows));
  result.files_added += static_cast<int64_t>(adds.size());
  result.rows_written += rows.num_rows;
  result.rows_affected = rows.num_rows;
  int64_t bytes = 0;
  for (AddFile& a : adds) {
    bytes += a.size;
    tx.Add(std::move(a));
  }
  if (!options.txn_app_id.empty()) tx.SetTxn(options.txn_app_id, options.txn_version);
  json::Value metrics = json::Value::MakeObject();
  metrics.Set("numFiles", std::to_string(result.files_added));
  metrics.Set("numOutputRows", std::to_string(rows.num_rows));
  metrics.Set("numOutputBytes", std::to_string(bytes));
  if (overwrite) metrics.Set("numRemovedFiles", std::to_string(result.files_removed));
  KEEL_ASSIGN_OR_RETURN(result.version, tx.Commit("WRITE", std::move(params), std::move(metrics)));
  return result;
}

Result<CommitResult> DeltaTable::SetProperties(
    const std::map<std::string, std::string>& properties) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadForWrite());
  Metadata m = snapshot->metadata();
  json::Value params = json::Value::MakeObject();
  for (const auto& [k, v] : properties) {
    if (k == "delta.columnMapping.mode") {
      return Status::NotImplemented("column mapping is not supported by Keel");
    }
    if (v.empty()) {
      m.configuration.erase(k);
    } else {
      m.configuration[k] = v;
    }
    params.Set(k, v);
  }
  Transaction tx = NewTransaction(snapshot);
  tx.ReadWholeTable();
  tx.SetMetadata(std::move(m));
  CommitResult result;
  json::Value wrapped = json::Value::MakeObject();
  wrapped.Set("properties", params.Dump());
  KEEL_ASSIGN_OR_RETURN(result.version, tx.Commit("SET TBLPROPERTIES", std::move(wrapped)));
  return result;
}

Result<int64_t> DeltaTable::Checkpoint() {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, Load());
  KEEL_RETURN_IF_ERROR(CheckReadSupported(snapshot->protocol(), snapshot->metadata()));
  KEEL_RETURN_IF_ERROR(WriteCheckpoint(fs_, root_, snapshot->version(),
                                       snapshot->ToCheckpoint(options_.clock->NowMillis())));
  return snapshot->version();
}

}  // namespace keel::delta
