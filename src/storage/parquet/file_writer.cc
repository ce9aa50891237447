#include "storage/parquet/file_writer.h"

#include <algorithm>

#include "common/random.h"
#include "storage/parquet/column_writer.h"
#include "storage/parquet/level_shredder.h"
#include "storage/parquet/metadata.h"
#include "storage/parquet/schema_builder.h"

namespace keel::parquet {

namespace {

void CollectLeafIndices(const SchemaNode& node, std::vector<int>* out) {
  if (node.kind == SchemaNode::Kind::kLeaf) {
    out->push_back(node.leaf_index);
    return;
  }
  for (const SchemaNode& c : node.children) CollectLeafIndices(c, out);
}

}  // namespace

Status FileWriter::Init(const batch::Schema& schema, const WriterOptions& options) {
  if (options.row_group_rows < 1 || options.page_bytes < 1) {
    return Status::InvalidArgument("row_group_rows and page_bytes must be positive");
  }
  options_ = options;
  schema_ = schema;
  metadata_ = std::make_unique<FileMetaData>();
  KEEL_ASSIGN_OR_RETURN(metadata_->schema, BuildParquetSchema(schema));
  KEEL_ASSIGN_OR_RETURN(parquet_schema_, ParquetSchema::Make(metadata_->schema));
  metadata_->version = 1;
  metadata_->created_by = options.created_by;
  metadata_->key_value_metadata = options.key_value_metadata;
  metadata_->column_orders.assign(parquet_schema_.leaves().size(), true);
  return Emit("PAR1");
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(const std::string& path,
                                                     const batch::Schema& schema,
                                                     const WriterOptions& options, FileSystem* fs) {
  std::unique_ptr<FileWriter> w(new FileWriter());
  w->path_ = path;
  // Unique per writer: two writers of one path (e.g. racing checkpoints of a version) must not
  // share a temporary file.
  w->temp_path_ = path + ".keel-tmp-" + NewId().substr(0, 12);
  w->fs_ = fs;
  KEEL_ASSIGN_OR_RETURN(w->file_, fs->OpenForWrite(w->temp_path_));
  Status s = w->Init(schema, options);
  if (!s.ok()) {
    w->failed_ = true;
    return s;
  }
  return w;
}

FileWriter::~FileWriter() {
  if (file_ && !closed_) {
    (void)file_->Close();
    (void)fs_->RemoveFile(temp_path_);
  }
}

Status FileWriter::Emit(const std::string& bytes) {
  offset_ += bytes.size();
  if (!file_) {
    buffer_.append(bytes);
    return Status::OK();
  }
  return file_->Append(bytes);
}

Status FileWriter::Write(const batch::RecordBatch& batch) {
  if (failed_ || closed_) return Status::InvalidState("parquet writer is closed or failed");
  if (!(batch.schema == schema_)) {
    return Status::InvalidArgument("batch schema " + batch.schema.ToString() +
                                   " differs from the file schema " + schema_.ToString());
  }
  Status s = batch.Validate();
  if (!s.ok()) return Status::InvalidArgument("invalid batch: " + s.message());
  for (int64_t begin = 0; begin < batch.num_rows; begin += options_.row_group_rows) {
    int64_t end = std::min(batch.num_rows, begin + options_.row_group_rows);
    s = WriteRowGroup(batch, begin, end);
    if (!s.ok()) {
      failed_ = true;
      return s;
    }
  }
  return Status::OK();
}

Status FileWriter::WriteRowGroup(const batch::RecordBatch& batch, int64_t begin, int64_t end) {
  const auto& leaves = parquet_schema_.leaves();
  ColumnWriteOptions cw;
  cw.codec = options_.codec;
  cw.page_bytes = options_.page_bytes;
  cw.dictionary = options_.dictionary;
  cw.dictionary_page_bytes = options_.dictionary_page_bytes;
  cw.statistics = options_.statistics;
  RowGroup rg;
  rg.num_rows = end - begin;
  rg.file_offset = static_cast<int64_t>(offset_);
  int64_t compressed = 0;
  std::string bytes;
  for (size_t f = 0; f < parquet_schema_.fields().size(); ++f) {
    std::vector<ShreddedLeaf> shredded(leaves.size());
    const SchemaNode& node = parquet_schema_.fields()[f];
    KEEL_RETURN_IF_ERROR(ShredColumn(node, batch.columns[f], begin, end, &shredded));
    std::vector<int> leaf_ids;
    CollectLeafIndices(node, &leaf_ids);
    for (int leaf : leaf_ids) {
      bytes.clear();
      KEEL_ASSIGN_OR_RETURN(ColumnChunk chunk,
                            WriteColumnChunk(leaves[leaf], shredded[leaf], cw, offset_, &bytes));
      KEEL_RETURN_IF_ERROR(Emit(bytes));
      compressed += chunk.meta_data->total_compressed_size;
      rg.total_byte_size += chunk.meta_data->total_uncompressed_size;
      rg.columns.push_back(std::move(chunk));
    }
  }
  rg.total_compressed_size = compressed;
  metadata_->num_rows += rg.num_rows;
  metadata_->row_groups.push_back(std::move(rg));
  return Status::OK();
}

std::string FileWriter::Footer() const {
  std::string footer = SerializeFileMetaData(*metadata_);
  uint32_t len = static_cast<uint32_t>(footer.size());
  footer.append(reinterpret_cast<const char*>(&len), 4);
  footer.append("PAR1");
  return footer;
}

Status FileWriter::Close() {
  if (closed_) return Status::OK();
  if (failed_) return Status::InvalidState("parquet writer failed earlier; nothing written");
  KEEL_RETURN_IF_ERROR(Emit(Footer()));
  closed_ = true;
  if (!file_) return Status::OK();
  KEEL_RETURN_IF_ERROR(file_->Sync());
  KEEL_RETURN_IF_ERROR(file_->Close());
  return fs_->Rename(temp_path_, path_);
}

Result<std::string> FileWriter::WriteToBuffer(const batch::RecordBatch& batch,
                                              const WriterOptions& options) {
  FileWriter w;
  KEEL_RETURN_IF_ERROR(w.Init(batch.schema, options));
  KEEL_RETURN_IF_ERROR(w.Write(batch));
  KEEL_RETURN_IF_ERROR(w.Close());
  return std::move(w.buffer_);
}

}  // namespace keel::parquet
