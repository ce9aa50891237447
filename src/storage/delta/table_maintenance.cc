// RESTORE, VACUUM and the Change Data Feed reader.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "storage/batch/column_ops.h"
#include "storage/delta/delta_table.h"
#include "storage/delta/table_features.h"

namespace keel::delta {
namespace {

// Every file under `dir` (relative to `root`), skipping the log and hidden or underscore
// entries other than _change_data, as Delta's vacuum does.
Status ListDataFiles(FileSystem* fs, const std::string& root, const std::string& rel, int depth,
                     std::vector<std::string>* out) {
  if (depth > 64) return Status::OK();
  std::string dir = rel.empty() ? root : JoinPath(root, rel);
  KEEL_ASSIGN_OR_RETURN(auto names, fs->ListDir(dir));
  for (const std::string& name : names) {
    if (name.empty() || name[0] == '.' || (name[0] == '_' && name != "_change_data")) continue;
    std::string child = rel.empty() ? name : rel + "/" + name;
    auto sub = fs->ListDir(JoinPath(root, child));
    if (sub.ok()) {
      KEEL_RETURN_IF_ERROR(ListDataFiles(fs, root, child, depth + 1, out));
    } else {
      out->push_back(child);
    }
  }
  return Status::OK();
}

}  // namespace

Result<CommitResult> DeltaTable::Restore(const TimeTravel& at) {
  KEEL_ASSIGN_OR_RETURN(auto current, LoadForWrite());
  KEEL_ASSIGN_OR_RETURN(auto target, Load(at));
  KEEL_RETURN_IF_ERROR(CheckReadSupported(target->protocol(), target->metadata()));
  std::unordered_set<std::string> in_target, in_current;
  for (const AddFile& f : target->files()) in_target.insert(CanonicalPath(f.path));
  for (const AddFile& f : current->files()) in_current.insert(CanonicalPath(f.path));
  Transaction tx = NewTransaction(current);
  tx.ReadWholeTable();
  CommitResult result;
  for (const AddFile& f : target->files()) {
    if (in_current.count(CanonicalPath(f.path))) continue;
    KEEL_ASSIGN_OR_RETURN(std::string path, DataFilePath(root_, f.path));
    KEEL_ASSIGN_OR_RETURN(bool exists, fs_->Exists(path));
    if (!exists) {
      return Status::InvalidState("cannot restore version " + std::to_string(target->version()) +
                                  ": its data file '" + CanonicalPath(f.path) +
                                  "' was deleted by VACUUM");
    }
    AddFile add = f;
    add.data_change = true;
    tx.Add(std::move(add));
    ++result.files_added;
  }
  for (const AddFile& f : current->files()) {
    if (in_target.count(CanonicalPath(f.path))) continue;
    tx.Remove(f);
    ++result.files_removed;
  }
  const Metadata& tm = target->metadata();
  const Metadata& cm = current->metadata();
  if (tm.schema_string != cm.schema_string || tm.partition_columns != cm.partition_columns ||
      tm.configuration != cm.configuration) {
    Metadata m = tm;
    m.id = cm.id;
    tx.SetMetadata(std::move(m));
  }
  json::Value params = json::Value::MakeObject();
  params.Set("version", std::to_string(target->version()));
  json::Value metrics = json::Value::MakeObject();
  metrics.Set("numRestoredFiles", std::to_string(result.files_added));
  metrics.Set("numRemovedFiles", std::to_string(result.files_removed));
  KEEL_ASSIGN_OR_RETURN(result.version,
                        tx.Commit("RESTORE", std::move(params), std::move(metrics)));
  return result;
}

Result<VacuumResult> DeltaTable::Vacuum(const VacuumOptions& options) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, Load());
  KEEL_RETURN_IF_ERROR(CheckWriteSupported(snapshot->protocol(), snapshot->metadata()));
  KEEL_ASSIGN_OR_RETURN(int64_t table_retention,
                        ParseIntervalMillis(snapshot->Property("delta.deletedFileRetentionDuration",
                                                               "interval 1 week")));
  int64_t retention = options.retention_ms.value_or(table_retention);
  if (retention < 0) return Status::InvalidArgument("retention must not be negative");
  if (retention < table_retention && !options.allow_short_retention) {
    return Status::InvalidArgument(
        "retention of " + std::to_string(retention / 3600000) +
        " hours is shorter than the "
        "table's delta.deletedFileRetentionDuration; files that concurrent readers and time "
        "travel still need could be deleted. Allow short retention explicitly to proceed");
  }
  const int64_t now = options_.clock->NowMillis();
  const int64_t horizon = now - retention;
  std::unordered_set<std::string> live;
  for (const AddFile& f : snapshot->files()) live.insert(CanonicalPath(f.path));
  std::unordered_set<std::string> recently_removed;
  for (const RemoveFile& r : snapshot->tombstones()) {
    if (r.deletion_timestamp.value_or(now) > horizon)
      recently_removed.insert(CanonicalPath(r.path));
  }
  std::vector<std::string> files;
  KEEL_RETURN_IF_ERROR(ListDataFiles(fs_, root_, "", 0, &files));
  VacuumResult result;
  for (const std::string& rel : files) {
    if (live.count(rel) || recently_removed.count(rel)) continue;
    std::string path = JoinPath(root_, rel);
    auto mtime = fs_->ModifiedTimeMillis(path);
    if (!mtime.ok() || *mtime > horizon) continue;  // too new (maybe an in-flight write)
    if (!options.dry_run) KEEL_RETURN_IF_ERROR(fs_->RemoveFile(path));
    result.deleted.push_back(rel);
  }
  return result;
}

