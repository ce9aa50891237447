// DELETE, UPDATE and MERGE: copy-on-write rewrites of the data files that hold affected rows.
#include <unordered_map>

#include "storage/batch/column_ops.h"
#include "storage/batch/value_format.h"
#include "storage/delta/delta_table.h"
#include "storage/delta/delta_table_internal.h"
#include "storage/delta/schema_adapter.h"

namespace keel::delta {
namespace {

// `old` where mask is 0, `replacement` where mask is 1 (both of one type and length).
batch::Column Blend(const batch::Column& old, const batch::Column& replacement,
                    const std::vector<uint8_t>& mask) {
  batch::Column both = old;
  batch::AppendRange(replacement, 0, replacement.length, &both);
  std::vector<int64_t> rows(static_cast<size_t>(old.length));
  for (int64_t i = 0; i < old.length; ++i) rows[i] = mask[i] ? old.length + i : i;
  return batch::Take(both, rows);
}

std::vector<uint8_t> Not(const std::vector<uint8_t>& mask) {
  std::vector<uint8_t> out(mask.size());
  for (size_t i = 0; i < mask.size(); ++i) out[i] = mask[i] ? 0 : 1;
  return out;
}

int64_t Count(const std::vector<uint8_t>& mask) {
  int64_t n = 0;
  for (uint8_t m : mask) n += m != 0;
  return n;
}

// The key of row `row` over `columns`, as one string; nullopt when a key column is null (SQL
// equality never matches null).
std::optional<std::string> RowKey(const batch::RecordBatch& b, const std::vector<int>& columns,
                                  int64_t row) {
  std::string key;
  for (int c : columns) {
    if (!b.columns[c].IsValid(row)) return std::nullopt;
    batch::AppendValueJson(b.columns[c], row, &key);
    key.push_back('\x1f');
  }
  return key;
}

json::Value Metric(int64_t n) { return json::Value(std::to_string(n)); }

}  // namespace

Result<CommitResult> DeltaTable::RewriteWhere(const Snapshot& snapshot,
                                              const Expression& predicate,
                                              Transaction* tx) const {
  CommitResult result;
  std::vector<const AddFile*> files = SelectFiles(snapshot, &predicate);
  tx->ReadWhere(predicate, files);
  for (const AddFile* file : files) {
    KEEL_ASSIGN_OR_RETURN(auto rows, ReadDataFile(snapshot, *file));
    KEEL_ASSIGN_OR_RETURN(auto match, predicate.EvaluatePredicate(rows));
    int64_t hits = Count(match);
    if (hits == 0) continue;
    tx->Remove(*file);
    ++result.files_removed;
    result.rows_affected += hits;
    if (hits == rows.num_rows) continue;
    batch::RecordBatch kept = batch::Filter(rows, Not(match));
    KEEL_ASSIGN_OR_RETURN(auto adds, WriteFiles(snapshot, kept));
    result.rows_written += kept.num_rows;
    for (AddFile& a : adds) {
      tx->Add(std::move(a));
      ++result.files_added;
    }
  }
  return result;
}

Result<CommitResult> DeltaTable::Delete(const std::string& predicate_text) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadForWrite());
  if (snapshot->Property("delta.appendOnly") == "true") {
    return Status::InvalidState("table '" + root_ + "' is append-only: rows cannot be deleted");
  }
  Transaction tx = NewTransaction(snapshot);
  KEEL_ASSIGN_OR_RETURN(auto predicate,
                        Expression::Parse(predicate_text.empty() ? "TRUE" : predicate_text));
  KEEL_RETURN_IF_ERROR(predicate.Bind(snapshot->schema()));
  KEEL_ASSIGN_OR_RETURN(CommitResult result, RewriteWhere(*snapshot, predicate, &tx));
  if (!tx.has_changes()) {
    result.version = snapshot->version();
    return result;  // nothing matched: no commit, as Delta does
  }
  json::Value params = json::Value::MakeObject();
  params.Set("predicate", JsonList({predicate.ToString()}).Dump());
  json::Value metrics = json::Value::MakeObject();
  metrics.Set("numRemovedFiles", Metric(result.files_removed));
  metrics.Set("numAddedFiles", Metric(result.files_added));
  metrics.Set("numDeletedRows", Metric(result.rows_affected));
  metrics.Set("numCopiedRows", Metric(result.rows_written));
  KEEL_ASSIGN_OR_RETURN(result.version,
                        tx.Commit("DELETE", std::move(params), std::move(metrics)));
  return result;
}

