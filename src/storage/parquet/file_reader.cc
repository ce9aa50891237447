#include "storage/parquet/file_reader.h"

#include <algorithm>
#include <cstring>

#include "storage/parquet/column_reader.h"
#include "storage/parquet/leaf_converter.h"
#include "storage/parquet/metadata.h"
#include "storage/parquet/record_assembler.h"

namespace keel::parquet {

namespace {

class BufferFile : public RandomAccessFile {
 public:
  explicit BufferFile(std::string data) : data_(std::move(data)) {}
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override {
    if (offset > data_.size()) {
      out->clear();
      return Status::OK();
    }
    out->assign(data_, offset, n);
    return Status::OK();
  }
  uint64_t size() const override { return data_.size(); }

 private:
  std::string data_;
};

}  // namespace

Status FileReader::Annotate(const Status& s) const {
  if (s.ok()) return s;
  return s.WithContext("parquet file '" + path_ + "'");
}

Result<std::unique_ptr<FileReader>> FileReader::Open(const std::string& path, FileSystem* fs,
                                                     const ReaderOptions& options) {
  KEEL_ASSIGN_OR_RETURN(auto file, fs->OpenForRead(path));
  return Init(std::move(file), path, options);
}

Result<std::unique_ptr<FileReader>> FileReader::OpenBuffer(std::string data, std::string name,
                                                           const ReaderOptions& options) {
  return Init(std::make_unique<BufferFile>(std::move(data)), std::move(name), options);
}

Result<std::unique_ptr<FileReader>> FileReader::Init(std::unique_ptr<RandomAccessFile> file,
                                                     std::string path,
                                                     const ReaderOptions& options) {
  std::unique_ptr<FileReader> r(new FileReader());
  r->options_ = options;
  r->path_ = std::move(path);
  r->file_ = std::move(file);
  const uint64_t size = r->file_->size();
  auto fail = [&](std::string what, uint64_t offset) {
    return r->Annotate(Status::Corruption(what + " at byte offset " + std::to_string(offset)));
  };
  if (size < 12)
    return fail("file is " + std::to_string(size) + " bytes, too short for Parquet", 0);
  std::string tail;
  KEEL_RETURN_IF_ERROR(r->file_->ReadAt(size - 8, 8, &tail));
  if (tail.size() != 8) return fail("short read of the footer", size - 8);
  if (tail.compare(4, 4, "PARE") == 0) {
    return r->Annotate(Status::NotImplemented(
        "file uses Parquet modular encryption with an encrypted footer; Keel cannot read "
        "encrypted files"));
  }
  if (tail.compare(4, 4, "PAR1") != 0) return fail("missing PAR1 magic", size - 4);
  std::string head;
  KEEL_RETURN_IF_ERROR(r->file_->ReadAt(0, 4, &head));
  if (head != "PAR1") return fail("missing leading PAR1 magic", 0);
  uint32_t footer_len;
  std::memcpy(&footer_len, tail.data(), 4);
  if (footer_len > size - 12 || footer_len > kMaxFooterBytes) {
    return fail("footer length " + std::to_string(footer_len) + " exceeds the file", size - 8);
  }
  const uint64_t footer_start = size - 8 - footer_len;
  std::string footer;
  KEEL_RETURN_IF_ERROR(r->file_->ReadAt(footer_start, footer_len, &footer));
  if (footer.size() != footer_len) return fail("short read of the footer", footer_start);
  auto md = ParseFileMetaData(footer, footer_start);
  if (!md.ok()) return r->Annotate(md.status());
  r->metadata_ = std::make_unique<FileMetaData>(std::move(md).value());
  if (r->metadata_->has_encryption_algorithm) {
    return r->Annotate(Status::NotImplemented(
        "file uses Parquet modular encryption (plaintext footer); Keel cannot read encrypted "
        "files"));
  }
  auto schema = ParquetSchema::Make(r->metadata_->schema);
  if (!schema.ok()) {
    return r->Annotate(
        schema.status().WithContext("footer at byte offset " + std::to_string(footer_start)));
  }
  r->schema_ = std::move(schema).value();
  const size_t num_leaves = r->schema_.leaves().size();
  for (size_t g = 0; g < r->metadata_->row_groups.size(); ++g) {
    const RowGroup& rg = r->metadata_->row_groups[g];
    if (rg.columns.size() != num_leaves) {
      return fail("row group " + std::to_string(g) + " has " + std::to_string(rg.columns.size()) +
                      " column chunks for " + std::to_string(num_leaves) + " leaf columns",
                  footer_start);
    }
    if (rg.num_rows < 0)
      return fail("row group " + std::to_string(g) + " has negative num_rows", footer_start);
  }
  return r;
}

int64_t FileReader::num_rows() const {
  int64_t n = 0;
  for (const RowGroup& g : metadata_->row_groups) n += g.num_rows;
  return n;
}

Result<std::vector<int>> FileReader::ResolveColumns(const std::vector<std::string>& names) const {
  std::vector<int> out;
  for (const std::string& name : names) {
    auto idx = schema().FieldIndex(name);
    if (!idx) {
      std::string known;
      for (const auto& f : schema().fields) known += (known.empty() ? "" : ", ") + f.name;
      return Status::InvalidArgument("no column '" + name + "' in " + path_ +
                                     "; columns are: " + known);
    }
    out.push_back(static_cast<int>(*idx));
  }
  return out;
}

namespace {

void CollectLeaves(const SchemaNode& node, std::vector<int>* out) {
  if (node.kind == SchemaNode::Kind::kLeaf) {
    out->push_back(node.leaf_index);
    return;
  }
  for (const SchemaNode& c : node.children) CollectLeaves(c, out);
}

}  // namespace

Result<batch::RecordBatch> FileReader::ReadRowGroup(int index,
                                                    const std::vector<int>& columns) const {
  if (index < 0 || index >= num_row_groups()) {
    return Status::InvalidArgument("row group " + std::to_string(index) + " does not exist in " +
                                   path_ + " (it has " + std::to_string(num_row_groups()) + ")");
  }
  return ReadRowGroups({index}, columns);
}

Result<batch::RecordBatch> FileReader::ReadAll(const std::vector<int>& columns) const {
  std::vector<int> groups(num_row_groups());
  for (int g = 0; g < num_row_groups(); ++g) groups[g] = g;
  return ReadRowGroups(groups, columns);
}

namespace {

// Reserves room for the values of `leaf` in `groups` (an optimization only: hostile counts
// are capped by the file size, and growth still works past the reservation).
void ReserveLeaf(const LeafDescriptor& leaf, const FileMetaData& md, const std::vector<int>& groups,
                 int leaf_index, uint64_t file_size, LeafData* levels, PhysicalValues* values) {
  int64_t n = 0, bytes = 0;
  for (int g : groups) {
    const auto& m = md.row_groups[g].columns[leaf_index].meta_data;
    if (!m) continue;
    n += std::max<int64_t>(0, m->num_values);
    bytes += std::max<int64_t>(0, m->total_uncompressed_size);
  }
  const int64_t cap = static_cast<int64_t>(std::min<uint64_t>(file_size * 8 + 1024, 1u << 30));
  n = std::min(n, cap);
  bytes = std::min(bytes, cap);
  if (leaf.max_def > 0) levels->def.reserve(n);
  if (leaf.max_rep > 0) levels->rep.reserve(n);
  switch (leaf.physical) {
    case Type::kBoolean:
      values->bools.reserve(n);
      break;
    case Type::kInt32:
      values->i32.reserve(n);
      break;
    case Type::kInt64:
      values->i64.reserve(n);
      break;
    case Type::kFloat:
      values->f32.reserve(n);
      break;
    case Type::kDouble:
      values->f64.reserve(n);
      break;
    default:
      values->offsets.reserve(n + 1);
      values->bytes.reserve(bytes);
      break;
  }
}

}  // namespace

Result<batch::RecordBatch> FileReader::ReadRowGroups(const std::vector<int>& groups,
                                                     const std::vector<int>& columns) const {
  std::vector<int> fields = columns;
  if (fields.empty()) {
    for (size_t i = 0; i < schema_.fields().size(); ++i) fields.push_back(static_cast<int>(i));
  }
  int64_t total_rows = 0;
  for (int g : groups) {
    if (g < 0 || g >= num_row_groups()) {
      return Status::InvalidArgument("row group " + std::to_string(g) + " does not exist in " +
                                     path_);
    }
    total_rows += metadata_->row_groups[g].num_rows;
  }
  batch::RecordBatch batch;
  batch.num_rows = total_rows;
  std::vector<LeafData> leaves(schema_.leaves().size());
  for (int f : fields) {
    if (f < 0 || static_cast<size_t>(f) >= schema_.fields().size()) {
      return Status::InvalidArgument("column index " + std::to_string(f) + " out of range");
    }
    const SchemaNode& node = schema_.fields()[f];
    std::vector<int> leaf_ids;
    CollectLeaves(node, &leaf_ids);
    for (int leaf : leaf_ids) {
      const LeafDescriptor& desc = schema_.leaves()[leaf];
      LeafData& data = leaves[leaf];
      PhysicalValues values;
      ReserveLeaf(desc, *metadata_, groups, leaf, file_->size(), &data, &values);
      for (int g : groups) {
        Status s = AppendColumnChunk(*file_, metadata_->row_groups[g].columns[leaf], desc, &data,
                                     &values, options_.verify_page_checksums);
        if (!s.ok()) return Annotate(s.WithContext("row group " + std::to_string(g)));
      }
      auto converted = ConvertLeafValues(desc, std::move(values));
      if (!converted.ok()) {
        const auto& m =
            metadata_->row_groups[groups.empty() ? 0 : groups[0]].columns[leaf].meta_data;
        return Annotate(converted.status().WithContext(
            "column chunk at byte offset " + std::to_string(m ? m->data_page_offset : 0)));
      }
      data.values = std::move(converted).value();
    }
    auto column = AssembleField(node, leaves, total_rows);
    if (!column.ok()) {
      int64_t offset = 0;
      if (!groups.empty()) {
        const RowGroup& rg = metadata_->row_groups[groups[0]];
        offset = rg.file_offset.value_or(rg.columns.empty() || !rg.columns[0].meta_data
                                             ? 0
                                             : rg.columns[0].meta_data->data_page_offset);
      }
      return Annotate(
          column.status().WithContext("row group data at byte offset " + std::to_string(offset)));
    }
    for (int leaf : leaf_ids) leaves[leaf] = LeafData();
    batch.schema.fields.push_back(schema().fields[f]);
    batch.columns.push_back(std::move(column).value());
  }
  return batch;
}

}  // namespace keel::parquet