Result<batch::RecordBatch> DeltaTable::ReadChanges(int64_t start_version,
                                                   std::optional<int64_t> end_version) const {
  KEEL_ASSIGN_OR_RETURN(auto latest, Load());
  KEEL_RETURN_IF_ERROR(CheckReadSupported(latest->protocol(), latest->metadata()));
  int64_t end = end_version.value_or(latest->version());
  if (start_version < 0 || start_version > end || end > latest->version()) {
    return Status::InvalidArgument("change data feed range [" + std::to_string(start_version) +
                                   ", " + std::to_string(end) + "] is not within versions 0.." +
                                   std::to_string(latest->version()));
  }
  const batch::Schema& table = latest->schema();
  batch::Schema with_type = table;
  with_type.fields.push_back(
      {"_change_type", batch::DataType::Primitive(batch::TypeId::kString), true});
  batch::Schema out_schema = with_type;
  out_schema.fields.push_back(
      {"_commit_version", batch::DataType::Primitive(batch::TypeId::kLong), true});
  out_schema.fields.push_back(
      {"_commit_timestamp", batch::DataType::Primitive(batch::TypeId::kTimestamp), true});
  batch::RecordBatch out = batch::RecordBatch::Make(out_schema);
  const auto& parts = latest->partition_columns();

  const batch::DataType string_type = batch::DataType::Primitive(batch::TypeId::kString);
  const batch::DataType long_type = batch::DataType::Primitive(batch::TypeId::kLong);
  const batch::DataType timestamp_type = batch::DataType::Primitive(batch::TypeId::kTimestamp);
  // Adds the change type (unless the rows carry it, as cdc files do), commit version and
  // commit timestamp columns, and appends the rows to `out`.
  auto append = [&](batch::RecordBatch rows, const std::string* change_type, int64_t version,
                    int64_t timestamp_ms) -> Status {
    if (change_type != nullptr) {
      KEEL_ASSIGN_OR_RETURN(
          auto ct, batch::MakeConstant(string_type, batch::Value(*change_type), rows.num_rows));
      rows.columns.push_back(std::move(ct));
    }
    KEEL_ASSIGN_OR_RETURN(auto v,
                          batch::MakeConstant(long_type, batch::Value(version), rows.num_rows));
    rows.columns.push_back(std::move(v));
    KEEL_ASSIGN_OR_RETURN(
        auto t,
        batch::MakeConstant(timestamp_type, batch::Value(timestamp_ms * 1000), rows.num_rows));
    rows.columns.push_back(std::move(t));
    rows.schema = out_schema;
    batch::AppendBatch(rows, &out);
    return Status::OK();
  };
  static const std::string kInsert = "insert", kDelete = "delete";

  // One pass over the log: every commit is read once (its timestamp needs the earlier ones).
  int64_t visited = 0;
  Status walked =
      ForEachCommit(fs_, root_, [&](int64_t v, int64_t ts, std::vector<Action>& actions) -> Status {
        if (v < start_version || v > end) return Status::OK();
        ++visited;
        bool has_cdc = std::any_of(actions.begin(), actions.end(), [](const Action& a) {
          return std::holds_alternative<AddCdcFile>(a);
        });
        for (const Action& a : actions) {
          if (const auto* c = std::get_if<AddCdcFile>(&a)) {
            KEEL_ASSIGN_OR_RETURN(
                auto rows,
                ReadFileAsSchema(fs_, root_, c->path, c->partition_values, with_type, parts));
            KEEL_RETURN_IF_ERROR(append(std::move(rows), nullptr, v, ts));
          } else if (has_cdc) {
            continue;  // a commit with cdc files is described by them alone
          } else if (const auto* add = std::get_if<AddFile>(&a); add && add->data_change) {
            KEEL_ASSIGN_OR_RETURN(auto rows, ReadFileAsSchema(fs_, root_, add->path,
                                                              add->partition_values, table, parts));
            KEEL_RETURN_IF_ERROR(append(std::move(rows), &kInsert, v, ts));
          } else if (const auto* rm = std::get_if<RemoveFile>(&a); rm && rm->data_change) {
            auto rows = ReadFileAsSchema(fs_, root_, rm->path, rm->partition_values, table, parts);
            if (!rows.ok()) {
              return Status(rows.status().code(),
                            "change data feed of version " + std::to_string(v) +
                                " needs the removed file '" + CanonicalPath(rm->path) +
                                "', which cannot be read (vacuumed?): " + rows.status().message());
            }
            KEEL_RETURN_IF_ERROR(append(std::move(*rows), &kDelete, v, ts));
          }
        }
        return Status::OK();
      });
  KEEL_RETURN_IF_ERROR(walked);
  if (visited != end - start_version + 1) {
    return Status::InvalidArgument("change data feed from version " +
                                   std::to_string(start_version) +
                                   " needs commits whose log files were cleaned up");
  }
  return out;
}

}  // namespace keel::delta