Result<CommitResult> DeltaTable::Update(
    const std::string& predicate_text,
    const std::vector<std::pair<std::string, std::string>>& assignments) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadForWrite());
  if (snapshot->Property("delta.appendOnly") == "true") {
    return Status::InvalidState("table '" + root_ + "' is append-only: rows cannot be updated");
  }
  if (assignments.empty()) return Status::InvalidArgument("UPDATE needs at least one SET column");
  const batch::Schema& schema = snapshot->schema();
  KEEL_ASSIGN_OR_RETURN(auto predicate,
                        Expression::Parse(predicate_text.empty() ? "TRUE" : predicate_text));
  KEEL_RETURN_IF_ERROR(predicate.Bind(schema));
  std::vector<std::pair<size_t, Expression>> sets;
  for (const auto& [column, text] : assignments) {
    auto idx = schema.FieldIndex(column);
    if (!idx) {
      return Status::InvalidArgument("UPDATE sets column '" + column +
                                     "', which the table does not have");
    }
    KEEL_ASSIGN_OR_RETURN(auto expr, Expression::Parse(text));
    KEEL_RETURN_IF_ERROR(expr.Bind(schema));
    sets.emplace_back(*idx, std::move(expr));
  }
  Transaction tx = NewTransaction(snapshot);
  std::vector<const AddFile*> files = SelectFiles(*snapshot, &predicate);
  tx.ReadWhere(predicate, files);
  CommitResult result;
  for (const AddFile* file : files) {
    KEEL_ASSIGN_OR_RETURN(auto rows, ReadDataFile(*snapshot, *file));
    KEEL_ASSIGN_OR_RETURN(auto match, predicate.EvaluatePredicate(rows));
    int64_t hits = Count(match);
    if (hits == 0) continue;
    batch::RecordBatch updated = rows;
    for (const auto& [idx, expr] : sets) {
      const batch::Field& field = schema.fields[idx];
      KEEL_ASSIGN_OR_RETURN(auto values, expr.Evaluate(rows));
      auto adapted = AdaptColumn(std::move(values), field.type, "column '" + field.name + "'");
      if (!adapted.ok()) {
        return Status::InvalidArgument("UPDATE sets column '" + field.name + "' of type " +
                                       field.type.ToString() + " to '" + expr.ToString() +
                                       "' of type " + expr.type().ToString());
      }
      updated.columns[idx] = Blend(rows.columns[idx], *adapted, match);
      if (!field.nullable && updated.columns[idx].null_count() > 0) {
        return Status::InvalidArgument("UPDATE would put nulls into NOT NULL column '" +
                                       field.name + "'");
      }
    }
    tx.Remove(*file);
    ++result.files_removed;
    result.rows_affected += hits;
    KEEL_ASSIGN_OR_RETURN(auto adds, WriteFiles(*snapshot, updated));
    result.rows_written += updated.num_rows;
    for (AddFile& a : adds) {
      tx.Add(std::move(a));
      ++result.files_added;
    }
  }
  if (!tx.has_changes()) {
    result.version = snapshot->version();
    return result;
  }
  json::Value params = json::Value::MakeObject();
  params.Set("predicate", JsonList({predicate.ToString()}).Dump());
  json::Value metrics = json::Value::MakeObject();
  metrics.Set("numRemovedFiles", Metric(result.files_removed));
  metrics.Set("numAddedFiles", Metric(result.files_added));
  metrics.Set("numUpdatedRows", Metric(result.rows_affected));
  metrics.Set("numCopiedRows", Metric(result.rows_written - result.rows_affected));
  KEEL_ASSIGN_OR_RETURN(result.version,
                        tx.Commit("UPDATE", std::move(params), std::move(metrics)));
  return result;
}

