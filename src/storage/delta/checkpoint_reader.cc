// Reading one part of a classic checkpoint: the Parquet file is decoded into columns once, then
// each action column is walked directly (no per-row Value objects), because a checkpoint of a
// large table holds hundreds of thousands of add rows.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/batch/column.h"
#include "storage/batch/data_type.h"
#include "storage/batch/record_batch.h"
#include "storage/delta/checkpoint.h"
#include "storage/parquet/file_reader.h"

namespace keel::delta {
namespace {

using batch::Column;
using batch::TypeId;

// The top-level columns Keel reads. commitInfo and cdc are left out on purpose: they are not
// part of a table's reconciled state, and old writers (Delta 0.2.0) still put commitInfo rows
// into checkpoints.
constexpr std::string_view kActionColumns[] = {
    "protocol",       "metaData",           "txn",    "add", "remove",
    "domainMetadata", "checkpointMetadata", "sidecar"};

// What a checkpoint field must hold. Integer widths are not checked: some writers store int
// where the protocol says long, and the value fits either way.
enum class Shape { kString, kInteger, kBoolean, kStringMap, kStringList, kStruct };

bool IsString(const batch::DataType& t) {
  return t.id == TypeId::kString || t.id == TypeId::kBinary;
}

bool HasShape(const batch::DataType& t, Shape shape) {
  switch (shape) {
    case Shape::kString:
      return IsString(t);
    case Shape::kInteger:
      return t.id == TypeId::kByte || t.id == TypeId::kShort || t.id == TypeId::kInt ||
             t.id == TypeId::kLong;
    case Shape::kBoolean:
      return t.id == TypeId::kBoolean;
    case Shape::kStringMap:
      return t.id == TypeId::kMap && t.children.size() == 2 && IsString(t.children[0].type) &&
             IsString(t.children[1].type);
    case Shape::kStringList:
      return t.id == TypeId::kArray && t.children.size() == 1 && IsString(t.children[0].type);
    case Shape::kStruct:
      return t.id == TypeId::kStruct;
  }
  return false;
}

std::string_view ShapeName(Shape shape) {
  switch (shape) {
    case Shape::kString:
      return "string";
    case Shape::kInteger:
      return "integer";
    case Shape::kBoolean:
      return "boolean";
    case Shape::kStringMap:
      return "map<string,string>";
    case Shape::kStringList:
      return "array<string>";
    case Shape::kStruct:
      return "struct";
  }
  return "?";
}

bool IsNull(const Column* c, int64_t row) { return c == nullptr || !c->IsValid(row); }

int64_t IntAt(const Column& c, int64_t row) {
  return c.type.id == TypeId::kLong ? c.i64[row] : static_cast<int64_t>(c.i32[row]);
}

std::string StrAt(const Column& c, int64_t row) { return std::string(c.StringAt(row)); }

// A struct column of the checkpoint seen through its field names: writers order the fields
// differently and leave optional ones out. `name` is the dotted path used in messages. The
// view remembers the required fields it handed out, so that CheckRequired can test a row.
class StructView {
 public:
  StructView(const Column& column, std::string name, const std::string& file)
      : column_(column), name_(std::move(name)), file_(file) {}

  const Column& column() const { return column_; }

  // The child `field` when present; nullptr when the writer left it out. kCorruption when it
  // is present with the wrong shape.
  Result<const Column*> Optional(std::string_view field, Shape shape) const {
    const auto& fields = column_.type.children;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name != field) continue;
      if (!HasShape(fields[i].type, shape)) {
        return Corrupt(field, "has type " + fields[i].type.ToString() + ", expected " +
                                  std::string(ShapeName(shape)));
      }
      return &column_.children[i];
    }
    return static_cast<const Column*>(nullptr);
  }

