// Writing a classic single-part checkpoint and pointing _last_checkpoint at it. The batch is
// built column by column (no per-row Value objects): a checkpoint may hold 100k+ adds.

#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "storage/batch/column.h"
#include "storage/batch/data_type.h"
#include "storage/batch/record_batch.h"
#include "storage/delta/checkpoint.h"
#include "storage/parquet/file_writer.h"

namespace keel::delta {
namespace {

using batch::Column;
using batch::DataType;
using batch::Field;
using batch::TypeId;

// Top-level column order of the file; also the index of each action's column in the batch.
enum ActionColumn { kTxn, kAdd, kRemove, kMetaData, kProtocol, kDomainMetadata, kNumColumns };

DataType Str() { return DataType::Primitive(TypeId::kString); }
DataType Long() { return DataType::Primitive(TypeId::kLong); }
DataType Int() { return DataType::Primitive(TypeId::kInt); }
DataType Bool() { return DataType::Primitive(TypeId::kBoolean); }
DataType StrMap() { return DataType::Map(Str(), Str()); }
DataType StrList() { return DataType::Array(Str()); }

DataType DeletionVectorType() {
  return DataType::Struct({{"storageType", Str()},
                           {"pathOrInlineDv", Str()},
                           {"offset", Int()},
                           {"sizeInBytes", Int()},
                           {"cardinality", Long()}});
}

// PROTOCOL.md "Checkpoint Schema", every field nullable as Spark writes it. stats_parsed and
// partitionValues_parsed are optional there and left out: stats stay JSON text.
batch::Schema CheckpointSchema() {
  batch::Schema s;
  s.fields.resize(kNumColumns);
  s.fields[kTxn] = {
      "txn", DataType::Struct({{"appId", Str()}, {"version", Long()}, {"lastUpdated", Long()}})};
  s.fields[kAdd] = {"add", DataType::Struct({{"path", Str()},
                                             {"partitionValues", StrMap()},
                                             {"size", Long()},
                                             {"modificationTime", Long()},
                                             {"dataChange", Bool()},
                                             {"stats", Str()},
                                             {"tags", StrMap()},
                                             {"deletionVector", DeletionVectorType()}})};
  s.fields[kRemove] = {"remove", DataType::Struct({{"path", Str()},
                                                   {"deletionTimestamp", Long()},
                                                   {"dataChange", Bool()},
                                                   {"extendedFileMetadata", Bool()},
                                                   {"partitionValues", StrMap()},
                                                   {"size", Long()},
                                                   {"deletionVector", DeletionVectorType()}})};
  DataType format = DataType::Struct({{"provider", Str()}, {"options", StrMap()}});
  s.fields[kMetaData] = {"metaData", DataType::Struct({{"id", Str()},
                                                       {"name", Str()},
                                                       {"description", Str()},
                                                       {"format", format},
                                                       {"schemaString", Str()},
                                                       {"partitionColumns", StrList()},
                                                       {"configuration", StrMap()},
                                                       {"createdTime", Long()}})};
  s.fields[kProtocol] = {"protocol", DataType::Struct({{"minReaderVersion", Int()},
                                                       {"minWriterVersion", Int()},
                                                       {"readerFeatures", StrList()},
                                                       {"writerFeatures", StrList()}})};
  s.fields[kDomainMetadata] = {
      "domainMetadata",
      DataType::Struct({{"domain", Str()}, {"configuration", Str()}, {"removed", Bool()}})};
  return s;
}

// Appenders for the leaf shapes of the schema above. Each appends exactly one slot.
void AppendStr(std::string_view v, Column* c) {
  c->bytes.append(v);
  c->offsets.push_back(static_cast<int64_t>(c->bytes.size()));
  c->MarkAppendedValid();
}

void AppendOptStr(const std::optional<std::string>& v, Column* c) {
  v ? AppendStr(*v, c) : c->AppendNull();
}

void AppendLong(int64_t v, Column* c) {
  c->i64.push_back(v);
  c->MarkAppendedValid();
}

void AppendOptLong(std::optional<int64_t> v, Column* c) { v ? AppendLong(*v, c) : c->AppendNull(); }

void AppendInt(int32_t v, Column* c) {
  c->i32.push_back(v);
  c->MarkAppendedValid();
}

void AppendBool(bool v, Column* c) {
  c->bools.push_back(v ? 1 : 0);
  c->MarkAppendedValid();
}

void AppendOptBool(std::optional<bool> v, Column* c) { v ? AppendBool(*v, c) : c->AppendNull(); }

void AppendStrMap(const std::map<std::string, std::string>& m, Column* c) {
  for (const auto& [key, value] : m) {
    AppendStr(key, &c->children[0]);
    AppendStr(value, &c->children[1]);
  }
  c->offsets.push_back(c->children[0].length);
  c->MarkAppendedValid();
}

void AppendPartitions(const PartitionValues& m, Column* c) {
  for (const auto& [key, value] : m) {
    AppendStr(key, &c->children[0]);
    AppendOptStr(value, &c->children[1]);
  }
  c->offsets.push_back(c->children[0].length);
  c->MarkAppendedValid();
}

void AppendStrList(const std::vector<std::string>& list, Column* c) {
  for (const auto& s : list) AppendStr(s, &c->children[0]);
  c->offsets.push_back(c->children[0].length);
  c->MarkAppendedValid();
}

void AppendOptStrList(const std::optional<std::vector<std::string>>& list, Column* c) {
  list ? AppendStrList(*list, c) : c->AppendNull();
}

void AppendDeletionVector(const std::optional<DeletionVector>& dv, Column* c) {
  if (!dv) return c->AppendNull();
  AppendStr(dv->storage_type, &c->children[0]);
  AppendStr(dv->path_or_inline_dv, &c->children[1]);
  dv->offset ? AppendInt(*dv->offset, &c->children[2]) : c->children[2].AppendNull();
  AppendInt(dv->size_in_bytes, &c->children[3]);
  AppendLong(dv->cardinality, &c->children[4]);
  c->MarkAppendedValid();
}

// Fills the struct column `action` of the next row (whose children the caller has just
// appended) and a null in every other action column: one action per row.
void FinishRow(ActionColumn action, batch::RecordBatch* b) {
  for (int i = 0; i < kNumColumns; ++i) {
    if (i == action) {
      b->columns[i].MarkAppendedValid();
    } else {
      b->columns[i].AppendNull();
    }
  }
  ++b->num_rows;
}

void AppendProtocol(const Protocol& p, batch::RecordBatch* b) {
  std::vector<Column>& f = b->columns[kProtocol].children;
  AppendInt(p.min_reader_version, &f[0]);
  AppendInt(p.min_writer_version, &f[1]);
  AppendOptStrList(p.reader_features, &f[2]);
  AppendOptStrList(p.writer_features, &f[3]);
  FinishRow(kProtocol, b);
}

void AppendMetadata(const Metadata& m, batch::RecordBatch* b) {
  std::vector<Column>& f = b->columns[kMetaData].children;
  AppendStr(m.id, &f[0]);
  AppendOptStr(m.name, &f[1]);
  AppendOptStr(m.description, &f[2]);
  AppendStr(m.format_provider, &f[3].children[0]);
  AppendStrMap(m.format_options, &f[3].children[1]);
  f[3].MarkAppendedValid();
  AppendStr(m.schema_string, &f[4]);
  AppendStrList(m.partition_columns, &f[5]);
  AppendStrMap(m.configuration, &f[6]);
  AppendOptLong(m.created_time, &f[7]);
  FinishRow(kMetaData, b);
}

void AppendTxn(const Txn& t, batch::RecordBatch* b) {
  std::vector<Column>& f = b->columns[kTxn].children;
  AppendStr(t.app_id, &f[0]);
  AppendLong(t.version, &f[1]);
  AppendOptLong(t.last_updated, &f[2]);
  FinishRow(kTxn, b);
}

void AppendDomain(const DomainMetadata& d, batch::RecordBatch* b) {
  std::vector<Column>& f = b->columns[kDomainMetadata].children;
  AppendStr(d.domain, &f[0]);
  AppendStr(d.configuration, &f[1]);
  AppendBool(d.removed, &f[2]);
  FinishRow(kDomainMetadata, b);
}

void AppendRemove(const RemoveFile& r, batch::RecordBatch* b) {
  std::vector<Column>& f = b->columns[kRemove].children;
  AppendStr(r.path, &f[0]);
  AppendOptLong(r.deletion_timestamp, &f[1]);
  AppendBool(r.data_change, &f[2]);
  AppendOptBool(r.extended_file_metadata, &f[3]);
  AppendPartitions(r.partition_values, &f[4]);
  AppendOptLong(r.size, &f[5]);
  AppendDeletionVector(r.deletion_vector, &f[6]);
  FinishRow(kRemove, b);
}

void AppendAdd(const AddFile& a, batch::RecordBatch* b) {
  std::vector<Column>& f = b->columns[kAdd].children;
  AppendStr(a.path, &f[0]);
  AppendPartitions(a.partition_values, &f[1]);
  AppendLong(a.size, &f[2]);
  AppendLong(a.modification_time, &f[3]);
  AppendBool(a.data_change, &f[4]);
  AppendOptStr(a.stats, &f[5]);
  AppendStrMap(a.tags, &f[6]);
  AppendDeletionVector(a.deletion_vector, &f[7]);
  FinishRow(kAdd, b);
}

batch::RecordBatch BuildBatch(const CheckpointContent& content) {
  batch::RecordBatch b = batch::RecordBatch::Make(CheckpointSchema());
  AppendProtocol(content.protocol, &b);
  AppendMetadata(content.metadata, &b);
  for (const Txn& t : content.txns) AppendTxn(t, &b);
  for (const DomainMetadata& d : content.domains) AppendDomain(d, &b);
  for (const RemoveFile& r : content.removes) AppendRemove(r, &b);
  for (const AddFile& a : content.adds) AppendAdd(a, &b);
  return b;
}

std::string LastCheckpointPath(const std::string& table_root) {
  return JoinPath(JoinPath(table_root, "_delta_log"), "_last_checkpoint");
}

// The version _last_checkpoint points at, or nullopt when there is none or it is unreadable
// (a damaged hint is replaced, never trusted).
Result<std::optional<int64_t>> LastCheckpointVersion(FileSystem* fs, const std::string& path) {
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) return std::optional<int64_t>();
  KEEL_ASSIGN_OR_RETURN(std::string text, fs->ReadFile(path));
  auto parsed = json::Parse(text);
  if (!parsed.ok()) return std::optional<int64_t>();
  const json::Value* version = parsed->Find("version");
  if (version == nullptr || !version->is_int()) return std::optional<int64_t>();
  return std::optional<int64_t>(version->as_int());
}

// Points _last_checkpoint at `version` unless it already points at a newer one. The check and
// the write are not atomic; a lost race leaves an older hint, which readers tolerate (they list
// the log for anything newer).
Status UpdateLastCheckpoint(FileSystem* fs, const std::string& table_root, int64_t version,
                            int64_t rows, int64_t num_adds, uint64_t size_in_bytes) {
  std::string path = LastCheckpointPath(table_root);
  KEEL_ASSIGN_OR_RETURN(std::optional<int64_t> current, LastCheckpointVersion(fs, path));
  if (current && *current > version) return Status::OK();
  json::Value v = json::Value::MakeObject();
  v.Set("version", json::Value(static_cast<long long>(version)));
  v.Set("size", json::Value(static_cast<long long>(rows)));
  v.Set("sizeInBytes", json::Value(static_cast<long long>(size_in_bytes)));
  v.Set("numOfAddFiles", json::Value(static_cast<long long>(num_adds)));
  return fs->WriteFileAtomic(path, v.Dump());
}

}  // namespace

std::string CheckpointPath(const std::string& table_root, int64_t version) {
  char name[64];
  std::snprintf(name, sizeof(name), "%020" PRId64 ".checkpoint.parquet", version);
  return JoinPath(JoinPath(table_root, "_delta_log"), name);
}

Status WriteCheckpoint(FileSystem* fs, const std::string& table_root, int64_t version,
                       const CheckpointContent& content) {
  if (version < 0) {
    return Status::InvalidArgument("checkpoint version " + std::to_string(version) +
                                   " is negative; table versions start at 0");
  }
  batch::RecordBatch b = BuildBatch(content);
  std::string path = CheckpointPath(table_root, version);
  KEEL_ASSIGN_OR_RETURN(auto writer, parquet::FileWriter::Open(path, b.schema, {}, fs));
  KEEL_RETURN_IF_ERROR(writer->Write(b));
  KEEL_RETURN_IF_ERROR(writer->Close());
  KEEL_ASSIGN_OR_RETURN(uint64_t size_in_bytes, fs->FileSize(path));
  return UpdateLastCheckpoint(fs, table_root, version, b.num_rows,
                              static_cast<int64_t>(content.adds.size()), size_in_bytes);
}

}  // namespace keel::delta