Result<CommitResult> DeltaTable::Merge(const batch::RecordBatch& source_in,
                                       const MergeOptions& options) {
  KEEL_ASSIGN_OR_RETURN(auto snapshot, LoadForWrite());
  if (options.keys.empty()) return Status::InvalidArgument("MERGE needs at least one key column");
  if ((options.delete_matched || options.update_matched) &&
      snapshot->Property("delta.appendOnly") == "true") {
    return Status::InvalidState("table '" + root_ +
                                "' is append-only: MERGE may only insert rows");
  }
  batch::Schema evolved;
  KEEL_ASSIGN_OR_RETURN(auto source,
                        ConformToSchema(source_in, snapshot->schema(), false, &evolved));
  std::vector<int> key_columns;
  for (const std::string& k : options.keys) {
    auto idx = evolved.FieldIndex(k);
    if (!idx) return Status::InvalidArgument("MERGE key '" + k + "' is not a column of the table");
    if (!source_in.schema.FieldIndex(k)) {
      return Status::InvalidArgument("MERGE key '" + k + "' is not a column of the source data");
    }
    key_columns.push_back(static_cast<int>(*idx));
  }
  // Source rows by key; several rows for one key make the outcome ambiguous (Delta refuses).
  std::unordered_map<std::string, int64_t> by_key;
  by_key.reserve(static_cast<size_t>(source.num_rows));
  for (int64_t r = 0; r < source.num_rows; ++r) {
    auto key = RowKey(source, key_columns, r);
    if (!key) continue;
    if (!by_key.emplace(*key, r).second) {
      return Status::InvalidArgument("MERGE source has several rows with key " + *key +
                                     "; deduplicate the source first");
    }
  }
  Transaction tx = NewTransaction(snapshot);
  tx.ReadWholeTable();
  CommitResult result;
  std::vector<uint8_t> source_matched(static_cast<size_t>(source.num_rows), 0);
  int64_t updated = 0, deleted = 0, inserted = 0, copied = 0;
  batch::RecordBatch rewritten = batch::RecordBatch::Make(snapshot->schema());
  if (options.update_matched || options.delete_matched) {
    for (const AddFile& file : snapshot->files()) {
      KEEL_ASSIGN_OR_RETURN(auto rows, ReadDataFile(*snapshot, file));
      std::vector<uint8_t> hit(static_cast<size_t>(rows.num_rows), 0);
      std::vector<int64_t> source_rows;
      for (int64_t r = 0; r < rows.num_rows; ++r) {
        auto key = RowKey(rows, key_columns, r);
        if (!key) continue;
        auto it = by_key.find(*key);
        if (it == by_key.end()) continue;
        hit[r] = 1;
        source_rows.push_back(it->second);
        source_matched[it->second] = 1;
      }
      if (source_rows.empty()) continue;
      tx.Remove(file);
      ++result.files_removed;
      batch::RecordBatch kept = batch::Filter(rows, Not(hit));
      copied += kept.num_rows;
      batch::AppendBatch(kept, &rewritten);
      if (options.delete_matched) {
        deleted += static_cast<int64_t>(source_rows.size());
      } else {
        updated += static_cast<int64_t>(source_rows.size());
        batch::AppendBatch(batch::Take(source, source_rows), &rewritten);
      }
    }
  } else {
    // Insert-only merge: still find which keys exist so that they are not inserted twice.
    for (const AddFile& file : snapshot->files()) {
      KEEL_ASSIGN_OR_RETURN(auto rows, ReadDataFile(*snapshot, file, {}));
      for (int64_t r = 0; r < rows.num_rows; ++r) {
        auto key = RowKey(rows, key_columns, r);
        if (!key) continue;
        auto it = by_key.find(*key);
        if (it != by_key.end()) source_matched[it->second] = 1;
      }
    }
  }
  if (options.insert_unmatched) {
    batch::RecordBatch fresh = batch::Filter(source, Not(source_matched));
    inserted = fresh.num_rows;
    batch::AppendBatch(fresh, &rewritten);
  }
  if (rewritten.num_rows > 0) {
    KEEL_ASSIGN_OR_RETURN(auto adds, WriteFiles(*snapshot, rewritten));
    for (AddFile& a : adds) {
      tx.Add(std::move(a));
      ++result.files_added;
    }
  }
  result.rows_written = rewritten.num_rows;
  result.rows_affected = updated + deleted + inserted;
  if (!tx.has_changes()) {
    result.version = snapshot->version();
    return result;
  }
  json::Value params = json::Value::MakeObject();
  std::string on;
  for (const auto& k : options.keys) on += (on.empty() ? "" : " AND ") + ("t." + k + " = s." + k);
  params.Set("predicate", JsonList({on}).Dump());
  json::Value metrics = json::Value::MakeObject();
  metrics.Set("numTargetRowsInserted", Metric(inserted));
  metrics.Set("numTargetRowsUpdated", Metric(updated));
  metrics.Set("numTargetRowsDeleted", Metric(deleted));
  metrics.Set("numTargetRowsCopied", Metric(copied));
  metrics.Set("numTargetFilesAdded", Metric(result.files_added));
  metrics.Set("numTargetFilesRemoved", Metric(result.files_removed));
  KEEL_ASSIGN_OR_RETURN(result.version, tx.Commit("MERGE", std::move(params), std::move(metrics)));
  return result;
}

}  // namespace keel::delta