  // Like Optional, but a missing field is kCorruption. REQUIRES: the struct has a non-null row
  // (a writer may leave out the whole struct of an action it never uses).
  Result<const Column*> Required(std::string_view field, Shape shape) {
    KEEL_ASSIGN_OR_RETURN(const Column* c, Optional(field, shape));
    if (c == nullptr) return Corrupt(field, "is missing");
    required_.emplace_back(field, c);
    return c;
  }

  // kCorruption when a required field is null in `row` (of a non-null struct).
  Status CheckRequired(int64_t row) const {
    for (const auto& [field, c] : required_) {
      if (!c->IsValid(row)) return Corrupt(field, "is null in row " + std::to_string(row));
    }
    return Status::OK();
  }

  StructView Child(const Column& c, std::string_view field) const {
    return StructView(c, name_ + "." + std::string(field), file_);
  }

 private:
  Status Corrupt(std::string_view field, const std::string& what) const {
    return Status::Corruption("checkpoint " + file_ + ": field '" + name_ + "." +
                              std::string(field) + "' " + what +
                              "; the checkpoint is damaged, delete it to fall back to the log");
  }

  const Column& column_;
  std::string name_;
  const std::string& file_;
  std::vector<std::pair<std::string_view, const Column*>> required_;
};

bool HasRows(const Column& c) { return c.length > 0 && c.null_count() < c.length; }

// Calls `make(row)` for every non-null row of the action struct whose required fields are
// present, and appends the action it returns.
template <typename Make>
Status ForEachAction(const StructView& v, std::vector<Action>* out, Make make) {
  const Column& column = v.column();
  for (int64_t row = 0; row < column.length; ++row) {
    if (!column.IsValid(row)) continue;
    KEEL_RETURN_IF_ERROR(v.CheckRequired(row));
    KEEL_ASSIGN_OR_RETURN(auto action, make(row));
    out->emplace_back(std::move(action));
  }
  return Status::OK();
}

PartitionValues PartitionsAt(const Column* map, int64_t row) {
  PartitionValues out;
  if (IsNull(map, row)) return out;
  const Column& keys = map->children[0];
  const Column& values = map->children[1];
  for (int64_t e = map->offsets[row]; e < map->offsets[row + 1]; ++e) {
    std::optional<std::string> value;
    if (values.IsValid(e)) value = StrAt(values, e);
    out.emplace(StrAt(keys, e), std::move(value));
  }
  return out;
}

// Null map values are dropped, as the JSON reader drops null configuration values.
std::map<std::string, std::string> StringMapAt(const Column* map, int64_t row) {
  std::map<std::string, std::string> out;
  if (IsNull(map, row)) return out;
  const Column& keys = map->children[0];
  const Column& values = map->children[1];
  for (int64_t e = map->offsets[row]; e < map->offsets[row + 1]; ++e) {
    if (values.IsValid(e)) out.emplace(StrAt(keys, e), StrAt(values, e));
  }
  return out;
}

std::optional<std::vector<std::string>> StringListAt(const Column* list, int64_t row) {
  if (IsNull(list, row)) return std::nullopt;
  const Column& elements = list->children[0];
  std::vector<std::string> out;
  for (int64_t e = list->offsets[row]; e < list->offsets[row + 1]; ++e) {
    if (elements.IsValid(e)) out.push_back(StrAt(elements, e));
  }
  return out;
}

std::optional<int64_t> OptionalIntAt(const Column* c, int64_t row) {
  if (IsNull(c, row)) return std::nullopt;
  return IntAt(*c, row);
}

std::optional<std::string> OptionalStrAt(const Column* c, int64_t row) {
  if (IsNull(c, row)) return std::nullopt;
  return StrAt(*c, row);
}

bool BoolAt(const Column* c, int64_t row, bool fallback) {
  return IsNull(c, row) ? fallback : c->bools[row] != 0;
}

// The deletionVector child of an add or remove struct, resolved once for all rows.
class DeletionVectorColumns {
 public:
  Status Bind(const StructView& action) {
    KEEL_ASSIGN_OR_RETURN(struct_, action.Optional("deletionVector", Shape::kStruct));
    if (struct_ == nullptr || !HasRows(*struct_)) {
      struct_ = nullptr;
      return Status::OK();
    }
    view_.emplace(action.Child(*struct_, "deletionVector"));
    KEEL_ASSIGN_OR_RETURN(storage_type_, view_->Required("storageType", Shape::kString));
    KEEL_ASSIGN_OR_RETURN(path_, view_->Required("pathOrInlineDv", Shape::kString));
    KEEL_ASSIGN_OR_RETURN(offset_, view_->Optional("offset", Shape::kInteger));
    KEEL_ASSIGN_OR_RETURN(size_, view_->Required("sizeInBytes", Shape::kInteger));
    KEEL_ASSIGN_OR_RETURN(cardinality_, view_->Required("cardinality", Shape::kInteger));
    return Status::OK();
  }

  Result<std::optional<DeletionVector>> At(int64_t row) const {
    if (IsNull(struct_, row)) return std::optional<DeletionVector>();
    KEEL_RETURN_IF_ERROR(view_->CheckRequired(row));
    DeletionVector dv;
    dv.storage_type = StrAt(*storage_type_, row);
    dv.path_or_inline_dv = StrAt(*path_, row);
    if (auto offset = OptionalIntAt(offset_, row)) dv.offset = static_cast<int32_t>(*offset);
    dv.size_in_bytes = static_cast<int32_t>(IntAt(*size_, row));
    dv.cardinality = IntAt(*cardinality_, row);
    return std::optional<DeletionVector>(std::move(dv));
  }

 private:
  const Column* struct_ = nullptr;
  std::optional<StructView> view_;
  const Column* storage_type_ = nullptr;
  const Column* path_ = nullptr;
  const Column* offset_ = nullptr;
  const Column* size_ = nullptr;
  const Column* cardinality_ = nullptr;
};

// The fields add and remove share (PROTOCOL.md "Add File and Remove File"), resolved once.
struct FileColumns {
  const Column* path = nullptr;
  const Column* partition_values = nullptr;
  const Column* size = nullptr;
  const Column* data_change = nullptr;
  DeletionVectorColumns deletion_vector;

  Status Bind(StructView* v) {
    KEEL_ASSIGN_OR_RETURN(path, v->Required("path", Shape::kString));
    KEEL_ASSIGN_OR_RETURN(partition_values, v->Optional("partitionValues", Shape::kStringMap));
    KEEL_ASSIGN_OR_RETURN(size, v->Optional("size", Shape::kInteger));
    KEEL_ASSIGN_OR_RETURN(data_change, v->Optional("dataChange", Shape::kBoolean));
    return deletion_vector.Bind(*v);
  }
};

Status ReadAdds(StructView v, std::vector<Action>* out) {
  FileColumns file;
  KEEL_RETURN_IF_ERROR(file.Bind(&v));
  KEEL_ASSIGN_OR_RETURN(const Column* mtime, v.Optional("modificationTime", Shape::kInteger));
  KEEL_ASSIGN_OR_RETURN(const Column* stats, v.Optional("stats", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* tags, v.Optional("tags", Shape::kStringMap));
  return ForEachAction(v, out, [&](int64_t row) -> Result<AddFile> {
    AddFile a;
    a.path = StrAt(*file.path, row);
    a.partition_values = PartitionsAt(file.partition_values, row);
    a.size = OptionalIntAt(file.size, row).value_or(0);
    a.modification_time = OptionalIntAt(mtime, row).value_or(0);
    a.data_change = BoolAt(file.data_change, row, true);
    a.stats = OptionalStrAt(stats, row);
    a.tags = StringMapAt(tags, row);
    KEEL_ASSIGN_OR_RETURN(a.deletion_vector, file.deletion_vector.At(row));
    return a;
  });
}

Status ReadRemoves(StructView v, std::vector<Action>* out) {
  FileColumns file;
  KEEL_RETURN_IF_ERROR(file.Bind(&v));
  KEEL_ASSIGN_OR_RETURN(const Column* ts, v.Optional("deletionTimestamp", Shape::kInteger));
  KEEL_ASSIGN_OR_RETURN(const Column* extended,
                        v.Optional("extendedFileMetadata", Shape::kBoolean));
  return ForEachAction(v, out, [&](int64_t row) -> Result<RemoveFile> {
    RemoveFile r;
    r.path = StrAt(*file.path, row);
    r.deletion_timestamp = OptionalIntAt(ts, row);
    r.data_change = BoolAt(file.data_change, row, true);
    if (!IsNull(extended, row)) r.extended_file_metadata = extended->bools[row] != 0;
    r.partition_values = PartitionsAt(file.partition_values, row);
    r.size = OptionalIntAt(file.size, row);
    KEEL_ASSIGN_OR_RETURN(r.deletion_vector, file.deletion_vector.At(row));
    return r;
  });
}

Status ReadMetadata(StructView v, std::vector<Action>* out) {
  KEEL_ASSIGN_OR_RETURN(const Column* id, v.Required("id", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* name, v.Optional("name", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* description, v.Optional("description", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* format, v.Optional("format", Shape::kStruct));
  KEEL_ASSIGN_OR_RETURN(const Column* schema, v.Required("schemaString", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* parts, v.Optional("partitionColumns", Shape::kStringList));
  KEEL_ASSIGN_OR_RETURN(const Column* conf, v.Optional("configuration", Shape::kStringMap));
  KEEL_ASSIGN_OR_RETURN(const Column* created, v.Optional("createdTime", Shape::kInteger));
  const Column* provider = nullptr;
  const Column* options = nullptr;
  if (format != nullptr) {
    StructView f = v.Child(*format, "format");
    KEEL_ASSIGN_OR_RETURN(provider, f.Optional("provider", Shape::kString));
    KEEL_ASSIGN_OR_RETURN(options, f.Optional("options", Shape::kStringMap));
  }
  return ForEachAction(v, out, [&](int64_t row) -> Result<Metadata> {
    Metadata m;
    m.id = StrAt(*id, row);
    m.name = OptionalStrAt(name, row);
    m.description = OptionalStrAt(description, row);
    if (!IsNull(format, row)) {
      if (auto p = OptionalStrAt(provider, row)) m.format_provider = std::move(*p);
      m.format_options = StringMapAt(options, row);
    }
    m.schema_string = StrAt(*schema, row);
    if (auto list = StringListAt(parts, row)) m.partition_columns = std::move(*list);
    m.configuration = StringMapAt(conf, row);
    m.created_time = OptionalIntAt(created, row);
    return m;
  });
}

Status ReadProtocols(StructView v, std::vector<Action>* out) {
  KEEL_ASSIGN_OR_RETURN(const Column* reader, v.Required("minReaderVersion", Shape::kInteger));
  KEEL_ASSIGN_OR_RETURN(const Column* writer, v.Required("minWriterVersion", Shape::kInteger));
  KEEL_ASSIGN_OR_RETURN(const Column* rf, v.Optional("readerFeatures", Shape::kStringList));
  KEEL_ASSIGN_OR_RETURN(const Column* wf, v.Optional("writerFeatures", Shape::kStringList));
  return ForEachAction(v, out, [&](int64_t row) -> Result<Protocol> {
    Protocol p;
    p.min_reader_version = static_cast<int>(IntAt(*reader, row));
    p.min_writer_version = static_cast<int>(IntAt(*writer, row));
    p.reader_features = StringListAt(rf, row);
    p.writer_features = StringListAt(wf, row);
    return p;
  });
}

Status ReadTxns(StructView v, std::vector<Action>* out) {
  KEEL_ASSIGN_OR_RETURN(const Column* app_id, v.Required("appId", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* version, v.Required("version", Shape::kInteger));
  KEEL_ASSIGN_OR_RETURN(const Column* last_updated, v.Optional("lastUpdated", Shape::kInteger));
  return ForEachAction(v, out, [&](int64_t row) -> Result<Txn> {
    return Txn{StrAt(*app_id, row), IntAt(*version, row), OptionalIntAt(last_updated, row)};
  });
}

Status ReadDomains(StructView v, std::vector<Action>* out) {
  KEEL_ASSIGN_OR_RETURN(const Column* domain, v.Required("domain", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* conf, v.Optional("configuration", Shape::kString));
  KEEL_ASSIGN_OR_RETURN(const Column* removed, v.Optional("removed", Shape::kBoolean));
  return ForEachAction(v, out, [&](int64_t row) -> Result<DomainMetadata> {
    return DomainMetadata{StrAt(*domain, row), OptionalStrAt(conf, row).value_or(""),
                          BoolAt(removed, row, false)};
  });
}

// V2 checkpoint rows are kept only so that the caller can refuse the checkpoint by name.
Status ReadCheckpointMetadata(StructView v, std::vector<Action>* out) {
  KEEL_ASSIGN_OR_RETURN(const Column* version, v.Optional("version", Shape::kInteger));
  return ForEachAction(v, out, [&](int64_t row) -> Result<CheckpointMetadata> {
    return CheckpointMetadata{OptionalIntAt(version, row).value_or(0)};
  });
}

Status ReadSidecars(StructView v, std::vector<Action>* out) {
  KEEL_ASSIGN_OR_RETURN(const Column* path, v.Optional("path", Shape::kString));
  return ForEachAction(v, out, [&](int64_t row) -> Result<Sidecar> {
    return Sidecar{OptionalStrAt(path, row).value_or("")};
  });
}

Status ReadActionColumn(const StructView& v, std::string_view kind, std::vector<Action>* out) {
  if (kind == "add") return ReadAdds(v, out);
  if (kind == "remove") return ReadRemoves(v, out);
  if (kind == "metaData") return ReadMetadata(v, out);
  if (kind == "protocol") return ReadProtocols(v, out);
  if (kind == "txn") return ReadTxns(v, out);
  if (kind == "domainMetadata") return ReadDomains(v, out);
  if (kind == "checkpointMetadata") return ReadCheckpointMetadata(v, out);
  return ReadSidecars(v, out);
}

}  // namespace

Result<std::vector<Action>> ReadCheckpointFile(FileSystem* fs, const std::string& path) {
  KEEL_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(path, fs));
  const batch::Schema& schema = reader->schema();
  std::vector<int> columns;
  for (std::string_view name : kActionColumns) {
    if (auto index = schema.FieldIndex(name)) columns.push_back(static_cast<int>(*index));
  }
  if (columns.empty()) {
    return Status::Corruption("checkpoint " + path +
                              " has none of the action columns (add, remove, metaData, protocol, "
                              "txn); it is not a Delta checkpoint");
  }
  KEEL_ASSIGN_OR_RETURN(batch::RecordBatch batch, reader->ReadAll(columns));
  std::vector<Action> actions;
  actions.reserve(static_cast<size_t>(batch.num_rows));
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const batch::Field& field = batch.schema.fields[i];
    const Column& column = batch.columns[i];
    if (field.type.id != TypeId::kStruct) {
      return Status::Corruption("checkpoint " + path + ": column '" + field.name + "' has type " +
                                field.type.ToString() + ", expected a struct");
    }
    if (!HasRows(column)) continue;
    KEEL_RETURN_IF_ERROR(
        ReadActionColumn(StructView(column, field.name, path), field.name, &actions));
  }
  return actions;
}

}  // namespace keel::delta
